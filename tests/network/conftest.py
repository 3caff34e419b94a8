"""Fixtures for the network-drawing tests."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # never open a window

HERE = Path(__file__).parent
PROJECT = HERE.parents[1]
FIXTURES = HERE / "fixtures"
#: The authored example drawings (copied into the embedded example study by its generator).
EXAMPLE_DRAWINGS = PROJECT / "tools" / "example_src" / "drawings_2023.yaml"
REFERENCE_TABLES = PROJECT.parent / "shared" / "reference" / "image_2023_tables.yaml"


@pytest.fixture(scope="session")
def example_drawings():
    from image_synth.network import read_drawings

    return read_drawings(EXAMPLE_DRAWINGS)


@pytest.fixture(scope="session")
def example_measures(example_drawings):
    from image_synth.network import measures

    return measures(example_drawings).set_index("region")


@pytest.fixture(scope="session")
def small_drawings():
    from image_synth.network import read_drawings

    return {d.meeting: d for d in read_drawings(FIXTURES / "small_graphs.yaml")}
