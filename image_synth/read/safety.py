"""Reading untrusted input: XML without DTDs or entities, zip archives without extraction.

Files that come from outside (a ``.qdpx`` sent by a colleague, a ``.qde`` downloaded
from a repository) are treated as hostile until read. This module is the only place
in the package that opens them:

* :func:`parse_xml` parses XML with ``defusedxml`` and refuses any document type
  declaration, entity or external reference (XXE, "billion laughs");
* :class:`SafeZip` reads members of a zip archive into memory, never onto disk, and
  refuses archives that are too large, too many, too compressed, encrypted, or whose
  member names could escape a folder (``../x``, ``/etc/x``, ``C:\\x``) or are symlinks;
* :func:`relative_path_problem` checks a path named *inside* a file (such as a REFI
  ``plainTextPath``) the same way before it is looked up in an archive;
* :data:`MAX_DEPTH` bounds how deep a nested structure of a file (a code tree, nested
  sets) is walked; the walkers are iterative, so no input can exhaust the call stack.

Every refusal is an :class:`~image_synth.errors.UnsafeInputError` that names the file
(``archive.qdpx!member`` for a member) and what is wrong; no ``zipfile``, ``zlib`` or
``expat`` traceback reaches the caller.
"""

from __future__ import annotations

import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Self
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as defused_et

from ..errors import DataValidationError, Problem, UnsafeInputError

__all__ = [
    "MAX_DEPTH",
    "MAX_MEMBERS",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "RATIO_MIN_BYTES",
    "SafeZip",
    "ZipLimits",
    "member_label",
    "parse_xml",
    "read_file_limited",
    "relative_path_problem",
]

#: Most members an archive may hold.
MAX_MEMBERS = 10_000
#: Most uncompressed bytes, summed over all members, declared and actually read (2 GiB).
MAX_TOTAL_BYTES = 2 * 1024**3
#: Highest compression ratio (uncompressed / compressed) of one member ...
MAX_RATIO = 200
#: ... once that member is larger than this many bytes (1 MiB).
RATIO_MIN_BYTES = 1024**2
#: Most levels of one nested structure read from a file (nested ``<Code>`` elements,
#: nested sets). Real code trees are a handful of levels deep; a deeper one is refused
#: with an error naming the element, never walked by recursion.
MAX_DEPTH = 100

#: Compression methods that the standard library reads.
_SUPPORTED_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2,
                      zipfile.ZIP_LZMA}
_CHUNK = 64 * 1024
_EOCD_SIGNATURE = b"PK\x05\x06"
_EOCD_SEARCH = 22 + 0xFFFF  # the end record plus the longest archive comment
_DRIVE = re.compile(r"^[A-Za-z]:")

_DTD_MESSAGE = ("XML declares a DTD or entities, which are refused "
                "(possible XXE or entity expansion attack)")


@dataclass(frozen=True)
class ZipLimits:
    """Limits applied when reading an archive; the defaults are the module constants.

    Parameters
    ----------
    max_members
        Most members (files and folders) the archive may hold.
    max_total_bytes
        Most uncompressed bytes over all members, as declared in the archive's
        directory and as counted while reading.
    max_ratio
        Highest compression ratio of one member larger than ``ratio_min_bytes``.
    ratio_min_bytes
        Members up to this size are exempt from the ratio check (small files of
        repeated characters compress very well and are harmless).
    """

    max_members: int = MAX_MEMBERS
    max_total_bytes: int = MAX_TOTAL_BYTES
    max_ratio: float = MAX_RATIO
    ratio_min_bytes: int = RATIO_MIN_BYTES


def member_label(archive: str, member: str) -> str:
    """How a member is named in messages: ``archive!member``.

    >>> member_label("study/interviews.qdpx", "Project.qde")
    'study/interviews.qdpx!Project.qde'
    """
    return f"{archive}!{member}"


# --------------------------------------------------------------------------- XML


def parse_xml(data: bytes, *, file: str) -> Element:
    """Parse untrusted XML, refusing DTDs, entities and external references.

    Parameters
    ----------
    data
        The document as bytes (its encoding declaration is honoured).
    file
        How to name the document in an error (a path, or ``archive!member``).

    Returns
    -------
    xml.etree.ElementTree.Element
        The root element.

    Raises
    ------
    UnsafeInputError
        When the document declares a DTD or an entity, refers to an external
        resource, or is not well-formed XML. The message names ``file`` and, where
        known, the line (``row="line 3"``) and column.

    Examples
    --------
    >>> parse_xml(b"<Project name='x'/>", file="demo.qde").get("name")
    'x'
    """
    try:
        return defused_et.fromstring(data, forbid_dtd=True, forbid_entities=True,
                                     forbid_external=True)
    except defusedxml.DefusedXmlException as error:
        raise _dtd_error(data, file, error) from None
    except ParseError as error:
        raise _parse_error(file, error) from None


def _dtd_error(data: bytes, file: str, error: Exception) -> UnsafeInputError:
    name = getattr(error, "name", None)
    kind = type(error).__name__
    if kind == "DTDForbidden":
        marker, shown = b"<!DOCTYPE", f"<!DOCTYPE {name}>"
    elif kind == "EntitiesForbidden":
        marker, shown = b"<!ENTITY", f"<!ENTITY {name}>"
    else:
        marker, shown = b"<!DOCTYPE", getattr(error, "sysid", None) or kind
    return UnsafeInputError(file, _DTD_MESSAGE, row=_line_of(data, marker), value=shown,
                            expected="XML without a DOCTYPE declaration")


def _line_of(data: bytes, marker: bytes) -> str | None:
    index = data.find(marker)
    if index < 0:
        return None
    line = data.count(b"\n", 0, index) + 1
    return f"line {line}"


def _parse_error(file: str, error: ParseError) -> UnsafeInputError:
    line, column = getattr(error, "position", (None, None))
    reason = str(error).split(":", 1)[0] if ":" in str(error) else str(error)
    where = f"line {line}, column {column}" if line is not None else None
    return UnsafeInputError(file, f"not well-formed XML: {reason} at {where}"
                            if where else f"not well-formed XML: {reason}",
                            row=f"line {line}" if line is not None else None,
                            expected="a well-formed XML document")


# ------------------------------------------------------------------------- files


def read_file_limited(path: str | PathLike[str], *, max_bytes: int = MAX_TOTAL_BYTES,
                      label: str | None = None) -> bytes:
    """Read a whole file, refusing one larger than ``max_bytes``.

    Parameters
    ----------
    path
        The file to read.
    max_bytes
        Most bytes accepted.
    label
        How to name the file in an error; ``str(path)`` by default.

    Returns
    -------
    bytes
        The content.

    Raises
    ------
    DataValidationError
        When the file does not exist or cannot be read.
    UnsafeInputError
        When it is larger than ``max_bytes``.
    """
    label = label or str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise DataValidationError([Problem(label, "file not found")]) from None
    except OSError as error:
        raise DataValidationError([Problem(label, f"cannot read file: {error.strerror}")]) \
            from None
    if len(data) > max_bytes:
        raise UnsafeInputError(label, f"file is larger than the limit of {max_bytes} bytes",
                               expected=f"at most {max_bytes} bytes")
    return data


# -------------------------------------------------------------------------- zip


class SafeZip:
    """A zip archive opened for reading members into memory, with limits.

    Opening checks the archive's directory before any member is read: the number of
    members, the declared total size, each member's compression ratio, encryption,
    compression method, symlinks, and member names (absolute, drive letters, ``..``
    after turning backslashes into slashes, NUL characters, duplicates). Reading a
    member counts the bytes it really produces, so a directory that understates
    sizes cannot slip past the limits.

    Parameters
    ----------
    path
        The archive.
    limits
        The limits to apply; :class:`ZipLimits` defaults when ``None``.
    label
        How to name the archive in errors; ``str(path)`` by default.

    Raises
    ------
    DataValidationError
        When the file does not exist.
    UnsafeInputError
        When the file is not a zip archive, is damaged or truncated, or breaks a limit
        or a naming rule. The error names the archive (and the member).

    Examples
    --------
    >>> import io, zipfile, tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> path = os.path.join(folder, "demo.zip")
    >>> with zipfile.ZipFile(path, "w") as archive:
    ...     archive.writestr("Sources/A.txt", "hello")
    >>> with SafeZip(path) as archive:
    ...     archive.read(archive.find("sources/a.TXT"))
    b'hello'
    """

    def __init__(self, path: str | PathLike[str], *, limits: ZipLimits | None = None,
                 label: str | None = None):
        self.path = Path(path)
        self.label = label or str(path)
        self.limits = limits or ZipLimits()
        self._bytes_read = 0
        self._zip = self._open()
        try:
            self._infos = self._check_directory()
        except BaseException:
            self._zip.close()
            raise
        self._by_lower = self._index_names()

    # -- context manager -----------------------------------------------------------

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the archive."""
        self._zip.close()

    # -- opening and checking ------------------------------------------------------

    def _open(self) -> zipfile.ZipFile:
        if not self.path.exists():
            raise DataValidationError([Problem(self.label, "file not found")])
        if not self.path.is_file():
            raise DataValidationError([Problem(self.label, "not a file",
                                               expected="a zip archive")])
        self._precheck_member_count()
        try:
            return zipfile.ZipFile(self.path)
        except zipfile.BadZipFile as error:
            raise UnsafeInputError(
                self.label,
                f"not a zip archive, or a damaged or truncated one ({error})",
                expected="a complete zip archive") from None
        except (OSError, EOFError, ValueError, NotImplementedError, zlib.error) as error:
            raise UnsafeInputError(self.label, f"cannot open the zip archive ({error})",
                                   expected="a complete zip archive") from None

    def _precheck_member_count(self) -> None:
        """Refuse too many members from the end record, before the directory is parsed."""
        try:
            with open(self.path, "rb") as handle:
                handle.seek(max(0, self.path.stat().st_size - _EOCD_SEARCH))
                tail = handle.read()
        except OSError:
            return  # zipfile reports the problem when it opens the file
        where = tail.rfind(_EOCD_SIGNATURE)
        if where < 0 or where + 12 > len(tail):
            return
        total = struct.unpack_from("<H", tail, where + 10)[0]
        if total != 0xFFFF and total > self.limits.max_members:
            raise UnsafeInputError(
                self.label, f"archive holds {total} members, more than the limit",
                value=total, expected=f"at most {self.limits.max_members} members")

    def _check_directory(self) -> list[zipfile.ZipInfo]:
        infos = self._zip.infolist()
        limits = self.limits
        if len(infos) > limits.max_members:
            raise UnsafeInputError(
                self.label, f"archive holds {len(infos)} members, more than the limit",
                value=len(infos), expected=f"at most {limits.max_members} members")
        declared = 0
        for info in infos:
            self._check_member(info)
            declared += info.file_size
            if declared > limits.max_total_bytes:
                raise UnsafeInputError(
                    self.label, "archive declares more uncompressed bytes than the limit",
                    value=declared, expected=f"at most {limits.max_total_bytes} bytes")
        return infos

    def _check_member(self, info: zipfile.ZipInfo) -> None:
        name = info.filename
        problem = _name_problem(name) or _kind_problem(info) or \
            _ratio_problem(info, self.limits)
        if problem is not None:
            message, expected = problem
            raise UnsafeInputError(member_label(self.label, name), message, value=name,
                                   expected=expected)

    def _index_names(self) -> dict[str, list[str]]:
        by_lower: dict[str, list[str]] = {}
        seen: set[str] = set()
        for info in self._infos:
            if info.filename in seen:
                raise UnsafeInputError(
                    member_label(self.label, info.filename),
                    "archive holds two members with the same name", value=info.filename,
                    expected="unique member names")
            seen.add(info.filename)
            if not info.is_dir():
                by_lower.setdefault(_normal(info.filename).lower(), []).append(info.filename)
        return by_lower

    # -- lookup --------------------------------------------------------------------

    @property
    def names(self) -> list[str]:
        """Names of the file members (folders left out), in archive order."""
        return [info.filename for info in self._infos if not info.is_dir()]

    def find(self, name: str) -> str | None:
        """The member whose name equals ``name`` ignoring case and slash direction.

        Vendors write ``Sources/`` or ``sources/``, ``Project.qde`` or
        ``project.qde``; this finds either.

        Returns
        -------
        str or None
            The member's name as stored, or ``None`` when there is none.

        Raises
        ------
        UnsafeInputError
            When two members differ only in case, so the lookup is ambiguous.
        """
        found = self._by_lower.get(_normal(name).lower(), [])
        if len(found) > 1:
            raise UnsafeInputError(
                member_label(self.label, name),
                "archive holds several members whose names differ only in case",
                value=found, expected="one member per name")
        return found[0] if found else None

    def find_suffix(self, suffix: str) -> list[str]:
        """File members whose names end with ``suffix``, ignoring case (e.g. ``.qde``)."""
        suffix = suffix.lower()
        return [name for name in self.names if name.lower().endswith(suffix)]

    # -- reading -------------------------------------------------------------------

    @property
    def bytes_read(self) -> int:
        """Uncompressed bytes read so far from all members."""
        return self._bytes_read

    def read(self, name: str) -> bytes:
        """Read one member into memory, counting bytes against the limits.

        Parameters
        ----------
        name
            The member's name as stored (see :meth:`find`).

        Returns
        -------
        bytes
            The member's uncompressed content.

        Raises
        ------
        UnsafeInputError
            When the member is missing, damaged (bad CRC, truncated data), produces
            more bytes than it declares, or pushes the total read past the limit.
        """
        label = member_label(self.label, name)
        try:
            info = self._zip.getinfo(name)
        except KeyError:
            raise UnsafeInputError(label, "no such member in the archive") from None
        try:
            return self._read_counted(info, label)
        except UnsafeInputError:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
                NotImplementedError, RuntimeError) as error:
            raise UnsafeInputError(label, f"damaged archive member ({error})",
                                   expected="a member that decompresses cleanly") from None

    def _read_counted(self, info: zipfile.ZipInfo, label: str) -> bytes:
        limits = self.limits
        chunks: list[bytes] = []
        count = 0
        with self._zip.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                count += len(chunk)
                self._bytes_read += len(chunk)
                if count > info.file_size:
                    raise UnsafeInputError(
                        label, "member produces more bytes than its header declares",
                        value=count, expected=f"{info.file_size} bytes")
                if self._bytes_read > limits.max_total_bytes:
                    raise UnsafeInputError(
                        label, "reading the archive passed the limit on uncompressed bytes",
                        value=self._bytes_read,
                        expected=f"at most {limits.max_total_bytes} bytes")
                if _too_compressed(count, info.compress_size, limits):
                    raise UnsafeInputError(
                        label, "member expands far more than ordinary files do "
                        "(possible zip bomb)", value=f"{count} bytes so far from "
                        f"{info.compress_size} compressed",
                        expected=f"a compression ratio of at most {limits.max_ratio}")
                chunks.append(chunk)
        return b"".join(chunks)


# ---------------------------------------------------------------- member checks


def _normal(name: str) -> str:
    """A member name with backslashes as slashes and no leading ``./``."""
    name = name.replace("\\", "/")
    while name.startswith("./"):
        name = name[2:]
    return name


def relative_path_problem(name: str) -> tuple[str, str] | None:
    """What is wrong with ``name`` as a path inside an archive, or None when it is safe.

    A safe path is relative and stays inside: no NUL character, no leading slash or
    backslash, no drive letter, no ``..`` step (backslashes count as slashes).

    Returns
    -------
    tuple of (str, str) or None
        The problem and what was expected, for an error message.

    Examples
    --------
    >>> relative_path_problem("Sources/a.txt") is None
    True
    >>> relative_path_problem("../etc/passwd")[0]
    "member name climbs out of the archive with '..'"
    """
    return _name_problem(name)


def _name_problem(name: str) -> tuple[str, str] | None:
    expected = "a relative path inside the archive"
    if "\x00" in name:
        return "member name contains a NUL character", expected
    normal = name.replace("\\", "/")
    if normal.startswith("/"):
        return "member name is an absolute path", expected
    if _DRIVE.match(normal):
        return "member name starts with a drive letter", expected
    if ".." in normal.split("/"):
        return "member name climbs out of the archive with '..'", expected
    return None


def _kind_problem(info: zipfile.ZipInfo) -> tuple[str, str] | None:
    mode = info.external_attr >> 16
    if mode and stat.S_ISLNK(mode):
        return "member is a symbolic link", "regular files and folders only"
    if info.flag_bits & 0x1:
        return "member is encrypted", "unencrypted members"
    if info.compress_type not in _SUPPORTED_METHODS:
        return (f"member uses an unsupported compression method ({info.compress_type})",
                "stored, deflate, bzip2 or lzma")
    return None


def _ratio_problem(info: zipfile.ZipInfo, limits: ZipLimits) -> tuple[str, str] | None:
    if _too_compressed(info.file_size, info.compress_size, limits):
        message = ("member declares a compression ratio far beyond ordinary files "
                   f"({info.file_size} bytes from {info.compress_size}; possible zip bomb)")
        return message, f"a compression ratio of at most {limits.max_ratio}"
    return None


def _too_compressed(size: int, compressed: int, limits: ZipLimits) -> bool:
    if size <= limits.ratio_min_bytes:
        return False
    return compressed <= 0 or size / compressed > limits.max_ratio
