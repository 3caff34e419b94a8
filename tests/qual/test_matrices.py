"""case_by_code(), export_case_by_code() and quote_matrix() on hand-made fixtures."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from image_synth.errors import AnalysisError, OptionError
from image_synth.qual import (
    Pseudonymiser,
    case_by_code,
    export_case_by_code,
    format_quote,
    quote_matrix,
)

# ----------------------------------------------------------------------- case by code


def test_presence(segments, sources, codebook):
    out = case_by_code(segments, sources, codebook=codebook)
    assert list(out.columns) == list(sources.columns) + list(codebook["code"])
    assert out["source_id"].tolist() == ["S1", "S2", "S3", "S4", "S5", "D1"]
    got = out.set_index("source_id")
    assert got.loc["S1", ["wf", "vertrouwen", "vertrouwen_a", "vertrouwen_b",
                          "communicatie"]].tolist() == [1, 1, 1, 1, 0]
    assert got.loc["S4", "wf"] == 1 and got.loc["S4", "vertrouwen"] == 0
    assert (got.loc["S5", list(codebook["code"])] == 0).all()  # no codings: a row of zeros
    assert got.loc["D1", "communicatie"] == 1
    assert got.loc["S2", "situation"] == "po_vo"


def test_counts_and_rollups(segments, sources, codebook):
    out = case_by_code(segments, sources, codebook=codebook, values="count",
                       source_types="interview").set_index("source_id")
    assert out.index.tolist() == ["S1", "S2", "S3", "S4", "S5"]
    # S1: g1, g3 vertrouwen_a; g2 vertrouwen_b -> vertrouwen 3, wf 3
    assert out.loc["S1", ["wf", "vertrouwen", "vertrouwen_a", "vertrouwen_b"]].tolist() == \
        [3, 3, 2, 1]
    cats = case_by_code(segments, sources, codebook=codebook, values="count",
                        rollup="category").set_index("source_id")
    assert [c for c in cats.columns if c not in sources.columns] == \
        ["working_factor", "hindering_factor", "condition"]
    assert cats.loc["S1", "working_factor"] == 3
    assert cats.loc["S3", ["hindering_factor", "condition"]].tolist() == [1, 1]
    assert cats.loc["S4", "working_factor"] == 0  # coded on the grouping code only
    with pytest.raises(OptionError):
        case_by_code(segments, sources, values="yes")


def test_code_clashing_with_a_column(segments, sources):
    clash = segments.assign(code=segments["code"].replace({"wf": "role"}))
    with pytest.raises(AnalysisError, match="'role'"):
        case_by_code(clash, sources)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_round_trip(tmp_path, segments, sources, codebook, suffix):
    frame = case_by_code(segments, sources, codebook=codebook, values="count")
    path = export_case_by_code(frame, tmp_path / f"matrix{suffix}")
    assert path == tmp_path / f"matrix{suffix}"
    assert os.listdir(tmp_path) == [f"matrix{suffix}"]  # no temporary file left behind
    back = pd.read_csv(path) if suffix == ".csv" else pd.read_excel(path)
    assert list(back.columns) == list(frame.columns)
    assert back["source_id"].tolist() == frame["source_id"].tolist()
    codes = list(codebook["code"])
    assert back[codes].values.tolist() == frame[codes].values.tolist()
    assert back["synthetic"].tolist() == frame["synthetic"].tolist()
    assert back["role"].isna().tolist() == frame["role"].isna().tolist()


def test_export_is_atomic(tmp_path, segments, sources, monkeypatch):
    frame = case_by_code(segments, sources)
    path = export_case_by_code(frame, tmp_path / "m.csv")
    before = path.read_bytes()

    def broken(self, *args, **kwargs):
        with open(args[0], "w") as handle:
            handle.write("half a fi")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    with pytest.raises(OSError, match="disk full"):
        export_case_by_code(frame, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.csv"]


def test_export_refuses_other_formats(tmp_path, segments, sources):
    with pytest.raises(OptionError, match="'.csv', '.xlsx'"):
        export_case_by_code(case_by_code(segments, sources), tmp_path / "m.json")


# ----------------------------------------------------------------------- quote matrix


@pytest.fixture
def quoted():
    """Code x in situation s1: A has a1 (start 50) and a2 (start 10), B has b1, C (synthetic)
    has c1. Code y: d1 in s2 and an empty quote d2 (skipped)."""
    sources = pd.DataFrame({"source_id": ["A", "B", "C", "D"],
                            "source_type": "interview",
                            "situation": ["s1", "s1", "s1", "s2"],
                            "synthetic": [False, False, True, False]})
    segments = pd.DataFrame({
        "segment_id": ["a1", "a2", "b1", "c1", "d1", "d2"],
        "source_id": ["A", "A", "B", "C", "D", "D"],
        "code": ["x", "x", "x", "x", "y", "y"],
        "start": [50, 10, 5, 0, 0, 10],
        "end": [60, 20, 15, 10, 5, 20],
        "quote": ["Eerste van A.", "Tweede van A, eerder.", "Van B.",
                  "Synthetisch citaat.", "In Zwolle met meneer Bakker.", "  "],
    })
    return segments, sources


def test_order_and_cap(quoted):
    segments, sources = quoted
    out = quote_matrix(segments, sources)
    assert list(out.columns) == ["code", "situation", "rank", "source_id", "segment_id",
                                 "quote", "pinned", "synthetic"]
    x = out[out["code"] == "x"]
    # one passage per source first (A's earliest is a2), sources in id order; cap 3
    assert x["segment_id"].tolist() == ["a2", "b1", "c1"]
    assert x["rank"].tolist() == [1, 2, 3]
    assert x["synthetic"].tolist() == [False, False, True]
    assert not x["pinned"].any()
    every = quote_matrix(segments, sources, max_per_cell=None)
    assert every[every["code"] == "x"]["segment_id"].tolist() == ["a2", "b1", "c1", "a1"]
    y = out[out["code"] == "y"]
    assert y["segment_id"].tolist() == ["d1"]  # the blank quote is skipped
    assert y["situation"].tolist() == ["s2"]


def test_pins(quoted):
    segments, sources = quoted
    out = quote_matrix(segments, sources, pinned=["a1"])
    x = out[out["code"] == "x"]
    assert x["segment_id"].tolist() == ["a1", "a2", "b1"]
    assert x["pinned"].tolist() == [True, False, False]
    out = quote_matrix(segments, sources, pinned={"x": ["c1", "a1"]}, max_per_cell=2)
    assert out[out["code"] == "x"]["segment_id"].tolist() == ["c1", "a1"]
    frame = pd.DataFrame({"segment_id": ["b1"]})
    assert quote_matrix(segments, sources, pinned=frame)["segment_id"].iloc[0] == "b1"
    with pytest.raises(AnalysisError, match="'zz'"):
        quote_matrix(segments, sources, pinned=["zz"])
    with pytest.raises(AnalysisError, match="another code"):
        quote_matrix(segments, sources, pinned={"y": ["a1"]})
    with pytest.warns(UserWarning, match="beyond max_per_cell"):
        quote_matrix(segments, sources, pinned=["a1", "b1", "c1"], max_per_cell=2)


def test_national_cells_and_codes(quoted):
    segments, sources = quoted
    out = quote_matrix(segments, sources, by=None, codes=["y", "x"], max_per_cell=1)
    assert list(out.columns) == ["code", "rank", "source_id", "segment_id", "quote",
                                 "pinned", "synthetic"]
    assert out[["code", "segment_id"]].values.tolist() == [["y", "d1"], ["x", "a2"]]


def test_pseudonymiser_applied_and_log_kept_apart(quoted):
    segments, sources = quoted
    p = Pseudonymiser({"gemeente": ["Zwolle"]}, detector="rules")
    out = quote_matrix(segments, sources, pseudonymiser=p)
    quote = out.set_index("segment_id").loc["d1", "quote"]
    assert quote == "In [gemeente] met meneer [persoon]."
    assert "original" not in out.columns
    log = p.log
    assert log[["segment_id", "original", "marker"]].values.tolist() == [
        ["d1", "Zwolle", "[gemeente]"], ["d1", "Bakker", "[persoon]"]]


def test_every_quote_shown_passes_the_pseudonymiser(quoted):
    segments, sources = quoted

    class Upper:
        def __init__(self):
            self.calls = []

        def pseudonymise(self, text, *, source_id=None, segment_id=None):
            self.calls.append((source_id, segment_id))
            return text.upper(), [{"original": "x"}]

    stub = Upper()
    out = quote_matrix(segments, sources, pseudonymiser=stub)
    assert sorted(stub.calls) == sorted(zip(out["source_id"], out["segment_id"]))
    assert (out["quote"] == out["quote"].str.upper()).all()


def test_format_quote_marks_synthetic():
    assert format_quote("Het werkt.", synthetic=True) == "“Het werkt.” (synthetisch)"
    assert format_quote("It works.", synthetic=True, source_id="I03", context="po-vo",
                        language="en") == "“It works.” (po-vo, I03) (synthetic)"
    assert format_quote("Echt.") == "“Echt.”"
