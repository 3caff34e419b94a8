"""The evidence map and the meta-inferences shown with their audit trail.

The evidence map puts every factor of the codebook against every kind of evidence:
the survey (through the crosswalk: is there an item or scale, and how many answered),
interviews, reflection meetings, the literature and other studies (how many sources
mention it). Meta-inferences, written by analysts in the study's YAML, are checked
against the rows they rest on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import columns as C
from ..errors import AnalysisError, DataValidationError, Problem
from .joint import _sources_by_code, _survey_of_wave
from .rows import _children_of, _descendants_in

if TYPE_CHECKING:
    from ..study.load import Study

__all__ = ["evidence_map", "evidence_matrix", "check_meta_inferences", "meta_inference_table",
           "EVIDENCE_KINDS"]

#: columns of the evidence map, in order
EVIDENCE_KINDS = ("survey", "interview", "reflection_meeting", "literature", "external_study")


def evidence_map(study: "Study", *, wave: int | None = None,
                 categories: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Factors by kinds of evidence, tidy.

    Parameters
    ----------
    wave
        Wave of the survey and of the interviews and meetings (default: the last);
        literature and other studies count whatever their wave.
    categories
        Codebook categories to include (default: every code with a category).

    Returns
    -------
    pandas.DataFrame
        One row per code and evidence kind: ``code``, ``label_nl``, ``label_en``,
        ``category``, ``evidence`` (one of :data:`EVIDENCE_KINDS`), ``k_sources``,
        ``n_sources``, ``share`` (for the survey: respondents answering a linked item
        as ``k_sources``, the wave's respondents as ``n_sources``), ``present`` (bool),
        ``source_ids`` (or the linked item ids for the survey).
    """
    if study.codebook is None:
        return pd.DataFrame(columns=["code", "evidence"])
    wave = wave or max(study.config.waves)
    survey = _survey_of_wave(study.survey, wave)
    codes = [c for c in study.codebook.codes
             if c.category and (categories is None or c.category in categories)]
    # found once for all codes: the sources of each code, the codes' linked items and
    # their respondents, the sources of each kind
    coded_by = _sources_by_code(study.segments)
    children = _children_of(study.codebook)
    items_of = [_linked_items(study, code.links) for code in codes]
    answered_of = _answered(survey, study, items_of)
    kinds = {}
    for kind in EVIDENCE_KINDS[1:]:
        sources = study.sources[study.sources[C.SOURCE_TYPE] == kind]
        if kind in ("interview", "reflection_meeting"):
            sources = sources[sources[C.WAVE] == wave]
        kinds[kind] = (set(sources[C.SOURCE_ID]), len(sources))
    rows = []
    for code, items, answered in zip(codes, items_of, answered_of):
        # the sources coded with the code or any code below it
        mentioning = set().union(*(coded_by.get(c, ())
                                   for c in _descendants_in(children, code.id)))
        base = {C.CODE: code.id, "label_nl": code.label.nl, "label_en": code.label.en or
                code.label.nl, C.CATEGORY: code.category}
        rows.append({**base, "evidence": "survey", C.K_SOURCES: answered,
                     C.N_SOURCES: len(survey), "present": answered > 0,
                     "source_ids": ";".join(items)})
        for kind, (ids, n_sources) in kinds.items():
            hit = sorted(mentioning & ids)
            rows.append({**base, "evidence": kind, C.K_SOURCES: len(hit),
                         C.N_SOURCES: n_sources, "present": bool(hit),
                         "source_ids": ";".join(hit)})
    out = pd.DataFrame(rows, columns=[  # the columns also without rows (no categorised code)
        C.CODE, "label_nl", "label_en", C.CATEGORY, "evidence", C.K_SOURCES, C.N_SOURCES,
        "present", "source_ids"])
    out[C.SHARE] = np.where(out[C.N_SOURCES] > 0,
                            out[C.K_SOURCES] / out[C.N_SOURCES].where(out[C.N_SOURCES] > 0, 1),
                            np.nan)
    return out


def _answered(survey: pd.DataFrame, study: "Study", item_lists: list[list[str]]) -> list[int]:
    """Per list of items: the respondents who answer at least one of them with a number
    (items that are not survey columns left out). Every item is converted once."""
    from ..quant.numeric import numeric_items

    present = [[i for i in items if i in survey.columns] for items in item_lists]
    wanted = list(dict.fromkeys(i for items in present for i in items))
    if not wanted or not len(survey):
        return [0] * len(item_lists)
    try:
        numbers = numeric_items(survey, study.instrument, items=wanted)
    except AnalysisError:
        # raise the error of the first list that fails, naming only its items
        for items in present:
            if items:
                numeric_items(survey, study.instrument, items=items)
        raise
    answers = numbers.notna().to_numpy()
    column = {item: n for n, item in enumerate(wanted)}
    return [int(answers[:, [column[i] for i in items]].any(axis=1).sum()) if items else 0
            for items in present]


def _linked_items(study: "Study", links: tuple[str, ...]) -> list[str]:
    items = []
    for link in links:
        kind, _, target = link.partition(":")
        if kind == "scale":
            items += [i.id for i in study.instrument.scale_items(target)]
        else:
            items.append(target)
    return list(dict.fromkeys(items))


def evidence_matrix(evidence: pd.DataFrame, *, value: str = C.SHARE) -> pd.DataFrame:
    """The evidence map as a matrix (codes as rows, evidence kinds as columns)."""
    wide = evidence.pivot(index=C.CODE, columns="evidence", values=value)
    order = list(dict.fromkeys(evidence[C.CODE]))
    return wide.reindex(index=order, columns=[k for k in EVIDENCE_KINDS if k in wide.columns])


def _known_rows(study: "Study") -> set[str]:
    known = {f"scale:{s.id}" for s in study.instrument.scales}
    known |= {f"item:{i.id}" for i in study.instrument.items}
    if study.codebook is not None:
        # a code may be named as ``code:<id>`` or by its bare codebook id
        known |= {f"code:{c.id}" for c in study.codebook.codes}
        known |= {c.id for c in study.codebook.codes}
    return known


def check_meta_inferences(study: "Study") -> None:
    """Every meta-inference must rest on rows that exist (``scale:<id>``, ``item:<id>``,
    ``code:<id>`` or a bare codebook id) and name a situation of the study (or
    ``national``); all problems at once."""
    known = _known_rows(study)
    situations = {s.id for s in study.config.situations} | {"national"}
    file = study.config.meta_inferences or "meta_inferences"
    problems = []
    for n, meta in enumerate(study.meta_inferences.itertuples(index=False)):
        for row in str(meta.rows).split(";"):
            if row not in known:
                problems.append(Problem(file=file, row=f"meta_inferences[{n}] ({meta.id})",
                                        column="rows", value=row,
                                        message="the row this meta-inference rests on does "
                                                "not exist",
                                        expected="scale:<id>, item:<id>, code:<id> or a "
                                                 "codebook id"))
        if meta.situation not in situations:
            problems.append(Problem(file=file, row=f"meta_inferences[{n}] ({meta.id})",
                                    column="situation", value=meta.situation,
                                    message="unknown situation",
                                    expected="one of " + ", ".join(sorted(situations))))
    if problems:
        raise DataValidationError(problems)


def meta_inference_table(study: "Study", *, situation: str | None = None) -> pd.DataFrame:
    """Meta-inferences for a scope (national ones always included), checked.

    Returns ``id``, ``type``, ``text``, ``rows``, ``situation``, ``author``, ``date``.
    """
    check_meta_inferences(study)
    metas = study.meta_inferences
    if situation is not None:
        metas = metas[metas["situation"].isin([situation, "national"])]
    return metas[["id", "type", "text", "rows", "situation", "author", "date"]].reset_index(
        drop=True)
