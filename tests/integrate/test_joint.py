"""Joint display on the mini study: every cell checked against a hand/independent count."""

from __future__ import annotations

import pandas as pd
import pytest

import image_synth
from image_synth.integrate.joint import joint_display
from image_synth.integrate.rows import display_rows

from _support import MINI


@pytest.fixture(scope="module")
def study():
    return image_synth.load_study(MINI)


@pytest.fixture(scope="module")
def raw():
    return pd.read_csv(MINI / "survey_2023.csv", sep=";")


def test_rows_follow_the_crosswalk(study):
    rows = display_rows(study.instrument, study.codebook)
    assert rows["row_id"].tolist() == ["scale:communicatie", "scale:vertrouwen", "item:tijd"]
    # the hindering factor 'personeelstekort' is no mechanism or condition: no row
    assert rows.set_index("row_id").loc["scale:vertrouwen", "codes"] == ("vertrouwen_bereidheid",)


def test_survey_columns_match_a_direct_computation(study, raw):
    display = joint_display(study).set_index("row_id")
    collab = raw[raw["status"] == 1]
    trust = collab[["ver_1", "ver_2"]].mean(axis=1)
    assert display.loc["scale:vertrouwen", "n"] == 14
    assert display.loc["scale:vertrouwen", "mean"] == pytest.approx(trust.mean())
    assert display.loc["scale:vertrouwen", "share_top2"] == pytest.approx((trust >= 4).mean())
    # com_3 is reverse keyed: 6 - x
    com = pd.concat([collab["com_1"], collab["com_2"], 6 - collab["com_3"]], axis=1).mean(axis=1)
    assert display.loc["scale:communicatie", "mean"] == pytest.approx(com.mean())
    # 'weet niet' (9) is not a number: time has 7 numeric answers of 14
    time = collab["tijd"][collab["tijd"] != 9]
    assert display.loc["item:tijd", "n"] == len(time) == 7
    assert display.loc["item:tijd", "mean"] == pytest.approx(time.mean())


def test_interview_tallies_by_hand(study):
    display = joint_display(study).set_index("row_id")
    # segments: trust in A, B and G_vo; regular communication in G_po; time in A
    assert (display.loc["scale:vertrouwen", "k_sources"],
            display.loc["scale:vertrouwen", "n_sources"]) == (3, 4)
    assert display.loc["scale:vertrouwen", "source_ids"] == "INT2023_A;INT2023_B;INT2023_G_vo"
    assert display.loc["item:tijd", "k_sources"] == 1


def test_convergence_in_a_situation(study, raw):
    display = joint_display(study, situation="po_vo").set_index("row_id")
    # po_vo: 2 interviews; trust in G_vo only: 1/2 = 0.5 -> high; time mentioned by
    # neither (0/2 -> low) while the survey mean is 4.0 (high) -> dissonance
    assert display.loc["scale:vertrouwen", "prom_interviews"] == "high"
    assert display.loc["item:tijd", "k_sources"] == 0
    assert display.loc["item:tijd", "prom_survey"] == "high"
    assert display.loc["item:tijd", "conv_survey_interviews"] == "dissonance"
    # no reflection meetings in the mini study: silence, never agreement
    assert set(display["conv_survey_meetings"]) == {"silence"}


def test_quotes_come_from_the_rows_codes(study):
    display = joint_display(study, situation="po_vo").set_index("row_id")
    assert display.loc["scale:vertrouwen", "quote_source_id"] == "INT2023_G_vo"
    assert "vertrouwen" in display.loc["scale:vertrouwen", "quote"].lower()


def test_scope_must_be_one(study):
    with pytest.raises(image_synth.errors.AnalysisError, match="not both"):
        joint_display(study, situation="po_vo", region="G")
