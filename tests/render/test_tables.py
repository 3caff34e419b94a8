"""Rendering of the strands' tables: small groups hidden in publish mode, shown otherwise."""

from __future__ import annotations

import pandas as pd

import image_synth
from image_synth.errors import AnalysisError
from image_synth.quant.distributions import distribution
from image_synth.render.tables import distribution_html, likert_bars, protect_distribution

from _support import MINI


def test_distribution_hides_small_groups_and_their_complements():
    study = image_synth.load_study(MINI)
    dist = distribution(study.survey, items=["tijd"], instrument=study.instrument,
                        by="situation", wave=2023)
    shown = protect_distribution(dist, by=["situation"], min_n=5, publish=True)
    # po_vo asks 'tijd' of the 6 collaborating schools: counts below 5 are hidden, and
    # with them the smallest other answers until the hidden pool holds >= 5 schools
    po_vo = shown[shown["situation"] == "po_vo"]
    hidden = po_vo.loc[po_vo["suppressed"], "count"]
    assert hidden.isna().all()
    raw = dist[dist["situation"] == "po_vo"].set_index("code")["count"]
    assert raw[po_vo.loc[po_vo["suppressed"], "code"]].sum() >= 5
    html = distribution_html(dist, instrument=study.instrument, by="situation", min_n=5)
    assert "&lt;5" in html and "Er is voldoende tijd" in html


def test_publishing_off_shows_every_count():
    study = image_synth.load_study(MINI)
    dist = distribution(study.survey, items=["tijd"], instrument=study.instrument, wave=2023)
    html = distribution_html(dist, instrument=study.instrument, min_n=5, publish=False)
    assert "&lt;5" not in html


def test_likert_bars_have_alt_text():
    from image_synth.network.plot import get_alt_text

    study = image_synth.load_study(MINI)
    dist = distribution(study.survey, items=["com_1", "com_2"], instrument=study.instrument,
                        wave=2023)
    fig = likert_bars(dist, instrument=study.instrument)
    assert "Wij worden voldoende geinformeerd" in get_alt_text(fig)
    import matplotlib.pyplot as plt

    plt.close(fig)
    assert isinstance(dist, pd.DataFrame)


def test_no_answer_count_can_be_recovered_across_scopes():
    """Nation > situations > regions, every item of the example study (2023): the
    pattern leaves no hidden count pinned down by the tables' sums (the review found
    region G's answers to vis_3 recoverable as po_vo minus H minus I)."""
    from _support import determined_cells

    from image_synth.publish.disclosure import table_pattern

    study = image_synth.load_study()
    survey = study.survey[study.survey["wave"] == 2023]
    items = [i.id for i in study.instrument.items_in_block("mechanism")][:6]
    situations = [s.id for s in study.config.situations]
    by_sit = distribution(survey, items=items, instrument=study.instrument, by="situation")
    by_reg = distribution(survey, items=items, instrument=study.instrument, by="region")
    nat = distribution(survey, items=items, instrument=study.instrument)
    parents = [(("national",), [("situation", s) for s in situations])]
    parents += [(("situation", s), [("region", r.id) for r in study.config.regions
                                    if r.situation == s]) for s in situations]
    for item in items:
        codes = list(nat.loc[nat["item"] == item, "code"])
        rows = {}
        for key, frame, column in ([(("national",), nat, None)]
                                   + [(("situation", s), by_sit, s) for s in situations]
                                   + [(("region", r.id), by_reg, r.id)
                                      for r in study.config.regions]):
            part = frame[frame["item"] == item]
            if column is not None:
                part = part[part.iloc[:, 1] == column]
            counts = part.set_index("code")["count"]
            values = [int(counts.get(c, 0)) for c in codes]
            rows[key] = [sum(values), *values]
        hidden = table_pattern(rows, parents, min_n=5)
        assert determined_cells(rows, parents, hidden) == set(), item


def _scoped_by_definition(survey, *, items, instrument, groups, scope, min_n):
    """scoped_distribution spelled out group by group: a distribution per level, each
    group's counts picked by a mask, table_pattern's hidden cells blanked one by one."""
    import numpy as np

    from image_synth.publish.disclosure import table_pattern

    situations = sorted({s for s, _ in groups})
    national = distribution(survey, items=items, instrument=instrument)
    by_sit = distribution(survey, items=items, instrument=instrument, by="situation")
    by_reg = distribution(survey, items=items, instrument=instrument, by="region")
    frames = {("national",): national}
    frames.update({("situation", s): by_sit[by_sit["situation"] == s] for s in situations})
    frames.update({("region", r): by_reg[by_reg["region"] == r] for _, r in groups})
    parents = [(("national",), [("situation", s) for s in situations])]
    parents += [(("situation", s), [("region", r) for sit, r in groups if sit == s])
                for s in situations]
    key = ("national",) if scope is None else scope
    out = frames[key].copy()
    out["count"] = out["count"].astype("float64")
    out["share"] = out["share"].astype("float64")
    out["suppressed"] = False
    out["n_suppressed"] = False
    for item in items:
        codes = list(national.loc[national["item"] == item, "code"])
        rows = {}
        for k, frame in frames.items():
            counts = frame[frame["item"] == item].set_index("code")["count"]
            values = [int(counts.get(c, 0)) for c in codes]
            rows[k] = [sum(values), *values]
        hidden = table_pattern(rows, parents, min_n=min_n)
        of_item = out["item"] == item
        for j, code in enumerate(codes, start=1):
            if (key, j) in hidden:
                out.loc[of_item & (out["code"] == code), ["count", "share", "suppressed"]] = [
                    np.nan, np.nan, True]
        if (key, 0) in hidden:
            out.loc[of_item, ["count", "share", "suppressed", "n_suppressed"]] = [
                np.nan, np.nan, True, True]
    return out


def test_scoped_distribution_equals_its_definition_group_by_group():
    """One count table per item for the whole hierarchy gives what a distribution per
    level and a mask per group give, also for respondents outside the listed regions
    (region Z), without a situation or region, in a region listed under another
    situation, and for a listed region nobody answered from (C)."""
    from image_synth.render.tables import scoped_distribution

    study = image_synth.load_study(MINI)
    survey = study.survey[study.survey["wave"] == 2023].copy()
    ids = survey["respondent_id"]
    survey.loc[ids == "S001", "region"] = "Z"
    survey.loc[ids == "S002", "situation"] = None
    survey.loc[ids == "S003", "region"] = None
    survey.loc[ids == "S004", "situation"] = "po_vo"      # region A belongs to binnen_po
    survey.loc[ids == "S005", "tijd"] = pd.NA
    groups = [(r.situation, r.id) for r in study.config.regions] + [("binnen_po", "C")]
    items = ["com_1", "tijd", "tevredenheid", "status"]
    scopes = [None, ("situation", "binnen_po"), ("situation", "po_vo"),
              *(("region", r) for _, r in groups)]
    hidden = 0
    for min_n in (3, 5):
        for scope in scopes:
            got = scoped_distribution(survey, items=items, instrument=study.instrument,
                                      groups=groups, scope=scope, min_n=min_n)
            want = _scoped_by_definition(survey, items=items, instrument=study.instrument,
                                         groups=groups, scope=scope, min_n=min_n)
            pd.testing.assert_frame_equal(got, want, check_exact=True)
            hidden += int(got["suppressed"].sum())
    assert hidden > 0      # the comparison covers hidden cells, not only shown ones


def test_scoped_distribution_refuses_a_scope_outside_the_hierarchy():
    import pytest

    from image_synth.render.tables import scoped_distribution

    study = image_synth.load_study(MINI)
    groups = [(r.situation, r.id) for r in study.config.regions]
    with pytest.raises(AnalysisError, match="'region', 'Z'"):
        scoped_distribution(study.survey, items=["com_1"], instrument=study.instrument,
                            groups=groups, scope=("region", "Z"), min_n=3)


def test_likert_bars_draw_one_bar_per_answer():
    from itertools import pairwise

    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    study = image_synth.load_study(MINI)
    dist = distribution(study.survey, items=["com_1", "tijd"], instrument=study.instrument,
                        wave=2023)
    fig = likert_bars(dist, instrument=study.instrument)
    bars = [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]
    # com_1: five points of the scale; tijd: five points and "don't know" (grey, at 1.05)
    assert len(bars) == 11
    assert [round(b.get_y() + b.get_height() / 2) for b in bars] == [0] * 5 + [1] * 6
    assert bars[-1].get_x() == 1.05
    # shares of each item's answers side by side: each bar starts where the last ended
    for first, second in pairwise(bars[:5]):
        assert abs(first.get_x() + first.get_width() - second.get_x()) < 1e-12
    plt.close(fig)
