"""Disclosure control for published supplements (DESIGN.md, "Publishing rules").

Two rules, applied to tidy frames just before rendering:

1. **Primary suppression.** A row whose base ``n`` is 1 to ``min_n - 1`` shows none of
   its numbers: counts, shares, means, correlations and the ``n`` itself are blanked.
   A base of 0 is shown (an empty cell discloses nobody).
2. **Complementary suppression.** Within a *partition* — rows that add up to a total
   published elsewhere (the answers of one item in one group; the regions of one
   situation; the situations of the nation) — the suppressed rows could be recovered by
   subtracting the published rows from the total. So when the suppressed rows of a
   partition together hold fewer than ``min_n`` respondents, the smallest published
   rows are suppressed too, until the hidden rows together hold at least ``min_n``
   (or nothing is left to hide). Then no single hidden row can be recovered, and the
   pooled remainder is itself based on at least ``min_n`` respondents.

Every suppression is recorded with its reason (``suppression_reason``). How many cells
a supplement shows as hidden is counted from its page
(:func:`image_synth.render.sections.run_info`) and written to the manifest.

The same rule protects small regions *across* supplements: a region supplement asks
:func:`suppressed_groups` which regions of its situation must stay hidden for a given
statistic, computed over all regions of the situation, so that the situation's
supplement minus the other regions' supplements never reveals it.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .. import columns as C
from ..errors import AnalysisError

__all__ = ["suppress", "suppressed_groups", "hierarchy_pattern", "table_pattern",
           "REASON_PRIMARY", "REASON_COMPLEMENTARY"]

REASON_PRIMARY = "fewer than {min_n} respondents"
REASON_COMPLEMENTARY = "hidden so that a suppressed cell cannot be recovered by subtraction"

def suppressed_groups(sizes: Mapping[str, int] | pd.Series, *, min_n: int) -> set[str]:
    """Which groups of one partition must be hidden, primary and complementary.

    Parameters
    ----------
    sizes
        Group -> number of respondents behind the group's statistic (the groups of one
        partition, e.g. the regions of one situation).
    min_n
        The study's minimum n.

    Returns
    -------
    set of str
        The groups to hide.

    Examples
    --------
    >>> sorted(suppressed_groups({"J": 13, "P": 6, "Q": 19, "R": 4}, min_n=5))
    ['P', 'R']
    >>> sorted(suppressed_groups({"A": 8, "B": 7, "C": 11}, min_n=5))
    []
    """
    if min_n < 1:
        raise AnalysisError(f"min_n must be at least 1, not {min_n}")
    sizes = pd.Series(sizes, dtype="float64").fillna(0)
    hidden = set(sizes[(sizes > 0) & (sizes < min_n)].index)
    if not hidden:
        return hidden
    # smallest published groups first; ties broken by the group name for determinism
    candidates = sorted((n, str(g), g) for g, n in sizes.items() if g not in hidden and n > 0)
    pooled = sizes[list(hidden)].sum()
    for n, _, group in candidates:
        if pooled >= min_n:
            break
        hidden.add(group)
        pooled += n
    return hidden


def suppress(frame: pd.DataFrame, *, min_n: int, n: str = C.N,
             values: Sequence[str] | None = None, within: Iterable[str] = (),
             enabled: bool = True) -> pd.DataFrame:
    """Blank every number that rests on fewer than ``min_n`` respondents.

    Parameters
    ----------
    frame
        A tidy frame, one row per published cell or group.
    min_n
        The study's minimum n (``study.min_n``).
    n
        Column with the number of respondents behind each row (``n``, or ``count`` for
        the cells of a frequency table).
    values
        Columns to blank in suppressed rows. Default: every numeric column, ``n``
        included (a small ``n`` is itself a small count).
    within
        Columns defining partitions whose rows add up to a published total; complementary
        suppression works within each partition. Empty: primary suppression only.
    enabled
        ``False`` (publishing switched off) returns the frame unchanged apart from the
        two added columns, all ``False``/empty.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with the ``values`` blanked (``NaN``) in suppressed rows and
        two more columns: ``suppressed`` (bool) and ``suppression_reason`` (text, empty
        where nothing was suppressed).
    """
    if n not in frame.columns:
        raise AnalysisError(f"column {n!r} (the number of respondents) is not in the frame; "
                            f"columns are {list(frame.columns)}")
    within = list(within)
    missing = [c for c in within if c not in frame.columns]
    if missing:
        raise AnalysisError(f"partition columns {missing} are not in the frame")
    out = frame.copy()
    out[C.SUPPRESSED] = False
    out["suppression_reason"] = ""
    if not enabled or out.empty:
        return out
    if values is None:
        values = [c for c in out.columns if c not in (C.SUPPRESSED, "suppression_reason")
                  and pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c])]
        values = [c for c in values if c not in within]
    sizes = pd.to_numeric(out[n], errors="coerce").fillna(0)
    primary = (sizes > 0) & (sizes < min_n)
    hidden = primary.copy()
    if within:
        keys = within[0] if len(within) == 1 else within
        for _, index in out.groupby(keys, dropna=False, sort=False).groups.items():
            part = sizes.loc[index]
            keep = suppressed_groups(part, min_n=min_n)
            hidden.loc[list(keep)] = True
    out.loc[primary, "suppression_reason"] = REASON_PRIMARY.format(min_n=min_n)
    out.loc[hidden & ~primary, "suppression_reason"] = REASON_COMPLEMENTARY
    out.loc[hidden, C.SUPPRESSED] = True
    for column in values:
        if hidden.any():
            if not pd.api.types.is_float_dtype(out[column]):
                out[column] = out[column].astype("float64")
            out.loc[hidden, column] = np.nan
    return out


def hierarchy_pattern(n: Mapping[Any, int], constraints: Sequence[tuple[Any, Sequence[Any]]],
                      *, min_n: int) -> set:
    """Cells to hide in a set of additive constraints (``parent = sum(children)``).

    Parameters
    ----------
    n
        Cell key -> count (or number of respondents behind the cell).
    constraints
        ``(parent, children)`` pairs: the children's counts add up to the parent's. A
        table's row total over its cells, a situation over its regions, column by column.
    min_n
        The study's minimum n.

    Returns
    -------
    set
        The keys of the cells to hide.

    Notes
    -----
    Primary: every cell with ``0 < n < min_n``. Then, within each constraint, the rule of
    :func:`suppressed_groups`: the smallest shown children are hidden until the hidden
    children hold at least ``min_n`` together **and** are at least two (one hidden child
    of a shown parent is the parent minus the others). A hidden parent whose children are
    all shown could be recovered by adding them up, so its smallest child is hidden too.
    The steps repeat until nothing changes. This protects every cell against subtraction
    along each constraint; combinations of several constraints (a linear system) are
    not checked.

    Examples
    --------
    >>> n = {"t": 20, "a": 2, "b": 8, "c": 10}
    >>> sorted(hierarchy_pattern(n, [("t", ["a", "b", "c"])], min_n=5))
    ['a', 'b']
    """
    hidden = {k for k, v in n.items() if 0 < v < min_n}
    # each constraint's children with respondents, smallest first (ties by name): the
    # counts never change, so the order is sorted once, not on every pass
    ordered = [(parent, sorted((c for c in children if n[c] > 0), key=lambda c: (n[c], str(c))))
               for parent, children in constraints]
    changed = True
    while changed:
        changed = False
        for parent, part in ordered:
            inside = [c for c in part if c in hidden]
            if parent in hidden and n[parent] > 0 and not inside and part:
                inside = [part[0]]
            if inside:
                pooled = sum(n[c] for c in inside)
                parent_shown = parent not in hidden
                for c in [c for c in part if c not in inside]:
                    if pooled >= min_n and not (parent_shown and len(inside) == 1):
                        break
                    inside.append(c)
                    pooled += n[c]
            new = set(inside) - hidden
            if new:
                hidden |= new
                changed = True
    return hidden


def table_pattern(rows: Mapping[Any, Sequence[int]], parents: Sequence[tuple[Any, Sequence[Any]]],
                  *, min_n: int) -> set[tuple[Any, int]]:
    """Hidden cells of a hierarchical table, as ``(row key, column index)``.

    ``rows[key]`` is ``[total, count_1, count_2, ...]`` (the counts add up to the total);
    ``parents`` lists ``(row, child rows)`` whose rows add up column by column (a
    situation and its regions). Column 0 is the row total.
    """
    cells = {(k, j): v for k, values in rows.items() for j, v in enumerate(values)}
    width = max((len(v) for v in rows.values()), default=0)
    constraints = [((k, 0), [(k, j) for j in range(1, len(v))]) for k, v in rows.items()
                   if len(v) > 1]
    constraints += [((p, j), [(c, j) for c in children])
                    for p, children in parents for j in range(width)]
    return hierarchy_pattern(cells, constraints, min_n=min_n)

