"""The run-info protocol: how a notebook tells the batch runner what it did.

The notebook's last cell calls :func:`record_run_info` with
:func:`image_synth.render.sections.run_info`: it displays the record as an output of
mime type :data:`RUN_INFO_MIME` (with a one-line ``text/plain`` for JupyterLab). The
runner reads it back from the executed notebook (:func:`read_run_info`) for the
manifest; the HTML export drops it. No file paths or side channels are involved, so the
same mechanism works in a fresh kernel, a warm kernel and JupyterLab.

This module imports nothing heavy: the notebook's kernel imports it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["RUN_INFO_MIME", "read_run_info", "record_run_info"]

#: Mime type of the run-info record a notebook displays in its last cell.
RUN_INFO_MIME = "application/vnd.image-synth.run-info+json"


def record_run_info(info: Mapping[str, Any]) -> None:
    """Record what the runner should know about this notebook run (the notebook's last call).

    Displays ``info`` as an output of mime type :data:`RUN_INFO_MIME` plus a short
    ``text/plain`` line; the runner reads it into ``manifest.json`` and the HTML export
    leaves it out. ``info`` must be JSON-serialisable; ``suppressed_cells`` (int) is the
    number of cells hidden by disclosure control.
    """
    from IPython.display import display

    record = json.loads(json.dumps(dict(info), sort_keys=True, default=str))
    n = record.get("suppressed_cells", 0)
    display({RUN_INFO_MIME: record, "text/plain": f"run info recorded ({n} suppressed cells)"},
            raw=True)


def read_run_info(nb: Any) -> dict[str, Any] | None:
    """The last run-info record in an executed notebook (``None`` if there is none)."""
    found = None
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data") or {}
            if RUN_INFO_MIME in data:
                value = data[RUN_INFO_MIME]
                found = json.loads(value) if isinstance(value, str) else dict(value)
    return found

