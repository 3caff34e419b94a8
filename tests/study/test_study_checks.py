"""Structural checks of instrument and codebook at load: each a Problem with file, element
and value, every one reported at once."""

from __future__ import annotations

import pytest
import yaml

import image_synth
from image_synth.errors import DataValidationError
from image_synth.study.models import Codebook, Instrument, load_yaml_model

from _support import MINI


def _edit_yaml(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _problems(folder) -> list:
    with pytest.raises(DataValidationError) as info:
        image_synth.load_study(folder)
    return info.value.problems


def _item(data, item_id):
    return next(i for i in data["items"] if i["id"] == item_id)


def test_example_and_mini_studies_pass_every_check():
    for folder in (None, MINI):
        study = image_synth.load_study(folder)
        assert study.instrument.items and study.codebook.codes


def test_instrument_structure_all_at_once(mini_study):
    # mini instrument: response_sets status, agree5, sat7, selected; asked all,
    # collaborating (status in [1]); scales communicatie (com_1..3, min 2) and
    # vertrouwen (ver_1, ver_2, min 2); items status, functie_ib, functie_leraar,
    # com_1, com_2, com_3, ver_1, ver_2, tijd, tevredenheid
    def change(d):
        d["response_sets"].append(dict(d["response_sets"][2]))          # sat7 again
        d["scales"].append(dict(d["scales"][0]))                         # communicatie again
        d["scales"][1]["min_items"] = 4       # vertrouwen: ver_1, ver_2 and com_2 below
        d["asked"].append({"id": "planning", "label": {"nl": "plannen"}, "item": "status",
                           "values": [4]})                               # status has 1-3
        d["asked"].append({"id": "some", "label": {"nl": "sommige"}, "values": [1]})
        d["asked"].append({"id": "nobody", "label": {"nl": "niemand"}, "item": "tijd"})
        d["multi_select"][0]["asked"] = "leraren"
        d["items"].append(dict(_item(d, "com_2"), scale="vertrouwen"))   # in two scales
        d["items"].append(dict(_item(d, "ver_1")))                      # ver_1 twice
        _item(d, "tijd")["asked"] = "planning"
    _edit_yaml(mini_study / "instrument.yaml", change)
    found = {(p.file, p.row, tuple(p.value) if isinstance(p.value, list) else p.value)
             for p in _problems(mini_study)}
    assert found == {
        ("instrument.yaml", "response_sets[4] (sat7)", "sat7"),
        ("instrument.yaml", "scales[2] (communicatie)", "communicatie"),
        ("instrument.yaml", "items[10] (com_2)", "com_2"),
        ("instrument.yaml", "items[11] (ver_1)", "ver_1"),
        ("instrument.yaml", "multi_select[0] (functie)", "leraren"),
        ("instrument.yaml", "asked[2] (planning)", (4,)),
        ("instrument.yaml", "asked[3] (some)", (1,)),
        ("instrument.yaml", "asked[4] (nobody)", None),
        ("instrument.yaml", "scales[1] (vertrouwen)", 4),
    }


def test_instrument_messages(mini_study):
    def change(d):
        d["scales"][1]["min_items"] = 3
        d["items"].append(dict(_item(d, "com_2"), scale="vertrouwen"))
        d["asked"][1]["values"] = [1, 5]
    _edit_yaml(mini_study / "instrument.yaml", change)
    text = str(DataValidationError(_problems(mini_study)))
    assert ("instrument.yaml, items[10] (com_2): item 'com_2' is in more than one scale: "
            "communicatie, vertrouwen; found 'com_2'") in text
    # com_2 now counts for vertrouwen too: 3 items, so min_items 3 is reachable
    assert "min_items" not in text
    assert ("instrument.yaml, asked[1] (collaborating): value 5 is no code of 'status' "
            "(response set 'status'); found [5]; expected codes of 1 (wel samenwerking), "
            "2 (plannen), 3 (geen samenwerking)") in text


def test_min_items_larger_than_the_scale(mini_study):
    _edit_yaml(mini_study / "instrument.yaml", lambda d: d["scales"][1].update(min_items=3))
    (problem,) = _problems(mini_study)
    assert (problem.file, problem.row, problem.value) == (
        "instrument.yaml", "scales[1] (vertrouwen)", 3)
    assert problem.expected == "at most 2 (ver_1, ver_2)"


def test_min_items_in_a_wave(mini_study):
    def change(d):
        d["scales"][0]["waves"] = [2022]
        _item(d, "com_2")["waves"] = [2023]
        _item(d, "com_3")["waves"] = [2023]
    _edit_yaml(mini_study / "instrument.yaml", change)
    (problem,) = _problems(mini_study)
    # communicatie is reported in 2022, when only com_1 was asked; min_items is 2
    assert (problem.row, problem.value) == ("scales[0] (communicatie)", 2)
    assert "1 items of the scale asked in 2022" in problem.message


def test_asked_rule_whose_item_it_selects(mini_study):
    # status is asked of 'collaborating', which is status in [1]: nobody is asked status
    _edit_yaml(mini_study / "instrument.yaml",
               lambda d: _item(d, "status").update(asked="collaborating"))
    (problem,) = _problems(mini_study)
    assert (problem.row, problem.value) == ("asked[1] (collaborating)", "status")
    assert "never holds" in problem.message and "collaborating -> collaborating" in \
        problem.message


def test_asked_rule_item_of_other_waves(mini_study):
    def change(d):
        _item(d, "status")["waves"] = [2022]
        _item(d, "tijd")["waves"] = [2023]
    _edit_yaml(mini_study / "instrument.yaml", change)
    problems = [p for p in _problems(mini_study) if p.file == "instrument.yaml"]
    assert [(p.row, p.value) for p in problems] == [("items[8] (tijd)", [2023])]
    assert "never asked" in problems[0].message


def test_item_id_that_is_another_response_set(mini_study):
    _edit_yaml(mini_study / "instrument.yaml",
               lambda d: _item(d, "tijd").update(id="sat7"))
    problems = [p for p in _problems(mini_study) if p.file == "instrument.yaml"]
    assert [(p.row, p.value) for p in problems] == [("items[8] (sat7)", "sat7")]


def test_codebook_structure_all_at_once(mini_study):
    # mini codebook: werkzame_factoren, vertrouwen_bereidheid (parent werkzame_factoren),
    # regelmatig_communiceren (same), condities, tijd (parent condities), personeelstekort
    def change(d):
        d["codes"][0]["parent"] = "regelmatig_communiceren"   # a cycle of two
        d["codes"][3]["parent"] = "condities"                 # its own parent
        d["codes"][5]["qda_names"] = ["Tijd"]                 # the id of another code
        d["codes"].append(dict(d["codes"][5], qda_names=[]))  # personeelstekort twice
    _edit_yaml(mini_study / "codebook.yaml", change)
    found = {(p.file, p.row, p.value) for p in _problems(mini_study)}
    assert found == {
        ("codebook.yaml", "codes[0] (werkzame_factoren)", "regelmatig_communiceren"),
        ("codebook.yaml", "codes[3] (condities)", "condities"),
        ("codebook.yaml", "codes (tijd, personeelstekort)", "tijd"),
        ("codebook.yaml", "codes[6] (personeelstekort)", "personeelstekort"),
    }


def test_codebook_cycle_message(mini_study):
    _edit_yaml(mini_study / "codebook.yaml",
               lambda d: d["codes"][0].update(parent="tijd"))
    # tijd -> condities (no parent): no cycle; werkzame_factoren -> tijd is fine too
    assert image_synth.load_study(mini_study).codebook.code("werkzame_factoren").parent == \
        "tijd"
    _edit_yaml(mini_study / "codebook.yaml",
               lambda d: d["codes"][3].update(parent="werkzame_factoren"))
    # now condities -> werkzame_factoren -> tijd -> condities
    (problem,) = _problems(mini_study)
    assert problem.row == "codes[0] (werkzame_factoren)"
    assert problem.message == ("parents form a cycle: werkzame_factoren -> tijd -> condities "
                               "-> werkzame_factoren")


def test_models_still_refuse_bad_structure_when_built_in_code():
    data = yaml.safe_load((MINI / "codebook.yaml").read_text(encoding="utf-8"))
    data["codes"][0]["parent"] = data["codes"][0]["id"]
    with pytest.raises(ValueError, match="its own parent"):
        Codebook.model_validate(data)
    data = yaml.safe_load((MINI / "instrument.yaml").read_text(encoding="utf-8"))
    data["scales"][0]["min_items"] = 9
    with pytest.raises(ValueError, match="min_items 9 is more than the 3 items"):
        Instrument.model_validate(data)
    assert load_yaml_model(Instrument, MINI / "instrument.yaml").scales[0].min_items == 2


def test_respondent_in_two_survey_files_of_a_wave(mini_study):
    import pandas as pd

    from image_synth import read_survey
    from image_synth.validate import survey_file_problems

    lines = (mini_study / "survey_2023.csv").read_text(encoding="utf-8").splitlines()
    # rows S001-S010 in one file, S010-S020 in another: S010 is in both
    (mini_study / "a.csv").write_text("\n".join(lines[:11]) + "\n", encoding="utf-8")
    (mini_study / "b.csv").write_text("\n".join([lines[0]] + lines[10:]) + "\n",
                                      encoding="utf-8")
    _edit_yaml(mini_study / "study.yaml", lambda d: d.update(
        survey=[{"wave": 2023, "path": "a.csv"}, {"wave": 2023, "path": "b.csv"}]))
    study = image_synth.load_study(MINI)
    frames = [read_survey(mini_study / name, instrument=study.instrument, wave=2023,
                          study=study.config) for name in ("a.csv", "b.csv")]  # each valid
    survey = pd.concat(frames, ignore_index=True)
    assert len(survey) == 21
    config = image_synth.study.models.load_yaml_model(
        image_synth.study.models.StudyConfig, mini_study / "study.yaml")
    (problem,) = survey_file_problems(survey, study=config)
    assert (problem.file, problem.value) == ("a.csv, b.csv", "S010 / 2023")
    assert survey_file_problems(study.survey, study=study.config) == []


def test_crosswalk_links_to_nothing():
    from image_synth.study.models import crosswalk_problems

    instrument = load_yaml_model(Instrument, MINI / "instrument.yaml")
    data = yaml.safe_load((MINI / "codebook.yaml").read_text(encoding="utf-8"))
    data["codes"][1]["links"] = ["scale:vertrouwen", "item:vertrouwen", "scale:trust",
                                 "scale:vertrouwen"]
    data["codes"][4]["links"] = ["scale:tijd"]
    problems = crosswalk_problems(Codebook.model_validate(data), instrument,
                                  file="codebook.yaml")
    assert [(p.row, p.value, p.message.split(" ")[1]) for p in problems] == [
        ("codes[1] (vertrouwen_bereidheid)", "scale:vertrouwen", "link"),
        ("codes[1] (vertrouwen_bereidheid)", "item:vertrouwen", "target"),
        ("codes[1] (vertrouwen_bereidheid)", "scale:trust", "target"),
        ("codes[4] (tijd)", "scale:tijd", "target"),
    ]
    assert problems[1].expected == "'scale:vertrouwen': 'vertrouwen' is a scale of the instrument"
    assert problems[2].expected == "one of the instrument's scales: communicatie, vertrouwen"
    assert problems[3].expected == "'item:tijd': 'tijd' is an item of the instrument"
    assert crosswalk_problems(load_yaml_model(Codebook, MINI / "codebook.yaml"), instrument,
                              file="codebook.yaml") == []
