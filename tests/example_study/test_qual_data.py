"""Checks on the qualitative half of the example study (tools/example_study/qual_gen.py).

The files are generated into a temporary folder and read back with plain pandas, yaml
and zipfile (and the package's REFI reader where it exists). The expected numbers are a
copy of what the IMAGE report says (``shared/reference/image_2023_tables.yaml``), so the
tests run without ``../shared``; only the check that no quote is copied from the report
needs it.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd
import pytest
import yaml
from _support import ROOT, SHARED

GENERATOR = ROOT / "tools" / "example_study" / "qual_gen.py"
SHIPPED = ROOT / "image_synth" / "data" / "example"
FILES = ("codebook.yaml", "qual/sources.csv", "qual/interviews_2022.csv",
         "qual/other_sources.csv", "qual/interviews_2023.qdpx", "pseudonyms.yaml",
         "meta_inferences.yaml")

# ---------------------------------------------------------------- expected (report copy)

SITUATION_REGIONS = {
    "po_kinderopvang": {"K", "L", "M"}, "po_vo": {"G", "H", "I"}, "binnen_po": {"A", "B", "C"},
    "binnen_vo": {"D", "E", "F"}, "vso_vo": {"N", "O"}, "onderwijs_jeugdhulp": {"J", "P", "Q", "R"},
}
INTERVIEWS_2023_PER_SITUATION = {"po_kinderopvang": 3, "po_vo": 6, "binnen_po": 3,
                                 "binnen_vo": 3, "vso_vo": 2, "onderwijs_jeugdhulp": 4}
INTERVIEWS_2022 = {"INT2022_A", "INT2022_B", "INT2022_C", "INT2022_D", "INT2022_E", "INT2022_F",
                   "INT2022_G_po", "INT2022_G_vo", "INT2022_H_vo", "INT2022_I_po",
                   "INT2022_I_vo", "INT2022_J", "INT2022_K", "INT2022_L", "INT2022_M",
                   "INT2022_N"}
MEETINGS_PER_SITUATION = {"po_kinderopvang": 2, "po_vo": 2, "binnen_po": 1, "binnen_vo": 2,
                          "vso_vo": 1, "onderwijs_jeugdhulp": 1}
MEETINGS_WITH_DRAWING = {"K", "I", "G", "C", "F", "E", "O", "P"}

QUALITATIVE_2023 = {
    "working_factor": ["vertrouwen_bereidheid", "overeenstemming_doelen_visie_doelgroep",
                       "korte_lijnen_informeel_contact", "kennis_delen_expertise",
                       "sturing_taakverdeling", "regelmatig_communiceren",
                       "tijdsduur_gelijkwaardigheid_flexibiliteit", "gezamenlijke_taal",
                       "doorlopend_aandacht", "succeservaringen", "monitoren_evalueren",
                       "kleinschaligheid", "subsidie_als_stok_achter_de_deur",
                       "eerder_samengewerkt"],
    "hindering_factor": ["personeelstekort_wisseling", "weinig_prioriteit_draagvlak_urgentie",
                         "verschillen_cultuur_visie", "gebrek_financiering_facilitering_tijd",
                         "nasleep_corona", "te_veel_te_grote_partijen",
                         "partijen_nemen_niet_deel", "knelpunten_expertise",
                         "wet_en_regelgeving", "concurrentie_commerciele_belangen",
                         "geen_direct_contact", "informatie_overdracht",
                         "concretisering_plannen", "meer_vraag_dan_aanbod"],
    "condition": ["tijd", "financiele_middelen", "urgentiegevoel", "leiderschap",
                  "basiskwaliteit_aanbod_en_kennis", "zicht_op_doelgroep"],
    # borging is also a new working factor in the report; it is one code (process yield)
    "process_yield": ["bewustwording_betrokkenheid_communicatie", "uitwisseling_kennis_ervaring",
                      "zicht_op_aanbod", "borging"],
    "result_yield": ["aanbod_leerlingen", "aanbod_professionals", "kennis_expertise"],
}
PARENT_CODES = {"werkzame_factoren": "working_factor", "belemmerende_factoren": "hindering_factor",
                "condities": "condition", "opbrengsten_proces": "process_yield",
                "opbrengsten_resultaat": "result_yield"}
CROSSWALK_TARGETS = {
    "scale:communicatie", "scale:gezamenlijke_visie", "scale:vertrouwen",
    "scale:gelijkwaardigheid", "scale:organisatie_sturing", "item:voldoende_middelen",
    "item:voldoende_externe_deskundigheid", "item:voldoende_interne_deskundigheid",
    "item:voldoende_gelegenheid", "item:voldoende_tijd", "item:tevredenheid",
    "item:opbrengst_passende_ondersteuning_zorg", "item:opbrengst_tijdige_inzet_hulp",
    "item:opbrengst_soepele_overgang", "item:opbrengst_kennis_professionals_school",
    "item:opbrengst_vroegtijdiger_signaleren",
}
REQUIRED_LINKS = {
    "vertrouwen_bereidheid": {"scale:vertrouwen"},
    "regelmatig_communiceren": {"scale:communicatie"},
    "korte_lijnen_informeel_contact": {"scale:communicatie"},
    "overeenstemming_doelen_visie_doelgroep": {"scale:gezamenlijke_visie"},
    "sturing_taakverdeling": {"scale:organisatie_sturing"},
    "tijdsduur_gelijkwaardigheid_flexibiliteit": {"scale:gelijkwaardigheid"},
    "tijd": {"item:voldoende_tijd"},
    "financiele_middelen": {"item:voldoende_middelen"},
    "basiskwaliteit_aanbod_en_kennis": {"item:voldoende_interne_deskundigheid"},
    "gebrek_financiering_facilitering_tijd": {"item:voldoende_tijd", "item:voldoende_middelen"},
}

#: The change class each factor must get (report chapter 6, qualitative_2023).
EXPECTED_CLASS = {
    "vertrouwen_bereidheid": "more", "overeenstemming_doelen_visie_doelgroep": "stable",
    "korte_lijnen_informeel_contact": "less", "kennis_delen_expertise": "stable",
    "regelmatig_communiceren": "less", "tijdsduur_gelijkwaardigheid_flexibiliteit": "less",
    "personeelstekort_wisseling": "more", "weinig_prioriteit_draagvlak_urgentie": "more",
    "verschillen_cultuur_visie": "stable", "gebrek_financiering_facilitering_tijd": "more",
    "nasleep_corona": "less", "te_veel_te_grote_partijen": "stable",
    "tijd": "stable", "financiele_middelen": "stable",
    **{c: "new" for c in ("succeservaringen", "monitoren_evalueren", "kleinschaligheid",
                          "borging", "subsidie_als_stok_achter_de_deur", "eerder_samengewerkt",
                          "concretisering_plannen", "meer_vraag_dan_aanbod", "urgentiegevoel",
                          "leiderschap", "basiskwaliteit_aanbod_en_kennis",
                          "zicht_op_doelgroep")},
    **{c: "stable" for c in ("concurrentie_commerciele_belangen", "geen_direct_contact",
                             "informatie_overdracht")},
}
RARELY = ("concurrentie_commerciele_belangen", "geen_direct_contact", "informatie_overdracht")

#: Names that occur in the IMAGE report (authors, cited people, organisations). None may
#: appear in the example's texts.
REAL_NAMES = ("Schoevers", "Roode", "Bomhof", "Wester", "Vleeskens", "Lockhorst", "Vaessen",
              "Gilde", "Oberon", "Houkema", "Janssen", "Steenbergen", "Ledoux", "Waslander",
              "Eimers", "Suijkerbuijk", "Walraven", "Kohnstamm", "TIAS", "Soliday", "Yazejian",
              "Horm", "Kainz", "Twente", "DUO")


def classify(k22: int, n22: int, k23: int, n23: int, *, relative: str) -> str:
    """The default change rule, written out independently here.

    ``relative`` is ``"vs_smaller"`` (larger/smaller - 1) or ``"vs_larger"`` (|diff| /
    larger share); the example must give the report's class under both readings.
    """
    if k22 == 0 and k23 > 0:
        return "new"
    if k22 > 0 and k23 == 0:
        return "no_longer_mentioned"
    s22, s23 = k22 / n22, k23 / n23
    larger, smaller = max(s22, s23), min(s22, s23)
    rel = larger / smaller - 1 if relative == "vs_smaller" else (larger - smaller) / larger
    if abs(s23 - s22) >= 0.15 and rel >= 0.5 and max(k22, k23) >= 3:
        return "more" if s23 > s22 else "less"
    return "stable"


# ---------------------------------------------------------------- fixtures


def _load_generator():
    if "qual_gen" in sys.modules:
        return sys.modules["qual_gen"]
    spec = importlib.util.spec_from_file_location("qual_gen", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules["qual_gen"] = module
    spec.loader.exec_module(module)
    return module


def _qdpx_writer_available() -> bool:
    return importlib.util.find_spec("image_synth.read.qdpx_writer") is not None


@pytest.fixture(scope="module")
def gen():
    return _load_generator()


@pytest.fixture(scope="module")
def out(gen, tmp_path_factory) -> Path:
    if not _qdpx_writer_available():
        pytest.skip("image_synth.read.qdpx_writer does not exist yet")
    folder = tmp_path_factory.mktemp("example_qual")
    gen.write_qual_part(folder)
    return folder


@pytest.fixture(scope="module")
def built(gen):
    return gen.build()


@pytest.fixture(scope="module")
def sources(out) -> pd.DataFrame:
    return pd.read_csv(out / "qual" / "sources.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def codebook(out) -> dict:
    return yaml.safe_load((out / "codebook.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def code_ids(codebook) -> set[str]:
    return {c["id"] for c in codebook["codes"]}


@pytest.fixture(scope="module")
def segments_2022(out) -> pd.DataFrame:
    return pd.read_csv(out / "qual" / "interviews_2022.csv", dtype=str, keep_default_na=False,
                       encoding="utf-8")


@pytest.fixture(scope="module")
def segments_other(out) -> pd.DataFrame:
    return pd.read_csv(out / "qual" / "other_sources.csv", dtype=str, keep_default_na=False,
                       encoding="utf-8")


@pytest.fixture(scope="module")
def qdpx(out) -> dict:
    """The 2023 project read with zipfile + ElementTree: codes, sources, selections."""
    with zipfile.ZipFile(out / "qual" / "interviews_2023.qdpx") as archive:
        qde = [n for n in archive.namelist() if n.lower().endswith(".qde")]
        assert len(qde) == 1
        root = ET.fromstring(archive.read(qde[0]))
        texts = {n: archive.read(n).decode("utf-8") for n in archive.namelist()
                 if n.lower().startswith("sources/") and n.endswith(".txt")}
    ns = {"q": root.tag[1:].split("}")[0]} if root.tag.startswith("{") else {}
    tag = (lambda t: f"q:{t}") if ns else (lambda t: t)
    codes = {c.get("guid"): c.get("name") for c in root.iter(
        f"{{{ns['q']}}}Code" if ns else "Code")}
    users = {u.get("guid"): u.get("name") for u in root.iter(
        f"{{{ns['q']}}}User" if ns else "User")}
    rows, docs = [], {}
    for source in root.find(tag("Sources"), ns):
        name = source.get("name")
        member = "Sources/" + source.get("plainTextPath").split("://", 1)[1]
        text = texts[member]
        docs[name] = (source.get("guid"), text)
        for sel in source.findall(tag("PlainTextSelection"), ns):
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            for coding in sel.findall(tag("Coding"), ns):
                ref = coding.find(tag("CodeRef"), ns).get("targetGUID")
                rows.append({"source_id": name, "code_name": codes[ref], "start": start,
                             "end": end, "quote": text[start:end],
                             "coder": users.get(coding.get("creatingUser"))})
    groups = {}
    sets = root.find(tag("Sets"), ns)
    guid_to_name = {guid: name for name, (guid, _) in docs.items()}
    for set_el in (sets if sets is not None else []):
        for member in set_el.findall(tag("MemberSource"), ns):
            groups.setdefault(guid_to_name[member.get("targetGUID")], set()).add(set_el.get("name"))
    return {"codings": pd.DataFrame(rows), "texts": {n: t for n, (_, t) in docs.items()},
            "groups": groups, "code_names": set(codes.values())}


@pytest.fixture(scope="module")
def segments_2023(qdpx, codebook) -> pd.DataFrame:
    """2023 codings with codebook ids (mapped through qda_names)."""
    index = {name: c["id"] for c in codebook["codes"] for name in c.get("qda_names", [])}
    frame = qdpx["codings"].copy()
    frame["code"] = frame["code_name"].map(index)
    return frame


def _mentions(frame: pd.DataFrame) -> dict[str, int]:
    return frame.groupby("code")["source_id"].nunique().to_dict()


# ---------------------------------------------------------------- generation


def test_regeneration_is_byte_identical(gen, out, tmp_path):
    gen.write_qual_part(tmp_path)
    for rel in FILES:
        assert (tmp_path / rel).read_bytes() == (out / rel).read_bytes(), rel


def test_shipped_files_match_the_generator(out):
    present = [rel for rel in FILES if (SHIPPED / rel).exists()]
    if not present:
        pytest.skip("the example study's qualitative files are not generated yet")
    for rel in present:
        assert (SHIPPED / rel).read_bytes() == (out / rel).read_bytes(), (
            f"{rel} differs from the generator's output: regenerate the example study")


def test_plan_is_what_the_generator_writes(gen, segments_2022, segments_2023):
    k22, k23 = _mentions(segments_2022), _mentions(segments_2023)
    for code, plan in gen.PLAN.items():
        assert k22.get(code, 0) == plan.k2022, (code, 2022)
        assert k23.get(code, 0) == plan.k2023, (code, 2023)


# ---------------------------------------------------------------- sources


def test_interviews_2023(sources):
    rows = sources[(sources.source_type == "interview") & (sources.wave == "2023")]
    assert len(rows) == 21
    assert rows.groupby("situation").size().to_dict() == INTERVIEWS_2023_PER_SITUATION
    for situation, regions in SITUATION_REGIONS.items():
        assert set(rows[rows.situation == situation].region) == regions
    for region in "GHI":
        assert {f"INT2023_{region}_po", f"INT2023_{region}_vo"} <= set(rows.source_id)
    assert (rows.role == "projectleider").all()


def test_interviews_2022(sources):
    rows = sources[(sources.source_type == "interview") & (sources.wave == "2022")]
    assert set(rows.source_id) == INTERVIEWS_2022
    # the SWVs new in 2023 (Table B1: no 2022 response) have no 2022 interview
    assert not set(rows.region) & {"O", "P", "Q", "R"}
    assert "INT2022_H_po" not in set(rows.source_id)


def test_reflection_meetings(sources):
    rows = sources[sources.source_type == "reflection_meeting"]
    assert len(rows) == 9
    assert rows.groupby("situation").size().to_dict() == MEETINGS_PER_SITUATION
    participants = rows.n_participants.astype(int)
    assert participants.sum() == 56
    assert participants.between(4, 11).all()
    assert (rows.wave == "2023").all()
    assert set(rows.source_id) == {f"RB2023_{r}" for r in MEETINGS_WITH_DRAWING | {"L"}}
    with_drawing = rows[~rows.title.str.contains("zonder")]
    assert set(with_drawing.region) == MEETINGS_WITH_DRAWING


def test_other_sources_and_flags(sources):
    assert (sources.source_type == "external_study").sum() == 1
    assert (sources.source_type == "literature").sum() == 1
    assert set(sources.source_type) <= {"interview", "reflection_meeting", "document",
                                        "literature", "external_study"}
    assert (sources.synthetic == "true").all()
    assert sources.title.str.contains("synthetisch").all()
    assert sources.source_id.is_unique
    assert list(sources.columns) == ["source_id", "source_type", "wave", "region", "situation",
                                     "role", "n_participants", "synthetic", "title"]


def test_sources_pass_the_package_reader(out):
    from image_synth.read.sources import read_sources

    frame = read_sources(out / "qual" / "sources.csv")
    assert len(frame) == 16 + 21 + 9 + 2 and frame["synthetic"].all()


# ---------------------------------------------------------------- codebook


def test_codebook_has_every_reported_code(codebook):
    by_id = {c["id"]: c for c in codebook["codes"]}
    for parent, category in PARENT_CODES.items():
        assert parent in by_id
    for category, codes in QUALITATIVE_2023.items():
        for code in codes:
            assert code in by_id, code
            assert by_id[code]["category"] == category, code
            assert by_id[code]["label"]["nl"] and by_id[code]["label"]["en"]
            assert by_id[code]["parent"] in PARENT_CODES


def test_codebook_validates_with_the_package_model(out):
    from image_synth.study.models import Codebook, load_yaml_model

    book = load_yaml_model(Codebook, out / "codebook.yaml")
    assert book.code("borging").qda_names == ("Opbrengsten proces::Borging",
                                             "Werkzame factoren::Borging")


def test_crosswalk(codebook):
    by_id = {c["id"]: c for c in codebook["codes"]}
    for code in codebook["codes"]:
        assert set(code.get("links", [])) <= CROSSWALK_TARGETS, code["id"]
    for code, links in REQUIRED_LINKS.items():
        assert links <= set(by_id[code]["links"]), code
    unlinked = [c["id"] for c in codebook["codes"] if c.get("parent") and not c.get("links")]
    assert unlinked, "some codes must link to nothing so silence stays visible"
    assert any("item:tevredenheid" in c.get("links", []) for c in codebook["codes"])
    linked_yields = {t for c in codebook["codes"] for t in c.get("links", [])
                     if t.startswith("item:opbrengst_")}
    assert len(linked_yields) == 5


def test_qda_names_are_atlas_paths(codebook, qdpx):
    for code in codebook["codes"]:
        if code.get("parent"):
            assert any("::" in name for name in code["qda_names"]), code["id"]
    used = set(qdpx["codings"].code_name)
    assert all("::" in name for name in used)
    assert "Werkzame factoren::Vertrouwen en bereidheid" in used


# ---------------------------------------------------------------- segments


def test_every_segment_code_and_source_is_known(code_ids, sources, segments_2022,
                                                segments_other, segments_2023):
    known_sources = set(sources.source_id)
    for frame in (segments_2022, segments_other, segments_2023):
        assert frame.code.notna().all()
        assert set(frame.code) <= code_ids
        assert set(frame.source_id) <= known_sources
    assert set(segments_2022.source_id) == INTERVIEWS_2022
    assert set(segments_other.source_id) == set(
        sources[sources.source_type.isin(["reflection_meeting", "external_study",
                                          "literature"])].source_id)


def test_flat_exports_have_the_agreed_columns(segments_2022, segments_other):
    for frame in (segments_2022, segments_other):
        assert list(frame.columns) == ["source_id", "code", "quote", "start", "end", "coder"]


def test_quotes_sit_at_their_offsets_in_the_qdpx(qdpx, built):
    codings = qdpx["codings"]
    assert set(codings.source_id) == {d.source.source_id for d in built["docs_2023"]}
    for doc in built["docs_2023"]:
        text = qdpx["texts"][doc.source.source_id]
        assert text == doc.text
        own = codings[codings.source_id == doc.source.source_id]
        assert len(own) == len(doc.codings)
        for code, start, end, coder in doc.codings:
            assert text[start:end] in set(own.quote)


def test_quotes_sit_at_their_offsets_in_the_flat_exports(segments_2022, segments_other, built):
    texts = {d.source.source_id: d.text for d in (*built["docs_2022"], *built["others"])}
    for frame in (segments_2022, segments_other):
        for row in frame.itertuples(index=False):
            assert texts[row.source_id][int(row.start):int(row.end)] == row.quote


def test_qdpx_through_the_package_reader(out, segments_2023):
    refi = pytest.importorskip("image_synth.read.refi")
    project = refi.read_qdpx(out / "qual" / "interviews_2023.qdpx")
    assert project.vendor == "atlas.ti"
    assert len(project.sources) == 21
    assert project.sources.set_index("source_id").loc["INT2023_G_po", "situation"] == "po_vo"
    assert sorted(project.codings.quote) == sorted(segments_2023.quote)
    from image_synth.read.segments import read_segments
    from image_synth.study.models import Codebook, load_yaml_model

    book = load_yaml_model(Codebook, out / "codebook.yaml")
    seg = read_segments(out / "qual" / "interviews_2023.qdpx", codebook=book)
    assert seg.code.notna().all() and seg.source_id.nunique() == 21


def test_document_groups_as_atlas_writes_them(qdpx):
    groups = qdpx["groups"]
    assert len(groups) == 21
    assert {"situation: po_vo", "region: G", "wave: 2023", "role: projectleider",
            "sector: po"} <= groups["INT2023_G_po"]
    for name, names in groups.items():
        assert any(g.startswith("situation: ") for g in names), name


def test_quotes_are_short_dutch_passages(segments_2022, segments_2023):
    for quote in pd.concat([segments_2022.quote, segments_2023.quote]):
        sentences = re.findall(r"[.!?](?:\s|$)", quote.strip())
        assert 1 <= len(sentences) <= 3, quote
        assert "{" not in quote and "}" not in quote


def test_double_coding_never_adds_a_mention(segments_2023):
    coder2 = segments_2023[segments_2023.coder == "coder2"]
    assert coder2.source_id.nunique() == 3
    for source_id, own in coder2.groupby("source_id"):
        first = segments_2023[(segments_2023.source_id == source_id)
                              & (segments_2023.coder == "coder1")]
        assert set(own.code) < set(first.code)


def test_some_codes_are_coded_twice_in_one_source(segments_2023):
    once = segments_2023[segments_2023.coder == "coder1"]
    assert (once.groupby(["source_id", "code"]).size() > 1).any()


# ---------------------------------------------------------------- mention patterns


@pytest.mark.parametrize("relative", ["vs_smaller", "vs_larger"])
def test_change_classes_follow_the_report(segments_2022, segments_2023, relative):
    k22, k23 = _mentions(segments_2022), _mentions(segments_2023)
    for code, expected in EXPECTED_CLASS.items():
        got = classify(k22.get(code, 0), 16, k23.get(code, 0), 21, relative=relative)
        assert got == expected, (code, k22.get(code, 0), k23.get(code, 0), got)


def test_change_classes_through_the_qual_module(out, segments_2022, segments_2023):
    change = pytest.importorskip("image_synth.qual.change")
    k22, k23 = _mentions(segments_2022), _mentions(segments_2023)
    for code, expected in EXPECTED_CLASS.items():
        got = change.classify_change(k22.get(code, 0), 16, k23.get(code, 0), 21)
        assert got == expected, (code, got)


def test_trust_in_nearly_every_interview_and_staff_shortage_on_top(segments_2023, codebook):
    k23 = _mentions(segments_2023)
    assert k23["vertrouwen_bereidheid"] >= 19
    hindering = [c["id"] for c in codebook["codes"] if c.get("category") == "hindering_factor"
                 and c.get("parent")]
    top = max(hindering, key=lambda c: k23.get(c, 0))
    assert top == "personeelstekort_wisseling"
    assert k23["overeenstemming_doelen_visie_doelgroep"] > 21 / 2
    assert 1 <= k23["tijdsduur_gelijkwaardigheid_flexibiliteit"] <= 2
    for code in RARELY:
        assert 1 <= k23[code] <= 2


def test_codes_present_in_every_situation_2023(segments_2023, sources):
    frame = segments_2023.merge(sources[["source_id", "situation"]], on="source_id")
    for code in ("vertrouwen_bereidheid", "personeelstekort_wisseling", "tijd",
                 "financiele_middelen"):
        assert set(frame[frame.code == code].situation) == set(SITUATION_REGIONS), code


def test_situation_patterns(segments_2022, segments_2023, sources):
    meta = sources.set_index("source_id")
    n = sources[sources.source_type == "interview"].groupby(["wave", "situation"]).size()

    def share(frame, wave, code, situation):
        ids = frame[frame.code == code].source_id.unique()
        k = sum(meta.loc[i, "situation"] == situation for i in ids)
        return k / n[(wave, situation)]

    # differences in culture and vision: most visible in po-vo
    shares = {s: share(segments_2023, "2023", "verschillen_cultuur_visie", s)
              for s in SITUATION_REGIONS}
    assert max(shares, key=shares.get) == "po_vo"
    # priority / support / urgency grew, except within primary education
    assert (share(segments_2023, "2023", "weinig_prioriteit_draagvlak_urgentie", "binnen_po")
            <= share(segments_2022, "2022", "weinig_prioriteit_draagvlak_urgentie", "binnen_po"))
    # parties that do not take part: po, vo and special education situations only
    for frame in (segments_2022, segments_2023):
        situations = {meta.loc[i, "situation"]
                      for i in frame[frame.code == "partijen_nemen_niet_deel"].source_id}
        assert situations <= {"binnen_po", "binnen_vo", "vso_vo"}


def test_little_collaboration_in_three_swvs(segments_2023, sources):
    meta = sources.set_index("source_id")
    ids = segments_2023[segments_2023.code == "weinig_samenwerking_minder_tevreden"].source_id
    assert {meta.loc[i, "region"] for i in ids} == {"G", "L", "N"}
    positive = set(segments_2023[segments_2023.code == "tevreden_over_samenwerking"].source_id)
    assert {"INT2023_J", "INT2023_P", "INT2023_Q", "INT2023_R"} <= positive


def test_other_sources_are_coded(segments_other):
    per_source = segments_other.groupby("source_id").code.nunique()
    assert (per_source >= 3).all()
    literature = set(segments_other[segments_other.source_id == "LIT_ZES_FACTOREN"].code)
    assert {"regelmatig_communiceren", "vertrouwen_bereidheid",
            "overeenstemming_doelen_visie_doelgroep", "tijdsduur_gelijkwaardigheid_flexibiliteit",
            "sturing_taakverdeling", "tijd", "financiele_middelen"} <= literature
    meetings = segments_other[segments_other.source_id.str.startswith("RB2023_")]
    communication = {"korte_lijnen_informeel_contact", "regelmatig_communiceren",
                     "geen_direct_contact", "informatie_overdracht", "gezamenlijke_taal"}
    assert meetings[meetings.code.isin(communication)].source_id.nunique() >= 6


# ---------------------------------------------------------------- names and quotes


def _all_texts(built) -> list[str]:
    return [d.text for d in (*built["docs_2022"], *built["docs_2023"], *built["others"])]


def test_no_real_name_from_the_report(built, segments_other, segments_2022, segments_2023):
    blob = "\n".join(_all_texts(built))
    for name in REAL_NAMES:
        assert not re.search(rf"\b{re.escape(name)}\b", blob), name


def test_pseudonym_dictionary(out, built, segments_2022, segments_2023, segments_other):
    names = yaml.safe_load((out / "pseudonyms.yaml").read_text(encoding="utf-8"))
    assert set(names) == {"samenwerkingsverband", "school", "gemeente", "regio", "persoon",
                          "organisatie"}
    blob = "\n".join(_all_texts(built))
    every = [n for kind in names.values() for n in kind]
    assert all(names.values())
    assert all(n in blob for n in every)
    quotes = pd.concat([segments_2022.quote, segments_2023.quote, segments_other.quote])
    with_name = [q for q in quotes if any(n in q for n in every)]
    assert len(with_name) >= 20
    kinds_in_quotes = {kind for kind, kind_names in names.items()
                       if any(n in q for q in quotes for n in kind_names)}
    assert kinds_in_quotes == set(names)


def test_quotes_are_not_copied_from_the_report(built):
    report = SHARED / "seeds" / "000_17c6f98c4afd31dc.txt"
    if not report.exists():
        pytest.skip("../shared is not beside the project")

    def words(text: str) -> list[str]:
        return re.findall(r"\w+", text.casefold())

    report_words = words(report.read_text(encoding="utf-8"))
    grams = {tuple(report_words[i:i + 8]) for i in range(len(report_words) - 7)}
    for doc in (*built["docs_2022"], *built["docs_2023"], *built["others"]):
        for _, start, end, _ in doc.codings:
            w = words(doc.text[start:end])
            copied = [g for g in zip(*(w[i:] for i in range(8))) if g in grams]
            assert not copied, (doc.source.source_id, " ".join(copied[0]))


# ---------------------------------------------------------------- meta-inferences


def test_meta_inferences(out, code_ids):
    data = yaml.safe_load((out / "meta_inferences.yaml").read_text(encoding="utf-8"))
    items = data["meta_inferences"]
    assert 4 <= len(items) <= 6
    assert len({m["id"] for m in items}) == len(items)
    for mi in items:
        assert set(mi) == {"id", "text", "type", "rows", "situation", "author", "date"}
        assert mi["type"] in {"confirms", "expands", "explains", "contradicts"}
        assert mi["situation"] in set(SITUATION_REGIONS) | {"national"}
        assert mi["rows"] and all(r in code_ids or r in CROSSWALK_TARGETS for r in mi["rows"])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(mi["date"]))
