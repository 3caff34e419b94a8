"""What a study's inputs are, as data: the files of its folder by hash, and its latest wave.

The batch runner records these in ``manifest.json`` and folds them into the fingerprint
of a run (:mod:`image_synth.publish.manifest`); the supplement's methods section lists
the file hashes. Both need only the study folder and its configuration, so they live
with the study, not with either user.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .load import Study

__all__ = ["input_hashes", "latest_wave"]


def input_hashes(root: str | Path) -> dict[str, str]:
    """sha256 of every file of a study folder, by path relative to it (sorted, ``/``).

    Hidden files and folders (``.name``) and ``__pycache__`` are skipped.
    """
    root = Path(root)
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(p.startswith(".") or p == "__pycache__" for p in rel.parts):
            continue
        if path.is_file():
            out[rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return dict(sorted(out.items()))


def latest_wave(study: Study) -> int:
    """The latest wave with survey data (else the study's latest wave)."""
    with_data = [wf.wave for wf in study.config.survey]
    return int(max(with_data or study.config.waves))
