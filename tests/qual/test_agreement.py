"""intercoder_agreement(): hand-computed kappa, checked against statsmodels too.

Sources S1-S6 are coded by both ann and bob (S7 only by ann: left out).

code  ann         bob         agree     p_o  p_ann p_bob p_e                        kappa
x     S1 S2 S3 S4 S1 S2 S5    S1 S2 S6  3/6  4/6   3/6   4/6*3/6 + 2/6*3/6 = 1/2  0
y     S1 S2 S3    S1 S2 S3 S4 all but 4 5/6  3/6   4/6   3/6*4/6 + 3/6*2/6 = 1/2  2/3
w     S5 S6       S5 S6       all       6/6  2/6   2/6   1/9 + 4/9 = 5/9          1
z     (S7 only)   -           all       6/6  0     0     1                        undefined

kappa = (p_o - p_e) / (1 - p_e): y (5/6 - 1/2) / (1/2) = 2/3; w (1 - 5/9) / (4/9) = 1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.inter_rater import cohens_kappa

from image_synth.errors import AnalysisError
from image_synth.qual import intercoder_agreement

CODINGS = [
    ("ann", "S1", "x"), ("ann", "S2", "x"), ("ann", "S3", "x"), ("ann", "S4", "x"),
    ("ann", "S1", "y"), ("ann", "S2", "y"), ("ann", "S3", "y"),
    ("ann", "S5", "w"), ("ann", "S6", "w"), ("ann", "S7", "z"),
    ("bob", "S1", "x"), ("bob", "S2", "x"), ("bob", "S5", "x"),
    ("bob", "S1", "y"), ("bob", "S2", "y"), ("bob", "S3", "y"), ("bob", "S4", "y"),
    ("bob", "S5", "w"), ("bob", "S6", "w"),
]


@pytest.fixture
def segs():
    return pd.DataFrame([{"segment_id": f"c{i}", "source_id": s, "code": c, "coder": who}
                         for i, (who, s, c) in enumerate(CODINGS)])


def test_hand_computed(segs):
    out = intercoder_agreement(segs, codes=["x", "y", "w", "z"])
    assert list(out.columns) == ["code", "n_units", "percent_agreement", "kappa"]
    got = out.set_index("code")
    assert (got["n_units"] == 6).all()
    assert got.loc["x", "percent_agreement"] == pytest.approx(0.5)
    assert got.loc["x", "kappa"] == pytest.approx(0.0)
    assert got.loc["y", "percent_agreement"] == pytest.approx(5 / 6)
    assert got.loc["y", "kappa"] == pytest.approx(2 / 3)
    assert got.loc["w", "kappa"] == pytest.approx(1.0)
    assert got.loc["z", "percent_agreement"] == pytest.approx(1.0)
    assert np.isnan(got.loc["z", "kappa"])
    assert out.attrs["coders"] == ("ann", "bob")


def test_default_codes_are_those_in_shared_sources(segs):
    out = intercoder_agreement(segs)
    assert out["code"].tolist() == ["w", "x", "y"]  # z only in S7, coded by ann alone


@pytest.mark.parametrize("code, table", [
    # [[both, ann only], [bob only, neither]] from the docstring table
    ("x", [[2, 2], [1, 1]]),
    ("y", [[3, 0], [1, 2]]),
    ("w", [[2, 0], [0, 4]]),
])
def test_matches_statsmodels(segs, code, table):
    ours = intercoder_agreement(segs).set_index("code").loc[code, "kappa"]
    assert ours == pytest.approx(cohens_kappa(np.array(table)).kappa)


def test_segment_units():
    # units: (0,10) (2,8) (20,30) (22,25) in S1
    # x: ann [1,1,0,0], bob [1,1,1,1]: p_o 1/2, p_e 1/2*1 + 1/2*0 = 1/2, kappa 0
    # y: ann [0,0,1,1], bob [0,0,1,1]: p_o 1, p_e 1/2, kappa 1
    segs = pd.DataFrame({
        "segment_id": ["a1", "a2", "b1", "b2", "b3"],
        "source_id": "S1",
        "code": ["x", "y", "x", "x", "y"],
        "coder": ["ann", "ann", "bob", "bob", "bob"],
        "start": [0, 20, 2, 20, 22],
        "end": [10, 30, 8, 30, 25],
    })
    out = intercoder_agreement(segs, unit="segment").set_index("code")
    assert out.loc["x", "n_units"] == 4
    assert out.loc["x", "percent_agreement"] == pytest.approx(0.5)
    assert out.loc["x", "kappa"] == pytest.approx(0.0)
    assert out.loc["y", "kappa"] == pytest.approx(1.0)


def test_coder_errors(segs):
    three = pd.concat([segs, segs.assign(coder="cas", segment_id=segs["segment_id"] + "c")])
    with pytest.raises(AnalysisError, match="3 coder"):
        intercoder_agreement(three)
    assert intercoder_agreement(three, coders=("ann", "cas"))["kappa"].notna().any()
    with pytest.raises(AnalysisError, match="'dan'"):
        intercoder_agreement(segs, coders=("ann", "dan"))
    apart = segs[~((segs["coder"] == "bob") & segs["source_id"].isin(["S1", "S2", "S3", "S4",
                                                                      "S5", "S6"]))]
    apart = pd.concat([apart, pd.DataFrame([{"segment_id": "z9", "source_id": "S9",
                                             "code": "x", "coder": "bob"}])])
    with pytest.raises(AnalysisError, match="no source in common"):
        intercoder_agreement(apart)
