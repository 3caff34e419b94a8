"""From answer codes to numbers: the one place the package does it.

The survey table (:attr:`image_synth.Study.survey`) keeps answer *codes*: a "don't
know" or "not applicable" answer keeps its own code (often 9 or 99) and is a real
answer, never a point on the scale. Every analysis that needs numbers asks this
module for them:

:func:`numeric_items`
    the item columns as float, with every non-numeric code set to NaN (and, on
    request, reverse-keyed items reversed);
:func:`item_range`
    the lowest and highest numeric code of an item's response set;
:func:`reverse_key`
    ``x -> scale_min + scale_max - x``;
:func:`numeric_columns`
    columns of any tidy frame as float arrays for a statistic: instrument items
    through :func:`numeric_items`, other columns (scale scores, counts) as they are,
    and raw answer codes refused when no instrument says which codes are numbers.

An item is *numeric* when its response set is ordered (a Likert scale, a
satisfaction score, an ordered yield item) or has exactly two numeric codes (a 0/1
multi-select option, whose mean is a share). Nominal items with more than two codes,
such as collaboration status, are refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..errors import AnalysisError
from ..study.models import Instrument, Item

__all__ = ["is_numeric_item", "item_range", "numeric_columns", "numeric_items", "reverse_key"]


def is_numeric_item(instrument: Instrument, item: str | Item) -> bool:
    """Whether an item's answers can be used as numbers.

    True when the item's response set is ordered, or when it has exactly two numeric
    codes (a 0/1 option). "Don't know"/"not applicable" codes do not count.

    Examples
    --------
    >>> import image_synth
    >>> instrument = image_synth.load_study("tests/fixtures/mini_study").instrument
    >>> is_numeric_item(instrument, "com_1"), is_numeric_item(instrument, "status")
    (True, False)
    """
    item_id = item.id if isinstance(item, Item) else item
    rs = instrument.response_set(instrument.item(item_id).response_set)
    return rs.ordered or len(rs.numeric_codes) == 2


def item_range(instrument: Instrument, item: str) -> tuple[float, float]:
    """The lowest and highest numeric code of an item's response set.

    Non-numeric codes ("don't know", "not applicable") are left out, so for a 5-point
    scale with "don't know" coded 9 this is ``(1.0, 5.0)``.

    Raises
    ------
    AnalysisError
        The item is not in the instrument, or its response set has no numeric code.

    Examples
    --------
    >>> import image_synth
    >>> instrument = image_synth.load_study("tests/fixtures/mini_study").instrument
    >>> item_range(instrument, "com_3")
    (1.0, 5.0)
    """
    _check_known(instrument, [item])
    codes = instrument.response_set(instrument.item(item).response_set).numeric_codes
    if not codes:
        raise AnalysisError(f"item {item!r}: its response set has no numeric code")
    return float(min(codes)), float(max(codes))


def reverse_key(values: Any, scale_min: float, scale_max: float) -> Any:
    """Reverse-key answers: ``scale_min + scale_max - values``.

    Parameters
    ----------
    values
        A number, NumPy array, Series or DataFrame of answers on the scale; NaN stays
        NaN.
    scale_min, scale_max
        The lowest and highest point of the scale (for example 1 and 5).

    Returns
    -------
    The same kind of object as ``values``: 1 becomes 5, 2 becomes 4 on a 1-5 scale.

    Raises
    ------
    AnalysisError
        ``scale_min`` is not below ``scale_max``, or a value lies outside them.

    Examples
    --------
    >>> reverse_key(np.array([1.0, 2.0, np.nan, 5.0]), 1, 5)
    array([ 5.,  4., nan,  1.])
    """
    lo, hi = float(scale_min), float(scale_max)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise AnalysisError(f"reverse_key needs scale_min < scale_max; got {scale_min!r} "
                            f"and {scale_max!r}")
    array = np.asarray(values, dtype="float64")
    finite = array[~np.isnan(array)]
    if finite.size and (finite.min() < lo or finite.max() > hi):
        bad = finite[(finite < lo) | (finite > hi)][0]
        raise AnalysisError(f"reverse_key: value {bad:g} lies outside the scale "
                            f"{lo:g}..{hi:g}")
    return lo + hi - values


def numeric_items(survey: pd.DataFrame, instrument: Instrument,
                  items: Iterable[str] | str | None = None, *,
                  reverse: bool = False) -> pd.DataFrame:
    """Item codes as numbers: non-numeric codes ("don't know", ...) become NaN.

    Parameters
    ----------
    survey
        The survey table: one row per respondent and wave, one column of answer codes
        per item (:attr:`image_synth.Study.survey`).
    instrument
        The study's instrument; its response sets say which codes are not numeric.
    items
        Item ids to convert. ``None`` takes every numeric item of the instrument that
        is a column of ``survey`` (nominal items such as a status question are left
        out); named items must exist and be numeric.
    reverse
        Reverse-key the items the instrument marks ``reverse: true``, with the
        lowest and highest numeric code of their response set as the scale's ends.

    Returns
    -------
    pandas.DataFrame
        Same index as ``survey``; one float64 column per item, named by item id, in
        the order asked for. A cell is NaN where the answer is missing or is a
        non-numeric code of the item's response set.

    Raises
    ------
    AnalysisError
        Listing every problem at once: an item that is not in the instrument, not a
        column of ``survey``, not numeric (a nominal response set), a column that
        does not hold numbers, or a code that its response set does not know.

    Notes
    -----
    A code :math:`x` of item :math:`j` becomes :math:`x` when it is one of the
    numeric codes of the item's response set and NaN when it is one of its
    ``non_numeric`` codes; with ``reverse=True`` a reverse-keyed item becomes
    :math:`\\min_j + \\max_j - x`, where :math:`\\min_j, \\max_j` are the extreme
    numeric codes (SPSS ``RECODE x (1=5) (2=4) ...``; ``psych::reverse.code`` with
    ``mini``/``maxi``). This is the one conversion from codes to numbers in the
    package; other functions call it.

    Examples
    --------
    >>> import image_synth
    >>> study = image_synth.load_study("tests/fixtures/mini_study")
    >>> codes = study.survey[["respondent_id", "tijd"]].head(4)
    >>> codes["tijd"].tolist()          # 9 = "weet niet"
    [9, 9, <NA>, 3]
    >>> numeric_items(codes, study.instrument, ["tijd"])["tijd"].tolist()
    [nan, nan, nan, 3.0]
    """
    names = _item_names(survey, instrument, items)
    columns: dict[str, np.ndarray] = {}
    problems: list[str] = []
    for name in names:
        values = _item_values(survey, instrument, name, reverse=reverse, problems=problems)
        if values is not None:
            columns[name] = values
    if problems:
        raise AnalysisError("cannot use these items as numbers: " + "; ".join(problems))
    return pd.DataFrame(columns, index=survey.index, columns=names)


def _item_names(survey: pd.DataFrame, instrument: Instrument,
                items: Iterable[str] | str | None) -> list[str]:
    """The items to convert; named items checked (known, a column, numeric), all at once."""
    if items is None:
        return [i.id for i in instrument.items
                if i.id in survey.columns and is_numeric_item(instrument, i)]
    names = list(dict.fromkeys([items] if isinstance(items, str) else items))
    known = {i.id for i in instrument.items}
    problems = []
    unknown = [n for n in names if n not in known]
    if unknown:
        problems.append(f"not an item of the instrument {instrument.name!r}: "
                        f"{_quoted(unknown)}")
    missing = [n for n in names if n in known and n not in survey.columns]
    if missing:
        problems.append(f"not a column of the data: {_quoted(missing)}")
    nominal = [n for n in names if n in known and n not in missing
               and not is_numeric_item(instrument, n)]
    if nominal:
        problems.append(f"not numeric (a nominal response set with more than two codes; "
                        f"count its answers instead): {_quoted(nominal)}")
    if problems:
        raise AnalysisError("cannot use these items as numbers: " + "; ".join(problems))
    return names


def _item_values(survey: pd.DataFrame, instrument: Instrument, name: str, *, reverse: bool,
                 problems: list[str]) -> np.ndarray | None:
    """One item as float64 (non-numeric codes NaN), or None with a problem recorded."""
    item = instrument.item(name)
    rs = instrument.response_set(item.response_set)
    values = _as_float(survey[name], name, problems)
    if values is None:
        return None
    present = ~np.isnan(values)
    unknown = present & ~np.isin(values, rs.allowed)
    if unknown.any():
        found = sorted(set(values[unknown].tolist()))[:5]
        problems.append(f"item {name!r} holds codes its response set {rs.id!r} does not "
                        f"have: {', '.join(f'{v:g}' for v in found)} (allowed: "
                        f"{', '.join(map(str, rs.allowed))})")
        return None
    if rs.non_numeric_codes:
        values[np.isin(values, list(rs.non_numeric_codes))] = np.nan
    if reverse and item.reverse:
        lo, hi = min(rs.numeric_codes), max(rs.numeric_codes)
        values = lo + hi - values
    return values


def numeric_columns(data: pd.DataFrame, names: Iterable[str], *,
                    instrument: Instrument | None = None,
                    what: str = "value") -> dict[str, np.ndarray]:
    """Columns of a tidy frame as float64 arrays, ready for a statistic.

    Parameters
    ----------
    data
        Any tidy frame: scale scores, the survey table, a frame of the analyst's own.
    names
        The columns to take.
    instrument
        When given, a column that is an item of the instrument goes through
        :func:`numeric_items` ("don't know" codes become NaN; nominal items are
        refused). Other columns must hold numbers.
    what
        How the calling function names these columns in its messages (``"value"``,
        ``"predictor"``...).

    Returns
    -------
    dict
        Column name -> float64 array aligned with the rows of ``data`` (NaN for
        missing), in the order of ``names``.

    Raises
    ------
    AnalysisError
        Listing every problem: a column not in the data, a column that does not hold
        numbers, a nullable-integer column (answer codes, as the survey table holds
        them) passed without ``instrument`` -- whose "don't know" codes would
        otherwise be counted as scale points --, a column without any number.

    Examples
    --------
    >>> import image_synth
    >>> study = image_synth.load_study("tests/fixtures/mini_study")
    >>> values = numeric_columns(study.survey, ["tijd"], instrument=study.instrument)
    >>> values["tijd"][:4]
    array([nan, nan, nan,  3.])
    """
    names = list(dict.fromkeys([names] if isinstance(names, str) else names))
    if not names:
        raise AnalysisError(f"no {what} given; name at least one column")
    items = {i.id for i in instrument.items} if instrument is not None else set()
    problems = []
    absent = [n for n in names if n not in data.columns]
    if absent:
        problems.append(f"{what} not a column of the data: {_quoted(absent)}")
    as_items = [n for n in names if n in items and n not in absent]
    result: dict[str, np.ndarray] = {}
    if as_items:
        try:
            converted = numeric_items(data, instrument, as_items)
        except AnalysisError as exc:
            problems.append(str(exc))
        else:
            result.update({n: converted[n].to_numpy() for n in as_items})
    for name in names:
        if name in absent or name in as_items:
            continue
        dtype = data[name].dtype
        if isinstance(dtype, pd.api.extensions.ExtensionDtype) and \
                pd.api.types.is_integer_dtype(dtype) and instrument is None:
            problems.append(f"{what} {name!r} holds answer codes ({dtype}); pass "
                            "instrument= so that its 'don't know' codes are left out, or "
                            "convert it with numeric_items()")
            continue
        values = _as_float(data[name], name, problems, label=what, expected="numbers")
        if values is not None:
            result[name] = values
    empty = [n for n, v in result.items() if np.isnan(v).all()]
    if empty:
        problems.append(f"no complete cases: {what} without any number: {_quoted(empty)}")
    if problems:
        raise AnalysisError("; ".join(problems))
    return {n: result[n] for n in names}


# --------------------------------------------------------------------------- helpers


def _check_known(instrument: Instrument, names: list[str]) -> None:
    known = {i.id for i in instrument.items}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise AnalysisError(f"not an item of the instrument {instrument.name!r}: "
                            f"{_quoted(unknown)}")


def _as_float(column: pd.Series, name: str, problems: list[str], *,
              label: str = "column", expected: str = "answer codes") -> np.ndarray | None:
    """The column as a writable float64 array with NaN for missing, or None if not numbers."""
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        problems.append(f"{label} {name!r} does not hold {expected} (dtype {dtype})")
        return None
    values = column.to_numpy(dtype="float64", na_value=np.nan, copy=True)
    if np.isinf(values).any():
        problems.append(f"{label} {name!r} holds an infinite value")
        return None
    return values


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(repr(n) for n in names)
