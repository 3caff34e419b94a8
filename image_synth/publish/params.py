"""Parameter sets: one YAML file per scope of a study, for papermill and the runner.

``image-synth params [STUDY] --out params/<study id>`` writes::

    params/<study id>/national.yaml
    params/<study id>/situation/<situation id>.yaml
    params/<study id>/region/<region id>.yaml

Each file sets ``scope`` and ``scope_value`` and nothing else, so it fits every notebook
(``papermill notebooks/survey.ipynb out.ipynb -f params/example/region/C.yaml``); the
study (default: the embedded example), the wave (default: the study's latest), the
language and the publication setting stay with the command that runs it
(``-p study ...`` for papermill; the STUDY argument and options of ``image-synth run``).

``image-synth run --params params/example/region/`` runs exactly the sets found there
(:func:`read_parameter_sets`). A file's path must name the scope it sets (``region/C.yaml``
sets region C), as a page's file name names the scope it shows: a set copied to the
wrong name is refused rather than filed under the wrong scope.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import RunError

__all__ = ["ParameterSet", "parameter_sets", "parameter_set_text", "write_parameter_sets",
           "read_parameter_sets"]

#: The keys a parameter set may hold.
KEYS = ("scope", "scope_value")


@dataclass(frozen=True)
class ParameterSet:
    """One scope's parameters and the file they come from (relative, ``/``-separated)."""

    scope: str
    scope_value: str
    file: str

    @property
    def parameters(self) -> dict[str, str]:
        return {"scope": self.scope, "scope_value": self.scope_value}


def _relative(scope: str, value: str) -> str:
    return "national.yaml" if scope == "national" else f"{scope}/{value}.yaml"


def parameter_sets(study: Any) -> list[ParameterSet]:
    """One set per scope of ``study`` (national, its situations, its regions), in the
    order of the study file; ``file`` is the path under the study's params folder."""
    from .scopes import plan_scopes

    return [ParameterSet(scope, value, _relative(scope, value))
            for scope, value in plan_scopes(study)]


def parameter_set_text(study: Any, pset: ParameterSet) -> str:
    """The YAML of one set, with a comment naming the study and how to use it."""
    import yaml

    body = yaml.safe_dump(pset.parameters, sort_keys=False, allow_unicode=True)
    return (f"# image_synth parameters for one scope of the study {study.config.id!r}\n"
            "# (written by `image-synth params`): papermill NOTEBOOK OUT -f THIS_FILE,\n"
            "# or image-synth run --params THIS_FILE\n" + body)


def write_parameter_sets(study: Any, out: str | os.PathLike) -> list[Path]:
    """Write every set of ``study`` under ``out`` (atomically, file by file) and remove
    ``.yaml`` files of scopes the study no longer has; returns the files written."""
    from ..atomic import write_atomic

    out = Path(out)
    sets = parameter_sets(study)
    wanted = {out / s.file for s in sets}
    for folder in (out, out / "situation", out / "region"):
        if folder.is_dir():
            for stale in folder.glob("*.yaml"):
                if stale not in wanted:
                    stale.unlink()
    return [write_atomic(out / s.file, parameter_set_text(study, s)) for s in sets]


def read_parameter_sets(paths: list[str | os.PathLike], study: Any) -> list[ParameterSet]:
    """The sets in ``paths`` (files, or folders searched for ``*.yaml``), checked against
    ``study``: every file a mapping of ``scope`` and ``scope_value`` only, naming a
    scope of the study, under a path that names that scope.

    Raises
    ------
    RunError
        Listing every problem of every file (none found; not YAML; other keys; a scope
        the study does not have; a file whose path names another scope; two files for
        one scope).
    """
    from ..errors import DataValidationError
    from ..study.models import read_yaml
    from .scopes import plan_scopes

    files: list[Path] = []
    problems: list[str] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(path.rglob("*.yaml"))
            if not found:
                problems.append(f"{given}: no parameter sets (*.yaml) in this folder")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            problems.append(f"{given}: no such file or folder")
    known = set(plan_scopes(study))
    sets: list[ParameterSet] = []
    for path in files:
        shown = _display(path)
        try:  # the study's YAML rules: no alias bombs, no key given twice, a size limit
            data = read_yaml(path, file=shown)
        except DataValidationError as exc:
            problems += [p.render() for p in exc.problems]
            continue
        except OSError as exc:
            problems.append(f"{shown}: cannot be read ({exc.strerror or type(exc).__name__})")
            continue
        if not isinstance(data, dict) or "scope" not in data:
            problems.append(f"{shown}: expected a mapping with 'scope' (and 'scope_value')")
            continue
        extra = sorted(set(map(str, data)) - set(KEYS))
        if extra:
            problems.append(f"{shown}: only {', '.join(KEYS)} belong in a parameter set, "
                            f"not {', '.join(extra)} (give those to the command)")
        scope = str(data["scope"])
        value = "" if data.get("scope_value") is None else str(data.get("scope_value"))
        if (scope, value) not in known:
            problems.append(f"{shown}: scope {scope} {value!r} is not a scope of the study "
                            f"{study.config.id!r}")
            continue
        expected = _relative(scope, value)
        if not path.as_posix().endswith(expected):
            problems.append(f"{shown}: sets {scope} {value!r}, so its path must end in "
                            f"{expected}")
            continue
        sets.append(ParameterSet(scope, value, shown))
    seen: dict[tuple[str, str], str] = {}
    for s in sets:
        key = (s.scope, s.scope_value)
        if key in seen:
            problems.append(f"{s.file}: the same scope as {seen[key]}")
        seen.setdefault(key, s.file)
    if problems:
        raise RunError("the parameter sets cannot be used:\n  - " + "\n  - ".join(problems))
    return sets


def _display(path: Path) -> str:
    """The path as the manifest records it: relative to the working folder when inside
    it, else from the study's params folder (``<id>/region/C.yaml``) on; never absolute."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        parts = resolved.parts
        for kind in ("situation", "region"):
            if kind in parts[:-1]:
                i = len(parts) - 1 - parts[::-1].index(kind)
                return Path(*parts[max(i - 1, 0):]).as_posix()
        return Path(*parts[-2:]).as_posix()
