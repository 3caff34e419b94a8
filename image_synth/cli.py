"""The ``image-synth`` command line.

Each command is a thin layer over a package function. Whatever stops a command is said
in one line on stderr that starts with ``image-synth:`` (a report of every problem may
follow it), never with a traceback.

Exit status
-----------
0
    Done (``run``: every supplement written).
1
    The study, a path or the run cannot be used: STUDY does not exist or is not a study,
    its data break the rules, an output folder is a file or cannot be written, another
    run is writing into the same folder, or a supplement failed.
2
    The command line is wrong: an unknown option or value, ``-p`` given a parameter
    the runner sets itself (the line names the option that sets it), or a
    ``--scheduler`` that is malformed or where no dask scheduler answers.
130
    Interrupted (Ctrl-C, SIGTERM); no supplement was replaced.
"""

from __future__ import annotations

import os
import sys
from functools import wraps
from pathlib import Path
from typing import NoReturn

import click

from . import __version__
from .errors import ImageSynthError, StudyError

STUDY_HELP = "Study folder or study.yaml (default: the embedded example study)."

#: A study file larger than this is not read by the STUDY check (load_study reports it).
_STUDY_FILE_CHECKED = 1 << 20


def _fail(message: str, status: int = 1) -> NoReturn:
    click.echo(f"image-synth: {message}", err=True)
    sys.exit(status)


def _reports_errors(fn):
    """Turn package errors, and files the system refuses, into one line and exit status 1."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ImageSynthError as exc:
            _fail(str(exc) or type(exc).__name__)
        except OSError as exc:  # a file that cannot be read or written as the study says
            where = f"{exc.filename}: " if exc.filename else ""
            _fail(f"{where}{exc.strerror or exc}")

    return wrapper


def _check_study(study: str | None) -> None:
    """Refuse a STUDY that is not a study folder or study file, in one line, before loading.

    What a study *says* is checked by :func:`~image_synth.study.load.load_study`, which
    lists every problem; this only catches paths that are not a study at all.
    """
    from .study.load import STUDY_FILE_NAMES

    if study is None:
        return
    path = Path(study)
    if not path.exists():
        blocker = next((p for p in path.parents if p.exists()), None)
        if blocker is not None and not blocker.is_dir():
            raise StudyError(f"STUDY {study}: {blocker} is a file, not a folder")
        raise StudyError(f"STUDY {study} does not exist{_did_you_mean(study, STUDY_FILE_NAMES)}; give a study "
                         "folder or its study.yaml")
    if path.is_dir():
        inside = [path / name for name in STUDY_FILE_NAMES]
        folder = next((f for f in inside if f.is_dir()), None)
        if folder is not None:
            raise StudyError(f"STUDY {study}: {folder} is a folder, not a file")
        if not any(f.is_file() for f in inside):
            raise StudyError(f"STUDY {study} is a folder without a study.yaml; a study "
                             "folder holds study.yaml beside its data files")
        return
    if not path.is_file():  # opening a FIFO would wait for a writer
        raise StudyError(f"STUDY {study} is not a regular file (a FIFO, socket or device); "
                         "give a study folder or its study.yaml")
    reason = _not_a_study_file(path)
    if reason:
        raise StudyError(f"STUDY {study} is not a study file: {reason}; give a study folder "
                         "or its study.yaml")


def _did_you_mean(study: str, study_files: tuple[str, ...]) -> str:
    """`` (did you mean X?)`` for a study folder or study file named almost like ``study``."""
    import difflib

    parent = os.path.dirname(study.rstrip("/")) or "."
    try:
        names = [e.name for e in os.scandir(parent)
                 if e.name in study_files
                 or (e.is_dir() and any(os.path.isfile(os.path.join(e.path, f))
                                        for f in study_files))]
    except OSError:
        return ""
    close = difflib.get_close_matches(os.path.basename(study.rstrip("/")), names, n=1,
                                      cutoff=0.75)
    if not close:
        return ""
    return f" (did you mean {os.path.join(os.path.dirname(study.rstrip('/')), close[0])}?)"


def _not_a_study_file(path: Path) -> str | None:
    """Why ``path`` cannot be a study file (``None``: it may be one; loading will tell)."""
    import yaml

    from .study.models import StudyConfig

    try:
        with open(path, "rb") as handle:
            data = handle.read(_STUDY_FILE_CHECKED + 1)
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or exc})"
    if len(data) > _STUDY_FILE_CHECKED:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "it is not text (a study file is YAML)"
    try:
        content = yaml.safe_load(text)
    except yaml.YAMLError:  # a study file with a typo: load_study says where
        return None if path.suffix.lower() in (".yaml", ".yml") else "it is not YAML"
    required = [name for name, f in StudyConfig.model_fields.items() if f.is_required()]
    if not isinstance(content, dict):
        return f"it is not a YAML mapping of {', '.join(required)}"
    missing = [name for name in required if name not in {str(key) for key in content}]
    if 2 * len(missing) > len(required):  # not a study file with a few keys forgotten
        return f"it lacks {', '.join(missing)} (another file of a study?)"
    return None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="image-synth")
def main() -> None:
    """Mixed-methods evidence synthesis: validate a study, compute its tables, publish
    HTML supplements."""


@main.command()
@click.argument("study", required=False, type=click.Path(path_type=str))
@_reports_errors
def validate(study: str | None) -> None:
    """Check every file of STUDY; print all problems (exit 1) or a summary (exit 0)."""
    from .study.load import load_study

    _check_study(study)
    loaded = load_study(study)
    click.echo(loaded.summary())
    click.echo("\nvalid: no problems found")


@main.command()
@click.argument("study_dir", type=click.Path(path_type=str))
@click.option("--survey", "surveys", multiple=True, required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=str),
              help="An SPSS file (.sav, .zsav, .por); once per wave.")
@click.option("--wave", "waves", multiple=True, type=int,
              help="The wave of the survey files: once for all, or once per --survey.")
@click.option("--id", "id_column", default=None, metavar="COLUMN",
              help="The column holding the respondent id [default: respondent_id].")
@click.option("--group", "groups", multiple=True, metavar="NAME=COLUMN",
              help="A level (region, situation, sector) and the survey column (and QDA "
                   "source attribute) holding it. One other NAME (gemeente=GEM) is the "
                   "study's word for its lowest level (the region), or, with region given "
                   "too, for the level above it. The region is required.")
@click.option("--segments", type=click.Path(exists=True, dir_okay=False, path_type=str),
              default=None, help="A REFI-QDA project (.qdpx, .qde): codes and sources.")
@click.option("--codebook", type=click.Path(exists=True, dir_okay=False, path_type=str),
              default=None, help="A REFI-QDA codebook (.qdc) to use as the codebook.")
@click.option("--name", default=None, help="The study's name [default: the folder's name].")
@_reports_errors
def init(study_dir: str, surveys: tuple[str, ...], waves: tuple[int, ...],
         id_column: str | None, groups: tuple[str, ...], segments: str | None,
         codebook: str | None, name: str | None) -> None:
    """Draft a study in STUDY_DIR from SPSS files and a QDA project.

    Writes study.yaml, instrument.yaml, codebook.yaml and qual/sources.csv (copying the
    data files into the folder) so that `image-synth validate STUDY_DIR` passes, then
    prints what is still to decide: blocks and scales, the crosswalk, which groups nest
    in which.
    """
    from .study.draft import draft_study

    mapping = {}
    for text in groups:
        level, sep, column = text.partition("=")
        if not sep or not level.strip() or not column.strip():
            _fail(f"--group {text}: expected NAME=COLUMN, e.g. --group region=gemeente", 2)
        mapping[level.strip()] = column.strip()
    draft = draft_study(study_dir, surveys=list(surveys), waves=list(waves),
                        id_column=id_column, groups=mapping, segments=segments,
                        codebook=codebook, name=name)
    click.echo(draft.report())


@main.command()
@click.argument("study", required=False, type=click.Path(path_type=str))
@click.option("--out", type=click.Path(path_type=str), required=True,
              help="Folder for the tables (created; one file per table).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv",
              show_default=True, help="File format of the tables.")
@click.option("--wave", type=int, default=None,
              help="Wave of the tables (default: the study's last wave).")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@_reports_errors
def tables(study: str | None, out: str, fmt: str, wave: int | None, lang: str) -> None:
    """Compute every published table of STUDY from its microdata and write one file each.

    These are analysis tables with every number (for checking against a report); they
    are not disclosure-controlled. Publish with `image-synth run`.
    """
    from .publish.output import check_writable
    from .quant.report_tables import report_tables, write_tables
    from .study.load import load_study

    _check_study(study)
    check_writable(out)
    loaded = load_study(study)
    wave = wave if wave is not None else max(loaded.config.waves)
    written = write_tables(report_tables(loaded, wave=wave, lang=lang), out, fmt=fmt)
    click.echo(f"{len(written)} tables written to {out} ({fmt}, wave {wave}):")
    for path in written:
        click.echo(f"  {path.name}")


@main.command()
@click.argument("study", required=False, type=click.Path(path_type=str))
@click.option("--out", type=click.Path(path_type=str), default=None,
              help="Folder for the parameter sets [default: params/<study id>].")
@_reports_errors
def params(study: str | None, out: str | None) -> None:
    """Write one YAML parameter set per scope of STUDY: national.yaml,
    situation/<id>.yaml, region/<id>.yaml (for papermill -f and image-synth run --params).
    """
    from .publish.params import write_parameter_sets
    from .study.load import load_study

    _check_study(study)
    loaded = load_study(study)
    folder = Path(out) if out is not None else Path("params") / loaded.config.id
    written = write_parameter_sets(loaded, folder)
    click.echo(f"{len(written)} parameter sets written to {folder}")


def _parse_parameter(value: str):
    """A ``-p NAME VALUE`` value: int, float, true/false, or the text itself."""
    lowered = value.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


@main.command()
@click.argument("study", required=False, type=click.Path(path_type=str))
@click.option("--scope", type=click.Choice(["all", "national", "situation", "region"]),
              default="all", show_default=True, help="Which kind of supplements to make.")
@click.option("--only", metavar="K,L", default=None,
              help="Only these scopes: comma-separated situation or region ids, 'national'.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes, each with its own kernel [default: min(CPUs, 4)].")
@click.option("--scheduler", metavar="tcp://HOST:PORT|local:N", default=None,
              help="Run on dask.distributed: an existing scheduler, or a local cluster of "
                   "N worker processes (one warm kernel each) [default: the local pool of "
                   "--jobs workers].")
@click.option("--lang", metavar="nl|en|nl,en", default=None,
              help="Language of the supplements, or several (comma-separated) "
                   "[default: the study's language].")
@click.option("--wave", type=int, default=None,
              help="Measurement wave [default: the latest wave with survey data].")
@click.option("--waves", metavar="all|W,W", default=None,
              help="Several waves in one batch: 'all' (every wave of the study file) or "
                   "comma-separated waves; each page's name then says its wave and "
                   "language.")
@click.option("--no-publish", is_flag=True,
              help="Switch the publication rules off: every number shown, every page "
                   "marked 'not for publication'.")
@click.option("--out", type=click.Path(path_type=str), default=None,
              help="Output folder [default: outputs/<study id>].")
@click.option("--parameter", "-p", "extra", nargs=2, multiple=True, metavar="NAME VALUE",
              help="Extra notebook parameter (refused unless the notebook declares it; "
                   "study, scope, scope_value, wave, lang and publish have their own "
                   "options).")
@click.option("--notebook", metavar="NAME|FILE", default=None,
              help="The notebook to run: survey, interviews, networks, synthesis, "
                   "supplement, or a notebook file [default: supplement; another shipped "
                   "notebook writes to outputs/<study id>-<name>].")
@click.option("--params", "params", type=click.Path(path_type=str), multiple=True,
              help="Parameter sets to run (files, or folders of *.yaml, from `image-synth "
                   "params`): exactly these scopes, instead of --scope/--only.")
@click.option("--no-warm", is_flag=True, hidden=True,
              help="papermill's standard engine: a fresh kernel per notebook.")
@click.option("--no-progress", is_flag=True, hidden=True)
@_reports_errors
def run(study, scope, only, jobs, scheduler, lang, wave, waves, no_publish, out, extra,
        notebook, params, no_warm, no_progress) -> None:
    """Make the HTML supplements of STUDY: national, per situation and per region.

    Runs the supplement notebook once per scope (and per wave and language with
    --waves or --lang nl,en), converts each to one self-contained HTML file, and
    writes index.html and manifest.json into the output folder. Failed
    scopes keep their executed notebook in <out>.private/failed/ and leave any earlier
    supplement in place; the command then exits 1.

    \b
    Exit status: 0 every supplement written; 1 a supplement failed, or STUDY, a folder
    or the run cannot be used (one line says why); 2 a wrong command line (also -p
    with a parameter the runner sets, a --lang other than nl and en, a --scheduler
    that is malformed or where no scheduler answers); 130 interrupted, nothing
    replaced.
    """
    import signal

    from .publish.startup import skip_iri_grammar

    skip_iri_grammar()  # before anything imports nbformat (publish/startup.py says why)
    from .publish.executors import SchedulerError, parse_scheduler
    from .publish.parameters import runner_parameter_problems
    from .publish.runner import run_supplements

    refused = runner_parameter_problems([name for name, _ in extra], cli=True)
    if refused:  # a usage error: the option named in the line sets it
        for line in refused[:-1]:
            click.echo(f"image-synth: {line}", err=True)
        _fail(refused[-1], 2)
    if lang is not None:
        wrong = [code for code in lang.split(",") if code.strip() not in ("nl", "en")]
        if wrong or not lang.strip():
            _fail(f"--lang {lang}: expected nl, en or nl,en", 2)
    if scheduler is not None:
        try:
            parse_scheduler(scheduler)
        except SchedulerError as exc:
            _fail(str(exc), 2)
        if jobs is not None:
            _fail("give --jobs or --scheduler, not both: the scheduler's workers are its own",
                  2)
    if wave is not None and waves is not None:
        _fail("give --wave or --waves, not both", 2)
    _check_study(study)
    from .publish.notebooks import NOTEBOOKS

    if notebook is not None and not Path(notebook).is_file() \
            and notebook.removesuffix(".ipynb") not in NOTEBOOKS:
        _fail(f"--notebook {notebook} "
              + ("is a folder, not a notebook file" if Path(notebook).is_dir()
                 else f"does not exist and is not a shipped notebook ({', '.join(NOTEBOOKS)})"))

    def stop(signum, frame):  # a terminated run cleans up like an interrupted one
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        result = run_supplements(study, scope=scope, only=only, jobs=jobs, lang=lang,
                                 wave=wave, waves=waves, scheduler=scheduler,
                                 publish=not no_publish, out=out,
                                 warm=not no_warm, notebook=notebook,
                                 parameters={k: _parse_parameter(v) for k, v in extra},
                                 progress=not no_progress,
                                 params=list(params) if params else None)
    except SchedulerError as exc:  # no scheduler there: the command line names it
        _fail(str(exc), 2)
    except KeyboardInterrupt:
        click.echo("image-synth: interrupted; no supplement was replaced", err=True)
        _forget_interrupt()
        sys.exit(130)
    done = len(result.succeeded)
    click.echo(f"{done} of {len(result.outcomes)} supplements written to {result.out} "
               f"(index.html, manifest.json) in {result.seconds:.1f} s")
    if result.failed:
        click.echo(f"image-synth: {len(result.failed)} supplement"
                   f"{'s' if len(result.failed) != 1 else ''} failed "
                   f"(executed notebooks kept privately in {result.private / 'failed'}):",
                   err=True)
        for outcome in result.failed:
            click.echo(f"  {outcome.job.name}: {outcome.reason}", err=True)
        sys.exit(1)


def _forget_interrupt() -> None:
    """Let the interrupt the command handled end it with its own status (130).

    CPython ends a process whose Ctrl-C went unhandled by killing itself with SIGINT
    (status -2), whatever ``sys.exit`` said, and it decides that on a flag that any
    code run through its C-level ``PyRun_*`` functions sets when a KeyboardInterrupt
    passes through it, even one caught later (seen: about 1 run in 7 interrupted in
    its first seconds exited -2 after printing the line above, the flag already set
    in this handler). The flag is cleared here, where the interrupt is handled. Only
    ``python -m image_synth`` is concerned (the installed ``image-synth`` command
    exits through ``sys.exit`` alone), and only CPython 3.11 has the flag under this
    name (3.12 moved it into its runtime state): elsewhere this does nothing."""
    try:
        import ctypes

        ctypes.c_int.in_dll(ctypes.pythonapi, "_Py_UnhandledKeyboardInterrupt").value = 0
    except (ImportError, AttributeError, OSError, ValueError):  # pragma: no cover
        pass


if __name__ == "__main__":  # pragma: no cover
    main()
