"""A bigger example study: the regions replicated ``factor`` times.

``tools/make_example_study.py --regions-factor N`` writes the example with every region
present N times: region ``C`` and its copies ``C2`` ... ``CN``, each in the same
situation with the same sectors, the same respondents (new respondent ids), the same
interviews and reflection meetings (new source ids, the same texts and codings) and the
same network drawings (for the meetings that have one). Study-wide sources (the external
study, the literature review) stay single. The study stays valid; only its size grows,
which is what the scaling benchmark (``bench/scaling.py``) needs.

With ``factor == 1`` nothing here is used: the shipped example is written exactly as
before.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import pandas as pd

__all__ = ["copy_ids", "replicate_survey", "replicate_sources", "replicate_documents",
           "replicate_drawings", "check_factor"]


def check_factor(factor: int) -> int:
    """``factor`` as an int of at least 1 (a ValueError names the value otherwise)."""
    if isinstance(factor, bool) or int(factor) != factor or factor < 1:
        raise ValueError(f"regions factor must be a whole number >= 1, got {factor!r}")
    return int(factor)


def copy_ids(region: str, factor: int) -> list[str]:
    """The ids of ``region`` and its copies: ``[region, region2, ..., regionN]``."""
    return [region] + [f"{region}{c}" for c in range(2, check_factor(factor) + 1)]


def _unique(ids: Sequence[str], what: str) -> None:
    seen = pd.Series(list(ids))
    twice = sorted(set(seen[seen.duplicated()]))
    if twice:
        raise ValueError(f"replicated {what} ids collide: {twice[:5]}")


def replicate_survey(frame: pd.DataFrame, factor: int) -> pd.DataFrame:
    """One wave's answers with every region's rows repeated under each copy's id.

    The respondent id ``S23-C-po-001`` of copy ``C2`` becomes ``S23-C2-po-001`` (the
    generator's ids hold the region between the first two dashes)."""
    factor = check_factor(factor)
    parts = [frame]
    for c in range(2, factor + 1):
        part = frame.copy()
        new_region = part["region"].astype(str) + str(c)
        pieces = part["respondent_id"].astype(str).str.split("-", n=2, expand=True)
        part["respondent_id"] = pieces[0] + "-" + new_region + "-" + pieces[2]
        part["region"] = new_region
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    _unique(out["respondent_id"], "respondent")
    return out


def _source_copy(source: Any, c: int) -> Any:
    """A generator ``Source`` moved to copy ``c`` of its region (id, region, title)."""
    region = source.region
    new = f"{region}{c}"
    source_id = source.source_id.replace(f"_{region}", f"_{new}", 1)
    title = source.title.replace(f"regio {region}", f"regio {new}", 1)
    return dataclasses.replace(source, source_id=source_id, region=new, title=title)


def replicate_sources(sources: Sequence[Any], factor: int) -> list[Any]:
    """Every source of a region followed by its copies (study-wide sources once)."""
    factor = check_factor(factor)
    out = []
    for source in sources:
        out.append(source)
        if source.region is not None:
            out += [_source_copy(source, c) for c in range(2, factor + 1)]
    _unique([s.source_id for s in out], "source")
    return out


def replicate_documents(docs: Sequence[Any], factor: int) -> list[Any]:
    """Every coded document of a region followed by copies for its region's copies: the
    same text and codings under the copied source."""
    factor = check_factor(factor)
    out = []
    for doc in docs:
        out.append(doc)
        if doc.source.region is not None:
            out += [dataclasses.replace(doc, source=_source_copy(doc.source, c),
                                        codings=list(doc.codings))
                    for c in range(2, factor + 1)]
    _unique([d.source.source_id for d in out], "document")
    return out


def replicate_drawings(data: dict[str, Any], factor: int) -> dict[str, Any]:
    """A drawings file (parsed YAML) with each drawing repeated for its region's copies:
    meeting ``RB2023_K`` of region ``K`` gets ``RB2023_K2`` of region ``K2`` ..."""
    factor = check_factor(factor)
    drawings = []
    for drawing in data.get("drawings", []):
        drawings.append(drawing)
        region = drawing["region"]
        for c in range(2, factor + 1):
            new = f"{region}{c}"
            copy = dict(drawing, region=new,
                        meeting=str(drawing["meeting"]).replace(f"_{region}", f"_{new}", 1))
            if "title" in copy:
                copy["title"] = str(copy["title"]).replace(f"({region})", f"({new})")
            drawings.append(copy)
    _unique([d["meeting"] for d in drawings], "meeting")
    return {**data, "drawings": drawings}
