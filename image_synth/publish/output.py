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
index moved over them, the folder given the old one's owner, group and mode. It then
swaps the two folders in one system call (``renameat2(RENAME_EXCHANGE)``, Linux): a
reader, or a run killed at any moment, sees the old site or the new one, never a mix.
The old site, now in the staging folder, is removed; if the run is killed first, the
next run removes it (:func:`clear_staging`).

After a swap the output folder is a new folder (same path, another inode). Serve it by
its path (a web server's root is looked up per request); a process whose working folder is
inside it, or a container that bind-mounts the folder itself, keeps seeing the old,
removed one (bind-mount its parent instead).

Where the swap is not possible the files are moved into the folder one by one with
:func:`os.replace`, each atomic, the index last; a run killed during those moves can
leave some pages new and some old. That is the case off Linux, on a file system without
the swap, when the run may not write the folder's parent, and when the old site holds a
subfolder (a user's, perhaps a mount point: it is left where it is), a file that
cannot be hard-linked, or an owner or mode the new folder cannot be given. An output
folder that is a mount point of its own cannot be swapped (the staging folder is on
the parent's file system): each file is copied in beside its target and renamed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
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

    The folders are swapped only when the new folder can be the old one in all but its
    files: the old site holds files and links only (no subfolder, so no mount point
    and nothing that cannot be hard-linked), and the new folder gets its owner, group and
    mode. Otherwise, and where the system cannot swap (not Linux, a file system without
    ``RENAME_EXCHANGE``, a parent folder the run may not write), the files are moved into
    the folder one by one, index last.

    Returns
    -------
    bool
        True when the folders were swapped at once, False when the files were moved one
        by one.

    Raises
    ------
    RunError
        The new site could not be put in place; says what is in place.
    """
    site = _next_site(out_dir, files, private)
    try:
        if site is not None:
            try:
                if exchange(site, out_dir):
                    return True
            except OSError as exc:
                raise RunError(f"cannot put the new site in place of {out_dir}: "
                               f"{_reason(exc)}; the site is as it was") from None
        # the index last: a reader who starts from it finds every page it links
        for moved, name in enumerate(sorted(files, key=lambda n: n.startswith("index"))):
            source = site / name if site is not None else files[name]
            try:
                _move(source, out_dir / name)
            except OSError as exc:
                raise RunError(f"cannot move {name} into {out_dir}: {_reason(exc)}; "
                               + (f"{moved} of {len(files)} new files are in place"
                                  if moved else "the site is as it was")) from None
        return False
    finally:
        if site is not None:
            shutil.rmtree(site, ignore_errors=True)  # after a swap: the old site


def _move(source: Path, target: Path) -> None:
    """``os.replace``; across file systems (an output folder that is a mount point of its
    own) a copy beside the target first, then ``os.replace``: each file atomic still."""
    try:
        os.replace(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        os.close(handle)
        try:
            shutil.copy2(source, temporary)
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        os.unlink(source)


def _next_site(out_dir: Path, files: Mapping[str, Path], private: Path) -> Path | None:
    """The new site in a staging folder (the old site's files hard-linked, ``files``
    moved in), or ``None`` when it could not be made the same as the old folder in all
    but its files (nothing is moved then)."""
    try:
        entries = list(os.scandir(out_dir))
        if any(e.is_dir(follow_symlinks=False) for e in entries):
            return None  # a user's subfolder, maybe a mount point: left where it is
        site = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX + "site-", dir=private))
    except OSError:
        return None
    try:
        old = out_dir.stat()
        if (old.st_uid, old.st_gid) != (os.stat(site).st_uid, os.stat(site).st_gid):
            os.chown(site, old.st_uid, old.st_gid)
        shutil.copystat(out_dir, site)  # mode, times, extended attributes (ACLs)
        new = site.stat()
        if (new.st_mode, new.st_uid, new.st_gid) != (old.st_mode, old.st_uid, old.st_gid):
            raise OSError("the new folder cannot have the old one's owner and mode")
        for entry in entries:
            if entry.name in files:
                continue
            if entry.is_symlink():
                os.symlink(os.readlink(entry.path), site / entry.name)
            else:
                os.link(entry.path, site / entry.name, follow_symlinks=False)
    except OSError:
        shutil.rmtree(site, ignore_errors=True)
        return None
    moved = []
    try:
        for name, source in files.items():
            os.replace(source, site / name)  # within the private folder
            moved.append(name)
    except OSError:  # back where they were, for the moves one by one
        for name in moved:
            os.replace(site / name, files[name])
        shutil.rmtree(site, ignore_errors=True)
        return None
    return site


def exchange(a: Path, b: Path) -> bool:
    """Swap the folders ``a`` and ``b`` atomically; False where the system cannot (not
    Linux, a file system without the swap, a parent folder that may not be written)."""
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
    if code in CANNOT_SWAP:
        return False
    raise OSError(code, os.strerror(code), str(b))


#: ``renameat2`` errors after which the files are moved one by one instead.
CANNOT_SWAP = frozenset({errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EXDEV,
                         errno.EACCES, errno.EPERM, errno.EBUSY})

#: ``renameat2`` arguments (linux/fcntl.h, linux/fs.h).
AT_FDCWD = -100
RENAME_EXCHANGE = 2

