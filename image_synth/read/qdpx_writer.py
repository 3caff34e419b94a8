"""Write a REFI-QDA 1.0 project (``.qdpx``): coded texts kept as tables, for QDA programs.

:func:`write_qdpx` writes an archive that QDA programs (QualCoder, NVivo, MAXQDA,
ATLAS.ti) and :func:`image_synth.read.refi.read_qdpx` read. Two styles:

``"refi"`` (the default, with the package's own ``origin``), as the standard means it:

* the code tree as nested ``<Code>`` elements;
* source attributes as REFI ``<Variables>`` (typed Text, Integer, Float or Boolean
  from the values) and one nameless ``<Case>`` per source holding its values and one
  ``<SourceRef>`` (MAXQDA's form, which QualCoder imports as file attributes);
* one ``<PlainTextSelection>`` per range *and coder*, with that coder as
  ``creatingUser``, so a program that takes the coder from the selection (QualCoder)
  credits every coding to the right person.

``"atlas.ti"``, ATLAS.ti's habits, used for the embedded example study so the reader's
ATLAS.ti path is exercised:

* codes flattened to ``Parent::Child`` names (deeper trees ``A::B::C``);
* source attributes as document groups (``Set`` elements) named ``name: value``;
* codings of the same range share one selection (an ATLAS.ti quotation), whose
  ``creatingUser`` is the range's first coder; each ``<Coding>`` names its own coder.

In both, the project file is ``Project.qde`` (capital P); texts are
``Sources/<guid>.txt``, UTF-8 without byte-order mark, with LF line ends; positions
count characters of that LF text. The output is byte-identical for the same input:
guids are ``uuid5`` of names, the XML carries no dates, and zip entries have a fixed
timestamp and permissions.
"""

from __future__ import annotations

import io
import math
import numbers
import re
import uuid
import zipfile
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from decimal import Decimal
from os import PathLike
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd

from .. import __version__
from .. import columns as C
from ..errors import DataValidationError, Problem
from ..options import check_option
from .refi import ATLAS_SEPARATOR, convention_for, vendor_of
from .safety import MAX_DEPTH

__all__ = ["DEFAULT_ORIGIN", "GUID_NAMESPACE", "QDPX_STYLES", "write_qdpx"]

#: The ``origin`` written unless another is given: this package and its version.
DEFAULT_ORIGIN = f"image_synth {__version__}"
#: How :func:`write_qdpx` writes the code tree, attributes and selections.
QDPX_STYLES = ("refi", "atlas.ti")
#: Namespace of the ``uuid5`` guids (fixed, so guids are the same on every run).
GUID_NAMESPACE = uuid.UUID("5f0c8f3e-2a7d-5b8e-9c41-6d2f0e7a1b93")
#: REFI-QDA project namespace.
PROJECT_NAMESPACE = "urn:QDA-XML:project:1.0"

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = 0o100644 << 16
_DIR_MODE = (0o40755 << 16) | 0x10
_UNIX = 3
_QUOTE_NAME_LENGTH = 60


def write_qdpx(path: str | PathLike[str], *, codes: pd.DataFrame,
               sources: Iterable[Mapping[str, Any]], codings: pd.DataFrame,
               origin: str = DEFAULT_ORIGIN, name: str = "image_synth project",
               style: str | None = None) -> Path:
    """Write coded texts as a REFI-QDA ``.qdpx`` archive.

    Parameters
    ----------
    path
        The archive to write (replaced if it exists).
    codes
        One row per code: ``code`` (unique name, without ``::``) and ``parent`` (the
        parent code's name, or missing for a top-level code); optional
        ``description`` and ``color`` (``#RRGGBB``).
    sources
        One dict per source: ``source_id`` (unique name), ``text`` (the plain text)
        and optionally ``attributes`` (a dict of attribute name to value; missing
        values are left out). ``"refi"`` writes them as Variables and Cases (a
        variable is Integer, Float or Boolean when all its values are, else Text);
        ``"atlas.ti"`` as document groups ``name: value``.
    codings
        One row per coding: ``source_id``, ``code``, ``start``, ``end`` (Python string
        indices into the source's ``text``) and ``coder`` (a user name). ``"refi"``
        gives each coder's codings of a range their own selection; ``"atlas.ti"``
        lets all codings of a range share one.
    origin
        The ``origin`` attribute of ``<Project>``; it decides how positions are counted
        (:func:`image_synth.read.refi.convention_for`).
    name
        The project's name.
    style
        ``"refi"`` or ``"atlas.ti"`` (:data:`QDPX_STYLES`, see the module's notes).
        None: ``"atlas.ti"`` when ``origin`` names ATLAS.ti (a file that says it comes
        from ATLAS.ti is written as ATLAS.ti writes), else ``"refi"``.

    Returns
    -------
    pathlib.Path
        The archive written.

    Raises
    ------
    DataValidationError
        Listing every problem in the arguments: repeated or unknown codes and sources,
        parents that do not exist or form a cycle, a code tree deeper than
        :data:`~image_synth.read.safety.MAX_DEPTH` levels, ``::`` in a code name
        (REFI readers take it for a level separator), positions outside the text.
    OptionError
        When ``style`` is not one of :data:`QDPX_STYLES`.

    Examples
    --------
    >>> import pandas as pd, tempfile, os
    >>> from image_synth.read.refi import read_qdpx
    >>> folder = tempfile.mkdtemp()
    >>> path = write_qdpx(os.path.join(folder, "demo.qdpx"),
    ...     codes=pd.DataFrame({"code": ["trust", "shared vision"], "parent": [None, "trust"]}),
    ...     sources=[{"source_id": "interview 1", "text": "We trust each other.",
    ...               "attributes": {"region": "A"}}],
    ...     codings=pd.DataFrame({"source_id": ["interview 1"], "code": ["trust"],
    ...                           "start": [3], "end": [8], "coder": ["analyst"]}))
    >>> read_qdpx(path).codings[["code", "quote", "region"]].values.tolist()
    [['trust', 'trust', 'A']]
    """
    if style is None:
        style = "atlas.ti" if vendor_of(origin) == "atlas.ti" else "refi"
    check_option("style", style, QDPX_STYLES)
    sources = [dict(source) for source in sources]
    problems = _check_codes(codes) + _check_sources(sources, style=style)
    if not problems:
        problems = _check_codings(codings, codes, sources)
    if problems:
        raise DataValidationError(problems, title=f"cannot write {path}: "
                                  f"{len(problems)} problem{'s' if len(problems) != 1 else ''}")
    project = _Project(codes, sources, codings, origin=origin, name=name, style=style)
    archive = _zip_bytes(project.members())
    return _write_atomically(Path(path), archive)


# ----------------------------------------------------------------- checks


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _check_codes(codes: pd.DataFrame) -> list[Problem]:
    file = "codes (argument of write_qdpx)"
    absent = [column for column in (C.CODE, C.PARENT) if column not in codes.columns]
    if absent:
        return [Problem(file, "column missing", column=column, expected="columns code, parent")
                for column in absent]
    problems: list[Problem] = []
    names = list(codes[C.CODE])
    seen: set[str] = set()
    for row, (code, parent) in enumerate(zip(names, codes[C.PARENT]), start=1):
        if _missing(code) or not str(code).strip():
            problems.append(Problem(file, "code has no name", row=row, column=C.CODE))
            continue
        if ATLAS_SEPARATOR in str(code):
            problems.append(Problem(file, "code name contains '::', ATLAS.ti's level separator",
                                    row=row, column=C.CODE, value=code,
                                    expected="a name without '::'"))
        if code in seen:
            problems.append(Problem(file, "code listed twice", row=row, column=C.CODE,
                                    value=code, expected="unique code names"))
        seen.add(code)
        if not _missing(parent) and parent not in names:
            problems.append(Problem(file, "parent is not a code", row=row, column=C.PARENT,
                                    value=parent, expected="the name of another row's code"))
    if not problems:
        problems += _cycle_problems(codes, file)
    return problems


def _cycle_problems(codes: pd.DataFrame, file: str) -> list[Problem]:
    parent_of = {code: parent for code, parent in zip(codes[C.CODE], codes[C.PARENT])
                 if not _missing(parent)}
    problems = []
    for row, code in enumerate(codes[C.CODE], start=1):
        seen, current = {code}, parent_of.get(code)
        while current is not None:
            if current in seen:
                problems.append(Problem(file, "code is its own ancestor", row=row,
                                        column=C.PARENT, value=code,
                                        expected="a tree without cycles"))
                break
            if len(seen) >= MAX_DEPTH:
                problems.append(Problem(file, f"code is more than {MAX_DEPTH} levels deep "
                                        "in the code tree", row=row, column=C.PARENT,
                                        value=code,
                                        expected=f"a tree at most {MAX_DEPTH} levels deep"))
                break
            seen.add(current)
            current = parent_of.get(current)
    return problems


def _check_sources(sources: list[dict[str, Any]], *, style: str) -> list[Problem]:
    file = "sources (argument of write_qdpx)"
    problems: list[Problem] = []
    seen: set[str] = set()
    for row, source in enumerate(sources, start=1):
        source_id = source.get(C.SOURCE_ID)
        if _missing(source_id) or not str(source_id).strip():
            problems.append(Problem(file, "source has no source_id", row=row,
                                    column=C.SOURCE_ID))
        elif source_id in seen:
            problems.append(Problem(file, "source listed twice", row=row, column=C.SOURCE_ID,
                                    value=source_id, expected="unique source_id values"))
        seen.add(source_id)
        if not isinstance(source.get("text"), str):
            problems.append(Problem(file, "source has no text", row=row, column="text",
                                    value=type(source.get("text")).__name__,
                                    expected="a str"))
        for attribute in (source.get("attributes") or {}):
            if not str(attribute).strip():
                problems.append(Problem(file, "attribute has no name", row=row,
                                        column="attributes", value=attribute,
                                        expected="a non-empty name"))
            elif style == "atlas.ti" and ":" in str(attribute):
                problems.append(Problem(file, "attribute name cannot be a document group name",
                                        row=row, column="attributes", value=attribute,
                                        expected="a non-empty name without ':'"))
    return problems


def _check_codings(codings: pd.DataFrame, codes: pd.DataFrame,
                   sources: list[dict[str, Any]]) -> list[Problem]:
    file = "codings (argument of write_qdpx)"
    needed = (C.SOURCE_ID, C.CODE, C.START, C.END, C.CODER)
    absent = [column for column in needed if column not in codings.columns]
    if absent:
        return [Problem(file, "column missing", column=column,
                        expected="columns " + ", ".join(needed)) for column in absent]
    texts = {source[C.SOURCE_ID]: source["text"] for source in sources}
    known_codes = set(codes[C.CODE])
    problems: list[Problem] = []
    for row, record in enumerate(codings[list(needed)].itertuples(index=False), start=1):
        source_id, code, start, end, coder = record
        if _missing(coder) or not str(coder).strip():
            problems.append(Problem(file, "coding has no coder", row=row, column=C.CODER,
                                    expected="a user name"))
        if source_id not in texts:
            problems.append(Problem(file, "coding of an unknown source", row=row,
                                    column=C.SOURCE_ID, value=source_id,
                                    expected="a source_id of sources"))
        if code not in known_codes:
            problems.append(Problem(file, "coding of an unknown code", row=row, column=C.CODE,
                                    value=code, expected="a code of codes"))
        if source_id in texts:
            problems += _range_problems(file, row, start, end, len(texts[source_id]))
    return problems


def _range_problems(file: str, row: int, start: Any, end: Any, length: int) -> list[Problem]:
    if _missing(start) or _missing(end) or int(start) != start or int(end) != end:
        return [Problem(file, "start and end must be whole numbers", row=row, column=C.START,
                        value=(start, end))]
    if not 0 <= start <= end <= length:
        return [Problem(file, "range is outside the source text", row=row, column=C.END,
                        value=(int(start), int(end)),
                        expected=f"0 <= start <= end <= {length}")]
    return []


# ----------------------------------------------------------------- building


def _guid(kind: str, *parts: Any) -> str:
    key = "\x1f".join([kind, *(str(part) for part in parts)])
    return str(uuid.uuid5(GUID_NAMESPACE, key)).upper()


def _lf_text(text: str) -> tuple[str, list[int]]:
    """The text as written (no BOM, LF line ends) and the indices of removed characters."""
    removed = [match.start() for match in re.finditer("\r\n", text)]
    if text.startswith("\ufeff"):
        removed.insert(0, 0)
    return text.lstrip("\ufeff").replace("\r\n", "\n"), removed


class _Project:
    """The XML and texts of one project, built from the validated arguments."""

    def __init__(self, codes: pd.DataFrame, sources: list[dict[str, Any]],
                 codings: pd.DataFrame, *, origin: str, name: str, style: str):
        self.codes = codes.reset_index(drop=True)
        self.sources = sources
        self.codings = codings.reset_index(drop=True)
        self.origin = origin
        self.name = name
        self.style = style
        self.convention = convention_for(origin)
        self.coders = list(dict.fromkeys(str(coder) for coder in self.codings[C.CODER]))

    def members(self) -> list[tuple[str, bytes]]:
        texts = []
        for source in self.sources:
            text, _ = _lf_text(source["text"])
            member = f"Sources/{self._text_guid(source)}.txt"
            texts.append((member, text.encode("utf-8")))
        return [("Project.qde", self.xml())] + texts

    def _text_guid(self, source: Mapping[str, Any]) -> str:
        return _guid("text", source[C.SOURCE_ID])

    def xml(self) -> bytes:
        root = ET.Element("Project", {"xmlns": PROJECT_NAMESPACE, "name": self.name,
                                      "origin": self.origin})
        self._users(ET.SubElement(root, "Users"))
        codes_el = ET.SubElement(ET.SubElement(root, "CodeBook"), "Codes")
        if self.style == "refi":
            self._code_tree(codes_el)
            self._variables_and_cases(root)
        else:
            self._codebook(codes_el)
        self._sources(ET.SubElement(root, "Sources"))
        groups = self._groups() if self.style == "atlas.ti" else {}
        if groups:
            sets = ET.SubElement(root, "Sets")
            for group_name, members in groups.items():
                set_el = ET.SubElement(sets, "Set", {"guid": _guid("set", group_name),
                                                     "name": group_name})
                for source_id in members:
                    ET.SubElement(set_el, "MemberSource",
                                  {"targetGUID": _guid("source", source_id)})
        ET.indent(root, space="    ")
        body = ET.tostring(root, encoding="unicode")
        return ('<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n' + body
                + "\n").encode("utf-8")

    def _users(self, users: ET.Element) -> None:
        for coder in self.coders:
            ET.SubElement(users, "User", {"guid": _guid("user", coder), "name": coder})

    def _code_names(self) -> dict[str, str]:
        """Each code's path joined with ``::`` (its ATLAS.ti name; the key of its guid)."""
        parent_of = {code: parent for code, parent in zip(self.codes[C.CODE], self.codes[C.PARENT])
                     if not _missing(parent)}
        names = {}
        for code in self.codes[C.CODE]:
            chain, current = [code], parent_of.get(code)
            while current is not None:
                chain.insert(0, current)
                current = parent_of.get(current)
            names[code] = ATLAS_SEPARATOR.join(chain)
        return names

    def _code_element(self, row: Mapping[str, Any], guid_name: str, name: str) -> ET.Element:
        attributes = {"guid": _guid("code", guid_name), "name": name, "isCodable": "true"}
        if not _missing(row.get("color")):
            attributes["color"] = str(row["color"])
        code_el = ET.Element("Code", attributes)
        if not _missing(row.get("description")):
            ET.SubElement(code_el, "Description").text = str(row["description"])
        return code_el

    def _codebook(self, codes_el: ET.Element) -> None:
        """ATLAS.ti: one flat list, names ``Parent::Child``."""
        names = self._code_names()
        for row in self.codes.to_dict("records"):
            full = names[row[C.CODE]]
            codes_el.append(self._code_element(row, full, full))

    def _code_tree(self, codes_el: ET.Element) -> None:
        """REFI: each code inside its parent's ``<Code>``, in the order of the rows."""
        names = self._code_names()
        rows = self.codes.to_dict("records")
        elements = {row[C.CODE]: self._code_element(row, names[row[C.CODE]], str(row[C.CODE]))
                    for row in rows}
        for row in rows:
            parent = row[C.PARENT]
            holder = codes_el if _missing(parent) else elements[parent]
            holder.append(elements[row[C.CODE]])

    def _variables_and_cases(self, root: ET.Element) -> None:
        values: dict[str, dict[str, Any]] = {}      # variable -> source -> value
        for source in self.sources:
            for attribute, value in (source.get("attributes") or {}).items():
                if not _missing(value):
                    values.setdefault(str(attribute), {})[source[C.SOURCE_ID]] = value
        if not values:
            return
        kinds = {name: _variable_kind(list(by_source.values()))
                 for name, by_source in values.items()}
        variables = ET.SubElement(root, "Variables")
        for name, kind in kinds.items():
            ET.SubElement(variables, "Variable", {"guid": _guid("variable", name),
                                                  "name": name, "typeOfVariable": kind})
        cases = ET.SubElement(root, "Cases")
        for source in self.sources:
            source_id = source[C.SOURCE_ID]
            own = [(name, by_source[source_id]) for name, by_source in values.items()
                   if source_id in by_source]
            if not own:
                continue
            case = ET.SubElement(cases, "Case", {"guid": _guid("case", source_id)})
            for name, value in own:
                value_el = ET.SubElement(case, "VariableValue")
                ET.SubElement(value_el, "VariableRef", {"targetGUID": _guid("variable", name)})
                ET.SubElement(value_el, f"{kinds[name]}Value").text = _value_text(value,
                                                                                  kinds[name])
            ET.SubElement(case, "SourceRef", {"targetGUID": _guid("source", source_id)})

    def _sources(self, sources_el: ET.Element) -> None:
        names = self._code_names()
        for source in self.sources:
            source_id = source[C.SOURCE_ID]
            source_el = ET.SubElement(sources_el, "TextSource", {
                "guid": _guid("source", source_id), "name": str(source_id),
                "plainTextPath": f"internal://{self._text_guid(source)}.txt"})
            own = self.codings[self.codings[C.SOURCE_ID] == source_id]
            self._selections(source_el, source, own, names)

    def _selections(self, source_el: ET.Element, source: Mapping[str, Any],
                    codings: pd.DataFrame, names: dict[str, str]) -> None:
        text, removed = _lf_text(source["text"])
        counted = self.convention.prepare(text)
        source_id = source[C.SOURCE_ID]
        ranges = sorted({(int(start), int(end)) for start, end
                         in zip(codings[C.START], codings[C.END])})
        for start, end in ranges:
            same = codings[(codings[C.START] == start) & (codings[C.END] == end)]
            lf_start = start - bisect_left(removed, start)
            lf_end = end - bisect_left(removed, end)
            if self.style == "atlas.ti":
                groups = [(str(same[C.CODER].iloc[0]), same, ())]
            else:
                coders = sorted(set(map(str, same[C.CODER])), key=self.coders.index)
                groups = [(coder, same[same[C.CODER].astype(str) == coder], (coder,))
                          for coder in coders]
            for creator, own, key in groups:
                selection = ET.SubElement(source_el, "PlainTextSelection", {
                    "guid": _guid("selection", source_id, start, end, *key),
                    "name": _selection_name(text[lf_start:lf_end]),
                    "startPosition": str(counted.position_of(lf_start)),
                    "endPosition": str(counted.position_of(lf_end)),
                    "creatingUser": _guid("user", creator)})
                self._codings(selection, own, (source_id, start, end), names)

    def _codings(self, selection: ET.Element, codings: pd.DataFrame,
                 where: tuple[Any, ...], names: dict[str, str]) -> None:
        occurrences: dict[tuple[str, str], int] = {}
        for code, coder in zip(codings[C.CODE], codings[C.CODER]):
            key = (str(code), str(coder))
            occurrences[key] = occurrences.get(key, 0) + 1
            coding = ET.SubElement(selection, "Coding", {
                "guid": _guid("coding", *where, code, coder, occurrences[key]),
                "creatingUser": _guid("user", str(coder))})
            ET.SubElement(coding, "CodeRef", {"targetGUID": _guid("code", names[code])})

    def _groups(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for source in self.sources:
            for attribute, value in (source.get("attributes") or {}).items():
                if _missing(value):
                    continue
                groups.setdefault(f"{attribute}: {value}", []).append(source[C.SOURCE_ID])
        return groups


def _variable_kind(values: list[Any]) -> str:
    """REFI ``typeOfVariable`` for these values: Boolean, Integer, Float or Text."""
    if all(isinstance(value, (bool, np.bool_)) for value in values):
        return "Boolean"
    numbers_only = [value for value in values if isinstance(value, numbers.Real)
                    and not isinstance(value, (bool, np.bool_))]
    if len(numbers_only) == len(values):
        if all(isinstance(value, numbers.Integral) for value in values):
            return "Integer"
        if all(math.isfinite(value) for value in values):
            return "Float"
    return "Text"


def _value_text(value: Any, kind: str) -> str:
    if kind == "Boolean":
        return "true" if value else "false"
    if kind == "Integer":
        return str(int(value))
    if kind == "Float":
        return format(Decimal(repr(float(value))), "f")  # xsd:decimal has no exponent
    return str(value)


def _selection_name(quote: str) -> str:
    flat = " ".join(quote.split())
    if len(flat) <= _QUOTE_NAME_LENGTH:
        return flat
    return flat[:_QUOTE_NAME_LENGTH - 1] + "…"


# ----------------------------------------------------------------- the archive


def _zip_info(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.create_system = _UNIX
    info.external_attr = mode
    info.compress_type = zipfile.ZIP_STORED if name.endswith("/") else zipfile.ZIP_DEFLATED
    return info


def _zip_bytes(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        qde, *texts = members
        archive.writestr(_zip_info(qde[0], _FILE_MODE), qde[1])
        archive.writestr(_zip_info("Sources/", _DIR_MODE), b"")
        for name, data in texts:
            archive.writestr(_zip_info(name, _FILE_MODE), data)
    return buffer.getvalue()


def _write_atomically(path: Path, data: bytes) -> Path:
    from ..atomic import write_atomic

    return write_atomic(path, data)
