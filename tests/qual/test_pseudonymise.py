"""Pseudonymisation: no name survives, ordinary words do, the log stays apart."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from image_synth.errors import AnalysisError, OptionError, StudyError
from image_synth.qual import LOG_COLUMNS, Pseudonymiser
from image_synth.qual.pseudonymise import deduce_available

HAS_DEDUCE = deduce_available()

DICTIONARY = {
    "samenwerkingsverband": ["SWV Rijnmond", "Samenwerkingsverband IJssel-Vecht"],
    "school": ["De Wegwijzer", "Het Baken", "Vechtdal College"],
    "gemeente": ["Apeldoorn", "Amsterdam", "Hardenberg", "Groningen"],
    "regio": ["Twente", "Rijnmond", "K"],
    "persoon": ["Jansen", "Marieke Pels"],
    "organisatie": ["Kinderopvang Humankind"],
}

QUOTES = [
    # names from the dictionary, in several forms
    "In SWV Rijnmond werken we samen met de gemeente Apeldoorn.",
    "Jansen's aanpak werkt op De Wegwijzer en in de Amsterdamse scholen.",
    "Het Baken en het Vechtdal College in Hardenberg doen mee aan de samenwerking.",
    "Regio K en de Twentse scholen, ook Rijnmond-Noord, zoeken elkaar op.",
    "Marieke Pels van Kinderopvang Humankind belde over de leerlingen.",
    "Dat loopt bij swv rijnmond en het samenwerkingsverband IJssel-Vecht goed.",
    "De Groningse aanpak, met Jansens team.",
    # names NOT in the dictionary
    "Ik sprak gisteren met Pieter de Vries uit Zwolle.",
    "Vertrouwen is de basis, zei juf Anouk.",
    "De Regenboog in Almere doet ook mee.",
    "Volgens meneer Bakker is de samenwerking goed.",
    "We hebben contact met mevrouw van den Berg en met dr. Smit.",
    "Leerlingen van basisschool de Klimop in Deventer gaan naar het vo.",
    "Mail p.devries@klimop.nl of bel 06-12345678.",
    "De school zegt: “Wij doen het samen.” Dat werkt.",
]

NAMES = ["Rijnmond", "Apeldoorn", "Jansen", "Wegwijzer", "Amsterdam", "Baken", "Vechtdal",
         "Hardenberg", "Twent", "Humankind", "Marieke", "Pels", "IJssel", "Vecht", "Groning",
         "Pieter", "Vries", "Zwolle", "Anouk", "Regenboog", "Almere", "Bakker", "Berg",
         "Smit", "Klimop", "Deventer", "devries", "12345678", "Noord"]

ORDINARY = ["samenwerking", "leerlingen", "Leerlingen", "De school", "Vertrouwen", "Ik sprak",
            "Volgens", "We hebben", "scholen", "gisteren", "Wij doen het samen", "Dat werkt",
            "vo", "Mail", "bel"]

DETECTORS = ["rules", pytest.param("auto", marks=[
    pytest.mark.skipif(not HAS_DEDUCE, reason="deduce is not installed"), pytest.mark.slow])]


_RUNS: dict = {}


def run(detector):
    """Pseudonymise QUOTES once per detector (deduce takes seconds to start)."""
    if detector not in _RUNS:
        p = Pseudonymiser(DICTIONARY, detector=detector)
        texts, logs = [], []
        for i, quote in enumerate(QUOTES):
            text, log = p.pseudonymise(quote, source_id=f"I{i:02d}")
            texts.append(text)
            logs.extend(log)
        _RUNS[detector] = (p, texts, logs)
    return _RUNS[detector]


@pytest.fixture
def results():
    return run


@pytest.mark.parametrize("detector", DETECTORS)
def test_no_name_survives(results, detector):
    _, texts, _ = results(detector)
    joined = "\n".join(texts)
    survivors = [name for name in NAMES if name.casefold() in joined.casefold()]
    assert not survivors, "\n".join(texts)
    assert not re.search(r"\bK\b", joined)


@pytest.mark.parametrize("detector", DETECTORS)
def test_ordinary_words_survive(results, detector):
    _, texts, _ = results(detector)
    joined = "\n".join(texts)
    missing = [word for word in ORDINARY if word not in joined]
    assert not missing, "\n".join(texts)


@pytest.mark.parametrize("detector", DETECTORS)
def test_dictionary_markers_are_consistent(results, detector):
    _, texts, logs = results(detector)
    assert texts[0] == "In [samenwerkingsverband] werken we samen met de gemeente [gemeente]."
    assert texts[1] == "[persoon] aanpak werkt op [school] en in de [gemeente] scholen."
    assert texts[3].startswith("Regio [regio] en de [regio] scholen, ook [regio], ")
    markers = {}
    for row in logs:
        if row["method"] == "dictionary":
            markers.setdefault(row["original"].casefold(), set()).add(row["marker"])
    assert all(len(found) == 1 for found in markers.values())


def test_rules_markers():
    p = Pseudonymiser({}, detector="rules")
    cases = {
        "Ik sprak gisteren met Pieter de Vries uit Zwolle.":
            "Ik sprak gisteren met [persoon] uit [plaats].",
        "Vertrouwen is de basis, zei juf Anouk.": "Vertrouwen is de basis, zei juf [persoon].",
        "De Regenboog in Almere doet ook mee.": "[organisatie] in [plaats] doet ook mee.",
        "Volgens meneer Bakker is het goed.": "Volgens meneer [persoon] is het goed.",
        "Contact met mevrouw van den Berg en dr. Smit.":
            "Contact met mevrouw [persoon] en dr. [persoon].",
        "Leerlingen van basisschool de Klimop gaan naar het Bonhoeffer College.":
            "Leerlingen van basisschool [organisatie] gaan naar het [organisatie].",
        "Ook de gemeente Deventer en Kinderopvang Kleurrijk doen mee.":
            "Ook de gemeente [plaats] en Kinderopvang [organisatie] doen mee.",
        "Met NPO-gelden en HB-leerlingen via WhatsApp in Nederland.":
            "Met NPO-gelden en HB-leerlingen via WhatsApp in Nederland.",
    }
    for quote, expected in cases.items():
        assert p.pseudonymise(quote)[0] == expected


def test_learned_names_catch_sentence_starts():
    p = Pseudonymiser({}, detector="rules")
    text, log = p.pseudonymise("Ik sprak met Pieter de Vries. Pieter zei dat Vries gelijk had.")
    assert text == "Ik sprak met [persoon]. [persoon] zei dat [persoon] gelijk had."
    assert [r["method"] for r in log] == ["rules", "learned", "learned"]
    # and in the next quote too, where the rules alone would miss it
    assert p.pseudonymise("Pieter vond het goed.")[0] == "[persoon] vond het goed."
    forgetful = Pseudonymiser({}, detector="rules", learn=False)
    forgetful.pseudonymise("Ik sprak met Pieter de Vries.")
    assert forgetful.pseudonymise("Pieter vond het goed.")[0] == "Pieter vond het goed."


def test_inflections_from_the_dictionary():
    p = Pseudonymiser({"gemeente": ["Zwolle", "Groningen", "Amsterdam", "Utrecht"],
                       "persoon": ["Hans"]}, detector="none")
    text, _ = p.pseudonymise("De Zwolse, Groningse en Utrechtse scholen, een Amsterdammer "
                             "en Hans' collega, ook Groninger en Amsterdams.")
    assert text == ("De [gemeente], [gemeente] en [gemeente] scholen, een [gemeente] en "
                    "[persoon] collega, ook [gemeente] en [gemeente].")


def test_short_names_match_exactly():
    p = Pseudonymiser({"regio": ["A", "K"]}, detector="none")
    assert p.pseudonymise("Regio A en a of k, regio K.")[0] == \
        "Regio [regio] en a of k, regio [regio]."


def test_longest_name_first_and_existing_markers_kept():
    p = Pseudonymiser({"regio": ["Rijnmond"], "samenwerkingsverband": ["SWV Rijnmond"]},
                      detector="rules")
    assert p.pseudonymise("SWV Rijnmond in Rijnmond en [naam samenwerkingsverband].")[0] == \
        "[samenwerkingsverband] in [regio] en [naam samenwerkingsverband]."


def test_log_is_separate(results):
    p, texts, logs = results("rules")
    frame = p.log
    assert list(frame.columns) == list(LOG_COLUMNS)
    assert len(frame) == len(logs) > 20
    assert {"dictionary", "rules"} <= set(frame["method"])
    for row in logs:
        assert row["original"] not in texts[int(row["source_id"][1:])]
        assert QUOTES[int(row["source_id"][1:])][row["start"]:row["end"]] == row["original"]
    p.clear_log()
    assert p.log.empty


def test_frame_interface():
    p = Pseudonymiser({"persoon": ["Jansen"]}, detector="rules")
    frame = pd.DataFrame({"segment_id": ["g1", "g2"], "source_id": ["S1", "S2"],
                          "quote": ["Jansen zegt het.", pd.NA]})
    out, log = p.pseudonymise_frame(frame)
    assert out["quote"].iloc[0] == "[persoon] zegt het." and pd.isna(out["quote"].iloc[1])
    assert frame["quote"].iloc[0] == "Jansen zegt het."  # the input is not changed
    assert log[["segment_id", "source_id", "original", "marker", "method"]].values.tolist() \
        == [["g1", "S1", "Jansen", "[persoon]", "dictionary"]]


def test_none_detector_keeps_unknown_names():
    p = Pseudonymiser(DICTIONARY, detector="none")
    assert p.pseudonymise("Met Pieter de Vries in SWV Rijnmond.")[0] == \
        "Met Pieter de Vries in [samenwerkingsverband]."


def test_arguments():
    with pytest.raises(OptionError, match="'auto', 'deduce', 'rules', 'none'"):
        Pseudonymiser({}, detector="spacy")
    with pytest.raises(StudyError):
        Pseudonymiser({"[bad]": ["x"]})
    with pytest.raises(AnalysisError, match="unknown key"):
        Pseudonymiser({}, markers={"city": "[stad]"})
    p = Pseudonymiser({}, detector="rules", markers={"place": "[plaatsnaam]"},
                      keep=["Kleurrijk"])
    assert p.pseudonymise("Wij zitten in Zwolle bij Kleurrijk.")[0] == \
        "Wij zitten in [plaatsnaam] bij Kleurrijk."


@pytest.mark.skipif(HAS_DEDUCE, reason="deduce is installed")
def test_deduce_required_but_missing():
    with pytest.raises(AnalysisError, match="pip install deduce"):
        Pseudonymiser({}, detector="deduce")
    assert Pseudonymiser({}).methods == ("dictionary", "learned", "rules")
