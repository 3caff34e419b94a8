"""Reference checks: unknown codes, unknown sources, sources without a group value."""

from __future__ import annotations

import pandas as pd
import pytest

from image_synth.errors import DataValidationError
from image_synth.qual import case_by_code, change_between_waves, mentions, quote_matrix


@pytest.fixture
def broken(segments, sources):
    bad = pd.DataFrame({
        "segment_id": ["g90", "g91", "g92"],
        "source_id": ["S1", "S99", "S6"],
        "code": ["onbekend", "personeel", "personeel"],
        "quote": ["a", "b", "c"],
    })
    extra = pd.DataFrame({"source_id": ["S6"], "source_type": ["interview"], "wave": [2023],
                          "situation": [pd.NA], "region": ["A"]})
    return (pd.concat([segments, bad], ignore_index=True),
            pd.concat([sources, extra], ignore_index=True))


def test_every_problem_is_listed(broken, codebook):
    segments, sources = broken
    with pytest.raises(DataValidationError) as caught:
        mentions(segments, sources, codebook=codebook)
    problems = {(p.file, p.row, p.column, p.value) for p in caught.value.problems}
    assert problems == {
        ("segments", "segment g90", "code", "onbekend"),
        ("segments", "segment g91", "source_id", "S99"),
        ("segments", "segment g92", "situation", None),
    }
    text = str(caught.value)
    assert "segment g90" in text and "'code'" in text and "'onbekend'" in text
    assert "expected a code of the codebook" in text
    assert "'S99'" in text and "a source_id of the sources" in text
    assert "source S6 has no situation" in text


def test_group_checked_only_for_requested_by(broken, codebook):
    segments, sources = broken
    segments = segments[segments["segment_id"].isin(["g1", "g92"])]
    # by region: S6 has a region, so g92 is fine
    out = mentions(segments, sources, codebook=codebook, by="region")
    assert out["region"].nunique() == 4


def test_source_without_group_and_without_segments(segments, sources, codebook):
    sources = sources.copy()
    sources.loc[sources["source_id"] == "S5", "situation"] = pd.NA  # S5 has no segments
    with pytest.raises(DataValidationError) as caught:
        mentions(segments, sources, codebook=codebook)
    [problem] = caught.value.problems
    assert (problem.file, problem.row, problem.column) == ("sources", "source S5", "situation")


def test_levels_refuse_unknown_group_values(segments, sources, codebook):
    with pytest.raises(DataValidationError, match="unknown situation"):
        mentions(segments, sources, codebook=codebook,
                 levels={"situation": ["po_vo", "binnen_po"]})


def test_other_functions_check_too(broken, codebook):
    segments, sources = broken
    earlier = pd.DataFrame({"source_id": ["E1"], "source_type": ["interview"],
                            "wave": [2022], "situation": ["po_vo"], "region": ["A"]})
    with_2022 = pd.concat([sources, earlier], ignore_index=True)
    calls = {
        "case_by_code": lambda: case_by_code(segments, sources, codebook=codebook),
        "quote_matrix": lambda: quote_matrix(segments, sources, codebook=codebook),
        "change_between_waves": lambda: change_between_waves(
            segments, with_2022, codebook=codebook, by="situation"),
    }
    for name, call in calls.items():
        with pytest.raises(DataValidationError) as caught:
            call()
        rows = {p.row for p in caught.value.problems}
        assert {"segment g90", "segment g91"} <= rows, name
        # case_by_code has no grouping, so g92's missing situation is no problem there
        assert ("segment g92" in rows) == (name != "case_by_code"), name


def test_codebook_problems(segments, sources, codebook):
    bad = codebook.copy()
    bad.loc[1, "parent"] = "nergens"
    bad.loc[2, "category"] = "opbrengst"
    with pytest.raises(DataValidationError) as caught:
        mentions(segments, sources, codebook=bad)
    got = {(p.file, p.column, p.value) for p in caught.value.problems}
    assert got == {("codebook", "parent", "nergens"), ("codebook", "category", "opbrengst")}
    cycle = codebook.copy()
    cycle.loc[0, "parent"] = "vertrouwen"  # wf -> vertrouwen -> wf
    with pytest.raises(DataValidationError, match="cycle"):
        mentions(segments, sources, codebook=cycle)


def test_duplicate_ids(segments, sources):
    dup = pd.concat([segments, segments.iloc[[0]]], ignore_index=True)
    with pytest.raises(DataValidationError, match="segment g1.*more than once"):
        mentions(dup, sources)
