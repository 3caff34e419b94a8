"""Measures against values computed by hand on three small drawings.

The expected values below were worked out on paper from the definitions in
image_synth.network.measures (the working is in the comments); none of them was
produced by running this package or networkx.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from image_synth.errors import AnalysisError
from image_synth.network import MEASURE_COLUMNS, classification_rules, classify, compare, measures


def one(frame: pd.DataFrame, meeting: str, tie_kind: str = "all") -> pd.Series:
    rows = frame[(frame["meeting"] == meeting) & (frame["tie_kind"] == tie_kind)]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.fixture(scope="module")
def by_kind(small_drawings):
    return measures(list(small_drawings.values()), by_kind=True)


def test_columns_and_rows(by_kind):
    assert tuple(by_kind.columns) == MEASURE_COLUMNS
    # 3 drawings x ("all" + 3 default kinds)
    assert len(by_kind) == 12
    assert list(by_kind["tie_kind"][:4]) == ["all", "intensive_contact", "decision", "initiative"]


def test_star_of_five_all_ties(by_kind):
    r = one(by_kind, "STAR5")
    # parties h, a, b, c, d
    assert r["n_parties"] == 5
    # 4 intensive + 3 initiative + 1 decision ties
    assert r["n_ties"] == 8
    # linked pairs: h-a, h-b, h-c, h-d (the other ties repeat these pairs)
    assert r["n_pairs"] == 4
    # 4 / (5 * 4 / 2) = 4 / 10
    assert r["density"] == pytest.approx(0.4)
    # degrees h=4, a=b=c=d=1: ((4-4) + 4 * (4-1)) / ((5-1)(5-2)) = 12 / 12
    assert r["degree_centralisation"] == pytest.approx(1.0)
    assert r["hub"] == "h" and r["hub_type"] == "swv"
    # the hub is in 4 of the 4 linked pairs
    assert r["hub_share"] == pytest.approx(1.0)
    assert (r["n_components"], r["n_linked_components"], r["n_isolated"]) == (1, 1, 0)
    assert r["isolated"] == ""
    # initiative h->a, a->h, h->c: sources h and a (file order)
    assert r["initiators"] == "h,a"
    # decision h->b: source h
    assert r["deciders"] == "h"
    # initiative dyads {h,a} (both ways) and {h,c} (one way): 1 / 2
    assert r["initiative_reciprocity"] == pytest.approx(0.5)
    assert r["kinds"] == "intensive_contact,decision,initiative"
    # centralisation 1 >= 0.5 and hub share 1 >= 0.5, intensive contact present
    assert r["structure"] == "star"


def test_star_of_five_initiative_only(by_kind):
    r = one(by_kind, "STAR5", "initiative")
    # three initiative ties on two pairs h-a, h-c
    assert (r["n_ties"], r["n_pairs"]) == (3, 2)
    # 2 / 10
    assert r["density"] == pytest.approx(0.2)
    # degrees h=2, a=1, b=0, c=1, d=0: (0 + 1 + 2 + 1 + 2) / (4 * 3) = 6 / 12
    assert r["degree_centralisation"] == pytest.approx(0.5)
    assert r["hub"] == "h" and r["hub_share"] == pytest.approx(1.0)
    # components {h,a,c}, {b}, {d}
    assert (r["n_components"], r["n_linked_components"]) == (3, 1)
    assert r["isolated"] == "b,d" and r["n_isolated"] == 2
    # the drawing's class is repeated on per-kind rows
    assert r["structure"] == "star"


def test_four_cycle(by_kind):
    r = one(by_kind, "CYCLE4")
    assert (r["n_parties"], r["n_ties"], r["n_pairs"]) == (4, 4, 4)
    # 4 / (4 * 3 / 2) = 4 / 6
    assert r["density"] == pytest.approx(2 / 3)
    # all degrees 2: (0 + 0 + 0 + 0) / (3 * 2) = 0
    assert r["degree_centralisation"] == pytest.approx(0.0)
    # all degree 2 with 2 ties each: the first in the file wins the tie
    assert r["hub"] == "a"
    # a is in 2 of the 4 linked pairs
    assert r["hub_share"] == pytest.approx(0.5)
    assert (r["n_components"], r["n_isolated"]) == (1, 0)
    assert r["initiators"] == "" and r["deciders"] == ""
    # no initiative ties: reciprocity undefined
    assert math.isnan(r["initiative_reciprocity"])
    # centralisation 0 < 0.5: not a star, and not fragmented
    assert r["structure"] == "network"


def test_two_components_and_an_isolate(by_kind):
    r = one(by_kind, "SPLIT6")
    # pairs a-b, b-c, d-e; six parties
    assert (r["n_parties"], r["n_ties"], r["n_pairs"]) == (6, 3, 3)
    # 3 / (6 * 5 / 2) = 3 / 15
    assert r["density"] == pytest.approx(0.2)
    # degrees a=1, b=2, c=1, d=1, e=1, f=0: (1 + 0 + 1 + 1 + 1 + 2) / (5 * 4) = 6 / 20
    assert r["degree_centralisation"] == pytest.approx(0.3)
    # b has degree 2; it is in 2 of the 3 linked pairs
    assert r["hub"] == "b" and r["hub_share"] == pytest.approx(2 / 3)
    # {a,b,c}, {d,e}, {f}
    assert (r["n_components"], r["n_linked_components"]) == (3, 2)
    assert r["isolated"] == "f" and r["n_isolated"] == 1
    # d -> e is the only initiative tie, one way
    assert r["initiators"] == "d"
    assert r["initiative_reciprocity"] == pytest.approx(0.0)
    assert r["structure"] == "fragmented" and r["structure_rule"] == "components"


def test_two_components_intensive_only(by_kind):
    r = one(by_kind, "SPLIT6", "intensive_contact")
    assert (r["n_ties"], r["n_pairs"]) == (2, 2)
    # 2 / 15
    assert r["density"] == pytest.approx(2 / 15)
    # degrees a=1, b=2, c=1, d=e=f=0: (1 + 0 + 1 + 2 + 2 + 2) / 20 = 8 / 20
    assert r["degree_centralisation"] == pytest.approx(0.4)
    assert r["hub"] == "b" and r["hub_share"] == pytest.approx(1.0)
    # {a,b,c}, {d}, {e}, {f}
    assert (r["n_components"], r["n_linked_components"]) == (4, 1)
    assert r["isolated"] == "d,e,f"


def test_kind_with_no_ties_and_fewer_than_three_parties(small_drawings):
    frame = measures(small_drawings["CYCLE4"], kind="decision")
    r = frame.iloc[0]
    assert r["tie_kind"] == "decision" and r["n_ties"] == 0
    assert r["hub"] is None and math.isnan(r["hub_share"])
    assert r["n_isolated"] == 4
    from image_synth.network import read_drawings

    pair = read_drawings({"drawings": [{"meeting": "P2", "parties": [
        {"id": "x", "type": "swv"}, {"id": "y", "type": "swv"}],
        "ties": [{"from": "x", "to": "y", "kind": "rood"}]}]})
    r = measures(pair).iloc[0]
    # Freeman is undefined for n = 2; density 1 / 1
    assert math.isnan(r["degree_centralisation"]) and r["density"] == pytest.approx(1.0)
    assert r["structure"] == "network"


def test_measures_argument_errors(small_drawings):
    with pytest.raises(AnalysisError, match="not both"):
        measures(list(small_drawings.values()), kind="decision", by_kind=True)
    with pytest.raises(AnalysisError, match="kind='purple'.*intensive_contact"):
        measures(list(small_drawings.values()), kind="purple")
    with pytest.raises(AnalysisError, match="Drawing"):
        measures(["not a drawing"])


def test_classification_parameters(small_drawings):
    frame = measures(list(small_drawings.values()))
    # SPLIT6 has 2 linked components: not fragmented when 3 are needed; 1/6 isolated
    # is below 25%; centralisation 0.3 < 0.5: network
    again = classify(frame, fragmented_components=3).set_index("meeting")
    assert again.loc["SPLIT6", "structure"] == "network"
    # ... but fragmented when more than 10% isolated counts
    again = classify(frame, fragmented_components=3, fragmented_isolated_share=0.1)
    assert again.set_index("meeting").loc["SPLIT6", "structure_rule"] == "isolated"
    # CYCLE4 is a star only when nothing is asked of centralisation and hub share 0.5 is
    # enough
    again = classify(frame, star_centralisation=0.0).set_index("meeting")
    assert again.loc["CYCLE4", "structure"] == "star"
    assert "Freeman degree centralisation >= 0.0" in again.attrs["classification_rules"]
    with pytest.raises(AnalysisError, match="unknown classification parameter"):
        classify(frame, star_share=0.2)
    with pytest.raises(AnalysisError, match="between 0 and 1"):
        classify(frame, star_hub_share=2)
    with pytest.raises(AnalysisError, match="needs the columns"):
        classify(frame.drop(columns="kinds"))


def test_classification_rules_text():
    text = classification_rules(star_centralisation=0.6, star_hub_share=0.55)
    assert "1. fragmented: no tie of kind intensive_contact at all" in text
    assert ">= 0.6" in text and ">= 55%" in text
    assert "more than 25% of the parties" in text
    nl = classification_rules(lang="nl")
    assert "ster:" in nl and "gefragmenteerd" in nl
    assert "intensive_contact" not in classification_rules(core_kind=None)


def test_compare_joins_situation_stats(small_drawings):
    frame = measures(list(small_drawings.values()), by_kind=True)
    table = compare(frame)
    # only the "all" rows; situations in order of first appearance
    assert list(table["meeting"]) == ["STAR5", "CYCLE4", "SPLIT6"]
    assert list(table["n_drawings"]) == [2, 2, 1]
    assert list(table["situation_structures"]) == ["star, network", "star, network",
                                                   "fragmented"]
    stats = pd.DataFrame({"situation": ["test", "unused"], "satisfaction_mean": [5.1, 4.0],
                          "communication": [3.9, 3.1]})
    joined = compare(frame, stats)
    assert list(joined["satisfaction_mean"][:2]) == [5.1, 5.1]
    assert math.isnan(joined["satisfaction_mean"].iloc[2])
    assert joined.columns[-2:].tolist() == ["satisfaction_mean", "communication"]
    with pytest.raises(AnalysisError, match="more than one row"):
        compare(frame, pd.concat([stats, stats]))
    with pytest.raises(AnalysisError, match="repeats the column"):
        compare(frame, stats.assign(density=1.0))
    with pytest.raises(AnalysisError, match="must be a column"):
        compare(frame, stats.rename(columns={"situation": "sit"}))
