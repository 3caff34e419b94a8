"""The integration displays as a reader sees them: the joint display, the national
heatmap, the context-mechanism-outcome table, the evidence map and the meta-inferences.

Every function takes a scope's results and the page's language; hidden numbers are
already blanked in the frames (:mod:`image_synth.disclosure.siblings`).
"""

from __future__ import annotations

import html
import textwrap
from typing import TYPE_CHECKING

import numpy as np

from .. import columns as C
from ..integrate.convergence import ConvergenceRules
from .common import (
    fmt_interval,
    hidden_notes,
    level_word,
    region_named,
    situation_label,
    stat_cell,
    study_word,
)
from .labels import hidden_cell, integer, number, percent
from .table import Cell, Row, Table
from .words import word

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..results import ScopeResults

__all__ = ["joint_display_table", "convergence_rules_text", "joint_heatmap", "heatmap_range",
           "cmo_table",
           "evidence_heatmap", "meta_inference_table", "source_description"]


def _row_label(r, lang: str) -> str:
    return getattr(r, f"label_{lang}")


def source_description(results: "ScopeResults", source_id: str, lang: str) -> str:
    """``interview, regio G, 2023`` for a source id (the id itself stays off the page)."""
    sources = results.study.sources.set_index(C.SOURCE_ID)
    if source_id not in sources.index:
        return word("source_unknown", lang)
    s = sources.loc[source_id]
    parts = [word(f"source_{s[C.SOURCE_TYPE]}_one", lang)]
    region = s.get(C.REGION)
    if isinstance(region, str) and region:
        parts.append(region_named(results.study, region, lang))
    if s.get(C.WAVE) == s.get(C.WAVE):
        parts.append(str(int(s[C.WAVE])))
    return ", ".join(parts)


def _details_html(results: "ScopeResults", r, lang: str, other: str) -> str:
    """The row's details, opened on demand: literature and other studies, the quote."""
    parts = [f"<p>{html.escape(word('other', lang))}: {html.escape(other)}</p>"]
    quote = getattr(r, C.QUOTE, "")
    if isinstance(quote, str) and quote:
        quote_lang = results.study.config.language
        source = source_description(results, r.quote_source_id, lang)
        if r.quote_synthetic:
            source += " · " + word("synthetic_quote", lang)
        parts.append(f'<blockquote lang="{quote_lang}">{html.escape(quote)}</blockquote>'
                     f'<p class="isx-note">{html.escape(source)}</p>')
    summary = word("joint_details", lang, factor=_row_label(r, lang))
    return f"<details><summary>{html.escape(summary)}</summary>{''.join(parts)}</details>"


def _hidden_part(k: int, state: str, lang: str, *, statistic: bool = False) -> str:
    """The mark of a hidden part of a shown cell, in its ``data-hidden`` span."""
    return (f'<span data-hidden="{state}">'
            f"{hidden_cell(k, state, statistic=statistic, lang=lang)}</span>")


def _survey_cell(r, k: int, lang: str) -> Cell:
    """Mean [CI], n and the share in the top two answers, then the previous wave.

    A hidden part is named and shows its mark as every hidden cell of the page does:
    ``95%-BI: †`` and ``n: †`` for parts hidden to protect another cell (the table's
    footnote explains the mark), ``n < k`` for an n below k; never a bare mark behind
    the mean (``3,9 †`` would read as a footnote to the mean) or ``n = †``."""
    if r.hidden_survey:
        return stat_cell("", r.hidden_survey, min_n=k, lang=lang)
    if not (r.n and r.n > 0):
        return Cell("–")
    inner = []
    mean = number(r.mean, lang, int(r.mean_digits))
    hi = int(r.scale_max) if r.scale_max == r.scale_max else 5
    top = ""
    if r.share_top2 == r.share_top2 and not r.hidden_ci:  # a share would help solve too
        top = f"{html.escape(percent(r.share_top2, lang))} {hi - 1}–{hi}"
    if r.hidden_n == "primary":
        n_text = _hidden_part(k, "primary", lang, statistic=True)   # "n < 5"
    elif r.hidden_n:
        n_text = f"n: {_hidden_part(k, r.hidden_n, lang)}"
    else:
        n_text = f"n = {integer(r.n, lang)}"
    if r.hidden_n:
        inner.append(r.hidden_n)
    if r.hidden_ci:
        inner.append(r.hidden_ci)
        ci = html.escape(word("ci95", lang))
        text = f"{mean}<br><small>{ci}: {_hidden_part(k, r.hidden_ci, lang)} · {n_text}"
    else:
        text = f"{mean} {fmt_interval(r.ci_low, r.ci_high, lang)}<br><small>{n_text}"
    text += (f" · {top}" if top else "") + "</small>"
    previous = ""
    if r.hidden_previous:
        inner.append(r.hidden_previous)
        previous = _hidden_part(k, r.hidden_previous, lang, statistic=True)
    elif r.n_previous and r.n_previous > 0:
        previous = (f"{number(r.mean_previous, lang)} (n = {integer(r.n_previous, lang)})")
    if previous:
        text += f"<br><small>{html.escape(word('previous_short', lang))}: {previous}</small>"
    return Cell(text, inner=tuple(inner))


def joint_display_table(results: "ScopeResults", lang: str) -> Table:
    """The side-by-side joint display: factor, survey (with the previous wave),
    interviews, meetings, association with satisfaction and convergence in view; other
    sources and the quote in an expandable row below each factor."""
    shown = results.joint_display
    k = results.min_n
    rows = []
    small_rho: list[Cell] = []      # correlations not shown: fewer than 10 respondents
    hidden_survey_any = False
    for r in shown.itertuples(index=False):
        factor = (f"{html.escape(_row_label(r, lang))}<br><small>"
                  f"{html.escape(word(f'kind_{r.row_kind}', lang))}</small>")
        hidden_survey_any |= bool(r.hidden_survey)
        survey = _survey_cell(r, k, lang)
        if r.n_sources:
            text = html.escape(word("k_of_n", lang, k=integer(r.k_sources, lang),
                                    n=integer(r.n_sources, lang)))
            if isinstance(r.change, str):
                text += f"<br><small>{html.escape(word(f'change_{r.change}', lang))}</small>"
            interviews = Cell(text)
        else:
            interviews = Cell("–")
        meetings = (Cell(html.escape(word("k_of_n", lang, k=integer(r.meetings_k, lang),
                                          n=integer(r.meetings_n, lang))))
                    if r.meetings_n else Cell("–"))
        other = ", ".join(word(f"source_{kind}", lang) for kind in ("literature",
                                                                    "external_study")
                          if getattr(r, kind)) or "–"
        assoc = _assoc_cell(r, k, lang, small_rho, publish=results.publish)
        conv = r.conv_survey_interviews
        if r.hidden_survey:
            conv_cell = Cell(html.escape(word("conv_not_shown", lang)), numeric=False,
                             cls="isx-conv conv-silence")
        elif isinstance(conv, str):
            text = html.escape(word(f"conv_{conv}", lang))
            if r.conv_survey_interviews_set_by == "analyst":
                text += (f'*<br><small lang="{results.study.config.language}">'
                         f"{html.escape(r.conv_survey_interviews_rationale)}</small>")
            conv_cell = Cell(text, numeric=False, cls=f"isx-conv conv-{conv}")
        else:
            conv_cell = Cell("–", numeric=False, cls="isx-conv")
        rows.append(Row(factor, [survey, interviews, meetings, assoc, conv_cell],
                        detail=_details_html(results, r, lang, other)))
    notes = [convergence_rules_text(results, lang)]
    states = {(s, s == "primary") for row in rows for c in row.cells
              for s in (c.state, *c.inner) if s and not any(c is x for x in small_rho)}
    notes += hidden_notes(states, min_n=k, lang=lang)
    if small_rho:
        notes.append(word("note_small_n_correlation", lang,
                          mark=word("mark_small_n", lang, k=max(k, _min_n_correlation())),
                          k=max(k, _min_n_correlation())))
    if hidden_survey_any:
        notes.append(word("conv_not_shown_note", lang))
    if (shown["conv_survey_interviews_set_by"] == "analyst").any():
        notes.append("* " + word("conv_analyst", lang))
    if results.study.config.language != lang and shown[C.QUOTE].astype(bool).any():
        notes.append(word("quotes_in_language", lang,
                          language=word(f"language_{results.study.config.language}", lang)))
    return Table(f"joint-{results.scope.kind}",
                 [word("factor", lang), word("survey", lang), word("interviews", lang),
                  word("meetings", lang), word("added_value", lang),
                  word("convergence", lang)], rows,
                 kind="isx-joint", caption=word("joint_caption", lang), notes=notes)


def _assoc_cell(r, k: int, lang: str, small_rho: list, *, publish: bool = True) -> Cell:
    """The association of a joint-display row with satisfaction: rho and its interval,
    the mark of a hidden one, or ``n < 10`` (appended to ``small_rho``, for its
    footnote) when too few respondents answered for a correlation to say anything.
    With publishing off every correlation is shown (the page says it is not for
    publication)."""
    min_rho = max(k, _min_n_correlation())
    if r.hidden_rho:
        return stat_cell("", r.hidden_rho, min_n=k, lang=lang)
    if publish and r.rho_n and 0 < r.rho_n < min_rho:
        # the mark and its footnote, like every statistic that is not shown
        cell = stat_cell("", "primary", min_n=min_rho, lang=lang)
        small_rho.append(cell)
        return cell
    if r.rho_satisfaction == r.rho_satisfaction and r.rho_n:
        return Cell(f"ρ = {number(r.rho_satisfaction, lang)}<br><small>"
                    f"{fmt_interval(r.rho_ci_low, r.rho_ci_high, lang)}</small>")
    return Cell("–")


def _min_n_correlation() -> int:
    from ..results.compute import MIN_N_CORRELATION

    return MIN_N_CORRELATION


def convergence_rules_text(results: "ScopeResults", lang: str) -> str:
    """The convergence rules of the display in the page's language."""
    rules = results.joint_display.attrs.get("convergence_rules") or ConvergenceRules()
    lo, hi = rules.survey_scale
    return word("conv_rules", lang, high=number(rules.survey_high, lang, 1),
                low=number(rules.survey_low, lang, 1), lo=number(lo, lang, 0),
                hi=number(hi, lang, 0), k=results.min_n,
                mention_high=percent(rules.mention_high, lang),
                mention_low=percent(rules.mention_low, lang))


def joint_heatmap(results: "ScopeResults", lang: str) -> "Figure | None":
    """Mechanisms and conditions x situations: the survey mean as colour, the mean and
    the interviews (k/N) as text; each situation as protected on its own page."""
    shown = results.situation_displays
    if shown.empty:
        return None
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import seaborn as sns

    from ..network.plot import set_alt_text

    k = results.min_n
    label = f"label_{lang}"
    order = list(dict.fromkeys(shown[label]))
    situations = list(dict.fromkeys(shown["situation"]))
    means = shown.pivot(index=label, columns="situation", values=C.MEAN).reindex(
        index=order, columns=situations)
    lo, hi = heatmap_range(results)
    fig, ax = plt.subplots(figsize=(1.5 * len(situations) + 5, 0.5 * len(order) + 2.2))
    ax.set_facecolor("#eeeeee")
    sns.heatmap(means.astype(float), annot=False, cmap="RdYlGn", vmin=lo, vmax=hi,
                linewidths=0.5, linecolor="white", ax=ax, xticklabels=False, yticklabels=False,
                cbar_kws={"label": word("heatmap_colour", lang, lo=number(lo, lang, 0),
                                        hi=number(hi, lang, 0))})
    _colour_bar_numbers(ax, lambda v: number(v, lang, 1))
    cells = shown.set_index([label, "situation"])
    for i, row_label in enumerate(order):
        for j, situation in enumerate(situations):
            r = cells.loc[(row_label, situation)]
            if r["hidden_survey"]:
                top = hidden_cell(k, r["hidden_survey"], statistic=True, lang=lang)
                top = html.unescape(top)
            elif r[C.N] and r[C.N] > 0:
                top = number(r[C.MEAN], lang, 1)
            else:
                top = "–"
            bottom = (f"{int(r[C.K_SOURCES])}/{int(r[C.N_SOURCES])}" if r[C.N_SOURCES] else "")
            ax.text(j + 0.5, i + 0.5, f"{top}\n{bottom}".strip(), ha="center", va="center",
                    fontsize=8)
    ax.set_yticks([i + 0.5 for i in range(len(order))])
    ax.set_yticklabels([textwrap.shorten(t, 55, placeholder="…") for t in order], fontsize=8,
                       rotation=0)
    ax.set_xticks([j + 0.5 for j in range(len(situations))])
    ax.set_xticklabels([textwrap.fill(situation_label(results.study, s, lang), 18)
                        for s in situations], fontsize=8)
    ax.set_xlabel("")
    ax.set_ylabel("")
    level = level_word(results.study, "situation", lang)
    ax.set_title(word("heatmap_title", lang, level=level), fontsize=11)
    fig.tight_layout()
    set_alt_text(fig, study_word(results.study, "heatmap_alt", lang, k=k, lo=number(lo, lang, 0),
                           hi=number(hi, lang, 0), level=level))
    return fig


def _colour_bar_numbers(ax, fmt) -> None:
    """The colour bar's tick labels in the page's language (``3,5`` / ``40%``), not
    matplotlib's ``3.5``."""
    from matplotlib.ticker import FuncFormatter

    colourbar = ax.collections[0].colorbar
    if colourbar is not None:
        colourbar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt(v)))


def heatmap_range(results: "ScopeResults") -> tuple[float, float]:
    """The colour scale of the heatmap: from the lowest to the highest scale point of the
    response sets of its rows (``scale_min`` / ``scale_max``, from the instrument); the
    instrument's mechanism items' range when no row has survey data."""
    shown = results.situation_displays
    low = shown["scale_min"].dropna() if "scale_min" in shown else None
    high = shown["scale_max"].dropna() if "scale_max" in shown else None
    if low is not None and high is not None and len(low) and len(high):
        return float(low.min()), float(high.max())
    from ..quant.numeric import item_range

    inst = results.study.instrument
    items = [i.id for i in inst.items if i.block in ("mechanism", "condition")
             and inst.response_set(i.response_set).numeric_codes]
    ranges = [item_range(inst, i) for i in items]
    if not ranges:
        return 1.0, 5.0
    return min(r[0] for r in ranges), max(r[1] for r in ranges)


def cmo_table(results: "ScopeResults", lang: str) -> Table | None:
    """Context, mechanism and outcome paired per row, each element with its evidence.

    One row per row of the joint display (a working mechanism or a condition): its
    context (the condition itself, and the conditions and hindering factors that the
    codebook links to the row, hindering factors labelled as such), its mechanism, and
    its outcome (the association with satisfaction, as on the joint display). Elements
    linked to no row follow, each in its own column: context without a link, and the
    outcomes (satisfaction, yields) with their own evidence.
    """
    frame = results.cmo
    if frame.empty:
        return None
    k = results.min_n
    labels = _element_labels(results, lang)
    display = {r.row_id: r for r in results.joint_display.itertuples(index=False)}
    linked = frame["linked_rows"] if "linked_rows" in frame else frame["element"].where(
        frame["element"].isin(list(display)), "")
    by_row: dict[str, list] = {}
    for r, links in zip(frame.itertuples(index=False), linked):
        for row_id in (x for x in str(links or "").split(";") if x):
            by_row.setdefault(row_id, []).append(r)
    small_rho: list[Cell] = []
    rows = []
    for row_id, members in by_row.items():
        anchor = next((m for m in members if m.element == row_id), None)
        if anchor is None:
            continue        # a link to a row without evidence in this scope: see below
        context = [m for m in members if m.cmo == "context"]
        mechanism = [m for m in members if m.cmo == "mechanism"]
        label = (f"{html.escape(_element_name(labels, row_id, lang))}<br><small>"
                 f"{html.escape(_cmo_role(anchor, lang))}</small>")
        rows.append(Row(label, [
            _cmo_cell(context, labels, row_id, k, lang),
            _cmo_cell(mechanism, labels, row_id, k, lang),
            _outcome_cell(display.get(row_id), k, lang, small_rho, results.publish)]))
    anchored = {row_id for row_id, members in by_row.items()
                if any(m.element == row_id for m in members)}
    placed = {m.element for row_id in anchored for m in by_row[row_id]}
    for r in frame.itertuples(index=False):     # linked to no row with evidence here
        if r.element in placed:
            continue
        placed.add(r.element)
        cells = [Cell("–", numeric=False) for _ in range(3)]
        column = {"context": 0, "mechanism": 1, "outcome": 2}[r.cmo]
        cells[column] = _cmo_cell([r], labels, r.element, k, lang)   # named in the row head
        rows.append(Row(f"{html.escape(_element_name(labels, r.element, lang))}<br><small>"
                        f"{html.escape(_cmo_role(r, lang))}</small>", cells))
    states = {(s, True) for row in rows for c in row.cells for s in (c.state, *c.inner)
              if s and not any(c is x for x in small_rho)}
    notes = hidden_notes(states, min_n=k, lang=lang)
    if small_rho:
        notes.append(word("note_small_n_correlation", lang,
                          mark=word("mark_small_n", lang, k=max(k, _min_n_correlation())),
                          k=max(k, _min_n_correlation())))
    return Table(f"cmo-{results.scope.kind}",
                 [word("cmo_row", lang), word("cmo_context", lang).capitalize(),
                  word("cmo_mechanism", lang).capitalize(),
                  word("cmo_outcome", lang).capitalize()], rows, kind="cmo",
                 caption=word("cmo_caption", lang), notes=[word("cmo_note", lang), *notes])


def _cmo_role(r, lang: str) -> str:
    """``belemmerende factor`` / ``conditie`` / ``werkzaam mechanisme`` / ``uitkomst``."""
    if r.kind == "hindering_factor":
        return word("hindering_factor", lang)
    if r.cmo == "mechanism":
        return word("kind_mechanism", lang)
    if r.cmo == "context":
        return word("kind_condition", lang)
    return word("cmo_outcome", lang)


def _cmo_cell(members: list, labels: dict[str, str], row_id: str | None, k: int,
              lang: str) -> Cell:
    """The elements of one role in a row, each with its evidence: the survey mean (or the
    mark of a hidden one) and k of N interviews; the row's own element comes first and is
    not named again."""
    if not members:
        return Cell("–", numeric=False)
    members = sorted(members, key=lambda m: m.element != row_id)
    items, inner = [], []
    for m in members:
        evidence = []
        if m.hidden:
            inner.append(m.hidden)
            evidence.append(f'{html.escape(word("survey", lang))} <span data-hidden="{m.hidden}">'
                            f"{hidden_cell(k, m.hidden, statistic=True, lang=lang)}</span>")
        elif m.n and m.n > 0 and m.mean == m.mean:
            # no n: where a "don't know" count is hidden, the valid n would give it back
            evidence.append(f'{html.escape(word("survey_mean_short", lang))} '
                            f"{number(m.mean, lang, int(m.mean_digits))}")
        if m.n_sources and m.k_sources:
            evidence.append(html.escape(word("k_of_n_interviews", lang,
                                             k=integer(m.k_sources, lang),
                                             n=integer(m.n_sources, lang))))
        text = " · ".join(evidence) or "–"
        if m.element == row_id:
            items.append(f"<li>{text}</li>")
        else:
            role = (f" <small>({html.escape(word('hindering_factor', lang))})</small>"
                    if m.kind == "hindering_factor" else "")
            items.append(f"<li>{html.escape(_element_name(labels, m.element, lang))}{role}: "
                         f"{text}</li>")
    return Cell(f"<ul>{''.join(items)}</ul>", numeric=False, inner=tuple(inner))


def _outcome_cell(r, k: int, lang: str, small_rho: list, publish: bool = True) -> Cell:
    """The row's outcome: its association with satisfaction, hidden as on the joint
    display."""
    if r is None:
        return Cell("–", numeric=False)
    cell = _assoc_cell(r, k, lang, small_rho, publish=publish)
    if cell.html == "–":
        return Cell("–", numeric=False)
    if cell.state:
        return cell
    return Cell(f"{html.escape(word('cmo_with_satisfaction', lang))}: {cell.html}",
                numeric=False)


def _element_labels(results: "ScopeResults", lang: str) -> dict[str, str]:
    """The reader's name of every row a CMO table or meta-inference can name:
    ``scale:<id>``, ``item:<id>``, ``code:<id>``, and a bare codebook id (meta-inferences
    may name codes without the ``code:`` prefix, see
    :func:`image_synth.integrate.evidence.check_meta_inferences`)."""
    study = results.study
    out = {f"item:{i.id}": i.text.get(lang) for i in study.instrument.items}
    out.update({f"scale:{s.id}": s.label.get(lang) for s in study.instrument.scales})
    if study.codebook is not None:
        for c in study.codebook.codes:
            out[f"code:{c.id}"] = out[c.id] = c.label.get(lang)
    return out


def _element_name(labels: dict[str, str], element: str, lang: str) -> str:
    """An element's name, or a sentence saying that the study does not name it (the id
    itself stays off the page)."""
    return labels.get(element) or word("unknown_element", lang)


def evidence_heatmap(results: "ScopeResults", lang: str) -> "Figure | None":
    """Factors x kinds of evidence; colour = the share of sources (for the survey: of the
    respondents) that speak to the factor."""
    evidence = results.evidence_map
    if evidence.empty:
        return None
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import seaborn as sns

    from ..integrate.evidence import evidence_matrix
    from ..network.plot import set_alt_text

    frame = evidence.copy()
    frame.loc[frame["hidden"] != "", C.SHARE] = np.nan
    matrix = evidence_matrix(frame)
    labels = {c.id: c.label.get(lang) for c in results.study.codebook.codes}
    matrix.index = [labels.get(c, c) for c in matrix.index]
    matrix.columns = [word(f"evidence_{c}", lang) for c in matrix.columns]
    # constrained layout keeps the colour bar's label inside the figure (tight_layout
    # left it outside, cut off)
    fig, ax = plt.subplots(figsize=(7.5, 0.28 * len(matrix) + 1.8), layout="constrained")
    sns.heatmap(matrix.astype(float), cmap="Blues", vmin=0, vmax=1, linewidths=0.3,
                linecolor="white", ax=ax, xticklabels=True, yticklabels=True,
                cbar_kws={"label": study_word(results.study, "evidence_colour", lang)})
    _colour_bar_numbers(ax, lambda v: percent(v, lang))
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="y", labelsize=8)
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right", rotation_mode="anchor")
    set_alt_text(fig, study_word(results.study, "evidence_alt", lang))
    return fig


def meta_inference_table(results: "ScopeResults", lang: str) -> Table | None:
    frame = results.meta_inferences
    if frame.empty:
        return None
    labels = _element_labels(results, lang)
    quote_lang = results.study.config.language
    rows = []
    for r in frame.itertuples(index=False):
        rests_on = "; ".join(_element_name(labels, x.strip(), lang)
                             for x in str(r.rows).split(";") if x.strip())
        rows.append(Row(f'<span lang="{quote_lang}">{html.escape(r.text)}</span>', [
            Cell.text(word(f"meta_{r.type}", lang)), Cell.text(rests_on),
            Cell.text(f"{r.author}, {r.date}")]))
    notes = []
    if quote_lang != lang:
        notes.append(word("meta_in_language", lang,
                          language=word(f"language_{quote_lang}", lang)))
    return Table(f"meta-{results.scope.kind}",
                 [word("meta_inference", lang), word("meta_type", lang),
                  word("meta_rests_on", lang), word("meta_author_date", lang)], rows,
                 caption=word("meta_caption", lang), notes=notes)
