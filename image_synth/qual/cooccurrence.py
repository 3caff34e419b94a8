"""Co-occurrence of codes within sources or within overlapping segments.

Two codes co-occur

- at ``level="source"`` when one source has codings of both (the count is the
  number of such sources, whatever the number of codings);
- at ``level="segment"`` when a coding of one and a coding of the other lie in the
  same source and their character ranges intersect (the count is the number of such
  pairs of codings; a passage coded with both codes is one pair).

The strength of the relation is ATLAS.ti's c-coefficient,
``c = n_ab / (n_a + n_b - n_ab)``: 0 when the codes never meet, 1 when they always do.

Ranges are half-open, ``[start, end)``: two segments that only touch (one ends where
the next begins) do not overlap. Codings whose ``start`` or ``end`` is missing (flat
exports without offsets) cannot be placed: at ``level="segment"`` they are left out of
every count, ``n_a`` included (so the c-coefficient stays within its meaning), a
:class:`UserWarning` says how many were left out, and ``attrs["excluded_segments"]``
holds that number. When no coding has offsets, the segment level is refused: use
``level="source"``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from itertools import combinations

import numpy as np
import pandas as pd

from .. import columns as C
from ..errors import AnalysisError
from ..options import QUAL_UNITS, check_option
from ._checks import check_references, require_columns

__all__ = ["cooccurrence"]

CODE_A, CODE_B, N_A, N_B, C_COEFFICIENT = "code_a", "code_b", "n_a", "n_b", "c_coefficient"


def cooccurrence(segments: pd.DataFrame, *, level: str = "source",
                 codes: Iterable[str] | None = None) -> pd.DataFrame:
    """Count how often each pair of codes occurs together, with the c-coefficient.

    Parameters
    ----------
    segments
        One row per coding: ``segment_id``, ``source_id``, ``code``, and for
        ``level="segment"`` also ``start`` and ``end`` (character offsets).
    level
        ``"source"`` or ``"segment"`` (see the module notes).
    codes
        Only pairs of these codes, in this order; default every code in ``segments``,
        sorted by id. The counts ``n_a``/``n_b`` are over all units either way.

    Returns
    -------
    pandas.DataFrame
        One row per unordered pair (``code_a`` before ``code_b`` in the code order),
        including pairs that never co-occur:

        - ``code_a``, ``code_b``
        - ``count``: sources with both codes (``"source"``), or pairs of overlapping
          codings of the two codes in the same source (``"segment"``)
        - ``n_a``, ``n_b``: sources with the code, or codings of the code with offsets
        - ``c_coefficient``: ``count / (n_a + n_b - count)``; missing when neither
          code occurs

    Notes
    -----
    Formula: ATLAS.ti's code co-occurrence table, ``c = n12 / (n1 + n2 - n12)``. As in
    ATLAS.ti, at the segment level a long coding that overlaps several codings of the
    other code adds one co-occurrence for each, so ``c`` can exceed 1 there; at the
    source level it cannot.

    Examples
    --------
    >>> segs = pd.DataFrame({"segment_id": [1, 2, 3], "source_id": ["a", "a", "b"],
    ...                      "code": ["x", "y", "x"]})
    >>> cooccurrence(segs)
      code_a code_b  count  n_a  n_b  c_coefficient
    0      x      y      1    2    1            0.5
    """
    check_option("level", level, QUAL_UNITS)
    required = (C.SEGMENT_ID, C.SOURCE_ID, C.CODE) + ((C.START, C.END)
                                                     if level == "segment" else ())
    require_columns(segments, required, file="segments")
    check_references(segments, None)
    order = _order(segments, codes)
    if level == "source":
        counts, n = _by_source(segments)
        excluded = 0
    else:
        counts, n, excluded = _by_segment(segments)
    rows = []
    for a, b in combinations(order, 2):
        key = (a, b) if a <= b else (b, a)
        count = counts.get(key, 0)
        n_a, n_b = n.get(a, 0), n.get(b, 0)
        denom = n_a + n_b - count
        rows.append((a, b, count, n_a, n_b, count / denom if denom > 0 else np.nan))
    out = pd.DataFrame(rows, columns=[CODE_A, CODE_B, C.COUNT, N_A, N_B, C_COEFFICIENT])
    for column in (C.COUNT, N_A, N_B):
        out[column] = out[column].astype("int64")
    out[C_COEFFICIENT] = out[C_COEFFICIENT].astype("float64")
    if level == "segment":
        out.attrs["excluded_segments"] = excluded
    return out


def _order(segments: pd.DataFrame, codes: Iterable[str] | None) -> list[str]:
    if codes is None:
        return sorted(map(str, pd.unique(segments[C.CODE])))
    if isinstance(codes, str):
        codes = [codes]
    order = list(dict.fromkeys(codes))
    return order


def _by_source(segments: pd.DataFrame) -> tuple[dict, dict]:
    present = segments[[C.SOURCE_ID, C.CODE]].drop_duplicates()
    n = present.groupby(C.CODE).size().to_dict()
    counts: dict[tuple[str, str], int] = {}
    for _, group in present.groupby(C.SOURCE_ID, sort=False):
        for a, b in combinations(sorted(group[C.CODE]), 2):
            counts[(a, b)] = counts.get((a, b), 0) + 1
    return counts, n


def _by_segment(segments: pd.DataFrame) -> tuple[dict, dict, int]:
    start = pd.to_numeric(segments[C.START], errors="coerce")
    end = pd.to_numeric(segments[C.END], errors="coerce")
    placed = start.notna() & end.notna()
    excluded = int((~placed).sum())
    if not placed.any():
        raise AnalysisError("level='segment' needs start and end offsets, and no segment has "
                            "them (a flat export?); use level='source'")
    if excluded:
        warnings.warn(f"{excluded} segment(s) without start/end offsets are left out of the "
                      "segment-level co-occurrence", UserWarning, stacklevel=3)
    frame = pd.DataFrame({"source": segments[C.SOURCE_ID], "code": segments[C.CODE],
                          "start": start, "end": end})[placed]
    n = frame.groupby("code").size().to_dict()
    counts: dict[tuple[str, str], int] = {}
    for _, group in frame.groupby("source", sort=False):
        s = group["start"].to_numpy(dtype=float)
        e = group["end"].to_numpy(dtype=float)
        c = group["code"].to_numpy(dtype=object)
        overlap = (s[:, None] < e[None, :]) & (s[None, :] < e[:, None])
        i, j = np.nonzero(np.triu(overlap, k=1))
        for a, b in zip(c[i], c[j]):
            if a == b:
                continue
            key = (a, b) if a <= b else (b, a)
            counts[key] = counts.get(key, 0) + 1
    return counts, n, excluded
