"""The output folder of a run: checked before anything runs, locked while a run writes it.

A run writes into two folders side by side: the site ``<out>`` and the private folder
``<out>.private`` (failed notebooks, the staging folder, the lock). Before any notebook
runs, :func:`check_writable` makes sure both can be made and written, so a typo in
``--out`` costs seconds, not a batch, and never a traceback.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import RunError

__all__ = ["PRIVATE", "check_writable", "make_folder", "private_folder"]

#: How messages name ``<out>.private``.
PRIVATE = "folder for failed notebooks"


def private_folder(out_dir: Path) -> Path:
    """``<out>.private``, beside the output folder (never inside it, never linked)."""
    return out_dir.parent / f"{out_dir.name}.private"


def check_writable(path: str | os.PathLike, *, what: str = "output folder") -> Path:
    """Refuse a folder that cannot be made or written; leave nothing behind.

    An existing folder must take a new file; a missing one must be creatable in its
    nearest existing parent (a probe file or folder is made there and removed again, so
    read-only file systems and permissions are seen as they are, also for root).

    Returns
    -------
    Path
        The folder, absolute.

    Raises
    ------
    RunError
        One line naming the folder and the reason: it is a file, a parent of it is a
        file, or the system refuses to write there.
    """
    path = Path(os.path.abspath(path))
    if path.exists() and not path.is_dir():
        raise RunError(f"{what} {path} is a file, not a folder")
    probe_in = path
    while not probe_in.exists():
        probe_in = probe_in.parent
    if not probe_in.is_dir():
        raise RunError(f"cannot create the {what} {path}: {probe_in} is a file, not a folder")
    try:
        if probe_in == path:
            handle, probe = tempfile.mkstemp(prefix=".image-synth-probe-", dir=path)
            os.close(handle)
            os.unlink(probe)
        else:
            os.rmdir(tempfile.mkdtemp(prefix=".image-synth-probe-", dir=probe_in))
    except OSError as exc:
        verb = "write to" if probe_in == path else "create"
        raise RunError(f"cannot {verb} the {what} {path}: {_reason(exc)}") from None
    return path


def make_folder(path: Path, *, what: str = "output folder") -> None:
    """``mkdir -p``, with a one-line :class:`RunError` instead of an ``OSError``."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RunError(f"cannot create the {what} {path}: {_reason(exc)}") from None


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__
