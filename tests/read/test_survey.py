"""Survey reader: CSV dialects, SPSS value labels and user-missing codes, and a corpus of
malformed files each giving a message that names file, row, column and value."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from image_synth import read_survey
from image_synth.errors import DataValidationError, ImageSynthError, UnsafeInputError
from image_synth.study.models import Instrument, StudyConfig, load_yaml_model

from _support import MINI, edit_csv


@pytest.fixture(scope="module")
def instrument() -> Instrument:
    return load_yaml_model(Instrument, MINI / "instrument.yaml")


@pytest.fixture(scope="module")
def config() -> StudyConfig:
    return load_yaml_model(StudyConfig, MINI / "study.yaml")


def _csv(tmp_path: Path, name: str = "survey.csv") -> Path:
    target = tmp_path / name
    target.write_bytes((MINI / "survey_2023.csv").read_bytes())
    return target


def _problem(exc: DataValidationError, column: str):
    hits = [p for p in exc.problems if p.column == column]
    assert hits, f"no problem for column {column!r}: {exc}"
    return hits[0]


def test_reads_the_fixture(instrument, config):
    frame = read_survey(MINI / "survey_2023.csv", instrument=instrument, wave=2023, study=config)
    assert list(frame.columns[:5]) == ["respondent_id", "wave", "region", "situation", "sector"]
    assert len(frame) == 20
    assert str(frame["com_1"].dtype) == "Int64"
    # S001: 1;0;2;3;4;2;3;9;4 in the file
    first = frame.iloc[0]
    assert (first["com_1"], first["com_3"], first["tijd"], first["tevredenheid"]) == (2, 4, 9, 4)


def test_cp1252_comma_separated_with_decimal_commas(tmp_path, instrument, config):
    text = (MINI / "survey_2023.csv").read_text(encoding="utf-8")
    lines = [line.replace(";", ",") for line in text.splitlines()]
    # a decimal comma inside quotes and an accented id only cp1252 can carry
    cells = lines[1].split(",")
    cells[0] = "Sé001"
    cells[8] = '"2,0"'
    lines[1] = ",".join(cells)
    path = tmp_path / "excel.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    frame = read_survey(path, instrument=instrument, wave=2023, study=config)
    assert frame.loc[0, "respondent_id"] == "Sé001"
    assert frame.loc[0, "com_1"] == 2


def _write_sav(path: Path, frame: pd.DataFrame, labels: dict, missing: dict) -> None:
    pyreadstat.write_sav(frame, str(path), variable_value_labels=labels,
                         missing_ranges=missing)


def test_sav_keeps_user_missing_codes_and_maps_labels(tmp_path, instrument, config):
    base = read_survey(MINI / "survey_2023.csv", instrument=instrument, wave=2023, study=config)
    frame = base.drop(columns=["wave"]).astype(object)
    for col in frame.columns[4:]:
        frame[col] = pd.to_numeric(frame[col].astype("Float64")).astype("float64")
    # this file codes "weet niet" as 99 instead of the instrument's 9
    frame["tijd"] = frame["tijd"].replace(9, 99)
    labels = {"tijd": {1.0: "helemaal niet van toepassing", 5.0: "helemaal van toepassing",
                       99.0: "weet niet"}}
    path = tmp_path / "survey.sav"
    _write_sav(path, frame, labels, {"tijd": [99]})
    read_back = read_survey(path, instrument=instrument, wave=2023, study=config)
    assert read_back["tijd"].tolist() == base["tijd"].tolist()
    assert (read_back["tijd"] == 9).sum() == (base["tijd"] == 9).sum() > 0


def test_sav_label_that_matches_no_answer(tmp_path, instrument, config):
    frame = pd.DataFrame({"respondent_id": ["S1"], "region": ["A"], "situation": ["binnen_po"],
                          "sector": ["po"], **{i.id: [1.0] for i in instrument.items}})
    path = tmp_path / "odd.sav"
    _write_sav(path, frame, {"tijd": {1.0: "helemaal niet van toepassing", 8.0: "geen mening"}},
               {})
    with pytest.raises(DataValidationError) as info:
        read_survey(path, instrument=instrument, wave=2023, study=config)
    problem = _problem(info.value, "tijd")
    assert "8 = 'geen mening'" in str(problem.value)
    assert "odd.sav" in str(info.value)


# ----------------------------------------------------------------------------- corpus

CELL_CASES = [
    # (id, row, column, bad value, the column a problem must name, words in the message)
    ("likert_out_of_range", 1, "com_1", "7", "com_1", "value not allowed"),
    ("unknown_region", 2, "region", "Z", "region", "value not allowed"),
    ("text_in_numeric_item", 4, "ver_1", "veel", "ver_1", "text in a coded item"),
    ("decimal_in_coded_item", 4, "ver_2", "3.5", "ver_2", "text in a coded item"),
    ("unknown_situation", 5, "situation", "binnen_mbo", "situation", "value not allowed"),
    ("unknown_sector", 6, "sector", "mbo", "sector", "value not allowed"),
    ("wave_differs", 7, "wave", "2021", "wave", "wave differs"),
    ("wave_not_a_year", 8, "wave", "vorig jaar", "wave", "not a year"),
    ("multi_select_not_0_1", 9, "functie_ib", "2", "functie_ib", "value not allowed"),
]


@pytest.mark.parametrize("case", CELL_CASES, ids=[c[0] for c in CELL_CASES])
def test_malformed_cell(tmp_path, instrument, config, case):
    _, row, column, value, reported, words = case
    path = _csv(tmp_path)
    edit_csv(path, row, column, value)
    with pytest.raises(DataValidationError) as info:
        read_survey(path, instrument=instrument, wave=2023, study=config, file="survey.csv")
    problem = _problem(info.value, reported)
    assert problem.file == "survey.csv"
    assert problem.row == f"line {row + 1}"  # data row 1 is line 2 (the header is line 1)
    assert words in problem.message
    text = str(info.value)
    assert f"survey.csv, line {row + 1}, column {reported!r}" in text


def test_region_situation_mismatch(tmp_path, instrument, config):
    path = _csv(tmp_path)
    edit_csv(path, 3, "region", "G")  # G is a po_vo region; row 3 says binnen_po
    with pytest.raises(DataValidationError) as info:
        read_survey(path, instrument=instrument, wave=2023, study=config)
    problem = _problem(info.value, "region/situation/sector")
    assert problem.row == "line 4"
    assert "G / binnen_po / po" in str(problem.value)
    assert "po_vo" in problem.expected


def test_duplicate_respondent(tmp_path, instrument, config):
    path = _csv(tmp_path)
    edit_csv(path, 4, "respondent_id", "S001")
    with pytest.raises(DataValidationError) as info:
        read_survey(path, instrument=instrument, wave=2023, study=config)
    rows = [p.row for p in info.value.problems if p.column == "respondent_id+wave"]
    assert rows == ["line 2", "line 5"]


def test_missing_item_and_key_columns_all_reported(tmp_path, instrument, config):
    frame = pd.read_csv(MINI / "survey_2023.csv", sep=";", dtype=str)
    path = tmp_path / "short.csv"
    frame.drop(columns=["ver_2", "region"]).to_csv(path, sep=";", index=False)
    with pytest.raises(DataValidationError) as info:
        read_survey(path, instrument=instrument, wave=2023, study=config)
    missing = {p.column for p in info.value.problems if "missing" in p.message}
    assert missing == {"ver_2", "region"}


def test_all_problems_at_once(tmp_path, instrument, config):
    path = _csv(tmp_path)
    edit_csv(path, 1, "com_1", "8")
    edit_csv(path, 2, "tevredenheid", "hoog")
    edit_csv(path, 3, "region", "Q")
    with pytest.raises(DataValidationError) as info:
        read_survey(path, instrument=instrument, wave=2023, study=config)
    assert {(p.row, p.column) for p in info.value.problems} >= {
        ("line 2", "com_1"), ("line 3", "tevredenheid"), ("line 4", "region")}


def test_wrong_encoding(tmp_path, instrument):
    path = tmp_path / "broken.csv"
    path.write_bytes((MINI / "survey_2023.csv").read_bytes() + b"S999;2023;A;\x81\x8d\x90;po\n")
    with pytest.raises(DataValidationError) as info:
        read_survey(path, instrument=instrument, wave=2023)
    assert "neither UTF-8 nor Windows-1252" in str(info.value)
    assert "broken.csv" in str(info.value)


def test_empty_file(tmp_path, instrument):
    path = tmp_path / "empty.csv"
    path.write_text("\n\n")
    with pytest.raises(DataValidationError, match="empty.csv: file is empty"):
        read_survey(path, instrument=instrument, wave=2023)


def test_unsupported_extension(tmp_path, instrument):
    path = tmp_path / "survey.ods"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(DataValidationError, match=r"unsupported file type \.ods"):
        read_survey(path, instrument=instrument, wave=2023)


def test_missing_file(tmp_path, instrument):
    with pytest.raises(DataValidationError, match="nothere.csv: file not found"):
        read_survey(tmp_path / "nothere.csv", instrument=instrument, wave=2023,
                    file="nothere.csv")


def test_truncated_sav(tmp_path, instrument):
    frame = pd.DataFrame({"respondent_id": [f"S{i}" for i in range(200)],
                          "com_1": np.ones(200)})
    full = tmp_path / "full.sav"
    pyreadstat.write_sav(frame, str(full))
    cut = tmp_path / "cut.sav"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    with pytest.raises(UnsafeInputError) as info:
        read_survey(cut, instrument=instrument, wave=2023)
    assert "cut.sav" in str(info.value) and "not a readable SPSS file" in str(info.value)
    assert isinstance(info.value, ImageSynthError)


def test_text_file_named_sav(tmp_path, instrument):
    path = tmp_path / "fake.sav"
    path.write_text("respondent_id;com_1\nS1;3\n")
    with pytest.raises(UnsafeInputError, match="fake.sav: not a readable SPSS file"):
        read_survey(path, instrument=instrument, wave=2023)


def test_xlsx_survey(tmp_path, instrument, config):
    frame = pd.read_csv(MINI / "survey_2023.csv", sep=";", dtype=str, keep_default_na=False)
    path = tmp_path / "survey.xlsx"
    frame.to_excel(path, index=False)
    read_back = read_survey(path, instrument=instrument, wave=2023, study=config)
    expected = read_survey(MINI / "survey_2023.csv", instrument=instrument, wave=2023,
                           study=config)
    pd.testing.assert_frame_equal(read_back, expected)


def test_xlsx_zip_bomb_is_refused(tmp_path, instrument):
    import zipfile

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (30 * 1024 * 1024) + b"</a>")
    with pytest.raises(UnsafeInputError) as info:
        read_survey(path, instrument=instrument, wave=2023)
    assert "bomb.xlsx!xl/worksheets/sheet1.xml" in str(info.value)
    assert "compression ratio" in str(info.value)


# ------------------------------------------------------- distinct texts, quick validation

# texts parse_int reads as a code (each an allowed code of com_1, com_2 and status) ...
READABLE_CELLS = ["3,0", " 2 ", "", "+3", "03", "2.00", "٣", "1.0", " "]
# ... and texts it refuses
UNREADABLE_CELLS = ["abc", "3.5", "1e3", "- 3", "3 4", "nan", ",5", "1,", "99999999999999999999"]


def _scatter(path: Path, texts: list[str], columns: list[str]) -> list[tuple[int, str, str]]:
    """Write every text into two cells of different rows and columns; returns the edits."""
    edits = []
    for n, text in enumerate(texts):
        for row, column in ((n % 20 + 1, columns[n % len(columns)]),
                            ((n + 9) % 20 + 1, columns[(n + 1) % len(columns)])):
            edit_csv(path, row, column, text)
            edits.append((row, column, text))
    return edits


def test_codes_are_parse_int_of_each_cell(tmp_path, instrument, config):
    from image_synth.read.tabular import parse_int, read_table

    path = _csv(tmp_path)
    _scatter(path, READABLE_CELLS, ["com_1", "com_2", "status"])
    frame = read_survey(path, instrument=instrument, wave=2023, study=config)
    raw = read_table(path)
    for item in ("com_1", "com_2", "status", "tijd"):
        expected = [parse_int(text) for text in raw[item]]
        assert [None if pd.isna(v) else v for v in frame[item]] == expected, item
        assert str(frame[item].dtype) == "Int64"


def test_every_unreadable_cell_is_reported(tmp_path, instrument, config):
    path = _csv(tmp_path)
    edits = _scatter(path, UNREADABLE_CELLS, ["com_1", "tevredenheid", "functie_ib"])
    edit_csv(path, 3, "com_3", "7")  # readable, but no code of the response set
    with pytest.raises(DataValidationError) as info:
        read_survey(path, instrument=instrument, wave=2023, study=config, file="survey.csv")
    found = [(p.row, p.column, p.value) for p in info.value.problems
             if p.message == "text in a coded item"]
    assert found == [(f"line {row + 1}", column, text) for row, column, text in
                     sorted(edits, key=lambda edit: (edit[0], edit[1]))]
    (not_allowed,) = [p for p in info.value.problems if p.message == "value not allowed"]
    assert (not_allowed.row, not_allowed.column, not_allowed.value) == ("line 4", "com_3", 7)


def test_sav_codes_swapped_by_label(tmp_path, instrument, config):
    base = read_survey(MINI / "survey_2023.csv", instrument=instrument, wave=2023, study=config)
    frame = base.drop(columns=["wave"]).astype(object)
    for col in frame.columns[4:]:
        frame[col] = pd.to_numeric(frame[col].astype("Float64")).astype("float64")
    frame.loc[2, "com_1"] = 9.0
    expected = pd.array(frame["com_1"], dtype="Int64").tolist()  # 1 and 9 both present
    # this file numbers "weet niet" 1 and "helemaal niet van toepassing" 9: the reverse
    frame["com_1"] = frame["com_1"].replace({1.0: 9.0, 9.0: 1.0})
    frame.loc[0, "com_2"] = 2.5
    frame.loc[1, "com_2"] = np.nan
    labels = {"com_1": {1.0: "weet niet", 9.0: "helemaal niet van toepassing"}}
    path = tmp_path / "swapped.sav"
    _write_sav(path, frame, labels, {})
    with pytest.raises(DataValidationError) as info:
        read_survey(path, instrument=instrument, wave=2023, study=config)
    assert [(p.row, p.column, p.value) for p in info.value.problems] == [(1, "com_2", "2.5")]
    frame.loc[0, "com_2"] = 2.0
    _write_sav(path, frame, labels, {})
    read_back = read_survey(path, instrument=instrument, wave=2023, study=config)
    assert read_back["com_1"].tolist() == expected
    assert pd.isna(read_back.loc[1, "com_2"]) and read_back.loc[0, "com_2"] == 2


def _problems_item_by_item(frame, instrument, config):
    """survey_problems without its quick first schema: survey_schema, cell by cell."""
    import pandera.pandas as pa

    from image_synth.validate import problems_from_schema_errors, survey_schema

    try:
        survey_schema(instrument, config, columns=list(frame.columns)).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return problems_from_schema_errors(exc, frame, file="f", instrument=instrument,
                                           study=config)
    return []


def _frames_to_validate(base: pd.DataFrame) -> dict[str, pd.DataFrame]:
    frames = {"valid": base, "no rows": base.iloc[:0]}
    frames["code not allowed"] = base.assign(com_1=base["com_1"].replace(2, 6))
    frames["code and wave"] = frames["code not allowed"].assign(
        wave=base["wave"].replace(2023, 2021))
    frames["code and region"] = frames["code not allowed"].assign(
        region=base["region"].replace("B", "Q"))
    frames["float column"] = base.assign(tijd=base["tijd"].astype("Float64"))
    frames["text column"] = base.assign(status=base["status"].astype(str))
    frames["huge code"] = base.assign(com_2=base["com_2"].replace(3, 2**60))
    frames["duplicate"] = base.assign(respondent_id=base["respondent_id"].replace("S002",
                                                                                  "S001"))
    return frames


def test_quick_schema_agrees_with_item_by_item_schema(instrument, config):
    import pandera.pandas as pa

    from image_synth.validate import _screening_schema, survey_problems, survey_schema

    base = read_survey(MINI / "survey_2023.csv", instrument=instrument, wave=2023, study=config)
    for name, frame in _frames_to_validate(base).items():
        for study in (config, None):
            columns = list(frame.columns)
            passes = []
            for schema in (_screening_schema(instrument, study, columns),
                           survey_schema(instrument, study, columns=columns)):
                try:
                    schema.validate(frame, lazy=True)
                    passes.append(True)
                except pa.errors.SchemaErrors:
                    passes.append(False)
            assert passes[0] == passes[1], name
            assert passes[0] == (name in ("valid", "no rows")), name
            expected = _problems_item_by_item(frame, instrument, study)
            found = survey_problems(frame, instrument=instrument, study=study, file="f")
            assert [(p, type(p.value)) for p in found] == [
                (p, type(p.value)) for p in expected], name


def test_sav_text_is_cell_text_of_every_cell():
    from image_synth.read.survey import _cell_text, _sav_text

    data = pd.DataFrame({
        "code": [1.0, 2.0, np.nan, 1.0, -0.0, 0.0],
        "odd": [2.5, 1e12, np.inf, -3.0, 1e-05, np.nan],
        "name": pd.Series(["S1", "", np.nan, "S1", " S2 ", "x"], dtype="str"),
        "empty": [np.nan] * 6,
    })
    for frame in (data, data.iloc[:0], data[["name"]], data[["code"]]):
        expected = frame.astype(object).map(_cell_text)
        found = _sav_text(frame)
        assert list(found.columns) == list(frame.columns)
        assert found.to_numpy().tolist() == expected.to_numpy().tolist()


def test_messages_show_plain_values(tmp_path, instrument, config):
    """A code pandera hands back as a NumPy integer is shown as the file has it."""
    path = _csv(tmp_path)
    edit_csv(path, 3, "com_3", "7")
    with pytest.raises(DataValidationError) as info:
        read_survey(path, instrument=instrument, wave=2023, study=config, file="survey.csv")
    text = str(info.value)
    assert "survey.csv, line 4, column 'com_3': value not allowed; found 7; expected one of" \
        in text
    assert "np." not in text


def test_problem_values_as_plain_text():
    from image_synth.errors import Problem

    cases = [(np.int64(9), "9"), (np.float64(9.0), "9"), (np.float64(2.5), "2.5"),
             (np.str_("veel"), "'veel'"), (np.bool_(True), "True"), ("veel", "'veel'"),
             (3, "3"), (pd.NA, "<NA>")]
    for value, expected in cases:
        assert Problem(file="f", message="m", value=value).render() == \
            f"f: m; found {expected}", value
    assert Problem(file="f", message="m", value=[np.int64(1), "x"]).render().endswith(
        "found [1, 'x']")


# ------------------------------------------------ rows as the file shows them, copies

def test_csv_messages_give_file_lines(tmp_path, instrument, config):
    path = _csv(tmp_path)
    edit_csv(path, 3, "com_1", "7")               # data row 3: line 4 of the file
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "")                            # a blank line after data row 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        read_survey(path, instrument=instrument, wave=2023, study=config, file="survey.csv")
    (problem,) = info.value.problems
    assert problem.row == "line 5"
    assert lines[4].startswith("S003;")            # what an editor shows on line 5
    assert "survey.csv, line 5, column 'com_1'" in str(info.value)


def test_xlsx_messages_give_sheet_rows(tmp_path, instrument, config):
    frame = pd.read_csv(MINI / "survey_2023.csv", sep=";", dtype=str, keep_default_na=False)
    frame.loc[2, "com_1"] = "7"                    # the third data row: sheet row 4
    path = tmp_path / "survey.xlsx"
    frame.to_excel(path, index=False, sheet_name="Data")
    with pytest.raises(DataValidationError) as info:
        read_survey(path, instrument=instrument, wave=2023, study=config, file="survey.xlsx")
    (problem,) = info.value.problems
    assert (problem.row, problem.column) == (4, "com_1")
    assert "survey.xlsx, row 4, column 'com_1'" in str(info.value)


def test_item_column_twice(tmp_path, instrument, config):
    path = _csv(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    # a second com_2 column at the end, which the reader must not silently drop
    lines = [lines[0] + ";com_2"] + [line + ";5" for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    edit_csv(path, 2, "com_1", "8")
    with pytest.raises(DataValidationError) as info:
        read_survey(path, instrument=instrument, wave=2023, study=config, file="survey.csv")
    found = {(p.row, p.column, p.value) for p in info.value.problems}
    assert found == {(None, "com_2", "field 10 and field 16"), ("line 3", "com_1", 8)}


def test_xlsx_item_column_twice_and_formula(tmp_path, instrument, config):
    frame = pd.read_csv(MINI / "survey_2023.csv", sep=";", dtype=str, keep_default_na=False)
    frame.insert(6, "tijd ", frame["tijd"])        # 'tijd ' is 'tijd' once stripped
    frame = frame.astype(object)
    frame.loc[0, "tevredenheid"] = "=2+2"
    path = tmp_path / "survey.xlsx"
    frame.to_excel(path, index=False, sheet_name="Data")
    with pytest.raises(DataValidationError) as info:
        read_survey(path, instrument=instrument, wave=2023, study=config, file="survey.xlsx")
    found = {(p.row, p.column, p.value) for p in info.value.problems}
    # header: respondent_id wave region situation sector status 'tijd ' ... tijd (column O)
    assert found == {(None, "tijd", "column G and column O"),
                     ("sheet 'Data', cell P2", "tevredenheid", "=2+2")}


def test_sav_rows_are_case_numbers(tmp_path, instrument, config):
    base = read_survey(MINI / "survey_2023.csv", instrument=instrument, wave=2023, study=config)
    frame = base.drop(columns=["wave"]).astype(object)
    for col in frame.columns[4:]:
        frame[col] = pd.to_numeric(frame[col].astype("Float64")).astype("float64")
    frame.loc[4, "ver_1"] = 6.0                     # case 5 in SPSS's Data View
    path = tmp_path / "cases.sav"
    _write_sav(path, frame, {}, {})
    with pytest.raises(DataValidationError) as info:
        read_survey(path, instrument=instrument, wave=2023, study=config, file="cases.sav")
    assert "cases.sav, row 5, column 'ver_1': value not allowed; found 6" in str(info.value)


def test_unsupported_extension_lists_spss_formats(tmp_path, instrument):
    path = tmp_path / "survey.dta"
    path.write_bytes(b"\x00")
    with pytest.raises(DataValidationError) as info:
        read_survey(path, instrument=instrument, wave=2023)
    assert info.value.problems[0].expected == "a .sav, .zsav, .por, .csv or .xlsx file"
