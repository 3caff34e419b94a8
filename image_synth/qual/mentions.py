"""Mentions per code and group: how many sources mention a code (k of N).

A code counts once per source, however many passages of that source are coded with
it: chapter 6 of the IMAGE report speaks of how many project leaders mention a
factor, not of how often. Groups in which no source mentions a code still get a row
with ``k_sources = 0``, so silence is visible.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

import pandas as pd

from .. import columns as C
from ..errors import AnalysisError
from ..options import ROLLUPS, check_option
from ._checks import (
    CodeTree,
    check_references,
    code_tree,
    normalise_by,
    require_columns,
    select_sources,
)

__all__ = ["mentions"]

_ALL = "__all__"


def mentions(segments: pd.DataFrame, sources: pd.DataFrame, *, codebook: Any = None,
             by: str | Iterable[str] | None = (C.SITUATION,), rollup: str = "code",
             source_types: Iterable[str] | str | None = None,
             levels: Mapping[str, Collection[Any]] | None = None) -> pd.DataFrame:
    """Count the sources that mention each code, per group of sources.

    Parameters
    ----------
    segments
        One row per coding: ``segment_id``, ``source_id``, ``code`` (other columns are
        ignored).
    sources
        One row per source: ``source_id``, ``source_type`` and the ``by`` columns.
    codebook
        Codebook frame (``code``, ``parent``, ``category``) or a
        :class:`~image_synth.study.models.Codebook`. Without it the codes found in
        ``segments`` are counted as they are (no hierarchy), sorted by id.
    by
        Columns of ``sources`` to group by (``situation``, ``region``, ``role``,
        ``source_type``, ``wave``...); ``()`` or ``None`` for one national group.
    rollup
        ``"code"``: one row per code of the codebook; a code's tally includes the
        segments of all its descendants, so a parent aggregates its children and a
        source that mentions two children counts once for the parent.
        ``"parent"``: one row per top-level code (children rolled all the way up).
        ``"category"``: one row per category (working_factor, hindering_factor,
        condition, process_yield, result_yield); a code without a category takes
        its nearest ancestor's; segments of codes without any are not counted.
    source_types
        Count only sources of these types (e.g. ``("interview",)``); default all.
    levels
        Known values of the ``by`` columns; a source with another value is refused.

    Returns
    -------
    pandas.DataFrame
        One row per code (or category) and group, in codebook order then group order:

        - ``code`` (``category`` when ``rollup="category"``)
        - the ``by`` columns
        - ``k_sources``: sources in the group that mention the code at least once
        - ``n_sources``: sources in the group, including those that mention nothing
        - ``share``: ``k_sources / n_sources``
        - ``n_segments``: codings in the group that count for the code (a parent
          counts the codings of its children)

    Raises
    ------
    DataValidationError
        Segments with an unknown code or source, or whose source lacks a ``by`` value.
    AnalysisError
        ``rollup="parent"``/``"category"`` without a codebook, unknown ``by`` column.

    Examples
    --------
    >>> segs = pd.DataFrame({"segment_id": [1, 2, 3], "source_id": ["a", "a", "b"],
    ...                      "code": ["x", "x", "y"]})
    >>> srcs = pd.DataFrame({"source_id": ["a", "b", "c"],
    ...                      "source_type": "interview", "situation": ["s1", "s1", "s2"]})
    >>> mentions(segs, srcs)[["code", "situation", "k_sources", "n_sources"]]
      code situation  k_sources  n_sources
    0    x        s1          1          2
    1    x        s2          0          1
    2    y        s1          1          2
    3    y        s2          0          1

    Notes
    -----
    ``k_sources`` is the number of distinct ``source_id`` values among the codings of
    the code (and its descendants) in the group; in ATLAS.ti terms the
    "document-code" table with "count each code once per document"; in NVivo the
    "Files" column of a code under a source classification.
    """
    by = normalise_by(by)
    check_option("rollup", rollup, ROLLUPS)
    tree = _tree(codebook)
    if rollup != "code" and tree is None:
        raise AnalysisError(f"rollup={rollup!r} needs a codebook (parents and categories "
                            "come from it); pass codebook=")
    from ..read.sources import SOURCE_TYPES

    require_columns(sources, (C.SOURCE_ID,), file="sources")
    scope = select_sources(sources, source_types, known_types=SOURCE_TYPES)
    check_references(segments, sources, tree=tree, by=by, scope=scope, levels=levels)
    return _tally(segments, scope, tree=tree, by=by, rollup=rollup)


def _tree(codebook: Any) -> CodeTree | None:
    if codebook is None:
        return None
    from ..study.models import CODE_CATEGORIES

    return code_tree(codebook, categories=CODE_CATEGORIES)


def unit_map(segments: pd.DataFrame, tree: CodeTree | None,
             rollup: str) -> tuple[str, list[str], dict[str, tuple[str, ...]]]:
    """The counting unit of each code: returns (column name, unit order, code -> units)."""
    if tree is None:
        codes = sorted(map(str, pd.unique(segments[C.CODE].dropna())))
        return C.CODE, codes, {c: (c,) for c in codes}
    if rollup == "code":
        return C.CODE, list(tree.codes), {c: tree.ancestors(c) for c in tree.codes}
    if rollup == "parent":
        return C.CODE, list(tree.roots), {c: (tree.root(c),) for c in tree.codes}
    from ..study.models import CODE_CATEGORIES

    present = {tree.category[c] for c in tree.codes} - {None}
    order = [c for c in CODE_CATEGORIES if c in present] + sorted(present - set(CODE_CATEGORIES))
    return C.CATEGORY, order, {c: (() if tree.category[c] is None else (tree.category[c],))
                               for c in tree.codes}


def unit_codings(segments: pd.DataFrame, tree: CodeTree | None,
                 rollup: str) -> tuple[str, list[str], pd.DataFrame]:
    """Codings exploded to their counting units: ``source_id``, ``segment_id``, unit."""
    column, order, units = unit_map(segments, tree, rollup)
    frame = segments[[C.SEGMENT_ID, C.SOURCE_ID, C.CODE]].copy()
    frame["_unit"] = frame[C.CODE].map(lambda c: list(units.get(c, ())))
    frame = frame.explode("_unit").dropna(subset=["_unit"])
    frame = frame.drop(columns=C.CODE).rename(columns={"_unit": column})
    return column, order, frame


def _tally(segments: pd.DataFrame, scope: pd.DataFrame, *, tree: CodeTree | None,
           by: tuple[str, ...], rollup: str) -> pd.DataFrame:
    column, order, codings = unit_codings(segments, tree, rollup)
    scope = scope.drop_duplicates(C.SOURCE_ID)
    keys = list(by) if by else [_ALL]
    groups = scope[[C.SOURCE_ID, *by]].copy()
    if not by:
        groups[_ALL] = _ALL
    codings = codings.merge(groups, on=C.SOURCE_ID, how="inner")
    n_sources = groups.groupby(keys, sort=True).size().rename(C.N_SOURCES).reset_index()
    stats = (codings.groupby([column, *keys], sort=False)
             .agg(**{C.K_SOURCES: (C.SOURCE_ID, "nunique"),
                     C.N_SEGMENTS: (C.SEGMENT_ID, "size")})
             .reset_index())
    grid = pd.DataFrame({column: order}).merge(n_sources, how="cross")
    out = grid.merge(stats, on=[column, *keys], how="left")
    for count in (C.K_SOURCES, C.N_SEGMENTS):
        out[count] = out[count].fillna(0).astype("int64")
    out[C.N_SOURCES] = out[C.N_SOURCES].astype("int64")
    out[C.SHARE] = out[C.K_SOURCES] / out[C.N_SOURCES]
    return out[[column, *by, C.K_SOURCES, C.N_SOURCES, C.SHARE, C.N_SEGMENTS]] \
        .reset_index(drop=True)
