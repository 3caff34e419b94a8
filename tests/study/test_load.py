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
    # the second data row is line 3 of the file
    assert (problem.row, problem.column, problem.value) == ("line 3", "end", 80)


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
    assert ("segments_2023.csv, line 5 (segment segments_2023:4), column 'code'"
            in result.stderr)


def test_cli_validate_typo_in_path(tmp_path):
    result = _cli("validate", str(tmp_path / "studie"))
    assert result.returncode == 1
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr


# ----------------------------------------------------------------- QDA source attributes


def _qdpx_with_attributes(path, attributes):
    """A REFI project coding each source once, its attributes as Variables and Cases.

    ``attributes``: source_id -> {variable name: value}; ints are IntegerValue.
    """
    import zipfile

    def guid(kind, n):
        return f"00000000-0000-4000-{kind:04d}-{n:012d}"

    names = list(dict.fromkeys(name for values in attributes.values() for name in values))
    variables = "".join(f'<Variable guid="{guid(1, i)}" name="{name}" typeOfVariable="Text"/>'
                        for i, name in enumerate(names))
    cases, sources, texts = [], [], {}
    for n, (source_id, values) in enumerate(attributes.items()):
        refs = "".join(
            f'<VariableValue><VariableRef targetGUID="{guid(1, names.index(name))}"/>'
            + (f"<IntegerValue>{value}</IntegerValue>" if isinstance(value, int)
               else f"<TextValue>{value}</TextValue>") + "</VariableValue>"
            for name, value in values.items())
        cases.append(f'<Case guid="{guid(2, n)}">{refs}<SourceRef targetGUID="{guid(3, n)}"/>'
                     "</Case>")
        sources.append(
            f'<TextSource guid="{guid(3, n)}" name="{source_id}" '
            f'plainTextPath="internal://{guid(4, n)}.txt">'
            f'<PlainTextSelection guid="{guid(5, n)}" startPosition="3" endPosition="13">'
            f'<Coding guid="{guid(6, n)}"><CodeRef targetGUID="{guid(7, 0)}"/></Coding>'
            "</PlainTextSelection></TextSource>")
        texts[f"Sources/{guid(4, n)}.txt"] = "We vertrouwen elkaar."
    qde = ('<Project xmlns="urn:QDA-XML:project:1.0" name="t" origin="hand"><CodeBook><Codes>'
           f'<Code guid="{guid(7, 0)}" name="Vertrouwen en bereidheid" isCodable="true"/>'
           f"</Codes></CodeBook><Variables>{variables}</Variables><Cases>{''.join(cases)}"
           f"</Cases><Sources>{''.join(sources)}</Sources></Project>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        for member, text in texts.items():
            archive.writestr(member, text)
    return path


def _blank_cells(sources, source_id, *columns):
    import pandas as pd

    frame = pd.read_csv(sources, dtype=str, keep_default_na=False)
    for column in columns:
        frame.loc[frame["source_id"] == source_id, column] = ""
    frame.to_csv(sources, index=False)


def _use_qdpx(mini_study, attributes):
    _qdpx_with_attributes(mini_study / "interviews.qdpx", attributes)
    _edit_yaml(mini_study / "study.yaml", lambda d: d["segments"].append(
        {"wave": 2023, "path": "interviews.qdpx"}))


def test_qda_attributes_reach_study_sources_and_fill_empty_cells(mini_study):
    _blank_cells(mini_study / "sources.csv", "INT2023_A", "region", "situation")
    _blank_cells(mini_study / "sources.csv", "INT2023_G_po", "region")
    _use_qdpx(mini_study, {
        "INT2023_A": {"region": "A", "situation": "binnen_po", "sector": "po"},
        "INT2023_B": {"region": "B", "sector": "po"},             # the same as sources.csv
        "INT2023_G_po": {"Region": "G", "wave": 2023, "sector": "po"}})
    study = image_synth.load_study(mini_study)
    sources = study.sources.set_index("source_id")
    assert sources.loc["INT2023_A", ["region", "situation"]].tolist() == ["A", "binnen_po"]
    assert sources.loc["INT2023_G_po", "region"] == "G"            # from 'Region'
    assert list(study.sources.columns[-5:]) == ["attr:region", "attr:situation",
                                                "attr:sector", "attr:Region", "attr:wave"]
    sector = sources["attr:sector"]
    assert sector.dropna().to_dict() == {"INT2023_A": "po", "INT2023_B": "po",
                                         "INT2023_G_po": "po"}
    assert sector.isna()["INT2023_G_vo"]                           # not in the project
    assert sources.loc["INT2023_G_po", "attr:wave"] == 2023
    # the filled region is used by subsets as a typed one would be
    assert set(study.subset(region="A").sources["source_id"]) == {"INT2023_A"}
    assert len(study.segments) == 6 + 3


def test_qda_attributes_never_override_and_are_checked(mini_study):
    _blank_cells(mini_study / "sources.csv", "INT2023_A", "region")
    _blank_cells(mini_study / "sources.csv", "INT2023_G_vo", "region")
    _use_qdpx(mini_study, {
        "INT2023_A": {"region": "Z"},                       # fills, but no such region
        "INT2023_B": {"region": "A", "wave": 2022},         # sources.csv says B and 2023
        "INT2023_G_vo": {"region": "A"}})                   # A is binnen_po, G_vo po_vo
    with pytest.raises(DataValidationError) as info:
        image_synth.load_study(mini_study)
    found = [(p.file, p.row, p.column, p.value, p.message) for p in info.value.problems]
    assert found == [
        ("interviews.qdpx", "source INT2023_B", "attr:region", "A",
         "attribute disagrees with the source's 'region'"),
        ("interviews.qdpx", "source INT2023_B", "attr:wave", 2022,
         "attribute disagrees with the source's 'wave'"),
        ("interviews.qdpx", "source INT2023_A", "region", "Z", "unknown region"),
        ("interviews.qdpx", "source INT2023_G_vo", "region/situation", "A / po_vo",
         "region does not belong to this situation")]
    assert "'B', the value sources.csv gives" in info.value.problems[0].expected


def test_qda_attributes_of_unlisted_sources_are_reported_as_segments(mini_study):
    _use_qdpx(mini_study, {"INT2023_A": {"region": "A"}, "INT2023_Q": {"region": "A"}})
    with pytest.raises(DataValidationError) as info:
        image_synth.load_study(mini_study)
    assert [(p.file, p.column, p.value) for p in info.value.problems] == [
        ("interviews.qdpx", "source_id", "INT2023_Q")]


def test_codebook_from_a_qdc(mini_study):
    # the mini codebook's tree as a REFI codebook; categories from code groups
    def code(n, name, children=""):
        return (f'<Code guid="00000000-0000-4000-8000-{n:012d}" name="{name}" '
                f'isCodable="true">{children}</Code>')

    def member(n):
        return f'<MemberCode targetGUID="00000000-0000-4000-8000-{n:012d}"/>'

    (mini_study / "codebook.qdc").write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        + code(1, "werkzame_factoren", code(2, "vertrouwen_bereidheid")
               + code(3, "regelmatig_communiceren"))
        + code(4, "condities", code(5, "tijd")) + code(6, "personeelstekort")
        + '</Codes><Sets><Set guid="00000000-0000-4000-8000-000000000100" '
          'name="category: working_factor">' + member(1) + "</Set>"
        + '<Set guid="00000000-0000-4000-8000-000000000101" name="category: condition">'
        + member(4) + "</Set></Sets></CodeBook>", encoding="utf-8")
    _edit_yaml(mini_study / "study.yaml", lambda d: d.update(codebook="codebook.qdc"))
    with pytest.warns(UserWarning, match=r"1 code of codebook.qdc has no category "
                                         r"\('personeelstekort'\)"):
        study = image_synth.load_study(mini_study)
    book = study.codebook
    assert book.name == "codebook"
    assert [(c.id, c.parent, c.category) for c in book.codes] == [
        ("werkzame_factoren", None, "working_factor"),
        ("vertrouwen_bereidheid", "werkzame_factoren", "working_factor"),
        ("regelmatig_communiceren", "werkzame_factoren", "working_factor"),
        ("condities", None, "condition"), ("tijd", "condities", "condition"),
        ("personeelstekort", None, None)]
    assert study.segments["code_path"].tolist()[:2] == [
        "werkzame_factoren > vertrouwen_bereidheid", "condities > tijd"]


def test_codebook_field_naming_a_project(mini_study):
    _edit_yaml(mini_study / "study.yaml", lambda d: d.update(codebook="interviews.qdpx"))
    with pytest.raises(DataValidationError) as info:
        image_synth.load_study(mini_study)
    problem = info.value.problems[0]
    assert problem.file == "interviews.qdpx" and "names a REFI-QDA project" in problem.message
    assert ".qdc codebook" in problem.expected
