"""The notebooks that come with image_synth, and where they are.

Each notebook exists once, in the repository's ``notebooks/`` folder (paired with its
jupytext text version ``<name>.py``): that is what ``jupyter lab notebooks/`` opens and
what ``papermill notebooks/survey.ipynb ...`` runs. An installed wheel ships the same
folder as the package data ``image_synth.notebooks`` (pyproject.toml maps the package
onto ``notebooks/``), found with :mod:`importlib.resources`. When image_synth is imported
from a source checkout that is not installed (``PYTHONPATH`` pointing at the
repository), the checkout's own ``notebooks/`` is used, so a worktree never runs the
notebooks of another checkout.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from ..errors import RunError

__all__ = ["NOTEBOOKS", "notebooks_folder", "notebook_path"]

#: The notebooks, in the order an analyst meets them; ``supplement`` is the page.
NOTEBOOKS = ("survey", "interviews", "networks", "synthesis", "supplement")


def notebooks_folder() -> Path:
    """The folder that holds the shipped notebooks (see the module docstring)."""
    package = Path(str(importlib.resources.files("image_synth")))
    checkout = package.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "notebooks").is_dir():
        return checkout / "notebooks"
    try:
        return Path(str(importlib.resources.files("image_synth.notebooks")))
    except ModuleNotFoundError:
        raise RunError("the notebooks are not installed with image_synth (no package "
                       "image_synth.notebooks and no notebooks/ beside the package)") from None


def notebook_path(name: str = "supplement") -> Path:
    """A shipped notebook by name (``survey``, ``interviews``, ``networks``,
    ``synthesis``, ``supplement``; ``.ipynb`` may be given).

    Raises
    ------
    RunError
        ``name`` is not one of :data:`NOTEBOOKS` (the message lists them).
    """
    stem = name.removesuffix(".ipynb")
    if stem not in NOTEBOOKS:
        raise RunError(f"no notebook {name!r}: use one of {', '.join(NOTEBOOKS)}, or the "
                       "path of a notebook file")
    return notebooks_folder() / f"{stem}.ipynb"
