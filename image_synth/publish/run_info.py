"""The run-info protocol: how a notebook tells the batch runner what it did.

The notebook's last cell calls :func:`record_run_info` with
:func:`image_synth.render.sections.run_info`: it displays the record as an output of
mime type :data:`RUN_INFO_MIME` (with a one-line ``text/plain`` for JupyterLab). The
runner reads it back from the executed notebook (:func:`read_run_info`) for the
manifest; the HTML export drops it. No file paths or side channels are involved, so the
same mechanism works in a fresh kernel, a warm kernel and JupyterLab.

The record says which scope, wave and publication setting the notebook actually ran
with (:data:`RECORDED`); the runner compares them with what it asked for
(:func:`run_info_problems`) and counts a disagreement as a failed scope, so a page is
never filed under a scope or a publication setting it does not show.

This module imports nothing heavy: the notebook's kernel imports it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["RECORDED", "RUN_INFO_MIME", "read_run_info", "record_run_info",
           "run_info_problems"]

#: Mime type of the run-info record a notebook displays in its last cell.
RUN_INFO_MIME = "application/vnd.image-synth.run-info+json"

#: What every record must say about the run, checked against the runner's own settings.
RECORDED = ("scope", "scope_value", "wave", "publish")


def record_run_info(info: Mapping[str, Any]) -> None:
    """Record what the runner should know about this notebook run (the notebook's last call).

    Displays ``info`` as an output of mime type :data:`RUN_INFO_MIME` plus a short
    ``text/plain`` line; the runner reads it into ``manifest.json`` and the HTML export
    leaves it out. ``info`` must be JSON-serialisable and hold the keys of
    :data:`RECORDED`; ``suppressed_cells`` (int) is the number of cells hidden by
    disclosure control.
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



def run_info_problems(info: Mapping[str, Any], expected: Mapping[str, Any]) -> list[str]:
    """Where the notebook's record disagrees with what the runner asked for.

    ``expected`` holds the runner's values of :data:`RECORDED` (the parameters it
    injected). A key the record lacks is a problem too: the page cannot be vouched for.
    """
    problems = []
    for key in RECORDED:
        if key not in info:
            problems.append(f"the run info does not say {key!r}")
        elif _as_json(info[key]) != _as_json(expected[key]):
            problems.append(f"the notebook ran with {key}={info[key]!r}, the runner asked "
                            f"for {key}={expected[key]!r}")
    return problems


def _as_json(value: Any) -> Any:
    # the record went through JSON: compare values as JSON has them (True is not 1)
    return json.dumps(value, sort_keys=True, default=str)
