"""Survey views: the trend of every scale over every wave, comparisons between groups."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import pandas as pd

from .. import columns as C
from ..errors import AnalysisError
from ..render.words import word
from ._common import group_column, mechanism_scales, waves_up_to
from .view import View

if TYPE_CHECKING:
    from ..results import ScopeResults

__all__ = ["wave_trend", "group_comparison"]


def wave_trend(results: "ScopeResults", *, lang: str = "nl") -> View:
    """Mean of every mechanism scale in every wave of the study up to this one, and the
    Mann-Whitney comparison with the wave before (rank-biserial ``effect_size``).

    Returns a :class:`View` whose frame has ``scale``, ``wave``, ``n``, ``mean``,
    ``sd``, ``previous_wave``, ``p_value``, ``effect_size``, ``ci_low``, ``ci_high``,
    ``composition_differs`` and ``hidden`` (fewer than k respondents, or hidden on the
    page's reliability table; the comparison with a hidden wave is blanked).
    """
    from ..quant.compare import compare_waves
    from ..quant.scores import scale_scores

    scope = results.scope_all_waves()
    scales = mechanism_scales(results)
    waves = waves_up_to(results, lambda s: s.survey[C.WAVE])
    columns = [C.SCALE, C.WAVE, C.N, C.MEAN, C.SD, "previous_wave", C.P_VALUE,
               "effect_size", C.CI_LOW, C.CI_HIGH, "composition_differs", "hidden"]
    rows = []
    if scales and waves:
        survey = scope.survey[scope.survey[C.WAVE].isin(waves)]
        scores = scale_scores(survey, instrument=results.study.instrument, scales=scales)
        for scale in scales:
            for i, wave in enumerate(waves):
                values = scores.loc[scores[C.WAVE] == wave, scale].dropna()
                row = {C.SCALE: scale, C.WAVE: wave, C.N: len(values),
                       C.MEAN: values.mean() if len(values) else float("nan"),
                       C.SD: values.std() if len(values) > 1 else float("nan"),
                       "previous_wave": waves[i - 1] if i else pd.NA}
                if i:
                    try:
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore", RuntimeWarning)
                            test = compare_waves(scores, value=scale, min_n=results.min_n,
                                                 waves=(waves[i - 1], wave)).iloc[0]
                        row.update({k: test[k] for k in (C.P_VALUE, "effect_size", C.CI_LOW,
                                                          C.CI_HIGH, "composition_differs")})
                    except AnalysisError:
                        pass
                rows.append(row)
    frame = pd.DataFrame(rows, columns=columns)
    frame["hidden"] = ""
    if results.publish and len(frame):
        small = frame[C.N].lt(results.min_n) & frame[C.N].gt(0)
        frame.loc[small, "hidden"] = "primary"
        # a mean the page's reliability table hides (e.g. to protect a sibling scope)
        # stays hidden here
        page = results.reliabilities
        if len(page):
            states = {(s, int(w)): h for s, w, h in zip(page[C.SCALE], page[C.WAVE],
                                                         page["hidden"])}
            for i, r in frame.iterrows():
                state = states.get((r[C.SCALE], int(r[C.WAVE])), "")
                if state and not frame.at[i, "hidden"]:
                    frame.at[i, "hidden"] = state
        # a comparison with a hidden wave would tell its numbers
        for i, r in frame.iterrows():
            before = frame[(frame[C.SCALE] == r[C.SCALE]) & (frame[C.WAVE] == r["previous_wave"])]
            if not r["hidden"] and len(before) and before["hidden"].iloc[0]:
                frame.loc[i, [C.P_VALUE, "effect_size", C.CI_LOW, C.CI_HIGH]] = float("nan")
    return View("wave_trend", word("view_wave_trend", lang), frame,
                note=word("view_wave_trend_note", lang, waves=", ".join(map(str, waves))),
                min_n=results.min_n)


def group_comparison(results: "ScopeResults", *, lang: str = "nl") -> View:
    """Kruskal-Wallis and pairwise Mann-Whitney comparisons of every mechanism scale
    between the groups of the scope (situations nationally, regions in a situation,
    sectors in a region), in this wave.

    Returns a :class:`View` whose frame is :func:`~image_synth.quant.compare_groups`'
    (``value``, ``test``, ``group_1``, ``group_2``, ``n``, ``p_value``, ``p_holm`` when
    given, ``effect_size``, ``ci_low``, ``ci_high``, ``small_n``, ...) with ``hidden``
    for comparisons that involve a group of fewer than k respondents.
    """
    from ..quant.compare import compare_groups
    from ..quant.scores import scale_scores

    group = group_column(results)
    survey = results.survey()
    scales = mechanism_scales(results)
    frame = pd.DataFrame(columns=["value", "test", "group_1", "group_2", C.N, "hidden"])
    if scales and group in survey.columns and survey[group].nunique() > 1:
        scores = scale_scores(survey, instrument=results.study.instrument, scales=scales)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                frame = compare_groups(scores, value=scales, group=group,
                                       min_n=results.min_n).copy()
            frame["hidden"] = ""
        except AnalysisError:
            pass
    if results.publish and len(frame) and "small_n" in frame.columns:
        frame.loc[frame["small_n"].astype(bool), "hidden"] = "primary"
    return View("group_comparison", word("view_group_comparison", lang,
                                         groups=word(f"view_groups_{group}", lang)), frame,
                note=word("view_group_comparison_note", lang, k=results.min_n),
                min_n=results.min_n)
