"""Rendering of the strands' tables: small groups hidden in publish mode, shown otherwise."""

from __future__ import annotations

import pandas as pd

import image_synth
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
