"""Scale reliability: Cronbach's alpha with its interval, omega total, item statistics.

Two public functions, both taking a tidy response table (one row per respondent, one
column per item) and the item columns as keyword arguments:

:func:`reliability`
    one row for the scale: ``n``, ``k_items``, ``alpha``, ``alpha_std``,
    ``average_r``, ``ci_low``, ``ci_high``, ``ci_method``, ``omega_total``, ``mean``,
    ``sd``.
:func:`item_statistics`
    one row per item: ``item``, ``n``, ``mean``, ``sd``, ``r_drop``,
    ``alpha_if_deleted``, ``alpha_std_if_deleted``.

Everything is computed from the item covariance matrix, so the two missing-data modes
differ only in how that matrix is estimated:

``missing="listwise"``
    complete cases only, as SPSS ``RELIABILITY`` does (and ``psych::alpha`` on
    ``na.omit(x)``).
``missing="pairwise"``
    every covariance from the respondents who answered both items, every variance,
    mean and sd from the respondents who answered that item, as ``psych::alpha``
    does by default (``use = "pairwise"``).

The numbers are checked against R psych 2.2.9 in ``tests/quant/test_reliability.py``
(the R script that produced the expected values is kept beside the test).
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .. import columns as C
from ..errors import AnalysisError
from ..options import CI_METHODS, MISSING, check_option

__all__ = ["item_statistics", "reliability"]

#: Float64 cells one bootstrap chunk may hold (resamples x response patterns): ~32 MB.
BOOT_CHUNK_CELLS = 4_000_000

#: Above this share of distinct response patterns among the rows, the bootstrap
#: resamples rows by index instead of drawing multinomial counts over patterns.
PATTERN_SHARE_MAX = 0.5

#: Smallest uniqueness a one-factor fit may reach (psych's bound in ``fa``).
MIN_UNIQUENESS = 0.005


# --------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------

def reliability(
    data: pd.DataFrame,
    *,
    items: list[str] | tuple[str, ...],
    reverse: list[str] | tuple[str, ...] = (),
    scale_min: float | None = None,
    scale_max: float | None = None,
    missing: str = "listwise",
    ci: str = "feldt",
    level: float = 0.95,
    n_boot: int = 2000,
    seed: int | np.random.Generator | None = None,
    omega: bool = True,
) -> pd.DataFrame:
    """Internal consistency of one scale: Cronbach's alpha, its interval and omega total.

    Parameters
    ----------
    data
        Tidy response table: one row per respondent, one numeric column per item.
        Other columns are ignored.
    items
        The item columns that make up the scale (at least two).
    reverse
        Items to reverse-key before anything is computed, as
        ``x -> scale_min + scale_max - x``. Needs ``scale_min`` and ``scale_max``.
    scale_min, scale_max
        The lowest and highest possible answer (for example 1 and 5). When given,
        every item value must lie between them. Give both or neither.
    missing
        ``"listwise"`` (complete cases only, as SPSS RELIABILITY) or ``"pairwise"``
        (each covariance from the respondents who answered both items, as
        ``psych::alpha``'s default). See Notes.
    ci
        Interval for raw alpha: ``"feldt"`` (exact F-distribution interval under
        normality), ``"bootstrap"`` (percentile interval over ``n_boot`` resamples of
        respondents) or ``"none"`` (``ci_low`` and ``ci_high`` are NaN).
    level
        Confidence level of the interval, between 0 and 1.
    n_boot
        Number of bootstrap resamples (``ci="bootstrap"`` only).
    seed
        Seed or :class:`numpy.random.Generator` for the bootstrap; the same seed gives
        the same interval.
    omega
        Compute ``omega_total`` from a one-factor model; ``False`` leaves it NaN.

    Returns
    -------
    pandas.DataFrame
        One row with the columns

        ``n``
            respondents used: complete cases (listwise) or respondents who answered
            at least one item (pairwise).
        ``k_items``
            number of items.
        ``alpha``
            raw Cronbach's alpha, from the covariance matrix.
        ``alpha_std``
            standardised alpha, from the correlation matrix.
        ``average_r``
            mean inter-item correlation (off-diagonal mean of the correlation matrix).
        ``ci_low``, ``ci_high``
            interval for ``alpha`` at ``level`` (NaN when ``ci="none"``).
        ``ci_method``
            the ``ci`` option used: ``"feldt"``, ``"bootstrap"`` or ``"none"``.
        ``omega_total``
            McDonald's omega total from a one-factor minres fit (NaN when
            ``omega=False`` or with two items, where one factor is not identified).
        ``mean``, ``sd``
            mean and standard deviation (n - 1 denominator) of the scale score, the
            mean of each respondent's (reverse-keyed) items.

    Raises
    ------
    AnalysisError
        An item not in the data or not numeric, fewer than two items, a reverse-keyed
        item without ``scale_min``/``scale_max``, a value outside the scale, no
        complete cases, an item without variance. Every problem is listed.
    OptionError
        ``missing`` or ``ci`` outside their word lists.

    See Also
    --------
    item_statistics : the per-item table (corrected item-total r, alpha if deleted).

    Notes
    -----
    With :math:`k` items, item covariance matrix :math:`C` (variances :math:`s_i^2`
    on the diagonal) and correlation matrix :math:`R = D^{-1/2} C D^{-1/2}`:

    .. math::

        \\alpha = \\frac{k}{k-1}\\Bigl(1 - \\frac{\\sum_i s_i^2}{\\sum_{ij} C_{ij}}\\Bigr),
        \\qquad
        \\alpha_{std} = \\frac{k \\bar r}{1 + (k-1)\\bar r},
        \\qquad
        \\bar r = \\frac{\\sum_{i \\ne j} R_{ij}}{k(k-1)}.

    Feldt interval (Feldt, Woodruff & Salih 1987), with :math:`p = 1 - level`,
    :math:`df_1 = n - 1`, :math:`df_2 = (n-1)(k-1)` and :math:`F_q` the
    :math:`q`-quantile of the F distribution:

    .. math::

        [\\,1 - (1-\\alpha) F_{1-p/2}(df_1, df_2),\\;
            1 - (1-\\alpha) F_{p/2}(df_1, df_2)\\,].

    Omega total from a one-factor model with loadings :math:`\\lambda_i` fitted by
    minres (unweighted least squares on the off-diagonal correlations, psych's
    default ``fm = "minres"``; uniquenesses kept at or above 0.005 as psych does),
    :math:`u_i = 1 - \\lambda_i^2`, and :math:`V_t = \\sum_{ij} R_{ij}` the sum of
    the *observed* correlation matrix, as ``psych::omega`` computes it:

    .. math::

        \\omega_t = \\frac{V_t - \\sum_i u_i}{V_t}.

    The bootstrap interval is the percentile interval of raw alpha over ``n_boot``
    resamples of respondents (quantiles as R's default type 7). Alpha needs only the
    covariance matrix, so the respondents are compressed to their distinct response
    patterns with counts, and each resample is drawn as multinomial counts over the
    patterns -- the same distribution as drawing rows with replacement -- and its
    covariance matrix computed as a weighted one; resamples are processed in chunks
    so memory stays bounded. When nearly every respondent has a pattern of their own
    (more than half as many patterns as rows), rows are drawn by index and the same
    weighted computation runs over rows.

    Missing data. ``listwise`` keeps complete cases, so ``n`` and every statistic
    refer to the same respondents (SPSS ``RELIABILITY /MISSING=EXCLUDE``).
    ``pairwise`` follows ``psych::alpha(x)`` (``use = "pairwise"``): each covariance
    uses the respondents who answered both items (with their own means), the
    correlation matrix is ``cov2cor`` of that covariance matrix, and the scale score
    is each respondent's mean over the items they answered (R's
    ``rowMeans(x, na.rm = TRUE)``), so ``mean`` and ``sd`` cover every respondent
    with at least one answer. ``n`` is that number of respondents and is the ``n``
    of the Feldt interval; ``psych::alpha`` counts every row passed to it, also rows
    with no answer at all, so drop those rows in R to get the same interval.
    ``omega_total`` uses, as ``psych::omega`` does, pairwise Pearson correlations
    (each pair with its own means and standard deviations).

    The R calls that give the same numbers (``x`` the items after reverse keying):

    .. code-block:: r

        library(psych)
        x <- na.omit(x)                      # missing = "listwise"
        # x <- x[rowSums(!is.na(x)) > 0, ]   # missing = "pairwise"
        a <- alpha(x)                        # raw_alpha, std.alpha, average_r, mean, sd
        alpha.ci(a$total$raw_alpha, nrow(x), ncol(x), p.val = .05)   # ci = "feldt"
        omega(x, nfactors = 1)$omega.tot     # within 0.01 (a different optimiser)

    Two known differences from ``psych::omega``: it flips items whose loading comes
    out negative before it sums the correlation matrix, while here the items are
    taken as keyed by ``reverse`` (a mis-keyed item lowers ``omega_total`` as it
    lowers ``alpha``); and in a Heywood case psych bounds the uniquenesses it
    optimises but takes the loadings from an eigen decomposition, so a communality
    can exceed 1 there, while here every communality stays at or below 0.995 (in the
    three-item example below: 0.9572 here, 0.9576 in psych).

    Examples
    --------
    >>> import pandas as pd
    >>> from image_synth.quant.reliability import reliability
    >>> answers = pd.DataFrame({
    ...     "q1": [1, 2, 3, 4, 5],
    ...     "q2": [2, 2, 3, 5, 5],
    ...     "q3": [5, 3, 3, 2, 2],   # worded the other way round
    ... })
    >>> table = reliability(answers, items=["q1", "q2", "q3"], reverse=["q3"],
    ...                     scale_min=1, scale_max=5)
    >>> list(table.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['n', 'k_items', 'alpha', 'alpha_std', 'average_r', 'ci_low', 'ci_high',
     'ci_method', 'omega_total', 'mean', 'sd']
    >>> print(table[["n", "k_items", "alpha", "ci_low", "ci_high"]].round(3).to_string(index=False))
     n  k_items  alpha  ci_low  ci_high
     5        3  0.954   0.766    0.995
    """
    scale = _prepare(data, items=items, reverse=reverse, scale_min=scale_min,
                     scale_max=scale_max, missing=missing, what="reliability")
    check_option("ci", ci, CI_METHODS)
    _check_level(level)
    if ci == "bootstrap":
        _check_n_boot(n_boot)
    if not isinstance(omega, (bool, np.bool_)):
        raise AnalysisError(f"omega={omega!r} must be True or False")

    x, m = scale["x"], scale["moments"]
    n, k = x.shape
    alpha = _alpha_raw(m["cov"])
    alpha_std, average_r = _alpha_std(m["cov"])
    if ci == "feldt":
        ci_low, ci_high = _feldt_interval(alpha, n, k, level)
    elif ci == "bootstrap":
        ci_low, ci_high = _bootstrap_interval(x, n_boot=n_boot, level=level,
                                              rng=np.random.default_rng(seed))
    else:
        ci_low = ci_high = np.nan
    omega_total = _omega_total(m["cor"]) if omega else np.nan
    score = np.nanmean(x, axis=1) if missing == "pairwise" else x.mean(axis=1)
    return pd.DataFrame({
        C.N: [n],
        C.K_ITEMS: [k],
        C.ALPHA: [alpha],
        C.ALPHA_STD: [alpha_std],
        C.AVERAGE_R: [average_r],
        C.CI_LOW: [ci_low],
        C.CI_HIGH: [ci_high],
        C.CI_METHOD: [ci],
        C.OMEGA_TOTAL: [omega_total],
        C.MEAN: [score.mean()],
        C.SD: [score.std(ddof=1)],
    })


def item_statistics(
    data: pd.DataFrame,
    *,
    items: list[str] | tuple[str, ...],
    reverse: list[str] | tuple[str, ...] = (),
    scale_min: float | None = None,
    scale_max: float | None = None,
    missing: str = "listwise",
) -> pd.DataFrame:
    """Item analysis of one scale: item means, corrected item-total r, alpha if deleted.

    Parameters
    ----------
    data
        Tidy response table: one row per respondent, one numeric column per item.
    items
        The item columns that make up the scale (at least two).
    reverse
        Items to reverse-key first, as ``x -> scale_min + scale_max - x``.
    scale_min, scale_max
        The lowest and highest possible answer; needed for ``reverse``. Give both or
        neither.
    missing
        ``"listwise"`` or ``"pairwise"``, as in :func:`reliability`.

    Returns
    -------
    pandas.DataFrame
        One row per item, in the order of ``items``, with the columns

        ``item``
            the item column name.
        ``n``
            respondents whose answer to the item is used: the complete cases
            (listwise) or everyone who answered the item (pairwise).
        ``mean``, ``sd``
            item mean and standard deviation (n - 1), after reverse keying.
        ``r_drop``
            corrected item-total correlation: the item against the sum of the other
            items (psych's ``r.drop``, SPSS's "Corrected Item-Total Correlation").
        ``alpha_if_deleted``
            raw alpha of the scale without the item (psych's ``alpha.drop``
            ``raw_alpha``); NaN for a two-item scale.
        ``alpha_std_if_deleted``
            standardised alpha without the item (``alpha.drop`` ``std.alpha``); NaN
            for a two-item scale.

    Raises
    ------
    AnalysisError
        As :func:`reliability`.

    Notes
    -----
    Everything comes from the item covariance matrix :math:`C` (complete cases, or
    pairwise as in :func:`reliability`). With :math:`C_{-i}` the matrix without
    item :math:`i`:

    .. math::

        r_{drop,i} = \\frac{\\sum_{j \\ne i} C_{ij}}{\\sqrt{C_{ii}\\,\\sum C_{-i}}},
        \\qquad
        \\alpha_{-i} = \\frac{k-1}{k-2}\\Bigl(1 - \\frac{\\operatorname{tr} C_{-i}}
        {\\sum C_{-i}}\\Bigr).

    Under ``missing="pairwise"`` this is psych's convention: ``r_drop`` is computed
    from the pairwise covariance matrix, not as a correlation between the item and
    an observed rest score. For two items psych reports ``C12 / C22`` as "alpha if
    deleted"; alpha of a single item is undefined, so here it is NaN.

    Same numbers in R (``x`` the reverse-keyed items; ``na.omit(x)`` for listwise)::

        a <- psych::alpha(x)
        a$item.stats[, c("n", "mean", "sd", "r.drop")]
        a$alpha.drop[, c("raw_alpha", "std.alpha")]

    Examples
    --------
    >>> import pandas as pd
    >>> from image_synth.quant.reliability import item_statistics
    >>> answers = pd.DataFrame({
    ...     "q1": [1, 2, 3, 4, 5],
    ...     "q2": [2, 2, 3, 5, 5],
    ...     "q3": [5, 3, 3, 2, 2],
    ... })
    >>> table = item_statistics(answers, items=["q1", "q2", "q3"], reverse=["q3"],
    ...                         scale_min=1, scale_max=5)
    >>> print(table.round(3).to_string(index=False))
    item  n  mean    sd  r_drop  alpha_if_deleted  alpha_std_if_deleted
      q1  5   3.0 1.581   0.970             0.882                 0.894
      q2  5   3.4 1.517   0.903             0.933                 0.949
      q3  5   3.0 1.225   0.870             0.968                 0.968
    """
    scale = _prepare(data, items=items, reverse=reverse, scale_min=scale_min,
                     scale_max=scale_max, missing=missing, what="item statistics")
    m = scale["moments"]
    cov = m["cov"]
    k = cov.shape[0]
    diag = np.diag(cov)
    col_sum = cov.sum(axis=0)
    rest_sum = cov.sum() - 2.0 * col_sum + diag          # sum of C without row/col i
    r_drop = (col_sum - diag) / np.sqrt(diag * rest_sum)
    if k > 2:
        alpha_drop = (k - 1) / (k - 2) * (1.0 - (np.trace(cov) - diag) / rest_sum)
        cor = _cov2cor(cov)
        cor_rest = cor.sum() - 2.0 * cor.sum(axis=0) + 1.0
        alpha_std_drop = (k - 1) / (k - 2) * (1.0 - (k - 1) / cor_rest)
    else:
        alpha_drop = np.full(k, np.nan)
        alpha_std_drop = np.full(k, np.nan)
    return pd.DataFrame({
        C.ITEM: scale["items"],
        C.N: m["item_n"],
        C.MEAN: m["item_mean"],
        C.SD: np.sqrt(diag),
        C.R_DROP: r_drop,
        C.ALPHA_IF_DELETED: alpha_drop,
        "alpha_std_if_deleted": alpha_std_drop,
    })


# --------------------------------------------------------------------------------------
# checking and preparing the items
# --------------------------------------------------------------------------------------

def _prepare(data: Any, *, items: Any, reverse: Any, scale_min: Any, scale_max: Any,
             missing: str, what: str) -> dict[str, Any]:
    """Check the arguments, reverse-key, select rows, and compute the moments.

    Returns a dict with ``items`` (names), ``x`` (rows used x items, float, NaN for
    a missing answer) and ``moments`` (see :func:`_moments`). Every problem found is
    reported in one :class:`AnalysisError`.
    """
    check_option("missing", missing, MISSING)
    if not isinstance(data, pd.DataFrame):
        raise AnalysisError(f"{what}: data must be a pandas DataFrame, "
                            f"got {type(data).__name__}")
    item_names = _as_names("items", items, what)
    reverse_names = _as_names("reverse", reverse, what)

    problems: list[str] = []
    if len(item_names) < 2:
        shown = ", ".join(repr(i) for i in item_names) or "none"
        problems.append(f"a scale needs at least two items; got {len(item_names)} "
                        f"({shown})")
    repeated = sorted({i for i in item_names if item_names.count(i) > 1})
    if repeated:
        problems.append("items listed more than once: " + _names(repeated))
    absent = [i for i in item_names if i not in data.columns]
    if absent:
        columns = [str(c) for c in data.columns]
        shown = _names(columns[:20]) + (", ..." if len(columns) > 20 else "")
        problems.append(f"item{'s' if len(absent) > 1 else ''} not in the data: "
                        f"{_names(absent)} (the data have {shown or 'no columns'})")
    stray = [r for r in reverse_names if r not in item_names]
    if stray:
        problems.append("reverse names columns that are not among the items: "
                        + _names(stray))
    bounds_ok = _check_bounds(scale_min, scale_max, reverse_names, problems)

    values: dict[str, np.ndarray] = {}
    for item in dict.fromkeys(item_names):
        if item in absent:
            continue
        column = data[item]
        if isinstance(column, pd.DataFrame):
            problems.append(f"item {item!r}: the data have {column.shape[1]} columns "
                            "with this name")
            continue
        numeric = _numeric_values(item, column, problems)
        if numeric is None:
            continue
        if np.isinf(numeric).any():
            row = column.index[np.flatnonzero(np.isinf(numeric))[0]]
            problems.append(f"item {item!r} has an infinite value in row {row!r}")
            continue
        if bounds_ok and scale_min is not None:
            outside = (numeric < scale_min) | (numeric > scale_max)
            if outside.any():
                first = np.flatnonzero(outside)[0]
                problems.append(
                    f"item {item!r} has {int(outside.sum())} value(s) outside the scale "
                    f"{scale_min:g}..{scale_max:g}, e.g. {numeric[first]:g} in row "
                    f"{column.index[first]!r}")
        values[item] = numeric
    if problems:
        raise AnalysisError(_report(what, problems))

    x = np.column_stack([values[i] for i in item_names])
    for j, item in enumerate(item_names):
        if item in reverse_names:
            x[:, j] = scale_min + scale_max - x[:, j]

    answered = ~np.isnan(x)
    if missing == "listwise":
        keep = answered.all(axis=1)
        if keep.sum() < 2:
            found = "no complete cases" if keep.sum() == 0 else "only one complete case"
            raise AnalysisError(
                f"{what}: {found}: of {len(x)} respondents, "
                f"{len(x) - int(keep.sum())} miss at least one of the items "
                f"{_names(item_names)}; alpha needs at least two complete cases "
                "(or use missing='pairwise')")
    else:
        keep = answered.any(axis=1)
        if keep.sum() < 2:
            raise AnalysisError(
                f"{what}: {int(keep.sum())} of {len(x)} respondents answered any of "
                f"the items {_names(item_names)}; alpha needs at least two")
    x = x[keep]
    moments = _moments(x)
    _check_moments(item_names, x, moments, what)
    return {"items": item_names, "x": x, "moments": moments}


def _as_names(name: str, value: Any, what: str) -> list[str]:
    """A list of column names from a list or tuple; a lone string is refused."""
    if isinstance(value, str):
        raise AnalysisError(f"{what}: {name} must be a list of column names, not the "
                            f"string {value!r}; write {name}=[{value!r}]")
    if value is None:
        return []
    try:
        names = list(value)
    except TypeError:
        raise AnalysisError(f"{what}: {name} must be a list of column names, "
                            f"got {type(value).__name__}") from None
    return names


def _check_bounds(scale_min: Any, scale_max: Any, reverse: list[str],
                  problems: list[str]) -> bool:
    """Record problems with scale_min/scale_max; True when both are usable."""
    given = [scale_min is not None, scale_max is not None]
    if reverse and not all(given):
        problems.append(
            f"reverse keying {_names(reverse)} needs both scale_min and scale_max "
            f"(x -> scale_min + scale_max - x); got scale_min={scale_min!r}, "
            f"scale_max={scale_max!r}")
        return False
    if any(given) and not all(given):
        problems.append(f"give both scale_min and scale_max, or neither; got "
                        f"scale_min={scale_min!r}, scale_max={scale_max!r}")
        return False
    if not any(given):
        return False
    ok = True
    for name, bound in (("scale_min", scale_min), ("scale_max", scale_max)):
        if isinstance(bound, bool) or not isinstance(bound, Real) or not np.isfinite(bound):
            problems.append(f"{name}={bound!r} must be a finite number")
            ok = False
    if ok and not scale_min < scale_max:
        problems.append(f"scale_min={scale_min!r} must be below scale_max={scale_max!r}")
        ok = False
    return ok


def _numeric_values(item: str, column: pd.Series, problems: list[str]) -> np.ndarray | None:
    """The column as float64 with NaN for missing, or None (and a problem) if not numeric."""
    if pd.api.types.is_numeric_dtype(column.dtype) and not isinstance(
            column.dtype, pd.CategoricalDtype):
        if pd.api.types.is_complex_dtype(column.dtype):
            problems.append(f"item {item!r} is not numeric (dtype {column.dtype})")
            return None
        return column.to_numpy(dtype=float, na_value=np.nan)
    example = None
    for row, value in column.items():
        if pd.isna(value):
            continue
        if example is None:
            example = (row, value)
        if isinstance(value, bool) or not isinstance(value, (Real, np.number)):
            example = (row, value)
            break
    if example is None:
        problems.append(f"item {item!r} is not numeric (dtype {column.dtype}) and has "
                        "no answers")
    else:
        problems.append(f"item {item!r} is not numeric (dtype {column.dtype}); e.g. "
                        f"{example[1]!r} in row {example[0]!r}")
    return None


def _check_moments(items: list[str], x: np.ndarray, moments: dict[str, Any],
                   what: str) -> None:
    """Refuse items without variance and (pairwise) item pairs without overlap."""
    problems = []
    variances = np.diag(moments["cov"])
    for j, item in enumerate(items):
        if not variances[j] > 0:
            answers = x[~np.isnan(x[:, j]), j]
            if answers.size < 2:
                problems.append(f"item {item!r} has {answers.size} answer(s) among the "
                                "respondents used; it needs at least two")
            else:
                problems.append(f"item {item!r} has zero variance: every respondent "
                                f"used answered {answers[0]:g}")
    if not problems:
        pair_n = moments["pair_n"]
        low = np.argwhere(np.triu(pair_n < 2, k=1))
        for i, j in low:
            problems.append(f"items {items[i]!r} and {items[j]!r} were both answered "
                            f"by {int(pair_n[i, j])} respondent(s); a covariance needs "
                            "at least two")
        if not problems and not np.isfinite(moments["cov"]).all():
            problems.append("the pairwise covariance matrix has undefined entries")
    if problems:
        raise AnalysisError(_report(what, problems))


def _check_level(level: Any) -> None:
    if isinstance(level, bool) or not isinstance(level, Real) or not 0 < level < 1:
        raise AnalysisError(f"level={level!r} must be a number between 0 and 1, "
                            "e.g. 0.95")


def _check_n_boot(n_boot: Any) -> None:
    if isinstance(n_boot, bool) or not isinstance(n_boot, Integral) or n_boot < 1:
        raise AnalysisError(f"n_boot={n_boot!r} must be a positive whole number, "
                            "e.g. 2000")


def _names(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names)


def _report(what: str, problems: list[str]) -> str:
    if len(problems) == 1:
        return f"{what}: {problems[0]}"
    return f"{what}: {len(problems)} problems:\n" + "\n".join(f"  - {p}" for p in problems)


# --------------------------------------------------------------------------------------
# moments and coefficients
# --------------------------------------------------------------------------------------

def _moments(x: np.ndarray) -> dict[str, Any]:
    """Item covariances and correlations of ``x`` (rows x items, NaN = missing).

    Without missing values: the sample covariance matrix and its correlations. With
    missing values: R's ``cov(x, use = "pairwise")`` (each entry from the rows where
    both items are present, with the means of those rows) and R's
    ``cor(x, use = "pairwise")`` (each entry also with the standard deviations of
    those rows), from four matrix products over the 0/1 answered mask.
    """
    answered = ~np.isnan(x)
    item_n = answered.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        item_mean = np.where(answered, x, 0.0).sum(axis=0) / item_n
    z = np.where(answered, x - item_mean, 0.0)
    if answered.all():
        n = x.shape[0]
        cov = z.T @ z / (n - 1)
        pair_n = np.full(cov.shape, n)
        with np.errstate(divide="ignore", invalid="ignore"):
            cor = _cov2cor(cov)
    else:
        mask = answered.astype(float)
        pair_n = mask.T @ mask                   # respondents answering both i and j
        s = z.T @ mask                           # s[i, j]: sum of z_i where j answered
        q = z.T @ z                              # sum of z_i z_j where both answered
        ss = (z * z).T @ mask                    # sum of z_i^2 where j answered
        with np.errstate(divide="ignore", invalid="ignore"):
            cov = (q - s * s.T / pair_n) / (pair_n - 1)
            var_ij = (ss - s * s / pair_n) / (pair_n - 1)   # var of i where j answered
            cor = cov / np.sqrt(var_ij * var_ij.T)
        np.fill_diagonal(cor, 1.0)
    return {"cov": cov, "cor": cor, "pair_n": pair_n, "item_n": item_n,
            "item_mean": item_mean}


def _cov2cor(cov: np.ndarray) -> np.ndarray:
    sd = np.sqrt(np.diag(cov))
    cor = cov / np.outer(sd, sd)
    np.fill_diagonal(cor, 1.0)
    return cor


def _alpha_raw(cov: np.ndarray) -> float:
    k = cov.shape[0]
    return float(k / (k - 1) * (1.0 - np.trace(cov) / cov.sum()))


def _alpha_std(cov: np.ndarray) -> tuple[float, float]:
    """Standardised alpha and mean inter-item correlation from ``cov2cor(cov)``."""
    k = cov.shape[0]
    total = _cov2cor(cov).sum()
    alpha_std = k / (k - 1) * (1.0 - k / total)
    average_r = (total - k) / (k * (k - 1))
    return float(alpha_std), float(average_r)


def _feldt_interval(alpha: float, n: int, k: int, level: float) -> tuple[float, float]:
    """Feldt's F-based interval for alpha, as ``psych::alpha.ci``."""
    p = 1.0 - level
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1.0 - (1.0 - alpha) * stats.f.ppf(1.0 - p / 2.0, df1, df2)
    high = 1.0 - (1.0 - alpha) * stats.f.ppf(p / 2.0, df1, df2)
    return float(low), float(high)


def _omega_total(cor: np.ndarray) -> float:
    """Omega total of a one-factor minres fit to the correlation matrix ``cor``.

    Minres minimises the squared off-diagonal residuals ``r_ij - l_i l_j``; at its
    optimum the loadings are the first principal axis of ``cor`` with communalities
    ``l_i^2`` on the diagonal, which is what psych's ``fa(fm = "minres")`` iterates
    to. Loadings are bounded so that every uniqueness is at least 0.005, as in psych.
    """
    k = cor.shape[0]
    if k < 3 or not np.isfinite(cor).all():
        return float("nan")
    rows, cols = np.triu_indices(k, 1)
    r = cor[rows, cols]
    bound = np.sqrt(1.0 - MIN_UNIQUENESS)
    start = cor.copy()
    try:
        smc = 1.0 - 1.0 / np.diag(np.linalg.inv(cor))
    except np.linalg.LinAlgError:
        smc = np.max(np.abs(cor - np.eye(k)), axis=0)
    np.fill_diagonal(start, np.clip(smc, 0.0, 1.0))
    eigval, eigvec = np.linalg.eigh(start)
    loadings = eigvec[:, -1] * np.sqrt(max(eigval[-1], 1e-6))
    if loadings.sum() < 0:
        loadings = -loadings
    loadings = np.clip(loadings, -0.99 * bound, 0.99 * bound)
    index = np.arange(r.size)

    def residuals(lam: np.ndarray) -> np.ndarray:
        return r - lam[rows] * lam[cols]

    def jacobian(lam: np.ndarray) -> np.ndarray:
        jac = np.zeros((r.size, k))
        jac[index, rows] = -lam[cols]
        jac[index, cols] = -lam[rows]
        return jac

    fit = optimize.least_squares(residuals, loadings, jac=jacobian, bounds=(-bound, bound),
                                 xtol=1e-14, ftol=1e-14, gtol=1e-14, max_nfev=1000)
    uniqueness = 1.0 - fit.x ** 2
    total = cor.sum()
    return float((total - uniqueness.sum()) / total)


# --------------------------------------------------------------------------------------
# bootstrap
# --------------------------------------------------------------------------------------

def _bootstrap_interval(x: np.ndarray, *, n_boot: int, level: float,
                        rng: np.random.Generator) -> tuple[float, float]:
    """Percentile interval of raw alpha over ``n_boot`` resamples of the rows of ``x``."""
    boot = _bootstrap_alphas(x, n_boot=n_boot, rng=rng)
    boot = boot[np.isfinite(boot)]
    if boot.size == 0:
        return float("nan"), float("nan")
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(boot, [tail, 1.0 - tail])
    return float(low), float(high)


def _bootstrap_alphas(x: np.ndarray, *, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Raw alpha of ``n_boot`` bootstrap resamples of the rows of ``x`` (NaN = missing).

    Rows are compressed to distinct response patterns with counts; a resample is a
    multinomial draw of ``n`` rows over the patterns (probabilities count / n), which
    is exactly the distribution of drawing ``n`` rows with replacement. When the
    patterns are nearly as many as the rows, row indices are drawn instead and
    turned into counts per row. Either way the resample's covariance matrix is a
    weighted one, computed for a chunk of resamples at once.
    """
    n = x.shape[0]
    patterns, counts = _response_patterns(x)
    by_pattern = len(counts) <= PATTERN_SHARE_MAX * n
    rows = patterns if by_pattern else x
    n_rows = rows.shape[0]
    answered = ~np.isnan(rows)
    centre = np.where(np.isnan(x), 0.0, x).sum(axis=0) / (~np.isnan(x)).sum(axis=0)
    z = np.where(answered, rows - centre, 0.0)
    mask = None if answered.all() else answered.astype(float)
    chunk = max(1, min(n_boot, BOOT_CHUNK_CELLS // max(n_rows, 1)))
    out = np.empty(n_boot)
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        if by_pattern:
            weights = rng.multinomial(n, counts / n, size=size).astype(float)
        else:
            index = rng.integers(0, n, size=(size, n))
            index += (np.arange(size) * n)[:, None]
            weights = np.bincount(index.ravel(), minlength=size * n).reshape(size, n)
            weights = weights.astype(float)
        cov = _weighted_covariances(z, mask, weights)
        k = cov.shape[1]
        with np.errstate(divide="ignore", invalid="ignore"):
            out[start:start + size] = k / (k - 1) * (
                1.0 - np.trace(cov, axis1=1, axis2=2) / cov.sum(axis=(1, 2)))
    return out


def _response_patterns(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of ``x`` (NaN counts as one more answer) and how often each occurs."""
    n, k = x.shape
    codes = np.empty((n, k), dtype=np.int64)
    cards = []
    for j in range(k):
        code, uniques = pd.factorize(x[:, j], use_na_sentinel=True)
        codes[:, j] = code + 1                   # 0 = missing
        cards.append(len(uniques) + 1)
    if np.prod(np.array(cards, dtype=float)) < 2.0 ** 62:
        key = np.zeros(n, dtype=np.int64)
        radix = 1
        for j in range(k):
            key += codes[:, j] * radix
            radix *= cards[j]
        _, first, counts = np.unique(key, return_index=True, return_counts=True)
    else:
        _, first, counts = np.unique(codes, axis=0, return_index=True, return_counts=True)
    return x[first], counts


def _weighted_covariances(z: np.ndarray, mask: np.ndarray | None,
                          weights: np.ndarray) -> np.ndarray:
    """Covariance matrices of the rows of ``z`` under each row of ``weights``.

    ``z`` (rows x items) is centred on any constant and 0 where an answer is
    missing; ``mask`` is the 0/1 answered matrix, or None when nothing is missing;
    ``weights`` (resamples x rows) are frequency weights. Returns resamples x items
    x items, with the pairwise convention of :func:`_moments` when ``mask`` is given.
    """
    size = weights.shape[0]
    k = z.shape[1]
    q = np.empty((size, k, k))
    if mask is None:
        n = weights.sum(axis=1)[:, None, None]
        s = weights @ z
        for i in range(k):
            q[:, i, :] = weights @ (z[:, i:i + 1] * z)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (q - s[:, :, None] * s[:, None, :] / n) / (n - 1)
    n = np.empty((size, k, k))
    s = np.empty((size, k, k))
    for i in range(k):
        n[:, i, :] = weights @ (mask[:, i:i + 1] * mask)
        s[:, i, :] = weights @ (z[:, i:i + 1] * mask)
        q[:, i, :] = weights @ (z[:, i:i + 1] * z)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (q - s * s.transpose(0, 2, 1) / n) / (n - 1)


def scale_reliabilities(survey: pd.DataFrame, *, instrument: Any,
                        scales: Sequence[str] | None = None, wave: int | None = None,
                        lang: str = "nl") -> pd.DataFrame:
    """Reliability of every scale of an instrument, on the survey's answer codes.

    Each scale is computed over the respondents who were asked its items (the
    instrument's ``asked`` rules), with "don't know" missing, reverse keying and scale
    bounds from the instrument, listwise, Feldt interval.

    Parameters
    ----------
    survey
        Survey table of one wave (answer codes, as :attr:`image_synth.Study.survey`).
    instrument
        The study's instrument.
    scales
        Scale ids (default: every scale of the instrument).
    wave
        The wave the survey holds; used for the ``reported`` flag (a scale whose
        ``waves`` leave out this wave is computed but marked as not reported).
    lang
        Language of the ``label`` column.

    Returns
    -------
    pandas.DataFrame
        One row per scale: ``scale``, ``label``, then the columns of :func:`reliability`
        (``n``, ``k_items``, ``alpha`` ... ``sd``; only ``n``, ``k_items`` and a missing
        ``alpha`` when the scale cannot be computed, e.g. no complete cases) and
        ``reported``.
    """
    from .distributions import asked_mask
    from .numeric import numeric_items

    rows = []
    chosen = list(scales) if scales is not None else [s.id for s in instrument.scales]
    for scale_id in chosen:
        scale = next(s for s in instrument.scales if s.id == scale_id)
        items = instrument.scale_items(scale_id)
        ids = [i.id for i in items]
        asked = asked_mask(survey, items[0], instrument)
        values = numeric_items(survey.loc[asked], instrument, ids)
        numeric = instrument.response_set(items[0].response_set).numeric_codes
        row = {C.SCALE: scale_id, C.LABEL: scale.label.get(lang)}
        try:
            result = reliability(values, items=ids, reverse=[i.id for i in items if i.reverse],
                                 scale_min=min(numeric), scale_max=max(numeric),
                                 missing="listwise", ci="feldt")
            row.update(result.iloc[0].to_dict())
        except AnalysisError:
            row.update({C.N: int(values.notna().all(axis=1).sum()), C.K_ITEMS: len(ids),
                        C.ALPHA: np.nan})
        row["reported"] = not scale.waves or wave is None or wave in scale.waves
        rows.append(row)
    return pd.DataFrame(rows)

