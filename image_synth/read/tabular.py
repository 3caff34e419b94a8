"""Reading rectangular files (CSV, XLSX) the way Dutch offices write them.

CSV files come as UTF-8 (with or without byte-order mark) or in the Windows code page
Dutch Excel writes (cp1252), separated by ``;`` (Dutch Excel) or ``,``, sometimes with
decimal commas. Everything is read as text first; the caller decides what each column
must be, so that a bad value can be reported with its row and column instead of being
silently turned into NaN by pandas.

XLSX files are zip archives of XML: they pass the same archive checks as a REFI-QDA
project before openpyxl (which uses defusedxml when installed) opens them. The first
worksheet is read; a cell holding a formula or an Excel error is a problem (its cached
value is what Excel last computed, not what the file says), and so is a column name
that appears twice (CSV or XLSX: pandas would rename the second copy and read the
first).

:func:`load_table` also says where each data row is in the file, for messages:
``"line N"`` for a CSV (the header is line 1, so the first data row is usually line 2;
blank lines and line breaks inside quoted cells are counted as an editor counts them)
and the sheet's row number ``N`` for an XLSX (shown as ``row N``, the header row being
row 1).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import DataValidationError, Problem, UnsafeInputError

#: Largest table file read into memory (bytes).
MAX_TABLE_BYTES = 512 * 1024 * 1024
#: Most columns a CSV header may have, counted before the file is parsed (a survey has
#: a few hundred; pandas needs minutes and gigabytes for a million).
MAX_COLUMNS = 10_000
#: Longest line of a CSV file (bytes), checked before the file is decoded or parsed.
MAX_LINE_BYTES = 1024 * 1024
#: Most uncompressed bytes of an XLSX workbook (all its XML together), checked from the
#: archive's directory before anything is unpacked: a survey of thousands of respondents
#: is a few MiB; openpyxl holds every cell of the sheet as an object, so this bounds the
#: memory a workbook can take.
MAX_XLSX_BYTES = 64 * 1024 * 1024

_INT_RE = re.compile(r"^[+-]?\d+(?:[.,]0+)?$")
_NUM_RE = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$")


def table_format(path: Path) -> str:
    """``csv`` or ``xlsx`` from the file name; anything else is refused."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    raise DataValidationError([Problem(file=str(path), message=f"unsupported file type "
                                       f"{suffix or '(none)'}",
                                       expected="a .csv or .xlsx file")])


def decode_text(raw: bytes, *, file: str) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM stripped) or, failing that, cp1252. Returns (text, encoding)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    nul = raw.find(b"\x00")
    if nul >= 0:
        head = raw[:4096]
        if len(head) >= 4 and max(head[0::2].count(0), head[1::2].count(0)) > len(head) // 4:
            raise UnsafeInputError(file, "text in UTF-16 without a byte-order mark, which is "
                                   "not read (the byte order cannot be known for sure)",
                                   expected="a CSV saved as UTF-8, or as UTF-16 with a "
                                            "byte-order mark")
        line = raw.count(b"\n", 0, nul) + 1
        raise UnsafeInputError(file, "NUL byte: binary data where text was expected",
                               row=f"line {line}",
                               expected="a CSV text file (UTF-8 or Windows-1252)")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise DataValidationError([Problem(
            file=file, message="text is neither UTF-8 nor Windows-1252",
            row=None, value=raw[max(exc.start - 10, 0):exc.end + 10].decode("latin-1"),
            expected="a CSV saved as UTF-8 or by Excel (Windows-1252)")]) from None


def sniff_separator(text: str) -> str:
    """The field separator of a CSV text: ``;``, ``,`` or tab."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        header = text.split("\n", 1)[0]
        return max((";", ",", "\t"), key=header.count)


@dataclass(frozen=True)
class Table:
    """A table file read as text, with where each data row is and what is wrong with it.

    Attributes
    ----------
    frame
        One string column per column name of the file (the first copy of a name that
        appears twice), empty cells ``""``; rows in file order.
    rows
        For each row of ``frame``, how a message names its place in the file:
        ``"line N"`` (CSV) or the sheet row number ``N`` (XLSX, shown as ``row N``).
    problems
        Problems that did not stop the reading: a column name that appears twice, a
        cell holding a formula or an Excel error.
    """

    frame: pd.DataFrame
    rows: tuple[int | str, ...]
    problems: tuple[Problem, ...] = ()

    def row(self, number: int) -> int | str:
        """The place of data row ``number`` (1 = the first data row) in the file."""
        return self.rows[number - 1] if 1 <= number <= len(self.rows) else number


def read_table(path: str | Path, *, file: str | None = None) -> pd.DataFrame:
    """Read a CSV or XLSX file into a frame of strings (empty cells are ``""``).

    Column names are stripped of surrounding white space. Raises
    :class:`DataValidationError` for a missing, empty, undecodable or damaged file, a
    column name that appears twice and an XLSX cell holding a formula or an error.
    """
    table = load_table(path, file=file)
    if table.problems:
        raise DataValidationError(table.problems)
    return table.frame


def load_table(path: str | Path, *, file: str | None = None) -> Table:
    """Read a CSV or XLSX file as :func:`read_table` does, keeping its problems apart.

    Returns a :class:`Table`: the frame, where each of its rows is in the file, and the
    problems that do not stop the reading (so that a caller can report them with its own).
    Raises :class:`DataValidationError` for a missing, empty, undecodable or damaged file.
    """
    path = Path(path)
    shown = file or str(path)
    if not path.is_file():
        raise DataValidationError([Problem(file=shown, message="file not found")])
    if path.stat().st_size > MAX_TABLE_BYTES:
        raise UnsafeInputError(shown, f"file is larger than {MAX_TABLE_BYTES} bytes")
    kind = table_format(path)
    header, frame, rows, problems = (_read_csv(path, shown) if kind == "csv"
                                     else _read_xlsx(path, shown))
    names = [str(c).strip() or f"Unnamed: {n}" for n, c in enumerate(header)]
    first: dict[str, int] = {}
    for n, name in enumerate(names):
        if name in first:
            problems.append(Problem(
                file=shown, column=name, message="column appears more than once",
                value=f"{_column_place(kind, first[name])} and {_column_place(kind, n)}",
                expected="each column name once (the copies may differ; rename or remove "
                         "one)"))
        else:
            first[name] = n
    frame = frame.iloc[:, sorted(first.values())]
    frame.columns = list(first)
    return Table(frame=frame.reset_index(drop=True), rows=tuple(rows),
                 problems=tuple(problems))


def _column_place(kind: str, position: int) -> str:
    """How a file shows a column: ``field 3`` of a CSV line, ``column C`` of a sheet."""
    if kind == "csv":
        return f"field {position + 1}"
    from openpyxl.utils import get_column_letter

    return f"column {get_column_letter(position + 1)}"


def check_text_shape(raw: bytes, *, file: str, max_columns: int = MAX_COLUMNS,
                     max_line_bytes: int = MAX_LINE_BYTES) -> None:
    """Refuse a CSV whose header is too wide or a line too long, before it is parsed.

    Both are counted on the bytes, in time proportional to the file and without a copy:
    the header's fields as separators (``;``, ``,`` or tab, whichever is most frequent)
    plus one, an upper bound when a quoted name holds a separator; a line's length in
    bytes, found by looking for a line break in every ``max_line_bytes // 2`` bytes.
    Raises :class:`UnsafeInputError` naming the number found and the maximum.
    """
    end = raw.find(b"\n")
    end = len(raw) if end < 0 else end
    fields = 1 + max(raw.count(sep, 0, end) for sep in (b";", b",", b"\t"))
    if fields > max_columns:
        raise UnsafeInputError(file, f"the header has {fields:,} columns, more than the "
                               f"{max_columns:,} a table may have", row="line 1",
                               expected=f"at most {max_columns:,} columns")
    step, start = max(max_line_bytes // 2, 1), 0
    while start + step <= len(raw):
        if raw.find(b"\n", start, start + step) >= 0:
            start += step
            continue
        first = raw.rfind(b"\n", 0, start) + 1
        last = raw.find(b"\n", start)
        last = len(raw) if last < 0 else last
        if last - first > max_line_bytes:
            line = raw.count(b"\n", 0, first) + 1
            raise UnsafeInputError(file, f"line of {last - first:,} bytes, longer than the "
                                   f"{max_line_bytes:,} a line may have",
                                   row=f"line {line}",
                                   expected=f"lines of at most {max_line_bytes:,} bytes "
                                            "(a text table)")
        start = last + 1


def _read_csv(path: Path, shown: str):
    raw = path.read_bytes()
    check_text_shape(raw, file=shown)
    text, _ = decode_text(raw, file=shown)
    if not text.strip():
        raise DataValidationError([Problem(file=shown, message="file is empty",
                                           expected="a header row and data rows")])
    sep = sniff_separator(text)
    try:
        # header=None: the header is read as a row, so that a name used twice stays
        # visible instead of being renamed "name.1"
        table = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            na_filter=False, skipinitialspace=True, header=None)
    except (pd.errors.ParserError, csv.Error) as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise DataValidationError([Problem(
            file=shown, message=f"cannot be read as a {sep!r}-separated table",
            row=f"line {line.group(1)}" if line else None,
            expected="the same number of fields on every line")]) from None
    header = ["" if pd.isna(c) else c for c in table.iloc[0].tolist()] if len(table) else []
    frame = table.iloc[1:]
    lines = _record_lines(text, sep)
    if len(lines) == len(table):
        rows = [f"line {n}" for n in lines[1:]]
    else:  # cannot happen for the files pandas reads; never give a wrong line number
        rows = [f"data row {n}" for n in range(1, len(frame) + 1)]
    return header, frame, rows, []


def _record_lines(text: str, sep: str) -> list[int]:
    """The line on which each record pandas reads starts (blank lines skipped as pandas does)."""
    physical: list[str] = []

    def feed(stream):
        for line in stream:
            physical.append(line)
            yield line

    reader = csv.reader(feed(io.StringIO(text, newline="")), delimiter=sep,
                        skipinitialspace=True)
    starts: list[int] = []
    previous = 0
    try:
        for record in reader:
            start, previous = previous + 1, reader.line_num
            line = physical[start - 1]
            if not record or (start == previous and not line.strip() and sep not in line):
                continue  # an empty or white-space line without a separator: pandas skips it
            starts.append(start)
    except csv.Error:
        return []
    return starts


def _read_xlsx(path: Path, shown: str):
    import openpyxl

    from .safety import SafeZip, ZipLimits

    # an .xlsx is a zip of XML: check names, sizes and compression ratios by really
    # reading every member under the limits before openpyxl (with defusedxml) parses it
    has_formulas = False
    with SafeZip(path, label=shown, limits=ZipLimits(max_total_bytes=MAX_XLSX_BYTES)) as archive:
        for name in archive.names:
            content = archive.read(name)
            if name.lower().startswith("xl/worksheets/") and _FORMULA_RE.search(content):
                has_formulas = True
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
        try:
            sheet = book.worksheets[0]
            title = sheet.title
            sheet.reset_dimensions()
            cells = [list(row) for row in sheet.iter_rows()]
        finally:
            book.close()
        formulas = _xlsx_formulas(path) if has_formulas else {}
    except Exception as exc:  # openpyxl raises a zoo of types for damaged workbooks
        raise UnsafeInputError(shown, f"not a readable Excel workbook ({type(exc).__name__})",
                               expected="an .xlsx file saved by Excel or LibreOffice") from None
    problems: list[Problem] = []
    texts: list[list[str]] = []
    for number, row in enumerate(cells, start=1):
        line = []
        for position, cell in enumerate(row):
            line.append(_xlsx_text(cell))
            if getattr(cell, "data_type", None) == "e":
                problems.append(_xlsx_problem(shown, title, number, position, texts,
                                              value=str(cell.value),
                                              message="cell holds an Excel error",
                                              expected="a value"))
                line[-1] = ""
        while line and line[-1] == "":
            line.pop()
        texts.append(line)
    for (number, position), formula in sorted(formulas.items()):
        cached = texts[number - 1][position] if position < len(texts[number - 1]) else ""
        problems.append(_xlsx_problem(
            shown, title, number, position, texts, value=formula,
            message="cell holds a formula, not a value ("
                    + (f"its cached result {cached!r} would be used" if cached else
                       "the file holds no result for it") + ")",
            expected="typed values (copy the cells and paste them as values)"
                     + ("; the formula refers to another workbook" if "[" in formula else "")))
    while texts and not texts[-1]:
        texts.pop()
    width = max((len(t) for t in texts), default=0)
    texts = [t + [""] * (width - len(t)) for t in texts]
    header = texts[0] if texts else []
    frame = pd.DataFrame(texts[1:], columns=range(width), dtype=str)
    return header, frame, list(range(2, len(texts) + 1)), problems


#: a ``<f>`` element (a formula) in worksheet XML, with or without a namespace prefix
_FORMULA_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _xlsx_formulas(path: Path) -> dict[tuple[int, int], str]:
    """(sheet row, column position) -> formula text of every formula cell of the first sheet."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=True)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        found = {}
        for number, row in enumerate(sheet.iter_rows(), start=1):
            for position, cell in enumerate(row):
                if getattr(cell, "data_type", None) == "f":
                    value = cell.value
                    found[number, position] = str(getattr(value, "text", value))
        return found
    finally:
        book.close()


def _xlsx_problem(shown: str, title: str, number: int, position: int,
                  texts: list[list[str]], **fields) -> Problem:
    from openpyxl.utils import get_column_letter

    header = texts[0] if texts and number > 1 else []
    column = header[position].strip() if position < len(header) else None
    return Problem(file=shown, row=f"sheet {title!r}, cell {get_column_letter(position + 1)}"
                   f"{number}", column=column or None, **fields)


def _xlsx_text(cell) -> str:
    """A cell as pandas' openpyxl reader gives it, as text (integral numbers without .0)."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return str(value)


def records(frame: pd.DataFrame) -> Iterator[dict]:
    """The rows of a frame of text (as :func:`read_table` gives it) as dicts.

    The same as ``frame.to_dict("records")``, built from whole columns: ``to_dict`` boxes
    every cell on its own, which costs more than the checks a reader runs on the rows.
    """
    columns = [frame[c].tolist() for c in frame.columns]
    return (dict(zip(frame.columns, cells)) for cells in zip(*columns))


def parse_int(text: str) -> int | None:
    """``"3"``, ``"3.0"``, ``"3,0"`` -> 3; ``""`` -> None; anything else raises ValueError."""
    text = text.strip()
    if not text:
        return None
    if not _INT_RE.match(text):
        raise ValueError(text)
    return int(re.split(r"[.,]", text)[0])


def parse_float(text: str) -> float | None:
    """``"4,5"`` or ``"4.5"`` -> 4.5; ``""`` -> None; anything else raises ValueError."""
    text = text.strip()
    if not text:
        return None
    if not _NUM_RE.match(text):
        raise ValueError(text)
    return float(text.replace(",", "."))
