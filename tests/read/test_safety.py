"""Safe reading of untrusted XML and zip archives (image_synth.read.safety).

Every hostile file is built here, in tmp_path, so nothing hostile is committed. Small
limits (keyword overrides through ZipLimits) keep the cases fast.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from image_synth.errors import DataValidationError, ImageSynthError, UnsafeInputError
from image_synth.read.safety import (
    MAX_MEMBERS,
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    SafeZip,
    ZipLimits,
    parse_xml,
    read_file_limited,
)

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Project name="&xxe;"/>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<lolz>&lol4;</lolz>"""

PLAIN_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE Project SYSTEM "http://example.invalid/project.dtd">
<Project name="x"/>"""

NOT_WELL_FORMED = b"""<?xml version="1.0"?>
<Project name="x">
  <Users></Sources>
</Project>"""


def write_zip(path: Path, members: dict[str, bytes], *,
              compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def assert_names(error: pytest.ExceptionInfo, *parts: str) -> None:
    text = str(error.value)
    for part in parts:
        assert part in text, f"{part!r} not in message:\n{text}"


# ----------------------------------------------------------------- XML


@pytest.mark.parametrize("data, shown", [
    (XXE, "<!DOCTYPE Project>"),
    (BILLION_LAUGHS, "<!DOCTYPE lolz>"),
    (PLAIN_DTD, "<!DOCTYPE Project>"),
], ids=["xxe", "billion-laughs", "dtd"])
def test_parse_xml_refuses_dtds_and_entities(data: bytes, shown: str) -> None:
    with pytest.raises(UnsafeInputError) as error:
        parse_xml(data, file="hostile.qde")
    assert_names(error, "hostile.qde", "line 2", shown, "DTD or entities",
                 "possible XXE or entity expansion attack")


def test_parse_xml_reports_line_and_column_of_a_parse_error() -> None:
    with pytest.raises(UnsafeInputError) as error:
        parse_xml(NOT_WELL_FORMED, file="broken.qde")
    assert_names(error, "broken.qde", "not well-formed XML", "mismatched tag",
                 "line 3, column")
    assert error.value.problems[0].row == "line 3"


def test_parse_xml_reports_empty_input() -> None:
    with pytest.raises(UnsafeInputError, match="empty.qde.*not well-formed XML"):
        parse_xml(b"", file="empty.qde")


def test_parse_xml_reads_ordinary_xml() -> None:
    root = parse_xml('<Project xmlns="urn:QDA-XML:project:1.0" name="é"/>'.encode(),
                     file="ok.qde")
    assert root.get("name") == "é"


def test_unsafe_input_is_a_data_validation_error_of_the_package() -> None:
    assert issubclass(UnsafeInputError, DataValidationError)
    assert issubclass(UnsafeInputError, ImageSynthError)


# ----------------------------------------------------------------- zip: directory


def test_defaults_are_the_documented_limits() -> None:
    limits = ZipLimits()
    assert (limits.max_members, limits.max_total_bytes, limits.max_ratio) == \
        (MAX_MEMBERS, MAX_TOTAL_BYTES, MAX_RATIO) == (10_000, 2 * 1024**3, 200)


def test_zip_bomb_member_is_refused(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "bomb.qdpx", {"Sources/bomb.txt": b"\0" * 200_000})
    with pytest.raises(UnsafeInputError) as error:
        SafeZip(path, limits=ZipLimits(max_ratio=20, ratio_min_bytes=1024))
    assert_names(error, "bomb.qdpx!Sources/bomb.txt", "compression ratio", "zip bomb")


def test_ordinary_text_passes_the_ratio_check(tmp_path: Path) -> None:
    text = " ".join(f"word{i}" for i in range(40_000)).encode()
    path = write_zip(tmp_path / "ok.qdpx", {"Sources/a.txt": text})
    with SafeZip(path, limits=ZipLimits(ratio_min_bytes=1024)) as archive:
        assert archive.read("Sources/a.txt") == text
        assert archive.bytes_read == len(text)


def test_too_many_members_are_refused(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "many.qdpx", {f"Sources/{i}.txt": b"x" for i in range(6)})
    with pytest.raises(UnsafeInputError) as error:
        SafeZip(path, limits=ZipLimits(max_members=5))
    assert_names(error, "many.qdpx", "6 members", "at most 5 members")


def test_member_count_is_refused_before_the_directory_is_parsed(tmp_path: Path) -> None:
    data = bytearray(write_zip(tmp_path / "one.zip", {"a.txt": b"a"}).read_bytes())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 60_000, 60_000)   # entries on disk, in total
    path = tmp_path / "forged.qdpx"
    path.write_bytes(bytes(data))
    with pytest.raises(UnsafeInputError) as error:
        SafeZip(path)
    assert_names(error, "forged.qdpx", "60000 members", "at most 10000 members")


def test_declared_size_beyond_the_limit_is_refused(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "big.qdpx", {"a.txt": b"a" * 600, "b.txt": b"b" * 600})
    with pytest.raises(UnsafeInputError) as error:
        SafeZip(path, limits=ZipLimits(max_total_bytes=1000))
    assert_names(error, "big.qdpx", "uncompressed bytes", "at most 1000 bytes")


@pytest.mark.parametrize("name, reason", [
    ("../evil.txt", "climbs out of the archive"),
    ("Sources/../../evil.txt", "climbs out of the archive"),
    ("..\\evil.txt", "climbs out of the archive"),
    ("/etc/x", "absolute path"),
    ("\\etc\\x", "absolute path"),
    ("C:/Windows/x.txt", "drive letter"),
], ids=["dotdot", "nested-dotdot", "backslash-dotdot", "absolute", "backslash-absolute",
        "drive"])
def test_member_names_escaping_the_archive_are_refused(tmp_path: Path, name: str,
                                                       reason: str) -> None:
    path = write_zip(tmp_path / "escape.qdpx", {"project.qde": b"<Project/>", name: b"x"})
    with pytest.raises(UnsafeInputError) as error:
        SafeZip(path)
    assert_names(error, f"escape.qdpx!{name}", reason)


def test_symlink_member_is_refused(tmp_path: Path) -> None:
    info = zipfile.ZipInfo("Sources/link.txt")
    info.create_system = 3
    info.external_attr = (0o120777 << 16)
    path = tmp_path / "link.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(info, "/etc/passwd")
    with pytest.raises(UnsafeInputError) as error:
        SafeZip(path)
    assert_names(error, "link.qdpx!Sources/link.txt", "symbolic link")


def test_encrypted_member_is_refused(tmp_path: Path) -> None:
    data = bytearray(io.BytesIO(write_zip(tmp_path / "plain.zip",
                                          {"secret.txt": b"x"}).read_bytes()).getvalue())
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    for offset in (local + 6, central + 8):
        flags = struct.unpack_from("<H", data, offset)[0]
        struct.pack_into("<H", data, offset, flags | 0x1)
    path = tmp_path / "encrypted.qdpx"
    path.write_bytes(bytes(data))
    with pytest.raises(UnsafeInputError) as error:
        SafeZip(path)
    assert_names(error, "encrypted.qdpx!secret.txt", "encrypted")


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "text.qdpx"
    path.write_text("this is not an archive\n" * 10)
    with pytest.raises(UnsafeInputError) as error:
        SafeZip(path)
    assert_names(error, "text.qdpx", "not a zip archive")


def test_truncated_zip_is_refused(tmp_path: Path) -> None:
    whole = write_zip(tmp_path / "whole.zip",
                      {"project.qde": b"<Project/>" * 500, "Sources/a.txt": b"abc" * 999})
    path = tmp_path / "truncated.qdpx"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size * 2 // 3])
    with pytest.raises(UnsafeInputError) as error:
        SafeZip(path)
    assert_names(error, "truncated.qdpx", "truncated")


def test_member_whose_header_understates_its_size_is_refused_on_reading(
        tmp_path: Path) -> None:
    data = bytearray(write_zip(tmp_path / "honest.zip",
                               {"Sources/a.txt": b"abcdefgh" * 1000}).read_bytes())
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, 10)      # uncompressed size, local header
    struct.pack_into("<I", data, central + 24, 10)    # uncompressed size, central directory
    path = tmp_path / "liar.qdpx"
    path.write_bytes(bytes(data))
    limits = ZipLimits(ratio_min_bytes=0, max_ratio=10**9)
    with SafeZip(path, limits=limits) as archive, pytest.raises(UnsafeInputError) as error:
        archive.read("Sources/a.txt")
    assert_names(error, "liar.qdpx!Sources/a.txt", "damaged archive member")


def test_corrupt_member_data_is_refused_on_reading(tmp_path: Path) -> None:
    data = bytearray(write_zip(tmp_path / "ok.zip",
                               {"Sources/a.txt": bytes(range(256)) * 40}).read_bytes())
    start = data.find(b"PK\x03\x04") + 30 + len("Sources/a.txt")
    for offset in range(start + 5, start + 60):
        data[offset] ^= 0xFF
    path = tmp_path / "corrupt.qdpx"
    path.write_bytes(bytes(data))
    with SafeZip(path) as archive, pytest.raises(UnsafeInputError) as error:
        archive.read("Sources/a.txt")
    assert_names(error, "corrupt.qdpx!Sources/a.txt", "damaged archive member")


def test_missing_archive_is_a_validation_error(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match="absent.qdpx.*file not found"):
        SafeZip(tmp_path / "absent.qdpx")


# ----------------------------------------------------------------- zip: lookup


def test_find_ignores_case_and_slash_direction(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "a.qdpx", {"Project.qde": b"<Project/>",
                                           "sources/ABC.txt": b"text"})
    with SafeZip(path) as archive:
        assert archive.find("project.QDE") == "Project.qde"
        assert archive.find("Sources\\abc.txt") == "sources/ABC.txt"
        assert archive.find("Sources/missing.txt") is None
        assert archive.find_suffix(".QDE") == ["Project.qde"]
        assert archive.read(archive.find("SOURCES/abc.TXT")) == b"text"


def test_names_differing_only_in_case_are_ambiguous(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "twins.qdpx", {"Sources/a.txt": b"1", "sources/A.txt": b"2"})
    with SafeZip(path) as archive, pytest.raises(UnsafeInputError, match="differ only in case"):
        archive.find("Sources/a.txt")


def test_read_file_limited_refuses_a_large_file(tmp_path: Path) -> None:
    path = tmp_path / "large.qde"
    path.write_bytes(b"x" * 2000)
    with pytest.raises(UnsafeInputError, match="large.qde.*larger than the limit"):
        read_file_limited(path, max_bytes=1000)
    assert read_file_limited(path, max_bytes=2000) == b"x" * 2000


def test_read_file_limited_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match="nothing.qde.*file not found"):
        read_file_limited(tmp_path / "nothing.qde")
