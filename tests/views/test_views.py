"""The analyst notebooks' views: frames one attribute away, every wave, the analyst's
overrides, agreement only with two coders."""

from __future__ import annotations

import pytest
from _support import MINI, ROOT

from image_synth import views
from image_synth.results import compute

THREE_WAVES = ROOT / "tests" / "fixtures" / "three_waves"


@pytest.fixture(scope="module")
def three():
    return compute(str(THREE_WAVES), publish=False)


def test_defaults_come_from_the_study(three):
    assert three.wave == 2033  # wave 0 / None: the study's latest
    assert compute(str(THREE_WAVES), wave=0, publish=False).wave == 2033


def test_wave_trend_takes_every_wave_each_against_the_one_before(three):
    view = views.wave_trend(three)
    frame = view.frame
    assert sorted(frame["wave"].unique()) == [2031, 2032, 2033]
    later = frame[frame["wave"] > 2031]
    assert list(later["previous_wave"]) == [w - 1 for w in later["wave"]]
    assert later["p_value"].notna().all()
    assert "2031, 2032, 2033" in view.note
    assert 'data-view="wave_trend"' in view._repr_html_()


def test_interview_trend_classifies_each_pair_of_waves(three):
    frame = views.interview_trend(three, lang="en").frame
    pairs = set(zip(frame["wave_before"], frame["wave_after"]))
    assert pairs == {(2031, 2032), (2032, 2033)}
    rows = frame.set_index(["code", "wave_before"])["change"]
    assert rows[("personeelstekort", 2031)] == "no_longer_mentioned"
    assert rows[("personeelstekort", 2032)] == "new"


def test_agreement_with_two_coders_and_a_sentence_with_one(three):
    two = views.agreement(three)
    assert set(two.frame["code"]) >= {"personeelstekort", "tijd"}
    assert two.frame.set_index("code").at["tijd", "percent_agreement"] == 0.75
    one = views.agreement(compute(str(MINI), publish=False), lang="en")
    assert one.frame.empty and "coded by 1 coder" in one.note


def test_convergence_shows_the_analysts_override(tmp_path):
    results = compute(str(MINI), scope="situation", scope_value="po_vo", publish=False)
    computed = views.convergence(results).frame.set_index("row_id")
    assert set(computed["conv_survey_interviews_set_by"].dropna()) <= {"computed"}
    path = tmp_path / "overrides.yaml"
    path.write_text("overrides:\n  - row: scale:vertrouwen\n    situation: po_vo\n"
                    "    pair: survey~interviews\n    code: partial_agreement\n"
                    "    rationale: De interviews gaan over het project, de survey over "
                    "de school.\n    author: A. Analist\n    date: 2024-03-01\n")
    view = views.convergence(results, overrides=str(path))
    row = view.frame.set_index("row_id").loc["scale:vertrouwen"]
    assert row["conv_survey_interviews"] == "partial_agreement"
    assert row["conv_survey_interviews_set_by"] == "analyst"
    assert row["conv_survey_interviews_rationale"].startswith("De interviews")
    assert "Survey" in view.note or "survey" in view.note.lower()


@pytest.mark.parametrize("name", [n for n in views.__all__ if n != "View"])
def test_every_view_on_a_region_of_the_three_wave_study(name):
    results = compute(str(THREE_WAVES), scope="region", scope_value="G", publish=False)
    view = getattr(views, name)(results, lang="en")
    assert isinstance(view, views.View)
    assert f'data-view="{view.id}"' in view.to_html()
    assert view.frame is not None


def test_hidden_rows_are_marked_as_on_a_page():
    from image_synth.views import View

    import pandas as pd

    frame = pd.DataFrame({"scale": ["a", "b", "c"], "n": [2, 9, 30], "mean": [1.0, 2.0, 3.0],
                          "hidden": ["primary", "complementary", ""]})
    html = View("x", "X", frame, min_n=5).table_html()
    assert html.count("&lt;5") == 2 and html.count("†") == 2 and "3.00" in html
    assert frame["mean"].tolist() == [1.0, 2.0, 3.0]  # the frame keeps every number


def test_text_in_a_view_is_escaped():
    import pandas as pd

    from image_synth.views import View

    frame = pd.DataFrame({"quote": ["<script>alert(1)</script> & meer"]})
    html = View("q", "Q", frame).table_html()
    assert "<script>" not in html and "&lt;script&gt;" in html
