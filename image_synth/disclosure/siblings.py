"""Statistics of a scope protected against its siblings: the joint display.

A situation's survey mean of a scale rests on its regions' respondents; if every region
but one shows its mean and n, the last one follows from the situation's page. So for a
region (or a situation) a statistic is hidden when its siblings' sizes require it
(:func:`hidden_rows`, the rule of :func:`~image_synth.disclosure.rules.suppress` over
the partition), and :func:`protect_display` applies that and the minimum n to a joint
display, marking each group of cells with its state (``""``, ``"primary"``,
``"complementary"``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import columns as C
from .rules import suppress

if TYPE_CHECKING:
    from ..study.load import Study

__all__ = ["hidden_rows", "sibling_pattern", "decide_sibling_pattern", "sibling_sizes", "protect_display", "SURVEY_VALUES", "PREVIOUS_VALUES",
           "RHO_VALUES"]

SURVEY_VALUES = [C.N, C.MEAN, C.SD, C.CI_LOW, C.CI_HIGH, "share_top2", "mean_previous",
                 "n_previous"]
PREVIOUS_VALUES = ["mean_previous", "n_previous"]
RHO_VALUES = ["rho_satisfaction", "rho_ci_low", "rho_ci_high", "rho_n", "rho_yields_mean"]


def hidden_rows(study: "Study", display: pd.DataFrame, *, wave: int | None = None) -> set[str]:
    """Rows of a situation or region display whose survey cells must be hidden because the
    scope could be recovered from a larger one by subtracting its published siblings.

    For a region: its situation's regions are the partition; for a situation: the nation's
    situations. Complementary suppression (:func:`~image_synth.disclosure.rules.suppress`)
    over the siblings' n decides, row by row.
    """
    if display.empty or display["scope"].iloc[0] == "national":
        return set()
    scope_kind = display["scope"].iloc[0]
    scope_value = display["situation"].iloc[0]
    wave = wave if wave is not None else display.attrs.get("wave", max(study.config.waves))
    if scope_kind == "region":
        parent = study.config.region(scope_value).situation
    else:
        parent = None
    return sibling_pattern(study, int(wave), scope_kind, parent).get(scope_value, set())


def sibling_pattern(study: "Study", wave: int, kind: str, parent: str | None
                    ) -> dict[str, set[str]]:
    """For every sibling of one partition (the regions of situation ``parent``, or the
    situations when ``kind == "situation"``): its joint-display rows hidden in ``wave``.
    Computed once per study, wave and partition; read from the batch's cache when the
    runner decided it already (:mod:`image_synth.results.study_cache`)."""
    from ..results import study_cache
    from ..results.memo import memo

    def make() -> dict[str, set[str]]:
        cached = study_cache.sibling_pattern(study, int(wave), kind, parent)
        return cached if cached is not None else decide_sibling_pattern(study, wave, kind,
                                                                         parent)
    return memo(study, ("sibling_pattern", int(wave), kind, parent), make)


def decide_sibling_pattern(study: "Study", wave: int, kind: str, parent: str | None
                           ) -> dict[str, set[str]]:
    """:func:`sibling_pattern` decided from the study (no cache)."""
    from ..integrate.rows import display_rows

    if kind == "region":
        siblings = [r.id for r in study.config.regions if r.situation == parent]
        column = C.REGION
    else:
        siblings = [s.id for s in study.config.situations]
        column = C.SITUATION
    rows = display_rows(study.instrument, study.codebook)
    survey = study.survey[study.survey[C.WAVE] == wave]
    if survey.empty:
        return {}
    frame = sibling_sizes(survey[survey[column].isin(siblings)], study, rows,
                          by=column, groups=siblings)
    marked = suppress(frame, min_n=study.min_n, n=C.N, values=[C.N], within=["row_id"])
    hidden = marked[marked[C.SUPPRESSED]]
    return {g: set(part["row_id"]) for g, part in hidden.groupby("group")}


def sibling_sizes(survey: pd.DataFrame, study: "Study", rows: pd.DataFrame, *, by: str,
                  groups: list[str]) -> pd.DataFrame:
    """The ``n`` of every display row for every group: columns ``row_id``, ``n`` and
    ``group``, group by group in the order of ``groups``, the rows in display order.

    The same numbers as :func:`~image_synth.integrate.joint.survey_row_stats` gives for
    each group's respondents (a scale's score and an item's numeric answer are the
    respondent's own, so they are computed once for all groups and counted per group).
    """
    from ..integrate.joint import row_values

    values = row_values(survey, study, rows)
    # valid numbers per group and target (a group without respondents counts 0)
    valid = values.notna().astype(np.int64)
    counts = (valid.groupby(survey[by].to_numpy()).sum() if len(survey)
              else pd.DataFrame(columns=values.columns, dtype=np.int64))
    counts = counts.reindex(groups, fill_value=0)
    parts = []
    for group in groups:
        ns = []
        for target, row_items in zip(rows["target"], rows["items"]):
            counted = isinstance(target, str) and row_items and target in counts.columns
            ns.append(int(counts.at[group, target]) if counted else 0)
        parts.append(pd.DataFrame({"row_id": rows["row_id"].to_numpy(), C.N: ns,
                                   "group": group}))
    if not parts:
        return pd.DataFrame(columns=["row_id", C.N, "group"])
    return pd.concat(parts, ignore_index=True)


def _state(primary: pd.Series, hidden: pd.Series) -> pd.Series:
    out = pd.Series("", index=primary.index, dtype=object)
    out[hidden] = "complementary"
    out[primary] = "primary"
    return out


def protect_display(display: pd.DataFrame, *, min_n: int, publish: bool = True,
                    extra_hidden: set[str] = frozenset(),
                    previous_hidden: set[str] = frozenset(),
                    n_hidden: set[str] = frozenset()) -> pd.DataFrame:
    """The joint display with the numbers a page may not show blanked.

    Adds ``hidden_survey``, ``hidden_previous``, ``hidden_rho`` (the state of each
    group of cells) and ``hidden_n`` (the survey n alone: hidden for ``n_hidden`` rows,
    whose n would give away a hidden "don't know" count). ``extra_hidden`` rows are hidden
    to protect sibling scopes (:func:`hidden_rows`), ``previous_hidden`` likewise for the
    previous wave. The convergence code of a row whose survey cell is hidden is blanked
    too: it would tell the grade of the hidden mean.
    """
    out = display.copy()
    for column in ("hidden_survey", "hidden_previous", "hidden_rho", "hidden_n"):
        out[column] = ""
    if not publish:
        return out
    n = out[C.N].fillna(0)
    primary = (n > 0) & (n < min_n)
    sibling = out["row_id"].isin(extra_hidden) & ~primary
    if "hidden_by_scope" in out.columns:
        sibling |= out["hidden_by_scope"].fillna(False).astype(bool) & ~primary
    out["hidden_survey"] = _state(primary, sibling)
    survey_hidden = primary | sibling
    out.loc[survey_hidden, SURVEY_VALUES] = np.nan

    n_prev = out["n_previous"].fillna(0)
    prev_primary = (n_prev > 0) & (n_prev < min_n)
    prev_other = (out["row_id"].isin(previous_hidden) | survey_hidden) & ~prev_primary
    out["hidden_previous"] = _state(prev_primary, prev_other & (n_prev > 0))
    out.loc[prev_primary | prev_other, PREVIOUS_VALUES] = np.nan

    rho_n = out["rho_n"].fillna(0)
    rho_primary = (rho_n > 0) & (rho_n < min_n)
    rho_other = survey_hidden & ~rho_primary & (rho_n > 0)
    out["hidden_rho"] = _state(rho_primary, rho_other)
    out.loc[rho_primary | survey_hidden, RHO_VALUES] = np.nan

    out["hidden_n"] = out["hidden_survey"]
    extra_n = out["row_id"].isin(n_hidden) & (out["hidden_n"] == "")
    out.loc[extra_n, "hidden_n"] = "complementary"

    small_sat = (out["satisfaction_n"].fillna(0) > 0) & (out["satisfaction_n"] < min_n)
    out.loc[small_sat, "satisfaction_mean"] = np.nan
    for column in [c for c in out.columns if c.startswith("conv_") and not c.endswith(
            ("_set_by", "_rationale"))]:
        if column.startswith("conv_survey"):
            out.loc[survey_hidden, column] = None
    return out
