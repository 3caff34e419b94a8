"""Reading survey responses (SPSS ``.sav``, CSV, XLSX) against the instrument.

The result is one row per respondent and wave: the key columns
(``respondent_id``, ``wave``, ``region``, ``situation``, ``sector``) followed by one
column per instrument item holding the answer *code* as a nullable integer. Codes stay
codes: "don't know" and "not applicable" keep their own codes here and are told apart
from scale points by the instrument's response sets (see :mod:`image_synth.quant`).

SPSS files keep their value labels and user-defined missing codes (read with
``user_missing=True``); where a file's value labels number the answers differently from
the instrument, codes are mapped onto the instrument's response set by label.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import columns as C
from ..errors import DataValidationError, Problem, UnsafeInputError
from ..study.models import Instrument, StudyConfig
from .tabular import parse_int, read_table, table_format

__all__ = ["read_survey"]


def read_survey(path: str | Path, *, instrument: Instrument, wave: int | None = None,
                study: StudyConfig | None = None, file: str | None = None) -> pd.DataFrame:
    """Read one survey file and validate it against the instrument (and the study).

    Parameters
    ----------
    path
        A ``.sav``, ``.csv`` or ``.xlsx`` file, one row per respondent.
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
        Listing every problem: file, row, column, value and what was expected.

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
    if path.suffix.lower() in (".sav", ".zsav"):
        raw, label_maps, problems = _read_sav(path, shown, instrument)
    else:
        table_format(path)  # refuses unknown types with a clear message
        raw, label_maps, problems = read_table(path, file=shown), {}, []
    frame, more = _coerce(raw, shown, instrument, wave, label_maps)
    problems += more
    if all(key in frame.columns for key in C.SURVEY_KEYS):
        from ..validate import survey_problems

        problems += survey_problems(frame, instrument=instrument, study=study, file=shown)
    if problems:
        problems.sort(key=lambda p: (p.row if isinstance(p.row, int) else 0, p.column or ""))
        raise DataValidationError(problems)
    return frame


# --------------------------------------------------------------------------- SPSS


def _read_sav(path: Path, shown: str, instrument: Instrument):
    import pyreadstat

    if not path.is_file():
        raise DataValidationError([Problem(file=shown, message="file not found")])
    try:
        data, meta = pyreadstat.read_sav(str(path), user_missing=True,
                                         apply_value_formats=False)
    except Exception as exc:  # pyreadstat raises ReadstatError/PyreadstatError/OSError
        raise UnsafeInputError(shown, f"not a readable SPSS file ({exc})",
                               expected="a complete .sav file written by SPSS, PSPP or "
                                        "pyreadstat") from None
    problems: list[Problem] = []
    label_maps: dict[str, dict[int, int]] = {}
    items = {i.id for i in instrument.items}
    for column, labels in meta.variable_value_labels.items():
        if column not in items:
            continue
        mapping, bad = _map_labels(column, labels, instrument, shown)
        problems += bad
        if mapping:
            label_maps[column] = mapping
    return _sav_text(data), label_maps, problems


def _sav_text(data: pd.DataFrame) -> pd.DataFrame:
    """Every cell of an SPSS file as text (see :func:`_cell_text`).

    Numeric variables are converted once per distinct number (a survey holds a handful
    of codes), string variables cell by cell.
    """
    numeric = data.select_dtypes(include="float64")
    text = {c: data[c].astype(object).map(_cell_text) for c in data.columns
            if c not in numeric.columns}
    positions, numbers = pd.factorize(numeric.to_numpy().ravel())  # missing: -1, the last text
    texts = np.array([_cell_text(float(number)) for number in numbers] + [""], dtype=object)
    text.update(zip(numeric.columns, texts[positions].reshape(numeric.shape).T))
    return pd.DataFrame({c: text[c] for c in data.columns}, index=data.index, dtype=object)


def _cell_text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _map_labels(column: str, labels: dict, instrument: Instrument,
                shown: str) -> tuple[dict[int, int], list[Problem]]:
    """Map the file's codes onto the instrument's codes by label where they differ."""
    rs = instrument.response_set(column)
    by_label = {}
    for rc in rs.codes:
        for text in (rc.label.nl, rc.label.en):
            if text:
                by_label[text.strip().casefold()] = rc.code
    mapping: dict[int, int] = {}
    problems = []
    for raw_code, label in labels.items():
        try:
            code = int(float(raw_code))
        except (TypeError, ValueError):
            continue
        target = by_label.get(str(label).strip().casefold())
        if target is None:
            if code in rs.allowed and str(label).strip():
                # same code, differently worded label: keep the code
                continue
            problems.append(Problem(file=shown, column=column, value=f"{code} = {label!r}",
                                    message="SPSS value label matches no answer of the "
                                            f"response set {rs.id!r}",
                                    expected=", ".join(f"{c.code} = {c.label.nl!r}"
                                                       for c in rs.codes)))
        elif target != code:
            mapping[code] = target
    return mapping, problems


# --------------------------------------------------------------------------- coercion


def _coerce(raw: pd.DataFrame, shown: str, instrument: Instrument, wave: int | None,
            label_maps: dict[str, dict[int, int]]) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    present = set(raw.columns)
    out: dict[str, pd.Series | pd.api.extensions.ExtensionArray] = {}

    for key in (C.RESPONDENT_ID, C.REGION, C.SITUATION, C.SECTOR):
        if key not in present:
            problems.append(Problem(file=shown, column=key, message="required column is missing",
                                    expected=f"a column named {key!r}"))
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
                              shown, label_maps)
    problems += bad
    out.update(codes)
    keys = [k for k in C.SURVEY_KEYS if k in out]
    frame = pd.DataFrame({c: out[c] for c in keys + [c for c in out if c not in keys]},
                         index=raw.index)
    frame.attrs["ignored_columns"] = sorted(
        present - {i.id for i in instrument.items} - set(C.SURVEY_KEYS))
    return frame.reset_index(drop=True), problems


_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _parse_codes(texts: pd.DataFrame, shown: str, label_maps: dict[str, dict[int, int]]
                 ) -> tuple[dict[str, pd.api.extensions.ExtensionArray], list[Problem]]:
    """Answer codes of the item columns ``texts``, the file's codes mapped by ``label_maps``.

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
        mapping = label_maps.get(column)
        distinct_codes = (pd.array([mapping.get(c, c) for c in parsed], dtype="Int64")
                          if mapping else unmapped)
        codes[column] = distinct_codes.take(positions[:, n])
        problems += [Problem(file=shown, row=int(row) + 1, column=column, value=cells[row, n],
                             message="text in a coded item",
                             expected="a whole-number answer code")
                     for row in np.flatnonzero(unreadable[positions[:, n]])]
    return codes, problems
