"""The worker side of a batch run: one warm kernel per process, one notebook at a time.

An executor (:mod:`image_synth.publish.executors`) runs the scopes in worker processes:
those of the local pool are started by :func:`init_worker`, a dask worker by the
executor's worker plugin; both call :func:`prepare_process` for one warm kernel
(:mod:`image_synth.publish.engine`; ``warm=False`` uses papermill's standard engine, a
fresh kernel per notebook). :func:`run_one` is the task: it executes one scope's
notebook with papermill in a scratch folder of its own and converts it to HTML
(:mod:`image_synth.publish.html`), and *returns* what it made as a :class:`TaskResult`
(the page's bytes and run info, or the reason and the executed notebook with its error
marked by papermill). It writes nothing the runner reads: the runner stores each result
itself (staging folder, private ``failed`` folder), however the task reached it.

One notebook at a time per process: papermill moves the whole process into the
notebook's working directory, and the process has one warm kernel. A worker with more
than one task thread (a dask worker started with ``--nthreads 2``) runs its tasks one
after the other (:data:`ONE_NOTEBOOK`).

Nothing outlives the run
------------------------
A worker dies with the run's process, also when that is killed with SIGKILL and can
clean up nothing: on Linux the kernel sends the worker SIGTERM the moment its parent
dies (``prctl(PR_SET_PDEATHSIG)``, set by :func:`init_worker`); elsewhere, and as a
second line, a watchdog thread in the worker sees the parent change within a second.
Either way the worker kills its kernels (each in its own session, started by
jupyter_client) with their process groups and exits; ipykernel's own parent poller is a
third line for a kernel whose worker vanished some other way. The run's own stop
(Ctrl-C, SIGTERM) terminates the workers, which takes the same path. A dask worker
belongs to its nanny, not to the run: it sets no signal handlers (they can only be set
in a main thread) and stops its kernel in the plugin's teardown, with ipykernel's
parent poller for a worker that was killed.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .run_info import read_run_info, run_info_problems
from .scopes import ScopeJob

__all__ = ["ONE_NOTEBOOK", "TaskResult", "die_with", "failed_result", "init_worker",
           "prepare_process", "run_one"]

#: Held while a notebook runs: one notebook at a time per process (module docstring).
ONE_NOTEBOOK = threading.Lock()


@dataclass
class TaskResult:
    """What one task gives back to the runner (picklable; no paths of the worker)."""

    job: ScopeJob
    #: Why the scope failed (one line), or "" for a page.
    reason: str = ""
    #: The page (UTF-8 HTML), when it succeeded.
    page: bytes = b""
    run_info: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    #: The executed notebook with its error marked, when it failed after papermill started.
    notebook: bytes = b""


def failed_result(job: ScopeJob, reason: str) -> TaskResult:
    """The result of a task that never returned (its worker died, or it could not run)."""
    return TaskResult(job, reason=reason)


def init_worker(warm: bool, parent: int | None = None) -> None:
    """Runs once in every worker of the local pool: tied to the run's process ``parent``
    (see the module docstring), then :func:`prepare_process`."""
    # Ctrl-C reaches the whole process group: the parent stops the workers itself (it
    # starts them with Ctrl-C blocked, LocalPool._start: ignored now, it is let through)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if parent is not None:
        die_with(parent)
    from .startup import skip_iri_grammar

    skip_iri_grammar()  # this process is the run's own (see publish/startup.py)
    prepare_process(warm)


def prepare_process(warm: bool) -> None:
    """Quiet logs, the warm kernel started, papermill and nbconvert loaded (any thread)."""
    import logging
    import warnings

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
    # their start folders in /tmp, a kernel still starting included (its folder is
    # made first); no import in a signal handler: a worker with kernels has the engine
    # loaded already
    engine = sys.modules.get(f"{__package__}.engine")
    for home in list(getattr(engine, "HOMES", ())):
        shutil.rmtree(home, ignore_errors=True)
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


def run_one(task: dict[str, Any]) -> TaskResult:
    """Run one scope's notebook and export its page; see the module docstring.

    ``task`` holds ``job`` (:class:`ScopeJob`), ``notebook`` (its file name and text),
    ``scratch`` (a folder to work in, or ``None``: the system's temporary folder),
    ``cache`` (the batch's cache folder, used if this machine has it), ``warm``,
    ``lang``, ``publish``, ``scrub``, ``timeout`` and ``title``.
    """
    with ONE_NOTEBOOK:
        work = Path(tempfile.mkdtemp(prefix="image-synth-task-", dir=task.get("scratch")))
        try:
            with _cache_environment(task.get("cache")):
                return _run_in(work, task)
        finally:
            shutil.rmtree(work, ignore_errors=True)


def _run_in(work: Path, task: dict[str, Any]) -> TaskResult:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from .html import export_html, scrub_paths

    job: ScopeJob = task["job"]
    source = work / task["notebook"]["name"]
    source.write_text(task["notebook"]["text"], encoding="utf-8")
    executed = work / f"{Path(job.file).stem}.ipynb"
    started = time.perf_counter()
    reason = ""
    nb = None
    try:
        from . import engine

        nb = papermill.execute_notebook(
            str(source), str(executed), parameters=job.parameters,
            engine_name=engine.ENGINE_NAME if task["warm"] else None,
            kernel_name="python3", progress_bar=False, cwd=str(work),
            execution_timeout=task["timeout"], request_save_on_cell_execute=True,
            extra_arguments=list(engine.KERNEL_ARGUMENTS))
    except PapermillExecutionError as exc:
        reason = f"{exc.ename}: {_first_line(exc.evalue)} (cell {exc.exec_count})"
    except OSError as exc:  # without a file name, papermill's write of the notebook
        folder = "the run's staging folder" if task.get("scratch") else "a temporary folder"
        where = "" if exc.filename else (f" (papermill writing the executed notebook into "
                                         f"{folder})")
        reason = _one_line(exc) + where
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
        import nbformat

        if executed.exists():  # papermill saved it with the error marked
            kept = executed.read_bytes()
        elif nb is not None:
            kept = nbformat.writes(nb).encode("utf-8")
        else:
            kept = b""
        return TaskResult(job, reason=scrub_paths(reason, task["scrub"] + [str(work)]),
                          seconds=seconds, notebook=kept)
    return TaskResult(job, page=page.encode("utf-8"), run_info=info or {}, seconds=seconds)


class _cache_environment:
    """Point the cache variable at the batch's cache folder while a notebook runs, when
    this machine has that folder (a worker elsewhere lets the notebook decide itself).
    ``cache``: ``{"variable": name, "folder": path}`` from the runner, or ``None``."""

    def __init__(self, cache: dict[str, str] | None):
        self.cache = cache

    def __enter__(self) -> None:
        if self.cache is None:
            return
        name, folder = self.cache["variable"], self.cache["folder"]
        self.before = os.environ.get(name)
        if os.path.isdir(folder):
            os.environ[name] = folder
        else:
            os.environ.pop(name, None)

    def __exit__(self, *exc: object) -> None:
        if self.cache is None:
            return
        if self.before is None:
            os.environ.pop(self.cache["variable"], None)
        else:
            os.environ[self.cache["variable"]] = self.before


def _first_line(text: Any) -> str:
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    line = lines[0] if lines else ""
    return line if len(line) <= 200 else line[:197] + "..."


def _one_line(exc: BaseException) -> str:
    text = _first_line(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
