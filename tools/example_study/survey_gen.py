"""The survey half of the embedded example study: a seeded generator calibrated to the report.

``write_survey_part(out_dir)`` writes, into the example study folder,

* ``study.yaml``     the study file (situations, sectors, the 18 regions, every strand's path);
* ``instrument.yaml`` every questionnaire item, Dutch and English, with its response set,
  scale, reverse keying, multi-select group, ``key`` (the report's row name) and who
  was asked it;
* ``tables.yaml``    which items make each table and figure the report publishes
  (read by :func:`image_synth.quant.report_tables.report_tables`);
* ``survey/survey_2022.sav`` and ``survey/survey_2023.sav`` (value labels kept, "weet
  niet"/"niet van toepassing" declared user-missing) and the same data as
  ``survey/survey_2022.csv`` / ``survey/survey_2023.csv`` (``;``-separated, as Dutch
  Excel writes them).

How the data are made
---------------------
The data are synthetic. Everything the report publishes as a count is built *exactly*:

1. one row per responding school, per region and sector as in Table B1;
2. collaboration status per situation as in Table 3 (shared over the regions of the
   situation in proportion to their size);
3. every published marginal (B2, B3, B5-B11, Tables 4 and 5, B12, Table 6) is dealt
   out as a fixed multiset of answers. *Which* school gets which answer is decided by
   ranking the schools on a noisy latent score (engagement, having a view on policy),
   so answers hang together the way real answers do while the counts stay exact;
4. the mechanism scales and condition items of the collaborating schools come from a
   latent-factor model: one "climate" factor per school whose mean depends on the
   collaboration situation (situations with lower satisfaction have a lower climate),
   five correlated mechanism factors and five condition factors. Each item is a
   rounded, clipped noisy copy of its factor. The noise of each scale and its level
   are *calibrated* (bisection, common random numbers, so deterministic) until the
   scale's Cronbach's alpha and mean hit the targets in ``SCALE_TARGETS``;
5. satisfaction (1-7) takes the exact published values per situation (Table 6 and
   B12) and gives them to the schools ranked by a noisy, situation-specific mix of
   their mechanism and condition factors (``SATISFACTION_DRIVERS``).

Counts the report does not publish for 2022 are the 2023 shares applied to the 2022
numbers of schools asked (largest-remainder rounding), except where the report gives
2022 figures (B1, B12, Figure 12, Figure 13).

To change a number: edit the TARGETS sections below and run
``python tools/make_example_study.py``. ``_self_check`` (run at the end of
:func:`build_survey`) recomputes every published table from the generated data and
stops with an AssertionError if a target is no longer met. These asserts check the
generator itself, never user input.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

SEED = 20230630

#: "weet niet / geen zicht op": a real answer, never a point on the scale (user-missing)
DK = 9
#: "niet van toepassing": a real answer, never a point on the scale (user-missing)
NVT = 8
NON_NUMERIC = {DK: "dont_know", NVT: "not_applicable"}

WAVES = (2022, 2023)

# ======================================================================================
# 1. THE STUDY: situations, sectors, regions, responding schools (Table B1)
# ======================================================================================

#: the study's name per language (study.yaml may give a plain string instead)
STUDY_NAME = {"nl": "IMAGE voorbeeldstudie (synthetisch)",
              "en": "IMAGE example study (synthetic)"}
STUDY_ID = "image_example"

SITUATIONS = {  # id: (Dutch, English) -- the report's collaboration situations
    "po_kinderopvang": ("Tussen po en kinderopvang", "Primary school - childcare"),
    "po_vo": ("Tussen po en vo", "Primary - secondary"),
    "binnen_po": ("Samenwerking binnen po", "Among primary schools"),
    "binnen_vo": ("Samenwerking binnen vo", "Among secondary schools"),
    "vso_vo": ("Tussen voortgezet speciaal en regulier vo", "Special - regular secondary"),
    "onderwijs_jeugdhulp": ("Tussen onderwijs en jeugdhulp", "Education - youth care"),
}
SECTORS = {"po": ("primair onderwijs", "primary education"),
           "vo": ("voortgezet onderwijs", "secondary education")}

# Table B1: responding schools per situation, region and sector. None = the region did
# not take part in that wave. (The 2022 rows add up to 64 = 41 po + 23 vo, as the
# table's note and Figure 12 say; the table's printed total of 66 does not follow.)
RESPONDENTS = [
    # situation,            region, sector, 2022, 2023
    ("binnen_po",            "A", "po",  8,  8),
    ("binnen_po",            "B", "po",  7,  7),
    ("binnen_po",            "C", "po",  2, 11),
    ("binnen_vo",            "D", "vo",  1,  1),
    ("binnen_vo",            "E", "vo",  6,  8),
    ("binnen_vo",            "F", "vo",  2,  2),
    ("po_vo",                "G", "po",  2, 12),
    ("po_vo",                "H", "po", None, 25),
    ("po_vo",                "I", "po",  3, 39),
    ("po_vo",                "G", "vo",  5,  3),
    ("po_vo",                "H", "vo",  1,  7),
    ("po_vo",                "I", "vo",  2,  6),
    ("po_kinderopvang",      "K", "po",  4, 42),
    ("po_kinderopvang",      "L", "po",  8,  8),
    ("po_kinderopvang",      "M", "po",  4, 10),
    ("onderwijs_jeugdhulp",  "J", "po",  3, 13),
    ("onderwijs_jeugdhulp",  "P", "po", None, 6),
    ("onderwijs_jeugdhulp",  "Q", "po", None, 19),
    ("onderwijs_jeugdhulp",  "R", "vo", None, 4),
    ("vso_vo",               "N", "vo",  6,  4),
    ("vso_vo",               "O", "vo", None, 4),
]

# ======================================================================================
# 2. RESPONSE SETS (labelled codes; DK/NVT are real answers, never scale points)
# ======================================================================================

RESPONSE_SETS = {
    "status": {"ordered": False, "codes": [
        (1, "wel samenwerking", "collaborating"),
        (2, "plannen voor samenwerking", "plans to collaborate"),
        (3, "geen samenwerking en geen plannen", "no collaboration, no plans")]},
    "aangekruist": {"ordered": False, "codes": [
        (0, "niet aangekruist", "not selected"),
        (1, "aangekruist", "selected")]},
    "kenmerk": {"codes": [
        (1, "niet van toepassing", "does not apply"),
        (2, "een beetje van toepassing", "applies a little"),
        (3, "erg van toepassing", "applies very much"),
        (DK, "ik weet het niet", "I don't know")]},
    "toepassing5": {"codes": [     # mechanisms and conditions (Figures 16, 17)
        (1, "helemaal niet van toepassing", "not at all applicable"),
        (2, "overwegend niet van toepassing", "mostly not applicable"),
        (3, "deels van toepassing", "partly applicable"),
        (4, "overwegend van toepassing", "mostly applicable"),
        (5, "helemaal van toepassing", "fully applicable"),
        (DK, "weet niet / geen zicht op", "don't know / no view")]},
    "tevredenheid7": {"codes": [   # Table B12
        (1, "helemaal niet tevreden", "not at all satisfied"),
        (2, "niet tevreden", "dissatisfied"),
        (3, "enigszins niet tevreden", "somewhat dissatisfied"),
        (4, "noch ontevreden, noch tevreden", "neither dissatisfied nor satisfied"),
        (5, "enigszins tevreden", "somewhat satisfied"),
        (6, "tevreden", "satisfied"),
        (7, "helemaal wel tevreden", "fully satisfied")]},
    "opbrengst": {"codes": [       # Table 4
        (1, "nee, en hoeft niet", "no, and not needed"),
        (2, "nee, maar willen we wel", "no, but we would like it"),
        (3, "ja, maar kan/moet nog meer", "yes, but more is possible/needed"),
        (4, "ja", "yes"),
        (DK, "geen zicht op", "no view")]},
    "mate": {"codes": [            # Tables B7, B8
        (1, "niet / nauwelijks", "not / hardly"),
        (2, "een beetje", "a little"),
        (3, "redelijk veel / veel", "fairly much / much"),
        (DK, "weet niet / geen zicht op", "don't know / no view")]},
    "stimulering": {"codes": [     # Table B9
        (1, "niet", "not"),
        (2, "nauwelijks", "hardly"),
        (3, "een beetje", "a little"),
        (4, "redelijk veel", "fairly much"),
        (5, "veel", "much"),
        (DK, "weet niet / geen zicht op", "don't know / no view")]},
    "stelling5": {"codes": [       # Table B10
        (1, "helemaal niet van toepassing", "not at all applicable"),
        (2, "niet van toepassing", "not applicable"),
        (3, "neutraal", "neutral"),
        (4, "van toepassing", "applicable"),
        (5, "helemaal van toepassing", "fully applicable"),
        (DK, "geen zicht op", "no view")]},
    "tevreden5": {"codes": [       # Table B11
        (1, "zeer ontevreden", "very dissatisfied"),
        (2, "ontevreden", "dissatisfied"),
        (3, "noch ontevreden, noch tevreden", "neither dissatisfied nor satisfied"),
        (4, "tevreden", "satisfied"),
        (5, "zeer tevreden", "very satisfied"),
        (NVT, "niet van toepassing", "not applicable")]},
}

ASKED = [  # who was asked: everyone, or schools with one of these status codes
    ("all", "alle scholen", "all schools", None),
    ("collaborating", "scholen die samenwerken", "collaborating schools", [1]),
    ("collaborating_or_planning", "scholen die samenwerken of dat van plan zijn",
     "schools collaborating or planning to", [1, 2]),
    ("not_collaborating", "scholen zonder samenwerking en zonder plannen",
     "schools neither collaborating nor planning to", [3]),
]

# ======================================================================================
# 3. ITEMS AND THEIR PUBLISHED COUNTS (2023 unless stated). Edit a number here.
# ======================================================================================

STATUS_TEXT = ("In hoeverre werkt uw school samen rondom (hoog)begaafdheid?",
               "To what extent does your school collaborate on giftedness?")
STATUS_CODES = {"wel_samenwerking": 1, "plannen": 2, "geen_samenwerking": 3}
STATUS = {
    # Table 3 (authoritative over Table B4): wel, plannen, geen samenwerking
    2023: {"po_kinderopvang": (4, 12, 44), "po_vo": (22, 8, 62), "binnen_po": (11, 6, 9),
           "binnen_vo": (7, 3, 1), "vso_vo": (3, 2, 3), "onderwijs_jeugdhulp": (12, 6, 24)},
    # 2022: not published per situation. 35 collaborating schools (B12, N = 35) of 64.
    2022: {"po_kinderopvang": (3, 4, 9), "po_vo": (8, 2, 3), "binnen_po": (12, 2, 3),
           "binnen_vo": (7, 1, 1), "vso_vo": (4, 1, 1), "onderwijs_jeugdhulp": (1, 1, 1)},
}

# --- Table B2: function of the respondent (multi-select, all 239 schools) ------------
FUNCTIONS = {  # key: (Dutch, English, count 2023)
    "schoolleider_adjunct": ("Schoolleider/adjunct-directeur", "School leader/deputy head", 56),
    "intern_begeleider_zorgcoordinator": ("Intern begeleider/zorgcoördinator",
                                          "Internal support coordinator/care coordinator", 90),
    "expert_hoogbegaafdheid": ("Expert (hoog)begaafdheid", "Giftedness expert", 103),
    "leraar": ("Leraar", "Teacher", 58),
    "gedragswetenschapper_orthopedagoog": ("Gedragswetenschapper/orthopedagoog",
                                           "Behavioural scientist/remedial educationalist", 5),
    "teamleider_coordinator": ("Teamleider/coördinator", "Team leader/coordinator", 4),
}

# --- Table B3: school characteristics (all 239 schools) ------------------------------
# counts per code:             niet  een beetje  erg  weet niet
CHARACTERISTIC_CODES = (1, 2, 3, DK)
CHARACTERISTICS = {
    "heeft_hb_leerlingen": (
        "Onze school heeft leerlingen met kenmerken van (hoog)begaafdheid",
        "Our school has pupils with characteristics of giftedness", (5, 78, 155, 1)),
    "geeft_prioriteit_aan_hb": (
        "Onze school geeft prioriteit aan het thema (hoog)begaafdheid",
        "Our school gives priority to giftedness", (26, 107, 106, 0)),
    "krijgt_middelen_voor_hb": (
        "Onze school krijgt subsidie/middelen specifiek voor het thema (hoog)begaafdheid",
        "Our school receives grants/funds specifically for giftedness", (104, 46, 59, 30)),
    "kan_hb_signaleren": (
        "Ons team heeft de kennis en vaardigheden om (hoog)begaafde leerlingen te signaleren",
        "Our team has the knowledge and skills to identify gifted pupils", (14, 137, 86, 2)),
    "kan_hb_ondersteunen": (
        "Ons team heeft de kennis en vaardigheden om (hoog)begaafde leerlingen te "
        "ondersteunen", "Our team has the knowledge and skills to support gifted pupils",
        (13, 142, 82, 2)),
    "biedt_extra_ondersteuning": (
        "Onze school biedt extra ondersteuning voor (hoog)begaafde leerlingen",
        "Our school offers extra support for gifted pupils", (10, 87, 142, 0)),
}

# --- Table B5: goals of the collaboration (multi-select, the 59 collaborating schools)
GOALS = {
    "maatwerk": ("Maatwerk voor (hoog)begaafde leerlingen",
                 "Tailored education for gifted pupils", 37),
    "voorkomen_uitval": ("Voorkomen van uitval van (hoog)begaafde leerlingen",
                         "Preventing gifted pupils from dropping out", 30),
    "benutten_potentieel": ("Benutten van potentieel van (hoog)begaafde leerlingen / "
                            "onderpresteren voorkomen",
                            "Using the potential of gifted pupils / preventing underachievement",
                            34),
    "tijdige_ondersteuning_zorg": ("Tijdige ondersteuning en zorg voor (hoog)begaafde leerlingen",
                                   "Timely support and care for gifted pupils", 34),
    "betere_signalering": ("Betere signalering van (hoog)begaafde leerlingen",
                           "Better identification of gifted pupils", 26),
    "preventie_escalatie": ("Preventie van (escalatie van) problematiek bij (hoog)begaafde "
                            "leerlingen", "Preventing (escalation of) problems of gifted pupils",
                            26),
    "betere_overstap": ("Een betere overstap naar vervolgonderwijs voor (hoog)begaafde leerlingen",
                        "A better transition to further education for gifted pupils", 28),
    "kennis_leraren": ("Meer kennis rondom (hoog)begaafdheid bij leraren van onze school",
                       "More knowledge of giftedness among our teachers", 22),
    "kennis_zorgteam": ("Meer kennis rondom (hoog)begaafdheid bij het ondersteunings-/zorgteam "
                        "van onze school",
                        "More knowledge of giftedness in our support/care team", 8),
}

# --- Table B6: what non-collaborating schools need (multi-select, per situation) -----
NEEDS = {
    "hulp_contact_leggen": ("Hulp bij contact leggen met potentiële partners",
                            "Help in contacting potential partners"),
    "informatie_meerwaarde": ("Informatie over meerwaarde van samenwerking voor mijn school",
                              "Information on what collaboration adds for my school"),
    "gezamenlijke_bijeenkomsten": ("Facilitering van samenwerking door middel van gezamenlijke "
                                   "bijeenkomsten", "Joint meetings that facilitate collaboration"),
    "richtlijnen": ("Stimulering en facilitering door middel van richtlijnen om samenwerking "
                    "vorm te geven", "Guidelines for shaping collaboration"),
    "meer_middelen": ("Meer middelen (geld, tijd, etc.)", "More resources (money, time, etc.)"),
}
NEEDS_COUNTS = {  # situation: counts in NEEDS order (Table B6; n = non-collaborating schools)
    "po_kinderopvang": (3, 13, 7, 13, 19),        # n = 44
    "po_vo": (27, 42, 27, 24, 27),                # n = 62
    "vso_vo": (0, 0, 1, 1, 2),                    # n = 3
    "binnen_po": (2, 3, 5, 4, 5),                 # n = 9
    "onderwijs_jeugdhulp": (3, 18, 5, 2, 9),      # n = 24
    "binnen_vo": (0, 1, 0, 0, 1),                 # n = 1; not in the report (assumption)
}

# --- Tables B7 and B8: policy collaboration of the school board / the SWV --------------
# counts per code:   niet/nauwelijks  een beetje  redelijk veel/veel  weet niet.
# Schools asked: all 239; those not counted left the item empty.
POLICY_CODES = (1, 2, 3, DK)
BOARD = {  # Table B7 (n = 225; 14 schools did not answer)
    "afspraken_doelen": ("Het schoolbestuur maakt afspraken over gezamenlijke doelen",
                         "The school board makes agreements on shared goals", (68, 16, 14, 127)),
    "afspraken_werkwijze": ("Het schoolbestuur maakt afspraken over een gezamenlijke werkwijze",
                            "The school board makes agreements on a shared way of working",
                            (70, 14, 15, 127)),    # sums to 226: one more school answered
    "afspraken_kennis": ("Het schoolbestuur maakt afspraken over benodigde kennis",
                         "The school board makes agreements on the knowledge needed",
                         (73, 12, 13, 127)),
    "gezamenlijke_scholing": ("Het schoolbestuur organiseert gezamenlijke scholing",
                              "The school board organises joint training",
                              (91, 29, 13, 92)),   # report: 191 "weet niet" (row sum 324 > 239);
                                                   # 92 = 225 - 133 (resolution, see README)
    "activiteiten_professionals": ("Het schoolbestuur organiseert activiteiten voor "
                                   "professionals in de praktijk",
                                   "The school board organises activities for practitioners",
                                   (90, 18, 14, 103)),
}
SWV = {  # Table B8 (n = 232; rows 3-5 sum to 229, 231, 230: fewer schools answered them)
    "afspraken_doelen": ("Het samenwerkingsverband maakt afspraken over gezamenlijke doelen",
                         "The partnership makes agreements on shared goals", (30, 22, 27, 153)),
    "afspraken_werkwijze": ("Het samenwerkingsverband maakt afspraken over een gezamenlijke "
                            "werkwijze", "The partnership makes agreements on a shared way of "
                            "working", (28, 19, 26, 159)),
    "afspraken_kennis": ("Het samenwerkingsverband maakt afspraken over benodigde kennis",
                         "The partnership makes agreements on the knowledge needed",
                         (33, 27, 26, 143)),
    "professionalisering": ("Het samenwerkingsverband organiseert "
                            "professionaliseringsactiviteiten",
                            "The partnership organises professional development",
                            (36, 25, 25, 145)),
    "activiteiten_professionals": ("Het samenwerkingsverband organiseert activiteiten voor "
                                   "professionals in de praktijk",
                                   "The partnership organises activities for practitioners",
                                   (34, 11, 22, 163)),
}

# --- Table B9 / Figure 12: how much board and SWV stimulate collaboration ------------
# counts per code:    niet nauwelijks een_beetje redelijk_veel veel weet_niet
STIMULATION_CODES = (1, 2, 3, 4, 5, DK)
STIMULATION = {
    "schoolbestuur": ("In hoeverre stimuleert het schoolbestuur de samenwerking tussen uw "
                      "school en de samenwerkingspartner(s) rondom (hoog)begaafdheid?",
                      "How much does the school board encourage collaboration between your "
                      "school and its partners on giftedness?"),
    "samenwerkingsverband": ("In hoeverre stimuleert het samenwerkingsverband de samenwerking "
                             "tussen uw school en de samenwerkingspartner(s) rondom "
                             "(hoog)begaafdheid?",
                             "How much does the partnership (SWV) encourage collaboration "
                             "between your school and its partners on giftedness?"),
}
STIMULATION_COUNTS = {
    2023: {"schoolbestuur": (79, 27, 41, 18, 10, 64),           # Table B9, n = 239
           "samenwerkingsverband": (50, 25, 45, 26, 11, 82)},
    # Figure 12, 2022 (N = 64): board 27 'a little to much' (42.2%), 26 'not/hardly'
    # (40.6%), 11 'don't know' (17.2%); SWV 38 (59.4%), 11 (17.2%), 15 (23.4%). The split
    # within 'not/hardly' and 'a little to much' follows 2023.
    2022: {"schoolbestuur": (19, 7, 16, 7, 4, 11),
           "samenwerkingsverband": (7, 4, 21, 12, 5, 15)},
}

# --- Table B10: ways of stimulating (first four: all schools; last three: collaborating)
WAYS_CODES = (1, 2, 3, 4, 5, DK)  # helemaal niet .. helemaal van toepassing, geen zicht
WAYS = {  # key: (Dutch, English, asked, counts 2023)
    "speerpunten_gecommuniceerd": (
        "Het schoolbestuur/samenwerkingsverband communiceert de speerpunten rond "
        "(hoog)begaafdheid", "The board/partnership communicates its priorities on giftedness",
        "all", (57, 45, 23, 30, 4, 80)),
    "samenwerking_onderwerp_overleg": (
        "Samenwerking rond (hoog)begaafdheid is onderwerp bij overleggen met het "
        "schoolbestuur/samenwerkingsverband", "Collaboration on giftedness is discussed in "
        "meetings with the board/partnership", "all", (52, 51, 30, 34, 4, 68)),
    "voortgang_gecommuniceerd": (
        "De voortgang van de samenwerking wordt gecommuniceerd",
        "Progress of the collaboration is communicated", "all", (49, 40, 27, 37, 3, 83)),
    "activiteiten_contact": (
        "Er worden activiteiten georganiseerd om met samenwerkingspartners in contact te komen",
        "Activities are organised to get in touch with partners", "all",
        (49, 40, 27, 37, 3, 83)),  # the report repeats the row above; kept as published
    "duidelijk_aanspreekpunt": (
        "Er is een duidelijk aanspreekpunt of procedure als de samenwerking vastloopt",
        "There is a clear contact point or procedure when collaboration gets stuck",
        "collaborating", (8, 7, 5, 11, 8, 20)),
    "input_opgehaald": (
        "Het schoolbestuur/samenwerkingsverband haalt actief input op over onze ervaringen "
        "met de samenwerking", "The board/partnership actively asks for our experience with "
        "the collaboration", "collaborating", (14, 10, 10, 8, 4, 13)),
    "handvatten_professionals": (
        "Professionals op school krijgen voldoende handvatten en richtlijnen voor de "
        "samenwerking", "Practitioners at school get enough tools and guidelines for the "
        "collaboration", "collaborating", (12, 9, 7, 15, 2, 14)),
}
# Figure 13: 31% of the 35 collaborating schools of 2022 had a clear contact point (11 of 35)
WAYS_2022_OVERRIDE = {"duidelijk_aanspreekpunt": (5, 4, 3, 6, 5, 12)}

# --- Table B11: satisfaction with support (collaborating or planning: 96 schools) ------
SUPPORT_CODES = (1, 2, 3, 4, 5, NVT)
SUPPORT = {
    "schoolbestuur": ("Hoe tevreden bent u over de ondersteuning bij samenwerking rondom "
                      "(hoog)begaafdheid vanuit het schoolbestuur?",
                      "How satisfied are you with the school board's support for "
                      "collaboration on giftedness?", (1, 12, 31, 18, 10, 24)),
    "samenwerkingsverband": ("Hoe tevreden bent u over de ondersteuning bij samenwerking rondom "
                             "(hoog)begaafdheid vanuit het samenwerkingsverband?",
                             "How satisfied are you with the partnership's support for "
                             "collaboration on giftedness?", (1, 7, 31, 25, 9, 23)),
}

# --- Satisfaction with the collaboration, 1-7 (Table B12 and Table 6) ------------------
SATISFACTION_TEXT = ("Hoe tevreden bent u over de samenwerking rondom (hoog)begaafdheid op "
                     "uitvoerend niveau?", "How satisfied are you with the collaboration on "
                     "giftedness at school level?")
# 2023: the exact scores per situation. They add up to Table 6 (sums 64, 34, 19, 96, 46, 9
# over 11, 7, 4, 22, 12, 3 schools; 268 / 59 = 4.54) and together to Table B12.
SATISFACTION_2023 = {
    "binnen_po": (7, 7, 7, 6, 6, 6, 6, 6, 5, 4, 4),                     # 64 / 11 = 5.82
    "binnen_vo": (7, 6, 5, 5, 4, 4, 3),                                 # 34 / 7 = 4.86
    "po_kinderopvang": (6, 5, 4, 4),                                    # 19 / 4 = 4.75
    "po_vo": (6, 6, 6, 6, 5, 5, 5, 5, 5, 5, 5, 4, 4, 4, 4, 4, 4, 4, 3, 3, 2, 1),  # 96 / 22
    "onderwijs_jeugdhulp": (6, 6, 6, 5, 4, 4, 4, 3, 3, 2, 2, 1),        # 46 / 12 = 3.83
    "vso_vo": (4, 3, 2),                                                # 9 / 3 = 3.00
}
# 2022 (Table B12, N = 35): schools per score 1..7
SATISFACTION_2022 = (1, 5, 10, 12, 5, 2, 0)

# --- Table 4: yields at school level (the 59 collaborating schools) --------------------
# counts per code: nee hoeft niet, nee maar willen wel, ja maar meer, ja, geen zicht.
# They sum to 59 and give the published percentages (5.1 6.8 44.1 33.9 10.1: the report
# rounded the last column so that each row adds to 100%; 6/59 = 10.2%, 7/59 = 11.9%).
YIELD_CODES = (1, 2, 3, 4, DK)
YIELDS = {
    "passende_ondersteuning_zorg": ("Passende ondersteuning en zorg voor (hoog)begaafde "
                                    "leerlingen", "Appropriate support and care for gifted "
                                    "pupils", (3, 4, 26, 20, 6)),
    "tijdige_inzet_hulp": ("Tijdige inzet van hulp en ondersteuning voor (hoog)begaafde "
                           "leerlingen", "Timely help and support for gifted pupils",
                           (9, 9, 19, 15, 7)),
    "soepele_overgang": ("Een soepele overgang tussen sectoren voor (hoog)begaafde leerlingen",
                         "A smooth transition between sectors for gifted pupils",
                         (6, 9, 18, 14, 12)),
    "kennis_professionals_school": ("Kennis onder professionals in onze school rondom "
                                    "(hoog)begaafdheid", "Knowledge of giftedness among "
                                    "practitioners in our school", (15, 8, 16, 11, 9)),
    "vroegtijdiger_signaleren": ("Vroegtijdiger signaleren van (hoog)begaafde leerlingen",
                                 "Earlier identification of gifted pupils", (18, 9, 15, 6, 11)),
}

# --- Table 5: yields at policy level (multi-select, all schools; n differs per option) --
POLICY_YIELDS = {  # key: (Dutch, English, count, n answering the option)
    "meer_kennis_professionals": ("Meer kennis over (hoog)begaafdheid onder professionals in de "
                                  "praktijk", "More knowledge of giftedness among "
                                  "practitioners", 71, 228),
    "betere_basisondersteuning": ("Betere basisondersteuning voor (hoog)begaafde leerlingen",
                                  "Better basic support for gifted pupils", 67, 230),
    "meer_kennisdeling": ("Meer kennisdeling over (hoog)begaafdheid in de praktijk",
                          "More knowledge sharing on giftedness in practice", 65, 228),
    "betere_vroegsignalering": ("Betere (vroeg)signalering van (hoog)begaafde leerlingen",
                                "Better (early) identification of gifted pupils", 42, 188),
    "betere_extra_ondersteuning": ("Betere extra ondersteuning voor (hoog)begaafde leerlingen",
                                   "Better extra support for gifted pupils", 51, 230),
    "betere_lichte_ondersteuning": ("Betere lichte ondersteuning voor (hoog)begaafde leerlingen",
                                    "Better light support for gifted pupils", 30, 230),
    "nog_geen_opbrengsten": ("Ik zie hier (nog) geen opbrengsten van",
                             "I see no yields (yet)", 48, 228),
    "weet_niet": ("Ik weet niet / geen zicht op", "I don't know / no view", 71, 228),
}
#: options that exclude the others (a school that ticks them ticks no yield)
POLICY_YIELDS_EXCLUSIVE = ("weet_niet", "nog_geen_opbrengsten")

# --- Working mechanisms (Figure 16): five scales, asked of collaborating schools -------
MECHANISMS = {  # scale: (Dutch, English, [(item id, Dutch, English, reverse-keyed)])
    "communicatie": ("Communicatie", "Communication", [
        ("com_1", "Wij worden voldoende geïnformeerd over de stand van zaken",
         "We are kept sufficiently informed about progress", False),
        ("com_2", "Wij hebben regelmatig contact met de ander",
         "We are in regular contact with the other party", False),
        ("com_3", "Informatie over leerlingen wordt tijdig met ons gedeeld",
         "Information about pupils is shared with us in time", False),
        ("com_4", "Wij weten bij wie wij terechtkunnen met vragen",
         "We know whom to turn to with questions", False),
        ("com_5", "Belangrijke informatie bereikt ons vaak te laat",
         "Important information often reaches us too late", True),
    ]),
    "gezamenlijke_visie": ("Gezamenlijke visie", "Shared vision", [
        ("vis_1", "Wij hebben dezelfde doelen rond (hoog)begaafdheid",
         "We have the same goals regarding giftedness", False),
        ("vis_2", "Wij zijn eensgezind over de werkwijze/aanpak",
         "We agree on the way of working/approach", False),
        ("vis_3", "Wij spreken dezelfde taal als het over (hoog)begaafdheid gaat",
         "We speak the same language when it comes to giftedness", False),
        ("vis_4", "Wij zijn het eens over de leerlingen voor wie de samenwerking bedoeld is",
         "We agree on which pupils the collaboration is for", False),
    ]),
    "vertrouwen": ("Vertrouwen", "Trust", [
        ("ver_1", "Wij hebben vertrouwen in de ander", "We trust the other party", False),
        ("ver_2", "De ander komt afspraken na", "The other party keeps agreements", False),
        ("ver_3", "Wij kunnen problemen open met de ander bespreken",
         "We can discuss problems openly with the other party", False),
        ("ver_4", "Wij kunnen rekenen op de inzet van de ander",
         "We can count on the other party's commitment", False),
    ]),
    "gelijkwaardigheid": ("Gelijkwaardigheid", "Equality", [
        ("gel_1", "Onze school heeft voldoende zeggenschap in de samenwerking",
         "Our school has enough say in the collaboration", False),
        ("gel_2", "Onze school probeert van de andere school/partij te leren",
         "Our school tries to learn from the other school/party", False),
        ("gel_3", "De andere partij bepaalt wat er in de samenwerking gebeurt",
         "The other party decides what happens in the collaboration", True),
    ]),
    "organisatie_sturing": ("Organisatie en sturing", "Organisation and steering", [
        ("org_1", "Er is een heldere taakverdeling", "Tasks are clearly divided", False),
        ("org_2", "Afspraken worden schriftelijk vastgelegd", "Agreements are put in writing",
         False),
        ("org_3", "Er is iemand die de samenwerking coördineert",
         "Someone coordinates the collaboration", False),
        ("org_4", "De voortgang van de samenwerking wordt bewaakt",
         "The progress of the collaboration is monitored", False),
    ]),
}
#: smallest number of answered items for a scale score
MIN_ITEMS = {"communicatie": 3, "gezamenlijke_visie": 3, "vertrouwen": 3,
             "gelijkwaardigheid": 2, "organisatie_sturing": 3}
#: scales reported only in some waves (2022: two scales were unreliable, Figure 16)
SCALE_WAVES = {"gezamenlijke_visie": (2023,), "organisatie_sturing": (2023,)}

# Targets per wave: (Cronbach's alpha, mean of the scale score) -- alpha 2023 from
# footnote 16 of the report; means from its words (equality highest ~4.2, trust and
# organisation ~3.9 'overwegend', communication and vision ~3.3 'deels'). 2022: three
# reliable scales, two clearly unreliable; slightly lower levels (an assumption).
SCALE_TARGETS = {
    2023: {"communicatie": (0.931, 3.30), "gezamenlijke_visie": (0.901, 3.30),
           "vertrouwen": (0.916, 3.90), "gelijkwaardigheid": (0.710, 4.20),
           "organisatie_sturing": (0.889, 3.90)},
    2022: {"communicatie": (0.860, 3.10), "gezamenlijke_visie": (0.500, 3.20),
           "vertrouwen": (0.820, 3.70), "gelijkwaardigheid": (0.760, 4.00),
           "organisatie_sturing": (0.450, 3.50)},
}

# --- Conditions (Figure 17): single items, asked of collaborating schools --------------
CONDITIONS = {  # item id: (Dutch, English, waves asked (empty: all))
    "voldoende_middelen": ("Er zijn voldoende middelen (geld, materialen) voor de samenwerking",
                           "There are enough resources (money, materials) for the "
                           "collaboration", ()),
    "voldoende_externe_deskundigheid": ("Er is voldoende deskundigheid van buiten de school "
                                        "beschikbaar", "Enough expertise from outside the "
                                        "school is available", ()),
    "voldoende_interne_deskundigheid": ("Er is voldoende deskundigheid binnen onze school",
                                        "There is enough expertise within our school", ()),
    "voldoende_gelegenheid": ("Er is voldoende gelegenheid om samen te werken (bijvoorbeeld "
                              "vaste overlegmomenten)", "There is enough opportunity to "
                              "collaborate (for example regular meetings)", (2023,)),
    "voldoende_tijd": ("Er is voldoende tijd voor de samenwerking",
                       "There is enough time for the collaboration", ()),
}
# mean per item and wave ('overwegend van toepassing', about 4, in 2023)
CONDITION_TARGETS = {
    2023: {"voldoende_middelen": 3.85, "voldoende_externe_deskundigheid": 3.95,
           "voldoende_interne_deskundigheid": 4.05, "voldoende_gelegenheid": 4.00,
           "voldoende_tijd": 3.80},
    2022: {"voldoende_middelen": 3.60, "voldoende_externe_deskundigheid": 3.80,
           "voldoende_interne_deskundigheid": 3.90, "voldoende_tijd": 3.50},
}

# ======================================================================================
# 4. THE LATENT MODEL of the collaborating schools (mechanisms, conditions, satisfaction)
# ======================================================================================

#: latent climate shift of a situation per point of its satisfaction mean above the
#: overall mean (Table 6): lower satisfaction, lower mechanisms and conditions
CLIMATE_PER_POINT = 0.55
#: correlation of each mechanism factor / condition factor with the climate factor
MECHANISM_ON_CLIMATE = 0.75
CONDITION_ON_CLIMATE = 0.60
#: spread of the item answers around their level (in scale points per latent sd)
ITEM_SPREAD = 0.85
#: per-item loadings and level offsets (first k used for a k-item scale)
ITEM_LOADINGS = (1.00, 0.90, 1.10, 0.95, 1.05)
ITEM_OFFSETS = (0.00, 0.15, -0.15, 0.10, -0.10)
#: what drives satisfaction within each situation: weights on the latent factors
SATISFACTION_DRIVERS = {
    "binnen_po": {"vertrouwen": 1.0, "communicatie": 0.6},
    "binnen_vo": {"organisatie_sturing": 1.0, "gezamenlijke_visie": 0.6},
    "po_vo": {"communicatie": 1.0, "gezamenlijke_visie": 0.8},
    "po_kinderopvang": {"communicatie": 1.0, "voldoende_tijd": 0.6},
    "onderwijs_jeugdhulp": {"organisatie_sturing": 1.0, "voldoende_middelen": 0.8},
    "vso_vo": {"gelijkwaardigheid": 1.0, "vertrouwen": 0.5},
}
#: extra latent shift of one scale in one situation (latent sd units). The report finds
#: trust "overwegend aanwezig" (about 4) and mentioned by nearly every project leader in
#: every situation; without this the three collaborating vso-vo schools fall just below
#: 3.5 on trust, while they stay the lowest situation on it.
SCALE_SHIFT = {"vertrouwen": {"vso_vo": 0.35}}
#: noise added to the satisfaction ranking (latent sd units)
SATISFACTION_NOISE = 1.0
#: "weet niet" answers among the collaborating schools' mechanism / condition items
DONT_KNOW_CELLS = {2023: {"mechanism": 6, "condition": 7}, 2022: {"mechanism": 3, "condition": 4}}

#: respondents' engagement by status (latent sd units): collaborating schools are more
#: engaged and have more view on policy
ENGAGEMENT_BY_STATUS = {1: 0.8, 2: 0.4, 3: 0.0}
VIEW_BY_STATUS = {1: 0.6, 2: 0.3, 3: 0.0}

# ======================================================================================
# 5. THE PUBLISHED TABLES (tables.yaml): which items make each table of the report
# ======================================================================================

TABLES_YAML = """\
# The tables and figures of the IMAGE report (second measurement, 2023), and which
# items of instrument.yaml make each of them. image_synth.quant.report_tables reads this
# file and computes every table from the microdata. "{wave}" in an id is replaced by
# the wave asked for; tables with their own `waves` always show those waves.
name: "Tabellen en figuren van het IMAGE-rapport (tweede meting, 2023)"
tables:
  - id: table_3_status_by_situation
    kind: distribution
    title: {nl: "Respons per samenwerkingssituatie en mate van samenwerking", en: "Response by collaboration situation and collaboration status"}
    items: [status]
    by: [situation]
    total: true
  - id: table_b1_response_by_region
    kind: respondents
    title: {nl: "Respons per samenwerkingssituatie, samenwerkingsverband en type school", en: "Response by situation, partnership and type of school"}
    by: [situation, region, sector]
    waves: [2022, 2023]
  - id: table_b2_respondent_function_{wave}
    kind: multi_select
    title: {nl: "Functie van de respondenten", en: "Function of the respondents"}
    multi_select: functie
  - id: table_b3_school_characteristics_{wave}
    kind: distribution
    title: {nl: "Kenmerken van de school", en: "School characteristics"}
    block: characteristic
  - id: table_b5_goals_{wave}
    kind: multi_select
    title: {nl: "Doelen van de samenwerking", en: "Goals of the collaboration"}
    multi_select: doelen
  - id: table_b6_needs_{wave}
    kind: multi_select
    title: {nl: "Wat nodig is om samenwerking mogelijk te maken", en: "What is needed to make collaboration possible"}
    multi_select: behoeften
    by: [situation]
  - id: table_b7_board_policy_collaboration_{wave}
    kind: distribution
    title: {nl: "Samenwerking op beleidsniveau vanuit het schoolbestuur", en: "Policy-level collaboration by the school board"}
    block: board
  - id: table_b8_swv_policy_collaboration_{wave}
    kind: distribution
    title: {nl: "Samenwerking op beleidsniveau vanuit het samenwerkingsverband", en: "Policy-level collaboration by the partnership"}
    block: swv
  - id: table_b9_stimulation_{wave}
    kind: distribution
    title: {nl: "Mate van stimulering door schoolbestuur en samenwerkingsverband", en: "Encouragement by school board and partnership"}
    block: stimulation
    response_set: stimulering
  - id: figure_12_stimulation_percentages
    kind: categories
    title: {nl: "Mate van stimulering, 2022 en 2023", en: "Encouragement, 2022 and 2023"}
    block: stimulation
    response_set: stimulering
    waves: [2022, 2023]
    categories: {beetje_tot_veel: [3, 4, 5], niet_nauwelijks: [1, 2], weet_niet: [9]}
  - id: table_b10_ways_of_stimulation_{wave}
    kind: distribution
    title: {nl: "Manier van stimuleren", en: "Ways of encouraging collaboration"}
    block: stimulation
    response_set: stelling5
  - id: figure_13_percentages_{wave}
    kind: categories
    title: {nl: "Aanspreekpunt, input en handvatten (van toepassing)", en: "Contact point, input and guidance (applicable)"}
    items: [wijze_duidelijk_aanspreekpunt, wijze_input_opgehaald, wijze_handvatten_professionals]
    waves: [2022, 2023]
    categories: {van_toepassing: [4, 5]}
  - id: table_b11_support_satisfaction_{wave}
    kind: distribution
    title: {nl: "Tevredenheid over de ondersteuning bij samenwerking", en: "Satisfaction with support for collaboration"}
    block: support
  - id: table_b12_satisfaction_distribution
    kind: distribution
    title: {nl: "Tevredenheid met de samenwerking, 2022 en 2023", en: "Satisfaction with the collaboration, 2022 and 2023"}
    block: satisfaction
    waves: [2022, 2023]
  - id: table_6_satisfaction_by_situation_{wave}
    kind: summary
    title: {nl: "Tevredenheid met de samenwerking per samenwerkingssituatie", en: "Satisfaction with the collaboration by situation"}
    block: satisfaction
    by: [situation]
    total: true
  - id: table_4_yields_execution_{wave}
    kind: distribution
    title: {nl: "Opbrengsten van samenwerking in de uitvoering", en: "Yields of collaboration at school level"}
    block: yield
    response_set: opbrengst
  - id: table_5_yields_policy_{wave}
    kind: multi_select
    title: {nl: "Opbrengsten van samenwerking op beleidsniveau", en: "Yields of collaboration at policy level"}
    multi_select: beleidsopbrengsten
  - id: figure_16_mechanism_scales
    kind: scales
    title: {nl: "Werkzame mechanismen, 2022 en 2023", en: "Working mechanisms, 2022 and 2023"}
    block: mechanism
    waves: [2022, 2023]
  - id: figure_17_condition_items
    kind: summary
    title: {nl: "Condities, 2022 en 2023", en: "Conditions, 2022 and 2023"}
    block: condition
    waves: [2022, 2023]
"""


# ======================================================================================
# The instrument as data (built from the sections above)
# ======================================================================================


def _item(id, block, nl, en, response_set, *, asked="all", key=None, scale=None,
          reverse=False, multi_select=None, waves=()):
    item = {"id": id, "block": block, "text": {"nl": nl, "en": en},
            "response_set": response_set}
    if scale:
        item["scale"] = scale
    if reverse:
        item["reverse"] = True
    if asked != "all":
        item["asked"] = asked
    if multi_select:
        item["multi_select"] = multi_select
    if key and key != id:
        item["key"] = key
    if waves:
        item["waves"] = list(waves)
    return item


def instrument_items() -> list[dict]:
    """Every item of the questionnaire, in questionnaire order."""
    items = [_item("status", "status", *STATUS_TEXT, "status")]
    items += [_item(f"functie_{k}", "function", nl, en, "aangekruist", key=k,
                    multi_select="functie") for k, (nl, en, _) in FUNCTIONS.items()]
    items += [_item(f"kenmerk_{k}", "characteristic", nl, en, "kenmerk", key=k)
              for k, (nl, en, _) in CHARACTERISTICS.items()]
    items += [_item(f"doel_{k}", "goal", nl, en, "aangekruist", key=k, asked="collaborating",
                    multi_select="doelen") for k, (nl, en, _) in GOALS.items()]
    items += [_item(f"behoefte_{k}", "need", nl, en, "aangekruist", key=k,
                    asked="not_collaborating", multi_select="behoeften")
              for k, (nl, en) in NEEDS.items()]
    for scale, (_, _, scale_items) in MECHANISMS.items():
        items += [_item(i, "mechanism", nl, en, "toepassing5", scale=scale, reverse=rev,
                        asked="collaborating") for i, nl, en, rev in scale_items]
    items += [_item(i, "condition", nl, en, "toepassing5", asked="collaborating", waves=w)
              for i, (nl, en, w) in CONDITIONS.items()]
    items.append(_item("tevredenheid", "satisfaction", *SATISFACTION_TEXT, "tevredenheid7",
                       asked="collaborating"))
    items += [_item(f"opbrengst_{k}", "yield", nl, en, "opbrengst", key=k,
                    asked="collaborating") for k, (nl, en, _) in YIELDS.items()]
    items += [_item(f"beleidsopbrengst_{k}", "yield", nl, en, "aangekruist", key=k,
                    multi_select="beleidsopbrengsten")
              for k, (nl, en, _, _) in POLICY_YIELDS.items()]
    items += [_item(f"bestuur_{k}", "board", nl, en, "mate", key=k)
              for k, (nl, en, _) in BOARD.items()]
    items += [_item(f"swv_{k}", "swv", nl, en, "mate", key=k) for k, (nl, en, _) in SWV.items()]
    items += [_item(f"stimulering_{k}", "stimulation", nl, en, "stimulering", key=k)
              for k, (nl, en) in STIMULATION.items()]
    items += [_item(f"wijze_{k}", "stimulation", nl, en, "stelling5", key=k, asked=asked)
              for k, (nl, en, asked, _) in WAYS.items()]
    items += [_item(f"ondersteuning_{k}", "support", nl, en, "tevreden5", key=k,
                    asked="collaborating_or_planning") for k, (nl, en, _) in SUPPORT.items()]
    return items


MULTI_SELECT = [  # id, block, Dutch, English, asked
    ("functie", "function", "Wat is uw functie binnen de school? (meerdere antwoorden "
     "mogelijk)", "What is your function at the school? (several answers possible)", "all"),
    ("doelen", "goal", "Wat zijn de doelen van de samenwerking? (meerdere antwoorden mogelijk)",
     "What are the goals of the collaboration? (several answers possible)", "collaborating"),
    ("behoeften", "need", "Wat is nodig om samenwerking rondom (hoog)begaafdheid mogelijk te "
     "maken? (meerdere antwoorden mogelijk)", "What is needed to make collaboration on "
     "giftedness possible? (several answers possible)", "not_collaborating"),
    ("beleidsopbrengsten", "yield", "Welke opbrengsten ziet u van de samenwerking op "
     "beleidsniveau? (meerdere antwoorden mogelijk)", "Which yields of policy-level "
     "collaboration do you see? (several answers possible)", "all"),
]


def _flow(value) -> str:
    """One YAML value on one line (flow style); strings double-quoted."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return yaml.safe_dump(value, default_flow_style=True, width=100_000,
                          allow_unicode=True, sort_keys=False).strip()


def instrument_yaml() -> str:
    """The instrument file as text: readable, one item per line, deterministic."""
    flow = _flow

    out = ["# Questionnaire of the IMAGE example study (synthetic). Written by",
           "# tools/example_study/survey_gen.py -- edit the generator, not this file.",
           f"name: {flow('IMAGE vragenlijst scholen (voorbeeldstudie)')}",
           "response_sets:"]
    for set_id, spec in RESPONSE_SETS.items():
        out.append(f"  - id: {set_id}")
        out.append(f"    ordered: {'true' if spec.get('ordered', True) else 'false'}")
        out.append("    codes:")
        for code, nl, en in spec["codes"]:
            entry = {"code": code, "label": {"nl": nl, "en": en}}
            if code in NON_NUMERIC:
                entry["non_numeric"] = NON_NUMERIC[code]
            out.append(f"      - {flow(entry)}")
    out.append("asked:")
    for rule_id, nl, en, values in ASKED:
        entry = {"id": rule_id, "label": {"nl": nl, "en": en}}
        if values:
            entry.update(item="status", values=values)
        out.append(f"  - {flow(entry)}")
    out.append("scales:")
    for scale, (nl, en, _) in MECHANISMS.items():
        entry = {"id": scale, "block": "mechanism", "label": {"nl": nl, "en": en},
                 "min_items": MIN_ITEMS[scale]}
        if scale in SCALE_WAVES:
            entry["waves"] = list(SCALE_WAVES[scale])
        out.append(f"  - {flow(entry)}")
    out.append("multi_select:")
    for group, block, nl, en, asked in MULTI_SELECT:
        entry = {"id": group, "block": block, "text": {"nl": nl, "en": en}}
        if asked != "all":
            entry["asked"] = asked
        out.append(f"  - {flow(entry)}")
    out.append("items:")
    block = None
    for item in instrument_items():
        if item["block"] != block:
            block = item["block"]
            out.append(f"  # -- {block}")
        out.append(f"  - {flow(item)}")
    return "\n".join(out) + "\n"


def study_yaml(regions_factor: int = 1) -> str:
    """The study file as text (``regions_factor``: each region and its copies, see
    ``replicate.py``)."""
    flow = _flow

    regions: dict[str, dict] = {}
    for situation, region, sector, _, _ in RESPONDENTS:
        copies = [region]
        if regions_factor != 1:
            from .replicate import copy_ids

            copies = copy_ids(region, regions_factor)
        for copy in copies:
            entry = regions.setdefault(copy, {"id": copy, "situation": situation,
                                              "sectors": []})
            if sector not in entry["sectors"]:
                entry["sectors"].append(sector)
    out = [
        "# The embedded example study: synthetic data calibrated to the published figures of",
        "# the IMAGE report (second measurement, 2023). Written by tools/example_study/",
        "# survey_gen.py; see README.md for what is synthetic and how it was calibrated.",
        f"name: {flow(STUDY_NAME)}",
        f"id: {STUDY_ID}",
        "language: nl",
        f"waves: {flow(list(WAVES))}",
        "synthetic: true",
        "respondents: {nl: scholen, en: schools}",
        "description: >-",
        "  Synthetische voorbeeldstudie naar samenwerking rondom (hoog)begaafdheid, gekalibreerd",
        "  op de gepubliceerde tabellen van de IMAGE-deelstudie (tweede meting, 2023). Geen",
        "  echte scholen, personen of citaten.",
        "situations:",
    ]
    for situation, (nl, en) in SITUATIONS.items():
        out.append(f"  - {flow({'id': situation, 'label': {'nl': nl, 'en': en}})}")
    out.append("sectors:")
    for sector, (nl, en) in SECTORS.items():
        out.append(f"  - {flow({'id': sector, 'label': {'nl': nl, 'en': en}})}")
    out.append("regions:   # Table 1 and Table B1: each region's situation and school types")
    for region in sorted(regions):
        out.append(f"  - {flow(regions[region])}")
    out += [
        "instrument: instrument.yaml",
        "codebook: codebook.yaml",
        "survey:",
        *[f"  - {{wave: {w}, path: survey/survey_{w}.sav}}" for w in WAVES],
        "segments:",
        "  - {wave: 2023, path: qual/interviews_2023.qdpx}",
        "  - {wave: 2022, path: qual/interviews_2022.csv}",
        "  - {wave: 2023, path: qual/other_sources.csv}",
        "sources: qual/sources.csv",
        "drawings: [drawings/drawings_2023.yaml]",
        "meta_inferences: meta_inferences.yaml",
        "pseudonyms: pseudonyms.yaml",
        "tables: tables.yaml",
        "disclosure: {min_n: 5}",
    ]
    return "\n".join(out) + "\n"


# ======================================================================================
# Small tools: exact counts, ranking, rescaling
# ======================================================================================


def rescale(counts: dict, n: int) -> dict:
    """The same shares over ``n`` (largest-remainder rounding; ties go to the first key)."""
    total = sum(counts.values())
    if total == 0:
        return {k: 0 for k in counts}
    exact = {k: v * n / total for k, v in counts.items()}
    out = {k: int(np.floor(x)) for k, x in exact.items()}
    short = n - sum(out.values())
    order = sorted(exact, key=lambda k: (-(exact[k] - out[k]), list(counts).index(k)))
    for k in order[:short]:
        out[k] += 1
    return out


def _noisy(score: np.ndarray, rng: np.random.Generator, sd: float = 0.8) -> np.ndarray:
    return score + rng.normal(0.0, sd, size=len(score))


def _deal(values: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Give the lowest values to the lowest scores (exact multiset, ranked by score)."""
    out = np.empty(len(values))
    out[np.argsort(score, kind="stable")] = np.sort(values)
    return out


def _expand(counts: dict) -> np.ndarray:
    return np.repeat(np.array(list(counts), dtype=float), list(counts.values()))


def _centred_normal(rng: np.random.Generator, groups: np.ndarray, shape) -> np.ndarray:
    """Standard normal draws, centred within each group (exact situation means)."""
    z = rng.normal(size=shape)
    for g in np.unique(groups):
        rows = groups == g
        z[rows] -= z[rows].mean(axis=0)
    return z


def cronbach_alpha(x: np.ndarray) -> float:
    """Raw alpha of the complete rows of ``x`` (listwise, as SPSS RELIABILITY)."""
    x = x[~np.isnan(x).any(axis=1)]
    k = x.shape[1]
    total = x.sum(axis=1).var(ddof=1)
    if total == 0:
        return float("nan")
    return k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total)


def _solve(f, lo: float, hi: float, *, increasing: bool, steps: int = 40) -> float:
    """Bisection for f(x) = 0 on [lo, hi] (f monotone, up to rounding steps)."""
    for _ in range(steps):
        mid = (lo + hi) / 2
        if (f(mid) < 0) == increasing:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


# ======================================================================================
# Building one wave
# ======================================================================================


class _Wave:
    """The respondents of one wave and their answers (float arrays, NaN = empty)."""

    def __init__(self, year: int, rng: np.random.Generator):
        self.year = year
        self.rng = rng
        rows = []
        for situation, region, sector, *counts in RESPONDENTS:
            n = counts[WAVES.index(year)]
            for k in range(1, (n or 0) + 1):
                rows.append({"respondent_id": f"S{year % 100}-{region}-{sector}-{k:03d}",
                             "wave": year, "region": region, "situation": situation,
                             "sector": sector})
        self.keys = pd.DataFrame(rows)
        self.n = len(self.keys)
        self.situation = self.keys["situation"].to_numpy()
        self.answers: dict[str, np.ndarray] = {}

    def empty(self, item: str) -> np.ndarray:
        return self.answers.setdefault(item, np.full(self.n, np.nan))

    def rows(self, status_codes) -> np.ndarray:
        return np.flatnonzero(np.isin(self.answers["status"], list(status_codes)))

    # --- answering with exact counts --------------------------------------------------
    def ordered(self, item: str, pool: np.ndarray, codes, counts, *, score: np.ndarray,
                view: np.ndarray, skip_rank: np.ndarray | None = None) -> None:
        """Give ``pool`` exactly ``counts`` (per code; the rest leave the item empty).

        The empty ones are the first in ``skip_rank`` (shared within a question, so the
        schools that skip a question skip all of its items); "don't know"/"not
        applicable" go to the schools with the least view; the scale points are dealt
        by rank of the noisy ``score``.
        """
        counts = dict(zip(codes, counts))
        n_empty = len(pool) - sum(counts.values())
        assert n_empty >= 0, (item, len(pool), counts)
        values = np.full(len(pool), np.nan)
        left = np.ones(len(pool), dtype=bool)
        if n_empty:
            assert skip_rank is not None, item
            left[np.argsort(skip_rank[pool], kind="stable")[:n_empty]] = False
        for code in [c for c in counts if c in NON_NUMERIC]:
            candidates = np.flatnonzero(left)
            order = np.argsort(_noisy(view[pool[candidates]], self.rng), kind="stable")
            chosen = candidates[order[:counts[code]]]
            values[chosen] = code
            left[chosen] = False
        candidates = np.flatnonzero(left)
        scale_points = _expand({c: k for c, k in counts.items() if c not in NON_NUMERIC})
        values[candidates] = _deal(scale_points, _noisy(score[pool[candidates]], self.rng))
        self.empty(item)[pool] = values

    def select(self, item: str, pool: np.ndarray, count: int, *, score: np.ndarray,
               answered: np.ndarray | None = None, exclude: np.ndarray | None = None) -> None:
        """A 0/1 option: ``count`` of the answering schools in ``pool`` tick it."""
        answered = np.ones(len(pool), dtype=bool) if answered is None else answered
        eligible = answered.copy()
        if exclude is not None:
            eligible &= ~exclude
        candidates = np.flatnonzero(eligible)
        assert count <= len(candidates), (item, count, len(candidates))
        order = np.argsort(-_noisy(score[pool[candidates]], self.rng, 1.0), kind="stable")
        values = np.where(answered, 0.0, np.nan)
        values[candidates[order[:count]]] = 1.0
        self.empty(item)[pool] = values


def _assign_status(wave: _Wave) -> None:
    """Table 3: status counts per situation, shared over its regions and sectors.

    Cell by cell, each (region, sector) cell gets the still-unassigned status counts
    rescaled to its size; the last cell gets the rest. Within a cell the schools are
    shuffled.
    """
    status = np.full(wave.n, np.nan)
    for situation, counts in STATUS[wave.year].items():
        rows = np.flatnonzero(wave.situation == situation)
        assert len(rows) == sum(counts), (wave.year, situation, len(rows), counts)
        remaining = dict(zip((1, 2, 3), counts))
        cells = wave.keys.iloc[rows].groupby(["region", "sector"], sort=False).indices
        for positions in cells.values():
            members = rows[positions]
            share = rescale(remaining, len(members))
            remaining = {c: remaining[c] - share[c] for c in remaining}
            status[wave.rng.permutation(members)] = _expand(share)
        assert not any(remaining.values()), (situation, remaining)
    wave.answers["status"] = status


def _asked_2023(rule: str) -> int:
    """How many schools of 2023 an asked rule covers (239, 59, 96 or 143)."""
    values = {rule_id: v for rule_id, _, _, v in ASKED}[rule] or [1, 2, 3]
    return sum(counts[code - 1] for counts in STATUS[2023].values() for code in values)


def _answers_2022(published_2023: dict, n_2023: int, n_2022: int) -> dict:
    """2022 counts of an item not published for 2022: the 2023 shares over 2022's n."""
    full = dict(published_2023)
    full[None] = n_2023 - sum(published_2023.values())
    scaled = rescale(full, n_2022)
    scaled.pop(None)
    return scaled


def _general_blocks(wave: _Wave, engagement: np.ndarray, view: np.ndarray) -> None:
    """Every block with published counts except mechanisms, conditions, satisfaction."""
    rng, year = wave.rng, wave.year
    all_2023, collaborating_2023 = _asked_2023("all"), _asked_2023("collaborating")
    everyone = np.arange(wave.n)
    collaborating = wave.rows([1])
    not_collaborating = wave.rows([3])
    collab_or_planning = wave.rows([1, 2])

    def counts_for(published: tuple, codes: tuple, pool_2023: int, pool: np.ndarray):
        if year == 2023:
            return published
        scaled = _answers_2022(dict(zip(codes, published)), pool_2023, len(pool))
        return tuple(scaled[c] for c in codes)

    # B2: function (every school at least one, some several): each school first gets
    # one function, the remaining ticks go to schools without that function yet
    published = {k: c for k, (_, _, c) in FUNCTIONS.items()}
    ticks = sum(published.values())                       # 316 ticks by 239 schools
    totals = published if year == 2023 else rescale(published,
                                                    round(wave.n * ticks / all_2023))
    first = rescale(totals, wave.n)
    primary = np.empty(wave.n, dtype=object)
    primary[rng.permutation(wave.n)] = _expand_keys(first)
    for key, total in totals.items():
        has = primary == key
        values = has.astype(float)
        values[rng.choice(np.flatnonzero(~has), size=total - has.sum(), replace=False)] = 1.0
        wave.empty(f"functie_{key}")[:] = values

    # B3: characteristics
    for key, (_, _, published) in CHARACTERISTICS.items():
        wave.ordered(f"kenmerk_{key}", everyone, CHARACTERISTIC_CODES,
                     counts_for(published, CHARACTERISTIC_CODES, all_2023, everyone),
                     score=engagement, view=view)

    # B5: goals (collaborating schools)
    for key, (_, _, count) in GOALS.items():
        n = count if year == 2023 else round(count / collaborating_2023 * len(collaborating))
        wave.select(f"doel_{key}", collaborating, n, score=engagement)

    # B6: needs (non-collaborating schools, per situation)
    for situation, counts in NEEDS_COUNTS.items():
        pool = not_collaborating[wave.situation[not_collaborating] == situation]
        n_2023 = STATUS[2023][situation][2]
        for key, count in zip(NEEDS, counts):
            n = count if year == 2023 else round(count / n_2023 * len(pool))
            wave.select(f"behoefte_{key}", pool, n, score=-engagement)

    # B7, B8: board and SWV policy (the schools that skip a question skip it wholly)
    for prefix, block in (("bestuur", BOARD), ("swv", SWV)):
        skip_rank = rng.permutation(wave.n).astype(float)
        for key, (_, _, published) in block.items():
            wave.ordered(f"{prefix}_{key}", everyone, POLICY_CODES,
                         counts_for(published, POLICY_CODES, all_2023, everyone),
                         score=engagement, view=view, skip_rank=skip_rank)

    # B9: stimulation (Figure 12 gives 2022)
    for key in STIMULATION:
        wave.ordered(f"stimulering_{key}", everyone, STIMULATION_CODES,
                     STIMULATION_COUNTS[year][key], score=engagement, view=view)

    # B10: ways of stimulating, the four asked of every school (the other three below)
    for key, (_, _, asked, published) in WAYS.items():
        if asked == "all":
            wave.ordered(f"wijze_{key}", everyone, WAYS_CODES,
                         counts_for(published, WAYS_CODES, all_2023, everyone),
                         score=engagement, view=view)

    # B11: support satisfaction (collaborating or planning)
    for key, (_, _, published) in SUPPORT.items():
        wave.ordered(f"ondersteuning_{key}", collab_or_planning, SUPPORT_CODES,
                     counts_for(published, SUPPORT_CODES,
                                _asked_2023("collaborating_or_planning"),
                                collab_or_planning),
                     score=engagement, view=view)

    # Table 5: policy yields (multi-select; fewer schools answered some options)
    skip_rank = rng.permutation(wave.n).astype(float)
    spec = {}
    for key, (_, _, count, n) in POLICY_YIELDS.items():
        if year == 2023:
            spec[key] = (count, n)
        else:
            scaled = rescale({1: count, 0: n - count, None: all_2023 - n}, wave.n)
            spec[key] = (scaled[1], scaled[1] + scaled[0])
    exclusive = np.zeros(wave.n, dtype=bool)
    for key in POLICY_YIELDS_EXCLUSIVE:          # "weet niet" and "no yields" first
        count, n = spec[key]
        answered = _answering(skip_rank, n)
        score = -view if key == "weet_niet" else -engagement
        wave.select(f"beleidsopbrengst_{key}", everyone, count, score=score,
                    answered=answered, exclude=exclusive)
        exclusive |= wave.answers[f"beleidsopbrengst_{key}"] == 1
    for key, (count, n) in spec.items():
        if key not in POLICY_YIELDS_EXCLUSIVE:
            wave.select(f"beleidsopbrengst_{key}", everyone, count, score=engagement,
                        answered=_answering(skip_rank, n), exclude=exclusive)


def _answering(skip_rank: np.ndarray, n: int) -> np.ndarray:
    """The ``n`` schools that answer: all but the first ``len - n`` in ``skip_rank``."""
    answered = np.ones(len(skip_rank), dtype=bool)
    answered[np.argsort(skip_rank, kind="stable")[:len(skip_rank) - n]] = False
    return answered


def _expand_keys(counts: dict) -> np.ndarray:
    return np.array([k for k, c in counts.items() for _ in range(c)], dtype=object)


def _situation_climate() -> dict[str, float]:
    """Latent climate per situation from its 2023 satisfaction mean (Table 6)."""
    means = {s: np.mean(v) for s, v in SATISFACTION_2023.items()}
    overall = sum(sum(v) for v in SATISFACTION_2023.values()) / sum(
        len(v) for v in SATISFACTION_2023.values())
    return {s: CLIMATE_PER_POINT * (m - overall) for s, m in means.items()}


def _likert(level: float, factor: np.ndarray, noise: np.ndarray, theta: float) -> np.ndarray:
    """Items of one scale: rounded, clipped noisy copies of the factor (keyed direction)."""
    k = noise.shape[1]
    latent = (level + np.array(ITEM_OFFSETS[:k])
              + ITEM_SPREAD * (np.outer(factor, ITEM_LOADINGS[:k]) + theta * noise))
    return np.clip(np.rint(latent), 1, 5)


def _calibrate_scale(factor: np.ndarray, noise: np.ndarray, dont_know: np.ndarray,
                     target_alpha: float, target_mean: float) -> tuple[float, float]:
    """Level and noise of a scale's items that give the target mean and alpha.

    Alternating bisections on common random numbers (the same factor and noise draws
    every time), so the result is deterministic. The noise is solved last: alpha is
    the tighter target. "Weet niet" cells (``dont_know``) are missing, so alpha is the
    listwise alpha of the data as shipped.
    """
    def items(level: float, theta: float) -> np.ndarray:
        x = _likert(level, factor, noise, theta)
        x[dont_know] = np.nan
        return x

    def scale_mean(x: np.ndarray) -> float:
        return float(x[~np.isnan(x).any(axis=1)].mean(axis=1).mean())

    level, theta = target_mean, 0.5
    for _ in range(4):
        level = _solve(lambda v, t=theta: scale_mean(items(v, t)) - target_mean, 0.0, 7.0,
                       increasing=True)
        theta = _solve(lambda t, v=level: cronbach_alpha(items(v, t)) - target_alpha, 0.0,
                       4.0, increasing=False)
    return level, theta


def _condition(level: float, factor: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """A condition item: a rounded, clipped copy of its factor plus a little noise."""
    return np.clip(np.rint(level + ITEM_SPREAD * (factor + 0.35 * noise)), 1, 5)


def _collaboration_block(wave: _Wave, view: np.ndarray) -> dict[str, np.ndarray]:
    """Mechanisms, conditions, satisfaction, Table 4 yields and the B10 items of the
    collaborating schools, from the latent model. Returns the latent factors."""
    rng, year = wave.rng, wave.year
    collaborating_2023 = _asked_2023("collaborating")
    rows = wave.rows([1])
    n = len(rows)
    situation = wave.situation[rows]
    climate_of = _situation_climate()
    climate = np.array([climate_of[s] for s in situation]) + _centred_normal(rng, situation, n)
    mech_unique = _centred_normal(rng, situation, (n, len(MECHANISMS)))
    cond_unique = _centred_normal(rng, situation, (n, len(CONDITIONS)))
    factors = {}
    for j, scale in enumerate(MECHANISMS):
        shift = np.array([SCALE_SHIFT.get(scale, {}).get(s, 0.0) for s in situation])
        factors[scale] = (MECHANISM_ON_CLIMATE * climate + shift
                          + np.sqrt(1 - MECHANISM_ON_CLIMATE ** 2) * mech_unique[:, j])
    for j, item in enumerate(CONDITIONS):
        factors[item] = (CONDITION_ON_CLIMATE * climate
                         + np.sqrt(1 - CONDITION_ON_CLIMATE ** 2) * cond_unique[:, j])

    # "weet niet" cells, fixed before calibration so that alpha is calibrated listwise
    mech_items = [i for _, (_, _, items) in MECHANISMS.items() for i, *_ in items]
    cond_items = [i for i, (_, _, w) in CONDITIONS.items() if not w or year in w]
    dont_know = {}
    for kind, names in (("mechanism", mech_items), ("condition", cond_items)):
        cells = rng.choice(n * len(names), size=DONT_KNOW_CELLS[year][kind], replace=False)
        for cell in cells:
            dont_know.setdefault(names[cell % len(names)], []).append(cell // len(names))

    # mechanism scales: calibrate noise (alpha) and level (mean) per scale
    for scale, (_, _, items) in MECHANISMS.items():
        ids = [i for i, *_ in items]
        reverse = [rev for *_, rev in items]
        noise = _centred_normal(rng, situation, (n, len(ids)))
        mask = np.zeros((n, len(ids)), dtype=bool)
        for j, item in enumerate(ids):
            mask[dont_know.get(item, []), j] = True
        target_alpha, target_mean = SCALE_TARGETS[year][scale]
        level, theta = _calibrate_scale(factors[scale], noise, mask, target_alpha,
                                        target_mean)
        keyed = _likert(level, factors[scale], noise, theta)
        for j, item in enumerate(ids):
            values = 6 - keyed[:, j] if reverse[j] else keyed[:, j]
            values[mask[:, j]] = DK
            wave.empty(item)[rows] = values

    # conditions: calibrate the level of each item
    for item in cond_items:
        target = CONDITION_TARGETS[year][item]
        unique_noise = _centred_normal(rng, situation, n)
        answered = np.ones(n, dtype=bool)
        answered[dont_know.get(item, [])] = False

        level = _solve(lambda v, f=factors[item], e=unique_noise, a=answered, t=target:
                       _condition(v, f, e)[a].mean() - t, 0.0, 7.0, increasing=True)
        values = _condition(level, factors[item], unique_noise)
        values[~answered] = DK
        wave.empty(item)[rows] = values

    # satisfaction: the exact published scores, ranked by a situation-specific drive
    drive = np.zeros(n)
    for s, weights in SATISFACTION_DRIVERS.items():
        here = situation == s
        drive[here] = sum(w * factors[f][here] for f, w in weights.items()) / sum(
            weights.values())
    drive = drive + SATISFACTION_NOISE * rng.normal(size=n)
    satisfaction = np.full(n, np.nan)
    if year == 2023:
        for s, scores in SATISFACTION_2023.items():
            here = np.flatnonzero(situation == s)
            assert len(here) == len(scores), (s, len(here), len(scores))
            satisfaction[here] = _deal(np.array(scores, dtype=float), drive[here])
    else:
        pooled = drive + np.array([climate_of[s] for s in situation])
        satisfaction[:] = _deal(_expand(dict(zip(range(1, 8), SATISFACTION_2022))), pooled)
    wave.empty("tevredenheid")[rows] = satisfaction

    # Table 4: yields follow satisfaction loosely
    sat_z = (satisfaction - satisfaction.mean()) / satisfaction.std()
    score = np.zeros(wave.n)
    score[rows] = sat_z
    for key, (_, _, published) in YIELDS.items():
        counts = published if year == 2023 else tuple(
            _answers_2022(dict(zip(YIELD_CODES, published)), collaborating_2023, n)[c] for c in YIELD_CODES)
        wave.ordered(f"opbrengst_{key}", rows, YIELD_CODES, counts, score=score, view=view)

    # B10, the three items asked of collaborating schools: follow organisation/steering
    org = np.zeros(wave.n)
    org[rows] = factors["organisatie_sturing"]
    for key, (_, _, asked, published) in WAYS.items():
        if asked != "collaborating":
            continue
        if year == 2023:
            counts = published
        elif key in WAYS_2022_OVERRIDE:
            counts = WAYS_2022_OVERRIDE[key]
        else:
            counts = tuple(_answers_2022(dict(zip(WAYS_CODES, published)), collaborating_2023, n)[c]
                           for c in WAYS_CODES)
        wave.ordered(f"wijze_{key}", rows, WAYS_CODES, counts, score=org, view=view)
    return factors


def build_wave(year: int, rng: np.random.Generator) -> pd.DataFrame:
    """One wave's survey table: key columns, then one column of codes per item."""
    wave = _Wave(year, rng)
    _assign_status(wave)
    status = wave.answers["status"]
    engagement = rng.normal(size=wave.n) + np.vectorize(ENGAGEMENT_BY_STATUS.get)(status)
    view = rng.normal(size=wave.n) + np.vectorize(VIEW_BY_STATUS.get)(status)
    _general_blocks(wave, engagement, view)
    _collaboration_block(wave, view)
    frame = wave.keys.copy()
    for item in instrument_items():
        if item.get("waves") and year not in item["waves"]:
            continue
        values = wave.answers.get(item["id"], np.full(wave.n, np.nan))
        frame[item["id"]] = pd.array(
            [None if np.isnan(v) else int(v) for v in values], dtype="Int64")
    return frame


def build_survey(seed: int = SEED, *, check: bool = True) -> dict[int, pd.DataFrame]:
    """Both waves, 2022 first, from one seeded generator; self-checked unless told not to."""
    rng = np.random.default_rng(seed)
    frames = {year: build_wave(year, rng) for year in WAVES}
    if check:
        _self_check(frames)
    return frames


# ======================================================================================
# Self-check: recompute the published numbers from the generated data
# ======================================================================================


def _asked(frame: pd.DataFrame, asked: str) -> pd.DataFrame:
    values = {rule: v for rule, _, _, v in ASKED}[asked]
    return frame if values is None else frame[frame["status"].isin(values)]


def _check_counts(frame, item, codes, expected, asked="all"):
    sub = _asked(frame, asked)[item]
    got = tuple(int((sub == c).sum()) for c in codes)
    assert got == tuple(expected), (item, got, expected)


def _self_check(frames: dict[int, pd.DataFrame]) -> None:
    from scipy.stats import spearmanr

    f23, f22 = frames[2023], frames[2022]
    # B1
    for situation, region, sector, n22, n23 in RESPONDENTS:
        for frame, n in ((f22, n22), (f23, n23)):
            got = int(((frame["region"] == region) & (frame["sector"] == sector)).sum())
            assert got == (n or 0), (region, sector, got, n)
    # Table 3
    for situation, counts in STATUS[2023].items():
        sub = f23[f23["situation"] == situation]["status"]
        assert tuple(int((sub == c).sum()) for c in (1, 2, 3)) == counts, situation
    # B2, B3, B5, B6, B7, B8, B9, B10, B11, Tables 4 and 5
    for key, (_, _, count) in FUNCTIONS.items():
        assert int((f23[f"functie_{key}"] == 1).sum()) == count, key
    assert (f23[[f"functie_{k}" for k in FUNCTIONS]].sum(axis=1) >= 1).all()
    for key, (_, _, counts) in CHARACTERISTICS.items():
        _check_counts(f23, f"kenmerk_{key}", CHARACTERISTIC_CODES, counts)
    for key, (_, _, count) in GOALS.items():
        _check_counts(f23, f"doel_{key}", (1,), (count,), "collaborating")
    for situation, counts in NEEDS_COUNTS.items():
        sub = f23[(f23["situation"] == situation) & (f23["status"] == 3)]
        for key, count in zip(NEEDS, counts):
            assert int((sub[f"behoefte_{key}"] == 1).sum()) == count, (situation, key)
    for prefix, block in (("bestuur", BOARD), ("swv", SWV)):
        for key, (_, _, counts) in block.items():
            _check_counts(f23, f"{prefix}_{key}", POLICY_CODES, counts)
    assert int(f23[[f"bestuur_{k}" for k in BOARD]].notna().any(axis=1).sum()) == 226
    assert int(f23[[f"bestuur_{k}" for k in BOARD]].notna().all(axis=1).sum()) == 225
    for year, frame in ((2023, f23), (2022, f22)):
        for key in STIMULATION:
            _check_counts(frame, f"stimulering_{key}", STIMULATION_CODES,
                          STIMULATION_COUNTS[year][key])
    for key, (_, _, asked, counts) in WAYS.items():
        _check_counts(f23, f"wijze_{key}", WAYS_CODES, counts, asked)
    _check_counts(f22, "wijze_duidelijk_aanspreekpunt", WAYS_CODES,
                  WAYS_2022_OVERRIDE["duidelijk_aanspreekpunt"], "collaborating")
    for key, (_, _, counts) in SUPPORT.items():
        _check_counts(f23, f"ondersteuning_{key}", SUPPORT_CODES, counts,
                      "collaborating_or_planning")
    for key, (_, _, counts) in YIELDS.items():
        _check_counts(f23, f"opbrengst_{key}", YIELD_CODES, counts, "collaborating")
    for key, (_, _, count, n) in POLICY_YIELDS.items():
        column = f23[f"beleidsopbrengst_{key}"]
        assert (int((column == 1).sum()), int(column.notna().sum())) == (count, n), key
    # B12, Table 6
    collab23 = _asked(f23, "collaborating")
    for situation, scores in SATISFACTION_2023.items():
        got = collab23[collab23["situation"] == situation]["tevredenheid"]
        assert sorted(got.astype(int)) == sorted(scores), situation
    _check_counts(f22, "tevredenheid", range(1, 8), SATISFACTION_2022, "collaborating")
    # nobody answers what they were not asked
    for item in instrument_items():
        for frame in frames.values():
            if item["id"] in frame:
                outside = frame.index.difference(_asked(frame, item.get("asked", "all")).index)
                assert frame.loc[outside, item["id"]].isna().all(), item["id"]
    # mechanism scales: alpha and mean per wave; satisfaction correlation (2023)
    for year, frame in frames.items():
        collab = _asked(frame, "collaborating")
        for scale, (_, _, items) in MECHANISMS.items():
            x = _keyed(collab, items)
            alpha = cronbach_alpha(x)
            target_alpha, target_mean = SCALE_TARGETS[year][scale]
            assert abs(alpha - target_alpha) < 0.02, (year, scale, alpha)
            complete = x[~np.isnan(x).any(axis=1)]
            assert abs(complete.mean(axis=1).mean() - target_mean) < 0.06, (year, scale)
        for item, target in CONDITION_TARGETS[year].items():
            values = collab[item].astype(float)
            assert abs(values[values != DK].mean() - target) < 0.06, (year, item)
    collab = _asked(f23, "collaborating")
    sat = collab["tevredenheid"].astype(float).to_numpy()
    low = {"vso_vo", "onderwijs_jeugdhulp"}
    for scale, (_, _, items) in MECHANISMS.items():
        score = np.nanmean(_keyed(collab, items), axis=1)
        rho = spearmanr(score, sat).statistic
        assert 0.3 <= rho <= 0.6, (scale, rho)
        means = pd.Series(score).groupby(collab["situation"].to_numpy()).mean()
        assert set(means.nsmallest(2).index) == low, (scale, means.to_dict())
    for item in CONDITION_TARGETS[2023]:
        values = collab[item].astype(float).where(collab[item] != DK).to_numpy()
        ok = ~np.isnan(values)
        rho = spearmanr(values[ok], sat[ok]).statistic
        assert 0.3 <= rho <= 0.6, (item, rho)


def _keyed(frame: pd.DataFrame, items) -> np.ndarray:
    """Scale items as floats, "weet niet" as NaN, reverse-keyed items reversed."""
    columns = []
    for item, _, _, reverse in items:
        values = frame[item].astype(float).to_numpy()
        values = np.where(values == DK, np.nan, values)
        columns.append(6 - values if reverse else values)
    return np.column_stack(columns)


# ======================================================================================
# Writing: YAML, SPSS .sav (deterministic header), CSV
# ======================================================================================

#: The SPSS system-file header record (176 bytes) stores when the file was written:
#: bytes 92-100 ``creation_date`` ("dd mmm yy") and 101-108 ``creation_time``
#: ("hh:mm:ss"), after rec_type[4], prod_name[60], layout_code, nominal_case_size,
#: compression, weight_index, ncases (int32 each) and bias (float64). ReadStat stamps
#: the current time there, so two runs would differ; we overwrite it with a fixed value.
SAV_DATE_OFFSET = 92
SAV_STAMP = {2022: b"30 Jun 2200:00:00", 2023: b"30 Jun 2300:00:00"}


def _response_sets() -> dict[str, dict]:
    return {set_id: spec for set_id, spec in RESPONSE_SETS.items()}


def write_sav(frame: pd.DataFrame, path: Path, year: int) -> None:
    """Write one wave as SPSS .sav with labels, user-missing codes and a fixed date."""
    import pyreadstat

    items = {i["id"]: i for i in instrument_items()}
    sets = _response_sets()
    data = frame.copy()
    for column in data.columns:
        if column in items or column == "wave":
            data[column] = data[column].astype("Float64").to_numpy(dtype=float,
                                                                   na_value=np.nan)
        else:
            data[column] = data[column].astype(object)
    column_labels = {"respondent_id": "Respondent (school)", "wave": "Meting",
                     "region": "Regio / samenwerkingsverband",
                     "situation": "Samenwerkingssituatie", "sector": "Type school (po/vo)"}
    value_labels, missing, measure, formats = {}, {}, {}, {"wave": "F4.0"}
    for column in data.columns:
        item = items.get(column)
        if item is None:
            measure[column] = "ordinal" if column == "wave" else "nominal"
            continue
        spec = sets[item["response_set"]]
        column_labels[column] = item["text"]["nl"][:250]
        value_labels[column] = {code: nl for code, nl, _ in spec["codes"]}
        user_missing = [code for code, *_ in spec["codes"] if code in NON_NUMERIC]
        if user_missing:
            missing[column] = user_missing
        measure[column] = "ordinal" if spec.get("ordered", True) else "nominal"
        formats[column] = "F1.0"
    pyreadstat.write_sav(
        data, str(path), file_label=f"IMAGE voorbeeldstudie (synthetisch), meting {year}",
        column_labels=column_labels, variable_value_labels=value_labels,
        missing_ranges=missing, variable_measure=measure, variable_format=formats,
        note="Synthetische data, geschreven door tools/example_study/survey_gen.py")
    raw = bytearray(path.read_bytes())
    assert raw[:4] == b"$FL2", path
    raw[SAV_DATE_OFFSET:SAV_DATE_OFFSET + 17] = SAV_STAMP[year]
    path.write_bytes(bytes(raw))


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write one wave as Dutch Excel does: ``;``-separated, CRLF, Windows-1252."""
    buffer = io.StringIO()
    frame.to_csv(buffer, sep=";", index=False, lineterminator="\r\n", na_rep="")
    path.write_bytes(buffer.getvalue().encode("cp1252"))


def write_survey_part(out_dir: Path, *, regions_factor: int = 1) -> list[Path]:
    """Write study.yaml, instrument.yaml, tables.yaml and the survey waves into ``out_dir``.

    ``regions_factor`` > 1 writes every region that many times (``replicate.py``; the
    published tables are then no longer those of the report). Returns the paths written.
    Deterministic: the same files, byte for byte, every run.
    """
    out_dir = Path(out_dir)
    (out_dir / "survey").mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (("study.yaml", study_yaml(regions_factor)),
                       ("instrument.yaml", instrument_yaml()),
                       ("tables.yaml", TABLES_YAML)):
        (out_dir / name).write_bytes(text.encode("utf-8"))
        written.append(out_dir / name)
    for year, frame in build_survey().items():
        if regions_factor != 1:
            from .replicate import replicate_survey

            frame = replicate_survey(frame, regions_factor)
        sav = out_dir / "survey" / f"survey_{year}.sav"
        csv = out_dir / "survey" / f"survey_{year}.csv"
        write_sav(frame, sav, year)
        write_csv(frame, csv)
        written += [sav, csv]
    return written


if __name__ == "__main__":  # pragma: no cover - a quick look at the calibration
    import sys

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("example_survey")
    for path in write_survey_part(target):
        print(path)
