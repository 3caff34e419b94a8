"""``image-synth run -p NAME VALUE``: the parameters the runner sets itself are refused.

The runner names each page's file and manifest entry after the scope, wave, language
and publication setting it injects; ``-p`` may not change them (``--only A -p
scope_value C`` used to write region C's supplement as ``region-A.html``). Each refusal
is a usage error: exit 2, one line naming the option to use, nothing written.
"""

from __future__ import annotations

import pytest
from _support import MINI


@pytest.mark.parametrize("args, first_line", [
    (["-p", "publish", "False"],
     "image-synth: -p publish: the runner sets 'publish' for every scope; use --no-publish "
     "instead"),
    (["--only", "A", "-p", "scope_value", "C"],
     "image-synth: -p scope_value: the runner sets 'scope_value' for every scope; use --only "
     "instead"),
    (["-p", "scope", "region", "--only", "national"],
     "image-synth: -p scope: the runner sets 'scope' for every scope; use --scope and --only "
     "instead"),
    (["-p", "wave", "2022"],
     "image-synth: -p wave: the runner sets 'wave' for every scope; use --wave instead"),
    (["-p", "lang", "en"],
     "image-synth: -p lang: the runner sets 'lang' for every scope; use --lang instead"),
    (["-p", "study", "elsewhere"],
     "image-synth: -p study: the runner sets 'study' for every scope; use the STUDY "
     "argument instead"),
])
def test_runner_parameters_are_refused_before_anything_runs(cli, tmp_path, args, first_line):
    proc = cli("run", str(MINI), "--out", str(tmp_path / "site"), "--no-progress", *args,
               cwd=tmp_path, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines()[0] == first_line
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_every_refused_parameter_gets_its_line(cli, tmp_path):
    proc = cli("run", str(MINI), "--out", str(tmp_path / "site"), "-p", "publish", "0",
               "-p", "colour", "red", "-p", "lang", "en", cwd=tmp_path, timeout=120)
    assert proc.returncode == 2
    assert [line.split(":")[1].strip() for line in proc.stderr.splitlines()] == [
        "-p publish", "-p lang"]
