"""A one-screen text summary of a loaded study (what ``image-synth validate`` prints)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .. import columns as C

if TYPE_CHECKING:
    from .load import Study


def study_summary(study: "Study") -> str:
    """Waves, respondents per wave and situation, sources per type, codes, drawings."""
    cfg = study.config
    lines = [f"{cfg.name} ({cfg.id})" + ("  [synthetic]" if cfg.synthetic else ""),
             f"waves: {', '.join(map(str, cfg.waves))}; situations: {len(cfg.situations)}; "
             f"regions: {len(cfg.regions)}; minimum n for publishing: {cfg.disclosure.min_n}",
             ""]
    survey = study.survey
    lines.append("survey respondents per wave: " + (", ".join(
        f"{int(w)}: {n}" for w, n in survey.groupby(C.WAVE).size().items()) or "none"))
    if len(survey):
        level = C.SITUATION if cfg.situations else C.REGION   # the top level below the nation
        table = survey.groupby([level, C.WAVE]).size().unstack(fill_value=0)
        lines.append(f"  per {cfg.level_name(level, 'en') or level}:")
        for situation, row in table.iterrows():
            counts = ", ".join(f"{int(w)}: {n}" for w, n in row.items())
            lines.append(f"    {situation:<24} {counts}")
    sources = study.sources
    if len(sources):
        per = sources.groupby([C.SOURCE_TYPE, C.WAVE], dropna=False).size()
        lines.append("sources: " + ", ".join(
            f"{kind} {'-' if pd.isna(wave) else int(wave)}: {n}" for (kind, wave), n in per.items()))
    else:
        lines.append("sources: none")
    n_codes = len(study.codebook.codes) if study.codebook else 0
    lines.append(f"codes in codebook: {n_codes}; coded segments: {len(study.segments)} "
                 f"(codes used: {study.segments[C.CODE].nunique()})")
    lines.append(f"network drawings: {len(study.drawings)}; meta-inferences: "
                 f"{len(study.meta_inferences)}")
    return "\n".join(lines)
