"""Atomic writes: the old file or the new one, and a failed write names its file."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from image_synth.atomic import write_atomic


def test_a_full_disk_is_reported_with_the_file_and_leaves_the_old_one(tmp_path, monkeypatch):
    target = tmp_path / "national.html"
    target.write_text("old page", encoding="utf-8")

    def full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")   # as write() raises it

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(OSError) as caught:
        write_atomic(target, "new page")
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(target)
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "old page"
    assert [p.name for p in tmp_path.iterdir()] == ["national.html"]   # no temporary left
