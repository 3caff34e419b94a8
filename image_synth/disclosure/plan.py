"""The disclosure decisions of a whole study and wave, made once for every page.

Every page of a run (the nation, each situation, each region) shows rows of the same
hierarchical tables: the answers to an item per node of the hierarchy, the response per
node. A reader can put the pages side by side, so the cells to hide are decided on the
whole hierarchy at once, and each page shows its rows of that one decision
(:class:`Plan`). Before cells are hidden, a table is redesigned the way statistical
offices do it:

1. **Answer categories collapsed.** When the full table would hide cells on the national
   row or more than a quarter of the situation rows, adjacent answers are combined
   (1–2 / 3 / 4–5 of a five-point scale; 1–3 / 4 / 5–7 of seven points; the non-numeric
   answers such as "don't know" stay apart), and the collapsed design is kept if it
   hides a smaller share of the national row (then of all rows). All items of one table
   get the same design, and every page uses it, so the pages stay one system.
2. **A level dropped.** The national response table leaves out the regions when showing
   them would hide more than a quarter of its cells (they are on their situation's page).

Only then are cells hidden: primary cells hold 1 to k − 1 respondents; complementary
cells are hidden so that no primary cell can be recovered by subtraction along a row
(answers add up to the total) or down the hierarchy (children add up to their parent,
column by column) — :func:`image_synth.disclosure.rules.hierarchy_pattern`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

import numpy as np
import pandas as pd

from .. import columns as C
from ..results.scope import NATIONAL, Hierarchy, hierarchy
from .rules import hierarchy_pattern

if TYPE_CHECKING:
    from ..study.load import Study
    from ..study.models import Instrument

__all__ = ["Plan", "Design", "TablePlan", "plan", "collapse_groups", "MAX_HIDDEN_SHARE"]

#: A table that would hide more than this share of its cells is redesigned first.
MAX_HIDDEN_SHARE = 0.25


@dataclass(frozen=True)
class Design:
    """The columns of an answer table: each a tuple of answer codes added together."""

    columns: tuple[tuple[int, ...], ...]
    collapsed: bool = False


@dataclass
class TablePlan:
    """One table family over the whole hierarchy: its design, every node's counts
    (``[total, column 1, ...]``) and the state of every hidden cell ``(node, j)``:
    ``"primary"`` or ``"complementary"`` (``j = 0`` is the total)."""

    design: Design
    counts: dict[tuple, list[int]]
    states: dict[tuple[tuple, int], str] = field(default_factory=dict)

    def state(self, node: tuple, j: int) -> str:
        return self.states.get((node, j), "")


def collapse_groups(codes: Sequence[int], non_numeric: Sequence[int]) -> tuple[tuple[int, ...], ...]:
    """Adjacent answers combined: the lower and upper thirds of an ordered scale
    (a middle answer stays on its own), each non-numeric answer on its own.

    >>> collapse_groups([1, 2, 3, 4, 5], [9])
    ((1, 2), (3,), (4, 5), (9,))
    >>> collapse_groups([1, 2, 3, 4, 5, 6, 7], [])
    ((1, 2, 3), (4,), (5, 6, 7))
    >>> collapse_groups([1, 2, 3, 4], [9])
    ((1, 2), (3, 4), (9,))
    """
    scale = [c for c in codes if c not in set(non_numeric)]
    k = len(scale)
    if k < 4:
        groups = [(c,) for c in scale]
    else:
        side = k // 2 if k % 2 == 0 else (k - 1) // 2
        groups = [tuple(scale[:side])]
        if k % 2:
            groups.append((scale[side],))
        groups.append(tuple(scale[k - side:]))
    return tuple(groups) + tuple((c,) for c in non_numeric)


def _membership(column: pd.Series, values: Sequence) -> np.ndarray:
    """Rows of ``column`` x ``values``: 1 where the row holds the value, else 0."""
    ids, uniques = pd.factorize(column)
    where = uniques.get_indexer(list(values))  # -1: no row holds the value
    return ((ids[:, None] == where) & (where >= 0)).astype(np.int64)


def _pattern(counts: dict[tuple, list[int]], constraints, *, min_n: int
             ) -> dict[tuple[tuple, int], str]:
    """Hidden cells of a hierarchical table with their state."""
    cells = {(k, j): v for k, values in counts.items() for j, v in enumerate(values)}
    rows = [((k, 0), [(k, j) for j in range(1, len(v))]) for k, v in counts.items()
            if len(v) > 1]
    width = max((len(v) for v in counts.values()), default=0)
    columns = [((p, j), [(c, j) for c in children])
               for p, children in constraints for j in range(width)]
    hidden = hierarchy_pattern(cells, rows + columns, min_n=min_n)
    return {cell: "primary" if 0 < cells[cell] < min_n else "complementary"
            for cell in hidden}


class Plan:
    """The disclosure decisions of one study and wave (see the module docstring).

    Made by :func:`plan`; tables are decided on first use and kept.
    """

    def __init__(self, study: "Study", wave: int):
        self.study = study
        self.wave = int(wave)
        self.min_n = study.min_n
        self.hierarchy: Hierarchy = hierarchy(study)
        self.survey = study.survey[study.survey[C.WAVE] == self.wave]
        self._tables: dict[tuple, TablePlan] = {}
        nodes = self.hierarchy.nodes()
        self._nodes = nodes
        situations = self.hierarchy.situations
        regions = [r for s in situations for r in self.hierarchy.regions[s]]
        # respondents x nodes: everyone counts for the nation, their situation and region
        self._members = np.column_stack([
            np.ones((len(self.survey), 1), dtype=np.int64),
            _membership(self.survey[C.SITUATION], situations),
            _membership(self.survey[C.REGION], regions)]) if len(self.survey) else None
        self._order = [NATIONAL, *(("situation", s) for s in situations),
                       *(("region", r) for r in regions)]

    # ------------------------------------------------------------------ answer tables
    def answers(self, items: Sequence[str]) -> dict[str, TablePlan]:
        """The plan of each item of one table (the items share one design)."""
        items = list(dict.fromkeys(items))
        key = ("answers", tuple(items))
        if key not in self._tables:
            inst = self.study.instrument
            given = {item: self._given(item) for item in items}
            full = {item: self._item_plan(item, given[item], self._full(item)) for item in items}
            chosen = full
            if any(self._too_much_hidden(p) for p in full.values()):
                collapsed = {}
                for item in items:
                    rs = inst.response_set(inst.item(item).response_set)
                    if not rs.ordered:
                        break
                    design = Design(collapse_groups([c.code for c in rs.codes],
                                                    [c.code for c in rs.codes if c.non_numeric]),
                                    collapsed=True)
                    if len(design.columns) == len(full[item].design.columns):
                        break
                    collapsed[item] = self._item_plan(item, given[item], design)
                else:
                    if _score(collapsed.values()) < _score(full.values()):
                        chosen = collapsed
            self._tables[key] = chosen  # type: ignore[assignment]
        return self._tables[key]  # type: ignore[return-value]

    def _full(self, item: str) -> Design:
        inst = self.study.instrument
        rs = inst.response_set(inst.item(item).response_set)
        return Design(tuple((c.code,) for c in rs.codes))

    def _given(self, item: str) -> tuple[list[int], np.ndarray]:
        """An item's codes and respondents x codes: 1 where a respondent who was asked
        the item gave the code."""
        from ..quant.distributions import asked_mask

        inst = self.study.instrument
        spec = inst.item(item)
        codes = [c.code for c in inst.response_set(spec.response_set).codes]
        if not len(self.survey):
            return codes, np.zeros((0, len(codes)), dtype=np.int64)
        asked = asked_mask(self.survey, spec, inst).to_numpy()
        values = self.survey[item].to_numpy(dtype="float64", na_value=np.nan)
        given = asked[:, None] & (values[:, None] == np.asarray(codes, dtype="float64"))
        return codes, given.astype(np.int64)

    def _item_plan(self, item: str, given: tuple[list[int], np.ndarray], design: Design
                   ) -> TablePlan:
        codes, answers = given
        if self._members is None:
            return TablePlan(design, {k: [0] * (1 + len(design.columns)) for k in self._order})
        per_code = self._members.T @ answers  # nodes x codes
        index = {c: j for j, c in enumerate(codes)}
        columns = np.column_stack([per_code[:, [index[c] for c in group]].sum(axis=1)
                                   for group in design.columns])
        counts = {k: [int(row.sum()), *map(int, row)] for k, row in zip(self._order, columns)}
        states = _pattern(counts, self.hierarchy.constraints(), min_n=self.min_n)
        return TablePlan(design, counts, states)

    def _too_much_hidden(self, table: TablePlan) -> bool:
        """Hidden cells on the national row, or more than a quarter of the situation
        rows' cells."""
        width = len(table.design.columns) + 1
        if any(table.state(NATIONAL, j) for j in range(width)):
            return True
        rows = [("situation", s) for s in self.hierarchy.situations]
        cells = [table.state(r, j) for r in rows for j in range(width)]
        return bool(cells) and sum(map(bool, cells)) / len(cells) > MAX_HIDDEN_SHARE

    # ------------------------------------------------------------------ response table
    def response(self, item: str | None) -> TablePlan:
        """The response table: respondents per node (sectors included) and, when the
        study has a status item, their answer to it."""
        key = ("response", item)
        if key not in self._tables:
            h = self.hierarchy
            nodes = h.nodes(sectors=True)
            survey = self.survey
            codes = []
            if item is not None:
                inst = self.study.instrument
                codes = [c.code for c in inst.response_set(inst.item(item).response_set).codes]
            counts = {}
            for node in nodes:
                part = survey[h.members(survey, node)] if len(survey) else survey
                counts[node] = [len(part)] + [int((part[item] == c).sum()) for c in codes]
            states = (_pattern(counts, h.constraints(sectors=True), min_n=self.min_n)
                      if codes else {})
            self._tables[key] = TablePlan(Design(tuple((c,) for c in codes)), counts, states)
        return self._tables[key]

    def national_shows_regions(self, item: str | None) -> bool:
        """Whether the national response table keeps its regions (a level is dropped
        when showing them would hide more than a quarter of its cells)."""
        table = self.response(item)
        width = len(table.design.columns) + 1
        shown = [k for k, _ in self.hierarchy.shown_on(_national())]
        cells = [table.state(k, j) for k in shown for j in range(width)]
        return not cells or sum(map(bool, cells)) / len(cells) <= MAX_HIDDEN_SHARE


def _national():
    from ..results.scope import Scope

    return Scope("national")


def _score(tables) -> tuple[float, float]:
    """How much a design hides: the share of the national row's cells, then the share
    over every node (lower is better)."""
    tables = list(tables)
    total = hidden = 0
    for t in tables:
        width = len(t.design.columns) + 1
        total += width
        hidden += sum(bool(t.state(NATIONAL, j)) for j in range(width))
    return (hidden / total if total else 0.0, _hidden_share(tables))


def _hidden_share(tables) -> float:
    """The share of hidden cells over every node of the tables."""
    total = hidden = 0
    for t in tables:
        total += sum(len(v) for v in t.counts.values())
        hidden += len(t.states)
    return hidden / total if total else 0.0


def plan(study: "Study", wave: int) -> Plan:
    """The study's plan for ``wave`` (made once per study object and wave)."""
    from ..results.memo import memo

    return memo(study, ("plan", int(wave)), lambda: Plan(study, wave))
