"""Faults of ``image-synth run``: killed, interrupted, or two runs into one folder.

Each test starts the real command in a subprocess, in its own session so that it can
be signalled (and cleaned up) as a whole, waits a bounded time for the state it needs,
and kills everything it started before it ends, whatever the outcome.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from _support import MINI, ROOT

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                 reason="process trees are read from /proc")]

#: Seconds any state a test waits for may take to appear.
WAIT = 90


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process (from /proc)."""
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_bytes()
            except OSError:
                continue
            out[int(entry)] = int(stat[stat.rindex(b")") + 2:].split()[1])
    return out


def _descendants(pid: int) -> set[int]:
    parents, found, todo = _parents(), set(), [pid]
    while todo:
        parent = todo.pop()
        kids = [c for c, p in parents.items() if p == parent]
        found.update(kids)
        todo += kids
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False
    return stat[stat.rindex(b")") + 2:].split()[0] != b"Z"


def _kernels(pids: set[int]) -> set[int]:
    def cmdline(pid: int) -> bytes:
        try:
            return Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return b""
    return {p for p in pids if b"ipykernel" in cmdline(p)}


def _until(condition, what: str, seconds: float = WAIT):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"waited {seconds} s for {what}")


@contextmanager
def _run(out: Path, *args: str, cwd: Path):
    """``image-synth run MINI --out OUT ARGS`` in its own session; killed, with every
    process it started, when the block ends."""
    temp = cwd / "tmp"  # the run's temporary files (the kernels' start folders)
    temp.mkdir(exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT), TMPDIR=str(temp))
    proc = subprocess.Popen([sys.executable, "-m", "image_synth", "run", str(MINI), "--out",
                             str(out), "--no-progress", *args], cwd=cwd, env=env,
                            start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    seen: set[int] = set()
    proc.seen = seen  # every descendant noticed while the run was alive
    try:
        yield proc
    finally:
        seen |= _descendants(proc.pid) if proc.poll() is None else set()
        for pid in [proc.pid, *seen]:
            if _alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        proc.communicate(timeout=30)


def _busy(proc, out: Path, workers: int) -> set[int]:
    """Wait until the run has its workers and their kernels, and a staging folder."""
    private = out.parent / f"{out.name}.private"

    def ready():
        kids = _descendants(proc.pid)
        proc.seen.update(kids)
        kernels = _kernels(kids)
        return kids if len(kernels) >= workers and list(private.glob("staging-*")) else None

    return _until(ready, f"{workers} kernels and a staging folder")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_sigkill_leaves_no_process_and_the_next_run_clears_its_staging(tmp_path, cli):
    out = tmp_path / "site"
    private = tmp_path / "site.private"
    with _run(out, "--jobs", "2", cwd=tmp_path) as proc:
        started = _busy(proc, out, workers=2)
        assert len(_kernels(started)) == 2 and len(started) >= 4  # 2 workers, 2 kernels
        os.kill(proc.pid, signal.SIGKILL)  # nothing of the run's own code runs after this
        proc.wait(timeout=30)
        _until(lambda: not [p for p in started if _alive(p)],
               "the workers and kernels to die", seconds=20)
    assert not list((tmp_path / "tmp").glob("image-synth-kernel-*"))
    staging = list(private.glob("staging-*"))
    assert len(staging) == 1, "the killed run could not remove its staging folder"
    # its lock names the dead run; the next run takes it over and clears the staging
    assert (private / "run.lock").read_text().strip() == str(proc.pid)
    again = cli("run", str(MINI), "--out", str(out), "--only", "national", "--no-progress",
                cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert not list(private.glob("staging-*"))
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "manifest.json",
                                                     "national.html"]


def test_a_second_run_into_the_same_folder_is_refused(tmp_path, cli):
    """A run holds the lock of its output folder for as long as it writes: a second run
    into the same folder is refused with the holder's pid, and runs once it is free.
    The holder is a process that takes the lock as a run does and waits (a real first
    run may finish before a second one has started on a busy machine)."""
    out = tmp_path / "site"
    private = tmp_path / "site.private"
    private.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\n"
         "from pathlib import Path\n"
         "from image_synth.publish.output import locked\n"
         f"with locked(Path({str(private)!r}), out_dir=Path({str(out)!r})):\n"
         "    print('locked', flush=True)\n"
         "    time.sleep(600)\n"],
        stdout=subprocess.PIPE, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(
            filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))})
    try:
        assert holder.stdout.readline().strip() == "locked"
        second = cli("run", str(MINI), "--out", str(out), "--only", "B", "--no-progress",
                     cwd=tmp_path, timeout=120)
        assert second.returncode == 1, second.stderr
        assert second.stderr.splitlines()[0] == (
            f"image-synth: another run (pid {holder.pid}) is writing into {out}; wait for it "
            "to finish, or stop it")
        assert "Traceback" not in second.stderr and second.stdout == ""
        assert not (out / "region-B.html").exists()
    finally:
        holder.kill()
        holder.wait(timeout=30)
    # the lock is free again: the refused run can run now
    third = cli("run", str(MINI), "--out", str(out), "--only", "B", "--no-progress",
                cwd=tmp_path)
    assert third.returncode == 0, third.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [e["file"] for e in manifest["supplements"]] == ["region-B.html"]


def test_a_stale_lock_of_a_dead_pid_is_taken_over(tmp_path, cli):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / "site.private").mkdir()
    (tmp_path / "site.private" / "run.lock").write_text(f"{dead.pid}\n")
    (tmp_path / "site.private" / "staging-left-by-a-crash").mkdir()
    proc = cli("run", str(MINI), "--out", str(tmp_path / "site"), "--only", "national",
               "--no-progress", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert not (tmp_path / "site.private" / "staging-left-by-a-crash").exists()
    assert (tmp_path / "site.private" / "run.lock").read_text() == ""  # released


def test_sigint_to_the_run_alone_keeps_the_previous_site_and_stops_everything(mini_batch,
                                                                             tmp_path):
    good = mini_batch["out"]
    out = tmp_path / "site"
    shutil.copytree(good, out)
    with _run(out, "--jobs", "2", cwd=tmp_path) as proc:
        started = _busy(proc, out, workers=2)
        os.kill(proc.pid, signal.SIGINT)  # `kill -INT`: the workers do not see it
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, err
        assert err.splitlines()[-1] == "image-synth: interrupted; no supplement was replaced"
        assert "Traceback" not in err
        _until(lambda: not [p for p in started if _alive(p)],
               "the workers and kernels to stop", seconds=20)
    assert _files(out) == _files(good)
    assert not list((tmp_path / "site.private").glob("staging-*"))


def _has_interrupt_flag() -> bool:
    import ctypes

    try:
        ctypes.c_int.in_dll(ctypes.pythonapi, "_Py_UnhandledKeyboardInterrupt")
    except ValueError:
        return False
    return True


@pytest.mark.skipif(not _has_interrupt_flag(), reason="CPython 3.11's flag: 3.12 moved it")
def test_an_interrupt_the_command_handled_exits_130_even_after_a_nested_one(tmp_path):
    """Under ``python -m`` CPython ends a process with SIGINT (status -2, not the 130
    of ``sys.exit``) when a flag says a Ctrl-C went unhandled, and code it ran through
    its C-level ``PyRun_*`` calls sets that flag on any KeyboardInterrupt passing
    through, even one caught later: 1 in 7 runs interrupted in their first seconds
    exited -2, the flag already set in the command's handler. Here the flag is set as
    such a nested run leaves it, then the run is interrupted: still 130, one line."""
    (tmp_path / "interrupted_run.py").write_text(
        "import ctypes, sys\n"
        "import image_synth.publish.runner as runner\n"
        "def interrupted(*args, **kwargs):\n"
        "    ctypes.c_int.in_dll(ctypes.pythonapi,"
        " '_Py_UnhandledKeyboardInterrupt').value = 1\n"
        "    raise KeyboardInterrupt\n"
        "runner.run_supplements = interrupted\n"
        "from image_synth.cli import main\n"
        f"sys.argv = ['image-synth', 'run', {str(MINI)!r}, '--out', 'site', '--no-progress']\n"
        "main()\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "interrupted_run"], cwd=tmp_path, check=False,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(
                              filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))})
    assert done.returncode == 130, (done.returncode, done.stderr)
    assert done.stderr == "image-synth: interrupted; no supplement was replaced\n"
