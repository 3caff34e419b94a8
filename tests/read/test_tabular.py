"""Helpers for rectangular files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from image_synth.errors import DataValidationError
from image_synth.read.tabular import load_table, read_table, records


def test_records_match_pandas_to_dict(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("id;text;start\nA;x;3\nB;;\nC;y\n", encoding="utf-8")  # C: a short row
    read = read_table(path)
    hand_made = pd.DataFrame({"text": ["a", "", np.nan], "other": pd.Series(["1", "2", None],
                                                                             dtype=object)})
    for frame in (read, read.iloc[:0], read[["text"]], hand_made):
        expected = frame.to_dict("records")
        found = list(records(frame))
        assert [{k: repr(v) for k, v in row.items()} for row in found] == [
            {k: repr(v) for k, v in row.items()} for row in expected]


# ------------------------------------------------------------ where rows are, problems


def test_csv_rows_are_file_lines(tmp_path):
    path = tmp_path / "lines.csv"
    # line 1 header, 2 a record, 3 blank, 4-5 one record (a quoted line break),
    # 6 white space only, 7 a record of empty cells, 8 a record
    path.write_text('id;text\nA;x\n\nB;"two\nlines"\n   \n;\nC;z\n', encoding="utf-8")
    table = load_table(path)
    assert table.frame["id"].tolist() == ["A", "B", "", "C"]
    assert table.frame["text"].tolist() == ["x", "two\nlines", "", "z"]
    assert table.rows == ("line 2", "line 4", "line 7", "line 8")
    assert table.row(2) == "line 4"


def test_csv_rows_with_windows_line_ends_and_leading_blank_lines(tmp_path):
    path = tmp_path / "crlf.csv"
    path.write_bytes(b"\r\n\r\nid,n\r\nA,1\r\n\r\nB,2\r\n")
    table = load_table(path)
    assert table.frame.to_dict("list") == {"id": ["A", "B"], "n": ["1", "2"]}
    assert table.rows == ("line 4", "line 6")


def test_column_twice_in_csv(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text("id;x;y;x\nA;1;2;3\n", encoding="utf-8")
    table = load_table(path, file="twice.csv")
    (problem,) = table.problems
    assert (problem.column, problem.value) == ("x", "field 2 and field 4")
    assert "column appears more than once" in problem.message
    assert list(table.frame.columns) == ["id", "x", "y"]
    with pytest.raises(DataValidationError, match="twice.csv, column 'x': column appears"):
        read_table(path, file="twice.csv")


def _workbook(path, rows, title="Blad1"):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_xlsx_like_pandas(tmp_path):
    path = tmp_path / "plain.xlsx"
    _workbook(path, [["id", "n", "share", None, "when"],
                     ["A", 1, 0.5, None, "x"],
                     [None, None, None, None, None],
                     ["B", 2.0, 1e-3, True, None]])
    table = load_table(path)
    expected = pd.read_excel(path, dtype=object, engine="openpyxl").map(
        lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v))
        else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)))
    pd.testing.assert_frame_equal(table.frame, expected)
    assert list(table.frame.columns) == ["id", "n", "share", "Unnamed: 3", "when"]
    assert table.rows == (2, 3, 4)   # the sheet's row numbers; the header is row 1


def test_xlsx_column_twice_formula_and_error(tmp_path):
    path = tmp_path / "book.xlsx"
    _workbook(path, [["id", "x", "x", "y"],
                     ["A", 1, 2, "=B2*2"],
                     ["B", "#N/A", 3, "='[budget.xlsx]Blad1'!A1"]])
    table = load_table(path, file="book.xlsx")
    found = sorted(((p.row, p.column, p.value, p.message.split(" (")[0].split(",")[0])
                    for p in table.problems), key=lambda f: str(f[0] or ""))
    assert found == [
        (None, "x", "column B and column C", "column appears more than once"),
        ("sheet 'Blad1', cell B3", "x", "#N/A", "cell holds an Excel error"),
        ("sheet 'Blad1', cell D2", "y", "=B2*2", "cell holds a formula"),
        ("sheet 'Blad1', cell D3", "y", "='[budget.xlsx]Blad1'!A1", "cell holds a formula"),
    ]
    linked = next(p for p in table.problems if p.row == "sheet 'Blad1', cell D3")
    assert "refers to another workbook" in linked.expected
    assert table.frame["x"].tolist() == ["1", ""]


def test_xlsx_formula_with_cached_value(tmp_path):
    import zipfile

    path = tmp_path / "cached.xlsx"
    _workbook(path, [["id", "n"], ["A", "=1+1"]])
    # Excel stores the formula with the value it last computed
    patched = tmp_path / "patched.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert b"<f>1+1</f><v></v>" in data or b"<f>1+1</f><v />" in data
                data = data.replace(b"<f>1+1</f><v></v>", b"<f>1+1</f><v>2</v>").replace(
                    b"<f>1+1</f><v />", b"<f>1+1</f><v>2</v>")
            target.writestr(info, data)
    table = load_table(patched, file="cached.xlsx")
    assert table.frame["n"].tolist() == ["2"]
    (problem,) = table.problems
    assert (problem.row, problem.column, problem.value) == ("sheet 'Blad1', cell B2", "n",
                                                            "=1+1")
    assert "its cached result '2' would be used" in problem.message
