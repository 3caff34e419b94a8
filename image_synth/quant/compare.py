"""Comparisons between waves and between groups: rank-based tests with effect sizes.

:func:`compare_waves`
    one value (a scale score, an item) before and after: Mann-Whitney U with the
    rank-biserial correlation, per value and optionally per situation, each row
    flagged when a wave has fewer than ``min_n`` respondents or when the two waves'
    samples differ in composition.
:func:`compare_groups`
    one value across the groups of a column (situations by default): Kruskal-Wallis
    with epsilon-squared, then every pair with Mann-Whitney U and Holm's adjustment
    (two groups: the Mann-Whitney row alone).
:func:`composition_difference`
    how different the two waves' samples are over region, situation and sector.

The layout is wide and the same for both comparison functions: one row per
comparison, the two groups compared in ``group_1`` and ``group_2`` with their sizes
in ``n_1`` and ``n_2``. The Kruskal-Wallis row compares all groups at once, so its
``group_1``, ``group_2``, ``n_1`` and ``n_2`` are empty and ``n`` holds the total.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from itertools import combinations
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .. import columns as C
from ..columns import (
    COMPOSITION_DIFFERS,
    COMPOSITION_TVD,
    DIFFERS,
    EFFECT_MEASURE,
    GROUP_1,
    GROUP_2,
    N_1,
    N_2,
    P_ADJUSTED,
    TEST,
    TVD,
    VALUE,
    VARIABLE,
)
from ..errors import AnalysisError
from ..options import RANK_BISERIAL_CI, check_option
from ..study.models import Instrument
from .numeric import numeric_columns

__all__ = ["compare_groups", "compare_waves", "composition_difference"]


MANN_WHITNEY = "mann_whitney"
KRUSKAL_WALLIS = "kruskal_wallis"
RANK_BISERIAL = "rank_biserial"
EPSILON_SQUARED = "epsilon_squared"


#: Composition variables looked for when ``composition=None``.
COMPOSITION_DEFAULT = (C.REGION, C.SITUATION, C.SECTOR)
#: Largest total-variation distance between the waves' samples still called "same
#: composition" (see :func:`composition_difference`).
COMPOSITION_THRESHOLD = 0.10
#: Cells (resamples x groups x distinct values) one bootstrap chunk may hold.
BOOT_CHUNK_CELLS = 4_000_000

COMPARISON_COLUMNS = [VALUE, TEST, GROUP_1, GROUP_2, N_1, N_2, C.N, C.STATISTIC, C.P_VALUE,
                      EFFECT_MEASURE, C.EFFECT_SIZE, C.CI_LOW, C.CI_HIGH, C.CI_METHOD,
                      C.SMALL_N]
#: compare_groups puts ``p_adjusted`` here, right after ``p_value``.
C_INSERT = COMPARISON_COLUMNS.index(C.P_VALUE) + 1


# --------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------

def compare_waves(data: pd.DataFrame, *, value: str | Sequence[str],
                  waves: Sequence[int] | None = None, by: str | None = None,
                  min_n: int = 5, composition: Sequence[str] | None = None,
                  composition_threshold: float = COMPOSITION_THRESHOLD,
                  instrument: Instrument | None = None, level: float = 0.95,
                  ci: str = "fisher_z", n_boot: int = 2000,
                  seed: int | np.random.Generator | None = 0) -> pd.DataFrame:
    """Compare values between two measurement waves (Mann-Whitney U, rank-biserial r).

    Parameters
    ----------
    data
        Tidy frame with one row per respondent and wave: a ``wave`` column and the
        value columns (the output of :func:`image_synth.quant.scores.scale_scores`,
        or the survey table with ``instrument``).
    value
        Column or columns to compare; one block of rows per value.
    waves
        ``(before, after)``. ``None`` takes the last two waves present in ``data``.
    by
        A grouping column (for example ``"situation"``): the comparison is made for
        all rows together (``by`` column empty) and within each of its levels.
    min_n
        Smallest group size not flagged: ``small_n`` is True when either wave has
        fewer respondents with a value. Small groups are compared and flagged, never
        dropped (the publishing step suppresses them).
    composition
        Columns over which the two waves' samples are compared (see
        :func:`composition_difference`). ``None`` takes those of ``region``,
        ``situation`` and ``sector`` that ``data`` has; within a level of ``by``
        the ``by`` column itself is left out (it is constant there). ``()`` skips the
        check.
    composition_threshold
        ``composition_differs`` is True when the total-variation distance over any
        composition column exceeds this (default 0.10).
    instrument
        Needed when a value is a survey item, so that "don't know" codes are not
        counted as scale points (:func:`image_synth.quant.numeric.numeric_items`).
    level
        Confidence level of the interval for the effect size.
    ci
        Interval for the rank-biserial correlation: ``"fisher_z"`` (normal
        approximation, the default) or ``"bootstrap"`` (percentile interval over
        ``n_boot`` resamples drawn within each wave). See Notes.
    n_boot, seed
        Resamples and seed of the bootstrap (``ci="bootstrap"``); the same seed gives
        the same interval.

    Returns
    -------
    pandas.DataFrame
        One row per value (and per level of ``by``, pooled rows first) with

        ``value``
            the value compared.
        the ``by`` column (only with ``by``)
            its level; empty (``<NA>``) on the pooled row.
        ``test``
            ``"mann_whitney"``.
        ``group_1``, ``group_2``
            the earlier and the later wave.
        ``n_1``, ``n_2``, ``n``
            respondents with a value in each wave, and both together.
        ``statistic``
            Mann-Whitney U of the later wave: the number of (earlier, later) pairs
            in which the later value is higher, ties counted one half.
        ``p_value``
            two-sided p-value (SciPy ``method="auto"``: exact for small samples
            without ties, else the normal approximation with tie and continuity
            correction).
        ``effect_measure``
            ``"rank_biserial"``.
        ``effect_size``
            rank-biserial correlation: positive when the later wave has the higher
            values, from -1 to 1.
        ``ci_low``, ``ci_high``
            interval for ``effect_size`` at ``level`` (see Notes).
        ``ci_method``
            ``"fisher_z"`` or ``"bootstrap"``.
        ``small_n``
            either wave has fewer than ``min_n`` respondents with a value.
        ``composition_tvd``
            largest total-variation distance between the waves' samples over the
            composition columns (NaN when the check is skipped).
        ``composition_differs``
            ``composition_tvd > composition_threshold``: the samples differ, so a
            change may come from whom was asked rather than from a change in the
            schools (the IMAGE report: 64 schools in 2022, 239 in 2023, from
            different regions).

    Raises
    ------
    AnalysisError
        A value not in the data, not numeric, or without any number; a value that is
        an answer-code column passed without ``instrument``; no ``wave`` column; a
        wave not in the data; a ``by`` or composition column that does not exist.
    OptionError
        ``ci`` outside ``("fisher_z", "bootstrap")``.

    See Also
    --------
    compare_groups : the same between situations.
    composition_difference : the composition check on its own, per column.

    Notes
    -----
    With :math:`n_1, n_2` the wave sizes and :math:`U_2` the Mann-Whitney statistic
    of the later wave, the rank-biserial correlation (Cureton 1956; Kerby 2014) is

    .. math::

        r = \\frac{2 U_2}{n_1 n_2} - 1 = P(X_2 > X_1) - P(X_2 < X_1).

    Its interval is the normal approximation on Fisher's :math:`z` scale with the
    standard error of :math:`r` under the null hypothesis,

    .. math::

        \\tanh\\Bigl(\\operatorname{atanh}(r) \\pm z_{1-\\alpha/2}
            \\sqrt{\\tfrac{n_1 + n_2 + 1}{3 n_1 n_2}}\\Bigr),

    as R's ``effectsize::rank_biserial`` computes it. It is an approximation: it is
    too wide far from :math:`r = 0` and degenerates to a point when
    :math:`|r| = 1`. With ``ci="bootstrap"`` the interval is the percentile interval
    (NumPy's default linear quantiles, R's type 7) of :math:`r` over ``n_boot``
    resamples drawn within each group, each drawn as multinomial counts over the
    group's distinct values (the same distribution as drawing its rows with
    replacement), so the cost does not grow with the number of respondents.

    Reference implementations: ``scipy.stats.mannwhitneyu(after, before)`` gives
    ``statistic`` and ``p_value``; ``pingouin.mwu(after, before)`` gives ``U_val``
    = ``statistic`` and ``RBC`` = ``effect_size``; R's
    ``wilcox.test(after, before, exact = FALSE)`` gives ``W`` = ``statistic`` and
    the same p-value when the normal approximation is used.

    Examples
    --------
    The mini study has one wave; pretend region G was measured a year earlier:

    >>> import image_synth
    >>> from image_synth.quant.scores import scale_scores
    >>> study = image_synth.load_study("tests/fixtures/mini_study")
    >>> scores = scale_scores(study.survey, instrument=study.instrument)
    >>> scores["wave"] = scores["wave"].where(scores["region"] != "G", 2022)
    >>> result = compare_waves(scores, value="communicatie", min_n=3)
    >>> print(result[["group_1", "group_2", "n_1", "n_2", "statistic", "p_value",
    ...               "effect_size", "ci_low", "ci_high"]].round(3).to_string(index=False))
     group_1  group_2  n_1  n_2  statistic  p_value  effect_size  ci_low  ci_high
        2022     2023    6    8       11.0    0.104       -0.542  -0.845    0.026
    >>> print(result[["composition_tvd", "composition_differs"]].to_string(index=False))
     composition_tvd  composition_differs
                 1.0                 True
    """
    _check_min_n(min_n)
    _check_level(level)
    _check_threshold(composition_threshold)
    check_option("ci", ci, RANK_BISERIAL_CI)
    _check_n_boot(n_boot)
    rng = _rng(seed)
    values = numeric_columns(data, _names(value, "value"), instrument=instrument)
    if C.WAVE not in data.columns:
        raise AnalysisError("compare_waves needs a 'wave' column in the data")
    wave_col = data[C.WAVE]
    present = sorted(pd.unique(wave_col.dropna()).tolist())
    before, after = _choose_waves(waves, present)
    if by is not None:
        _check_columns(data, [by], "by")
    if composition is None:
        comp_cols = [c for c in COMPOSITION_DEFAULT if c in data.columns]
    else:
        comp_cols = [composition] if isinstance(composition, str) else list(composition)
        _check_columns(data, comp_cols, "composition")
    in_1 = (wave_col == before).fillna(False).to_numpy(dtype=bool)
    in_2 = (wave_col == after).fillna(False).to_numpy(dtype=bool)

    rows = []
    for scope_label, scope in _scopes(data, by):
        # within a level of ``by`` that column is constant: leave it out there
        comp_scope = comp_cols if scope_label is pd.NA else [c for c in comp_cols if c != by]
        for name, x in values.items():
            has = ~np.isnan(x) & scope
            row = _mann_whitney_row(name, x[has & in_1], x[has & in_2], before, after,
                                    min_n=min_n, level=level, ci=ci, n_boot=n_boot, rng=rng)
            if by is not None:
                row[by] = scope_label
            if comp_scope:
                detail = _composition(data.loc[has & (in_1 | in_2), comp_scope],
                                      wave_col[has & (in_1 | in_2)], before, after,
                                      comp_scope, composition_threshold)
                tvd = float(detail[TVD].max()) if len(detail) else np.nan
            else:
                tvd = np.nan
            row[COMPOSITION_TVD] = tvd
            row[COMPOSITION_DIFFERS] = (bool(tvd > composition_threshold)
                                        if np.isfinite(tvd) else pd.NA)
            rows.append(row)
    columns = COMPARISON_COLUMNS[:1] + ([by] if by is not None else []) + \
        COMPARISON_COLUMNS[1:] + [COMPOSITION_TVD, COMPOSITION_DIFFERS]
    out = pd.DataFrame(rows, columns=columns)
    out[COMPOSITION_DIFFERS] = out[COMPOSITION_DIFFERS].astype("boolean")
    return _finish(out)


def compare_groups(data: pd.DataFrame, *, value: str | Sequence[str],
                   group: str = C.SITUATION, min_n: int = 5,
                   instrument: Instrument | None = None, level: float = 0.95,
                   ci: str = "fisher_z", n_boot: int = 2000,
                   seed: int | np.random.Generator | None = 0) -> pd.DataFrame:
    """Compare values between groups (Kruskal-Wallis, then pairwise Mann-Whitney).

    Parameters
    ----------
    data
        Tidy frame with one row per respondent, from *one* wave: a ``group`` column
        and the value columns (scale scores, or the survey table with
        ``instrument``).
    value
        Column or columns to compare; one block of rows per value.
    group
        The grouping column (default ``"situation"``). Its levels are taken in
        category order for a categorical column, else sorted; rows where it is
        empty are left out.
    min_n
        Smallest group size not flagged (``small_n``). Small groups are compared and
        flagged, never dropped.
    instrument
        Needed when a value is a survey item (see :func:`compare_waves`).
    level
        Confidence level of the intervals.
    ci
        Interval for the rank-biserial correlation of the pairs: ``"fisher_z"`` or
        ``"bootstrap"`` (see :func:`compare_waves`). Epsilon-squared always gets a
        bootstrap interval.
    n_boot, seed
        Bootstrap resamples and seed; the same seed gives the same intervals.

    Returns
    -------
    pandas.DataFrame
        For each value: with more than two groups, one ``kruskal_wallis`` row, then
        one ``mann_whitney`` row per pair of groups; with two groups, the
        ``mann_whitney`` row alone. Columns:

        ``value``
            the value compared.
        ``test``
            ``"kruskal_wallis"`` or ``"mann_whitney"``.
        ``group_1``, ``group_2``
            the two groups of a pair (empty on the Kruskal-Wallis row).
        ``n_1``, ``n_2``
            respondents with a value in each group of the pair (empty on the
            Kruskal-Wallis row).
        ``n``
            respondents in the comparison (all groups on the Kruskal-Wallis row).
        ``statistic``
            Kruskal-Wallis H (tie-corrected), or Mann-Whitney U of ``group_2``.
        ``p_value``
            unadjusted p-value (chi-square approximation for H; SciPy
            ``method="auto"`` for U).
        ``p_adjusted``
            Holm-adjusted p-value over the pairs of the same value; equal to
            ``p_value`` on the Kruskal-Wallis row and when there is one pair.
        ``effect_measure``
            ``"epsilon_squared"`` or ``"rank_biserial"``.
        ``effect_size``
            epsilon-squared (0 to 1), or the rank-biserial correlation (positive
            when ``group_2`` has the higher values).
        ``ci_low``, ``ci_high``
            interval for ``effect_size``: stratified percentile bootstrap for
            epsilon-squared, the ``ci`` method for the rank-biserial correlation
            (see Notes).
        ``ci_method``
            ``"bootstrap"`` or ``"fisher_z"``.
        ``small_n``
            a group of the comparison has fewer than ``min_n`` respondents with a
            value (any group, on the Kruskal-Wallis row).

    Raises
    ------
    AnalysisError
        A value or the group column not in the data; a value that is not numeric,
        has no number, or is an answer-code column passed without ``instrument``;
        fewer than two groups; data from more than one wave.
    OptionError
        ``ci`` outside ``("fisher_z", "bootstrap")``.

    See Also
    --------
    compare_waves : the same between waves, with the rank-biserial details.

    Notes
    -----
    Kruskal-Wallis :math:`H` is tie-corrected, as ``scipy.stats.kruskal`` and R's
    ``kruskal.test`` compute it. Epsilon-squared (Tomczak & Tomczak 2014; R's
    ``effectsize::rank_epsilon_squared``) is

    .. math::

        E^2_R = \\frac{H}{(n^2 - 1)/(n + 1)} = \\frac{H}{n - 1}.

    Its interval is the percentile interval over ``n_boot`` bootstrap resamples
    drawn within each group (group sizes fixed, so no resample loses a group); each
    resample is drawn as multinomial counts over the distinct values of the group,
    which has the same distribution as drawing rows with replacement, and its
    :math:`H` computed from the counts with the same tie correction.

    Pairs use Mann-Whitney U and the rank-biserial correlation exactly as
    :func:`compare_waves` (``pingouin.mwu(group_2, group_1)``); their p-values are
    adjusted with Holm's step-down method (``statsmodels``
    ``multipletests(method="holm")``, R ``p.adjust(method = "holm")``).

    Examples
    --------
    >>> import image_synth
    >>> from image_synth.quant.scores import scale_scores
    >>> study = image_synth.load_study("tests/fixtures/mini_study")
    >>> scores = scale_scores(study.survey, instrument=study.instrument)
    >>> result = compare_groups(scores, value="communicatie", group="region", min_n=3)
    >>> print(result[["test", "group_1", "group_2", "n", "statistic", "p_adjusted",
    ...               "effect_size"]].round(3).to_string(index=False))
              test group_1 group_2  n  statistic  p_adjusted  effect_size
    kruskal_wallis     NaN     NaN 14      3.325       0.190        0.256
      mann_whitney       A       B  8     11.000       0.564        0.375
      mann_whitney       A       G 10     19.500       0.403        0.625
      mann_whitney       B       G 10     17.500       0.564        0.458
    """
    _check_min_n(min_n)
    _check_level(level)
    check_option("ci", ci, RANK_BISERIAL_CI)
    _check_n_boot(n_boot)
    _check_columns(data, [group], "group")
    values = numeric_columns(data, _names(value, "value"), instrument=instrument)
    if C.WAVE in data.columns and group != C.WAVE:
        present = pd.unique(data[C.WAVE].dropna())
        if len(present) > 1:
            raise AnalysisError(
                f"the data hold more than one wave ({', '.join(map(str, sorted(present)))}); "
                "compare groups within one wave (data[data['wave'] == ...]) or compare "
                "the waves with compare_waves()")
    levels = _levels(data[group])
    if len(levels) < 2:
        raise AnalysisError(f"group column {group!r} has {len(levels)} level(s) "
                            f"({', '.join(map(str, levels))}); a comparison needs two or more")
    rng = _rng(seed)
    membership = [(data[group] == lv).fillna(False).to_numpy(dtype=bool) for lv in levels]

    rows = []
    for name, x in values.items():
        samples = [x[m & ~np.isnan(x)] for m in membership]
        if len(levels) > 2:
            rows.append(_kruskal_row(name, samples, min_n=min_n, level=level,
                                     n_boot=n_boot, rng=rng))
        pairs = []
        for (i, a), (j, b) in combinations(enumerate(levels), 2):
            pairs.append(_mann_whitney_row(name, samples[i], samples[j], a, b,
                                           min_n=min_n, level=level, ci=ci, n_boot=n_boot,
                                           rng=rng))
        _holm(pairs)
        rows.extend(pairs)
    out = pd.DataFrame(rows, columns=COMPARISON_COLUMNS[:C_INSERT] + [P_ADJUSTED]
                       + COMPARISON_COLUMNS[C_INSERT:])
    return _finish(out)


def composition_difference(data: pd.DataFrame, *, waves: Sequence[int] | None = None,
                           columns: Sequence[str] | None = None,
                           threshold: float = COMPOSITION_THRESHOLD) -> pd.DataFrame:
    """How much the samples of two waves differ over region, situation and sector.

    Parameters
    ----------
    data
        Tidy frame with one row per respondent and wave (``wave`` column).
    waves
        ``(before, after)``; ``None`` takes the last two waves in ``data``.
    columns
        Categorical columns to compare; ``None`` takes those of ``region``,
        ``situation`` and ``sector`` that ``data`` has.
    threshold
        Total-variation distance above which ``differs`` is True.

    Returns
    -------
    pandas.DataFrame
        One row per column with

        ``variable``
            the column compared.
        ``n_1``, ``n_2``
            rows of each wave with a level in that column.
        ``tvd``
            total-variation distance between the two waves' distributions over the
            column's levels, from 0 (same shares) to 1 (no level in common).
        ``statistic``, ``p_value``
            Pearson's chi-square test of independence of wave and level (no
            continuity correction; ``scipy.stats.chi2_contingency(...,
            correction=False)``, R ``chisq.test(..., correct = FALSE)``). With few
            respondents per level the approximation is rough; the flag rests on
            ``tvd``.
        ``differs``
            ``tvd > threshold``.

    Notes
    -----
    With :math:`p_{1k}, p_{2k}` the shares of level :math:`k` in each wave,

    .. math::

        TVD = \\tfrac12 \\sum_k |p_{1k} - p_{2k}|,

    the share of one sample that would have to move to another level to give the
    other sample's distribution. It describes the samples and, unlike a test, does
    not grow with their size; the default threshold of 0.10 (a tenth of the sample
    would have to move) is a convention of this package, set with ``threshold``.

    Examples
    --------
    >>> import image_synth
    >>> study = image_synth.load_study("tests/fixtures/mini_study")
    >>> survey = study.survey.assign(wave=study.survey["wave"].where(
    ...     study.survey["region"] != "G", 2022))
    >>> print(composition_difference(survey).round(3).to_string(index=False))
     variable  n_1  n_2   tvd  statistic  p_value  differs
       region    9   11 1.000     20.000    0.000     True
    situation    9   11 1.000     20.000    0.000     True
       sector    9   11 0.444      6.111    0.013     True
    """
    _check_threshold(threshold)
    if C.WAVE not in data.columns:
        raise AnalysisError("composition_difference needs a 'wave' column in the data")
    present = sorted(pd.unique(data[C.WAVE].dropna()).tolist())
    before, after = _choose_waves(waves, present)
    if columns is None:
        columns = [c for c in COMPOSITION_DEFAULT if c in data.columns]
    else:
        columns = [columns] if isinstance(columns, str) else list(columns)
        _check_columns(data, columns, "columns")
    keep = data[C.WAVE].isin([before, after]).fillna(False).to_numpy(dtype=bool)
    return _composition(data.loc[keep, columns], data.loc[keep, C.WAVE], before, after,
                        columns, threshold)


# --------------------------------------------------------------------------------------
# statistics
# --------------------------------------------------------------------------------------

def _mann_whitney_row(name: str, x1: np.ndarray, x2: np.ndarray, label_1: Any, label_2: Any,
                      *, min_n: int, level: float, ci: str, n_boot: int,
                      rng) -> dict[str, Any]:
    n1, n2 = len(x1), len(x2)
    row = {VALUE: name, TEST: MANN_WHITNEY, GROUP_1: label_1, GROUP_2: label_2, N_1: n1,
           N_2: n2, C.N: n1 + n2, C.STATISTIC: np.nan, C.P_VALUE: np.nan,
           EFFECT_MEASURE: RANK_BISERIAL, C.EFFECT_SIZE: np.nan, C.CI_LOW: np.nan,
           C.CI_HIGH: np.nan, C.CI_METHOD: ci, C.SMALL_N: bool(min(n1, n2) < min_n)}
    if n1 == 0 or n2 == 0:
        return row
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = stats.mannwhitneyu(x2, x1, alternative="two-sided")
    u2 = float(result.statistic)
    r = 2.0 * u2 / (n1 * n2) - 1.0
    row.update({C.STATISTIC: u2, C.P_VALUE: float(result.pvalue), C.EFFECT_SIZE: r})
    if ci == "fisher_z":
        se = np.sqrt((n1 + n2 + 1) / (3.0 * n1 * n2))
        q = stats.norm.ppf(0.5 + level / 2)
        with np.errstate(divide="ignore"):
            z = np.arctanh(r)
        row[C.CI_LOW], row[C.CI_HIGH] = float(np.tanh(z - q * se)), float(np.tanh(z + q * se))
    elif n_boot > 0:
        row[C.CI_LOW], row[C.CI_HIGH] = _percentile(
            _bootstrap_rank_biserial(x1, x2, n_boot=n_boot, rng=rng()), level)
    return row


def _kruskal_row(name: str, samples: list[np.ndarray], *, min_n: int, level: float,
                 n_boot: int, rng) -> dict[str, Any]:
    sizes = [len(s) for s in samples]
    used = [s for s in samples if len(s)]
    n = int(sum(sizes))
    row = {VALUE: name, TEST: KRUSKAL_WALLIS, GROUP_1: pd.NA, GROUP_2: pd.NA, N_1: pd.NA,
           N_2: pd.NA, C.N: n, C.STATISTIC: np.nan, C.P_VALUE: np.nan, P_ADJUSTED: np.nan,
           EFFECT_MEASURE: EPSILON_SQUARED, C.EFFECT_SIZE: np.nan, C.CI_LOW: np.nan,
           C.CI_HIGH: np.nan, C.CI_METHOD: "bootstrap", C.SMALL_N: bool(min(sizes) < min_n)}
    if len(used) < 2:
        return row
    pooled = np.concatenate(used)
    if np.all(pooled == pooled[0]):
        return row   # H is undefined when every value is the same
    h, p = stats.kruskal(*used)
    row.update({C.STATISTIC: float(h), C.P_VALUE: float(p), P_ADJUSTED: float(p),
                C.EFFECT_SIZE: float(h) / (n - 1)})
    if n_boot > 0:
        row[C.CI_LOW], row[C.CI_HIGH] = _percentile(
            _bootstrap_epsilon(used, n_boot=n_boot, rng=rng()), level)
    return row


def _percentile(draws: np.ndarray, level: float) -> tuple[float, float]:
    draws = draws[np.isfinite(draws)]
    if not draws.size:
        return np.nan, np.nan
    tail = (1 - level) / 2
    lo, hi = np.quantile(draws, [tail, 1 - tail])
    return float(lo), float(hi)


def kruskal_from_counts(counts: np.ndarray) -> np.ndarray:
    """Tie-corrected Kruskal-Wallis H from counts (..., groups, distinct sorted values).

    Every leading index is one data set; ``counts[..., g, j]`` is how many members of
    group ``g`` have the ``j``-th smallest distinct value. NaN where every value ties.
    """
    counts = np.asarray(counts, dtype="float64")
    t = counts.sum(axis=-2)                                  # (..., m) ties per value
    n = t.sum(axis=-1)                                       # (...)
    n_g = counts.sum(axis=-1)                                # (..., G)
    below = np.cumsum(t, axis=-1) - t
    mean_rank = below + (t + 1.0) / 2.0                      # (..., m)
    rank_sums = (counts * mean_rank[..., None, :]).sum(axis=-1)   # (..., G)
    with np.errstate(invalid="ignore", divide="ignore"):
        h = 12.0 / (n * (n + 1.0)) * (rank_sums ** 2 / n_g).sum(axis=-1) - 3.0 * (n + 1.0)
        correction = 1.0 - (t ** 3 - t).sum(axis=-1) / (n ** 3 - n)
        return np.where(correction > 0, h / correction, np.nan)


def _stratified_counts(samples: list[np.ndarray], *, n_boot: int,
                       rng: np.random.Generator):
    """Yield chunks of bootstrap resamples drawn within each sample, as counts.

    Each chunk has shape (resamples, groups, distinct values): drawing a group's
    values with replacement is drawing multinomial counts over its distinct values
    with the observed shares.
    """
    distinct, codes = np.unique(np.concatenate(samples), return_inverse=True)
    m, g = len(distinct), len(samples)
    sizes = [len(s) for s in samples]
    shares = []
    start = 0
    for size in sizes:
        shares.append(np.bincount(codes[start:start + size], minlength=m) / size)
        start += size
    chunk = max(1, BOOT_CHUNK_CELLS // (g * m))
    for lo in range(0, n_boot, chunk):
        b = min(chunk, n_boot - lo)
        yield np.stack([rng.multinomial(size, p, size=b) for size, p in zip(sizes, shares)],
                       axis=1)


def _bootstrap_epsilon(samples: list[np.ndarray], *, n_boot: int,
                       rng: np.random.Generator) -> np.ndarray:
    """Epsilon-squared over stratified bootstrap resamples."""
    n = sum(len(s) for s in samples)
    parts = [kruskal_from_counts(counts) / (n - 1)
             for counts in _stratified_counts(samples, n_boot=n_boot, rng=rng)]
    return np.concatenate(parts)


def _bootstrap_rank_biserial(x1: np.ndarray, x2: np.ndarray, *, n_boot: int,
                             rng: np.random.Generator) -> np.ndarray:
    """Rank-biserial r (group 2 against group 1) over stratified bootstrap resamples."""
    n1, n2 = len(x1), len(x2)
    parts = []
    for counts in _stratified_counts([x1, x2], n_boot=n_boot, rng=rng):
        c1, c2 = counts[:, 0, :].astype("float64"), counts[:, 1, :].astype("float64")
        below = np.cumsum(c1, axis=1) - c1            # group-1 values below each value
        u2 = (c2 * (below + 0.5 * c1)).sum(axis=1)
        parts.append(2.0 * u2 / (n1 * n2) - 1.0)
    return np.concatenate(parts)


def _holm(rows: list[dict[str, Any]]) -> None:
    p = np.array([r[C.P_VALUE] for r in rows], dtype="float64")
    adjusted = np.full_like(p, np.nan)
    ok = np.isfinite(p)
    k = int(ok.sum())
    if k:
        order = np.argsort(p[ok], kind="stable")
        stepped = np.maximum.accumulate((k - np.arange(k)) * p[ok][order])
        vals = np.empty(k)
        vals[order] = np.minimum(stepped, 1.0)
        adjusted[ok] = vals
    for row, value in zip(rows, adjusted):
        row[P_ADJUSTED] = float(value)


def _composition(frame: pd.DataFrame, wave: pd.Series, before: Any, after: Any,
                 columns: list[str], threshold: float) -> pd.DataFrame:
    rows = []
    wave = pd.Series(wave.to_numpy(), index=frame.index)
    for column in columns:
        keep = frame[column].notna().to_numpy(dtype=bool)
        w = wave[keep]
        v = frame.loc[keep, column].astype(str)
        table = pd.crosstab(w, v).reindex([before, after], fill_value=0)
        n1, n2 = int(table.iloc[0].sum()), int(table.iloc[1].sum())
        if n1 == 0 or n2 == 0:
            tvd, stat, p = np.nan, np.nan, np.nan
        else:
            shares = table.to_numpy(dtype="float64") / np.array([[n1], [n2]])
            tvd = float(0.5 * np.abs(shares[0] - shares[1]).sum())
            if table.shape[1] < 2:
                stat, p = 0.0, 1.0
            else:
                res = stats.chi2_contingency(table.to_numpy(), correction=False)
                stat, p = float(res.statistic), float(res.pvalue)
        rows.append({VARIABLE: column, N_1: n1, N_2: n2, TVD: tvd, C.STATISTIC: stat,
                     C.P_VALUE: p, DIFFERS: (bool(tvd > threshold) if np.isfinite(tvd)
                                             else pd.NA)})
    out = pd.DataFrame(rows, columns=[VARIABLE, N_1, N_2, TVD, C.STATISTIC, C.P_VALUE, DIFFERS])
    out[DIFFERS] = out[DIFFERS].astype("boolean")
    return out


# --------------------------------------------------------------------------------------
# argument checks and helpers (shared with association.py)
# --------------------------------------------------------------------------------------

def _names(value: str | Iterable[str], what: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    try:
        names = list(value)
    except TypeError:
        raise AnalysisError(f"{what} must be a column name or a list of them, "
                            f"got {value!r}") from None
    if not names or not all(isinstance(n, str) for n in names):
        raise AnalysisError(f"{what} must be a column name or a non-empty list of them, "
                            f"got {value!r}")
    return names


def _check_columns(data: pd.DataFrame, names: list[str], what: str) -> None:
    absent = [n for n in names if n not in data.columns]
    if absent:
        raise AnalysisError(f"{what}: not a column of the data: "
                            f"{', '.join(map(repr, absent))}")


def _check_min_n(min_n: Any) -> None:
    if isinstance(min_n, bool) or not isinstance(min_n, Integral) or min_n < 1:
        raise AnalysisError(f"min_n must be a whole number of at least 1, got {min_n!r}")


def _check_level(level: Any) -> None:
    if isinstance(level, bool) or not isinstance(level, Real) or not 0 < level < 1:
        raise AnalysisError(f"level must be a number between 0 and 1 (such as 0.95), "
                            f"got {level!r}")


def _check_n_boot(n_boot: Any) -> None:
    if isinstance(n_boot, bool) or not isinstance(n_boot, Integral) or n_boot < 0:
        raise AnalysisError(f"n_boot must be a whole number of at least 0, got {n_boot!r}")


def _check_threshold(threshold: Any) -> None:
    if isinstance(threshold, bool) or not isinstance(threshold, Real) or \
            not 0 <= threshold < 1:
        raise AnalysisError(f"composition_threshold must be a number from 0 to below 1, "
                            f"got {threshold!r}")


def _choose_waves(waves: Sequence[int] | None, present: list[Any]) -> tuple[Any, Any]:
    if waves is None:
        if len(present) < 2:
            raise AnalysisError(f"the data hold {len(present)} wave(s) "
                                f"({', '.join(map(str, present)) or 'none'}); a comparison "
                                "between waves needs two")
        return present[-2], present[-1]
    waves = list(waves)
    if len(waves) != 2 or waves[0] == waves[1]:
        raise AnalysisError(f"waves must be two different waves (before, after), got {waves!r}")
    absent = [w for w in waves if w not in present]
    if absent:
        raise AnalysisError(f"wave(s) {', '.join(map(str, absent))} not in the data; "
                            f"waves present: {', '.join(map(str, present)) or 'none'}")
    return waves[0], waves[1]


def _rng(seed: int | np.random.Generator | None):
    """A source of generators: a fresh one from ``seed`` per comparison, so each row's
    interval depends only on its own data (a Generator passed in is shared)."""
    if isinstance(seed, np.random.Generator):
        return lambda: seed
    return lambda: np.random.default_rng(seed)


def _levels(column: pd.Series) -> list[Any]:
    if isinstance(column.dtype, pd.CategoricalDtype):
        seen = set(column.dropna().unique())
        return [c for c in column.cat.categories if c in seen]
    return sorted(pd.unique(column.dropna()).tolist())


def _scopes(data: pd.DataFrame, by: str | None):
    """(label, row mask): all rows (label NA), then each level of ``by``."""
    everything = np.ones(len(data), dtype=bool)
    yield pd.NA, everything
    if by is None:
        return
    for level in _levels(data[by]):
        yield level, (data[by] == level).fillna(False).to_numpy(dtype=bool)


def _finish(out: pd.DataFrame) -> pd.DataFrame:
    for column in (N_1, N_2):
        if column in out.columns:
            out[column] = out[column].astype("Int64")
    out[C.N] = out[C.N].astype("int64")
    out[C.SMALL_N] = out[C.SMALL_N].astype(bool)
    return out.reset_index(drop=True)
