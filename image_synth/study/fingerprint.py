"""What a study's inputs are, as data: the files it reads by hash, and its latest wave.

The batch runner records these in ``manifest.json`` and folds them into the fingerprint
of a run (:mod:`image_synth.publish.manifest`); the supplement's methods section lists
the file hashes. Both need only the study folder and its configuration, so they live
with the study, not with either user.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .load import Study

__all__ = ["input_hashes", "latest_wave"]


def input_hashes(study: Study | str | Path) -> dict[str, str]:
    """sha256 of every file the study reads, by its name (sorted).

    Exactly the files :func:`~image_synth.study.load.load_study` opens: the study file
    and each data file it names (:attr:`Study.files`), by the path written in the study
    file, relative to the study folder and with ``/``; a file outside the folder (only
    with ``allow_outside: true``) by its own name after ``(outside the study folder)/``,
    never by where it lies. Other files of the folder are not inputs and not listed.

    Given a study folder or study file instead of a loaded study, the study file is
    read for the names of its files (the data files are hashed, not loaded).
    """
    if isinstance(study, (str, Path)):
        files = _named_files(Path(study))
    else:
        files = study.files or _named_files(Path(study.root))
    out = {}
    for name, path in files.items():
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        out[name] = digest.hexdigest()
    return dict(sorted(out.items()))


def _named_files(path: Path) -> dict[str, Path]:
    """The files a study reads, from its study file alone (see :func:`input_hashes`)."""
    from ..errors import DataValidationError
    from .load import _checked_files, _study_file
    from .models import StudyConfig, load_yaml_model

    study_file = _study_file(path)
    config = load_yaml_model(StudyConfig, study_file, file=study_file.name)
    problems = []
    files, _ = _checked_files(config, study_file.parent, study_file.name, problems)
    if problems:
        raise DataValidationError(problems)
    return {name: file for name, file in files.items() if file.is_file()}


def latest_wave(study: Study) -> int:
    """The latest wave with survey data (else the study's latest wave)."""
    with_data = [wf.wave for wf in study.config.survey]
    return int(max(with_data or study.config.waves))
