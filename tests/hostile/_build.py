"""Building hostile study folders from a copy of the mini fixture study.

Every helper takes the study folder (a copy of ``tests/fixtures/mini_study`` in the
test's ``tmp_path``) and changes one file the way a careless or hostile user would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from _support import MINI, ROOT

#: Peak resident memory a case may take (KiB): well under 1 GiB. Measured for each
#: child with ``os.wait4`` (the usage of that one process). Linux carries the peak of the
#: image a process replaces into ``ru_maxrss`` at exec, and a forked child starts as a
#: view of the test process, so the figure is an upper bound: the child's own peak or
#: the test process's size when it started the child, whichever is larger.
MAX_RSS_KIB = 768 * 1024
#: Address space of a child ``image-synth`` process (RLIMIT_AS): a safety net, so that a
#: case that would take gigabytes (the issue saw 4 GB) fails with MemoryError instead of
#: taking the shared machine. Above MAX_RSS_KIB because NumPy's thread pools reserve
#: address space they never touch.
CHILD_ADDRESS_SPACE = 2 << 30
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
    #: peak resident memory of the child (KiB), from ``os.wait4``
    max_rss_kib: int


def run_cli(study: Path | str, *, cwd: Path, timeout: float = 120,
            command: str = "validate", prelude: str = "",
            extra: tuple[str, ...] | list[str] = ()) -> Outcome:
    """``image-synth COMMAND STUDY`` in a child, with its wall time and peak memory.

    The child is ``python -c`` that sets RLIMIT_AS = CHILD_ADDRESS_SPACE on itself, runs
    ``prelude`` (Python, e.g. to make a file unreadable for a root user, who ignores
    permission bits) and then the command line's ``main``, as ``python -m image_synth``
    does, with ``extra`` arguments after STUDY. It is killed after ``timeout`` seconds
    and reaped with ``os.wait4``, whose resource usage is that of this child alone
    (``ru_maxrss``, KiB; see MAX_RSS_KIB).
    """
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), environment.get("PYTHONPATH")]))
    extra = [*(["--no-progress"] if command == "run" else []), *extra]
    limit = f"({CHILD_ADDRESS_SPACE}, {CHILD_ADDRESS_SPACE})"
    code = "\n".join([
        "import resource, sys",
        f"resource.setrlimit(resource.RLIMIT_AS, {limit})",
        prelude,
        "from image_synth.cli import main",
        "sys.argv = ['image-synth', *sys.argv[1:]]",
        "main()"])
    argv = [sys.executable, "-c", code, command, str(study), *extra]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(argv, cwd=cwd, env=environment, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Outcome(proc.returncode, out.read().decode("utf-8", "replace"),
                       err.read().decode("utf-8", "replace"), seconds, usage.ru_maxrss)
