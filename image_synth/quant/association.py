"""Association of mechanisms and conditions with perceived added value.

:func:`associations`
    Spearman's rho, with an interval, of each working-mechanism scale and each
    condition item against satisfaction and each yield item, pooled and per
    situation; small groups flagged, not hidden.
:func:`ordinal_model`
    a proportional-odds (ordinal logistic) model of satisfaction on the mechanism
    scales with situation as a covariate (statsmodels ``OrderedModel``), reported as
    odds ratios with intervals.

Which scales and items play which part comes from the instrument's blocks: scales of
block ``mechanism`` and items of block ``condition`` are predictors; items of block
``satisfaction`` and the ordered items of block ``yield`` are outcomes. Nothing about
a particular study is written here. Answer codes become numbers through
:func:`image_synth.quant.numeric.numeric_items`, so "don't know" and "geen zicht op"
answers are left out of every statistic.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from .. import columns as C
from ..columns import LOG_ODDS, OUTCOME, OUTCOME_BLOCK, PREDICTOR, PREDICTOR_BLOCK, SE, TERM
from ..errors import AnalysisError
from ..options import SPEARMAN_CI, check_option
from ..study.models import Instrument
from .compare import _check_columns, _check_level, _check_min_n, _levels
from .numeric import is_numeric_item, numeric_items
from .scores import scale_scores

__all__ = ["associations", "ordinal_model"]


#: Blocks whose scales / items are predictors and outcomes by default.
PREDICTOR_SCALE_BLOCKS = ("mechanism",)
PREDICTOR_ITEM_BLOCKS = ("condition",)
OUTCOME_ITEM_BLOCKS = ("satisfaction", "yield")


#: A log odds ratio beyond this (an odds ratio above ~22,000 per unit) is taken as a
#: sign of (quasi-)separation: the estimate runs off to infinity.
SEPARATION_LOG_ODDS = 10.0

ASSOCIATION_COLUMNS = [PREDICTOR, PREDICTOR_BLOCK, OUTCOME, OUTCOME_BLOCK, C.N, C.RHO,
                       C.CI_LOW, C.CI_HIGH, C.CI_METHOD, C.P_VALUE, C.SMALL_N]
MODEL_COLUMNS = [TERM, LOG_ODDS, SE, C.ODDS_RATIO, C.CI_LOW, C.CI_HIGH, C.P_VALUE, C.N]


# --------------------------------------------------------------------------------------
# Spearman correlations
# --------------------------------------------------------------------------------------

def associations(survey: pd.DataFrame, *, instrument: Instrument,
                 predictors: Sequence[str] | str | None = None,
                 outcomes: Sequence[str] | str | None = None, by: str | None = None,
                 min_n: int = 5, level: float = 0.95,
                 ci_method: str = "bonett_wright") -> pd.DataFrame:
    """Spearman correlations of mechanisms and conditions with satisfaction and yields.

    Parameters
    ----------
    survey
        The survey table of *one* wave: key columns and one column of answer codes
        per item (``study.subset(wave=...).survey``).
    instrument
        The study's instrument.
    predictors
        Scale ids and/or item ids. ``None`` takes every scale of block
        ``mechanism`` and every numeric item of block ``condition`` in ``survey``.
        Scales are scored with :func:`image_synth.quant.scores.scale_scores`.
    outcomes
        Item ids and/or scale ids. ``None`` takes the items of block
        ``satisfaction`` and the ordered items of block ``yield`` (multi-select 0/1
        options are left out unless named) in ``survey``.
    by
        A grouping column (for example ``"situation"``): correlations for all
        respondents (``by`` column empty) and within each of its levels.
    min_n
        Smallest number of respondents not flagged (``small_n``). Small groups are
        computed and flagged, never dropped.
    level
        Confidence level of the intervals.
    ci_method
        Variance of Fisher's z for the interval: ``"bonett_wright"`` (default) or
        ``"fieller"``. See Notes.

    Returns
    -------
    pandas.DataFrame
        One row per predictor, outcome and group (pooled row first), with

        ``predictor``, ``predictor_block``
            scale or item id, and its block (``mechanism``, ``condition``...).
        ``outcome``, ``outcome_block``
            item (or scale) id, and its block (``satisfaction``, ``yield``...).
        the ``by`` column (only with ``by``)
            its level; empty (``<NA>``) on the pooled rows.
        ``n``
            respondents with a number for both (pairwise deletion; "don't know"
            and "geen zicht op" are not numbers).
        ``rho``
            Spearman's rank correlation (NaN when ``n < 3`` or a variable is
            constant in the group).
        ``ci_low``, ``ci_high``
            interval for ``rho`` at ``level`` (NaN when ``n < 4``), see Notes.
        ``ci_method``
            ``"bonett_wright"`` or ``"fieller"``.
        ``p_value``
            two-sided p-value of ``rho = 0`` (t approximation with ``n - 2``
            degrees of freedom).
        ``small_n``
            ``n < min_n``.

    Raises
    ------
    AnalysisError
        A predictor or outcome that is neither a scale nor an item of the
        instrument, an item not in the survey, a nominal item, a ``by`` column that
        does not exist, a predictor or outcome without any answer, data from more
        than one wave, no default predictors or outcomes in the instrument.
    OptionError
        ``ci_method`` outside ``("bonett_wright", "fieller")``.

    Notes
    -----
    :math:`\\rho` is Pearson's correlation of the mid-ranks (ties share their mean
    rank), as ``scipy.stats.spearmanr`` and R's ``cor(x, y, method = "spearman")``
    compute it; its p-value is ``spearmanr``'s (R's ``cor.test(..., method =
    "spearman", exact = FALSE)``): :math:`t = \\rho\\sqrt{(n-2)/(1-\\rho^2)}` on
    :math:`n-2` degrees of freedom.

    The interval is Fisher's :math:`z` interval with the variance of Bonett and
    Wright (2000) for Spearman's rho,

    .. math::

        \\tanh\\Bigl(\\operatorname{atanh}(\\rho) \\pm z_{1-\\alpha/2}
            \\sqrt{\\tfrac{1 + \\rho^2/2}{n - 3}}\\Bigr),

    which covers better than Fieller, Hartley and Pearson's (1957)
    :math:`1.06/(n-3)` (``ci_method="fieller"``) when :math:`\\rho` is far from 0;
    the two agree at :math:`\\rho^2 = 0.12`. In R: ``tanh(atanh(r) + c(-1, 1) *
    qnorm(0.975) * sqrt((1 + r^2 / 2) / (n - 3)))``; the tests check it against the
    R script kept beside them.

    Examples
    --------
    >>> import image_synth
    >>> study = image_synth.load_study("tests/fixtures/mini_study")
    >>> table = associations(study.survey, instrument=study.instrument, by="situation",
    ...                      min_n=study.min_n)
    >>> sorted(table["predictor"].unique()), list(table["outcome"].unique())
    (['communicatie', 'tijd', 'vertrouwen'], ['tevredenheid'])
    >>> print(table.loc[table["predictor"] == "communicatie",
    ...                 ["situation", "n", "rho", "ci_low", "ci_high", "small_n"]]
    ...       .round(3).to_string(index=False))
    situation  n   rho  ci_low  ci_high  small_n
          NaN 14 0.778   0.351    0.937    False
    binnen_po  8 0.825   0.157    0.975    False
        po_vo  6 0.441  -0.612    0.930    False
    """
    _check_min_n(min_n)
    _check_level(level)
    check_option("ci_method", ci_method, SPEARMAN_CI)
    _one_wave(survey)
    if by is not None:
        _check_columns(survey, [by], "by")
    pred_names = _chosen(predictors, "predictors",
                         lambda: _default_predictors(survey, instrument))
    out_names = _chosen(outcomes, "outcomes", lambda: _default_outcomes(survey, instrument))
    values, blocks = _values(survey, instrument, list(dict.fromkeys(pred_names + out_names)))

    scopes: list[tuple[Any, np.ndarray]] = [(pd.NA, np.ones(len(survey), dtype=bool))]
    if by is not None:
        scopes += [(lv, (survey[by] == lv).fillna(False).to_numpy(dtype=bool))
                   for lv in _levels(survey[by])]
    q = stats.norm.ppf(0.5 + level / 2)
    rows = []
    for p_name in pred_names:
        for o_name in out_names:
            if p_name == o_name:
                continue
            x, y = values[p_name], values[o_name]
            both = ~np.isnan(x) & ~np.isnan(y)
            for label, scope in scopes:
                keep = both & scope
                n = int(keep.sum())
                rho, p, lo, hi = _spearman(x[keep], y[keep], q, ci_method)
                row = {PREDICTOR: p_name, PREDICTOR_BLOCK: blocks[p_name], OUTCOME: o_name,
                       OUTCOME_BLOCK: blocks[o_name], C.N: n, C.RHO: rho, C.CI_LOW: lo,
                       C.CI_HIGH: hi, C.CI_METHOD: ci_method, C.P_VALUE: p,
                       C.SMALL_N: n < min_n}
                if by is not None:
                    row[by] = label
                rows.append(row)
    columns = ASSOCIATION_COLUMNS[:4] + ([by] if by is not None else []) + \
        ASSOCIATION_COLUMNS[4:]
    out = pd.DataFrame(rows, columns=columns)
    out[C.N] = out[C.N].astype("int64")
    out[C.SMALL_N] = out[C.SMALL_N].astype(bool)
    return out


def _spearman(x: np.ndarray, y: np.ndarray, q: float,
              ci_method: str) -> tuple[float, float, float, float]:
    n = len(x)
    if n < 3 or np.all(x == x[0]) or np.all(y == y[0]):
        return np.nan, np.nan, np.nan, np.nan
    rho, p = _rank_correlation(x, y)
    if n < 4:
        return rho, p, np.nan, np.nan
    variance = (1.0 + rho ** 2 / 2.0) if ci_method == "bonett_wright" else 1.06
    se = np.sqrt(variance / (n - 3))
    with np.errstate(divide="ignore"):
        z = np.arctanh(rho)
    return rho, p, float(np.tanh(z - q * se)), float(np.tanh(z + q * se))


def _rank_correlation(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Spearman's rho and its two-sided p-value for two complete, non-constant variables.

    The steps of ``scipy.stats.spearmanr`` (mid-ranks, ``np.corrcoef`` of the ranks, a t
    statistic on n - 2 df), so the numbers are the same to the last bit; without its
    per-call checks and array-API dispatch, which cost far more than the arithmetic on a
    survey's few hundred respondents. The tests compare the two bit for bit.
    """
    rho = np.corrcoef(np.vstack((_mid_ranks(x), _mid_ranks(y))))[1, 0]
    dof = len(x) - 2
    with np.errstate(divide="ignore"):
        t = rho * np.sqrt((dof / ((rho + 1.0) * (1.0 - rho))).clip(0))
    return float(rho), float(2 * special.stdtr(dof, -np.abs(t)))


def _mid_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n, ties sharing their mean rank (``scipy.stats.rankdata``'s "average")."""
    n = len(values)
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.ones(n, dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    ends = np.append(starts[1:], n)
    ranks = np.empty(n)
    # a tie group at sorted positions start..end-1 shares the mean of ranks start+1..end
    ranks[order] = np.repeat((starts + ends + 1) / 2, ends - starts)
    return ranks


# --------------------------------------------------------------------------------------
# ordinal logistic model
# --------------------------------------------------------------------------------------

def ordinal_model(survey: pd.DataFrame, *, instrument: Instrument, outcome: str | None = None,
                  predictors: Sequence[str] | str | None = None,
                  covariates: Sequence[str] | str = (C.SITUATION,),
                  level: float = 0.95) -> pd.DataFrame:
    """Proportional-odds model of satisfaction on the mechanisms (odds ratios).

    Parameters
    ----------
    survey
        The survey table of *one* wave (answer codes; see :func:`associations`).
    instrument
        The study's instrument.
    outcome
        An ordered item (satisfaction, 1-7). ``None`` takes the one item of block
        ``satisfaction``; an instrument with several must name one.
    predictors
        Scale ids and/or numeric item ids, entered as numbers (an odds ratio per
        point). ``None`` takes every scale of block ``mechanism``; ``()`` fits
        covariates only.
    covariates
        Categorical columns of ``survey`` (default ``("situation",)``), each entered
        as indicator variables against its first level (category order for a
        categorical column, else sorted). ``()`` for none.
    level
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per predictor and per non-reference covariate level, with

        ``term``
            the predictor id, or ``covariate[level]`` (``situation[po_vo]``).
        ``log_odds``, ``se``
            the coefficient (log odds ratio) and its standard error.
        ``odds_ratio``
            :math:`e^{\\beta}`: the odds of a *higher* satisfaction category per
            point of the predictor, or for the level against the reference level.
        ``ci_low``, ``ci_high``
            Wald interval for the odds ratio at ``level``.
        ``p_value``
            Wald test of :math:`\\beta = 0`.
        ``n``
            respondents in the model (complete cases).

        ``frame.attrs`` holds the fit: ``n``, ``log_likelihood``,
        ``log_likelihood_null`` (thresholds only), ``pseudo_r2`` (McFadden),
        ``aic``, ``thresholds`` (dict ``"k|k+1"`` -> cut point), ``converged``
        (False when the optimiser did not converge, a standard error is not finite
        or an estimate runs off, as under separation), ``warnings`` (list of texts,
        also issued as ``RuntimeWarning``), ``outcome``, ``predictors``,
        ``covariates``, ``reference_levels``, ``dropped`` (covariates left out
        because only one level had complete cases), ``level``.

    Raises
    ------
    AnalysisError
        An outcome that is not an ordered item, a predictor that is neither a scale
        nor a numeric item, a covariate that is not a column, no complete cases, an
        outcome with one category among them, a predictor without variance, fewer
        complete cases than parameters plus one, data from more than one wave.

    Notes
    -----
    The model (McCullagh 1980) for outcome categories :math:`1..K` is

    .. math::

        \\operatorname{logit} P(Y \\le k \\mid x) = \\zeta_k - x^\\top\\beta,
        \\quad k = 1, \\dots, K-1,

    fitted by maximum likelihood with ``statsmodels.miscmodels.ordinal_model.
    OrderedModel(distr="logit")`` (BFGS). Only observed outcome categories get a
    threshold. The parametrisation is that of R's ``MASS::polr``: ``log_odds``
    equals ``coef(polr(...))``, ``thresholds`` equal its ``zeta``, ``se`` the square
    roots of ``diag(vcov(...))``, and the interval is ``exp(confint.default(...))``
    (Wald; ``confint(polr)`` would profile the likelihood instead). McFadden's
    pseudo-:math:`R^2` is :math:`1 - \\ell / \\ell_0`, with :math:`\\ell_0` the
    log-likelihood of the thresholds-only model.

    Examples
    --------
    >>> import image_synth
    >>> study = image_synth.load_study("tests/fixtures/mini_study")
    >>> model = ordinal_model(study.survey, instrument=study.instrument,
    ...                       predictors=["communicatie"])
    >>> print(model[["term", "odds_ratio", "ci_low", "ci_high", "p_value", "n"]].round(3)
    ...       .to_string(index=False))
                term  odds_ratio  ci_low  ci_high  p_value  n
        communicatie       6.348   1.603   25.132    0.008 14
    situation[po_vo]       0.461   0.042    5.048    0.526 14
    >>> model.attrs["converged"], round(model.attrs["pseudo_r2"], 3)
    (True, 0.255)
    >>> {k: round(v, 2) for k, v in model.attrs["thresholds"].items()}
    {'2|3': 1.96, '3|4': 4.42, '4|5': 7.2, '5|6': 7.74}

    The same in R: ``MASS::polr(factor(tevredenheid, ordered = TRUE) ~ communicatie +
    situation, Hess = TRUE)`` (coefficients 1.848 and -0.774). With both mechanism
    scales the 14 respondents of the mini study are separated: the model is fitted,
    ``attrs["converged"]`` is False and a warning says why.
    """
    from statsmodels.miscmodels.ordinal_model import OrderedModel
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    _check_level(level)
    _one_wave(survey)
    outcome = _choose_outcome(survey, instrument, outcome)
    if predictors is None:
        pred_names = [s for s in _default_scales(instrument)]
        if not pred_names:
            raise AnalysisError(f"the instrument {instrument.name!r} has no scale of block "
                                f"{' or '.join(PREDICTOR_SCALE_BLOCKS)}; name the predictors")
    else:
        pred_names = [predictors] if isinstance(predictors, str) else list(predictors)
    cov_names = [covariates] if isinstance(covariates, str) else list(covariates)
    if not pred_names and not cov_names:
        raise AnalysisError("the model needs at least one predictor or covariate")
    _check_columns(survey, cov_names, "covariates")
    overlap = [c for c in cov_names if c in pred_names or c == outcome]
    if overlap:
        raise AnalysisError(f"covariates repeat the outcome or a predictor: {overlap}")
    values, _ = _values(survey, instrument, [outcome] + pred_names)

    complete = ~np.isnan(values[outcome])
    for name in pred_names:
        complete &= ~np.isnan(values[name])
    for name in cov_names:
        complete &= survey[name].notna().to_numpy(dtype=bool)
    n = int(complete.sum())
    if n == 0:
        counts = ", ".join(f"{name}: {int((~np.isnan(values[name])).sum())}"
                           for name in [outcome] + pred_names)
        raise AnalysisError(f"no complete cases for the model of {outcome!r}: no respondent "
                            f"has a number for the outcome and every predictor and a "
                            f"covariate level (respondents with a number: {counts})")
    y = values[outcome][complete]
    categories = np.unique(y)
    if len(categories) < 2:
        raise AnalysisError(f"outcome {outcome!r} has one category ({categories[0]:g}) among "
                            f"the {n} complete cases; an ordinal model needs two or more")

    exog = pd.DataFrame({name: values[name][complete] for name in pred_names})
    flat = [name for name in pred_names if np.all(exog[name] == exog[name].iloc[0])]
    if flat:
        raise AnalysisError(f"predictor(s) without variance among the {n} complete cases: "
                            f"{', '.join(map(repr, flat))}")
    notes: list[str] = []
    references: dict[str, Any] = {}
    dropped: list[str] = []
    for name in cov_names:
        column = survey.loc[complete, name]
        levels = _levels(column)
        if len(levels) < 2:
            dropped.append(name)
            notes.append(f"covariate {name!r} left out: one level ({levels[0]!r}) among the "
                         f"complete cases")
            continue
        references[name] = levels[0]
        for lv in levels[1:]:
            exog[f"{name}[{lv}]"] = (column == lv).to_numpy(dtype="float64")
    if exog.shape[1] == 0:
        raise AnalysisError("no predictor and no covariate with two levels is left to model")
    k_params = exog.shape[1] + len(categories) - 1
    if n <= k_params:
        raise AnalysisError(f"too few cases for the model of {outcome!r}: {n} complete cases "
                            f"for {k_params} parameters ({exog.shape[1]} coefficient(s), "
                            f"{len(categories) - 1} threshold(s)); a model needs more cases "
                            "than parameters: use fewer predictors or covariates")

    model = OrderedModel(y, exog, distr="logit")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = model.fit(method="bfgs", disp=False, maxiter=5000, gtol=1e-8)
    notes += [str(w.message).strip().splitlines()[0] for w in caught
              if not issubclass(w.category, ConvergenceWarning)]
    params = np.asarray(fit.params, dtype="float64")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bse = np.asarray(fit.bse, dtype="float64")
    k = exog.shape[1]
    beta, se = params[:k], bse[:k]
    converged = bool(fit.mle_retvals.get("converged", False))
    if not converged:
        notes.append("the optimiser did not converge")
    if not np.all(np.isfinite(bse)):
        converged = False
        notes.append("a standard error is not finite (singular information matrix)")
    runaway = [name for name, b in zip(exog.columns, beta) if abs(b) > SEPARATION_LOG_ODDS]
    if runaway:
        converged = False
        notes.append(f"possible separation: log odds ratio beyond +-{SEPARATION_LOG_ODDS:g} "
                     f"for {', '.join(runaway)}; the estimates and intervals are unreliable")
    q = stats.norm.ppf(0.5 + level / 2)
    with np.errstate(over="ignore", invalid="ignore"):
        table = pd.DataFrame({
            TERM: list(exog.columns), LOG_ODDS: beta, SE: se, C.ODDS_RATIO: np.exp(beta),
            C.CI_LOW: np.exp(beta - q * se), C.CI_HIGH: np.exp(beta + q * se),
            C.P_VALUE: 2.0 * stats.norm.sf(np.abs(beta / se)), C.N: n})
    cuts = model.transform_threshold_params(params)[1:-1]
    labels = [f"{_code(a)}|{_code(b)}" for a, b in pairwise(categories)]
    llf, llnull = float(fit.llf), float(_null_loglik(y))
    table.attrs.update({
        "n": n, "log_likelihood": llf, "log_likelihood_null": llnull,
        "pseudo_r2": 1.0 - llf / llnull if llnull != 0 else np.nan,
        "aic": 2.0 * k_params - 2.0 * llf,
        "thresholds": {lab: float(c) for lab, c in zip(labels, cuts)},
        "converged": converged, "warnings": notes, "outcome": outcome,
        "predictors": list(pred_names), "covariates": [c for c in cov_names if c not in dropped],
        "reference_levels": references, "dropped": dropped, "level": level})
    for note in notes:
        warnings.warn(f"ordinal_model({outcome!r}): {note}", RuntimeWarning, stacklevel=2)
    return table


def _null_loglik(y: np.ndarray) -> float:
    _, counts = np.unique(y, return_counts=True)
    return float((counts * np.log(counts / counts.sum())).sum())


def _code(value: float) -> str:
    return f"{value:g}"


# --------------------------------------------------------------------------------------
# choosing and converting variables
# --------------------------------------------------------------------------------------

def _one_wave(survey: pd.DataFrame) -> None:
    if C.WAVE in survey.columns:
        waves = sorted(pd.unique(survey[C.WAVE].dropna()).tolist())
        if len(waves) > 1:
            raise AnalysisError(
                f"the survey holds more than one wave ({', '.join(map(str, waves))}); a school "
                "answers in every wave, so pooling waves counts it twice: pass one wave "
                "(study.subset(wave=...).survey)")


def _default_scales(instrument: Instrument) -> list[str]:
    return [s.id for s in instrument.scales if s.block in PREDICTOR_SCALE_BLOCKS]


def _default_predictors(survey: pd.DataFrame, instrument: Instrument) -> list[str]:
    items = [i.id for i in instrument.items
             if i.block in PREDICTOR_ITEM_BLOCKS and i.id in survey.columns
             and is_numeric_item(instrument, i)]
    return _default_scales(instrument) + items


def _default_outcomes(survey: pd.DataFrame, instrument: Instrument) -> list[str]:
    return [i.id for i in instrument.items
            if i.block in OUTCOME_ITEM_BLOCKS and i.id in survey.columns
            and instrument.response_set(i.response_set).ordered]


def _chosen(names: Sequence[str] | str | None, what: str,
            default: Callable[[], list[str]]) -> list[str]:
    """The names asked for, checked; ``default()`` (the blocks' choice) when None."""
    if names is None:
        found = default()
        if not found:
            raise AnalysisError(f"no {what} found in the instrument's blocks for this survey; "
                                f"name the {what}")
        return found
    chosen = [names] if isinstance(names, str) else list(dict.fromkeys(names))
    if not chosen or not all(isinstance(n, str) for n in chosen):
        raise AnalysisError(f"{what} must be a non-empty list of scale or item ids, "
                            f"got {names!r}")
    return chosen


def _choose_outcome(survey: pd.DataFrame, instrument: Instrument, outcome: str | None) -> str:
    if outcome is None:
        candidates = [i.id for i in instrument.items if i.block == "satisfaction"]
        if len(candidates) != 1:
            raise AnalysisError(f"the instrument has {len(candidates)} satisfaction items "
                                f"({', '.join(candidates) or 'none'}); name the outcome")
        outcome = candidates[0]
    items = {i.id for i in instrument.items}
    if outcome not in items:
        raise AnalysisError(f"outcome {outcome!r} is not an item of the instrument "
                            f"{instrument.name!r}; an ordinal model needs an ordered item")
    if not instrument.response_set(instrument.item(outcome).response_set).ordered:
        raise AnalysisError(f"outcome {outcome!r} has an unordered response set; an ordinal "
                            "model needs ordered answers")
    if outcome not in survey.columns:
        raise AnalysisError(f"outcome {outcome!r} is not a column of the survey")
    return outcome


def _values(survey: pd.DataFrame, instrument: Instrument,
            names: list[str]) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Numbers for scale ids (scored) and item ids (codes -> numbers), and their blocks."""
    scales = {s.id: s for s in instrument.scales}
    items = {i.id: i for i in instrument.items}
    problems = []
    both = [n for n in names if n in scales and n in items]
    if both:
        problems.append(f"ambiguous, both a scale and an item: {', '.join(map(repr, both))}")
    unknown = [n for n in names if n not in scales and n not in items]
    if unknown:
        problems.append(f"neither a scale nor an item of the instrument {instrument.name!r}: "
                        f"{', '.join(map(repr, unknown))}")
    if problems:
        raise AnalysisError("; ".join(problems))
    scale_names = [n for n in names if n in scales]
    item_names = [n for n in names if n in items]
    values: dict[str, np.ndarray] = {}
    errors = []
    if scale_names:
        try:
            scored = scale_scores(survey, instrument=instrument, scales=scale_names)
        except AnalysisError as exc:
            errors.append(str(exc))
        else:
            values.update({n: scored[n].to_numpy(dtype="float64") for n in scale_names})
    if item_names:
        try:
            converted = numeric_items(survey, instrument, item_names)
        except AnalysisError as exc:
            errors.append(str(exc))
        else:
            values.update({n: converted[n].to_numpy() for n in item_names})
    empty = [n for n, v in values.items() if np.isnan(v).all()]
    if empty:
        errors.append(f"no complete cases: no respondent has a number for "
                      f"{', '.join(map(repr, empty))}")
    if errors:
        raise AnalysisError("; ".join(errors))
    blocks = {n: (scales[n].block if n in scales else items[n].block) for n in names}
    return {n: values[n] for n in names}, blocks


def answered_variables(survey: pd.DataFrame, *, instrument: Instrument,
                       names: Sequence[str], least: int = 3) -> list[str]:
    """The scales and items among ``names`` with at least ``least`` numeric answers.

    A small scope (a region with few collaborating schools) may have no numbers at all
    for some variables; :func:`associations` refuses those, so callers that show what
    can be shown pick the answered ones first.
    """
    from .numeric import numeric_items
    from .scores import scale_scores

    scale_ids = {s.id for s in instrument.scales}
    scales = [n for n in names if n in scale_ids]
    items = [n for n in names if n not in scale_ids]
    counts: dict[str, int] = {}
    if scales and len(survey):
        counts.update(scale_scores(survey, instrument=instrument, scales=scales)[scales]
                      .notna().sum().to_dict())
    if items and len(survey):
        counts.update(numeric_items(survey, instrument, items=items).notna().sum().to_dict())
    return [n for n in names if counts.get(n, 0) >= least]

