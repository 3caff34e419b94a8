"""The batch's cache of study-wide results (image_synth.results.study_cache): the same
page with and without it, a changed input gives another file, and a damaged or foreign
file is ignored."""

from __future__ import annotations

import json

import pytest

import image_synth
from image_synth.disclosure.plan import CACHE_ENV
from image_synth.disclosure.siblings import decide_sibling_pattern, sibling_pattern
from image_synth.render import sections as S
from image_synth.results import compute, study_cache

WAVE = 2023


def _page(study_dir, region: str = "A") -> str:
    results = compute(image_synth.load_study(study_dir), scope="region", scope_value=region,
                      wave=WAVE)
    return "".join(getattr(S, n)(results, lang="nl").to_html() for n in S.SECTIONS)


@pytest.fixture
def cached(mini_study, tmp_path, monkeypatch):
    """The mini study, its study-wide cache written, and the cache folder named."""
    folder = tmp_path / "cache"
    files = study_cache.precompute(image_synth.load_study(mini_study), WAVE, folder)
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return mini_study, files


def _file_of_wave(files):
    return next(f for f in files if json.loads(f.read_text())["wave"] == WAVE)


def test_the_mini_study_has_a_sibling_pattern_to_cache(mini_study):
    # else the tests below would compare pages in which the cache changes nothing
    study = image_synth.load_study(mini_study)
    decided = {p: decide_sibling_pattern(study, WAVE, *p) for p in study_cache.partitions(study)}
    assert any(decided.values())


def test_a_page_is_the_same_with_and_without_the_cache(cached, monkeypatch):
    mini_study, _ = cached
    with_cache = {r: _page(mini_study, r) for r in ("A", "B", "G")}
    monkeypatch.setenv(CACHE_ENV, "off")
    without = {r: _page(mini_study, r) for r in ("A", "B", "G")}
    assert with_cache == without


def test_the_cache_is_what_the_page_reads(cached):
    # a well-formed file with another decision is believed: the page really reads it
    mini_study, files = cached
    path = _file_of_wave(files)
    data = json.loads(path.read_text())
    data["sibling_patterns"]["region:binnen_po"] = {"A": ["scale:communicatie"]}
    path.write_text(json.dumps(data))
    study = image_synth.load_study(mini_study)
    assert sibling_pattern(study, WAVE, "region", "binnen_po") == {"A": {"scale:communicatie"}}


def test_a_changed_input_file_gives_another_file(cached):
    mini_study, files = cached
    before = study_cache.cache_file(image_synth.load_study(mini_study), WAVE)
    assert before in files
    survey = mini_study / "survey_2023.csv"
    text = survey.read_text(encoding="utf-8")
    assert "S004;2023;A;binnen_po;po;1;0;1;3;2;3;3;1;3;3" in text
    survey.write_text(text.replace("S004;2023;A;binnen_po;po;1;0;1;3;2;3;3;1;3;3",
                                   "S004;2023;A;binnen_po;po;1;0;1;3;2;3;3;1;4;3"),
                      encoding="utf-8")
    study = image_synth.load_study(mini_study)
    after = study_cache.cache_file(study, WAVE)
    assert after != before and not after.exists()
    # the old file is not read for the changed study: the pattern is decided anew
    data = json.loads(before.read_text())
    data["sibling_patterns"]["region:binnen_po"] = {"A": ["scale:communicatie"]}
    before.write_text(json.dumps(data))
    assert sibling_pattern(study, WAVE, "region", "binnen_po") == \
        decide_sibling_pattern(study, WAVE, "region", "binnen_po")


@pytest.mark.parametrize("damage", [
    lambda text: text[: len(text) // 2],                        # cut short
    lambda text: "\x00\xff not json",
    lambda text: json.dumps({**json.loads(text), "key": "0" * 32}),   # another study's
    lambda text: json.dumps({**json.loads(text), "format": 99}),
    lambda text: json.dumps({**json.loads(text), "sibling_patterns": {"region:binnen_po": {
        "A": "scale:communicatie"}}}),                          # wrong shape
    lambda text: json.dumps({**json.loads(text), "sibling_patterns": {
        **json.loads(text)["sibling_patterns"], "region:binnen_po": {"A": [1, 2]}}}),
])
def test_a_damaged_cache_file_is_ignored_and_recomputed(cached, damage):
    mini_study, files = cached
    path = _file_of_wave(files)
    path.write_text(damage(path.read_text()), encoding="utf-8", errors="surrogateescape")
    study = image_synth.load_study(mini_study)
    expected = decide_sibling_pattern(study, WAVE, "region", "binnen_po")
    assert expected   # something to get wrong
    assert sibling_pattern(study, WAVE, "region", "binnen_po") == expected


def test_a_page_with_a_damaged_cache_is_the_page_without(cached, monkeypatch):
    mini_study, files = cached
    path = _file_of_wave(files)
    path.write_text(path.read_text()[:100], encoding="utf-8")
    damaged_page = _page(mini_study)
    monkeypatch.setenv(CACHE_ENV, "off")
    assert damaged_page == _page(mini_study)


def test_the_runners_page_is_the_same_with_and_without_the_cache(mini_study, tmp_path,
                                                                 monkeypatch):
    from image_synth.publish.runner import run_supplements

    def page(out):
        result = run_supplements(mini_study, scope="region", only="A", jobs=1, out=out,
                                 progress=False)
        assert all(o.ok for o in result.outcomes)
        return (out / "region-A.html").read_bytes(), result.private / "cache"

    with_cache, folder = page(tmp_path / "with")
    assert [p.name for p in folder.glob("study-*.json")]   # the runner wrote it
    monkeypatch.setattr(study_cache, "precompute", lambda *a, **k: [])
    without, folder = page(tmp_path / "without")
    assert not list(folder.glob("study-*.json"))
    assert with_cache == without
