"""Reading and validating drawings: YAML files, mappings and REFI-QDA graphs."""

from __future__ import annotations

from pathlib import Path

import pytest

from image_synth.errors import AnalysisError, DataValidationError, StudyError
from image_synth.network import drawings_from_refi_graph, read_drawings

FIXTURES = Path(__file__).parent / "fixtures"
INVALID = FIXTURES / "invalid_drawings.yaml"


def problems_of(source, **kwargs):
    with pytest.raises(DataValidationError) as caught:
        read_drawings(source, **kwargs)
    return caught.value


def mini(**changes):
    drawing = {"meeting": "M1", "parties": [{"id": "swv", "type": "swv"},
                                            {"id": "s1", "type": "school_po"}],
               "ties": [{"from": "swv", "to": "s1", "kind": "intensive_contact"}]}
    drawing.update(changes)
    return {"drawings": [drawing]}


def test_reads_parties_and_ties_with_attributes():
    (d,) = read_drawings(mini(ties=[
        {"from": "swv", "to": "s1", "kind": "Intensive contact"},
        {"from": "s1", "to": "swv", "kind": "blauw", "directed": True, "note": "asks"}]))
    assert d.meeting == "M1" and d.region is None and d.wave is None
    assert d.parties == ["swv", "s1"]
    assert d.graph.nodes["s1"] == {"party_type": "school_po", "label": "s1", "labels": {},
                                   "group": None, "note": None}
    assert d.ties() == [
        ("swv", "s1", {"kind": "intensive_contact", "directed": False, "note": None}),
        ("s1", "swv", {"kind": "initiative", "directed": True, "note": "asks"})]
    assert d.graph.number_of_edges() == 2  # a MultiDiGraph keeps both


def test_every_problem_is_reported_with_meeting_tie_column_and_value():
    error = problems_of(INVALID)
    found = {(p.row, p.column): p for p in error.problems}
    # the first drawing is fine ("red" is a synonym), the second has seven problems
    assert len(error.problems) == 7
    assert all(p.file == str(INVALID) for p in error.problems)

    unknown_party = found[("drawings[1] (meeting RB_BAD) ties[1]", "to")]
    assert unknown_party.message == "unknown party"
    assert unknown_party.value == "swv2"
    assert unknown_party.expected == "one of the parties: swv, school_1, wijkteam"

    unknown_kind = found[("drawings[1] (meeting RB_BAD) ties[2]", "kind")]
    assert unknown_kind.message == "unknown tie kind" and unknown_kind.value == "purple"
    assert "intensive_contact, decision, initiative" in unknown_kind.expected

    duplicate = found[("drawings[1] (meeting RB_BAD) parties[2]", "id")]
    assert duplicate.message == "duplicate party id" and duplicate.value == "school_1"

    party_type = found[("drawings[1] (meeting RB_BAD) parties[3]", "type")]
    assert party_type.message == "unknown party type" and party_type.value == "neighbourhood"
    assert "declare it under party_types" in party_type.expected

    loop = found[("drawings[1] (meeting RB_BAD) ties[3]", "to")]
    assert loop.message == "a tie from a party to itself" and loop.value == "swv"

    missing = found[("drawings[1] (meeting RB_BAD) ties[4]", "from")]
    assert missing.message == "missing field" and missing.value is None

    directed = found[("drawings[1] (meeting RB_BAD) ties[5]", "directed")]
    assert directed.value == "yes_please"

    # the readable report names file, meeting, tie, column and value on one line
    text = str(error)
    assert text.startswith("7 problems in ")
    assert ("drawings[1] (meeting RB_BAD) ties[1], column 'to': unknown party; found 'swv2'; "
            "expected one of the parties: swv, school_1, wijkteam") in text


def test_unknown_fields_duplicate_meetings_and_sources():
    data = mini(parties=[{"id": "swv", "type": "swv", "lable": "SWV"},
                         {"id": "s1", "type": "school_po"}])
    data["drawings"].append(dict(data["drawings"][0], parties=[
        {"id": "swv", "type": "swv"}, {"id": "s1", "type": "school_po"}]))
    error = problems_of(data, file="drawings.yaml", source_ids=["M2"])
    messages = {(p.row, p.column, p.message) for p in error.problems}
    assert ("drawings[0] (meeting M1) parties[0]", "lable", "unknown field") in messages
    assert ("drawings[1] (meeting M1)", "meeting", "duplicate meeting id") in messages
    assert ("drawings[0] (meeting M1)", "meeting",
            "meeting is not one of the study's sources") in messages
    assert all(p.file == "drawings.yaml" for p in error.problems)


def test_same_tie_twice_and_missing_fields():
    error = problems_of({"drawings": [
        {"parties": [{"id": "a", "type": "swv"}, {"id": "b"}],
         "ties": [{"from": "a", "to": "b", "kind": "decision"},
                  {"from": "b", "to": "a", "kind": "groen"}]},
        {"meeting": "M2"}]})
    messages = {(p.row, p.column, p.message) for p in error.problems}
    assert ("drawings[0]", "meeting", "missing field") in messages
    assert ("drawings[0] parties[1]", "type", "missing field") in messages
    assert ("drawings[1] (meeting M2)", "parties", "missing field") in messages
    # an undirected decision a-b and an undirected "groen" b-a are the same tie
    assert ("drawings[0] ties[1]", None, "the same tie twice") in messages


def test_file_vocabularies_extend_the_defaults():
    data = mini(parties=[{"id": "swv", "type": "swv"},
                         {"id": "p", "type": "care_practice", "label": "Praktijk"}],
                ties=[{"from": "swv", "to": "p", "kind": "sporadisch"}])
    data.update(party_types={"care_practice": {"nl": "praktijk", "en": "practice"}},
                tie_kinds={"contact": {"nl": "contact", "en": "contact", "colour": "#888888"}},
                kind_synonyms={"sporadisch": "contact"})
    (d,) = read_drawings(data)
    assert d.ties()[0][2]["kind"] == "contact"
    assert d.party_types["care_practice"]["en"] == "practice"
    assert "swv" in d.party_types and list(d.tie_kinds)[-1] == "contact"
    # a synonym for a kind that does not exist is refused
    with pytest.raises(AnalysisError, match="unknown tie kind"):
        read_drawings(mini(), kind_synonyms={"paars": "purple"})
    error = problems_of(dict(mini(), kind_synonyms={"paars": "purple"}))
    assert error.problems[0].row == "kind_synonyms" and error.problems[0].value == "purple"
    # extra party types may be a plain list
    (d,) = read_drawings(dict(mini(parties=[{"id": "swv", "type": "swv"},
                                            {"id": "s1", "type": "tolk"}]),
                              party_types=["tolk"]))
    assert d.party_types["tolk"]["nl"] == "tolk"


def test_file_level_errors(tmp_path):
    with pytest.raises(StudyError, match="cannot read the drawings file"):
        read_drawings(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("drawings:\n  - meeting: [unclosed\n", encoding="utf-8")
    error = problems_of(bad, file="bad.yaml")
    assert error.problems[0].file == "bad.yaml" and error.problems[0].row.startswith("line ")
    scalar = tmp_path / "scalar.yaml"
    scalar.write_text("just text\n", encoding="utf-8")
    assert "must hold a mapping" in str(problems_of(scalar))
    assert problems_of({"drawing": []}).problems[0].column == "drawing"
    with pytest.raises(AnalysisError):
        read_drawings(42)


# --------------------------------------------------------------------------- REFI

REFI_GRAPH = {
    "guid": "G-1", "name": "Netwerk RB",
    "vertices": [
        {"guid": "V-1", "name": "SWV"},
        {"guid": "V-2", "name": "School A", "representedGUID": "CASE-A"},
        {"guid": "V-3", "name": "Gemeente"},
    ],
    "edges": [
        {"guid": "E-1", "source": "V-1", "target": "V-2", "name": "rood",
         "direction": "Associative"},
        {"guid": "E-2", "source": "V-2", "target": "V-1", "name": "Initiatief",
         "direction": "OneWay"},
        {"guid": "E-3", "sourceVertex": "V-3", "targetVertex": "V-1", "color": "#00FF00",
         "direction": "OneWay"},
        {"guid": "E-4", "source": "V-3", "target": "V-2", "name": "bemoeienis",
         "direction": "Bidirectional"},
    ],
}


def test_refi_graph_to_drawing():
    d = drawings_from_refi_graph(
        REFI_GRAPH, meeting="RB_X", region="X", wave=2023,
        party_types={"V-1": "swv", "CASE-A": "school_po", "Gemeente": "municipality"},
        kind_names={"bemoeienis": "decision"})
    assert d.meeting == "RB_X" and d.title == "Netwerk RB"
    assert d.parties == ["SWV", "School A", "Gemeente"]
    assert [d.graph.nodes[p]["party_type"] for p in d.parties] == [
        "swv", "school_po", "municipality"]
    assert [(u, v, a["kind"], a["directed"]) for u, v, a in d.ties()] == [
        ("SWV", "School A", "intensive_contact", False),
        ("School A", "SWV", "initiative", True),
        ("Gemeente", "SWV", "decision", True),
        ("Gemeente", "School A", "decision", False),
    ]


def test_refi_graph_problems_name_graph_and_edge():
    graph = dict(REFI_GRAPH, edges=REFI_GRAPH["edges"] + [
        {"guid": "E-5", "source": "V-1", "target": "V-9", "name": "rood"},
        {"guid": "E-6", "source": "V-1", "target": "V-3", "name": "paars",
         "direction": "Sideways"}])
    with pytest.raises(DataValidationError) as caught:
        drawings_from_refi_graph(graph, meeting="RB_X", file="project.qde",
                                 party_types={"V-1": "swv", "V-2": "school_po"})
    found = {(p.row, p.column, p.message): p for p in caught.value.problems}
    assert ("Graph 'Netwerk RB' Vertex V-3", "name", "no party type for this vertex") in found
    assert found[("Graph 'Netwerk RB' Edge E-5", "to", "unknown party")].value == "V-9"
    assert found[("Graph 'Netwerk RB' Edge E-6", "kind", "unknown tie kind")].value == "paars"
    assert ("Graph 'Netwerk RB' Edge E-6", "direction", "unknown edge direction") in found
    # E-4 "bemoeienis" is unknown without kind_names
    assert ("Graph 'Netwerk RB' Edge E-4", "kind", "unknown tie kind") in found
    assert all(p.file == "project.qde" for p in caught.value.problems)
