"""write_qdpx output as QualCoder imports it, and as this package reads it: nothing lost.

QualCoder (ccbogel/QualCoder, ``src/qualcoder/refi.py``, class ``RefiImport``) is
the open-source program most users of this package will hand a ``.qdpx`` to.
:class:`QualCoderImport` below reimplements what that importer stores, from the
behaviour its source and docstrings describe (not its code; its database becomes
plain Python lists):

* ``Users``: guid -> name; a selection whose ``creatingUser`` (else ``modifyingUser``)
  is unknown is owned by ``"default"``.
* ``Code`` (recursively through nested ``Code``): ``isCodable="false"`` makes a
  category (table ``code_cat``, linked to its parent category); any other code is a
  code (``code_name``) linked to its parent code (``supercid``) or, under a category,
  to that category (``catid``). Names are unique per table: a repeated name reuses
  the existing row and the later code's guid is never registered.
* ``Variables``: each becomes an attribute type, first of files (``caseOrFile`` =
  ``file``), turned into a case attribute when a *named* ``Case`` gives it a value.
* A ``Case`` without a name and with exactly one ``SourceRef`` (MAXQDA's form) gives
  that source file attributes; a named ``Case`` becomes a QualCoder case with case
  attributes. ``VariableValue`` inside a ``TextSource`` gives file attributes too.
* A ``Set`` with ``MemberSource`` becomes a file attribute named after the set, its
  value the set's name (so ATLAS.ti's document group ``region: A`` becomes an
  attribute called ``region: A``); a name already used is refused.
* ``TextSource``: the text is read (UTF-8, a byte-order mark kept as a character)
  from ``Sources/`` (``sources/`` when a folder of that name exists) plus what
  follows ``internal:/`` in ``plainTextPath``; when its first line ends in CRLF and
  the origin does not name ATLAS, every LF becomes LF + space.
* ``PlainTextSelection``: ``startPosition``/``endPosition`` index that text; the
  *selection's* user owns every ``Coding`` in it (the ``Coding``'s own
  ``creatingUser`` is not read); each coding is a ``code_text`` row (cid, fid,
  seltext, pos0, pos1, owner), and a row repeating (cid, fid, pos0, pos1, owner) is
  dropped (QualCoder's unique constraint).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd
import pytest

from image_synth.read.qdpx_writer import write_qdpx
from image_synth.read.refi import read_qdpx

from _support import ROOT


class QualCoderImport:
    """The tables QualCoder fills when it imports a ``.qdpx`` (see the module's notes)."""

    def __init__(self, path: Path):
        self.users: dict[str, str] = {}
        self.code_cat: list[dict] = []
        self.code_name: list[dict] = []
        self.attribute_type: dict[str, str] = {}
        self.attribute: list[dict] = []
        self.source: list[dict] = []
        self.cases: list[dict] = []
        self.code_text: list[dict] = []
        self._code_guids: dict[str, int] = {}
        self._variables: dict[str, str] = {}
        self._file_vars: list[tuple[str, str, str | None]] = []
        with zipfile.ZipFile(path) as archive:
            self._members = {name: archive.read(name) for name in archive.namelist()
                             if not name.endswith("/")}
        qde = next(name for name in self._members if name.endswith(".qde"))
        root = ET.fromstring(self._members[qde])
        self._ns = root.tag[1:].partition("}")[0]
        self.origin = root.get("origin") or ""
        tops = {name.split("/")[0] for name in self._members if "/" in name}
        self._folder = "sources" if "sources" in tops else "Sources"
        for element in root:
            if self._is(element, "Users"):
                for user in element:
                    self.users[user.get("guid")] = user.get("name")
            elif self._is(element, "CodeBook"):
                for code in next(iter(element)):
                    self._code(code, None, None)
            elif self._is(element, "Variables"):
                for variable in element:
                    self._variables[variable.get("guid")] = variable.get("name")
                    self.attribute_type.setdefault(variable.get("name"), "file")
        for element in root:
            if self._is(element, "Cases"):
                for case in element:
                    self._file_variables(case)
        for element in root:
            if self._is(element, "Sources"):
                for source in element:
                    if self._is(source, "TextSource"):
                        self._text_source(source)
        by_guid = {s["guid"]: s["id"] for s in self.source}
        for source_guid, name, value in self._file_vars:
            if source_guid in by_guid:
                self.attribute.append({"name": name, "attr_type": "file", "value": value,
                                       "id": by_guid[source_guid]})
        for element in root:
            if self._is(element, "Cases"):
                for case in element:
                    if case.get("name") is not None:
                        self._named_case(case)
            elif self._is(element, "Sets"):
                for set_el in element:
                    self._set(set_el, by_guid)

    # -- helpers -------------------------------------------------------------------

    def _is(self, element: ET.Element, local: str) -> bool:
        return element.tag == f"{{{self._ns}}}{local}"

    def _children(self, element: ET.Element, local: str) -> list[ET.Element]:
        return [child for child in element if self._is(child, local)]

    def _owner(self, element: ET.Element) -> str:
        user = element.get("creatingUser") or element.get("modifyingUser")
        return self.users.get(user, "default")

    @staticmethod
    def _value(value_el: ET.Element) -> str | None:
        for child in value_el:
            if not child.tag.endswith("}VariableRef"):
                return child.text
        return None

    # -- codes ---------------------------------------------------------------------

    def _code(self, code: ET.Element, catid: int | None, supercid: int | None) -> None:
        description = next((d.text for d in self._children(code, "Description")), "")
        name = code.get("name")
        if code.get("isCodable") == "false":
            existing = [c for c in self.code_cat if c["name"] == name]
            if existing:
                new_catid = existing[0]["catid"]
            else:
                new_catid = len(self.code_cat) + 1
                self.code_cat.append({"catid": new_catid, "name": name, "memo": description,
                                      "supercatid": catid})
            for child in self._children(code, "Code"):
                self._code(child, new_catid, None)
            return
        existing = [c for c in self.code_name if c["name"] == name]
        if existing:
            cid = existing[0]["cid"]
        else:
            cid = len(self.code_name) + 1
            self.code_name.append({"cid": cid, "name": name, "memo": description,
                                   "catid": None if supercid is not None else catid,
                                   "supercid": supercid, "color": code.get("color")})
            self._code_guids[code.get("guid")] = cid
        for child in self._children(code, "Code"):
            self._code(child, None, cid)

    # -- attributes ----------------------------------------------------------------

    def _file_variables(self, case: ET.Element) -> None:
        refs = self._children(case, "SourceRef")
        if case.get("name") is not None or len(refs) != 1:
            return
        for value_el in self._children(case, "VariableValue"):
            ref = self._children(value_el, "VariableRef")[0].get("targetGUID")
            self._file_vars.append((refs[0].get("targetGUID"), self._variables.get(ref),
                                    self._value(value_el)))

    def _named_case(self, case: ET.Element) -> None:
        caseid = len(self.cases) + 1
        self.cases.append({"caseid": caseid, "name": case.get("name")})
        for value_el in self._children(case, "VariableValue"):
            name = self._variables.get(self._children(value_el, "VariableRef")[0]
                                       .get("targetGUID"), "")
            self.attribute.append({"name": name, "attr_type": "case",
                                   "value": self._value(value_el), "id": caseid})
            self.attribute_type[name] = "case"

    def _set(self, set_el: ET.Element, by_guid: dict[str, int]) -> None:
        members = [by_guid[ref.get("targetGUID")] for ref in self._children(set_el, "MemberSource")
                   if ref.get("targetGUID") in by_guid]
        name = set_el.get("name")
        if not members or name in self.attribute_type:
            return
        self.attribute_type[name] = "file"
        self.attribute += [{"name": name, "attr_type": "file", "value": name, "id": fid}
                           for fid in members]

    # -- sources and codings ---------------------------------------------------------

    def _text_source(self, source: ET.Element) -> None:
        tail = source.get("plainTextPath").split("internal:/")[1]
        raw = self._members[f"{self._folder}{tail}"]
        first_line = raw.split(b"\n", 1)[0]
        text = raw.decode("utf-8", errors="replace")
        if first_line.endswith(b"\r") and "ATLAS" not in self.origin:
            text = text.replace("\n", "\n ")
        fid = len(self.source) + 1
        self.source.append({"id": fid, "name": source.get("name"), "fulltext": text,
                            "guid": source.get("guid")})
        for selection in self._children(source, "PlainTextSelection"):
            pos0 = int(selection.get("startPosition"))
            pos1 = int(selection.get("endPosition"))
            owner = self._owner(selection)
            for coding in self._children(selection, "Coding"):
                cid = self._code_guids.get(self._children(coding, "CodeRef")[0]
                                           .get("targetGUID"))
                key = (cid, fid, pos0, pos1, owner)
                if any((r["cid"], r["fid"], r["pos0"], r["pos1"], r["owner"]) == key
                       for r in self.code_text):
                    continue
                self.code_text.append({"cid": cid, "fid": fid, "seltext": text[pos0:pos1],
                                       "pos0": pos0, "pos1": pos1, "owner": owner})
        for value_el in self._children(source, "VariableValue"):
            name = self._variables.get(self._children(value_el, "VariableRef")[0]
                                       .get("targetGUID"), "")
            value = (self._value(value_el) or "").strip()
            self.attribute.append({"name": name, "attr_type": "file", "value": value,
                                   "id": fid})

    # -- views the tests compare ---------------------------------------------------

    def code_parents(self) -> dict[str, str | None]:
        names = {c["cid"]: c["name"] for c in self.code_name}
        return {c["name"]: names.get(c["supercid"]) for c in self.code_name}

    def file_attributes(self) -> dict[str, dict[str, str]]:
        names = {s["id"]: s["name"] for s in self.source}
        out: dict[str, dict[str, str]] = {}
        for row in self.attribute:
            if row["attr_type"] == "file":
                out.setdefault(names[row["id"]], {})[row["name"]] = row["value"]
        return out

    def codings(self) -> list[tuple]:
        codes = {c["cid"]: c["name"] for c in self.code_name}
        names = {s["id"]: s["name"] for s in self.source}
        return sorted((names[r["fid"]], codes.get(r["cid"]), r["pos0"], r["pos1"], r["owner"],
                       r["seltext"]) for r in self.code_text)


# ----------------------------------------------------------------- the importer itself


@pytest.mark.shared
def test_the_importer_on_qualcoders_own_export(shared: Path) -> None:
    # QualCoder's export of a project QualCoder made: importing it must give that project
    path = shared / "refi_samples" / "qualcoder4.0beta_export_emoji.qdpx"
    if not path.is_file():
        pytest.skip("../shared/refi_samples is absent")
    imported = QualCoderImport(path)
    categories = {c["catid"]: c["name"] for c in imported.code_cat}
    assert sorted(categories.values()) == ["Mechanismen", "Sub-categorie"]
    placed = {c["name"]: (categories.get(c["catid"]), c["supercid"]) for c in imported.code_name}
    cid = {c["name"]: c["cid"] for c in imported.code_name}
    assert placed == {"emoji 😀": (None, None), "vertrouwen": ("Mechanismen", None),
                      "wederzijds": (None, cid["vertrouwen"]), "tijd": ("Sub-categorie", None)}
    assert imported.file_attributes() == {"interview_één.txt": {"regio": "C", "leeftijd": "44"},
                                          "interview two.txt": {"regio": "D", "leeftijd": "51"}}
    codings = imported.codings()
    assert [row[:5] for row in codings] == sorted([
        ("interview_één.txt", "vertrouwen", 4, 21, "colin"),
        ("interview_één.txt", "tijd", 60, 91, "colin"),
        ("interview_één.txt", "emoji 😀", 66, 67, "colin"),
        ("interview_één.txt", "emoji 😀", 101, 118, "anne"),
        ("interview two.txt", "wederzijds", 18, 52, "anne")])
    # QualCoder's exporter starts each text with a byte-order mark, which its importer
    # (open(..., encoding="utf-8")) keeps as a character: the selection named
    # "vertrouwen elkaar" comes back one character early. write_qdpx writes no BOM.
    assert [row[5] for row in codings if row[1] == "vertrouwen"] == [" vertrouwen elkaa"]


# ----------------------------------------------------------------- a small project


CODES = pd.DataFrame({
    "code": ["Mechanismen", "vertrouwen", "wederzijds", "tijd", "emoji 😀"],
    "parent": [None, "Mechanismen", "vertrouwen", None, None],
    "description": ["wat werkt", "trust", None, None, None]})
SOURCES = [
    {"source_id": "interview één", "text": "We vertrouwen elkaar 😀.\r\nDe tijd ontbreekt.",
     "attributes": {"regio": "C", "leeftijd": 44, "score": 3.5, "nieuw": True}},
    {"source_id": "interview twee", "text": "Tijd is er niet; vertrouwen wel.",
     "attributes": {"regio": "D", "leeftijd": 51, "nieuw": False}},
]
# the CRLF counts 2 in these Python indices; the writer stores LF text
CODINGS = pd.DataFrame({
    "source_id": ["interview één"] * 5 + ["interview twee"] * 2,
    "code": ["vertrouwen", "vertrouwen", "wederzijds", "emoji 😀", "tijd", "tijd",
             "Mechanismen"],
    "start": [3, 3, 3, 21, 28, 0, 17],
    "end": [20, 20, 20, 22, 42, 4, 31],
    "coder": ["anne", "colin", "colin", "anne", "anne", "colin", "anne"]})
#: what the codings are, worked out by hand: (source, code, LF start, LF end, coder, text)
EXPECTED = sorted([
    ("interview één", "vertrouwen", 3, 20, "anne", "vertrouwen elkaar"),
    ("interview één", "vertrouwen", 3, 20, "colin", "vertrouwen elkaar"),
    ("interview één", "wederzijds", 3, 20, "colin", "vertrouwen elkaar"),
    ("interview één", "emoji 😀", 21, 22, "anne", "😀"),
    ("interview één", "tijd", 27, 41, "anne", "tijd ontbreekt"),
    ("interview twee", "tijd", 0, 4, "colin", "Tijd"),
    ("interview twee", "Mechanismen", 17, 31, "anne", "vertrouwen wel"),
])


@pytest.fixture
def written(tmp_path: Path) -> Path:
    return write_qdpx(tmp_path / "project.qdpx", codes=CODES, sources=SOURCES,
                      codings=CODINGS)


def test_qualcoder_import_loses_nothing(written: Path) -> None:
    imported = QualCoderImport(written)
    assert imported.code_cat == []
    assert imported.code_parents() == {"Mechanismen": None, "vertrouwen": "Mechanismen",
                                       "wederzijds": "vertrouwen", "tijd": None,
                                       "emoji 😀": None}
    assert {c["name"]: c["memo"] for c in imported.code_name}["vertrouwen"] == "trust"
    assert imported.file_attributes() == {
        "interview één": {"regio": "C", "leeftijd": "44", "score": "3.5", "nieuw": "true"},
        "interview twee": {"regio": "D", "leeftijd": "51", "nieuw": "false"}}
    assert set(imported.attribute_type.values()) == {"file"}
    assert imported.codings() == EXPECTED
    assert sorted(set(imported.users.values())) == ["anne", "colin"]


def test_this_package_reads_it_back_losing_nothing(written: Path) -> None:
    project = read_qdpx(written)
    got = sorted(zip(project.codings["source_id"], project.codings["code"],
                     project.codings["start"].astype(int), project.codings["end"].astype(int),
                     project.codings["coder"], project.codings["quote"]))
    assert got == EXPECTED
    codes = project.codes
    assert {code: None if pd.isna(parent) else parent
            for code, parent in zip(codes["code"], codes["parent"])} == \
        {"Mechanismen": None, "vertrouwen": "Mechanismen", "wederzijds": "vertrouwen",
         "tijd": None, "emoji 😀": None}
    sources = project.sources.set_index("source_id")
    assert sources.loc["interview één", ["regio", "leeftijd", "score"]].tolist() == ["C", 44,
                                                                                      3.5]
    assert sources["nieuw"].tolist() == [True, False]
    assert pd.isna(sources.loc["interview twee", "score"])


def test_qualcoder_reading_the_atlas_style_loses_coders_and_attributes(tmp_path: Path) -> None:
    # the same project in the ATLAS.ti style: what the importer makes of it
    path = write_qdpx(tmp_path / "atlas.qdpx", codes=CODES, sources=SOURCES, codings=CODINGS,
                      style="atlas.ti")
    imported = QualCoderImport(path)
    # colin's two codings of 3:20 sit in anne's selection: credited to anne, and the
    # second 'vertrouwen' then repeats anne's and is dropped
    assert ("interview één", "Mechanismen::vertrouwen::wederzijds", 3, 20, "anne",
            "vertrouwen elkaar") in imported.codings()
    assert len(imported.codings()) == len(EXPECTED) - 1
    assert "region: C" not in imported.file_attributes()["interview één"]
    assert imported.file_attributes()["interview één"]["regio: C"] == "regio: C"
    assert imported.code_parents()["Mechanismen::vertrouwen::wederzijds"] is None


# ----------------------------------------------------------------- the example study


def _example_as_tables(path: Path) -> tuple[pd.DataFrame, list[dict], pd.DataFrame]:
    """Codes, sources with their texts and attributes, and codings of a read project."""
    project = read_qdpx(path)
    root = ET.fromstring(zipfile.ZipFile(path).read("Project.qde"))
    texts = {}
    with zipfile.ZipFile(path) as archive:
        for source in root.iter("{urn:QDA-XML:project:1.0}TextSource"):
            member = "Sources/" + re.sub("^internal://", "", source.get("plainTextPath"))
            texts[source.get("name")] = archive.read(member).decode("utf-8")
    attributes = [c for c in project.sources.columns
                  if c not in ("source_id", "source_guid", "source_kind")]
    sources = [{"source_id": row["source_id"], "text": texts[row["source_id"]],
                "attributes": {name: row[name] for name in attributes}}
               for row in project.sources.to_dict("records")]
    return project.codes, sources, project.codings


def test_example_study_interviews_survive_qualcoder(tmp_path: Path) -> None:
    shipped = ROOT / "image_synth" / "data" / "example" / "qual" / "interviews_2023.qdpx"
    codes, sources, codings = _example_as_tables(shipped)
    truth = sorted(zip(codings["source_id"], codings["code"], codings["start"].astype(int),
                       codings["end"].astype(int), codings["coder"]))
    assert len(set(codings["coder"])) == 2

    # the shipped (ATLAS.ti-style) file: count, from its XML alone, the codings whose
    # coder differs from their selection's; QualCoder credits those to the wrong coder
    root = ET.fromstring(zipfile.ZipFile(shipped).read("Project.qde"))
    ns = "{urn:QDA-XML:project:1.0}"
    foreign = sum(coding.get("creatingUser") != selection.get("creatingUser")
                  for selection in root.iter(f"{ns}PlainTextSelection")
                  for coding in selection.iter(f"{ns}Coding"))
    assert foreign > 0
    before = QualCoderImport(shipped)
    got = sorted((s, c.rsplit("::", 1)[-1], a, b, owner)
                 for s, c, a, b, owner, _ in before.codings())
    assert len(set(truth)) == len(truth)
    assert len(set(truth) - set(got)) == foreign      # every one of them is lost or moved

    # written in the REFI style, every coding keeps its coder, code, range and text
    rewritten = write_qdpx(tmp_path / "refi.qdpx", codes=codes[["code", "parent",
                                                                "description"]],
                           sources=sources, codings=codings[["source_id", "code", "start",
                                                             "end", "coder"]])
    after = QualCoderImport(rewritten)
    leaf = {row["code"]: row["code"] for row in codes.to_dict("records")}
    assert sorted((s, leaf[c], a, b, owner) for s, c, a, b, owner, _ in after.codings()) \
        == truth
    texts = {source["source_id"]: source["text"] for source in sources}
    assert all(text == texts[s][a:b] for s, _, a, b, _, text in after.codings())
    expected_parents = {code: (None if pd.isna(parent) else parent)
                        for code, parent in zip(codes["code"], codes["parent"])}
    assert after.code_parents() == expected_parents
    assert after.file_attributes() == {
        source["source_id"]: {name: str(value) for name, value in source["attributes"].items()}
        for source in sources}
