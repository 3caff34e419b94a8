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
    assert found == [("segment segments:1", "code", "samenwerking"),
                     ("segment segments:3", "code", "samenwerking"),
                     ("segment segments:6", "code", "samenwerking"),
                     ("segment segments:3", "source_id", "INT2023_X"),
                     ("segment segments:4", "source_id", "INT2023_X")]


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
