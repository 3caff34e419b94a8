"""cooccurrence(): counts and c-coefficients worked out by hand.

Source A: s1 x [0,10), s2 y [5,15), s3 z [20,30), s4 y [30,40) (touches s3 only)
Source B: s5 x [0,10), s6 z [0,10) (the same passage, two codes)
Source C: s7 y, no offsets
Source D: s8 x [0,50), s9 y [10,20), s10 y [30,40) (one x overlaps two y)

Source level: x in A, B, D (3); y in A, C, D (3); z in A, B (2).
  x-y: A, D = 2, c = 2 / (3 + 3 - 2) = 0.5
  x-z: A, B = 2, c = 2 / (3 + 2 - 2) = 2/3
  y-z: A = 1,    c = 1 / (3 + 2 - 1) = 0.25
Segment level (s7 left out): x = s1, s5, s8 (3); y = s2, s4, s9, s10 (4); z = s3, s6 (2).
  x-y: s1-s2, s8-s9, s8-s10 = 3, c = 3 / (3 + 4 - 3) = 0.75
  x-z: s5-s6 = 1,                c = 1 / (3 + 2 - 1) = 0.25
  y-z: none (s4 only touches s3), c = 0
"""

from __future__ import annotations

import pandas as pd
import pytest

from image_synth.errors import AnalysisError, OptionError
from image_synth.qual import cooccurrence


@pytest.fixture
def segs():
    return pd.DataFrame({
        "segment_id": [f"s{i}" for i in range(1, 11)],
        "source_id": ["A", "A", "A", "A", "B", "B", "C", "D", "D", "D"],
        "code": ["x", "y", "z", "y", "x", "z", "y", "x", "y", "y"],
        "start": pd.array([0, 5, 20, 30, 0, 0, pd.NA, 0, 10, 30], dtype="Int64"),
        "end": pd.array([10, 15, 30, 40, 10, 10, pd.NA, 50, 20, 40], dtype="Int64"),
    })


def as_dict(frame):
    return {(r.code_a, r.code_b): (r.count, r.n_a, r.n_b, r.c_coefficient)
            for r in frame.itertuples()}


def test_source_level(segs):
    out = cooccurrence(segs)
    assert list(out.columns) == ["code_a", "code_b", "count", "n_a", "n_b", "c_coefficient"]
    got = as_dict(out)
    assert got.keys() == {("x", "y"), ("x", "z"), ("y", "z")}
    assert got[("x", "y")] == (2, 3, 3, pytest.approx(0.5))
    assert got[("x", "z")] == (2, 3, 2, pytest.approx(2 / 3))
    assert got[("y", "z")] == (1, 3, 2, pytest.approx(0.25))


def test_segment_level(segs):
    with pytest.warns(UserWarning, match="1 segment"):
        out = cooccurrence(segs, level="segment")
    got = as_dict(out)
    assert got[("x", "y")] == (3, 3, 4, pytest.approx(0.75))
    assert got[("x", "z")] == (1, 3, 2, pytest.approx(0.25))
    assert got[("y", "z")] == (0, 4, 2, 0.0)
    assert out.attrs["excluded_segments"] == 1


def test_codes_restrict_and_order(segs):
    out = cooccurrence(segs, codes=["z", "x", "unused"])
    assert out[["code_a", "code_b"]].values.tolist() == [["z", "x"], ["z", "unused"],
                                                         ["x", "unused"]]
    assert out["count"].tolist() == [2, 0, 0]
    assert out["n_a"].tolist() == [2, 2, 3]
    assert out["c_coefficient"].iloc[1] == 0.0  # z occurs, unused does not: 0 / (2 + 0)
    assert cooccurrence(segs, codes=["unused", "other"])["c_coefficient"].isna().all()


def test_segment_level_needs_offsets(segs):
    flat = segs.assign(start=pd.NA, end=pd.NA)
    with pytest.raises(AnalysisError, match="level='source'"):
        cooccurrence(flat, level="segment")
    with pytest.raises(OptionError):
        cooccurrence(segs, level="paragraph")
