"""Sources reader: messages name the file's line (CSV) or sheet row (XLSX), as the survey
reader does, never the data row (one less than the line)."""

from __future__ import annotations

import pytest
from _support import MINI

from image_synth.errors import DataValidationError
from image_synth.read.sources import read_sources
from image_synth.study.models import StudyConfig, load_yaml_model

HEADER = "source_id,source_type,wave,region,situation,role,n_participants,synthetic,title"


@pytest.fixture(scope="module")
def study() -> StudyConfig:
    return load_yaml_model(StudyConfig, MINI / "study.yaml")


def _rows(n: int) -> list[str]:
    return [f"INT2023_{i},interview,2023,A,binnen_po,projectleider,1,true,Interview {i}"
            for i in range(1, n + 1)]


def test_a_bad_value_on_line_10_is_reported_on_line_10(tmp_path, study):
    rows = _rows(60)
    rows[8] = rows[8].replace(",2023,", ",2031,")                 # line 10
    rows[48] = rows[48].replace("INT2023_49,", "INT2023_1,")      # line 50, first on line 2
    path = tmp_path / "sources.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        read_sources(path, study=study, file="qual/sources.csv")
    assert [p.render() for p in info.value.problems] == [
        ("qual/sources.csv, line 10, column 'wave': not a wave of the study; found 2031; "
         "expected one of 2022, 2023"),
        ("qual/sources.csv, line 50, column 'source_id': source id already used on line 2; "
         "found 'INT2023_1'; expected a unique id")]


def test_lines_count_blank_lines_and_quoted_line_breaks(tmp_path, study):
    rows = _rows(3)
    rows[0] = rows[0].replace("Interview 1", '"Interview\nover two lines"')  # lines 2-3
    rows[2] = rows[2].replace("interview,", "gesprek,")
    path = tmp_path / "sources.csv"
    path.write_text("\n".join([HEADER, rows[0], "", rows[1], rows[2]]) + "\n",
                    encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        read_sources(path, study=study, file="sources.csv")
    assert [p.row for p in info.value.problems] == ["line 6"]


def test_an_xlsx_names_the_sheet_row(tmp_path, study):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for row in _rows(3):
        sheet.append(row.split(","))
    sheet.cell(row=4, column=1, value="INT2023_1")
    sheet.cell(row=3, column=7, value="twee")
    path = tmp_path / "sources.xlsx"
    book.save(path)
    with pytest.raises(DataValidationError) as info:
        read_sources(path, study=study, file="sources.xlsx")
    assert [p.render() for p in info.value.problems] == [
        ("sources.xlsx, row 3, column 'n_participants': not a whole number; found 'twee'; "
         "expected a whole number"),
        ("sources.xlsx, row 4, column 'source_id': source id already used in row 2; found "
         "'INT2023_1'; expected a unique id")]
