"""Executors: where the scopes of a batch run.

The runner hands its tasks (one per scope, wave and language) to an executor and gets
back one :class:`~image_synth.publish.workers.TaskResult` per task, which it stores
itself through the ``keep`` callback it passes (staging folder, private ``failed``
folder): what happens after a scope ran is the same code whichever executor ran it.

* :class:`LocalPool` (the default): ``jobs`` worker processes of this machine
  (``spawn``), each with one warm kernel, tied to the run's process
  (:func:`~image_synth.publish.workers.init_worker`). The workers start when the pool is
  entered, so their kernels warm up while the runner decides the batch's study-wide
  work; meanwhile they decide the earlier waves' plans (:meth:`LocalPool.beside`). A
  worker that dies fails the scopes it was running ("a worker process died").
* :class:`DaskExecutor` (``image-synth run --scheduler tcp://HOST:PORT`` or
  ``--scheduler local:N``): the tasks go to a dask.distributed scheduler, an existing
  one or a :class:`distributed.LocalCluster` of ``N`` worker processes with one thread
  each, started for the run and stopped with it. A worker plugin
  (:class:`image_synth.publish.dask_plugin.KernelPlugin`) gives every dask worker one
  warm kernel (started in setup, stopped in teardown). The scheduler runs a task again
  elsewhere when its worker dies (at most :data:`ALLOWED_FAILURES` times on a cluster
  the runner starts; an existing scheduler has its own setting), then the scope counts
  as failed. The executor has no more tasks out than the scheduler has workers, so a
  worker that dies takes only the scope it was running with it. Workers of an
  existing scheduler must have image_synth installed and see the study folder at the
  path the runner gives; they write nothing the runner reads (the page comes back with
  the result) and use the batch's cache only if they see its folder.

:func:`parse_scheduler` and :meth:`DaskExecutor.open` say in one line what is wrong
with a ``--scheduler`` value (:class:`SchedulerError`, a usage error: exit status 2).
"""

from __future__ import annotations

import os
import re
import signal
import sys
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any

from ..errors import RunError
from .scopes import ScopeOutcome
from .workers import TaskResult, _one_line, failed_result, init_worker, run_one

__all__ = ["ALLOWED_FAILURES", "CONNECT_TIMEOUT", "DaskExecutor", "LocalPool", "SchedulerError",
           "executor_for", "parse_scheduler"]

#: Seconds to wait for an existing scheduler to answer.
CONNECT_TIMEOUT = 10

#: How often a task may lose its worker and be run again before it counts as failed
#: (clusters the runner starts with ``--scheduler local:N``; a notebook that killed its
#: worker twice is taken to be the cause, not the victim).
ALLOWED_FAILURES = 1

Keep = Callable[[TaskResult], ScopeOutcome]


class SchedulerError(RunError):
    """A ``--scheduler`` value that is malformed or names no reachable scheduler."""


def parse_scheduler(value: str) -> tuple[str, str | int]:
    """``("address", "tcp://HOST:PORT")`` or ``("local", N)`` from a ``--scheduler`` value.

    Raises
    ------
    SchedulerError
        Neither form: the line names the value and both forms.
    """
    text = value.strip()
    local = re.fullmatch(r"local:(\d+)", text)
    if local and int(local.group(1)) >= 1:
        return "local", int(local.group(1))
    if re.fullmatch(r"(tcp|tls)://[^\s:/]+:\d{1,5}", text):
        return "address", text
    raise SchedulerError(f"--scheduler {value!r}: expected tcp://HOST:PORT (an existing "
                         "dask scheduler) or local:N (a local cluster of N >= 1 workers)")


def executor_for(scheduler: str | None, *, jobs: int | None, warm: bool,
                 tasks: int | None = None) -> LocalPool | DaskExecutor:
    """The executor a run asked for: the local pool (of at most ``tasks`` workers), or
    dask for a ``scheduler``."""
    if scheduler is None:
        return LocalPool(jobs=jobs, warm=warm, tasks=tasks)
    kind, where = parse_scheduler(scheduler)
    if kind == "local":
        return DaskExecutor(n_workers=int(where), warm=warm)
    return DaskExecutor(address=str(where), warm=warm)


class _Progress:
    """The progress bar on stderr (a terminal only): done, running, failed."""

    def __init__(self, total: int, show: bool):
        from tqdm import tqdm

        self.bar = tqdm(total=total, desc="supplements", unit="scope", file=sys.stderr,
                        disable=None if show else True, dynamic_ncols=True, leave=True)
        self.failed = 0

    def show(self, running: list[str] | None) -> None:
        """``running``: the scopes running now (``None``: not known here)."""
        now = "" if running is None else f"running: {', '.join(running) or '-'}; "
        self.bar.set_postfix_str(f"{now}failed: {self.failed}", refresh=True)

    def done(self, outcome: ScopeOutcome) -> ScopeOutcome:
        self.failed += not outcome.ok
        self.bar.update(1)
        return outcome

    def close(self) -> None:
        self.bar.close()


def _here(calls: list[tuple[Callable[..., Any], tuple]]) -> Callable[[], None]:
    """Run ``fn(*args)`` for each call in this process, now; nothing left to wait for."""
    for fn, args in calls:
        fn(*args)
    return lambda: None


class LocalPool:
    """Worker processes of this machine, one warm kernel each (module docstring).

    Entering the pool starts its workers (each warms its kernel up at once); leaving it
    stops them, at once when the run was interrupted. :meth:`run` outside a ``with``
    starts and stops them itself.
    """

    #: Tasks may use the run's staging folder as scratch space: same machine.
    shares_files = True

    def __init__(self, *, jobs: int | None, warm: bool, tasks: int | None = None):
        self.jobs, self.warm, self.tasks = jobs, warm, tasks
        self._executor: Any = None
        self._workers = 0

    def _size(self, tasks: int | None) -> int:
        wanted = self.jobs or min(os.cpu_count() or 1, 4)
        return max(1, min(wanted, tasks) if tasks else wanted)

    def __enter__(self) -> LocalPool:
        try:
            self._start(self._size(self.tasks))
        except BaseException:  # e.g. Ctrl-C, let through once the workers are started
            self._stop(now=True)
            raise
        return self

    def __exit__(self, exc_type: Any, *exc: object) -> None:
        self._stop(now=exc_type is not None)

    def _start(self, n_workers: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        ctx = multiprocessing.get_context("spawn")
        self._executor = ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx,
                                             initializer=init_worker,
                                             initargs=(self.warm, os.getpid()))
        self._workers = n_workers
        # the pool starts a worker for a task no idle one can take: one no-op each
        # starts them all now (each runs its initializer, the kernel's warm-up, first).
        # Ctrl-C reaches the workers too: they are started with it blocked (a worker
        # still importing would print a KeyboardInterrupt traceback) and unblock it
        # once they ignore it; here it waits until they are started
        block = getattr(signal, "pthread_sigmask", None)
        mask = block(signal.SIG_BLOCK, {signal.SIGINT}) if block else None
        try:
            for _ in range(n_workers):
                self._executor.submit(os.getpid)
        finally:
            if block:
                block(signal.SIG_SETMASK, mask)

    def _stop(self, *, now: bool) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return
        if not now:
            executor.shutdown(wait=True)
            return
        # interrupted: stop the workers before the caller removes the staging folder
        processes = list((getattr(executor, "_processes", None) or {}).values())
        manager = getattr(executor, "_executor_manager_thread", None)
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=10)
        # and the pool's manager thread, which closes its wake-up pipe as it ends: left
        # running, it can close that pipe while the interpreter's exit hook writes to it
        # (Python 3.11 takes no lock there), a "Bad file descriptor" traceback on exit
        if manager is not None:
            manager.join(timeout=10)

    def beside(self, calls: list[tuple[Callable[..., Any], tuple]]) -> Callable[[], None]:
        """Start ``fn(*args)`` for each call in the workers (an open pool only: outside a
        ``with`` they run here, now) and return a function that waits for all of them
        and raises the first error, in the order of ``calls``. The caller works on
        meanwhile (the runner decides one wave's plan itself while the workers decide
        the others)."""
        from concurrent.futures.process import BrokenProcessPool

        if self._executor is None:
            return _here(calls)
        try:
            futures = [self._executor.submit(fn, *args) for fn, args in calls]
        except BrokenProcessPool:  # a worker died already: here (see wait)
            return _here(calls)

        def wait() -> None:
            for i, future in enumerate(futures):
                try:
                    future.result()
                except BrokenProcessPool:
                    # a worker died, or an error came back that cannot be unpickled:
                    # what is left runs here (a real error is raised as it is); the
                    # scopes then fail as "a worker process died" (:meth:`_run`)
                    _here(calls[i:])()
                    return
        return wait

    def run(self, tasks: list[dict[str, Any]], keep: Keep, *, progress: bool
            ) -> list[ScopeOutcome]:
        started = self._executor is None
        if started:
            self._start(self._size(len(tasks)))
        try:
            return self._run(tasks, keep, progress=progress)
        finally:
            if started:  # (interrupted, _run has stopped them already)
                self._stop(now=False)

    def _run(self, tasks: list[dict[str, Any]], keep: Keep, *, progress: bool
             ) -> list[ScopeOutcome]:
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        executor, n_workers = self._executor, self._workers
        # national first, then the larger groups: keeps both workers busy to the end
        pending = deque(range(len(tasks)))
        results: dict[int, ScopeOutcome] = {}
        running: dict[Any, int] = {}
        bar = _Progress(len(tasks), progress)
        died = "a worker process died"
        try:
            while pending or running:
                while pending and len(running) < n_workers:
                    i = pending.popleft()
                    try:
                        running[executor.submit(run_one, tasks[i])] = i
                    except BrokenProcessPool:
                        results[i] = bar.done(keep(failed_result(tasks[i]["job"], died)))
                bar.show([tasks[i]["job"].name for i in running.values()])
                if not running:
                    continue
                done, _ = wait(list(running), return_when=FIRST_COMPLETED)
                for future in done:
                    i = running.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        result = failed_result(tasks[i]["job"], died)
                    except Exception as exc:  # a bug in the worker itself
                        result = failed_result(tasks[i]["job"], _one_line(exc))
                    results[i] = bar.done(keep(result))
                bar.show([tasks[i]["job"].name for i in running.values()])
        except BaseException:  # interrupted: stop the workers before staging is removed
            self._stop(now=True)
            raise
        finally:
            bar.close()
        return [results[i] for i in range(len(tasks))]


class DaskExecutor:
    """A dask.distributed scheduler: an existing one (``address``) or a local cluster of
    ``n_workers`` processes, one thread each, started by :meth:`open` (module docstring)."""

    def __init__(self, *, address: str | None = None, n_workers: int | None = None,
                 warm: bool = True):
        self.address, self.n_workers, self.warm = address, n_workers, warm
        self.client: Any = None
        self.cluster: Any = None
        #: a local cluster runs on this machine: tasks may use the staging folder
        self.shares_files = address is None

    def __enter__(self) -> DaskExecutor:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        """Connect (or start the cluster) and give every worker its kernel.

        Raises
        ------
        SchedulerError
            The scheduler at ``address`` did not answer within :data:`CONNECT_TIMEOUT`.
        """
        import logging

        import dask
        from distributed import Client, LocalCluster

        for name in ("distributed", "tornado", "bokeh"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        try:
            if self.address is None:
                with dask.config.set({"distributed.scheduler.allowed-failures":
                                      ALLOWED_FAILURES}):
                    self.cluster = LocalCluster(
                        n_workers=self.n_workers, threads_per_worker=1, processes=True,
                        dashboard_address=None, silence_logs=logging.CRITICAL)
                self.client = Client(self.cluster)
            else:
                self.client = Client(self.address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            self.close()
            if self.address is None:
                raise RunError(f"--scheduler local:{self.n_workers}: the local cluster did "
                               f"not start ({_one_line(exc)})") from None
            detail = "" if "timed out" in str(exc).lower() else f" ({_one_line(exc)})"
            raise SchedulerError(f"--scheduler {self.address}: no dask scheduler answered "
                                 f"there within {CONNECT_TIMEOUT} s{detail}") from None
        from .dask_plugin import KernelPlugin

        try:
            self.client.register_plugin(KernelPlugin(
                self.warm, ignore_interrupt=self.cluster is not None))
        except Exception as exc:  # e.g. a worker without image_synth
            self.close()
            raise RunError(f"--scheduler {self.address or f'local:{self.n_workers}'}: its "
                           f"workers could not be prepared ({_one_line(exc)})") from None
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        for part in (self.client, self.cluster):
            if part is not None:
                try:
                    part.close()
                except Exception:  # pragma: no cover - already gone
                    pass
        self.client = self.cluster = None

    def beside(self, calls: list[tuple[Callable[..., Any], tuple]]) -> Callable[[], None]:
        """As :meth:`LocalPool.beside`, but the calls run here, now: the workers of a
        scheduler may not see the batch's cache folder."""
        return _here(calls)

    def run(self, tasks: list[dict[str, Any]], keep: Keep, *, progress: bool
            ) -> list[ScopeOutcome]:
        from distributed import as_completed

        if self.client is None:
            self.open()
        bar = _Progress(len(tasks), progress)
        batch = uuid.uuid4().hex  # keys are the scheduler's: unique to this run
        pending = deque(range(len(tasks)))
        running: dict[Any, int] = {}
        finished = as_completed()
        results: dict[int, ScopeOutcome] = {}

        def submit() -> None:
            # no more tasks out than workers (each runs one notebook at a time): the
            # scheduler hands out the rest as workers free up, and a worker that dies
            # takes only the scope it was running with it
            slots = max(1, len(self.client.nthreads()))
            while pending and len(running) < slots:
                i = pending.popleft()
                key = f"image-synth-{tasks[i]['job'].file}-{batch}"
                future = self.client.submit(run_one, tasks[i], key=key, pure=False)
                running[future] = i
                finished.add(future)

        try:
            submit()
            bar.show(None)
            for future in finished:
                i = running.pop(future)
                results[i] = bar.done(keep(self._result(future, tasks[i])))
                submit()
                bar.show(None)
        except BaseException:  # interrupted: nothing of the batch may run on
            self.client.cancel(list(running))
            raise
        finally:
            bar.close()
        return [results[i] for i in range(len(tasks))]

    @staticmethod
    def _result(future: Any, task: dict[str, Any]) -> TaskResult:
        from distributed import KilledWorker

        try:
            return future.result()
        except KilledWorker:
            return failed_result(task["job"], "a dask worker died running it (each time "
                                 "it was tried)")
        except Exception as exc:  # the task itself could not run there
            return failed_result(task["job"], f"on the dask worker: {_one_line(exc)}")


