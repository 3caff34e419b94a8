"""Helpers for the tests (importable as ``_support``: tests/ is on sys.path)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "mini_study"
SHARED = ROOT.parent / "shared"


def edit_csv(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell of a ;-separated CSV (row 1 = first data row)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(";")
    cells = lines[row].split(";")
    cells[header.index(column)] = value
    lines[row] = ";".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def determined_cells(rows, parents, hidden):
    """Hidden cells that the table's additive constraints pin down exactly.

    Unknowns are the hidden cells; each constraint (row total = sum of its cells, parent
    cell = sum of children cells) with shown values gives a linear equation. A hidden cell
    is determined when its unit vector lies in the row space of the equations.
    """
    import numpy as np

    unknown = sorted(hidden, key=str)
    index = {c: i for i, c in enumerate(unknown)}
    equations = []
    width = max(len(v) for v in rows.values())
    constraints = [((k, 0), [(k, j) for j in range(1, len(v))]) for k, v in rows.items()]
    constraints += [((p, j), [(c, j) for c in ch]) for p, ch in parents for j in range(width)]
    for parent, children in constraints:
        vec = np.zeros(len(unknown))
        for cell in [parent, *children]:
            if cell in index:
                vec[index[cell]] += -1 if cell == parent else 1
        if vec.any():
            equations.append(vec)
    if not equations:
        return set(unknown)
    a = np.array(equations)
    rank = np.linalg.matrix_rank(a)
    out = set()
    for cell, i in index.items():
        e = np.zeros(len(unknown))
        e[i] = 1
        if np.linalg.matrix_rank(np.vstack([a, e])) == rank:
            out.add(cell)
    return out
