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


# ------------------------------------------------------- audit of issue 15: the fixes


@pytest.fixture(scope="module")
def published_example():
    """The example study nationally, as published (every interview of the latest wave)."""
    return compute("", publish=True)


def _pseudonyms() -> list[str]:
    import yaml

    from image_synth.study.load import load_study

    path = ROOT / "image_synth" / "data" / "example" / "pseudonyms.yaml"
    names = [n for kind in yaml.safe_load(path.read_text(encoding="utf-8")).values()
             for n in kind]
    assert "Marieke Dolderman" in names and len(names) > 50
    assert load_study().pseudonyms  # the example study uses that file
    return names


def _shown(view) -> str:
    return view.frame.to_csv(index=False) + view.to_html()


def test_no_name_of_the_pseudonymisation_dictionary_in_any_published_view(published_example):
    names = _pseudonyms()
    for name in [n for n in views.__all__ if n != "View"]:
        text = _shown(getattr(views, name)(published_example))
        found = [n for n in names if n in text]
        assert not found, f"{name} shows {found[:5]}"


def test_quotes_are_pseudonymised_as_in_the_supplement(published_example):
    # segment of INT2023_A: "Marieke Dolderman zegt altijd dat je elkaar iets moet
    # gunnen. ..."; the name is a "persoon" in pseudonyms.yaml
    frame = views.quotes(published_example).frame
    assert frame["quote"].str.startswith(
        "[persoon] zegt altijd dat je elkaar iets moet gunnen.").any()
    assert not frame["quote"].str.contains("Dolderman").any()


def test_quotes_pseudonymised_with_publishing_off_too():
    # the supplement's quotes (integrate.joint._quotes) pass the pseudonymiser whether
    # or not the page is published; the view does the same
    results = compute("", scope="region", scope_value="A", publish=False)
    frame = views.quotes(results).frame
    assert len(frame) and not frame["quote"].str.contains("Dolderman").any()
    assert frame["quote"].str.startswith("[persoon] zegt altijd").any()


def test_convergence_note_states_the_studys_k(published_example):
    # study.yaml of the example: disclosure: {min_n: 5}
    note = views.convergence(published_example).note
    assert "minder dan 5 respondenten = geen bewijs" in note
    english = views.convergence(published_example, lang="en").note
    assert "fewer than 5 respondents = no evidence" in english


def test_convergence_note_states_the_studys_k_in_a_region():
    # the mini study's study.yaml: disclosure: {min_n: 3}
    results = compute(str(MINI), scope="situation", scope_value="po_vo", publish=True)
    assert "minder dan 3 respondenten" in views.convergence(results).note


def test_interview_trend_note_names_every_pair_of_waves(three):
    dutch = views.interview_trend(three).note
    assert "2031 en 2032" in dutch and "2032 en 2033" in dutch
    english = views.interview_trend(three, lang="en").note
    assert "2031 and 2032" in english and "2032 and 2033" in english


def test_change_between_waves_defaults_to_the_last_two_waves():
    from image_synth.qual import change_between_waves, change_rules
    from image_synth.study.load import load_study

    study = load_study(str(THREE_WAVES))
    found = change_between_waves(study.segments, study.sources, codebook=study.codebook,
                                 source_types="interview")
    assert set(found["wave_before"]) == {2032} and set(found["wave_after"]) == {2033}
    explicit = change_between_waves(study.segments, study.sources, codebook=study.codebook,
                                    source_types="interview", waves=(2032, 2033))
    assert found.equals(explicit)
    with pytest.raises(TypeError):
        change_rules()  # the rules name their waves: no default years


def test_report_tables_default_wave_is_the_studys_latest():
    from image_synth.quant.report_tables import report_tables
    from image_synth.study.load import load_study

    study = load_study(str(THREE_WAVES))
    specs = [{"id": "respondents_{wave}", "kind": "respondents", "total": True}]
    tables = report_tables(study, tables=specs)
    assert list(tables) == ["respondents_2033"]
    # survey_2033.csv of the fixture has 20 respondents
    assert tables["respondents_2033"]["wave"].tolist() == [2033]
    assert tables["respondents_2033"]["n"].tolist() == [20]
    pieces = report_tables(survey=study.survey, instrument=study.instrument, tables=specs)
    assert list(pieces) == ["respondents_2033"]
