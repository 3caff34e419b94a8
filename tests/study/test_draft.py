"""``image-synth init``: a draft study from SPSS files and a QDA project that validates."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml
from _support import ROOT

import image_synth
from image_synth import columns as C
from image_synth.errors import DataValidationError, StudyError
from image_synth.study.draft import draft_study

NVIVO = "refi_samples/nvivo_mac12.7_OltasSzkepticizmus_17June.qdpx"
LIKERT = {1.0: "helemaal niet", 2.0: "niet", 3.0: "neutraal", 4.0: "wel", 5.0: "helemaal wel",
          9.0: "weet niet"}


def _cli(*args, timeout=600):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "image_synth", *args], capture_output=True,
                          text=True, env=env, timeout=timeout, check=False)


@pytest.fixture
def enquete(tmp_path):
    """A .sav as SPSS users write them: labels, user-missing 9 = "weet niet", 8 thru 9 on
    another item, a date, a string, respondents grouped by a labelled municipality
    column, no situations."""
    import pyreadstat

    rng = np.random.default_rng(7)
    n = 30
    frame = pd.DataFrame({
        "RespNr": [f"R{i:03d}" for i in range(n)],
        "gemeente": np.repeat([1.0, 2.0, 3.0], 10),
        "ingevuld": [dt.date(2023, 3, 1) + dt.timedelta(days=i) for i in range(n)],
        "opmerking": ["" if i % 3 else "goed" for i in range(n)],
        "com_1": rng.integers(1, 6, n).astype(float),
        "com_2": rng.integers(1, 6, n).astype(float),
        "tijd": rng.integers(1, 6, n).astype(float),
        "tevreden": rng.integers(1, 8, n).astype(float),
    })
    frame.loc[[0, 5, 12], "com_1"] = 9
    frame.loc[3, "tijd"], frame.loc[4, "tijd"] = 9, 8
    path = tmp_path / "enquete.sav"
    pyreadstat.write_sav(
        frame, str(path),
        column_labels={"RespNr": "Respondentnummer", "gemeente": "Gemeente",
                       "com_1": "We communiceren regelmatig",
                       "com_2": "We weten wat de ander doet", "tijd": "Er is genoeg tijd",
                       "tevreden": "Tevredenheid"},
        variable_value_labels={"gemeente": {1.0: "Arnhem", 2.0: "Ede", 3.0: "Zwolle"},
                               "com_1": LIKERT, "com_2": LIKERT,
                               "tijd": {**LIKERT, 8.0: "niet van toepassing"},
                               "tevreden": {1.0: "zeer ontevreden", 7.0: "zeer tevreden"}},
        missing_ranges={"com_1": [9], "com_2": [9], "tijd": [{"lo": 8, "hi": 9}]})
    return path


def test_a_draft_from_a_sav_validates_and_keeps_declared_missing_off_the_scale(enquete,
                                                                               tmp_path):
    draft = draft_study(tmp_path / "study", surveys=[enquete], waves=[2023], id_column="RespNr",
                        groups={"region": "gemeente"})
    report = draft.report()
    assert "ingevuld (date or time variable)" in report
    assert "opmerking (string variable)" in report
    assert "9 = 'weet niet' -> dont_know" in report
    assert "8 = 'niet van toepassing' -> not_applicable" in report
    study = image_synth.load_study(tmp_path / "study")
    assert study.config.situations == () and study.config.columns.region == "gemeente"
    assert [r.label.nl for r in study.config.regions] == ["Arnhem", "Ede", "Zwolle"]
    inst = study.instrument
    assert [i.id for i in inst.items] == ["com_1", "com_2", "tijd", "tevreden"]
    assert inst.item("com_1").text.nl == "We communiceren regelmatig"
    assert inst.item("com_1").response_set == inst.item("com_2").response_set  # shared
    assert inst.response_set("tijd").non_numeric_codes == {8: "not_applicable",
                                                           9: "dont_know"}
    assert inst.response_set("tevreden").numeric_codes == [1, 2, 3, 4, 5, 6, 7]
    numbers = image_synth.numeric_items(study.survey, inst)
    assert (study.survey["com_1"] == 9).sum() == 3
    assert numbers["com_1"].max() <= 5 and numbers["com_1"].isna().sum() == 3
    assert numbers["tijd"].max() <= 5 and numbers["tijd"].isna().sum() == 2
    assert _cli("validate", str(tmp_path / "study")).returncode == 0


def test_the_draft_names_its_levels_after_the_group_columns(enquete, tmp_path):
    # "gemeente" (SPSS label "Gemeente") groups the schools: pages should say "gemeente
    # Arnhem", not the package's "regio Arnhem"; a column named like the level keeps the
    # package's word
    draft_study(tmp_path / "a", surveys=[enquete], waves=[2023], id_column="RespNr",
                groups={"region": "gemeente"})
    config = image_synth.load_study(tmp_path / "a").config
    assert config.levels.region.nl == "gemeente" and config.levels.region.en is None
    assert config.levels.situation is None and config.levels.sector is None
    text = (tmp_path / "a" / "study.yaml").read_text(encoding="utf-8")
    assert "levels:\n  region:\n    nl: gemeente\n" in text

    import pyreadstat

    frame, meta = pyreadstat.read_sav(str(enquete))
    renamed = tmp_path / "region.sav"
    value_labels = {("region" if k == "gemeente" else k): v
                    for k, v in meta.variable_value_labels.items()}
    pyreadstat.write_sav(frame.rename(columns={"gemeente": "region"}), str(renamed),
                         column_labels={"RespNr": "Respondentnummer", "region": "Gemeente"},
                         variable_value_labels=value_labels)
    draft_study(tmp_path / "b", surveys=[renamed], waves=[2023], id_column="RespNr",
                groups={"region": "region"})
    assert "levels" not in yaml.safe_load((tmp_path / "b" / "study.yaml").read_text())


def test_a_group_named_as_the_study_names_it_is_a_level_with_that_name(enquete, tmp_path):
    # a stranger types the word of the study: --group gemeente=gemeente is the lowest
    # level (the package's region), called gemeente on the pages
    result = _cli("init", str(tmp_path / "a"), "--survey", str(enquete), "--wave", "2023",
                  "--id", "RespNr", "--group", "gemeente=gemeente")
    assert result.returncode == 0, result.stderr
    config = image_synth.load_study(tmp_path / "a").config
    assert config.columns.region == "gemeente" and config.levels.region.nl == "gemeente"
    assert not config.situations
    # one name of its own at most; a typo of a level is not a level of its own
    with pytest.raises(StudyError, match="only one group may have a name of its own"):
        draft_study(tmp_path / "b", surveys=[enquete], waves=[2023], id_column="RespNr",
                    groups={"provincie": "gemeente", "gemeente": "gemeente"})
    with pytest.raises(StudyError, match="did you mean --group region="):
        draft_study(tmp_path / "c", surveys=[enquete], waves=[2023], id_column="RespNr",
                    groups={"regoin": "gemeente"})
    draft_study(tmp_path / "d", surveys=[enquete], waves=[2023], id_column="RespNr",
                groups={"Region": "gemeente"})        # the level, whatever its case
    assert image_synth.load_study(tmp_path / "d").config.columns.region == "gemeente"


def test_init_with_a_real_nvivo_project_validates_and_publishes(enquete, tmp_path, shared):
    project_file = shared / NVIVO
    result = _cli("init", str(tmp_path / "study"), "--survey", str(enquete), "--wave", "2023",
                  "--id", "RespNr", "--group", "region=gemeente", "--segments",
                  str(project_file))
    assert result.returncode == 0, result.stderr
    assert "still to decide:" in result.stdout and "weet niet" in result.stdout
    assert _cli("validate", str(tmp_path / "study")).returncode == 0
    study = image_synth.load_study(tmp_path / "study")
    project = image_synth.read_qdpx(project_file)
    # every code with its parent: the drafted tree gives the project's paths
    book = {c.id: c for c in study.codebook.codes}

    def path(code):
        names = []
        while code is not None:
            names.append(code.label.nl)
            code = book.get(code.parent) if code.parent else None
        return " > ".join(reversed(names))

    assert sorted(path(c) for c in book.values()) == sorted(project.codes[C.CODE_PATH])
    # every coded segment
    assert len(study.segments) == len(project.codings)
    assert set(study.sources[C.SOURCE_ID]) == set(project.sources[C.SOURCE_ID])
    run = _cli("run", str(tmp_path / "study"), "--scope", "national", "-j", "1", "--out",
               str(tmp_path / "out"))
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out" / "national.html").is_file()


@pytest.mark.parametrize("name", ["pyreadstat_basic_sample.zsav", "pyreadstat_basic_sample.por"])
def test_real_spss_files_give_a_study_that_validates(name, tmp_path, shared):
    draft = draft_study(tmp_path / "study", surveys=[shared / "spss_samples" / name],
                        waves=[2023], id_column="mychar", groups={"region": "mylabl"})
    assert {(n.lower(), r) for _, n, r in draft.left_out} >= {
        ("mydate", "date or time variable"), ("mynum", "numeric without value labels")}
    study = image_synth.load_study(tmp_path / "study")
    assert [i.id for i in study.instrument.items] == ["myord"]
    assert len(study.survey) == 5


def test_real_declared_missing_codes_become_non_numeric(tmp_path, shared):
    path = shared / "spss_samples" / "pyreadstat_basic_sample_missing.sav"
    draft_study(tmp_path / "study", surveys=[path], waves=[2023], id_column="mychar",
                groups={"region": "mylabl"})
    inst = yaml.safe_load((tmp_path / "study" / "instrument.yaml").read_text())
    myord = next(s for s in inst["response_sets"] if s["id"] == inst["items"][0]["response_set"])
    assert {c["code"]: c.get("non_numeric") for c in myord["codes"]} == {
        -3: "not_applicable", -1: "not_applicable", 1: None, 2: None, 3: None}
    # the file's empty id and region of case 7 are what validation still reports
    with pytest.raises(DataValidationError) as info:
        image_synth.load_study(tmp_path / "study")
    assert {p.row for p in info.value.problems} == {7}


def test_init_refuses_what_it_cannot_draft(enquete, tmp_path):
    with pytest.raises(StudyError, match="--group region=COLUMN is required"):
        draft_study(tmp_path / "a", surveys=[enquete], waves=[2023], id_column="RespNr")
    # a name of its own beside region is the level above it, named as the user typed it
    with pytest.raises(DataValidationError,
                       match=r"no column 'x' for the bestuur \(the situation level\) "
                             r"\(--group bestuur=\.\.\.\)"):
        draft_study(tmp_path / "a", surveys=[enquete], waves=[2023], id_column="RespNr",
                    groups={"region": "gemeente", "bestuur": "x"})
    with pytest.raises(DataValidationError, match="no column 'respnummer'"):
        draft_study(tmp_path / "a", surveys=[enquete], waves=[2023], id_column="respnummer",
                    groups={"region": "gemeente"})
    with pytest.raises(StudyError, match="give --wave"):
        draft_study(tmp_path / "a", surveys=[enquete], id_column="RespNr",
                    groups={"region": "gemeente"})
    result = _cli("init", str(tmp_path / "b"), "--survey", str(enquete), "--group", "gemeente")
    assert result.returncode == 2 and "NAME=COLUMN" in result.stderr


def test_source_attributes_give_the_sources_their_region(tmp_path, shared):
    """A QualCoder export whose sources have a ``regio`` attribute (C, D), a survey
    grouped by a ``regio`` column of text holding C and E."""
    import pyreadstat

    frame = pd.DataFrame({"id": [f"S{i}" for i in range(6)], "regio": list("CCCEEE"),
                          "vraag": [1.0, 2.0, 3.0, 1.0, 2.0, 3.0]})
    path = tmp_path / "s.sav"
    pyreadstat.write_sav(frame, str(path), column_labels={"vraag": "Een vraag"},
                         variable_value_labels={"vraag": {1.0: "laag", 3.0: "hoog"}})
    project = shared / "refi_samples" / "qualcoder4.0beta_export_emoji.qdpx"
    draft_study(tmp_path / "study", surveys=[path], waves=[2024], id_column="id",
                groups={"region": "regio"}, segments=project)
    study = image_synth.load_study(tmp_path / "study")
    assert [r.id for r in study.config.regions] == ["C", "E", "D"]
    assert dict(zip(study.sources[C.SOURCE_ID], study.sources[C.REGION])) == {
        "interview_één.txt": "C", "interview two.txt": "D"}
    assert study.sources["attr:leeftijd"].notna().all()
    assert len(study.segments) == len(image_synth.read_qdpx(project).codings)


def test_a_qdc_codebook_and_two_waves(enquete, tmp_path, shared):
    draft_study(tmp_path / "study", surveys=[enquete, enquete], waves=[2022, 2023],
                id_column="RespNr", groups={"region": "gemeente"},
                codebook=shared / "refi_samples" / "qualcoder4.0beta_codebook.qdc")
    study = image_synth.load_study(tmp_path / "study")
    assert study.config.waves == (2022, 2023) and len(study.survey) == 60
    assert [w.path for w in study.config.survey] == ["survey/2022_enquete.sav",
                                                     "survey/2023_enquete.sav"]
    assert study.codebook is not None and len(study.codebook.codes) > 0


@pytest.mark.parametrize("nested", [True, False])
def test_a_situation_group_nests_the_regions_or_is_left_out(tmp_path, nested):
    import pyreadstat

    frame = pd.DataFrame({"id": [f"S{i}" for i in range(6)], "bestuur": list("AABBCC"),
                          "type": list("ppppvv") if nested else list("pvppvv"),
                          "sector": list("xyxyxy"), "vraag": [1.0, 2.0, 3.0] * 2})
    path = tmp_path / "s.sav"
    pyreadstat.write_sav(frame, str(path), variable_value_labels={"vraag": {1.0: "laag"}})
    draft = draft_study(tmp_path / "study", surveys=[path], waves=[2024], id_column="id",
                        groups={"region": "bestuur", "situation": "type", "sector": "sector"})
    study = image_synth.load_study(tmp_path / "study")
    assert [s.id for s in study.config.sectors] == ["x", "y"]
    if nested:
        assert [(r.id, r.situation) for r in study.config.regions] == [
            ("A", "p"), ("B", "p"), ("C", "v")]
        assert list(study.survey[C.SITUATION]) == list("ppppvv")
    else:
        assert study.config.situations == ()
        assert any("does not group" in d and "A: p, v" in d for d in draft.decisions)


def test_a_drafted_studys_empty_sections_say_why(enquete, tmp_path):
    # every item of a draft is in block 'other' and there are no scales or crosswalk:
    # the mechanisms section and the joint display say so in a sentence, instead of an
    # introduction about scales followed by nothing, or a table without rows
    from bs4 import BeautifulSoup

    from image_synth.render import sections

    draft_study(tmp_path / "a", surveys=[enquete], waves=[2023], id_column="RespNr",
                groups={"region": "gemeente"})
    results = image_synth.compute(image_synth.load_study(tmp_path / "a"), wave=2023)
    for lang, mechanisms, joint in (
            ("nl", "Deze studie heeft in deze meting geen werkzame mechanismen", "Geen joint display"),
            ("en", "This study has no working mechanisms in this wave", "No joint display")):
        text = BeautifulSoup(sections.mechanisms(results, lang=lang).to_html(),
                             "html.parser").get_text()
        assert mechanisms in text and "schalen van meerdere" not in text
        html = sections.integration(results, lang=lang).to_html()
        assert joint in BeautifulSoup(html, "html.parser").get_text()
        assert "<table" not in html.split("integration-cmo")[0]


def test_regions_with_numeric_codes_are_drafted_in_code_order(enquete, tmp_path):
    # the file's first respondents are from Zwolle (3): the pages list the regions as
    # SPSS lists the codes, 1 Arnhem, 2 Ede, 3 Zwolle, not in order of appearance
    import pyreadstat

    frame, meta = pyreadstat.read_sav(str(enquete))
    shuffled = tmp_path / "shuffled.sav"
    pyreadstat.write_sav(frame.iloc[::-1].reset_index(drop=True), str(shuffled),
                         column_labels=dict(zip(meta.column_names, meta.column_labels)),
                         variable_value_labels=meta.variable_value_labels)
    draft_study(tmp_path / "a", surveys=[shuffled], waves=[2023], id_column="RespNr",
                groups={"region": "gemeente"})
    config = image_synth.load_study(tmp_path / "a").config
    assert [r.label.nl for r in config.regions] == ["Arnhem", "Ede", "Zwolle"]
