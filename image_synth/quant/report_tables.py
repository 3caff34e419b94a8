"""Every published table of a study, recomputed from its microdata.

A study says in a *tables file* (YAML, ``tables.yaml`` beside ``study.yaml``) which
tables and figures its report publishes and which instrument items make each one.
:func:`report_tables` reads that file and computes every table from the survey with the
functions of :mod:`image_synth.quant.distributions` and
:func:`image_synth.quant.reliability.reliability`. Nothing about a particular study is
written in this module: the table ids, the items, groupings and waves all come from the
study's files.

The tables file
---------------
::

    name: "Tables of the 2023 report"
    tables:
      - id: table_b5_goals_{wave}      # "{wave}" becomes the wave asked for
        kind: multi_select             # respondents | distribution | summary |
                                       # multi_select | categories | scales
        multi_select: doelen           # or: items: [...], or block: ... (+ response_set)
        by: [situation]                # grouping columns (optional)
        waves: [2022, 2023]            # fixed waves (optional; default: the wave asked)
        total: true                    # also one row group over everyone ("total")
        categories: {agree: [4, 5]}    # kind categories: answer codes pooled per category

What each ``kind`` returns (every table starts with a ``wave`` column):

``respondents``
    respondents per ``by`` group: ``wave``, *by*, ``n``.
``distribution``
    :func:`~image_synth.quant.distributions.distribution` of the items.
``summary``
    :func:`~image_synth.quant.distributions.item_summary` of the items.
``multi_select``
    :func:`~image_synth.quant.distributions.multi_select_table` of the question.
``categories``
    the distribution with codes pooled into named categories: ``wave``, ``item``,
    *by*, ``category``, ``count``, ``n_asked``, ``n_missing``, ``share``.
``scales``
    one row per scale of the ``block`` and wave: ``wave``, ``scale``, ``label``, the
    columns of :func:`~image_synth.quant.reliability.reliability` (listwise, Feldt
    interval) and ``reported`` (whether the instrument reports the scale in that wave).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError

from .. import columns as C
from ..atomic import atomic_path
from ..errors import AnalysisError, DataValidationError, StudyError
from ..options import LANGUAGES, check_option
from ..study.models import Instrument, Text, load_yaml_model, model_problems
from .distributions import distribution, item_summary, multi_select_table

__all__ = ["TABLE_KINDS", "PublishedTables", "TableSpec", "load_tables", "report_tables"]

#: The kinds of published table a tables file can ask for.
TABLE_KINDS = ("respondents", "distribution", "summary", "multi_select", "categories",
               "scales")
#: Default name of the tables file in a study folder.
TABLES_FILE = "tables.yaml"
#: Value of the grouping columns in the rows over all respondents (``total: true``).
TOTAL = "total"
#: Column of the ``scales`` kind: whether the instrument reports the scale in the wave.
REPORTED = "reported"


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TableSpec(_Spec):
    """One published table: which items make it and how they are tabulated."""

    id: str
    kind: Literal["respondents", "distribution", "summary", "multi_select", "categories",
                  "scales"]
    title: Text | None = None
    #: item ids (kinds distribution, summary, categories)
    items: tuple[str, ...] = ()
    #: take every item (or, for ``scales``, every scale) of this block ...
    block: str | None = None
    #: ... with this response set
    response_set: str | None = None
    #: the multi-select question (kind multi_select)
    multi_select: str | None = None
    by: tuple[str, ...] = ()
    #: fixed waves; empty: the wave passed to report_tables
    waves: tuple[int, ...] = ()
    total: bool = False
    #: kind categories: category name -> answer codes pooled into it
    categories: dict[str, tuple[int, ...]] = {}
    note: str | None = None


class PublishedTables(_Spec):
    """The tables file of a study."""

    name: str | None = None
    tables: tuple[TableSpec, ...]


def load_tables(path: str | Path, *, file: str | None = None) -> PublishedTables:
    """Read and validate a tables file; problems raise DataValidationError."""
    return load_yaml_model(PublishedTables, Path(path), file=file or Path(path).name)


def report_tables(study: Any = None, *, survey: pd.DataFrame | None = None,
                  instrument: Instrument | None = None,
                  tables: str | Path | PublishedTables | Sequence[TableSpec | Mapping] | None
                  = None, wave: int | None = None, lang: str = "nl"
                  ) -> dict[str, pd.DataFrame]:
    """Recompute every table and figure the study's report publishes.

    Parameters
    ----------
    study
        A loaded study (:func:`image_synth.load_study`): its ``survey`` (all waves),
        ``instrument`` and tables file (``config.tables`` when the study file names
        one, else ``tables.yaml`` in the study folder) are used. Or pass the pieces:
    survey
        The survey table of all waves (one row per respondent and wave, answer codes).
    instrument
        The study's instrument.
    tables
        The tables file (a path), its parsed content, or a list of table specs.
    wave
        The wave of the tables that do not fix their own ``waves``; ``"{wave}"`` in a
        table id is replaced by it. Default ``None``: the study's latest wave
        (``study.config.waves``), or without a study the latest wave in ``survey``.
    lang
        Language of labels: ``"nl"`` or ``"en"``.

    Returns
    -------
    dict of str to pandas.DataFrame
        One tidy table per entry of the tables file, keyed by its id, in file order.
        Every table starts with a ``wave`` column; the other columns depend on the
        table's ``kind`` (see the module documentation). Numbers are unrounded.

    Raises
    ------
    AnalysisError
        Neither a study nor ``survey`` and ``instrument``; a table that names items,
        blocks, response sets or multi-select questions the instrument lacks.
    StudyError
        No tables file.

    Notes
    -----
    Counts and shares come from :func:`~image_synth.quant.distributions.distribution`
    and friends, so "don't know" is its own category and respondents not asked an item
    are left out. Scale reliabilities are Cronbach's alpha over complete cases
    (SPSS ``RELIABILITY /MISSING=EXCLUDE``), with "don't know" as missing and the
    instrument's reverse keying; ``mean`` and ``sd`` of a scale are those of the same
    complete cases.

    Examples
    --------
    >>> import image_synth
    >>> from image_synth.quant.report_tables import report_tables
    >>> tables = report_tables(image_synth.load_study())  # the study's latest wave
    >>> t3 = tables["table_3_status_by_situation"]
    >>> int(t3.loc[t3["situation"] == "total", "count"].sum())
    239
    """
    check_option("lang", lang, LANGUAGES)
    if study is not None:
        survey = study.survey if survey is None else survey
        instrument = study.instrument if instrument is None else instrument
        if tables is None:
            named = getattr(study.config, "tables", None)
            tables = Path(study.root) / (named or TABLES_FILE)
    if survey is None or instrument is None:
        raise AnalysisError("report_tables needs a study, or both survey= and instrument=")
    if wave is None:
        wave = _latest_wave(study, survey)
    specs = _specs(tables)
    problems = [p for spec in specs for p in _spec_problems(spec, instrument, survey)]
    if problems:
        raise AnalysisError("the tables file does not fit the instrument: "
                            + "; ".join(problems))
    out: dict[str, pd.DataFrame] = {}
    for spec in specs:
        out[spec.id.replace("{wave}", str(wave))] = _compute(spec, survey, instrument, wave,
                                                             lang)
    return out


def _latest_wave(study: Any, survey: pd.DataFrame) -> int:
    """The study's latest wave; without a study, the latest wave in the survey."""
    waves = list(getattr(getattr(study, "config", None), "waves", None) or ())
    if not waves and C.WAVE in survey.columns:
        waves = [int(w) for w in pd.to_numeric(survey[C.WAVE], errors="coerce").dropna()]
    if not waves:
        raise AnalysisError("report_tables: no wave given and none in the study or the "
                            "survey; pass wave=")
    return int(max(waves))


# --------------------------------------------------------------------------- specs


def _specs(tables) -> tuple[TableSpec, ...]:
    if tables is None:
        raise StudyError("no tables file: give tables=, or put tables.yaml beside study.yaml")
    if isinstance(tables, (str, Path)):
        path = Path(tables)
        if not path.is_file():
            raise StudyError(f"{path} does not exist; a study's published tables are "
                             "described in tables.yaml beside study.yaml")
        return load_tables(path).tables
    if isinstance(tables, PublishedTables):
        return tables.tables
    specs = []
    problems = []
    for n, entry in enumerate(tables):
        if isinstance(entry, TableSpec):
            specs.append(entry)
            continue
        try:
            specs.append(TableSpec.model_validate(entry))
        except ValidationError as exc:
            problems += [replace(p, row=f"tables[{n}].{p.row}")
                         for p in model_problems(exc, file="tables")]
    if problems:
        raise DataValidationError(problems)
    return tuple(specs)


def _spec_items(spec: TableSpec, instrument: Instrument) -> list[str]:
    if spec.items:
        return list(spec.items)
    if spec.multi_select:
        return [o.id for o in instrument.options(spec.multi_select)]
    return [i.id for i in instrument.items
            if (spec.block is None or i.block == spec.block)
            and (spec.response_set is None or i.response_set == spec.response_set)]


def _spec_scales(spec: TableSpec, instrument: Instrument) -> list[str]:
    if spec.items:
        return list(spec.items)
    return [s.id for s in instrument.scales if spec.block is None or s.block == spec.block]


def _spec_problems(spec: TableSpec, instrument: Instrument, survey: pd.DataFrame) -> list[str]:
    where = f"table {spec.id!r}"
    problems = []
    for column in spec.by:
        if column not in survey.columns:
            problems.append(f"{where}: by={column!r} is not a column of the survey")
    if spec.kind == "respondents":
        return problems
    if spec.kind == "multi_select":
        if spec.multi_select not in {m.id for m in instrument.multi_select}:
            problems.append(f"{where}: multi_select {spec.multi_select!r} is not a "
                            "multi-select question of the instrument")
        return problems
    if spec.kind == "scales":
        known = {s.id for s in instrument.scales}
        chosen = _spec_scales(spec, instrument)
        if not chosen:
            problems.append(f"{where}: no scales in block {spec.block!r}")
        problems += [f"{where}: {s!r} is not a scale of the instrument"
                     for s in chosen if s not in known]
        return problems
    known = {i.id for i in instrument.items}
    chosen = _spec_items(spec, instrument)
    if not chosen:
        problems.append(f"{where}: selects no items (block={spec.block!r}, "
                        f"response_set={spec.response_set!r})")
    problems += [f"{where}: {i!r} is not an item of the instrument"
                 for i in chosen if i not in known]
    if spec.kind == "categories" and not spec.categories:
        problems.append(f"{where}: kind categories needs categories: {{name: [codes]}}")
    return problems


# --------------------------------------------------------------------------- compute


def _compute(spec: TableSpec, survey: pd.DataFrame, instrument: Instrument, wave: int,
             lang: str) -> pd.DataFrame:
    waves = list(spec.waves) or [wave]
    by = list(spec.by)
    if spec.kind == "respondents":
        return _respondents(survey, waves, by)
    pieces = []
    for w in waves:
        data = survey[survey[C.WAVE] == w] if C.WAVE in survey.columns else survey
        if spec.kind == "scales":
            part = _scales(spec, data, instrument, lang, w)
        else:
            part = _grouped(spec, data, instrument, by, lang)
            if spec.total and by:
                whole = _grouped(spec, data, instrument, [], lang)
                for column in by:
                    whole[column] = TOTAL
                part = pd.concat([part, whole[part.columns]], ignore_index=True)
        part.insert(0, C.WAVE, w)
        pieces.append(part)
    return pd.concat(pieces, ignore_index=True)


def _grouped(spec: TableSpec, data: pd.DataFrame, instrument: Instrument, by: list[str],
             lang: str) -> pd.DataFrame:
    if spec.kind == "multi_select":
        return multi_select_table(data, group=spec.multi_select, instrument=instrument,
                                  by=by or None, lang=lang)
    items = _spec_items(spec, instrument)
    if spec.kind == "summary":
        return item_summary(data, items=items, instrument=instrument, by=by or None)
    table = distribution(data, items=items, instrument=instrument, by=by or None, lang=lang)
    if spec.kind == "distribution":
        return table
    return _categories(table, spec.categories, by)


def _categories(table: pd.DataFrame, categories: Mapping[str, Sequence[int]],
                by: list[str]) -> pd.DataFrame:
    """Pool answer codes into named categories (shares of those who answered)."""
    rows = []
    keys = [C.ITEM, *by]
    for key, part in table.groupby(keys, sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        n_asked = int(part[C.N_ASKED].iloc[0])
        n_missing = int(part[C.N_MISSING].iloc[0])
        answered = n_asked - n_missing
        for name, codes in categories.items():
            count = int(part.loc[part[C.CODE].isin(list(codes)), C.COUNT].sum())
            rows.append({**dict(zip(keys, key)), C.CATEGORY: name, C.COUNT: count,
                         C.N_ASKED: n_asked, C.N_MISSING: n_missing,
                         C.SHARE: count / answered if answered else np.nan})
    return pd.DataFrame(rows, columns=[*keys, C.CATEGORY, C.COUNT, C.N_ASKED, C.N_MISSING,
                                       C.SHARE])


def _respondents(survey: pd.DataFrame, waves: list[int], by: list[str]) -> pd.DataFrame:
    data = survey[survey[C.WAVE].isin(waves)]
    counts = data.groupby([C.WAVE, *by], dropna=False).size().rename(C.N).reset_index()
    return counts.sort_values([C.WAVE, *by], kind="stable").reset_index(drop=True)


def _scales(spec: TableSpec, data: pd.DataFrame, instrument: Instrument, lang: str,
            wave: int) -> pd.DataFrame:
    from .reliability import scale_reliabilities

    return scale_reliabilities(data, instrument=instrument, scales=_spec_scales(spec, instrument),
                               wave=wave, lang=lang)


#: file formats ``write_tables`` can write
TABLE_FORMATS = ("csv", "xlsx")


def write_tables(tables: Mapping[str, pd.DataFrame], out_dir: str | Path, *,
                 fmt: str = "csv") -> list[Path]:
    """Write one file per table (``<table id>.csv`` or ``.xlsx``), each atomically.

    CSV files are UTF-8 with ``,`` separators, full precision and no index; the same
    tables give the same bytes. Returns the paths written, in table order.
    """
    check_option("fmt", fmt, TABLE_FORMATS)
    out_dir = Path(out_dir)
    written = []
    for table_id, frame in tables.items():
        target = out_dir / f"{table_id}.{fmt}"
        with atomic_path(target) as tmp:
            if fmt == "csv":
                frame.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
            else:
                frame.to_excel(tmp, index=False, sheet_name=table_id[:31], engine="openpyxl")
        written.append(target)
    return written
