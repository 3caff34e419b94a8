"""The local pool starts its workers when it is entered (their kernels warm up while the
runner decides the plan), stops them when it is left, and its workers skip the IRI
grammar of jsonschema (publish/startup.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from image_synth.publish.executors import LocalPool, executor_for

pytestmark = pytest.mark.slow

#: Evaluated in a worker: what its interpreter holds for the IRI grammar module.
PROBE = "repr(__import__('sys').modules.get('rfc3987_syntax', 'never imported'))"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", "rb") as handle:  # a zombie is not alive
        return handle.read().rsplit(b")", 1)[1].split()[0] != b"Z"


#: SIGINT's bit in the signal masks of /proc/PID/status.
SIGINT_BIT = 1 << (2 - 1)


def _signal_masks(pid: int) -> dict[str, int]:
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        fields = dict(line.split(":", 1) for line in handle if ":" in line)
    return {k: int(fields[k], 16) for k in ("SigIgn", "SigBlk")}


def _wait_gone(pids, seconds=20.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(map(_alive, pids)):
        time.sleep(0.1)
    return [p for p in pids if _alive(p)]


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")
def test_entering_the_pool_starts_every_worker_and_leaving_it_stops_them():
    with LocalPool(jobs=2, warm=False, tasks=5) as pool:
        pids = {pool._executor.submit(os.getpid).result(timeout=120) for _ in range(6)}
        processes = list(pool._executor._processes)
        assert len(processes) == 2                     # started at enter, no more after
        assert pids <= set(processes)
        # the worker has nbformat (papermill) loaded, and jsonschema without the grammar
        assert pool._executor.submit(eval, PROBE).result(timeout=60) == "None"
        # Ctrl-C: ignored by the workers (the run stops them itself), not left blocked
        # (they are started with it blocked, so that one still importing is not hit)
        for pid in processes:
            masks = _signal_masks(pid)
            assert masks["SigIgn"] & SIGINT_BIT and not masks["SigBlk"] & SIGINT_BIT, masks
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, set())  # here too
    assert _wait_gone(processes) == []


def test_the_workers_are_started_with_ctrl_c_blocked(monkeypatch):
    # a worker is started by the submit that finds no idle one: each submit of the
    # start sees Ctrl-C blocked here (the started process inherits that mask)
    from concurrent.futures import ProcessPoolExecutor

    seen = []
    submit = ProcessPoolExecutor.submit

    def watched(self, fn, *args, **kwargs):
        seen.append(signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, set()))
        return submit(self, fn, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", watched)
    with LocalPool(jobs=2, warm=False, tasks=2) as pool:
        pool._executor.submit(os.getpid).result(timeout=120)
    assert seen == [True, True, False]


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")
def test_an_error_while_the_pool_is_open_stops_its_workers_at_once(monkeypatch):
    from concurrent.futures import process as cf_process

    # a manager thread slow to wind down, as on a loaded machine: it sleeps before it
    # joins its workers and closes its wake-up pipe
    slow = cf_process._ExecutorManagerThread.join_executor_internals

    def join_executor_internals(self):
        time.sleep(1.0)
        slow(self)

    monkeypatch.setattr(cf_process._ExecutorManagerThread, "join_executor_internals",
                        join_executor_internals)
    with pytest.raises(RuntimeError, match="the plan failed"):
        with LocalPool(jobs=2, warm=True, tasks=2) as pool:
            processes = list(pool._executor._processes)
            manager = pool._executor._executor_manager_thread
            raise RuntimeError("the plan failed")   # before any notebook, as in the runner
    # the pool's manager thread has ended (and closed its wake-up pipe) when the pool is
    # left: still running, it could close the pipe while the interpreter's exit hook
    # writes to it (a refused second run once printed that "Bad file descriptor" traceback)
    assert not manager.is_alive()
    assert _wait_gone(processes) == []


def test_beside_runs_calls_in_the_workers_and_raises_the_first_error(tmp_path):
    with LocalPool(jobs=2, warm=False, tasks=2) as pool:
        done = pool.beside([(os.makedirs, (str(tmp_path / "made"),)), (int, ("x",)),
                            (int, ("y",))])
        with pytest.raises(ValueError, match="'x'"):
            done()
        assert (tmp_path / "made").is_dir()
    # outside a with: here and now, before beside returns
    ran = []
    done = LocalPool(jobs=1, warm=False).beside([(ran.append, (1,)), (ran.append, (2,))])
    assert ran == [1, 2]
    done()


def test_beside_runs_here_what_a_dead_worker_left(tmp_path):
    from concurrent.futures.process import BrokenProcessPool

    with LocalPool(jobs=1, warm=False, tasks=1) as pool:
        worker = pool._executor.submit(os.getpid).result(timeout=120)
        # the only worker dies while the calls are out: they run here instead, no
        # BrokenProcessPool
        done = pool.beside([(time.sleep, (1.0,)), (os.makedirs, (str(tmp_path / "after"),))])
        os.kill(worker, signal.SIGKILL)
        done()
        assert (tmp_path / "after").is_dir()
        with pytest.raises(BrokenProcessPool):
            pool._executor.submit(os.getpid)
        # and once the pool is broken, calls run here at once
        pool.beside([(os.makedirs, (str(tmp_path / "here"),))])
        assert (tmp_path / "here").is_dir()


def test_the_pool_has_no_more_workers_than_tasks():
    pool = executor_for(None, jobs=4, warm=False, tasks=1)
    assert pool._size(pool.tasks) == 1
    assert pool._size(None) == 4
    assert LocalPool(jobs=None, warm=False)._size(3) == min(os.cpu_count() or 1, 4, 3)


def test_the_command_line_run_skips_the_grammar_and_nbformat_still_validates():
    code = ("import sys\n"
            "from image_synth.publish.startup import skip_iri_grammar\n"
            "assert skip_iri_grammar()\n"
            "import nbformat\n"
            "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])\n"
            "nbformat.validate(nb)\n"
            "bad = nbformat.from_dict({'nbformat': 4, 'nbformat_minor': 5, 'cells': [],"
            " 'metadata': {}, 'unexpected': 1})\n"
            "try:\n"
            "    nbformat.validate(bad)\n"
            "except nbformat.ValidationError:\n"
            "    print('refused')\n"
            "print(sys.modules['rfc3987_syntax'], skip_iri_grammar())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True).stdout.split()
    assert out == ["refused", "None", "False"]
