"""The word catalogue: both languages have the same files, keys and placeholders."""

from __future__ import annotations

from importlib import resources

import pytest

from image_synth.errors import AnalysisError
from image_synth.render.words import catalogue, placeholders, word

FOLDER = resources.files("image_synth") / "data" / "words"


def _files(lang):
    return sorted(e.name for e in (FOLDER / lang).iterdir() if e.name.endswith(".yaml"))


def test_same_files_in_both_languages():
    assert _files("nl") == _files("en")
    assert _files("nl"), "the catalogue has no files"


def test_same_keys_and_placeholders_in_both_languages():
    nl, en = catalogue("nl"), catalogue("en")
    assert sorted(set(nl) ^ set(en)) == []
    differ = {k: (nl[k], en[k]) for k in nl if placeholders(nl[k]) != placeholders(en[k])}
    assert differ == {}


def test_no_empty_words():
    for lang in ("nl", "en"):
        assert [k for k, v in catalogue(lang).items() if not v.strip()] == []


def test_unknown_key_is_an_error_not_the_key():
    with pytest.raises(AnalysisError, match="no word 'no_such_word'"):
        word("no_such_word", "nl")


def test_lookup_fills_placeholders():
    assert word("mark_small_n", "en", k=5) == "n < 5"
    assert word("mark_primary", "nl", k=3) == "<3"
