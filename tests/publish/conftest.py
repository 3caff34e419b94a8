"""Fixtures for the publishing tests: one full batch of the mini study, shared.

The batch (``image-synth run tests/fixtures/mini_study --jobs 2``) runs once per test
session, also under pytest-xdist: the first worker that needs it runs it under a file
lock in the directory all workers share, the others reuse its output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from _support import MINI, ROOT


def run_cli(*args: str, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    """``python -m image_synth ARGS`` in a subprocess (the real exit code and streams)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "image_synth", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


@contextmanager
def _locked(path: Path):
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no sharing between workers
        yield
        return
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def cli():
    """:func:`run_cli`: ``cli("run", ..., cwd=tmp_path)``."""
    return run_cli


def notebook_with_cell(path: Path, code: str, *, after_parameters: int = 2) -> Path:
    """The supplement notebook written to ``path`` with a code cell ``code`` inserted
    ``after_parameters`` cells after its ``parameters`` cell (2: after papermill's
    injected parameters)."""
    import nbformat

    from image_synth.publish.parameters import notebook_path

    nb = nbformat.read(notebook_path(), as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(at + after_parameters, nbformat.v4.new_code_cell(code))
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="session")
def with_cell():
    """:func:`notebook_with_cell`: ``with_cell(tmp_path / "x.ipynb", "code")``."""
    return notebook_with_cell


@pytest.fixture(scope="session")
def shared_dir(tmp_path_factory, worker_id) -> Path:
    base = tmp_path_factory.getbasetemp()
    return base.parent if worker_id != "master" else base


@pytest.fixture(scope="session")
def mini_batch(shared_dir: Path) -> dict:
    """The full warm batch of the mini study: ``out``, ``returncode``, ``stdout``, ``stderr``."""
    home = shared_dir / "mini-batch"
    record = home / "result.json"
    with _locked(shared_dir / "mini-batch.lock"):
        if not record.exists():
            home.mkdir(exist_ok=True)
            proc = run_cli("run", str(MINI), "--out", str(home / "out"), "--jobs", "2",
                           "--no-progress", cwd=home)
            record.write_text(json.dumps({"returncode": proc.returncode,
                                          "stdout": proc.stdout, "stderr": proc.stderr}))
    result = json.loads(record.read_text())
    result["out"] = home / "out"
    result["home"] = home
    return result


def pytest_configure(config):
    # ``worker_id`` comes from pytest-xdist; provide it when xdist is not installed
    if not config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_WorkerId(), "image-synth-worker-id")


class _WorkerId:
    @pytest.fixture(scope="session")
    def worker_id(self) -> str:
        return "master"
