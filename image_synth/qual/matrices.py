"""Case-by-code matrix and quote matrix.

The *case-by-code matrix* (sources as rows, codes as columns, joined with the
sources' attributes) is the table QDA users most ask for; :func:`export_case_by_code`
writes it to CSV or XLSX. The *quote matrix* picks, for every code and group, a few
quotes in a deterministic order, with the analyst's pinned quotes first, every quote
passed through a :class:`~image_synth.qual.pseudonymise.Pseudonymiser` and quotes of
synthetic sources marked.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from .. import columns as C
from ..atomic import atomic_path
from ..errors import AnalysisError
from ..options import CASE_VALUES, EXPORT_FORMATS, LANGUAGES, ROLLUPS, check_option
from ._checks import check_references, is_missing, normalise_by, require_columns, select_sources
from .mentions import _tree, unit_codings

__all__ = [
    "SYNTHETIC_MARKERS",
    "case_by_code",
    "export_case_by_code",
    "format_quote",
    "quote_matrix",
]

RANK, PINNED = "rank", "pinned"

#: How a quote of a synthetic source is marked when rendered.
SYNTHETIC_MARKERS = {"nl": "(synthetisch)", "en": "(synthetic)"}


class _Pseudonymiser(Protocol):
    def pseudonymise(self, text: str, *, source_id: Any = None,
                     segment_id: Any = None) -> tuple[str, list[dict]]: ...


# --------------------------------------------------------------------------- case by code


def case_by_code(segments: pd.DataFrame, sources: pd.DataFrame, *, codebook: Any = None,
                 values: str = "presence", rollup: str = "code",
                 source_types: Iterable[str] | str | None = None) -> pd.DataFrame:
    """Sources as rows, codes as columns: 0/1 presence or the number of codings.

    Parameters
    ----------
    segments, sources, codebook, rollup, source_types
        As for :func:`~image_synth.qual.mentions.mentions` (with ``rollup="code"`` a
        parent's column counts its children's codings too).
    values
        ``"presence"`` (1 when the source has at least one coding, else 0) or
        ``"count"`` (the number of codings).

    Returns
    -------
    pandas.DataFrame
        One row per source (every source of the selected types, also those without
        codings), in the order of ``sources``: first all columns of ``sources``
        (``source_id``, ``source_type``, ``wave``, ``region``, ``situation``...), then
        one integer column per code (codebook order; sorted ids without codebook) or
        per category.

    Raises
    ------
    AnalysisError
        A code (or category) id equal to a column of ``sources``.
    """
    check_option("values", values, CASE_VALUES)
    check_option("rollup", rollup, ROLLUPS)
    tree = _tree(codebook)
    if rollup != "code" and tree is None:
        raise AnalysisError(f"rollup={rollup!r} needs a codebook; pass codebook=")
    from ..read.sources import SOURCE_TYPES

    require_columns(sources, (C.SOURCE_ID,), file="sources")
    scope = select_sources(sources, source_types, known_types=SOURCE_TYPES)
    check_references(segments, sources, tree=tree, scope=scope)
    column, order, codings = unit_codings(segments, tree, rollup)
    clash = [u for u in order if u in sources.columns]
    if clash:
        raise AnalysisError(f"code id(s) {', '.join(map(repr, clash))} equal a column of "
                            "sources; rename the code or drop the column")
    codings = codings[codings[C.SOURCE_ID].isin(scope[C.SOURCE_ID])]
    if values == "presence":
        codings = codings.drop_duplicates([C.SOURCE_ID, column])
    table = pd.crosstab(codings[C.SOURCE_ID], codings[column])
    table = table.reindex(index=scope[C.SOURCE_ID], columns=order, fill_value=0)
    table = table.fillna(0).astype("int64")
    table.columns = list(order)
    out = pd.concat([scope.reset_index(drop=True), table.reset_index(drop=True)], axis=1)
    out.columns.name = None
    return out


def export_case_by_code(frame: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write a case-by-code matrix (or any frame) to ``.csv`` or ``.xlsx``, atomically.

    The file is written to a temporary file in the same folder and moved into place
    with :func:`os.replace`, so a reader never sees half a file and a failed write
    leaves any earlier file untouched. CSV is UTF-8 with ``,`` separators and ``\\n``
    line ends, without the index; XLSX has one sheet, ``case_by_code``.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    path = Path(path)
    suffix = check_option("extension of path", path.suffix.lower(), EXPORT_FORMATS)
    if not path.parent.is_dir():
        raise AnalysisError(f"cannot write {path.name!r}: its folder does not exist")
    with atomic_path(path) as tmp:
        if suffix == ".csv":
            frame.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
        else:
            frame.to_excel(tmp, index=False, sheet_name="case_by_code", engine="openpyxl")
    return path


# --------------------------------------------------------------------------- quote matrix


def quote_matrix(segments: pd.DataFrame, sources: pd.DataFrame, *,
                 by: str | Iterable[str] | None = C.SITUATION,
                 codes: Iterable[str] | None = None, max_per_cell: int | None = 3,
                 pinned: Any = None, pseudonymiser: _Pseudonymiser | None = None,
                 codebook: Any = None, source_types: Iterable[str] | str | None = None,
                 levels: Mapping[str, Collection[Any]] | None = None) -> pd.DataFrame:
    """Quotes per code and group, in a deterministic order, capped, pins first.

    Parameters
    ----------
    segments
        ``segment_id``, ``source_id``, ``code``, ``quote``; ``start`` is used for the
        order when present.
    sources
        ``source_id``, the ``by`` columns and ``synthetic`` (missing means not
        synthetic).
    by
        Grouping column(s) of ``sources``; ``None`` for one national cell per code.
    codes
        Only these codes, in this order (default: codebook order, or sorted ids). A
        code's cell holds the quotes coded with exactly that code.
    max_per_cell
        At most this many quotes per cell (``None``: no cap).
    pinned
        The analyst's preferred quotes, by ``segment_id``: a list of ids, a mapping
        ``{code: [ids]}``, or a frame with a ``segment_id`` column. Pinned quotes come
        first in each cell, in the order given, and count towards the cap.
    pseudonymiser
        An object with ``pseudonymise(text, *, source_id, segment_id) -> (text, log)``,
        e.g. :class:`~image_synth.qual.pseudonymise.Pseudonymiser`; every quote in the
        result passes through it. Its log stays with the pseudonymiser (``.log``) and
        never enters this frame.
    codebook, source_types, levels
        As for :func:`~image_synth.qual.mentions.mentions`.

    Returns
    -------
    pandas.DataFrame
        One row per quote shown, ordered by code, group and rank:

        - ``code``, the ``by`` columns
        - ``rank``: 1, 2, ... within the cell
        - ``source_id``, ``segment_id``
        - ``quote``: pseudonymised when a pseudonymiser is given
        - ``pinned``: whether the analyst pinned it
        - ``synthetic``: whether the source is synthetic (render with
          :func:`format_quote`, which adds "(synthetisch)")

        Cells without quotes have no rows.

    Notes
    -----
    The order within a cell: pinned quotes (in the order given); then one quote per
    source before a second quote of any source (the first passage of each source,
    by ``start`` then ``segment_id``), sources in ``source_id`` order; then the second
    passage of each source, and so on. A small cap therefore shows as many different
    sources as it can. Empty quotes are skipped.
    """
    by = normalise_by(by)
    if max_per_cell is not None and (isinstance(max_per_cell, bool)
                                     or not isinstance(max_per_cell, int)
                                     or max_per_cell < 1):
        raise AnalysisError(f"max_per_cell={max_per_cell!r} must be a whole number >= 1 "
                            "or None")
    require_columns(segments, (C.SEGMENT_ID, C.SOURCE_ID, C.CODE, C.QUOTE), file="segments")
    require_columns(sources, (C.SOURCE_ID,), file="sources")
    tree = _tree(codebook)
    from ..read.sources import SOURCE_TYPES

    scope = select_sources(sources, source_types, known_types=SOURCE_TYPES)
    check_references(segments, sources, tree=tree, by=by, scope=scope, levels=levels)
    if codes is None:
        order = list(tree.codes) if tree is not None else \
            sorted(map(str, pd.unique(segments[C.CODE])))
    else:
        order = list(dict.fromkeys([codes] if isinstance(codes, str) else codes))
        unknown = [c for c in order if (tree is not None and c not in tree)]
        if unknown:
            raise AnalysisError(f"codes: {', '.join(map(repr, unknown))} not in the codebook")
    pins = _pins(pinned, segments)
    attrs = scope.drop_duplicates(C.SOURCE_ID)
    synth = attrs[C.SYNTHETIC] if C.SYNTHETIC in attrs.columns else False
    attrs = attrs[[C.SOURCE_ID, *by]].assign(**{C.SYNTHETIC: synth})
    attrs[C.SYNTHETIC] = attrs[C.SYNTHETIC].map(lambda v: False if is_missing(v) else bool(v))
    frame = segments[segments[C.CODE].isin(order)]
    frame = frame[~frame[C.QUOTE].map(is_missing)]
    keep = [C.SEGMENT_ID, C.SOURCE_ID, C.CODE, C.QUOTE] + ([C.START] if C.START in
                                                           frame.columns else [])
    frame = frame[keep].merge(attrs, on=C.SOURCE_ID, how="inner")
    frame["_start"] = pd.to_numeric(frame[C.START], errors="coerce") if C.START in \
        frame.columns else float("nan")
    frame[PINNED] = frame[C.SEGMENT_ID].isin(list(pins))
    frame["_pin"] = frame[C.SEGMENT_ID].map(pins)
    frame["_code"] = frame[C.CODE].map({c: i for i, c in enumerate(order)})
    frame["_sid"] = frame[C.SOURCE_ID].astype(str)
    frame["_seg"] = frame[C.SEGMENT_ID].astype(str)
    frame = frame.sort_values(["_sid", "_start", "_seg"], na_position="last", kind="stable")
    frame["_within"] = frame.groupby(["_code", *by, C.SOURCE_ID], sort=False).cumcount()
    frame = frame.sort_values(["_code", *by, "_pin", "_within", "_sid", "_start", "_seg"],
                              na_position="last", kind="stable")
    frame[RANK] = frame.groupby(["_code", *by], sort=False).cumcount() + 1
    if max_per_cell is not None:
        over = frame[frame[PINNED] & (frame[RANK] > max_per_cell)]
        if len(over):
            warnings.warn(f"{len(over)} pinned quote(s) fall beyond max_per_cell="
                          f"{max_per_cell} and are not shown: "
                          f"{', '.join(map(str, over[C.SEGMENT_ID]))}", UserWarning,
                          stacklevel=2)
        frame = frame[frame[RANK] <= max_per_cell]
    if pseudonymiser is not None:
        frame[C.QUOTE] = [pseudonymiser.pseudonymise(str(q), source_id=s, segment_id=g)[0]
                          for q, s, g in zip(frame[C.QUOTE], frame[C.SOURCE_ID],
                                             frame[C.SEGMENT_ID])]
    out = frame[[C.CODE, *by, RANK, C.SOURCE_ID, C.SEGMENT_ID, C.QUOTE, PINNED, C.SYNTHETIC]]
    out = out.reset_index(drop=True)
    out[RANK] = out[RANK].astype("int64")
    out[PINNED] = out[PINNED].astype(bool)
    out[C.SYNTHETIC] = out[C.SYNTHETIC].astype(bool)
    return out


def _pins(pinned: Any, segments: pd.DataFrame) -> dict[Any, int]:
    """segment_id -> position in the analyst's pin order."""
    if pinned is None:
        return {}
    if isinstance(pinned, pd.DataFrame):
        require_columns(pinned, (C.SEGMENT_ID,), file="pinned")
        ids = list(pinned[C.SEGMENT_ID])
    elif isinstance(pinned, Mapping):
        ids = [i for value in pinned.values()
               for i in ([value] if isinstance(value, (str, int)) else value)]
    elif isinstance(pinned, (str, int)):
        ids = [pinned]
    else:
        ids = list(pinned)
    known = set(segments[C.SEGMENT_ID])
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise AnalysisError(f"pinned: segment id(s) {', '.join(map(repr, unknown))} are not "
                            "in segments")
    if isinstance(pinned, Mapping):
        code_of = dict(zip(segments[C.SEGMENT_ID], segments[C.CODE]))
        wrong = [f"{i!r} (coded {code_of[i]!r}, pinned under {code!r})"
                 for code, value in pinned.items()
                 for i in ([value] if isinstance(value, (str, int)) else value)
                 if code_of[i] != code]
        if wrong:
            raise AnalysisError("pinned: segment(s) pinned under another code: "
                                + ", ".join(wrong))
    return {i: n for n, i in reversed(list(enumerate(ids)))}


def format_quote(quote: str, *, synthetic: bool = False, source_id: Any = None,
                 context: str | None = None, language: str = "nl") -> str:
    """A quote as a reader sees it: “…” (context, source) (synthetisch).

    >>> format_quote("Het werkt.", synthetic=True, context="po-vo")
    '“Het werkt.” (po-vo) (synthetisch)'
    """
    check_option("language", language, LANGUAGES)
    text = f"“{quote.strip()}”"
    where = ", ".join(str(x) for x in (context, source_id) if not is_missing(x))
    if where:
        text += f" ({where})"
    if synthetic:
        text += " " + SYNTHETIC_MARKERS[language]
    return text
