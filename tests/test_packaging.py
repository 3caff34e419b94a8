"""The package's own files agree: pyproject.toml and environment.yml list the same
dependencies with the same lower bounds; the console script and ``python -m`` work."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
_REQ = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$")


def _normalise(spec: str) -> tuple[str, str]:
    name, rest = _REQ.match(spec).groups()
    return re.sub(r"[-_.]+", "-", name).lower(), rest.replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_normalise(s) for s in project["dependencies"])
    wanted.update(_normalise(s) for s in project["optional-dependencies"]["dev"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = dict(_normalise(s) for s in env["dependencies"]
                 if isinstance(s, str) and not s.startswith(("python", "pip")))
    assert conda == wanted


def test_console_script_and_module_entry_point_agree():
    out = subprocess.run([sys.executable, "-m", "image_synth", "--version"],
                         capture_output=True, text=True, check=True).stdout
    import image_synth

    assert out.strip() == f"image-synth, version {image_synth.__version__}"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["image-synth"] == "image_synth.cli:main"


def test_import_is_cheap():
    """``import image_synth`` does no work: pandas and friends load on first use."""
    code = "import sys, image_synth; print(any(m in sys.modules for m in ('pandas', 'pandera')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


def test_every_subpackage_is_listed_and_the_notebooks_are_shipped():
    """pyproject.toml lists the packages by hand (the notebooks folder is mapped onto
    image_synth.notebooks): a new subpackage must be added there."""
    from setuptools import find_packages

    tool = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = set(find_packages(str(ROOT), include=["image_synth", "image_synth.*"]))
    assert set(tool["packages"]) == found | {"image_synth.notebooks"}
    assert tool["package-dir"] == {"image_synth.notebooks": "notebooks"}
    assert "*.ipynb" in tool["package-data"]["image_synth.notebooks"]
