"""Hostile and broken REFI-QDA projects: text paths, deep nesting, code-tree cycles.

Each test asserts the error class and that the message names the file, the element,
the attribute and the value, as the reader promises.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from image_synth.errors import DataValidationError, UnsafeInputError
from image_synth.read.refi import read_qdc, read_qdpx
from image_synth.read.safety import MAX_DEPTH

from test_refi import (C1, C2, C3, S1, assert_names, codebook, coding, guid, make_qdpx,
                       project_xml, selection, users)

SAMPLES = "refi_samples"
TEXT = "We trust each other.\nTime is short."


def source_at(path: str, *selections: str) -> str:
    return (f'<TextSource guid="{S1}" name="Interview 1" plainTextPath="{path}">'
            f'{"".join(selections)}</TextSource>')


def project(path: str) -> bytes:
    return project_xml(users() + codebook() + "<Sources>"
                       + source_at(path, selection(41, 3, 8, coding(51, C1))) + "</Sources>",
                       origin="qc 1.3.2")


# ----------------------------------------------------------------- text paths


@pytest.mark.shared
def test_qc_bare_plain_text_path_resolves_inside_the_archive(shared: Path) -> None:
    path = shared / SAMPLES / "qc1.3.2_demo.qdpx"
    if not path.is_file():
        pytest.skip("../shared/refi_samples is absent")
    project_ = read_qdpx(path)
    codings = project_.codings
    assert len(codings) == 205
    assert codings["quote"].notna().sum() == 205          # was 0 before
    assert not any("outside the archive" in message for message in project_.messages)
    # qc names each selection after its (0-based) line; its quote is that whole line
    first = codings.iloc[0]
    assert first["quote"].startswith("This district goal is engage every student")
    assert first["quote"].endswith("\n") and first["quote"].count("\n") == 1


def test_bare_name_in_sources_folder(tmp_path: Path) -> None:
    archive = make_qdpx(tmp_path / "bare.qdpx", {"project.qde": project("interview1.txt"),
                                                  "sources/interview1.txt": TEXT})
    assert read_qdpx(archive).codings["quote"].tolist() == ["trust"]


def test_bare_name_beside_the_project_file(tmp_path: Path) -> None:
    archive = make_qdpx(tmp_path / "beside.qdpx", {"project.qde": project("interview1.txt"),
                                                    "interview1.txt": TEXT})
    read = read_qdpx(archive)                      # no Sources/ folder at all
    assert read.codings["quote"].tolist() == ["trust"] and read.messages == ()


def test_bare_name_missing_names_both_places(tmp_path: Path) -> None:
    archive = make_qdpx(tmp_path / "gone.qdpx", {"project.qde": project("gone.txt"),
                                                  "Sources/other.txt": "x"})
    with pytest.raises(DataValidationError) as error:
        read_qdpx(archive)
    assert_names(error, "gone.qdpx!project.qde", "TextSource[@name='Interview 1']",
                 "'plainTextPath'", "'gone.txt'", "Sources/gone.txt or gone.txt")


@pytest.mark.parametrize("location", [
    "../secret.txt", "internal://../project.qde", "sub/../../x.txt", "/etc/passwd",
    "\\\\server\\share\\x.txt", "C:\\Users\\x.txt"])
def test_paths_out_of_the_archive_are_refused(tmp_path: Path, location: str) -> None:
    archive = make_qdpx(tmp_path / "escape.qdpx", {"project.qde": project(location),
                                                    "Sources/secret.txt": "nothing",
                                                    "secret.txt": "nothing"})
    with pytest.raises(UnsafeInputError) as error:
        read_qdpx(archive)
    assert_names(error, "escape.qdpx!project.qde", "Sources/TextSource[@name='Interview 1']",
                 "'plainTextPath'", "points outside the archive", "refused")
    assert error.value.problems[0].value == location


def test_internal_path_without_a_name(tmp_path: Path) -> None:
    archive = make_qdpx(tmp_path / "empty.qdpx", {"project.qde": project("internal://"),
                                                   "Sources/a.txt": TEXT})
    with pytest.raises(DataValidationError) as error:
        read_qdpx(archive)
    assert not isinstance(error.value, UnsafeInputError)
    assert_names(error, "'plainTextPath'", "names no file", "'internal://'")


@pytest.mark.parametrize("location", ["relative:///interview1.txt",
                                      "absolute:///home/anna/interview1.txt",
                                      "file:///etc/passwd"])
def test_external_texts_are_left_unread(tmp_path: Path, location: str) -> None:
    archive = make_qdpx(tmp_path / "external.qdpx", {"project.qde": project(location),
                                                      "Sources/interview1.txt": TEXT})
    read = read_qdpx(archive)
    assert read.codings["quote"].isna().all()
    assert any("outside the archive" in message for message in read.messages)


# ----------------------------------------------------------------- deep nesting


def nested_codes(depth: int) -> str:
    opening = "".join(f'<Code guid="{guid(1000 + level)}" name="level {level}" '
                      f'isCodable="true">' for level in range(1, depth + 1))
    return f"<CodeBook><Codes>{opening}{'</Code>' * depth}</Codes></CodeBook>"


def test_codes_nested_thousands_deep_are_refused_without_recursion(tmp_path: Path) -> None:
    depth = 5 * sys.getrecursionlimit()   # far past what a recursive walk survives
    archive = make_qdpx(tmp_path / "deep.qdpx", {
        "project.qde": project_xml(users() + nested_codes(depth))})
    with pytest.raises(UnsafeInputError) as error:
        read_qdpx(archive)
    problem, = error.value.problems
    assert problem.file.endswith("deep.qdpx!project.qde")
    assert problem.row == f"CodeBook/Codes/.../Code[@name='level {MAX_DEPTH + 1}'] " \
                          f"(level {MAX_DEPTH + 1})"
    assert (problem.column, problem.value) == ("name", f"level {MAX_DEPTH + 1}")
    assert f"nested more than {MAX_DEPTH} levels" in problem.message


def test_codes_exactly_at_the_limit_are_read(tmp_path: Path) -> None:
    archive = make_qdpx(tmp_path / "limit.qdpx", {
        "project.qde": project_xml(users() + nested_codes(MAX_DEPTH))})
    codes = read_qdpx(archive).codes
    assert len(codes) == MAX_DEPTH
    assert codes["code_path"].iloc[-1].count(" > ") == MAX_DEPTH - 1
    assert codes["code"].tolist() == [f"level {n}" for n in range(1, MAX_DEPTH + 1)]


def test_deep_codebook_file_is_refused_too(tmp_path: Path) -> None:
    depth = 3 * sys.getrecursionlimit()
    opening = "".join(f'<Code guid="{guid(n)}" name="c{n}" isCodable="true">'
                      for n in range(depth))
    path = tmp_path / "deep.qdc"
    path.write_text(f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{opening}'
                    f'{"</Code>" * depth}</Codes></CodeBook>', encoding="utf-8")
    with pytest.raises(UnsafeInputError, match=r"deep.qdc, Codes/\.\.\./Code\[@name='c100'\]"):
        read_qdc(path)


def test_sets_nested_deeply_are_refused(tmp_path: Path) -> None:
    depth = 2 * sys.getrecursionlimit()
    sets = "".join(f'<Set guid="{guid(5000 + n)}" name="set {n}">' for n in range(depth))
    archive = make_qdpx(tmp_path / "sets.qdpx", {"project.qde": project_xml(
        users() + codebook() + f"<Sets>{sets}{'</Set>' * depth}</Sets>")})
    with pytest.raises(UnsafeInputError, match=r"Sets/\.\.\./Set\[@name='set 100'\]"):
        read_qdpx(archive)


def test_shallow_nested_sets_are_read_and_noted(tmp_path: Path) -> None:
    sets = (f'<Sets><Set guid="{guid(61)}" name="outer"><MemberCode targetGUID="{C3}"/>'
            f'<Set guid="{guid(62)}" name="inner"><MemberCode targetGUID="{C2}"/></Set>'
            f'</Set></Sets>')
    archive = make_qdpx(tmp_path / "sets.qdpx", {"project.qde": project_xml(
        users() + codebook() + sets)})
    read = read_qdpx(archive)
    assert read.code_groups[["group", "code"]].values.tolist() == [["outer", "time"],
                                                                   ["inner", "mutual"]]
    assert any("nested <Set>" in message for message in read.messages)


# ----------------------------------------------------------------- cycles


def test_code_reusing_its_ancestors_guid_is_a_cycle(tmp_path: Path) -> None:
    codes = (f'<CodeBook><Codes><Code guid="{C1}" name="trust" isCodable="true">'
             f'<Code guid="{C2}" name="mutual" isCodable="true">'
             f'<Code guid="{{{C1.lower()}}}" name="trust again" isCodable="true"/>'
             f'</Code></Code></Codes></CodeBook>')
    archive = make_qdpx(tmp_path / "cycle.qdpx", {"project.qde": project_xml(users() + codes)})
    with pytest.raises(DataValidationError) as error:
        read_qdpx(archive)
    problem, = error.value.problems               # the cycle, not also a "duplicate guid"
    assert "cycle in the code tree" in problem.message
    assert problem.row == ("CodeBook/Codes/Code[@name='trust']/Code[@name='mutual']/"
                           "Code[@name='trust again']")
    assert (problem.column, problem.value) == ("guid", "{" + C1.lower() + "}")


def test_sibling_reusing_a_guid_is_a_duplicate_not_a_cycle(tmp_path: Path) -> None:
    codes = (f'<CodeBook><Codes><Code guid="{C1}" name="trust" isCodable="true"/>'
             f'<Code guid="{C1}" name="twin" isCodable="true"/></Codes></CodeBook>')
    archive = make_qdpx(tmp_path / "twin.qdpx", {"project.qde": project_xml(users() + codes)})
    with pytest.raises(DataValidationError, match="duplicate guid"):
        read_qdpx(archive)

