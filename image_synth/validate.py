"""Validation schemas derived from the study's own files (pandera).

The readers turn files into typed frames; the schemas here check what the files must
say: allowed codes per item, one response per respondent and wave, regions and
situations that exist in the study and agree with each other. Validation is lazy:
every failure is collected and reported as a :class:`~image_synth.errors.Problem`
naming file, row, column, value and what was expected.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from . import columns as C
from .errors import Problem
from .study.models import Instrument, StudyConfig

__all__ = ["problems_from_schema_errors", "survey_file_problems", "survey_problems",
           "survey_schema"]

_REGION_CHECK = "region_agrees"
#: pandera resolves a dtype object at once; the name "Int64" costs a lookup per column.
_INT64 = pd.Int64Dtype()


def survey_schema(instrument: Instrument, study: StudyConfig | None = None,
                  columns: list[str] | None = None) -> pa.DataFrameSchema:
    """The pandera schema a survey frame (as :func:`read_survey` returns it) must pass.

    ``columns`` limits the item columns to those present (items not asked in a wave).
    """
    present = set(columns) if columns is not None else None
    items: dict[str, pa.Column] = {}
    for item in instrument.items:
        if present is not None and item.id not in present:
            continue
        allowed = instrument.response_set(item.response_set).allowed
        items[item.id] = pa.Column(_INT64, pa.Check.isin(allowed), nullable=True,
                                   required=present is None)
    return _keyed_schema(study, items=items)


def _screening_schema(instrument: Instrument, study: StudyConfig | None,
                      columns: list[str]) -> pa.DataFrameSchema:
    """A frame with ``columns`` passes this schema exactly when it passes
    ``survey_schema(instrument, study, columns)``.

    The key columns are checked alike; the item columns are checked with one check per
    response set instead of one column per item, which pandera runs in a fraction of the
    time but which says only *that* a set's codes are wrong, not where.
    """
    present = set(columns)
    by_set: dict[str, list[str]] = {}
    for item in instrument.items:
        if item.id in present:
            by_set.setdefault(item.response_set, []).append(item.id)
    return _keyed_schema(study, checks=[
        _codes_allowed(ids, instrument.response_set(set_id).allowed)
        for set_id, ids in by_set.items()])


def _keyed_schema(study: StudyConfig | None, *, items: dict[str, pa.Column] | None = None,
                  checks: list[pa.Check] | None = None) -> pa.DataFrameSchema:
    """The key columns (checked against the study when given), then ``items`` and ``checks``."""
    cols: dict[str, pa.Column] = {
        C.RESPONDENT_ID: pa.Column(str, pa.Check.str_length(min_value=1), nullable=False,
                                   description="a non-empty respondent id"),
        C.WAVE: pa.Column(_INT64, nullable=False),
        C.REGION: pa.Column(str, nullable=False),
        C.SITUATION: pa.Column(str, nullable=False),
        C.SECTOR: pa.Column(str, nullable=False),
    }
    key_checks = []
    if study is not None:
        cols[C.WAVE] = pa.Column(_INT64, pa.Check.isin(list(study.waves)), nullable=False)
        cols[C.REGION] = pa.Column(str, pa.Check.isin([r.id for r in study.regions]))
        if study.situations:
            cols[C.SITUATION] = pa.Column(str, pa.Check.isin([s.id for s in study.situations]))
        else:   # no situation level: the key is empty
            cols[C.SITUATION] = pa.Column(nullable=True)
        if study.sectors:
            cols[C.SECTOR] = pa.Column(str, pa.Check.isin([s.id for s in study.sectors]))
        elif C.SECTOR in cols and not study.sectors:
            cols[C.SECTOR] = pa.Column(nullable=True)
        key_checks.append(_region_agrees(study))
    return pa.DataFrameSchema({**cols, **(items or {})}, checks=key_checks + (checks or []),
                              unique=[C.RESPONDENT_ID, C.WAVE], report_duplicates="all",
                              strict=False, coerce=False)


def _codes_allowed(columns: list[str], allowed: list[int]) -> pa.Check:
    """Whether ``columns`` are all nullable-integer columns of ``allowed`` codes or empty."""

    def passes(frame: pd.DataFrame) -> bool:
        block = frame[columns]
        if any(dtype != _INT64 for dtype in block.dtypes):
            return False
        # as floats: exact for any code below 2**53
        codes = block.to_numpy(dtype="float64", na_value=np.nan)
        return bool((np.isnan(codes) | np.isin(codes, allowed)).all())

    return pa.Check(passes, name="codes_allowed")


def _region_agrees(study: StudyConfig) -> pa.Check:
    by_region = {r.id: r for r in study.regions}

    def agrees(frame: pd.DataFrame) -> pd.Series:
        ok = []
        for region, situation, sector in zip(frame[C.REGION], frame[C.SITUATION],
                                             frame[C.SECTOR]):
            spec = by_region.get(region)
            ok.append(spec is None or ((spec.situation is None or spec.situation == situation)
                                       and (not spec.sectors or sector in spec.sectors)))
        return pd.Series(ok, index=frame.index)

    # a row without any value has no region and passes anyway: spare pandera's scan for it
    return pa.Check(agrees, name=_REGION_CHECK, error=_REGION_CHECK, ignore_na=False)


def survey_problems(frame: pd.DataFrame, *, instrument: Instrument,
                    study: StudyConfig | None, file: str) -> list[Problem]:
    """Every problem of a survey frame, as Problems (empty list when it is valid).

    A quick schema (one check per response set) clears a valid frame; a frame it
    rejects is validated against :func:`survey_schema`, which names every bad cell.
    """
    columns = list(frame.columns)
    try:
        _screening_schema(instrument, study, columns).validate(frame, lazy=True)
    except pa.errors.SchemaErrors:
        pass  # something is wrong: find out what, cell by cell
    else:
        return []
    try:
        survey_schema(instrument, study, columns=columns).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return problems_from_schema_errors(exc, frame, file=file, instrument=instrument,
                                           study=study)
    return []


def survey_file_problems(survey: pd.DataFrame, *, study: StudyConfig) -> list[Problem]:
    """Problems across the survey files of a study: a respondent in two files of a wave.

    ``survey`` is the study's survey table, every file that was read concatenated. Each
    file has been checked for a respondent answering twice; a respondent and wave found
    twice here comes from two files of that wave, and would be counted twice.
    """
    if survey.empty or not {C.RESPONDENT_ID, C.WAVE} <= set(survey.columns):
        return []
    keys = survey[[C.RESPONDENT_ID, C.WAVE]]
    twice = keys[keys.duplicated(keep=False)].drop_duplicates()
    problems = []
    for respondent, wave in twice.itertuples(index=False):
        files = [wf.path for wf in study.survey if wf.wave == wave]
        problems.append(Problem(
            file=", ".join(files), column=f"{C.RESPONDENT_ID}+{C.WAVE}",
            value=f"{respondent} / {wave}",
            message="respondent appears in more than one survey file of this wave",
            expected="one response per respondent and wave, in one file"))
    return problems


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
