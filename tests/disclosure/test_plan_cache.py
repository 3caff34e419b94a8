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
    monkeypatch.setenv(CACHE_ENV, "off")
    without = _page(study_dir)
    cache = tmp_path / "cache"
    precompute(image_synth.load_study(study_dir), 2023, cache)
    files = list(cache.glob("plan-*.json"))
    assert len(files) == 1
    monkeypatch.setenv(CACHE_ENV, str(cache))
    study = image_synth.load_study(study_dir)
    assert plan(study, 2023)._tables            # read from the cache, not decided again
    assert _page(study_dir) == without


def test_a_notebook_run_alone_keeps_its_decisions_in_the_users_cache(tmp_path, monkeypatch):
    # no folder named: the user's cache folder, so the next notebook of the study reads
    # the decisions instead of making them again; readable by the owner only
    study_dir = tmp_path / "mini"
    shutil.copytree(MINI, study_dir)
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    plan(image_synth.load_study(study_dir), 2023).settle()
    (kept,) = (tmp_path / "xdg" / "image_synth").glob("plan-*.json")
    assert kept.stat().st_mode & 0o077 == 0
    assert (tmp_path / "xdg" / "image_synth").stat().st_mode & 0o077 == 0
    again = plan(image_synth.load_study(study_dir), 2023)
    assert again._tables                        # read back, not decided again
    monkeypatch.setenv(CACHE_ENV, "off")
    assert not plan(image_synth.load_study(study_dir), 2023)._tables


def test_a_subset_of_the_study_has_a_key_of_its_own():
    # the same files, other respondents: a subset's plan is never the whole study's
    study = image_synth.load_study(MINI)
    assert cache_key(study.subset(region="A"), 2023) != cache_key(study, 2023)
    assert cache_key(image_synth.load_study(MINI), 2023) == cache_key(study, 2023)


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
    monkeypatch.setenv(CACHE_ENV, "off")
    without = _page(study_dir)
    cache = tmp_path / "cache"
    precompute(image_synth.load_study(study_dir), 2023, cache)
    (target,) = cache.glob("plan-*.json")
    good = target.read_text(encoding="utf-8")
    monkeypatch.setenv(CACHE_ENV, str(cache))
    for damaged in (good[: len(good) // 2], "\x80\x04 not json", '{"schema": 99, "tables": []}',
                    good.replace('"national"', '["national"]', 1),
                    good.replace('"primary"', '""', 1),            # "" would mean shown
                    '{"schema": 1, "tables": {"answers": 1}}',
                    good.replace('{"kind": "settled"}', '{"kind": "means", "digits": []}')):
        target.write_text(damaged, encoding="utf-8")
        assert _page(study_dir) == without


def _all_tables_audit(study, p):
    """Every answer table, the response table and each item's n = the response count of
    those asked, audited together (what the pages of one run show): the pinned cells."""
    from image_synth.disclosure.audit import audit, table_system, total

    inst = study.instrument
    status = p._status_id()
    response = p.response(status)
    cells, truth, equalities = {}, {}, []

    def add(prefix, t, constraints):
        values, eqs = table_system(t.counts, constraints)
        for key, value in values.items():
            truth[(prefix, key)] = value
            cells[(prefix, key)] = None if t.state(*key) else value
        equalities.extend(({(prefix, k): v for k, v in lhs.items()},
                           {(prefix, k): v for k, v in rhs.items()}) for lhs, rhs in eqs)

    add("response", response, p.hierarchy.constraints(sectors=True))
    for block in dict.fromkeys(i.block for i in inst.items):
        for items in p.tables(block).values():
            for item, t in p.answers(items).items():
                add(item, t, p.hierarchy.constraints())
                if p._response_link(item, t.counts) is None:
                    continue
                rule = inst.asked_rule(inst.item(item).asked)
                columns = [0] if rule.item is None else [
                    j for j, group in enumerate(response.design.columns, start=1)
                    if set(group) <= set(rule.values)]
                for node in t.counts:
                    equalities.append(total((item, (node, 0)),
                                            [("response", (node, j)) for j in columns]))
    return audit(cells, equalities, truth=truth)


def test_a_response_table_that_gives_away_who_was_asked_is_hidden_more(tmp_path):
    """Region A: 6 schools, 1 collaborating, 1 planning, 4 not (B: 3, 1, 1). Both small
    status counts are hidden, but their sum (2 < k = 3) follows from A's n and its shown 4;
    an item asked of collaborating and planning schools has exactly that n. Deciding the
    item table alone cannot protect it (the plan raised "cell (('region', 'A'), 0) cannot
    be protected", as it did for the example's wave 2022 and the example with its regions
    doubled); the response table must hide more. An item asked only of the schools that do
    not collaborate, decided before, shows their number (4) as its n: it is decided again
    against the response table as it ends, and every table together audits clean."""
    import pandas as pd

    study_dir = tmp_path / "mini"
    shutil.copytree(MINI, study_dir)
    inst = study_dir / "instrument.yaml"
    text = inst.read_text(encoding="utf-8").replace(
        "item: status, values: [1]}",
        "item: status, values: [1, 2]}\n  - {id: nocollab, label: {nl: \"niet\", en: "
        "\"not\"}, item: status, values: [3]}")
    text = text.replace(
        "response_set: status}\n",
        "response_set: status}\n  - {id: reden, block: board, asked: nocollab, text: "
        "{nl: \"Reden\", en: \"Reason\"}, response_set: agree5}\n", 1)
    inst.write_text(text, encoding="utf-8")
    path = study_dir / "survey_2023.csv"
    survey = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    items = ["com_1", "com_2", "com_3", "ver_1", "ver_2", "tijd", "tevredenheid"]
    a = survey.index[survey["region"] == "A"]
    survey.loc[a[1], "status"] = "2"                       # S002 plans
    survey.loc[a[[3, 4]], "status"] = "3"                  # S004, S005 do not collaborate
    survey.loc[a[[3, 4]], items] = ""
    survey.loc[survey.index[survey["region"] == "B"][0], "status"] = "2"
    survey["reden"] = ""
    survey.loc[survey["status"] == "3", "reden"] = "4"
    survey.to_csv(path, sep=";", index=False)

    study = image_synth.load_study(study_dir)
    p = plan(study, 2023)
    response = p.response("status")
    node = ("region", "A")
    assert response.counts[node] == [6, 1, 1, 4]
    assert [response.state(node, j) for j in (1, 2)] == ["primary", "primary"]
    assert response.state(node, 0) or response.state(node, 3)  # hidden more for the link
    tijd = p.answers(["tijd"])["tijd"]
    assert tijd.counts[node][0] == 2 and tijd.state(node, 0) == "primary"
    reden = p.answers(["reden"])["reden"]
    assert reden.counts[node][0] == 4 and reden.state(node, 0)  # not the 4 it would give away
    assert _all_tables_audit(study, p) == []


def test_a_plan_decided_in_another_process_is_the_same_file(tmp_path, monkeypatch):
    # the runner's pool workers decide the earlier waves' plans from the study's path
    import multiprocessing
    import os

    from image_synth.disclosure.plan import precompute_at

    monkeypatch.setenv(CACHE_ENV, "off")
    here, there = tmp_path / "here", tmp_path / "there"
    precompute(image_synth.load_study(MINI), 2022, here)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        pool.apply(precompute_at, (str(MINI), 2022, str(there)))
    mine = sorted(p.name for p in here.glob("plan-*.json"))
    assert mine == sorted(p.name for p in there.glob("plan-*.json")) and len(mine) == 1
    assert (here / mine[0]).read_bytes() == (there / mine[0]).read_bytes()
    precompute_at(str(MINI), 2022, str(there))  # in this process: the variable restored
    assert os.environ[CACHE_ENV] == "off"
