"""The disclosure decisions of a whole study and wave, made once for every page.

Every page of a run (the nation, each situation, each region) shows rows of the same
hierarchical tables: the answers to an item per node of the hierarchy, the response per
node. A reader can put the pages side by side, so the cells to hide are decided on the
whole hierarchy at once, and each page shows its rows of that one decision
(:class:`Plan`). Before cells are hidden, a table is redesigned the way statistical
offices do it:

1. **Answer categories collapsed.** When the full table would hide cells on the national
   row or more than a quarter of the situation rows, adjacent answers are combined: first
   into lower, middle and upper parts (1–2 / 3 / 4–5 of a five-point scale, 1–3 / 4 / 5–7
   of seven points), then into the two highest answers against the rest (1–3 / 4–5);
   the non-numeric answers such as "don't know" stay apart. The finest design whose
   national row hides at most a quarter of its cells is used (if none does, the one that
   hides least). All items of one table get the same design, and every page uses it, so
   the pages stay one system.
2. **A level dropped.** The national response table leaves out the regions when showing
   them would hide more than a quarter of its cells (they are on their situation's page).

Only then are cells hidden: primary cells hold 1 to k − 1 respondents; complementary
cells are hidden so that no hidden cell can be recovered from the whole linear system a
reader has — rows add up to their total, children to their parent column by column, and
an item's number asked is the response table's count of those its rule selects —
:func:`image_synth.disclosure.audit.protect`, with hiding pushed down the hierarchy
(a national cell is hidden only when it is small itself, if that protects everything).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

import numpy as np
import pandas as pd

from .. import columns as C
from ..errors import AnalysisError
from ..results.scope import NATIONAL, Hierarchy, hierarchy

if TYPE_CHECKING:
    from ..study.load import Study

__all__ = ["Plan", "Design", "TablePlan", "plan", "precompute", "cache_key", "collapse_groups",
           "MAX_HIDDEN_SHARE", "CACHE_ENV", "cache_folder"]

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
    #: cells of the response table this table needed hidden too, ``(node, j)`` -> state
    #: (only while it is decided: :meth:`Plan.answers` hides them there)
    grown: dict[tuple[tuple, int], str] = field(default_factory=dict)

    def state(self, node: tuple, j: int) -> str:
        return self.states.get((node, j), "")

    def row_hidden(self, node: tuple) -> bool:
        """Whether ``node``'s row of this table hides a cell."""
        return any(self.state(node, j) for j in range(len(self.counts[node])))


def collapse_groups(codes: Sequence[int], non_numeric: Sequence[int], *, level: int = 1
                    ) -> tuple[tuple[int, ...], ...]:
    """Adjacent answers combined, each non-numeric answer on its own.

    ``level=1``: the lower and upper parts of an ordered scale, a middle answer on its
    own (1–2 / 3 / 4–5). ``level=2``: the two highest answers against the rest (the
    "top two" split: 1–3 / 4–5).

    >>> collapse_groups([1, 2, 3, 4, 5], [9])
    ((1, 2), (3,), (4, 5), (9,))
    >>> collapse_groups([1, 2, 3, 4, 5, 6, 7], [])
    ((1, 2, 3), (4,), (5, 6, 7))
    >>> collapse_groups([1, 2, 3, 4], [9])
    ((1, 2), (3, 4), (9,))
    >>> collapse_groups([1, 2, 3, 4, 5], [9], level=2)
    ((1, 2, 3), (4, 5), (9,))
    """
    scale = [c for c in codes if c not in set(non_numeric)]
    k = len(scale)
    if k < 4:
        groups = [(c,) for c in scale]
    elif level == 2:
        groups = [tuple(scale[:-2]), tuple(scale[-2:])]
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


#: How much dearer it is to hide a cell of each level than a region's: hiding is pushed
#: down the hierarchy, so the pages most people read (nation, situations) hide least.
LEVEL_COST = {"national": 100.0, "situation": 10.0, "region": 1.0, "sector": 1.0}

#: How much dearer it is to hide a shown cell of the response table (decided first) for
#: an answer table than a cell of the answer table itself: only when nothing else helps.
LINK_COST = 1000.0


def _pattern(counts: dict[tuple, list[int]], constraints, *, min_n: int,
             linked: tuple[dict, list, dict] | None = None,
             extra: list | None = None, grow: bool = False) -> dict[tuple[tuple, int], str]:
    """Hidden cells of a hierarchical table with their state, decided on the whole linear
    system of the table (rows add up to their total, children to their parent, column by
    column) by :func:`image_synth.disclosure.audit.protect`: no hidden non-zero cell can
    be recovered exactly, every primary cell has at least two possible values.

    ``linked`` adds another table's cells, equalities and states (the response table,
    whose counts are the items' numbers asked): its hidden cells stay hidden, its shown
    cells are never hidden for this table — unless ``grow``: then its cells below the
    nation may be, dearly (``LINK_COST``), and those it needs are returned too, under
    their linked keys, for the caller to hide there. ``extra`` are more relations over
    the table's cells (a published mean).
    """
    from .audit import protect, table_system

    cells, equalities = table_system(counts, constraints)
    equalities = equalities + list(extra or [])
    cost = {key: (1.0 + value) * LEVEL_COST.get(key[0][0], 1.0) for key, value in cells.items()}
    primary = []
    if linked is not None:
        other_cells, other_equalities, other_states = linked
        cells.update(other_cells)
        equalities = equalities + other_equalities
        for key in other_cells:
            if key in other_states:
                primary.append(key)
            elif grow and key[1][0] != NATIONAL:
                cost[key] = LINK_COST * (1.0 + other_cells[key]) * LEVEL_COST.get(
                    key[1][0][0], 1.0)
            else:
                cost[key] = float("inf")
    # the national row is hidden only where it must be (its own small cells): first try
    # with its other cells out of reach, then, if that cannot protect every cell, at a cost
    small = [key for key in counts.get(NATIONAL, []) and
             [(NATIONAL, j) for j in range(1, len(counts[NATIONAL]))]
             if 0 < cells[key] < min_n]
    lone = len(small) == 1  # one small count in the national row needs a partner there
    national = {key: float("inf") for key in cost
                if key[0] == NATIONAL and not 0 < cells[key] < min_n
                and not (lone and key[1] > 0)}
    try:
        states = protect(cells, equalities, min_n=min_n, primary=primary,
                         cost={**cost, **national})
    except AnalysisError:
        states = protect(cells, equalities, min_n=min_n, primary=primary, cost=cost)
    own = {key: state for key, state in states.items() if key in counts or
           (isinstance(key, tuple) and len(key) == 2 and key[0] in counts)}
    if grow:  # the linked cells this table needs hidden too
        own.update({key: state for key, state in states.items()
                    if key in linked[0] and key not in linked[2]})
    return {key: "primary" if 0 < cells[key] < min_n else "complementary"
            for key in own}


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
        self._settling = False  # inside settle(): the tables it decides do not settle again
        nodes = self.hierarchy.nodes()
        self._nodes = nodes
        situations = self.hierarchy.situations
        regions = self.hierarchy.region_ids
        # respondents x nodes: everyone counts for the nation, their situation and region
        self._members = np.column_stack([
            np.ones((len(self.survey), 1), dtype=np.int64),
            _membership(self.survey[C.SITUATION], situations),
            _membership(self.survey[C.REGION], regions)]) if len(self.survey) else None
        self._order = [NATIONAL, *(("situation", s) for s in situations),
                       *(("region", r) for r in regions)]

    # ------------------------------------------------------------------ answer tables
    def answers(self, items: Sequence[str]) -> dict[str, TablePlan]:
        """The plan of each item of one table (the items share one design). Every table
        of the wave is decided on the first call, in one order (:meth:`settle`), so that
        a page run alone gets the decisions of a batch."""
        self.settle()
        return self._answers(items)

    def _answers(self, items: Sequence[str]) -> dict[str, TablePlan]:
        items = list(dict.fromkeys(items))
        key = ("answers", tuple(items))
        if key not in self._tables:
            inst = self.study.instrument
            given = {item: self._given(item) for item in items}
            full = {item: self._item_plan(item, given[item], self._full(item)) for item in items}
            chosen = full
            if any(self._too_much_hidden(p) for p in full.values()):
                # coarser designs in turn: the finest whose national row hides at most a
                # quarter of its cells wins; if none does, the one that hides least
                candidates = [full]
                for level in (1, 2):
                    designs = {}
                    for item in items:
                        rs = inst.response_set(inst.item(item).response_set)
                        if not rs.ordered:
                            break
                        design = Design(collapse_groups(
                            [c.code for c in rs.codes],
                            [c.code for c in rs.codes if c.non_numeric], level=level),
                            collapsed=True)
                        if len(design.columns) == len(full[item].design.columns):
                            break
                        designs[item] = self._item_plan(item, given[item], design)
                    else:
                        candidates.append(designs)
                fitting = [c for c in candidates if _score(c.values())[0] <= MAX_HIDDEN_SHARE]
                chosen = fitting[0] if fitting else min(
                    candidates, key=lambda c: _score(c.values()))
            # the response cells the chosen design needed hidden too (only when no pattern
            # of its own protected it): hiding more of the response table only widens what
            # the tables decided before leave open
            response = self._response_table(self._status_id())
            for table in chosen.values():
                for (_, cell), state in table.grown.items():
                    response.states.setdefault(cell, state)
                table.grown = {}
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

    def _missing(self, item: str) -> bool:
        """Whether some respondents who were asked ``item`` left it unanswered."""
        from ..quant.distributions import asked_mask

        if not len(self.survey):
            return False
        asked = asked_mask(self.survey, self.study.instrument.item(item),
                           self.study.instrument).to_numpy()
        return bool((asked & self.survey[item].isna().to_numpy()).any())

    def full_counts(self, item: str) -> TablePlan:
        """The item's counts in its full design, nothing hidden (publishing off)."""
        key = ("full", item)
        if key not in self._tables:
            codes, answers = self._given(item)
            design = self._full(item)
            if self._members is None:
                counts = {k: [0] * (1 + len(design.columns)) for k in self._order}
            else:
                per_code = self._members.T @ answers
                counts = {k: [int(row.sum()), *map(int, row)]
                          for k, row in zip(self._order, per_code)}
            self._tables[key] = TablePlan(design, counts)
        return self._tables[key]

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
        link = self._response_link(item, counts)
        try:
            states = _pattern(counts, self.hierarchy.constraints(), min_n=self.min_n,
                              linked=link)
        except AnalysisError:
            if link is None:
                raise
            # the response table, as decided, gives away a count this table must hide
            # (an item's n is the count of those asked: e.g. two small status counts whose
            # sum can be worked out): hide more of the response table, dearly
            states = _pattern(counts, self.hierarchy.constraints(), min_n=self.min_n,
                              linked=link, grow=True)
        own = {k: v for k, v in states.items() if k[0] in counts}
        return TablePlan(design, counts, own,
                         grown={k: v for k, v in states.items() if k[0] not in counts})

    def mean_digits(self, item: str) -> dict[tuple, int]:
        """How precisely ``item``'s mean may be shown per node: nodes whose row hides a
        cell are listed with 2 decimals, 1, or 0 (the mean is hidden); the others show
        two. Decided once for every mean the pages show (:meth:`_decide_means`)."""
        if ("means",) not in self._tables:
            self._tables[("means",)] = self._decide_means()
        return self._tables[("means",)].get(item, {})

    def _condition_tables(self) -> list[list[str]]:
        """The condition statements whose means the pages show, per answer table (the
        items of one response set together, as the conditions section shows them)."""
        inst = self.study.instrument
        groups: dict[str, list[str]] = {}
        for spec in inst.items_in_block("condition"):
            if spec.id in self.survey.columns and spec.multi_select is None and \
                    (not spec.waves or self.wave in spec.waves) and \
                    inst.response_set(spec.response_set).ordered:
                groups.setdefault(spec.response_set, []).append(spec.id)
        return list(groups.values())

    def _decide_means(self) -> dict[str, dict[tuple, int]]:
        """Every published mean of a condition statement, decided together: a mean over a
        row whose cells are all shown tells nothing new; the others are added one by one
        (statement by statement; the nation first, then situations, regions) with two
        decimals, else one, else none, each kept only while the audit of the whole
        system — every condition table, the response table, the links, the means kept
        so far — finds no hidden cell pinned down."""
        from .audit import audit, table_system

        shown: dict = {}
        truth: dict = {}
        equalities: list = []
        todo = []
        response_added = False
        for items in self._condition_tables():
            for item, table in self.answers(items).items():
                cells, eqs = table_system(table.counts, self.hierarchy.constraints())
                for key, value in cells.items():
                    truth[(item, key)] = value
                    shown[(item, key)] = None if key in table.states else value
                equalities += [_prefixed(eq, item) for eq in eqs]
                link = self._response_link(item, table.counts)
                if link is not None:
                    other_cells, other_eqs, other_states = link
                    own = [eq for eq in other_eqs if _response_only(eq)]
                    if not response_added:
                        truth.update(other_cells)
                        shown.update({k: (None if k in other_states else v)
                                      for k, v in other_cells.items()})
                        equalities += own
                        response_added = True
                    equalities += [_item_keys(eq, item) for eq in other_eqs
                                   if not _response_only(eq)]
                by_digits = {d: dict(self._mean_equalities(item, table.counts, table.design,
                                                           decimals=d)) for d in (2, 1)}
                for node in by_digits[2]:
                    if table.row_hidden(node):
                        todo.append((item, node, {d: _prefixed(by_digits[d][node], item)
                                                  for d in (2, 1)}))
        out: dict[str, dict[tuple, int]] = {}
        kept: list = []
        for item, node, eqs in todo:
            out.setdefault(item, {})[node] = 0
            for d in (2, 1):
                if not audit(shown, equalities + kept + [eqs[d]], truth=truth, first=True):
                    kept.append(eqs[d])
                    out[item][node] = d
                    break
        return out

    def _mean_equalities(self, item: str, counts: dict[tuple, list[int]], design: Design,
                         *, decimals: int = 2) -> list:
        """The relation each published mean of ``item`` gives a reader: the pages show the
        mean of a condition statement (rounded to two decimals) wherever it rests on at
        least k answers, so ``sum((code - mean) * count)`` is within ``0.005 * n`` of 0
        over the numeric answers of that node."""
        inst = self.study.instrument
        spec = inst.item(item)
        rs = inst.response_set(spec.response_set)
        if spec.block != "condition" or not rs.ordered or design.collapsed:
            return []
        numeric = {c.code for c in rs.codes if not c.non_numeric}
        columns = [(j, group[0]) for j, group in enumerate(design.columns, start=1)
                   if group[0] in numeric]
        out = []
        for node, values in counts.items():
            n = sum(values[j] for j, _ in columns)
            if n < self.min_n:
                continue
            mean = round(sum(values[j] * code for j, code in columns) / n, decimals)
            half = 0.5 * 10.0 ** -decimals
            out.append((node, ({(node, j): code - mean for j, code in columns}, 0.0,
                               {(node, j): half for j, _ in columns})))
        return out

    def _response_link(self, item: str, counts: dict[tuple, list[int]]):
        """The response table's cells and equalities, and one equality per node saying
        that the item's number asked is the response table's count of those its asked
        rule selects (everyone, or the answers of the status item it names); ``None``
        when the rule names another item."""
        inst = self.study.instrument
        status = inst.items_in_block("status")
        status_id = status[0].id if status else None
        spec = inst.item(item)
        rule = inst.asked_rule(spec.asked)
        if rule.item is not None and rule.item != status_id:
            return None
        if spec.waves and self.wave not in spec.waves:
            return None  # not asked in this wave
        if self._missing(item):
            return None  # asked = answered + unanswered, and the unanswered are not shown
        response = self._response_table(status_id)
        columns = [0] if rule.item is None else [
            j for j, group in enumerate(response.design.columns, start=1)
            if set(group) <= set(rule.values)]
        from .audit import table_system, total

        cells, equalities = table_system(response.counts, self.hierarchy.constraints(
            sectors=True))
        cells = {("response", key): value for key, value in cells.items()}
        equalities = [_prefixed(eq, "response") for eq in equalities]
        for node in counts:
            equalities.append(total((node, 0), [("response", (node, j)) for j in columns]))
        states = {("response", key): state for key, state in response.states.items()}
        return cells, equalities, states

    def _too_much_hidden(self, table: TablePlan) -> bool:
        """Hidden cells on the national row, or more than a quarter of the cells of the
        rows below it (the situations; the regions of a study without situations)."""
        width = len(table.design.columns) + 1
        if any(table.state(NATIONAL, j) for j in range(width)):
            return True
        rows = self.hierarchy.children(NATIONAL)   # the situations (else the regions)
        cells = [table.state(r, j) for r in rows for j in range(width)]
        return bool(cells) and sum(map(bool, cells)) / len(cells) > MAX_HIDDEN_SHARE

    # ------------------------------------------------------------------ response table
    def _status_id(self) -> str | None:
        status = self.study.instrument.items_in_block("status")
        return status[0].id if status else None

    def tables(self, block: str, *, ordered: bool | None = None) -> dict[str, list[str]]:
        """The items of ``block`` shown in one table each: grouped by scale (mechanisms)
        or by response set, so that one table never mixes two sets of answers."""
        inst = self.study.instrument
        columns = self.study.survey.columns
        items = [i for i in inst.items_in_block(block) if i.id in columns
                 and i.multi_select is None and (not i.waves or self.wave in i.waves)
                 and (ordered is None or inst.response_set(i.response_set).ordered == ordered)]
        groups: dict[str, list[str]] = {}
        scale_of = {i.id: s.id for s in inst.scales for i in inst.scale_items(s.id)}
        for item in items:
            key = scale_of.get(item.id) if block == "mechanism" else None
            groups.setdefault(key or item.response_set, []).append(item.id)
        return groups

    def settle(self) -> None:
        """Decide every answer table of the wave, in one fixed order (blocks and tables
        as the instrument lists them), then every published mean, so that a page gets the
        same decisions whichever it asks for first.

        An answer table may need more of the response table hidden (see
        :meth:`_item_plan`); a table decided before that saw less of it hidden and may
        show, as its n, what the response table now hides. So when a pass hid more of the
        response table, every answer table is decided again against it, until a pass
        hides nothing more (hidden cells are only ever added: it ends)."""
        if ("settled",) in self._tables or self._settling:
            return
        self._settling = True
        try:
            status = self._status_id()
            while True:
                hidden = dict(self._response_table(status).states)
                for key in [k for k in self._tables if k[0] == "answers"]:
                    del self._tables[key]
                for block in dict.fromkeys(i.block for i in self.study.instrument.items):
                    for items in self.tables(block).values():
                        self._answers(items)
                if self._response_table(status).states == hidden:
                    break
            self.mean_digits("")
            self._tables[("settled",)] = True  # type: ignore[assignment]
        finally:
            self._settling = False
        self._store()

    def _store(self) -> None:
        """Keep the settled plan in the cache folder (``IMAGE_SYNTH_CACHE``) when one is
        named and holds none yet, for the other processes and notebooks that need it; a
        folder that cannot be written is passed over (the cache is only a shortcut)."""
        from ..atomic import write_atomic

        target = _cache_file(self.study, self.wave)
        if target is None:
            return
        if target.is_file():
            try:
                _from_json(target.read_text(encoding="utf-8"))
                return                      # a good one is there already
            except Exception:  # noqa: BLE001 - damaged: replaced below
                pass
        try:
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_atomic(target, _to_json(self._tables))
        except OSError:
            pass

    def response(self, item: str | None) -> TablePlan:
        """The response table: respondents per node (sectors included) and, when the
        study has a status item, their answer to it. Final: every answer table of the
        wave is decided first (:meth:`settle`)."""
        self.settle()
        return self._response_table(item)

    def _response_table(self, item: str | None) -> TablePlan:
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


def _prefixed(equality, prefix: str):
    """An equality of :func:`~image_synth.disclosure.audit.table_system` with its cell keys
    under ``prefix`` (so two tables' cells never share a key)."""
    def move(side):
        return {(prefix, k): v for k, v in side.items()} if isinstance(side, dict) else side
    return tuple(move(part) for part in equality)  # lhs, rhs and a tolerance over cells


def _response_only(equality) -> bool:
    """Whether every cell of an equality is a response-table cell."""
    lhs, rhs, *_ = equality
    keys = list(lhs) + (list(rhs) if isinstance(rhs, dict) else [])
    return all(isinstance(k, tuple) and k[0] == "response" for k in keys)


def _item_keys(equality, item: str):
    """A link equality (an item's n = response cells) with the item's cells under
    ``item`` (the response cells keep their keys)."""
    lhs, rhs, *rest = equality

    def move(side):
        if not isinstance(side, dict):
            return side
        return {(k if isinstance(k, tuple) and k[0] == "response" else (item, k)): v
                for k, v in side.items()}
    return (move(lhs), move(rhs), *rest)


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


#: Environment variable naming a folder where plans are kept between processes (the batch
#: runner sets it to ``<out>.private/cache``); ``off`` keeps none (:func:`cache_folder`).
CACHE_ENV = "IMAGE_SYNTH_CACHE"


def cache_folder():
    """Where decisions are kept between processes, or ``None``.

    The folder :data:`CACHE_ENV` names (the batch runner names its
    ``<out>.private/cache``); unset, the user's cache folder (``$XDG_CACHE_HOME``, else
    ``~/.cache``, then ``image_synth``), so that a notebook opened again, or another
    notebook of the same study, reads the decisions instead of making them again (a
    minute or more for a study the size of the example); ``off`` or empty: none. The
    files hold the study's counts per group, small ones included: they are written
    readable by their owner only, like the study's own data.
    """
    import os
    from pathlib import Path

    value = os.environ.get(CACHE_ENV)
    if value is not None:
        return None if value.strip().lower() in ("", "off") else Path(value)
    try:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    except RuntimeError:      # no home folder to be found: no cache, decided each time
        return None
    return Path(base) / "image_synth"


def plan(study: "Study", wave: int) -> Plan:
    """The study's plan for ``wave``: made once per study object and wave, and read from
    the batch's cache when the runner made it already (:func:`cache_key`)."""
    from ..results.memo import memo

    def make() -> Plan:
        made = Plan(study, wave)
        cached = _cache_file(study, wave)
        if cached is not None and cached.is_file():
            try:
                made._tables = _from_json(cached.read_text(encoding="utf-8"))
            except Exception:  # noqa: BLE001 - damaged or another layout: decided again
                made._tables = {}
        return made

    return memo(study, ("plan", int(wave)), make)


#: The layout of the cache file; a file of another layout is not read.
CACHE_SCHEMA = 1


def cache_key(study: "Study", wave: int) -> str:
    """What a plan depends on: the package (its version and the hash of its own code),
    every input file's hash, the survey and the grouping as loaded (a study taken apart
    with :meth:`~image_synth.study.load.Study.subset` has the same files but other
    respondents), the wave and the study's k (a changed input, or changed code at the
    same version, gives another key)."""
    import hashlib
    import json

    from .. import __version__
    from ..study.fingerprint import input_hashes

    survey = hashlib.sha256(pd.util.hash_pandas_object(
        study.survey, index=False).to_numpy().tobytes())
    survey.update(",".join(map(str, study.survey.columns)).encode())
    text = json.dumps({"version": __version__, "code": _code_hash(),
                       "inputs": input_hashes(study), "survey": survey.hexdigest(),
                       "config": study.config.model_dump_json(), "wave": int(wave),
                       "min_n": study.min_n}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@functools.lru_cache(maxsize=1)
def _code_hash() -> str:
    """sha256 over the package's Python files below the rendering: decisions made by
    other code are never read back from a kept cache. The layers above the results
    (render, publish, views, the command line) only read the decisions, so a change
    there keeps the cache."""
    import hashlib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    above = {"render", "publish", "views", "cli.py", "__main__.py"}
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if "__pycache__" not in parts and parts[0] not in above:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _cache_file(study: "Study", wave: int):
    folder = cache_folder()
    if folder is None:
        return None
    return folder / f"plan-{cache_key(study, wave)}.json"


def _to_json(tables: dict) -> str:
    """The decisions as JSON (a cache is input too: no pickle), every key and node as
    lists, read back exactly by :func:`_from_json`."""
    import json

    def table(t: TablePlan) -> dict:
        return {"design": [list(c) for c in t.design.columns], "collapsed": t.design.collapsed,
                "counts": [[list(node), row] for node, row in t.counts.items()],
                "states": [[list(node), j, state] for (node, j), state in t.states.items()]}

    out = []
    for key, value in tables.items():
        kind = key[0]
        if kind == "answers":
            out.append({"kind": kind, "items": list(key[1]),
                        "tables": {item: table(t) for item, t in value.items()}})
        elif kind in ("response", "full"):
            out.append({"kind": kind, "item": key[1], "table": table(value)})
        elif kind == "means":
            out.append({"kind": kind, "digits": {item: [[list(node), d] for node, d in
                                                        nodes.items()]
                                                 for item, nodes in value.items()}})
        elif kind == "settled":
            out.append({"kind": kind})
        else:  # pragma: no cover - every kind the plan keeps is listed above
            raise AnalysisError(f"the plan holds a table of unknown kind {kind!r}")
    return json.dumps({"schema": CACHE_SCHEMA, "tables": out}, ensure_ascii=False,
                      sort_keys=True)


def _from_json(text: str) -> dict:
    """The decisions :func:`_to_json` wrote; ValueError for another layout."""
    import json

    data = json.loads(text)
    if not isinstance(data, dict) or data.get("schema") != CACHE_SCHEMA:
        raise ValueError("a plan cache of another layout")

    def node(value) -> tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"a node of the plan cache is {value!r}")
        return tuple(value)

    def table(d: dict) -> TablePlan:
        return TablePlan(Design(tuple(tuple(c) for c in d["design"]), bool(d["collapsed"])),
                         {node(n): [int(v) for v in row] for n, row in d["counts"]},
                         {(node(n), int(j)): _state(state) for n, j, state in d["states"]})

    tables: dict = {}
    for entry in data["tables"]:
        kind = entry["kind"]
        if kind == "answers":
            tables[("answers", tuple(entry["items"]))] = {
                item: table(t) for item, t in entry["tables"].items()}
        elif kind in ("response", "full"):
            tables[(kind, entry["item"])] = table(entry["table"])
        elif kind == "means":
            tables[("means",)] = {item: {node(n): int(d) for n, d in nodes}
                                  for item, nodes in entry["digits"].items()}
        elif kind == "settled":
            tables[("settled",)] = True
        else:
            raise ValueError(f"a plan cache with a table of unknown kind {kind!r}")
    if ("settled",) not in tables:
        raise ValueError("a plan cache that was not settled")
    return tables


def _state(value) -> str:
    if value not in ("primary", "complementary"):
        raise ValueError(f"a hidden cell's state in a plan cache is {value!r}")
    return value


def precompute_at(study_path: str | None, wave: int, folder: str) -> None:
    """:func:`precompute` in another process (a worker of the runner's pool): the study
    loaded from ``study_path`` (the example when None or empty), the plan read from and
    kept in the batch's cache ``folder``."""
    import os

    from ..study.load import load_study

    previous = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(folder)
    try:
        precompute(load_study(study_path or None), wave, folder)
    finally:
        if previous is None:
            os.environ.pop(CACHE_ENV, None)
        else:
            os.environ[CACHE_ENV] = previous


def precompute(study: "Study", wave: int, folder) -> None:
    """Decide every table of ``wave`` once and keep the decisions in ``folder`` for the
    notebooks of a batch (each loads them instead of deciding again; same result)."""
    from pathlib import Path

    from ..atomic import write_atomic

    made = plan(study, wave)
    made.settle()  # kept in the cache folder already when IMAGE_SYNTH_CACHE names this one
    target = Path(folder) / f"plan-{cache_key(study, wave)}.json"
    try:
        _from_json(target.read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 - absent or damaged: written (again)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, _to_json(made._tables))
