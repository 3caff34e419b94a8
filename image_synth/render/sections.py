"""The sections of the HTML supplement: one function per section of the report.

The supplement notebook (``notebooks/supplement.ipynb``) holds no logic: it computes a
scope's results once and shows one section per cell::

    results = image_synth.compute(study, scope="region", scope_value="C")  # latest wave
    sections.response(results, lang="nl")

Every section function has the signature ``name(results, *, lang="nl")`` and returns a
:class:`Section`, which Jupyter shows as HTML (``_repr_html_``) with the same tables and
figures as the published page (:func:`page_style` gives the page's CSS to a notebook).
Each section starts with an ``<h2>`` whose ``id`` is the section's name (the page's table
of contents is built from the headings that carry an ``id``). What is hidden was decided
by the results (:mod:`image_synth.results`); sections only format in the page's language.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..options import LANGUAGES, check_option
from .common import answer_label, answer_range, study_word
from .figures import FigureOutput, likert_bars
from .table import Table, page_style
from .words import word

if TYPE_CHECKING:
    from ..results import ScopeResults

__all__ = ["SECTIONS", "Section", "HTMLBlock", "FigureOutput", "page_style", "title",
           "response", "situations", "mechanisms", "conditions", "added_value", "policy",
           "qualitative", "integration", "networks", "methods", "scope_label"]

#: The sections in the order of the report (and of the notebook).
SECTIONS = ("response", "situations", "mechanisms", "conditions", "added_value", "policy",
            "qualitative", "integration", "networks", "methods")


@dataclass
class Section:
    """One section of the supplement: an ``<h2>`` heading and its parts (HTML text,
    :class:`~image_synth.render.table.Table` and
    :class:`~image_synth.render.figures.FigureOutput` objects).

    ``section.tables`` are the tables it shows; each has the frame-derived cells, so
    ``section.hidden()`` counts hidden cells from the cells, not the HTML.
    """

    id: str
    title: str
    parts: list[Any] = field(default_factory=list)

    @property
    def tables(self) -> list[Table]:
        return [p for p in self.parts if isinstance(p, Table)]

    @property
    def figures(self) -> list[FigureOutput]:
        return [p for p in self.parts if isinstance(p, FigureOutput)]

    def hidden(self) -> dict[str, int]:
        out = {"primary": 0, "complementary": 0}
        for t in self.tables:
            for state, n in t.hidden().items():
                out[state] += n
        return out

    def to_html(self) -> str:
        body = "\n".join(p if isinstance(p, str) else p.to_html() for p in self.parts if p)
        return (f'<section class="isx-section" data-section="{self.id}">\n'
                f'<h2 id="{self.id}">{html.escape(self.title)}</h2>\n{body}\n</section>')

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"<Section {self.id}: {self.title}>"


@dataclass(frozen=True)
class HTMLBlock:
    """Plain HTML without a section heading (the page title, the page's CSS)."""

    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return "<HTMLBlock>"


def _h3(anchor: str, text: str) -> str:
    return f'<h3 id="{anchor}">{html.escape(text)}</h3>'


def _p(text: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{html.escape(text)}</p>"


def _section(results: "ScopeResults", name: str, lang: str, parts: list,
             heading: str | None = None) -> Section:
    check_option("lang", lang, LANGUAGES)
    section = Section(name, heading or study_word(results.study, f"section_{name}", lang),
                      [p for p in parts if p])
    for table in section.tables:
        results.record_shown(table.id, table.hidden())
    return section


def scope_label(results: "ScopeResults", lang: str) -> str:
    """``landelijk`` / the situation's label / ``regio C``."""
    from .common import region_named, situation_label

    scope = results.scope
    if scope.kind == "national":
        return word("national", lang)
    if scope.kind == "situation":
        return situation_label(results.study, scope.value, lang)
    return region_named(results.study, scope.value, lang)


# --------------------------------------------------------------------------- sections

def title(results: "ScopeResults", *, lang: str = "nl") -> HTMLBlock:
    """The page title: study, scope and wave, and the not-for-publication banner."""
    check_option("lang", lang, LANGUAGES)
    cfg = results.study.config
    scope = scope_label(results, lang)
    subtitle = word("subtitle", lang, scope=scope, wave=results.wave)
    name = cfg.name_in(lang)
    # the page's <title> (publish/html.py takes it from here): the name in the page's
    # language where the study gives one, else its own, marked with its language
    page_title = html.escape(f"{name} · {scope} · {results.wave}", quote=True)
    parts = [f'<h1 class="isx-title" lang="{cfg.name_language(lang)}" '
             f'data-isx-page-title="{page_title}">{html.escape(name)}</h1>',
             f'<p class="isx-subtitle">{html.escape(subtitle)}</p>']
    if not results.publish:
        parts.append(f'<p class="isx-banner isx-notebook-only" role="note">'
                     f'{html.escape(word("not_for_publication", lang, k=results.min_n))}</p>')
    if cfg.synthetic:
        parts.append(_p(word("synthetic", lang), "isx-note"))
    return HTMLBlock("\n".join(parts))


def response(results: "ScopeResults", *, lang: str = "nl") -> Section:
    """Response and school characteristics: schools per group and their collaboration
    status (national: situations, and regions when they can be shown; a situation: its
    regions; a region: its sectors)."""
    from .tables import response_table

    table = response_table(results, lang)
    if table is None:
        return _section(results, "response", lang, [_p(word("no_respondents", lang))])
    return _section(results, "response", lang, [table])


def situations(results: "ScopeResults", *, lang: str = "nl") -> Section:
    """The collaboration situation(s) of the scope, with their regions and sectors (in a
    study without situations: one sentence saying so, and the regions)."""
    from .common import (level_heading, level_word, region_label, region_named,
                         sector_label, situation_label)
    from ..results.scope import hierarchy

    study = results.study
    h = hierarchy(study)
    scope = results.scope
    if not study.config.situations:
        level = level_word(study, "region", lang)
        if scope.kind == "region":
            text = word("region_no_situation", lang, region=region_named(study, scope.value,
                                                                         lang))
        else:
            text = word("no_situations", lang, level=level, names=", ".join(
                region_label(study, r, lang) for r in h.region_ids))
        parts = [_p(text)]
        region = study.config.region(scope.value) if scope.kind == "region" else None
        if region is not None and region.sectors:
            names = ", ".join(sector_label(study, s, lang) for s in region.sectors)
            parts.append(_p(f"{word('sectors_label', lang)}: {names}"))
        return _section(results, "situations", lang, parts, word("section_grouping", lang))
    level = level_word(study, "situation", lang)
    heading = level_heading(study, "situation", lang, "section_situations") \
        if scope.kind == "national" else level[:1].upper() + level[1:]
    if scope.kind == "region":
        region = study.config.region(scope.value)
        named = region_named(study, region.id, lang)
        parts = [_p(word("situation_of", lang, region=named[:1].upper() + named[1:],
                         level=level,
                         situation=situation_label(study, region.situation, lang)))]
        if region.sectors:
            names = ", ".join(sector_label(study, s, lang) for s in region.sectors)
            parts.append(_p(f"{word('sectors_label', lang)}: {names}"))
        return _section(results, "situations", lang, parts, heading)
    levels = [s for s in h.situations if scope.kind == "national" or s == scope.value]
    items = []
    for s in levels:
        regions = [region_label(study, r, lang) for r in h.regions[s]]
        items.append(f"<li><strong>{html.escape(situation_label(study, s, lang))}</strong> "
                     f"({html.escape(word('n_regions', lang, n=len(regions)))}: "
                     f"{html.escape(', '.join(regions))})</li>")
    return _section(results, "situations", lang, ["<ul>\n" + "\n".join(items) + "\n</ul>"],
                    heading)


def _distribution_parts(results: "ScopeResults", items: list[str], lang: str, *, key: str,
                        title: str | None = None) -> list:
    """An answer table, its chart (or a sentence when there is nothing to draw)."""
    from .common import item_label
    from .tables import distribution_columns, distribution_table

    if not items:
        return []
    table = distribution_table(results, items, lang, key=key)
    dist = results.distribution(items)
    heads, numeric, other = distribution_columns(results, dist, lang)
    fig = likert_bars(dist, item_labels={i: item_label(results.study, i, lang) for i in items},
                      column_labels=numeric, non_numeric_labels=other, lang=lang,
                      min_n=results.min_n, title=title)
    if fig is None:
        return [table, _p(study_word(results.study, "chart_nothing_to_draw", lang, k=results.min_n), "isx-note")]
    totals = dist[dist["column"] == 0]
    ns = sorted({int(n) for n, h in zip(totals["count"], totals["hidden"]) if not h})
    n_text = (str(ns[0]) if len(ns) == 1 else f"{ns[0]}–{ns[-1]}") if ns else "–"
    caption = study_word(results.study, "likert_caption", lang, n=n_text, k=results.min_n)
    return [table, FigureOutput(fig, caption=caption)]


def mechanisms(results: "ScopeResults", *, lang: str = "nl") -> Section:
    """Working mechanisms: scale reliabilities and means per wave, the change since the
    previous wave, and the answers to every mechanism item."""
    from .common import scale_label
    from .tables import reliability_table, wave_change_table

    groups = results.table_items("mechanism")
    table = reliability_table(results, lang)
    if table is None and not groups:
        return _section(results, "mechanisms", lang, [_p(word("no_mechanisms", lang))])
    inst = results.study.instrument
    items = [i for g in groups.values() for i in g] or [i.id for i in inst.items if i.scale]
    spans = {_answer_ends(results, i, lang) for i in items}
    span = spans.pop() if len(spans) == 1 else ""   # scales on other answers: no range
    parts: list = [_p(word("mechanisms_intro", lang, span=f" ({span})" if span else ""))]
    if table is not None:
        parts += [_h3("mechanisms-reliability", word("reliability_heading", lang)), table,
                  _p(study_word(results.study, "two_means_note", lang), "isx-note")]
    change = wave_change_table(results, lang)
    if change is not None:
        parts += [_h3("mechanisms-change", word("wave_change_heading", lang)), change]
    scales = {s.id for s in inst.scales}
    unscaled = [key for key in groups if key not in scales]
    for key, items in groups.items():
        if key in scales:
            label = scale_label(results.study, key, lang)
        else:  # items of no scale, grouped by their response set: never the set's id
            label = word("heading_unscaled", lang)
            if len(unscaled) > 1:
                label += f" ({_answer_span(results, items[0], lang)})"
        parts.append(_h3(f"mechanisms-{key}", label))
        parts += _distribution_parts(results, items, lang, key=f"mechanism-{key}", title=label)
    return _section(results, "mechanisms", lang, parts)


def _answer_ends(results: "ScopeResults", item: str, lang: str) -> str:
    """``1 = helemaal niet, 5 = helemaal van toepassing``: an item's lowest and highest
    numeric answer with their labels."""
    ends = answer_range(results.study, item)
    return ", ".join(f"{c} = {answer_label(results.study, item, c, lang)}"
                     for c in ends) if ends else ""


def _answer_span(results: "ScopeResults", item: str, lang: str) -> str:
    """``helemaal niet – helemaal wel``: the labels of an item's lowest and highest
    numeric answer."""
    ends = answer_range(results.study, item)
    return " – ".join(answer_label(results.study, item, c, lang)
                      for c in ends) if ends else ""


def conditions(results: "ScopeResults", *, lang: str = "nl") -> Section:
    """Conditions: mean and interval of each condition statement, and their answers."""
    from .tables import condition_summary_table

    groups = results.table_items("condition", ordered=True)
    if not groups:
        return _section(results, "conditions", lang, [_p(word("no_conditions", lang))])
    parts: list = [_p(word("conditions_intro", lang)), condition_summary_table(results, lang)]
    for key, items in groups.items():
        parts += _distribution_parts(results, items, lang, key=f"condition-{key}")
    return _section(results, "conditions", lang, parts)


def added_value(results: "ScopeResults", *, lang: str = "nl") -> Section:
    """Perceived added value: satisfaction and yields, and their association with the
    mechanisms and conditions."""
    from .tables import association_table

    parts: list = []
    for block in ("satisfaction", "yield"):
        groups = results.table_items(block, ordered=True)
        if groups:
            parts.append(_h3(f"added-value-{block}", word(f"heading_{block}", lang)))
            for key, items in groups.items():
                parts += _distribution_parts(results, items, lang, key=f"{block}-{key}")
    table = association_table(results, lang)
    if table is not None:
        parts += [_h3("added-value-association", word("association_heading", lang)), table]
    return _section(results, "added_value", lang, parts or [_p(word("no_data", lang))])


def policy(results: "ScopeResults", *, lang: str = "nl") -> Section:
    """Policy level and stimulation: school board and samenwerkingsverband."""
    parts: list = []
    for block in ("board", "swv", "stimulation", "support"):
        groups = results.table_items(block)
        if groups:
            parts.append(_h3(f"policy-{block}", word(f"heading_{block}", lang)))
            for key, items in groups.items():
                parts += _distribution_parts(results, items, lang, key=f"{block}-{key}")
    return _section(results, "policy", lang, parts or [_p(word("no_data", lang))])


def qualitative(results: "ScopeResults", *, lang: str = "nl") -> Section:
    """Factors from the interviews: k of N interviews per wave and the change class."""
    from .tables import change_rules_text, interview_change_tables

    change = results.interview_change
    reason = change.attrs.get("reason")
    if reason:
        return _section(results, "qualitative", lang, [_p(word(f"qual_{reason}", lang))])
    parts: list = [_p(word("qualitative_intro", lang))]
    for category, table in interview_change_tables(results, lang):
        parts += [_h3(f"qualitative-{category}", word(f"category_{category}", lang)), table]
    parts.append(_p(change_rules_text(results, lang), "isx-note"))
    return _section(results, "qualitative", lang, parts)


def integration(results: "ScopeResults", *, lang: str = "nl") -> Section:
    """The joint display of the scope, the national heatmap, the CMO table, the evidence
    map and the meta-inferences."""
    from .common import level_word
    from .integration import (
        cmo_table,
        evidence_heatmap,
        heatmap_range,
        joint_display_table,
        joint_heatmap,
        meta_inference_table,
    )

    parts: list = [_h3("integration-joint-display", word("joint_heading", lang))]
    if results.joint_display.empty:   # no scale, condition or code linked to a factor
        parts.append(_p(word("joint_no_rows", lang)))
    else:
        parts += [_p(word("joint_intro", lang)), joint_display_table(results, lang)]
    if results.scope.kind == "national":
        fig = joint_heatmap(results, lang)
        if fig is not None:
            from .labels import number

            lo, hi = heatmap_range(results)
            parts.append(FigureOutput(fig, caption=study_word(
                results.study, "heatmap_caption", lang, k=results.min_n, lo=number(lo, lang, 0),
                hi=number(hi, lang, 0), level=level_word(results.study, "situation", lang))))
        elif not results.study.config.situations:
            parts.append(_p(word("heatmap_needs_situations", lang,
                                 level=level_word(results.study, "region", lang)), "isx-note"))
    table = cmo_table(results, lang)
    if table is not None:
        parts += [_h3("integration-cmo", word("cmo_heading", lang)), table]
    fig = evidence_heatmap(results, lang)
    if fig is not None:
        parts += [_h3("integration-evidence-map", word("evidence_heading", lang)),
                  FigureOutput(fig, caption=study_word(results.study, "evidence_caption", lang))]
    table = meta_inference_table(results, lang)
    if table is not None:
        parts += [_h3("integration-meta", word("meta_heading", lang)), table]
    return _section(results, "integration", lang, parts)


def networks(results: "ScopeResults", *, lang: str = "nl") -> Section:
    """The network drawings of the scope's reflection meetings, with their measures."""
    from ..network.measures import CLASSIFICATION_DEFAULTS
    from ..network.plot import plot_drawings
    from .labels import number, percent
    from .tables import network_measures_table

    drawings = results.drawings()
    if not drawings:
        return _section(results, "networks", lang, [_p(word("no_drawings", lang))])
    p = CLASSIFICATION_DEFAULTS
    rules = word("network_rules", lang, components=p["fragmented_components"],
                 isolated=percent(p["fragmented_isolated_share"], lang),
                 centralisation=number(p["star_centralisation"], lang),
                 hub=percent(p["star_hub_share"], lang))
    fig = plot_drawings(drawings, lang=lang, ncols=min(4, len(drawings)),
                        places={d.meeting: drawing_place(results, d, lang) for d in drawings})
    # parties named in another language (a study that gives one name per party): said
    # once, as quotes in the study's language are
    others = sorted(party_languages(results, drawings, lang) - {lang})
    names = (_p(word("network_labels_in_language", lang, language=" / ".join(
        word(f"language_{x}", lang) for x in others)), "isx-note") if others else "")
    return _section(results, "networks", lang, [
        _p(word("network_colours", lang)), names,
        FigureOutput(fig, caption=word("networks_figure_caption", lang, n=len(drawings))
                     if len(drawings) > 1 else word("networks_figure_caption_one", lang)),
        network_measures_table(results, lang), _p(rules, "isx-note")])


def party_languages(results: "ScopeResults", drawings, lang: str) -> set[str]:
    """The languages the drawings' party names are shown in on a ``lang`` page: a plain
    label is in the study's language, a label per language in ``lang`` where it has
    one."""
    from ..network.drawings import party_label_language

    study_lang = results.study.config.language
    return {party_label_language(d, p, lang) or study_lang
            for d in drawings for p in d.parties}


def drawing_place(results: "ScopeResults", drawing, lang: str) -> str:
    """Where a drawing comes from in the reader's words: the study's names of its
    situation and region, and its wave (``binnen po · regio C · 2023``); never the
    meeting's id."""
    from .common import region_label, situation_label

    study = results.study
    parts = []
    if drawing.situation:
        try:
            parts.append(situation_label(study, drawing.situation, lang))
        except KeyError:  # a situation the study does not name: its words as written
            parts.append(str(drawing.situation).replace("_", " "))
    if drawing.region:
        try:
            name = region_label(study, drawing.region, lang)
        except KeyError:
            name = str(drawing.region)
        parts.append(word("region_named", lang, name=name))
    if drawing.wave:
        parts.append(str(drawing.wave))
    return " · ".join(parts) or word("net_drawing", lang)


def methods(results: "ScopeResults", *, lang: str = "nl") -> Section:
    """Methods and provenance: study, scope, sources, publication rule, input hashes."""
    from .. import __version__
    from .tables import inputs_table, sources_table

    cfg = results.study.config
    rule = (word("disclosure_text", lang, k=results.min_n) if results.publish
            else word("disclosure_off", lang))
    facts = [(word("study", lang), cfg.name_in(lang)),
             (word("scope", lang), f"{scope_label(results, lang)} · "
                                   f"{word('wave', lang)} {results.wave}"),
             (word("disclosure", lang), rule),
             (word("software", lang), f"image_synth {__version__}")]
    facts_html = ['<dl class="isx-facts">']
    facts_html += [f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in facts]
    facts_html.append("</dl>")
    sources = sources_table(results, lang)
    return _section(results, "methods", lang, [
        _p(word("method_text", lang)), "\n".join(facts_html),
        _h3("methods-sources", word("sources", lang)),
        sources if sources is not None else _p(word("no_sources", lang)),
        _h3("methods-inputs", word("inputs", lang)), inputs_table(results, lang)])


def notebook_style() -> HTMLBlock:
    """The page's CSS for a notebook (the published page has it in its head)."""
    return HTMLBlock(page_style())
