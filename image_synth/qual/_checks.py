"""Reference checks shared by the qualitative functions, and the code tree.

Every public function of :mod:`image_synth.qual` calls :func:`check_references`
before counting anything, so a segment whose code is not in the codebook, whose
source is not in the source table, or whose source has no value for a requested
grouping column is refused with one :class:`~image_synth.errors.DataValidationError`
that lists every such problem (not only the first).

Problems about a segment name it as ``row="segment <segment_id>"`` (the convention
of :mod:`image_synth.read.segments`), the column (``code``, ``source_id`` or the
grouping column), the value found and what was expected.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import columns as C
from ..errors import AnalysisError, DataValidationError, Problem

__all__ = [
    "CodeTree",
    "check_references",
    "code_tree",
    "is_missing",
    "normalise_by",
    "require_columns",
    "select_sources",
]

SEGMENTS = "segments"
SOURCES = "sources"
CODEBOOK = "codebook"


def is_missing(value: Any) -> bool:
    """True for ``None``, ``NaN``, ``pd.NA`` and empty/blank strings."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def normalise_by(by: str | Iterable[str] | None) -> tuple[str, ...]:
    """``"situation"`` -> ``("situation",)``; ``None`` -> ``()``; duplicates refused."""
    if by is None:
        return ()
    if isinstance(by, str):
        return (by,)
    out = tuple(by)
    for column in out:
        if not isinstance(column, str):
            raise AnalysisError(f"by={by!r}: every entry must be a column name (a string)")
    if len(set(out)) != len(out):
        raise AnalysisError(f"by={by!r} names a column twice")
    return out


def require_columns(frame: pd.DataFrame, columns: Iterable[str], *, file: str) -> None:
    """Raise one :class:`DataValidationError` naming every missing column of ``frame``."""
    if not isinstance(frame, pd.DataFrame):
        raise AnalysisError(f"{file} must be a pandas DataFrame, not {type(frame).__name__}")
    problems = [Problem(file=file, column=column, message="required column is missing",
                        expected=f"a column named {column!r}")
                for column in columns if column not in frame.columns]
    if problems:
        raise DataValidationError(problems)


# --------------------------------------------------------------------------- code tree


@dataclass(frozen=True)
class CodeTree:
    """The codebook as a tree: order, parents, effective categories.

    ``codes`` keeps the codebook's order; ``parent[c]`` is ``None`` for a top-level
    code; ``category[c]`` is the code's own category or, when it has none, the
    category of its nearest ancestor that has one (``None`` for grouping codes at
    the top).
    """

    codes: tuple[str, ...]
    parent: Mapping[str, str | None]
    category: Mapping[str, str | None]
    _ancestors: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def ancestors(self, code: str) -> tuple[str, ...]:
        """The code itself, then its parent, grandparent... up to the top."""
        return self._ancestors[code]

    def root(self, code: str) -> str:
        """The top-level code of ``code``'s tree."""
        return self._ancestors[code][-1]

    @property
    def roots(self) -> tuple[str, ...]:
        return tuple(c for c in self.codes if self.parent[c] is None)

    def __contains__(self, code: object) -> bool:
        return code in self.parent


def code_tree(codebook: Any, *, categories: Collection[str] | None = None) -> CodeTree:
    """Build a :class:`CodeTree` from a codebook frame (or a model with ``to_frame``).

    The frame needs ``code`` and ``parent``; ``category`` is optional. Duplicate ids,
    parents that are not codes, cycles and (when ``categories`` is given) categories
    outside that list are refused together, as problems of ``codebook``.
    """
    if isinstance(codebook, CodeTree):
        return codebook
    if hasattr(codebook, "to_frame") and not isinstance(codebook, pd.DataFrame):
        codebook = codebook.to_frame()
    require_columns(codebook, (C.CODE, C.PARENT), file=CODEBOOK)
    problems: list[Problem] = []
    codes: list[str] = []
    parent: dict[str, str | None] = {}
    own_category: dict[str, str | None] = {}
    has_category = C.CATEGORY in codebook.columns
    for row, record in enumerate(codebook.to_dict("records"), start=1):
        code = record[C.CODE]
        if is_missing(code):
            problems.append(Problem(file=CODEBOOK, row=row, column=C.CODE,
                                    message="empty code id", expected="a unique code id"))
            continue
        code = str(code)
        if code in parent:
            problems.append(Problem(file=CODEBOOK, row=row, column=C.CODE, value=code,
                                    message="code id appears more than once",
                                    expected="a unique code id"))
            continue
        codes.append(code)
        par = record[C.PARENT]
        parent[code] = None if is_missing(par) else str(par)
        cat = record[C.CATEGORY] if has_category else None
        cat = None if is_missing(cat) else str(cat)
        if cat is not None and categories is not None and cat not in categories:
            problems.append(Problem(file=CODEBOOK, row=row, column=C.CATEGORY, value=cat,
                                    message="unknown category",
                                    expected="one of " + ", ".join(categories)))
        own_category[code] = cat
    for code in codes:
        par = parent[code]
        if par is not None and par not in parent:
            problems.append(Problem(file=CODEBOOK, row=f"code {code}", column=C.PARENT,
                                    value=par, message="parent is not a code of the codebook",
                                    expected="a code id of the codebook, or empty"))
    if problems:
        raise DataValidationError(problems)
    ancestors: dict[str, tuple[str, ...]] = {}
    for code in codes:
        chain = [code]
        while parent[chain[-1]] is not None:
            nxt = parent[chain[-1]]
            if nxt in chain:
                problems.append(Problem(file=CODEBOOK, row=f"code {code}", column=C.PARENT,
                                        value=" -> ".join(chain + [nxt]),
                                        message="the parents form a cycle",
                                        expected="a tree: no code is its own ancestor"))
                break
            chain.append(nxt)
        ancestors[code] = tuple(chain)
    if problems:
        raise DataValidationError(problems)
    category = {code: next((own_category[a] for a in ancestors[code]
                            if own_category[a] is not None), None) for code in codes}
    return CodeTree(codes=tuple(codes), parent=parent, category=category,
                    _ancestors=ancestors)


# --------------------------------------------------------------------------- sources


def select_sources(sources: pd.DataFrame, source_types: Iterable[str] | str | None,
                   *, known_types: Collection[str] | None = None) -> pd.DataFrame:
    """The rows of ``sources`` whose ``source_type`` is in ``source_types`` (all if None)."""
    if source_types is None:
        return sources
    if isinstance(source_types, str):
        source_types = (source_types,)
    wanted = tuple(source_types)
    if known_types is not None:
        unknown = [t for t in wanted if t not in known_types]
        if unknown:
            valid = ", ".join(repr(t) for t in known_types)
            raise AnalysisError(f"source_types={wanted!r}: {', '.join(map(repr, unknown))} "
                                f"is not a source type; use any of {valid}")
    require_columns(sources, (C.SOURCE_TYPE,), file=SOURCES)
    return sources[sources[C.SOURCE_TYPE].isin(wanted)]


def check_references(segments: pd.DataFrame, sources: pd.DataFrame | None, *,
                     tree: CodeTree | None = None, by: tuple[str, ...] = (),
                     scope: pd.DataFrame | None = None,
                     levels: Mapping[str, Collection[Any]] | None = None) -> None:
    """Refuse segments with unknown codes, unknown sources or sources without a group.

    Parameters
    ----------
    segments, sources
        The segment and source tables. ``sources`` may be ``None`` for functions that
        need only the segments (then only codes are checked).
    tree
        The codebook; without it codes are not checked (only for missing values).
    by
        Grouping columns of ``sources``; a source used in the analysis must have a
        value for each (and one of ``levels[column]`` when given).
    scope
        The subset of ``sources`` the analysis uses (for example only interviews);
        group values are checked for these sources only. Defaults to all sources.
    levels
        Known values per grouping column; ``None`` accepts any non-missing value.

    Raises
    ------
    AnalysisError
        A ``by`` column that ``sources`` does not have.
    DataValidationError
        Every segment (and source) that breaks a rule, one :class:`Problem` each.
    """
    require_columns(segments, (C.SEGMENT_ID, C.SOURCE_ID, C.CODE), file=SEGMENTS)
    problems: list[Problem] = []
    if sources is not None:
        require_columns(sources, (C.SOURCE_ID,), file=SOURCES)
        missing_by = [b for b in by if b not in sources.columns]
        if missing_by:
            raise AnalysisError(
                f"by={by!r}: {', '.join(map(repr, missing_by))} is not a column of sources; "
                f"available: {', '.join(map(str, sources.columns))}")
        ids = sources[C.SOURCE_ID]
        dup = ids[ids.duplicated()]
        for value in dict.fromkeys(dup):
            problems.append(Problem(file=SOURCES, row=f"source {value}", column=C.SOURCE_ID,
                                    value=value, message="source id appears more than once",
                                    expected="a unique source id"))
        known_sources = set(ids)
        scope = sources if scope is None else scope
        group_of = scope.drop_duplicates(C.SOURCE_ID).set_index(C.SOURCE_ID)[list(by)] \
            if by else None
    seg_ids = segments[C.SEGMENT_ID]
    for value in dict.fromkeys(seg_ids[seg_ids.duplicated()]):
        problems.append(Problem(file=SEGMENTS, row=f"segment {value}", column=C.SEGMENT_ID,
                                value=value, message="segment id appears more than once",
                                expected="a unique segment id"))
    with_segments: set[Any] = set()
    for record in segments[[C.SEGMENT_ID, C.SOURCE_ID, C.CODE]].itertuples(index=False):
        seg, src, code = record
        where = f"segment {seg}"
        if is_missing(code):
            problems.append(Problem(file=SEGMENTS, row=where, column=C.CODE, value=None,
                                    message=f"segment {seg} has no code",
                                    expected="a code of the codebook"))
        elif tree is not None and code not in tree:
            problems.append(Problem(file=SEGMENTS, row=where, column=C.CODE, value=code,
                                    message=f"segment {seg} refers to a code that is not in "
                                            "the codebook",
                                    expected="a code of the codebook"))
        if sources is None:
            continue
        if is_missing(src) or src not in known_sources:
            problems.append(Problem(file=SEGMENTS, row=where, column=C.SOURCE_ID,
                                    value=None if is_missing(src) else src,
                                    message=f"segment {seg} refers to a source that is not in "
                                            "the source table",
                                    expected="a source_id of the sources"))
            continue
        if group_of is None or src not in group_of.index:
            continue
        with_segments.add(src)
        for column in by:
            value = group_of.at[src, column]
            problem = _group_problem(value, column, levels)
            if problem:
                problems.append(Problem(file=SEGMENTS, row=where, column=column,
                                        value=None if is_missing(value) else value,
                                        message=f"segment {seg}: its source {src} {problem}",
                                        expected=_expected_group(column, levels)))
    if sources is not None and group_of is not None:
        for src, values in group_of.iterrows():
            if src in with_segments:
                continue
            for column in by:
                problem = _group_problem(values[column], column, levels)
                if problem:
                    problems.append(Problem(file=SOURCES, row=f"source {src}", column=column,
                                            value=None if is_missing(values[column])
                                            else values[column],
                                            message=f"source {src} {problem}",
                                            expected=_expected_group(column, levels)))
    if problems:
        raise DataValidationError(problems)


def _group_problem(value: Any, column: str,
                   levels: Mapping[str, Collection[Any]] | None) -> str | None:
    if is_missing(value):
        return f"has no {column}"
    if levels is not None and column in levels and value not in levels[column]:
        return f"has an unknown {column}"
    return None


def _expected_group(column: str, levels: Mapping[str, Collection[Any]] | None) -> str:
    if levels is not None and column in levels:
        return f"a {column}: one of " + ", ".join(map(str, levels[column]))
    return f"a source with a {column}"
