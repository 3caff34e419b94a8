"""mentions(): k of N per code and group, hand-counted on the fixture in conftest.py.

Interviews by situation: po_vo = S1, S2 (n 2); binnen_po = S3, S4 (n 2);
onderwijs_jeugdhulp = S5 (n 1, mentions nothing). D1 is a document in po_vo.
"""

from __future__ import annotations

import pandas as pd
import pytest

from image_synth.errors import AnalysisError, OptionError
from image_synth.qual import mentions


def cell(frame, key, value, **groups):
    rows = frame[frame[key] == value]
    for column, level in groups.items():
        rows = rows[rows[column] == level]
    assert len(rows) == 1, (value, groups, rows)
    return rows.iloc[0]


def test_columns_and_order(segments, sources, codebook):
    out = mentions(segments, sources, codebook=codebook, source_types="interview")
    assert list(out.columns) == ["code", "situation", "k_sources", "n_sources", "share",
                                 "n_segments"]
    # codebook order, then situations sorted; every code x every situation (8 x 3)
    assert len(out) == 24
    assert list(out["code"].iloc[::3]) == ["wf", "vertrouwen", "vertrouwen_a",
                                           "vertrouwen_b", "communicatie", "hf",
                                           "personeel", "cond_tijd"]
    assert list(out["situation"].iloc[:3]) == ["binnen_po", "onderwijs_jeugdhulp", "po_vo"]


def test_leaf_codes_count_once_per_source(segments, sources, codebook):
    out = mentions(segments, sources, codebook=codebook, source_types=["interview"])
    a = cell(out, "code", "vertrouwen_a", situation="po_vo")
    # S1 has two passages coded vertrouwen_a: one source, two segments
    assert (a.k_sources, a.n_sources, a.n_segments) == (1, 2, 2)
    assert a.share == pytest.approx(0.5)
    b = cell(out, "code", "vertrouwen_b", situation="po_vo")
    assert (b.k_sources, b.n_segments) == (2, 2)


def test_parent_aggregates_children_once_per_source(segments, sources, codebook):
    out = mentions(segments, sources, codebook=codebook, source_types="interview")
    parent = cell(out, "code", "vertrouwen", situation="po_vo")
    # S1 mentions both children (counts once), S2 mentions vertrouwen_b
    assert (parent.k_sources, parent.n_sources, parent.n_segments) == (2, 2, 4)
    top = cell(out, "code", "wf", situation="po_vo")
    # g1, g2, g3 (S1), g4, g5 (S2)
    assert (top.k_sources, top.n_segments) == (2, 5)
    top_po = cell(out, "code", "wf", situation="binnen_po")
    # g9 is coded on the grouping code itself (S4)
    assert (top_po.k_sources, top_po.n_sources, top_po.n_segments) == (1, 2, 1)


def test_zero_groups_are_visible(segments, sources, codebook):
    out = mentions(segments, sources, codebook=codebook, source_types="interview")
    silent = out[out["situation"] == "onderwijs_jeugdhulp"]
    assert len(silent) == 8
    assert (silent["k_sources"] == 0).all() and (silent["n_sources"] == 1).all()
    assert (silent["share"] == 0).all() and (silent["n_segments"] == 0).all()


def test_n_sources_includes_sources_that_mention_nothing(segments, sources, codebook):
    out = mentions(segments, sources, codebook=codebook, by=(), source_types="interview")
    assert list(out.columns) == ["code", "k_sources", "n_sources", "share", "n_segments"]
    row = cell(out, "code", "vertrouwen")
    assert (row.k_sources, row.n_sources) == (2, 5)
    assert row.share == pytest.approx(0.4)


def test_source_types_filter(segments, sources, codebook):
    every = mentions(segments, sources, codebook=codebook)
    row = cell(every, "code", "communicatie", situation="po_vo")
    assert (row.k_sources, row.n_sources, row.n_segments) == (2, 3, 2)  # S2 and D1
    docs = mentions(segments, sources, codebook=codebook, source_types="document")
    assert set(docs["situation"]) == {"po_vo"}
    assert cell(docs, "code", "communicatie", situation="po_vo").k_sources == 1


def test_parent_rollup(segments, sources, codebook):
    out = mentions(segments, sources, codebook=codebook, rollup="parent",
                   source_types="interview")
    assert list(dict.fromkeys(out["code"])) == ["wf", "hf", "cond_tijd"]
    wf = cell(out, "code", "wf", situation="po_vo")
    assert (wf.k_sources, wf.n_segments) == (2, 5)
    assert cell(out, "code", "wf", situation="binnen_po").k_sources == 1
    assert cell(out, "code", "hf", situation="binnen_po").k_sources == 1
    assert cell(out, "code", "cond_tijd", situation="binnen_po").k_sources == 1
    assert cell(out, "code", "hf", situation="po_vo").k_sources == 0


def test_category_rollup(segments, sources, codebook):
    out = mentions(segments, sources, codebook=codebook, rollup="category",
                   source_types="interview")
    assert out.columns[0] == "category"
    assert list(dict.fromkeys(out["category"])) == ["working_factor", "hindering_factor",
                                                    "condition"]
    wf = cell(out, "category", "working_factor", situation="po_vo")
    # children without a category inherit working_factor from vertrouwen
    assert (wf.k_sources, wf.n_sources, wf.n_segments) == (2, 2, 5)
    # g9 is coded on the grouping code wf, which has no category: not counted
    assert cell(out, "category", "working_factor", situation="binnen_po").k_sources == 0
    assert cell(out, "category", "hindering_factor", situation="binnen_po").k_sources == 1
    assert cell(out, "category", "condition", situation="binnen_po").k_sources == 1


def test_two_grouping_columns(segments, sources, codebook):
    out = mentions(segments, sources, codebook=codebook, by=("situation", "region"),
                   source_types="interview")
    groups = out[out["code"] == "wf"][["situation", "region", "n_sources"]]
    assert groups.values.tolist() == [["binnen_po", "B", 1], ["binnen_po", "C", 1],
                                      ["onderwijs_jeugdhulp", "D", 1], ["po_vo", "A", 2]]


def test_without_codebook_codes_are_flat(segments, sources):
    out = mentions(segments, sources, by=None, source_types="interview")
    assert list(dict.fromkeys(out["code"])) == sorted(set(segments["code"]))
    # no hierarchy: wf counts only its own coding (S4)
    assert cell(out, "code", "wf").k_sources == 1


def test_options_are_checked(segments, sources, codebook):
    with pytest.raises(OptionError, match="'code', 'parent', 'category'"):
        mentions(segments, sources, codebook=codebook, rollup="children")
    with pytest.raises(AnalysisError, match="codebook"):
        mentions(segments, sources, rollup="category")
    with pytest.raises(AnalysisError, match="'sector' is not a column"):
        mentions(segments, sources.drop(columns=[]), by="sector")
    with pytest.raises(AnalysisError, match="'meeting'"):
        mentions(segments, sources, source_types="meeting")


def test_wave_as_group_is_integer(segments, sources, codebook):
    out = mentions(segments, sources, codebook=codebook, by="wave")
    assert out["wave"].tolist()[:1] == [2023]
    assert pd.api.types.is_integer_dtype(out["k_sources"])
