"""The dask worker plugin of :class:`~image_synth.publish.executors.DaskExecutor`.

Registered with every worker of the scheduler (those there now and those that join
later, also a worker the nanny restarted after it died): :meth:`KernelPlugin.setup`
prepares the worker's process as a worker of the local pool is prepared
(:func:`~image_synth.publish.workers.prepare_process`: quiet logs, one warm kernel,
papermill and nbconvert loaded), and :meth:`KernelPlugin.teardown` stops the kernel.
A dask worker belongs to its nanny, not to the run: the plugin sets no handler for the
run's stop, and the kernel is started outside the main thread. On a cluster the runner
started itself (``ignore_interrupt``) the worker ignores Ctrl-C, as a worker of the
local pool does: Ctrl-C reaches the whole process group, and the runner stops its
cluster itself (a worker would otherwise die printing a traceback). That is set on the
worker's event loop, its process's main thread; a worker of an existing scheduler keeps
its own handling.

A separate module because it imports :mod:`distributed` when it is imported; only a
run with ``--scheduler`` does that.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from typing import Any

from distributed import WorkerPlugin

from .workers import prepare_process

__all__ = ["KernelPlugin"]


class KernelPlugin(WorkerPlugin):
    """One warm kernel per dask worker: started in setup, stopped in teardown."""

    name = "image-synth-kernel"

    def __init__(self, warm: bool, *, ignore_interrupt: bool = False):
        self.warm = warm
        self.ignore_interrupt = ignore_interrupt

    async def setup(self, worker: Any) -> None:
        if self.ignore_interrupt and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        # in the worker's task thread (one per worker), not on its event loop: the
        # worker keeps answering the scheduler while the kernel warms up
        executor = worker.executors.get("default")
        await asyncio.get_running_loop().run_in_executor(executor, prepare_process,
                                                         self.warm)

    async def teardown(self, worker: Any) -> None:
        # also when another run registers its plugin (dask removes the one of the same
        # name first): wait for the notebook running in the kernel, never kill it midway;
        # the next notebook starts a kernel again (engine.warm_kernel)
        await asyncio.to_thread(_shutdown_between_notebooks)


def _shutdown_between_notebooks() -> None:
    from .engine import shutdown_kernels
    from .workers import ONE_NOTEBOOK

    with ONE_NOTEBOOK:
        shutdown_kernels()
