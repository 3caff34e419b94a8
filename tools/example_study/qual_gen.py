"""Generate the QUALITATIVE half of the embedded example study (synthetic data).

Everything written here is invented for the image_synth example. No quote comes from
the IMAGE report or from a real interview; every name of a person, school,
municipality, region, organisation or samenwerkingsverband is fictitious and listed in
``pseudonyms.yaml``. What IS calibrated is the *pattern*: which factor is mentioned in
how many interviews per wave and situation, following chapter 6 (and 5.1, 5.2, 7.3) of
the IMAGE report (second measurement, 2023) and ``qualitative_2023`` of
``shared/reference/image_2023_tables.yaml``.

Entry point: :func:`write_qual_part` (``out_dir`` = ``image_synth/data/example/``). The
output is byte-identical on every run (fixed seed, string-seeded ``random.Random``,
no dates, sorted/ordered writes; the qdpx writer is itself deterministic).

Files written (relative to ``out_dir``)::

    codebook.yaml                codes, categories, nl/en labels, ATLAS.ti names, crosswalk
    qual/sources.csv             every qualitative source (interviews, meetings, studies)
    qual/interviews_2023.qdpx    the 21 interviews of 2023, REFI-QDA as ATLAS.ti writes it
    qual/interviews_2022.csv     the 16 interviews of 2022, flat export (one row per segment)
    qual/other_sources.csv       reflection meetings, the Twente study, the literature review
    pseudonyms.yaml              every fictitious name the texts contain, by kind
    meta_inferences.yaml         analysts' meta-inferences with the joint-display rows they use

Which interviews exist
----------------------
2023: 21 project-leader interviews, one per SWV in regions A-R, and both the po- and the
vo-leader in the po-vo regions G, H and I (report par. 1.4, Table 2).

2022: the report (par. 1.4) says 14 SWVs took part in 2022, and that five SWVs were
recruited for 2023, among them "a po-SWV linked to an already participating vo-SWV in
the same region". Table B1 shows exactly five SWVs without a 2022 response: H-po, O, P,
Q, R. Chapter 7 adds that in 2022 only one SWV each was questioned for education-youth
care (J) and vso-vo (N). So the 2022 regions are A-N (14 regions), and the 2022 SWVs
are those of regions A-F and J-N plus G-po, G-vo, H-vo, I-po, I-vo: 16 interviews. The
report is silent on who exactly was interviewed in 2022 (40 (group) interviews with
policy actors and professionals); the example keeps one policy-level interview per
participating SWV, role ``projectleider``, so both waves count the same unit.

Intended k-of-N per code and wave (interviews only; N_2022 = 16, N_2023 = 21)
-----------------------------------------------------------------------------
Change rule of the qual module (defaults): share = k/N; ``new`` when k_2022 = 0 and
k_2023 > 0; ``more``/``less`` when |share diff| >= 0.15 AND the relative difference
>= 0.5 AND the larger k >= 3; else ``stable``. The relative difference can be read as
larger/smaller - 1 or as |diff| / larger share (what image_synth.qual.change computes,
the stricter reading: the larger share at least twice the smaller). The counts below
give the intended class under BOTH readings, with some margin.

code                                       2022    2023   class   why (report)
werkzame factoren
  vertrouwen_bereidheid                     3/16   20/21  more    "vrijwel elk gesprek", every situation; "niet vaak" in 2022
  overeenstemming_doelen_visie_doelgroep   11/16   15/21  stable  "net zoals tijdens de eerste meting ... de meeste"
  korte_lijnen_informeel_contact           12/16    7/21  less    "minder benoemd dan in de eerste meting"
  kennis_delen_expertise                    8/16   11/21  stable  "in vergelijkbare mate als in de vorige meting"
  sturing_taakverdeling                     5/16    6/21  stable  "vooral decentrale SWVs"; again important (7.3)
  regelmatig_communiceren                  10/16    3/21  less    "aanmerkelijk minder vaak"; "een paar" in 2023
  tijdsduur_gelijkwaardigheid_flexibiliteit 6/16    2/21  less    "een enkele keer ... tijdens de vorige meting vaker"
  gezamenlijke_taal                         1/16    1/21  stable  comes from meetings and literature (7.3), rare in interviews
  doorlopend_aandacht                       3/16    5/21  stable  "doorlopend aandacht" needed (6.1, 7.3)
  succeservaringen                          0/16    3/21  new     "een paar projectleiders"
  monitoren_evalueren                       0/16    3/21  new     "een klein deel"
  kleinschaligheid                          0/16    2/21  new
  subsidie_als_stok_achter_de_deur          0/16    1/21  new     "een projectleider"
  eerder_samengewerkt                       0/16    2/21  new
belemmerende factoren
  personeelstekort_wisseling                5/16   18/21  more    "veruit de grootste", grown, every situation
  weinig_prioriteit_draagvlak_urgentie      3/16   11/21  more    "meer projectleiders (met uitzondering van het po)":
                                                                  binnen_po 1/3 in both waves
  verschillen_cultuur_visie                 6/16    8/21  stable  "net als in de eerste meting"; most in po_vo (4/5, 5/6)
  gebrek_financiering_facilitering_tijd     4/16   13/21  more    "vaker dan in de vorige meting"
  nasleep_corona                            9/16    4/21  less    "minder grote rol dan bij de eerste meting"
  te_veel_te_grote_partijen                 5/16    7/21  stable  "vergelijkbaar met de eerste meting"
  partijen_nemen_niet_deel                  4/16    5/21  stable  only binnen_po, binnen_vo, vso_vo ("po, vo en go")
  knelpunten_expertise                      4/16    6/21  stable
  wet_en_regelgeving                        3/16    4/21  stable  "ook bij deze tweede meting"; jeugdhulp and po_vo only
  concurrentie_commerciele_belangen         1/16    1/21  stable  "een enkele keer"; po_kinderopvang
  geen_direct_contact                       1/16    2/21  stable  "enkele"
  informatie_overdracht                     2/16    2/21  stable  po_vo and jeugdhulp only
  concretisering_plannen                    0/16    3/21  new     "een aantal"; one is vso_vo
  meer_vraag_dan_aanbod                     0/16    2/21  new     "een paar"; one is D (par. 5.1)
condities
  tijd                                      9/16   14/21  stable  repeated; named in EVERY situation in 2023
  financiele_middelen                       8/16   12/21  stable  repeated; named in EVERY situation in 2023
  urgentiegevoel                            0/16    6/21  new     "de meest genoemde nieuwe conditie"; po_vo quotes
  leiderschap                               0/16    4/21  new     "een aantal"
  basiskwaliteit_aanbod_en_kennis           0/16    3/21  new
  zicht_op_doelgroep                        0/16    3/21  new
opbrengsten (proces)
  bewustwording_betrokkenheid_communicatie 13/16   18/21  stable  "bijna alle (net als bij de eerste meting)"
  uitwisseling_kennis_ervaring              7/16   12/21  stable
  zicht_op_aanbod                           1/16    6/21  more    "bij deze tweede meting door meerdere projectleiders"
  borging                                   0/16    4/21  new     "voor het eerst" (yield) and new working factor
opbrengsten (resultaat)
  aanbod_leerlingen                        10/16   15/21  stable  "in de meeste samenwerkingsverbanden"
  aanbod_professionals                      7/16   11/21  stable
  kennis_expertise                         11/16   17/21  stable  "bijna alle projectleiders"
tevredenheid projectleiders (extra codes, linked to item:tevredenheid)
  tevreden_over_samenwerking               11/16   17/21  stable  most satisfied; all youth-care leaders positive
  weinig_samenwerking_minder_tevreden       4/16    4/21  stable  "3 van de 18 SWVs" = regions G (2 leaders), L, N

Notes on choices:

* ``borging`` is both a new working factor (6.1) and a new process yield (5.1) in the
  report, and both lists of ``qualitative_2023`` name it; code ids are unique, so it is
  ONE code, filed under ``opbrengsten_proces`` (most of its mentions are as a yield),
  with the ATLAS.ti name ``Opbrengsten proces::Borging`` and the alias
  ``Werkzame factoren::Borging`` in ``qda_names``.
* The report's 7.3 says trust "was already the case in the first measurement, but a
  bit stronger now", while 6.1 says it was "niet vaak benoemd" in 2022. The reference
  ("rarely in 2022") and 6.1 are followed: 3 of 16.
* "except po" for priority/support/urgency is read as the within-primary situation.
* Some sources have a code twice (two segments), so ``n_segments`` differs from
  ``k_sources``; three 2023 interviews are double-coded by ``coder2`` (a subset of
  coder1's codes, some with shorter spans), which never adds a mention to a source.
* Reflection meetings: 2 po_kinderopvang (K with drawing, L without a usable one),
  2 po_vo (I, G), 1 binnen_po (C), 2 binnen_vo (F, E), 1 vso_vo (O), 1 jeugdhulp (P);
  4-8 participants each (the text of par. 1.4 says 4 to 8), 56 in total.
* The literature review and the Twente study have no wave (they belong to no
  measurement); the Twente study carries situation ``onderwijs_jeugdhulp``.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SEED = 20230417
N_WAVES = (2022, 2023)

# ============================================================================ regions

#: situation -> regions, as in the reference (Table 1).
SITUATIONS = {
    "po_kinderopvang": ("K", "L", "M"),
    "po_vo": ("G", "H", "I"),
    "binnen_po": ("A", "B", "C"),
    "binnen_vo": ("D", "E", "F"),
    "vso_vo": ("N", "O"),
    "onderwijs_jeugdhulp": ("J", "P", "Q", "R"),
}
SITUATION_OF = {r: s for s, regions in SITUATIONS.items() for r in regions}
#: regions that did not take part in 2022 (Table B1: no 2022 response), and H-po.
NEW_IN_2023 = ("O", "P", "Q", "R")
PO_VO_REGIONS = ("G", "H", "I")
#: sector of the single SWV of the other regions (Table B1; J, P, Q are po, R is vo).
SECTOR_OF = {**{r: "po" for r in "ABCKLMJPQ"}, **{r: "vo" for r in "DEFNOR"}}
#: regions whose leaders report little collaboration and less satisfaction (5.2: 3 of 18).
LITTLE_COLLABORATION = ("G", "L", "N")

# Fictitious names per region. None of these is a real SWV, school or municipality as far
# as the authors know; persons are invented. They are all listed in pseudonyms.yaml.
NAMES: dict[str, dict[str, Any]] = {
    "A": {"gemeente": "Veenhorst", "swv": "SWV De Kering", "regio": "het Veenhorster Land",
          "schools": ("OBS De Vuurvlinder", "CBS De Wegwijzer"), "persoon": "Marieke Dolderman",
          "org": "Plusvoorziening Denkraam"},
    "B": {"gemeente": "Brakkendam", "swv": "Samenwerkingsverband Brakkenland",
          "schools": ("OBS Het Zonnewiel", "IKC De Klaproos"), "persoon": "Jeroen Vlasblom",
          "org": "Talentpunt Brakkenland"},
    "C": {"gemeente": "Olderwijk", "swv": "SWV Passend Primair Olderwijk",
          "schools": ("OBS De Knotwilg", "CBS De Lichtboei"), "persoon": "Anouk Reijnders",
          "org": "Expertiseteam De Wilgenring"},
    "D": {"gemeente": "Zandmeer", "swv": "SWV VO Zandmeer",
          "schools": ("Zandmeer College", "Het Duinlyceum Zandmeer"), "persoon": "Pieter Boschloo",
          "org": "Intermezzoklas De Sprong"},
    "E": {"gemeente": "Eikenwaard", "gemeente2": "Ruigendal",
          "swv": "Samenwerkingsverband VO Eikenwaard-Ruigendal", "regio": "de Eikenwaardse Vallei",
          "schools": ("Eikenwaard Lyceum", "Ruigendal College"), "persoon": "Fatima El Amrani",
          "org": "Expertisegroep Eikenwaard"},
    "F": {"gemeente": "Heemsloot", "swv": "SWV Heemsloot-Vaart",
          "schools": ("Vaartsche Scholengemeenschap", "Heemsloot Gymnasium"),
          "persoon": "Bas Kooistra", "org": "Expertisegroep De Vonk"},
    "G": {"gemeente": "Dovenbroek", "swv_po": "SWV PO Dovenbroek", "swv_vo": "SWV VO Dovenbroek-Oost",
          "schools": ("OBS De Steenuil", "Dovenbroek College"), "persoon": "Wendy Scholtens",
          "org": "Stichting Brugklasbrug"},
    "H": {"gemeente": "Lindeveld", "swv_po": "Samenwerkingsverband Primair Lindeveld",
          "swv_vo": "Samenwerkingsverband VO Lindeveld",
          "schools": ("CBS De Zaaier", "Lindeveld Lyceum"), "persoon": "Koen Mulderij",
          "org": "Plusprogramma Voorsprong Lindeveld"},
    "I": {"gemeente": "Kranenmeer", "swv_po": "SWV Kranenmeer PO", "swv_vo": "SWV Kranenmeer VO",
          "regio": "de Kranenwaard", "schools": ("OBS De Kraanvogel", "Kranenmeer College"),
          "persoon": "Sanne Overweel", "org": "Steunpunt Hoogbegaafdheid Kranenwaard"},
    "J": {"gemeente": "Wolderbeek", "swv": "SWV Passend Onderwijs Wolderbeek",
          "schools": ("OBS De Beekloper", "IKC Wolderhof"), "persoon": "Ilse Brandsema",
          "org": "Jeugdhulporganisatie Kompaswijs"},
    "K": {"gemeente": "Mosterveen", "swv": "Samenwerkingsverband Mosterveen en omstreken",
          "regio": "het Mosterland", "schools": ("OBS Het Mosterdzaadje", "IKC De Peppel"),
          "persoon": "Linda Hazewinkel", "org": "Kinderopvang Speelwoud"},
    "L": {"gemeente": "Pieperdijk", "swv": "SWV Pieperdijk",
          "schools": ("CBS De Dijkloper", "OBS Het Kroosje"), "persoon": "Ruud Bleeker",
          "org": "Kinderopvang Dijkdroom"},
    "M": {"gemeente": "Rietzwaag", "swv": "SWV Rietzwaag-Polder",
          "schools": ("OBS De Rietzanger", "KC Zwaaglanden"), "persoon": "Esther Molenkamp",
          "org": "Kinderopvang Het Rietnest"},
    "N": {"gemeente": "Grevenmaar", "swv": "SWV VO Grevenmaar",
          "schools": ("Grevenmaar College", "VSO De Maarschool"), "persoon": "Hanneke Visschers",
          "org": "Orthopedagogisch Centrum Maarzicht"},
    "O": {"gemeente": "Stuifhoven", "swv": "Samenwerkingsverband VO Stuifhoven",
          "schools": ("Stuifhoven Lyceum", "VSO Het Stuifzand"), "persoon": "Yusuf Kaya",
          "org": "Specialistenteam Stuifhoven"},
    "P": {"gemeente": "Bolderhaven", "swv": "SWV PO Bolderhaven", "regio": "het Bolderland",
          "schools": ("OBS De Bolderkar", "CBS Havenlicht"), "persoon": "Joyce Vermeulen",
          "org": "Jeugdhulppraktijk De Kompasroos"},
    "Q": {"gemeente": "Klaverrade", "swv": "Samenwerkingsverband Klaverrade",
          "schools": ("OBS De Klaverhof", "IKC Radeborg"), "persoon": "Mark Tillema",
          "org": "Jeugdteam Klaverrade"},
    "R": {"gemeente": "Ruwenhove", "swv": "SWV VO Ruwenhove",
          "schools": ("Ruwenhove College", "Het Hovelyceum"), "persoon": "Naima Bouzid",
          "org": "Jeugdhulp Ruwenhove Plus"},
}

#: How a project leader in each situation refers to the partner and the professionals.
PHRASES = {
    "po_kinderopvang": {"partner": "de kinderopvang", "partners": "scholen en kinderopvang",
                        "prof": "leerkrachten en pedagogisch medewerkers"},
    "po_vo:po": {"partner": "het vo", "partners": "po en vo", "prof": "leerkrachten en mentoren"},
    "po_vo:vo": {"partner": "het po", "partners": "po en vo", "prof": "mentoren en leerkrachten"},
    "binnen_po": {"partner": "de andere basisscholen", "partners": "de basisscholen",
                  "prof": "leerkrachten en intern begeleiders"},
    "binnen_vo": {"partner": "de andere vo-scholen", "partners": "de vo-scholen",
                  "prof": "docenten en ondersteuningscoördinatoren"},
    "vso_vo": {"partner": "het vso", "partners": "vso en regulier vo",
               "prof": "docenten en ondersteuningscoördinatoren"},
    "onderwijs_jeugdhulp": {"partner": "de jeugdhulp", "partners": "onderwijs en jeugdhulp",
                            "prof": "intern begeleiders en jeugdhulpverleners"},
}


@dataclass(frozen=True)
class Source:
    source_id: str
    source_type: str
    wave: int | None
    region: str | None
    situation: str | None
    role: str | None
    n_participants: int | None
    title: str
    sector: str | None = None


def _interviews(wave: int) -> list[Source]:
    out = []
    for region in sorted(SITUATION_OF):
        if wave == 2022 and region in NEW_IN_2023:
            continue
        situation = SITUATION_OF[region]
        if region in PO_VO_REGIONS:
            sectors = ("po", "vo") if not (wave == 2022 and region == "H") else ("vo",)
            for sector in sectors:
                out.append(Source(
                    f"INT{wave}_{region}_{sector}", "interview", wave, region, situation,
                    "projectleider", 1,
                    f"Interview projectleider {sector}-samenwerkingsverband regio {region}, "
                    f"{wave} (synthetisch)", sector))
        else:
            out.append(Source(
                f"INT{wave}_{region}", "interview", wave, region, situation, "projectleider", 1,
                f"Interview projectleider samenwerkingsverband regio {region}, {wave} "
                f"(synthetisch)", SECTOR_OF[region]))
    return out


#: Reflection meetings 2023: region -> participants (4-8 each, 56 in total).
MEETINGS = {"K": 8, "L": 5, "I": 7, "G": 6, "C": 8, "F": 7, "E": 6, "O": 4, "P": 5}
#: Meetings whose drawing is usable (figures 3-10); L's could not be drawn for the SWV.
MEETINGS_WITH_DRAWING = ("K", "I", "G", "C", "F", "E", "O", "P")


def _meetings() -> list[Source]:
    out = []
    for region, n in MEETINGS.items():
        drawing = ("met netwerktekening" if region in MEETINGS_WITH_DRAWING
                   else "zonder bruikbare netwerktekening")
        out.append(Source(f"RB2023_{region}", "reflection_meeting", 2023, region,
                          SITUATION_OF[region], "samenwerkingspartners", n,
                          f"Verslag reflectiebijeenkomst regio {region}, 2023, {drawing} "
                          f"(synthetisch)"))
    return out


EXTERNAL = Source("EXT_TWENTE_HB", "external_study", None, None, "onderwijs_jeugdhulp", None,
                  30, "Regionale studie Twente: samenwerking onderwijs, jeugdhulp en gemeenten "
                      "rond hoogbegaafdheid (synthetische codering van bevindingen en "
                      "aanbevelingen)")
LITERATURE = Source("LIT_ZES_FACTOREN", "literature", None, None, None, None, None,
                    "Literatuurstudie effectieve samenwerking rond passend onderwijs: zes "
                    "factoren (par. 1.2; synthetische codering)")


def all_sources() -> list[Source]:
    """Every qualitative source, in the order of ``qual/sources.csv``."""
    return [*_interviews(2022), *_interviews(2023), *_meetings(), EXTERNAL, LITERATURE]


# ============================================================================ codebook

PARENTS = [
    # id, category, nl, en
    ("werkzame_factoren", "working_factor", "Werkzame factoren", "Working factors"),
    ("belemmerende_factoren", "hindering_factor", "Belemmerende factoren", "Hindering factors"),
    ("condities", "condition", "Condities", "Conditions"),
    ("opbrengsten_proces", "process_yield", "Opbrengsten proces", "Process yields"),
    ("opbrengsten_resultaat", "result_yield", "Opbrengsten resultaat", "Result yields"),
    ("tevredenheid_projectleiders", None, "Tevredenheid projectleiders",
     "Project leaders' satisfaction"),
]

# id, parent, nl label, en label, links (crosswalk), description
CODES: list[tuple[str, str, str, str, tuple[str, ...], str]] = [
    ("vertrouwen_bereidheid", "werkzame_factoren", "Vertrouwen en bereidheid",
     "Trust and willingness", ("scale:vertrouwen",),
     "Vertrouwen in elkaar en bereidheid om samen te werken."),
    ("overeenstemming_doelen_visie_doelgroep", "werkzame_factoren",
     "Overeenstemming over doelen, visie en doelgroep",
     "Agreement on goals, vision and target group", ("scale:gezamenlijke_visie",),
     "Dezelfde doelen, visie en kijk op de doelgroep."),
    ("korte_lijnen_informeel_contact", "werkzame_factoren",
     "Korte lijnen, laagdrempeligheid en informeel contact",
     "Short lines, accessibility and informal contact", ("scale:communicatie",),
     "Elkaar snel en informeel kunnen bereiken."),
    ("kennis_delen_expertise", "werkzame_factoren",
     "Delen, gebruiken en opdoen van kennis en expertise",
     "Sharing, using and gaining knowledge and expertise",
     ("item:voldoende_externe_deskundigheid",),
     "Mogelijkheden om kennis, ervaring en expertise te delen en op te doen."),
    ("sturing_taakverdeling", "werkzame_factoren", "Sturing en heldere taakverdeling",
     "Steering and a clear division of tasks", ("scale:organisatie_sturing",),
     "Iemand trekt de samenwerking; taken zijn verdeeld."),
    ("regelmatig_communiceren", "werkzame_factoren", "Regelmatig en efficiënt communiceren",
     "Regular and efficient communication", ("scale:communicatie",),
     "Vaste, structurele overleg- en informatiemomenten."),
    ("tijdsduur_gelijkwaardigheid_flexibiliteit", "werkzame_factoren",
     "Tijdsduur, gelijkwaardigheid en flexibele opstelling",
     "Duration, equality and flexibility", ("scale:gelijkwaardigheid",),
     "Lang samenwerken, gelijke zeggenschap, flexibiliteit, één bestuur."),
    ("gezamenlijke_taal", "werkzame_factoren", "Gezamenlijke taal", "A shared language",
     ("scale:communicatie",), "Dezelfde begrippen hanteren (o.a. kinderopvang, jeugdhulp)."),
    ("doorlopend_aandacht", "werkzame_factoren", "Doorlopend aandacht",
     "Continuing attention", ("scale:gezamenlijke_visie",),
     "Doelen en visie steeds opnieuw agenderen."),
    ("succeservaringen", "werkzame_factoren", "Succeservaringen", "Experiences of success", (),
     "Nieuw in 2023."),
    ("monitoren_evalueren", "werkzame_factoren", "Monitoren en evalueren",
     "Monitoring and evaluation", ("scale:gezamenlijke_visie",), "Nieuw in 2023."),
    ("kleinschaligheid", "werkzame_factoren", "Kleinschaligheid", "Small scale", (),
     "Nieuw in 2023."),
    ("subsidie_als_stok_achter_de_deur", "werkzame_factoren",
     "Subsidie als stok achter de deur", "The grant as an incentive", (), "Nieuw in 2023."),
    ("eerder_samengewerkt", "werkzame_factoren", "Eerder samengewerkt",
     "Earlier collaboration", (), "Nieuw in 2023."),
    # hindering factors
    ("personeelstekort_wisseling", "belemmerende_factoren",
     "Wisseling, uitval en tekort aan personeel", "Staff turnover, absence and shortage",
     ("item:voldoende_tijd",), "Personeelstekort en -wisselingen bij alle partijen."),
    ("weinig_prioriteit_draagvlak_urgentie", "belemmerende_factoren",
     "Geen of weinig prioriteit, draagvlak en urgentie",
     "Little or no priority, support and urgency", ("scale:gezamenlijke_visie",), None),
    ("verschillen_cultuur_visie", "belemmerende_factoren", "Verschillen in cultuur en visie",
     "Differences in culture and vision", ("scale:gezamenlijke_visie",), None),
    ("gebrek_financiering_facilitering_tijd", "belemmerende_factoren",
     "Gebrek aan financiering, facilitering en tijd",
     "Lack of funding, facilities and time", ("item:voldoende_tijd", "item:voldoende_middelen"),
     None),
    ("nasleep_corona", "belemmerende_factoren", "Impact van de coronapandemie",
     "Aftermath of the pandemic", (), None),
    ("te_veel_te_grote_partijen", "belemmerende_factoren", "Te veel of te grote partijen",
     "Too many or too large parties", ("scale:organisatie_sturing",), None),
    ("partijen_nemen_niet_deel", "belemmerende_factoren",
     "Partijen nemen niet deel aan de samenwerking",
     "Parties do not take part", (), None),
    ("knelpunten_expertise", "belemmerende_factoren",
     "Knelpunten rondom expertiseontwikkeling", "Problems in developing expertise",
     ("item:voldoende_interne_deskundigheid",),
     "Expertise bij één persoon, gebrek aan expertise, huiver om mee te laten kijken."),
    ("wet_en_regelgeving", "belemmerende_factoren", "Wet- en regelgeving",
     "Laws and regulations", (),
     "Financieringsstromen onderwijs/jeugdhulp, verdeelsysteem po-vo, privacy."),
    ("concurrentie_commerciele_belangen", "belemmerende_factoren",
     "Concurrentie en commerciële belangen", "Competition and commercial interests", (), None),
    ("geen_direct_contact", "belemmerende_factoren", "Geen direct contact",
     "No direct contact", ("scale:communicatie",), None),
    ("informatie_overdracht", "belemmerende_factoren",
     "Onvoldoende informatieoverdracht", "Insufficient transfer of information",
     ("scale:communicatie",), None),
    ("concretisering_plannen", "belemmerende_factoren", "Concretisering van plannen",
     "Making plans concrete", ("scale:organisatie_sturing",), "Nieuw in 2023."),
    ("meer_vraag_dan_aanbod", "belemmerende_factoren", "Meer vraag dan aanbod",
     "More demand than supply", (), "Nieuw in 2023."),
    # conditions
    ("tijd", "condities", "Tijd", "Time", ("item:voldoende_tijd",), None),
    ("financiele_middelen", "condities", "Financiële middelen", "Financial means",
     ("item:voldoende_middelen",), None),
    ("urgentiegevoel", "condities", "Urgentiegevoel", "Sense of urgency",
     ("scale:gezamenlijke_visie",), "Nieuw in 2023."),
    ("leiderschap", "condities", "Leiderschap", "Leadership", ("scale:organisatie_sturing",),
     "Nieuw in 2023."),
    ("basiskwaliteit_aanbod_en_kennis", "condities", "Basiskwaliteit van aanbod en kennis",
     "Basic quality of provision and knowledge", ("item:voldoende_interne_deskundigheid",),
     "Nieuw in 2023."),
    ("zicht_op_doelgroep", "condities", "Zicht op de doelgroep", "Insight into the target group",
     (), "Nieuw in 2023."),
    # process yields
    ("bewustwording_betrokkenheid_communicatie", "opbrengsten_proces",
     "Bewustwording, betrokkenheid en communicatie",
     "Awareness, involvement and communication", (), None),
    ("uitwisseling_kennis_ervaring", "opbrengsten_proces",
     "Uitwisseling van kennis en ervaringen", "Exchange of knowledge and experience",
     ("item:opbrengst_kennis_professionals_school",), None),
    ("zicht_op_aanbod", "opbrengsten_proces", "Zicht op aanbod",
     "Overview of the provision in the region", ("item:opbrengst_tijdige_inzet_hulp",), None),
    ("borging", "opbrengsten_proces", "Borging", "Embedding and continuity", (),
     ("Nieuw in 2023. In het rapport zowel nieuwe werkzame factor (par. 6.1) als nieuwe "
     "procesopbrengst (par. 5.1); hier één code.")),
    # result yields
    ("aanbod_leerlingen", "opbrengsten_resultaat", "Aanbod voor (hoog)begaafde leerlingen",
     "Provision for gifted pupils",
     ("item:opbrengst_passende_ondersteuning_zorg", "item:opbrengst_soepele_overgang"), None),
    ("aanbod_professionals", "opbrengsten_resultaat", "Aanbod voor professionals",
     "Provision for professionals", ("item:opbrengst_kennis_professionals_school",), None),
    ("kennis_expertise", "opbrengsten_resultaat", "Kennis en expertise",
     "Knowledge and expertise",
     ("item:opbrengst_kennis_professionals_school", "item:opbrengst_vroegtijdiger_signaleren"),
     None),
    # satisfaction
    ("tevreden_over_samenwerking", "tevredenheid_projectleiders",
     "Tevreden over de samenwerking", "Satisfied with the collaboration",
     ("item:tevredenheid",), "Projectleider is (voorzichtig) tevreden."),
    ("weinig_samenwerking_minder_tevreden", "tevredenheid_projectleiders",
     "Weinig samenwerking, minder tevreden", "Little collaboration, less satisfied",
     ("item:tevredenheid",), "Nog weinig samenwerking tussen de bevraagde partners."),
]

#: Every crosswalk target the instrument provides (written by another helper).
CROSSWALK_TARGETS = (
    "scale:communicatie", "scale:gezamenlijke_visie", "scale:vertrouwen",
    "scale:gelijkwaardigheid", "scale:organisatie_sturing",
    "item:voldoende_middelen", "item:voldoende_externe_deskundigheid",
    "item:voldoende_interne_deskundigheid", "item:voldoende_gelegenheid", "item:voldoende_tijd",
    "item:tevredenheid",
    "item:opbrengst_passende_ondersteuning_zorg", "item:opbrengst_tijdige_inzet_hulp",
    "item:opbrengst_soepele_overgang", "item:opbrengst_kennis_professionals_school",
    "item:opbrengst_vroegtijdiger_signaleren",
)

#: Extra ATLAS.ti names under which a code may appear.
EXTRA_QDA_NAMES = {"borging": ("Werkzame factoren::Borging",)}

CATEGORY_OF_PARENT = {p[0]: p[1] for p in PARENTS}
LABEL_OF = {p[0]: p[2] for p in PARENTS} | {c[0]: c[2] for c in CODES}


def atlas_name(code_id: str) -> str:
    """``Parent::Child`` as the ATLAS.ti project names the code."""
    for cid, parent, nl, *_ in CODES:
        if cid == code_id:
            return f"{LABEL_OF[parent]}::{nl}"
    return LABEL_OF[code_id]


def codebook_dict() -> dict[str, Any]:
    codes: list[dict[str, Any]] = []
    for pid, category, nl, en in PARENTS:
        entry: dict[str, Any] = {"id": pid, "label": {"nl": nl, "en": en}}
        if category:
            entry["category"] = category
        entry["qda_names"] = [nl]
        codes.append(entry)
    for cid, parent, nl, en, links, description in CODES:
        entry = {"id": cid, "parent": parent, "label": {"nl": nl, "en": en}}
        if CATEGORY_OF_PARENT[parent]:
            entry["category"] = CATEGORY_OF_PARENT[parent]
        entry["links"] = list(links)
        entry["qda_names"] = [atlas_name(cid), *EXTRA_QDA_NAMES.get(cid, ())]
        if description:
            entry["description"] = description
        codes.append(entry)
    return {"name": "IMAGE voorbeeldstudie: codeboek interviews projectleiders (synthetisch)",
            "codes": codes}


# ============================================================================ mention plan


@dataclass(frozen=True)
class Plan:
    k2022: int
    k2023: int
    #: only sources of these situations can mention the code
    only: tuple[str, ...] = ()
    #: situations drawn first when filling
    prefer: tuple[str, ...] = ()
    #: in 2023, at least one source in every allowed situation
    cover_2023: bool = False
    must: tuple[str, ...] = ()       # source ids that mention the code (any wave)
    avoid: tuple[str, ...] = ()      # source ids that never do


PO_VO_23 = ("INT2023_G_po", "INT2023_G_vo", "INT2023_H_po", "INT2023_H_vo", "INT2023_I_po",
            "INT2023_I_vo")
LOW_23 = ("INT2023_G_po", "INT2023_G_vo", "INT2023_L", "INT2023_N")
LOW_22 = ("INT2022_G_po", "INT2022_G_vo", "INT2022_L", "INT2022_N")

PLAN: dict[str, Plan] = {
    # working factors
    "vertrouwen_bereidheid": Plan(3, 20, cover_2023=True, avoid=("INT2023_G_vo",)),
    "overeenstemming_doelen_visie_doelgroep": Plan(11, 15),
    "korte_lijnen_informeel_contact": Plan(12, 7, prefer=("binnen_po", "binnen_vo")),
    "kennis_delen_expertise": Plan(8, 11, must=("INT2023_K",)),
    "sturing_taakverdeling": Plan(5, 6, prefer=("binnen_po", "binnen_vo"), must=("INT2023_A",)),
    "regelmatig_communiceren": Plan(10, 3, must=("INT2023_O",)),
    "tijdsduur_gelijkwaardigheid_flexibiliteit": Plan(6, 2),
    "gezamenlijke_taal": Plan(1, 1, only=("po_kinderopvang", "onderwijs_jeugdhulp")),
    "doorlopend_aandacht": Plan(3, 5),
    "succeservaringen": Plan(0, 3, must=("INT2023_M",)),
    "monitoren_evalueren": Plan(0, 3),
    "kleinschaligheid": Plan(0, 2, only=("binnen_vo", "po_kinderopvang", "binnen_po")),
    "subsidie_als_stok_achter_de_deur": Plan(0, 1, must=("INT2023_E",)),
    "eerder_samengewerkt": Plan(0, 2, avoid=LOW_23),
    # hindering factors
    "personeelstekort_wisseling": Plan(5, 18, cover_2023=True, must=("INT2023_K", "INT2023_B")),
    "weinig_prioriteit_draagvlak_urgentie": Plan(
        3, 11, must=("INT2023_B", "INT2022_B", "INT2023_H_po"),
        avoid=("INT2023_A", "INT2023_C", "INT2022_A", "INT2022_C")),
    "verschillen_cultuur_visie": Plan(
        6, 8, must=("INT2023_G_po", "INT2023_H_vo", "INT2023_H_po", "INT2023_I_po",
                    "INT2023_I_vo", "INT2022_G_po", "INT2022_G_vo", "INT2022_H_vo",
                    "INT2022_I_vo"),
        avoid=("INT2023_G_vo", "INT2022_I_po")),
    "gebrek_financiering_facilitering_tijd": Plan(4, 13, must=("INT2023_F",)),
    "nasleep_corona": Plan(9, 4, must=("INT2023_Q",)),
    "te_veel_te_grote_partijen": Plan(
        5, 7, prefer=("onderwijs_jeugdhulp", "po_kinderopvang", "po_vo"),
        must=("INT2023_J", "INT2023_M", "INT2023_H_vo")),
    "partijen_nemen_niet_deel": Plan(4, 5, only=("binnen_po", "binnen_vo", "vso_vo"),
                                     cover_2023=True, must=("INT2023_E",)),
    "knelpunten_expertise": Plan(4, 6, must=("INT2023_C",)),
    "wet_en_regelgeving": Plan(3, 4, only=("onderwijs_jeugdhulp", "po_vo"), cover_2023=True),
    "concurrentie_commerciele_belangen": Plan(1, 1, only=("po_kinderopvang",)),
    "geen_direct_contact": Plan(1, 2, prefer=("binnen_vo",)),
    "informatie_overdracht": Plan(2, 2, only=("po_vo", "onderwijs_jeugdhulp"), cover_2023=True),
    "concretisering_plannen": Plan(0, 3, must=("INT2023_O",)),
    "meer_vraag_dan_aanbod": Plan(0, 2, must=("INT2023_D",)),
    # conditions
    "tijd": Plan(9, 14, cover_2023=True, must=("INT2023_B",)),
    "financiele_middelen": Plan(8, 12, cover_2023=True, must=("INT2023_B",)),
    "urgentiegevoel": Plan(0, 6, must=("INT2023_H_po", "INT2023_I_vo")),
    "leiderschap": Plan(0, 4, must=("INT2023_C",), prefer=("binnen_po",)),
    "basiskwaliteit_aanbod_en_kennis": Plan(0, 3),
    "zicht_op_doelgroep": Plan(0, 3, must=("INT2023_K",)),
    # process yields
    "bewustwording_betrokkenheid_communicatie": Plan(13, 18, must=("INT2023_N", "INT2023_Q")),
    "uitwisseling_kennis_ervaring": Plan(7, 12, must=("INT2023_F", "INT2023_I_po")),
    "zicht_op_aanbod": Plan(1, 6, must=("INT2023_H_po",)),
    "borging": Plan(0, 4, avoid=LOW_23),
    # result yields
    "aanbod_leerlingen": Plan(10, 15, avoid=("INT2023_L",)),
    "aanbod_professionals": Plan(7, 11, must=("INT2023_R", "INT2023_H_po", "INT2023_J")),
    "kennis_expertise": Plan(11, 17, must=("INT2023_I_po",)),
    # satisfaction
    "tevreden_over_samenwerking": Plan(11, 17, avoid=LOW_23 + LOW_22,
                                       must=("INT2023_J", "INT2023_P", "INT2023_Q", "INT2023_R")),
    "weinig_samenwerking_minder_tevreden": Plan(4, 4, must=LOW_23 + LOW_22),
}

#: 2023 interviews double-coded by coder2 (a subset of coder1's codes).
DOUBLE_CODED = ("INT2023_B", "INT2023_I_vo", "INT2023_Q")


def _choose(code: str, plan: Plan, sources: list[Source], wave: int) -> list[str]:
    """The ids of the sources (of one wave) that mention ``code``."""
    k = plan.k2022 if wave == 2022 else plan.k2023
    rng = random.Random(f"{SEED}:{code}:{wave}")
    allowed = [s for s in sources if (not plan.only or s.situation in plan.only)
               and s.source_id not in plan.avoid]
    ids = {s.source_id for s in allowed}
    chosen = [m for m in plan.must if m in ids]
    if wave == 2023 and plan.cover_2023:
        for situation in SITUATIONS:
            if plan.only and situation not in plan.only:
                continue
            if any(s.source_id in chosen and s.situation == situation for s in allowed):
                continue
            pool = [s.source_id for s in allowed if s.situation == situation]
            chosen.append(rng.choice(pool))
    rest = [s for s in allowed if s.source_id not in chosen]
    rng.shuffle(rest)
    rest.sort(key=lambda s: 0 if s.situation in plan.prefer else 1)   # stable: keeps shuffle
    chosen += [s.source_id for s in rest]
    if len(chosen) < k:
        raise ValueError(f"{code} {wave}: only {len(chosen)} sources can mention it, need {k}")
    picked = chosen[:k]
    order = {s.source_id: i for i, s in enumerate(sources)}
    return sorted(picked, key=order.__getitem__)


def mention_matrix() -> dict[int, dict[str, list[str]]]:
    """wave -> code -> ids of the interviews that mention it."""
    out: dict[int, dict[str, list[str]]] = {}
    for wave in N_WAVES:
        sources = _interviews(wave)
        out[wave] = {code: _choose(code, plan, sources, wave) for code, plan in PLAN.items()}
    return out


# ============================================================================ quote bank
# Each code: "cores" (1-2 sentences; a tuple (situations, text) is only used in those
# situations) and "extras" (an optional extra sentence). A quote is a core, or a core
# followed by an extra: 1-3 sentences. Placeholders: {partner} {partners} {prof} {swv}
# {gemeente} {gemeente2} {school} {school2} {persoon} {org} {regio}.

S_PK, S_PV, S_BP, S_BV, S_VV, S_OJ = ("po_kinderopvang", "po_vo", "binnen_po", "binnen_vo",
                                      "vso_vo", "onderwijs_jeugdhulp")

QUOTES: dict[str, dict[str, list]] = {
    "vertrouwen_bereidheid": {
        "cores": [
            "We vertrouwen elkaar inmiddels echt, ook als er iets misgaat. Dan bel je gewoon en bespreek je het.",
            "Wat ik dit jaar vooral zie, is de bereidheid. Iedereen wil meedoen, ook {partner}, en dat was een paar jaar geleden echt anders.",
            "Het vertrouwen is gegroeid doordat we elkaar vaker zien. Je durft dan ook eerlijk te zeggen wat niet goed gaat.",
            "Er is gewoon een gevoel van: we doen dit samen, voor deze kinderen.",
            "Bij {school} zeiden ze vorig jaar nog dat ze het zelf wel konden, nu schuiven ze gewoon aan.",
            "{persoon} zegt altijd dat je elkaar iets moet gunnen. En dat is precies wat er nu gebeurt.",
            ((S_PK,), "Ook de pedagogisch medewerkers van {org} staan er echt voor open, die willen graag meedenken."),
            ((S_OJ,), "Met {org} is er nu echt vertrouwen. We weten wat we aan elkaar hebben en durven casussen samen op te pakken."),
            ((S_PV,), "Po en vo gunnen elkaar nu iets, dat was wel anders. Men is bereid om over de eigen grens heen te kijken."),
        ],
        "extras": ["Dat maakt het veel makkelijker om van elkaar te leren.",
                   "Dat is eigenlijk de basis van alles.", "Daar ben ik best trots op."],
    },
    "overeenstemming_doelen_visie_doelgroep": {
        "cores": [
            "We hebben met elkaar afgesproken over welke kinderen we het hebben en wat we willen bereiken. Dat geeft rust.",
            "Iedereen kijkt nu op dezelfde manier naar deze leerlingen, ook {partner}.",
            "We hebben een gezamenlijke visie op papier gezet. Dat was een flinke klus, maar nu weet iedereen waar we naartoe werken.",
            "Het helpt enorm dat we het eens zijn over de doelgroep. Dan hoef je niet elke keer opnieuw de discussie te voeren.",
            "In de werkgroep hebben we drie doelen afgesproken, en die staan nog steeds overeind.",
            ((S_PV,), "Po en vo hebben nu dezelfde doelen voor de overstap. Dat was echt een stap."),
        ],
        "extras": ["Dat merk je in elk overleg.", "Daar grijp ik ook steeds op terug.",
                   "Zonder dat was het niet gelukt."],
    },
    "korte_lijnen_informeel_contact": {
        "cores": [
            "Het zijn korte lijnen. Ik app {persoon} gewoon even en dan is het geregeld.",
            "Veel gebeurt bij de koffie, voor en na het overleg. Daar leer je elkaar pas echt kennen.",
            "Ze weten me te vinden, de drempel is laag. Een intern begeleider belt gewoon even als er iets is.",
            ((S_PK, S_BP), "Omdat we in hetzelfde gebouw zitten, loop je even bij elkaar binnen."),
            "We hebben een appgroep met de contactpersonen van alle scholen, en dat werkt heel laagdrempelig.",
        ],
        "extras": ["Dan kun je veel sneller schakelen.", "Dat moet je niet onderschatten."],
    },
    "kennis_delen_expertise": {
        "cores": [
            "We volgen de scholing samen, {prof} door elkaar. Daar leer je veel van elkaar.",
            "De specialisten delen wat ze weten met de scholen, en die nemen dat weer mee naar hun team.",
            "Scholen gaan bij elkaar kijken. Bij {school} hebben ze een mooie plusgroep en daar gaan anderen nu op bezoek.",
            "In het netwerk wisselen we materialen en ervaringen uit. Dat inspireert mensen om zelf ook iets te gaan doen.",
            "Door kennis te delen zie je dat anderen ook aan de slag willen.",
        ],
        "extras": ["Zo verspreidt de expertise zich vanzelf.",
                   "Dat is eigenlijk de motor van de samenwerking."],
    },
    "sturing_taakverdeling": {
        "cores": [
            "Er moet iemand zijn die trekt. Als wij er niet bovenop zitten, gebeurt er minder.",
            "We hebben duidelijk afgesproken wie wat doet: de scholen signaleren, wij organiseren het aanbod.",
            "Omdat wij geen centrale regie hebben, moesten we zoeken wie de samenwerking aanstuurt. Dat is nu {persoon}.",
            "Er ligt nu een taakverdeling op papier, en daar houden we elkaar aan.",
        ],
        "extras": ["Anders zakt het weg.", "Dat geeft helderheid."],
    },
    "regelmatig_communiceren": {
        "cores": [
            "We komen elke zes weken bij elkaar, en dat staat gewoon vast in de agenda.",
            "Je moet structureel tijd inplannen om bij elkaar te komen, anders loopt het niet.",
            "We sturen elke maand een nieuwsbrief naar alle scholen, zodat iedereen weet wat er speelt.",
            "Het helpt dat het overleg vaststaat en dat de informatie op tijd rondgaat.",
        ],
        "extras": ["Dan weet iedereen waar hij aan toe is.", "Dat klinkt simpel, maar het werkt."],
    },
    "tijdsduur_gelijkwaardigheid_flexibiliteit": {
        "cores": [
            "We werken al jaren samen, dus je hoeft niet meer bij nul te beginnen.",
            "Het is echt gelijkwaardig: {partner} heeft net zoveel te zeggen als wij.",
            "Je moet flexibel zijn. Als een school iets anders wil, denken we mee in plaats van dat we vasthouden aan ons plan.",
            ((S_BP, S_BV), "Omdat de scholen onder één bestuur vallen, kun je snel schakelen."),
        ],
        "extras": ["Niemand is de baas over de ander.", "Dat scheelt enorm."],
    },
    "gezamenlijke_taal": {
        "cores": [
            "We hebben eerst een woordenlijst gemaakt, want {partner} bedoelde met ontwikkelingsvoorsprong iets anders dan wij.",
            "Het kostte tijd om dezelfde taal te gaan spreken, maar nu begrijpen we elkaar.",
        ],
        "extras": ["Dat was echt nodig."],
    },
    "doorlopend_aandacht": {
        "cores": [
            "Je moet het steeds opnieuw agenderen, anders verslapt de aandacht.",
            "Hoogbegaafdheid moet op de agenda blijven staan, ook als er andere thema's voorbijkomen.",
            "Ik breng het in elk directieoverleg weer even in, gewoon om het levend te houden.",
        ],
        "extras": ["Het is nooit klaar.", "Anders verdwijnt het tussen alle andere prioriteiten."],
    },
    "succeservaringen": {
        "cores": [
            "Als je ziet dat een kind weer met plezier naar school gaat, dan motiveert dat iedereen om door te gaan.",
            "De eerste resultaten van de plusgroep waren goed, en dat gaf energie.",
        ],
        "extras": ["Dan zie je dat het werkt."],
    },
    "monitoren_evalueren": {
        "cores": [
            "We evalueren elk half jaar met de partners wat goed gaat en wat niet, en stellen dan bij.",
            "We hebben een korte vragenlijst onder de scholen gehouden om te peilen hoe ze de samenwerking ervaren.",
        ],
        "extras": ["Zo houden we een vinger aan de pols."],
    },
    "kleinschaligheid": {
        "cores": [
            "Het werkt juist omdat het klein is: vier scholen die elkaar kennen.",
            "We zijn bewust klein begonnen, met twee scholen en één opvanglocatie.",
        ],
        "extras": ["Dat is overzichtelijk."],
    },
    "subsidie_als_stok_achter_de_deur": {
        "cores": [
            "De subsidie werkt ook als stok achter de deur. We moeten verantwoorden wat we ermee doen, dus we moeten wel.",
        ],
        "extras": [],
    },
    "eerder_samengewerkt": {
        "cores": [
            "We kenden elkaar al van een eerder project, dus we konden meteen verder.",
            "Met {org} hadden we al eerder samengewerkt rond dyslexie, en dat vertrouwen neem je mee.",
        ],
        "extras": [],
    },
    "personeelstekort_wisseling": {
        "cores": [
            "Het personeelstekort is het grootste probleem. Mensen schrijven zich in voor de scholing en zeggen op het laatste moment af, omdat ze voor de groep moeten.",
            "Er is veel wisseling. Bij {school} is de intern begeleider vertrokken en moet de nieuwe weer helemaal ingewerkt worden.",
            "Iedereen kampt met tekorten: de scholen, {partner}, de gemeente. Dan komt hoogbegaafdheid onderaan te staan.",
            "De nieuwe directeur van {school} vindt het thema minder belangrijk dan zijn voorganger, en dat merk je meteen.",
            "Door de uitval hebben we de werkgroep een paar maanden stilgelegd.",
            ((S_PK,), "Bij {org} zijn zoveel vacatures dat er gewoon geen ruimte is voor iets extra's."),
            ((S_OJ,), "Bij de jeugdhulp wisselen de contactpersonen steeds. Je zit elke keer met een nieuw gezicht aan tafel."),
        ],
        "extras": ["Dat is echt frustrerend.", "Dan begin je steeds opnieuw.",
                   "Daar kunnen we als samenwerkingsverband weinig aan doen."],
    },
    "weinig_prioriteit_draagvlak_urgentie": {
        "cores": [
            "Niet elke school ziet de urgentie. Er zijn zoveel andere dingen die voorgaan.",
            "Het draagvlak is minder geworden. Schoolleiders zeggen dat ze er nu geen ruimte voor hebben.",
            "Leerkrachten volgen een training en willen er iets mee, maar als de schoolleiding er geen prioriteit aan geeft, gebeurt er niets.",
            "Drukte is een reden, maar soms ook een makkelijke uitweg.",
            "Sommige scholen voelen zich er gewoon niet verantwoordelijk voor.",
        ],
        "extras": ["Dan sta je als projectleider met lege handen.", "Dat vind ik wel lastig."],
    },
    "verschillen_cultuur_visie": {
        "cores": [
            ((S_PV,), "Het po is heel anders georganiseerd dan het vo. Wij bellen een directeur, zij moeten via het bestuur."),
            ((S_PV,), "Po en vo kijken anders naar deze kinderen. Wat wij een oplossing vinden, vindt {partner} soms te ingewikkeld."),
            ((S_PV,), "Het tempo verschilt. In het vo wil men snel beslissen, in het po gaat alles via meerdere lagen."),
            "Het ene bestuur wil alles op de eigen school regelen, het andere wil juist een centrale plusklas.",
            "De talentbegeleiders werken per bestuur heel verschillend. De één mag alleen leerkrachten coachen, de ander werkt ook met kinderen.",
        ],
        "extras": ["Daar moet je steeds tussen laveren.", "Dat maakt het afstemmen lastig."],
    },
    "gebrek_financiering_facilitering_tijd": {
        "cores": [
            "Iedereen wil wel, maar niemand heeft tijd. Een overleg plannen is bijna onmogelijk geworden.",
            "Scholen kunnen de specialist niet genoeg uren geven om alle kinderen te begeleiden.",
            "Er is geen geld om leerkrachten vrij te roosteren voor de netwerkbijeenkomsten.",
            "Docenten hebben het zo druk dat een uurtje per maand bij elkaar zitten er niet meer bij kan.",
            "Als de subsidie stopt, weten we niet hoe we de plusgroep moeten betalen.",
        ],
        "extras": ["Dat is de realiteit.", "Dan houdt het op."],
    },
    "nasleep_corona": {
        "cores": [
            "Door corona zijn projecten blijven liggen die we nog steeds niet hebben opgepakt.",
            "Na corona ging alle aandacht naar de achterstanden, en hoogbegaafdheid schoof naar achteren.",
            "Tijdens de lockdowns lag de samenwerking stil, en dat heeft ons wel een jaar gekost.",
        ],
        "extras": ["Dat merken we nog steeds.", "Dat haal je niet zomaar in."],
    },
    "te_veel_te_grote_partijen": {
        "cores": [
            ((S_OJ,), "We hebben met zes gemeenten te maken, en elke gemeente heeft eigen regels."),
            ((S_PK,), "De kinderopvang bestaat uit heel veel kleine en grote aanbieders, elk met een eigen visie."),
            ((S_PV,), "Er zitten bijna tweehonderd basisscholen in ons gebied. Die bereik je niet allemaal rechtstreeks."),
            "Met zoveel partijen aan tafel duurt elk besluit lang.",
            "Het samenwerkingsverband is zo groot dat je in {regio} niet iedereen kent.",
        ],
        "extras": ["Dan duurt alles twee keer zo lang.", "Dat maakt het onoverzichtelijk."],
    },
    "partijen_nemen_niet_deel": {
        "cores": [
            "Een paar scholen doen gewoon niet mee. Ze zeggen dat ze geen hoogbegaafde leerlingen hebben.",
            "{school2} houdt de boot af. Ik krijg geen reactie op mijn mails.",
            "We hebben geprobeerd samen op te trekken, maar twee scholen zijn toch hun eigen weg gegaan.",
        ],
        "extras": ["Dat is jammer voor die leerlingen."],
    },
    "knelpunten_expertise": {
        "cores": [
            "De kennis zit bij één persoon. Als die vertrekt, ben je het kwijt.",
            "Scholen vragen heel snel om een specialist, terwijl het kernteam ook best veel weet.",
            "Niet elke school laat een ander graag meekijken. Men is huiverig om de eigen aanpak te laten zien.",
            ((S_PK,), "Bij de kinderopvang is nog weinig kennis over ontwikkelingsvoorsprong."),
        ],
        "extras": ["Dat maakt het kwetsbaar."],
    },
    "wet_en_regelgeving": {
        "cores": [
            ((S_OJ,), "Het is vaak onduidelijk of iets onder jeugdhulp of onder onderwijs valt, en dus wie betaalt."),
            ((S_PV,), "Door het verdelingssysteem komen deze kinderen niet altijd op de school van hun eerste keuze terecht."),
            ((S_OJ,), "Een verwijzing moet altijd via de gemeente, dat maakt het traag."),
            ((S_PV,), "De privacyregels maken het lastig om informatie over een leerling door te geven."),
        ],
        "extras": ["Daar hebben wij geen invloed op."],
    },
    "concurrentie_commerciele_belangen": {
        "cores": [
            "Kinderopvangorganisaties zijn ook concurrenten van elkaar, dus ze delen niet alles.",
            "Er zijn commerciële aanbieders die vooral hun eigen traject willen verkopen.",
        ],
        "extras": [],
    },
    "geen_direct_contact": {
        "cores": [
            "Er is geen direct contact tussen de scholen en de hulpverleners. Alles loopt via ons, en dat duurt lang.",
            "Van een paar scholen hoor ik helemaal niets: geen reactie, geen feedback.",
        ],
        "extras": [],
    },
    "informatie_overdracht": {
        "cores": [
            ((S_PV,), "Informatie over een leerling komt niet altijd bij de mentor terecht."),
            ((S_OJ,), "Als een aanvraag wordt afgewezen, horen we vaak niet waarom."),
            "De overdracht van het dossier gaat soms mis.",
        ],
        "extras": [],
    },
    "concretisering_plannen": {
        "cores": [
            "Iedereen is enthousiast over het plan, maar hoe concreter het wordt, hoe moeilijker.",
            "We hebben mooie doelen, maar het vertalen naar wat een docent maandag in de klas doet, dat is lastig.",
            "Op papier staat het goed. Nu moet het in de praktijk gaan landen.",
        ],
        "extras": [],
    },
    "meer_vraag_dan_aanbod": {
        "cores": [
            "De plusgroepen zitten vol, en er staan nog kinderen op de wachtlijst.",
            "Hoe bekender het aanbod wordt, hoe meer aanmeldingen we krijgen. En de problematiek wordt ook zwaarder.",
        ],
        "extras": [],
    },
    "tijd": {
        "cores": [
            "Tijd is echt een voorwaarde. Leerkrachten moeten uren krijgen om hiermee bezig te zijn.",
            "Zonder vrijgeroosterde tijd voor de coördinatoren lukt het niet.",
            "Het vraagt tijd om elkaar te leren kennen, en dat moet je faciliteren.",
            "Ik heb er zelf heel veel uren in gestoken, en dat is ook waarom het loopt.",
            "Wat er nodig is? Tijd, vooral tijd.",
        ],
        "extras": ["Dat geldt voor iedereen.", "Dat kun je niet ergens tussendoor doen."],
    },
    "financiele_middelen": {
        "cores": [
            "Met geld kun je tijd kopen, en die tijd heb je nodig.",
            "Er moet structureel budget komen, niet alleen een subsidie voor een paar jaar.",
            "Het geld van de subsidie maakt het mogelijk dat {persoon} twee dagen per week vrij is voor dit thema.",
            "Middelen zijn nodig, anders kun je geen vervanging regelen.",
            "Er moet budget zijn voor de uren van de specialisten.",
        ],
        "extras": ["Die twee horen bij elkaar.", "Zo simpel is het eigenlijk."],
    },
    "urgentiegevoel": {
        "cores": [
            "Er moet een besef van urgentie zijn: we moeten nu stappen zetten.",
            "Zodra het van de agenda verdwijnt, zakt het weg.",
            "Pas als scholen voelen dat het urgent is, maken ze er ook echt tijd voor.",
        ],
        "extras": ["Dat is de sleutel."],
    },
    "leiderschap": {
        "cores": [
            "Er moet iemand zijn die de kar trekt. Als wij wegvallen, valt het uit elkaar.",
            "Je hebt een leider nodig die het onderwerp blijft agenderen en mensen erop aanspreekt.",
        ],
        "extras": ["Dat is geen vanzelfsprekendheid."],
    },
    "basiskwaliteit_aanbod_en_kennis": {
        "cores": [
            "Het aanbod moet wel van goede kwaliteit zijn, anders heeft samenwerken geen zin.",
            "Elke school moet een basis aan kennis hebben. Pas dan kun je samen verder bouwen.",
        ],
        "extras": [],
    },
    "zicht_op_doelgroep": {
        "cores": [
            "Je moet weten om welke kinderen het gaat. Scholen moeten goed kunnen signaleren.",
            "We vragen van scholen dat ze zicht hebben op hun hoogbegaafde leerlingen, anders weet je niet voor wie je het doet.",
        ],
        "extras": [],
    },
    "bewustwording_betrokkenheid_communicatie": {
        "cores": [
            "Er is veel meer bewustwording: scholen zien nu dat dit echt een doelgroep is.",
            "De subsidie heeft het thema weer op de agenda gezet.",
            "Steeds meer scholen sluiten aan bij de netwerkbijeenkomsten.",
            "Ook de besturen zijn meer betrokken geraakt, en dat zie je terug in de deelname.",
            "Wij praten nu veel vaker met {partner}, ook los van de projecten.",
            "Scholen vragen nu zelf om ondersteuning, dat deden ze vroeger niet.",
            "Er is meer gevoel van gezamenlijke verantwoordelijkheid voor deze kinderen in {regio}.",
        ],
        "extras": ["Dat is echt veranderd.", "Dat is misschien wel de grootste winst."],
    },
    "uitwisseling_kennis_ervaring": {
        "cores": [
            "Scholen delen nu wat ze doen, en nemen ideeën van elkaar mee.",
            "Scholen die verder zijn, helpen scholen die net beginnen.",
            "Er is veel meer uitwisseling tussen {prof}.",
            "Een orthopedagoog van {org} heeft haar materiaal voor dubbel bijzondere leerlingen met alle scholen gedeeld.",
            "We organiseren intervisie tussen scholen, en daar komt veel uit.",
            "Op de netwerkdag presenteerden drie scholen hun aanpak aan de anderen.",
        ],
        "extras": ["Daar raken mensen door geïnspireerd.", "Dat is heel waardevol."],
    },
    "zicht_op_aanbod": {
        "cores": [
            "We hebben nu een overzicht van al het aanbod in {regio}, een soort sociale kaart.",
            "Vroeger deed iedereen zijn eigen ding. Nu weten we van elkaar wat er is en wat er ontbreekt.",
            "Scholen weten nu dat ze een leerling kunnen aanmelden bij de plusgroep in {gemeente}.",
        ],
        "extras": ["Daardoor stemmen we beter af."],
    },
    "borging": {
        "cores": [
            "We willen het nu borgen, zodat het niet stopt als de subsidie ophoudt.",
            "De overleggen en de netwerkbijeenkomsten staan nu als vaste structuur, ook na de subsidieperiode.",
            "De gemeente {gemeente} betaalt mee aan de plusklas, en daarmee is het voor de komende jaren geborgd.",
            "Het is opgenomen in het ondersteuningsplan, dus het hangt niet meer aan één persoon.",
        ],
        "extras": ["Dat was een belangrijke stap."],
    },
    "aanbod_leerlingen": {
        "cores": [
            "Er is nu een bovenschoolse plusgroep waar kinderen van verschillende scholen samenkomen.",
            ((S_PV,), "Leerlingen uit groep acht volgen nu lessen op {school2}."),
            ((S_PV,), "We zijn gestart met een intermezzoklas voor leerlingen die de overstap naar het vo spannend vinden."),
            ((S_OJ,), "Samen met {org} is er een aanbod voor dubbel bijzondere leerlingen gekomen."),
            "Het aanbod voor deze leerlingen is echt gegroeid, bijna elke school heeft nu iets.",
            ((S_PK,), "Op twee locaties is nu een uitdagende activiteitengroep voor peuters met een ontwikkelingsvoorsprong."),
            "Er zijn nu verrijkingsgroepen op meerdere scholen.",
            "We hebben een plusklas in {gemeente} kunnen openen.",
            "Kinderen die vastliepen, hebben nu een plek in de deeltijdvoorziening.",
        ],
        "extras": ["Daar zijn ouders heel blij mee.", "De plekken zijn snel gevuld."],
    },
    "aanbod_professionals": {
        "cores": [
            "We organiseren studiedagen en een netwerk voor {prof}.",
            "Er is een opleiding tot specialist hoogbegaafdheid gekomen die door verschillende scholen samen wordt gevolgd.",
            "We hebben een steunpunt opgezet waar {prof} met vragen terechtkunnen.",
            "Er is een stappenplan gemaakt voor scholen die willen gaan samenwerken.",
            "Er is een informatiebijeenkomst voor ouders en professionals georganiseerd.",
            "Het samenwerkingsverband biedt nu een leergang voor {prof} aan.",
        ],
        "extras": ["Dat wordt goed bezocht.", "Er is veel belangstelling voor."],
    },
    "kennis_expertise": {
        "cores": [
            "De kennis op de scholen is echt gegroeid. De vragen die we krijgen gaan niet meer over de basis.",
            "Leerkrachten signaleren beter, en dat merk je aan de aanmeldingen.",
            ((S_OJ, S_PK), "De gesprekken tussen {partner} en de scholen gaan beter, omdat men meer van het onderwerp weet."),
            "Er zit nu veel meer expertise in de scholen dan twee jaar geleden.",
            "Meer leerkrachten hebben de opleiding afgerond en delen dat op school.",
            "Intern begeleiders weten nu beter wat ze kunnen doen voordat ze om een specialist vragen.",
            "Ook de partners brengen kennis in, dat hadden we niet verwacht.",
        ],
        "extras": ["Dat zie je terug in de klas.", "Dat had ik twee jaar geleden niet verwacht."],
    },
    "tevreden_over_samenwerking": {
        "cores": [
            "Ik ben er heel tevreden over. Alle partners zien het belang en willen samen verder.",
            "Tevreden, ja. We weten elkaar steeds beter te vinden.",
            "Voorzichtig tevreden. Er zijn stappen gezet, maar het kan nog structureler.",
            "Over het afgelopen jaar ben ik echt positief, er is veel in gang gezet.",
            "Best tevreden, al verschilt het per school.",
            "Tevreden over wat er is bereikt, minder over het tempo.",
            "Ik ben tevreden, vooral over de inzet van de scholen.",
            "Over de samenwerking op beleidsniveau ben ik tevreden. In de uitvoering kan het nog beter.",
            ((S_OJ,), "Heel positief. Er is het afgelopen jaar meer gebeurd dan in de jaren daarvoor."),
        ],
        "extras": ["Het gaat de goede kant op.", "Daar mogen we trots op zijn."],
    },
    "weinig_samenwerking_minder_tevreden": {
        "cores": [
            "Eerlijk gezegd is er nog weinig samenwerking. Ik hoop dat het komend jaar beter wordt.",
            "Ik ben niet tevreden. Er gebeurt wel van alles, maar los van elkaar.",
            "Het is nog heel pril. Er is weinig contact tussen de partners.",
        ],
        "extras": [],
    },
}

#: Codes that get a second segment in some sources (so n_segments > k_sources).
SECOND_SEGMENT_CODES = ("vertrouwen_bereidheid", "personeelstekort_wisseling",
                        "overeenstemming_doelen_visie_doelgroep", "kennis_expertise",
                        "gebrek_financiering_facilitering_tijd")

# ============================================================================ texts

SECTIONS = [
    ("werkzame_factoren", "Welke factoren hebben het afgelopen jaar bijgedragen aan de samenwerking?"),
    ("belemmerende_factoren", "En wat heeft de samenwerking juist belemmerd?"),
    ("condities", "Wat is volgens u nodig om de samenwerking effectief te laten zijn?"),
    ("opbrengsten_proces", "Welke opbrengsten ziet u van de samenwerking, in het proces?"),
    ("opbrengsten_resultaat", "En wat heeft de samenwerking concreet opgeleverd?"),
    ("tevredenheid_projectleiders", "Hoe tevreden bent u over de samenwerking in de afgelopen twaalf maanden?"),
]
PROMPTS = ["Kunt u daar een voorbeeld van geven?", "En verder?", "Wat bedoelt u daarmee?",
           "Is dat veranderd ten opzichte van vorig jaar?", "Hoe merkt u dat?"]
FILLERS = ["Dat is in elk geval wat ik zie.", "Zo zou ik het samenvatten.",
           "Maar dat is mijn beeld, hè.", "Dat hoor ik ook van anderen.",
           "Dat zeg ik ook vaak tegen de besturen."]


def _fill(template: str, values: dict[str, str]) -> str:
    text = template.format(**values)
    return text[0].upper() + text[1:]


def _values(source: Source) -> dict[str, str]:
    names = NAMES[source.region]
    key = f"po_vo:{source.sector}" if source.situation == "po_vo" else source.situation
    schools = names["schools"]
    if source.situation == "po_vo" and source.sector == "vo":
        schools = schools[::-1]
    swv = names.get("swv") or names[f"swv_{source.sector}"]
    return {**PHRASES[key], "swv": swv, "gemeente": names["gemeente"],
            "gemeente2": names.get("gemeente2", names["gemeente"]),
            "school": schools[0], "school2": schools[1], "persoon": names["persoon"],
            "org": names["org"], "regio": names.get("regio", f"de regio rond {names['gemeente']}")}


def _combos(code: str, situation: str) -> list[tuple[int, int]]:
    bank = QUOTES[code]
    cores = [i for i, c in enumerate(bank["cores"])
             if not isinstance(c, tuple) or situation in c[0]]
    return [(i, j) for i in cores for j in range(-1, len(bank["extras"]))]


def _quote_text(code: str, combo: tuple[int, int], values: dict[str, str]) -> str:
    bank = QUOTES[code]
    core = bank["cores"][combo[0]]
    core = core[1] if isinstance(core, tuple) else core
    text = _fill(core, values)
    if combo[1] >= 0:
        text += " " + bank["extras"][combo[1]]
    return text


@dataclass
class Document:
    source: Source
    text: str = ""
    #: (code, start, end, coder)
    codings: list[tuple[str, int, int, str]] = field(default_factory=list)


def _assign_quotes(wave: int, matrix: dict[str, list[str]], sources: list[Source]
                   ) -> dict[str, list[tuple[str, tuple[int, int]]]]:
    """source id -> [(code, combo)], quotes unique per code within the wave."""
    by_id = {s.source_id: s for s in sources}
    out: dict[str, list[tuple[str, tuple[int, int]]]] = {s.source_id: [] for s in sources}
    for code, ids in matrix.items():
        rng = random.Random(f"{SEED}:quote:{code}:{wave}")
        used: set[tuple[int, int]] = set()
        second = set()
        if code in SECOND_SEGMENT_CODES:
            second = set(rng.sample(ids, k=max(1, len(ids) // 5)))
        for sid in ids:
            situation = by_id[sid].situation
            tagged = [c for c in _combos(code, situation)
                      if isinstance(QUOTES[code]["cores"][c[0]], tuple)]
            plain = [c for c in _combos(code, situation) if c not in tagged]
            rng.shuffle(tagged)
            rng.shuffle(plain)
            order = tagged + plain
            picks = 2 if sid in second else 1
            taken_cores: set[int] = set()
            for _ in range(picks):
                fresh = [c for c in order if c not in used and c[0] not in taken_cores]
                if not fresh:
                    fresh = [c for c in order if c[0] not in taken_cores] or order
                combo = fresh[0]
                used.add(combo)
                taken_cores.add(combo[0])
                out[sid].append((code, combo))
    return out


def _section_of(code: str) -> str:
    for cid, parent, *_ in CODES:
        if cid == code:
            return parent
    raise KeyError(code)


def _interview_document(source: Source, items: list[tuple[str, tuple[int, int]]]) -> Document:
    values = _values(source)
    rng = random.Random(f"{SEED}:text:{source.source_id}")
    doc = Document(source)
    parts: list[str] = []
    pos = 0

    def add(piece: str) -> int:
        nonlocal pos
        start = pos
        parts.append(piece)
        pos += len(piece)
        return start

    kind = f" voor het {source.sector}" if source.situation == "po_vo" else ""
    add(f"Interview projectleider (hoog)begaafdheid, meting {source.wave}\n"
        f"SYNTHETISCH VOORBEELD: geschreven voor image_synth, geen echt interview.\n\n")
    add("I: Kunt u kort vertellen wat uw rol is?\n")
    add(f"R: Ik ben projectleider hoogbegaafdheid bij {values['swv']}. Ik coördineer de "
        f"subsidieactiviteiten{kind} en zit in de werkgroep met {values['partners']}.\n\n")
    codes_by_section: dict[str, list[tuple[str, tuple[int, int]]]] = {}
    for code, combo in items:
        codes_by_section.setdefault(_section_of(code), []).append((code, combo))
    last_prompt = ""
    for section, question in SECTIONS:
        entries = codes_by_section.get(section, [])
        if not entries:
            continue
        rng.shuffle(entries)
        add(f"I: {question}\n")
        for n, (code, combo) in enumerate(entries):
            # a follow-up question starts a new answer; otherwise the answer goes on
            if n == 0:
                add("R: ")
            elif rng.random() < 0.45:
                prompt = rng.choice([p for p in PROMPTS if p != last_prompt])
                last_prompt = prompt
                add(f"\nI: {prompt}\nR: ")
            else:
                add(" ")
            quote = _quote_text(code, combo, values)
            start = add(quote)
            doc.codings.append((code, start, start + len(quote), "coder1"))
            if rng.random() < 0.25:
                add(" " + rng.choice(FILLERS))
        add("\n\n")
    add("I: Dank u wel voor het gesprek.\n")
    doc.text = "".join(parts)
    return doc


def _double_code(doc: Document) -> None:
    """Add coder2's codings: coder1's codes less one, some spans without the last sentence."""
    rng = random.Random(f"{SEED}:coder2:{doc.source.source_id}")
    coded = sorted({c[0] for c in doc.codings})
    dropped = rng.choice(coded)
    extra = []
    for code, start, end, _ in doc.codings:
        if code == dropped:
            continue
        quote = doc.text[start:end]
        cut = quote.rfind(". ")
        if cut > 0 and rng.random() < 0.35:
            end = start + cut + 1
        extra.append((code, start, end, "coder2"))
    doc.codings.extend(extra)


def interview_documents(wave: int) -> list[Document]:
    """The interviews of one wave with their texts and codings."""
    sources = _interviews(wave)
    matrix = mention_matrix()[wave]
    quotes = _assign_quotes(wave, matrix, sources)
    docs = [_interview_document(s, quotes[s.source_id]) for s in sources]
    if wave == 2023:
        for doc in docs:
            if doc.source.source_id in DOUBLE_CODED:
                _double_code(doc)
    return docs


# --------------------------------------------------------------- other sources

MEETING_FINDINGS: dict[str, list[tuple[str, str]]] = {
    "K": [
        ("korte_lijnen_informeel_contact", "Het contact tussen de basisscholen en de kinderopvang in {gemeente} neemt langzaam toe, maar het is nog vooral per locatie geregeld."),
        ("gezamenlijke_taal", "Deelnemers merkten dat school en kinderopvang elk hun eigen begrippen gebruiken; wat de een een ontwikkelingsvoorsprong noemt, heet bij de ander anders."),
        ("knelpunten_expertise", "Bij de kinderopvang ontbreekt nog kennis over jonge kinderen met een ontwikkelingsvoorsprong."),
        ("weinig_prioriteit_draagvlak_urgentie", "In de voorschoolse periode gaat de aandacht vooral naar kinderen met een achterstand, waardoor kinderen met een voorsprong uit beeld raken."),
        ("wet_en_regelgeving", "Voor nieuwe activiteiten moet eerst toestemming van de gemeente komen, en dat wachten remt de samenwerking."),
        ("korte_lijnen_informeel_contact", "Een deelnemer van {school2} vertelde dat samen in één gebouw zitten nog niet betekent dat je intensiever samenwerkt."),
    ],
    "L": [
        ("te_veel_te_grote_partijen", "De samenwerking verschilt zo sterk per school en per opvanglocatie dat er geen tekening voor het hele samenwerkingsverband te maken was."),
        ("personeelstekort_wisseling", "Door het personeelstekort bij {org} zijn afspraken over de overdracht meermaals verschoven."),
        ("zicht_op_doelgroep", "Deelnemers willen eerst samen bepalen welke peuters en kleuters tot de doelgroep horen."),
    ],
    "I": [
        ("te_veel_te_grote_partijen", "Deelnemers beschreven een kluwen van partijen en overlegvormen, waarin niet altijd duidelijk is wie waarvoor is."),
        ("informatie_overdracht", "Informatie uit de overdracht blijft soms hangen bij de ondersteuningscoördinator en bereikt het docententeam niet."),
        ("wet_en_regelgeving", "Zonder toestemming van ouders mogen scholen weinig informatie delen, wat de overstap bemoeilijkt."),
        ("geen_direct_contact", "Voor scholen voelt het samenwerkingsverband ver weg; het initiatief ligt meestal bij de zorgcoördinator."),
        ("meer_vraag_dan_aanbod", "Het overstapprogramma van {org} heeft maar een paar plekken per jaar, waardoor veel leerlingen erbuiten vallen."),
    ],
    "G": [
        ("geen_direct_contact", "Er is nergens intensief contact; po- en vo-scholen spreken elkaar alleen af en toe over een individuele leerling."),
        ("sturing_taakverdeling", "Er lopen losse projecten, maar een structuur die ze verbindt ontbreekt; deelnemers opperden een werkgroep po-vo."),
        ("regelmatig_communiceren", "Alle aanwezigen zien meerwaarde in een vast overlegmoment tussen po en vo, bijvoorbeeld door bestaande overleggen op elkaar af te stemmen."),
        ("tijdsduur_gelijkwaardigheid_flexibiliteit", "Ouders en leerlingen staan midden in het netwerk, maar hebben volgens de deelnemers nauwelijks een stem."),
    ],
    "C": [
        ("korte_lijnen_informeel_contact", "Deelnemers tekenden zoveel lijnen tussen scholen, expertiseteam en voorzieningen dat het overzicht verdween; zij zien dat juist als teken van een levend netwerk."),
        ("leiderschap", "De projectleider, {persoon}, wordt gezien als degene die alle draden in handen heeft."),
        ("kennis_delen_expertise", "De expertise van {swv} maakt het samenwerkingsverband tot het middelpunt van de samenwerking."),
        ("partijen_nemen_niet_deel", "Nog niet alle scholen doen actief mee; het initiatief om ondersteuning te vragen komt niet altijd van de scholen zelf."),
        ("borging", "Deelnemers willen de huidige structuur behouden en beter borgen."),
        ("tevreden_over_samenwerking", "De aanwezigen zijn tevreden over hoe de samenwerking nu functioneert."),
    ],
    "F": [
        ("regelmatig_communiceren", "Vrijwel elke partij heeft contact met meerdere andere partijen, al is dat contact niet overal intensief."),
        ("sturing_taakverdeling", "De route is helder: de mentor meldt aan bij de ondersteuningscoördinator, die {org} inschakelt."),
        ("basiskwaliteit_aanbod_en_kennis", "Deelnemers vinden dat elke school een eigen opgeleide specialist hoogbegaafdheid zou moeten hebben."),
        ("knelpunten_expertise", "De expertisegroep wil zich meer richten op de meest complexe vragen, maar krijgt nu ook veel basisvragen."),
    ],
    "E": [
        ("sturing_taakverdeling", "De projectleider neemt het initiatief om scholen te benaderen en met elkaar te verbinden."),
        ("vertrouwen_bereidheid", "Vier scholen, waaronder {school}, werken intensief samen en zoeken elkaar vanzelf op."),
        ("partijen_nemen_niet_deel", "Enkele scholen wachten af of houden het contact met de projectleider af."),
        ("knelpunten_expertise", "Voor dubbel bijzondere leerlingen zoeken de scholen nog naar expertise vanuit de jeugdhulp."),
        ("meer_vraag_dan_aanbod", "De enige actieve school in {gemeente2} krijgt veel hoogbegaafde leerlingen en staat er alleen voor."),
    ],
    "O": [
        ("kennis_delen_expertise", "Twee HB-specialisten van het samenwerkingsverband dragen de samenwerking; de vo-scholen spreken hen vaak."),
        ("geen_direct_contact", "Tussen het vso en de reguliere vo-scholen is alleen sporadisch contact; deelnemers noemden het zoeken."),
        ("te_veel_te_grote_partijen", "{school2} heeft met veel gemeenten te maken, elk met eigen voorwaarden."),
        ("gezamenlijke_taal", "Elke gemeente gebruikt eigen termen, wat afstemming lastig maakt."),
        ("partijen_nemen_niet_deel", "De gemeente {gemeente} zou een belangrijke partner kunnen zijn, maar zit nog niet aan tafel."),
    ],
    "P": [
        ("vertrouwen_bereidheid", "De medewerkers van beide samenwerkingsverbanden kennen elkaar goed; dat vormt een stevige basis voor het expertisepunt."),
        ("sturing_taakverdeling", "Nu loopt alles via het expertisepunt in het midden; deelnemers willen van een ster naar een netwerk."),
        ("korte_lijnen_informeel_contact", "De lijnen met de jeugdhulp zijn te dun; deelnemers willen direct contact tussen ouders, expertisepunt en {org}."),
        ("wet_en_regelgeving", "Een verwijzing naar jeugdhulp loopt altijd via de gemeente {gemeente}, wat vertraging geeft."),
        ("korte_lijnen_informeel_contact", "Een vast telefoonnummer zou het expertisepunt voor intern begeleiders toegankelijker maken."),
    ],
}

TWENTE_FINDINGS: list[tuple[str, str]] = [
    ("zicht_op_doelgroep", "Bevinding: hoogbegaafde kinderen passen zich vaak aan en worden daardoor niet altijd gesignaleerd."),
    ("informatie_overdracht", "Bevinding: signalen van ouders worden op school niet altijd opgepakt, waarna ouders buiten school hulp zoeken."),
    ("geen_direct_contact", "Bevinding: hulpverleners geven adviezen zonder met de school samen te werken, waardoor die adviezen niet aansluiten bij wat in de klas kan."),
    ("wet_en_regelgeving", "Bevinding: de school kan niet dezelfde hulpverlener inschakelen, omdat hulp via de Jeugdwet en via passend onderwijs apart wordt gefinancierd."),
    ("korte_lijnen_informeel_contact", "Aanbeveling: ontmoet elkaar, weet wie je waarvoor kunt inschakelen en houd de lijnen tussen school en hulpverlening kort."),
    ("vertrouwen_bereidheid", "Aanbeveling: investeer in de relatie met ouders; spreek verwachtingen uit en leer elkaar kennen."),
    ("financiele_middelen", "Aanbeveling: onderzoek of middelen uit jeugdhulp en onderwijs in één pot kunnen, bijvoorbeeld in een proef."),
    ("kennis_delen_expertise", "Aanbeveling: blijf de kennis van leerkrachten vergroten en benut de kennis van de jeugdhulp in het onderwijs."),
    ("zicht_op_aanbod", "Aanbeveling voor gemeenten: breng in kaart welke partijen gespecialiseerd zijn in hoogbegaafdheid en deel dat met scholen en samenwerkingsverbanden."),
    ("tijdsduur_gelijkwaardigheid_flexibiliteit", "Aanbeveling voor gemeenten: treed op als onafhankelijke procesbegeleider, zodat alle partijen gelijkwaardig aan tafel zitten."),
    ("overeenstemming_doelen_visie_doelgroep", "Aanbeveling voor de jeugdhulp: betrek scholen vroeg en stem adviezen af op wat de school kan."),
]

LITERATURE_FINDINGS: list[tuple[str, str]] = [
    ("regelmatig_communiceren", "Communicatie: er is contact en partners communiceren tijdig met elkaar."),
    ("gezamenlijke_taal", "Communicatie: een gezamenlijke taal is van belang, vooral tussen onderwijs en kinderopvang of jeugdhulp."),
    ("vertrouwen_bereidheid", "Vertrouwen: partners zijn open en transparant, kunnen op elkaar rekenen en houden stabiel contact."),
    ("overeenstemming_doelen_visie_doelgroep", "Gezamenlijke visie: een helder gezamenlijk doel en een gedeelde aanpak."),
    ("urgentiegevoel", "Gezamenlijke visie: partners zijn toegewijd aan het doel en voelen dat het urgent is."),
    ("monitoren_evalueren", "Gezamenlijke visie: doelen worden gemonitord en geëvalueerd."),
    ("tijdsduur_gelijkwaardigheid_flexibiliteit", "Gelijkwaardigheid: gelijke zeggenschap en erkenning van elkaars bijdrage."),
    ("sturing_taakverdeling", "Sturing: duidelijke rollen en taken, helder wie de samenwerking trekt, en afspraken op papier."),
    ("tijd", "Randvoorwaarden: voldoende tijd voor de samenwerking."),
    ("financiele_middelen", "Randvoorwaarden: voldoende financiële middelen."),
    ("kennis_delen_expertise", "Randvoorwaarden: partners kunnen zich scholen en leren samen, in een cultuur waarin dat gewoon is."),
]


def _findings_document(source: Source, header: str, findings: list[tuple[str, str]],
                       values: dict[str, str]) -> Document:
    doc = Document(source)
    text = header
    for code, template in findings:
        quote = _fill(template, values)
        start = len(text)
        text += quote
        doc.codings.append((code, start, start + len(quote), "coder1"))
        text += "\n\n"
    doc.text = text
    return doc


def other_documents() -> list[Document]:
    """Reflection meetings, the Twente study and the literature review, coded."""
    docs = []
    for source in _meetings():
        region = source.region
        values = _values(Source(source.source_id, "interview", 2023, region, source.situation,
                                None, None, "", SECTOR_OF.get(region, "po")))
        values["swv"] = NAMES[region].get("swv") or NAMES[region]["swv_po"]
        header = (f"Verslag reflectiebijeenkomst regio {region} (2023)\n"
                  f"SYNTHETISCH VOORBEELD: geschreven voor image_synth, geen echt verslag.\n"
                  f"Aantal deelnemers: {source.n_participants}.\n\n")
        docs.append(_findings_document(source, header, MEETING_FINDINGS[region], values))
    docs.append(_findings_document(
        EXTERNAL, "Bevindingen en aanbevelingen, regionale studie (synthetische samenvatting)\n\n",
        TWENTE_FINDINGS, {}))
    docs.append(_findings_document(
        LITERATURE, "Zes factoren voor effectieve samenwerking (synthetische samenvatting)\n\n",
        LITERATURE_FINDINGS, {}))
    return docs


# ============================================================================ pseudonyms


def _defined_names() -> dict[str, list[str]]:
    kinds: dict[str, list[str]] = {k: [] for k in ("samenwerkingsverband", "school", "gemeente",
                                                   "regio", "persoon", "organisatie")}
    for region in sorted(NAMES):
        n = NAMES[region]
        for key in ("swv", "swv_po", "swv_vo"):
            if key in n:
                kinds["samenwerkingsverband"].append(n[key])
        kinds["school"] += list(n["schools"])
        kinds["gemeente"] += [n["gemeente"]] + ([n["gemeente2"]] if "gemeente2" in n else [])
        if "regio" in n:
            kinds["regio"].append(n["regio"])
        kinds["persoon"].append(n["persoon"])
        kinds["organisatie"].append(n["org"])
    return kinds


def pseudonyms(texts: list[str]) -> dict[str, list[str]]:
    """Every defined fictitious name that occurs in ``texts``, by kind."""
    blob = "\n".join(texts)
    return {kind: [name for name in names if name in blob]
            for kind, names in _defined_names().items()}


# ============================================================================ meta-inferences

META_INFERENCES = [
    {"id": "MI01", "type": "confirms", "situation": "national",
     "rows": ["vertrouwen_bereidheid", "scale:vertrouwen"],
     "text": "Vertrouwen en bereidheid om samen te werken komen in vrijwel elk interview van "
             "2023 naar voren, in alle zes samenwerkingssituaties, en scholen ervaren "
             "wederzijds vertrouwen als overwegend aanwezig. Beide strands wijzen op vertrouwen "
             "als dragend mechanisme; de literatuurstudie noemt het eveneens."},
    {"id": "MI02", "type": "contradicts", "situation": "national",
     "rows": ["regelmatig_communiceren", "korte_lijnen_informeel_contact", "scale:communicatie"],
     "text": "Projectleiders noemen regelmatig communiceren en korte lijnen minder vaak dan in "
             "2022, terwijl scholen communicatie slechts als deels aanwezig beoordelen en de "
             "reflectiebijeenkomsten juist veel over communicatielijnen gingen. Dat projectleiders "
             "communicatie vanzelfsprekend zijn gaan vinden, geldt dus niet voor de scholen."},
    {"id": "MI03", "type": "explains", "situation": "national",
     "rows": ["personeelstekort_wisseling", "gebrek_financiering_facilitering_tijd", "tijd",
              "financiele_middelen", "item:voldoende_tijd", "item:voldoende_middelen"],
     "text": "Het gegroeide personeelstekort verklaart waarom tijd en financiële middelen in elke "
             "situatie als conditie terugkomen: met geld wordt tijd gekocht, maar zonder mensen "
             "helpt dat weinig. Scholen die samenwerken beoordelen tijd en middelen gemiddeld als "
             "overwegend voldoende; het knelpunt ligt bij de scholen die (nog) niet meedoen."},
    {"id": "MI04", "type": "expands", "situation": "po_vo",
     "rows": ["verschillen_cultuur_visie", "overeenstemming_doelen_visie_doelgroep",
              "scale:gezamenlijke_visie", "item:tevredenheid"],
     "text": "In de po-vo-situatie noemen bijna alle projectleiders verschillen in cultuur en "
             "visie, en beide reflectiebijeenkomsten tekenden een los netwerk zonder intensief "
             "contact. Dat past bij een gezamenlijke visie die scholen hooguit deels herkennen "
             "en een tevredenheid onder het landelijke gemiddelde."},
    {"id": "MI05", "type": "contradicts", "situation": "onderwijs_jeugdhulp",
     "rows": ["tevreden_over_samenwerking", "wet_en_regelgeving", "item:tevredenheid"],
     "text": "Alle projectleiders in de situatie onderwijs-jeugdhulp zijn positief over het "
             "afgelopen jaar, maar de samenwerkende scholen in deze situatie zijn van alle "
             "situaties op één na het minst tevreden. Wet- en regelgeving rond financiering en "
             "verwijzing raakt vooral de uitvoering, die projectleiders minder zien."},
    {"id": "MI06", "type": "expands", "situation": "national",
     "rows": ["kennis_expertise", "aanbod_professionals",
              "item:opbrengst_kennis_professionals_school"],
     "text": "Vrijwel alle projectleiders zien de kennis en expertise in scholen groeien. Scholen "
             "zijn terughoudender: een minderheid zegt zonder voorbehoud dat de kennis onder "
             "professionals is toegenomen, de meesten zien ruimte voor meer. De opbrengst is er, "
             "maar nog niet in de hele school."},
]
ANALYST = "voorbeeldanalist (synthetisch)"
MI_DATE = "2023-11-15"


def meta_inferences_dict() -> dict[str, Any]:
    items = []
    for mi in META_INFERENCES:
        items.append({"id": mi["id"], "text": mi["text"], "type": mi["type"],
                      "rows": list(mi["rows"]), "situation": mi["situation"],
                      "author": ANALYST, "date": MI_DATE})
    return {"synthetic": True,
            "description": "Meta-inferenties van de synthetische voorbeeldstudie, geschreven "
                           "voor image_synth; niet uit het IMAGE-rapport.",
            "meta_inferences": items}


# ============================================================================ writing

SOURCE_HEADER = ["source_id", "source_type", "wave", "region", "situation", "role",
                 "n_participants", "synthetic", "title"]
SEGMENT_HEADER = ["source_id", "code", "quote", "start", "end", "coder"]


def _csv(rows: list[list[Any]], header: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue()


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def _yaml(data: Any, comment: str) -> str:
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return comment + body


def _segment_rows(docs: list[Document]) -> list[list[Any]]:
    rows = []
    for doc in docs:
        for code, start, end, coder in sorted(doc.codings, key=lambda c: (c[1], c[3], c[0])):
            rows.append([doc.source.source_id, code, doc.text[start:end], start, end, coder])
    return rows


def build() -> dict[str, Any]:
    """Everything the files are made from (used by the tests as well)."""
    docs_2022 = interview_documents(2022)
    docs_2023 = interview_documents(2023)
    others = other_documents()
    texts = [d.text for d in (*docs_2022, *docs_2023, *others)]
    return {"sources": all_sources(), "docs_2022": docs_2022, "docs_2023": docs_2023,
            "others": others, "pseudonyms": pseudonyms(texts)}


def _write_qdpx(path: Path, docs: list[Document]) -> None:
    import pandas as pd

    from image_synth.read.qdpx_writer import write_qdpx

    codes = [{"code": LABEL_OF[p[0]], "parent": None} for p in PARENTS]
    codes += [{"code": nl, "parent": LABEL_OF[parent], "description": description}
              for _, parent, nl, _, _, description in CODES]
    frame = pd.DataFrame(codes, columns=["code", "parent", "description"])
    sources = []
    for doc in docs:
        s = doc.source
        sources.append({"source_id": s.source_id, "text": doc.text,
                        "attributes": {"situation": s.situation, "region": s.region,
                                       "sector": s.sector, "wave": s.wave, "role": s.role}})
    codings = pd.DataFrame(
        [{"source_id": d.source.source_id, "code": LABEL_OF[code], "start": start, "end": end,
          "coder": coder}
         for d in docs for code, start, end, coder in sorted(d.codings, key=lambda c: (c[1], c[3], c[0]))],
        columns=["source_id", "code", "start", "end", "coder"])
    write_qdpx(path, codes=frame, sources=sources, codings=codings,
               origin="ATLAS.ti 23.2.1 (image_synth synthetic example)",
               name="IMAGE voorbeeldstudie interviews 2023 (synthetisch)")


SYNTHETIC_NOTE = ("# SYNTHETIC DATA, written for the image_synth example study by "
                  "tools/example_study/qual_gen.py.\n# Not from the IMAGE study: every name "
                  "and quote is invented. Do not edit by hand; regenerate.\n")


def write_qual_part(out_dir: Path, *, regions_factor: int = 1) -> list[Path]:
    """Write the qualitative files of the example study into ``out_dir``.

    ``regions_factor`` > 1 repeats every region's sources and coded documents for the
    region's copies (``replicate.py``). Returns the paths written. Re-running gives
    byte-identical files.
    """
    out_dir = Path(out_dir)
    data = build()
    if regions_factor != 1:
        from .replicate import replicate_documents, replicate_sources

        data = {**data, "sources": replicate_sources(data["sources"], regions_factor),
                **{key: replicate_documents(data[key], regions_factor)
                   for key in ("docs_2022", "docs_2023", "others")}}
    written: list[Path] = []

    def emit(rel: str, text: str) -> None:
        path = out_dir / rel
        _write_text(path, text)
        written.append(path)

    emit("codebook.yaml", _yaml(codebook_dict(), SYNTHETIC_NOTE))
    source_rows = [[s.source_id, s.source_type, s.wave, s.region, s.situation, s.role,
                    s.n_participants, "true", s.title] for s in data["sources"]]
    emit("qual/sources.csv", _csv(source_rows, SOURCE_HEADER))
    emit("qual/interviews_2022.csv", _csv(_segment_rows(data["docs_2022"]), SEGMENT_HEADER))
    emit("qual/other_sources.csv", _csv(_segment_rows(data["others"]), SEGMENT_HEADER))
    emit("pseudonyms.yaml", _yaml(data["pseudonyms"], SYNTHETIC_NOTE
                                  + "# Pseudonymisation dictionary: every fictitious name in "
                                    "the example's texts, by kind.\n"))
    emit("meta_inferences.yaml", _yaml(meta_inferences_dict(), SYNTHETIC_NOTE))
    qdpx = out_dir / "qual" / "interviews_2023.qdpx"
    _write_qdpx(qdpx, data["docs_2023"])
    qdpx.chmod(0o644)   # the writer's temporary file is created 0600
    written.append(qdpx)
    return written


def main() -> None:  # pragma: no cover - convenience
    import sys

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else (
        Path(__file__).resolve().parents[2] / "image_synth" / "data" / "example")
    for path in write_qual_part(target):
        print(path)


if __name__ == "__main__":  # pragma: no cover
    main()
