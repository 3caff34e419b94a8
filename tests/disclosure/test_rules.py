"""Disclosure control: primary and complementary suppression, pinned by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from _support import determined_cells
from image_synth.errors import AnalysisError
from image_synth.disclosure.rules import REASON_COMPLEMENTARY, suppress, suppressed_groups


def test_single_small_group_takes_the_next_smallest_with_it():
    # R (4) is below 5; alone it could be recovered from the situation total, so the
    # smallest published region, P (6), goes too: hidden pool 10 >= 5.
    assert suppressed_groups({"J": 13, "P": 6, "Q": 19, "R": 4}, min_n=5) == {"P", "R"}


def test_two_small_groups_whose_pool_reaches_min_n_protect_each_other():
    # vso_vo 3 + po_kinderopvang 4 = 7 >= 5: no third situation needs hiding
    sizes = {"binnen_po": 11, "binnen_vo": 7, "po_kinderopvang": 4, "po_vo": 22,
             "onderwijs_jeugdhulp": 12, "vso_vo": 3}
    assert suppressed_groups(sizes, min_n=5) == {"po_kinderopvang", "vso_vo"}


def test_two_tiny_groups_pool_below_min_n_add_a_third():
    # 1 + 2 = 3 < 5: the smallest published group (6) is hidden as well
    assert suppressed_groups({"a": 1, "b": 2, "c": 6, "d": 9}, min_n=5) == {"a", "b", "c"}


def test_zero_is_shown_and_nothing_hidden_when_all_large():
    assert suppressed_groups({"a": 0, "b": 5, "c": 8}, min_n=5) == set()


def test_frequency_table_rows():
    # one item in one group: counts 2, 10, 30, 17 of 59; 2 is primary, 10 complementary
    frame = pd.DataFrame({"item": ["x"] * 4, "code": [1, 2, 3, 4], "count": [2, 10, 30, 17],
                          "share": [2 / 59, 10 / 59, 30 / 59, 17 / 59]})
    out = suppress(frame, min_n=5, n="count", within=["item"])
    assert out["suppressed"].tolist() == [True, True, False, False]
    assert math.isnan(out.loc[0, "count"]) and math.isnan(out.loc[1, "share"])
    assert out.loc[2, "count"] == 30
    assert out.loc[1, "suppression_reason"] == REASON_COMPLEMENTARY
    assert out.loc[0, "suppression_reason"] == "fewer than 5 respondents"


def test_means_without_partition_only_primary():
    frame = pd.DataFrame({"scale": ["a", "b"], "n": [3, 40], "mean": [4.1, 3.2]})
    out = suppress(frame, min_n=5, values=["n", "mean"])
    assert out["suppressed"].tolist() == [True, False]
    assert math.isnan(out.loc[0, "mean"]) and out.loc[1, "mean"] == 3.2


def test_publishing_off_changes_nothing():
    frame = pd.DataFrame({"n": [1, 2], "mean": [1.0, 2.0]})
    out = suppress(frame, min_n=5, enabled=False)
    assert out["mean"].tolist() == [1.0, 2.0] and not out["suppressed"].any()


def test_bad_column_is_named():
    with pytest.raises(AnalysisError, match="'respondents'"):
        suppress(pd.DataFrame({"n": [1]}), min_n=5, n="respondents")


def test_no_hidden_cell_is_pinned_down_in_a_region_with_two_sectors():
    from image_synth.disclosure.rules import table_pattern

    # the review's counter-example (region H of the example study, 2023):
    # [n, collaborating, planning, not collaborating]
    rows = {"H": [32, 8, 2, 22], "po": [25, 6, 2, 17], "vo": [7, 2, 0, 5]}
    parents = [("H", ["po", "vo"])]
    hidden = table_pattern(rows, parents, min_n=5)
    assert ("vo", 1) in hidden and ("H", 2) in hidden
    assert determined_cells(rows, parents, hidden) == set()


def test_a_single_complementary_cell_gets_a_partner():
    from image_synth.disclosure.rules import hierarchy_pattern

    # t2 = b + d: d (3) is small and takes b (9) with it. In t1 = a + b + c, b would then
    # be the only hidden cell (t1 - a - c gives it away), so a (the smaller) goes too.
    n = {"t1": 30, "a": 10, "b": 9, "c": 11, "t2": 12, "d": 3}
    constraints = [("t1", ["a", "b", "c"]), ("t2", ["b", "d"])]
    assert hierarchy_pattern(n, constraints, min_n=5) == {"d", "b", "a"}


def _pattern_resorting_each_pass(n, constraints, *, min_n):
    """hierarchy_pattern's rule with the children filtered and sorted anew at every visit
    of a constraint (the reference for the version that sorts them once)."""
    hidden = {k for k, v in n.items() if 0 < v < min_n}
    changed = True
    while changed:
        changed = False
        for parent, children in constraints:
            part = [c for c in children if n[c] > 0]
            inside = [c for c in part if c in hidden]
            if parent in hidden and n[parent] > 0 and not inside and part:
                inside = [min(part, key=lambda c: (n[c], str(c)))]
            if inside:
                pooled = sum(n[c] for c in inside)
                parent_shown = parent not in hidden
                for c in sorted((c for c in part if c not in inside),
                                key=lambda c: (n[c], str(c))):
                    if pooled >= min_n and not (parent_shown and len(inside) == 1):
                        break
                    inside.append(c)
                    pooled += n[c]
            new = set(inside) - hidden
            if new:
                hidden |= new
                changed = True
    return hidden


def test_hierarchy_pattern_on_random_tables_with_ties_and_repeated_children():
    import random

    from image_synth.disclosure.rules import hierarchy_pattern

    rng = random.Random(20231)
    for _ in range(2000):
        cells = [f"c{i}" for i in range(rng.randint(2, 14))]
        n = {c: rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 20]) for c in cells}
        constraints = []
        for _ in range(rng.randint(1, 6)):
            children = rng.sample(cells, rng.randint(1, min(5, len(cells))))
            if rng.random() < 0.2:
                children.append(children[0])
            constraints.append((rng.choice(cells), children))
        min_n = rng.choice([3, 5, 10])
        assert (hierarchy_pattern(n, constraints, min_n=min_n)
                == _pattern_resorting_each_pass(n, constraints, min_n=min_n))
