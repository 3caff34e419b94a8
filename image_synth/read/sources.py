"""Reading the source table: one row per interview, meeting, document or external study.

The table comes from the study's sources CSV/XLSX (:func:`read_sources`); the
attributes a QDA project gives its sources are added to it by
:func:`add_source_attributes`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from .. import columns as C
from ..errors import DataValidationError, Problem
from ..study.models import StudyConfig
from .tabular import load_table, parse_int, records

__all__ = ["ATTRIBUTE_COLUMNS", "SOURCE_TYPES", "add_source_attributes", "read_sources"]

#: Kinds of qualitative source a study can hold.
SOURCE_TYPES = ("interview", "reflection_meeting", "document", "literature", "external_study")
#: Columns of the source table that a QDA attribute of the same name may fill.
ATTRIBUTE_COLUMNS = (C.SOURCE_TYPE, C.WAVE, C.REGION, C.SITUATION, C.ROLE, "n_participants",
                     "title")
_INT_COLUMNS = (C.WAVE, "n_participants")
_PREFIX = "attr:"

_TRUE = {"true", "1", "ja", "yes", "waar"}
_FALSE = {"false", "0", "nee", "no", "onwaar", ""}


def read_sources(path: str | Path, *, study: StudyConfig | None = None,
                 file: str | None = None) -> pd.DataFrame:
    """Read and check a sources CSV/XLSX.

    Returns
    -------
    pandas.DataFrame
        ``source_id``, ``source_type``, ``wave`` (Int64), ``region``, ``situation``,
        ``role``, ``n_participants`` (Int64), ``synthetic`` (bool), ``title``. Region and
        situation are empty (``<NA>``) for study-wide sources such as the literature.

    Raises
    ------
    DataValidationError
        Every problem: unknown source type, region or situation, region and situation
        that do not agree, a wave outside the study, duplicate ids, bad numbers.
    """
    shown = file or str(path)
    table = load_table(path, file=shown)
    if table.problems:
        raise DataValidationError(list(table.problems))
    raw = table.frame
    problems: list[Problem] = []
    required = (C.SOURCE_ID, C.SOURCE_TYPE, C.WAVE)
    for column in required:
        if column not in raw.columns:
            problems.append(Problem(file=shown, column=column, message="required column is "
                                    "missing", expected=f"a column named {column!r}"))
    if problems:
        raise DataValidationError(problems)
    out = pd.DataFrame({c: raw[c].str.strip() if c in raw.columns else "" for c in
                        (C.SOURCE_ID, C.SOURCE_TYPE, C.REGION, C.SITUATION, C.ROLE, "title")})
    regions = {r.id: r for r in study.regions} if study else {}
    situations = {s.id for s in study.situations} if study else set()
    waves, participants, synthetic = [], [], []
    seen: dict[str, int] = {}
    for row, record in enumerate(records(raw), start=1):
        sid = record[C.SOURCE_ID].strip()
        if not sid:
            problems.append(Problem(file=shown, row=row, column=C.SOURCE_ID,
                                    message="empty source id", expected="a unique id"))
        elif sid in seen:
            problems.append(Problem(file=shown, row=row, column=C.SOURCE_ID, value=sid,
                                    message="source id already used "
                                            + _place(table.row(seen[sid])),
                                    expected="a unique id"))
        seen.setdefault(sid, row)
        kind = record[C.SOURCE_TYPE].strip()
        if kind not in SOURCE_TYPES:
            problems.append(Problem(file=shown, row=row, column=C.SOURCE_TYPE, value=kind,
                                    message="unknown source type",
                                    expected="one of " + ", ".join(SOURCE_TYPES)))
        waves.append(_int(record, C.WAVE, row, shown, problems,
                          allowed=study.waves if study else None))
        participants.append(_int(record, "n_participants", row, shown, problems))
        flag = str(record.get(C.SYNTHETIC, "")).strip().casefold()
        if flag not in _TRUE | _FALSE:
            problems.append(Problem(file=shown, row=row, column=C.SYNTHETIC, value=flag,
                                    message="not a yes/no value", expected="true or false"))
        synthetic.append(flag in _TRUE)
        if study is not None:
            problems += _group_problems(record, row, shown, regions, situations)
    if problems:  # data row numbers -> "line N" of a CSV, row N of a sheet
        raise DataValidationError([replace(p, row=table.row(p.row)) if isinstance(p.row, int)
                                   else p for p in problems])
    out[C.WAVE] = pd.array(waves, dtype="Int64")
    out["n_participants"] = pd.array(participants, dtype="Int64")
    out[C.SYNTHETIC] = synthetic
    for column in (C.REGION, C.SITUATION, C.ROLE, "title"):
        out[column] = out[column].replace("", pd.NA)
    return out[list(C.SOURCE_COLUMNS)]


def _place(row: int | str) -> str:
    """Where an earlier row is, as a message says it: ``on line 2`` of a CSV, ``in row 2``
    of a sheet."""
    return f"on {row}" if isinstance(row, str) else f"in row {row}"


def _int(record: dict, column: str, row: int, shown: str, problems: list[Problem],
         allowed=None) -> int | None:
    text = str(record.get(column, "") or "")
    try:
        value = parse_int(text)
    except ValueError:
        problems.append(Problem(file=shown, row=row, column=column, value=text,
                                message="not a whole number", expected="a whole number"))
        return None
    if value is not None and allowed is not None and value not in allowed:
        problems.append(Problem(file=shown, row=row, column=column, value=value,
                                message="not a wave of the study",
                                expected="one of " + ", ".join(map(str, allowed))))
    return value


def _group_problems(record: dict, row: int, shown: str, regions: dict,
                    situations: set) -> list[Problem]:
    problems = []
    region = record.get(C.REGION, "").strip()
    situation = record.get(C.SITUATION, "").strip()
    if region and region not in regions:
        problems.append(Problem(file=shown, row=row, column=C.REGION, value=region,
                                message="unknown region",
                                expected="one of " + ", ".join(sorted(regions))))
    if situation and situation not in situations:
        problems.append(Problem(file=shown, row=row, column=C.SITUATION, value=situation,
                                message="unknown situation",
                                expected="one of " + ", ".join(sorted(situations))))
    if region in regions and situation and regions[region].situation != situation:
        problems.append(Problem(file=shown, row=row, column=f"{C.REGION}/{C.SITUATION}",
                                value=f"{region} / {situation}",
                                message="region does not belong to this situation",
                                expected=f"region {region} has situation "
                                         f"{regions[region].situation!r}"))
    return problems


# ----------------------------------------------------------------- QDA attributes


def add_source_attributes(sources: pd.DataFrame,
                          attributes: Iterable[tuple[str, pd.DataFrame]], *,
                          study: StudyConfig | None = None,
                          sources_file: str = "the sources table") -> pd.DataFrame:
    """Add the attributes QDA projects give their sources to the source table.

    Parameters
    ----------
    sources
        The source table (:func:`read_sources`).
    attributes
        ``(file, frame)`` pairs, one per file of coded segments: the file as the user
        names it and its sources (``source_id`` and ``attr:<name>`` columns, see
        :func:`image_synth.read.segments.read_segment_file`).
    study
        The study, to check regions, situations and waves that come from a project.
    sources_file
        How to name the source table in messages.

    Returns
    -------
    pandas.DataFrame
        ``sources`` with one ``attr:<name>`` column per attribute (in order of first
        appearance; missing for sources a project does not describe, and for sources
        that are in no project). An attribute named like a column of the table
        (:data:`ATTRIBUTE_COLUMNS`; case, spaces and hyphens ignored: ``Region``,
        ``source type``) also fills that column where the table leaves it empty, so
        regions need not be typed twice. It never overrides a value the table gives.
        Sources a project describes that the table does not list are left out (the
        segment reader reports their segments).

    Raises
    ------
    DataValidationError
        Every problem at once: an attribute that disagrees with the table's value for
        the same column, or with another attribute or project for the same source; a
        filled-in value the study does not know (region, situation, wave, source
        type), a region that does not belong to the filled-in situation, or a wave or
        number of participants that is not a whole number.
    """
    out = sources.copy()
    listed = {sid: index for index, sid in zip(out.index, out[C.SOURCE_ID])}
    values: dict[str, dict[str, tuple[Any, str]]] = {}   # column -> source -> (value, file)
    problems: list[Problem] = []
    for file, frame in attributes:
        columns = [c for c in frame.columns if c.startswith(_PREFIX)]
        for record in frame[[C.SOURCE_ID, *columns]].to_dict("records"):
            sid = record[C.SOURCE_ID]
            if sid not in listed:
                continue
            for column in columns:
                value = _cell(record[column])
                seen = values.setdefault(column, {})
                if value is None:
                    continue
                if sid in seen and _same(seen[sid][0], value) is False:
                    problems.append(Problem(
                        file=file, row=f"source {sid}", column=column, value=value,
                        message="two projects give this source different attribute values",
                        expected=f"{seen[sid][0]!r}, as in {seen[sid][1]}"))
                    continue
                seen.setdefault(sid, (value, file))
    for column, by_source in values.items():
        out[column] = pd.Series({listed[sid]: value for sid, (value, _) in by_source.items()},
                                index=out.index, dtype=object)
    filled = _fill_columns(out, values, listed, problems, sources_file)
    problems += _filled_problems(out, filled, study)
    if problems:
        raise DataValidationError(problems)
    return out


def _standard_column(attribute_column: str) -> str | None:
    name = attribute_column[len(_PREFIX):].strip().casefold()
    name = name.replace(" ", "_").replace("-", "_")
    return name if name in ATTRIBUTE_COLUMNS else None


def _fill_columns(out: pd.DataFrame, values: dict[str, dict[str, tuple[Any, str]]],
                  listed: dict[str, Any], problems: list[Problem],
                  sources_file: str) -> dict[tuple[str, str], str]:
    """Fill empty standard cells from same-named attributes; report disagreements.

    Returns (source, column) -> the file that filled it.
    """
    filled: dict[tuple[str, str], str] = {}
    for attribute, by_source in values.items():
        column = _standard_column(attribute)
        if column is None:
            continue
        for sid, (value, file) in by_source.items():
            index = listed[sid]
            current = _cell(out.at[index, column])
            if current is None:
                converted = _converted(value, column)
                if converted is None:
                    problems.append(Problem(
                        file=file, row=f"source {sid}", column=attribute, value=value,
                        message=f"attribute would fill {column!r} but is not a whole number",
                        expected="a whole number"))
                    continue
                out.at[index, column] = converted
                filled[sid, column] = file
            elif not _same(current, value):
                given = (f"the value filled in from {filled[sid, column]}"
                         if (sid, column) in filled else f"the value {sources_file} gives")
                problems.append(Problem(
                    file=file, row=f"source {sid}", column=attribute, value=value,
                    message=f"attribute disagrees with the source's {column!r}",
                    expected=f"{current!r}, {given} (correct one of them, or leave the "
                             f"{column!r} cell of {sources_file} empty)"))
    return filled


def _filled_problems(out: pd.DataFrame, filled: dict[tuple[str, str], str],
                     study: StudyConfig | None) -> list[Problem]:
    """Check the cells filled from attributes as read_sources checks typed cells."""
    problems: list[Problem] = []
    regions = {r.id: r for r in study.regions} if study else {}
    situations = {s.id for s in study.situations} if study else set()
    rows = {sid for sid, _ in filled}
    for sid in sorted(rows, key=str):
        index = out.index[out[C.SOURCE_ID] == sid][0]
        files = {column: file for (source, column), file in filled.items() if source == sid}
        file = next(iter(files.values()))
        record = {column: "" if _cell(out.at[index, column]) is None
                  else str(out.at[index, column]) for column in (C.REGION, C.SITUATION)}
        if C.SOURCE_TYPE in files and out.at[index, C.SOURCE_TYPE] not in SOURCE_TYPES:
            problems.append(Problem(file=files[C.SOURCE_TYPE], row=f"source {sid}",
                                    column=f"{_PREFIX}{C.SOURCE_TYPE}",
                                    value=out.at[index, C.SOURCE_TYPE],
                                    message="unknown source type",
                                    expected="one of " + ", ".join(SOURCE_TYPES)))
        if C.WAVE in files and study is not None and out.at[index, C.WAVE] not in study.waves:
            problems.append(Problem(file=files[C.WAVE], row=f"source {sid}",
                                    column=f"{_PREFIX}{C.WAVE}", value=out.at[index, C.WAVE],
                                    message="not a wave of the study",
                                    expected="one of " + ", ".join(map(str, study.waves))))
        if study is not None and ({C.REGION, C.SITUATION} & set(files)):
            problems += _group_problems(record, f"source {sid}", file, regions, situations)
    return problems


def _cell(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return None
    if isinstance(value, str):
        return value.strip() or None
    return value


def _normal(value: Any) -> str:
    """A value as text for comparison: ``2023``, ``2023.0`` and ``"2023"`` are equal."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _same(left: Any, right: Any) -> bool:
    return _normal(left) == _normal(right)


def _converted(value: Any, column: str) -> Any:
    if column not in _INT_COLUMNS:
        return _normal(value)
    try:
        return parse_int(_normal(value))
    except ValueError:
        return None
