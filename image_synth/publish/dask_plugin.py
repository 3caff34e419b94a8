"""The dask worker plugin of :class:`~image_synth.publish.executors.DaskExecutor`.

Registered with every worker of the scheduler (those there now and those that join
later, also a worker the nanny restarted after it died): :meth:`KernelPlugin.setup`
prepares the worker's process as a worker of the local pool is prepared
(:func:`~image_synth.publish.workers.prepare_process`: quiet logs, one warm kernel,
papermill and nbconvert loaded), and :meth:`KernelPlugin.teardown` stops the kernel.
It sets no signal handlers: a dask worker belongs to its nanny, and its setup does not
run in a main thread.

A separate module because it imports :mod:`distributed` when it is imported; only a
run with ``--scheduler`` does that.
"""

from __future__ import annotations

import asyncio
from typing import Any

from distributed import WorkerPlugin

from .workers import prepare_process

__all__ = ["KernelPlugin"]


class KernelPlugin(WorkerPlugin):
    """One warm kernel per dask worker: started in setup, stopped in teardown."""

    name = "image-synth-kernel"

    def __init__(self, warm: bool):
        self.warm = warm

    async def setup(self, worker: Any) -> None:
        # in the worker's task thread (one per worker), not on its event loop: the
        # worker keeps answering the scheduler while the kernel warms up
        executor = worker.executors.get("default")
        await asyncio.get_running_loop().run_in_executor(executor, prepare_process,
                                                         self.warm)

    async def teardown(self, worker: Any) -> None:
        from .engine import shutdown_kernels

        await asyncio.to_thread(shutdown_kernels)
