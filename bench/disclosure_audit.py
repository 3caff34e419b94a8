"""Benchmark of the linear-system audit and of joint suppression (not a test).

Builds ``ITEMS`` hierarchical tables (one per survey item), each nation > 4 situations >
18 regions with 5 answer columns and the row total: 23 rows x 6 columns = 138 cells, so
145 items give 20,010 cells. Counts are drawn with many small ones (seeded). Items come
in pairs answered by the same respondents, so the two items of a pair have the same row
totals, stated as equalities (``same``) that link the two tables. Then it times:

1. :func:`image_synth.disclosure.audit.audit` (exact recovery, integer counts, with the
   true values) of today's pattern, :func:`~image_synth.disclosure.rules.table_pattern`
   per item — about 5,000 hidden cells — and the cells it finds;
2. :func:`~image_synth.disclosure.audit.protect` on the whole system (all items and links
   at once), and the audit of its result;
3. the same audit with ``min_width=5`` (intervals of every unsettled cell).

Wall and CPU times on this 2-core machine; HiGHS runs single-threaded.

    PYTHONPATH=. python bench/disclosure_audit.py [ITEMS]

Measured (145 items, load average ~3 on the 2 shared cores; wall ~ CPU time): audit
of table_pattern's 6,686 hidden cells 2.0 s exact in integers, 1.9 s in real values,
4.4 s with ``min_width=5``; it finds 35 recoverable cells, 17 of them below 5.
``protect`` on the whole system 10.1 s (7.3 s with ``prune=False``, 5,914 cells):
5,733 hidden cells (4,224 primary), 26,275 respondents, against table_pattern's 6,686
and 30,884; the audit of its pattern is clean (1.3 s). ``protect(min_width=5)``:
54 s, 6,478 cells (every primary cell then needs its exact bounds at each audit).
About 730 solves settle all 6,686 hidden cells in the exact audit (each solution
widens the known range of every cell it moves), against 13,372 for a minimum and a
maximum per cell.
"""

from __future__ import annotations

import random
import sys
import time

from image_synth.disclosure.audit import audit, protect, same, table_system
from image_synth.disclosure.rules import table_pattern

ITEMS = int(sys.argv[1]) if len(sys.argv) > 1 else 145
SMALL = (0, 0, 1, 1, 2, 3, 4, 5, 6, 8, 10, 14, 20, 30)


def item_table(rng: random.Random, region_totals: list[int] | None):
    """One item: rows ``key -> [total, c1..c5]`` and ``(parent, children)`` pairs."""
    rows: dict = {}
    parents = []
    situations = []
    r = 0
    for s, size in enumerate((5, 5, 4, 4)):
        regions = []
        for _ in range(size):
            if region_totals is None:
                counts = [rng.choice(SMALL) for _ in range(5)]
            else:                             # the same respondents, other answers
                counts = [0] * 5
                for _ in range(region_totals[r]):
                    counts[rng.randrange(5)] += 1
            key = ("region", r)
            rows[key] = [sum(counts), *counts]
            regions.append(key)
            r += 1
        skey = ("situation", s)
        rows[skey] = [sum(rows[c][j] for c in regions) for j in range(6)]
        parents.append((skey, regions))
        situations.append(skey)
    rows[("nation",)] = [sum(rows[c][j] for c in situations) for j in range(6)]
    parents.append((("nation",), situations))
    return rows, parents


def build(items: int, seed: int = 7):
    rng = random.Random(seed)
    cells: dict = {}
    equalities: list = []
    pattern: set = set()
    previous = None
    for i in range(items):
        paired = i % 2 == 1
        totals = [previous[("region", r)][0] for r in range(18)] if paired else None
        rows, parents = item_table(rng, totals)
        local, eqs = table_system(rows, parents)
        cells.update({(i, *k): v for k, v in local.items()})
        equalities += [({(i, *k): a for k, a in lhs.items()}, {(i, *k): a for k, a in rhs.items()})
                       for lhs, rhs in eqs]
        pattern |= {(i, *k) for k in table_pattern(rows, parents, min_n=5)}
        if paired:
            equalities += [same((i - 1, key, 0), (i, key, 0)) for key in rows]
        previous = rows
    return cells, equalities, pattern


def timed(label, fn):
    """Run ``fn``; print its wall time and the CPU time of this process (the machine is
    shared: CPU time is what the run itself costs)."""
    start, cpu = time.perf_counter(), time.process_time()
    out = fn()
    print(f"{label}: {time.perf_counter() - start:.2f} s wall, "
          f"{time.process_time() - cpu:.2f} s CPU")
    return out


def main() -> None:
    cells, equalities, pattern = build(ITEMS)
    print(f"{len(cells)} cells, {len(equalities)} equalities, "
          f"table_pattern hides {len(pattern)}")
    shown = {k: (None if k in pattern else v) for k, v in cells.items()}
    truth = {k: cells[k] for k in pattern}
    found = timed("audit of table_pattern (exact, integer)",
                  lambda: audit(shown, equalities, truth=truth))
    small = sum(1 for r in found if r.value < 5)
    print(f"  recoverable: {len(found)} cells, {small} of them below 5")
    timed("audit of table_pattern (exact, real)",
          lambda: audit(shown, equalities, truth=truth, integer=False))
    timed("audit of table_pattern (min_width=5)",
          lambda: audit(shown, equalities, truth=truth, min_width=5))
    states = timed("protect (whole system)", lambda: protect(cells, equalities, min_n=5))
    primary = sum(1 for s in states.values() if s == "primary")
    print(f"  hides {len(states)} cells ({primary} primary), "
          f"{sum(cells[k] for k in states):.0f} respondents "
          f"(table_pattern: {len(pattern)} cells, {sum(cells[k] for k in pattern):.0f})")
    shown = {k: (None if k in states else v) for k, v in cells.items()}
    left = timed("audit of protect's pattern",
                 lambda: audit(shown, equalities, truth={k: cells[k] for k in states}))
    print(f"  recoverable: {len(left)}")


if __name__ == "__main__":
    main()
