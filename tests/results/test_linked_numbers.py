"""Numbers a page shows beside the answer tables they come from never give back a cell
those tables hide: the previous wave's n and mean on the joint display, the outcomes'
n, mean and top-two share in the CMO table."""

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


@pytest.mark.parametrize("scope, value", [("situation", "po_vo")])
def test_an_outcome_of_the_cmo_table_never_stands_beside_a_hidden_answer(example, scope,
                                                                        value):
    # po_vo's satisfaction table hides 4 and 7 of its 22 schools; the CMO row showed
    # n = 22 and mean 4,36 beside it, from which both come back
    results = compute(example, scope=scope, scope_value=value, wave=2023)
    hiding = set()
    for block in ("satisfaction", "yield"):
        for items in results.table_items(block).values():
            dist = results.distribution(items)
            hiding |= {f"item:{i}" for i, part in dist.groupby("item")
                       if (part["hidden"] != "").any()}
    cmo = results.cmo
    # a mean the CMO table shows (satisfaction; a yield's row shows none)
    outcomes = cmo[(cmo["cmo"] == "outcome") & cmo["element"].isin(hiding)
                   & cmo["mean"].notna()]
    assert len(outcomes), "no outcome table hides a cell here: the test would prove nothing"
    assert (outcomes["hidden"] != "").all()


def test_a_condition_mean_in_the_cmo_table_has_the_joint_displays_precision(example):
    # where two decimals would pin a hidden cell the plan shows one; the CMO table showed
    # two for the same mean
    from image_synth.render import sections as S

    results = compute(example, wave=2023)
    display = results.joint_display.set_index("row_id")
    cmo = results.cmo
    rows = cmo[cmo["element"].isin(display.index[display["mean_digits"] == 1])
               & (cmo["hidden"] == "")]
    assert len(rows), "no mean at one decimal: the test would prove nothing"
    assert (rows["mean_digits"] == 1).all()
    html = S.integration(results, lang="nl").to_html()
    cmo_html = html[html.index('id="T_cmo-national"'):]
    for mean in rows["mean"]:
        assert f"{mean:.2f}".replace(".", ",") not in cmo_html
