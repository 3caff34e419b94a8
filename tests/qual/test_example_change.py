"""Chapter 6 of the report, reproduced: each factor's change between the 2022 and 2023
interviews of the example study, read through the package's readers, has the direction
the report describes (`qualitative_2023` of ../shared/reference/image_2023_tables.yaml).

The expected classes are transcribed from the report's words, one per factor:
"rarely in 2022" / "grew" / "more often" -> more; "less" / "smaller role" / "only once or
twice in 2023" -> less; "as in 2022" / "about as often" -> stable; the 2023 lists of new
factors, hindering factors and conditions -> new; conditions "repeated" -> mentioned in
both waves (not new, not gone).
"""

from __future__ import annotations

import pytest

import image_synth
from image_synth.qual import change_between_waves

EXPECTED = {
    # working factors (par. 6.1)
    "vertrouwen_bereidheid": "more",                    # nearly every 2023 interview; rare in 2022
    "overeenstemming_doelen_visie_doelgroep": "stable",  # most leaders, as in 2022
    "korte_lijnen_informeel_contact": "less",           # mentioned less than in 2022
    "kennis_delen_expertise": "stable",                 # about as often as in 2022
    "regelmatig_communiceren": "less",                  # clearly less often
    "tijdsduur_gelijkwaardigheid_flexibiliteit": "less",  # once or twice in 2023; more in 2022
    "succeservaringen": "new",
    "monitoren_evalueren": "new",
    "kleinschaligheid": "new",
    "subsidie_als_stok_achter_de_deur": "new",
    "eerder_samengewerkt": "new",
    # hindering factors (par. 6.2)
    "personeelstekort_wisseling": "more",               # by far the largest; grew
    "weinig_prioriteit_draagvlak_urgentie": "more",     # more leaders than in 2022
    "verschillen_cultuur_visie": "stable",              # as in 2022
    "gebrek_financiering_facilitering_tijd": "more",    # more often than in 2022
    "nasleep_corona": "less",                           # smaller role than in 2022
    "te_veel_te_grote_partijen": "stable",              # as in 2022
    "concretisering_plannen": "new",
    "meer_vraag_dan_aanbod": "new",
    # conditions (par. 6.3)
    "urgentiegevoel": "new",
    "leiderschap": "new",
    "basiskwaliteit_aanbod_en_kennis": "new",
    "zicht_op_doelgroep": "new",
}
REPEATED_CONDITIONS = ("tijd", "financiele_middelen")


@pytest.fixture(scope="module")
def change():
    study = image_synth.load_study()
    result = change_between_waves(study.segments, study.sources, codebook=study.codebook,
                                  waves=(2022, 2023), source_types="interview")
    return result.set_index("code")


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_change_direction_follows_the_report(change, code):
    row = change.loc[code]
    assert row["change"] == EXPECTED[code], row["rule"]


@pytest.mark.parametrize("code", REPEATED_CONDITIONS)
def test_repeated_conditions_are_mentioned_in_both_waves(change, code):
    row = change.loc[code]
    assert row["k_before"] > 0 and row["k_after"] > 0


def test_counts_are_over_the_interviews_only(change):
    row = change.loc["vertrouwen_bereidheid"]
    assert (row["n_before"], row["n_after"]) == (16, 21)


def test_staff_shortage_is_the_most_frequent_hindering_factor():
    study = image_synth.load_study()
    from image_synth.qual import mentions

    tally = mentions(study.segments, study.sources, codebook=study.codebook, by=("wave",),
                     source_types="interview")
    parents = {c.parent for c in study.codebook.codes}
    hindering = {c.id for c in study.codebook.codes
                 if c.category == "hindering_factor" and c.id not in parents}
    tally = tally[tally["code"].isin(hindering) & (tally["wave"] == 2023)]
    top = tally.sort_values("k_sources").iloc[-1]
    assert top["code"] == "personeelstekort_wisseling"
