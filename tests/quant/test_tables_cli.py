"""`image-synth tables`: every published table as a file, numbers as in the report."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

# Table 6 of the report: satisfaction (1-7) of collaborating schools per situation
TABLE_6 = {"binnen_po": (5.82, 11), "binnen_vo": (4.86, 7), "po_kinderopvang": (4.75, 4),
           "po_vo": (4.36, 22), "onderwijs_jeugdhulp": (3.83, 12), "vso_vo": (3.00, 3)}


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "image_synth", *args], capture_output=True,
                          text=True)


def test_tables_of_the_example_study(tmp_path):
    result = _cli("tables", "--out", str(tmp_path / "t"))
    assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in (tmp_path / "t").iterdir())
    assert "table_6_satisfaction_by_situation_2023.csv" in files and len(files) >= 18
    table = pd.read_csv(tmp_path / "t" / "table_6_satisfaction_by_situation_2023.csv")
    by = table.set_index("situation")
    for situation, (mean, n) in TABLE_6.items():
        assert by.loc[situation, "n"] == n
        assert round(by.loc[situation, "mean"], 2) == pytest.approx(mean)
    assert by.loc["total", "mean"] == pytest.approx(268 / 59)


def test_xlsx_and_a_bad_study(tmp_path):
    result = _cli("tables", "--out", str(tmp_path / "x"), "--format", "xlsx")
    assert result.returncode == 0, result.stderr
    assert any(p.suffix == ".xlsx" for p in (tmp_path / "x").iterdir())
    result = _cli("tables", str(tmp_path / "studie"), "--out", str(tmp_path / "y"))
    assert result.returncode == 1 and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "y").exists()
