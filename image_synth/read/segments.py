"""Reading coded segments: REFI-QDA projects and flat CSV/XLSX exports.

Whatever the format, the result is the segment table of
:data:`image_synth.columns.SEGMENT_COLUMNS`: one row per coding, with ``code`` being
the *codebook id* (QDA exports name codes by label or by ``Parent::Child`` path; they
are matched to the codebook by id, labels and ``qda_names``).

A QDA project also describes its sources (REFI ``Variables``/``Cases``, ATLAS.ti
document groups ``name: value``): :func:`read_segment_file` returns those attributes
beside the segments, one ``attr:<name>`` column per attribute, so the study keeps them
(:func:`image_synth.read.sources.add_source_attributes`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from .. import columns as C
from ..errors import DataValidationError, Problem
from ..study.models import Codebook
from .tabular import load_table, parse_int, records

__all__ = ["ATTRIBUTE_PREFIX", "SegmentFile", "read_flat_segments", "read_segment_file",
           "read_segments"]

_QDA_SUFFIXES = (".qdpx", ".qde")
#: Prefix of the columns holding a QDA project's source attributes: ``attr:<name>``.
ATTRIBUTE_PREFIX = "attr:"
#: Columns of the QDA source table that are not attributes.
_SOURCE_KEYS = ("source_guid", "source_kind")


@dataclass(frozen=True)
class SegmentFile:
    """What one file of coded segments says.

    Attributes
    ----------
    segments
        One row per coding (see :func:`read_segments`).
    sources
        One row per source the file describes: ``source_id``, then one
        ``attr:<name>`` column per source attribute of a QDA project, the values as
        the project types them (text, whole number, decimal number, true/false;
        missing where a source has none). A flat export has no attribute columns and
        lists the sources its segments name.
    """

    segments: pd.DataFrame
    sources: pd.DataFrame


def read_segments(path: str | Path, *, codebook: Codebook | None = None,
                  known_sources: set[str] | None = None,
                  file: str | None = None) -> pd.DataFrame:
    """Read coded segments from a ``.qdpx``/``.qde`` project or a flat CSV/XLSX export.

    Codes are mapped onto the codebook (when given) and sources checked against
    ``known_sources`` (when given); every unknown reference is reported at once.
    :func:`read_segment_file` gives the sources' attributes as well.

    Returns
    -------
    pandas.DataFrame
        ``segment_id``, ``source_id``, ``code``, ``code_path``, ``start``, ``end``
        (Int64, may be missing for flat exports), ``quote``, ``coder``.
    """
    return read_segment_file(path, codebook=codebook, known_sources=known_sources,
                             file=file).segments


def read_segment_file(path: str | Path, *, codebook: Codebook | None = None,
                      known_sources: set[str] | None = None,
                      file: str | None = None) -> SegmentFile:
    """Read a file of coded segments with the attributes of its sources.

    Parameters are those of :func:`read_segments`.

    Returns
    -------
    SegmentFile
        ``segments`` (the table :func:`read_segments` returns) and ``sources``
        (``source_id`` and one ``attr:<name>`` column per QDA source attribute).

    Examples
    --------
    >>> from image_synth.study.load import example_study_path
    >>> read = read_segment_file(example_study_path() / "qual" / "interviews_2023.qdpx")
    >>> read.sources.set_index("source_id").loc["INT2023_G_po", "attr:situation"]
    'po_vo'
    """
    path = Path(path)
    shown = file or str(path)
    if path.suffix.lower() in _QDA_SUFFIXES:
        from .refi import read_qdpx

        project = read_qdpx(path, file=shown)
        codings = project.codings
        frame = codings.reindex(columns=list(C.SEGMENT_COLUMNS))
        frame["code_name"] = codings[C.CODE_PATH].fillna(codings[C.CODE])
        frame["leaf_name"] = codings[C.CODE]
        sources = _attribute_frame(project.sources)
        places = None
    else:
        frame, places = _read_flat(path, shown)
        frame["code_name"] = frame[C.CODE]
        frame["leaf_name"] = frame[C.CODE]
        sources = pd.DataFrame({C.SOURCE_ID: pd.unique(frame[C.SOURCE_ID])})
    return SegmentFile(segments=_mapped(frame, shown, codebook, known_sources, places),
                       sources=sources)


def _attribute_frame(qda_sources: pd.DataFrame) -> pd.DataFrame:
    """The QDA source table with every attribute column named ``attr:<name>``."""
    frame = qda_sources.drop(columns=[c for c in _SOURCE_KEYS if c in qda_sources.columns])
    return frame.rename(columns={c: f"{ATTRIBUTE_PREFIX}{c}" for c in frame.columns
                                 if c != C.SOURCE_ID}).reset_index(drop=True)


def _mapped(frame: pd.DataFrame, shown: str, codebook: Codebook | None,
            known_sources: set[str] | None,
            places: tuple[int | str, ...] | None = None) -> pd.DataFrame:
    """Codes mapped onto the codebook and sources checked; every problem at once.

    ``places`` says where each segment of a flat export is in its file (``"line N"`` of a
    CSV, the sheet row ``N`` of an XLSX); a problem names it before the segment id,
    ``line 30 (segment interviews_2022:29)``. A QDA project's segments are named by id.
    """
    problems: list[Problem] = []
    segment_ids = frame[C.SEGMENT_ID].tolist()

    def where(n: int, segment_id) -> str:
        if places is None:
            return f"segment {segment_id}"
        place = places[n] if n < len(places) else n + 1
        return f"{place if isinstance(place, str) else f'row {place}'} (segment {segment_id})"
    if codebook is not None:
        index = codebook.name_index()
        names = list(zip(frame["code_name"].tolist(), frame["leaf_name"].tolist()))
        # a project codes thousands of segments with a few dozen codes: match each name once
        matches = {pair: _match_code(index, *pair) for pair in dict.fromkeys(names)}
        mapped = []
        for n, (segment_id, (name, leaf)) in enumerate(zip(segment_ids, names)):
            code = matches[name, leaf]
            if code is None:
                problems.append(Problem(file=shown, row=where(n, segment_id),
                                        column=C.CODE, value=name,
                                        message="code is not in the codebook",
                                        expected="a code id, label or qda_name of the "
                                                 "codebook"))
            mapped.append(code)
        paths = {code: _path(codebook, code) for code in dict.fromkeys(mapped) if code}
        frame[C.CODE] = mapped
        frame[C.CODE_PATH] = [paths[c] if c else None for c in mapped]
    if known_sources is not None:
        for n, (segment_id, source_id) in enumerate(zip(segment_ids,
                                                        frame[C.SOURCE_ID].tolist())):
            if source_id not in known_sources:
                problems.append(Problem(file=shown, row=where(n, segment_id),
                                        column=C.SOURCE_ID, value=source_id,
                                        message="source is not in the sources table",
                                        expected="a source_id listed in the study's sources"))
    if problems:
        raise DataValidationError(problems)
    return frame[list(C.SEGMENT_COLUMNS)].reset_index(drop=True)


def _match_code(index: dict[str, str], name: str | None, leaf: str | None) -> str | None:
    for candidate in (name, leaf, (name or "").replace(" > ", "::"),
                      (name or "").split("::")[-1], (name or "").split(" > ")[-1]):
        if candidate and candidate.strip().casefold() in index:
            return index[candidate.strip().casefold()]
    return None


def _path(codebook: Codebook, code_id: str) -> str:
    """``parent > child``: the code's ids from the top of the tree. An id that holds its
    parent's path already (``init`` names a code whose name is used twice
    ``Barriers > Other``) adds only its own last part."""
    parts, seen = [], set()
    current: str | None = code_id
    while current is not None and current not in seen:
        seen.add(current)
        parts.append(current)
        current = codebook.code(current).parent
    path = ""
    for part in reversed(parts):
        path = part if not path or part.startswith(path + " > ") else f"{path} > {part}"
    return path


def read_flat_segments(path: str | Path, *, file: str | None = None) -> pd.DataFrame:
    """Read a flat export: one row per coded segment.

    Required columns ``source_id``, ``code``, ``quote``; optional ``start``, ``end``
    (character offsets), ``coder``, ``segment_id`` (default ``<file stem>:<row>``, the
    row counted from the first data row). Problems name the file's line (CSV) or sheet
    row (XLSX).
    """
    path = Path(path)
    return _read_flat(path, file or str(path))[0]


def _read_flat(path: Path, shown: str) -> tuple[pd.DataFrame, tuple[int | str, ...]]:
    """:func:`read_flat_segments`, and where each segment is in the file (see
    :attr:`image_synth.read.tabular.Table.rows`)."""
    table = load_table(path, file=shown)
    if table.problems:
        raise DataValidationError(list(table.problems))
    raw = table.frame
    problems = [Problem(file=shown, column=c, message="required column is missing",
                        expected=f"a column named {c!r}")
                for c in (C.SOURCE_ID, C.CODE, C.QUOTE) if c not in raw.columns]
    if problems:
        raise DataValidationError(problems)
    starts, ends = [], []
    for row, record in enumerate(records(raw), start=1):
        for column, sink in ((C.START, starts), (C.END, ends)):
            text = str(record.get(column, "") or "")
            try:
                value = parse_int(text)
                if value is not None and value < 0:
                    raise ValueError(text)
            except ValueError:
                problems.append(Problem(file=shown, row=row, column=column, value=text,
                                        message="not a character offset",
                                        expected="a whole number >= 0 or empty"))
                value = None
            sink.append(value)
        if starts[-1] is not None and ends[-1] is not None and ends[-1] < starts[-1]:
            problems.append(Problem(file=shown, row=row, column=C.END, value=ends[-1],
                                    message="segment ends before it starts",
                                    expected=f"an offset >= start ({starts[-1]})"))
        for column in (C.SOURCE_ID, C.CODE):
            if not str(record[column]).strip():
                problems.append(Problem(file=shown, row=row, column=column,
                                        message="empty cell", expected="a value"))
    if problems:  # data row numbers -> "line N" of a CSV, row N of a sheet
        raise DataValidationError([replace(p, row=table.row(p.row)) if isinstance(p.row, int)
                                   else p for p in problems])
    stem = path.stem
    ids = (raw[C.SEGMENT_ID].str.strip() if C.SEGMENT_ID in raw.columns
           else pd.Series([f"{stem}:{i}" for i in range(1, len(raw) + 1)]))
    frame = pd.DataFrame({
        C.SEGMENT_ID: ids.to_numpy(),
        C.SOURCE_ID: raw[C.SOURCE_ID].str.strip().to_numpy(),
        C.CODE: raw[C.CODE].str.strip().to_numpy(),
        C.CODE_PATH: None,
        C.START: pd.array(starts, dtype="Int64"),
        C.END: pd.array(ends, dtype="Int64"),
        C.QUOTE: raw[C.QUOTE].to_numpy(),
        C.CODER: (raw[C.CODER].replace("", pd.NA) if C.CODER in raw.columns
                  else pd.Series([pd.NA] * len(raw))).to_numpy(),
    })
    return frame, tuple(table.rows)
