"""The analysis sections of the supplement: each function builds one section's HTML body
from the package's analyses for one scope.

:mod:`image_synth.render.sections` wraps these bodies in headed sections; the notebook
calls the section functions. Every number goes through disclosure control in publish
mode (``<k`` marks), every figure carries alt text.
"""

from __future__ import annotations

import html
import warnings
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import columns as C
from ..errors import AnalysisError

if TYPE_CHECKING:
    from .sections import ScopedStudy

__all__ = ["mechanisms_body", "conditions_body", "added_value_body", "policy_body",
           "qualitative_body", "integration_body", "networks_body"]


def _h3(anchor: str, text: str) -> str:
    return f'<h3 id="{anchor}">{html.escape(text)}</h3>'


def _p(text: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{html.escape(text)}</p>"


def _figure(fig, caption: str | None = None) -> str:
    from .sections import FigureOutput

    return FigureOutput(fig, caption=caption).to_html()


def _scope_all_waves(data: "ScopedStudy"):
    """The scope with every wave (for comparisons with the previous wave)."""
    key = "scope_all_waves"
    if key not in data.cache:
        kwargs = {}
        if data.scope == "situation":
            kwargs["situation"] = data.scope_value
        elif data.scope == "region":
            kwargs["region"] = data.scope_value
        data.cache[key] = data.study.subset(**kwargs) if kwargs else data.study
    return data.cache[key]


def _reliabilities(data: "ScopedStudy", lang: str) -> pd.DataFrame:
    """Reliability of the mechanism scales in each wave of the scope up to this one."""
    from ..quant.reliability import scale_reliabilities

    scope = _scope_all_waves(data)
    inst = data.study.instrument
    scales = [s.id for s in inst.scales if s.block == "mechanism"]
    frames = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for wave in sorted(scope.survey[C.WAVE].dropna().unique()):
            if wave > data.wave:
                continue
            survey = scope.survey[scope.survey[C.WAVE] == wave]
            frame = scale_reliabilities(survey, instrument=inst, scales=scales,
                                        wave=int(wave), lang=lang)
            frames.append(frame.assign(wave=int(wave)))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _survey(data: "ScopedStudy") -> pd.DataFrame:
    return data.data.survey[data.data.survey[C.WAVE] == data.wave]


def _items(data: "ScopedStudy", block: str, *, ordered: bool = True) -> list[str]:
    inst = data.study.instrument
    survey = _survey(data)
    return [i.id for i in inst.items_in_block(block) if i.id in survey.columns
            and i.multi_select is None
            and (not ordered or inst.response_set(i.response_set).ordered)]


def _labels(data: "ScopedStudy", lang: str) -> dict[str, str]:
    inst = data.study.instrument
    out = {s.id: s.label.get(lang) for s in inst.scales}
    out.update({i.id: i.text.get(lang) for i in inst.items})
    if data.study.codebook is not None:
        out.update({c.id: c.label.get(lang) for c in data.study.codebook.codes})
    return out


def _scoped_distribution(data: "ScopedStudy", items: list[str], *, publish: bool
                         ) -> pd.DataFrame:
    """The scope's distribution of ``items``; in publish mode protected across scopes."""
    from ..quant.distributions import distribution
    from .tables import scoped_distribution

    if not publish:
        return distribution(_survey(data), items=items, instrument=data.study.instrument)
    study = data.study
    survey = study.survey[study.survey[C.WAVE] == data.wave]
    groups = [(r.situation, r.id) for r in study.config.regions]
    scope = None if data.scope == "national" else (data.scope, data.scope_value)
    return scoped_distribution(survey, items=items, instrument=study.instrument, groups=groups,
                               scope=scope, min_n=study.min_n)


def _hidden_items(dist: pd.DataFrame) -> list[str]:
    if C.SUPPRESSED not in dist.columns:
        return []
    return sorted(set(dist.loc[dist[C.SUPPRESSED], C.ITEM]))


def _distribution_block(data: "ScopedStudy", items: list[str], *, lang: str, publish: bool,
                        chart_title: str | None = None) -> str:
    from .tables import distribution_html, likert_bars

    if not items:
        return ""
    dist = _scoped_distribution(data, items, publish=publish)
    asked = dist.groupby(C.ITEM)[C.N_ASKED].first()
    if publish and (asked < data.study.min_n).all():
        return _p(f"Minder dan {data.study.min_n} scholen kregen deze vragen: de antwoorden "
                  "worden niet getoond." if lang == "nl" else
                  f"Fewer than {data.study.min_n} schools were asked these questions: the "
                  "answers are not shown.", "isx-note")
    parts = [distribution_html(dist, instrument=data.study.instrument, lang=lang,
                               min_n=data.study.min_n, publish=publish)]
    if not publish or (asked >= data.study.min_n).any():
        # the chart shows what the table shows: hidden cells are left out of the bars
        chart = dist.copy()
        chart[C.COUNT] = chart[C.COUNT].fillna(0)
        parts.append(_figure(likert_bars(chart, instrument=data.study.instrument, lang=lang,
                                         min_n=data.study.min_n, publish=publish,
                                         title=chart_title)))
    return "\n".join(parts)


# --------------------------------------------------------------------------- sections


def mechanisms_body(data: "ScopedStudy", *, lang: str, publish: bool) -> str:
    """Scale reliabilities and means per wave, the change since the previous wave, and the
    answers to every mechanism item."""
    from .tables import reliability_html

    scales = _reliabilities(data, lang)
    parts = [_p("Werkzame mechanismen zijn schalen van meerdere stellingen (1 = helemaal niet, "
                "5 = helemaal van toepassing); de schaalscore is het gemiddelde van de "
                "stellingen. Alpha is Cronbachs alpha (listwise), met het Feldt-interval."
                if lang == "nl" else
                "Working mechanisms are scales of several statements (1 = not at all, "
                "5 = fully applies); a scale score is the mean of its statements. Alpha is "
                "Cronbach's alpha (listwise) with the Feldt interval.")]
    if scales is not None and len(scales) and C.MEAN in scales.columns:
        parts.append(_h3("mechanisms-reliability", "Betrouwbaarheid en gemiddelden"
                         if lang == "nl" else "Reliability and means"))
        parts.append(reliability_html(scales, lang=lang, min_n=data.study.min_n,
                                      publish=publish, hidden=_hidden_scales(data, publish)))
    parts.append(_compare_block(data, lang=lang, publish=publish))
    inst = data.study.instrument
    for scale in (s for s in inst.scales if s.block == "mechanism"):
        items = [i.id for i in inst.scale_items(scale.id) if i.id in _survey(data).columns]
        parts.append(_h3(f"mechanisms-{scale.id}", scale.label.get(lang)))
        parts.append(_distribution_block(data, items, lang=lang, publish=publish,
                                         chart_title=scale.label.get(lang)))
    return "\n".join(p for p in parts if p)


def _scope_display(data: "ScopedStudy") -> pd.DataFrame:
    """The scope's joint display (computed once per supplement)."""
    if "display" not in data.cache:
        from ..integrate import joint_display

        kwargs = {} if data.scope == "national" else {data.scope: data.scope_value}
        data.cache["display"] = joint_display(data.study, wave=data.wave, **kwargs)
    return data.cache["display"]


def _hidden_scales(data: "ScopedStudy", publish: bool) -> set[tuple[int, str]]:
    """(wave, scale) pairs of the scope hidden to protect sibling scopes (same pattern as
    the joint display: :func:`image_synth.render.integration.hidden_rows`)."""
    if not publish or data.scope == "national":
        return set()
    if "hidden_scales" not in data.cache:
        out = set()
        for wave in sorted(data.study.config.waves):
            if wave > data.wave:
                continue
            for row in _hidden_rows(data, wave):
                if row.startswith("scale:"):
                    out.add((int(wave), row.split(":", 1)[1]))
        data.cache["hidden_scales"] = out
    return data.cache["hidden_scales"]


def _hidden_rows(data: "ScopedStudy", wave: int) -> set[str]:
    """Rows of the scope's joint display hidden in ``wave`` to protect sibling scopes
    (:func:`image_synth.render.integration.hidden_rows`; computed once per wave)."""
    key = ("hidden_rows", int(wave))
    if key not in data.cache:
        from .integration import hidden_rows

        data.cache[key] = hidden_rows(data.study, _scope_display(data), wave=wave)
    return data.cache[key]


def _compare_block(data: "ScopedStudy", *, lang: str, publish: bool) -> str:
    from ..quant.compare import compare_waves
    from ..quant.scores import scale_scores
    from .labels import hidden_cell, number

    scope = _scope_all_waves(data)
    waves = sorted(scope.survey[C.WAVE].dropna().unique())
    if len(waves) < 2 or data.wave not in waves or waves.index(data.wave) == 0:
        return ""
    before = waves[waves.index(data.wave) - 1]
    survey = scope.survey[scope.survey[C.WAVE].isin([before, data.wave])]
    scales = [s.id for s in data.study.instrument.scales if s.block == "mechanism"]
    scores = scale_scores(survey, instrument=data.study.instrument, scales=scales)
    try:
        result = compare_waves(scores, value=scales, waves=(before, data.wave),
                               min_n=data.study.min_n)
    except AnalysisError:
        return ""
    min_n = data.study.min_n
    hidden = _hidden_scales(data, publish)
    rows = []
    for r in result.itertuples(index=False):
        small = publish and (r.n_1 < min_n or r.n_2 < min_n
                             or (int(before), r.value) in hidden
                             or (int(data.wave), r.value) in hidden)
        label = html.escape(_labels(data, lang).get(r.value, r.value))
        if not r.n_1 or not r.n_2:
            rows.append(f"<tr><th scope='row'>{label}</th><td colspan='3' class='isx-num'>"
                        + ("niet in beide metingen" if lang == "nl" else "not in both waves")
                        + "</td></tr>")
            continue
        if small:
            rows.append(f"<tr><th scope='row'>{label}</th><td colspan='3' class='isx-num'>"
                        f"{hidden_cell(min_n)}</td></tr>")
            continue
        flag = (" <small>(" + ("samenstelling verschilt" if lang == "nl" else
                               "composition differs") + ")</small>"
                if r.composition_differs else "")
        rows.append(f"<tr><th scope='row'>{label}</th><td class='isx-num'>{int(r.n_1)} / "
                    f"{int(r.n_2)}</td><td class='isx-num'>{number(r.effect_size, lang)} "
                    f"[{number(r.ci_low, lang)}–{number(r.ci_high, lang)}]</td>"
                    f"<td class='isx-num'>{number(r.p_value, lang, 3)}{flag}</td></tr>")
    head = ("schaal", f"n {before} / {data.wave}", "rang-biseriële r [95%-BI]", "p") \
        if lang == "nl" else ("scale", f"n {before} / {data.wave}",
                              "rank-biserial r [95% CI]", "p")
    note = ("Vergelijking met de vorige meting (Mann-Whitney). Let op: de scholen van beide "
            "metingen zijn niet dezelfde; waar de samenstelling verschilt staat dat erbij."
            if lang == "nl" else
            "Comparison with the previous wave (Mann-Whitney). The schools of the two waves "
            "are not the same; where the composition differs, it says so.")
    return (_h3("mechanisms-change", "Verandering sinds de vorige meting" if lang == "nl"
                else "Change since the previous wave") + _p(note) +
            "<table class='isx-table'><thead><tr>" +
            "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in head) +
            "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def conditions_body(data: "ScopedStudy", *, lang: str, publish: bool) -> str:
    """The condition items: mean and top-two share, and their answers."""
    from ..quant.distributions import item_summary
    from .tables import summary_html

    items = _items(data, "condition")
    if not items:
        return _p("Geen condities gemeten." if lang == "nl" else "No conditions measured.")
    summary = item_summary(_survey(data), items=items, instrument=data.study.instrument)
    hidden = _hidden_items(_scoped_distribution(data, items, publish=publish))
    return "\n".join([
        _p("Condities zijn losse stellingen; 'weet niet' telt niet mee in het gemiddelde."
           if lang == "nl" else "Conditions are single statements; 'don't know' is not "
           "counted in the mean."),
        summary_html(summary, instrument=data.study.instrument, lang=lang,
                     min_n=data.study.min_n, publish=publish, hidden_items=hidden),
        _distribution_block(data, items, lang=lang, publish=publish)])


def added_value_body(data: "ScopedStudy", *, lang: str, publish: bool) -> str:
    """Satisfaction, yields, and the association of mechanisms and conditions with them."""
    from ..quant.association import answered_variables, associations
    from .tables import association_html

    parts = []
    satisfaction = _items(data, "satisfaction")
    if satisfaction:
        parts.append(_h3("added-value-satisfaction", "Tevredenheid over de samenwerking"
                         if lang == "nl" else "Satisfaction with the collaboration"))
        parts.append(_distribution_block(data, satisfaction, lang=lang, publish=publish))
    yields = _items(data, "yield")
    if yields:
        parts.append(_h3("added-value-yields", "Opbrengsten" if lang == "nl" else "Yields"))
        parts.append(_distribution_block(data, yields, lang=lang, publish=publish))
    survey = _survey(data)
    inst = data.study.instrument
    predictors = answered_variables(survey, instrument=inst, names=[
        *(s.id for s in inst.scales if s.block == "mechanism"), *_items(data, "condition")])
    outcomes = answered_variables(survey, instrument=inst, names=satisfaction + yields)
    assoc = None
    if predictors and outcomes:
        try:
            assoc = associations(survey, instrument=inst, predictors=predictors,
                                 outcomes=outcomes, min_n=data.study.min_n)
        except AnalysisError:
            assoc = None
        if assoc is not None and len(assoc):
            parts.append(_h3("added-value-association", "Samenhang met tevredenheid en "
                             "opbrengsten" if lang == "nl" else
                             "Association with satisfaction and yields"))
            parts.append(_p("Spearmans rangcorrelatie met 95%-betrouwbaarheidsinterval "
                            "(Bonett-Wright)." if lang == "nl" else
                            "Spearman's rank correlation with a 95% confidence interval "
                            "(Bonett-Wright)."))
            parts.append(association_html(assoc, labels=_labels(data, lang), lang=lang,
                                          min_n=data.study.min_n, publish=publish))
    return "\n".join(p for p in parts if p) or _p(
        "Geen gegevens." if lang == "nl" else "No data.")


def policy_body(data: "ScopedStudy", *, lang: str, publish: bool) -> str:
    """School board and samenwerkingsverband: policy agreements, stimulation, support."""
    headings = {"board": ("Schoolbestuur", "School board"),
                "swv": ("Samenwerkingsverband", "Samenwerkingsverband"),
                "stimulation": ("Stimulering", "Stimulation"),
                "support": ("Tevredenheid over ondersteuning", "Satisfaction with support")}
    parts = []
    for block, (nl, en) in headings.items():
        items = _items(data, block, ordered=False)
        if items:
            parts.append(_h3(f"policy-{block}", nl if lang == "nl" else en))
            parts.append(_distribution_block(data, items, lang=lang, publish=publish))
    return "\n".join(parts) or _p("Geen gegevens." if lang == "nl" else "No data.")


def qualitative_body(data: "ScopedStudy", *, lang: str, publish: bool) -> str:
    """Factors from the interviews: k of N sources per wave and the change class."""
    from ..qual import change_between_waves
    from .tables import change_html

    scope = _scope_all_waves(data)
    interviews = scope.sources[scope.sources[C.SOURCE_TYPE] == "interview"]
    waves = sorted(interviews[C.WAVE].dropna().unique())
    if data.wave not in waves:
        return _p("Geen interviews in deze meting." if lang == "nl" else
                  "No interviews in this wave.")
    earlier = [w for w in waves if w < data.wave]
    if not earlier:
        return _p("Geen eerdere meting om mee te vergelijken." if lang == "nl" else
                  "No earlier wave to compare with.")
    change = change_between_waves(scope.segments, scope.sources,
                                  codebook=data.study.codebook,
                                  waves=(int(earlier[-1]), int(data.wave)),
                                  source_types="interview", language=lang)
    parents = {c.parent for c in data.study.codebook.codes}
    parts = [_p("Aantal interviews met projectleiders dat een factor noemt (een factor telt "
                "één keer per interview), en de verandering volgens de regels hieronder."
                if lang == "nl" else "Interviews with project leaders mentioning a factor "
                "(once per interview), and the change by the rules below.")]
    categories = (("working_factor", "Werkzame factoren", "Working factors"),
                  ("hindering_factor", "Belemmerende factoren", "Hindering factors"),
                  ("condition", "Condities", "Conditions"),
                  ("process_yield", "Opbrengsten (proces)", "Yields (process)"),
                  ("result_yield", "Opbrengsten (resultaat)", "Yields (results)"))
    for category, nl, en in categories:
        codes = [c.id for c in data.study.codebook.codes
                 if c.category == category and c.id not in parents]
        part = change[change[C.CODE].isin(codes)]
        if len(part):
            parts.append(_h3(f"qualitative-{category}", nl if lang == "nl" else en))
            part = part.copy()
            part.attrs = {}
            parts.append(change_html(part, labels=_labels(data, lang), lang=lang))
    rules = html.escape(change.attrs.get("rules", "")).replace("\n", "<br>")
    parts.append(f'<p class="isx-note">{rules}</p>')
    return "\n".join(parts)


def integration_body(data: "ScopedStudy", *, lang: str, publish: bool) -> str:
    """The joint display of the scope, the national heatmap, the CMO table, the evidence
    map and the meta-inferences."""
    from ..integrate import cmo_table, evidence_map, joint_display, meta_inference_table
    from .integration import (
        cmo_html,
        evidence_heatmap,
        hidden_rows,
        joint_display_html,
        joint_heatmap,
        meta_inferences_html,
    )

    study, min_n = data.study, data.study.min_n
    scope_kw: dict[str, Any] = {}
    if data.scope == "situation":
        scope_kw["situation"] = data.scope_value
    elif data.scope == "region":
        scope_kw["region"] = data.scope_value
    display = _scope_display(data)
    extra = _hidden_rows(data, data.wave) if publish else set()
    previous = display.attrs.get("previous_wave")
    previous_extra = (_hidden_rows(data, previous)
                      if publish and previous is not None else set())
    parts = [_h3("integration-joint-display", "Joint display" if lang == "en" else
                 "Joint display: mechanismen en condities naast ervaren meerwaarde"),
             _p("Per werkzaam mechanisme en conditie: de vragenlijst (gemiddelde met 95%-"
                "interval, n, aandeel 4-5), de interviews (k van N, verandering), de "
                "reflectiebijeenkomsten, literatuur en andere studies, de samenhang met "
                "tevredenheid, een citaat en de convergentie van vragenlijst en interviews."
                if lang == "nl" else
                "Per working mechanism and condition: the survey (mean with 95% interval, n, "
                "share 4-5), the interviews (k of N, change), the reflection meetings, "
                "literature and other studies, the association with satisfaction, a quote "
                "and the convergence of survey and interviews."),
             joint_display_html(display, lang=lang, min_n=min_n, publish=publish,
                                extra_hidden=extra, previous_hidden=previous_extra)]
    if data.scope == "national":
        frames = []
        for level in study.config.situations:
            frame = joint_display(study, wave=data.wave, situation=level.id, quotes=False)
            hide = hidden_rows(study, frame) if publish else set()
            frames.append(frame.assign(hidden_by_scope=frame["row_id"].isin(hide)))
        stacked = pd.concat(frames, ignore_index=True)
        parts.append(_figure(joint_heatmap(stacked, lang=lang, min_n=min_n, publish=publish)))
    if data.scope != "region":
        table = cmo_table(study, wave=data.wave, lang=lang, **scope_kw)
        parts += [_h3("integration-cmo", "Context, mechanisme, uitkomst" if lang == "nl"
                      else "Context, mechanism, outcome"),
                  cmo_html(table, lang=lang, min_n=min_n, publish=publish, extra_hidden=extra)]
    evidence = evidence_map(_scope_all_waves(data), wave=data.wave)
    if len(evidence):
        parts += [_h3("integration-evidence-map", "Evidence map"),
                  _figure(evidence_heatmap(evidence, lang=lang, min_n=min_n, publish=publish))]
    metas = meta_inference_table(study, situation=data.scope_value
                                 if data.scope == "situation" else None)
    if len(metas) and data.scope != "region":
        parts += [_h3("integration-meta", "Meta-inferenties" if lang == "nl"
                      else "Meta-inferences"), meta_inferences_html(metas, lang=lang)]
    return "\n".join(parts)


def networks_body(data: "ScopedStudy", *, lang: str, publish: bool) -> str:
    """The network drawings of the scope's reflection meetings, with their measures."""
    from ..network import classification_rules, measures
    from ..network.plot import plot_drawings
    from .tables import measures_html

    drawings = [d for d in data.data.drawings]
    if not drawings:
        return _p("Geen netwerktekeningen in deze selectie." if lang == "nl" else
                  "No network drawings in this selection.")
    frame = measures(drawings)
    parts = [_p("Rood: intensief contact; groen: besluitvorming; blauw: initiatief."
                if lang == "nl" else "Red: intensive contact; green: decision making; "
                "blue: initiative."),
             _figure(plot_drawings(drawings, lang=lang, ncols=min(4, len(drawings)))),
             measures_html(frame, lang=lang),
             _p(classification_rules(lang=lang), "isx-note")]
    return "\n".join(parts)
