"""Publishing: run the supplement notebook per scope and turn it into HTML supplements.

Modules, one concern each:

:mod:`~image_synth.publish.runner`
    ``image-synth run``: the scopes of a study, staging, the private folder for failed
    notebooks, ``manifest.json`` and ``index.html``; :func:`record_run_info`, the hook
    the notebook's last cell calls.
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
    "record_run_info": "image_synth.publish.runner",
    "read_run_info": "image_synth.publish.runner",
    "run_supplements": "image_synth.publish.runner",
    "RunResult": "image_synth.publish.runner",
    "RUN_INFO_MIME": "image_synth.publish.runner",
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
