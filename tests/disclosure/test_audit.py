"""The linear-system audit and joint suppression (image_synth.disclosure.audit).

Small systems are reasoned on paper (the reasoning is beside each test). Larger ones
are checked against independent references written here: a dense
``scipy.optimize.linprog`` per hidden cell (min and max, with and without integrality)
built straight from the table's rows, and the rank test of ``_support.determined_cells``
(a hidden cell whose unit vector lies in the row space of the equations is recovered by
subtraction).
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from _support import determined_cells

from image_synth.errors import AnalysisError
from image_synth.disclosure.audit import (
    Recovered,
    audit,
    mean_times_n,
    protect,
    reader_bounds,
    same,
    table_system,
    total,
)
from image_synth.disclosure.rules import table_pattern

MIN_N = 5


# ----------------------------------------------------------------------------- helpers

def two_by_two(hidden=()):
    """a b | r1 / c d | r2 / k1 k2 | g: a=3 b=7 c=6 d=9, margins and grand total."""
    values = {"a": 3, "b": 7, "c": 6, "d": 9, "r1": 10, "r2": 15, "k1": 9, "k2": 16, "g": 25}
    eqs = [total("r1", ["a", "b"]), total("r2", ["c", "d"]), total("k1", ["a", "c"]),
           total("k2", ["b", "d"]), total("g", ["r1", "r2"]), total("g", ["k1", "k2"])]
    cells = {k: (None if k in hidden else v) for k, v in values.items()}
    return values, cells, eqs


def hide(values, pattern):
    """Published cells (None where hidden) and the truth of the hidden ones."""
    return ({k: (None if k in pattern else v) for k, v in values.items()},
            {k: values[k] for k in pattern})


def hierarchy(seed, sizes=(5, 5, 4, 4), answers=5,
              draw=(0, 0, 1, 1, 2, 3, 4, 5, 6, 8, 10, 14, 20)):
    """Nation > len(sizes) situations > sum(sizes) regions; ``answers`` columns + total.

    Region counts drawn from ``draw`` (many small cells); situations and the nation are
    the sums. Returns ``rows`` (key -> [total, count_1, ...]) and ``parents``.
    """
    rng = random.Random(seed)
    rows, parents, situations = {}, [], []
    r = 0
    for s, size in enumerate(sizes):
        regions = []
        for _ in range(size):
            counts = [rng.choice(draw) for _ in range(answers)]
            rows[("region", r)] = [sum(counts), *counts]
            regions.append(("region", r))
            r += 1
        rows[("situation", s)] = [sum(rows[c][j] for c in regions) for j in range(answers + 1)]
        parents.append((("situation", s), regions))
        situations.append(("situation", s))
    rows[("nation",)] = [sum(rows[c][j] for c in situations) for j in range(answers + 1)]
    parents.append((("nation",), situations))
    return rows, parents


def reference_intervals(rows, parents, hidden, *, integer):
    """Exact [min, max] of every hidden cell: dense linprog, one per bound, built from
    the table itself (row total = sum of answers; parent = sum of children per column)."""
    from scipy.optimize import linprog

    values = {(k, j): v for k, vs in rows.items() for j, v in enumerate(vs)}
    unknown = sorted(hidden, key=str)
    index = {c: i for i, c in enumerate(unknown)}
    width = max(len(v) for v in rows.values())
    constraints = [((k, 0), [(k, j) for j in range(1, len(v))]) for k, v in rows.items()]
    constraints += [((p, j), [(c, j) for c in ch]) for p, ch in parents for j in range(width)]
    a, b = [], []
    for parent, children in constraints:
        row, rhs = np.zeros(len(unknown)), 0.0
        for cell, sign in [(parent, -1.0)] + [(c, 1.0) for c in children]:
            if cell in index:
                row[index[cell]] += sign
            else:
                rhs -= sign * values[cell]
        if row.any():
            a.append(row)
            b.append(rhs)
    out = {}
    for cell, i in index.items():
        bounds = []
        for sign in (1.0, -1.0):
            c = np.zeros(len(unknown))
            c[i] = sign
            res = linprog(c, A_eq=np.array(a), b_eq=np.array(b), bounds=(0, None),
                          method="highs", integrality=np.full(len(unknown), int(integer)))
            if sign < 0 and res.status in (3, 4):   # the truth is feasible: unbounded
                bounds.append(math.inf)
                continue
            assert res.status == 0, res.message
            bounds.append(sign * res.fun)
        out[cell] = tuple(bounds)
    return out


def keys(found):
    return sorted(r.key for r in found)


# ------------------------------------------------------------------- audit, by hand

def test_one_hidden_cell_of_a_2x2_table_with_margins_is_recovered():
    # r1 - b = 10 - 7 = 3 (and k1 - c = 9 - 6 = 3)
    _, cells, eqs = two_by_two(hidden={"a"})
    assert audit(cells, eqs, truth={"a": 3}) == [Recovered("a", 3.0, 3.0, 3.0)]
    # without the truth the value is still known: it is the only one possible
    assert audit(cells, eqs) == [Recovered("a", 3.0, 3.0, 3.0)]


def test_two_hidden_cells_in_a_row_are_recovered_through_the_column_margins():
    # a + b = r1 leaves a pair open, but a = k1 - c = 3 and b = k2 - d = 16 - 9 = 7
    _, cells, eqs = two_by_two(hidden={"a", "b"})
    assert audit(cells, eqs) == [Recovered("a", 3.0, 3.0, 3.0), Recovered("b", 7.0, 7.0, 7.0)]


def test_four_hidden_cells_in_a_rectangle_are_safe_and_their_intervals_are_exact():
    # a = t, b = 10 - t, c = 9 - t, d = 6 + t with every cell >= 0: t in [0, 9]
    values, cells, eqs = two_by_two(hidden={"a", "b", "c", "d"})
    truth = {k: values[k] for k in "abcd"}
    assert audit(cells, eqs, truth=truth) == []
    assert audit(cells, eqs, truth=truth, integer=False) == []
    wide = audit(cells, eqs, truth=truth, min_width=10)
    assert [(r.key, r.low, r.high) for r in wide] == [
        ("a", 0, 9), ("b", 1, 10), ("c", 0, 9), ("d", 6, 15)]
    assert [r.value for r in wide] == [3, 7, 6, 9]
    # width 9 is enough for min_width 9
    assert audit(cells, eqs, truth=truth, min_width=9) == []


def test_a_known_upper_bound_narrows_the_rectangle():
    # a reader who knows a <= 2: t in [0, 2], so every cell has width 2
    values, cells, eqs = two_by_two(hidden={"a", "b", "c", "d"})
    truth = {k: values[k] for k in "abcd"}
    assert audit(cells, eqs, truth={**truth, "a": 2, "b": 8, "c": 7, "d": 8},
                 upper={"a": 2}) == []
    found = audit(cells, eqs, truth={**truth, "a": 2, "b": 8, "c": 7, "d": 8},
                  upper={"a": 2}, min_width=3)
    assert [(r.key, r.low, r.high) for r in found] == [
        ("a", 0, 2), ("b", 8, 10), ("c", 7, 9), ("d", 6, 8)]
    # and an upper bound of 0 pins the whole rectangle: a = 0 is not reported (empty)
    zero = {"a": 0, "b": 10, "c": 9, "d": 6}
    assert audit(cells, eqs, truth=zero, upper={"a": 0}) == [
        Recovered("b", 10.0, 10.0, 10.0), Recovered("c", 9.0, 9.0, 9.0),
        Recovered("d", 6.0, 6.0, 6.0)]


def test_the_single_hidden_cell_of_a_sum_is_caught():
    # t = a + b + c with only b hidden: b = 20 - 2 - 10 = 8
    cells = {"t": 20, "a": 2, "b": None, "c": 10}
    assert audit(cells, [total("t", ["a", "b", "c"])]) == [Recovered("b", 8.0, 8.0, 8.0)]
    # ... and when it pins another one in turn: u = b + d, d hidden too: d = 11 - 8 = 3
    cells = {**cells, "u": 11, "d": None}
    eqs = [total("t", ["a", "b", "c"]), total("u", ["b", "d"])]
    assert keys(audit(cells, eqs)) == ["b", "d"]
    assert audit(cells, eqs)[1] == Recovered("d", 3.0, 3.0, 3.0)


def test_integrality_collapses_an_interval_the_lp_leaves_open():
    # n = 10 answers with codes 1, 3, 4; published mean 1.4, so sum(code*count) = 14:
    #   c1 + c2 + c3 = 10 and c1 + 3 c2 + 4 c3 = 14  =>  c2 = (4 - 3 c3) / 2,
    #   c1 = 8 + c3 / 2, and c2 >= 0 gives c3 <= 4/3.
    # Real values: c3 in [0, 4/3], c2 in [0, 2], c1 in [8, 26/3]: nothing is pinned.
    # Integers: c2 integer needs c3 even, so c3 = 0, c2 = 2, c1 = 8: all pinned.
    cells = {"n": 10, "c1": None, "c2": None, "c3": None}
    eqs = [total("n", ["c1", "c2", "c3"]), mean_times_n("n", 1.4, {"c1": 1, "c2": 3, "c3": 4})]
    truth = {"c1": 8, "c2": 2, "c3": 0}
    assert audit(cells, eqs, truth=truth, integer=False) == []
    # c3 = 0 is pinned too, but an empty cell is not reported
    assert audit(cells, eqs, truth=truth) == [Recovered("c1", 8.0, 8.0, 8.0),
                                              Recovered("c2", 2.0, 2.0, 2.0)]
    narrow = audit(cells, eqs, truth=truth, integer=False, min_width=1)
    assert [r.key for r in narrow] == ["c1"]
    assert narrow[0].low == pytest.approx(8) and narrow[0].high == pytest.approx(26 / 3)
    # without the truth, in real values: every interval as computed above
    found = audit(cells, eqs, integer=False, min_width=3)
    assert [(r.key, r.value) for r in found] == [("c1", None), ("c2", None), ("c3", None)]
    assert [b for r in found for b in (r.low, r.high)] == pytest.approx(
        [8, 26 / 3, 0, 2, 0, 4 / 3])


def test_a_rounded_mean_is_a_tolerance_not_an_equality():
    # n = 3, codes 1 and 2, true counts 1 and 2: mean 5/3 published as 1.67.
    # With decimals=2: |c1 + 2 c2 - 1.67 * 3| <= 0.005 * 3, so c1 + 2 c2 = 5 (integers),
    # with c1 + c2 = 3: c2 = 2, c1 = 1.
    cells = {"n": 3, "c1": None, "c2": None}
    truth = {"c1": 1, "c2": 2}
    eqs = [total("n", ["c1", "c2"]), mean_times_n("n", 1.67, {"c1": 1, "c2": 2}, decimals=2)]
    assert audit(cells, eqs, truth=truth) == [Recovered("c1", 1.0, 1.0, 1.0),
                                              Recovered("c2", 2.0, 2.0, 2.0)]
    # real values: c2 in [5.01 - 0.015 - 3, 5.01 + 0.015 - 3] = [1.995, 2.025]
    found = audit(cells, eqs, truth=truth, integer=False, min_width=1)
    assert [(r.key, r.low, r.high) for r in found] == [
        ("c1", pytest.approx(0.975), pytest.approx(1.005)),
        ("c2", pytest.approx(1.995), pytest.approx(2.025))]
    # stated as exact, 1.67 * 3 = 5.01 has no integer solution: refused
    exact = [total("n", ["c1", "c2"]), mean_times_n("n", 1.67, {"c1": 1, "c2": 2})]
    with pytest.raises(AnalysisError, match="truth does not satisfy"):
        audit(cells, exact, truth=truth)


def test_an_equality_linking_two_tables_recovers_what_each_table_hides():
    # table A: a1 + a2 = nA (3, shown), a1 = 1 and a2 = 2 hidden: a1 in [0, 3].
    # table B: b1 + b2 = nB (7, shown), b1 = 3 and b2 = 4 hidden: b1 in [0, 7].
    # The n of A's item is B's count b1 (same respondents): b1 = nA = 3, b2 = 7 - 3 = 4.
    cells = {"a1": None, "a2": None, "nA": 3, "b1": None, "b2": None, "nB": 7}
    truth = {"a1": 1, "a2": 2, "b1": 3, "b2": 4}
    eqs = [total("nA", ["a1", "a2"]), total("nB", ["b1", "b2"])]
    assert audit(cells, eqs, truth=truth) == []
    assert audit(cells, [*eqs, same("nA", "b1")], truth=truth) == [
        Recovered("b1", 3.0, 3.0, 3.0), Recovered("b2", 4.0, 4.0, 4.0)]


def test_keys_may_be_numbers_and_the_right_hand_side_a_constant():
    # {1: 1, 2: 1} = 12 (a total not in the table); cell 2 shown as 5: cell 1 = 7
    assert audit({1: None, 2: 5}, [({1: 1, 2: 1}, 12)]) == [Recovered(1, 7.0, 7.0, 7.0)]


def test_hidden_cells_in_no_equality_are_safe_unless_bounded():
    assert audit({"x": None}, [], truth={"x": 3}) == []
    assert audit({"x": None}, [], truth={"x": 3}, upper={"x": 3}, min_width=5) == [
        Recovered("x", 3.0, 0.0, 3.0)]


# ----------------------------------------------------------------- audit, refused

def test_malformed_input_is_refused_with_every_problem_named():
    with pytest.raises(AnalysisError) as info:
        audit({"a": None, "b": 1}, [({"a": 1}, {"zz": 1}), ("a", 3), ({"a": "x"}, 1)])
    text = str(info.value)
    assert "equality 0" in text and "'zz'" in text
    assert "equality 1" in text and "mapping" in text
    assert "equality 2" in text and "'x'" in text
    with pytest.raises(AnalysisError, match="count >= 0"):
        audit({"a": -1}, [])


def test_published_cells_that_break_an_equality_are_refused():
    with pytest.raises(AnalysisError, match="equality 0 does not hold"):
        audit({"t": 10, "a": 3, "b": 4, "c": 4}, [total("t", ["a", "b", "c"])])


def test_bad_truth_and_bounds_are_refused():
    with pytest.raises(AnalysisError, match="truth values must be"):
        audit({"x": None}, [], truth={"x": -2})
    with pytest.raises(AnalysisError, match="'y'"):
        audit({"x": None}, [], upper={"y": 3})
    with pytest.raises(AnalysisError, match="upper bound of \\['a'\\]"):
        audit({"a": None, "b": None, "t": 9}, [total("t", ["a", "b"])],
              truth={"a": 5, "b": 4}, upper={"a": 4})


def test_truth_that_breaks_an_equality_is_refused():
    _, cells, eqs = two_by_two(hidden={"a", "b", "c", "d"})
    with pytest.raises(AnalysisError, match="truth does not satisfy"):
        audit(cells, eqs, truth={"a": 3, "b": 7, "c": 6, "d": 8})
    with pytest.raises(AnalysisError, match="no value"):
        audit(cells, eqs, truth={"a": 3})


# ------------------------------------------------------- audit against references

def test_the_first_recovered_cell_is_found_without_the_truth_past_a_cell_at_zero():
    # a + b = 0 pins a and b at 0 (not reported), a + c = 5 then pins c at 5
    cells = {"a": None, "b": None, "c": None, "t1": 0, "t2": 5}
    eqs = [total("t1", ["a", "b"]), total("t2", ["a", "c"])]
    assert audit(cells, eqs) == [Recovered("c", 5.0, 5.0, 5.0)]
    assert audit(cells, eqs, first=True) == [Recovered("c", 5.0, 5.0, 5.0)]


@pytest.mark.parametrize("integer", [True, False])
def test_intervals_match_a_dense_linprog_per_cell_on_random_tables(integer):
    """Every reported cell and bound equals the reference; nothing narrow is missed."""
    rng = random.Random(11 if integer else 12)
    checked = narrow = several = 0
    for seed in range(25):
        rows, parents = hierarchy(seed, sizes=(2, 2), answers=3,
                                  draw=(0, 1, 2, 3, 4, 6, 9))
        values, eqs = table_system(rows, parents)
        pattern = {k for k in values if rng.random() < 0.45}
        cells, truth = hide(values, pattern)
        reference = reference_intervals(rows, parents, pattern, integer=integer)
        for min_width in (0, 3):
            expected = {k: lo_hi for k, lo_hi in reference.items()
                        if truth[k] != 0 and lo_hi[1] - lo_hi[0] < max(min_width, 1e-6)}
            found = audit(cells, eqs, truth=truth, integer=integer, min_width=min_width)
            assert {r.key for r in found} == set(expected), (seed, min_width)
            for r in found:
                assert (r.low, r.high) == pytest.approx(expected[r.key], abs=1e-6)
                assert r.value == truth[r.key]
            # the yes-or-no audit: one of those cells with its exact bounds, or none
            one = audit(cells, eqs, truth=truth, integer=integer, min_width=min_width,
                        first=True)
            assert len(one) == min(1, len(expected)), (seed, min_width)
            for r in one:
                assert (r.low, r.high) == pytest.approx(expected[r.key], abs=1e-6)
                several += len(expected) > 1
            checked += len(reference)
            narrow += len(found)
    assert narrow > 20 and checked > 300          # the comparison had something to see
    assert several > 5                            # first=True had more than one to stop at


def test_recovery_by_subtraction_matches_the_rank_test_when_no_hidden_cell_is_empty():
    """Without empty hidden cells the bounds never bind at the truth, so in real values a
    cell is pinned exactly when the equations alone determine it (the rank test)."""
    rng = random.Random(5)
    found_any = False
    for seed in range(40):
        rows, parents = hierarchy(seed, sizes=(3, 2), answers=3, draw=(1, 2, 3, 4, 6, 9))
        values, eqs = table_system(rows, parents)
        pattern = {k for k in values if rng.random() < 0.4}
        cells, truth = hide(values, pattern)
        expected = determined_cells(rows, parents, pattern)
        assert set(keys(audit(cells, eqs, truth=truth, integer=False))) == expected, seed
        found_any |= bool(expected)
    assert found_any


# ------------------------------------------------------------------- protect, by hand

def test_protect_gives_the_single_small_cell_of_a_sum_its_cheapest_partner():
    # t = a + z + b + c, a = 2 is primary; alone it is t - z - b - c. A partner in the
    # sum: b (cost 1 + 8 = 9), c (11) or t (21): b is the cheapest. z = 0 would cost
    # 1, but an empty cell is shown, never hidden as a partner.
    cells = {"t": 20, "a": 2, "z": 0, "b": 8, "c": 10}
    eqs = [total("t", ["a", "z", "b", "c"])]
    assert protect(cells, eqs, min_n=MIN_N) == {"a": "primary", "b": "complementary"}
    # the caller's cost can make another cell the one to hide
    assert protect(cells, eqs, min_n=MIN_N, cost={"b": 100}) == {
        "a": "primary", "c": "complementary"}


def test_cells_named_primary_are_hidden_and_protected_like_small_ones():
    # a = 12 is not small, but its base is small elsewhere: the caller names it.
    # Its cheapest partner in t = a + b + c is b (cost 9 < 11 < 31).
    cells = {"t": 30, "a": 12, "b": 8, "c": 10}
    assert protect(cells, [total("t", ["a", "b", "c"])], min_n=MIN_N, primary=["a"]) == {
        "a": "primary", "b": "complementary"}
    with pytest.raises(AnalysisError, match="'q'"):
        protect(cells, [], min_n=MIN_N, primary=["q"])


def test_protect_refuses_hidden_values_and_a_bad_min_n():
    with pytest.raises(AnalysisError, match="count >= 0"):
        protect({"a": None}, [], min_n=MIN_N)
    with pytest.raises(AnalysisError, match="min_n"):
        protect({"a": 1}, [], min_n=0)


def test_protect_hides_the_cheapest_rectangle_of_a_2x2_table():
    # a = 3 is primary. Moves that keep every margin: the rectangle (a+1, b-1, c-1, d+1)
    # costs b + c + d = 8 + 7 + 10 = 25; a with b and both column totals (a+1, b-1,
    # k1+1, k2-1) costs 8 + 10 + 17 = 35, a with c and the row totals 7 + 11 + 16 = 34.
    values, _, eqs = two_by_two()
    assert protect(values, eqs, min_n=MIN_N) == {
        "a": "primary", "b": "complementary", "c": "complementary", "d": "complementary"}


def test_protect_names_a_cell_it_cannot_protect():
    # a = 2 is fixed by a constant: no pattern hides it
    with pytest.raises(AnalysisError, match="'a' cannot be protected"):
        protect({"a": 2, "b": 10}, [({"a": 1}, 2)], min_n=MIN_N)
    # partners that must never be hidden
    with pytest.raises(AnalysisError, match="cannot be protected"):
        protect({"t": 20, "a": 2, "b": 18}, [total("t", ["a", "b"])], min_n=MIN_N,
                cost={"t": math.inf, "b": math.inf})


def test_protect_with_a_width_of_min_n():
    # t = a + b + c + d with a = 2 and b = 3, both primary. Hidden together they pool
    # t - c - d = 5: a in [0, 5] and b in [0, 5], width 5, so min_width=5 needs nothing
    # more. A width of 6 needs a third cell: c (cost 16) before d (21) or t (41).
    cells = {"t": 40, "a": 2, "b": 3, "c": 15, "d": 20}
    eqs = [total("t", ["a", "b", "c", "d"])]
    assert protect(cells, eqs, min_n=MIN_N, min_width=5) == {"a": "primary", "b": "primary"}
    assert protect(cells, eqs, min_n=MIN_N, min_width=6) == {
        "a": "primary", "b": "primary", "c": "complementary"}


def test_pruning_only_shows_cells_again_and_keeps_the_pattern_clean():
    rows, parents = hierarchy(6)
    values, eqs = table_system(rows, parents)
    greedy = protect(values, eqs, min_n=MIN_N, prune=False)
    pruned = protect(values, eqs, min_n=MIN_N)
    assert set(pruned) < set(greedy)
    assert {k for k, s in pruned.items() if s == "primary"} == {
        k for k, s in greedy.items() if s == "primary"}
    for states in (greedy, pruned):
        cells, truth = hide(values, set(states))
        assert audit(cells, eqs, truth=truth) == []


# ----------------------------------------------- protect on a 3-level hierarchy

def test_protect_on_a_three_level_hierarchy_passes_the_audit():
    """nation > 4 situations > 18 regions, 5 answers + row totals, many small cells."""
    rows, parents = hierarchy(2024)
    values, eqs = table_system(rows, parents)
    states = protect(values, eqs, min_n=MIN_N)
    small = {k for k, v in values.items() if 0 < v < MIN_N}
    assert len(small) > 20
    assert {k for k, s in states.items() if s == "primary"} == small
    complementary = {k for k, s in states.items() if s == "complementary"}
    assert complementary and all(values[k] >= MIN_N for k in complementary)
    cells, truth = hide(values, set(states))
    assert audit(cells, eqs, truth=truth) == []
    assert audit(cells, eqs, truth=truth, integer=False) == []
    assert {k for k in determined_cells(rows, parents, set(states)) if values[k]} == set()
    # the exact integer intervals of the primary cells, from the reference: all open
    reference = reference_intervals(rows, parents, set(states), integer=True)
    assert all(reference[k][1] - reference[k][0] >= 1 for k in small)


def test_the_marks_pin_a_row_that_looks_safe_without_them():
    """A row 1 + 5 + 5 = 11 with its total shown: hiding the 1 and one 5 leaves both at
    [0, 6] to a reader who knows only ">= 0" — but "<5" is at least 1 and the other mark
    at least 5, so 1 + 5 = 6 pins both."""
    values = {"t": 11, "a": 1, "b": 5, "c": 5}
    eqs = [total("t", ["a", "b", "c"])]
    plain = protect(values, eqs, min_n=5)
    cells, truth = hide(values, set(plain))
    assert audit(cells, eqs, truth=truth) == []
    lower, upper = reader_bounds(values, plain, min_n=5)
    assert lower == {"a": 1.0, **{k: 5.0 for k in plain if k != "a"}} and upper == {"a": 4.0}
    assert [r.key for r in audit(cells, eqs, truth=truth, lower=lower, upper=upper)] == sorted(
        plain)
    # with the marks known and the total kept (shown elsewhere), no pattern of single
    # cells protects the row: the cell is named; hiding the total would do
    shown = {"t": math.inf}
    with pytest.raises(AnalysisError) as caught:
        protect(values, eqs, min_n=5, marks=True, cost=shown)
    assert caught.value.cell == "a"
    assert "t" in protect(values, eqs, min_n=5, marks=True)
    # withheld whole (one neutral mark, zeros included), the row is safe
    states = protect(values, eqs, min_n=5, marks=True, withheld=["a", "b", "c"], cost=shown)
    assert states == {"a": "withheld", "b": "withheld", "c": "withheld"}
    lower, upper = reader_bounds(values, states, min_n=5)
    assert lower == {} and upper == {}
    cells, truth = hide(values, set(states))
    assert audit(cells, eqs, truth=truth) == []


def test_protect_with_marks_passes_the_audit_with_the_bounds_the_marks_give():
    """nation > situations > regions: with ``marks`` every pattern holds against a reader
    who knows "<k" is 1 to k - 1 and the complementary mark at least k; the pattern made
    without them does not (on this table)."""
    rows, parents = hierarchy(2024)
    values, eqs = table_system(rows, parents)
    plain = protect(values, eqs, min_n=MIN_N)
    cells, truth = hide(values, set(plain))
    lower, upper = reader_bounds(values, plain, min_n=MIN_N)
    assert audit(cells, eqs, truth=truth, lower=lower, upper=upper) != []
    states = protect(values, eqs, min_n=MIN_N, marks=True)
    assert {k for k, s in states.items() if s == "primary"} == {
        k for k, v in values.items() if 0 < v < MIN_N}
    cells, truth = hide(values, set(states))
    lower, upper = reader_bounds(values, states, min_n=MIN_N)
    assert all(values[k] >= MIN_N for k, v in lower.items() if v == MIN_N)
    assert audit(cells, eqs, truth=truth, lower=lower, upper=upper) == []


def test_lower_bounds_are_checked_against_the_truth_and_the_upper_bounds():
    cells = {"t": 10, "a": None, "b": None}
    eqs = [total("t", ["a", "b"])]
    with pytest.raises(AnalysisError, match="below the lower bound"):
        audit(cells, eqs, truth={"a": 2, "b": 8}, lower={"a": 5})
    with pytest.raises(AnalysisError, match="exceed their upper bounds"):
        audit(cells, eqs, truth={"a": 2, "b": 8}, lower={"a": 5}, upper={"a": 4})
    # a: [1, 4], b at least 5 -> a in [1, 4] and b = 10 - a in [6, 9]: both open
    assert audit(cells, eqs, truth={"a": 2, "b": 8}, lower={"a": 1, "b": 5},
                 upper={"a": 4}) == []
    # b at least 9: a = 1 exactly
    assert audit(cells, eqs, truth={"a": 1, "b": 9}, lower={"a": 1, "b": 9},
                 upper={"a": 4}) == [Recovered("a", 1.0, 1.0, 1.0), Recovered("b", 9.0, 9.0, 9.0)]


def test_protect_with_min_width_gives_every_primary_cell_that_width():
    rows, parents = hierarchy(2024)
    values, eqs = table_system(rows, parents)
    states = protect(values, eqs, min_n=MIN_N, min_width=MIN_N)
    cells, truth = hide(values, set(states))
    primary = {k for k, s in states.items() if s == "primary"}
    narrow = {r.key for r in audit(cells, eqs, truth=truth, min_width=MIN_N)}
    assert narrow.isdisjoint(primary)
    assert audit(cells, eqs, truth=truth) == []
    # the exact recovery protection alone leaves some primary cell narrower than 5
    exact = protect(values, eqs, min_n=MIN_N)
    cells, truth = hide(values, set(exact))
    assert {r.key for r in audit(cells, eqs, truth=truth, min_width=MIN_N)} & primary


def test_protect_is_deterministic_whatever_the_order_of_its_inputs():
    rows, parents = hierarchy(77)
    values, eqs = table_system(rows, parents)
    first = protect(values, eqs, min_n=MIN_N)
    assert protect(values, eqs, min_n=MIN_N) == first
    shuffled = list(values.items())
    random.Random(1).shuffle(shuffled)
    eqs_reversed = [({k: a for k, a in reversed(lhs.items())}, rhs) for lhs, rhs in eqs[::-1]]
    again = protect(dict(shuffled), eqs_reversed, min_n=MIN_N)
    assert again == first and list(again) == list(first)


def test_cost_decides_between_hiding_regions_and_hiding_the_situation():
    # Situation S over regions R1 = [12 | 2, 10] and R2 = [27 | 12, 15]; S = [39 | 14, 25].
    # a = (R1, 1) = 2 is primary. Moves of a that keep every sum, with default costs
    # 1 + value: the rectangle b, c, d: 11 + 13 + 16 = 40; b with S's two answers
    # (a+1, b-1, S1+1, S2-1): 11 + 15 + 26 = 52; R1's total, c and R2's total: 13 + 13 +
    # 28 = 54; R1's total, S1 and S's total: 13 + 15 + 40 = 68. The rectangle wins.
    # With region cells ten times dearer: 400, 110 + 41 = 151, 540, 130 + 55 = 185:
    # b with the situation's answers wins.
    rows = {"R1": [12, 2, 10], "R2": [27, 12, 15], "S": [39, 14, 25]}
    values, eqs = table_system(rows, [("S", ["R1", "R2"])])
    assert protect(values, eqs, min_n=MIN_N) == {
        ("R1", 1): "primary", ("R1", 2): "complementary",
        ("R2", 1): "complementary", ("R2", 2): "complementary"}
    dear = {k: 10 * (1 + v) for k, v in values.items() if k[0] != "S"}
    assert protect(values, eqs, min_n=MIN_N, cost=dear) == {
        ("R1", 1): "primary", ("R1", 2): "complementary",
        ("S", 1): "complementary", ("S", 2): "complementary"}


# ------------------------------------------------------- today's table_pattern

def test_table_pattern_leaves_a_primary_cell_recoverable_that_protect_protects():
    # Parent P over rows r0..r3, four answers + totals (found by a search over small
    # random tables). table_pattern hides r0:{2,4}, r1:{1,3,4}, r2:{2,4}, r3:{1,3}.
    #   column 4: r0_4 + r1_4 + r2_4 = 21 - 12 = 9
    #   column 2: r0_2 + r2_2 = 30 - 12 - 12 = 6
    #   rows: r0_2 + r0_4 = 21 - 6 - 9 = 6 and r2_2 + r2_4 = 19 - 7 - 6 = 6
    #   so r0_4 + r2_4 = 6 + 6 - 6 = 6 and r1_4 = 9 - 6 = 3, a primary cell.
    # Each constraint on its own has two or more hidden cells pooling >= 5: the rule
    # of table_pattern is met everywhere, the system is not.
    rows = {"r0": [21, 6, 2, 9, 4], "r1": [20, 2, 12, 3, 3], "r2": [19, 7, 4, 6, 2],
            "r3": [34, 3, 12, 7, 12], "P": [94, 18, 30, 25, 21]}
    parents = [("P", ["r0", "r1", "r2", "r3"])]
    today = table_pattern(rows, parents, min_n=MIN_N)
    assert today == {("r0", 2), ("r0", 4), ("r1", 1), ("r1", 3), ("r1", 4), ("r2", 2),
                     ("r2", 4), ("r3", 1), ("r3", 3)}, "table_pattern changed: revisit"
    values, eqs = table_system(rows, parents)
    cells, truth = hide(values, today)
    assert audit(cells, eqs, truth=truth) == [Recovered(("r1", 4), 3.0, 3.0, 3.0)]
    states = protect(values, eqs, min_n=MIN_N)
    cells, truth = hide(values, set(states))
    assert audit(cells, eqs, truth=truth) == []
    assert determined_cells(rows, parents, set(states)) == set()


def test_table_pattern_leaks_in_generated_hierarchies_and_protect_does_not():
    """Over seeded 3-level hierarchies: every cell the audit recovers from today's
    pattern is one the rank test also finds (subtraction), primary cells among them;
    protect's pattern on the same tables leaves none."""
    leaked_primary = 0
    for seed in (39, 40, 43, 102):
        rows, parents = hierarchy(seed)
        values, eqs = table_system(rows, parents)
        today = table_pattern(rows, parents, min_n=MIN_N)
        cells, truth = hide(values, today)
        found = audit(cells, eqs, truth=truth)
        assert set(keys(found)) == determined_cells(rows, parents, today), seed
        leaked_primary += sum(1 for r in found if r.value < MIN_N)
        states = protect(values, eqs, min_n=MIN_N)
        cells, truth = hide(values, set(states))
        assert audit(cells, eqs, truth=truth) == [], seed
    assert leaked_primary >= 4


def test_the_kept_highs_model_gives_linprogs_optimum_solve_after_solve():
    """One component solved many times over (objectives and boxes change, the simplex
    starts from the last basis): each optimum value, and each unbounded or infeasible
    verdict, is that of a fresh dense linprog."""
    from scipy.optimize import linprog

    from image_synth.disclosure.audit import _Component

    rng = np.random.default_rng(3)
    compared = {0: 0, 2: 0, 3: 0}
    for _ in range(6):
        n, m = 12, 7
        truth = rng.integers(0, 9, size=n).astype(float)
        a = rng.integers(-1, 2, size=(m, n)).astype(float)
        rows = [(r, {j: a[r, j] for j in range(n) if a[r, j]}, -float(a[r] @ truth), {}, 0.0)
                for r in range(m)]
        rows = [row for row in rows if row[1]]
        comp = _Component(np.arange(n), rows, np.full(n, np.inf), True)
        a_eq = np.array([[row[1].get(j, 0.0) for j in range(n)] for row in rows])
        b_eq = np.array([-row[2] for row in rows])
        for k in range(20):
            c = rng.normal(size=n)
            lb = np.zeros(n)
            ub = np.where(rng.random(n) < 0.5, truth + rng.integers(0, 4, size=n), np.inf)
            if k % 7 == 6:
                lb = truth + 50.0                      # no solution in this box
                ub = np.full(n, np.inf)
            status, x = comp._lp(c, lb, ub)
            ref = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=list(zip(lb, ub)), method="highs")
            expected = {0: 0, 2: 2, 3: 3}[ref.status]
            assert status == expected, (k, status, ref.message)
            if status == 0:
                assert c @ x == pytest.approx(ref.fun, abs=1e-6)
                assert comp.violated(x) is None
            compared[status] += 1
    assert all(compared.values()), compared     # each verdict was seen
