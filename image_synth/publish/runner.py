"""The batch runner behind ``image-synth run``: one HTML supplement per scope.

For a study it runs the supplement notebook through papermill once per scope — the
nation, every collaboration situation and every region named in the study file — turns
each executed notebook into HTML, and writes ``index.html`` and ``manifest.json``.

Order of work
-------------
1. Load and validate the study; work out the scopes (``--scope``, ``--only``;
   :mod:`image_synth.publish.scopes`).
2. Check every scope's parameters against the notebook's ``parameters`` cell
   (:func:`image_synth.publish.parameters.check_parameters`): an unknown parameter stops
   the run here, before any kernel starts.
3. Check that the output folder and ``<out>.private`` can be written and lock them
   (:mod:`image_synth.publish.output`): a second run into the same folder is refused,
   and staging folders a killed run left are removed. Decide the disclosure plan of
   every wave of the batch once: the latest here, the earlier ones (a page compares
   with the wave before) side by side in the local pool's workers, which start their
   kernels meanwhile (a dask scheduler's workers may not see the cache folder: there
   every plan is decided here). Hand the scopes to an executor
   (:mod:`image_synth.publish.executors`: the local pool of worker processes, each with
   one warm kernel, or a dask.distributed scheduler with ``scheduler=``); each task
   returns its page or its failure (:mod:`image_synth.publish.workers`), and the runner
   stores it in a new staging folder, the same way whichever executor ran it
   (:func:`_keep`).
4. A scope that fails keeps its executed notebook, error marked by papermill, in the
   private folder ``<out>.private/failed/`` beside the output folder (never inside it,
   never linked); the other scopes carry on.
5. When every scope has finished, the finished supplements, ``manifest.json``
   (:mod:`image_synth.publish.manifest`) and ``index.html``
   (:mod:`image_synth.publish.index`) replace the site in one step
   (:func:`~image_synth.publish.output.publish_site`: the new site is put together
   beside the old one and the two folders are swapped). A failed scope leaves its
   earlier supplement in place; a run interrupted or killed at any moment leaves the old
   site or the new one, never a mix (except where the folders cannot be swapped and the
   files are moved one by one: see :mod:`image_synth.publish.output`).

A batch may hold several waves and languages (``waves=``, ``lang=["nl", "en"]``): every
scope runs once per wave and language, the pages' names say both
(:func:`~image_synth.publish.scopes.page_file`), the manifest lists each page with its
wave and language, and there is one index per wave and language (``index.html`` for the
latest wave in the study's language, linking the others).

The notebook reports back through the run-info protocol
(:mod:`image_synth.publish.run_info`). ``manifest.json`` and the pages hold no time
stamps and no paths of the machine; the same inputs give byte-identical files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import RunError
from .index import index_files, index_page
from .manifest import (
    MANIFEST,
    PACKAGES,
    build_manifest,
    fingerprint,
    package_versions,
    sha256,
    to_json,
)
from .output import (
    PRIVATE,
    STAGING_PREFIX,
    check_writable,
    clear_staging,
    locked,
    make_folder,
    private_folder,
    publish_site,
)
from .run_info import RUN_INFO_MIME, read_run_info, record_run_info
from .scopes import ScopeJob, ScopeOutcome, page_file, plan_scopes, scope_label
from .workers import TaskResult

__all__ = [
    "PACKAGES",
    "RUN_INFO_MIME",
    "RunResult",
    "ScopeJob",
    "ScopeOutcome",
    "package_versions",
    "plan_scopes",
    "read_run_info",
    "record_run_info",
    "run_supplements",
]

#: Seconds one cell may run before the notebook counts as failed.
CELL_TIMEOUT = 1800


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


def run_supplements(study: str | os.PathLike | None = None, *, scope: str = "all",
                    only: str | list[str] | None = None, jobs: int | None = None,
                    lang: str | None = None, wave: int | None = None, publish: bool = True,
                    out: str | os.PathLike | None = None, warm: bool = True,
                    notebook: str | os.PathLike | None = None,
                    parameters: Mapping[str, Any] | None = None, progress: bool = True,
                    timeout: int = CELL_TIMEOUT,
                    params: list[str | os.PathLike] | None = None,
                    waves: str | list[int] | None = None,
                    scheduler: str | None = None) -> RunResult:
    """Make the HTML supplements of a study (see the module docstring for the steps).

    Parameters
    ----------
    study
        Study folder or ``study.yaml``; ``None``: the embedded example study.
    scope, only
        Which scopes (:func:`plan_scopes`).
    jobs
        Worker processes of the local pool (each with its own kernel); default
        ``min(cpus, 4, scopes)``. Not with ``scheduler``.
    lang
        ``"nl"`` or ``"en"``, or several (a list, or ``"nl,en"``); default the study's
        language.
    wave
        Measurement wave; default the latest wave with survey data.
    waves
        Several waves in one batch: a list, ``"2022,2023"``, or ``"all"`` (every wave of
        the study file); not with ``wave``.
    scheduler
        Run on dask.distributed: ``"tcp://HOST:PORT"`` (an existing scheduler) or
        ``"local:N"`` (a local cluster of N worker processes, one thread each);
        default the local pool (:mod:`~image_synth.publish.executors`).
    publish
        ``False`` switches the publication rules off; every page says so.
    out
        Output folder; default ``outputs/<study id>`` (``outputs/<study id>-not-for-
        publication`` with ``publish=False``).
    warm
        Use warm kernels (:mod:`~image_synth.publish.engine`); ``False``: papermill's
        standard engine, a fresh kernel per notebook.
    notebook
        The notebook to run: the name of a shipped one (``survey``, ``interviews``,
        ``networks``, ``synthesis``, ``supplement``) or a notebook file; default the
        supplement. A shipped analyst notebook writes to ``outputs/<study id>-<name>``
        by default.
    parameters
        Extra notebook parameters, passed to every scope; not those the runner sets
        itself (:data:`~image_synth.publish.parameters.RUNNER_PARAMETERS`).
    progress
        Show a progress bar on stderr.
    timeout
        Seconds one cell may run.
    params
        Parameter-set files or folders (:mod:`~image_synth.publish.params`): run exactly
        these scopes instead of ``scope``/``only``; the manifest records each page's
        file.

    Raises
    ------
    NotebookParameterError
        A parameter the notebook does not declare, or one the runner sets itself
        (``study``, ``scope``, ``scope_value``, ``wave``, ``lang``, ``publish``: use the
        keywords above); nothing has run.
    DataValidationError, StudyError, OptionError
        The study or an option is wrong (nothing has run).
    RunError
        The output folder or ``<out>.private`` is a file, or cannot be made or written;
        another run is writing into the same folder (nothing has run).
    SchedulerError
        ``scheduler`` is malformed, or no scheduler answers there (nothing has run).
    """
    from ..options import LANGUAGES, check_option
    from ..study.fingerprint import latest_wave
    from ..study.load import load_study
    from .executors import executor_for, parse_scheduler
    from .parameters import (
        check_parameters,
        check_runner_parameters,
        notebook_parameters,
        notebook_path,
    )

    started = time.perf_counter()
    check_runner_parameters(dict(parameters or {}))
    if scheduler is not None:
        parse_scheduler(scheduler)  # a malformed value costs nothing
        if jobs is not None:
            raise RunError("give --jobs or --scheduler, not both: the scheduler's workers "
                           "are its own")
    loaded = load_study(study)
    cfg = loaded.config
    langs = [check_option("lang", code, LANGUAGES)
             for code in _listed(lang) or [cfg.language]]
    wave_list = _waves(loaded, wave, waves, latest_wave)
    for w in wave_list:
        loaded.subset(wave=w)  # an unknown wave is refused here
    settings = [(w, code) for w in wave_list for code in langs]
    matrix = len(settings) > 1
    nb_path, shipped = _notebook(notebook, notebook_path)
    declared = notebook_parameters(nb_path)

    if params is not None:
        from .params import read_parameter_sets

        if scope != "all" or only:
            raise RunError("give --params or --scope/--only, not both: a parameter set "
                           "names its scope")
        planned = [(s.scope, s.scope_value, s.file)
                   for s in read_parameter_sets(list(params), loaded)]
    else:
        planned = [(sc, value, "") for sc, value in plan_scopes(loaded, scope=scope, only=only)]
    study_param = "" if study is None else str(Path(study).resolve())
    jobs_list = []
    for w, code in settings:
        for sc, value, params_file in planned:
            values = {**dict(parameters or {}), "study": study_param, "scope": sc,
                      "scope_value": value, "wave": w, "lang": code,
                      "publish": bool(publish)}
            jobs_list.append(ScopeJob(
                scope=sc, value=value,
                file=page_file(sc, value, **({"wave": w, "lang": code} if matrix else {})),
                label=scope_label(loaded, sc, value, code), parameters=values,
                params_file=params_file, setting=f"{w}, {code}" if matrix else ""))
    if not jobs_list:
        raise RunError("no scopes to run")
    stems = [j.file for j in jobs_list]
    if len(set(stems)) != len(stems):
        raise RunError("two scopes would write the same file: "
                       + ", ".join(sorted({s for s in stems if stems.count(s) > 1})))
    for job in jobs_list:
        check_parameters(job.parameters, declared, scope=job.name)

    suffix = "" if publish else "-not-for-publication"
    if shipped not in (None, "supplement"):
        suffix = f"-{shipped}{suffix}"
    out_dir = Path(out) if out is not None else Path("outputs") / f"{cfg.id}{suffix}"
    out_dir = check_writable(out_dir.resolve())
    private = check_writable(private_folder(out_dir), what=PRIVATE)
    # connected (or the local cluster started) before the output folder is touched: a
    # scheduler that does not answer costs seconds and leaves nothing behind; the local
    # pool's workers start here too, warming their kernels up while the plan is decided
    with executor_for(scheduler, jobs=jobs, warm=warm, tasks=len(jobs_list)) as executor:
        make_folder(out_dir)
        make_folder(private / "failed", what=PRIVATE)
        with locked(private, out_dir=out_dir):
            clear_staging(private)  # left by a run that was killed
            outcomes = _run_locked(loaded, jobs_list, study_path=study_param or None,
                                   out_dir=out_dir, private=private,
                                   nb_path=nb_path, executor=executor, settings=settings,
                                   publish=publish, parameters=dict(parameters or {}),
                                   progress=progress, timeout=timeout)
    return RunResult(out=out_dir, private=private, outcomes=outcomes,
                     seconds=time.perf_counter() - started)


def _run_locked(loaded: Any, jobs_list: list[ScopeJob], *, study_path: str | None,
                out_dir: Path, private: Path,
                nb_path: Path, executor: Any, settings: list[tuple[int, str]],
                publish: bool, parameters: dict[str, Any], progress: bool,
                timeout: int) -> list[ScopeOutcome]:
    """Steps 3 to 5 of the module docstring, with the output folder locked."""
    cfg = loaded.config
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=private))
    inputs, parts = {}, {}
    for w, code in settings:
        inputs[w, code], parts = fingerprint(loaded, notebook=nb_path, wave=w, lang=code,
                                             publish=publish, parameters=parameters)
    scrub = [str(loaded.root.resolve()), str(out_dir), str(private), str(staging),
             str(Path.cwd())] + sorted({str(p.resolve().parent) for p in loaded.files.values()})
    from ..disclosure.plan import CACHE_ENV, precompute, precompute_at

    cache = private / "cache"
    previous_cache = os.environ.get(CACHE_ENV)
    try:
        # the disclosure decisions and the study-wide results (the sibling patterns of
        # every partition) depend on the whole study: made once per wave (here, or in
        # the pool's workers), read by every notebook of the batch (a notebook run
        # alone makes the same ones itself)
        from ..results.study_cache import precompute as precompute_study_wide

        os.environ[CACHE_ENV] = str(cache)  # this run's cache, not one the user named
        waves = sorted(dict.fromkeys(w for w, _ in settings))
        # and the wave before each: its plan decides which previous-wave numbers show
        earlier = {max((v for v in loaded.config.waves if v < w), default=None)
                   for w in waves} - {None}
        # the earlier waves' plans in the pool's workers (idle until the pages start),
        # the latest here meanwhile: the plans of a wave do not depend on each other
        *others, latest = sorted(earlier | set(waves))
        done = executor.beside([(precompute_at, (study_path, w, str(cache))) for w in others])
        precompute(loaded, latest, cache)
        precompute_study_wide(loaded, waves[-1], cache)  # that wave and every earlier one
        done()
        text = nb_path.read_text(encoding="utf-8")
        tasks = [{"job": job, "notebook": {"name": nb_path.name, "text": text},
                  "scratch": str(staging) if executor.shares_files else None,
                  "cache": {"variable": CACHE_ENV, "folder": str(cache)},
                  "warm": executor.warm, "lang": job.lang, "publish": publish,
                  "scrub": scrub, "timeout": timeout,
                  "title": f"{cfg.name_in(job.lang)} · {job.label} · {job.wave}"}
                 for job in jobs_list]
        outcomes = executor.run(
            tasks, lambda result: _keep(result, staging=staging, failed=private / "failed",
                                        scrub=scrub), progress=progress)
        # all scopes finished: the good pages, the manifest and the index into place
        # at once (the old site's other pages kept)
        manifest = build_manifest(loaded, outcomes, out_dir=out_dir, notebook=nb_path,
                                  settings=settings, publish=publish, inputs=inputs,
                                  parts=parts, scrub=scrub)
        files = {o.job.file: staging / o.job.file for o in outcomes if o.ok}
        files[MANIFEST] = _write(staging / MANIFEST, to_json(manifest))
        for (w, code), name in index_files(settings, cfg.language).items():
            files[name] = _write(staging / name, index_page(loaded, manifest, lang=code,
                                                            scrub=scrub, wave=w))
        publish_site(out_dir, files, private=private)
        for o in outcomes:
            if o.ok:
                stale = private / "failed" / (Path(o.job.file).stem + ".ipynb")
                if stale.exists():
                    stale.unlink()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if previous_cache is None:
            os.environ.pop(CACHE_ENV, None)
        else:
            os.environ[CACHE_ENV] = previous_cache
    return outcomes


def _keep(result: TaskResult, *, staging: Path, failed: Path, scrub: list[str]
          ) -> ScopeOutcome:
    """Store what a task gave back, whichever executor ran it: the page in the staging
    folder, or the failed notebook (error marked) in the private ``failed`` folder."""
    from ..atomic import write_atomic
    from .html import scrub_paths

    job = result.job
    if result.reason:
        kept = ""
        if result.notebook:
            kept = str(write_atomic(failed / f"{Path(job.file).stem}.ipynb", result.notebook))
        return ScopeOutcome(job, False, scrub_paths(result.reason, scrub),
                            seconds=result.seconds, failed_notebook=kept)
    _write(staging / job.file, result.page)
    return ScopeOutcome(job, True, sha256=sha256(result.page), run_info=result.run_info,
                        seconds=result.seconds)


def _listed(value: str | list | tuple | None) -> list[str]:
    """``"nl,en"`` or ``["nl", "en"]`` as a list, blanks dropped, order kept, no repeats."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else [str(v) for v in value]
    return list(dict.fromkeys(i.strip() for i in items if i.strip()))


def _waves(loaded: Any, wave: int | None, waves: str | list[int] | None,
           latest_wave: Any) -> list[int]:
    """The waves of a batch: ``wave``, or ``waves`` (a list, ``"2022,2023"``, ``"all"``)."""
    from ..errors import OptionError

    if waves is None:
        return [int(wave) if wave is not None else latest_wave(loaded)]
    if wave is not None:
        raise OptionError("give --wave or --waves, not both")
    listed = _listed(waves)
    if not listed:
        raise OptionError("--waves: expected 'all' or wave numbers separated by commas")
    if listed == ["all"]:
        return sorted(int(w) for w in loaded.config.waves)
    try:
        return [int(w) for w in listed]
    except ValueError:
        raise OptionError(f"--waves {waves}: expected 'all' or wave numbers separated by "
                          f"commas, e.g. {','.join(map(str, loaded.config.waves))}") from None


def _notebook(notebook: str | os.PathLike | None, notebook_path: Any
              ) -> tuple[Path, str | None]:
    """The notebook file to run and, for a shipped one, its name (``None`` for a file
    given by path)."""
    from .notebooks import NOTEBOOKS

    if notebook is None:
        return notebook_path(), "supplement"
    name = str(notebook).removesuffix(".ipynb")
    if name in NOTEBOOKS and not Path(notebook).is_file():
        return notebook_path(name), name
    return Path(notebook), None


def _write(target: Path, data: str | bytes) -> Path:
    """Write a file of the new site into the staging folder; a full or failing disk is
    one line (the site is not touched before everything is staged)."""
    try:
        if isinstance(data, str):
            target.write_text(data, encoding="utf-8", newline="\n")
        else:
            target.write_bytes(data)
    except OSError as exc:
        raise RunError(f"cannot write {target.name} into {target.parent}: "
                       f"{exc.strerror or exc}; nothing in the output folder was replaced"
                       ) from None
    return target
