"""write_qdpx in the REFI style: nested codes, Variables/Cases, one selection per coder.

The XML is checked element by element against what the REFI-QDA standard says (and
against Project.xsd when ../shared is present); the ATLAS.ti style, used by the
example study, is checked in test_refi.py and by the byte-identical regeneration test.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd
import pytest

import image_synth
from image_synth.errors import DataValidationError, OptionError
from image_synth.read.qdpx_writer import DEFAULT_ORIGIN, write_qdpx
from image_synth.read.refi import read_qdpx
from image_synth.read.safety import MAX_DEPTH

NS = {"q": "urn:QDA-XML:project:1.0"}

CODES = pd.DataFrame({
    "code": ["werkzaam", "vertrouwen", "wederzijds", "tijd"],
    "parent": [None, "werkzaam", "vertrouwen", None],
    "description": ["wat werkt", None, "van twee kanten", None],
    "color": [None, "#FF0000", None, None]})
TEXT_A = "We vertrouwen elkaar.\nDe tijd ontbreekt."
TEXT_B = "Tijd is er niet; vertrouwen wel."
SOURCES = [
    {"source_id": "PL A", "text": TEXT_A,
     "attributes": {"regio": "A", "wave": 2023, "score": 3.5, "nieuw": True}},
    {"source_id": "PL B", "text": TEXT_B,
     "attributes": {"regio": "B", "wave": 2023, "score": None, "nieuw": False}},
]
# both coders code "vertrouwen" in PL A (3:20); coder 2 adds a second code to it
CODINGS = pd.DataFrame({
    "source_id": ["PL A", "PL A", "PL A", "PL A", "PL B"],
    "code": ["vertrouwen", "vertrouwen", "wederzijds", "tijd", "tijd"],
    "start": [3, 3, 3, 25, 0],
    "end": [20, 20, 20, 39, 4],
    "coder": ["anna", "bram", "bram", "anna", "bram"]})


def write(path: Path, **options) -> Path:
    return write_qdpx(path, codes=CODES, sources=SOURCES, codings=CODINGS, **options)


def project_xml(path: Path) -> ET.Element:
    with zipfile.ZipFile(path) as archive:
        return ET.fromstring(archive.read("Project.qde"))


def test_write_qdpx_is_public() -> None:
    assert image_synth.write_qdpx is write_qdpx


def test_origin_is_the_package(tmp_path: Path) -> None:
    root = project_xml(write(tmp_path / "p.qdpx"))
    assert root.get("origin") == DEFAULT_ORIGIN == f"image_synth {image_synth.__version__}"
    assert read_qdpx(tmp_path / "p.qdpx").vendor == "other"


def test_code_tree_is_nested(tmp_path: Path) -> None:
    root = project_xml(write(tmp_path / "p.qdpx"))
    codes = root.find("q:CodeBook/q:Codes", NS)
    assert [c.get("name") for c in codes.findall("q:Code", NS)] == ["werkzaam", "tijd"]
    deepest = codes.find("q:Code[@name='werkzaam']/q:Code[@name='vertrouwen']/"
                         "q:Code[@name='wederzijds']", NS)
    assert deepest is not None
    assert deepest.find("q:Description", NS).text == "van twee kanten"
    assert codes.find(".//q:Code[@name='vertrouwen']", NS).get("color") == "#FF0000"
    # a parent's Description comes before its child Codes (the XSD's sequence)
    werkzaam = codes.find("q:Code[@name='werkzaam']", NS)
    assert [child.tag.split("}")[1] for child in werkzaam] == ["Description", "Code"]
    assert not any("::" in (c.get("name") or "") for c in root.iter(f"{{{NS['q']}}}Code"))


def test_attributes_are_variables_and_cases(tmp_path: Path) -> None:
    root = project_xml(write(tmp_path / "p.qdpx"))
    variables = {v.get("name"): v.get("typeOfVariable")
                 for v in root.findall("q:Variables/q:Variable", NS)}
    assert variables == {"regio": "Text", "wave": "Integer", "score": "Float",
                         "nieuw": "Boolean"}
    cases = root.findall("q:Cases/q:Case", NS)
    assert len(cases) == 2 and all(case.get("name") is None for case in cases)
    sources = {s.get("guid"): s.get("name") for s in root.iter(f"{{{NS['q']}}}TextSource")}
    guid_of = {v.get("guid"): v.get("name") for v in root.findall("q:Variables/q:Variable", NS)}
    found = {}
    for case in cases:
        refs = case.findall("q:SourceRef", NS)
        assert len(refs) == 1
        found[sources[refs[0].get("targetGUID")]] = {
            guid_of[value.find("q:VariableRef", NS).get("targetGUID")]: value[1].text
            for value in case.findall("q:VariableValue", NS)}
    assert found == {"PL A": {"regio": "A", "wave": "2023", "score": "3.5", "nieuw": "true"},
                     "PL B": {"regio": "B", "wave": "2023", "nieuw": "false"}}
    assert root.find("q:Sets", NS) is None                   # no 'regio: A' document groups


def test_one_selection_per_range_and_coder(tmp_path: Path) -> None:
    root = project_xml(write(tmp_path / "p.qdpx"))
    users = {u.get("guid"): u.get("name") for u in root.findall("q:Users/q:User", NS)}
    source = root.find("q:Sources/q:TextSource[@name='PL A']", NS)
    selections = [(s.get("startPosition"), s.get("endPosition"), users[s.get("creatingUser")],
                   sorted(users[c.get("creatingUser")] for c in s.findall("q:Coding", NS)))
                  for s in source.findall("q:PlainTextSelection", NS)]
    assert selections == [("3", "20", "anna", ["anna"]), ("3", "20", "bram", ["bram", "bram"]),
                          ("25", "39", "anna", ["anna"])]
    guids = [s.get("guid") for s in root.iter(f"{{{NS['q']}}}PlainTextSelection")]
    assert len(set(guids)) == len(guids)


def test_round_trip_through_the_reader(tmp_path: Path) -> None:
    project = read_qdpx(write(tmp_path / "p.qdpx"))
    columns = ["source_id", "code", "start", "end", "coder"]
    back = project.codings.sort_values(columns).reset_index(drop=True)
    assert back[columns].values.tolist() == CODINGS.sort_values(columns)[columns].values.tolist()
    # sorted by source, then code: PL A's tijd, vertrouwen twice, wederzijds; PL B's tijd
    assert back["quote"].tolist() == ["tijd ontbreekt", "vertrouwen elkaar",
                                      "vertrouwen elkaar", "vertrouwen elkaar", "Tijd"]
    assert [[code, None if pd.isna(parent) else parent]
            for code, parent in project.codes[["code", "parent"]].values] == [
        ["werkzaam", None], ["vertrouwen", "werkzaam"], ["wederzijds", "vertrouwen"],
        ["tijd", None]]
    sources = project.sources.set_index("source_id")
    assert sources.loc["PL A", ["regio", "wave", "score", "nieuw"]].tolist() == [
        "A", 2023, 3.5, True]
    assert sources["nieuw"].tolist() == [True, False]
    assert pd.isna(sources.loc["PL B", "score"])


def test_refi_style_follows_the_schema(tmp_path: Path, shared: Path) -> None:
    etree = pytest.importorskip("lxml.etree")
    xsd = shared / "refi_samples" / "schema" / "Project.xsd"
    if not xsd.is_file():
        pytest.skip("../shared/refi_samples is absent")
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    with zipfile.ZipFile(write(tmp_path / "p.qdpx")) as archive:
        document = etree.fromstring(archive.read("Project.qde"))
    assert schema.validate(document), schema.error_log


def test_atlas_style_still_shares_a_selection(tmp_path: Path) -> None:
    root = project_xml(write(tmp_path / "p.qdpx", style="atlas.ti"))
    source = root.find("q:Sources/q:TextSource[@name='PL A']", NS)
    assert len(source.findall("q:PlainTextSelection", NS)) == 2
    assert root.find("q:Variables", NS) is None and root.find("q:Sets", NS) is not None


def test_mixed_values_make_a_text_variable(tmp_path: Path) -> None:
    sources = [dict(SOURCES[0], attributes={"wave": 2023}),
               dict(SOURCES[1], attributes={"wave": "onbekend"})]
    path = write_qdpx(tmp_path / "p.qdpx", codes=CODES, sources=sources, codings=CODINGS)
    root = project_xml(path)
    assert root.find("q:Variables/q:Variable", NS).get("typeOfVariable") == "Text"
    assert read_qdpx(path).sources["wave"].tolist() == ["2023", "onbekend"]


def test_colon_in_attribute_names_is_fine_in_refi_style(tmp_path: Path) -> None:
    sources = [dict(SOURCES[0], attributes={"Cases:regio": "A"}), SOURCES[1]]
    path = write_qdpx(tmp_path / "p.qdpx", codes=CODES, sources=sources, codings=CODINGS)
    assert read_qdpx(path).sources["Cases:regio"].tolist()[0] == "A"
    with pytest.raises(DataValidationError, match="cannot be a document group name"):
        write_qdpx(tmp_path / "q.qdpx", codes=CODES, sources=sources, codings=CODINGS,
                   style="atlas.ti")


def test_code_tree_deeper_than_the_limit_is_refused(tmp_path: Path) -> None:
    depth = MAX_DEPTH + 1
    codes = pd.DataFrame({"code": [f"c{n}" for n in range(depth)],
                          "parent": [None] + [f"c{n}" for n in range(depth - 1)]})
    with pytest.raises(DataValidationError) as error:
        write_qdpx(tmp_path / "deep.qdpx", codes=codes, sources=SOURCES[:1],
                   codings=CODINGS.iloc[:0])
    problem, = error.value.problems
    assert (problem.row, problem.value) == (depth, f"c{depth - 1}")
    assert f"more than {MAX_DEPTH} levels" in problem.message
    assert not (tmp_path / "deep.qdpx").exists()
    # exactly at the limit it is written, and read back as deep as it was
    ok = write_qdpx(tmp_path / "ok.qdpx", codes=codes.iloc[:MAX_DEPTH], sources=SOURCES[:1],
                    codings=CODINGS.iloc[:0])
    assert read_qdpx(ok).codes["code_path"].iloc[-1].count(" > ") == MAX_DEPTH - 1


def test_unknown_style(tmp_path: Path) -> None:
    with pytest.raises(OptionError, match="style='nvivo'.*'refi', 'atlas.ti'"):
        write(tmp_path / "p.qdpx", style="nvivo")
