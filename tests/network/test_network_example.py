"""The eight drawings of the example study are classified as the report describes them.

Each test quotes what chapter 3 of the IMAGE report (2023) says about the drawing and
pins the class and the feature the text singles out. The drawings themselves are
synthetic (the embedded example study's drawings/drawings_2023.yaml, authored in
tools/example_src/), written to follow that text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from image_synth.network import classification_rules
from image_synth.study.load import example_study_path

EXAMPLE = example_study_path() / "drawings" / "drawings_2023.yaml"
REFERENCE = Path(__file__).parents[3] / "shared" / "reference" / "image_2023_tables.yaml"


def by_region(drawings, region):
    (drawing,) = [d for d in drawings if d.region == region]
    return drawing


def test_eight_drawings_marked_synthetic(example_drawings):
    assert [d.meeting for d in example_drawings] == [
        f"RB2023_{r}" for r in "KIGCFEOP"]
    assert all(d.wave == 2023 for d in example_drawings)
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.startswith("# SYNTHETIC DATA")
    assert yaml.safe_load(text)["synthetic"] is True


@pytest.mark.shared
@pytest.mark.skipif(not REFERENCE.exists(), reason="needs ../shared beside the project")
def test_regions_and_situations_follow_the_report(example_drawings):
    described = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))[
        "reflection_meetings_2023"]["drawings_described"]
    expected = [(fig["region"], fig["situation"]) for fig in described.values()]
    assert [(d.region, d.situation) for d in example_drawings] == expected


def test_region_c_is_a_network_with_the_swv_as_hub(example_measures):
    # "Volgens de aanwezigen werkt de samenwerkingsstructuur als een netwerk" and the
    # SWV "een spilfunctie heeft"; "intensief onderling contact" between the parties.
    r = example_measures.loc["C"]
    assert r["structure"] == "network"
    assert r["hub"] == "swv" and r["hub_type"] == "swv"
    assert r["density"] > 0.5  # many lines ("een goed netwerk is een puinhoop")


def test_region_p_is_a_star(example_measures, example_drawings):
    # "Onze samenwerking heeft nu nog een sterstructuur": the po and vo SWVs (the
    # expertise point) in the centre of the contacts.
    r = example_measures.loc["P"]
    assert r["structure"] == "star"
    assert r["hub_type"] == "swv"
    d = by_region(example_drawings, "P")
    centre = {p for p in d.parties if d.graph.nodes[p]["group"] == "expertisepunt"}
    assert r["hub"] in centre


def test_region_g_is_fragmented(example_measures, example_drawings):
    # "tussen geen van de betrokken partijen sprake is van intensief contact"; "een
    # samenwerkingsstructuur ontbreekt"; parents and pupils are not in the drawing.
    r = example_measures.loc["G"]
    assert r["structure"] == "fragmented"
    assert "intensive_contact" not in r["kinds"].split(",")
    assert r["n_linked_components"] >= 2  # separate "seeds"
    types = {t for _, t in by_region(example_drawings, "G").graph.nodes(data="party_type")}
    assert not types & {"parents", "pupil"}


def test_region_i_pupil_isolated(example_measures, example_drawings):
    # "dat de leerling een afgezonderde plek inneemt in de netwerktekening"; intensive
    # contact only between the po and vo SWVs.
    r = example_measures.loc["I"]
    d = by_region(example_drawings, "I")
    pupils = [p for p in d.parties if d.graph.nodes[p]["party_type"] == "pupil"]
    assert r["isolated"].split(",") == pupils == ["leerling"]
    intensive = [(u, v) for u, v, _ in d.ties("intensive_contact")]
    assert intensive == [("swv_po", "swv_vo")]


def test_region_o_no_ties_between_vso_and_vo(example_measures, example_drawings):
    # "Om die reden zijn er geen lijnen getekend tussen het vso en de vo-scholen"; the
    # SWV plays "een centrale en verbindende rol".
    d = by_region(example_drawings, "O")
    kind_of = dict(d.graph.nodes(data="party_type"))
    assert {"school_vso", "school_vo"} <= set(kind_of.values())
    for u, v, _ in d.ties():
        assert {kind_of[u], kind_of[v]} != {"school_vso", "school_vo"}
    r = example_measures.loc["O"]
    assert r["hub"] == "swv"
    assert r["structure"] == "star"


def test_region_k_is_fragmented(example_measures):
    # "niet mogelijk om een beeld te schetsen van een overkoepelende
    # samenwerkingsstructuur"; loose school-childcare pairs, each in contact with the SWV
    # on its own; start-up phase. The pairs hang together only through ordinary contact
    # with the SWV and nobody draws intensive contact, so: fragmented, by the
    # no-intensive-contact rule (the SWV is still the best-connected party).
    r = example_measures.loc["K"]
    assert r["structure"] == "fragmented" and r["structure_rule"] == "no_core_ties"
    assert r["hub"] == "swv"
    assert r["initiators"] == "school_1,school_2,school_3"  # po-schools took the initiative
    assert r["deciders"] == "gemeente"  # the municipality as the deciding party


def test_region_f_is_a_network(example_measures, example_drawings):
    # "bijna iedere betrokken partij contact heeft met meer dan één andere partij";
    # support coordinators and expertise group are the initiators.
    r = example_measures.loc["F"]
    assert r["structure"] == "network"
    d = by_region(example_drawings, "F")
    degrees = {p: len(set(d.graph.successors(p)) | set(d.graph.predecessors(p)))
               for p in d.parties}
    assert sum(n >= 2 for n in degrees.values()) >= len(d.parties) - 1
    assert r["initiators"] == "ondersteuningscoordinator,expertisegroep"
    assert {d.graph.nodes[p]["group"] for p in d.parties} == {
        "school", "expertisegroep", "hulpverlening", "ouders en leerlingen"}


def test_region_e_is_a_star_around_the_project_leader(example_measures, example_drawings):
    # The report does not name a structure for figure 8. We read it as a star: the
    # project leader is drawn "boven de scholen" as the one who approaches and connects
    # them; it is the only party with a line to every participating and every waiting
    # school, so without it the drawing falls apart. Inside the star the four active
    # schools form a small network ("een viertal scholen heeft intensief contact"), and
    # the schools that keep the project leader at a distance have no lines at all.
    r = example_measures.loc["E"]
    assert r["structure"] == "star"
    assert r["hub"] == "projectleider" and r["initiators"] == "projectleider"
    d = by_region(example_drawings, "E")
    clique = {frozenset((u, v)) for u, v, _ in d.ties("intensive_contact")}
    assert len(clique) == 6 and len(set().union(*clique)) == 4  # four schools, all pairs
    assert r["isolated"] == "school_7,school_8"
    assert r["n_isolated"] / r["n_parties"] <= 0.25  # not enough to call it fragmented


def test_rules_are_stated_with_the_measures(example_measures):
    assert example_measures.attrs["classification_rules"] == classification_rules()
