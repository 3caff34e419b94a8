"""Every page of the example run read together, audited by linear programming.

The pages of one run show the rows of the same tables: the answers to each item and the
response per node of the hierarchy (the nation on its page, each situation and region on
theirs). A reader who puts them side by side knows every shown count, that the answers of
a row add up to its n, that children add up to their parent column by column, and that
an item's n is the response table's count of those it was asked of. The audit solves
that whole system (integer counts >= 0) for every hidden cell's feasible range: none
may be pinned down to one value.

The published means of the condition statements are part of it too, each as the
interval its rounding leaves (``|sum((code - mean) * count)| <= 0.005 * n`` for two
decimals). What the audit does not include: the scale means (not linear in the answer
counts), intervals and shares (hidden wherever the row hides a cell), correlations.
"""

from __future__ import annotations

import pytest

import image_synth
from image_synth.disclosure.audit import audit, reader_bounds, table_system, total
from image_synth.disclosure.plan import plan
from image_synth.results import compute

pytestmark = pytest.mark.slow


def _system(study, wave):
    p = plan(study, wave)
    h = p.hierarchy
    results = compute(study, wave=wave)
    status = study.instrument.items_in_block("status")
    response = p.response(status[0].id if status else None)
    cells, truth, equalities = {}, {}, []

    def add(prefix, table, constraints):
        values, eqs = table_system(table.counts, constraints)
        for key, value in values.items():
            truth[(prefix, key)] = value
            cells[(prefix, key)] = None if table.states.get(key) else value
        for lhs, rhs in eqs:
            equalities.append(({(prefix, k): v for k, v in lhs.items()},
                               {(prefix, k): v for k, v in rhs.items()}))

    add("response", response, h.constraints(sectors=True))
    linked = 0
    for block in dict.fromkeys(i.block for i in study.instrument.items):
        for items in results.table_items(block).values():
            for item, table in p.answers(items).items():
                add(item, table, h.constraints())
                link = p._response_link(item, table.counts)
                if link is None:
                    continue
                linked += 1
                rule = study.instrument.asked_rule(study.instrument.item(item).asked)
                columns = [0] if rule.item is None else [
                    j for j, group in enumerate(response.design.columns, start=1)
                    if set(group) <= set(rule.values)]
                for node in table.counts:
                    equalities.append(total((item, (node, 0)),
                                            [("response", (node, j)) for j in columns]))
    return cells, truth, equalities, linked


def _published_means(study, wave):
    """The rounded condition means every page shows, as relations over the counts."""
    p = plan(study, wave)
    h = p.hierarchy
    inst = study.instrument
    scopes = [("national", "")] + [("situation", s) for s in h.situations] + [
        ("region", r) for s in h.situations for r in h.regions[s]]
    out = []
    for kind, value in scopes:
        results = compute(study, scope=kind, scope_value=value, wave=wave)
        groups = results.table_items("condition", ordered=True)
        for row in results.condition_summary.itertuples(index=False):
            if row.hidden or not row.n or row.mean != row.mean:
                continue
            items = next(g for g in groups.values() if row.item in g)
            table = p.answers(items)[row.item]
            rs = inst.response_set(inst.item(row.item).response_set)
            numeric = {c.code for c in rs.codes if not c.non_numeric}
            digits = int(row.mean_digits)
            mean = round(float(row.mean), digits)
            node = results.scope.key
            columns = [(j, g[0]) for j, g in enumerate(table.design.columns, start=1)
                       if len(g) == 1 and g[0] in numeric]
            out.append(({(row.item, (node, j)): code - mean for j, code in columns}, 0.0,
                        {(row.item, (node, j)): 0.5 * 10.0 ** -digits for j, _ in columns}))
    return out


def test_no_hidden_cell_of_all_pages_together_is_recoverable():
    study = image_synth.load_study()
    cells, truth, equalities, linked = _system(study, 2023)
    means = _published_means(study, 2023)
    hidden = [k for k, v in cells.items() if v is None and truth[k] > 0]
    assert len(hidden) > 1000 and linked > 10 and len(means) > 10
    recovered = audit(cells, equalities + means, truth=truth)
    assert recovered == [], recovered[:5]


def test_the_audit_finds_a_leak_when_one_complementary_cell_is_shown():
    """The same system with one complementary cell of a linked table shown again: the
    audit must notice the primary cell it protected (else it proves nothing)."""
    study = image_synth.load_study()
    cells, truth, equalities, _ = _system(study, 2023)
    p = plan(study, 2023)
    for (prefix, key), value in list(cells.items()):
        if prefix == "response" or value is not None:
            continue
        state = None
        for table in p._tables.values():
            if isinstance(table, dict) and prefix in table:
                state = table[prefix].states.get(key)
        if state == "complementary" and truth[(prefix, key)] > 0:
            trial = dict(cells)
            trial[(prefix, key)] = truth[(prefix, key)]
            if audit(trial, equalities, truth=truth):
                return
    pytest.fail("showing any single complementary cell never exposed a hidden cell")


@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="known leak: a reader knows every hidden cell is at "
                   "least 1 (zeros are shown, never hidden), a '<k' cell at most k - 1 and a "
                   "complementary one at least k (it would read '<k' if it were small); the "
                   "plan's protect() is not told (marks=False), and with these bounds hundreds "
                   "of hidden cells of the example are pinned. The marks-aware plan is on "
                   "branch 'leak', not landed (see the closing note of session 18)")
def test_no_hidden_cell_is_recoverable_knowing_what_the_marks_say():
    study = image_synth.load_study()
    cells, truth, equalities, _ = _system(study, 2023)
    p = plan(study, 2023)
    states = {}
    for key, table in p._tables.items():
        if key[0] == "answers":
            for item, t in table.items():
                states.update({(item, k): s for k, s in t.states.items()})
        elif key[0] == "response":
            states.update({("response", k): s for k, s in table.states.items()})
    lower, upper = reader_bounds(truth, states, min_n=study.min_n)
    assert sum(v >= study.min_n for v in lower.values()) > 100  # the marks are modelled
    recovered = audit(cells, equalities, truth=truth, lower=lower, upper=upper)
    assert recovered == [], len(recovered)
