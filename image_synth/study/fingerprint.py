"""What identifies a study's inputs: the hash of every file, and the latest wave."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .load import Study

__all__ = ["input_hashes", "latest_wave"]


def input_hashes(root: Path) -> dict[str, str]:
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


def latest_wave(study: "Study") -> int:
    """The latest wave with survey data (else the study's latest wave)."""
    with_data = [wf.wave for wf in study.config.survey]
    return int(max(with_data or study.config.waves))
