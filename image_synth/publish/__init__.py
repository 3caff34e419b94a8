"""Publishing: run the supplement notebook per scope and turn it into HTML supplements.

Modules, one concern each:

:mod:`~image_synth.publish.runner`
    ``image-synth run``: load the study, check the parameters, run the scopes, move the
    finished pages into place, write ``manifest.json`` and ``index.html``.
:mod:`~image_synth.publish.scopes`
    the scopes of a run (national, situations, regions), their files and labels.
:mod:`~image_synth.publish.workers`
    the worker processes: one warm kernel each, one notebook at a time, HTML into the
    staging folder, failed notebooks kept privately.
:mod:`~image_synth.publish.manifest`
    ``manifest.json``: study files, notebook, package versions, the run's fingerprint and
    one entry per page.
:mod:`~image_synth.publish.output`
    the output folder: checked writable before anything runs, locked for one run at a
    time, staging folders of killed runs removed.
:mod:`~image_synth.publish.index`
    ``index.html``, the page that links every supplement.
:mod:`~image_synth.publish.run_info`
    the run-info protocol: :func:`record_run_info`, the hook the notebook's last cell
    calls, and :func:`read_run_info`, the runner's side.
:mod:`~image_synth.publish.parameters`
    the notebook's declared parameters and the check that refuses unknown ones before
    anything runs.
:mod:`~image_synth.publish.engine`
    a papermill engine that keeps one warm kernel per worker process and resets it
    between notebooks.
:mod:`~image_synth.publish.kernel_state`
    the kernel side of that reset (snapshot after warm-up, restore before each notebook).
:mod:`~image_synth.publish.html`
    nbconvert export: no code, prompts, errors or stderr; table of contents; ``lang``;
    alt text on figures; nothing loaded from the internet; machine paths scrubbed.
:mod:`~image_synth.disclosure.rules`
    disclosure control for published tables.

Names are imported on first use, so the notebook's ``from image_synth.publish import
record_run_info`` does not import papermill or nbconvert into the kernel.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "record_run_info": "image_synth.publish.run_info",
    "read_run_info": "image_synth.publish.run_info",
    "run_supplements": "image_synth.publish.runner",
    "RunResult": "image_synth.publish.runner",
    "RUN_INFO_MIME": "image_synth.publish.run_info",
    "notebook_path": "image_synth.publish.parameters",
    "notebook_parameters": "image_synth.publish.parameters",
    "check_parameters": "image_synth.publish.parameters",
    "export_html": "image_synth.publish.html",
}

__all__ = ["RUN_INFO_MIME", "RunResult", "check_parameters", "export_html",
           "notebook_parameters", "notebook_path", "read_run_info", "record_run_info",
           "run_supplements"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'image_synth.publish' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
