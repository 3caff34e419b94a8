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
