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


if __name__ == "__main__":  # pragma: no cover
    main()
