"""Segment reader: codes matched to the codebook once per name, yet every segment reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from image_synth.errors import DataValidationError
from image_synth.read.segments import read_segments
from image_synth.study.models import Codebook, load_yaml_model

from _support import MINI


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return load_yaml_model(Codebook, MINI / "codebook.yaml")


def _segments(tmp_path: Path, replace: dict[str, str]) -> Path:
    text = (MINI / "segments_2023.csv").read_text(encoding="utf-8")
    for old, new in replace.items():
        text = text.replace(old, new)
    path = tmp_path / "segments.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_codes_by_id_label_and_path(tmp_path, codebook):
    # the same code named three ways, and a name used by several segments
    path = _segments(tmp_path, {
        "A,vertrouwen_bereidheid": "A,Trust and willingness",
        "B,vertrouwen_bereidheid": "B,Werkzame factoren > Vertrouwen en bereidheid"})
    frame = read_segments(path, codebook=codebook)
    assert frame["code"].tolist() == ["vertrouwen_bereidheid", "tijd", "vertrouwen_bereidheid",
                                      "personeelstekort", "regelmatig_communiceren",
                                      "vertrouwen_bereidheid"]
    assert frame["code_path"].tolist() == [
        "werkzame_factoren > vertrouwen_bereidheid", "condities > tijd",
        "werkzame_factoren > vertrouwen_bereidheid", "personeelstekort",
        "werkzame_factoren > regelmatig_communiceren",
        "werkzame_factoren > vertrouwen_bereidheid"]


def test_every_segment_with_an_unknown_code_or_source_is_reported(tmp_path, codebook):
    path = _segments(tmp_path, {"vertrouwen_bereidheid": "samenwerking",
                                "INT2023_B,": "INT2023_X,"})
    with pytest.raises(DataValidationError) as info:
        read_segments(path, codebook=codebook, known_sources={"INT2023_A", "INT2023_B",
                                                              "INT2023_G_po", "INT2023_G_vo"},
                      file="segments.csv")
    found = [(p.row, p.column, p.value) for p in info.value.problems]
    # the file's line first (the header is line 1), then the segment id
    assert found == [("line 2 (segment segments:1)", "code", "samenwerking"),
                     ("line 4 (segment segments:3)", "code", "samenwerking"),
                     ("line 7 (segment segments:6)", "code", "samenwerking"),
                     ("line 4 (segment segments:3)", "source_id", "INT2023_X"),
                     ("line 5 (segment segments:4)", "source_id", "INT2023_X")]


def test_a_bad_code_names_the_line_of_the_csv(tmp_path, codebook):
    # a blank line and a quote over two lines: the line is the editor's, not the row's
    text = (MINI / "segments_2023.csv").read_text(encoding="utf-8").splitlines()
    text[2] = text[2].replace("Er is gewoon", '"Er is\ngewoon').replace(" tijd.,", ' tijd.",')
    text.insert(3, "")
    text[5] = text[5].replace("personeelstekort,", "onbekend,")
    path = tmp_path / "interviews_2022.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        read_segments(path, codebook=codebook, file="qual/interviews_2022.csv")
    assert [p.render() for p in info.value.problems] == [
        ("qual/interviews_2022.csv, line 7 (segment interviews_2022:4), column 'code': code "
         "is not in the codebook; found 'onbekend'; expected a code id, label or qda_name of "
         "the codebook")]
    # the segment ids themselves are unchanged: <file stem>:<data row>
    path.write_text(path.read_text(encoding="utf-8").replace("onbekend,",
                                                             "personeelstekort,"))
    assert read_segments(path, codebook=codebook)["segment_id"].tolist()[:4] == [
        f"interviews_2022:{n}" for n in range(1, 5)]


def test_a_bad_offset_and_an_unknown_source_name_the_sheet_row_of_an_xlsx(tmp_path,
                                                                          codebook):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["source_id", "code", "quote", "start", "end", "coder", "segment_id"])
    sheet.append(["INT2023_A", "tijd", "Er is gewoon te weinig tijd.", 80, 108, "c1", "s1"])
    sheet.append(["INT2023_X", "tijd", "Weinig tijd.", 10, 20, "c1", "s2"])
    path = tmp_path / "segments.xlsx"
    book.save(path)
    with pytest.raises(DataValidationError) as info:
        read_segments(path, codebook=codebook, known_sources={"INT2023_A"},
                      file="segments.xlsx")
    assert [p.render() for p in info.value.problems] == [
        ("segments.xlsx, row 3 (segment s2), column 'source_id': source is not in the "
         "sources table; found 'INT2023_X'; expected a source_id listed in the study's "
         "sources")]
    sheet.cell(row=3, column=4, value="-5")
    book.save(path)
    with pytest.raises(DataValidationError) as info:
        read_segments(path, file="segments.xlsx")
    assert [p.render() for p in info.value.problems] == [
        ("segments.xlsx, row 3, column 'start': not a character offset; found '-5'; "
         "expected a whole number >= 0 or empty")]


# ----------------------------------------------------------------- source attributes


def test_qualcoder_variables_come_back_as_attribute_columns(shared):
    from image_synth.read.segments import read_segment_file

    path = shared / "refi_samples" / "qualcoder4.0beta_export_emoji.qdpx"
    if not path.is_file():
        pytest.skip("../shared/refi_samples is absent")
    read = read_segment_file(path)
    # <TextSource name="interview_één.txt"> has regio C, leeftijd 44 (FloatValue);
    # "interview two.txt" regio D, leeftijd 51
    assert read.sources.to_dict("records") == [
        {"source_id": "interview_één.txt", "attr:regio": "C", "attr:leeftijd": 44.0},
        {"source_id": "interview two.txt", "attr:regio": "D", "attr:leeftijd": 51.0}]
    assert list(read.segments.columns) == list(read_segments(path).columns)
    assert len(read.segments) == 5


def test_atlas_document_groups_come_back_as_attribute_columns(shared):
    from image_synth.read.segments import read_segment_file

    path = shared / "refi_samples" / "skyloom_atlasti8_mac_standard_project_TestProject.qdpx"
    if not path.is_file():
        pytest.skip("../shared/refi_samples is absent")
    with pytest.warns(UserWarning, match="quotes are left empty"):
        sources = read_segment_file(path).sources
    # document groups "gender: female", "gender: male", "age: 25", "age: 67"
    assert {"attr:gender", "attr:age"} <= set(sources.columns)
    assert "female" in set(sources["attr:gender"].dropna())


def test_flat_export_lists_its_sources_without_attributes(tmp_path, codebook):
    from image_synth.read.segments import read_segment_file

    read = read_segment_file(_segments(tmp_path, {}), codebook=codebook)
    assert read.sources.to_dict("list") == {
        "source_id": ["INT2023_A", "INT2023_B", "INT2023_G_po", "INT2023_G_vo"]}


def test_a_code_whose_id_holds_its_parents_path_is_not_named_twice(tmp_path):
    # init names a code whose name two codes share by its path ('Barriers > Other'):
    # its path is that id, not 'Barriers > Barriers > Other'
    book = Codebook.model_validate({"name": "t", "codes": [
        {"id": "Barriers", "label": {"nl": "Barriers"}},
        {"id": "Barriers > Other", "label": {"nl": "Other"}, "parent": "Barriers"},
        {"id": "Facilitators", "label": {"nl": "Facilitators"}},
        {"id": "Facilitators > Other", "label": {"nl": "Other "}, "parent": "Facilitators"}]})
    path = tmp_path / "segments.csv"
    path.write_text("source_id,code,quote\nA,Barriers > Other,q1\nA,Facilitators > Other,q2\n"
                    "A,Barriers,q3\n", encoding="utf-8")
    frame = read_segments(path, codebook=book)
    assert frame["code_path"].tolist() == ["Barriers > Other", "Facilitators > Other",
                                           "Barriers"]
