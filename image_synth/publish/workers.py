"""The worker processes of a batch run: one warm kernel each, one notebook at a time.

:func:`execute` runs the scopes in ``jobs`` worker processes (``spawn``), each started by
:func:`init_worker` with one warm kernel (:mod:`image_synth.publish.engine`;
``warm=False`` uses papermill's standard engine, a fresh kernel per notebook).
:func:`run_one` executes one scope's notebook with papermill and converts it to HTML
(:mod:`image_synth.publish.html`) into the staging folder. A scope that fails keeps its
executed notebook, error marked by papermill, in the private ``failed`` folder; the
other scopes carry on.

Nothing outlives the run
------------------------
A worker dies with the run's process, also when that is killed with SIGKILL and can
clean up nothing: on Linux the kernel sends the worker SIGTERM the moment its parent
dies (``prctl(PR_SET_PDEATHSIG)``, set by :func:`init_worker`); elsewhere, and as a
second line, a watchdog thread in the worker sees the parent change within a second.
Either way the worker kills its kernels (each in its own session, started by
jupyter_client) with their process groups and exits; ipykernel's own parent poller is a
third line for a kernel whose worker vanished some other way. The run's own stop
(Ctrl-C, SIGTERM) terminates the workers, which takes the same path.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

from .manifest import sha256
from .run_info import read_run_info, run_info_problems
from .scopes import ScopeJob, ScopeOutcome

__all__ = ["die_with", "execute", "init_worker", "run_one"]


def execute(jobs_list: list[ScopeJob], *, notebook: Path, staging: Path, failed_dir: Path,
             warm: bool, jobs: int | None, lang: str, publish: bool, scrub: list[str],
             progress: bool, timeout: int, title: str, wave: int) -> list[ScopeOutcome]:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    from tqdm import tqdm

    n_workers = max(1, min(jobs or min(os.cpu_count() or 1, 4), len(jobs_list)))
    workdir = staging / "work"
    workdir.mkdir()
    (staging / "notebooks").mkdir()
    # national first, then the larger groups: keeps both workers busy to the end
    pending = deque(jobs_list)
    results: dict[str, ScopeOutcome] = {}
    running: dict[Any, ScopeJob] = {}
    # progress=True shows the bar on a terminal only (tqdm's disable=None)
    bar = tqdm(total=len(jobs_list), desc="supplements", unit="scope", file=sys.stderr,
               disable=None if progress else True, dynamic_ncols=True, leave=True)

    def postfix() -> None:
        failed = sum(not o.ok for o in results.values())
        names = ", ".join(j.name for j in running.values())
        bar.set_postfix_str(f"running: {names or '-'}; failed: {failed}", refresh=True)

    ctx = multiprocessing.get_context("spawn")
    executor = ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx,
                                   initializer=init_worker, initargs=(warm, os.getpid()))
    try:
        while pending or running:
            while pending and len(running) < n_workers:
                job = pending.popleft()
                task = {"job": job, "notebook": str(notebook), "staging": str(staging),
                        "workdir": str(workdir), "failed_dir": str(failed_dir),
                        "warm": warm, "lang": lang, "publish": publish, "scrub": scrub,
                        "timeout": timeout,
                        "title": f"{title} · {job.label} · {wave}"}
                try:
                    running[executor.submit(run_one, task)] = job
                except BrokenProcessPool:
                    results[job.file] = ScopeOutcome(job, False, "a worker process died")
                    bar.update(1)
            postfix()
            if not running:
                continue
            done, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for future in done:
                job = running.pop(future)
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    outcome = ScopeOutcome(job, False, "a worker process died")
                except Exception as exc:  # a bug in the worker itself
                    outcome = ScopeOutcome(job, False, _one_line(exc))
                results[job.file] = outcome
                bar.update(1)
            postfix()
    except BaseException:  # interrupted: stop the workers before staging is removed
        processes = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=10)
        raise
    finally:
        bar.close()
    executor.shutdown(wait=True)
    return [results[j.file] for j in jobs_list]


def init_worker(warm: bool, parent: int | None = None) -> None:
    """Runs once in every worker: tied to the run's process ``parent`` (see the module
    docstring), quiet logs, warm kernel, papermill and nbconvert loaded."""
    import logging
    import warnings

    # Ctrl-C reaches the whole process group: the parent stops the workers itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        die_with(parent)
    logging.getLogger("papermill").setLevel(logging.ERROR)
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    kernel = None
    if warm:
        from . import engine

        try:  # the kernel imports the heavy modules while this process imports its own
            kernel = engine.start_warm_kernel()
        except Exception:  # reported by the first notebook that needs the kernel
            kernel = None
        engine.register()
    import papermill  # noqa: F401

    from .html import _exporter

    _exporter()
    if kernel is not None:
        try:
            kernel.ready()
        except Exception:  # replaced and reported when the first notebook asks for it
            pass


#: ``prctl`` option: the signal this process gets when its parent dies (linux/prctl.h).
PR_SET_PDEATHSIG = 1

#: Seconds between two looks of the watchdog at the worker's parent.
WATCHDOG_INTERVAL = 1.0


def die_with(parent: int) -> None:
    """Make this process (a worker) stop, with its kernels, when ``parent`` dies."""
    signal.signal(signal.SIGTERM, _stop)
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)  # the watchdog still looks
    if os.getppid() != parent:  # the parent died before the line above took effect
        _stop(signal.SIGTERM, None)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCHDOG_INTERVAL)
        _stop(signal.SIGTERM, None)

    threading.Thread(target=watch, name="image-synth-watchdog", daemon=True).start()


def _stop(signum: int, frame: Any) -> None:
    """Kill this worker's kernels (each with its process group), then exit at once."""
    for pid in _child_processes():
        for kill in (os.killpg, os.kill):  # a kernel leads its own session
            try:
                kill(pid, signal.SIGKILL)
                break
            except (ProcessLookupError, PermissionError):
                continue
    os._exit(128 + signum)


def _child_processes() -> list[int]:
    """The processes this one started: from /proc on Linux, else the warm kernels."""
    me = os.getpid()
    if os.path.isdir("/proc"):
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    stat = handle.read()
            except OSError:  # gone meanwhile
                continue
            # "pid (name) state ppid ...": the name may hold spaces and parentheses
            if int(stat[stat.rindex(b")") + 2:].split()[1]) == me:
                found.append(int(entry))
        return found
    from . import engine

    return [k.km.provisioner.pid for k in list(engine._KERNELS.values())
            if getattr(getattr(k.km, "provisioner", None), "pid", None)]


def run_one(task: dict[str, Any]) -> ScopeOutcome:
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from .html import export_html

    job: ScopeJob = task["job"]
    stem = Path(job.file).stem
    executed = Path(task["staging"]) / "notebooks" / f"{stem}.ipynb"
    started = time.perf_counter()
    reason = ""
    nb = None
    try:
        from . import engine

        nb = papermill.execute_notebook(
            task["notebook"], str(executed), parameters=job.parameters,
            engine_name=engine.ENGINE_NAME if task["warm"] else None,
            kernel_name="python3", progress_bar=False, cwd=task["workdir"],
            execution_timeout=task["timeout"], request_save_on_cell_execute=True,
            extra_arguments=list(engine.KERNEL_ARGUMENTS))
    except PapermillExecutionError as exc:
        reason = f"{exc.ename}: {_first_line(exc.evalue)} (cell {exc.exec_count})"
    except Exception as exc:
        reason = _one_line(exc)
    info: dict[str, Any] | None = None
    if not reason:
        info = read_run_info(nb)
        if info is None:
            reason = "the notebook did not record its run info (record_run_info)"
        else:  # the page must show the scope and setting its file and manifest claim
            problems = run_info_problems(info, job.parameters)
            if problems:
                reason = "the page is not what the runner asked for: " + "; ".join(problems)
    if not reason:
        try:
            page = export_html(nb, lang=task["lang"], title=task["title"],
                               publish=task["publish"], scrub=task["scrub"])
        except Exception as exc:
            reason = f"HTML export: {_one_line(exc)}"
    seconds = time.perf_counter() - started
    if reason:
        from .html import scrub_paths

        kept = ""
        target = Path(task["failed_dir"]) / f"{stem}.ipynb"
        if executed.exists():  # papermill saved it with the error marked
            os.replace(executed, target)
            kept = str(target)
        elif nb is not None:
            nbformat.write(nb, target)
            kept = str(target)
        return ScopeOutcome(job, False, scrub_paths(reason, task["scrub"]), seconds=seconds,
                            failed_notebook=kept)
    data = page.encode("utf-8")
    (Path(task["staging"]) / job.file).write_bytes(data)
    executed.unlink(missing_ok=True)
    return ScopeOutcome(job, True, sha256=sha256(data), run_info=info or {}, seconds=seconds)


def _first_line(text: Any) -> str:
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    line = lines[0] if lines else ""
    return line if len(line) <= 200 else line[:197] + "..."


def _one_line(exc: BaseException) -> str:
    text = _first_line(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
