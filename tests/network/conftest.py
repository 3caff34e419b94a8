"""Fixtures for the network-drawing tests."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # never open a window

HERE = Path(__file__).parent
PROJECT = HERE.parents[1]
FIXTURES = HERE / "fixtures"
#: The example study's drawings, as the package ships them (found like load_study does).
REFERENCE_TABLES = PROJECT.parent / "shared" / "reference" / "image_2023_tables.yaml"


@pytest.fixture(scope="session")
def example_drawings():
    """The eight drawings of the embedded example study, read by load_study()."""
    import image_synth

    return list(image_synth.load_study().drawings)


@pytest.fixture(scope="session")
def example_measures(example_drawings):
    from image_synth.network import measures

    return measures(example_drawings).set_index("region")


@pytest.fixture(scope="session")
def small_drawings():
    from image_synth.network import read_drawings

    return {d.meeting: d for d in read_drawings(FIXTURES / "small_graphs.yaml")}
