"""The output folder of a run: checked before anything runs, locked while a run writes it.

A run writes into two folders side by side: the site ``<out>`` and the private folder
``<out>.private`` (failed notebooks, the staging folder, the lock). Before any notebook
runs, :func:`check_writable` makes sure both can be made and written, so a typo in
``--out`` costs seconds, not a batch, and never a traceback.

One run at a time
-----------------
:func:`locked` holds ``<out>.private/run.lock`` for the whole run: an exclusive
``flock`` on the file, with the run's pid written in it for the message a second run
gets. The system drops the lock when its process ends, however it ends, so the lock
of a run that was killed is taken over by the next run without asking; that run then
removes the staging folders the killed run left (:func:`clear_staging`). POSIX only:
where ``fcntl`` is missing (Windows) runs are not locked.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import RunError

__all__ = ["LOCK", "PRIVATE", "STAGING_PREFIX", "check_writable", "clear_staging", "locked",
           "make_folder", "private_folder"]

#: The lock file in ``<out>.private``.
LOCK = "run.lock"

#: Staging folders in ``<out>.private`` start with this.
STAGING_PREFIX = "staging-"

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


@contextmanager
def locked(private: Path, *, out_dir: Path) -> Iterator[None]:
    """Hold the run lock of ``out_dir`` (in ``private``) for the ``with`` block.

    Raises
    ------
    RunError
        Another live process holds it; the message names its pid.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: runs are not locked
        yield
        return
    path = private / LOCK
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise RunError(f"cannot create the lock {path}: {_reason(exc)}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
            raise RunError(f"another run (pid {holder}) is writing into {out_dir}; wait "
                           "for it to finish, or stop it") from None
        # ours now, also if a killed run left its pid in it
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # releases the lock


def clear_staging(private: Path) -> list[Path]:
    """Remove the staging folders of earlier runs (call with the lock held); returns them."""
    left = sorted(p for p in private.glob(STAGING_PREFIX + "*") if p.is_dir())
    for folder in left:
        shutil.rmtree(folder, ignore_errors=True)
    return left
