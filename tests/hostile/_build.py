"""Building hostile study folders from a copy of the mini fixture study.

Every helper takes the study folder (a copy of ``tests/fixtures/mini_study`` in the
test's ``tmp_path``) and changes one file the way a careless or hostile user would.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from _support import MINI, ROOT

#: Address space of a child ``image-synth`` process (RLIMIT_AS): a case that needs more
#: fails with MemoryError instead of taking the machine (the issue saw 4 GB).
CHILD_MEMORY = 1 << 30
#: Wall time bound of one ``image-synth validate`` (generous: the machine is shared).
CHILD_SECONDS = 20

#: A YAML "billion laughs": nine aliases of nine aliases ... nine levels deep (9**9
#: values once expanded; a few hundred bytes as written).
BOMB = ("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        + "".join(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]\n"
                  for n in range(1, 9)))


def copy_mini(tmp_path: Path, name: str = "study") -> Path:
    target = tmp_path / name
    shutil.copytree(MINI, target)
    return target


def edit(path: Path, old: str, new: str, *, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in a text file (``old`` must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def add_to_study(study: Path, text: str) -> None:
    """Append top-level lines to study.yaml."""
    path = study / "study.yaml"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    #: peak resident memory of the child (KiB, ru_maxrss of RUSAGE_CHILDREN after it)
    max_rss_kib: int


def _limits() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))


def validate(study: Path | str, *, cwd: Path, timeout: float = 120,
             command: str = "validate", env: dict | None = None,
             prelude: str | None = None) -> Outcome:
    """``python -m image_synth validate STUDY`` in a child limited to CHILD_MEMORY.

    ``ru_maxrss`` of ``RUSAGE_CHILDREN`` is the largest of every child waited for so far,
    so the figure is a bound for this child, not its exact peak; the address-space limit
    is what holds it under 1 GiB. ``prelude`` is Python run before the command (to make
    a file unreadable for a root user, who ignores permission bits).
    """
    environment = dict(os.environ, **(env or {}))
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), environment.get("PYTHONPATH")]))
    if prelude is None:
        argv = [sys.executable, "-m", "image_synth", command, str(study)]
    else:
        argv = [sys.executable, "-c", prelude + "\nimport sys\nfrom image_synth.cli import "
                "main\nsys.argv = ['image-synth', sys.argv[1], sys.argv[2]]\nmain()",
                command, str(study)]
    start = time.monotonic()
    proc = subprocess.run(argv, cwd=cwd, env=environment, capture_output=True, text=True,
                          timeout=timeout, check=False, preexec_fn=_limits)
    seconds = time.monotonic() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return Outcome(proc.returncode, proc.stdout, proc.stderr, seconds, peak)
