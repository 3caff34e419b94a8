"""Reading the source table: one row per interview, meeting, document or external study."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import columns as C
from ..errors import DataValidationError, Problem
from ..study.models import StudyConfig
from .tabular import parse_int, read_table, records

__all__ = ["read_sources", "SOURCE_TYPES"]

#: Kinds of qualitative source a study can hold.
SOURCE_TYPES = ("interview", "reflection_meeting", "document", "literature", "external_study")

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
    raw = read_table(path, file=shown)
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
                                    message=f"source id already used in row {seen[sid]}",
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
    if problems:
        raise DataValidationError(problems)
    out[C.WAVE] = pd.array(waves, dtype="Int64")
    out["n_participants"] = pd.array(participants, dtype="Int64")
    out[C.SYNTHETIC] = synthetic
    for column in (C.REGION, C.SITUATION, C.ROLE, "title"):
        out[column] = out[column].replace("", pd.NA)
    return out[list(C.SOURCE_COLUMNS)]


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
