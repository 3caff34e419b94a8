"""Intercoder agreement per code: percent agreement and Cohen's kappa.

When two coders code the same sources (REFI codings carry the coder), each code is
judged on presence/absence per unit:

- ``unit="source"``: the units are the sources that **both** coders coded (each has
  at least one coding there); a coder "has" the code in a source when at least one
  of their codings there uses it.
- ``unit="segment"``: the units are the distinct passages ``(source_id, start, end)``
  that either coder coded, in sources both coded; a coder "has" the code on a passage
  when one of their codings with that code intersects it (half-open ranges, as in
  :mod:`~image_synth.qual.cooccurrence`). Codings without offsets are left out (with
  a warning); if none has offsets, use ``unit="source"``.

Cohen's kappa is ``(p_o - p_e) / (1 - p_e)`` with ``p_o`` the share of units on which
the coders agree and ``p_e = p_a p_b + (1 - p_a)(1 - p_b)``, ``p_a`` and ``p_b`` the
coders' shares of units with the code. It is missing when ``p_e = 1`` (both coders give
every unit the same value, so chance explains everything).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .. import columns as C
from ..errors import AnalysisError
from ..options import QUAL_UNITS, check_option
from ._checks import check_references, is_missing, require_columns

__all__ = ["intercoder_agreement"]

N_UNITS, PERCENT_AGREEMENT, KAPPA = "n_units", "percent_agreement", "kappa"


def intercoder_agreement(segments: pd.DataFrame, *, coders: Sequence[str] | None = None,
                         unit: str = "source",
                         codes: Iterable[str] | None = None) -> pd.DataFrame:
    """Percent agreement and Cohen's kappa per code between two coders.

    Parameters
    ----------
    segments
        ``segment_id``, ``source_id``, ``code``, ``coder`` (and ``start``, ``end`` for
        ``unit="segment"``).
    coders
        The two coders to compare; default: the two coders in ``segments`` (an error
        when there are not exactly two).
    unit
        ``"source"`` or ``"segment"`` (see the module notes).
    codes
        Only these codes, in this order; default every code either coder used in the
        compared sources, sorted.

    Returns
    -------
    pandas.DataFrame
        One row per code:

        - ``code``
        - ``n_units``: units compared
        - ``percent_agreement``: share of units (0 to 1) on which both coders give the
          code or both do not
        - ``kappa``: Cohen's kappa on the 2x2 table of presence by coder

        ``attrs["coders"]`` holds the two coders compared.

    Notes
    -----
    Cohen (1960). Reference implementation:
    ``statsmodels.stats.inter_rater.cohens_kappa(table)`` on the 2x2 table
    ``[[both, only a], [only b, neither]]`` gives the same ``kappa``.
    """
    check_option("unit", unit, QUAL_UNITS)
    required = (C.SEGMENT_ID, C.SOURCE_ID, C.CODE, C.CODER) + \
        ((C.START, C.END) if unit == "segment" else ())
    require_columns(segments, required, file="segments")
    check_references(segments, None)
    a, b = _coders(segments, coders)
    frame = segments[segments[C.CODER].isin([a, b])]
    both = set(frame.loc[frame[C.CODER] == a, C.SOURCE_ID]) & \
        set(frame.loc[frame[C.CODER] == b, C.SOURCE_ID])
    if not both:
        raise AnalysisError(f"coders {a!r} and {b!r} have no source in common; agreement "
                            "needs sources that both coded")
    frame = frame[frame[C.SOURCE_ID].isin(both)]
    order = sorted(map(str, pd.unique(frame[C.CODE]))) if codes is None else \
        list(dict.fromkeys([codes] if isinstance(codes, str) else codes))
    if unit == "source":
        present = _source_presence(frame, a, b, both)
    else:
        present = _segment_presence(frame, a, b)
    rows = []
    for code in order:
        pa = present[a].get(code)
        pb = present[b].get(code)
        n = len(present["units"])
        pa = np.zeros(n, bool) if pa is None else pa
        pb = np.zeros(n, bool) if pb is None else pb
        rows.append((code, n, *_agreement(pa, pb)))
    out = pd.DataFrame(rows, columns=[C.CODE, N_UNITS, PERCENT_AGREEMENT, KAPPA])
    out[N_UNITS] = out[N_UNITS].astype("int64")
    out[[PERCENT_AGREEMENT, KAPPA]] = out[[PERCENT_AGREEMENT, KAPPA]].astype("float64")
    out.attrs["coders"] = (a, b)
    return out


def _coders(segments: pd.DataFrame, coders: Sequence[str] | None) -> tuple[str, str]:
    found = [c for c in pd.unique(segments[C.CODER]) if not is_missing(c)]
    if coders is None:
        if len(found) != 2:
            raise AnalysisError(f"segments have {len(found)} coder(s) "
                                f"({', '.join(map(repr, found))}); pass coders=(a, b)")
        return tuple(sorted(found))  # type: ignore[return-value]
    coders = tuple(coders)
    if len(coders) != 2 or coders[0] == coders[1]:
        raise AnalysisError(f"coders={coders!r} must name two different coders")
    unknown = [c for c in coders if c not in found]
    if unknown:
        raise AnalysisError(f"coders={coders!r}: {', '.join(map(repr, unknown))} coded no "
                            f"segment; coders found: {', '.join(map(repr, found))}")
    return coders  # type: ignore[return-value]


def _source_presence(frame: pd.DataFrame, a: str, b: str, both: set) -> dict:
    units = sorted(both, key=str)
    index = {u: i for i, u in enumerate(units)}
    present: dict = {"units": units, a: {}, b: {}}
    for (coder, code), group in frame.groupby([C.CODER, C.CODE]):
        vec = np.zeros(len(units), bool)
        vec[[index[s] for s in group[C.SOURCE_ID]]] = True
        present[coder][code] = vec
    return present


def _segment_presence(frame: pd.DataFrame, a: str, b: str) -> dict:
    start = pd.to_numeric(frame[C.START], errors="coerce")
    end = pd.to_numeric(frame[C.END], errors="coerce")
    placed = start.notna() & end.notna()
    if not placed.any():
        raise AnalysisError("unit='segment' needs start and end offsets, and no segment has "
                            "them; use unit='source'")
    if not placed.all():
        warnings.warn(f"{int((~placed).sum())} segment(s) without start/end offsets are left "
                      "out of the segment-level agreement", UserWarning, stacklevel=3)
    frame = frame.assign(_s=start, _e=end)[placed]
    units = frame[[C.SOURCE_ID, "_s", "_e"]].drop_duplicates()
    units = units.assign(_k=units[C.SOURCE_ID].astype(str)) \
        .sort_values(["_k", "_s", "_e"]).reset_index(drop=True)
    present: dict = {"units": list(units.itertuples(index=False)), a: {}, b: {}}
    for (coder, code), group in frame.groupby([C.CODER, C.CODE]):
        vec = np.zeros(len(units), bool)
        for source, g in group.groupby(C.SOURCE_ID):
            mask = (units[C.SOURCE_ID] == source).to_numpy()
            us, ue = units["_s"].to_numpy()[mask], units["_e"].to_numpy()[mask]
            hit = ((g["_s"].to_numpy()[:, None] < ue[None, :])
                   & (us[None, :] < g["_e"].to_numpy()[:, None])).any(axis=0)
            vec[np.flatnonzero(mask)[hit]] = True
        present[coder][code] = vec
    return present


def _agreement(pa: np.ndarray, pb: np.ndarray) -> tuple[float, float]:
    n = len(pa)
    if n == 0:
        return np.nan, np.nan
    po = float(np.mean(pa == pb))
    p_a, p_b = float(pa.mean()), float(pb.mean())
    pe = p_a * p_b + (1 - p_a) * (1 - p_b)
    kappa = (po - pe) / (1 - pe) if not np.isclose(pe, 1.0) else np.nan
    return po, kappa
