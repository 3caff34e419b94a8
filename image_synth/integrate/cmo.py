"""Context-mechanism-outcome tables: conditions and hindering factors as context, working
mechanisms, and yields and satisfaction as outcomes, each cell citing its evidence.

A CMO table is read per collaboration situation (realist evaluation's question "what
works, for whom, under which circumstances"). Each element appears only when at least
one strand has evidence for it in the scope, and its ``evidence`` column says which:
survey items with n and mean or share, and the ids of the sources that mention it.

Elements are paired through the joint display's rows: ``linked_rows`` names the rows
(mechanisms and conditions) an element belongs to: a row itself, or a code whose
crosswalk links (``links:`` in the codebook) point at the row, such as a hindering
factor that speaks to a condition item or a mechanism scale. A row of the rendered
table is one such configuration: its context (the condition, linked conditions and
hindering factors), its mechanism, and its outcome (the association with satisfaction).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import columns as C
from .joint import _sources_by_code, _survey_of_wave, joint_display, scope_of

if TYPE_CHECKING:
    from ..study.load import Study

__all__ = ["cmo_table", "CMO_ROLES"]

CMO_ROLES = ("context", "mechanism", "outcome")

_CODE_ROLE = {"hindering_factor": "context", "process_yield": "outcome",
              "result_yield": "outcome"}


def cmo_table(study: "Study", *, situation: str | None = None, region: str | None = None,
              wave: int | None = None, lang: str = "nl") -> pd.DataFrame:
    """The CMO table of one scope.

    Returns
    -------
    pandas.DataFrame
        One row per element with evidence, ordered context, mechanism, outcome:
        ``situation`` (the scope id), ``cmo`` (context, mechanism, outcome), ``element``
        (row id: ``scale:``, ``item:`` or ``code:``), ``label``, ``kind`` (condition,
        hindering_factor, mechanism, satisfaction, yield, process_yield, result_yield),
        ``n`` and ``mean`` (survey; ``share_top2`` for yield items), ``k_sources`` and
        ``n_sources`` (interviews), ``evidence`` (text citing items and source ids),
        ``linked_rows`` (``;``-separated joint-display row ids the element is paired
        with: its own row, or the rows its codebook links point at; empty when none).
    """
    display = joint_display(study, situation=situation, region=region, wave=wave,
                            quotes=False)
    wave = display.attrs["wave"]
    scope = display["situation"].iloc[0] if len(display) else "national"
    label = f"label_{lang}"
    rows = []
    for r in display.itertuples(index=False):
        cmo = "context" if r.row_kind == "condition" else "mechanism"
        rows.append(_element(scope, cmo, r.row_id, getattr(r, label), r.row_kind, r.items,
                             r.n, r.mean, np.nan, r.k_sources, r.n_sources, r.source_ids))
    scoped, _ = scope_of(study, situation, region)
    rows += _survey_outcomes(scoped, study, wave, scope, lang)
    rows += _coded_elements(scoped, study, wave, scope, lang)
    frame = pd.DataFrame(rows, columns=_ELEMENT_COLUMNS)   # the columns also without rows
    frame["linked_rows"] = _linked_rows(study, frame, set(display["row_id"]))
    has_evidence = (frame[C.N].fillna(0) > 0) | (frame[C.K_SOURCES].fillna(0) > 0)
    frame = frame[has_evidence].copy()
    frame["_order"] = frame["cmo"].map({r: i for i, r in enumerate(CMO_ROLES)})
    frame = frame.sort_values(["_order"], kind="stable").drop(columns="_order")
    return frame.reset_index(drop=True)


_ELEMENT_COLUMNS = ["situation", "cmo", "element", "label", "kind", C.N, C.MEAN, "share_top2",
                    C.K_SOURCES, C.N_SOURCES, "evidence"]


def _linked_rows(study: "Study", frame: pd.DataFrame, display_rows: set[str]) -> list[str]:
    """The joint-display rows each element is paired with (see the module docstring)."""
    links = {}
    if study.codebook is not None:
        links = {f"code:{c.id}": [x for x in c.links if x in display_rows]
                 for c in study.codebook.codes}
    out = []
    for element in frame["element"]:
        if element in display_rows:
            out.append(element)
        else:
            out.append(";".join(dict.fromkeys(links.get(element, []))))
    return out


def _element(scope, cmo, element, label, kind, items, n, mean, share, k, n_sources, ids):
    parts = []
    if n and n > 0:
        stat = f"mean {mean:.2f}" if not np.isnan(mean) else f"{share:.0%} top two"
        parts.append(f"survey {items}: {stat} (n={int(n)})")
    if k and k > 0:
        parts.append(f"interviews: {int(k)} of {int(n_sources)} ({ids.replace(';', ', ')})")
    return {"situation": scope, "cmo": cmo, "element": element, "label": label, "kind": kind,
            C.N: n, C.MEAN: mean, "share_top2": share, C.K_SOURCES: k,
            C.N_SOURCES: n_sources, "evidence": "; ".join(parts)}


def _survey_outcomes(scoped, study, wave, scope, lang) -> list[dict]:
    from ..quant.numeric import item_range, numeric_items

    survey = _survey_of_wave(scoped.survey, wave)
    out = []
    for block in ("satisfaction", "yield"):
        for item in study.instrument.items_in_block(block):
            if not study.instrument.response_set(item.response_set).ordered:
                continue
            if item.id not in survey.columns:
                continue
            values = numeric_items(survey, study.instrument, items=[item.id])[item.id].dropna()
            lo, hi = item_range(study.instrument, item.id)
            n = len(values)
            mean = float(values.mean()) if n and block == "satisfaction" else np.nan
            share = float((values >= hi - 1).mean()) if n and block == "yield" else np.nan
            out.append(_element(scope, "outcome", f"item:{item.id}", item.text.get(lang), block,
                                item.id, n, mean, share, 0, 0, ""))
    return out


def _coded_elements(scoped, study, wave, scope, lang) -> list[dict]:
    from ..qual import mentions

    if study.codebook is None:
        return []
    sources = scoped.sources[(scoped.sources[C.SOURCE_TYPE] == "interview")
                             & (scoped.sources[C.WAVE] == wave)]
    if sources.empty:
        return []
    segs = scoped.segments[scoped.segments[C.SOURCE_ID].isin(sources[C.SOURCE_ID])]
    tally = mentions(segs, sources, codebook=study.codebook, by=(), rollup="code")
    counts = dict(zip(tally[C.CODE], zip(tally[C.K_SOURCES], tally[C.N_SOURCES])))
    # the sources coded with the code itself (the counts include its descendants)
    coded_by = _sources_by_code(segs)
    out = []
    parents = {c.parent for c in study.codebook.codes}
    for code in study.codebook.codes:
        cmo = _CODE_ROLE.get(code.category or "")
        # grouping codes (with children) are headings, not elements
        if cmo is None or code.id not in counts or code.id in parents:
            continue
        k, n_sources = counts[code.id]
        out.append(_element(scope, cmo, f"code:{code.id}", code.label.get(lang), code.category,
                            "", 0, np.nan, np.nan, int(k), int(n_sources),
                            ";".join(sorted(coded_by.get(code.id, ())))))
    return out
