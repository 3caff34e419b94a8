"""Hostile and broken study folders: each refused clearly by ``image-synth validate``.

Every case copies the mini fixture study into ``tmp_path``, breaks one file the way a
careless or hostile user would, and runs the real command in a child process
(:func:`_build.run_cli`). It asserts the exit status, the key part of the message on
stderr, that there is no traceback, that the child took less than ``CHILD_SECONDS`` of
wall time and less than ``MAX_RSS_KIB`` of peak resident memory (``ru_maxrss`` of that
child from ``os.wait4``, an upper bound, see ``_build.MAX_RSS_KIB``; the child also runs
under an address-space limit, so a runaway case fails instead of taking the machine).

The cases cover study.yaml, the instrument, the codebook, network drawings, the
sources table, survey files (.csv, .xlsx, .sav) and REFI-QDA projects (.qdpx): alias
bombs, NUL bytes, UTF-16, a million columns, a 200 MB line, formulas and links to other
workbooks in .xlsx, zip bombs, nesting thousands deep, parent cycles, links out of the
study folder, folders, FIFOs and devices where files belong, unreadable files, ids that
are paths, and HTML in labels (accepted here; escaped on the page, see
``test_html_escaped.py``).
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from _build import BOMB, CHILD_SECONDS, MAX_RSS_KIB, add_to_study, copy_mini, edit, run_cli

Build = Callable[[Path], "Path | str | None"]


@dataclass(frozen=True)
class Case:
    id: str
    build: Build
    status: int
    #: parts of stderr (or stdout for an accepted study), in any order
    expect: tuple[str, ...]
    marks: tuple = ()
    #: a file of the study the child may not open (EACCES), relative to the folder
    deny: str | None = None


CASES: list[Case] = []


def case(id: str, status: int, *expect: str, slow: bool = False, deny: str | None = None):
    def register(build: Build) -> Build:
        CASES.append(Case(id, build, status, expect, (pytest.mark.slow,) if slow else (),
                          deny=deny))
        return build
    return register


def _segments_file(study: Path, name: str) -> None:
    edit(study / "study.yaml", "{wave: 2023, path: segments_2023.csv}",
         f"{{wave: 2023, path: {name}}}")


def _survey_file(study: Path, name: str) -> None:
    edit(study / "study.yaml", "{wave: 2023, path: survey_2023.csv}",
         f"{{wave: 2023, path: {name}}}")


def _outside(study: Path, name: str) -> Path:
    """``name`` of the study moved beside the study folder, a link left in its place."""
    target = study.parent / f"elsewhere-{name}"
    (study / name).rename(target)
    os.symlink(target, study / name)
    return target


def _drawings(study: Path, text: str, name: str = "drawings.yaml") -> None:
    (study / name).write_text(text, encoding="utf-8")
    add_to_study(study, f"drawings: [{name}]\n")


DRAWING = """drawings:
  - meeting: INT2023_A
    parties:
      - {id: swv, type: swv, label: "<script>alert(1)</script>"}
      - {id: s1, type: school_po}
    ties:
      - {from: swv, to: s1, kind: rood}
"""


# --------------------------------------------------------------------------- STUDY


@case("study-not-found", 1, "does not exist")
def _(study):
    return study / "nope"


@case("study-folder-without-study-yaml", 1, "is a folder without a study.yaml")
def _(study):
    (study / "study.yaml").unlink()


@case("study-yaml-is-a-folder", 1, "study.yaml is a folder, not a file")
def _(study):
    (study / "study.yaml").unlink()
    (study / "study.yaml").mkdir()


@case("study-is-another-file-of-the-study", 1, "is not a study file: it is not a YAML "
      "mapping of name, id, waves, regions, instrument")
def _(study):
    return study / "survey_2023.csv"


@case("study-is-a-fifo", 1, "is not a regular file (a FIFO, socket or device)")
def _(study):
    os.mkfifo(study / "pipe.yaml")
    return study / "pipe.yaml"


@case("study-yaml-alias-bomb", 1, "study.yaml: YAML refused: its aliases expand to more "
      "than 1,000,000 values")
def _(study):
    add_to_study(study, BOMB + "description: *a8\n")


@case("study-yaml-refers-to-itself", 1, "study.yaml: YAML refused: an alias refers to a "
      "value that contains it")
def _(study):
    add_to_study(study, "extra: &loop [1, *loop]\n")


@case("study-yaml-nul-byte", 1, "study.yaml", "not valid YAML")
def _(study):
    add_to_study(study, "description: \"a\x00b\"\n")


@case("study-yaml-utf16", 1, "study.yaml: not UTF-8 text")
def _(study):
    path = study / "study.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))


@case("region-id-dot-dot", 1, "regions.2.id: id '../../etc' starts with a dot",
      "ids name output files")
def _(study):
    edit(study / "study.yaml", "{id: G,", "{id: ../../etc,")


@case("region-id-with-slash", 1, "regions.2.id: id 'a/b' contains a path separator")
def _(study):
    edit(study / "study.yaml", "{id: G,", "{id: a/b,")


@case("region-id-is-dot-dot", 1, "regions.2.id: id '..' starts with a dot")
def _(study):
    edit(study / "study.yaml", "{id: G,", '{id: "..",')


@case("study-id-is-a-path", 1, "study.yaml, id: id '/tmp/x' contains a path separator")
def _(study):
    edit(study / "study.yaml", "id: mini", "id: /tmp/x")


@case("situation-id-with-backslash", 1, "situations.1.id: id 'po\\\\vo' contains a path "
      "separator")
def _(study):
    edit(study / "study.yaml", "{id: po_vo, label", '{id: "po\\\\vo", label')


#: what every YAML file says of a key given twice (the last one would win silently)
_ONCE = ("expected each key once in a mapping (otherwise the last one would silently "
         "replace the first)")


@case("study-yaml-duplicate-key", 1, "study.yaml, line 26: not valid YAML: key "
      "'disclosure' appears twice in one mapping (first on line 25); " + _ONCE)
def _(study):
    # the second would silently lower the disclosure threshold from 3 to 1
    add_to_study(study, "disclosure: {min_n: 1}\n")


@case("study-yaml-duplicate-key-in-a-flow-mapping", 1, "study.yaml, line 25: not valid "
      "YAML: key 'min_n' appears twice in one mapping (first on line 25); " + _ONCE)
def _(study):
    edit(study / "study.yaml", "disclosure: {min_n: 3}", "disclosure: {min_n: 3, min_n: 1}")


@case("region-ids-differ-only-in-case", 1, "region ids 'A' and 'a' differ only in case; "
      "ids name output files, which would clash where case is ignored (macOS, Windows): "
      "give one another id")
def _(study):
    # region-A.html and region-a.html are one file on macOS and Windows
    edit(study / "study.yaml", "{id: B, situation: binnen_po", "{id: a, situation: binnen_po")


@case("region-ids-differ-only-in-punctuation", 1, "region ids 'B C' and 'B-C' would both "
      "name the file region-B-C.html (in file names, characters other than letters, "
      "digits, _ . and - become '-'): give one another id")
def _(study):
    # one page would overwrite the other in the same batch
    edit(study / "study.yaml", "{id: B, situation: binnen_po", "{id: 'B C', situation: binnen_po")
    edit(study / "study.yaml", "{id: G,", "{id: B-C,")


@case("situation-ids-differ-only-in-case", 1, "situation ids 'po_vo' and 'PO_VO' differ "
      "only in case")
def _(study):
    edit(study / "study.yaml", "  - {id: po_vo, label: {nl: \"Tussen po en vo\", en: "
         "\"Primary - secondary\"}}\n", "  - {id: po_vo, label: {nl: \"Tussen po en vo\", "
         "en: \"Primary - secondary\"}}\n  - {id: PO_VO}\n")


@case("region-id-with-a-colon", 1, "regions.2.id: id 'C:' contains ':' (a drive or stream "
      "name); ids name output files, so an id may not be empty, start with a dot, or hold "
      "/, \\, : or a control character (a plain name such as 'A' or 'binnen_po')")
def _(study):
    edit(study / "study.yaml", "{id: G,", '{id: "C:",')


# --------------------------------------------------------------------------- instrument


@case("instrument-is-a-folder", 1, "study.yaml, instrument: names a folder, not a file; "
      "found 'instrument.yaml'")
def _(study):
    (study / "instrument.yaml").unlink()
    (study / "instrument.yaml").mkdir()


@case("instrument-missing", 1, "instrument.yaml: file not found")
def _(study):
    (study / "instrument.yaml").unlink()


@case("instrument-link-out-of-the-study", 1, "study.yaml, instrument: is a link that leads "
      "outside the study folder (to ", "elsewhere-instrument.yaml); nothing outside the "
      "study folder is read", "or 'allow_outside: true' in the study file")
def _(study):
    _outside(study, "instrument.yaml")


@case("instrument-absolute-path-outside", 1, "study.yaml, instrument: lies outside the "
      "study folder (to /etc/hostname)")
def _(study):
    edit(study / "study.yaml", "instrument: instrument.yaml", "instrument: /etc/hostname")


@case("instrument-dot-dot-path", 1, "study.yaml, instrument: lies outside the study folder")
def _(study):
    (study.parent / "instrument.yaml").write_text("name: x\n", encoding="utf-8")
    edit(study / "study.yaml", "instrument: instrument.yaml",
         "instrument: ../instrument.yaml")


@case("instrument-a-device-even-when-allowed", 1, "study.yaml, instrument: names a special "
      "file (a FIFO, socket or device), not a regular file")
def _(study):
    edit(study / "study.yaml", "instrument: instrument.yaml", "instrument: /dev/zero")
    add_to_study(study, "allow_outside: true\n")


@case("instrument-unreadable", 1, "study.yaml, instrument: cannot be read (Permission "
      "denied)", deny="instrument.yaml")
def _(study):
    pass


@case("instrument-alias-bomb", 1, "instrument.yaml: YAML refused: its aliases expand to "
      "more than 1,000,000 values")
def _(study):
    path = study / "instrument.yaml"
    path.write_text(BOMB + path.read_text(encoding="utf-8").replace(
        'name: "Mini questionnaire"', "name: *a8"), encoding="utf-8")


@case("instrument-200-mb-line", 1, "instrument.yaml: YAML file of 209,718,607 bytes, "
      "larger than the 16,777,216 a study file may have", slow=True)
def _(study):
    with open(study / "instrument.yaml", "ab") as handle:
        handle.write(b"# ")
        block = b"x" * (1 << 20)
        for _ in range(200):
            handle.write(block)
        handle.write(b"\n")


@case("drawings-17-mb", 1, "drawings.yaml: YAML file of 17,825,990 bytes, larger than the "
      "16,777,216 a study file may have")
def _(study):
    _drawings(study, DRAWING + "# " + "x" * (17 << 20) + "\n")


@case("instrument-min-items-above-item-count", 1, "min_items 4 is more than the 3 items of "
      "the scale: no score can be computed")
def _(study):
    edit(study / "instrument.yaml", "label: {nl: \"Communicatie\", en: \"Communication\"}, "
         "min_items: 2", "label: {nl: \"Communicatie\", en: \"Communication\"}, min_items: 4")


@case("instrument-duplicate-key", 1, "instrument.yaml, line 5: not valid YAML: key "
      "'codes' appears twice in one mapping (first on line 4); " + _ONCE)
def _(study):
    edit(study / "instrument.yaml", "  - id: status\n    ordered: false\n",
         "  - id: status\n    codes: []\n")


# --------------------------------------------------------------------------- codebook


@case("codebook-code-its-own-parent", 1, "code 'tijd' is its own parent")
def _(study):
    edit(study / "codebook.yaml", "{id: tijd, parent: condities,", "{id: tijd, parent: tijd,")


@case("codebook-parent-cycle", 1, "parents form a cycle: condities -> tijd -> condities")
def _(study):
    edit(study / "codebook.yaml", "{id: condities, label", "{id: condities, parent: tijd, "
         "label")


@case("codebook-alias-bomb", 1, "codebook.yaml: YAML refused: its aliases expand")
def _(study):
    path = study / "codebook.yaml"
    path.write_text(BOMB + path.read_text(encoding="utf-8").replace(
        'name: "Mini codebook"', "name: *a8"), encoding="utf-8")


@case("codebook-link-out-of-the-study", 1, "study.yaml, codebook: is a link that leads "
      "outside the study folder")
def _(study):
    _outside(study, "codebook.yaml")


@case("codebook-duplicate-key", 1, "codebook.yaml, line 7: not valid YAML: key 'parent' "
      "appears twice in one mapping (first on line 7); " + _ONCE)
def _(study):
    edit(study / "codebook.yaml", "{id: tijd, parent: condities,",
         "{id: tijd, parent: condities, parent: werkzame_factoren,")


# --------------------------------------------------------------------------- drawings


@case("drawings-alias-bomb", 1, "drawings.yaml: YAML refused: its aliases expand to more "
      "than 1,000,000 values")
def _(study):
    _drawings(study, BOMB + "drawings: *a8\n")


@case("drawings-refer-to-themselves", 1, "drawings.yaml: YAML refused: an alias refers to "
      "a value that contains it")
def _(study):
    _drawings(study, "drawings: &d\n  - meeting: INT2023_A\n    parties: *d\n")


@case("drawings-nested-990-deep", 1, "drawings.yaml, drawings[0] (meeting INT2023_A) "
      "parties[0]: a party must be a mapping; found [[[[[[[[[...]]]]]]]]]")
def _(study):
    # under libyaml's own depth limit (1000); the message shows a few levels only
    _drawings(study, "drawings:\n  - meeting: INT2023_A\n    parties: ["
              + "[" * 990 + "]" * 990 + "]\n")


@case("drawings-nested-100000-deep", 1, "drawings.yaml, line 1: not valid YAML: exceeded "
      "maximum nesting depth")
def _(study):
    _drawings(study, "drawings: " + "[" * 100_000 + "]" * 100_000 + "\n")


@case("drawings-is-a-folder", 1, "study.yaml, drawings[0]: names a folder, not a file")
def _(study):
    (study / "drawings").mkdir()
    (study / "drawings" / "a.yaml").write_text(DRAWING, encoding="utf-8")
    add_to_study(study, "drawings: [drawings]\n")


@case("drawings-utf16", 1, "drawings.yaml: not UTF-8 text")
def _(study):
    _drawings(study, DRAWING)
    path = study / "drawings.yaml"
    path.write_bytes(DRAWING.encode("utf-16"))


@case("drawings-html-in-a-label-is-accepted", 0, "valid: no problems found")
def _(study):
    _drawings(study, DRAWING)


@case("drawings-duplicate-key", 1, "drawings.yaml, line 6: not valid YAML: key 'meeting' "
      "appears twice in one mapping (first on line 2); " + _ONCE)
def _(study):
    _drawings(study, DRAWING.replace("    ties:\n", "    meeting: INT2023_B\n    ties:\n"))


@case("drawings-same-file-listed-twice", 1, "study.yaml, drawings[1]: names the same file "
      "as drawings[0] ('drawings.yaml'), whose meetings (INT2023_A) would be drawn twice; "
      "found 'drawings.yaml'; expected each drawings file listed once")
def _(study):
    (study / "drawings.yaml").write_text(DRAWING, encoding="utf-8")
    add_to_study(study, "drawings: [drawings.yaml, drawings.yaml]\n")


@case("drawings-same-file-by-another-path", 1, "study.yaml, drawings[1]: names the same "
      "file as drawings[0] ('drawings.yaml'), whose meetings (INT2023_A) would be drawn "
      "twice; found 'net/../drawings.yaml'")
def _(study):
    (study / "net").mkdir()
    (study / "drawings.yaml").write_text(DRAWING, encoding="utf-8")
    add_to_study(study, "drawings: [drawings.yaml, net/../drawings.yaml]\n")


@case("drawings-two-files-draw-one-meeting", 1, "more.yaml, drawings[0] (meeting "
      "INT2023_A), column 'meeting': duplicate meeting id: drawings.yaml has a drawing of "
      "this meeting too (drawings[0]); found 'INT2023_A'; expected one drawing per meeting, "
      "in one drawings file")
def _(study):
    (study / "drawings.yaml").write_text(DRAWING, encoding="utf-8")
    (study / "more.yaml").write_text(DRAWING.replace("rood", "groen"), encoding="utf-8")
    add_to_study(study, "drawings: [drawings.yaml, more.yaml]\n")


@case("meta-inferences-duplicate-key", 1, "meta.yaml, line 3: not valid YAML: key 'text' "
      "appears twice in one mapping (first on line 2); " + _ONCE)
def _(study):
    (study / "meta.yaml").write_text("meta_inferences:\n  - {id: m1, text: a, type: x,\n"
                                     "     text: b}\n", encoding="utf-8")
    add_to_study(study, "meta_inferences: meta.yaml\n")


@case("pseudonyms-duplicate-key", 1, "names.yaml, line 2: not valid YAML: key 'swv' "
      "appears twice in one mapping (first on line 1); " + _ONCE)
def _(study):
    (study / "names.yaml").write_text("swv: [SWV Noord]\nswv: [SWV Zuid]\n",
                                      encoding="utf-8")
    add_to_study(study, "pseudonyms: names.yaml\n")


@case("meta-inferences-alias-bomb", 1, "meta.yaml: YAML refused")
def _(study):
    (study / "meta.yaml").write_text(BOMB + "meta_inferences: *a8\n", encoding="utf-8")
    add_to_study(study, "meta_inferences: meta.yaml\n")


@case("pseudonyms-alias-bomb", 1, "names.yaml: YAML refused")
def _(study):
    (study / "names.yaml").write_text(BOMB + "swv: *a8\n", encoding="utf-8")
    add_to_study(study, "pseudonyms: names.yaml\n")


@case("tables-link-out-of-the-study", 1, "study.yaml, tables: is a link that leads outside "
      "the study folder")
def _(study):
    (study.parent / "t.yaml").write_text("tables: []\n", encoding="utf-8")
    os.symlink(study.parent / "t.yaml", study / "tables.yaml")
    add_to_study(study, "tables: tables.yaml\n")


@case("default-tables-yaml-links-out", 1, "study.yaml, tables: is a link that leads "
      "outside the study folder")
def _(study):
    # not named in study.yaml, but what `image-synth tables` reads beside it
    (study.parent / "t.yaml").write_text("tables: []\n", encoding="utf-8")
    os.symlink(study.parent / "t.yaml", study / "tables.yaml")


# --------------------------------------------------------------------------- sources


@case("sources-nul-byte", 1, "sources.csv, line 3: NUL byte: binary data where text was "
      "expected")
def _(study):
    edit(study / "sources.csv", "INT2023_B,", "INT2023_\x00B,")


@case("sources-link-out-of-the-study", 1, "study.yaml, sources: is a link that leads "
      "outside the study folder")
def _(study):
    _outside(study, "sources.csv")


@case("sources-link-to-a-device", 1, "study.yaml, sources: is a link that leads outside "
      "the study folder (to /dev/zero)")
def _(study):
    (study / "sources.csv").unlink()
    os.symlink("/dev/zero", study / "sources.csv")


@case("sources-html-in-titles-is-accepted", 0, "valid: no problems found")
def _(study):
    edit(study / "sources.csv", "Interview projectleider A",
         "<img src=x onerror=alert(1)> Interview projectleider A")


# --------------------------------------------------------------------------- survey CSV


@case("survey-link-out-of-the-study", 1, "study.yaml, survey[0].path: is a link that leads "
      "outside the study folder (to ", "elsewhere-survey_2023.csv)")
def _(study):
    _outside(study, "survey_2023.csv")


@case("survey-outside-with-allow-outside", 0, "valid: no problems found")
def _(study):
    _outside(study, "survey_2023.csv")
    add_to_study(study, "allow_outside: true\n")


@case("survey-is-a-folder", 1, "study.yaml, survey[0].path: names a folder, not a file")
def _(study):
    (study / "survey_2023.csv").unlink()
    (study / "survey_2023.csv").mkdir()


@case("survey-is-a-fifo", 1, "study.yaml, survey[0].path: names a special file (a FIFO, "
      "socket or device), not a regular file")
def _(study):
    (study / "survey_2023.csv").unlink()
    os.mkfifo(study / "survey_2023.csv")


@case("survey-link-loop", 1, "study.yaml, survey[0].path: ")
def _(study):
    (study / "survey_2023.csv").unlink()
    os.symlink(study / "loop-b.csv", study / "survey_2023.csv")
    os.symlink(study / "survey_2023.csv", study / "loop-b.csv")


@case("survey-unreadable", 1, "study.yaml, survey[0].path: cannot be read (Permission "
      "denied)", deny="survey_2023.csv")
def _(study):
    pass


@case("survey-csv-nul-byte", 1, "survey_2023.csv, line 4: NUL byte: binary data where text "
      "was expected")
def _(study):
    edit(study / "survey_2023.csv", "S003;", "S0\x0003;")


@case("survey-csv-utf16-with-bom-is-decoded", 0, "valid: no problems found")
def _(study):
    path = study / "survey_2023.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))


@case("survey-csv-utf16-without-bom", 1, "survey_2023.csv: text in UTF-16 without a "
      "byte-order mark, which is not read")
def _(study):
    path = study / "survey_2023.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16-le"))


@case("survey-csv-million-columns", 1, "survey_2023.csv, line 1: the header has 1,000,000 "
      "columns, more than the 10,000 a table may have")
def _(study):
    path = study / "survey_2023.csv"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(",".join(f"c{n}" for n in range(1_000_000)) + "\n")
        handle.write(",".join(["1"] * 1_000_000) + "\n")


@case("survey-csv-200-mb-line", 1, "survey_2023.csv, line 22: line of 209,715,200 bytes, "
      "longer than the 1,048,576 a line may have", slow=True)
def _(study):
    with open(study / "survey_2023.csv", "ab") as handle:
        block = b"x" * (1 << 20)
        for _ in range(200):
            handle.write(block)
        handle.write(b"\n")


@case("survey-csv-duplicate-column", 1, "survey_2023.csv, column 'com_1': column appears "
      "more than once; found 'field 9 and field 16'")
def _(study):
    path = study / "survey_2023.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ";com_1"] + [line + ";1" for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@case("survey-csv-html-in-a-cell", 1, "survey_2023.csv, line 2, column 'region': value "
      "not allowed; found '<script>alert(1)</script>'")
def _(study):
    edit(study / "survey_2023.csv", "S001;2023;A;", "S001;2023;<script>alert(1)</script>;")


# --------------------------------------------------------------------------- survey XLSX


def _survey_rows(study: Path) -> list[list]:
    lines = (study / "survey_2023.csv").read_text(encoding="utf-8").splitlines()
    rows = [line.split(";") for line in lines]
    return [rows[0]] + [[int(v) if v.isdigit() and n > 1 else v for n, v in enumerate(r)]
                        for r in rows[1:]]


def _write_xlsx(study: Path, change: Callable | None = None) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in _survey_rows(study):
        sheet.append(row)
    if change is not None:
        change(sheet)
    book.save(study / "survey_2023.xlsx")
    _survey_file(study, "survey_2023.xlsx")


@case("survey-xlsx-formula", 1, "survey_2023.xlsx, sheet 'Sheet', cell I2, column 'com_1': "
      "cell holds a formula, not a value", "found '=1+1'")
def _(study):
    _write_xlsx(study, lambda sheet: sheet.cell(row=2, column=9, value="=1+1"))


@case("survey-xlsx-external-link", 1, "cell holds a formula, not a value",
      "the formula refers to another workbook")
def _(study):
    _write_xlsx(study, lambda sheet: sheet.cell(row=3, column=9,
                                                value="='[other.xlsx]Sheet1'!A1"))


@case("survey-xlsx-zip-bomb", 1, "survey_2023.xlsx!xl/worksheets/sheet1.xml",
      "possible zip bomb")
def _(study):
    with zipfile.ZipFile(study / "survey_2023.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 << 20))
    _survey_file(study, "survey_2023.xlsx")


@case("survey-xlsx-too-large", 1, "survey_2023.xlsx: archive declares more uncompressed "
      "bytes than the limit", "expected at most 67108864 bytes")
def _(study):
    with zipfile.ZipFile(study / "survey_2023.xlsx", "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", os.urandom(70 << 20))
    _survey_file(study, "survey_2023.xlsx")


@case("survey-xlsx-not-a-zip", 1, "survey_2023.xlsx: not a zip archive")
def _(study):
    (study / "survey_2023.xlsx").write_bytes(b"PK\x03\x04 this is no workbook" * 10)
    _survey_file(study, "survey_2023.xlsx")


# --------------------------------------------------------------------------- survey SAV


def _write_sav(study: Path, **options) -> Path:
    import pandas as pd
    import pyreadstat

    frame = pd.read_csv(study / "survey_2023.csv", sep=";", dtype={"respondent_id": str})
    path = study / "survey_2023.sav"
    pyreadstat.write_sav(frame, str(path), **options)
    _survey_file(study, path.name)
    return path


@case("survey-sav-labels-of-another-response-set", 1, "survey_2023.sav, column "
      "'tevredenheid'", "response set 'sat7'", "those of response set 'agree5'")
def _(study):
    _write_sav(study, variable_value_labels={"tevredenheid": {
        1.0: "helemaal niet van toepassing", 2.0: "overwegend niet van toepassing",
        5.0: "helemaal van toepassing", 9.0: "weet niet"}})


@case("survey-zsav-declares-a-billion-cases", 1, "survey_2023.zsav: the file declares "
      "1,000,000,000 cases of 15 variables (15,000,000,000 cells), more than the 10,000,000 "
      "a survey file may have")
def _(study):
    # a compressed file of a few MB can hold that many; the header's case count says so
    import struct

    path = _write_sav(study, compress=True)
    data = bytearray(path.read_bytes())
    struct.pack_into("<i", data, 80, 10**9)  # ncases of the file header
    path.unlink()
    (study / "survey_2023.zsav").write_bytes(bytes(data))
    edit(study / "study.yaml", "path: survey_2023.sav", "path: survey_2023.zsav")


@case("survey-sav-truncated", 1, "survey_2023.sav: not a readable SPSS file")
def _(study):
    path = _write_sav(study)
    path.write_bytes(path.read_bytes()[:300])


@case("survey-sav-that-is-text", 1, "survey_2023.sav: not a readable SPSS file")
def _(study):
    (study / "survey_2023.sav").write_text("respondent_id;wave\nS1;2023\n", encoding="utf-8")
    _survey_file(study, "survey_2023.sav")


# --------------------------------------------------------------------------- REFI-QDA

_NS = "urn:QDA-XML:project:1.0"


def _guid(number: int) -> str:
    return f"00000000-0000-4000-8000-{number:012d}"


def _project(body: str, prolog: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n{prolog}<Project xmlns="{_NS}" '
            f'name="t" origin="ATLAS.ti 23.0"><Users><User guid="{_guid(1)}" name="Ann"/>'
            f'</Users>{body}</Project>\n').encode()


def _qdpx(study: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(study / "interviews.qdpx", "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    _segments_file(study, "interviews.qdpx")


@case("qdpx-codes-nested-5000-deep", 1, "interviews.qdpx!project.qde", "nested more than "
      "100 levels")
def _(study):
    depth = 5000
    codes = "".join(f'<Code guid="{_guid(1000 + n)}" name="level {n}" isCodable="true">'
                    for n in range(depth)) + "</Code>" * depth
    _qdpx(study, {"project.qde": _project(f"<CodeBook><Codes>{codes}</Codes></CodeBook>")})


@case("qdpx-billion-laughs-dtd", 1, "interviews.qdpx!project.qde", "XML declares a DTD or "
      "entities, which are refused")
def _(study):
    prolog = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;">'
              '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;">]>\n')
    _qdpx(study, {"project.qde": _project("<Description>&lol2;</Description>", prolog)})


@case("qdpx-member-climbs-out", 1, "interviews.qdpx!../evil.txt")
def _(study):
    _qdpx(study, {"project.qde": _project(""), "../evil.txt": b"x"})


@case("qdpx-text-path-outside-the-archive", 1, "plainTextPath points outside the archive")
def _(study):
    source = (f'<Sources><TextSource guid="{_guid(21)}" name="INT2023_A" '
              f'plainTextPath="internal://../../etc/passwd"/></Sources>')
    _qdpx(study, {"project.qde": _project(source)})


@case("qdpx-not-a-zip", 1, "interviews.qdpx: not a zip archive")
def _(study):
    (study / "interviews.qdpx").write_bytes(b"<Project/>" * 100)
    _segments_file(study, "interviews.qdpx")


@case("qdpx-link-out-of-the-study", 1, "study.yaml, segments[0].path: is a link that leads "
      "outside the study folder")
def _(study):
    (study.parent / "p.qdpx").write_bytes(b"x")
    os.symlink(study.parent / "p.qdpx", study / "interviews.qdpx")
    _segments_file(study, "interviews.qdpx")


@case("segments-csv-nul-byte", 1, "segments_2023.csv, line 2: NUL byte")
def _(study):
    edit(study / "segments_2023.csv", "We vertrouwen", "We\x00vertrouwen")


def test_the_tables_file_refuses_a_duplicate_key(tmp_path):
    # read by ``image-synth tables`` only, not by validate: through the same loader
    from image_synth.errors import DataValidationError
    from image_synth.quant.report_tables import load_tables

    path = tmp_path / "tables.yaml"
    path.write_text("name: a\ntables: []\nname: b\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        load_tables(path)
    assert [p.render() for p in info.value.problems] == [
        "tables.yaml, line 3: not valid YAML: key 'name' appears twice in one mapping "
        "(first on line 1); " + _ONCE]


def test_merged_keys_may_be_overridden_but_not_repeated():
    import yaml

    from image_synth.study.models import YamlDuplicateKey, parse_yaml

    # a merge (<<) brings keys in to be overridden: that is what it is for
    assert parse_yaml("base: &b {a: 1, c: 2}\nd: {<<: *b, a: 5}\n")["d"] == {"a": 5, "c": 2}
    with pytest.raises(YamlDuplicateKey) as info:
        parse_yaml("d:\n  <<: {a: 1, a: 2}\n")
    assert (info.value.key, info.value.first_line, info.value.problem_mark.line) == ("a", 2, 1)
    assert isinstance(info.value, yaml.YAMLError)
    assert parse_yaml("1: a\n'1': b\n") == {1: "a", "1": "b"}  # a number and a text


def test_keys_read_as_one_and_a_repeated_merge_key_are_refused_by_name():
    """``1`` and ``true`` are different words but one key in Python (PyYAML would keep
    the last); two ``<<`` in one mapping would both be merged."""
    from image_synth.study.models import YamlDuplicateKey, parse_yaml

    cases = {
        "a: {1: x, true: y}\n": "keys '1' (line 1) and 'true' are read as one key (1) in one "
                                "mapping",
        "a:\n  yes: 1\n  true: 2\n": "keys 'yes' (line 2) and 'true' are read as one key "
                                     "(True) in one mapping",
        "b: &b {x: 1}\nc: &c {y: 2}\na:\n  <<: *b\n  <<: *c\n":
            "the merge key '<<' appears twice in one mapping (first on line 4); merge "
            "several mappings with one '<<: [*a, *b]'",
        "a: {'<<': 1, '<<': 2}\n": "key '<<' appears twice in one mapping (first on line 1)",
    }
    for text, problem in cases.items():
        with pytest.raises(YamlDuplicateKey) as info:
            parse_yaml(text)
        assert info.value.problem == problem, text
    merged = parse_yaml("b: &b {x: 1}\nc: &c {y: 2}\na:\n  <<: [*b, *c]\n  x: 3\n")
    assert merged["a"] == {"x": 3, "y": 2}


def test_ids_that_name_one_file_are_told_apart_by_how():
    from image_synth.study.models import _same_ids

    assert _same_ids(["a b", "A-B"], "region") == [
        "region ids 'a b' and 'A-B' would name the files region-a-b.html and "
        "region-A-B.html, one file where case is ignored (macOS, Windows): give one "
        "another id"]
    # a leading '-' is the id's own (SPSS codes such as -1 drafted as region ids)
    assert _same_ids(["-1", "1"], "region") == []
    # sectors name no file: only a repeated id is refused
    assert _same_ids(["p o", "p-o", "P-O"], "sector", files=False) == []
    assert _same_ids(["po", "po"], "sector", files=False) == ["sector 'po' appears more "
                                                              "than once"]


def test_a_space_in_a_region_id_is_still_accepted():
    # the id validator refuses paths, not spaces: existing studies may use them
    from image_synth.study.models import Region

    assert Region(id="Noord Oost").id == "Noord Oost"


# --------------------------------------------------------------------------- the suite


def _prelude(path: Path) -> str:
    """Python that makes ``path`` unreadable (EACCES) for the child, as for a user
    without permission (a root user ignores permission bits)."""
    return (
        "import builtins, errno, io, os\n"
        f"_deny = os.path.realpath({str(path)!r})\n"
        "_open = io.open\n"
        "def _refuse(file, *args, **kwargs):\n"
        "    if isinstance(file, (str, bytes, os.PathLike)) and "
        "os.path.realpath(os.fsdecode(file)) == _deny:\n"
        "        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), "
        "os.fsdecode(file))\n"
        "    return _open(file, *args, **kwargs)\n"
        "builtins.open = io.open = _refuse\n")


@pytest.mark.parametrize("hostile", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_hostile_input_is_refused_clearly(tmp_path, hostile: Case):
    study = copy_mini(tmp_path)
    target = hostile.build(study) or study
    prelude = _prelude(study / hostile.deny) if hostile.deny else ""
    outcome = run_cli(target, cwd=tmp_path, prelude=prelude, timeout=4 * CHILD_SECONDS)
    shown = outcome.stderr if hostile.status else outcome.stdout
    assert outcome.returncode == hostile.status, outcome.stderr[-2000:]
    assert "Traceback" not in outcome.stderr + outcome.stdout, outcome.stderr[-4000:]
    for part in hostile.expect:
        assert part in shown, (part, shown[-2000:])
    if hostile.status:
        assert outcome.stderr.startswith("image-synth: ")
    assert outcome.seconds < CHILD_SECONDS, outcome.seconds
    assert outcome.max_rss_kib < MAX_RSS_KIB, outcome.max_rss_kib


def test_the_suite_has_every_class_of_the_issue():
    ids = {c.id for c in CASES}
    assert len(CASES) >= 40 and len(ids) == len(CASES)
    assert set(RUN_CASES) <= ids
    for part in ("alias-bomb", "nul-byte", "utf16", "million-columns", "200-mb-line",
                 "formula", "external-link", "zip-bomb", "nested-5000", "own-parent",
                 "cycle", "link-out", "is-a-folder", "region-id", "html", "unreadable",
                 "fifo"):
        assert any(part in i for i in ids), part


#: Cases also run through ``image-synth run``: refused the same way, before any notebook
#: runs and before anything is written.
RUN_CASES = ("study-is-a-fifo", "instrument-is-a-folder", "survey-link-out-of-the-study",
             "drawings-alias-bomb", "survey-csv-million-columns")


@pytest.mark.parametrize("hostile", [pytest.param(c, id=c.id) for c in CASES
                                     if c.id in RUN_CASES])
def test_run_refuses_the_same_before_writing_anything(tmp_path, hostile: Case):
    study = copy_mini(tmp_path)
    target = hostile.build(study) or study
    before = sorted(p.name for p in tmp_path.iterdir())
    outcome = run_cli(target, cwd=tmp_path, command="run", timeout=4 * CHILD_SECONDS)
    assert outcome.returncode == 1, outcome.stderr[-2000:]
    assert "Traceback" not in outcome.stderr + outcome.stdout
    assert outcome.stderr.startswith("image-synth: ")
    for part in hostile.expect:
        assert part in outcome.stderr, (part, outcome.stderr[-2000:])
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no outputs/ at all
    assert outcome.seconds < CHILD_SECONDS and outcome.max_rss_kib < MAX_RSS_KIB
