"""The ``image-synth`` command line.

Each command is a thin layer over a package function; errors of the package
(:class:`~image_synth.errors.ImageSynthError`) are printed as readable reports and
end the command with exit status 1, never with a traceback.
"""

from __future__ import annotations

import sys
from functools import wraps

import click

from . import __version__
from .errors import ImageSynthError

STUDY_HELP = "Study folder or study.yaml (default: the embedded example study)."


def _reports_errors(fn):
    """Turn package errors into a clean message and exit status 1."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ImageSynthError as exc:
            click.echo(f"image-synth: {type(exc).__name__}\n{exc}", err=True)
            sys.exit(1)

    return wrapper


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

    loaded = load_study(study)
    click.echo(loaded.summary())
    click.echo("\nvalid: no problems found")


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
    from .quant.report_tables import report_tables, write_tables
    from .study.load import load_study

    loaded = load_study(study)
    wave = wave if wave is not None else max(loaded.config.waves)
    written = write_tables(report_tables(loaded, wave=wave, lang=lang), out, fmt=fmt)
    click.echo(f"{len(written)} tables written to {out} ({fmt}, wave {wave}):")
    for path in written:
        click.echo(f"  {path.name}")


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
@click.option("--lang", type=click.Choice(["nl", "en"]), default=None,
              help="Language of the supplements [default: the study's language].")
@click.option("--wave", type=int, default=None,
              help="Measurement wave [default: the latest wave with survey data].")
@click.option("--no-publish", is_flag=True,
              help="Switch the publication rules off: every number shown, every page "
                   "marked 'not for publication'.")
@click.option("--out", type=click.Path(path_type=str), default=None,
              help="Output folder [default: outputs/<study id>].")
@click.option("--parameter", "-p", "extra", nargs=2, multiple=True, metavar="NAME VALUE",
              help="Extra notebook parameter (refused unless the notebook declares it; "
                   "study, scope, scope_value, wave, lang and publish have their own "
                   "options).")
@click.option("--notebook", type=click.Path(exists=True, dir_okay=False, path_type=str),
              default=None, hidden=True)
@click.option("--no-warm", is_flag=True, hidden=True,
              help="papermill's standard engine: a fresh kernel per notebook.")
@click.option("--no-progress", is_flag=True, hidden=True)
@_reports_errors
def run(study, scope, only, jobs, lang, wave, no_publish, out, extra, notebook, no_warm,
        no_progress) -> None:
    """Make the HTML supplements of STUDY: national, per situation and per region.

    Runs the supplement notebook once per scope, converts each to one self-contained
    HTML file, and writes index.html and manifest.json into the output folder. Failed
    scopes keep their executed notebook in <out>.private/failed/ and leave any earlier
    supplement in place; the command then exits 1.
    """
    import signal

    from .publish.parameters import runner_parameter_problems
    from .publish.runner import run_supplements

    refused = runner_parameter_problems([name for name, _ in extra], cli=True)
    if refused:  # a usage error: the option named in the line sets it
        for line in refused:
            click.echo(f"image-synth: {line}", err=True)
        sys.exit(2)

    def stop(signum, frame):  # a terminated run cleans up like an interrupted one
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        result = run_supplements(study, scope=scope, only=only, jobs=jobs, lang=lang,
                                 wave=wave, publish=not no_publish, out=out,
                                 warm=not no_warm, notebook=notebook,
                                 parameters={k: _parse_parameter(v) for k, v in extra},
                                 progress=not no_progress)
    except KeyboardInterrupt:
        click.echo("image-synth: interrupted; no supplement was replaced", err=True)
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


if __name__ == "__main__":  # pragma: no cover
    main()
