"""Loading a study folder into a :class:`Study`: every strand read, checked and tidy.

``load_study(path)`` reads the study YAML, the instrument and codebook, then every data
file the study names (survey waves, coded segments, sources, network drawings,
meta-inferences, the pseudonymisation dictionary). Problems from all files are
collected and raised together as one :class:`~image_synth.errors.DataValidationError`,
so a user fixes everything in one round instead of one error at a time.

``load_study()`` with no path loads the embedded example study.
"""

from __future__ import annotations

import importlib.resources
import os
import stat
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError

from .. import columns as C
from ..errors import DataValidationError, Problem, StudyError
from ..validate import survey_file_problems
from .models import (Codebook, Instrument, StudyConfig, crosswalk_problems, load_yaml_model,
                     model_problems, read_yaml)

__all__ = ["load_study", "Study", "example_study_path", "MetaInference"]

STUDY_FILE_NAMES = ("study.yaml", "study.yml")


class MetaInference(BaseModel):
    """An analyst's meta-inference: a conclusion drawn across strands, with its audit trail."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    text: str
    type: Literal["confirms", "expands", "explains", "contradicts"]
    rows: tuple[str, ...]
    situation: str = "national"
    author: str
    date: date


def example_study_path() -> Path:
    """Folder of the embedded example study (found with importlib.resources)."""
    return Path(str(importlib.resources.files("image_synth") / "data" / "example"))


@dataclass(frozen=True)
class Study:
    """A loaded study: its configuration and one tidy table per strand.

    Attributes
    ----------
    root
        The study folder; file names in the configuration are relative to it.
    config, instrument, codebook
        The validated study, instrument and codebook files. The codebook is a YAML
        file or a REFI-QDA ``.qdc`` (converted by
        :meth:`~image_synth.read.refi.QdaCodebook.to_codebook`: categories from code
        groups named ``category: <category>``, no crosswalk links; a warning names the
        codes left without a category).
    survey
        One row per respondent and wave, keys then item codes (see
        :func:`image_synth.read_survey`), all waves together.
    sources
        One row per interview, meeting, document or external study: the columns of
        the sources table, then one ``attr:<name>`` column per attribute the study's
        QDA projects give their sources (REFI ``Variables``/``Cases``, ATLAS.ti
        document groups ``name: value``). An attribute named like a column of the
        table (``region``, ``situation``, ``role``, ``wave``...) fills that column
        where the table leaves it empty and must agree where it does not (see
        :func:`image_synth.read.sources.add_source_attributes`).
    segments
        One row per coding, ``code`` being the codebook id.
    drawings
        Network drawings of the reflection meetings (:class:`image_synth.network.Drawing`).
    meta_inferences
        One row per meta-inference: ``id``, ``text``, ``type``, ``rows`` (``;``-joined),
        ``situation``, ``author``, ``date``.
    pseudonyms
        The pseudonymisation dictionary: marker category -> names.
    scope
        The filters applied by :meth:`subset` (empty for the whole study).
    """

    root: Path
    config: StudyConfig
    instrument: Instrument
    codebook: Codebook | None
    survey: pd.DataFrame
    sources: pd.DataFrame
    segments: pd.DataFrame
    drawings: tuple = ()
    meta_inferences: pd.DataFrame = field(default_factory=pd.DataFrame)
    pseudonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    scope: dict[str, Any] = field(default_factory=dict)
    #: the files :func:`load_study` read, by the name the manifest and the methods
    #: section give them (see :func:`~image_synth.study.fingerprint.input_hashes`)
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def min_n(self) -> int:
        return self.config.disclosure.min_n

    def subset(self, *, region: str | None = None, situation: str | None = None,
               wave: int | None = None) -> "Study":
        """The same study limited to one region, situation and/or wave.

        Sources without a region or situation (literature, other studies) belong to the
        whole study and stay in every regional or situational subset.
        """
        problems = []
        if region is not None and region not in {r.id for r in self.config.regions}:
            problems.append(Problem(file="subset", column="region", value=region,
                                    message="unknown region", expected="one of " + ", ".join(
                                        r.id for r in self.config.regions)))
        if situation is not None and situation not in {s.id for s in self.config.situations}:
            problems.append(Problem(file="subset", column="situation", value=situation,
                                    message="unknown situation", expected="one of " + ", ".join(
                                        s.id for s in self.config.situations)))
        if wave is not None and wave not in self.config.waves:
            problems.append(Problem(file="subset", column="wave", value=wave,
                                    message="unknown wave", expected="one of " + ", ".join(
                                        map(str, self.config.waves))))
        if problems:
            raise DataValidationError(problems, title="cannot take this subset")
        survey, sources = self.survey, self.sources
        for column, value in ((C.REGION, region), (C.SITUATION, situation), (C.WAVE, wave)):
            if value is None:
                continue
            survey = survey[survey[column] == value]
            keep = sources[column].isna() | (sources[column] == value)
            if column == C.WAVE:
                keep = sources[column] == value
            sources = sources[keep.fillna(False).astype(bool)]
        segments = self.segments[self.segments[C.SOURCE_ID].isin(sources[C.SOURCE_ID])]
        drawings = tuple(d for d in self.drawings
                         if (region is None or d.region == region)
                         and (situation is None or d.situation == situation)
                         and (wave is None or d.wave == wave))
        scope = dict(self.scope)
        scope.update({k: v for k, v in (("region", region), ("situation", situation),
                                         ("wave", wave)) if v is not None})
        return replace(self, survey=survey.reset_index(drop=True),
                       sources=sources.reset_index(drop=True),
                       segments=segments.reset_index(drop=True), drawings=drawings,
                       scope=scope)

    def summary(self) -> str:
        """A one-screen text summary: waves, respondents per group, sources, codes, drawings."""
        from .summary import study_summary

        return study_summary(self)


def load_study(path: str | Path | None = None) -> Study:
    """Load and validate a study folder (or study YAML file).

    Parameters
    ----------
    path
        A folder containing ``study.yaml``, or the YAML file itself. ``None`` loads the
        embedded example study.

    Raises
    ------
    StudyError
        The path is not a study.
    DataValidationError
        Every problem found in every file of the study, at once.

    Notes
    -----
    The study folder is the boundary of what is read: every path of the study file
    must lead, links followed (:meth:`pathlib.Path.resolve`), to a regular, readable
    file inside the study folder. A path or link that leaves it is a problem naming the
    field, the path written and where it leads, unless the study file says
    ``allow_outside: true``; a folder, a FIFO or device, or a file that cannot be
    opened is a problem too, and no reader opens it.

    Examples
    --------
    >>> import image_synth
    >>> study = image_synth.load_study()
    >>> sorted(study.config.waves)
    [2022, 2023]
    """
    study_file = _study_file(path)
    root = study_file.parent
    config = load_yaml_model(StudyConfig, study_file, file=study_file.name)
    problems: list[Problem] = []

    def attempt(fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DataValidationError as exc:
            problems.extend(exc.problems)
            return None

    files, refused = _checked_files(config, root, study_file.name, problems)
    if "instrument" in refused:
        raise DataValidationError(problems)
    instrument = attempt(load_yaml_model, Instrument, root / config.instrument,
                         file=config.instrument)
    codebook = (attempt(_read_codebook, root / config.codebook, file=config.codebook)
                if config.codebook and "codebook" not in refused else None)
    if instrument is None:
        raise DataValidationError(problems)
    if codebook is not None:
        problems += crosswalk_problems(codebook, instrument, file=config.codebook)

    survey = _read_survey_waves(config, root, instrument, attempt, refused)
    problems += survey_file_problems(survey, study=config)
    sources = (_read_sources(config, root, attempt) if "sources" not in refused
               else pd.DataFrame(columns=list(C.SOURCE_COLUMNS)))
    known = set(sources[C.SOURCE_ID]) if config.sources and "sources" not in refused else None
    segments, attributes = _read_segment_files(config, root, codebook, known, attempt,
                                               refused)
    if config.sources and attributes:
        sources = _with_attributes(sources, attributes, config, attempt)
    drawings = _read_drawings(config, root, attempt, refused, study_file=study_file.name)
    metas = (_read_meta_inferences(config, root, attempt)
             if "meta_inferences" not in refused else pd.DataFrame())
    pseudonyms = _read_pseudonyms(config, root, attempt) if "pseudonyms" not in refused else {}
    if problems:
        raise DataValidationError(problems, title=f"{len(problems)} problem"
                                  f"{'s' if len(problems) != 1 else ''} in study {config.id}")
    return Study(root=root, config=config, instrument=instrument, codebook=codebook,
                 survey=survey, sources=sources, segments=segments, drawings=drawings,
                 meta_inferences=metas, pseudonyms=pseudonyms, files=files)


#: How :attr:`Study.files` names a file outside the study folder (``allow_outside``):
#: by its own name only, so that no page or manifest shows where it lies.
OUTSIDE = "(outside the study folder)"


def _checked_files(config: StudyConfig, root: Path, study_name: str,
                   problems: list[Problem]) -> tuple[dict[str, Path], set[str]]:
    """Check every path of the study file before anything is read.

    Returns the files to be read by their name in :attr:`Study.files` (the study file
    first; the ``tables`` file, read only by ``image-synth tables``, is checked but not
    listed) and the fields refused, whose problems are added to ``problems``.
    """
    files: dict[str, Path] = {study_name: root / study_name}
    refused: set[str] = set()
    named = config.data_files()
    if not config.tables and os.path.lexists(root / "tables.yaml"):
        named.append(("tables", "tables.yaml"))  # what ``image-synth tables`` reads then
    for name, rel in named:
        problem, inside = file_problem(root, rel, field=name, study_file=study_name,
                                       allow_outside=config.allow_outside)
        if problem is not None:
            problems.append(problem)
            refused.add(name.removesuffix(".path"))
            continue
        if name != "tables":
            key = (Path(os.path.normpath(rel)).as_posix() if inside
                   else f"{OUTSIDE}/{Path(rel).name}")
            while key in files and files[key] != root / rel:
                key += "'"
            files[key] = root / rel
    return files, refused


def file_problem(root: Path, rel: str, *, field: str, study_file: str = "study.yaml",
                 allow_outside: bool = False) -> tuple[Problem | None, bool]:
    """What stops ``root / rel`` from being read as a data file of the study, if anything.

    Returns ``(problem, inside)``: ``problem`` is ``None`` for a regular, readable file
    inside ``root`` (links followed), or outside it with ``allow_outside``; ``inside``
    says whether it lies in the study folder. The problem names the study file, the
    field and the path written. A missing file is left to its reader, which says so.
    """
    path = root / rel

    def refuse(message: str, expected: str) -> Problem:
        return Problem(file=study_file, row=field, value=rel, message=message,
                       expected=expected)

    try:
        resolved = path.resolve()
        inside = resolved.is_relative_to(root.resolve())
    except (OSError, RuntimeError) as exc:  # a loop of links
        return refuse(f"the path cannot be followed ({getattr(exc, 'strerror', None) or exc})",
                      "a file inside the study folder"), False
    if not inside and not allow_outside:
        home = os.path.normpath(root.absolute())
        written = os.path.normpath(path.absolute())
        how = ("is a link that leads" if os.path.commonpath([home, written]) == home
               else "lies")
        return refuse(f"{how} outside the study folder (to {resolved}); nothing outside "
                      "the study folder is read",
                      f"a file inside {root.resolve()}, or 'allow_outside: true' in the "
                      "study file"), inside
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None, inside
    except OSError as exc:
        return refuse(f"cannot be read ({exc.strerror or exc})", "a readable file"), inside
    if stat.S_ISDIR(mode):
        return refuse("names a folder, not a file", "a file (the file inside the folder, "
                      "not the folder)"), inside
    if not stat.S_ISREG(mode):
        return refuse("names a special file (a FIFO, socket or device), not a regular file",
                      "a regular file"), inside
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        return refuse(f"cannot be read ({exc.strerror or exc})",
                      "a file the user running image-synth may read"), inside
    return None, inside


def _study_file(path: str | Path | None) -> Path:
    if path is None:
        path = example_study_path()
    path = Path(path)
    if path.is_file():
        return _inside_its_folder(path)
    if path.is_dir():
        for name in STUDY_FILE_NAMES:
            if (path / name).is_file():
                return _inside_its_folder(path / name)
        raise StudyError(f"{path} is a folder without a study.yaml; a study folder holds "
                         "study.yaml beside its data files")
    if path.exists():
        raise StudyError(f"{path} is not a regular file (a FIFO, socket or device); give a "
                         "study folder or its study.yaml")
    raise StudyError(f"{path} does not exist; give a study folder or its study.yaml")


def _inside_its_folder(study_file: Path) -> Path:
    """The study file, refused when it is a link that leads out of its folder: the folder
    is the boundary of what is read, and the study file is where an opt-in
    (``allow_outside``) would be written, so it cannot opt in for itself."""
    try:
        resolved = study_file.resolve()
        inside = resolved.is_relative_to(study_file.parent.resolve())
    except (OSError, RuntimeError) as exc:  # a loop of links
        raise StudyError(f"{study_file} cannot be followed "
                         f"({getattr(exc, 'strerror', None) or exc})") from None
    if not inside:
        raise StudyError(f"{study_file} is a link that leads outside the study folder (to "
                         f"{resolved}); the study file must lie in the study folder: give "
                         "the folder it lies in, or copy it into this one")
    return study_file


def _read_codebook(path: Path, *, file: str) -> Codebook:
    """The codebook YAML, or a REFI-QDA codebook (``.qdc``) converted to one.

    A ``.qdc`` gives the code tree (ids, labels, parents, descriptions) and categories
    from code groups named ``category: <category>``; it has no crosswalk links. See
    :meth:`image_synth.read.refi.QdaCodebook.to_codebook`.
    """
    suffix = path.suffix.lower()
    if suffix == ".qdc":
        from ..read.refi import read_qdc

        return read_qdc(path, file=file).to_codebook()
    if suffix in (".qdpx", ".qde"):
        raise DataValidationError([Problem(
            file=file, message="the codebook field names a REFI-QDA project, not a codebook",
            value=path.name, expected="a codebook YAML, or a .qdc codebook exported from the "
            "QDA program (REFI-QDA codebook export)")])
    return load_yaml_model(Codebook, path, file=file)


def _read_survey_waves(config, root, instrument, attempt, refused=()) -> pd.DataFrame:
    from ..read.survey import read_survey

    frames = []
    for n, wf in enumerate(config.survey):
        if f"survey[{n}]" in refused:
            continue
        frame = attempt(read_survey, root / wf.path, instrument=instrument, wave=wf.wave,
                        study=config, file=wf.path)
        if frame is not None:
            frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=list(C.SURVEY_KEYS) + [i.id for i in instrument.items])
    frame = pd.concat(frames, ignore_index=True)
    items = [i.id for i in instrument.items]
    for item in items:
        if item not in frame.columns:
            frame[item] = pd.array([pd.NA] * len(frame), dtype="Int64")
    return frame[list(C.SURVEY_KEYS) + items]


def _read_sources(config, root, attempt) -> pd.DataFrame:
    from ..read.sources import read_sources

    if not config.sources:
        return pd.DataFrame(columns=list(C.SOURCE_COLUMNS))
    frame = attempt(read_sources, root / config.sources, study=config, file=config.sources)
    return frame if frame is not None else pd.DataFrame(columns=list(C.SOURCE_COLUMNS))


def _read_segment_files(config, root, codebook, known, attempt,
                        refused=()) -> tuple[pd.DataFrame, list[tuple[str, pd.DataFrame]]]:
    """All segments, and each file's source attributes as ``(file, frame)``."""
    from ..read.segments import read_segment_file

    frames, attributes = [], []
    for n, wf in enumerate(config.segments):
        if f"segments[{n}]" in refused:
            continue
        read = attempt(read_segment_file, root / wf.path, codebook=codebook,
                       known_sources=known, file=wf.path)
        if read is not None:
            frames.append(read.segments)
            if len(read.sources.columns) > 1:
                attributes.append((wf.path, read.sources))
    if not frames:
        return pd.DataFrame(columns=list(C.SEGMENT_COLUMNS)), attributes
    return pd.concat(frames, ignore_index=True), attributes


def _with_attributes(sources, attributes, config, attempt) -> pd.DataFrame:
    from ..read.sources import add_source_attributes

    merged = attempt(add_source_attributes, sources, attributes, study=config,
                     sources_file=config.sources)
    return sources if merged is None else merged


def _read_drawings(config, root, attempt, refused=(), *,
                   study_file: str = "study.yaml") -> tuple:
    """Every drawing of every drawings file; a meeting drawn twice is a problem.

    Within one file :func:`~image_synth.network.read_drawings` refuses a meeting id used
    twice; across files it is checked here: a file listed twice in ``drawings:`` (links
    followed) is read once and refused, naming both entries and its meetings, and a
    meeting drawn in two files is refused naming both files and the meeting.
    """
    if not config.drawings:
        return ()
    from ..network import read_drawings

    drawings = []
    listed: dict[Path, int] = {}                 # file (resolved) -> its first entry
    meetings_of: dict[int, list[str]] = {}       # entry -> the meetings it draws
    drawn: dict[str, tuple[str, int]] = {}       # meeting -> (file, index in the file)
    for n, rel in enumerate(config.drawings):
        if f"drawings[{n}]" in refused:
            continue
        try:
            same = (root / rel).resolve()
        except (OSError, RuntimeError):
            same = root / rel
        if same in listed:
            first = listed[same]
            meetings = meetings_of.get(first)
            attempt(_raise, [Problem(
                file=study_file, row=f"drawings[{n}]", value=rel,
                message=f"names the same file as drawings[{first}] "
                        f"({config.drawings[first]!r})"
                        + (f", whose meetings ({', '.join(meetings)}) would be drawn twice"
                           if meetings else ""),
                expected="each drawings file listed once")])
            continue
        listed[same] = n
        result = attempt(read_drawings, root / rel, file=rel)
        if not result:
            continue
        meetings_of[n] = [d.meeting for d in result]
        problems = []
        for i, drawing in enumerate(result):
            if drawing.meeting in drawn:
                other, j = drawn[drawing.meeting]
                problems.append(Problem(
                    file=rel, row=f"drawings[{i}] (meeting {drawing.meeting})",
                    column="meeting", value=drawing.meeting,
                    message=f"duplicate meeting id: {other} has a drawing of this meeting "
                            f"too (drawings[{j}])",
                    expected="one drawing per meeting, in one drawings file"))
            else:
                drawn[drawing.meeting] = (rel, i)
        if problems:
            attempt(_raise, problems)
        drawings.extend(result)
    return tuple(drawings)


def _read_meta_inferences(config, root, attempt) -> pd.DataFrame:
    columns = ["id", "text", "type", "rows", "situation", "author", "date"]
    if not config.meta_inferences:
        return pd.DataFrame(columns=columns)
    data = attempt(read_yaml, root / config.meta_inferences, file=config.meta_inferences)
    if data is None:
        return pd.DataFrame(columns=columns)
    entries = data.get("meta_inferences", data) if isinstance(data, dict) else data
    rows, problems = [], []
    for n, entry in enumerate(entries or []):
        try:
            meta = MetaInference.model_validate(entry)
        except ValidationError as exc:
            problems += [replace(p, row=f"meta_inferences[{n}].{p.row}")
                         for p in model_problems(exc, file=config.meta_inferences)]
            continue
        rows.append({**meta.model_dump(), "rows": ";".join(meta.rows)})
    if problems:
        attempt(_raise, problems)
    return pd.DataFrame(rows, columns=columns)


def _read_pseudonyms(config, root, attempt) -> dict[str, tuple[str, ...]]:
    if not config.pseudonyms:
        return {}
    data = attempt(read_yaml, root / config.pseudonyms, file=config.pseudonyms)
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(
            isinstance(v, list) and all(isinstance(n, str) for n in v) for v in data.values()):
        attempt(_raise, [Problem(file=config.pseudonyms, message="expected a mapping of "
                                 "marker category to a list of names",
                                 expected="e.g. samenwerkingsverband: [SWV Noord, ...]")])
        return {}
    return {str(k): tuple(v) for k, v in data.items()}


def _raise(problems: list[Problem]) -> None:
    raise DataValidationError(problems)

