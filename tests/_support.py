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
