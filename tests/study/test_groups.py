"""Grouping levels from the study: a study without situations, key columns by mapping."""

from __future__ import annotations

import shutil

import pytest
import yaml
from _support import ROOT

import image_synth
from image_synth import columns as C
from image_synth.errors import DataValidationError
from image_synth.results.scope import NATIONAL, hierarchy

GEMEENTE = ROOT / "tests" / "fixtures" / "mini_gemeente"


@pytest.fixture
def gemeente(tmp_path):
    target = tmp_path / "gemeente"
    shutil.copytree(GEMEENTE, target)
    return target


def test_a_study_without_situations_loads_with_its_own_column_names():
    study = image_synth.load_study(GEMEENTE)
    assert study.config.situations == ()
    assert list(study.survey.columns[:5]) == list(C.SURVEY_KEYS)
    assert study.survey[C.RESPONDENT_ID].iloc[0] == "R001"
    assert sorted(study.survey[C.REGION].unique()) == ["Arnhem", "Ede", "Zwolle"]
    assert study.survey[C.SITUATION].isna().all() and study.survey[C.SECTOR].isna().all()
    assert study.sources[C.REGION].tolist() == ["Arnhem", "Ede", "Zwolle", "Zwolle"]
    assert len(study.subset(region="Ede").survey) == 5


def test_hierarchy_without_situations_is_nation_over_regions():
    h = hierarchy(image_synth.load_study(GEMEENTE))
    assert h.situations == [] and h.region_ids == ["Arnhem", "Ede", "Zwolle"]
    assert h.children(NATIONAL) == [("region", "Arnhem"), ("region", "Ede"),
                                    ("region", "Zwolle")]
    assert h.constraints()[0][0] == NATIONAL
    assert h.shown_on(image_synth.results.scope.Scope("national"))[1] == (("region", "Arnhem"), 1)


def test_example_hierarchy_keeps_situations_over_regions():
    h = hierarchy(image_synth.load_study())
    assert h.direct == [] and h.children(NATIONAL)[0][0] == "situation"


def test_regions_name_a_situation_only_when_the_study_has_them(gemeente, mini_study):
    data = yaml.safe_load((gemeente / "study.yaml").read_text())
    data["regions"][0]["situation"] = "po_vo"
    (gemeente / "study.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(DataValidationError, match="declares no situations"):
        image_synth.load_study(gemeente)
    data = yaml.safe_load((mini_study / "study.yaml").read_text())
    del data["regions"][0]["situation"]
    (mini_study / "study.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(DataValidationError, match="has no situation"):
        image_synth.load_study(mini_study)


def test_a_missing_mapped_column_is_named_as_the_study_names_it(gemeente):
    survey = gemeente / "survey_2023.csv"
    survey.write_text(survey.read_text().replace("gemeente;", "plaats;", 1))
    with pytest.raises(DataValidationError) as info:
        image_synth.load_study(gemeente)
    problem = next(p for p in info.value.problems if p.message == "required column is missing")
    assert problem.column == "gemeente" and "columns.region" in problem.expected


def test_an_unknown_municipality_is_reported_in_the_files_column(gemeente):
    survey = gemeente / "survey_2023.csv"
    survey.write_text(survey.read_text().replace("R001;2023;Arnhem", "R001;2023;Apeldoorn"))
    with pytest.raises(DataValidationError) as info:
        image_synth.load_study(gemeente)
    assert [(p.column, p.value) for p in info.value.problems] == [("gemeente", "Apeldoorn")]


def test_key_columns_given_twice_are_refused(gemeente):
    data = yaml.safe_load((gemeente / "study.yaml").read_text())
    data["columns"]["sector"] = "gemeente"
    (gemeente / "study.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(DataValidationError, match="more than one key"):
        image_synth.load_study(gemeente)


@pytest.mark.parametrize("scope, value", [("national", ""), ("region", "Arnhem")])
def test_pages_of_a_study_without_situations_say_so(scope, value):
    from image_synth.render import sections

    study = image_synth.load_study(GEMEENTE)
    results = image_synth.compute(study, scope=scope, scope_value=value, wave=2023)
    html = "".join(getattr(sections, name)(results, lang=lang)._repr_html_()
                   for name in sections.SECTIONS for lang in ("nl", "en"))
    # said in the study's own words, never naming a level it does not have (issue 13)
    from bs4 import BeautifulSoup

    assert "situati" not in BeautifulSoup(html, "html.parser").get_text().lower()
    assert "er is geen niveau daartussen" in html
    assert "there is no level in between" in html
    assert "gemeente Arnhem" in html and "municipality Arnhem" in html
    # its respondents are not schools: the study names none, so the package's word (its
    # own questions may still speak of "uw school")
    text = BeautifulSoup(html, "html.parser").get_text().lower()
    assert "scholen" not in text and "schools" not in text
    assert "aantal respondenten dat de vragenlijst invulde" in text
    assert "number of respondents that returned the questionnaire" in text
    if scope == "national":
        assert "deelt onder het landelijke niveau alleen in naar gemeente" in html
        assert "below the national level this study groups only by municipality" in html


def test_run_publishes_national_and_region_pages_without_situations(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for scope, only in (("national", "national"), ("region", "Arnhem")):
        result = subprocess.run(
            [sys.executable, "-m", "image_synth", "run", str(GEMEENTE), "--scope", scope,
             "--only", only, "-j", "1", "--out", str(tmp_path / "out")],
            capture_output=True, text=True, env=env, timeout=600, check=False)
        assert result.returncode == 0, result.stderr
    assert {p.name for p in (tmp_path / "out").glob("*.html")} == {
        "index.html", "national.html", "region-Arnhem.html"}
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'id="situations"' not in index and "Gemeente" in index
    # the list of region pages is headed in the study's word: "Per gemeente" (the study
    # gives no plural), never the package's "Regio's"
    assert '<h2 id="regions">Per gemeente</h2>' in index and "Regio" not in index
    result = subprocess.run([sys.executable, "-m", "image_synth", "run", str(GEMEENTE),
                             "--scope", "situation", "--out", str(tmp_path / "s")],
                            capture_output=True, text=True, env=env, timeout=600, check=False)
    assert result.returncode != 0 and "declares no situations" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("suffix", [".sav", ".csv"])
def test_a_column_named_like_a_mapped_key_is_not_that_key(gemeente, suffix):
    import pandas as pd

    frame = pd.read_csv(GEMEENTE / "survey_2023.csv", sep=";", dtype=str)
    frame.insert(3, "region", "elsewhere")   # the file's own 'region', not the key
    path = gemeente / f"survey_2023{suffix}"
    if suffix == ".sav":
        import pyreadstat

        numeric = [c for c in frame.columns if c not in ("respnr", "gemeente", "region")]
        frame[numeric] = frame[numeric].apply(pd.to_numeric)
        pyreadstat.write_sav(frame, str(path))
        data = yaml.safe_load((gemeente / "study.yaml").read_text())
        data["survey"][0]["path"] = path.name
        (gemeente / "study.yaml").write_text(yaml.safe_dump(data))
    else:
        frame.to_csv(path, sep=";", index=False)
    study = image_synth.load_study(gemeente)
    assert sorted(study.survey[C.REGION].unique()) == ["Arnhem", "Ede", "Zwolle"]
