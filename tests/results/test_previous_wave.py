"""The previous wave's numbers on a page are protected as that wave's own pages are."""

from __future__ import annotations

import numpy as np
import pytest

import image_synth
from image_synth.results import compute


@pytest.fixture(scope="module")
def example():
    return image_synth.load_study()


@pytest.mark.parametrize("scope, value", [("national", ""), ("situation", "po_vo"),
                                          ("region", "C")])
def test_previous_wave_numbers_never_stand_beside_a_hidden_cell_of_that_wave(example, scope,
                                                                            value):
    # the 2022 pages show each condition's answer table with its hidden cells; a 2023
    # joint display that showed 2022's n (the numeric answers) or mean for that row
    # would give them back: 'vorige meting' is then hidden too
    now = compute(example, scope=scope, scope_value=value, wave=2023)
    before = compute(example, scope=scope, scope_value=value, wave=2022)
    hiding = set()
    for items in before.table_items("condition", ordered=True).values():
        dist = before.distribution(items)
        hiding |= {i for i, part in dist.groupby("item") if (part["hidden"] != "").any()}
    display = now.joint_display.set_index("row_id")
    rows = [f"item:{i}" for i in hiding if f"item:{i}" in display.index]
    assert rows, "no condition row of 2022 hides a cell here: the test would prove nothing"
    for row in rows:
        # marked as hidden, or the whole survey cell is (then nothing of it shows)
        assert display.at[row, "hidden_previous"] or display.at[row, "hidden_survey"]
        assert np.isnan(display.at[row, "n_previous"])
        assert np.isnan(display.at[row, "mean_previous"])
