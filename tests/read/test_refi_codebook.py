"""REFI-QDA codebooks: read_qdc (code tree, code groups, descriptions) and to_codebook.

Expected values are read off the sample files by eye (their XML is short) or worked
out by hand for the codebooks built here.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

import image_synth
from image_synth.errors import DataValidationError
from image_synth.read.refi import QdaCodebook, read_qdc, read_qdpx, trim_description

from _support import SHARED

CB = "urn:QDA-XML:codebook:1.0"
SAMPLES = SHARED / "refi_samples"
#: the real exports are in ../shared beside the project, which may be absent
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(),
                                   reason="../shared/refi_samples is absent")


def guid(number: int) -> str:
    return f"00000000-0000-4000-8000-{number:012d}"


def write_qdc(path: Path, codes: str, sets: str = "") -> Path:
    path.write_text(f'<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="{CB}" '
                    f'origin="hand"><Codes>{codes}</Codes>{sets}</CodeBook>', encoding="utf-8")
    return path


def code(number: int, name: str, children: str = "", *, codable: bool = True,
         description: str | None = None) -> str:
    inner = f"<Description>{description}</Description>" if description is not None else ""
    return (f'<Code guid="{guid(number)}" name="{name}" isCodable="{str(codable).lower()}">'
            f"{inner}{children}</Code>")


def group(number: int, name: str, *members: int) -> str:
    refs = "".join(f'<MemberCode targetGUID="{guid(m)}"/>' for m in members)
    return f'<Set guid="{guid(number)}" name="{name}">{refs}</Set>'


# ----------------------------------------------------------------- public name


def test_read_qdc_is_public() -> None:
    assert image_synth.read_qdc is read_qdc
    assert "read_qdc" in dir(image_synth)


# ----------------------------------------------------------------- real codebooks


@pytest.mark.shared
@needs_samples
def test_qualcoder_codebook_tree() -> None:
    book = read_qdc(SAMPLES / "qualcoder4.0beta_codebook.qdc")
    assert isinstance(book, QdaCodebook) and book.origin == "QualCoder"
    codes = book.codes.set_index("code")
    assert codes.loc["wederzijds", "code_path"] == "Mechanismen > vertrouwen > wederzijds"
    assert codes.loc["wederzijds", "parent_path"] == "Mechanismen > vertrouwen"
    assert codes.loc["tijd", "parent"] == "Sub-categorie"
    assert not codes.loc["Mechanismen", "is_codable"]
    assert codes.loc["vertrouwen", "description"] == "trust memo"
    assert len(book.code_groups) == 0


@pytest.mark.shared
@needs_samples
def test_atlas_code_group_members_named_by_guid() -> None:
    # ATLAS.ti writes <MemberCode guid="..."/> where REFI says targetGUID
    book = read_qdc(SAMPLES / "atlasti_win23.4.0_codebook_from_requal_test.qdc")
    assert book.code_groups[["group", "code"]].values.tolist() == [["code group 1", "code1"]]
    assert book.codes["description"].tolist() == ["description"]


@pytest.mark.shared
@needs_samples
def test_taguette_codebook_with_empty_sets() -> None:
    book = read_qdc(SAMPLES / "taguette_1.5.2_codebook.qdc")
    assert book.codes["code"].tolist() == ["interesting", "people", "interesting.places",
                                           "Begrüßung – café", "emoji 😀 code"]
    assert book.codes["parent"].isna().all() and len(book.code_groups) == 0


@pytest.mark.shared
@needs_samples
def test_nvivo_descriptions_lose_trailing_whitespace_only() -> None:
    codes = read_qdpx(SAMPLES / "nvivo_mac12.7_OltasSzkepticizmus_17June.qdpx").codes
    described = codes.set_index("code")["description"]
    # "<Description>csak egy nátha\n</Description>"
    assert described["relativizálás, analógiák"] == "csak egy nátha"
    # a space and a tab before the first line end go; the blank line stays
    cue = described["HBM 5. Cue to Action – Cselekvésre ösztönző inger"]
    assert cue.startswith("Külső vagy belső ingerek aktiválják a cselekvést.\nEgyéni")
    assert "\n\nFontos azonosítani" in cue
    # tab-indented bullets are not common indentation (other lines have none): kept
    barriers = described["HBM 4. Perceived Barriers – Észlelt akadályok"]
    assert "\n\t•\tFizikai (mellékhatás, betegség)\n" in barriers


# ----------------------------------------------------------------- descriptions


def test_pretty_printed_descriptions_are_dedented(tmp_path: Path) -> None:
    text = "\n            Vertrouwen in elkaar.\n              - en bereidheid\n        "
    path = write_qdc(tmp_path / "pretty.qdc", code(1, "vertrouwen", description=text)
                     + code(2, "tijd", description="Te weinig tijd,\n      en geld.\n   ")
                     + code(3, "leeg", description="\n    \n  "))
    described = read_qdc(path).codes.set_index("code")["description"]
    assert described["vertrouwen"] == "Vertrouwen in elkaar.\n  - en bereidheid"
    assert described["tijd"] == "Te weinig tijd,\nen geld."
    assert described.isna()["leeg"]


def test_trim_description_edge_cases() -> None:
    assert trim_description(None) is None
    assert trim_description("one line") == "one line"
    assert trim_description("\r\n    a\r\n    b\r\n") == "a\nb"
    assert trim_description("  a\n\tb") == "  a\n\tb"  # different indentation: kept


# ----------------------------------------------------------------- code groups


def test_code_groups_of_a_codebook(tmp_path: Path) -> None:
    path = write_qdc(tmp_path / "groups.qdc",
                     code(1, "werkzaam", code(2, "vertrouwen") + code(3, "visie"))
                     + code(4, "tijd"),
                     "<Sets>" + group(10, "kern", 2, 4) + group(11, "leeg") + "</Sets>")
    groups = read_qdc(path).code_groups
    assert groups[["group", "code_path"]].values.tolist() == [
        ["kern", "werkzaam > vertrouwen"], ["kern", "tijd"]]


def test_code_group_with_an_unknown_member(tmp_path: Path) -> None:
    path = write_qdc(tmp_path / "bad.qdc", code(1, "a"),
                     "<Sets>" + group(10, "g", 99) + "</Sets>")
    with pytest.raises(DataValidationError) as error:
        read_qdc(path)
    problem, = error.value.problems
    assert (problem.row, problem.column, problem.value) == (
        "Sets/Set[@name='g']/MemberCode[1]", "targetGUID", guid(99))


# ----------------------------------------------------------------- to_codebook


def test_to_codebook_ids_parents_and_names(tmp_path: Path) -> None:
    # "anders" appears twice: both get their path as id; the rest keep their names
    path = write_qdc(tmp_path / "tree.qdc",
                     code(1, "werkzaam", code(2, "vertrouwen", description="trust")
                          + code(3, "anders"), codable=False)
                     + code(4, "belemmerend", code(5, "anders")),
                     "<Sets>" + group(10, "category: working_factor", 1)
                     + group(11, "category:hindering_factor", 4) + "</Sets>")
    book = read_qdc(path).to_codebook(name="mijn codeboek")
    assert book.name == "mijn codeboek"
    rows = [(c.id, c.label.nl, c.parent, c.category) for c in book.codes]
    assert rows == [
        ("werkzaam", "werkzaam", None, "working_factor"),
        ("vertrouwen", "vertrouwen", "werkzaam", "working_factor"),
        ("werkzaam > anders", "anders", "werkzaam", "working_factor"),
        ("belemmerend", "belemmerend", None, "hindering_factor"),
        ("belemmerend > anders", "anders", "belemmerend", "hindering_factor")]
    trust = book.code("vertrouwen")
    assert trust.description == "trust"
    assert trust.qda_names == ("werkzaam > vertrouwen", "werkzaam::vertrouwen")
    assert book.code("werkzaam > anders").qda_names == ("werkzaam::anders",)
    assert book.code("werkzaam").links == ()
    # codings named by path, by ATLAS.ti path or by leaf all find their code
    index = book.name_index()
    assert index["werkzaam::vertrouwen"] == index["vertrouwen"] == "vertrouwen"


def test_to_codebook_warns_about_codes_without_category(tmp_path: Path) -> None:
    path = write_qdc(tmp_path / "plain.qdc", code(1, "a", code(2, "b")) + code(3, "c"),
                     "<Sets>" + group(10, "category: condition", 3) + "</Sets>")
    with pytest.warns(UserWarning, match=r"2 codes of .*plain.qdc have no category "
                      r"\('a', 'b'\).*code group named 'category: <category>'"):
        book = read_qdc(path).to_codebook()
    assert [c.category for c in book.codes] == [None, None, "condition"]
    assert book.name == "plain"


def test_to_codebook_reports_every_bad_category_group(tmp_path: Path) -> None:
    path = write_qdc(tmp_path / "bad.qdc", code(1, "a") + code(2, "b"),
                     "<Sets>" + group(10, "category: mechanism", 1)
                     + group(11, "category: condition", 2)
                     + group(12, "category: result_yield", 2) + "</Sets>")
    with pytest.raises(DataValidationError) as error:
        read_qdc(path).to_codebook()
    found = [(p.row, p.value, p.message) for p in error.value.problems]
    assert found == [
        ("Sets/Set[@name='category: mechanism']", "mechanism",
         "code group names an unknown category"),
        ("Sets/Set[@name='category: result_yield']", "b", "code is in two category groups")]
    assert "working_factor, hindering_factor" in error.value.problems[0].expected


# ----------------------------------------------------------------- the wrong reader


def test_a_qdc_given_to_read_qdpx_names_read_qdc(tmp_path: Path) -> None:
    path = write_qdc(tmp_path / "codes.qdc", code(1, "a"))
    with pytest.raises(DataValidationError, match="codebook, not a project: read it with "
                       "read_qdc"):
        read_qdpx(path)
    # the same codebook misnamed .qde: the root element tells
    misnamed = tmp_path / "codes.qde"
    misnamed.write_bytes(path.read_bytes())
    with pytest.raises(DataValidationError, match="codebook, read it with read_qdc"):
        read_qdpx(misnamed)


def test_a_qdpx_given_to_read_qdc_names_read_qdpx(tmp_path: Path) -> None:
    archive = tmp_path / "project.qdpx"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("project.qde", "<Project/>")
    with pytest.raises(DataValidationError, match="project archive, not a codebook: read it "
                       "with read_qdpx"):
        read_qdc(archive)
    # renamed to .qdc, it is still recognised by its zip signature
    renamed = tmp_path / "project.qdc"
    renamed.write_bytes(archive.read_bytes())
    with pytest.raises(DataValidationError, match="read_qdpx"):
        read_qdc(renamed)
