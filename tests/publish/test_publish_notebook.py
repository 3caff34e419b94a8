"""The supplement notebook: one source of truth, the report's sections in order.

Storage, pairing and parameters of every notebook: tests/notebooks/test_notebooks_stored.py."""

from __future__ import annotations

import ast

import nbformat
from _support import ROOT

from image_synth.publish.parameters import notebook_path
from image_synth.render import sections

PACKAGED = notebook_path()


def test_the_supplement_is_the_one_in_notebooks():
    assert PACKAGED == ROOT / "notebooks" / "supplement.ipynb"
    assert PACKAGED.is_file() and PACKAGED.with_suffix(".py").is_file()


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


# Running it top to bottom with its defaults, as in JupyterLab (and the other four
# notebooks): tests/notebooks/test_notebooks_run.py.
