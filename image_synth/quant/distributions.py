"""Response distributions, item summaries, multi-select tables and proportion intervals.

Every function takes the tidy survey table (one row per respondent and wave, one column
of answer *codes* per item, as :func:`image_synth.read_survey` and
:func:`image_synth.load_study` give it) and the study's instrument, and returns one
tidy DataFrame. The instrument decides three things the data cannot:

* **who was asked** an item (its ``asked`` rule, e.g. only collaborating schools, and
  its ``waves``): respondents who were not asked are left out of every count;
* **which codes are numbers**: "don't know" / "no view" (``dont_know``) and "not
  applicable" (``not_applicable``) are real answers, reported as their own category,
  and never enter a mean;
* **the labels** of the codes, in Dutch or English.

Functions
---------
:func:`distribution`
    one row per item x group x answer code: counts and shares, "don't know" apart.
:func:`item_summary`
    one row per item x group: ``n``, ``mean``, ``sd``, ``n_dont_know``, ``share_top2``.
:func:`multi_select_table`
    one row per option of a multi-select question x group: count and share.
:func:`proportion_ci`
    Wilson (or other) intervals for shares, via statsmodels.

Codes become numbers only through :func:`image_synth.quant.numeric.numeric_items`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .. import columns as C
from ..errors import AnalysisError
from ..options import LANGUAGES, check_option
from ..study.models import Instrument, Item, ResponseSet
from .numeric import is_numeric_item, numeric_items

__all__ = ["PROPORTION_CI_METHODS", "asked_mask", "distribution", "item_summary",
           "multi_select_table", "proportion_ci"]

#: Interval methods of :func:`proportion_ci` (statsmodels ``proportion_confint`` names).
PROPORTION_CI_METHODS = ("wilson", "beta", "jeffreys", "agresti_coull", "normal")

#: Columns added by this module that are not (yet) in :mod:`image_synth.columns`.
NON_NUMERIC = C.NON_NUMERIC
N_DONT_KNOW = "n_dont_know"
N_NOT_APPLICABLE = "n_not_applicable"
SHARE_TOP2 = "share_top2"


# --------------------------------------------------------------------------- helpers


def _as_list(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def _check_inputs(data: pd.DataFrame, items: Sequence[str], by: Sequence[str],
                  instrument: Instrument) -> None:
    """Raise one AnalysisError naming every unknown item and missing column."""
    if not isinstance(data, pd.DataFrame):
        raise AnalysisError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    problems = []
    known = {i.id for i in instrument.items}
    for item in items:
        if item not in known:
            problems.append(f"item {item!r} is not in the instrument {instrument.name!r}")
        elif item not in data.columns:
            problems.append(f"item {item!r} is not a column of the data")
    for column in by:
        if column not in data.columns:
            problems.append(f"by={column!r} is not a column of the data")
        elif column in items:
            problems.append(f"by={column!r} is also one of the items")
    if not items:
        problems.append("no items given")
    if problems:
        raise AnalysisError("; ".join(problems))


def _select_wave(data: pd.DataFrame, wave: int | None) -> pd.DataFrame:
    if wave is None:
        return data
    if C.WAVE not in data.columns:
        raise AnalysisError(f"wave={wave!r} given but the data have no {C.WAVE!r} column")
    return data[data[C.WAVE] == wave]


def asked_mask(data: pd.DataFrame, item: Item | str, instrument: Instrument) -> pd.Series:
    """Boolean Series: which rows of ``data`` were asked ``item``.

    A row was asked when the item's ``asked`` rule holds (the rule's item has one of
    the rule's values; rule ``all`` holds for everyone) and, when the item lists
    ``waves``, the row's wave is one of them.
    """
    if isinstance(item, str):
        item = instrument.item(item)
    try:
        rule = instrument.asked_rule(item.asked)
    except KeyError:
        raise AnalysisError(f"item {item.id!r}: asked rule {item.asked!r} is not defined "
                            "in the instrument") from None
    mask = np.ones(len(data), dtype=bool)
    if rule.item is not None:
        if rule.item not in data.columns:
            raise AnalysisError(f"item {item.id!r} is asked of {rule.id!r}, which depends on "
                                f"{rule.item!r}, but {rule.item!r} is not a column of the data")
        mask &= data[rule.item].isin(list(rule.values)).to_numpy(dtype=bool, na_value=False)
    if item.waves and C.WAVE in data.columns:
        mask &= data[C.WAVE].isin(list(item.waves)).to_numpy(dtype=bool, na_value=False)
    return pd.Series(mask, index=data.index)


def _groups(data: pd.DataFrame, by: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """The distinct groups of ``data`` (sorted) and each row's group number.

    Returns a frame with the ``by`` columns, one row per group (one row and no columns
    when ``by`` is empty), and an int array with the position of each row's group.
    """
    if not by:
        return pd.DataFrame(index=[0]), np.zeros(len(data), dtype=np.intp)
    groups = (data[by].drop_duplicates().sort_values(by, na_position="last")
              .reset_index(drop=True))
    if len(by) == 1:
        ids = pd.Index(groups[by[0]]).get_indexer(data[by[0]])
    else:
        ids = pd.MultiIndex.from_frame(groups).get_indexer(pd.MultiIndex.from_frame(data[by]))
    return groups, ids.astype(np.intp)


def _codes(data: pd.DataFrame, item: str) -> np.ndarray:
    """An item column as float64 codes (NaN where empty); refuses text."""
    column = data[item]
    if pd.api.types.is_bool_dtype(column.dtype) or not pd.api.types.is_numeric_dtype(
            column.dtype):
        raise AnalysisError(f"item {item!r} does not hold answer codes (dtype "
                            f"{column.dtype}); read the survey with read_survey")
    return column.to_numpy(dtype="float64", na_value=np.nan)


def _repeat_groups(groups: pd.DataFrame, by: list[str], each: int) -> dict[str, np.ndarray]:
    return {column: np.repeat(groups[column].to_numpy(dtype=object), each) for column in by}


# --------------------------------------------------------------------------- public


def _asked_answers(frame: pd.DataFrame, item_id: str, instrument: Instrument,
                   group_of: np.ndarray
                   ) -> tuple[ResponseSet, np.ndarray, np.ndarray, np.ndarray]:
    """For one item: its response set, who was asked (mask), their answer codes and group."""
    item = instrument.item(item_id)
    asked = asked_mask(frame, item, instrument).to_numpy()
    return (instrument.response_set(item.response_set), asked,
            _codes(frame, item_id)[asked], group_of[asked])


def distribution(data: pd.DataFrame, *, items: str | Sequence[str], instrument: Instrument,
                 by: str | Sequence[str] | None = None, wave: int | None = None,
                 lang: str = "nl") -> pd.DataFrame:
    """Response distribution of items: one row per item x group x answer code.

    Parameters
    ----------
    data
        Survey table: one row per respondent (and wave), one column of answer codes per
        item, plus the grouping columns.
    items
        Item id or ids.
    instrument
        The study's instrument (response sets, asked rules, labels).
    by
        Grouping column or columns (for example ``"situation"`` or
        ``["situation", "wave"]``); ``None`` for one group.
    wave
        Keep only this wave's rows first.
    lang
        Language of ``label``: ``"nl"`` or ``"en"``.

    Returns
    -------
    pandas.DataFrame
        One row per item, group and code of the item's response set (also codes
        nobody chose), in instrument order, with the columns

        ``item``
            item id.
        *by columns*
            the group.
        ``code``, ``label``
            answer code and its label.
        ``non_numeric``
            missing (NA) for a point of the scale, ``"dont_know"`` or
            ``"not_applicable"`` for a real answer that is never a number.
        ``count``
            respondents asked the item who gave this answer.
        ``n_asked``
            respondents in the group who were asked the item (its ``asked`` rule and
            ``waves``).
        ``n_missing``
            respondents asked who left the item empty.
        ``n``
            numeric answers (asked, answered, not "don't know"/"not applicable"): the
            ``n`` behind a mean.
        ``share``
            ``count / (n_asked - n_missing)``: the share of those who were asked and
            answered, the denominator the report's percentages use (NaN when nobody
            answered). With no empty answers this is ``count / n_asked``.

    Raises
    ------
    AnalysisError
        An item not in the instrument or the data, a ``by`` column not in the data, an
        asked rule whose item is missing.

    See Also
    --------
    item_summary : means of the numeric answers.
    proportion_ci : intervals for ``share``.

    Notes
    -----
    Answers of respondents who were not asked (for example an answer to a question for
    collaborating schools by a school that does not collaborate) are not counted; the
    validator reports them. The share of a group without respondents who answered is
    NaN, never 0.

    Examples
    --------
    >>> import image_synth
    >>> from image_synth.quant.distributions import distribution
    >>> study = image_synth.load_study()
    >>> table = distribution(study.survey, items="status", instrument=study.instrument,
    ...                      by="situation", wave=2023)
    >>> int(table["count"].sum())
    239
    """
    items = _as_list(items)
    by = _as_list(by)
    check_option("lang", lang, LANGUAGES)
    _check_inputs(data, items, by, instrument)
    frame = _select_wave(data, wave)
    groups, group_of = _groups(frame, by)
    n_groups = len(groups)
    pieces = []
    for item_id in items:
        rs, asked, values, group = _asked_answers(frame, item_id, instrument, group_of)
        codes = [c.code for c in rs.codes]
        k = len(codes)
        n_asked = np.bincount(group, minlength=n_groups)
        n_missing = np.bincount(group[np.isnan(values)], minlength=n_groups)
        counts = np.column_stack([np.bincount(group[values == code], minlength=n_groups)
                                  for code in codes])                    # groups x codes
        numeric = [j for j, c in enumerate(rs.codes) if c.non_numeric is None]
        n_numeric = counts[:, numeric].sum(axis=1)
        answered = n_asked - n_missing
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(answered[:, None] > 0, counts / np.maximum(answered, 1)[:, None],
                             np.nan)
        part = {C.ITEM: np.full(n_groups * k, item_id, dtype=object),
                **_repeat_groups(groups, by, k),
                C.CODE: np.tile(codes, n_groups),
                C.LABEL: np.tile(np.array([c.label.get(lang) for c in rs.codes], dtype=object),
                                 n_groups),
                NON_NUMERIC: np.tile(np.array([c.non_numeric for c in rs.codes], dtype=object),
                                     n_groups),
                C.COUNT: counts.ravel(),
                C.N_ASKED: np.repeat(n_asked, k),
                C.N_MISSING: np.repeat(n_missing, k),
                C.N: np.repeat(n_numeric, k),
                C.SHARE: share.ravel()}
        pieces.append(pd.DataFrame(part))
    return pd.concat(pieces, ignore_index=True)


def item_summary(data: pd.DataFrame, *, items: str | Sequence[str], instrument: Instrument,
                 by: str | Sequence[str] | None = None,
                 wave: int | None = None) -> pd.DataFrame:
    """Mean, spread and top-two share of ordered items, "don't know" kept apart.

    Parameters
    ----------
    data, items, instrument, by, wave
        As in :func:`distribution`. Every item must be numeric: an ordered response
        set, or two numeric codes (a 0/1 option, whose mean is a share).

    Returns
    -------
    pandas.DataFrame
        One row per item and group with the columns ``item``, the ``by`` columns,

        ``n_asked``
            respondents asked the item;
        ``n_missing``
            asked but left empty;
        ``n``
            numeric answers (the ``n`` of the mean);
        ``n_dont_know``, ``n_not_applicable``
            answers "don't know"/"no view" and "not applicable";
        ``mean``, ``sd``
            mean and standard deviation (n - 1 denominator) of the numeric answers,
            as the item is worded (reverse-keyed items are *not* reversed here);
        ``share_top2``
            share of the numeric answers on the two highest numeric codes (for a
            5-point agreement scale: the share agreeing); NaN for items with fewer
            than three numeric codes.

    Raises
    ------
    AnalysisError
        As :func:`distribution`; also a nominal item (an unordered response set with
        more than two numeric codes, such as collaboration status), or a code the
        item's response set does not have.

    Notes
    -----
    ``mean`` and ``sd`` equal ``numpy.mean`` and ``numpy.std(ddof=1)`` of the numeric
    answers (SPSS DESCRIPTIVES with "don't know" declared user-missing). ``sd`` is NaN
    with fewer than two numeric answers, ``mean`` and ``share_top2`` with none.

    Examples
    --------
    >>> import image_synth
    >>> from image_synth.quant.distributions import item_summary
    >>> study = image_synth.load_study()
    >>> table = item_summary(study.survey, items="tevredenheid",
    ...                      instrument=study.instrument, wave=2023)
    >>> round(float(table["mean"].iloc[0]), 2)
    4.54
    """
    items = _as_list(items)
    by = _as_list(by)
    _check_inputs(data, items, by, instrument)
    nominal = [i for i in items if not is_numeric_item(instrument, i)]
    if nominal:
        raise AnalysisError("item_summary needs numeric items; these have a nominal response "
                            "set (count their answers with distribution() instead): "
                            + ", ".join(repr(i) for i in nominal))
    frame = _select_wave(data, wave)
    groups, group_of = _groups(frame, by)
    n_groups = len(groups)
    pieces = []
    for item_id in items:
        rs, asked, codes, group = _asked_answers(frame, item_id, instrument, group_of)
        values = numeric_items(frame.loc[asked, [item_id]], instrument, [item_id])[
            item_id].to_numpy()
        kinds = rs.non_numeric_codes
        dont_know = np.isin(codes, [c for c, kind in kinds.items() if kind == "dont_know"])
        not_applicable = np.isin(codes, [c for c, kind in kinds.items()
                                         if kind == "not_applicable"])
        top2 = sorted(rs.numeric_codes)[-2:] if len(rs.numeric_codes) > 2 else []
        ok = ~np.isnan(values)
        n = np.bincount(group[ok], minlength=n_groups)
        total = np.bincount(group[ok], weights=values[ok], minlength=n_groups)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(n > 0, total / np.maximum(n, 1), np.nan)
            deviation = values[ok] - mean[group[ok]]
            squares = np.bincount(group[ok], weights=deviation ** 2, minlength=n_groups)
            sd = np.where(n > 1, np.sqrt(squares / np.maximum(n - 1, 1)), np.nan)
            top = np.bincount(group[ok & np.isin(codes, top2)], minlength=n_groups)
            share_top2 = np.where((n > 0) & bool(top2), top / np.maximum(n, 1), np.nan)
        part = {C.ITEM: np.full(n_groups, item_id, dtype=object),
                **_repeat_groups(groups, by, 1),
                C.N_ASKED: np.bincount(group, minlength=n_groups),
                C.N_MISSING: np.bincount(group[np.isnan(codes)], minlength=n_groups),
                C.N: n,
                N_DONT_KNOW: np.bincount(group[dont_know], minlength=n_groups),
                N_NOT_APPLICABLE: np.bincount(group[not_applicable], minlength=n_groups),
                C.MEAN: mean, C.SD: sd, SHARE_TOP2: share_top2}
        pieces.append(pd.DataFrame(part))
    return pd.concat(pieces, ignore_index=True)


def multi_select_table(data: pd.DataFrame, *, group: str, instrument: Instrument,
                       by: str | Sequence[str] | None = None, wave: int | None = None,
                       counted: int = 1, lang: str = "nl") -> pd.DataFrame:
    """Count and share of each option of a multi-select question ("check all that apply").

    Parameters
    ----------
    data
        Survey table; each option is a 0/1 item whose ``multi_select`` names ``group``.
    group
        Id of the multi-select question in the instrument.
    instrument
        The study's instrument.
    by, wave, lang
        As in :func:`distribution`.
    counted
        The code that means "selected" (SPSS MULT RESPONSE's counted value).

    Returns
    -------
    pandas.DataFrame
        One row per option (instrument order) and group with the columns ``item``
        (the option's item id), the ``by`` columns, ``label`` (the option's text),

        ``count``
            respondents asked who selected the option;
        ``n_asked``
            respondents asked the question (the option's ``asked`` rule and ``waves``);
        ``n_missing``
            asked but left the option empty (normally 0; Table 5 of the IMAGE report has
            a different ``n`` per option);
        ``n``
            asked and answered the option (``n_asked - n_missing``);
        ``share``
            ``count / n``; NaN when ``n`` is 0.

    Raises
    ------
    AnalysisError
        ``group`` not a multi-select question of the instrument, an option not in the
        data, ``counted`` not a code of an option's response set.

    Notes
    -----
    Shares of different options do not add up to 1: a respondent may select several.
    Intervals: ``proportion_ci(table["count"], table["n"])``.

    Examples
    --------
    >>> import image_synth
    >>> from image_synth.quant.distributions import multi_select_table
    >>> study = image_synth.load_study()
    >>> goals = multi_select_table(study.survey, group="doelen",
    ...                            instrument=study.instrument, wave=2023)
    >>> int(goals["n"].iloc[0])
    59
    """
    by = _as_list(by)
    check_option("lang", lang, LANGUAGES)
    groups_known = {m.id: m for m in instrument.multi_select}
    if group not in groups_known:
        valid = ", ".join(repr(g) for g in groups_known) or "(none defined)"
        raise AnalysisError(f"group={group!r} is not a multi-select question of the "
                            f"instrument; use one of {valid}")
    options = instrument.options(group)
    if not options:
        raise AnalysisError(f"multi-select question {group!r} has no options")
    items = [o.id for o in options]
    _check_inputs(data, items, by, instrument)
    bad = [o.id for o in options
           if counted not in instrument.response_set(o.response_set).allowed]
    if bad:
        raise AnalysisError(f"counted={counted!r} is not a code of the response set of "
                            f"{', '.join(bad)}")
    frame = _select_wave(data, wave)
    groups, group_of = _groups(frame, by)
    n_groups = len(groups)
    pieces = []
    for option in options:
        asked = asked_mask(frame, option, instrument).to_numpy()
        codes = _codes(frame, option.id)[asked]
        group = group_of[asked]
        n_asked = np.bincount(group, minlength=n_groups)
        n = np.bincount(group[~np.isnan(codes)], minlength=n_groups)
        count = np.bincount(group[codes == counted], minlength=n_groups)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(n > 0, count / np.maximum(n, 1), np.nan)
        part = {C.ITEM: np.full(n_groups, option.id, dtype=object),
                **_repeat_groups(groups, by, 1),
                C.LABEL: np.full(n_groups, option.text.get(lang), dtype=object),
                C.COUNT: count, C.N_ASKED: n_asked, C.N_MISSING: n_asked - n, C.N: n,
                C.SHARE: share}
        pieces.append(pd.DataFrame(part))
    return pd.concat(pieces, ignore_index=True)


def proportion_ci(count, nobs, *, method: str = "wilson", level: float = 0.95) -> pd.DataFrame:
    """Confidence interval for a proportion ``count / nobs`` (Wilson score by default).

    Parameters
    ----------
    count
        Number of "successes": a number, a sequence or a Series.
    nobs
        Number of observations, same shape as ``count``.
    method
        ``"wilson"`` (default), ``"beta"`` (Clopper-Pearson), ``"jeffreys"``,
        ``"agresti_coull"`` or ``"normal"`` (Wald).
    level
        Confidence level, between 0 and 1.

    Returns
    -------
    pandas.DataFrame
        One row per proportion (the index of ``count`` when it is a Series) with
        ``count``, ``n`` (= ``nobs``), ``share``, ``ci_low``, ``ci_high`` and
        ``ci_method``. Where ``nobs`` is 0 the share and interval are NaN.

    Raises
    ------
    OptionError
        ``method`` not in the list above.
    AnalysisError
        A negative count, a count above ``nobs``, a level outside (0, 1).

    Notes
    -----
    Computed by :func:`statsmodels.stats.proportion.proportion_confint`. The Wilson
    interval with :math:`\\hat p = x/n` and :math:`z = \\Phi^{-1}(1 - (1-level)/2)` is

    .. math::

        \\frac{\\hat p + z^2/(2n) \\pm z\\sqrt{\\hat p(1-\\hat p)/n + z^2/(4n^2)}}
             {1 + z^2/n},

    the same as R's ``prop.test(x, n, correct = FALSE)$conf.int`` and
    ``binom::binom.confint(x, n, methods = "wilson")``.

    Examples
    --------
    >>> from image_synth.quant.distributions import proportion_ci
    >>> ci = proportion_ci(37, 59)
    >>> round(float(ci["ci_low"].iloc[0]), 4), round(float(ci["ci_high"].iloc[0]), 4)
    (0.4995, 0.7392)
    """
    from statsmodels.stats.proportion import proportion_confint

    check_option("method", method, PROPORTION_CI_METHODS)
    if not 0 < level < 1:
        raise AnalysisError(f"level={level!r} must lie between 0 and 1")
    index = count.index if isinstance(count, pd.Series) else None
    x = np.atleast_1d(np.asarray(count, dtype=float))
    n = np.atleast_1d(np.asarray(nobs, dtype=float))
    if x.shape != n.shape:
        if n.size == 1:
            n = np.full_like(x, n[0])
        else:
            raise AnalysisError(f"count and nobs differ in length ({x.size} and {n.size})")
    problems = []
    if np.any(x < 0) or np.any(n < 0):
        problems.append("counts and nobs must not be negative")
    if np.any(x > n):
        problems.append("a count is larger than its nobs")
    if problems:
        raise AnalysisError("; ".join(problems))
    ok = n > 0
    low = np.full(x.shape, np.nan)
    high = np.full(x.shape, np.nan)
    if ok.any():
        lo, hi = proportion_confint(x[ok], n[ok], alpha=1 - level, method=method)
        low[ok] = lo
        high[ok] = hi
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(ok, x / np.where(ok, n, 1), np.nan)
    out = pd.DataFrame({C.COUNT: x, C.N: n, C.SHARE: share, C.CI_LOW: low, C.CI_HIGH: high,
                        C.CI_METHOD: method}, index=index)
    if np.all(np.mod(x, 1) == 0) and np.all(np.mod(n, 1) == 0):
        out[C.COUNT] = out[C.COUNT].astype(int)
        out[C.N] = out[C.N].astype(int)
    return out
