"""Reading survey responses (SPSS ``.sav``/``.zsav``/``.por``, CSV, XLSX) against the instrument.

The result is one row per respondent and wave: the key columns
(``respondent_id``, ``wave``, ``region``, ``situation``, ``sector``) followed by one
column per instrument item holding the answer *code* as a nullable integer. Codes stay
codes: "don't know" and "not applicable" keep their own codes here and are told apart
from scale points by the instrument's response sets (see :mod:`image_synth.quant`).

SPSS files keep their value labels and user-defined missing codes (read with
``user_missing=True``); where a file's value labels number the answers differently from
the instrument, codes are mapped onto the instrument's response set by label. How
declared-missing codes are read is set out in :func:`read_survey`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from .. import columns as C
from ..errors import DataValidationError, Problem, UnsafeInputError
from ..study.models import Instrument, Item, ResponseSet, StudyConfig
from .tabular import Table, load_table, parse_int, table_format

__all__ = ["SPSS_SUFFIXES", "read_survey"]

#: File name endings read as SPSS data (system file, compressed system file, portable).
SPSS_SUFFIXES = (".sav", ".zsav", ".por")
#: Most cells (cases x variables) of an SPSS file, as its dictionary declares them, read
#: before the data: a compressed file of a few MB can declare billions (every cell is
#: held in memory, then as text); a survey of 10,000 respondents and 500 variables has
#: 5 million.
MAX_SPSS_CELLS = 10_000_000


def read_survey(path: str | Path, *, instrument: Instrument, wave: int | None = None,
                study: StudyConfig | None = None, file: str | None = None) -> pd.DataFrame:
    """Read one survey file and validate it against the instrument (and the study).

    Parameters
    ----------
    path
        A ``.sav``, ``.zsav``, ``.por``, ``.csv`` or ``.xlsx`` file, one row per
        respondent.
    instrument
        The study's instrument: which items exist and which codes each may take.
    wave
        The measurement wave of this file. Needed when the file has no ``wave`` column;
        when it has one, every row must agree.
    study
        The study configuration. When given, regions, situations and sectors are checked
        against it (they must exist and agree with each other).
    file
        How to name the file in error messages (default: the path as given).

    Returns
    -------
    pandas.DataFrame
        ``respondent_id`` (string), ``wave`` (int), ``region``, ``situation``, ``sector``
        (strings), then one nullable-integer column per instrument item asked in this
        wave, in instrument order. ``frame.attrs["ignored_columns"]`` lists columns of
        the file that are not in the instrument.

    Raises
    ------
    DataValidationError
        Listing every problem: file, row (``line N`` of a CSV, the sheet's ``row N``
        of an XLSX, the case number ``row N`` of an SPSS file), column, value and what
        was expected.

    Notes
    -----
    SPSS files are read with their user-missing declarations (discrete values and
    ``lo THRU hi`` ranges, ``meta.missing_ranges`` of pyreadstat read with
    ``user_missing=True``). After the file's codes are mapped onto the instrument's by
    value label, a cell holding a declared-missing code is read by this rule:

    - the item's response set lists the code as a non-numeric answer
      (``non_numeric: dont_know`` or ``not_applicable``): the code is kept, a real
      answer that never becomes a number;
    - the response set does not list the code: the cell is *not answered* (missing),
      never a scale point and never a "value not allowed" problem;
    - the response set lists the code as a point of the scale: a problem naming file,
      variable, the declared code and the response set, whether or not a respondent
      gave it (SPSS would drop those answers, the instrument would count them).

    Value labels are compared with the response set, code and label (case, white
    space and a leading copy of the code such as ``"1 - "`` aside); a label that is
    not one of the set's answers is a problem naming the variable, the file's labels
    and the expected set (and the response set they do belong to, when there is one).
    Labels of declared-missing codes that the response set does not list are not
    compared. SPSS variable names match the instrument's ids whatever their case
    (SPSS ignores case; portable files store names in capitals, cut to 8 characters:
    a cut name matches the one id or key it begins, and is a problem when it begins
    several). Portable files keep their user-missing values through the parser
    behind ``pyreadstat.read_por``, which itself reads them as empty. Date and time
    variables are read as numbers without conversion: only key and item columns are
    read for what they say, so another column never blocks a file.

    Examples
    --------
    >>> import image_synth
    >>> study = image_synth.load_study()
    >>> path = study.root / study.config.survey[0].path
    >>> frame = image_synth.read_survey(path, instrument=study.instrument,
    ...                                 wave=study.config.survey[0].wave)
    >>> list(frame.columns[:5])
    ['respondent_id', 'wave', 'region', 'situation', 'sector']
    """
    path = Path(path)
    shown = file or str(path)
    keys = key_columns(study)
    table: Table | None = None
    if path.suffix.lower() in SPSS_SUFFIXES:
        raw, problems = _read_spss(path, shown, instrument, keys=keys)
    else:
        try:
            table_format(path)
        except DataValidationError:
            raise DataValidationError([Problem(
                file=shown, message=f"unsupported file type {path.suffix or '(none)'}",
                expected="a " + ", ".join(SPSS_SUFFIXES) + ", .csv or .xlsx file")]) from None
        table = load_table(path, file=shown)
        raw, problems = _keys_renamed(table.frame, keys), list(table.problems)
    frame, more = _coerce(raw, shown, instrument, wave, keys=keys, study=study)
    problems += more
    if all(key in frame.columns for key in C.SURVEY_KEYS):
        from ..validate import survey_problems

        problems += survey_problems(frame, instrument=instrument, study=study, file=shown)
    if problems:
        problems.sort(key=lambda p: (p.row if isinstance(p.row, int) else 0, p.column or ""))
        if table is not None:  # data row numbers -> "line N" of a CSV, row N of a sheet
            problems = [replace(p, row=table.row(p.row)) if isinstance(p.row, int) else p
                        for p in problems]
        problems = [replace(p, column=keys[p.column]) if p.column in keys else p
                    for p in problems]      # key columns named as the file names them
        raise DataValidationError(problems)
    return frame


def key_columns(study: StudyConfig | None) -> dict[str, str]:
    """Key (``respondent_id``, ``wave``, ``region``, ``situation``, ``sector``) -> the
    column of the survey files that holds it (the study's ``columns``; else the key)."""
    if study is None:
        return {key: key for key in (C.RESPONDENT_ID, C.WAVE, C.REGION, C.SITUATION,
                                     C.SECTOR)}
    return study.columns.file_names()


def _keys_renamed(raw: pd.DataFrame, keys: dict[str, str]) -> pd.DataFrame:
    """A CSV/XLSX frame with its key columns under the package's names (the exact
    spelling first, else the one column that matches whatever its case)."""
    rename = {}
    for key, name in keys.items():
        if name == key and key in raw.columns:
            continue
        found = [c for c in raw.columns if c == name] or \
            [c for c in raw.columns if str(c).casefold() == name.casefold()]
        if len(found) == 1:
            rename[found[0]] = key
    if not rename:
        return raw
    # a column that has a key's name but is not the column mapped to it is not that key
    aside = {c: f"{c} (not a key)" for c in raw.columns
             if c in keys and c not in rename and c in rename.values()}
    return raw.rename(columns={**aside, **rename})


# --------------------------------------------------------------------------- SPSS


def _read_spss(path: Path, shown: str, instrument: Instrument, *,
               keys: dict[str, str] | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Every cell of an SPSS file as text, item codes on the instrument's numbering.

    Column names are those of the instrument where a file's name matches one whatever
    its case; declared-missing codes and value labels are handled as :func:`read_survey`
    says. Returns the text frame and the problems found in the file's dictionary.
    """
    data, meta = _spss_data(path, shown)
    problems: list[Problem] = []
    names = _spss_names(list(data.columns), instrument, shown, problems,
                        portable=path.suffix.lower() == ".por", keys=keys)
    if len(names) < len(data.columns):      # a second spelling of a name is not read
        data = data[list(names)]
    data = data.set_axis([names[c] for c in data.columns], axis=1)
    labels = {names[c]: v for c, v in meta.variable_value_labels.items() if c in names}
    missing = {names[c]: v for c, v in (meta.missing_ranges or {}).items() if c in names}
    numeric = data.select_dtypes(include="float64")
    numbers = numeric.to_numpy(dtype="float64", copy=True)  # one block, changed in place
    where = {c: n for n, c in enumerate(numeric.columns)}
    strings: dict[str, pd.Series] = {}
    for item in instrument.items:
        if item.id not in data.columns:
            continue
        rs = _response_set(instrument, item)
        if item.id in where:
            n = where[item.id]
            numbers[:, n], found = _numeric_item(
                numbers[:, n], item, rs, labels.get(item.id, {}), missing.get(item.id, []),
                instrument, shown)
        else:
            strings[item.id], found = _text_item(data[item.id].astype(object), item, rs,
                                                 missing.get(item.id, []), shown)
        problems += found
    return _sav_text(data, numbers=numbers, strings=strings), problems


def _spss_data(path: Path, shown: str):
    """The data and dictionary of a ``.sav``/``.zsav``/``.por`` file, user-missing kept."""
    import pyreadstat

    if not path.is_file():
        raise DataValidationError([Problem(file=shown, message="file not found")])
    options = {"user_missing": True, "apply_value_formats": False,
               "disable_datetime_conversion": True}
    try:
        if path.suffix.lower() == ".por":
            return _read_por(path, options)
        _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
        width = max(meta.number_columns or 0, 1)
        cells = max(meta.number_rows or 0, 0) * width
        if cells > MAX_SPSS_CELLS:
            raise UnsafeInputError(shown, f"the file declares {meta.number_rows:,} cases of "
                                   f"{width:,} variables ({cells:,} cells), more than the "
                                   f"{MAX_SPSS_CELLS:,} a survey file may have",
                                   expected=f"at most {MAX_SPSS_CELLS:,} cells")
        # a file that does not say how many cases it has is read one case past the limit
        most = MAX_SPSS_CELLS // width
        data, meta = pyreadstat.read_sav(str(path), row_limit=most + 1, **options)
        if len(data) > most:
            raise UnsafeInputError(shown, f"the file has more than {most:,} cases of {width:,} "
                                   f"variables, more than the {MAX_SPSS_CELLS:,} cells a "
                                   "survey file may have", expected=f"at most {most:,} cases")
        return data, meta
    except UnsafeInputError:
        raise
    except Exception as exc:  # pyreadstat raises ReadstatError/PyreadstatError/OSError
        raise UnsafeInputError(shown, f"not a readable SPSS file ({exc})",
                               expected="a complete .sav, .zsav or .por file written by "
                                        "SPSS, PSPP or pyreadstat") from None


def _read_por(path: Path, options: dict):
    """A portable file with its user-missing values kept.

    ``pyreadstat.read_por`` has no ``user_missing`` option and reads declared-missing
    codes as empty, without saying which were declared; the parser behind it has the
    option. Where that parser cannot be called so (another pyreadstat), the public
    function is used and declared-missing codes arrive as empty cells.
    """
    import inspect

    import pyreadstat

    try:
        from pyreadstat._readstat_parser import parser_entry_point
    except ImportError:
        parser_entry_point = None
    try:
        accepted = inspect.signature(parser_entry_point).parameters if parser_entry_point \
            else {}
    except (TypeError, ValueError):  # a compiled function without a signature
        accepted = {}
    if "user_missing" in accepted and "parser_format" in accepted:
        return parser_entry_point(str(path), parser_format="por",
                                  **{k: v for k, v in options.items() if k in accepted})
    return pyreadstat.read_por(str(path), **{k: v for k, v in options.items()
                                             if k != "user_missing"})


#: A portable (.por) file keeps this many characters of a variable name.
POR_NAME_LENGTH = 8


def _spss_names(columns: list[str], instrument: Instrument, shown: str,
                problems: list[Problem], *, portable: bool = False,
                keys: dict[str, str] | None = None) -> dict[str, str]:
    """File column -> the name it is read under: an instrument or key name matched
    whatever its case (the exact spelling first), every other column as it is.

    In a portable file, whose names are cut to eight characters, a name of eight
    characters also matches the one instrument or key name that begins with it. Two
    columns that match one name are a problem; the first (the exact spelling, if there
    is one) is read. ``keys`` maps each key to the file's name for it (the study's
    ``columns``); a key column is read under the key's name.
    """
    keys = keys or key_columns(None)
    as_key = {name: key for key, name in keys.items()}
    names_wanted = (*keys.values(), *(i.id for i in instrument.items))
    wanted = {name.casefold(): name for name in names_wanted}
    if portable:
        cut: dict[str, list[str]] = {}
        for name in names_wanted:
            if len(name) > POR_NAME_LENGTH:
                cut.setdefault(name[:POR_NAME_LENGTH].casefold(), []).append(name)
        for prefix, full in cut.items():
            if len(full) == 1 and prefix not in wanted:
                wanted[prefix] = full[0]
        for column in columns:
            full = cut.get(str(column).casefold(), [])
            if len(full) > 1:
                problems.append(Problem(
                    file=shown, column=str(column), value=str(column),
                    message="a portable file keeps 8 characters of a name, and these "
                            "begin alike: " + ", ".join(full),
                    expected="a .sav file, or item ids that differ in their first 8 "
                             "characters"))
    by_name: dict[str, list[str]] = {}
    for column in columns:
        target = wanted.get(str(column).casefold())
        if target is not None:
            by_name.setdefault(target, []).append(column)
    chosen = {target: (target if target in found else found[0])
              for target, found in by_name.items()}
    for target, found in by_name.items():
        if len(found) > 1:
            problems.append(Problem(file=shown, column=target, value=", ".join(found),
                                    message="column appears more than once (SPSS names "
                                            "ignore case)",
                                    expected=f"one variable named {target!r}"))
    # a column named like a key the study maps to another column is not that key
    moved = {key.casefold() for key, name in keys.items() if name.casefold() != key.casefold()}
    names: dict[str, str] = {}
    for column in columns:
        target = wanted.get(str(column).casefold())
        if target is None:
            names[column] = f"{column} (not a key)" if str(column).casefold() in moved \
                else column
        elif chosen[target] == column:
            names[column] = as_key.get(target, target)
    return names


def _response_set(instrument: Instrument, item: Item) -> ResponseSet:
    for rs in instrument.response_sets:
        if rs.id == item.response_set:
            return rs
    return instrument.response_set(item.id)


def _declared(missing: list[dict]) -> list[tuple[float, float]]:
    """The numeric (lo, hi) pairs of pyreadstat's ``missing_ranges`` for one variable."""
    out = []
    for declared in missing:
        try:
            out.append((float(declared["lo"]), float(declared["hi"])))
        except (TypeError, ValueError, KeyError):
            continue
    return out


def _declared_text(lo: float, hi: float) -> str:
    return _number(lo) if lo == hi else f"{_number(lo)} thru {_number(hi)}"


def _number(value: float) -> str:
    if np.isinf(value):
        return "lowest" if value < 0 else "highest"
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _numeric_item(values: np.ndarray, item: Item, rs: ResponseSet, labels: dict,
                  missing: list[dict], instrument: Instrument, shown: str
                  ) -> tuple[np.ndarray, list[Problem]]:
    """A numeric SPSS item on the instrument's codes: labels mapped, declared missing read."""
    ranges = _declared(missing)

    def is_declared(number: float) -> bool:
        return any(lo <= number <= hi for lo, hi in ranges)

    mapping, problems = _map_labels(item.id, labels, rs, instrument, shown,
                                    is_declared=is_declared)
    codes = values.copy()
    for file_code, code in mapping.items():
        codes[values == file_code] = code
    if not ranges:
        return codes, problems
    # a scale point the file declares missing: SPSS drops it, the instrument counts it
    for rc in rs.codes:
        if rc.non_numeric is not None:
            continue
        file_codes = [f for f, c in mapping.items() if c == rc.code]
        if rc.code not in mapping:
            file_codes.append(rc.code)
        hits = [(lo, hi) for lo, hi in ranges if any(lo <= f <= hi for f in file_codes)]
        if hits:
            answers = int(np.isin(values, file_codes).sum())
            problems.append(Problem(
                file=shown, column=item.id,
                value=", ".join(_declared_text(lo, hi) for lo, hi in hits),
                message=f"declared missing in the file, but code {rc.code} is the scale "
                        f"point {rc.label.nl!r} of response set {rs.id!r} ({answers} "
                        f"answer{'' if answers == 1 else 's'})",
                expected="missing-value declarations only for codes that are not points "
                         "of the scale" + _non_numeric_note(rs)))
    declared = np.zeros(len(values), dtype=bool)
    for lo, hi in ranges:
        declared |= (values >= lo) & (values <= hi)
    # declared missing and not an answer of the response set: not answered
    codes[declared & ~np.isin(codes, rs.allowed)] = np.nan
    return codes, problems


def _text_item(values: pd.Series, item: Item, rs: ResponseSet, missing: list[dict],
               shown: str) -> tuple[pd.Series, list[Problem]]:
    """A string SPSS item: declared-missing strings read as :func:`read_survey` says."""
    declared = {str(d.get("lo")).strip() for d in missing if d.get("lo") == d.get("hi")}
    problems: list[Problem] = []
    empty = set()
    for text in sorted(declared):
        try:
            code = parse_int(text)
        except ValueError:
            code = None
        if code is not None and code in rs.numeric_codes:
            problems.append(Problem(
                file=shown, column=item.id, value=text,
                message=f"declared missing in the file, but code {code} is the scale point "
                        f"{rs.label(code)!r} of response set {rs.id!r}",
                expected="missing-value declarations only for codes that are not points "
                         "of the scale" + _non_numeric_note(rs)))
        elif code is None or code not in rs.allowed:
            empty.add(text)
    if empty:
        values = values.map(lambda v: None if isinstance(v, str) and v.strip() in empty else v)
    return values, problems


def _non_numeric_note(rs: ResponseSet) -> str:
    kept = [f"{c.code} ({c.label.nl})" for c in rs.codes if c.non_numeric is not None]
    return f" (such as {', '.join(kept)})" if kept else ""


def _sav_text(data: pd.DataFrame, *, numbers: np.ndarray | None = None,
              strings: dict[str, pd.Series] | None = None) -> pd.DataFrame:
    """Every cell of an SPSS file as text (see :func:`_cell_text`).

    Numeric variables are converted once per distinct number (a survey holds a handful
    of codes), string variables cell by cell. ``numbers`` replaces the values of the
    numeric (float64) columns, in their order, and ``strings`` some string columns.
    """
    numeric = data.select_dtypes(include="float64")
    if numbers is None:
        numbers = numeric.to_numpy()
    strings = strings or {}
    text = {c: strings.get(c, data[c]).astype(object).map(_cell_text) for c in data.columns
            if c not in numeric.columns}
    positions, distinct = pd.factorize(numbers.ravel())  # missing: -1, the last text
    texts = np.array([_cell_text(float(number)) for number in distinct] + [""], dtype=object)
    text.update(zip(numeric.columns, texts[positions].reshape(numbers.shape).T))
    return pd.DataFrame({c: text[c] for c in data.columns}, index=data.index, dtype=object)


def _cell_text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _label_key(label, code: int | None = None) -> str:
    """A label compared leniently: case and white space ignored, a leading copy of the
    code (``"1 - helemaal"``, ``"(1) helemaal"``, ``"1. helemaal"``) dropped."""
    text = " ".join(str(label).split()).casefold()
    if code is not None and text[:1] in _CODE_START:
        text = re.sub(rf"^\(?{code}\)?\s*[-.:=)]?\s+", "", text) or text
    return text


#: how a label that begins with its code begins
_CODE_START = set("0123456789(-")


def _map_labels(column: str, labels: dict, rs: ResponseSet, instrument: Instrument,
                shown: str, *, is_declared=lambda number: False
                ) -> tuple[dict[float, int], list[Problem]]:
    """Map the file's codes onto the instrument's codes by label where they differ.

    Returns the mapping (file code -> instrument code, only where they differ) and a
    problem when a label is not one of the response set's answers. A declared-missing
    code the response set does not list (by code or label) is not compared.
    """
    by_label = _labels_of(rs)
    mapping: dict[float, int] = {}
    compared: list[tuple[int, str]] = []
    unmatched: list[tuple[int, str]] = []
    for raw_code, label in sorted(labels.items(), key=lambda kv: _sort_key(kv[0])):
        try:
            number = float(raw_code)
        except (TypeError, ValueError):
            continue
        if not number.is_integer():
            continue
        code = int(number)
        target = by_label.get(_label_key(label, code))
        if target is None and is_declared(number) and code not in rs.allowed:
            continue  # "missing", "geen antwoord": read as not answered
        compared.append((code, str(label)))
        if target is None:
            unmatched.append((code, str(label)))
        elif target != code:
            mapping[number] = target
    if not unmatched:
        return mapping, []
    others = [other.id for other in instrument.response_sets
              if other.id != rs.id and all(_labels_of(other).get(_label_key(label, code))
                                           == code for code, label in compared)]
    message = (f"SPSS value label{'s' if len(unmatched) > 1 else ''} "
               + ", ".join(f"{code} = {label!r}" for code, label in unmatched)
               + f" match{'' if len(unmatched) > 1 else 'es'} no answer of the response "
               f"set {rs.id!r}")
    if others:
        message += (f"; the file's labels are those of response set"
                    f"{'s' if len(others) > 1 else ''} " + ", ".join(map(repr, others)))
    return mapping, [Problem(file=shown, column=column,
                             value="; ".join(f"{code} = {label!r}" for code, label in compared),
                             message=message,
                             expected=f"the labels of response set {rs.id!r}: "
                                      + ", ".join(f"{c.code} = {c.label.nl!r}"
                                                  for c in rs.codes))]


@functools.lru_cache(maxsize=256)
def _labels_of(rs: ResponseSet) -> dict[str, int]:
    """Leniently compared label -> code, for the Dutch and English label of each answer."""
    by_label: dict[str, int] = {}
    for rc in rs.codes:
        for text in (rc.label.nl, rc.label.en):
            if text:
                by_label.setdefault(_label_key(text, rc.code), rc.code)
    return by_label


def _sort_key(raw_code) -> tuple[int, float | str]:
    try:
        return (0, float(raw_code))
    except (TypeError, ValueError):
        return (1, str(raw_code))


# --------------------------------------------------------------------------- coercion


def _coerce(raw: pd.DataFrame, shown: str, instrument: Instrument, wave: int | None, *,
            keys: dict[str, str] | None = None, study: StudyConfig | None = None
            ) -> tuple[pd.DataFrame, list[Problem]]:
    """Key columns and item codes of a text frame whose key columns have the package's
    names. A study without situations (or without sectors, when the file has no sector
    column) gets an empty ``situation`` (``sector``) key."""
    problems: list[Problem] = []
    present = set(raw.columns)
    out: dict[str, pd.Series | pd.api.extensions.ExtensionArray] = {}
    keys = keys or key_columns(None)
    absent_levels = set()
    if study is not None and not study.situations:
        absent_levels.add(C.SITUATION)
    if study is not None and not study.sectors and C.SECTOR not in present:
        absent_levels.add(C.SECTOR)

    for key in (C.RESPONDENT_ID, C.REGION, C.SITUATION, C.SECTOR):
        if key in absent_levels:
            out[key] = pd.Series(pd.NA, index=raw.index, dtype=object)
        elif key not in present:
            mapped = keys[key] != key
            problems.append(Problem(file=shown, column=key, message="required column is missing",
                                    expected=f"a column named {keys[key]!r}"
                                    + (f" (the study's columns.{key})" if mapped else
                                       f" (or name its column under columns.{key} in the "
                                       "study file)" if study is not None else "")))
        else:
            out[key] = raw[key].astype(str).str.strip()

    if C.WAVE in present:
        waves = []
        for row, text in enumerate(raw[C.WAVE], start=1):
            try:
                value = parse_int(str(text))
            except ValueError:
                value = None
                problems.append(Problem(file=shown, row=row, column=C.WAVE, value=text,
                                        message="not a year", expected="a wave such as 2023"))
            if value is not None and wave is not None and value != wave:
                problems.append(Problem(file=shown, row=row, column=C.WAVE, value=value,
                                        message="wave differs from the wave of the file",
                                        expected=str(wave)))
            waves.append(value if value is not None else wave)
        out[C.WAVE] = pd.array(waves, dtype="Int64")
    elif wave is None:
        problems.append(Problem(file=shown, column=C.WAVE, message="no wave column and no "
                                "wave given", expected="a 'wave' column or wave=..."))
    else:
        out[C.WAVE] = pd.array([wave] * len(raw), dtype="Int64")

    file_wave = wave
    if file_wave is None and C.WAVE in out:
        known = out[C.WAVE].dropna()
        file_wave = int(known[0]) if len(known) else None
    for item in instrument.items:
        asked_now = not item.waves or file_wave is None or file_wave in item.waves
        if item.id not in present and asked_now:
            problems.append(Problem(file=shown, column=item.id,
                                    message="item of the instrument is missing",
                                    expected=f"a column {item.id!r} ({item.text.nl})"))
    codes, bad = _parse_codes(raw[[i.id for i in instrument.items if i.id in present]],
                              shown)
    problems += bad
    out.update(codes)
    keys = [k for k in C.SURVEY_KEYS if k in out]
    frame = pd.DataFrame({c: out[c] for c in keys + [c for c in out if c not in keys]},
                         index=raw.index)
    frame.attrs["ignored_columns"] = sorted(
        present - {i.id for i in instrument.items} - set(C.SURVEY_KEYS))
    return frame.reset_index(drop=True), problems


_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _parse_codes(texts: pd.DataFrame, shown: str
                 ) -> tuple[dict[str, pd.api.extensions.ExtensionArray], list[Problem]]:
    """Answer codes of the item columns ``texts``.

    Each distinct text is parsed once for all columns (a survey holds a handful of codes);
    every cell that is not a whole number is reported with its row and column.
    """
    cells = texts.to_numpy(dtype=object)
    positions, distinct = pd.factorize(cells.ravel(), use_na_sentinel=False)
    positions = positions.reshape(cells.shape)
    parsed: list[int | None] = []
    unreadable = np.zeros(len(distinct), dtype=bool)
    for n, text in enumerate(distinct):
        try:
            code = parse_int(str(text))
        except ValueError:
            code = None
            unreadable[n] = True
        if code is not None and not _INT64_MIN <= code <= _INT64_MAX:
            code = None   # a whole number, but far outside any response set
            unreadable[n] = True
        parsed.append(code)
    unmapped = pd.array(parsed, dtype="Int64")
    codes: dict[str, pd.api.extensions.ExtensionArray] = {}
    problems: list[Problem] = []
    for n, column in enumerate(texts.columns):
        codes[column] = unmapped.take(positions[:, n])
        problems += [Problem(file=shown, row=int(row) + 1, column=column, value=cells[row, n],
                             message="text in a coded item",
                             expected="a whole-number answer code")
                     for row in np.flatnonzero(unreadable[positions[:, n]])]
    return codes, problems
