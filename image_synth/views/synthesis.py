"""Synthesis views: the joint display of every situation, convergence with its rules and
the analyst's overrides, statistics by themes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .. import columns as C
from ..errors import AnalysisError
from ..render.words import word
from .view import View

if TYPE_CHECKING:
    from ..results import ScopeResults

__all__ = ["joint_displays", "convergence", "themes"]

_PAIRS = ("conv_survey_interviews", "conv_survey_meetings", "conv_interviews_meetings")
_SHOWN = ["situation", "row_id", C.N, C.MEAN, C.K_SOURCES, C.N_SOURCES, "meetings_k",
          "meetings_n", "prom_survey", "prom_interviews", "prom_meetings", *_PAIRS,
          "hidden_survey"]


def joint_displays(results: "ScopeResults", *, lang: str = "nl") -> View:
    """The joint display of every situation of the scope, stacked, each protected as
    on its own page (nationally :attr:`ScopeResults.situation_displays`; in a situation
    or region its own :attr:`ScopeResults.joint_display`)."""
    frame = (results.situation_displays if results.scope.kind == "national"
             else results.joint_display)
    frame = frame[[c for c in _SHOWN if c in frame.columns]].rename(
        columns={"hidden_survey": "hidden"})
    return View("joint_displays", word("view_joint_displays", lang), frame,
                min_n=results.min_n)


def convergence(results: "ScopeResults", *, lang: str = "nl", overrides: str = "") -> View:
    """Prominence per strand and convergence per pair of strands for every row of the
    scope's joint display, with who set each code (``*_set_by``: computed or analyst)
    and the analyst's rationale; ``overrides`` is a YAML file of analysts' codes
    (:func:`image_synth.integrate.load_overrides`), ``""`` for none. The rules are in
    the note; survey-based codes are blank where the page hides the survey cell."""
    from ..integrate import joint_display, load_overrides

    if overrides:
        kwargs = {} if results.scope.kind == "national" else {
            results.scope.kind: results.scope.value}
        display = joint_display(results.study, wave=results.wave, quotes=False,
                                overrides=load_overrides(overrides), **kwargs)
    else:
        display = results.joint_display_raw(quotes=False)
    hidden = results.joint_display.set_index("row_id")["hidden_survey"]
    columns = ["row_id", "prom_survey", "prom_interviews", "prom_meetings"]
    for pair in _PAIRS:
        columns += [pair, f"{pair}_set_by", f"{pair}_rationale"]
    frame = display[[c for c in columns if c in display.columns]].copy()
    frame["hidden"] = frame["row_id"].map(hidden).fillna("") if results.publish else ""
    survey_based = ["prom_survey", "conv_survey_interviews", "conv_survey_meetings"]
    frame.loc[frame["hidden"] != "", survey_based] = None
    return View("convergence", word("view_convergence", lang), frame,
                note=_rules_note(results, display, lang), min_n=results.min_n)


def _rules_note(results: "ScopeResults", display: pd.DataFrame, lang: str) -> str:
    """The convergence rules the display was coded by, as the supplement states them
    (:func:`image_synth.render.integration.convergence_rules_text`): the display's own
    rules, with the study's k as the fewest respondents for a survey grade when
    publishing (the survey cell, and so its code, is blanked below k). With publishing
    off nothing is blanked, so the note states the rules' own minimum."""
    from dataclasses import replace

    from ..integrate import ConvergenceRules, rules_text

    rules = display.attrs.get("convergence_rules") or ConvergenceRules()
    if results.publish:
        rules = replace(rules, min_n=max(rules.min_n, results.min_n))
    return rules_text(rules, lang="nl" if lang == "nl" else "en")


def themes(results: "ScopeResults", *, lang: str = "nl") -> View:
    """Statistics by themes at region level: how often each theme is mentioned in the
    interviews of regions with a satisfaction above and below the median
    (:func:`image_synth.integrate.themes_by_survey`: ``code``, ``group``, ``groups``,
    ``k_sources``, ``n_sources``, ``share``, ``threshold``). Needs two or more regions
    in the scope; otherwise an empty frame and a sentence."""
    from ..integrate import themes_by_survey

    items = results.study.instrument.items_in_block("satisfaction")
    empty = pd.DataFrame(columns=[C.CODE, C.GROUP, C.K_SOURCES, C.N_SOURCES])
    scope = results.scope_all_waves()
    regions = scope.survey.loc[scope.survey[C.WAVE] == results.wave, C.REGION].nunique()
    if not items or regions < 2:
        return View("themes", word("view_themes", lang), empty,
                    note=word("view_themes_too_few", lang))
    try:
        frame = themes_by_survey(scope, value=items[0].id, wave=results.wave)
    except AnalysisError as exc:
        return View("themes", word("view_themes", lang), empty, note=str(exc))
    # the median of the regions' means says something about a region: not on a page
    if results.publish:
        frame = frame.drop(columns=["threshold"], errors="ignore")
    return View("themes", word("view_themes", lang), frame,
                note=word("view_themes_note", lang, item=items[0].id))
