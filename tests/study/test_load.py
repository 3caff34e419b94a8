"""load_study: the study object, subsets, and every study-level problem reported at once."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

import image_synth
from image_synth.errors import DataValidationError, StudyError

from _support import MINI


def _edit_yaml(path, change):
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def test_mini_study_tables():
    study = image_synth.load_study(MINI)
    assert len(study.survey) == 20
    assert set(study.sources["source_id"]) == {"INT2023_A", "INT2023_B", "INT2023_G_po",
                                                 "INT2023_G_vo"}
    assert len(study.segments) == 6
    assert study.min_n == 3
    assert study.codebook.code("tijd").links == ("item:tijd",)


def test_subset_filters_every_strand():
    study = image_synth.load_study(MINI)
    po_vo = study.subset(situation="po_vo")
    assert set(po_vo.survey["region"]) == {"G"} and len(po_vo.survey) == 9
    assert set(po_vo.segments["source_id"]) == {"INT2023_G_po", "INT2023_G_vo"}
    assert po_vo.scope == {"situation": "po_vo"}
    assert len(study.subset(region="A").survey) == 6


def test_subset_refuses_unknown_values():
    study = image_synth.load_study(MINI)
    with pytest.raises(DataValidationError) as info:
        study.subset(region="Z", situation="elders")
    assert {p.column for p in info.value.problems} == {"region", "situation"}


def test_not_a_study(tmp_path):
    with pytest.raises(StudyError, match="without a study.yaml"):
        image_synth.load_study(tmp_path)
    with pytest.raises(StudyError, match="does not exist"):
        image_synth.load_study(tmp_path / "typo")


def test_problems_from_every_file_at_once(mini_study):
    _edit_yaml(mini_study / "codebook.yaml",
               lambda d: d["codes"][1].update(links=["scale:vertrouwen", "scale:trust"]))
    sources = mini_study / "sources.csv"
    sources.write_text(sources.read_text().replace("INT2023_B,interview,2023,B,binnen_po",
                                                   "INT2023_B,gesprek,2023,B,po_vo"))
    segments = mini_study / "segments_2023.csv"
    segments.write_text(segments.read_text().replace("INT2023_G_vo,vertrouwen_bereidheid",
                                                     "INT2023_X,samenwerking"))
    with pytest.raises(DataValidationError) as info:
        image_synth.load_study(mini_study)
    text = str(info.value)
    found = {(p.file, p.column) for p in info.value.problems}
    assert ("codebook.yaml", "links") in found            # crosswalk to no scale
    assert ("sources.csv", "source_type") in found        # 'gesprek'
    assert ("sources.csv", "region/situation") in found   # B is binnen_po
    assert ("segments_2023.csv", "code") in found         # 'samenwerking'
    assert ("segments_2023.csv", "source_id") in found    # 'INT2023_X'
    assert "scale:trust" in text and "segment segments_2023:6" in text


def test_study_yaml_errors_name_the_field(mini_study):
    _edit_yaml(mini_study / "study.yaml",
               lambda d: d["regions"].append({"id": "Q", "situation": "binnen_mbo"}))
    with pytest.raises(DataValidationError) as info:
        image_synth.load_study(mini_study)
    assert "region 'Q': situation 'binnen_mbo'" in str(info.value)
    assert info.value.problems[0].file == "study.yaml"


def test_invalid_yaml_syntax_gives_line(mini_study):
    path = mini_study / "instrument.yaml"
    path.write_text(path.read_text().replace("name: \"Mini questionnaire\"",
                                             "name: [unclosed"))
    with pytest.raises(DataValidationError) as info:
        image_synth.load_study(mini_study)
    assert info.value.problems[0].file == "instrument.yaml"
    assert "line" in str(info.value.problems[0].row)


def test_instrument_reference_to_undefined_response_set(mini_study):
    _edit_yaml(mini_study / "instrument.yaml",
               lambda d: d["items"][3].update(response_set="agree7"))
    with pytest.raises(DataValidationError, match="response_set 'agree7' is not defined"):
        image_synth.load_study(mini_study)


def test_dont_know_code_is_not_numeric():
    study = image_synth.load_study(MINI)
    agree = study.instrument.response_set("com_1")
    assert 9 in agree.allowed and 9 not in agree.numeric_codes
    assert agree.non_numeric_codes == {9: "dont_know"}


def test_segment_ending_before_start(mini_study):
    segments = mini_study / "segments_2023.csv"
    segments.write_text(segments.read_text().replace(",80,108,", ",108,80,"))
    with pytest.raises(DataValidationError) as info:
        image_synth.load_study(mini_study)
    problem = info.value.problems[0]
    assert (problem.row, problem.column, problem.value) == (2, "end", 80)


def test_meta_inference_without_author(mini_study):
    (mini_study / "meta.yaml").write_text(
        "meta_inferences:\n  - {id: m1, text: x, type: confirms, rows: [a], date: 2023-05-01}\n")
    _edit_yaml(mini_study / "study.yaml", lambda d: d.update(meta_inferences="meta.yaml"))
    with pytest.raises(DataValidationError, match=r"meta_inferences\[0\]\.author"):
        image_synth.load_study(mini_study)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "image_synth", *args], capture_output=True,
                          text=True)


def test_cli_validate_ok():
    result = _cli("validate", str(MINI))
    assert result.returncode == 0, result.stderr
    assert "survey respondents per wave: 2023: 20" in result.stdout


def test_cli_validate_reports_without_traceback(mini_study):
    segments = mini_study / "segments_2023.csv"
    segments.write_text(segments.read_text().replace("personeelstekort", "personeel"))
    result = _cli("validate", str(mini_study))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "segments_2023.csv, segment segments_2023:4, column 'code'" in result.stderr


def test_cli_validate_typo_in_path(tmp_path):
    result = _cli("validate", str(tmp_path / "studie"))
    assert result.returncode == 1
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr
