"""Statistics by themes and themes by statistics, where the strands meet.

Schools answer the survey; project leaders give the interviews. They are different
people, so the strands are joined at the level they share: the region (or the
situation). Regions are grouped by a qualitative theme to compare their survey results,
or by a survey result to compare which themes their interviews raise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import columns as C
from ..errors import AnalysisError
from .rows import descendants

if TYPE_CHECKING:
    from ..study.load import Study

__all__ = ["survey_by_theme", "themes_by_survey", "region_values"]

_LEVELS = (C.REGION, C.SITUATION)


def _check_level(level: str) -> None:
    from ..options import check_option

    check_option("level", level, _LEVELS)


def region_values(study: "Study", *, value: str, level: str = C.REGION,
                  wave: int | None = None) -> pd.DataFrame:
    """Survey mean of ``value`` (a scale id or a numeric item id) per region or situation.

    Returns ``<level>``, ``n``, ``mean``.
    """
    from ..quant.numeric import numeric_items
    from ..quant.scores import scale_scores

    _check_level(level)
    wave = wave or max(study.config.waves)
    survey = study.survey[study.survey[C.WAVE] == wave]
    if any(s.id == value for s in study.instrument.scales):
        values = scale_scores(survey, instrument=study.instrument, scales=[value])[value]
    elif any(i.id == value for i in study.instrument.items):
        values = numeric_items(survey, study.instrument, items=[value])[value]
    else:
        raise AnalysisError(f"value {value!r} is neither a scale nor an item of the instrument")
    frame = pd.DataFrame({level: survey[level].to_numpy(), "v": values.to_numpy()}).dropna()
    out = frame.groupby(level)["v"].agg([("n", "size"), ("mean", "mean")]).reset_index()
    return out


def _mentioning(study: "Study", code: str, *, level: str, wave: int) -> pd.DataFrame:
    """Per region (or situation) with interviews: interviews, and how many mention ``code``."""
    if study.codebook is None:
        raise AnalysisError("the study has no codebook")
    try:
        codes = descendants(study.codebook, code)
        study.codebook.code(code)
    except KeyError:
        raise AnalysisError(f"code {code!r} is not in the codebook") from None
    sources = study.sources[(study.sources[C.SOURCE_TYPE] == "interview")
                            & (study.sources[C.WAVE] == wave)].dropna(subset=[level])
    hits = set(study.segments.loc[study.segments[C.CODE].isin(codes), C.SOURCE_ID])
    sources = sources.assign(mentions=sources[C.SOURCE_ID].isin(hits))
    return sources.groupby(level).agg(n_sources=(C.SOURCE_ID, "size"),
                                      k_sources=("mentions", "sum")).reset_index()


def survey_by_theme(study: "Study", *, code: str, value: str, level: str = C.REGION,
                    wave: int | None = None) -> pd.DataFrame:
    """Survey results for regions grouped by whether their interviews mention a theme.

    Parameters
    ----------
    code
        The theme: a codebook code (its children count too).
    value
        A scale id or numeric item id (e.g. the satisfaction item).
    level
        ``region`` or ``situation``.

    Returns
    -------
    pandas.DataFrame
        Two rows, ``group`` = ``mentioned`` and ``not_mentioned``: ``n_groups`` (regions),
        ``groups`` (their ids), ``n`` (respondents), ``mean`` (respondent-weighted mean of
        ``value``), ``mean_of_means`` (unweighted over regions), ``code``, ``value``.
        A region is "mentioned" when at least one of its interviews mentions the theme.
    """
    wave = wave or max(study.config.waves)
    tally = _mentioning(study, code, level=level, wave=wave)
    values = region_values(study, value=value, level=level, wave=wave)
    joined = tally.merge(values, on=level, how="inner")
    joined[C.GROUP] = np.where(joined[C.K_SOURCES] > 0, "mentioned", "not_mentioned")
    rows = []
    for group in ("mentioned", "not_mentioned"):
        part = joined[joined[C.GROUP] == group]
        n = int(part["n"].sum())
        rows.append({"code": code, "value": value, C.GROUP: group, "n_groups": len(part),
                     "groups": ";".join(sorted(part[level])), C.N: n,
                     C.MEAN: float((part["mean"] * part["n"]).sum() / n) if n else np.nan,
                     "mean_of_means": float(part["mean"].mean()) if len(part) else np.nan})
    return pd.DataFrame(rows)


def themes_by_survey(study: "Study", *, value: str, level: str = C.REGION,
                     wave: int | None = None, codes: list[str] | None = None) -> pd.DataFrame:
    """Theme mentions for regions grouped by a survey result (above or below the median).

    Regions (or situations) whose survey mean of ``value`` is above the median of the
    regional means form the ``high`` group, the rest the ``low`` group; for each code,
    the share of each group's interviews that mention it.

    Returns
    -------
    pandas.DataFrame
        One row per code and group: ``code``, ``group`` (high, low), ``groups`` (ids),
        ``k_sources``, ``n_sources``, ``share``, ``threshold`` (the median used).
    """
    wave = wave or max(study.config.waves)
    values = region_values(study, value=value, level=level, wave=wave)
    if values.empty:
        raise AnalysisError(f"no survey answers for {value!r} in wave {wave}")
    threshold = float(values["mean"].median())
    high = set(values.loc[values["mean"] > threshold, level])
    low = set(values[level]) - high
    if codes is None:
        codes = [c.id for c in study.codebook.codes if c.category] if study.codebook else []
    rows = []
    for code in codes:
        tally = _mentioning(study, code, level=level, wave=wave)
        for group, members in (("high", high), ("low", low)):
            part = tally[tally[level].isin(members)]
            k, n = int(part[C.K_SOURCES].sum()), int(part[C.N_SOURCES].sum())
            rows.append({C.CODE: code, C.GROUP: group, "groups": ";".join(sorted(members)),
                         C.K_SOURCES: k, C.N_SOURCES: n, C.SHARE: k / n if n else np.nan,
                         "threshold": threshold})
    return pd.DataFrame(rows)


def situation_stats(study: "Study", *, wave: int | None = None) -> pd.DataFrame:
    """Survey results per situation, to set beside other strands (e.g. network structures).

    Returns
    -------
    pandas.DataFrame
        One row per situation of the study: ``situation``, ``satisfaction_n``,
        ``satisfaction_mean`` (the first item of block ``satisfaction``), and
        ``<scale>_mean`` for every mechanism scale.
    """
    from ..quant.numeric import numeric_items
    from ..quant.scores import scale_scores

    wave = wave or max(study.config.waves)
    survey = study.survey[study.survey[C.WAVE] == wave]
    out = pd.DataFrame({C.SITUATION: [s.id for s in study.config.situations]})
    satisfaction = study.instrument.items_in_block("satisfaction")
    if satisfaction:
        values = numeric_items(survey, study.instrument, items=[satisfaction[0].id]).iloc[:, 0]
        grouped = values.groupby(survey[C.SITUATION])
        out["satisfaction_n"] = out[C.SITUATION].map(grouped.count()).fillna(0).astype(int)
        out["satisfaction_mean"] = out[C.SITUATION].map(grouped.mean())
    scales = [s.id for s in study.instrument.scales if s.block == "mechanism"]
    if scales:
        scores = scale_scores(survey, instrument=study.instrument, scales=scales)
        means = scores.groupby(C.SITUATION)[scales].mean()
        for scale in scales:
            out[f"{scale}_mean"] = out[C.SITUATION].map(means[scale])
    return out
