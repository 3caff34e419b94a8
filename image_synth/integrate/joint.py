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
    from ..qual import Pseudonymiser
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


def _survey_of_wave(survey: pd.DataFrame, wave: int) -> pd.DataFrame:
    """The respondents of one wave: ``survey[survey["wave"] == wave]``.

    A study reads its survey wave by wave (one file each), so a wave's rows are usually
    one block: then they are sliced, which costs far less than selecting them row by row
    from a frame with a column per item.
    """
    keep = (survey[C.WAVE] == wave).to_numpy(dtype=bool, na_value=False)
    at = np.flatnonzero(keep)
    if len(at) and at[-1] - at[0] + 1 == len(at):
        return survey.iloc[at[0]:at[-1] + 1]
    return survey[keep]


def row_values(survey: pd.DataFrame, study: "Study", rows: pd.DataFrame) -> pd.DataFrame:
    """Each respondent's number for every display row's target (one column per target):
    the scale score for ``scale:`` rows, the item's numeric answer for ``item:`` rows
    ("don't know" and missing are NaN). What :func:`survey_row_stats` summarises and
    :func:`image_synth.disclosure.siblings.sibling_sizes` counts."""
    from ..quant.numeric import numeric_items
    from ..quant.scores import scale_scores

    instrument = study.instrument
    scales = [t for t, r in zip(rows["target"], rows["row_id"]) if r.startswith("scale:")]
    items = [t for t, r in zip(rows["target"], rows["row_id"]) if r.startswith("item:")]
    values = pd.DataFrame(index=survey.index)
    if scales and len(survey):
        values = values.join(scale_scores(survey, instrument=instrument, scales=scales)[scales])
    if items and len(survey):
        values = values.join(numeric_items(survey, instrument, items=items))
    return values


def survey_row_stats(survey: pd.DataFrame, study: "Study", rows: pd.DataFrame,
                     *, level: float = 0.95) -> pd.DataFrame:
    """Survey evidence per display row: ``n``, ``mean``, ``sd``, ``ci_low``, ``ci_high``,
    ``share_top2`` (score in the top two points), ``scale_min``, ``scale_max``.

    Scale rows use scale scores (mean of the items after reverse keying, with the scale's
    minimum of answered items); item rows use the item, "don't know" excluded.
    """
    from ..quant.numeric import item_range

    instrument = study.instrument
    values = row_values(survey, study, rows)
    numbers = {}   # per target its numbers, missing ones left out
    for target in values.columns:
        column = values[target].to_numpy(dtype=float)
        numbers[target] = column[~np.isnan(column)]
    out = []
    for row_id, target, row_items in zip(rows["row_id"], rows["target"], rows["items"]):
        record = {"row_id": row_id, C.N: 0, C.MEAN: np.nan, C.SD: np.nan, C.CI_LOW: np.nan,
                  C.CI_HIGH: np.nan, "share_top2": np.nan, "scale_min": np.nan,
                  "scale_max": np.nan}
        if isinstance(target, str) and row_items:
            lo, hi = item_range(instrument, row_items[0])
            record.update(scale_min=lo, scale_max=hi)
            if target in numbers:
                v = numbers[target]
                record.update(_mean_sd(v), share_top2=float(np.mean(v >= hi - 1))
                              if len(v) else np.nan)
        out.append(record)
    _add_intervals(out, level)
    if not out:   # an instrument without mechanisms or conditions: no rows, same columns
        return pd.DataFrame(columns=["row_id", C.N, C.MEAN, C.SD, C.CI_LOW, C.CI_HIGH,
                                     "share_top2", "scale_min", "scale_max"])
    return pd.DataFrame(out)


def _mean_sd(v: np.ndarray) -> dict:
    n = len(v)
    if n == 0:
        return {C.N: 0}
    mean = float(v.mean())
    if n < 2:
        return {C.N: n, C.MEAN: mean}
    return {C.N: n, C.MEAN: mean, C.SD: float(v.std(ddof=1))}


def _add_intervals(records: list[dict], level: float) -> None:
    """Add ``ci_low`` and ``ci_high``, the t interval of the mean, to records with n >= 2."""
    two = [r for r in records if r[C.N] >= 2]
    if not two:
        return
    # one call for all records: each gets the quantile of its own n - 1 degrees of freedom
    quantiles = stats.t.ppf(0.5 + level / 2, [r[C.N] - 1 for r in two])
    for record, quantile in zip(two, quantiles):
        half = quantile * record[C.SD] / np.sqrt(record[C.N])
        record.update({C.CI_LOW: record[C.MEAN] - half, C.CI_HIGH: record[C.MEAN] + half})


def mention_row_stats(study: "Study", rows: pd.DataFrame, *, source_type: str, wave: int | None
                      ) -> pd.DataFrame:
    """k of N sources of one type (in one wave) mentioning each row, with their ids.

    Returns ``row_id``, ``k_sources``, ``n_sources``, ``share``, ``source_ids`` (``;``-joined).
    """
    return _mention_stats(_sources_by_code(row_segments(study.segments, rows)),
                          _source_ids(study.sources, source_type, wave), rows)


def _sources_by_code(segments: pd.DataFrame) -> dict[str, set]:
    """Code -> the ids of the sources with a segment coded with it: a source counts once
    per code however many of its segments do, as in :func:`image_synth.qual.mentions`.

    On :func:`~image_synth.integrate.rows.row_segments` the codes are row ids.
    """
    found: dict[str, set] = {}
    for code, source_id in zip(segments[C.CODE], segments[C.SOURCE_ID]):
        found.setdefault(code, set()).add(source_id)
    return found


def _source_ids(sources: pd.DataFrame, source_type: str, wave: int | None) -> list:
    """The ids of the sources of one type; with ``wave``, those of that wave or of none."""
    chosen = sources[C.SOURCE_TYPE] == source_type
    if wave is not None:
        chosen &= (sources[C.WAVE] == wave) | sources[C.WAVE].isna()
    return sources.loc[chosen, C.SOURCE_ID].tolist()


def _mention_stats(by_row: dict[str, set], source_ids: list, rows: pd.DataFrame
                   ) -> pd.DataFrame:
    """:func:`mention_row_stats` from the rows' sources (:func:`_sources_by_code` of the
    row segments) and the sources counted (:func:`_source_ids`)."""
    ids = set(source_ids)
    mentioning = [sorted(by_row.get(r, set()) & ids) for r in rows["row_id"]]
    n_sources = len(source_ids)
    out = pd.DataFrame({"row_id": rows["row_id"]})
    out[C.K_SOURCES] = [len(found) for found in mentioning]
    out[C.N_SOURCES] = n_sources
    out[C.SHARE] = out[C.K_SOURCES] / n_sources if n_sources else np.nan
    out["source_ids"] = [";".join(found) for found in mentioning]
    return out


def _change(by_row: dict[str, set], sources: pd.DataFrame, rows: pd.DataFrame, wave: int,
            previous: int | None) -> pd.Series:
    """The change class of each row between the interviews of two waves.

    The classes of :func:`image_synth.qual.change_between_waves` with its default rules,
    from the rows' sources (:func:`_sources_by_code` of the row segments): a row gets a
    class when an interview of any wave mentions it, else ``None``.
    """
    from ..qual import classify_change

    interviews = sources[sources[C.SOURCE_TYPE] == _INTERVIEW]
    if previous is None or not by_row or \
            not {previous, wave} <= set(interviews[C.WAVE].dropna()):
        return pd.Series([None] * len(rows), index=rows["row_id"])
    ids = set(interviews[C.SOURCE_ID])
    before = set(interviews.loc[interviews[C.WAVE].isin([previous]), C.SOURCE_ID])
    after = set(interviews.loc[interviews[C.WAVE].isin([wave]), C.SOURCE_ID])
    change = []
    for row_id in rows["row_id"]:
        found = by_row.get(row_id, set())
        change.append(classify_change(len(found & before), len(before), len(found & after),
                                      len(after)) if found & ids else None)
    return pd.Series(change, index=rows["row_id"])


def _associations(survey: pd.DataFrame, study: "Study", rows: pd.DataFrame,
                  stats_now: pd.DataFrame) -> pd.DataFrame:
    """Spearman's rho of each row's target with satisfaction and the yields.

    ``stats_now`` is :func:`survey_row_stats` of ``survey``: its ``n`` already counts the
    targets' numbers.
    """
    from ..quant.association import answered_variables, associations

    instrument = study.instrument
    satisfaction = [i.id for i in instrument.items_in_block("satisfaction")]
    yields = [i.id for i in instrument.items_in_block("yield")
              if instrument.response_set(i.response_set).ordered]
    targets = [t for t in rows["target"] if isinstance(t, str)]
    if not targets or not satisfaction or len(survey) < 3:
        return _no_associations(rows)
    # only variables with some numbers in this scope (a small region may have none)
    targets = _answered_targets(survey, study, rows, stats_now)
    outcomes = answered_variables(survey, instrument=instrument,
                                  names=satisfaction[:1] + yields)
    if not targets or not outcomes or outcomes[0] != satisfaction[0]:
        return _no_associations(rows)
    try:
        assoc = associations(survey, instrument=instrument, predictors=targets,
                             outcomes=outcomes, min_n=1)
    except AnalysisError:
        return _no_associations(rows)
    # per predictor: its (first) correlation with satisfaction, its rhos with the yields
    with_satisfaction: dict[str, tuple] = {}
    yield_rhos: dict[str, list[float]] = {}
    for predictor, outcome, n, rho, low, high in zip(
            assoc["predictor"], assoc["outcome"], assoc[C.N], assoc[C.RHO], assoc[C.CI_LOW],
            assoc[C.CI_HIGH]):
        if outcome == satisfaction[0]:
            with_satisfaction.setdefault(predictor, (rho, low, high, int(n)))
        if outcome in yields:
            yield_rhos.setdefault(predictor, []).append(rho)
    out = []
    for row_id, target in zip(rows["row_id"], rows["target"]):
        if target not in with_satisfaction:
            out.append({"row_id": row_id, "rho_satisfaction": np.nan, "rho_ci_low": np.nan,
                        "rho_ci_high": np.nan, "rho_n": 0, "rho_yields_mean": np.nan})
            continue
        rho, low, high, n = with_satisfaction[target]
        yl = pd.Series(yield_rhos.get(target, []), dtype="float64")
        out.append({"row_id": row_id, "rho_satisfaction": rho, "rho_ci_low": low,
                    "rho_ci_high": high, "rho_n": n,
                    "rho_yields_mean": float(yl.mean()) if len(yl) else np.nan})
    return pd.DataFrame(out)


def _answered_targets(survey: pd.DataFrame, study: "Study", rows: pd.DataFrame,
                      stats_now: pd.DataFrame) -> list[str]:
    """``answered_variables(survey, names=<the rows' targets>)``, mostly from the rows' n.

    :func:`~image_synth.quant.association.answered_variables` counts a scale id as the
    scale and any other id as an item; a row's n (``stats_now``, :func:`survey_row_stats`
    of ``survey``) is that count when the row reads its target the same way, which every
    row does unless an item shares its id with a scale. Only such targets are counted
    again.
    """
    from ..quant.association import answered_variables

    scale_ids = {s.id for s in study.instrument.scales}
    targets = [t for t in rows["target"] if isinstance(t, str)]
    counted = {t: n for row_id, t, n in zip(rows["row_id"], rows["target"], stats_now[C.N])
               if isinstance(t, str) and row_id.startswith("scale:") == (t in scale_ids)}
    uncounted = [t for t in targets if t not in counted]
    answered = set(answered_variables(survey, instrument=study.instrument, names=uncounted)
                   if uncounted else ())
    return [t for t in targets if (counted[t] >= 3 if t in counted else t in answered)]


def _no_associations(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"row_id": rows["row_id"], "rho_satisfaction": np.nan,
                         "rho_ci_low": np.nan, "rho_ci_high": np.nan, "rho_n": 0,
                         "rho_yields_mean": np.nan})


def study_pseudonymiser(study: "Study") -> "Pseudonymiser":
    """The pseudonymiser every published quote passes through: the study's dictionary
    and the rules detector only (what a page shows must not depend on whether an
    optional detector is installed)."""
    from ..qual import Pseudonymiser

    return Pseudonymiser({k: list(v) for k, v in study.pseudonyms.items()}, detector="rules")


def _quotes(study: "Study", row_segs: pd.DataFrame, rows: pd.DataFrame,
            wave: int) -> pd.DataFrame:
    """An exemplar quote per row from the wave's interviews, pseudonymised.

    The quote :func:`~image_synth.qual.quote_matrix` shows first (``by=None``, no pins):
    of the sources with a non-empty quote for the row, the first by id, and its first
    passage by ``start`` (missing last), then segment id. The quotes pass the
    pseudonymiser in row id order, as there (it learns names as it goes). The tests check
    that both pick the same quote.
    """
    from ..qual._checks import is_missing

    sources = study.sources[(study.sources[C.SOURCE_TYPE] == _INTERVIEW)
                            & (study.sources[C.WAVE] == wave)]
    segs = row_segs[row_segs[C.SOURCE_ID].isin(sources[C.SOURCE_ID])]
    if segs.empty:
        return pd.DataFrame({"row_id": rows["row_id"], C.QUOTE: "", "quote_source_id": "",
                             "quote_synthetic": False})
    pseudo = study_pseudonymiser(study)
    attrs = sources.drop_duplicates(C.SOURCE_ID)
    flags = attrs[C.SYNTHETIC] if C.SYNTHETIC in attrs.columns else [False] * len(attrs)
    synthetic = {source_id: not is_missing(flag) and bool(flag)
                 for source_id, flag in zip(attrs[C.SOURCE_ID], flags)}
    starts = (pd.to_numeric(segs[C.START], errors="coerce") if C.START in segs.columns
              else pd.Series(np.nan, index=segs.index))
    first: dict[str, tuple] = {}   # row id -> its passage that sorts first, with its key
    for row_id, source_id, segment_id, start, quote in zip(
            segs[C.CODE], segs[C.SOURCE_ID], segs[C.SEGMENT_ID], starts, segs[C.QUOTE]):
        if is_missing(quote):
            continue
        no_start = bool(pd.isna(start))
        key = (str(source_id), no_start, 0 if no_start else start, str(segment_id))
        if row_id not in first or key < first[row_id][0]:
            first[row_id] = (key, source_id, segment_id, quote)
    picked = {}
    for row_id in sorted(first, key=str):
        _, source_id, segment_id, quote = first[row_id]
        text = pseudo.pseudonymise(str(quote), source_id=source_id, segment_id=segment_id)[0]
        picked[row_id] = (text, source_id, synthetic[source_id])
    shown = [picked.get(r, ("", "", False)) for r in rows["row_id"]]
    return pd.DataFrame({"row_id": rows["row_id"], C.QUOTE: [q[0] for q in shown],
                         "quote_source_id": [q[1] for q in shown],
                         "quote_synthetic": [q[2] for q in shown]})


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
    row_segs = row_segments(scoped.segments, rows)
    by_row = _sources_by_code(row_segs)
    survey_now = _survey_of_wave(scoped.survey, wave)
    survey_before = _survey_of_wave(scoped.survey, previous) if previous is not None else None

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

    interviews = _mention_stats(by_row, _source_ids(scoped.sources, _INTERVIEW, wave), rows)
    out = out.merge(interviews, on="row_id")
    out["change"] = _change(by_row, scoped.sources, rows, wave, previous).to_numpy()
    meetings = _mention_stats(by_row, _source_ids(scoped.sources, _MEETING, wave), rows)
    out = out.merge(meetings.rename(columns={C.K_SOURCES: "meetings_k",
                                             C.N_SOURCES: "meetings_n",
                                             "source_ids": "meetings_source_ids"})
                    .drop(columns=[C.SHARE]), on="row_id")
    for kind, column in _OTHER.items():
        ids = set(_source_ids(scoped.sources, kind, None))
        out[column] = np.array([bool(by_row.get(r, set()) & ids) for r in rows["row_id"]],
                               dtype=bool)

    out = out.merge(_associations(survey_now, study, rows, now), on="row_id")
    sat_items = study.instrument.items_in_block("satisfaction")
    if sat_items and len(survey_now):
        from ..quant.numeric import numeric_items

        sat = numeric_items(survey_now, study.instrument, items=[sat_items[0].id]).iloc[:, 0]
        out["satisfaction_mean"] = sat.mean()
        out["satisfaction_n"] = int(sat.notna().sum())
    else:
        out["satisfaction_mean"], out["satisfaction_n"] = np.nan, 0
    if quotes:
        out = out.merge(_quotes(scoped, row_segs, rows, wave), on="row_id")

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
    out.attrs["convergence_rules"] = rules
    out.attrs["wave"], out.attrs["previous_wave"] = wave, previous
    return out
