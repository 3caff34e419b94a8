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

The new site all at once
------------------------
:func:`publish_site` builds the new site beside the old one, in a staging folder: the
old site's files hard-linked in (no copy, no space), this run's pages, manifest and
index moved over them. It then swaps the two folders in one system call
(``renameat2(RENAME_EXCHANGE)``, Linux): a reader, or a run killed at any moment, sees
the old site or the new one, never a mix. The old site, now in the staging folder, is
removed; if the run is killed first, the next run removes it (:func:`clear_staging`).
Where the swap is not available (not Linux, or a file system without it) the files are
moved one by one with :func:`os.replace`, each atomic, the index last.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from ..errors import RunError

__all__ = ["LOCK", "PRIVATE", "STAGING_PREFIX", "check_writable", "clear_staging", "exchange",
           "locked", "make_folder", "private_folder", "publish_site"]

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


def publish_site(out_dir: Path, files: Mapping[str, Path], *, private: Path) -> bool:
    """Make ``out_dir`` the old site with ``files`` (name in the site -> a file of this
    run, moved) in one step; see the module docstring. Call with the lock held.

    Returns
    -------
    bool
        True when the folders were swapped at once, False when the files were moved one
        by one (no atomic swap on this system).

    Raises
    ------
    RunError
        The new site could not be put together or swapped in; the old site is as it was.
    """
    site = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX + "site-", dir=private))
    try:
        try:
            os.chmod(site, stat.S_IMODE(out_dir.stat().st_mode))
            for entry in os.scandir(out_dir):
                if entry.name not in files:
                    _link_entry(Path(entry.path), site / entry.name)
            for name, source in files.items():
                os.replace(source, site / name)
        except OSError as exc:
            raise RunError(f"cannot put the new site together in {private}: "
                           f"{_reason(exc)}") from None
        try:
            swapped = exchange(site, out_dir)
        except OSError as exc:
            raise RunError(f"cannot put the new site in place of {out_dir}: "
                           f"{_reason(exc)}") from None
        if not swapped:
            # the index last: a reader who starts from it finds every page it links
            for name in sorted(files, key=lambda n: n.startswith("index")):
                os.replace(site / name, out_dir / name)
        return swapped
    finally:
        shutil.rmtree(site, ignore_errors=True)  # after a swap: the old site


def exchange(a: Path, b: Path) -> bool:
    """Swap the folders ``a`` and ``b`` atomically; False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):  # pragma: no cover - a libc without it
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EXDEV, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


#: ``renameat2`` arguments (linux/fcntl.h, linux/fs.h).
AT_FDCWD = -100
RENAME_EXCHANGE = 2


def _link_entry(source: Path, target: Path) -> None:
    """``source`` (a file, link or folder of the old site) at ``target`` without copying
    its bytes where the system allows a hard link."""
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
    elif source.is_dir():
        shutil.copytree(source, target, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(source, target)


def _link_or_copy(source: str | os.PathLike, target: str | os.PathLike) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)
