"""The batch runner behind ``image-synth run``: one HTML supplement per scope.

For a study it runs the supplement notebook through papermill once per scope — the
nation, every collaboration situation and every region named in the study file — turns
each executed notebook into HTML, and writes ``index.html`` and ``manifest.json``.

Order of work
-------------
1. Load and validate the study; work out the scopes (``--scope``, ``--only``).
2. Check every scope's parameters against the notebook's ``parameters`` cell
   (:func:`image_synth.publish.parameters.check_parameters`): an unknown parameter stops
   the run here, before any kernel starts.
3. Run the scopes in ``jobs`` worker processes (``spawn``), each with one warm kernel
   (:mod:`image_synth.publish.engine`; ``warm=False`` uses papermill's standard engine,
   a fresh kernel per notebook). Each worker converts its notebook to HTML
   (:mod:`image_synth.publish.html`) into a staging folder.
4. A scope that fails keeps its executed notebook, error marked by papermill, in the
   private folder ``<out>.private/failed/`` beside the output folder (never inside it,
   never linked); the other scopes carry on.
5. When every scope has finished, the finished supplements are moved into ``<out>``
   with :func:`os.replace` (atomic per file), then ``manifest.json``, then
   ``index.html``. A failed scope leaves its earlier supplement in place; an
   interrupted run replaces nothing.

Run info
--------
The notebook's last cell calls :func:`record_run_info` with
:func:`image_synth.render.sections.run_info`: it displays the record as an output of
mime type :data:`RUN_INFO_MIME` (with a one-line ``text/plain`` for JupyterLab). The
runner reads it back from the executed notebook (:func:`read_run_info`) for the
manifest; the HTML export drops it. No file paths or side channels are involved, so the
same mechanism works in a fresh kernel, a warm kernel and JupyterLab.

Manifest
--------
``manifest.json`` (sorted keys, two-space indent) holds ``study`` (id, name, synthetic,
``files``: sha256 of every file of the study folder by relative path), ``notebook``
(name, sha256), ``packages`` (versions of image_synth, Python and :data:`PACKAGES`),
``disclosure`` (the study's settings and whether they were applied), ``run`` (``inputs``:
a fingerprint of all of these and the settings, wave, lang, publish, the files this run
was asked for, and the scopes that failed with a one-line reason) and ``supplements``:
one entry per page in the folder with its file, scope, scope value, label, parameters
(all but the study path), sha256, ``suppressed_cells``, ``suppressions`` and ``inputs``.
A page that this run did not (successfully) make keeps its earlier entry, so an entry
whose ``inputs`` differ from ``run.inputs`` comes from an earlier run; the index says so.

Reproducibility
---------------
``manifest.json`` and the pages hold no time stamps and no paths of the machine; the
same inputs give byte-identical files.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import RunError

__all__ = [
    "PACKAGES",
    "RUN_INFO_MIME",
    "RunResult",
    "ScopeJob",
    "ScopeOutcome",
    "plan_scopes",
    "read_run_info",
    "record_run_info",
    "run_supplements",
]

#: Mime type of the run-info record a notebook displays in its last cell.
RUN_INFO_MIME = "application/vnd.image-synth.run-info+json"

#: Packages whose versions the manifest records.
PACKAGES = ("pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn", "papermill",
            "nbconvert", "nbclient", "nbformat", "ipykernel")

MANIFEST = "manifest.json"
INDEX = "index.html"
MANIFEST_VERSION = 1

#: Seconds one cell may run before the notebook counts as failed.
CELL_TIMEOUT = 1800

_WORDS = {
    "nl": {"title": "Bijlagen", "national": "Landelijk", "national_link": "Landelijke bijlage",
           "situations": "Samenwerkingssituaties",
           "regions": "Regio's", "region": "regio", "situation": "samenwerkingssituatie",
           "wave": "meting", "earlier": "uit een eerdere run met andere invoer",
           "failed": "Niet bijgewerkt in de laatste run",
           "failed_note": "de laatste run van deze bijlage is mislukt; de eerdere versie "
                          "blijft staan",
           "no_file": "nog geen bijlage",
           "banner": "Niet voor publicatie: publicatieregels uitgeschakeld.",
           "made": "Gemaakt met image_synth {version}; herkomst en invoer staan in",
           "suppressed": "{n} cellen niet getoond", "intro": "Eén bijlage per reikwijdte, "
           "gemaakt uit dezelfde notebook."},
    "en": {"title": "Supplements", "national": "National",
           "national_link": "National supplement", "situations": "Collaboration situations",
           "regions": "Regions", "region": "region", "situation": "collaboration situation",
           "wave": "wave", "earlier": "from an earlier run with other inputs",
           "failed": "Not updated by the last run",
           "failed_note": "the last run of this supplement failed; the earlier version stays",
           "no_file": "no supplement yet",
           "banner": "Not for publication: publication rules switched off.",
           "made": "Made with image_synth {version}; provenance and inputs are in",
           "suppressed": "{n} cells not shown", "intro": "One supplement per scope, made "
           "from the same notebook."},
}


# --------------------------------------------------------------------------------------
# the notebook side
# --------------------------------------------------------------------------------------

def record_run_info(info: Mapping[str, Any]) -> None:
    """Record what the runner should know about this notebook run (the notebook's last call).

    Displays ``info`` as an output of mime type :data:`RUN_INFO_MIME` plus a short
    ``text/plain`` line; the runner reads it into ``manifest.json`` and the HTML export
    leaves it out. ``info`` must be JSON-serialisable; ``suppressed_cells`` (int) is the
    number of cells hidden by disclosure control.
    """
    from IPython.display import display

    record = json.loads(json.dumps(dict(info), sort_keys=True, default=str))
    n = record.get("suppressed_cells", 0)
    display({RUN_INFO_MIME: record, "text/plain": f"run info recorded ({n} suppressed cells)"},
            raw=True)


def read_run_info(nb: Any) -> dict[str, Any] | None:
    """The last run-info record in an executed notebook (``None`` if there is none)."""
    found = None
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data") or {}
            if RUN_INFO_MIME in data:
                value = data[RUN_INFO_MIME]
                found = json.loads(value) if isinstance(value, str) else dict(value)
    return found


# --------------------------------------------------------------------------------------
# scopes
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScopeJob:
    """One supplement to make."""

    scope: str
    value: str
    file: str
    label: str
    parameters: dict[str, Any]

    @property
    def name(self) -> str:
        return self.scope if self.scope == "national" else f"{self.scope} {self.value}"


@dataclass
class ScopeOutcome:
    """What became of one :class:`ScopeJob`."""

    job: ScopeJob
    ok: bool
    reason: str = ""
    sha256: str = ""
    run_info: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    failed_notebook: str = ""


@dataclass
class RunResult:
    """Outcome of :func:`run_supplements`."""

    out: Path
    private: Path
    outcomes: list[ScopeOutcome]
    seconds: float = 0.0

    @property
    def failed(self) -> list[ScopeOutcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def succeeded(self) -> list[ScopeOutcome]:
        return [o for o in self.outcomes if o.ok]


def plan_scopes(study: Any, *, scope: str = "all", only: str | list[str] | None = None
                ) -> list[tuple[str, str]]:
    """``(scope, value)`` pairs from the study file: national, situations, regions.

    Parameters
    ----------
    scope
        ``"all"`` or one of :data:`image_synth.options.SCOPES`.
    only
        Scope values to keep (situation or region ids, ``national``), as a list or a
        comma-separated string. Each must name a planned scope.
    """
    from ..errors import OptionError
    from ..options import SCOPES, check_option

    check_option("scope", scope, ("all", *SCOPES))
    cfg = study.config
    planned = [("national", "")]
    planned += [("situation", s.id) for s in cfg.situations]
    planned += [("region", r.id) for r in cfg.regions]
    if scope != "all":
        planned = [p for p in planned if p[0] == scope]
    if only:
        wanted = [w.strip() for w in (only.split(",") if isinstance(only, str) else only)
                  if w.strip()]
        names = {p: (p[1] or p[0]) for p in planned}
        unknown = [w for w in wanted if w not in names.values()]
        if unknown:
            valid = ", ".join(dict.fromkeys(names.values()))
            raise OptionError(f"--only {','.join(unknown)}: not a scope of this run; use "
                              f"one of {valid}")
        planned = [p for p in planned if names[p] in wanted]
    return planned


def _stem(scope: str, value: str) -> str:
    if scope == "national":
        return "national"
    return f"{scope}-{re.sub(r'[^A-Za-z0-9_.-]+', '-', value).strip('-') or 'x'}"


# --------------------------------------------------------------------------------------
# the run
# --------------------------------------------------------------------------------------

def run_supplements(study: str | os.PathLike | None = None, *, scope: str = "all",
                    only: str | list[str] | None = None, jobs: int | None = None,
                    lang: str | None = None, wave: int | None = None, publish: bool = True,
                    out: str | os.PathLike | None = None, warm: bool = True,
                    notebook: str | os.PathLike | None = None,
                    parameters: Mapping[str, Any] | None = None, progress: bool = True,
                    timeout: int = CELL_TIMEOUT) -> RunResult:
    """Make the HTML supplements of a study (see the module docstring for the steps).

    Parameters
    ----------
    study
        Study folder or ``study.yaml``; ``None``: the embedded example study.
    scope, only
        Which scopes (:func:`plan_scopes`).
    jobs
        Worker processes (each with its own kernel); default ``min(cpus, 4, scopes)``.
    lang
        ``"nl"`` or ``"en"``; default the study's language.
    wave
        Measurement wave; default the latest wave with survey data.
    publish
        ``False`` switches the publication rules off; every page says so.
    out
        Output folder; default ``outputs/<study id>`` (``outputs/<study id>-not-for-
        publication`` with ``publish=False``).
    warm
        Use warm kernels (:mod:`~image_synth.publish.engine`); ``False``: papermill's
        standard engine, a fresh kernel per notebook.
    notebook
        Another notebook to run instead of the shipped one (for trying out sections).
    parameters
        Extra notebook parameters, passed to every scope.
    progress
        Show a progress bar on stderr.
    timeout
        Seconds one cell may run.

    Raises
    ------
    NotebookParameterError
        A parameter the notebook does not declare (nothing has run).
    DataValidationError, StudyError, OptionError
        The study or an option is wrong (nothing has run).
    """
    from ..options import LANGUAGES, check_option
    from ..study.fingerprint import input_hashes, latest_wave
    from ..study.load import load_study
    from .parameters import check_parameters, notebook_parameters, notebook_path

    started = time.perf_counter()
    loaded = load_study(study)
    cfg = loaded.config
    lang = check_option("lang", lang or cfg.language, LANGUAGES)
    wave = int(wave) if wave is not None else latest_wave(loaded)
    loaded.subset(wave=wave)  # an unknown wave is refused here
    nb_path = Path(notebook) if notebook is not None else notebook_path()
    declared = notebook_parameters(nb_path)

    study_param = "" if study is None else str(Path(study).resolve())
    jobs_list = []
    for sc, value in plan_scopes(loaded, scope=scope, only=only):
        params = {"study": study_param, "scope": sc, "scope_value": value, "wave": wave,
                  "lang": lang, "publish": bool(publish), **dict(parameters or {})}
        jobs_list.append(ScopeJob(scope=sc, value=value, file=_stem(sc, value) + ".html",
                                  label=_label(loaded, sc, value, lang), parameters=params))
    if not jobs_list:
        raise RunError("no scopes to run")
    stems = [j.file for j in jobs_list]
    if len(set(stems)) != len(stems):
        raise RunError("two scopes would write the same file: "
                       + ", ".join(sorted({s for s in stems if stems.count(s) > 1})))
    for job in jobs_list:
        check_parameters(job.parameters, declared, scope=job.name)

    suffix = "" if publish else "-not-for-publication"
    out_dir = Path(out) if out is not None else Path("outputs") / f"{cfg.id}{suffix}"
    out_dir = out_dir.resolve()
    private = out_dir.parent / f"{out_dir.name}.private"
    out_dir.mkdir(parents=True, exist_ok=True)
    (private / "failed").mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="staging-", dir=private))

    fingerprint_parts = {"files": input_hashes(loaded.root),
                         "notebook": _sha256(nb_path.read_bytes()),
                         "packages": package_versions(),
                         "settings": {"wave": wave, "lang": lang, "publish": bool(publish),
                                      "parameters": dict(parameters or {})}}
    fingerprint = _sha256(json.dumps(fingerprint_parts, sort_keys=True).encode())
    scrub = [str(loaded.root.resolve()), str(out_dir), str(private), str(staging),
             str(Path.cwd())]
    try:
        outcomes = _execute(jobs_list, notebook=nb_path, staging=staging,
                            failed_dir=private / "failed", warm=warm, jobs=jobs,
                            lang=lang, publish=publish, scrub=scrub, progress=progress,
                            timeout=timeout, title=cfg.name, wave=wave)
        # all scopes finished: move the good ones into place, manifest and index last
        for o in outcomes:
            if o.ok:
                os.replace(staging / o.job.file, out_dir / o.job.file)
                stale = private / "failed" / (Path(o.job.file).stem + ".ipynb")
                if stale.exists():
                    stale.unlink()
        manifest = _manifest(loaded, outcomes, out_dir=out_dir, notebook=nb_path, lang=lang,
                             wave=wave, publish=publish, fingerprint=fingerprint,
                             parts=fingerprint_parts, scrub=scrub)
        _write_atomic(out_dir / MANIFEST, _json(manifest), staging)
        _write_atomic(out_dir / INDEX, _index(loaded, manifest, lang=lang, scrub=scrub),
                      staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RunResult(out=out_dir, private=private, outcomes=outcomes,
                     seconds=time.perf_counter() - started)


def _execute(jobs_list: list[ScopeJob], *, notebook: Path, staging: Path, failed_dir: Path,
             warm: bool, jobs: int | None, lang: str, publish: bool, scrub: list[str],
             progress: bool, timeout: int, title: str, wave: int) -> list[ScopeOutcome]:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    from tqdm import tqdm

    n_workers = max(1, min(jobs or min(os.cpu_count() or 1, 4), len(jobs_list)))
    workdir = staging / "work"
    workdir.mkdir()
    (staging / "notebooks").mkdir()
    # national first, then the larger groups: keeps both workers busy to the end
    pending = deque(jobs_list)
    results: dict[str, ScopeOutcome] = {}
    running: dict[Any, ScopeJob] = {}
    # progress=True shows the bar on a terminal only (tqdm's disable=None)
    bar = tqdm(total=len(jobs_list), desc="supplements", unit="scope", file=sys.stderr,
               disable=None if progress else True, dynamic_ncols=True, leave=True)

    def postfix() -> None:
        failed = sum(not o.ok for o in results.values())
        names = ", ".join(j.name for j in running.values())
        bar.set_postfix_str(f"running: {names or '-'}; failed: {failed}", refresh=True)

    ctx = multiprocessing.get_context("spawn")
    executor = ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx,
                                   initializer=_init_worker, initargs=(warm,))
    try:
        while pending or running:
            while pending and len(running) < n_workers:
                job = pending.popleft()
                task = {"job": job, "notebook": str(notebook), "staging": str(staging),
                        "workdir": str(workdir), "failed_dir": str(failed_dir),
                        "warm": warm, "lang": lang, "publish": publish, "scrub": scrub,
                        "timeout": timeout,
                        "title": f"{title} · {job.label} · {wave}"}
                try:
                    running[executor.submit(_run_one, task)] = job
                except BrokenProcessPool:
                    results[job.file] = ScopeOutcome(job, False, "a worker process died")
                    bar.update(1)
            postfix()
            if not running:
                continue
            done, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for future in done:
                job = running.pop(future)
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    outcome = ScopeOutcome(job, False, "a worker process died")
                except Exception as exc:  # a bug in the worker itself
                    outcome = ScopeOutcome(job, False, _one_line(exc))
                results[job.file] = outcome
                bar.update(1)
            postfix()
    except BaseException:  # interrupted: stop the workers before staging is removed
        processes = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=10)
        raise
    finally:
        bar.close()
    executor.shutdown(wait=True)
    return [results[j.file] for j in jobs_list]


# --------------------------------------------------------------------------------------
# worker processes
# --------------------------------------------------------------------------------------

def _init_worker(warm: bool) -> None:
    """Runs once in every worker: quiet logs, warm kernel, papermill and nbconvert loaded."""
    import logging
    import signal
    import warnings

    # Ctrl-C reaches the whole process group: the parent stops the workers itself
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.getLogger("papermill").setLevel(logging.ERROR)
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    kernel = None
    if warm:
        from . import engine

        try:  # the kernel imports the heavy modules while this process imports its own
            kernel = engine.start_warm_kernel()
        except Exception:  # reported by the first notebook that needs the kernel
            kernel = None
        engine.register()
    import papermill  # noqa: F401

    from .html import _exporter

    _exporter()
    if kernel is not None:
        try:
            kernel.ready()
        except Exception:  # replaced and reported when the first notebook asks for it
            pass


def _run_one(task: dict[str, Any]) -> ScopeOutcome:
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from .html import export_html

    job: ScopeJob = task["job"]
    stem = Path(job.file).stem
    executed = Path(task["staging"]) / "notebooks" / f"{stem}.ipynb"
    started = time.perf_counter()
    reason = ""
    nb = None
    try:
        from . import engine

        nb = papermill.execute_notebook(
            task["notebook"], str(executed), parameters=job.parameters,
            engine_name=engine.ENGINE_NAME if task["warm"] else None,
            kernel_name="python3", progress_bar=False, cwd=task["workdir"],
            execution_timeout=task["timeout"], request_save_on_cell_execute=True,
            extra_arguments=list(engine.KERNEL_ARGUMENTS))
    except PapermillExecutionError as exc:
        reason = f"{exc.ename}: {_first_line(exc.evalue)} (cell {exc.exec_count})"
    except Exception as exc:
        reason = _one_line(exc)
    info: dict[str, Any] | None = None
    if not reason:
        info = read_run_info(nb)
        if info is None:
            reason = "the notebook did not record its run info (record_run_info)"
    if not reason:
        try:
            page = export_html(nb, lang=task["lang"], title=task["title"],
                               publish=task["publish"], scrub=task["scrub"])
        except Exception as exc:
            reason = f"HTML export: {_one_line(exc)}"
    seconds = time.perf_counter() - started
    if reason:
        from .html import scrub_paths

        kept = ""
        target = Path(task["failed_dir"]) / f"{stem}.ipynb"
        if executed.exists():  # papermill saved it with the error marked
            os.replace(executed, target)
            kept = str(target)
        elif nb is not None:
            nbformat.write(nb, target)
            kept = str(target)
        return ScopeOutcome(job, False, scrub_paths(reason, task["scrub"]), seconds=seconds,
                            failed_notebook=kept)
    data = page.encode("utf-8")
    (Path(task["staging"]) / job.file).write_bytes(data)
    executed.unlink(missing_ok=True)
    return ScopeOutcome(job, True, sha256=_sha256(data), run_info=info or {}, seconds=seconds)


def _first_line(text: Any) -> str:
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    line = lines[0] if lines else ""
    return line if len(line) <= 200 else line[:197] + "..."


def _one_line(exc: BaseException) -> str:
    text = _first_line(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --------------------------------------------------------------------------------------
# manifest and index
# --------------------------------------------------------------------------------------

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


def _manifest(study: Any, outcomes: list[ScopeOutcome], *, out_dir: Path, notebook: Path,
              lang: str, wave: int, publish: bool, fingerprint: str, parts: dict,
              scrub: list[str]) -> dict[str, Any]:
    from .html import scrub_paths

    cfg = study.config
    entries: dict[str, dict[str, Any]] = {}
    old = _read_manifest(out_dir / MANIFEST)
    for entry in old.get("supplements", []):
        if isinstance(entry, dict) and (out_dir / str(entry.get("file", ""))).is_file():
            entries[entry["file"]] = entry
    for o in outcomes:
        if not o.ok:
            continue
        params = {k: v for k, v in o.job.parameters.items() if k != "study"}
        entries[o.job.file] = {
            "file": o.job.file, "scope": o.job.scope, "scope_value": o.job.value,
            "label": o.job.label, "parameters": params, "sha256": o.sha256,
            "suppressed_cells": int(o.run_info.get("suppressed_cells", 0)),
            "suppressions": o.run_info.get("suppressions", []),
            "inputs": fingerprint}
    order = {_stem(s, v) + ".html": i for i, (s, v) in enumerate(plan_scopes(study))}
    supplements = sorted(entries.values(),
                         key=lambda e: (order.get(e["file"], len(order)), e["file"]))
    return {
        "manifest_version": MANIFEST_VERSION,
        "study": {"id": cfg.id, "name": cfg.name, "synthetic": cfg.synthetic,
                  "files": parts["files"]},
        "notebook": {"name": notebook.name, "sha256": parts["notebook"]},
        "packages": parts["packages"],
        "disclosure": {**cfg.disclosure.model_dump(), "applied": bool(publish)},
        "run": {"inputs": fingerprint, "wave": wave, "lang": lang, "publish": bool(publish),
                "scopes": [o.job.file for o in outcomes],
                "failed": [{"file": o.job.file, "scope": o.job.scope,
                            "scope_value": o.job.value,
                            "reason": scrub_paths(o.reason, scrub)}
                           for o in outcomes if not o.ok]},
        "supplements": supplements,
    }


def _read_manifest(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("manifest_version") == MANIFEST_VERSION \
        else {}


def _index(study: Any, manifest: dict[str, Any], *, lang: str, scrub: list[str]) -> str:
    from .. import __version__
    from .html import CSS, page

    w = _WORDS[lang]
    cfg = study.config
    run = manifest["run"]
    entries = {e["file"]: e for e in manifest["supplements"]}
    failed = {f["file"] for f in run["failed"]}
    e = htmllib.escape

    def link(file: str, label: str) -> str:
        entry = entries.get(file)
        if entry is None:
            return f"{e(label)} <span class=\"isx-note\">({e(w['no_file'])})</span>"
        notes = []
        if entry.get("inputs") != run["inputs"]:
            notes.append(w["earlier"])
        if file in failed:
            notes.append(w["failed_note"])
        if entry.get("suppressed_cells"):
            notes.append(w["suppressed"].format(n=entry["suppressed_cells"]))
        note = f' <span class="isx-note">({e("; ".join(notes))})</span>' if notes else ""
        return f'<a href="{e(file, quote=True)}">{e(label)}</a>{note}'

    body = [f'<h1 class="isx-title">{e(cfg.name)}</h1>',
            f'<p class="isx-subtitle">{e(w["title"])} · {e(w["wave"])} {run["wave"]}</p>',
            f"<p>{e(w['intro'])}</p>"]
    if not run["publish"]:
        body.insert(0, f'<p class="isx-banner" role="note">{e(w["banner"])}</p>')
    body.append(f'<h2 id="national">{e(w["national"])}</h2>')
    national = link("national.html", w["national_link"])
    body.append(f'<ul class="isx-index"><li>{national}</li></ul>')
    body.append(f'<h2 id="situations">{e(w["situations"])}</h2><ul class="isx-index">')
    for s in cfg.situations:
        label = cfg.situation_label(s.id, lang)
        body.append(f"<li>{link(_stem('situation', s.id) + '.html', label)}</li>")
    body.append("</ul>")
    body.append(f'<h2 id="regions">{e(w["regions"])}</h2>')
    body.append(f'<table class="isx-table isx-index"><thead><tr><th scope="col">{e(w["region"])}'
                f'</th><th scope="col">{e(w["situation"])}</th></tr></thead><tbody>')
    for r in cfg.regions:
        label = _label(study, "region", r.id, lang)
        body.append(f"<tr><th scope=\"row\">{link(_stem('region', r.id) + '.html', label)}</th>"
                    f"<td>{e(cfg.situation_label(r.situation, lang))}</td></tr>")
    body.append("</tbody></table>")
    known = {_stem(s, v) + ".html" for s, v in plan_scopes(study)}
    extra = [f for f in entries if f not in known]
    if extra:
        body.append('<ul class="isx-index">' + "".join(
            f"<li>{link(f, entries[f].get('label', f))}</li>" for f in extra) + "</ul>")
    footer = (f'{e(w["made"].format(version=__version__))} '
              f'<a href="{MANIFEST}">{MANIFEST}</a>.')
    title = f"{cfg.name} · {w['title']}"
    text = (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
            f"<title>{e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f'<div class="isx-page isx-page-index">\n<main id="main">\n'
            + "\n".join(body) + f"\n<footer>{footer}</footer>\n</main>\n</div>\n</body>\n</html>\n")
    return page(text, lang=lang, scrub=scrub)


def _label(study: Any, scope: str, value: str, lang: str) -> str:
    from ..render.common import region_label
    from ..render.words import word

    if scope == "national":
        return word("national", lang)
    if scope == "situation":
        return study.config.situation_label(value, lang)
    return word("region_named", lang, name=region_label(study, value, lang))


# --------------------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------------------

def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _write_atomic(target: Path, text: str, staging: Path) -> None:
    tmp = staging / (target.name + ".tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    os.replace(tmp, target)

