"""Reading rectangular files (CSV, XLSX) the way Dutch offices write them.

CSV files come as UTF-8 (with or without byte-order mark) or in the Windows code page
Dutch Excel writes (cp1252), separated by ``;`` (Dutch Excel) or ``,``, sometimes with
decimal commas. Everything is read as text first; the caller decides what each column
must be, so that a bad value can be reported with its row and column instead of being
silently turned into NaN by pandas.

XLSX files are zip archives of XML: they pass the same archive checks as a REFI-QDA
project before openpyxl (which uses defusedxml when installed) opens them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from ..errors import DataValidationError, Problem, UnsafeInputError

#: Largest table file read into memory (bytes).
MAX_TABLE_BYTES = 512 * 1024 * 1024

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
    if b"\x00" in raw[:4096]:
        raise DataValidationError([Problem(file=file, message="binary data where text was "
                                           "expected", expected="a CSV text file")])
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


def read_table(path: str | Path, *, file: str | None = None) -> pd.DataFrame:
    """Read a CSV or XLSX file into a frame of strings (empty cells are ``""``).

    Column names are stripped of surrounding white space. Raises
    :class:`DataValidationError` for a missing, empty, undecodable or damaged file.
    """
    path = Path(path)
    shown = file or str(path)
    if not path.is_file():
        raise DataValidationError([Problem(file=shown, message="file not found")])
    if path.stat().st_size > MAX_TABLE_BYTES:
        raise UnsafeInputError(shown, f"file is larger than {MAX_TABLE_BYTES} bytes")
    kind = table_format(path)
    frame = _read_csv(path, shown) if kind == "csv" else _read_xlsx(path, shown)
    frame.columns = [str(c).strip() for c in frame.columns]
    dupes = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
    if dupes:
        raise DataValidationError([Problem(file=shown, message="column appears more than once",
                                           column=c) for c in dupes])
    return frame


def _read_csv(path: Path, shown: str) -> pd.DataFrame:
    text, _ = decode_text(path.read_bytes(), file=shown)
    if not text.strip():
        raise DataValidationError([Problem(file=shown, message="file is empty",
                                           expected="a header row and data rows")])
    sep = sniff_separator(text)
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                           na_filter=False, skipinitialspace=True)
    except (pd.errors.ParserError, csv.Error) as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise DataValidationError([Problem(
            file=shown, message=f"cannot be read as a {sep!r}-separated table",
            row=f"line {line.group(1)}" if line else None,
            expected="the same number of fields on every line")]) from None


def _read_xlsx(path: Path, shown: str) -> pd.DataFrame:
    from .safety import SafeZip

    # an .xlsx is a zip of XML: check names, sizes and compression ratios by really
    # reading every member under the limits before openpyxl (with defusedxml) parses it
    with SafeZip(path, label=shown) as archive:
        for name in archive.names:
            archive.read(name)
    try:
        frame = pd.read_excel(path, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises a zoo of types for damaged workbooks
        raise UnsafeInputError(shown, f"not a readable Excel workbook ({type(exc).__name__})",
                               expected="an .xlsx file saved by Excel or LibreOffice") from None
    return frame.map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v))
                     else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)))


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
