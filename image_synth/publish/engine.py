"""A papermill engine that runs notebooks in a warm kernel, reset between notebooks.

papermill's standard engine starts a new kernel for every notebook, and the kernel
then spends seconds importing pandas, matplotlib, seaborn and statsmodels. This engine
keeps one kernel per process (the batch runner uses one process per worker, so a pool
of ``--jobs`` warm kernels):

* started once, it imports the heavy modules and takes a snapshot of its state
  (:func:`image_synth.publish.kernel_state.warm_up`);
* before each notebook it is reset to that snapshot
  (:func:`image_synth.publish.kernel_state.reset`, which lists everything it restores)
  and moved to the working directory papermill runs the notebook in; its environment
  variables are then those of this process *now*, as a fresh kernel would inherit them
  (a dask worker's kernel starts before the runner names the batch's cache folder);
* the notebook is then executed by papermill's own client
  (:class:`papermill.clientwrap.PapermillNotebookClient`), so papermill's semantics
  stay: parameters injected, cells executed in order, a failing cell marked and the
  executed notebook saved with the error. One difference: papermill's engines write
  the output notebook before and after every cell, this one only at the start and at
  the end (complete, or failed), since nothing watches it in between;
* a kernel that died, timed out or failed in any way other than a cell error is
  replaced by a new warm kernel before the next notebook; one that cannot be reset is
  replaced at once, and the notebook runs in the new one.

The reset code runs as silent requests that leave the execution counter alone, so a
notebook's cells are numbered from 1 as in a fresh kernel. ``tests/publish`` proves that
a supplement is byte-identical whichever path it took.

Register with :func:`register` (the batch runner does this in every worker) and run
with ``papermill.execute_notebook(..., engine_name=ENGINE_NAME)``. The class is also
reachable as ``image_synth.publish.engine:WarmKernelEngine`` for a ``papermill.engine``
entry point.
"""

from __future__ import annotations

import atexit
import os
import queue
import tempfile
import time
from typing import Any

from ..errors import RunError

__all__ = ["ENGINE_NAME", "register", "shutdown_kernels", "start_warm_kernel", "warm_kernel"]

ENGINE_NAME = "image_synth_warm"

#: Seconds a warm-up or a reset may take.
WARM_UP_TIMEOUT = 180
RESET_TIMEOUT = 60

#: Extra kernel command-line arguments (both engines): no start-up chatter on stderr.
KERNEL_ARGUMENTS = ("--IPKernelApp.log_level=ERROR",)

_KERNELS: dict[str, WarmKernel] = {}

#: The start folders of this process's kernels, from the moment each is made (a kernel
#: is in :data:`_KERNELS` only once it has started): a worker that is stopped removes
#: them (:func:`image_synth.publish.workers._stop`).
HOMES: set[str] = set()


class WarmKernel:
    """One IPython kernel with the heavy modules imported, and a client to reset it."""

    def __init__(self, kernel_name: str = "python3", *, startup_timeout: float = 60):
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self.kernel_name = kernel_name
        self.home = tempfile.mkdtemp(prefix="image-synth-kernel-")
        HOMES.add(self.home)
        self.km = AsyncKernelManager(kernel_name=kernel_name)
        run_sync(self.km.start_kernel)(
            extra_arguments=["--HistoryManager.hist_file=:memory:", *KERNEL_ARGUMENTS],
            cwd=self.home)
        self.kc = self.km.blocking_client()
        self.kc.start_channels()
        #: the environment the kernel inherited (its snapshot's, after the warm-up)
        self.environ = dict(os.environ)
        self.notebooks = 0
        self.broken = False
        self._warming: str | None = None
        self._deadline = time.monotonic() + startup_timeout + WARM_UP_TIMEOUT
        try:
            # queued now (zmq delivers it once the kernel is up), awaited by ready(): the
            # caller does its own imports while the kernel starts and warms up
            self._warming = self.kc.execute(
                "__import__('image_synth.publish.kernel_state', fromlist=['warm_up'])"
                ".warm_up()", silent=True, store_history=False, allow_stdin=False)
        except Exception:
            self.shutdown()
            raise

    def ready(self) -> WarmKernel:
        """Wait until the warm-up has finished (at once if it has)."""
        if self._warming is None:
            return self
        msg_id, self._warming = self._warming, None
        while True:
            if time.monotonic() > self._deadline:
                self.broken = True
                raise RunError("the kernel did not start and warm up in time")
            try:
                reply = self.kc.get_shell_msg(timeout=1)
            except queue.Empty:
                if not self.alive():
                    self.broken = True
                    raise RunError("the kernel died while starting") from None
                continue
            if reply.get("parent_header", {}).get("msg_id") == msg_id:
                break
        content = reply["content"]
        if content.get("status") != "ok":
            self.broken = True
            raise RunError(f"the kernel warm-up failed: {content.get('ename')}: "
                           f"{content.get('evalue')}")
        return self

    def run(self, code: str, *, timeout: float = RESET_TIMEOUT) -> None:
        """Execute ``code`` silently (no history, no execution count, no output).

        The code has run when the kernel reports itself idle on iopub for it, and it
        failed if an ``error`` message came first (a silent request still publishes its
        error). The shell reply is not waited for: ipykernel 7 passes it from the main
        thread through the shell-channel thread, and under load it was seen to arrive
        late or not at all (the iopub idle came within 20 ms, the reply not in 60 s;
        compare ipython/ipykernel#1554), which failed a notebook whose kernel was fine.
        Replies that do come are drained before the next request.
        """
        self._drain_shell()
        deadline = time.monotonic() + timeout
        msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False)
        error = None
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.broken = True
                raise RunError(f"the warm kernel did not answer within {timeout} s")
            try:
                msg = self.kc.get_iopub_msg(timeout=min(remaining, 1))
            except queue.Empty:
                if not self.alive():
                    self.broken = True
                    raise RunError("the warm kernel died while it was being prepared") from None
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "error":
                error = msg["content"]
            elif (msg["msg_type"] == "status"
                  and msg["content"].get("execution_state") == "idle"):
                break
        if error is not None:
            self.broken = True
            raise RunError(f"the warm kernel could not be prepared: {error.get('ename')}: "
                           f"{error.get('evalue')}")

    def _drain_shell(self) -> None:
        while True:
            try:
                self.kc.get_shell_msg(timeout=0)
            except queue.Empty:
                return

    def reset(self, cwd: str) -> None:
        # into the new folder first: the last notebook's folder may be gone already
        code = (f"__import__('os').chdir({cwd!r})\n"
                "__import__('image_synth.publish.kernel_state', fromlist=['reset'])"
                f".reset(cwd={cwd!r})")
        now = dict(os.environ)
        changed = {k: v for k, v in now.items() if self.environ.get(k) != v}
        changed.update({k: None for k in self.environ if k not in now})
        if changed:  # binds no name in the notebook's namespace
            code += ("\n[__import__('os').environ.pop(k, None) if v is None else "
                     "__import__('os').environ.__setitem__(k, v) for k, v in "
                     f"{changed!r}.items()]")
        self.run(code)

    def alive(self) -> bool:
        from jupyter_core.utils import run_sync

        try:
            return bool(run_sync(self.km.is_alive)())
        except Exception:  # pragma: no cover - a manager in a bad state is not alive
            return False

    def shutdown(self) -> None:
        from jupyter_core.utils import run_sync

        try:
            self.kc.stop_channels()
        except Exception:  # pragma: no cover
            pass
        try:
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # pragma: no cover - already gone
            pass
        try:
            os.rmdir(self.home)
            HOMES.discard(self.home)
        except OSError:
            pass


def start_warm_kernel(kernel_name: str = "python3", *, startup_timeout: float = 60
                      ) -> WarmKernel:
    """Start this process's kernel and its warm-up without waiting for the warm-up."""
    kernel = _KERNELS.get(kernel_name)
    if kernel is not None and (kernel.broken or not kernel.alive()):
        kernel.shutdown()
        kernel = None
    if kernel is None:
        kernel = WarmKernel(kernel_name, startup_timeout=startup_timeout)
        _KERNELS[kernel_name] = kernel
    return kernel


def warm_kernel(kernel_name: str = "python3", *, startup_timeout: float = 60) -> WarmKernel:
    """This process's warm kernel for ``kernel_name``; started (or replaced) as needed."""
    kernel = start_warm_kernel(kernel_name, startup_timeout=startup_timeout)
    try:
        return kernel.ready()
    except Exception:
        _KERNELS.pop(kernel_name, None)
        kernel.shutdown()
        raise


def shutdown_kernels() -> None:
    """Stop every warm kernel of this process."""
    while _KERNELS:
        _, kernel = _KERNELS.popitem()
        kernel.shutdown()


atexit.register(shutdown_kernels)


_ENGINE_CLASS: list[type] = []


def _no_save(**kwargs: Any) -> None:
    """Stands in for papermill's save while the cells run (see the engine)."""


def __getattr__(name: str) -> Any:
    # ``WarmKernelEngine`` is built on first use, so that importing this module (in a
    # kernel, or from papermill's entry points) does not import papermill itself
    if name == "WarmKernelEngine":
        return _engine_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _engine_class():
    if _ENGINE_CLASS:
        return _ENGINE_CLASS[0]
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import Engine
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    class WarmKernelEngine(Engine):
        """papermill engine: execute in this process's warm kernel, reset first."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False,
                                     stdout_file=None, stderr_file=None, start_timeout=60,
                                     execution_timeout=None, **kwargs: Any):
            kernel = warm_kernel(kernel_name or "python3", startup_timeout=start_timeout)
            # papermill has already moved this process into the notebook's cwd
            try:
                kernel.reset(cwd=os.getcwd())
            except RunError:  # the kernel is marked broken: once more, in a new one
                kernel = warm_kernel(kernel_name or "python3", startup_timeout=start_timeout)
                kernel.reset(cwd=os.getcwd())
            kwargs = remove_args(["input_path"], **kwargs)
            safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
            final_kwargs = merge_kwargs(
                safe_kwargs,
                timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
                startup_timeout=start_timeout, kernel_name=kernel_name, log=logger,
                log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
            client = PapermillNotebookClient(nb_man, km=kernel.km, **final_kwargs)
            # papermill writes the whole notebook before and after every cell (0.3 s of
            # a 1.8 s supplement); the batch reads it once, when it is complete or has
            # failed, and papermill writes it then (notebook_complete) and with the error
            nb_man.save = _no_save
            try:
                return client.execute()
            except BaseException:
                kernel.broken = True  # dead, timed out or interrupted: replace it
                raise
            finally:
                del nb_man.save  # the class's own again, for notebook_complete
                kernel.notebooks += 1
                if client.kc is not None:
                    client.kc.stop_channels()
                    client.kc = None

    _ENGINE_CLASS.append(WarmKernelEngine)
    return WarmKernelEngine


def register() -> None:
    """Register the engine with papermill as :data:`ENGINE_NAME` (idempotent)."""
    from papermill.engines import papermill_engines

    if ENGINE_NAME not in papermill_engines._engines:
        papermill_engines.register(ENGINE_NAME, _engine_class())
