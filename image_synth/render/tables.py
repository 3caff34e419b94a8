"""Tables and charts of the quantitative and qualitative strands, as a reader sees them.

Each function takes the tidy frame an analysis returned and gives HTML (or a Figure),
with disclosure control applied in publish mode: distributions, summaries, scale
reliabilities and correlations of groups below the study's minimum n are shown as
``<k``, and complementary cells are hidden too (:mod:`image_synth.publish.disclosure`).
"""

from __future__ import annotations

import html
import textwrap
from typing import TYPE_CHECKING, Sequence

import numpy as np
import pandas as pd

from .. import columns as C
from ..errors import AnalysisError
from ..publish.disclosure import suppress
from .labels import hidden_cell, number, percent, word

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..study.models import Instrument

__all__ = ["distribution_html", "summary_html", "reliability_html", "association_html",
           "change_html", "likert_bars", "measures_html"]


def _table(head: Sequence[str], rows: list[list[str]], cls: str = "isx-table") -> str:
    out = [f'<table class="{cls}"><thead><tr>'
           + "".join(f'<th scope="col">{html.escape(h)}</th>' for h in head)
           + "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + f'<th scope="row">{row[0]}</th>'
                   + "".join(f'<td class="isx-num">{c}</td>' for c in row[1:]) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _note(shown: pd.DataFrame, min_n: int, lang: str) -> str:
    if C.SUPPRESSED in shown.columns and shown[C.SUPPRESSED].any():
        return f'<p class="isx-note">{html.escape(word("suppressed_note", lang, min_n=min_n))}</p>'
    return ""


def _item_label(instrument: "Instrument", item: str, lang: str) -> str:
    try:
        return instrument.item(item).text.get(lang)
    except KeyError:
        return item


def protect_distribution(dist: pd.DataFrame, *, by: Sequence[str] = (), min_n: int,
                         publish: bool) -> pd.DataFrame:
    """Suppress a distribution: whole groups asked of fewer than ``min_n`` respondents, and
    answer counts below ``min_n`` with their complements within the item and group."""
    keys = [C.ITEM, *by]
    out = dist.copy()
    small_group = (out[C.N_ASKED] > 0) & (out[C.N_ASKED] < min_n)
    marked = suppress(out, min_n=min_n, n=C.COUNT, values=[C.COUNT, C.SHARE], within=keys,
                      enabled=publish)
    if publish:
        marked.loc[small_group, [C.COUNT, C.SHARE]] = np.nan
        marked.loc[small_group, C.SUPPRESSED] = True
    return marked


def _membership(column: pd.Series, values: Sequence) -> np.ndarray:
    """Rows of ``column`` x ``values``: 1 where the row holds the value, else 0."""
    ids, uniques = pd.factorize(column)
    where = uniques.get_indexer(list(values))  # -1: no row holds the value
    return ((ids[:, None] == where) & (where >= 0)).astype(np.int64)


def _answers(survey: pd.DataFrame, item: str, instrument: "Instrument"
             ) -> tuple[list, np.ndarray]:
    """An item's answer codes and respondents x codes: 1 where a respondent who was asked
    the item gave the code (what :func:`~image_synth.quant.distributions.distribution`
    counts)."""
    from ..quant.distributions import asked_mask

    spec = instrument.item(item)
    codes = [c.code for c in instrument.response_set(spec.response_set).codes]
    asked = asked_mask(survey, spec, instrument).to_numpy()
    values = survey[item].to_numpy(dtype="float64", na_value=np.nan)
    given = asked[:, None] & (values[:, None] == np.asarray(codes, dtype="float64"))
    return codes, given.astype(np.int64)


def scoped_distribution(survey: pd.DataFrame, *, items: Sequence[str],
                        instrument: "Instrument", groups: Sequence[tuple[str, str]],
                        scope: tuple[str, str] | None, min_n: int) -> pd.DataFrame:
    """The distribution of one scope, protected against subtraction from other scopes.

    ``survey`` is the whole study's wave; ``groups`` lists ``(situation, region)`` of every
    region. For each item the counts of the nation, each situation and each region form
    one hierarchical table (regions add up to their situation, situations to the nation,
    answers to the group's total); :func:`~image_synth.publish.disclosure.table_pattern`
    decides which cells are hidden, and the scope's row is returned with them blanked.
    ``scope`` is ``("situation", id)``, ``("region", id)`` or ``None`` for the nation.

    Returns the :func:`~image_synth.quant.distributions.distribution` frame of the scope
    plus ``suppressed`` (per answer) and ``n_suppressed`` (the group's n hidden).
    """
    from ..publish.disclosure import table_pattern
    from ..quant.distributions import distribution

    situations = sorted({s for s, _ in groups})
    regions = [r for _, r in groups]
    # the rows of the table, in the order table_pattern follows
    keys = [("national",), *(("situation", s) for s in situations),
            *(("region", r) for r in regions)]
    key = ("national",) if scope is None else scope
    if key not in set(keys):
        raise AnalysisError(f"scope {scope!r} is not the nation or one of the situations "
                            "and regions in groups")
    parents = [(("national",), [("situation", s) for s in situations])]
    parents += [(("situation", s), [("region", r) for sit, r in groups if sit == s])
                for s in situations]
    if scope is None:
        out = distribution(survey, items=items, instrument=instrument).copy()
    else:  # "situation" and "region" name the survey's columns too
        level = distribution(survey, items=items, instrument=instrument, by=scope[0])
        out = level[level[scope[0]] == scope[1]].copy()
    # respondents x rows of the table: everyone counts for the nation, then for their
    # situation and their region
    members = np.column_stack([np.ones((len(survey), 1), dtype=np.int64),
                               _membership(survey[C.SITUATION], situations),
                               _membership(survey[C.REGION], regions)])
    hidden_cells, hidden_totals = set(), set()
    for item in dict.fromkeys(items):
        codes, answers = _answers(survey, item, instrument)
        counts = (members.T @ answers).tolist()  # the item's whole table: rows x codes
        hidden = table_pattern({k: [sum(row), *row] for k, row in zip(keys, counts)},
                               parents, min_n=min_n)
        hidden_cells |= {(item, code) for j, code in enumerate(codes, start=1)
                         if (key, j) in hidden}
        if (key, 0) in hidden:
            hidden_totals.add(item)
    n_hidden = out[C.ITEM].isin(hidden_totals).to_numpy()
    blank = n_hidden | np.array([cell in hidden_cells
                                 for cell in zip(out[C.ITEM], out[C.CODE])], dtype=bool)
    out[C.COUNT] = out[C.COUNT].astype("float64")
    out[C.SHARE] = out[C.SHARE].astype("float64")
    out.loc[blank, [C.COUNT, C.SHARE]] = np.nan
    out[C.SUPPRESSED] = blank
    out["n_suppressed"] = n_hidden
    return out


def distribution_html(dist: pd.DataFrame, *, instrument: "Instrument", by: str | None = None,
                      lang: str = "nl", min_n: int = 5, publish: bool = True) -> str:
    """One table per item group: rows are items (and groups), columns the answers,
    cells ``count (share)``; "don't know" in its own column."""
    by_cols = [by] if by else []
    # a frame already protected across scopes (``scoped_distribution``) keeps its marks
    shown = (dist if C.SUPPRESSED in dist.columns
             else protect_distribution(dist, by=by_cols, min_n=min_n, publish=publish))
    answers = list(dict.fromkeys(zip(shown[C.CODE], shown[C.LABEL])))
    head = [word("factor", lang)] + ([word(by, lang)] if by else []) + \
        [label for _, label in answers] + ["n"]
    rows = []
    for keys, part in shown.groupby([C.ITEM, *by_cols], sort=False):
        keys = keys if isinstance(keys, tuple) else (keys,)
        cells = {code: r for code, r in zip(part[C.CODE], part.itertuples(index=False))}
        row = [html.escape(_item_label(instrument, keys[0], lang))]
        if by:
            row.append(html.escape(str(keys[1])))
        for code, _ in answers:
            r = cells.get(code)
            if r is None:
                row.append("")
            elif getattr(r, C.SUPPRESSED):
                row.append(hidden_cell(min_n))
            else:
                row.append(f"{int(getattr(r, C.COUNT))} <small>({percent(getattr(r, C.SHARE), lang)})</small>")
        n_asked = int(part[C.N_ASKED].iloc[0])
        n_hidden = bool(part.get("n_suppressed", pd.Series([False])).iloc[0])
        row.append(hidden_cell(min_n) if publish and (0 < n_asked < min_n or n_hidden)
                   else str(n_asked))
        rows.append(row)
    return _table(head, rows, cls="isx-table isx-survey isx-dist") + _note(shown, min_n, lang)


def summary_html(summary: pd.DataFrame, *, instrument: "Instrument", by: str | None = None,
                 lang: str = "nl", min_n: int = 5, publish: bool = True,
                 hidden_items: Sequence[str] = ()) -> str:
    """Mean, sd, n, "don't know" and share in the top two answers per item (and group).

    ``hidden_items``: items with a hidden cell in their distribution; their summary is
    hidden too (n, "don't know", mean and top-two share would let a reader solve for the
    hidden counts).
    """
    shown = suppress(summary, min_n=min_n, n=C.N,
                     values=[C.N, C.MEAN, C.SD, "share_top2", "n_dont_know"],
                     within=[C.ITEM] if by else (), enabled=publish)
    if publish and len(hidden_items):
        shown.loc[shown[C.ITEM].isin(hidden_items), C.SUPPRESSED] = True
    head = [word("factor", lang)] + ([word(by, lang)] if by else []) + [
        "n", "gemiddelde" if lang == "nl" else "mean", "sd", "4–5" if lang else "",
        "weet niet" if lang == "nl" else "don't know"]
    rows = []
    for r in shown.itertuples(index=False):
        row = [html.escape(_item_label(instrument, getattr(r, C.ITEM), lang))]
        if by:
            row.append(html.escape(str(getattr(r, by))))
        if getattr(r, C.SUPPRESSED):
            row += [hidden_cell(min_n)] * 5
        else:
            row += [str(int(getattr(r, C.N))), number(getattr(r, C.MEAN), lang),
                    number(getattr(r, C.SD), lang), percent(r.share_top2, lang),
                    str(int(r.n_dont_know))]
        rows.append(row)
    return _table(head, rows) + _note(shown, min_n, lang)


def reliability_html(scales: pd.DataFrame, *, lang: str = "nl", min_n: int = 5,
                     publish: bool = True, hidden: Sequence[tuple[int, str]] = ()) -> str:
    """Scales: k items, n, Cronbach's alpha with its interval, omega, mean and sd.

    ``hidden``: ``(wave, scale)`` pairs hidden to protect other scopes (a region's mean
    and n would otherwise follow from its situation minus the other regions).
    """
    shown = suppress(scales, min_n=min_n, n=C.N,
                     values=[C.N, C.ALPHA, C.CI_LOW, C.CI_HIGH, C.OMEGA_TOTAL, C.MEAN, C.SD],
                     enabled=publish)
    if publish and len(hidden):
        pairs = set(hidden)
        mask = [(int(w), sc) in pairs for w, sc in zip(shown["wave"], shown[C.SCALE])]
        shown.loc[mask, C.SUPPRESSED] = True
    head = ["schaal" if lang == "nl" else "scale", "meting" if lang == "nl" else "wave",
            "items", "n", "alpha [95%-BI]" if lang == "nl" else "alpha [95% CI]", "omega",
            "gemiddelde" if lang == "nl" else "mean", "sd"]
    rows = []
    for r in shown.itertuples(index=False):
        label = html.escape(str(getattr(r, C.LABEL, r.scale)))
        if not getattr(r, "reported", True):
            label += " <small>(" + ("niet betrouwbaar" if lang == "nl" else "not reliable") + ")</small>"
        if getattr(r, C.SUPPRESSED):
            rows.append([label, str(r.wave), str(r.k_items)] + [hidden_cell(min_n)] * 5)
            continue
        rows.append([label, str(r.wave), str(r.k_items), str(int(r.n)),
                     f"{number(r.alpha, lang)} [{number(r.ci_low, lang)}–{number(r.ci_high, lang)}]",
                     number(r.omega_total, lang), number(r.mean, lang), number(r.sd, lang)])
    return _table(head, rows) + _note(shown, min_n, lang)


def association_html(assoc: pd.DataFrame, *, labels: dict[str, str], lang: str = "nl",
                     min_n: int = 5, publish: bool = True) -> str:
    """Spearman correlations as a matrix: mechanisms and conditions as rows, satisfaction
    and yields as columns; each cell rho, its interval and n."""
    shown = suppress(assoc, min_n=min_n, n=C.N, values=[C.N, C.RHO, C.CI_LOW, C.CI_HIGH,
                                                        C.P_VALUE], enabled=publish)
    outcomes = list(dict.fromkeys(shown[C.OUTCOME]))
    head = ["factor"] + [textwrap.shorten(labels.get(o, o), 60, placeholder="…")
                         for o in outcomes]
    rows = []
    for predictor, part in shown.groupby(C.PREDICTOR, sort=False):
        cells = {r.outcome: r for r in part.itertuples(index=False)}
        row = [html.escape(labels.get(predictor, predictor))]
        for outcome in outcomes:
            r = cells.get(outcome)
            if r is None:
                row.append("")
            elif getattr(r, C.SUPPRESSED):
                row.append(hidden_cell(min_n))
            else:
                row.append(f"{number(r.rho, lang)}<br><small>[{number(r.ci_low, lang)}–"
                           f"{number(r.ci_high, lang)}]; n = {int(r.n)}</small>")
        rows.append(row)
    return _table(head, rows, cls="isx-table isx-matrix") + _note(shown, min_n, lang)


def change_html(change: pd.DataFrame, *, labels: dict[str, str], lang: str = "nl") -> str:
    """Codes mentioned by k of N sources in each wave, with the change class and its rule."""
    if change.empty:
        return ""
    before, after = int(change["wave_before"].iloc[0]), int(change["wave_after"].iloc[0])
    head = ["factor", str(before), str(after), "verandering" if lang == "nl" else "change"]
    rows = []
    for r in change.itertuples(index=False):
        if r.k_before == 0 and r.k_after == 0:
            continue
        cls = word(r.change, lang) if isinstance(r.change, str) else "–"
        rows.append([html.escape(labels.get(r.code, r.code)),
                     f"{int(r.k_before)} {word('of', lang)} {int(r.n_before)}",
                     f"{int(r.k_after)} {word('of', lang)} {int(r.n_after)}", html.escape(cls)])
    rules = html.escape(change.attrs.get("rules", ""))
    return _table(head, rows) + (f'<p class="isx-note">{rules}</p>' if rules else "")


def likert_bars(dist: pd.DataFrame, *, instrument: "Instrument", lang: str = "nl",
                min_n: int = 5, publish: bool = True, title: str | None = None) -> "Figure":
    """Diverging stacked bars of ordered items: disagreement left of zero, agreement right,
    the middle answer split over both sides, "don't know" as a grey bar on the far right.

    Items asked of fewer than ``min_n`` respondents are left out in publish mode.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from ..network.plot import set_alt_text

    items = list(dict.fromkeys(dist[C.ITEM]))
    if publish:
        asked = dist.groupby(C.ITEM)[C.N_ASKED].first()
        items = [i for i in items if asked[i] >= min_n]
    fig, ax = plt.subplots(figsize=(10, 0.6 * max(len(items), 1) + 2.0))
    labels = list(dict.fromkeys(dist.loc[dist["non_numeric"].isna(), C.LABEL]))
    colours = _diverging(len(labels))
    bars = []  # (y, width, left, colour) of every bar, in drawing order
    for y, item in enumerate(items):
        part = dist[dist[C.ITEM] == item]
        scale = part[part["non_numeric"].isna()].sort_values(C.CODE)
        total = part[C.COUNT].sum()
        if total == 0:
            continue
        shares = (scale[C.COUNT] / total).to_numpy()
        k = len(shares)
        cols = colours if k == len(colours) else _diverging(k)
        mid = k // 2
        left = -(shares[:mid].sum() + (shares[mid] / 2 if k % 2 else 0))
        for j, share in enumerate(shares):
            bars.append((y, share, left, cols[j]))
            left += share
        dk = part.loc[part["non_numeric"].notna(), C.COUNT].sum() / total
        if dk:
            bars.append((y, dk, 1.05, "#8c8c8c"))
    if bars:  # one call for all bars (each call builds its own container, ~5 ms)
        ys, widths, lefts, fills = zip(*bars)
        ax.barh(ys, widths, left=lefts, color=fills, edgecolor="white", height=0.7)
    ax.set_yticks(range(len(items)))
    ax.set_yticklabels([textwrap.fill(_item_label(instrument, i, lang), 48) for i in items],
                       fontsize=8)
    ax.axvline(0, color="#444444", linewidth=0.8)
    ax.set_xlim(-1, 1.3)
    ax.set_xticks([-1, -0.5, 0, 0.5, 1])
    ax.set_xticklabels(["100%", "50%", "0", "50%", "100%"])
    ax.invert_yaxis()
    if title:
        ax.set_title(title, fontsize=10)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colours]
    handles.append(plt.Rectangle((0, 0), 1, 1, color="#8c8c8c"))
    fig.legend(handles, labels + (["weet niet"] if lang == "nl" else ["don't know"]),
               fontsize=7, ncol=3, loc="lower center", frameon=False)
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    alt = ("Gestapelde staafdiagrammen per stelling: links het aandeel dat het (overwegend) "
           "oneens is, rechts het aandeel dat het (overwegend) eens is, grijs 'weet niet'."
           if lang == "nl" else
           "Diverging stacked bars per statement: disagreement to the left, agreement to the "
           "right, 'don't know' in grey.")
    set_alt_text(fig, alt + " " + "; ".join(_item_label(instrument, i, lang) for i in items))
    return fig


def _diverging(k: int) -> list[str]:
    """k colours from disagreement (red) through neutral grey to agreement (blue)."""
    fixed = {2: ["#b2182b", "#2166ac"], 3: ["#b2182b", "#d9d9d9", "#2166ac"],
             4: ["#b2182b", "#ef8a62", "#67a9cf", "#2166ac"],
             5: ["#b2182b", "#ef8a62", "#d9d9d9", "#67a9cf", "#2166ac"],
             6: ["#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac"],
             7: ["#b2182b", "#ef8a62", "#fddbc7", "#d9d9d9", "#d1e5f0", "#67a9cf", "#2166ac"]}
    if k in fixed:
        return fixed[k]
    import matplotlib

    cmap = matplotlib.colormaps["RdBu"]
    return [matplotlib.colors.to_hex(cmap(x)) for x in np.linspace(0.05, 0.95, max(k, 1))]


def measures_html(frame: pd.DataFrame, *, lang: str = "nl") -> str:
    """Structure measures of network drawings, one row per drawing."""
    head = ["regio" if lang == "nl" else "region", "partijen" if lang == "nl" else "parties",
            "lijnen" if lang == "nl" else "ties", "dichtheid" if lang == "nl" else "density",
            "centralisatie" if lang == "nl" else "centralisation", "spil" if lang == "nl"
            else "hub", "structuur" if lang == "nl" else "structure"]
    rows = []
    for r in frame.itertuples(index=False):
        rows.append([html.escape(str(r.region)), str(int(r.n_parties)), str(int(r.n_ties)),
                     number(r.density, lang), number(r.degree_centralisation, lang),
                     html.escape(str(r.hub)), html.escape(str(r.structure))])
    return _table(head, rows)
