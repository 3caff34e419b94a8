"""Shared fixtures: the mini study (a copy in tmp_path to break on purpose), ../shared."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from _support import MINI, SHARED


@pytest.fixture(scope="session", autouse=True)
def plan_cache_folder(tmp_path_factory):
    """One plan cache for the session, shared by the xdist workers: a study's plan for a
    wave is decided once (by the first test that needs it) instead of once per loaded
    study. Keyed by the inputs and the code (disclosure.plan.cache_key), so a test that
    changes a study gets its own; tests about the cache name their own folder."""
    from image_synth.disclosure.plan import CACHE_ENV

    folder = tmp_path_factory.getbasetemp().parent / "plan-cache"
    folder.mkdir(exist_ok=True)
    patch = pytest.MonkeyPatch()
    patch.setenv(CACHE_ENV, str(folder))
    yield folder
    patch.undo()


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

