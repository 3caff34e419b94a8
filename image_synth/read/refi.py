"""Read REFI-QDA exchange files: projects (``.qdpx``, ``.qde``) and codebooks (``.qdc``).

REFI-QDA 1.0 (namespaces ``urn:QDA-XML:project:1.0`` and ``urn:QDA-XML:codebook:1.0``)
is written by ATLAS.ti, NVivo, MAXQDA, QualCoder and others, each with its own habits.
This reader turns a project into tidy tables (codes, sources with their attributes,
one row per coding with its quote) and copes with what vendors really write:

* the project file inside the archive is ``project.qde``, ``Project.qde`` or
  ``<name>.qde``; source texts are under ``Sources/`` or ``sources/``;
* the code tree is nested ``<Code>`` elements, or ATLAS.ti's flattened
  ``Parent::Child`` names (parents that only exist through their children are added
  and marked ``implied``);
* source attributes come from REFI ``Variables``/``Cases`` (NVivo, MAXQDA, including
  MAXQDA's nameless one-source cases), from ``VariableValue`` on a source, or from
  ATLAS.ti document groups named ``name: value`` (or ``name::value``);
* selection offsets are counted differently: NVivo counts UTF-16 code units in the
  text as stored (CRLF counts 2, an emoji counts 2), ATLAS.ti counts characters in
  the text with CRLF turned into LF (see :data:`OFFSET_CONVENTIONS`);
* namespace versions vary (``1.0``, ``1:0``): elements are matched by local name;
* ATLAS.ti for macOS writes names with decomposed accents; names, attribute values
  and quotes are returned in Unicode NFC so they compare equal to typed text;
* ATLAS.ti gives a PDF selection and its twin in the PDF's text representation the
  same guid; that pair is not reported as a duplicate guid;
* ``plainTextPath`` is normally ``internal://<name>``; qc writes the bare name
  (``board_2017.txt``): both are looked up in the archive's ``Sources/`` folder;
* descriptions lose the whitespace that indents them in pretty-printed XML (leading
  and trailing blank lines, the indentation common to their lines, spaces at line
  ends), so they read as typed.

Every file is read through :mod:`image_synth.read.safety`: nothing is extracted to
disk, DTDs and entities are refused, and paths outside the archive are never opened
(``relative://`` and ``absolute://`` texts are left unread; a ``plainTextPath`` that
climbs out, such as ``../x.txt`` or ``/etc/x``, is refused). Nested structures (the
code tree, sets) are walked without recursion and at most
:data:`~image_synth.read.safety.MAX_DEPTH` levels deep.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import pandas as pd

from .. import columns as C
from ..errors import DataValidationError, Problem, UnsafeInputError
from .safety import (
    MAX_DEPTH,
    MAX_TOTAL_BYTES,
    SafeZip,
    ZipLimits,
    member_label,
    parse_xml,
    read_file_limited,
    relative_path_problem,
)

__all__ = [
    "CATEGORY_GROUP",
    "CODE_COLUMNS",
    "CODE_GROUP_COLUMNS",
    "OFFSET_CONVENTIONS",
    "OffsetConvention",
    "QdaCodebook",
    "QdaProject",
    "SourceText",
    "convention_for",
    "read_qdc",
    "read_qdpx",
    "vendor_of",
]

#: Separator of the levels in ``code_path``.
PATH_SEPARATOR = " > "
#: ATLAS.ti's separator in flattened code names (``Parent::Child``).
ATLAS_SEPARATOR = "::"

#: Columns of the code table, in order.
CODE_COLUMNS = (C.CODE, C.CODE_PATH, C.PARENT, "parent_path", "guid", C.LABEL, "description",
                "color", "is_codable", "implied")
#: Columns of the code-group table (one row per code in a group), in order.
CODE_GROUP_COLUMNS = (C.GROUP, C.CODE, C.CODE_PATH, "guid")
#: A code group named ``category: <category>`` (or ``category::<category>``) gives its
#: codes, and their descendants, that codebook category (:meth:`QdaCodebook.to_codebook`).
CATEGORY_GROUP = "category"
#: Columns of the source table before the attribute columns.
SOURCE_KEY_COLUMNS = (C.SOURCE_ID, "source_guid", "source_kind")
#: Columns of the coding table before the attribute columns.
CODING_KEY_COLUMNS = C.SEGMENT_COLUMNS + ("selection_kind",)

_SOURCE_KINDS = ("TextSource", "PictureSource", "PDFSource", "AudioSource", "VideoSource")
_SELECTION_KINDS = ("PlainTextSelection", "PictureSelection", "PDFSelection",
                    "AudioSelection", "VideoSelection")
_TEXT_CARRIERS = ("Representation", "TextDescription", "Transcript")
_NAMED_STEPS = set(_SOURCE_KINDS) | {"Code", "Set", "Note", "Case", "Variable", "Graph",
                                     "User"}
_INTERNAL = "internal://"
#: ``relative://``, ``absolute://``, ``file://``...: a text kept outside the archive.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_ROOT_KINDS = {"Project": "project", "CodeBook": "codebook"}
#: ATLAS.ti document groups used as attributes: ``gender: female`` or ``gender::female``.
_GROUP_ATTRIBUTE = re.compile(r"^\s*(?P<name>[^:]+?)\s*(?:::|:)\s*(?P<value>\S.*?)\s*$")


# ----------------------------------------------------------------- offsets


@dataclass(frozen=True)
class OffsetConvention:
    """How one vendor counts ``startPosition``/``endPosition`` in a plain text.

    Parameters
    ----------
    vendor
        The vendor this convention belongs to.
    keep_crlf
        ``True`` when positions count a CRLF line end as two (the text is sliced as
        stored); ``False`` when CRLF is turned into LF before counting.
    utf16
        ``True`` when positions count UTF-16 code units (a character outside the
        Basic Multilingual Plane, such as an emoji, counts 2); ``False`` when they
        count Unicode code points.

    Notes
    -----
    A leading byte-order mark is never counted.
    """

    vendor: str
    keep_crlf: bool
    utf16: bool

    def prepare(self, text: str) -> SourceText:
        """The text as this vendor counts it: BOM removed, line ends as counted."""
        text = text.removeprefix("\ufeff")
        if not self.keep_crlf:
            text = text.replace("\r\n", "\n")
        return SourceText(text, utf16=self.utf16)


class SourceText:
    """A source's plain text, sliceable in the vendor's position units.

    Parameters
    ----------
    text
        The text as the vendor counts it (see :meth:`OffsetConvention.prepare`).
    utf16
        Whether positions count UTF-16 code units rather than code points.
    """

    def __init__(self, text: str, *, utf16: bool):
        self.text = text
        self.utf16 = utf16
        self._units = text.encode("utf-16-le", errors="surrogatepass") if utf16 else None
        self.length = len(self._units) // 2 if self._units is not None else len(text)

    def slice(self, start: int, end: int) -> str:
        """The quote between two positions, with its line ends as LF."""
        if self._units is not None:
            piece = self._units[2 * start:2 * end].decode("utf-16-le", errors="replace")
        else:
            piece = self.text[start:end]
        return unicodedata.normalize("NFC", piece.replace("\r\n", "\n"))

    def position_of(self, index: int) -> int:
        """The vendor's position of the Python string index ``index`` into :attr:`text`."""
        if self._units is None:
            return index
        return len(self.text[:index].encode("utf-16-le", errors="surrogatepass")) // 2


#: Offset conventions per vendor; ``other`` applies to any origin not listed.
#: NVivo's was checked on a real NVivo 12 export (97 selections start after a line
#: end and end before one only when UTF-16 units over the CRLF text are counted);
#: ATLAS.ti's follows its documented LF normalisation.
OFFSET_CONVENTIONS = {
    "nvivo": OffsetConvention("nvivo", keep_crlf=True, utf16=True),
    "atlas.ti": OffsetConvention("atlas.ti", keep_crlf=False, utf16=False),
    "maxqda": OffsetConvention("maxqda", keep_crlf=False, utf16=False),
    "other": OffsetConvention("other", keep_crlf=False, utf16=False),
}


def vendor_of(origin: str | None) -> str:
    """The vendor named by a ``<Project origin="...">`` attribute.

    >>> vendor_of("NVivo for Windows 12.6"), vendor_of("ATLAS.ti 8.4.0 573"), vendor_of(None)
    ('nvivo', 'atlas.ti', 'other')
    """
    text = (origin or "").lower()
    for vendor, marker in (("nvivo", "nvivo"), ("atlas.ti", "atlas"), ("maxqda", "maxqda")):
        if marker in text:
            return vendor
    return "other"


def convention_for(origin: str | None) -> OffsetConvention:
    """The :class:`OffsetConvention` of the program that wrote ``origin``."""
    return OFFSET_CONVENTIONS[vendor_of(origin)]


# ----------------------------------------------------------------- result


@dataclass(frozen=True, eq=False)
class QdaProject:
    """A REFI-QDA project read into tidy tables.

    Attributes
    ----------
    name, origin, vendor
        The project's name, the ``origin`` attribute (program and version) and the
        vendor it names (``nvivo``, ``atlas.ti``, ``maxqda``, ``other``).
    codes
        One row per code, parents before their children: ``code`` (leaf name),
        ``code_path`` (ancestors and leaf joined with ``" > "``), ``parent`` (parent's
        leaf name or None), ``parent_path`` (the parent's ``code_path``, which tells
        codes with the same leaf name apart), ``guid``, ``label`` (the leaf name: REFI
        1.0 has no separate alias), ``description`` (indenting whitespace trimmed),
        ``color``, ``is_codable``, ``implied`` (True for a parent that exists only
        through ATLAS.ti ``Parent::Child`` names; its guid is None).
    sources
        One row per source: ``source_id`` (the name the user sees; made unique with
        ``" (2)"`` suffixes where names repeat), ``source_guid``, ``source_kind``
        (``TextSource``, ``PDFSource``...), then one column per attribute.
    codings
        One row per ``<Coding>``: ``segment_id`` (``<selection guid>:<coding
        guid>``), ``source_id``, ``code``, ``code_path``, ``start``, ``end`` (vendor
        positions of a text selection, else missing), ``quote`` (the text between
        them, line ends as LF; missing when the text is unavailable or the selection
        is not textual), ``coder`` (user name, or the user guid when unknown),
        ``selection_kind`` (``PlainTextSelection``, ``PDFSelection``, ... or
        ``Source`` for a coding of a whole source), then the source's attributes.
    code_groups
        One row per code in a code group (a ``Set`` of ``MemberCode``): ``group``,
        ``code``, ``code_path``, ``guid``.
    source_groups
        One row per source in a document group (a ``Set`` of ``MemberSource``):
        ``group``, ``source_id``.
    graphs
        One dict per ``<Graph>``: ``guid``, ``name``, ``vertices`` and ``edges``
        (lists of the elements' attributes as written, e.g. ``representedGUID``,
        ``sourceVertex``, ``targetVertex``, ``direction``).
    links
        One dict of attributes per ``<Link>``.
    notes
        One row per ``<Note>``: ``guid``, ``name``, ``text``, ``description``.
    users
        One row per ``<User>``: ``guid``, ``name``.
    messages
        What the reader could not do without failing (source texts not in the file,
        conflicting attribute values...), one sentence each.
    """

    name: str | None
    origin: str | None
    vendor: str
    codes: pd.DataFrame
    sources: pd.DataFrame
    codings: pd.DataFrame
    code_groups: pd.DataFrame
    source_groups: pd.DataFrame
    graphs: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    notes: pd.DataFrame | None = None
    users: pd.DataFrame | None = None
    messages: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class QdaCodebook:
    """A REFI-QDA codebook (``.qdc``) read into tables.

    Attributes
    ----------
    file
        The file as named in messages.
    origin
        The ``origin`` attribute of ``<CodeBook>`` (program and version), or None.
    codes
        One row per code, parents first; the columns of :data:`CODE_COLUMNS` (see
        :class:`QdaProject`).
    code_groups
        One row per code in a code group (a ``Set`` of ``MemberCode``): ``group``,
        ``code``, ``code_path``, ``guid``.
    messages
        What the reader noticed without failing, one sentence each.
    """

    file: str
    origin: str | None
    codes: pd.DataFrame
    code_groups: pd.DataFrame
    messages: tuple[str, ...] = ()

    def to_codebook(self, *, name: str | None = None):
        """The code tree as the package's :class:`~image_synth.study.models.Codebook`.

        Every code of the tree becomes a codebook code:

        * ``id``: the code's name, or its whole path (``Parent > Child``) when another
          code has the same name; ``label``: the name; ``parent``: the parent's id;
          ``description``: the REFI description; ``qda_names``: the path, written
          with ``" > "`` and with ``"::"``, so codings named either way are matched;
        * ``category``: REFI has none. A code group named ``category: <category>``
          (:data:`CATEGORY_GROUP`; ``<category>`` one of ``working_factor``,
          ``hindering_factor``, ``condition``, ``process_yield``, ``result_yield``)
          gives it to its codes and their descendants;
        * ``links`` (the crosswalk to the survey): none; a ``.qdc`` cannot say them.

        Codes left without a category are kept with none, and a ``UserWarning`` names
        them and says how to set one: in the QDA program, put them (or a parent) in a
        ``category: ...`` code group and export the codebook again; or write the
        result to a ``codebook.yaml`` once and edit ``category`` and ``links`` there::

            book = image_synth.read_qdc("codebook.qdc").to_codebook()
            Path("codebook.yaml").write_text(yaml.safe_dump(
                book.model_dump(mode="json", exclude_defaults=True),
                allow_unicode=True, sort_keys=False), encoding="utf-8")

        Parameters
        ----------
        name
            The codebook's name; the file's stem when None.

        Returns
        -------
        image_synth.study.models.Codebook

        Raises
        ------
        DataValidationError
            When a category group names an unknown category, or one code is given two
            categories; every problem at once.
        """
        from ..study.models import CODE_CATEGORIES, Codebook

        problems: list[Problem] = []
        records = [{key: _cell(value) for key, value in row.items()}
                   for row in self.codes.to_dict("records")]
        ids = _codebook_ids(records)
        categories = self._group_categories(records, problems, CODE_CATEGORIES)
        by_path = {row[C.CODE_PATH]: index for index, row in enumerate(records)}
        codes: list[dict[str, Any]] = []
        for index, row in enumerate(records):
            parent = by_path.get(row["parent_path"]) if row["parent_path"] else None
            category = categories.get(index)
            if category is None and parent is not None:
                category = codes[parent]["category"]
            codes.append(_codebook_code(row, ids[index],
                                        ids[parent] if parent is not None else None,
                                        category))
        if problems:
            raise DataValidationError(problems)
        book = _validated_codebook(Codebook, {"name": name or Path(self.file).stem,
                                              "codes": codes}, self.file)
        missing = [code.id for code in book.codes if code.category is None]
        if missing:
            warnings.warn(_uncategorised_message(self.file, missing, CODE_CATEGORIES),
                          UserWarning, stacklevel=2)
        return book

    def _group_categories(self, records: list[dict[str, Any]], problems: list[Problem],
                          allowed: tuple[str, ...]) -> dict[int, str]:
        """Row index -> category given by the ``category: ...`` groups the code is in."""
        by_guid = {_norm_guid(row["guid"]): index for index, row in enumerate(records)
                   if row["guid"]}
        found: dict[int, str] = {}
        for group, guid in zip(self.code_groups[C.GROUP], self.code_groups["guid"]):
            match = _GROUP_ATTRIBUTE.match(group or "")
            if not match or match["name"].casefold() != CATEGORY_GROUP:
                continue
            value = match["value"]
            row = f"Sets/Set[@name={group!r}]"
            if value not in allowed:
                problems.append(Problem(self.file, "code group names an unknown category",
                                        row=row, column="name", value=value,
                                        expected="one of " + ", ".join(allowed)))
                continue
            index = by_guid.get(_norm_guid(guid))
            if index is None:
                continue
            if found.get(index, value) != value:
                problems.append(Problem(
                    self.file, "code is in two category groups", row=row, column="MemberCode",
                    value=records[index][C.CODE_PATH],
                    expected=f"one category per code (it is also in 'category: "
                             f"{found[index]}')"))
                continue
            found[index] = value
        return found


# ----------------------------------------------------------------- public readers


def read_qdpx(path: str | PathLike[str], *, limits: ZipLimits | None = None,
              file: str | None = None) -> QdaProject:
    """Read a REFI-QDA project from a ``.qdpx`` archive or a bare ``.qde`` file.

    Parameters
    ----------
    path
        A ``.qdpx`` (zip holding one ``.qde`` and a ``Sources/`` folder) or a ``.qde``
        (the project XML alone; quotes are then missing, and a warning says so).
    limits
        Limits for reading the archive (:class:`~image_synth.read.safety.ZipLimits`);
        the module defaults when None.
    file
        How to name the file in messages (e.g. relative to the study folder);
        ``str(path)`` when None.

    Returns
    -------
    QdaProject
        Codes, sources, codings with quotes, groups, graphs, notes and users; see
        :class:`QdaProject` for every column.

    Raises
    ------
    UnsafeInputError
        When the file is hostile or damaged: not a zip, truncated, a zip bomb,
        members escaping the archive, a DTD or entities in the XML, XML that is not
        well-formed, a ``plainTextPath`` that climbs out of the archive (``../x``,
        ``/x``, ``C:\\x``), codes or sets nested more than
        :data:`~image_synth.read.safety.MAX_DEPTH` levels deep.
    DataValidationError
        When the project breaks REFI-QDA's rules: no or several ``.qde`` in the
        archive, a coding of an unknown code, a selection past the end of its text
        or ending before it starts, a missing source text, a duplicate guid, a code
        reusing the guid of its ancestor (a cycle). All problems are listed, each
        naming ``archive!member``, the element path
        (``Sources/TextSource[@name='X']/PlainTextSelection[3]``) and the attribute.
        A ``.qdc`` codebook is refused with a message pointing to :func:`read_qdc`.

    Notes
    -----
    Quotes are cut at the selection's positions as the writing program counts them
    (:data:`OFFSET_CONVENTIONS`), after removing a byte-order mark. A text named
    ``internal://<name>`` or by a bare ``<name>`` (qc) is read from the archive's
    ``Sources/`` folder (a bare name also beside the ``.qde``); texts referred to
    outside the archive (``relative://``, ``absolute://``) are never opened.

    Examples
    --------
    >>> project = read_qdpx("interviews.qdpx")            # doctest: +SKIP
    >>> project.codings.groupby("code").source_id.nunique()  # doctest: +SKIP
    """
    label = file or str(path)
    suffix = Path(path).suffix.lower()
    limits = limits or ZipLimits()
    if suffix == ".qde":
        return _read_bare_qde(path, label, limits)
    if suffix == ".qdpx":
        return _read_archive(path, label, limits)
    if suffix == ".qdc":
        raise DataValidationError([Problem(
            label, "this is a REFI-QDA codebook, not a project: read it with read_qdc",
            value=suffix, expected="a .qdpx archive or a .qde file for read_qdpx")])
    raise DataValidationError([Problem(label, "not a REFI-QDA project file", value=suffix,
                                       expected="a .qdpx archive or a .qde file")])


def read_qdc(path: str | PathLike[str], *, max_bytes: int = MAX_TOTAL_BYTES,
             file: str | None = None) -> QdaCodebook:
    """Read a REFI-QDA codebook (``.qdc``): the code tree and the code groups.

    Parameters
    ----------
    path
        The codebook file (root ``<CodeBook>`` in ``urn:QDA-XML:codebook:1.0``). A
        bare project file (``.qde``) is accepted too: its code book and code groups
        are read. For a ``.qdpx`` archive use :func:`read_qdpx`.
    max_bytes
        Largest file accepted.
    file
        How to name the file in messages; ``str(path)`` when None.

    Returns
    -------
    QdaCodebook
        ``codes`` (the columns of :data:`CODE_COLUMNS`, descriptions with their
        indenting whitespace trimmed), ``code_groups`` (``group``, ``code``,
        ``code_path``, ``guid``; members named by ``targetGUID``, or by ``guid`` as
        ATLAS.ti writes them), ``origin``, ``messages``.
        :meth:`QdaCodebook.to_codebook` turns it into a study codebook.

    Raises
    ------
    UnsafeInputError
        When the XML is hostile or not well-formed, or the code tree is deeper than
        :data:`~image_synth.read.safety.MAX_DEPTH` levels.
    DataValidationError
        When the file is a project archive, the root is not a REFI codebook, guids
        repeat, a code reuses the guid of its ancestor, or a group names a code that
        does not exist.

    Examples
    --------
    >>> book = read_qdc("codebook.qdc")                    # doctest: +SKIP
    >>> book.codes[["code", "parent"]]                     # doctest: +SKIP
    >>> book.to_codebook()                                 # doctest: +SKIP
    """
    label = file or str(path)
    data = read_file_limited(path, max_bytes=max_bytes, label=label)
    if Path(path).suffix.lower() == ".qdpx" or data.startswith(b"PK\x03\x04"):
        raise DataValidationError([Problem(
            label, "this is a REFI-QDA project archive, not a codebook: read it with "
            "read_qdpx (its codes are read_qdpx(path).codes)", value=Path(path).suffix,
            expected="a .qdc codebook (or a bare .qde project file) for read_qdc")])
    root = parse_xml(data, file=label)
    local = _check_root(root, label, allowed=("CodeBook", "Project"))
    _strip_namespaces(root)
    reader = _Reader(file=label, texts=_NoTexts(), convention=OFFSET_CONVENTIONS["other"])
    if local == "Project":
        codes_el, base = _find_path(root, "CodeBook", "Codes"), "CodeBook/Codes"
    else:
        codes_el, base = _find_path(root, "Codes"), "Codes"
    frame = reader.read_codes(codes_el, base)
    code_groups, _ = reader.read_sets(root)
    reader.raise_problems()
    return QdaCodebook(file=label, origin=root.get("origin"), codes=frame, code_groups=code_groups,
                       messages=tuple(reader.messages))


# ----------------------------------------------------------------- opening files


def _read_bare_qde(path: str | PathLike[str], label: str, limits: ZipLimits) -> QdaProject:
    data = read_file_limited(path, max_bytes=limits.max_total_bytes, label=label)
    root = parse_xml(data, file=label)
    note = (f"{label} is a bare .qde project file without its source texts: quotes are "
            "left empty; read the .qdpx archive to get them")
    return _build_project(root, file=label, texts=_NoTexts(note))


def _read_archive(path: str | PathLike[str], label: str, limits: ZipLimits) -> QdaProject:
    with SafeZip(path, limits=limits, label=label) as archive:
        qde = _find_qde(archive, label)
        file = member_label(label, qde)
        root = parse_xml(archive.read(qde), file=file)
        texts = _ArchiveTexts(archive, qde)
        return _build_project(root, file=file, texts=texts)


def _find_qde(archive: SafeZip, label: str) -> str:
    found = archive.find_suffix(".qde")
    if len(found) == 1:
        return found[0]
    if not found:
        raise DataValidationError([Problem(
            label, "archive holds no .qde project file", value=archive.names[:10] or None,
            expected="one project.qde (or <name>.qde) member, as REFI-QDA prescribes")])
    raise DataValidationError([Problem(
        label, f"archive holds {len(found)} .qde project files, so the project is ambiguous",
        value=found, expected="exactly one .qde member")])


class _NoTexts:
    """Source texts are not available (a bare .qde, or an archive without texts)."""

    available = False

    def __init__(self, note: str | None = None):
        self.note = note

    def holds(self, plain_text_path: str) -> bool:
        return False

    def read(self, plain_text_path: str) -> bytes | None:
        return None


class _ArchiveTexts:
    """Source texts read from the ``Sources/`` folder beside the ``.qde``."""

    def __init__(self, archive: SafeZip, qde: str):
        self.archive = archive
        self.base = qde.rpartition("/")[0]
        prefix = f"{self.base}/sources/" if self.base else "sources/"
        self.available = any(name.lower().replace("\\", "/").startswith(prefix)
                             for name in archive.names)
        self.note = (None if self.available else
                     f"{archive.label} holds no source texts (its Sources/ folder is empty): "
                     "quotes are left empty")
        self._cache: dict[str, bytes | None] = {}

    def members_for(self, plain_text_path: str) -> list[str]:
        """Where the text may be: ``Sources/<name>``; a bare name also beside the .qde."""
        prefix = f"{self.base}/" if self.base else ""
        places = [f"{prefix}Sources/{_text_tail(plain_text_path)}"]
        if not plain_text_path.lower().startswith(_INTERNAL):
            places.append(f"{prefix}{plain_text_path}")
        return places

    def member_for(self, plain_text_path: str) -> str:
        return " or ".join(self.members_for(plain_text_path))

    def holds(self, plain_text_path: str) -> bool:
        """Whether the text is in the archive (a bare name may be beside the .qde even
        when ``Sources/`` is empty)."""
        return any(self.archive.find(member) is not None
                   for member in self.members_for(plain_text_path))

    def read(self, plain_text_path: str) -> bytes | None:
        for member in self.members_for(plain_text_path):
            if member not in self._cache:
                name = self.archive.find(member)
                self._cache[member] = self.archive.read(name) if name is not None else None
            if self._cache[member] is not None:
                return self._cache[member]
        return None


# ----------------------------------------------------------------- XML helpers


def _split_tag(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _check_root(root: Element, file: str, *, allowed: tuple[str, ...]) -> str:
    namespace, local = _split_tag(root.tag)
    kind = _ROOT_KINDS.get(local)
    if local in allowed and (not namespace
                             or namespace.lower().startswith(f"urn:qda-xml:{kind}:")):
        return local
    expected = " or ".join(f"<{name}> in urn:QDA-XML:{_ROOT_KINDS[name]}:1.0"
                           for name in allowed)
    message = "not a REFI-QDA file: unexpected root element"
    if local == "CodeBook" and "CodeBook" not in allowed:
        message = ("not a REFI-QDA project: unexpected root element <CodeBook>; this is a "
                   "codebook, read it with read_qdc")
    raise DataValidationError([Problem(file, message, row=local, value=root.tag,
                                       expected=expected)])


def _strip_namespaces(root: Element) -> None:
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith("{"):
            element.tag = element.tag.partition("}")[2]


def _children(element: Element | None, tag: str) -> list[Element]:
    if element is None:
        return []
    return [child for child in element if child.tag == tag]


def _find_path(element: Element, *tags: str) -> Element | None:
    for tag in tags:
        found = _children(element, tag)
        if not found:
            return None
        element = found[0]
    return element


def _description_of(element: Element) -> str | None:
    """The ``<Description>`` of an element, without its indenting whitespace."""
    found = _children(element, "Description")
    return trim_description(found[0].text) if found else None


def trim_description(text: str | None) -> str | None:
    r"""A description as typed: pretty-printing indentation and blank edges removed.

    Leading and trailing blank lines and spaces at line ends go; the indentation the
    lines have in common goes too (the first line is left out of that when it starts
    right after the opening tag). Indentation that differs between lines is kept.

    >>> trim_description("\n      Trust in each other.\n        - and willing\n    ")
    'Trust in each other.\n  - and willing'
    >>> trim_description("First line\n    second line\n  "), trim_description("  ")
    ('First line\nsecond line', None)
    """
    if text is None:
        return None
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    head_starts_at_tag = bool(lines[0]) and not lines[0][0].isspace()
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    if not lines:
        return None
    body = lines[1:] if head_starts_at_tag else lines
    indents = [line[:len(line) - len(line.lstrip())] for line in body if line]
    common = _common_prefix(indents) if indents else ""
    body = [line[len(common):] for line in body]
    return "\n".join(([lines[0]] + body) if head_starts_at_tag else body)


def _common_prefix(texts: list[str]) -> str:
    shortest, longest = min(texts), max(texts)
    for index, char in enumerate(shortest):
        if char != longest[index]:
            return shortest[:index]
    return shortest


def _text_of(element: Element | None, tag: str) -> str | None:
    found = _children(element, tag)
    if not found or not (found[0].text or "").strip():
        return None
    return found[0].text


def _step(element: Element, index: int) -> str:
    name = element.get("name")
    if element.tag in _NAMED_STEPS and name:
        quote = '"' if "'" in name else "'"
        return f"{element.tag}[@name={quote}{name}{quote}]"
    return f"{element.tag}[{index}]"


def _numbered(element: Element | None, tag: str, path: str) -> Iterator[tuple[Element, str]]:
    for index, child in enumerate(_children(element, tag), start=1):
        yield child, f"{path}/{_step(child, index)}" if path else _step(child, index)


def _nfc(text: str | None) -> str | None:
    """Names in NFC: ATLAS.ti for macOS writes decomposed accents (``e`` + U+0302)."""
    return unicodedata.normalize("NFC", text) if text else text


def _norm_guid(guid: str | None) -> str | None:
    if guid is None:
        return None
    return guid.strip().strip("{}").lower() or None


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    return data.decode("utf-8")


# ----------------------------------------------------------------- the reader


def _build_project(root: Element, *, file: str, texts: Any) -> QdaProject:
    _check_root(root, file, allowed=("Project",))
    _strip_namespaces(root)
    origin = root.get("origin")
    reader = _Reader(file=file, texts=texts, convention=convention_for(origin))
    project = reader.read_project(root)
    reader.raise_problems()
    for message in reader.warn_messages:
        warnings.warn(message, UserWarning, stacklevel=4)
    return project


@dataclass(frozen=True)
class _Span:
    """What a group of codings is attached to: a selection, or a whole source."""

    source_guid: str
    selection_guid: str | None
    kind: str
    start: int | None = None
    end: int | None = None
    quote: str | None = None
    user: str | None = None


class _Reader:
    """Walks one project's XML, collecting rows, problems and messages."""

    def __init__(self, *, file: str, texts: Any, convention: OffsetConvention):
        self.file = file
        self.texts = texts
        self.convention = convention
        self.problems: list[Problem] = []
        self.messages: list[str] = []
        self.warn_messages: list[str] = []
        self._guids: dict[str, tuple[str, str, str | None]] = {}
        self._users: dict[str, str] = {}
        self._code_index: dict[str, tuple[str, str]] = {}
        self._variables: dict[str, str] = {}
        self._sources: dict[str, dict[str, Any]] = {}
        self._attributes: dict[str, dict[str, Any]] = {}
        self._codings: list[dict[str, Any]] = []
        self._texts_cache: dict[str, SourceText | None] = {}
        self._unavailable_noted = False

    # -- problems ------------------------------------------------------------------

    def problem(self, message: str, *, row: str | None = None, column: str | None = None,
                value: Any = None, expected: str | None = None) -> None:
        self.problems.append(Problem(self.file, message, row=row, column=column,
                                     value=value, expected=expected))

    def raise_problems(self) -> None:
        if self.problems:
            raise DataValidationError(self.problems)

    def register(self, element: Element, path: str, owner: str | None = None) -> str | None:
        """Record an element's guid; report it when missing or already used."""
        raw = element.get("guid")
        guid = _norm_guid(raw)
        if guid is None:
            self.problem(f"<{element.tag}> has no guid", row=path, column="guid",
                         expected="a GUID such as 6F9619FF-8B86-D011-B42D-00C04FC964FF")
            return None
        previous = self._guids.get(guid)
        if previous is None:
            self._guids[guid] = (element.tag, path, owner)
        elif not _mirrored_selection(previous, element.tag, owner):
            self.problem("duplicate guid", row=path, column="guid", value=raw,
                         expected=f"a guid used once (it is also the guid of {previous[1]})")
        return guid

    # -- project -------------------------------------------------------------------

    def read_project(self, root: Element) -> QdaProject:
        self._read_users(root)
        codes = self.read_codes(_find_path(root, "CodeBook", "Codes"), "CodeBook/Codes")
        self._read_variables(root)
        self._read_sources(root)
        self._read_cases(root)
        code_groups, source_groups = self.read_sets(root)
        notes = self._read_notes(root)
        graphs = [_graph_dict(graph) for graph in _children(_find_path(root, "Graphs"), "Graph")]
        links = [dict(link.attrib) for link in _children(_find_path(root, "Links"), "Link")]
        sources = self._source_frame()
        codings = self._coding_frame(sources)
        return QdaProject(
            name=root.get("name"), origin=root.get("origin"),
            vendor=self.convention.vendor, codes=codes, sources=sources, codings=codings,
            code_groups=code_groups, source_groups=source_groups, graphs=graphs,
            links=links, notes=notes, users=self._user_frame(),
            messages=tuple(self.messages))

    def _read_users(self, root: Element) -> None:
        for user, path in _numbered(_find_path(root, "Users"), "User", "Users"):
            guid = self.register(user, path)
            if guid is not None:
                self._users[guid] = _nfc(user.get("name") or user.get("id") or user.get("guid"))

    def _user_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"guid": list(self._users), "name": list(self._users.values())},
                            columns=["guid", "name"])

    # -- codes ---------------------------------------------------------------------

    def read_codes(self, codes_el: Element | None, base: str) -> pd.DataFrame:
        """Read a ``<Codes>`` element into the code table (also used for ``.qdc``).

        The tree is walked with an explicit stack (parents before children, in file
        order), at most :data:`~image_synth.read.safety.MAX_DEPTH` levels deep.
        """
        rows: list[dict[str, Any]] = []
        # each entry: the element, its path, its ancestors' name parts and normalised guids
        stack: list[tuple[Element, str, tuple[str, ...], tuple[str | None, ...]]] = [
            (code, path, (), ()) for code, path in reversed(list(_numbered(codes_el, "Code",
                                                                           base)))]
        while stack:
            code, path, ancestors, lineage = stack.pop()
            if len(lineage) >= MAX_DEPTH:
                self._too_deep(code, path, base, len(lineage) + 1)
                continue
            visited = self._visit_code(code, path, ancestors, lineage)
            if visited is None:
                continue
            parts, guid = visited
            stack.extend((child, child_path, parts, lineage + (guid,)) for child, child_path
                         in reversed(list(_numbered(code, "Code", path))))
            rows.append({"parts": parts, "guid": code.get("guid"),
                         "description": _description_of(code), "color": code.get("color"),
                         "is_codable": (code.get("isCodable") or "true").strip().lower()
                         in ("true", "1")})
        return _code_frame(rows)

    def _visit_code(self, code: Element, path: str, ancestors: tuple[str, ...],
                    lineage: tuple[str | None, ...]) -> tuple[tuple[str, ...], str | None] | None:
        """Register one ``<Code>``: its name parts and guid, or None for a cycle."""
        guid = _norm_guid(code.get("guid"))
        if guid is not None and guid in lineage:
            self.problem("code reuses the guid of one of its ancestors, so it would be its "
                         "own ancestor (a cycle in the code tree)", row=path, column="guid",
                         value=code.get("guid"),
                         expected="a guid of its own, used by no other element")
            return None
        guid = self.register(code, path)
        name = _nfc(code.get("name"))
        if not name:
            self.problem("<Code> has no name", row=path, column="name",
                         expected="the code's name")
            name = code.get("guid") or "?"
        parts = ancestors + _split_flattened(name)
        if guid is not None:
            self._code_index[guid] = (parts[-1], PATH_SEPARATOR.join(parts))
        return parts, guid

    def _too_deep(self, element: Element, path: str, base: str, depth: int) -> None:
        tail = path.rsplit("/", 1)[-1]
        raise UnsafeInputError(
            self.file, f"<{element.tag}> elements are nested more than {MAX_DEPTH} levels "
            "deep; the file is refused", row=f"{base}/.../{tail} (level {depth})",
            column="name" if element.get("name") else "guid",
            value=element.get("name") or element.get("guid"),
            expected=f"a tree at most {MAX_DEPTH} levels deep")

    # -- variables and values ------------------------------------------------------

    def _read_variables(self, root: Element) -> None:
        for variable, path in _numbered(_find_path(root, "Variables"), "Variable",
                                        "Variables"):
            guid = self.register(variable, path)
            if guid is not None:
                self._variables[guid] = _nfc(variable.get("name") or variable.get("guid")).strip()

    def _variable_value(self, value_el: Element, path: str) -> tuple[str, Any] | None:
        ref = _children(value_el, "VariableRef")
        target = ref[0].get("targetGUID") if ref else None
        name = self._variables.get(_norm_guid(target) or "")
        if name is None:
            self.problem("value of an unknown variable", row=f"{path}/VariableRef",
                         column="targetGUID", value=target,
                         expected="the guid of a <Variable> in <Variables>")
            return None
        for child in value_el:
            if child.tag != "VariableRef":
                return name, self._typed_value(child, path)
        return name, None

    def _typed_value(self, element: Element, path: str) -> Any:
        text = (element.text or "").strip()
        try:
            if element.tag == "BooleanValue":
                return text.lower() in ("true", "1")
            if element.tag == "IntegerValue":
                return int(text)
            if element.tag == "FloatValue":
                return float(text)
        except ValueError:
            self.problem(f"<{element.tag}> is not a number", row=f"{path}/{element.tag}",
                         value=text, expected="a number")
            return None
        return _nfc(element.text) if element.text is not None else ""

    def _assign(self, source_guid: str, name: str, value: Any, where: str) -> None:
        attributes = self._attributes.setdefault(source_guid, {})
        if name not in attributes or attributes[name] == value:
            attributes[name] = value
            return
        joined = f"{attributes[name]}; {value}"
        source_id = self._sources.get(source_guid, {}).get(C.SOURCE_ID, source_guid)
        self.messages.append(f"source {source_id!r} has two values for attribute {name!r} "
                             f"({where}); both are kept as {joined!r}")
        attributes[name] = joined

    # -- sources -------------------------------------------------------------------

    def _read_sources(self, root: Element) -> None:
        counts = dict.fromkeys(_SOURCE_KINDS, 0)
        sources_el = _find_path(root, "Sources")
        for source in sources_el if sources_el is not None else []:
            if source.tag in counts:
                counts[source.tag] += 1
                self._read_source(source, f"Sources/{_step(source, counts[source.tag])}")

    def _read_source(self, source: Element, path: str) -> None:
        guid = self.register(source, path)
        if guid is None:
            return
        self._sources[guid] = {C.SOURCE_ID: _nfc(source.get("name") or source.get("guid")),
                               "source_guid": source.get("guid"), "source_kind": source.tag}
        for value_el, value_path in _numbered(source, "VariableValue", path):
            pair = self._variable_value(value_el, value_path)
            if pair is not None:
                self._assign(guid, pair[0], pair[1], "VariableValue")
        text = self._text_for(source, path) if source.tag == "TextSource" else None
        self._read_codings(source, path, _Span(guid, None, "Source"))
        for kind in _SELECTION_KINDS:
            for selection, sel_path in _numbered(source, kind, path):
                self._read_selection(selection, sel_path, guid, text)
        for carrier_tag in _TEXT_CARRIERS:
            for carrier, carrier_path in _numbered(source, carrier_tag, path):
                self._read_carrier(carrier, carrier_path, guid)

    def _read_carrier(self, carrier: Element, path: str, source_guid: str) -> None:
        """A Representation, TextDescription or Transcript: a text with selections."""
        if carrier.get("guid") is not None:
            self.register(carrier, path, owner=source_guid)
        text = self._text_for(carrier, path)
        for selection, sel_path in _numbered(carrier, "PlainTextSelection", path):
            self._read_selection(selection, sel_path, source_guid, text)
        syncs = {_norm_guid(point.get("guid")): point.get("position")
                 for point in _children(carrier, "SyncPoint")}
        for selection, sel_path in _numbered(carrier, "TranscriptSelection", path):
            self._read_transcript_selection(selection, sel_path, source_guid, text, syncs)

    def _text_for(self, element: Element, path: str) -> SourceText | None:
        inline = _children(element, "PlainTextContent")
        if inline:
            return self.convention.prepare(inline[0].text or "")
        location = self._inside_archive(element.get("plainTextPath"), path)
        if location is None:
            return None
        if not self.texts.available and not self.texts.holds(location):
            self._note_unavailable()
            return None
        if location not in self._texts_cache:
            self._texts_cache[location] = self._load_text(location, path)
        return self._texts_cache[location]

    def _inside_archive(self, location: str | None, path: str) -> str | None:
        """``location`` when it names a file inside the archive, else None.

        ``internal://<name>`` and a bare ``<name>`` (as qc writes) are inside; another
        scheme (``relative://``, ``absolute://``) is outside and never opened; a path
        that climbs out (``../x``, ``/x``, ``C:\\x``) is refused as hostile.
        """
        if not location:
            return None
        internal = location.lower().startswith(_INTERNAL)
        if not internal and _SCHEME.match(location):
            self.messages.append(f"the text of {path} is outside the archive ({location}); "
                                 "it is not opened, so its quotes are left empty")
            return None
        tail = _text_tail(location) if internal else location
        if not tail:
            self.problem("plainTextPath names no file", row=path, column="plainTextPath",
                         value=location, expected="internal://<file>")
            return None
        problem = relative_path_problem(tail)
        if problem is not None:
            reason = problem[0].replace("member name ", "the path ")
            raise UnsafeInputError(
                self.file, f"plainTextPath points outside the archive ({reason}); it is "
                "refused", row=path, column="plainTextPath", value=location,
                expected="internal://<file> or the name of a file in the archive's "
                "Sources/ folder")
        return location

    def _note_unavailable(self) -> None:
        if not self._unavailable_noted and self.texts.note:
            self.messages.append(self.texts.note)
            self.warn_messages.append(self.texts.note)
        self._unavailable_noted = True

    def _load_text(self, location: str, path: str) -> SourceText | None:
        data = self.texts.read(location)
        if data is None:
            self.problem("source text is missing from the archive", row=path,
                         column="plainTextPath", value=location,
                         expected=f"a member {self.texts.member_for(location)} "
                         "(any letter case)")
            return None
        try:
            return self.convention.prepare(_decode(data))
        except UnicodeDecodeError as error:
            self.problem(f"source text is not UTF-8 ({error.reason} at byte {error.start})",
                         row=path, column="plainTextPath", value=location,
                         expected="UTF-8 or UTF-16 text with a byte-order mark")
            return None

    # -- selections and codings ----------------------------------------------------

    def _read_selection(self, selection: Element, path: str, source_guid: str,
                        text: SourceText | None) -> None:
        guid = self.register(selection, path, owner=source_guid)
        start = end = quote = None
        if selection.tag == "PlainTextSelection":
            start, end = self._positions(selection, path, text)
            if text is not None and start is not None and end is not None:
                quote = text.slice(start, end)
        elif selection.tag == "PDFSelection":
            quote = _text_of(_find_path(selection, "Representation"), "PlainTextContent")
        self._read_codings(selection, path, _Span(source_guid, guid, selection.tag, start, end,
                                                  quote, selection.get("creatingUser")))

    def _read_transcript_selection(self, selection: Element, path: str, source_guid: str,
                                   text: SourceText | None, syncs: dict) -> None:
        guid = self.register(selection, path, owner=source_guid)
        start = _as_int(syncs.get(_norm_guid(selection.get("fromSyncPoint"))))
        end = _as_int(syncs.get(_norm_guid(selection.get("toSyncPoint"))))
        quote = None
        if text is not None and start is not None and end is not None \
                and 0 <= start <= end <= text.length:
            quote = text.slice(start, end)
        self._read_codings(selection, path, _Span(source_guid, guid, selection.tag, start, end,
                                                  quote, selection.get("creatingUser")))

    def _positions(self, selection: Element, path: str,
                   text: SourceText | None) -> tuple[int | None, int | None]:
        start = self._position(selection, "startPosition", path)
        end = self._position(selection, "endPosition", path)
        if start is None or end is None:
            return None, None
        if start > end:
            self.problem("selection ends before it starts", row=path, column="startPosition",
                         value=start, expected=f"at most endPosition ({end})")
            return None, None
        if text is not None and end > text.length:
            self.problem("selection ends past the end of the source text", row=path,
                         column="endPosition", value=end,
                         expected=f"at most {text.length}, the text's length in "
                         f"{self.convention.vendor} positions")
            return None, None
        return start, end

    def _position(self, selection: Element, attribute: str, path: str) -> int | None:
        raw = selection.get(attribute)
        value = _as_int(raw)
        if value is None or value < 0:
            self.problem(f"{attribute} is missing or not a non-negative whole number",
                         row=path, column=attribute, value=raw,
                         expected="a whole number >= 0")
            return None
        return value

    def _read_codings(self, parent: Element, path: str, span: _Span) -> None:
        """One row per ``<Coding>`` child of ``parent`` (a selection or a whole source)."""
        for coding, coding_path in _numbered(parent, "Coding", path):
            coding_guid = self.register(coding, coding_path, owner=span.source_guid)
            refs = _children(coding, "CodeRef")
            target = refs[0].get("targetGUID") if refs else None
            code = self._code_index.get(_norm_guid(target) or "")
            if code is None:
                self.problem("coding refers to a code that is not in the code book",
                             row=f"{coding_path}/CodeRef", column="targetGUID", value=target,
                             expected="the guid of a <Code> in <CodeBook>")
                continue
            coder_guid = coding.get("creatingUser") or span.user
            self._codings.append({
                C.SEGMENT_ID: f"{span.selection_guid or span.source_guid}:{coding_guid}",
                "_key": span.source_guid, C.CODE: code[0], C.CODE_PATH: code[1],
                C.START: span.start, C.END: span.end, C.QUOTE: span.quote,
                C.CODER: self._users.get(_norm_guid(coder_guid) or "", coder_guid),
                "selection_kind": span.kind})

    # -- cases and sets ------------------------------------------------------------

    def _source_ref(self, ref: Element, path: str) -> str | None:
        guid = _norm_guid(ref.get("targetGUID"))
        if guid not in self._sources:
            self.problem("reference to a source that does not exist", row=path,
                         column="targetGUID", value=ref.get("targetGUID"),
                         expected="the guid of a source in <Sources>")
            return None
        return guid

    def _read_cases(self, root: Element) -> None:
        for case, path in _numbered(_find_path(root, "Cases"), "Case", "Cases"):
            self.register(case, path)
            values = [pair for value_el, value_path in _numbered(case, "VariableValue", path)
                      if (pair := self._variable_value(value_el, value_path)) is not None]
            for ref, ref_path in _numbered(case, "SourceRef", path):
                source_guid = self._source_ref(ref, ref_path)
                if source_guid is not None:
                    for name, value in values:
                        self._assign(source_guid, name, value, f"case {case.get('name') or path}")

    def _all_sets(self, root: Element) -> list[tuple[Element, str]]:
        """Every ``<Set>`` with its path, nested ones too (REFI does not nest sets, but a
        file may), walked with an explicit stack at most MAX_DEPTH levels deep."""
        found: list[tuple[Element, str]] = []
        stack = [(set_el, path, 1) for set_el, path
                 in reversed(list(_numbered(_find_path(root, "Sets"), "Set", "Sets")))]
        nested: list[str] = []
        while stack:
            set_el, path, depth = stack.pop()
            if depth > MAX_DEPTH:
                self._too_deep(set_el, path, "Sets", depth)
            found.append((set_el, path))
            inner = list(_numbered(set_el, "Set", path))
            if inner:
                nested.append(path)
            stack.extend((child, child_path, depth + 1) for child, child_path in reversed(inner))
        if nested:
            self.messages.append(f"{nested[0]} holds nested <Set> elements, which REFI-QDA "
                                 "does not define; each is read as a group of its own")
        return found

    def read_sets(self, root: Element) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Code groups and document groups from ``<Sets>`` (of a project or a codebook)."""
        code_rows: list[dict[str, Any]] = []
        source_rows: list[dict[str, Any]] = []
        for set_el, path in self._all_sets(root):
            self.register(set_el, path)
            name = _nfc(set_el.get("name")) or ""
            for ref, ref_path in _numbered(set_el, "MemberCode", path):
                # REFI names the member by targetGUID; ATLAS.ti's codebooks by guid
                target = ref.get("targetGUID") or ref.get("guid")
                code = self._code_index.get(_norm_guid(target) or "")
                if code is None:
                    self.problem("code group refers to a code that is not in the code book",
                                 row=ref_path, column="targetGUID", value=target,
                                 expected="the guid of a <Code> in <CodeBook>")
                    continue
                code_rows.append({C.GROUP: name, C.CODE: code[0], C.CODE_PATH: code[1],
                                  "guid": target})
            attribute = _GROUP_ATTRIBUTE.match(name)
            for ref, ref_path in _numbered(set_el, "MemberSource", path):
                source_guid = self._source_ref(ref, ref_path)
                if source_guid is None:
                    continue
                source_rows.append({C.GROUP: name, "source_guid": source_guid})
                if attribute:
                    self._assign(source_guid, attribute["name"], attribute["value"],
                                 f"document group {name!r}")
        return (pd.DataFrame(code_rows, columns=list(CODE_GROUP_COLUMNS)),
                self._source_group_frame(source_rows))

    def _source_group_frame(self, rows: list[dict[str, Any]]) -> pd.DataFrame:
        frame = pd.DataFrame(rows, columns=[C.GROUP, "source_guid"])
        frame[C.SOURCE_ID] = [self._sources[guid][C.SOURCE_ID] for guid in frame["source_guid"]]
        return frame[[C.GROUP, C.SOURCE_ID]]

    # -- notes ---------------------------------------------------------------------

    def _read_notes(self, root: Element) -> pd.DataFrame:
        rows = []
        for note, path in _numbered(_find_path(root, "Notes"), "Note", "Notes"):
            self.register(note, path)
            rows.append({"guid": note.get("guid"), "name": _nfc(note.get("name")),
                         "text": self._note_text(note, path),
                         "description": _description_of(note)})
        return pd.DataFrame(rows, columns=["guid", "name", "text", "description"])

    def _note_text(self, note: Element, path: str) -> str | None:
        inline = _children(note, "PlainTextContent")
        if inline:
            return inline[0].text or ""
        location = self._inside_archive(note.get("plainTextPath"), path)
        if location is None or not (self.texts.available or self.texts.holds(location)):
            return None
        data = self.texts.read(location)
        if data is None:
            self.messages.append(f"the text of note {path} is missing from the archive "
                                 f"({location})")
            return None
        try:
            return _decode(data).lstrip("\ufeff")
        except UnicodeDecodeError:
            self.messages.append(f"the text of note {path} is not UTF-8; it is left empty")
            return None

    # -- frames --------------------------------------------------------------------

    def _source_frame(self) -> pd.DataFrame:
        self._unique_source_ids()
        rows = [{**row, **self._attributes.get(guid, {})} for guid, row in self._sources.items()]
        names = _attribute_names(self._attributes)
        renamed = {name: _safe_attribute_name(name) for name in names}
        for old, new in renamed.items():
            if old != new:
                self.messages.append(f"attribute {old!r} has the name of a standard column; "
                                     f"it is called {new!r}")
        frame = pd.DataFrame(rows, columns=list(SOURCE_KEY_COLUMNS) + names)
        return frame.rename(columns=renamed)

    def _unique_source_ids(self) -> None:
        seen: dict[str, int] = {}
        for row in self._sources.values():
            name = row[C.SOURCE_ID]
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                row[C.SOURCE_ID] = f"{name} ({seen[name]})"
                self.messages.append(f"two sources are called {name!r}; the later one is "
                                     f"called {row[C.SOURCE_ID]!r}")

    def _coding_frame(self, sources: pd.DataFrame) -> pd.DataFrame:
        frame = pd.DataFrame(self._codings, columns=list(CODING_KEY_COLUMNS) + ["_key"])
        frame[C.SOURCE_ID] = frame["_key"].map(
            {key: row[C.SOURCE_ID] for key, row in self._sources.items()})
        for column in (C.START, C.END):
            frame[column] = frame[column].astype("Int64")
        keys = list(self._sources)
        for column in sources.columns.drop(list(SOURCE_KEY_COLUMNS)):
            frame[column] = frame["_key"].map(dict(zip(keys, sources[column])))
        return frame.drop(columns="_key")


# ----------------------------------------------------------------- small helpers


def _text_tail(plain_text_path: str) -> str:
    """The file name in ``internal://<name>`` (or a bare ``<name>``)."""
    if plain_text_path.lower().startswith(_INTERNAL):
        return plain_text_path[len(_INTERNAL):].lstrip("/")
    return plain_text_path


def _mirrored_selection(previous: tuple[str, str, str | None], tag: str,
                        owner: str | None) -> bool:
    """ATLAS.ti gives a PDF selection and its twin in the PDF's text the same guid."""
    return ({previous[0], tag} == {"PDFSelection", "PlainTextSelection"}
            and previous[2] is not None and previous[2] == owner)


def _split_flattened(name: str) -> tuple[str, ...]:
    parts = tuple(part.strip() for part in name.split(ATLAS_SEPARATOR))
    if len(parts) > 1 and all(parts):
        return parts
    return (name,)


def _code_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    real = {row["parts"] for row in rows}
    implied: set[tuple[str, ...]] = set()
    records: list[dict[str, Any]] = []
    for row in rows:
        for depth in range(1, len(row["parts"])):
            prefix = row["parts"][:depth]
            if prefix not in real and prefix not in implied:
                implied.add(prefix)
                records.append(_code_record(prefix, None, None, None, False, True))
        records.append(_code_record(row["parts"], row["guid"], row["description"],
                                    row["color"], row["is_codable"], False))
    frame = pd.DataFrame(records, columns=list(CODE_COLUMNS))
    frame["is_codable"] = frame["is_codable"].astype(bool)
    frame["implied"] = frame["implied"].astype(bool)
    return frame


def _code_record(parts: tuple[str, ...], guid: str | None, description: str | None,
                 color: str | None, is_codable: bool, implied: bool) -> dict[str, Any]:
    return {C.CODE: parts[-1], C.CODE_PATH: PATH_SEPARATOR.join(parts),
            C.PARENT: parts[-2] if len(parts) > 1 else None,
            "parent_path": PATH_SEPARATOR.join(parts[:-1]) if len(parts) > 1 else None,
            "guid": guid,
            C.LABEL: parts[-1], "description": description, "color": color,
            "is_codable": is_codable, "implied": implied}


def _attribute_names(attributes: dict[str, dict[str, Any]]) -> list[str]:
    names: list[str] = []
    for values in attributes.values():
        names.extend(name for name in values if name not in names)
    return names


def _safe_attribute_name(name: str) -> str:
    reserved = set(SOURCE_KEY_COLUMNS) | set(CODING_KEY_COLUMNS)
    return f"{name} (attribute)" if name in reserved else name


def _as_int(raw: Any) -> int | None:
    if raw is None:
        return None
    try:
        return int(str(raw).strip())
    except ValueError:
        return None


def _graph_dict(graph: Element) -> dict[str, Any]:
    return {"guid": graph.get("guid"), "name": graph.get("name"),
            "vertices": [dict(vertex.attrib) for vertex in _children(graph, "Vertex")],
            "edges": [dict(edge.attrib) for edge in _children(graph, "Edge")]}


# ----------------------------------------------------------------- codebook conversion


def _cell(value: Any) -> Any:
    """A table cell with pandas' missing markers (NaN, NA) as None."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return None
    return value


def _codebook_ids(records: list[dict[str, Any]]) -> list[str]:
    """A unique id per code: its name, or its path where names repeat."""
    names = Counter(row[C.CODE] for row in records)
    used: set[str] = set()
    ids = []
    for row in records:
        base = row[C.CODE] if names[row[C.CODE]] == 1 else row[C.CODE_PATH]
        candidate, number = base, 2
        while candidate in used:
            candidate, number = f"{base} ({number})", number + 1
        used.add(candidate)
        ids.append(candidate)
    return ids


def _codebook_code(row: dict[str, Any], code_id: str, parent: str | None,
                   category: str | None) -> dict[str, Any]:
    path = row[C.CODE_PATH]
    aliases = [name for name in (path, path.replace(PATH_SEPARATOR, ATLAS_SEPARATOR))
               if name != code_id]
    code: dict[str, Any] = {"id": code_id, "label": {"nl": row[C.CODE]}, "parent": parent,
                            "category": category, "qda_names": list(dict.fromkeys(aliases))}
    if row["description"]:
        code["description"] = row["description"]
    return code


def _validated_codebook(model: Any, data: dict[str, Any], file: str) -> Any:
    from pydantic import ValidationError

    from ..study.models import model_problems

    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise DataValidationError(model_problems(error, file=file)) from None


def _uncategorised_message(file: str, missing: list[str], categories: tuple[str, ...]) -> str:
    shown = ", ".join(repr(code) for code in missing[:5])
    more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
    return (f"{len(missing)} code{'s' if len(missing) != 1 else ''} of {file} "
            f"{'have' if len(missing) != 1 else 'has'} no category ({shown}{more}). "
            f"Set one in your QDA program: put the code, or a parent of it, in a code group "
            f"named '{CATEGORY_GROUP}: <category>' (<category> one of "
            f"{', '.join(categories)}) and export the codebook again; or write the codebook "
            "to a codebook.yaml once and set 'category' there")
