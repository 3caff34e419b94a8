"""The new site replaces the old one in one step, whenever the run is killed.

:func:`image_synth.publish.output.publish_site` is run in a child process that dies
(``os._exit``: no ``finally``, no ``atexit``, as under SIGKILL) at every point of its
work in turn; afterwards the output folder holds the old site or the new one, byte for
byte, never a mix, and the next run's :func:`clear_staging` leaves nothing behind.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from _support import ROOT

from image_synth.publish import output
from image_synth.publish.output import clear_staging, exchange, publish_site

OLD = {"index.html": b"old index", "manifest.json": b"old manifest",
       "national.html": b"old national", "region-a.html": b"old region a",
       "region-c.html": b"old region c"}
NEW = {"index.html": b"new index", "manifest.json": b"new manifest",
       "national.html": b"new national", "region-b.html": b"new region b"}


def _site(tmp_path: Path) -> tuple[Path, Path, dict[str, Path]]:
    out, private = tmp_path / "site", tmp_path / "site.private"
    out.mkdir()
    private.mkdir()
    for name, data in OLD.items():
        (out / name).write_bytes(data)
    staging = private / "staging-run"
    staging.mkdir()
    files = {}
    for name, data in NEW.items():
        (staging / name).write_bytes(data)
        files[name] = staging / name
    return out, private, files


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


#: The old site, with this run's pages over it (region-a and region-c are kept).
EXPECTED = {**OLD, **NEW}

#: Where the child dies: (function patched in the output module, the call it dies at).
POINTS = [("os.link", 0), ("os.link", 1), ("os.replace", 0), ("os.replace", 3),
          ("exchange", 0), ("shutil.rmtree", 0)]


@pytest.fixture
def swappable(tmp_path):
    """Skip where this file system (or system) cannot swap two folders."""
    a, b = tmp_path / "probe-a", tmp_path / "probe-b"
    a.mkdir()
    b.mkdir()
    try:
        if not exchange(a, b):
            pytest.skip("no RENAME_EXCHANGE here: the files are moved one by one")
    finally:
        a.rmdir()
        b.rmdir()


@pytest.mark.parametrize("point,call", POINTS, ids=[f"{p}-{c}" for p, c in POINTS])
def test_a_run_killed_while_publishing_leaves_the_old_site_or_the_new_one(
        tmp_path, swappable, point, call):
    out, private, _ = _site(tmp_path)
    # the child dies before the call numbered `call` (0: before the first) of `point`,
    # or, for "exchange" and "rmtree", right after the swap returned
    script = textwrap.dedent(f"""
        import os, shutil, sys
        from pathlib import Path
        from image_synth.publish import output
        out, private = Path({str(out)!r}), Path({str(private)!r})
        files = {{p.name: p for p in (private / "staging-run").iterdir()}}
        point, call, seen = {point!r}, {call}, [0]

        def dying(real, after=False):
            def wrapper(*args, **kwargs):
                if not after and seen[0] == call:
                    os._exit(137)
                seen[0] += 1
                value = real(*args, **kwargs)
                if after:
                    os._exit(137)
                return value
            return wrapper

        if point == "os.link":
            output.os.link = dying(os.link)
        elif point == "os.replace":
            output.os.replace = dying(os.replace)
        elif point == "exchange":
            output.exchange = dying(output.exchange, after=True)
        else:
            output.shutil.rmtree = dying(shutil.rmtree)
        output.publish_site(out, files, private=private)
        sys.exit(3)  # not reached: every point is met
    """)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 137, done.stderr
    after = _contents(out)
    swapped = point in ("exchange", "shutil.rmtree")
    assert after == (EXPECTED if swapped else OLD)
    # the next run (lock held) clears what the killed one left; the site stays as it is
    clear_staging(private)
    assert sorted(p.name for p in private.iterdir()) == []
    assert _contents(out) == after


def test_publishing_keeps_the_old_pages_links_and_the_folder_s_mode(tmp_path, swappable):
    out, private, files = _site(tmp_path)
    os.chmod(out, 0o750)
    os.symlink("national.html", out / "latest.html")
    kept = (out / "region-a.html").stat().st_ino
    assert publish_site(out, files, private=private) is True
    shown = {p.name: p.read_bytes() for p in out.iterdir() if p.name != "latest.html"}
    assert shown == EXPECTED
    assert (out / "region-a.html").stat().st_ino == kept  # linked, not copied
    assert os.readlink(out / "latest.html") == "national.html"
    assert stat.S_IMODE(out.stat().st_mode) == 0o750
    assert list(private.iterdir()) == [private / "staging-run"]  # the run's own, emptied
    assert list((private / "staging-run").iterdir()) == []


def test_a_subfolder_of_the_site_is_left_where_it_is(tmp_path, monkeypatch):
    """A subfolder (the user's; it may be a mount point) would move with a swapped
    folder, and its removal with the old site could reach into a mounted file system:
    the files are moved one by one instead, and the subfolder is not touched."""
    out, private, files = _site(tmp_path)
    (out / "assets").mkdir()
    (out / "assets" / "logo.svg").write_bytes(b"<svg/>")
    folder = (out / "assets").stat().st_ino
    monkeypatch.setattr(output, "exchange", lambda a, b: pytest.fail("swapped"))
    assert publish_site(out, files, private=private) is False
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == EXPECTED
    assert (out / "assets").stat().st_ino == folder
    assert (out / "assets" / "logo.svg").read_bytes() == b"<svg/>"
    assert list((private / "staging-run").iterdir()) == []  # moved in, not copied


def test_a_file_that_cannot_be_linked_means_moving_one_by_one(tmp_path, monkeypatch):
    out, private, files = _site(tmp_path)

    def refuse(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(output.os, "link", refuse)
    monkeypatch.setattr(output, "exchange", lambda a, b: pytest.fail("swapped"))
    assert publish_site(out, files, private=private) is False
    assert _contents(out) == EXPECTED
    assert not list(private.glob("staging-site-*"))


def test_without_the_swap_the_files_are_moved_one_by_one_index_last(tmp_path, monkeypatch):
    out, private, files = _site(tmp_path)
    monkeypatch.setattr(output, "exchange", lambda a, b: False)
    moved = []
    real = os.replace

    def replace(a, b):
        moved.append(Path(b).name if Path(b).parent == out else None)
        real(a, b)

    monkeypatch.setattr(output.os, "replace", replace)
    assert publish_site(out, files, private=private) is False
    assert _contents(out) == EXPECTED
    into_site = [m for m in moved if m]
    assert into_site[-1] == "index.html" and sorted(into_site) == sorted(NEW)


def test_exchange_swaps_two_folders(tmp_path, swappable):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("a")
    assert exchange(a, b) is True
    assert [p.name for p in b.iterdir()] == ["x"] and list(a.iterdir()) == []
    with pytest.raises(OSError):
        exchange(a, tmp_path / "missing")


def test_a_move_into_the_new_site_that_fails_means_moving_one_by_one(tmp_path, monkeypatch):
    out, private, files = _site(tmp_path)
    real, calls = os.replace, []

    def replace(a, b):
        if Path(b).parent.name.startswith("staging-site-"):
            calls.append(b)
            if len(calls) == 2:  # the second page cannot go into the new site
                raise OSError(28, "No space left on device")
        real(a, b)

    monkeypatch.setattr(output.os, "replace", replace)
    monkeypatch.setattr(output, "exchange", lambda a, b: pytest.fail("swapped"))
    assert publish_site(out, files, private=private) is False
    assert _contents(out) == EXPECTED
    assert not list(private.glob("staging-site-*"))


def test_an_output_folder_on_another_file_system_gets_each_file_copied_in(
        tmp_path, monkeypatch):
    """os.replace across file systems fails (EXDEV): each file is copied beside its
    target and renamed over it, and the staged file removed."""
    out, private, files = _site(tmp_path)
    real = os.replace

    def replace(a, b):
        if Path(a).parent != out and Path(b).parent == out:
            raise OSError(18, "Invalid cross-device link")
        real(a, b)

    monkeypatch.setattr(output.os, "replace", replace)
    monkeypatch.setattr(output, "exchange", lambda a, b: False)
    assert publish_site(out, files, private=private) is False
    assert _contents(out) == EXPECTED
    assert not list(private.glob("staging-site-*"))
    assert list((private / "staging-run").iterdir()) == []
