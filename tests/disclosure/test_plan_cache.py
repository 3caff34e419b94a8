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
    files = list(cache.glob("plan-*.json"))
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


def test_a_damaged_cache_is_decided_again_not_trusted(tmp_path, monkeypatch):
    study_dir = tmp_path / "mini"
    shutil.copytree(MINI, study_dir)
    monkeypatch.delenv(CACHE_ENV, raising=False)
    without = _page(study_dir)
    cache = tmp_path / "cache"
    precompute(image_synth.load_study(study_dir), 2023, cache)
    (target,) = cache.glob("plan-*.json")
    good = target.read_text(encoding="utf-8")
    monkeypatch.setenv(CACHE_ENV, str(cache))
    for damaged in (good[: len(good) // 2], "\x80\x04 not json", '{"schema": 99, "tables": []}',
                    good.replace('"national"', '["national"]', 1)):
        target.write_text(damaged, encoding="utf-8")
        assert _page(study_dir) == without


def test_a_response_table_that_gives_away_who_was_asked_is_hidden_more(tmp_path):
    """Region A: 6 schools, 1 collaborating, 1 planning, 4 not (B: 3, 1, 1). Both small
    status counts are hidden, but their sum (2 < k = 3) follows from A's n and its shown 4;
    an item asked of collaborating and planning schools has exactly that n. Deciding the
    item table alone cannot protect it (the plan raised "cell (('region', 'A'), 0) cannot
    be protected", as it did for the example with its regions doubled); the response table
    must hide more, and the two tables together then audit clean."""
    import pandas as pd

    from image_synth.disclosure.audit import audit, table_system, total

    study_dir = tmp_path / "mini"
    shutil.copytree(MINI, study_dir)
    inst = study_dir / "instrument.yaml"
    inst.write_text(inst.read_text(encoding="utf-8").replace(
        "item: status, values: [1]}", "item: status, values: [1, 2]}"), encoding="utf-8")
    path = study_dir / "survey_2023.csv"
    survey = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    items = ["com_1", "com_2", "com_3", "ver_1", "ver_2", "tijd", "tevredenheid"]
    a = survey.index[survey["region"] == "A"]
    survey.loc[a[1], "status"] = "2"                       # S002 plans
    survey.loc[a[[3, 4]], "status"] = "3"                  # S004, S005 do not collaborate
    survey.loc[a[[3, 4]], items] = ""
    survey.loc[survey.index[survey["region"] == "B"][0], "status"] = "2"
    survey.to_csv(path, sep=";", index=False)

    study = image_synth.load_study(study_dir)
    p = plan(study, 2023)
    response = p.response("status")
    node = ("region", "A")
    assert response.counts[node] == [6, 1, 1, 4]
    assert [response.state(node, j) for j in (1, 2)] == ["primary", "primary"]
    assert response.state(node, 0) or response.state(node, 3)  # hidden more for the link
    # every page together: the response table and the item's table, linked by its n
    table = p.answers(["tijd"])["tijd"]
    assert table.counts[node][0] == 2 and table.state(node, 0) == "primary"
    cells, truth, equalities = {}, {}, []
    for prefix, t, constraints in (("response", response, p.hierarchy.constraints(sectors=True)),
                                   ("tijd", table, p.hierarchy.constraints())):
        values, eqs = table_system(t.counts, constraints)
        for key, value in values.items():
            truth[(prefix, key)] = value
            cells[(prefix, key)] = None if t.state(*key) else value
        equalities += [({(prefix, k): v for k, v in lhs.items()},
                        {(prefix, k): v for k, v in rhs.items()}) for lhs, rhs in eqs]
    for n in table.counts:
        equalities.append(total(("tijd", (n, 0)), [("response", (n, 1)), ("response", (n, 2))]))
    assert audit(cells, equalities, truth=truth) == []
