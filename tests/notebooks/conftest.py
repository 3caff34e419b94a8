"""Fixtures for running the notebooks: the disclosure plans decided once per session.

A notebook run alone decides the study's disclosure plan itself (a minute for the
example study on a busy machine); the batch runner decides it once and the notebooks
read it from ``IMAGE_SYNTH_CACHE``. The tests do the same: the first xdist worker that
needs the plans makes them under a file lock in the folder all workers share.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest
from _support import ROOT

THREE_WAVES = ROOT / "tests" / "fixtures" / "three_waves"


@pytest.fixture(scope="session")
def plan_cache(tmp_path_factory, worker_id) -> Path:
    """A cache folder holding the plans of the example and the 3-wave study (latest
    wave of each): pass it to kernels as ``IMAGE_SYNTH_CACHE``."""
    import image_synth
    from image_synth.disclosure.plan import CACHE_ENV, cache_key, precompute
    from image_synth.study.fingerprint import latest_wave

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if worker_id != "master" else base
    # a developer's own cache (IMAGE_SYNTH_CACHE) is used and filled in when set
    folder = Path(os.environ.get(CACHE_ENV) or shared / "notebook-plans")
    with open(shared / "notebook-plans.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            folder.mkdir(exist_ok=True)
            for path in (None, THREE_WAVES):
                study = image_synth.load_study(path)
                wave = latest_wave(study)
                if not (folder / f"plan-{cache_key(study, wave)}.json").is_file():
                    precompute(study, wave, folder)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return folder
