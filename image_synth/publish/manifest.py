"""``manifest.json``: what every page of a site was made from.

``manifest.json`` (sorted keys, two-space indent) holds ``study`` (id, name, synthetic,
``files``: sha256 of every file of the study folder by relative path), ``notebook``
(name, sha256), ``packages`` (versions of image_synth, Python and :data:`PACKAGES`),
``disclosure`` (the study's settings and whether they were applied), ``run`` (``inputs``:
a fingerprint of all of these and the settings; ``waves`` and ``langs``, the batch's;
``settings``: one ``{wave, lang, inputs}`` per wave and language of the batch, with the
fingerprint of that wave's and language's pages; in a batch of one wave in one language
also ``wave`` and ``lang``, and ``inputs`` is that setting's fingerprint, else the
sha256 of the settings' fingerprints; publish, the files this run was asked for, the
parameter-set files it ran (``params_files``, only with ``image-synth run --params``),
and the scopes that failed with a one-line reason) and ``supplements``:
one entry per page in the folder with its file, scope, scope value, wave, lang, label,
parameters (all but the study path), ``publish`` (as the notebook recorded it; a page
whose record disagrees with the runner's setting fails and gets no entry), sha256,
``suppressed_cells``, ``suppressions``, ``inputs`` (its setting's fingerprint) and, with
``--params``, ``params_file``.
A page that this run did not (successfully) make keeps its earlier entry, so an entry
whose ``inputs`` are none of ``run.settings``' comes from an earlier run; the index says
so.

The manifest holds no time stamps and no paths of the machine; the same inputs give
byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .scopes import ScopeOutcome, page_file, plan_scopes

__all__ = ["MANIFEST", "MANIFEST_VERSION", "PACKAGES", "build_manifest", "fingerprint",
           "package_versions", "read_manifest", "sha256", "to_json"]

#: Packages whose versions the manifest records.
PACKAGES = ("pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn", "papermill",
            "nbconvert", "nbclient", "nbformat", "ipykernel")

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1


def package_versions() -> dict[str, str]:
    """Versions of image_synth and the packages in :data:`PACKAGES` (and Python)."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    from .. import __version__

    versions = {"image_synth": __version__, "python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def fingerprint(study: Any, *, notebook: Path, wave: int, lang: str, publish: bool,
                parameters: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The fingerprint of a run's inputs, and the parts it was made from.

    The parts are the sha256 of every study file, of the notebook, the package versions
    and the settings; the fingerprint is the sha256 of their canonical JSON.
    """
    from ..study.fingerprint import input_hashes

    parts = {"files": input_hashes(study),
             "notebook": sha256(Path(notebook).read_bytes()),
             "packages": package_versions(),
             "settings": {"wave": wave, "lang": lang, "publish": bool(publish),
                          "parameters": dict(parameters)}}
    return sha256(json.dumps(parts, sort_keys=True).encode()), parts


def build_manifest(study: Any, outcomes: list[ScopeOutcome], *, out_dir: Path,
                   notebook: Path, settings: list[tuple[int, str]], publish: bool,
                   inputs: dict[tuple[int, str], str], parts: dict, scrub: list[str]
                   ) -> dict[str, Any]:
    """The manifest after a run: this run's pages, and the earlier entries of the others.

    ``settings`` are the batch's ``(wave, lang)`` pairs, ``inputs`` the fingerprint of
    each (:func:`fingerprint`), ``parts`` what one of them was made from.
    """
    from .html import scrub_paths

    cfg = study.config
    entries: dict[str, dict[str, Any]] = {}
    old = read_manifest(out_dir / MANIFEST)
    for entry in old.get("supplements", []):
        if isinstance(entry, dict) and (out_dir / str(entry.get("file", ""))).is_file():
            entries[entry["file"]] = entry
    for o in outcomes:
        if not o.ok:
            continue
        params = {k: v for k, v in o.job.parameters.items() if k != "study"}
        entries[o.job.file] = {
            "file": o.job.file, "scope": o.job.scope, "scope_value": o.job.value,
            "wave": o.job.wave, "lang": o.job.lang,
            "label": o.job.label, "parameters": params, "sha256": o.sha256,
            # as the notebook recorded it (the worker checked it is the runner's setting)
            "publish": bool(o.run_info["publish"]),
            "suppressed_cells": int(o.run_info.get("suppressed_cells", 0)),
            "suppressions": o.run_info.get("suppressions", []),
            "inputs": inputs[o.job.wave, o.job.lang]}
        if o.job.params_file:  # image-synth run --params: the file behind the page
            entries[o.job.file]["params_file"] = o.job.params_file
    scopes = plan_scopes(study)
    names = [page_file(s, v) for s, v in scopes]
    if len(settings) > 1:
        names += [page_file(s, v, wave=w, lang=code) for w, code in settings for s, v in scopes]
    order = {name: i for i, name in enumerate(names)}
    if len(settings) == 1:
        wave, lang = settings[0]
        single: dict[str, Any] = {"wave": wave, "lang": lang}
        batch = inputs[settings[0]]
    else:
        single = {}
        batch = sha256(json.dumps([inputs[k] for k in settings]).encode())
    supplements = sorted(entries.values(),
                         key=lambda e: (order.get(e["file"], len(order)), e["file"]))
    return {
        "manifest_version": MANIFEST_VERSION,
        "study": {"id": cfg.id, "name": cfg.name, "synthetic": cfg.synthetic,
                  "files": parts["files"]},
        "notebook": {"name": notebook.name, "sha256": parts["notebook"]},
        "packages": parts["packages"],
        "disclosure": {**cfg.disclosure.model_dump(), "applied": bool(publish)},
        "run": {"inputs": batch, **single, "publish": bool(publish),
                "waves": list(dict.fromkeys(w for w, _ in settings)),
                "langs": list(dict.fromkeys(code for _, code in settings)),
                "settings": [{"wave": w, "lang": code, "inputs": inputs[w, code]}
                             for w, code in settings],
                "scopes": [o.job.file for o in outcomes],
                "failed": [{"file": o.job.file, "scope": o.job.scope,
                            "scope_value": o.job.value,
                            "reason": scrub_paths(o.reason, scrub)}
                           for o in outcomes if not o.ok],
                **({"params_files": [o.job.params_file for o in outcomes]}
                   if any(o.job.params_file for o in outcomes) else {})},
        "supplements": supplements,
    }


def read_manifest(path: Path) -> dict[str, Any]:
    """An earlier manifest of this version (``{}`` if there is none or it is unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("manifest_version") == MANIFEST_VERSION \
        else {}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def to_json(data: Any) -> str:
    """The manifest's text: sorted keys, two-space indent, UTF-8, a final newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
