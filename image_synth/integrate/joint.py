"""The side-by-side joint display: survey, interviews, meetings, other sources, added value.

One row per working mechanism and condition (:func:`~image_synth.integrate.rows.display_rows`)
for one scope (national, a situation or a region), with every strand's evidence in its
own columns and a convergence code per strand pair. Every cell can be traced: item ids,
n, and the ids of the sources that mention the row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from .. import columns as C
from ..errors import AnalysisError
from .convergence import (
    ConvergenceRules,
    apply_overrides,
    converge,
    prominence_mentions,
    prominence_survey,
    rules_text,
)
from .rows import display_rows, row_segments

if TYPE_CHECKING:
    from ..study.load import Study

__all__ = ["joint_display", "survey_row_stats", "mention_row_stats", "PAIR_COLUMNS",
           "scope_of"]

#: strand pairs and the display column holding their convergence code
PAIR_COLUMNS = {
    "survey~interviews": "conv_survey_interviews",
    "survey~meetings": "conv_survey_meetings",
    "interviews~meetings": "conv_interviews_meetings",
}

_MEETING = "reflection_meeting"
_INTERVIEW = "interview"
_OTHER = {"literature": "literature", "external_study": "external_study"}


def scope_of(study: "Study", situation: str | None = None, region: str | None = None
             ) -> tuple["Study", str]:
    """The study limited to a situation or region, and the scope's label for the display."""
    if situation is not None and region is not None:
        raise AnalysisError("give a situation or a region, not both")
    if region is not None:
        return study.subset(region=region), region
    if situation is not None:
        return study.subset(situation=situation), situation
    return study, "national"


def _waves(study: "Study", wave: int | None, previous_wave: int | None) -> tuple[int, int | None]:
    waves = sorted(study.config.waves)
    wave = waves[-1] if wave is None else wave
    if wave not in waves:
        raise AnalysisError(f"wave {wave} is not a wave of the study ({waves})")
    if previous_wave is None:
        earlier = [w for w in waves if w < wave]
        previous_wave = earlier[-1] if earlier else None
    return wave, previous_wave


def survey_row_stats(survey: pd.DataFrame, study: "Study", rows: pd.DataFrame,
                     *, level: float = 0.95) -> pd.DataFrame:
    """Survey evidence per display row: ``n``, ``mean``, ``sd``, ``ci_low``, ``ci_high``,
    ``share_top2`` (score in the top two points), ``scale_min``, ``scale_max``.

    Scale rows use scale scores (mean of the items after reverse keying, with the scale's
    minimum of answered items); item rows use the item, "don't know" excluded.
    """
    from ..quant.numeric import item_range, numeric_items
    from ..quant.scores import scale_scores

    instrument = study.instrument
    scales = [t for t, r in zip(rows["target"], rows["row_id"]) if r.startswith("scale:")]
    items = [t for t, r in zip(rows["target"], rows["row_id"]) if r.startswith("item:")]
    values = pd.DataFrame(index=survey.index)
    if scales and len(survey):
        values = values.join(scale_scores(survey, instrument=instrument, scales=scales)[scales])
    if items and len(survey):
        values = values.join(numeric_items(survey, instrument, items=items))
    out = []
    for row_id, target, row_items in zip(rows["row_id"], rows["target"], rows["items"]):
        record = {"row_id": row_id, C.N: 0, C.MEAN: np.nan, C.SD: np.nan, C.CI_LOW: np.nan,
                  C.CI_HIGH: np.nan, "share_top2": np.nan, "scale_min": np.nan,
                  "scale_max": np.nan}
        if isinstance(target, str) and row_items:
            lo, hi = item_range(instrument, row_items[0])
            record.update(scale_min=lo, scale_max=hi)
            if target in values.columns:
                v = values[target].dropna().to_numpy(dtype=float)
                record.update(_mean_ci(v, level), share_top2=float(np.mean(v >= hi - 1))
                              if len(v) else np.nan)
        out.append(record)
    return pd.DataFrame(out)


def _mean_ci(v: np.ndarray, level: float) -> dict:
    n = len(v)
    if n == 0:
        return {C.N: 0}
    mean = float(v.mean())
    if n < 2:
        return {C.N: n, C.MEAN: mean}
    sd = float(v.std(ddof=1))
    half = stats.t.ppf(0.5 + level / 2, n - 1) * sd / np.sqrt(n)
    return {C.N: n, C.MEAN: mean, C.SD: sd, C.CI_LOW: mean - half, C.CI_HIGH: mean + half}


def mention_row_stats(study: "Study", rows: pd.DataFrame, *, source_type: str, wave: int | None
                      ) -> pd.DataFrame:
    """k of N sources of one type (in one wave) mentioning each row, with their ids.

    Returns ``row_id``, ``k_sources``, ``n_sources``, ``share``, ``source_ids`` (``;``-joined).
    """
    from ..qual import mentions

    sources = study.sources[study.sources[C.SOURCE_TYPE] == source_type]
    if wave is not None:
        sources = sources[(sources[C.WAVE] == wave) | sources[C.WAVE].isna()]
    segs = row_segments(study.segments, rows)
    segs = segs[segs[C.SOURCE_ID].isin(sources[C.SOURCE_ID])]
    n_sources = len(sources)
    if n_sources and len(segs):
        tally = mentions(segs, sources, by=(), rollup="code")
        tally = tally.set_index(C.CODE)
    else:
        tally = pd.DataFrame(columns=[C.K_SOURCES]).rename_axis(C.CODE)
    ids = segs.groupby(C.CODE)[C.SOURCE_ID].apply(lambda s: ";".join(sorted(set(s))))
    out = pd.DataFrame({"row_id": rows["row_id"]})
    out[C.K_SOURCES] = [int(tally[C.K_SOURCES].get(r, 0)) if r in tally.index else 0
                        for r in out["row_id"]]
    out[C.N_SOURCES] = n_sources
    out[C.SHARE] = out[C.K_SOURCES] / n_sources if n_sources else np.nan
    out["source_ids"] = [ids.get(r, "") for r in out["row_id"]]
    return out


def _change(study: "Study", rows: pd.DataFrame, wave: int, previous: int | None) -> pd.Series:
    from ..qual import change_between_waves

    if previous is None:
        return pd.Series([None] * len(rows), index=rows["row_id"])
    segs = row_segments(study.segments, rows)
    sources = study.sources[study.sources[C.SOURCE_TYPE] == _INTERVIEW]
    if segs.empty or not {previous, wave} <= set(sources[C.WAVE].dropna()):
        return pd.Series([None] * len(rows), index=rows["row_id"])
    segs = segs[segs[C.SOURCE_ID].isin(sources[C.SOURCE_ID])]
    change = change_between_waves(segs, sources, waves=(previous, wave), by=())
    found = change.set_index(C.CODE)["change"]
    return pd.Series([found.get(r) if r in found.index else None for r in rows["row_id"]],
                     index=rows["row_id"])


def _associations(survey: pd.DataFrame, study: "Study", rows: pd.DataFrame) -> pd.DataFrame:
    from ..quant.association import answered_variables, associations

    instrument = study.instrument
    satisfaction = [i.id for i in instrument.items_in_block("satisfaction")]
    yields = [i.id for i in instrument.items_in_block("yield")
              if instrument.response_set(i.response_set).ordered]
    targets = [t for t in rows["target"] if isinstance(t, str)]
    empty = pd.DataFrame({"row_id": rows["row_id"], "rho_satisfaction": np.nan,
                          "rho_ci_low": np.nan, "rho_ci_high": np.nan, "rho_n": 0,
                          "rho_yields_mean": np.nan})
    if not targets or not satisfaction or len(survey) < 3:
        return empty
    # only variables with some numbers in this scope (a small region may have none)
    targets = answered_variables(survey, instrument=instrument, names=targets)
    outcomes = answered_variables(survey, instrument=instrument,
                                  names=satisfaction[:1] + yields)
    if not targets or not outcomes or outcomes[0] != satisfaction[0]:
        return empty
    try:
        assoc = associations(survey, instrument=instrument, predictors=targets,
                             outcomes=outcomes, min_n=1)
    except AnalysisError:
        return empty
    out = []
    for row_id, target in zip(rows["row_id"], rows["target"]):
        sat = assoc[(assoc["predictor"] == target) & (assoc["outcome"] == satisfaction[0])]
        yl = assoc[(assoc["predictor"] == target) & (assoc["outcome"].isin(yields))]
        if sat.empty:
            out.append({"row_id": row_id, "rho_satisfaction": np.nan, "rho_ci_low": np.nan,
                        "rho_ci_high": np.nan, "rho_n": 0, "rho_yields_mean": np.nan})
            continue
        s = sat.iloc[0]
        out.append({"row_id": row_id, "rho_satisfaction": s[C.RHO], "rho_ci_low": s[C.CI_LOW],
                    "rho_ci_high": s[C.CI_HIGH], "rho_n": int(s[C.N]),
                    "rho_yields_mean": float(yl[C.RHO].mean()) if len(yl) else np.nan})
    return pd.DataFrame(out)


def _quotes(study: "Study", rows: pd.DataFrame, wave: int) -> pd.DataFrame:
    from ..qual import Pseudonymiser, quote_matrix

    sources = study.sources[(study.sources[C.SOURCE_TYPE] == _INTERVIEW)
                            & (study.sources[C.WAVE] == wave)]
    segs = row_segments(study.segments, rows)
    segs = segs[segs[C.SOURCE_ID].isin(sources[C.SOURCE_ID])]
    empty = pd.DataFrame({"row_id": rows["row_id"], C.QUOTE: "", "quote_source_id": "",
                          "quote_synthetic": False})
    if segs.empty:
        return empty
    # rules only: a supplement must not depend on whether an optional detector is installed
    pseudo = Pseudonymiser({k: list(v) for k, v in study.pseudonyms.items()}, detector="rules")
    quotes = quote_matrix(segs, sources, by=None, max_per_cell=1, pseudonymiser=pseudo)
    found = quotes.set_index(C.CODE)
    out = empty.copy()
    for n, row_id in enumerate(out["row_id"]):
        if row_id in found.index:
            q = found.loc[[row_id]].iloc[0]
            out.loc[n, [C.QUOTE, "quote_source_id", "quote_synthetic"]] = [
                q[C.QUOTE], q[C.SOURCE_ID], bool(q[C.SYNTHETIC])]
    return out


def joint_display(study: "Study", *, situation: str | None = None, region: str | None = None,
                  wave: int | None = None, previous_wave: int | None = None,
                  rules: ConvergenceRules | None = None,
                  overrides: pd.DataFrame | None = None, quotes: bool = True) -> pd.DataFrame:
    """The side-by-side joint display of one scope.

    Parameters
    ----------
    study
        A loaded study (:func:`image_synth.load_study`).
    situation, region
        The scope: one situation, one region, or neither for the national display.
    wave, previous_wave
        The wave shown (default: the study's last) and the wave it is compared with
        (default: the one before it).
    rules
        Thresholds of the convergence rules (:class:`ConvergenceRules`).
    overrides
        Analysts' convergence codes (:func:`~image_synth.integrate.convergence.load_overrides`).
    quotes
        Include an exemplar quote per row (pseudonymised with the study's dictionary).

    Returns
    -------
    pandas.DataFrame
        One row per mechanism and condition, in display order, with

        - ``scope``, ``situation`` (the scope's id, ``national`` for the nation),
          ``row_id``, ``row_kind``, ``label_nl``, ``label_en``, ``items`` and ``codes``
          (``;``-joined ids: the evidence behind the row)
        - survey: ``n``, ``mean``, ``sd``, ``ci_low``, ``ci_high``, ``share_top2``,
          ``mean_previous``, ``n_previous``
        - interviews: ``k_sources``, ``n_sources``, ``share``, ``source_ids``, ``change``
          (new, more, stable, less, no_longer_mentioned; empty without a previous wave)
        - reflection meetings: ``meetings_k``, ``meetings_n``, ``meetings_source_ids``
        - other sources: ``literature`` and ``external_study`` (bool: mentioned)
        - added value: ``rho_satisfaction`` with ``rho_ci_low``, ``rho_ci_high``,
          ``rho_n``; ``rho_yields_mean``; ``satisfaction_mean`` and ``satisfaction_n`` of
          the scope
        - ``quote``, ``quote_source_id``, ``quote_synthetic``
        - prominence per strand (``prom_survey``, ``prom_interviews``, ``prom_meetings``)
          and convergence per pair (:data:`PAIR_COLUMNS`), each with ``*_set_by``
          (computed or analyst) and ``*_rationale``.

        ``attrs["rules"]`` holds the convergence rules in words.

    Examples
    --------
    >>> import image_synth
    >>> from image_synth.integrate import joint_display
    >>> study = image_synth.load_study()
    >>> display = joint_display(study, situation="po_vo")
    >>> display.loc[display["row_id"] == "scale:vertrouwen", "conv_survey_interviews"].item()
    'agreement'
    """
    rules = rules or ConvergenceRules()
    wave, previous = _waves(study, wave, previous_wave)
    scoped, scope = scope_of(study, situation, region)
    rows = display_rows(study.instrument, study.codebook)
    survey_now = scoped.survey[scoped.survey[C.WAVE] == wave]
    survey_before = (scoped.survey[scoped.survey[C.WAVE] == previous]
                     if previous is not None else None)

    now = survey_row_stats(survey_now, study, rows)
    out = rows.assign(items=rows["items"].map(";".join), codes=rows["codes"].map(";".join))
    out.insert(0, "situation_label", scope if not situation else
               study.config.situation_label(situation, "nl"))
    out.insert(0, "situation", scope)
    out.insert(0, "scope", "region" if region else "situation" if situation else "national")
    out = out.merge(now, on="row_id")
    if survey_before is not None and len(survey_before):
        before = survey_row_stats(survey_before, study, rows)[["row_id", C.N, C.MEAN]]
        out = out.merge(before.rename(columns={C.N: "n_previous", C.MEAN: "mean_previous"}),
                        on="row_id")
    else:
        out["mean_previous"], out["n_previous"] = np.nan, 0

    interviews = mention_row_stats(scoped, rows, source_type=_INTERVIEW, wave=wave)
    out = out.merge(interviews, on="row_id")
    out["change"] = _change(scoped, rows, wave, previous).to_numpy()
    meetings = mention_row_stats(scoped, rows, source_type=_MEETING, wave=wave)
    out = out.merge(meetings.rename(columns={C.K_SOURCES: "meetings_k",
                                             C.N_SOURCES: "meetings_n",
                                             "source_ids": "meetings_source_ids"})
                    .drop(columns=[C.SHARE]), on="row_id")
    for kind, column in _OTHER.items():
        other = mention_row_stats(scoped, rows, source_type=kind, wave=None)
        out[column] = (other[C.K_SOURCES] > 0).to_numpy()

    out = out.merge(_associations(survey_now, study, rows), on="row_id")
    sat_items = study.instrument.items_in_block("satisfaction")
    if sat_items and len(survey_now):
        from ..quant.numeric import numeric_items

        sat = numeric_items(survey_now, study.instrument, items=[sat_items[0].id]).iloc[:, 0]
        out["satisfaction_mean"] = sat.mean()
        out["satisfaction_n"] = int(sat.notna().sum())
    else:
        out["satisfaction_mean"], out["satisfaction_n"] = np.nan, 0
    if quotes:
        out = out.merge(_quotes(scoped, rows, wave), on="row_id")

    out["prom_survey"] = [prominence_survey(m, n, rules=rules, scale=(lo, hi))
                          if not np.isnan(lo) else None
                          for m, n, lo, hi in zip(out[C.MEAN], out[C.N], out["scale_min"],
                                                  out["scale_max"])]
    out["prom_interviews"] = [prominence_mentions(k, n, rules=rules)
                              for k, n in zip(out[C.K_SOURCES], out[C.N_SOURCES])]
    out["prom_meetings"] = [prominence_mentions(k, n, rules=rules)
                            for k, n in zip(out["meetings_k"], out["meetings_n"])]
    out["conv_survey_interviews"] = [converge(a, b) for a, b in
                                     zip(out["prom_survey"], out["prom_interviews"])]
    out["conv_survey_meetings"] = [converge(a, b) for a, b in
                                   zip(out["prom_survey"], out["prom_meetings"])]
    out["conv_interviews_meetings"] = [converge(a, b) for a, b in
                                       zip(out["prom_interviews"], out["prom_meetings"])]
    out = apply_overrides(out, overrides[overrides["situation"] == scope]
                          if overrides is not None and len(overrides) else None,
                          pair_columns=PAIR_COLUMNS)
    out.attrs["rules"] = rules_text(rules)
    out.attrs["wave"], out.attrs["previous_wave"] = wave, previous
    return out
