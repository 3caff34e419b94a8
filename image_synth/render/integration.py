"""Rendering the integration displays: styled HTML tables and heatmaps, Dutch or English.

Every function takes the tidy frame an analysis returned and gives HTML text or a
matplotlib Figure (never shown). In publish mode the survey cells of rows based on
fewer than the study's minimum n are replaced by ``<k`` — also when a small group could
be recovered from a larger scope by subtraction (:func:`hidden_rows`).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import columns as C
from ..publish.disclosure import suppress
from .labels import hidden_cell, number, percent, word

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..study.load import Study

__all__ = ["hidden_rows", "protect_display", "joint_display_html", "cmo_html",
           "joint_heatmap", "evidence_heatmap", "meta_inferences_html"]

_SURVEY_VALUES = [C.N, C.MEAN, C.SD, C.CI_LOW, C.CI_HIGH, "share_top2", "mean_previous",
                  "n_previous"]
_PREVIOUS_VALUES = ["mean_previous", "n_previous"]
_RHO_VALUES = ["rho_satisfaction", "rho_ci_low", "rho_ci_high", "rho_n", "rho_yields_mean"]


def hidden_rows(study: "Study", display: pd.DataFrame, *, wave: int | None = None) -> set[str]:
    """Rows of a situation or region display whose survey cells must be hidden because the
    scope could be recovered from a larger one by subtracting its published siblings.

    For a region: its situation's regions are the partition; for a situation: the nation's
    situations. Complementary suppression (:func:`~image_synth.publish.disclosure.suppress`)
    over the siblings' n decides, row by row.
    """
    from ..integrate.joint import survey_row_stats
    from ..integrate.rows import display_rows

    if display.empty or display["scope"].iloc[0] == "national":
        return set()
    scope_kind = display["scope"].iloc[0]
    scope_value = display["situation"].iloc[0]
    wave = wave if wave is not None else display.attrs.get("wave", max(study.config.waves))
    if scope_kind == "region":
        situation = study.config.region(scope_value).situation
        siblings = [r.id for r in study.config.regions if r.situation == situation]
        column = C.REGION
    else:
        siblings = [s.id for s in study.config.situations]
        column = C.SITUATION
    rows = display_rows(study.instrument, study.codebook)
    survey = study.survey[study.survey[C.WAVE] == wave]
    if survey.empty:
        return set()
    sizes = []
    for sibling in siblings:
        stats = survey_row_stats(survey[survey[column] == sibling], study, rows)
        sizes.append(stats[["row_id", C.N]].assign(group=sibling))
    frame = pd.concat(sizes, ignore_index=True)
    marked = suppress(frame, min_n=study.min_n, n=C.N, values=[C.N], within=["row_id"])
    mine = marked[(marked["group"] == scope_value) & marked[C.SUPPRESSED]]
    return set(mine["row_id"])


def protect_display(display: pd.DataFrame, *, min_n: int, publish: bool = True,
                    extra_hidden: set[str] = frozenset(),
                    previous_hidden: set[str] = frozenset()) -> pd.DataFrame:
    """The joint display with survey and association cells below ``min_n`` blanked.

    Adds ``survey_suppressed``, ``previous_suppressed`` and ``rho_suppressed`` (bool) for
    the renderer.
    """
    out = suppress(display, min_n=min_n, n=C.N, values=_SURVEY_VALUES, enabled=publish)
    out = out.rename(columns={C.SUPPRESSED: "survey_suppressed"}).drop(
        columns="suppression_reason")
    if publish and (extra_hidden or "hidden_by_scope" in out.columns):
        mask = out["row_id"].isin(extra_hidden) & ~out["survey_suppressed"]
        if "hidden_by_scope" in out.columns:   # set per situation by the caller
            mask |= out["hidden_by_scope"].fillna(False).astype(bool) & ~out["survey_suppressed"]
        out.loc[mask, _SURVEY_VALUES] = np.nan
        out.loc[mask, "survey_suppressed"] = True
    # the previous wave rests on its own respondents
    out = suppress(out, min_n=min_n, n="n_previous", values=_PREVIOUS_VALUES, enabled=publish)
    out = out.rename(columns={C.SUPPRESSED: "previous_suppressed"}).drop(
        columns="suppression_reason")
    out.loc[out["survey_suppressed"], "previous_suppressed"] = publish
    if publish and previous_hidden:
        mask = out["row_id"].isin(previous_hidden)
        out.loc[mask, _PREVIOUS_VALUES] = np.nan
        out.loc[mask, "previous_suppressed"] = True
    out = suppress(out, min_n=min_n, n="rho_n", values=_RHO_VALUES, enabled=publish)
    out = out.rename(columns={C.SUPPRESSED: "rho_suppressed"}).drop(columns="suppression_reason")
    if publish:
        small = out["satisfaction_n"].fillna(0) < min_n
        out.loc[small & (out["satisfaction_n"] > 0), "satisfaction_mean"] = np.nan
        # an association computed on a group whose survey cells are hidden is hidden too
        out.loc[out["survey_suppressed"], _RHO_VALUES] = np.nan
        out.loc[out["survey_suppressed"], "rho_suppressed"] = True
    return out


def _cell(text: str, cls: str = "") -> str:
    return f'<td class="{cls}">{text}</td>' if cls else f"<td>{text}</td>"


def joint_display_html(display: pd.DataFrame, *, lang: str = "nl", min_n: int = 5,
                       publish: bool = True, extra_hidden: set[str] = frozenset(),
                       previous_hidden: set[str] = frozenset()) -> str:
    """The side-by-side joint display as an HTML table (with a caption and the rules).

    ``display`` is what :func:`image_synth.integrate.joint_display` returns.
    """
    shown = protect_display(display, min_n=min_n, publish=publish, extra_hidden=extra_hidden,
                            previous_hidden=previous_hidden)
    hidden = hidden_cell(min_n)
    head = ["factor", "survey", "previous", "interviews", "meetings", "other", "added_value",
            "quote", "convergence"]
    out = ['<table class="joint-display">', "<thead><tr>" +
           "".join(f"<th>{html.escape(word(h, lang))}</th>" for h in head) + "</tr></thead>",
           "<tbody>"]
    for r in shown.itertuples(index=False):
        label = html.escape(getattr(r, f"label_{lang}"))
        factor = f"{label}<br><small>{html.escape(word(r.row_kind, lang))}</small>"
        if r.survey_suppressed:
            survey = hidden
        elif r.n and r.n > 0:
            survey = (f"{number(r.mean, lang)} [{number(r.ci_low, lang)}–{number(r.ci_high, lang)}]"
                      f"<br><small>n = {int(r.n)}; {percent(r.share_top2, lang)} 4–5</small>")
        else:
            survey = "–"
        previous = (hidden if r.previous_suppressed else
                    f"{number(r.mean_previous, lang)} <small>(n = {int(r.n_previous)})</small>"
                    if r.n_previous and r.n_previous > 0 else "–")
        interviews = (f"{int(r.k_sources)} {word('of', lang)} {int(r.n_sources)}"
                      + (f"<br><small>{html.escape(word(r.change, lang))}</small>"
                         if isinstance(r.change, str) else "")
                      if r.n_sources else "–")
        meetings = (f"{int(r.meetings_k)} {word('of', lang)} {int(r.meetings_n)}"
                    if r.meetings_n else "–")
        other = ", ".join(word(k, lang) for k in ("literature", "external_study")
                          if getattr(r, k)) or "–"
        if r.rho_suppressed:
            assoc = hidden
        elif not np.isnan(r.rho_satisfaction):
            assoc = (f"ρ = {number(r.rho_satisfaction, lang)} "
                     f"[{number(r.rho_ci_low, lang)}–{number(r.rho_ci_high, lang)}]")
        else:
            assoc = "–"
        quote = ""
        if getattr(r, C.QUOTE, ""):
            marker = " (synthetisch)" if lang == "nl" else " (synthetic)"
            quote = (f"“{html.escape(r.quote)}”<br><small>{html.escape(r.quote_source_id)}"
                     f"{marker if r.quote_synthetic else ''}</small>")
        conv = html.escape(word(r.conv_survey_interviews, lang))
        conv_class = f"conv-{r.conv_survey_interviews}"
        if r.survey_suppressed:
            # the code would tell the grade of the hidden survey mean
            conv, conv_class = hidden, "conv-silence"
        elif r.conv_survey_interviews_set_by == "analyst":
            conv += f"*<br><small>{html.escape(r.conv_survey_interviews_rationale)}</small>"
        out.append("<tr>" + "".join(_cell(c) for c in (factor, survey, previous, interviews,
                                                        meetings, other, assoc, quote))
                   + _cell(conv, conv_class) + "</tr>")
    out.append("</tbody></table>")
    notes = [html.escape(display.attrs.get("rules", ""))]
    if publish and (shown["survey_suppressed"].any() or shown["rho_suppressed"].any()):
        notes.append(html.escape(word("suppressed_note", lang, min_n=min_n)))
    if (shown["conv_survey_interviews_set_by"] == "analyst").any():
        notes.append("* " + html.escape(word("analyst", lang)))
    out.append("".join(f'<p class="note">{n}</p>' for n in notes if n))
    return "\n".join(out)


def cmo_html(table: pd.DataFrame, *, lang: str = "nl", min_n: int = 5,
             publish: bool = True, extra_hidden: set[str] = frozenset()) -> str:
    """The CMO table as three columns (context, mechanism, outcome) of cited elements.

    ``extra_hidden`` are elements (row ids) hidden on the page's joint display to protect
    other scopes; their survey numbers are hidden here too.
    """
    shown = suppress(table, min_n=min_n, n=C.N, values=[C.N, C.MEAN, "share_top2"],
                     enabled=publish)
    if publish and extra_hidden:
        shown.loc[shown["element"].isin(extra_hidden), C.SUPPRESSED] = True
    columns = []
    for role in ("context", "mechanism", "outcome"):
        part = shown[shown["cmo"] == role]
        items = []
        for r in part.itertuples(index=False):
            evidence = r.evidence
            if r.suppressed:
                # keep the interview part; replace survey numbers
                evidence = "; ".join(p for p in evidence.split("; ") if not p.startswith("survey"))
                evidence = html.escape(evidence + "; " if evidence else "") + \
                    f"survey: {hidden_cell(min_n)}"
            else:
                evidence = html.escape(evidence)
            items.append(f"<li><strong>{html.escape(r.label)}</strong><br>"
                         f"<small>{evidence}</small></li>")
        columns.append(f"<td><ul>{''.join(items)}</ul></td>")
    head = "".join(f"<th>{word(r if r != 'mechanism' else 'mechanism', lang).capitalize()}</th>"
                   for r in ("context", "mechanism", "outcome"))
    return (f'<table class="cmo"><thead><tr>{head}</tr></thead><tbody><tr>'
            f'{"".join(columns)}</tr></tbody></table>')


def joint_heatmap(displays: pd.DataFrame, *, lang: str = "nl", min_n: int = 5,
                  publish: bool = True) -> "Figure":
    """Mechanisms and conditions x situations: survey mean as colour, interview k/N as text.

    ``displays`` stacks :func:`joint_display` frames of several situations. Cells below
    ``min_n`` stay empty in publish mode. The figure's alt text is attached
    (:func:`image_synth.network.plot.get_alt_text` reads it).
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import textwrap

    import matplotlib.pyplot as plt
    import seaborn as sns

    shown = protect_display(displays, min_n=min_n, publish=publish)
    label = f"label_{lang}"
    order = list(dict.fromkeys(shown[label]))
    situations = list(dict.fromkeys(shown["situation"]))
    means = shown.pivot(index=label, columns="situation", values=C.MEAN).reindex(
        index=order, columns=situations)
    fig, ax = plt.subplots(figsize=(1.5 * len(situations) + 5, 0.5 * len(order) + 2.2))
    ax.set_facecolor("#eeeeee")   # cells without a published survey mean
    # tick labels are set below (seaborn's "auto" would draw the figure once to thin them)
    sns.heatmap(means.astype(float), annot=False, cmap="RdYlGn", vmin=1, vmax=5,
                linewidths=0.5, linecolor="white", ax=ax, xticklabels=False, yticklabels=False,
                cbar_kws={"label": "gemiddelde (1-5)" if lang == "nl" else "mean (1-5)"})
    cells = shown.set_index([label, "situation"])
    for i, row_label in enumerate(order):
        for j, situation in enumerate(situations):
            r = cells.loc[(row_label, situation)]
            if r["survey_suppressed"]:
                top = f"<{min_n}"
            elif r[C.N] and r[C.N] > 0:
                top = number(r[C.MEAN], lang, 1)
            else:
                top = "–"
            bottom = f"{int(r[C.K_SOURCES])}/{int(r[C.N_SOURCES])}" if r[C.N_SOURCES] else ""
            ax.text(j + 0.5, i + 0.5, f"{top}\n{bottom}".strip(), ha="center", va="center",
                    fontsize=8)
    ax.set_yticks([i + 0.5 for i in range(len(order))])
    ax.set_yticklabels([textwrap.shorten(t, 55, placeholder="…") for t in order], fontsize=8,
                       rotation=0)
    ax.set_xticks([j + 0.5 for j in range(len(situations))])
    names = {s: s for s in situations}
    if "situation_label" in shown.columns:
        names.update(dict(zip(shown["situation"], shown["situation_label"])))
    ax.set_xticklabels([textwrap.fill(names[s], 18) for s in situations], fontsize=8)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title("Werkzame mechanismen en condities per samenwerkingssituatie" if lang == "nl"
                 else "Working mechanisms and conditions per collaboration situation",
                 fontsize=11)
    fig.tight_layout()
    alt = ("Heatmap: rijen zijn werkzame mechanismen en condities, kolommen de "
           "samenwerkingssituaties; de kleur is het gemiddelde op de vragenlijst (1-5), de "
           "tekst het gemiddelde en het aantal interviews dat de factor noemt (k/N); "
           f"'<{min_n}': minder dan {min_n} scholen, niet getoond."
           if lang == "nl" else
           "Heatmap: rows are working mechanisms and conditions, columns the collaboration "
           "situations; colour is the survey mean (1-5), the text the mean and the number "
           f"of interviews mentioning the factor (k/N); '<{min_n}': fewer than {min_n} "
           "schools, not shown.")
    _set_alt(fig, alt)
    return fig


def evidence_heatmap(evidence: pd.DataFrame, *, lang: str = "nl", min_n: int = 5,
                     publish: bool = True) -> "Figure":
    """Factors x kinds of evidence; colour = share of sources (or respondents) that speak
    to the factor. In publish mode the survey column is left empty when it rests on
    fewer than ``min_n`` respondents."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import seaborn as sns

    from ..integrate.evidence import evidence_matrix

    if publish:
        evidence = evidence.copy()
        small = (evidence["evidence"] == "survey") & (evidence[C.N_SOURCES] < min_n)
        evidence.loc[small, C.SHARE] = np.nan
    matrix = evidence_matrix(evidence)
    labels = evidence.drop_duplicates(C.CODE).set_index(C.CODE)[f"label_{lang}"]
    matrix.index = [labels[c] for c in matrix.index]
    matrix.columns = [word(c, lang) for c in matrix.columns]
    fig, ax = plt.subplots(figsize=(7.5, 0.28 * len(matrix) + 1.8))
    # every label (seaborn's "auto" would draw the figure once to thin them out)
    sns.heatmap(matrix.astype(float), cmap="Blues", vmin=0, vmax=1, linewidths=0.3,
                linecolor="white", ax=ax, xticklabels=True, yticklabels=True,
                cbar_kws={"label": "aandeel" if lang == "nl" else "share"})
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="y", labelsize=8)
    # slanted labels end under their column (centred ones overlap their neighbours)
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right", rotation_mode="anchor")
    fig.tight_layout()
    _set_alt(fig, "Bewijskaart: factoren tegen soorten bronnen; de kleur is het aandeel bronnen "
                  "dat de factor noemt." if lang == "nl" else
                  "Evidence map: factors against kinds of source; colour is the share of "
                  "sources that mention the factor.")
    return fig


def _set_alt(fig, alt: str) -> None:
    from ..network.plot import set_alt_text

    set_alt_text(fig, alt)


def meta_inferences_html(table: pd.DataFrame, *, lang: str = "nl") -> str:
    """Meta-inferences with type, the rows they rest on, author and date."""
    if table.empty:
        return ""
    head = ("Meta-inferentie", "Soort", "Berust op", "Auteur, datum") if lang == "nl" else (
        "Meta-inference", "Type", "Rests on", "Author, date")
    rows = "".join(
        f"<tr><td>{html.escape(r.text)}</td><td>{html.escape(r.type)}</td>"
        f"<td>{html.escape(r.rows.replace(';', ', '))}</td>"
        f"<td>{html.escape(r.author)}, {r.date}</td></tr>" for r in table.itertuples(index=False))
    return (f'<table class="meta"><thead><tr>{"".join(f"<th>{h}</th>" for h in head)}</tr>'
            f"</thead><tbody>{rows}</tbody></table>")
