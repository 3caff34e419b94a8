"""Parameter checking: unknown or mistyped notebook parameters stop a run before it starts."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from image_synth.cli import main
from image_synth.errors import NotebookParameterError, RunError
from image_synth.publish.parameters import check_parameters, notebook_parameters, notebook_path
from image_synth.publish.runner import run_supplements

DECLARED = ["study", "scope", "scope_value", "wave", "lang", "publish"]


def test_the_notebook_declares_its_parameters_with_types_and_help():
    declared = notebook_parameters()
    assert list(declared) == DECLARED
    assert {n: d["inferred_type_name"] for n, d in declared.items()} == {
        "study": "str", "scope": "str", "scope_value": "str", "wave": "int", "lang": "str",
        "publish": "bool"}
    assert all(d["help"] for d in declared.values())


def test_unknown_parameter_is_refused_with_the_valid_names():
    with pytest.raises(NotebookParameterError) as info:
        check_parameters({"scope": "national", "colour": "red", "reigon": "B"},
                         scope="national")
    message = str(info.value)
    assert "'colour'" in message and "'reigon'" in message
    assert "scope_value (str)" in message and "for national" in message


def test_wrong_type_is_refused():
    with pytest.raises(NotebookParameterError, match="'wave' must be int"):
        check_parameters({"wave": "2023"})
    with pytest.raises(NotebookParameterError, match="'wave' must be int"):
        check_parameters({"wave": True})
    check_parameters({"wave": 2023, "publish": False, "study": ""})


def test_run_refuses_unknown_parameter_before_anything_runs(mini_study, tmp_path):
    out = tmp_path / "out"
    with pytest.raises(NotebookParameterError, match="colour"):
        run_supplements(mini_study, out=out, parameters={"colour": "red"}, progress=False)
    assert not out.exists() and not (tmp_path / "out.private").exists()


@pytest.mark.parametrize("name, value, instead", [
    ("publish", False, "run_supplements(publish=False) instead (--no-publish on the command "
                       "line)"),
    ("scope_value", "C", "run_supplements(only=...) instead (--only on the command line)"),
    ("scope", "region", "run_supplements(scope=..., only=...) instead (--scope and --only "
                        "on the command line)"),
    ("wave", 2022, "run_supplements(wave=...) instead (--wave on the command line)"),
    ("lang", "en", "run_supplements(lang=...) instead (--lang on the command line)"),
    ("study", "x", "run_supplements(study=...) instead (the STUDY argument on the command "
                   "line)"),
])
def test_run_refuses_parameters_the_runner_sets(mini_study, tmp_path, name, value, instead):
    out = tmp_path / "out"
    with pytest.raises(NotebookParameterError) as info:
        run_supplements(mini_study, out=out, only="A", parameters={name: value},
                        progress=False)
    assert str(info.value) == (f"parameters={{{name!r}: ...}}: the runner sets {name!r} for "
                               f"every scope; use {instead}")
    assert not out.exists() and not (tmp_path / "out.private").exists()


def test_cli_reports_unknown_parameter_without_traceback(mini_study, tmp_path):
    result = CliRunner().invoke(main, ["run", str(mini_study), "--out", str(tmp_path / "o"),
                                       "-p", "colour", "red"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == ("image-synth: the supplement notebook cannot "
                                             "take these parameters for national:")
    assert "unknown parameter 'colour'" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_unknown_only_value_lists_the_scopes(mini_study, tmp_path):
    result = CliRunner().invoke(main, ["run", str(mini_study), "--out", str(tmp_path / "o"),
                                       "--only", "Z"])
    assert result.exit_code == 1
    assert "national, binnen_po, po_vo, A, B, G" in result.output


def _notebook_with_parameters(tmp_path: Path, source: str) -> Path:
    nb = nbformat.read(notebook_path(), as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = source
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("source, problem", [
    ('study = ""  # a = b\n', "cannot read the parameter 'study'"),
    ('study = ""\n', "explain the parameter in a comment"),
    ('import os  # no\n', "only assignments"),
    ('study = str(1)  # computed\n', "must be a literal"),
    ('study = [1]  # a list\n', "str, int, float or bool"),
])
def test_parameters_cell_must_be_simple_commented_literals(tmp_path, source, problem):
    with pytest.raises(RunError, match=problem):
        notebook_parameters(_notebook_with_parameters(tmp_path, source))


def test_exactly_one_parameters_cell(tmp_path):
    nb = nbformat.read(notebook_path(), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("x = 1  # x", metadata={"tags": ["parameters"]}))
    path = tmp_path / "two.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(RunError, match="exactly one cell tagged 'parameters', found 2"):
        notebook_parameters(path)
