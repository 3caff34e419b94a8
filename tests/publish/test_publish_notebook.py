"""The supplement notebook: stored without outputs, paired, one source of truth, calls only."""

from __future__ import annotations

import ast

import jupytext
import nbformat
import pytest
from _support import ROOT

from image_synth.publish.parameters import notebook_path
from image_synth.render import sections

PACKAGED = notebook_path()
PAIRED = PACKAGED.with_suffix(".py")
TOP_LEVEL = ROOT / "notebooks" / "supplement.ipynb"


def _cells(nb):
    return [(c.cell_type, c.source.strip(), tuple(c.metadata.get("tags", ())))
            for c in nb.cells]


def test_the_packaged_notebook_is_the_one_in_the_package_folder():
    assert PACKAGED == ROOT / "image_synth" / "notebooks" / "supplement.ipynb"
    assert PACKAGED.is_file() and PAIRED.is_file()


@pytest.mark.parametrize("path", [PACKAGED, TOP_LEVEL], ids=["package", "top-level"])
def test_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]
    assert "papermill" not in nb.metadata
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_top_level_copy_is_byte_identical_to_the_packaged_notebook():
    assert TOP_LEVEL.read_bytes() == PACKAGED.read_bytes(), (
        "notebooks/supplement.ipynb drifted from the package's notebook: "
        "cp image_synth/notebooks/supplement.ipynb notebooks/supplement.ipynb")


def test_jupytext_pair_has_not_drifted():
    text = jupytext.read(PAIRED)
    stored = nbformat.read(PACKAGED, as_version=4)
    assert _cells(text) == _cells(stored), (
        "the .py and .ipynb differ: jupytext --sync image_synth/notebooks/supplement.py")
    assert "py:percent" in stored.metadata["jupytext"]["formats"]


def test_one_parameters_cell_first():
    nb = nbformat.read(PACKAGED, as_version=4)
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    assert tagged == [0]


def test_every_other_cell_only_calls_the_package():
    nb = nbformat.read(PACKAGED, as_version=4)
    called = []
    for cell in nb.cells[1:]:
        assert cell.cell_type == "code"
        for node in ast.parse(cell.source).body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [node.module] if isinstance(node, ast.ImportFrom) else [
                    a.name for a in node.names]
                assert all(m.startswith("image_synth") for m in modules)
                continue
            if isinstance(node, (ast.Assign, ast.Expr)):
                node = node.value
            assert isinstance(node, ast.Call), ast.unparse(node)
            func = ast.unparse(node.func)
            assert func.startswith("sections.") or func in ("record_run_info", "compute"), func
            called.append(func)
    # the results once, then every section of the report, in order, then the run info
    assert called[0] == "compute"
    shown = [f.removeprefix("sections.") for f in called
             if f.startswith("sections.") and f not in ("sections.notebook_style",
                                                        "sections.title")]
    assert tuple(shown) == sections.SECTIONS
    assert called[-1] == "record_run_info"


@pytest.mark.slow
def test_runs_top_to_bottom_with_the_default_parameters(tmp_path):
    """As in JupyterLab: no parameters injected, a fresh kernel, the example study."""
    from image_synth.study.load import example_study_path

    if not (example_study_path() / "study.yaml").is_file():
        pytest.skip("the embedded example study is not there yet")
    import papermill

    from image_synth.publish.runner import read_run_info

    nb = papermill.execute_notebook(str(PACKAGED), str(tmp_path / "out.ipynb"),
                                    progress_bar=False, cwd=str(tmp_path),
                                    extra_arguments=["--IPKernelApp.log_level=ERROR"])
    info = read_run_info(nb)
    assert info["scope"] == "national" and info["publish"] is True
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert errors == []
