"""The supplement notebook's parameters, and the check that runs before anything else.

The notebook declares its parameters in exactly one cell tagged ``parameters``, one
annotated assignment of a primitive value per line, each with a comment that says what
it is::

    scope: str = "national"  # "national", "situation" or "region"

papermill only *warns* about a parameter the notebook does not declare and then runs
the notebook anyway. The batch runner calls :func:`check_parameters` for every scope
first, so a misspelt or unknown parameter stops the run before any kernel starts.

The runner itself sets :data:`RUNNER_PARAMETERS` for every scope (which study, scope,
wave, language and publication setting); they name the page's file and its manifest
entry, so they cannot be passed as extra parameters (:func:`runner_parameter_problems`):
``-p scope_value C --only A`` would otherwise file region C's supplement as
``region-A.html``. Each has its own option instead.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..errors import NotebookParameterError, RunError

__all__ = ["NOTEBOOK_NAME", "RUNNER_PARAMETERS", "check_parameters", "check_runner_parameters",
           "notebook_parameters", "notebook_path", "runner_parameter_problems"]

NOTEBOOK_NAME = "supplement.ipynb"

#: Python types a parameter may have, by the name papermill infers from the annotation.
PRIMITIVES: dict[str, tuple[type, ...]] = {"str": (str,), "int": (int,), "bool": (bool,),
                                           "float": (float, int)}

#: Parameters the runner sets for every scope: name -> (the command-line option, the
#: keywords of :func:`~image_synth.publish.runner.run_supplements`) that set it instead.
RUNNER_PARAMETERS: dict[str, tuple[str, str]] = {
    "study": ("the STUDY argument", "study=..."),
    "scope": ("--scope and --only", "scope=..., only=..."),
    "scope_value": ("--only", "only=..."),
    "wave": ("--wave", "wave=..."),
    "lang": ("--lang", "lang=..."),
    "publish": ("--no-publish", "publish=False"),
}


def notebook_path(name: str = "supplement") -> Path:
    """A shipped notebook, by default the supplement (:mod:`~image_synth.publish.notebooks`)."""
    from .notebooks import notebook_path as shipped

    return shipped(name)


def notebook_parameters(path: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """The parameters the notebook declares: name -> ``name``, ``inferred_type_name``,
    ``default``, ``help`` (from :func:`papermill.inspect_notebook`).

    Raises
    ------
    RunError
        The file cannot be read or is not a notebook; the notebook has no or several
        ``parameters`` cells, or a line of the parameters cell is not an annotated
        assignment of a primitive literal with a comment (papermill would silently skip
        such a line).
    """
    import nbformat
    import papermill

    path = Path(path) if path is not None else notebook_path()
    try:
        nb = nbformat.read(path, as_version=4)
    except OSError as exc:
        raise RunError(f"cannot read the notebook {path}: {exc.strerror or exc}") from None
    except (ValueError, TypeError, AttributeError, KeyError, nbformat.ValidationError):
        # nbformat's way of saying "not JSON" or "JSON, but not a notebook"
        raise RunError(f"{path} is not a Jupyter notebook (.ipynb)") from None
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise RunError(f"{path.name}: expected exactly one cell tagged 'parameters', "
                       f"found {len(cells)}")
    problems = _parameter_cell_problems(cells[0].source)
    declared = papermill.inspect_notebook(str(path))
    missed = sorted(set(_assigned_names(cells[0].source)) - set(declared))
    problems += [f"papermill cannot read the parameter {name!r} (no '=' in its comment, "
                 "one assignment per line)" for name in missed]
    if problems:
        raise RunError(f"{path.name}: the parameters cell is not valid:\n  - "
                       + "\n  - ".join(problems))
    return declared


def check_parameters(parameters: Mapping[str, Any],
                     declared: Mapping[str, Mapping[str, Any]] | None = None, *,
                     notebook: str | Path | None = None, scope: str | None = None) -> None:
    """Refuse parameters the notebook does not declare, or of the wrong type.

    Parameters
    ----------
    parameters
        The values to inject.
    declared
        :func:`notebook_parameters` of the notebook (read from ``notebook`` when omitted).
    notebook
        The notebook; default the shipped supplement notebook.
    scope
        Named in the message (which scope the parameters were meant for).

    Raises
    ------
    NotebookParameterError
        Listing every unknown parameter and every value of the wrong type, and the
        parameters the notebook does declare.
    """
    if declared is None:
        declared = notebook_parameters(notebook)
    problems = []
    for name in sorted(set(parameters) - set(declared)):
        problems.append(f"unknown parameter {name!r}")
    for name, value in parameters.items():
        if name not in declared:
            continue
        type_name = declared[name].get("inferred_type_name", "None")
        allowed = PRIMITIVES.get(type_name)
        if allowed is None:
            continue
        ok = isinstance(value, allowed) and not (isinstance(value, bool) and bool not in allowed)
        if not ok:
            problems.append(f"parameter {name!r} must be {type_name}, got "
                            f"{type(value).__name__} {value!r}")
    if problems:
        where = f" for {scope}" if scope else ""
        valid = ", ".join(f"{n} ({d.get('inferred_type_name')})" for n, d in declared.items())
        raise NotebookParameterError(
            f"the supplement notebook cannot take these parameters{where}:\n  - "
            + "\n  - ".join(problems) + f"\nit declares: {valid}")


def runner_parameter_problems(names: Iterable[str], *, cli: bool = False) -> list[str]:
    """One line for each of ``names`` that the runner sets itself (see the module docstring).

    ``cli=True`` words the line for ``image-synth run -p NAME VALUE``; otherwise for the
    ``parameters=`` of :func:`~image_synth.publish.runner.run_supplements`.
    """
    problems = []
    for name in names:
        if name not in RUNNER_PARAMETERS:
            continue
        option, keyword = RUNNER_PARAMETERS[name]
        if cli:
            problems.append(f"-p {name}: the runner sets {name!r} for every scope; use "
                            f"{option} instead")
        else:
            problems.append(f"parameters={{{name!r}: ...}}: the runner sets {name!r} for "
                            f"every scope; use run_supplements({keyword}) instead "
                            f"({option} on the command line)")
    return problems


def check_runner_parameters(parameters: Mapping[str, Any]) -> None:
    """Refuse extra parameters that the runner sets itself (:data:`RUNNER_PARAMETERS`).

    Raises
    ------
    NotebookParameterError
        One line per such parameter, naming the keyword and option that set it.
    """
    problems = runner_parameter_problems(parameters)
    if problems:
        raise NotebookParameterError("\n".join(problems))


def _assigned_names(source: str) -> list[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names = []
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
    return names


def _parameter_cell_problems(source: str) -> list[str]:
    """Each statement: ``name: type = <primitive literal>  # comment``."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return [f"not valid Python: {exc.msg} (line {exc.lineno})"]
    lines = source.splitlines()
    problems = []
    for node in tree.body:
        line = node.lineno
        if not isinstance(node, (ast.AnnAssign, ast.Assign)):
            problems.append(f"line {line}: only assignments belong in the parameters cell")
            continue
        value = node.value
        try:
            literal = ast.literal_eval(value) if value is not None else None
        except ValueError:
            problems.append(f"line {line}: the value must be a literal, not an expression")
            continue
        if not isinstance(literal, (str, int, float, bool)):
            problems.append(f"line {line}: the value must be a str, int, float or bool")
        if "#" not in lines[node.end_lineno - 1]:
            problems.append(f"line {line}: explain the parameter in a comment")
    return problems
