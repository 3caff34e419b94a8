"""The shipped example study is exactly what tools/make_example_study.py writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from _support import ROOT

SHIPPED = ROOT / "image_synth" / "data" / "example"


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_regenerating_gives_byte_identical_files(tmp_path):
    out = tmp_path / "example"
    subprocess.run([sys.executable, str(ROOT / "tools" / "make_example_study.py"),
                    "--out", str(out)], check=True, capture_output=True)
    fresh, shipped = _files(out), _files(SHIPPED)
    assert sorted(fresh) == sorted(shipped)
    differing = [name for name in fresh if fresh[name] != shipped[name]]
    assert differing == []


def test_validate_summary_of_the_example():
    result = subprocess.run([sys.executable, "-m", "image_synth", "validate"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "2023: 239" in result.stdout
    assert "interview 2023: 21" in result.stdout
    assert "network drawings: 8" in result.stdout
