"""SPSS user-missing declarations, portable and compressed files, dates and value labels.

Files written by other programs: ``spss_fixtures/pspp_missing.{sav,por}`` (GNU PSPP,
from ``pspp_missing.sps`` beside them) and the samples in ``../shared/spss_samples``
(SPSS, haven, pyreadstat; see their PROVENANCE.md). The expected codes below are read
off the PSPP syntax and the samples' own dictionaries, not from the reader.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
import yaml
from _support import MINI

from image_synth import read_survey
from image_synth.errors import DataValidationError
from image_synth.quant.numeric import numeric_items
from image_synth.read.survey import _coerce, _read_spss
from image_synth.study.models import Instrument, StudyConfig, load_yaml_model

FIXTURES = Path(__file__).resolve().parent / "spss_fixtures"


@pytest.fixture(scope="module")
def config() -> StudyConfig:
    return load_yaml_model(StudyConfig, MINI / "study.yaml")


@pytest.fixture(scope="module")
def instrument() -> Instrument:
    return load_yaml_model(Instrument, MINI / "instrument.yaml")


@pytest.fixture(scope="module")
def pspp_instrument() -> Instrument:
    """The mini instrument without its two functie_ items: in a portable file their
    names, cut to 8 characters, cannot be told apart."""
    data = yaml.safe_load((MINI / "instrument.yaml").read_text(encoding="utf-8"))
    data["items"] = [i for i in data["items"] if not i["id"].startswith("functie_")]
    data["multi_select"] = []
    return Instrument.model_validate(data)


def _items(path: Path, instrument: Instrument) -> tuple[pd.DataFrame, list]:
    """The item codes of an SPSS file (no key columns needed) and the file's problems."""
    raw, problems = _read_spss(path, path.name, instrument)
    frame, more = _coerce(raw, path.name, instrument, 2023)
    return frame, problems + [p for p in more if p.message != "required column is missing"]


def _codes(column: pd.Series) -> list:
    return [None if pd.isna(v) else int(v) for v in column]


def _instrument(items: dict[str, list[tuple]]) -> Instrument:
    """items: id -> [(code, label, non_numeric or None), ...], one response set each."""
    return Instrument.model_validate({
        "name": "t",
        "response_sets": [{"id": f"rs_{item}", "codes": [
            {"code": c, "label": {"nl": label}, **({"non_numeric": kind} if kind else {})}
            for c, label, kind in codes]} for item, codes in items.items()],
        "items": [{"id": item, "block": "other", "text": {"nl": item},
                   "response_set": f"rs_{item}"} for item in items]})


# --------------------------------------------------------------------- PSPP fixtures

# pspp_missing.sps: MISSING VALUES com_1 (9) /com_2 (8, 99) /com_3 (LO THRU 0)
# /ver_2 (97 THRU 99) /tijd (9). In the instrument 9 is "weet niet" (dont_know) of
# agree5; 8, 99, 97 and -2 are no answer of it.
EXPECTED_PSPP = {
    "respondent_id": ["S1", "S2", "S3"],
    "status": [1, 1, 2],
    "com_1": [9, 2, 1],          # 9 declared missing, a dont_know code: kept
    "com_2": [None, 3, None],    # 8 and 99 declared missing, not in the set: not answered
    "com_3": [None, 4, 5],       # -2 in LO THRU 0
    "ver_1": [3, 5, 4],
    "ver_2": [None, 1, None],    # 99 and 97 in 97 THRU 99
    "tijd": [9, 2, 9],           # labelled 'Weet  niet': the set's 'weet niet'
    "tevredenheid": [4, 7, 1],
}


@pytest.mark.parametrize("name", ["pspp_missing.sav", "pspp_missing.por"])
def test_pspp_files_with_user_missing(name, pspp_instrument, config):
    frame = read_survey(FIXTURES / name, instrument=pspp_instrument, wave=2023,
                        study=config, file=name)
    assert frame["respondent_id"].tolist() == EXPECTED_PSPP["respondent_id"]
    for item, codes in EXPECTED_PSPP.items():
        if item != "respondent_id":
            assert _codes(frame[item]) == codes, item
    assert "started" in [c.casefold() for c in frame.attrs["ignored_columns"]]
    numbers = numeric_items(frame, pspp_instrument, ["com_1", "tijd"])
    assert numbers["com_1"].tolist()[1:] == [2.0, 1.0] and np.isnan(numbers["com_1"][0])
    assert np.isnan(numbers["tijd"][[0, 2]]).all()   # "weet niet" never becomes a number


def test_portable_file_names_cut_to_eight_characters(instrument, config):
    # functie_ib and functie_leraar both begin with 'functie_'
    with pytest.raises(DataValidationError) as info:
        read_survey(FIXTURES / "pspp_missing.por", instrument=instrument, wave=2023,
                    study=config, file="pspp_missing.por")
    cut = [p for p in info.value.problems if p.column == "FUNCTIE_"]
    assert len(cut) == 1 and "functie_ib, functie_leraar" in cut[0].message
    missing = {p.column for p in info.value.problems if "missing" in p.message}
    assert missing == {"functie_ib", "functie_leraar"}


# ---------------------------------------------------- files written in the tests

def _mini_frame(instrument, config) -> pd.DataFrame:
    base = read_survey(MINI / "survey_2023.csv", instrument=instrument, wave=2023,
                       study=config)
    frame = base.drop(columns=["wave"]).astype(object)
    for col in frame.columns[4:]:
        frame[col] = pd.to_numeric(frame[col].astype("Float64")).astype("float64")
    return frame


def test_declared_missing_scale_point_is_a_problem(tmp_path, instrument, config):
    frame = _mini_frame(instrument, config)
    assert (frame["tevredenheid"] >= 6).sum() > 0
    path = tmp_path / "points.sav"
    pyreadstat.write_sav(frame, str(path), missing_ranges={
        "tevredenheid": [{"lo": 6.0, "hi": 7.0}], "com_1": [1.0]})
    with pytest.raises(DataValidationError) as info:
        read_survey(path, instrument=instrument, wave=2023, study=config, file="points.sav")
    found = {(p.column, p.value) for p in info.value.problems}
    # 6 THRU 7 covers two scale points of sat7; 1 is a scale point of agree5
    assert found == {("tevredenheid", "6 thru 7"), ("com_1", "1")}
    text = str(info.value)
    assert "points.sav, column 'tevredenheid': declared missing in the file, but code 6" in text
    assert "scale point 'helemaal niet van toepassing' of response set 'agree5'" in text
    assert "(such as 9 (weet niet))" in text


def test_declared_missing_codes_outside_the_set_are_not_answered(tmp_path, instrument,
                                                                  config):
    frame = _mini_frame(instrument, config)
    frame.loc[0, "com_2"] = -3.0
    frame.loc[1, "com_2"] = 98.0
    frame.loc[2, "ver_1"] = 1000.0
    path = tmp_path / "outside.sav"
    pyreadstat.write_sav(frame, str(path), missing_ranges={
        "com_2": [-3.0, {"lo": 90.0, "hi": 99.0}], "ver_1": [{"lo": 100.0, "hi": 5000.0}]},
        variable_value_labels={"com_2": {-3.0: "geen antwoord", 98.0: "weigert"}})
    read_back = read_survey(path, instrument=instrument, wave=2023, study=config)
    assert pd.isna(read_back.loc[0, "com_2"]) and pd.isna(read_back.loc[1, "com_2"])
    assert pd.isna(read_back.loc[2, "ver_1"])
    assert _codes(read_back["com_2"])[2:] == _codes(pd.Series(frame["com_2"][2:]))
    # without the declaration the same codes are refused
    pyreadstat.write_sav(frame, str(path))
    with pytest.raises(DataValidationError) as info:
        read_survey(path, instrument=instrument, wave=2023, study=config)
    assert {(p.row, p.column, p.value) for p in info.value.problems} == {
        (1, "com_2", -3), (2, "com_2", 98), (3, "ver_1", 1000)}


def test_value_labels_of_another_response_set(tmp_path, instrument, config):
    frame = _mini_frame(instrument, config)
    path = tmp_path / "labels.sav"
    # tevredenheid is sat7 in the instrument; the file labels it with agree5's answers
    agree = {1.0: "helemaal niet van toepassing", 2.0: "overwegend niet van toepassing",
             5.0: "helemaal van toepassing", 9.0: "weet niet"}
    pyreadstat.write_sav(frame, str(path), variable_value_labels={"tevredenheid": agree})
    with pytest.raises(DataValidationError) as info:
        read_survey(path, instrument=instrument, wave=2023, study=config, file="labels.sav")
    (problem,) = info.value.problems
    assert problem.column == "tevredenheid"
    assert "response set 'sat7'" in problem.message
    assert "those of response set 'agree5'" in problem.message
    assert problem.value == ("1 = 'helemaal niet van toepassing'; 2 = 'overwegend niet van "
                             "toepassing'; 5 = 'helemaal van toepassing'; 9 = 'weet niet'")
    assert problem.expected.startswith("the labels of response set 'sat7': 1 = 'helemaal "
                                       "niet tevreden', 2 = '2'")


def test_value_labels_compared_leniently(tmp_path, instrument, config):
    frame = _mini_frame(instrument, config)
    path = tmp_path / "lenient.sav"
    pyreadstat.write_sav(frame, str(path), variable_value_labels={
        "com_1": {1.0: "1 - Helemaal niet van  toepassing", 5.0: " HELEMAAL van toepassing",
                  9.0: "Weet niet"},
        "tevredenheid": {1.0: "Not at all satisfied", 7.0: "7. helemaal tevreden"}})
    read_back = read_survey(path, instrument=instrument, wave=2023, study=config)
    assert _codes(read_back["com_1"]) == _codes(pd.Series(frame["com_1"]))


def test_date_out_of_range_in_another_column(tmp_path, instrument, config):
    frame = _mini_frame(instrument, config)
    frame["started"] = 1e15      # seconds since 1582: far beyond Python's datetime
    path = tmp_path / "dates.sav"
    pyreadstat.write_sav(frame, str(path), variable_format={"started": "DATETIME20"})
    with pytest.raises(OverflowError):
        pyreadstat.read_sav(str(path))   # the reader of SPSS dates refuses the file
    read_back = read_survey(path, instrument=instrument, wave=2023, study=config)
    assert read_back.attrs["ignored_columns"] == ["started"]
    assert len(read_back) == len(frame)


def test_spss_names_ignore_case(tmp_path, instrument, config):
    frame = _mini_frame(instrument, config).rename(columns={"com_1": "COM_1",
                                                            "region": "Region"})
    path = tmp_path / "case.sav"
    pyreadstat.write_sav(frame, str(path))
    read_back = read_survey(path, instrument=instrument, wave=2023, study=config)
    assert _codes(read_back["com_1"]) == _codes(pd.Series(frame["COM_1"]))
    assert read_back["region"].tolist() == frame["Region"].tolist()


# ------------------------------------------------------------- ../shared samples

def test_missing_test_sav_code_1_declared_missing(shared):
    path = shared / "spss_samples" / "pyreadstat_missing_data_missing_test.sav"
    # var1: 1, 2; 1 declared missing and labelled "missing"
    as_point = _instrument({"var1": [(1, "een", None), (2, "twee", None)]})
    frame, problems = _items(path, as_point)
    declared = [p for p in problems if p.message.startswith("declared missing")]
    assert [(p.column, p.value) for p in declared] == [("var1", "1")]
    assert "scale point 'een'" in declared[0].message

    as_code = _instrument({"var1": [(1, "missing", "not_applicable"), (2, "twee", None)]})
    frame, problems = _items(path, as_code)
    assert problems == [] and _codes(frame["var1"]) == [1, 2]
    assert numeric_items(frame, as_code, ["var1"])["var1"].tolist()[1] == 2.0
    assert np.isnan(numeric_items(frame, as_code, ["var1"])["var1"][0])

    unlisted = _instrument({"var1": [(2, "twee", None), (3, "drie", None)]})
    frame, problems = _items(path, unlisted)
    assert problems == [] and _codes(frame["var1"]) == [None, 2]


def test_haven_labelled_num_na(shared):
    path = shared / "spss_samples" / "haven_labelled-num-na.sav"
    # VAR00002: 1 ("This is one"), 9 declared missing
    frame, problems = _items(path, _instrument({"VAR00002": [(1, "This is one", None),
                                                             (2, "two", None)]}))
    assert problems == [] and _codes(frame["VAR00002"]) == [1, None]


def test_sample_missing_negative_codes(shared):
    path = shared / "spss_samples" / "pyreadstat_basic_sample_missing.sav"
    # myord: 1 2 3 1 1 -1 -3; -1, -2, -3 declared missing, -1 labelled "missing"
    frame, problems = _items(path, _instrument({"myord": [(1, "low", None),
                                                          (2, "medium", None),
                                                          (3, "high", None)]}))
    assert problems == []
    assert _codes(frame["myord"]) == [1, 2, 3, 1, 1, None, None]


def test_alltypes_declared_8_but_not_4_or_9(shared, config):
    path = shared / "spss_samples" / "pyreadstat_multiple_response_simple_alltypes.sav"
    # x: 1 2 3 4 8 9; declared missing 7, 8, 99 (9 is not declared in this file)
    instrument = _instrument({"x": [(1, "red", None), (2, "green", None), (3, "blue", None)]})
    frame, problems = _items(path, instrument)
    assert problems == [] and _codes(frame["x"]) == [1, 2, 3, 4, None, 9]
    from image_synth.validate import survey_problems

    keyed = frame.assign(respondent_id=[f"R{n}" for n in range(6)], region="A",
                         situation="binnen_po", sector="po")
    found = survey_problems(keyed, instrument=instrument, study=config, file=path.name)
    assert [(p.row, p.column, int(p.value)) for p in found] == [(4, "x", 4), (6, "x", 9)]


def test_string_variable_declared_missing(shared):
    path = shared / "spss_samples" / "pyreadstat_missing_data_missing_char.sav"
    # mychar: "Z" (declared missing), "a" (labelled) -- text, not codes
    frame, problems = _items(path, _instrument({"mychar": [(1, "een", None)]}))
    assert [(p.row, p.column, p.value, p.message) for p in problems] == [
        (2, "mychar", "a", "text in a coded item")]
    assert _codes(frame["mychar"]) == [None, None]


def test_datetime_sample_is_read(shared):
    path = shared / "spss_samples" / "haven_datetime.sav"
    with pytest.raises(OverflowError, match="date value out of range"):
        pyreadstat.read_sav(str(path))          # the default reader refuses it
    raw, problems = _read_spss(path, path.name, _instrument({"x": [(1, "een", None)]}))
    assert problems == [] and list(raw.columns) == ["date", "date.posix", "time"]
    assert len(raw) == 2


@pytest.mark.parametrize("name", ["pyreadstat_basic_sample.por",
                                  "pyreadstat_basic_sample.zsav"])
def test_portable_and_compressed_samples(shared, name):
    path = shared / "spss_samples" / name
    # MYLABL 1 Male 2 Female: 1 2 1 2 1; MYORD 1 low 2 medium 3 high: 1 2 3 1 1
    instrument = _instrument({"mylabl": [(1, "Male", None), (2, "Female", None)],
                              "myord": [(1, "low", None), (2, "medium", None),
                                        (3, "high", None)]})
    frame, problems = _items(path, instrument)
    assert problems == []
    assert _codes(frame["mylabl"]) == [1, 2, 1, 2, 1]
    assert _codes(frame["myord"]) == [1, 2, 3, 1, 1]


def test_por_with_labels_of_another_order(shared):
    # the file numbers Male 1 and Female 2; an instrument numbering them the other way
    # round gets the answers by label
    path = shared / "spss_samples" / "pyreadstat_basic_sample.por"
    frame, problems = _items(path, _instrument({"mylabl": [(1, "female", None),
                                                           (2, "male", None)]}))
    assert problems == [] and _codes(frame["mylabl"]) == [2, 1, 2, 1, 2]
