"""Interview views: mentions per code and group, change over every wave, co-occurrence,
case-by-code and quote matrices, intercoder agreement."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .. import columns as C
from ..render.words import word
from ._common import pseudonymiser, waves_up_to
from .view import View

if TYPE_CHECKING:
    from ..results import ScopeResults

__all__ = ["mentions", "interview_trend", "cooccurrence", "case_by_code", "quotes",
           "agreement"]

INTERVIEW = "interview"


def _interviews(results: "ScopeResults", *, all_waves: bool = False):
    data = results.scope_all_waves() if all_waves else results.data
    sources = data.sources[data.sources[C.SOURCE_TYPE] == INTERVIEW]
    segments = data.segments[data.segments[C.SOURCE_ID].isin(sources[C.SOURCE_ID])]
    return segments, sources


def _qual_group(results: "ScopeResults") -> str:
    # interviews are one per region: nationally by situation, else by region
    return C.SITUATION if results.scope.kind == "national" else C.REGION


def mentions(results: "ScopeResults", *, lang: str = "nl") -> View:
    """k of N interviews of this wave mentioning each code, per group of the scope
    (:func:`image_synth.qual.mentions`: ``code``, the group, ``k_sources``,
    ``n_sources``, ``share``, ``n_segments``)."""
    from ..qual import mentions as count

    segments, sources = _interviews(results)
    group = _qual_group(results)
    frame = (count(segments, sources, codebook=results.study.codebook, by=[group])
             if len(sources) else pd.DataFrame(columns=[C.CODE, group, C.K_SOURCES,
                                                        C.N_SOURCES]))
    return View("mentions", word("view_mentions", lang,
                                 groups=word(f"view_groups_{group}", lang)), frame)


def interview_trend(results: "ScopeResults", *, lang: str = "nl") -> View:
    """The change class of every code between each pair of consecutive interview waves
    up to this one (:func:`image_synth.qual.change_between_waves` per pair, stacked:
    ``code``, ``wave_before``, ``wave_after``, ``k_before``, ``n_before``,
    ``k_after``, ``n_after``, ``share_diff``, ``change``, ``rule``), with the rules in
    words."""
    from ..qual import change_between_waves, change_rules

    segments, sources = _interviews(results, all_waves=True)
    waves = waves_up_to(results, lambda s: s.sources.loc[s.sources[C.SOURCE_TYPE] == INTERVIEW,
                                                         C.WAVE])
    language = "nl" if lang == "nl" else "en"
    frames = [change_between_waves(segments, sources, codebook=results.study.codebook,
                                   waves=(a, b), language=language)
              for a, b in zip(waves, waves[1:])]
    frame = (pd.concat(frames, ignore_index=True) if frames else
             pd.DataFrame(columns=[C.CODE, "wave_before", "wave_after", "change"]))
    frame = frame.drop(columns=["share_before", "share_after", "relative_diff"],
                       errors="ignore")
    # the rules name every pair of waves the table holds, not only the last
    note = (change_rules(waves=list(zip(waves, waves[1:])), language=language)
            .replace("\n", " ")
            if len(waves) > 1 else word("view_one_wave", lang, waves=", ".join(map(str, waves))))
    return View("interview_trend", word("view_interview_trend", lang), frame, note=note)


def cooccurrence(results: "ScopeResults", *, lang: str = "nl") -> View:
    """Pairs of codes mentioned in the same interview, with the c-coefficient
    (:func:`image_synth.qual.cooccurrence`: ``code_a``, ``code_b``, ``count``, ``n_a``,
    ``n_b``, ``c_coefficient``), strongest first."""
    from ..qual import cooccurrence as pairs

    segments, _ = _interviews(results)
    frame = pairs(segments) if len(segments) else pd.DataFrame(
        columns=["code_a", "code_b", C.COUNT, "c_coefficient"])
    if len(frame):
        frame = frame.sort_values(["c_coefficient", C.COUNT], ascending=False,
                                  kind="stable").reset_index(drop=True)
    return View("cooccurrence", word("view_cooccurrence", lang), frame)


def case_by_code(results: "ScopeResults", *, lang: str = "nl") -> View:
    """Interviews as rows, codes as columns, 1 where the interview mentions the code
    (:func:`image_synth.qual.case_by_code`)."""
    from ..qual import case_by_code as matrix

    segments, sources = _interviews(results)
    frame = matrix(segments, sources, codebook=results.study.codebook) if len(sources) else \
        pd.DataFrame(columns=[C.SOURCE_ID])
    return View("case_by_code", word("view_case_by_code", lang), frame)


def quotes(results: "ScopeResults", *, lang: str = "nl") -> View:
    """At most three quotes per code and group, pinned ones first, synthetic ones marked
    (:func:`image_synth.qual.quote_matrix`), pseudonymised as in the supplement (the
    study's dictionary and the rules detector, :func:`~._common.pseudonymiser`): the
    supplement pseudonymises its quotes with publishing on or off, and so does this."""
    from ..qual import quote_matrix

    segments, sources = _interviews(results)
    frame = (quote_matrix(segments, sources, by=_qual_group(results),
                          codebook=results.study.codebook,
                          pseudonymiser=pseudonymiser(results.study)) if len(sources)
             else pd.DataFrame(columns=[C.CODE, "quote"]))
    return View("quotes", word("view_quotes", lang), frame)


def agreement(results: "ScopeResults", *, lang: str = "nl") -> View:
    """Percent agreement and Cohen's kappa per code between the two coders of this
    wave's interviews (:func:`image_synth.qual.intercoder_agreement`); an empty frame
    and a sentence when the interviews were not coded by exactly two coders."""
    from ..qual import intercoder_agreement

    segments, _ = _interviews(results)
    coders = sorted(segments[C.CODER].dropna().unique()) if C.CODER in segments else []
    if len(coders) != 2:
        return View("agreement", word("view_agreement", lang),
                    pd.DataFrame(columns=[C.CODE, "n_units", "percent_agreement", "kappa"]),
                    note=word("view_agreement_one_coder", lang, n=len(coders)))
    frame = intercoder_agreement(segments, coders=coders)
    return View("agreement", word("view_agreement", lang), frame,
                note=word("view_agreement_note", lang, a=coders[0], b=coders[1]))
