"""Validation schemas derived from the study's own files (pandera).

The readers turn files into typed frames; the schemas here check what the files must
say: allowed codes per item, one response per respondent and wave, regions and
situations that exist in the study and agree with each other. Validation is lazy:
every failure is collected and reported as a :class:`~image_synth.errors.Problem`
naming file, row, column, value and what was expected.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from . import columns as C
from .errors import Problem
from .study.models import Instrument, StudyConfig

__all__ = ["survey_schema", "survey_problems", "problems_from_schema_errors"]

_REGION_CHECK = "region_agrees"


def survey_schema(instrument: Instrument, study: StudyConfig | None = None,
                  columns: list[str] | None = None) -> pa.DataFrameSchema:
    """The pandera schema a survey frame (as :func:`read_survey` returns it) must pass.

    ``columns`` limits the item columns to those present (items not asked in a wave).
    """
    present = set(columns) if columns is not None else None
    cols: dict[str, pa.Column] = {
        C.RESPONDENT_ID: pa.Column(str, pa.Check.str_length(min_value=1), nullable=False,
                                   description="a non-empty respondent id"),
        C.WAVE: pa.Column("Int64", nullable=False),
        C.REGION: pa.Column(str, nullable=False),
        C.SITUATION: pa.Column(str, nullable=False),
        C.SECTOR: pa.Column(str, nullable=False),
    }
    checks = []
    if study is not None:
        cols[C.WAVE] = pa.Column("Int64", pa.Check.isin(list(study.waves)), nullable=False)
        cols[C.REGION] = pa.Column(str, pa.Check.isin([r.id for r in study.regions]))
        cols[C.SITUATION] = pa.Column(str, pa.Check.isin([s.id for s in study.situations]))
        if study.sectors:
            cols[C.SECTOR] = pa.Column(str, pa.Check.isin([s.id for s in study.sectors]))
        checks.append(_region_agrees(study))
    for item in instrument.items:
        if present is not None and item.id not in present:
            continue
        allowed = instrument.response_set(item.response_set).allowed
        cols[item.id] = pa.Column("Int64", pa.Check.isin(allowed), nullable=True,
                                  required=present is None)
    return pa.DataFrameSchema(cols, checks=checks, unique=[C.RESPONDENT_ID, C.WAVE],
                              report_duplicates="all", strict=False, coerce=False)


def _region_agrees(study: StudyConfig) -> pa.Check:
    by_region = {r.id: r for r in study.regions}

    def agrees(frame: pd.DataFrame) -> pd.Series:
        ok = []
        for region, situation, sector in zip(frame[C.REGION], frame[C.SITUATION],
                                             frame[C.SECTOR]):
            spec = by_region.get(region)
            ok.append(spec is None or (spec.situation == situation and
                                       (not spec.sectors or sector in spec.sectors)))
        return pd.Series(ok, index=frame.index)

    return pa.Check(agrees, name=_REGION_CHECK, error=_REGION_CHECK)


def survey_problems(frame: pd.DataFrame, *, instrument: Instrument,
                    study: StudyConfig | None, file: str) -> list[Problem]:
    """Every problem of a survey frame, as Problems (empty list when it is valid)."""
    schema = survey_schema(instrument, study, columns=list(frame.columns))
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return problems_from_schema_errors(exc, frame, file=file, instrument=instrument,
                                           study=study)
    return []


def problems_from_schema_errors(exc: pa.errors.SchemaErrors, frame: pd.DataFrame, *,
                                file: str, instrument: Instrument | None = None,
                                study: StudyConfig | None = None) -> list[Problem]:
    """Translate pandera's failure cases into Problems with row, column, value, expectation."""
    problems: list[Problem] = []
    cases = exc.failure_cases
    seen_dupes: set[int] = set()
    seen_regions: set[int] = set()
    for case in cases.itertuples(index=False):
        column = case.column if isinstance(case.column, str) else None
        index = case.index
        row = int(index) + 1 if index is not None and not pd.isna(index) else None
        check = str(case.check)
        value = case.failure_case
        if check == _REGION_CHECK:
            if row is None or index in seen_regions:
                continue
            seen_regions.add(index)
            record = frame.loc[index]
            spec = study.region(record[C.REGION]) if study else None
            expected = (f"situation {spec.situation!r}"
                        + (f" and sector in {list(spec.sectors)}" if spec and spec.sectors else "")
                        if spec else "")
            problems.append(Problem(
                file=file, row=row, column=f"{C.REGION}/{C.SITUATION}/{C.SECTOR}",
                value=f"{record[C.REGION]} / {record[C.SITUATION]} / {record[C.SECTOR]}",
                message="region does not belong to this situation or sector",
                expected=f"region {record[C.REGION]} has {expected}"))
        elif "field_uniqueness" in check or "unique" in check or "duplicates" in check:
            if row is None or index in seen_dupes:
                continue
            seen_dupes.add(index)
            record = frame.loc[index]
            problems.append(Problem(
                file=file, row=row, column=f"{C.RESPONDENT_ID}+{C.WAVE}",
                value=f"{record[C.RESPONDENT_ID]} / {record[C.WAVE]}",
                message="respondent appears more than once in this wave",
                expected="one response per respondent and wave"))
        elif check.startswith("isin"):
            problems.append(Problem(file=file, row=row, column=column, value=value,
                                    message="value not allowed",
                                    expected=_expected_values(column, instrument, study)))
        elif check == "column_in_dataframe":
            problems.append(Problem(file=file, column=str(value),
                                    message="required column is missing"))
        elif check == "not_nullable":
            problems.append(Problem(file=file, row=row, column=column,
                                    message="empty cell", expected="a value"))
        else:
            problems.append(Problem(file=file, row=row, column=column, value=value,
                                    message=f"fails check {check}"))
    problems.sort(key=lambda p: (p.row if isinstance(p.row, int) else 0, p.column or ""))
    return problems


def _expected_values(column: str | None, instrument: Instrument | None,
                     study: StudyConfig | None) -> str:
    if column is None:
        return ""
    if instrument is not None:
        try:
            rs = instrument.response_set(column)
        except KeyError:
            rs = None
        if rs is not None:
            return "one of " + ", ".join(f"{c.code} ({c.label.nl})" for c in rs.codes)
    if study is not None:
        choices = {C.REGION: [r.id for r in study.regions],
                   C.SITUATION: [s.id for s in study.situations],
                   C.SECTOR: [s.id for s in study.sectors],
                   C.WAVE: [str(w) for w in study.waves]}.get(column)
        if choices:
            return "one of " + ", ".join(choices)
    return "an allowed value"
