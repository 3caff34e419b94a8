"""The five notebooks: one copy each in notebooks/, stored without outputs, paired with
jupytext, one parameters cell, cells that only call the package."""

from __future__ import annotations

import ast

import jupytext
import nbformat
import pytest
from _support import ROOT

from image_synth.publish.notebooks import NOTEBOOKS, notebook_path, notebooks_folder
from image_synth.publish.parameters import notebook_parameters

COMMON = {"study": "", "scope": "national", "scope_value": "", "wave": 0, "lang": "nl",
          "publish": True}


def _cells(nb):
    return [(c.cell_type, c.source.strip(), tuple(c.metadata.get("tags", ())))
            for c in nb.cells]


def test_one_copy_of_each_notebook_in_notebooks_folder():
    assert notebooks_folder() == ROOT / "notebooks"
    assert sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb")) == sorted(NOTEBOOKS)
    # no second copy anywhere in the repository (outputs/ and hidden folders aside)
    copies = [p for p in ROOT.rglob("*.ipynb")
              if not any(part.startswith(".") or part in ("outputs", "__pycache__")
                         for part in p.relative_to(ROOT).parts)]
    assert sorted(copies) == sorted(ROOT / "notebooks" / f"{n}.ipynb" for n in NOTEBOOKS)
    assert not (ROOT / "image_synth" / "notebooks").exists()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_stored_without_outputs(name):
    nb = nbformat.read(notebook_path(name), as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]
    assert "papermill" not in nb.metadata
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_jupytext_pair_has_not_drifted(name):
    path = notebook_path(name)
    text = jupytext.read(path.with_suffix(".py"))
    stored = nbformat.read(path, as_version=4)
    assert _cells(text) == _cells(stored), (
        f"notebooks/{name}.py and {name}.ipynb differ: jupytext --sync notebooks/{name}.py")
    assert "py:percent" in stored.metadata["jupytext"]["formats"]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_one_parameters_cell_with_the_common_parameters(name):
    nb = nbformat.read(notebook_path(name), as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    declared = notebook_parameters(notebook_path(name))
    defaults = {k: ast.literal_eval(v["default"]) for k, v in declared.items()}
    assert {k: defaults[k] for k in COMMON} == COMMON  # wave 0: the study's latest
    assert set(defaults) - set(COMMON) <= {"overrides"}


@pytest.mark.parametrize("name", [n for n in NOTEBOOKS if n != "supplement"])
def test_analyst_notebooks_explain_each_step_in_dutch(name):
    nb = nbformat.read(notebook_path(name), as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    shown = [c for c in nb.cells if c.cell_type == "code"
             and "parameters" not in c.metadata.get("tags", [])]
    # every cell that shows something follows a markdown cell (or another such cell)
    for i, cell in enumerate(nb.cells):
        if cell in shown[2:] and nb.cells[i - 1].cell_type != "markdown":
            assert nb.cells[i - 1] in shown, cell.source
    words = " ".join(c.source for c in nb.cells if c.cell_type == "markdown").lower()
    assert " de " in words and " het " in words


@pytest.mark.parametrize("name", [n for n in NOTEBOOKS if n != "supplement"])
def test_words_to_the_analyst_stay_in_the_notebook(name):
    # a page published from an analyst notebook (run --notebook survey) leaves out the
    # cells tagged 'analyst': which cell to change, which frame holds a table
    from image_synth.publish.html import DROPPED_TAGS

    assert "analyst" in DROPPED_TAGS
    nb = nbformat.read(notebook_path(name), as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        to_the_analyst = any(w in cell.source for w in (
            "parameter", "`results", "DataFrame", "voer ", ".frame", "`views"))
        assert to_the_analyst == ("analyst" in cell.metadata.get("tags", [])), cell.source
    assert "analyst" not in nb.cells[0].metadata.get("tags", [])   # the page's title


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_code_cell_only_calls_the_package(name):
    nb = nbformat.read(notebook_path(name), as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        for node in ast.parse(cell.source).body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [node.module] if isinstance(node, ast.ImportFrom) else [
                    a.name for a in node.names]
                assert all(m.startswith("image_synth") for m in modules)
                continue
            if isinstance(node, ast.Assign):
                assert all(isinstance(t, ast.Name) for t in node.targets)
            assert isinstance(node, (ast.Assign, ast.Expr)), ast.unparse(node)
            call = node.value
            assert isinstance(call, ast.Call), ast.unparse(node)
            func = ast.unparse(call.func)
            assert func.startswith(("sections.", "views.")) or func in (
                "compute", "record_run_info"), func
            for arg in [*call.args, *(k.value for k in call.keywords)]:
                assert isinstance(arg, (ast.Name, ast.Call)), ast.unparse(arg)
