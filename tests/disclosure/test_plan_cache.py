"""The batch's cache of disclosure decisions: the same page with and without it, and a
changed input file gives another key."""

from __future__ import annotations

import shutil

import image_synth
from image_synth.disclosure.plan import CACHE_ENV, cache_key, plan, precompute
from image_synth.render import sections as S
from image_synth.results import compute

from _support import MINI


def _page(study_dir) -> str:
    results = compute(image_synth.load_study(study_dir), scope="region", scope_value="G",
                      wave=2023)
    return "".join(getattr(S, n)(results, lang="nl").to_html() for n in S.SECTIONS)


def test_a_page_is_the_same_with_and_without_the_cache(tmp_path, monkeypatch):
    study_dir = tmp_path / "mini"
    shutil.copytree(MINI, study_dir)
    monkeypatch.delenv(CACHE_ENV, raising=False)
    without = _page(study_dir)
    cache = tmp_path / "cache"
    precompute(image_synth.load_study(study_dir), 2023, cache)
    files = list(cache.glob("plan-*.pickle"))
    assert len(files) == 1
    monkeypatch.setenv(CACHE_ENV, str(cache))
    study = image_synth.load_study(study_dir)
    assert plan(study, 2023)._tables            # read from the cache, not decided again
    assert _page(study_dir) == without


def test_a_changed_input_file_changes_the_key(tmp_path):
    study_dir = tmp_path / "mini"
    shutil.copytree(MINI, study_dir)
    before = cache_key(image_synth.load_study(study_dir), 2023)
    survey = study_dir / "survey_2023.csv"
    survey.write_text(survey.read_text(encoding="utf-8").replace("S020;2023;G;po_vo;vo;1;0;1;3;5",
                                                                 "S020;2023;G;po_vo;vo;1;0;1;4;5"),
                      encoding="utf-8")
    after = cache_key(image_synth.load_study(study_dir), 2023)
    assert before != after
    assert cache_key(image_synth.load_study(study_dir), 2023) == after
