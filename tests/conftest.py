"""Shared fixtures: the mini study (a copy in tmp_path to break on purpose), ../shared."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from _support import MINI, SHARED


@pytest.fixture
def mini_study(tmp_path: Path) -> Path:
    """A writable copy of the mini fixture study."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture
def shared() -> Path:
    """``../shared`` beside the project; the test is skipped when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the project")
    return SHARED

