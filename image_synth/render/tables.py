"""The tables of the survey, interview and network strands, as a reader sees them.

Each function takes a scope's results (:class:`~image_synth.results.ScopeResults`) and
the page's language and gives a :class:`~image_synth.render.table.Table` (or ``None``
when there is nothing to show). The frames already say which cells are hidden; these
functions only format.
"""

from __future__ import annotations

import html
import textwrap
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import columns as C
from ..disclosure.plan import MAX_HIDDEN_SHARE
from .common import (
    answer_range,
    code_label,
    column_label,
    count_cell,
    fmt_interval,
    hidden_notes,
    item_label,
    node_label,
    scale_label,
    stat_cell,
    study_word,
)
from .labels import integer, number
from .table import Cell, Row, Table
from .words import word

if TYPE_CHECKING:
    from ..results import ScopeResults

__all__ = ["response_table", "distribution_table", "distribution_columns",
           "reliability_table", "wave_change_table", "condition_summary_table",
           "association_table", "interview_change_tables", "network_measures_table",
           "sources_table", "inputs_table"]


def _notes_of(rows: list[Row], stats: set[int] = frozenset()) -> set[tuple[str, bool]]:
    out = set()
    for row in rows:
        for j, cell in enumerate(row.cells):
            if cell.state:
                out.add((cell.state, j in stats))
    return out


def _response_caption(results: "ScopeResults", item: str | None, lang: str) -> str:
    """What the response table counts, and by which question (the status item's text)."""
    if item is None:
        return study_word(results.study, "response_caption_plain", lang, wave=results.wave)
    return study_word(results.study, "response_caption", lang, wave=results.wave,
                      question=item_label(results.study, item, lang))


def response_table(results: "ScopeResults", lang: str) -> Table | None:
    """Respondents per group and their collaboration status."""
    frame = results.response
    if frame.empty or frame.loc[frame["column"] == 0, "value"].iloc[0] == 0:
        return None
    study = results.study
    item = frame.attrs.get("status_item")
    heads = [word("n_respondents", lang)]
    codes = frame.loc[frame["column"] > 0].drop_duplicates("column").sort_values("column")
    heads += [column_label(study, item, (int(c),), lang) for c in codes["code"]]
    rows = []
    for node, part in frame.groupby("node", sort=False):
        part = part.sort_values("column")
        cells = [count_cell(v, None, s, min_n=results.min_n, lang=lang)
                 for v, s in zip(part["value"], part["hidden"])]
        level = int(part["level"].iloc[0])
        rows.append(Row(html.escape(node_label(study, node, lang)), cells, level=level,
                        parent=level == 0 or (results.scope.kind == "national" and level == 1)))
    notes = hidden_notes(_notes_of(rows), min_n=results.min_n, lang=lang)
    if frame.attrs.get("regions_dropped"):
        notes.insert(0, word("regions_on_situation_pages", lang))
    return Table(f"response-{results.scope.kind}", [word("group", lang), *heads], rows,
                 caption=_response_caption(results, item, lang), notes=notes)


def distribution_columns(results: "ScopeResults", dist: pd.DataFrame, lang: str
                         ) -> tuple[list[str], list[str], list[str]]:
    """Heads of the answer columns of a distribution (numeric answers, then the
    non-numeric ones) and the labels of the non-numeric answers."""
    study = results.study
    first = dist[C.ITEM].iloc[0]
    answers = dist[dist["column"] > 0].drop_duplicates("column").sort_values("column")
    heads, numeric, other = [], [], []
    for codes, kind in zip(answers["codes"], answers[C.NON_NUMERIC]):
        label = column_label(study, first, tuple(codes), lang)
        heads.append(label)
        (numeric if kind is None or kind != kind else other).append(label)
    return heads, numeric, other


def distribution_table(results: "ScopeResults", items: list[str], lang: str, *,
                       key: str) -> Table:
    """Rows are items, columns the answers (``count (share of those asked)``), then n."""
    dist = results.distribution(items)
    study = results.study
    heads, _, _ = distribution_columns(results, dist, lang)
    rows = []
    for item, part in dist.groupby(C.ITEM, sort=False):
        part = part.sort_values("column")
        total = part[part["column"] == 0].iloc[0]
        cells = [count_cell(r[C.COUNT], r[C.SHARE], r["hidden"], min_n=results.min_n,
                            lang=lang) for _, r in part[part["column"] > 0].iterrows()]
        cells.append(count_cell(total[C.COUNT], None, total["hidden"], min_n=results.min_n,
                                lang=lang))
        rows.append(Row(html.escape(item_label(study, item, lang)), cells))
    notes = hidden_notes(_notes_of(rows), min_n=results.min_n, lang=lang)
    if dist.attrs.get("collapsed"):
        notes.insert(0, _collapsed_note(results, dist, lang))
    return Table(f"dist-{results.scope.kind}-{key}", [word("statement", lang), *heads, "n"],
                 rows, kind="isx-dist", caption=study_word(study, "distribution_caption", lang),
                 notes=notes)


def _collapsed_note(results: "ScopeResults", dist: pd.DataFrame, lang: str) -> str:
    study = results.study
    first = dist[C.ITEM].iloc[0]
    parts = []
    for codes in dist.loc[dist["column"] > 0, "codes"].drop_duplicates():
        codes = tuple(codes)
        if len(codes) > 1:
            names = " / ".join(column_label(study, first, (c,), lang) for c in codes)
            parts.append(f"{codes[0]}–{codes[-1]} = {names}")
    return word("collapsed_note", lang, columns="; ".join(parts))


def reliability_table(results: "ScopeResults", lang: str) -> Table | None:
    """Mechanism scales per wave: items, n, alpha [95% CI], omega, mean and sd."""
    frame = results.reliabilities
    if frame.empty or C.ALPHA not in frame.columns:
        return None
    study, k = results.study, results.min_n
    frame = frame.copy()
    for column in (C.ALPHA, C.CI_LOW, C.CI_HIGH, C.OMEGA_TOTAL, C.MEAN, C.SD):
        if column not in frame.columns:
            frame[column] = np.nan
    rows = []
    for r in frame.itertuples(index=False):
        label = html.escape(scale_label(study, r.scale, lang))
        notes = []
        if not r.reported:
            notes.append(word("scale_not_reported", lang))
        elif r.alpha == r.alpha and r.alpha < RELIABLE_ALPHA and not r.hidden:
            notes.append(word("scale_not_reliable", lang, alpha=number(RELIABLE_ALPHA, lang)))
        if notes:
            label += " <small>(" + html.escape("; ".join(notes)) + ")</small>"
        state = r.hidden
        cells = [Cell(str(int(r.wave))), Cell(str(int(r.k_items))),
                 count_cell(r.n, None, state, min_n=k, lang=lang),
                 stat_cell(f"{number(r.alpha, lang)} {fmt_interval(r.ci_low, r.ci_high, lang)}"
                           if r.alpha == r.alpha else "–", state, min_n=k, lang=lang),
                 stat_cell(number(r.omega_total, lang) or "–", state, min_n=k, lang=lang),
                 stat_cell(number(r.mean, lang) or "–", state, min_n=k, lang=lang),
                 stat_cell(number(r.sd, lang) or "–", state, min_n=k, lang=lang)]
        rows.append(Row(label, cells))
    notes = [word("reliability_note", lang, alpha=number(RELIABLE_ALPHA, lang))]
    notes += hidden_notes(_notes_of(rows, stats={3, 4, 5, 6}), min_n=k, lang=lang)
    return Table(f"reliability-{results.scope.kind}",
                 [word("scale", lang), word("wave", lang), word("items", lang), "n",
                  word("alpha_ci", lang), "omega", word("mean", lang), "sd"], rows,
                 caption=word("reliability_caption", lang), notes=notes)


#: Cronbach's alpha below this is marked "not reliable enough" on the page.
RELIABLE_ALPHA = 0.7


def wave_change_table(results: "ScopeResults", lang: str) -> Table | None:
    frame = results.wave_change
    if frame.empty:
        return None
    study, k = results.study, results.min_n
    before, after = int(frame["wave_1"].iloc[0]), int(frame["wave_2"].iloc[0])
    rows = []
    for r in frame.itertuples(index=False):
        label = html.escape(scale_label(study, r.value, lang))
        if not r.n_1 or not r.n_2:
            rows.append(Row(label, [Cell.text(word("not_in_both_waves", lang)), Cell(""),
                                    Cell("")]))
            continue
        flag = (f" <small>({html.escape(word('composition_differs', lang))})</small>"
                if r.composition_differs and not r.hidden else "")
        rows.append(Row(label, [
            stat_cell(f"{integer(r.n_1, lang)} / {integer(r.n_2, lang)}", r.hidden, min_n=k,
                      lang=lang),
            stat_cell(f"{number(r.effect_size, lang)} {fmt_interval(r.ci_low, r.ci_high, lang)}",
                      r.hidden, min_n=k, lang=lang),
            stat_cell(number(r.p_value, lang, 3) + flag, r.hidden, min_n=k, lang=lang)]))
    notes = [study_word(results.study, "wave_change_note", lang)]
    notes += hidden_notes(_notes_of(rows, stats={0, 1, 2}), min_n=k, lang=lang)
    return Table(f"wave-change-{results.scope.kind}",
                 [word("scale", lang), word("n_waves", lang, before=before, after=after),
                  word("rank_biserial_ci", lang), "p"], rows,
                 caption=word("wave_change_caption", lang, before=before, after=after),
                 notes=notes)


def _scale_ends(results: "ScopeResults", items) -> str:
    """`` (1–5)``: the lowest and highest numeric answer, when ``items`` share them
    (else nothing: each answer table below gives its own)."""
    ends = {answer_range(results.study, item) for item in items}
    if len(ends) != 1 or None in ends:
        return ""
    (lo, hi), = ends
    return f" ({lo}–{hi})"


def condition_summary_table(results: "ScopeResults", lang: str) -> Table | None:
    """Mean and 95% interval per condition statement.

    The table shows no n and no sd: the number asked is in the answer table below it,
    and with a hidden "don't know" count the valid n would give that count back (so
    would the sd together with the interval).
    """
    frame = results.condition_summary
    if frame.empty:
        return None
    study, k = results.study, results.min_n
    # the interval goes wherever its row of answers hides a cell (with the mean it would
    # help solve for the hidden counts); when that is most rows, the column is left out
    # and the note says why, rather than a column of marks
    interval_only = (frame["hidden_ci"] != "") & (frame["hidden"] == "")
    with_interval = interval_only.mean() <= MAX_HIDDEN_SHARE
    rows = []
    for r in frame.itertuples(index=False):
        cells = [stat_cell(number(r.mean, lang, int(r.mean_digits)) or "–", r.hidden,
                           min_n=k, lang=lang)]
        if with_interval:
            cells.append(stat_cell(fmt_interval(r.ci_low, r.ci_high, lang)
                                   if r.n and r.n > 1 else "–",
                                   r.hidden or r.hidden_ci, min_n=k, lang=lang))
        rows.append(Row(html.escape(item_label(study, r.item, lang)), cells))
    notes = [study_word(study, "condition_summary_note" if with_interval
                        else "condition_summary_note_no_interval", lang)]
    notes += hidden_notes(_notes_of(rows, stats={0, 1}), min_n=k, lang=lang)
    header = [word("statement", lang), word("mean", lang)]
    return Table(f"conditions-{results.scope.kind}",
                 header + ([word("ci95", lang)] if with_interval else []), rows,
                 caption=word("condition_summary_caption", lang,
                              span=_scale_ends(results, frame[C.ITEM])),
                 notes=notes)


def association_table(results: "ScopeResults", lang: str) -> Table | None:
    frame = results.associations
    if frame.empty:
        return None
    study, k = results.study, frame.attrs.get("min_n", results.min_n)
    outcomes = list(dict.fromkeys(frame[C.OUTCOME]))
    rows = []
    for predictor, part in frame.groupby(C.PREDICTOR, sort=False):
        cells = {r.outcome: r for r in part.itertuples(index=False)}
        row = []
        for outcome in outcomes:
            r = cells.get(outcome)
            if r is None:
                row.append(Cell(""))
                continue
            # no n per cell: a valid n beside a hidden "don't know" count would give it away
            row.append(stat_cell(f"{number(r.rho, lang)}<br><small>"
                                 f"{fmt_interval(r.ci_low, r.ci_high, lang)}</small>",
                                 r.hidden, min_n=k, lang=lang))
        rows.append(Row(html.escape(scale_label(study, predictor, lang)), row))
    notes = [study_word(study, "association_note", lang, k=k)]
    notes += hidden_notes(_notes_of(rows, stats=set(range(len(outcomes)))), min_n=k, lang=lang)
    return Table(f"associations-{results.scope.kind}",
                 [word("factor", lang), *(textwrap.shorten(scale_label(study, o, lang), 34,
                                                           placeholder="…")
                                          for o in outcomes)],
                 rows, kind="isx-matrix", caption=word("association_caption", lang),
                 notes=notes)


def interview_change_tables(results: "ScopeResults", lang: str) -> list[tuple[str, Table]]:
    """One table per codebook category: k of N interviews per wave and the change."""
    change = results.interview_change
    if change.empty:
        return []
    study = results.study
    before, after = int(change["wave_before"].iloc[0]), int(change["wave_after"].iloc[0])
    out = []
    for category in dict.fromkeys(c.category for c in study.codebook.codes):
        part = change[(change[C.CATEGORY] == category)
                      & ((change["k_before"] > 0) | (change["k_after"] > 0))]
        if part.empty:
            continue
        rows = []
        for r in part.itertuples(index=False):
            cls = word(f"change_{r.change}", lang) if isinstance(r.change, str) else "–"
            rows.append(Row(html.escape(code_label(study, r.code, lang)), [
                Cell.text(word("k_of_n", lang, k=integer(r.k_before, lang),
                               n=integer(r.n_before, lang)), numeric=True),
                Cell.text(word("k_of_n", lang, k=integer(r.k_after, lang),
                               n=integer(r.n_after, lang)), numeric=True),
                Cell.text(cls)]))
        out.append((category, Table(
            f"interviews-{results.scope.kind}-{category}",
            [word("factor", lang), str(before), str(after), word("change", lang)], rows,
            caption=word(f"category_{category}", lang))))
    return out


def change_rules_text(results: "ScopeResults", lang: str) -> str:
    """The change classes' rules in the page's language."""
    params = results.interview_change.attrs.get("parameters", {})
    return word("change_rules", lang, min_sources=params.get("min_sources", 3),
                abs_diff=number(100 * params.get("abs_diff", 0.15), lang, 0),
                rel_diff=number(100 * params.get("rel_diff", 0.5), lang, 0))


def network_measures_table(results: "ScopeResults", lang: str) -> Table | None:
    frame = results.network_measures
    if frame.empty:
        return None
    from .common import region_named

    study = results.study
    types = {d.meeting: d.party_types for d in results.drawings()}
    rows = []
    for r in frame.itertuples(index=False):
        rows.append(Row(html.escape(region_named(study, r.region, lang)), [
            Cell(integer(r.n_parties, lang)), Cell(integer(r.n_ties, lang)),
            Cell(number(r.density, lang)), Cell(number(r.degree_centralisation, lang) or "–"),
            Cell.text(_party_label(r, types.get(r.meeting, {}), lang)),
            Cell.text(word(f"structure_{r.structure}", lang))]))
    return Table(f"networks-{results.scope.kind}",
                 [word("drawing", lang), word("parties", lang), word("ties", lang),
                  word("density", lang), word("centralisation", lang), word("hub", lang),
                  word("structure", lang)], rows, caption=word("networks_caption", lang))


def _party_label(row, types: dict, lang: str) -> str:
    """The hub of a drawing by its kind of party (the drawing's own ids stay out)."""
    kind = getattr(row, "hub_type", None)
    if not isinstance(kind, str) or not kind:
        return "–"
    spec = types.get(kind, {})
    return spec.get(lang) or word("party_other", lang)


def sources_table(results: "ScopeResults", lang: str) -> Table | None:
    frame = results.sources
    if frame.empty:
        return None
    rows = [Row(html.escape(word(f"source_{t}", lang)), [Cell(integer(n, lang))])
            for t, n in zip(frame[C.SOURCE_TYPE], frame[C.COUNT])]
    return Table(f"sources-{results.scope.kind}", [word("source_type", lang),
                                                   word("count", lang)], rows)


def inputs_table(results: "ScopeResults", lang: str) -> Table:
    frame = results.inputs
    rows = [Row(f"<code>{html.escape(f)}</code>", [Cell(f"<code>{h[:12]}</code>",
                                                        numeric=False)])
            for f, h in zip(frame["file"], frame["sha256"])]
    return Table(f"inputs-{results.scope.kind}", [word("file", lang), word("sha256", lang)],
                 rows)
