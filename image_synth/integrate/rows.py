"""The rows of a joint display, derived from the instrument and the codebook's crosswalk.

One row per working mechanism (scale of block ``mechanism``) and per condition (item of
block ``condition``), each with the codes that speak to it (the codebook's ``links``,
children of a linked code included). Working factors and conditions of the codebook
that link to no survey item become rows of their own (``code:<id>``), and a scale or
item no code links to keeps its row with no codes: silence stays visible.

Row ids are ``scale:<id>``, ``item:<id>`` or ``code:<id>``, the same strings analysts
use in meta-inferences and override files.
"""

from __future__ import annotations

import pandas as pd

from ..study.models import Codebook, Instrument

__all__ = ["display_rows", "descendants", "row_segments", "ROW_CATEGORIES"]

#: codebook categories that become rows of their own when they link to no survey item
ROW_CATEGORIES = {"working_factor": "mechanism", "condition": "condition"}


def descendants(codebook: Codebook, code: str) -> list[str]:
    """``code`` and every code below it in the codebook tree."""
    return _descendants_in(_children_of(codebook), code)


def _children_of(codebook: Codebook) -> dict[str, list[str]]:
    """Parent id -> the ids of its children, in codebook order."""
    children: dict[str, list[str]] = {}
    for c in codebook.codes:
        if c.parent is not None:
            children.setdefault(c.parent, []).append(c.id)
    return children


def _descendants_in(children: dict[str, list[str]], code: str) -> list[str]:
    """:func:`descendants`, from the children map of :func:`_children_of` (built once)."""
    out, stack = [], [code]
    while stack:
        current = stack.pop()
        if current in out:
            continue
        out.append(current)
        stack.extend(children.get(current, []))
    return out


def display_rows(instrument: Instrument, codebook: Codebook | None) -> pd.DataFrame:
    """One row per mechanism and condition of the joint display.

    Returns
    -------
    pandas.DataFrame
        ``row_id``, ``row_kind`` (``mechanism`` or ``condition``), ``target`` (scale or
        item id; missing for code-only rows), ``label_nl``, ``label_en``, ``codes``
        (tuple of codebook ids whose mentions count for the row), ``items`` (tuple of
        the survey items behind the row).
    """
    linked: dict[str, list[str]] = {}
    children = _children_of(codebook) if codebook is not None else {}
    if codebook is not None:
        for code in codebook.codes:
            for link in code.links:
                linked.setdefault(link, []).extend(_descendants_in(children, code.id))
    rows = []
    for scale in instrument.scales:
        if scale.block != "mechanism":
            continue
        rows.append(_row(f"scale:{scale.id}", "mechanism", scale.id, scale.label,
                         linked.get(f"scale:{scale.id}", []),
                         [i.id for i in instrument.scale_items(scale.id)]))
    for item in instrument.items_in_block("condition"):
        rows.append(_row(f"item:{item.id}", "condition", item.id, item.text,
                         linked.get(f"item:{item.id}", []), [item.id]))
    if codebook is not None:
        covered = {c for row in rows for c in row["codes"]}
        parents = {c.parent for c in codebook.codes}
        for code in codebook.codes:
            kind = ROW_CATEGORIES.get(code.category or "")
            # grouping codes (with children) are headings, not factors
            if kind is None or code.id in covered or code.id in parents:
                continue
            rows.append(_row(f"code:{code.id}", kind, None, code.label,
                             _descendants_in(children, code.id), []))
    return pd.DataFrame(rows, columns=["row_id", "row_kind", "target", "label_nl", "label_en",
                                       "codes", "items"])


def _row(row_id, kind, target, label, codes, items) -> dict:
    return {"row_id": row_id, "row_kind": kind, "target": target, "label_nl": label.nl,
            "label_en": label.en or label.nl, "codes": tuple(dict.fromkeys(codes)),
            "items": tuple(items)}


def row_segments(segments: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """The segments re-keyed by display row: ``code`` becomes the ``row_id``.

    A segment counts for every row whose codes include its code, so the qualitative
    tallies (:func:`image_synth.qual.mentions`) can count rows the way they count codes.
    A segment that counts for two rows appears twice, its ``segment_id`` suffixed with
    ``@<row_id>`` so that ids stay unique.
    """
    pairs = [(code, row_id) for row_id, codes in zip(rows["row_id"], rows["codes"])
             for code in codes]
    mapping = pd.DataFrame(pairs, columns=["code", "row_id"])
    out = segments.merge(mapping, on="code", how="inner")
    out = out.drop_duplicates(subset=["segment_id", "row_id"])
    out["segment_id"] = out["segment_id"].astype(str) + "@" + out["row_id"]
    out["code"] = out.pop("row_id")
    return out.reset_index(drop=True)
