"""Audit a suppression pattern against every linear relation a reader knows, and protect.

:mod:`image_synth.disclosure.rules` protects each additive constraint on its own
(``parent = sum(children)``). A reader who combines several constraints — the rows,
the columns and the levels of a hierarchy, an item's ``n`` repeated in another table, a
published mean — solves a linear system, and that system can pin down a hidden cell
that every single constraint leaves open. This module works on the whole system.

:func:`audit`
    Given the published cells, the hidden ones and the linear equalities between them,
    the feasible interval ``[low, high]`` of every hidden cell over all non-negative
    (by default integer) values consistent with what is published; every hidden
    non-zero cell whose interval is a single value (or narrower than ``min_width``) is
    returned as a :class:`Recovered`.
:func:`protect`
    Joint suppression: the primary cells (``0 < value < min_n``) and the fewest,
    cheapest complementary cells such that :func:`audit` finds nothing.
:func:`total`, :func:`same`, :func:`mean_times_n`, :func:`table_system`
    Build the equalities (see "Equalities" below).

Equalities
----------
An equality is a tuple ``(lhs, rhs)`` or ``(lhs, rhs, tolerance)``:

* ``lhs`` is a mapping ``cell key -> coefficient``;
* ``rhs`` is such a mapping too, or a number (a constant that is not a cell);
* ``tolerance`` (optional, default 0) is a number or a mapping ``cell key ->
  coefficient >= 0``; the relation is then ``|lhs - rhs| <= tolerance``.

Each side is a linear expression of *cells*, published or hidden: the caller never
substitutes published values, the audit does. A key that is itself a number is written
as ``{5: 1}``; a bare number on the right is always a constant. Examples::

    total("t", ["a", "b", "c"])          # ({"a": 1, "b": 1, "c": 1}, {"t": 1}): t = a + b + c
    same(("A", "n"), ("B", "yes"))       # an item's n is a status count of another table
    mean_times_n("n", 3.42, {"c1": 1, "c2": 2, "c3": 3, "c4": 4, "c5": 5}, decimals=2)
        # sum(code * count) = mean * n, up to the rounding of the published mean

What is guaranteed
------------------
* **Exact recovery is found, also through integrality.** With ``min_width=0``
  :func:`audit` returns exactly the hidden non-zero cells whose value is the same in
  every non-negative integer solution (``integer=True``) or real solution
  (``integer=False``) of the system, within the solver's tolerance (HiGHS, through
  :func:`scipy.optimize.milp`, feasibility 1e-7; in real arithmetic an interval
  narrower than 1e-6 x the largest value of its component counts as a point). No
  cell is reported safe without a feasible solution that moves it: each safe verdict
  rests on solutions actually found (see Notes of :func:`audit`).
* **Narrow intervals** (``min_width > 0``): a cell is safe only when two found
  solutions lie at least ``min_width`` apart in that cell; the others get their exact
  minimum and maximum (one MILP/LP each) and are reported when ``high - low <
  min_width``.
* :func:`protect` returns a pattern that passes :func:`audit` with the true values:
  no hidden non-zero cell is exactly recoverable, and every primary cell's interval is
  at least ``min_width`` wide (default 1: in integer counts, at least two values are
  possible). It checks this with :func:`audit` before returning and raises
  :class:`~image_synth.errors.AnalysisError` when no pattern can (a constant right-hand
  side that pins a cell, for example). Same input, same output, whatever the order of
  the mappings (everything is laid out in key order; HiGHS is deterministic).

What is not guaranteed
----------------------
* Only what the caller states is audited: relations left out of ``equalities`` (another
  table, a rounded share, a chart) are not known to the audit. Inequalities other than
  a tolerance, and knowledge outside the published tables, are not modelled.
* :func:`protect` is a heuristic for the cell suppression problem (NP-hard): it is
  frugal, not optimal. Its ``min_width`` is a *width*, not a protection interval
  around the true value: a primary cell of 2 with ``min_width=5`` may have the
  interval ``[2, 7]``, which tells a reader the cell is not empty.
* A rounded mean stated without ``decimals`` is an exact equality; if the true counts do
  not satisfy it, the input is refused as inconsistent.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import AnalysisError

__all__ = [
    "COMPLEMENTARY",
    "PRIMARY",
    "STATES",
    "WITHHELD",
    "Recovered",
    "audit",
    "mean_times_n",
    "protect",
    "reader_bounds",
    "same",
    "table_system",
    "total",
]

PRIMARY = "primary"
COMPLEMENTARY = "complementary"
#: a cell of a row withheld whole under one neutral mark: its size is not stated at all
WITHHELD = "withheld"
#: every state a hidden cell can have, in the order pages and manifests count them
STATES = (PRIMARY, COMPLEMENTARY, WITHHELD)

Equality = tuple  # (lhs, rhs) or (lhs, rhs, tolerance); see the module docstring

# a feasible solution must not move a cell by more than this to count as "not moved"
_REL_TOL = 1e-6
#: Relative MIP gap of the exploring solves (phase A of the audit): any integer solution
#: in the box serves there (it only saves exact solves), so the branch and bound stops at
#: its first one; the exact extremes keep a gap of 1e-9. Plans of the example ~15% faster,
#: decisions byte-identical.
EXPLORE_GAP = 1e6


@dataclass(frozen=True)
class Recovered:
    """A hidden cell the published cells pin down (or confine to a narrow interval).

    Attributes
    ----------
    key
        The cell's key.
    value
        Its true value when the caller gave ``truth``, else the recovered value when
        ``low == high``, else ``None``.
    low, high
        Its smallest and largest feasible value given everything published.
    """

    key: Hashable
    value: float | None
    low: float
    high: float

    @property
    def width(self) -> float:
        """``high - low``: 0 for an exactly recovered cell."""
        return self.high - self.low


# --------------------------------------------------------------------------- builders

def total(parent: Hashable, children: Iterable[Hashable]) -> Equality:
    """The equality ``parent = sum(children)``.

    Parameters
    ----------
    parent
        Key of the cell holding the sum (a row total, a situation's count).
    children
        Keys of the cells that add up to it; a key listed twice counts twice.

    Returns
    -------
    tuple
        ``(lhs, rhs)`` for :func:`audit` and :func:`protect`.

    Examples
    --------
    >>> total("t", ["a", "b"])
    ({'a': 1.0, 'b': 1.0}, {'t': 1.0})
    """
    lhs: dict[Hashable, float] = {}
    for child in children:
        lhs[child] = lhs.get(child, 0.0) + 1.0
    return lhs, {parent: 1.0}


def same(a: Hashable, b: Hashable) -> Equality:
    """The equality ``a = b``: one number published in two places (an item's ``n`` in
    one table is a status count in another)."""
    return {a: 1.0}, {b: 1.0}


def mean_times_n(n: Hashable, mean: float, counts: Mapping[Hashable, float], *,
                 decimals: int | None = None) -> Equality:
    """The equality ``sum(code * count) = mean * n`` of a published mean.

    Parameters
    ----------
    n
        Key of the cell with the number of respondents behind the mean.
    mean
        The published mean (a number, not a cell: it is what the reader sees).
    counts
        Cell key of each answer's count -> the answer's code (its numeric value).
    decimals
        The mean is published rounded to this many decimals: the relation then holds
        within ``0.5 * 10**-decimals * n``. ``None``: the mean is exact.

    Returns
    -------
    tuple
        ``(lhs, rhs)`` or ``(lhs, rhs, tolerance)``.

    Examples
    --------
    >>> mean_times_n("n", 2.5, {"c1": 1, "c2": 2, "c3": 3, "c4": 4})
    ({'c1': 1.0, 'c2': 2.0, 'c3': 3.0, 'c4': 4.0}, {'n': 2.5})
    """
    lhs = {k: float(code) for k, code in counts.items()}
    if decimals is None:
        return lhs, {n: float(mean)}
    return lhs, {n: float(mean)}, {n: 0.5 * 10.0 ** -decimals}


def table_system(rows: Mapping[Any, Sequence[float]],
                 parents: Sequence[tuple[Any, Sequence[Any]]]
                 ) -> tuple[dict[tuple[Any, int], float], list[Equality]]:
    """Cells and equalities of a hierarchical table in the shape of
    :func:`~image_synth.disclosure.rules.table_pattern`.

    Parameters
    ----------
    rows
        Row key -> ``[total, count_1, count_2, ...]`` (the counts add up to the total).
    parents
        ``(row, child rows)``: the child rows add up to the row, column by column.

    Returns
    -------
    cells : dict
        ``(row key, column index) -> value``; column 0 is the row total.
    equalities : list
        One :func:`total` per row (over its counts) and one per parent and column.
    """
    cells = {(k, j): float(v) for k, values in rows.items() for j, v in enumerate(values)}
    width = max((len(v) for v in rows.values()), default=0)
    equalities = [total((k, 0), [(k, j) for j in range(1, len(v))])
                  for k, v in rows.items() if len(v) > 1]
    equalities += [total((p, j), [(c, j) for c in children])
                   for p, children in parents for j in range(width)]
    return cells, equalities


# --------------------------------------------------------------------------- parsing

class _Row:
    """One relation as ``f(x) = sum(coef * x) + const`` with ``|f(x)| <= tolerance(x)``,
    ``tolerance(x) = sum(tol * x) + tol0`` (an equality when the tolerance is zero)."""

    __slots__ = ("coef", "const", "origin", "tol", "tol0")

    def __init__(self, coef, const, tol, tol0, origin):
        self.coef, self.const, self.tol, self.tol0, self.origin = coef, const, tol, tol0, origin


def _ordered(keys: Iterable[Hashable]) -> list:
    """Keys in their natural order; by type name and ``repr`` when they do not compare."""
    keys = list(keys)
    try:
        return sorted(keys)
    except TypeError:
        return sorted(keys, key=lambda k: (type(k).__name__, repr(k)))


def _number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _hidden(value: Any) -> bool:
    return value is None or (_number(value) and math.isnan(value))


def _accumulate(target: dict, form: Mapping, sign: float, where: str, problems: list) -> None:
    for key, coef in form.items():
        if not _number(coef) or not math.isfinite(coef):
            problems.append(f"{where}: coefficient of {key!r} is {coef!r}, expected a finite number")
            continue
        target[key] = target.get(key, 0.0) + sign * float(coef)


def _parse(equalities: Sequence[Equality], known: Mapping) -> list[_Row]:
    """Every equality as a :class:`_Row`; every malformed one reported at once."""
    problems: list[str] = []
    rows = []
    for i, eq in enumerate(equalities):
        where = f"equality {i}"
        if not isinstance(eq, tuple) or len(eq) not in (2, 3):
            problems.append(f"{where}: expected (lhs, rhs) or (lhs, rhs, tolerance), got {eq!r}")
            continue
        lhs, rhs = eq[0], eq[1]
        coef: dict = {}
        const = 0.0
        if isinstance(lhs, Mapping):
            _accumulate(coef, lhs, 1.0, where, problems)
        else:
            problems.append(f"{where}: lhs is {lhs!r}, expected a mapping cell key -> coefficient")
        if isinstance(rhs, Mapping):
            _accumulate(coef, rhs, -1.0, where, problems)
        elif _number(rhs) and math.isfinite(rhs):
            const = -float(rhs)
        else:
            problems.append(f"{where}: rhs is {rhs!r}, expected a mapping or a number")
        tol: dict = {}
        tol0 = 0.0
        if len(eq) == 3:
            t = eq[2]
            if isinstance(t, Mapping):
                _accumulate(tol, t, 1.0, where, problems)
                if any(b < 0 for b in tol.values()):
                    problems.append(f"{where}: tolerance coefficients must be >= 0, got {dict(t)!r}")
            elif _number(t) and math.isfinite(t) and t >= 0:
                tol0 = float(t)
            else:
                problems.append(f"{where}: tolerance is {t!r}, expected a number >= 0 or a mapping")
        unknown = [k for k in [*coef, *tol] if k not in known]
        if unknown:
            problems.append(f"{where}: cells {unknown!r} are not among the cells")
        rows.append(_Row({k: a for k, a in coef.items() if a != 0.0}, const,
                         {k: b for k, b in tol.items() if b != 0.0}, tol0, i))
    if problems:
        raise AnalysisError("equalities cannot be used:\n  " + "\n  ".join(problems))
    # a canonical order (by the cells' key order), so that the order in which the caller
    # lists equalities and coefficients does not reach the solver
    rank = {k: i for i, k in enumerate(_ordered(known))}

    def canonical(row):
        return (sorted((rank[k], a) for k, a in row.coef.items()), row.const,
                sorted((rank[k], b) for k, b in row.tol.items()), row.tol0, row.origin)

    return sorted(rows, key=canonical)


def _check_values(values: Mapping, *, allow_hidden: bool, what: str) -> dict:
    problems = []
    out = {}
    for key, value in values.items():
        if allow_hidden and _hidden(value):
            out[key] = None
        elif not _number(value) or not math.isfinite(value) or value < 0:
            problems.append(f"{key!r}: {value!r}")
        else:
            out[key] = float(value)
    if problems:
        expected = "a count >= 0" + (" or None (hidden)" if allow_hidden else "")
        raise AnalysisError(f"{what} must be {expected}; got " + ", ".join(problems))
    return out


# --------------------------------------------------------------------------- solving

def _solve(c, A, lo, hi, lb, ub, integer, *, gap: float = 1e-9):
    """``min c @ x`` subject to ``lo <= A x <= hi``, ``lb <= x <= ub``: (status, x).

    status: 0 optimal (within the relative ``gap``), 2 infeasible, 3 unbounded
    (scipy's codes)."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    constraints = LinearConstraint(A, lo, hi) if A.shape[0] else None
    res = milp(c, integrality=integer, bounds=Bounds(lb, ub), constraints=constraints,
               options={"mip_rel_gap": gap})
    if res.status == 4 and np.any(integer) and "unbounded or infeasible" in res.message:
        # HiGHS's MIP presolve does not tell the two apart; the LP relaxation does. With
        # rational data, a feasible integer program is unbounded iff its relaxation is.
        relaxed = milp(c, bounds=Bounds(lb, ub), constraints=constraints)
        if relaxed.status in (2, 3):
            return relaxed.status, None
    if res.status in (0, 2, 3):
        return res.status, res.x
    raise AnalysisError(f"the solver stopped without an answer: {res.message}")


def _sides(a: dict, c: float, tv: dict, t: float) -> list[tuple[dict, float, float]]:
    """``|a x + c| <= tv x + t`` as rows ``low <= form x <= high``: one row for an
    equality (no tolerance), two otherwise."""
    if not tv and t == 0.0:
        return [(a, -c, -c)]
    minus, plus = dict(a), dict(a)
    for i, b in tv.items():
        minus[i] = minus.get(i, 0.0) - b
        plus[i] = plus.get(i, 0.0) + b
    return [(minus, -np.inf, t - c), (plus, -(c + t), np.inf)]


def _highs_module():
    """scipy's own HiGHS bindings (the ``_Highs`` class its ``milp`` runs on, scipy >=
    1.15), or None: then every solve goes through :func:`_solve`."""
    try:
        from scipy.optimize._highspy import _core
    except ImportError:  # pragma: no cover - older scipy
        return None
    return _core if hasattr(_core, "_Highs") else None


def _highs_model(core, A, lo, hi):
    """A HiGHS model of ``lo <= A x <= hi``, silent; objective and box set per solve."""
    inf = core.kHighsInf
    h = core._Highs()
    h.setOptionValue("output_flag", False)
    lp = core.HighsLp()
    lp.num_col_ = A.shape[1]
    lp.num_row_ = A.shape[0]
    lp.col_cost_ = np.zeros(A.shape[1])
    lp.col_lower_ = np.zeros(A.shape[1])
    lp.col_upper_ = np.full(A.shape[1], inf)
    lp.row_lower_ = np.where(np.isfinite(lo), lo, -inf)
    lp.row_upper_ = np.where(np.isfinite(hi), hi, inf)
    csc = A.tocsc()
    lp.a_matrix_.format_ = core.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr.astype(np.int32)
    lp.a_matrix_.index_ = csc.indices.astype(np.int32)
    lp.a_matrix_.value_ = csc.data.astype(float)
    h.passModel(lp)
    return h


class _Component:
    """Hidden cells linked by relations, as ``lo <= A x <= hi``, ``0 <= x <= ub``."""

    def __init__(self, variables, rows, ub, integer):
        import scipy.sparse as sp

        self.vars = variables                       # global indices, ascending
        local = {g: i for i, g in enumerate(variables)}
        data, ri, ci, lo, hi, self.origin = [], [], [], [], [], []
        for origin, a, c, tv, t in rows:
            for form, low, high in _sides(a, c, tv, t):
                r = len(lo)
                for g, coef in form.items():
                    if coef != 0.0:
                        ri.append(r)
                        ci.append(local[g])
                        data.append(coef)
                lo.append(low)
                hi.append(high)
                self.origin.append(origin)
        self.n = len(variables)
        self.A = sp.csr_array((data, (ri, ci)), shape=(len(lo), self.n))
        self.lo = np.array(lo, dtype=float)
        self.hi = np.array(hi, dtype=float)
        self.ub = ub[variables]
        self.integer = integer
        scale = max([1.0, *np.abs(self.lo[np.isfinite(self.lo)]),
                     *np.abs(self.hi[np.isfinite(self.hi)])])
        self.tol = _REL_TOL * scale
        self._highs = None

    def violated(self, x) -> int | None:
        """Origin of a relation ``x`` violates (None: ``x`` is feasible)."""
        ax = self.A @ x
        slack = 1e-7 * (1.0 + np.abs(self.A) @ np.abs(x))
        bad = np.flatnonzero((ax < self.lo - slack) | (ax > self.hi + slack))
        return self.origin[bad[0]] if bad.size else None

    def _optimum(self, c, lb, ub, *, gap: float = 1e-9):
        """``(status, x)`` minimising ``c @ x`` in the box ``[lb, ub]``.

        The LP first: an integral LP optimum is also the integer optimum, and with
        rational data a feasible integer program is unbounded when its relaxation is.
        Only a fractional optimum makes it solve the integer program.
        """
        status, x = self._lp(c, lb, ub)
        if status == 0 and self.integer and np.any(np.abs(x - np.round(x)) > 1e-6):
            status, x = _solve(c, self.A, self.lo, self.hi, lb, ub,
                               np.ones(self.n, dtype=int), gap=gap)
        return status, (self._clean(x) if status == 0 else None)

    def _lp(self, c, lb, ub):
        """The LP ``min c @ x`` in ``[lb, ub]``: (status, x) as :func:`_solve`.

        Solved on one HiGHS model per component, kept between its solves (25% less time
        for a wave's plan of the example): only the objective and the box change, and
        the simplex starts from the last basis. Optimal values are the same; the optimal
        vertex may be another, which only changes which solutions the audit sees
        first, never a cell's bounds. A status other than optimal, infeasible or
        unbounded is solved again from scratch by :func:`_solve`."""
        core = _highs_module()
        if core is None:  # pragma: no cover - older scipy
            return _solve(c, self.A, self.lo, self.hi, lb, ub, np.zeros(self.n, dtype=int))
        if self._highs is None:
            self._highs = _highs_model(core, self.A, self.lo, self.hi)
        h = self._highs
        every = np.arange(self.n, dtype=np.int32)
        h.changeColsCost(self.n, every, np.asarray(c, dtype=float))
        h.changeColsBounds(self.n, every, np.asarray(lb, dtype=float),
                           np.where(np.isfinite(ub), ub, core.kHighsInf).astype(float))
        h.run()
        status = h.getModelStatus()
        if status == core.HighsModelStatus.kOptimal:
            return 0, np.array(h.getSolution().col_value)
        if status == core.HighsModelStatus.kInfeasible:
            return 2, None
        if status == core.HighsModelStatus.kUnbounded:
            return 3, None
        return _solve(c, self.A, self.lo, self.hi, lb, ub, np.zeros(self.n, dtype=int))

    def _clean(self, x):
        return np.round(x) if self.integer else x

    def feasible_point(self):
        status, x = self._optimum(np.zeros(self.n), np.zeros(self.n), self.ub)
        if status != 0:
            raise AnalysisError("the published cells and the equalities admit no "
                                f"non-negative{' integer' if self.integer else ''} values "
                                "for the hidden cells (equalities "
                                f"{sorted(set(self.origin))[:10]} ...)")
        return x

    def extreme(self, j, sign):
        """``x`` minimising (sign=+1) or maximising (sign=-1) cell ``j``; None: unbounded."""
        c = np.zeros(self.n)
        c[j] = sign
        status, x = self._optimum(c, np.zeros(self.n), self.ub)
        if status == 3:
            return None
        if status != 0:
            raise AnalysisError(f"the solver found no solution it had found before: {status}")
        return x

    def explore(self, weights, lb, ub):
        """``x`` maximising ``weights @ x`` within the box ``[lb, ub]``, roughly (in
        integer counts the first integer solution the branch and bound finds,
        :data:`EXPLORE_GAP`): any feasible solution, one that moves many cells at once
        (near a vertex of the box and the system). None when the box holds no solution
        the solver returns."""
        status, x = self._optimum(-weights, lb, ub, gap=EXPLORE_GAP)
        return x if status == 0 else None


def _intervals(comp: _Component, base, targets, need, *, rounds: int = 2,
               first: bool = False):
    """Cells of ``targets`` (local indices) whose interval is narrower than ``need``.

    Returns a list of ``(local index, low, high)`` with the exact bounds of each (with
    ``first``, of the first such cell only: the search stops there).

    Phase A (cheap, batched): up to ``rounds`` solves with a random objective (fixed
    seed) over the unsettled cells, in a box of 10 x the needed width around ``base``;
    each answer is a solution, and every cell two solutions put ``need`` apart is
    settled as safe. Phase B (exact): each cell still unsettled gets its maximum and
    minimum; a cell is reported only on these exact bounds. Phase A decides nothing
    on its own: it only saves phase B's solves.
    """
    low = base.copy()
    high = base.copy()
    margin = 1e-3 * comp.tol               # need is at least comp.tol in real values

    def resolved(j):
        return high[j] - low[j] >= need[j] - margin

    def seen(x):
        np.minimum(low, x, out=low)
        np.maximum(high, x, out=high)

    todo = [j for j in targets if not resolved(j)]
    rng = np.random.default_rng(20240601)
    reach = 10.0 * np.maximum(need, 1.0)
    box_lb = np.maximum(base - reach, 0.0)
    box_ub = np.minimum(base + reach, comp.ub)
    for _ in range(rounds):
        if not todo:
            break
        weights = np.zeros(comp.n)
        t = np.array(todo)
        weights[t] = rng.choice((-1.0, 1.0), size=t.size) * rng.uniform(0.5, 1.5, size=t.size)
        x = comp.explore(weights, box_lb, box_ub)
        if x is None:
            break
        seen(x)
        still = [j for j in todo if not resolved(j)]
        if len(still) == len(todo):
            break
        todo = still
    narrow = []
    for j in todo:
        if resolved(j):
            continue
        x = comp.extreme(j, -1)
        if x is None:
            continue                                # unbounded above: safe
        seen(x)
        if resolved(j):
            continue
        x = comp.extreme(j, 1)
        seen(x)
        if not resolved(j):
            narrow.append((j, low[j], high[j]))
            if first:
                break
    return narrow


def _substitute(form: Mapping, index: Mapping, values: Mapping,
                shift: Mapping | None = None) -> tuple[dict, float, float]:
    """A linear form split into its hidden part ``{variable: coefficient}``, the sum of
    its published terms (and of the hidden cells' lower bounds ``shift``) and the sum
    of their magnitudes (a scale for tolerances)."""
    hidden, constant, magnitude = {}, 0.0, 0.0
    for key, coef in form.items():
        i = index.get(key)
        if i is None:
            constant += coef * values[key]
            magnitude += abs(coef * values[key])
        else:
            hidden[i] = coef
            if shift and key in shift:
                constant += coef * shift[key]
                magnitude += abs(coef * shift[key])
    return hidden, constant, magnitude


def _analyse(rows: list[_Row], values: Mapping, hidden: list, *, truth: Mapping | None,
             upper: Mapping, need: Mapping, integer: bool,
             lower: Mapping | None = None, first: bool = False) -> list[Recovered]:
    """The audit proper: ``hidden`` in key order, ``values`` of the published cells.
    ``first``: stop at the first recovered cell found (see :func:`audit`).

    A hidden cell with a lower bound ``l`` is solved as ``x = l + y`` with ``y >= 0``:
    every relation gets ``l``'s share in its constant, and the bounds and values found
    are shifted back when reported."""
    index = {k: i for i, k in enumerate(hidden)}
    n = len(hidden)
    lower = lower or {}
    lb = np.array([float(lower.get(k) or 0.0) for k in hidden])
    ub = np.array([float(upper[k]) if upper.get(k) is not None else np.inf for k in hidden])
    if integer:
        ub = np.floor(ub + 1e-9)
        lb = np.ceil(lb - 1e-9)
    crossed = [hidden[i] for i in np.flatnonzero(lb > ub)]
    if crossed:
        raise AnalysisError(f"the lower bounds of {crossed[:10]!r} exceed their upper bounds")
    x_true = None
    if truth is not None:
        missing = [k for k in hidden if k not in truth or _hidden(truth[k])]
        if missing:
            raise AnalysisError(f"truth has no value for the hidden cells {missing[:10]!r}")
        x_true = np.array([float(truth[k]) for k in hidden])
        if integer and np.any(np.abs(x_true - np.round(x_true)) > 1e-9):
            raise AnalysisError("truth holds non-integer counts while integer=True")
        below = [hidden[i] for i in np.flatnonzero(x_true < lb - 1e-9)]
        if below:
            raise AnalysisError(f"truth is below the lower bound of {below[:10]!r}")
        x_true = x_true - lb                     # the shifted variables y = x - lb
    ub = ub - lb
    shift = {k: lb[i] for k, i in index.items() if lb[i] != 0.0}

    # substitute the published cells: [origin, {var: a}, c, {var: b}, t, magnitude]
    sub = []
    var_rows: list[list[int]] = [[] for _ in range(n)]
    for row in rows:
        a, c, mag_a = _substitute(row.coef, index, values, shift)
        tv, t, mag_t = _substitute(row.tol, index, values, shift)
        c += row.const
        t += row.tol0
        r = len(sub)
        sub.append([row.origin, a, c, tv, t, abs(row.const) + row.tol0 + mag_a + mag_t])
        for i in {*a, *tv}:
            var_rows[i].append(r)

    def check_closed(entry):
        origin, _, c, _, t, mag = entry
        if abs(c) > t + 1e-7 * (1.0 + mag):
            raise AnalysisError(f"equality {origin} does not hold for the published cells "
                                f"(lhs - rhs = {c:g}, tolerance {t:g})")

    # a relation with one hidden cell left gives it away: peel those first
    fixed: dict[int, float] = {}
    queue = deque(r for r, e in enumerate(sub) if len(e[1]) == 1 and not e[3] and e[4] == 0.0)
    for entry in sub:
        if not entry[1] and not entry[3]:
            check_closed(entry)
    while queue:
        entry = sub[queue.popleft()]
        if len(entry[1]) != 1 or entry[3] or entry[4] != 0.0:
            continue
        (i, a), = entry[1].items()
        v = -entry[2] / a
        tol = 1e-7 * (1.0 + entry[5] / abs(a))
        if v < -tol or v > ub[i] + tol or (integer and abs(v - round(v)) > 1e-6):
            raise AnalysisError(f"equality {entry[0]} gives hidden cell {hidden[i]!r} the value "
                                f"{v + lb[i]:g}, which no {'integer ' if integer else ''}count "
                                f"in [{lb[i]:g}, {ub[i] + lb[i]:g}] has")
        v = float(round(v)) if integer else max(v, 0.0)
        if x_true is not None and abs(x_true[i] - v) > tol:
            raise AnalysisError(f"truth does not satisfy equality {entry[0]}: it pins "
                                f"{hidden[i]!r} to {v + lb[i]:g}, truth says "
                                f"{x_true[i] + lb[i]:g}")
        fixed[i] = v
        for r in var_rows[i]:
            other = sub[r]
            if i in other[1]:
                other[2] += other[1].pop(i) * v
            if i in other[3]:
                other[4] += other[3].pop(i) * v
            if not other[1] and not other[3]:
                check_closed(other)
            elif len(other[1]) == 1 and not other[3] and other[4] == 0.0:
                queue.append(r)

    out: list[Recovered] = []
    for i, v in fixed.items():
        v += lb[i]
        value = float(x_true[i] + lb[i]) if x_true is not None else v
        if value != 0.0:
            out.append(Recovered(hidden[i], value, v, v))
    if first and out:
        return out[:1]

    # the rest: connected components of cells linked by relations
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    live = [e for e in sub if e[1] or e[3]]
    for e in live:
        members = iter({*e[1], *e[3]})
        head = find(next(members))
        for i in members:
            root = find(i)
            if root != head:
                parent[max(root, head)] = min(root, head)
                head = min(root, head)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        if i not in fixed:
            groups.setdefault(find(i), []).append(i)
    comp_rows: dict[int, list] = {}
    for e in live:
        comp_rows.setdefault(find(next(iter({*e[1], *e[3]}))), []).append(e)

    for root, variables in sorted(groups.items()):
        if first and out:
            return out[:1]
        crow = comp_rows.get(root)
        if not crow:                             # in no relation: [0, upper]
            for i in variables:
                value = float(x_true[i] + lb[i]) if x_true is not None else None
                if value == 0.0 or (value is None and ub[i] + lb[i] == 0.0):
                    continue
                if ub[i] < max(need[hidden[i]], 1e-12):
                    out.append(Recovered(hidden[i], value, float(lb[i]),
                                         float(ub[i] + lb[i])))
            continue
        comp = _Component(np.array(variables), [(e[0], e[1], e[2], e[3], e[4]) for e in crow],
                          ub, integer)
        if x_true is not None:
            base = x_true[comp.vars]
            bad = comp.violated(base)
            if bad is not None:
                raise AnalysisError(f"truth does not satisfy equality {bad}")
            above = [hidden[g] for g, x in zip(comp.vars, base) if x > ub[g] + 1e-9]
            if above:
                raise AnalysisError(f"truth exceeds the upper bound of {above[:10]!r}")
            targets = [j for j in range(comp.n) if base[j] + lb[comp.vars[j]] != 0.0]
        else:
            base = comp.feasible_point()
            targets = list(range(comp.n))
        widths = np.array([need[hidden[g]] for g in comp.vars], dtype=float)
        if not integer:
            widths = np.maximum(widths, comp.tol)
        # without the truth a cell found at 0 is dropped below: the search goes on
        for j, low, high in _intervals(comp, base, targets, widths,
                                       first=first and x_true is not None):
            g = comp.vars[j]
            low, high = low + lb[g], high + lb[g]
            if x_true is not None:
                value = float(x_true[g] + lb[g])
            else:
                value = float(low) if high - low <= comp.tol else None
                if value == 0.0:
                    continue
            out.append(Recovered(hidden[g], value, float(low), float(high)))
    position = {k: i for i, k in enumerate(hidden)}
    out.sort(key=lambda r: position[r.key])
    return out


# --------------------------------------------------------------------------- audit

def audit(cells: Mapping[Hashable, float | None], equalities: Sequence[Equality], *,
          truth: Mapping[Hashable, float] | None = None,
          upper: Mapping[Hashable, float] | None = None,
          lower: Mapping[Hashable, float] | None = None,
          integer: bool = True, min_width: float = 0.0,
          first: bool = False) -> list[Recovered]:
    """Hidden cells a reader can recover from the published cells and the equalities.

    Parameters
    ----------
    cells
        Every cell: key -> published value (a count >= 0), or ``None`` (or NaN) when
        the cell is hidden. Hidden cells are non-negative.
    equalities
        Linear relations between cells, published or hidden (see the module docstring:
        ``(lhs, rhs)`` or ``(lhs, rhs, tolerance)``; :func:`total`, :func:`same`,
        :func:`mean_times_n` build them).
    truth
        The true values of the hidden cells. With it, cells whose true value is 0 are
        never reported (an empty cell discloses nobody), and the system is checked to
        hold for the truth. Without it, a cell recovered as 0 is not reported either.
    upper
        Known upper bounds of hidden cells (a reader may know a region has 12
        schools); default none.
    lower
        Known lower bounds of hidden cells; default 0. A page that shows its zeros
        tells the reader a hidden count is at least 1, and one whose marks tell
        small cells from others tells more (:func:`reader_bounds`).
    integer
        Cells are integer counts (default): a cell is recovered when every *integer*
        solution gives it the same value, which can happen when the real-valued
        interval is still open. ``False``: real values (the LP relaxation).
    min_width
        0 (default): report exact recoveries only. Larger: report every hidden
        non-zero cell whose feasible interval is narrower than this.
    first
        Stop at the first recovered cell found and return it alone (its bounds still
        exact): for a yes-or-no question ("does showing this give anything away?"),
        which a pattern that leaks answers in a fraction of the time. Which cell comes
        first is not specified. Default ``False``: every recovered cell.

    Returns
    -------
    list of Recovered
        In key order: ``key``, ``value`` (the truth, or the recovered value), ``low``,
        ``high``.

    Raises
    ------
    AnalysisError
        Malformed equalities or values; relations that do not hold for the published
        cells or the truth; a system without any non-negative (integer) solution.

    Notes
    -----
    Steps, each exact:

    1. Published cells are substituted as constants. A relation left with a single
       hidden cell pins it (``t = a + b + c`` with only ``b`` hidden); such cells are
       reported and substituted in turn, which may pin more.
    2. The remaining hidden cells fall apart into connected components (cells linked by
       a relation); each is solved on its own.
    3. In each component, starting from the truth (or any feasible point), a few
       solves with a random objective (fixed seed) over the unsettled cells, in a box
       around the truth (in integer counts the first integer solution found, not
       proved optimal: :data:`EXPLORE_GAP`): each answer is a solution, and a cell that
       two known solutions put at least the needed width apart (1 in integer counts, a
       hair in real values, or ``min_width``) is settled as safe. A vertex moves many
       cells at once, so a few solves settle most cells of a component.
    4. Every cell still unsettled gets its exact maximum and minimum (each solution
       also widens the known range of the others). Only these exact bounds make a cell
       reported: step 3 can make the audit faster, never change its answer.

    Each solve is an LP first (HiGHS's simplex, on one model per component kept
    between its solves through scipy's own bindings; :func:`scipy.optimize.milp`
    without integrality where scipy has none). With ``integer=True`` an integral LP
    optimum is also the integer optimum; only a fractional one (as when integrality
    collapses an interval the LP leaves open) is solved again as an integer program
    (``milp`` with integrality, HiGHS's branch and bound). On table-like systems almost
    every vertex is integral, so the integer audit costs little more than the real one.

    Examples
    --------
    A 2 x 2 table with its margins; the top-left cell is hidden. Its row total minus
    the shown cell gives it away:

    >>> cells = {"a": None, "b": 7, "c": 6, "d": 9, "r1": 10, "r2": 15, "k1": 9, "k2": 16}
    >>> eqs = [total("r1", ["a", "b"]), total("r2", ["c", "d"]),
    ...        total("k1", ["a", "c"]), total("k2", ["b", "d"])]
    >>> audit(cells, eqs, truth={"a": 3})
    [Recovered(key='a', value=3.0, low=3.0, high=3.0)]
    """
    known = _check_values(cells, allow_hidden=True, what="cells")
    rows = _parse(equalities, known)
    hidden = _ordered(k for k, v in known.items() if v is None)
    if min_width < 0 or not math.isfinite(min_width):
        raise AnalysisError(f"min_width must be a number >= 0, not {min_width!r}")
    if truth is not None:
        truth = _check_values({k: truth[k] for k in hidden if k in truth},
                              allow_hidden=True, what="truth values")
    unit = 1.0 if integer else 0.0
    need = {k: max(float(min_width), unit) for k in hidden}
    return _analyse(rows, known, hidden, truth=truth, upper=_upper(upper, known),
                    lower=_upper(lower, known), need=need, integer=integer, first=first)


def reader_bounds(values: Mapping[Hashable, float], states: Mapping[Hashable, str], *,
                  min_n: int) -> tuple[dict, dict]:
    """What a reader knows of each hidden cell from its mark: ``(lower, upper)``.

    Zeros are shown, so a hidden count is at least 1. A primary cell reads "fewer than
    ``min_n``": it lies in ``[1, min_n - 1]``. A complementary cell has its own mark
    and would have read "fewer than ``min_n``" if it were small: it is at least
    ``min_n``. A withheld cell (its whole row hidden under one neutral mark, zeros
    included) is only ``>= 0``. ``values`` are the true values (they say nothing the
    marks do not: the mark of a cell follows from its value), ``states`` the hidden
    cells' states.
    """
    lower, upper = {}, {}
    for key, state in states.items():
        if not state or state == WITHHELD:
            continue                  # shown, or hidden under a mark that says nothing
        value = values[key]
        if value <= 0:
            continue                  # a hidden zero: the mark promises nothing
        if state == PRIMARY:
            lower[key], upper[key] = 1.0, float(min_n - 1)
        else:                         # a small cell marked complementary: only >= 1
            lower[key] = float(min_n) if value >= min_n else 1.0
    return lower, upper


def _upper(upper: Mapping | None, known: Mapping) -> dict:
    """The upper bounds, checked: known cells, numbers >= 0 (or None: no bound)."""
    upper = dict(upper or {})
    unknown = [k for k in upper if k not in known]
    if unknown:
        raise AnalysisError(f"upper bounds are given for {unknown!r}, which are not among "
                            "the cells")
    bad = {k: u for k, u in upper.items()
           if u is not None and not (_number(u) and u >= 0 and not math.isnan(u))}
    if bad:
        raise AnalysisError(f"upper bounds must be numbers >= 0 (or None); got {bad!r}")
    return upper


# --------------------------------------------------------------------------- protect

class _Graph:
    """Which relations each cell is in, and the relations at the true values."""

    def __init__(self, rows: list[_Row], values: Mapping):
        self.rows = rows
        self.cell_rows: dict[Hashable, list[int]] = {}
        self.f = []                       # f(truth)
        self.t = []                       # tolerance(truth)
        for r, row in enumerate(rows):
            for key in {*row.coef, *row.tol}:
                self.cell_rows.setdefault(key, []).append(r)
            f = row.const + sum(a * values[k] for k, a in row.coef.items())
            t = row.tol0 + sum(b * values[k] for k, b in row.tol.items())
            mag = abs(row.const) + sum(abs(a * values[k]) for k, a in row.coef.items())
            if abs(f) > t + 1e-7 * (1.0 + mag):
                raise AnalysisError(f"equality {row.origin} does not hold for the cells' values "
                                    f"(lhs - rhs = {f:g}, tolerance {t:g})")
            self.f.append(f)
            self.t.append(t)

    def walk(self, key, *, radius: int | None = None,
             within: set | None = None) -> tuple[set, list[int]]:
        """Cells at most ``radius`` relations away from ``key`` (no limit: ``None``),
        stepping only onto cells of ``within`` (all: ``None``), ``key`` included; and
        the relations that touch them, in order."""
        seen = {key}
        rows: set[int] = set()
        frontier = [key]
        steps = 0
        while frontier and (radius is None or steps < radius):
            steps += 1
            step = []
            for cell in frontier:
                for r in self.cell_rows.get(cell, ()):
                    if r in rows:
                        continue
                    rows.add(r)
                    row = self.rows[r]
                    for other in (*row.coef, *row.tol):
                        if other not in seen and (within is None or other in within):
                            seen.add(other)
                            step.append(other)
            frontier = step
        return seen, sorted(rows)


def _cover(graph: _Graph, key, width: float, *, values, hidden: set, cost, upper,
           order: dict, integer: bool, lower: Mapping | None = None):
    """Cheapest shown cells to hide so that ``key`` can move by ``width``.

    Solves, on a neighbourhood of ``key`` that grows until it is feasible, ``min
    sum(cost_c * |d_c|)`` over moves ``d`` of hidden cells (free) and shown non-zero
    cells (their cost) such that ``truth + d`` satisfies every relation and the bounds
    and ``d_key >= width`` (or ``<= -width``); ``lower`` are the bounds below which
    a cell, once hidden, is known not to be (default 0). Every cell with ``d_c != 0`` is then
    hidden: ``truth + d`` is a solution of the new pattern, so ``key``'s interval holds
    both its true value and one ``width`` away.

    Hidden cells cost a ten-thousandth of the cheapest shown cell per unit, so that
    moves stay small.

    Returns the move ``{cell: d_c}`` of every cell that moves (its shown cells are the
    ones to hide), or None when no move exists.
    """
    import scipy.sparse as sp

    radius = 2
    previous = -1
    while True:
        near, _ = graph.walk(key, radius=radius)
        movable = [c for c in near if c in hidden or (values[c] > 0 and math.isfinite(cost[c]))]
        movable.sort(key=order.__getitem__)
        if len(near) == previous:
            return None                              # the whole component: no move
        previous = len(near)
        local = {c: i for i, c in enumerate(movable)}
        m = len(movable)
        row_ids = sorted({r for c in movable for r in graph.cell_rows.get(c, ())})
        data, ri, ci, lo, hi = [], [], [], [], []
        for r in row_ids:
            row = graph.rows[r]
            for form, low, high in _sides(row.coef, graph.f[r], row.tol, graph.t[r]):
                k = len(lo)
                for cell, a in form.items():
                    i = local.get(cell)
                    if i is not None and a != 0.0:   # d = d_plus - d_minus: i and m + i
                        ri += [k, k]
                        ci += [i, m + i]
                        data += [a, -a]
                lo.append(low)
                hi.append(high)
        A = sp.csr_array((data, (ri, ci)), shape=(len(lo), 2 * m))
        truth = np.array([values[c] for c in movable])
        up = np.array([upper[c] if upper.get(c) is not None else np.inf for c in movable])
        down = np.array([(lower or {}).get(c) or 0.0 for c in movable])
        shown = [cost[c] for c in movable if c not in hidden and cost[c] > 0]
        free = 1e-4 * min(shown, default=1.0)
        weights = np.array([free if c in hidden else cost[c] * (1.0 + 1e-3 * i / m)
                            for i, c in enumerate(movable)])
        c_obj = np.concatenate([weights, weights])
        integrality = np.full(2 * m, int(integer))
        zeros = np.zeros(2 * m, dtype=int)
        best = None
        j = local[key]
        for sign in (1, -1):
            lb = np.zeros(2 * m)
            ub = np.concatenate([np.maximum(up - truth, 0.0), np.maximum(truth - down, 0.0)])
            if sign == 1:
                lb[j], ub[m + j] = width, 0.0
            else:
                if truth[j] - down[j] < width:
                    continue
                lb[m + j], ub[j] = width, 0.0
            if lb[j] > ub[j] or lb[m + j] > ub[m + j]:
                continue
            # the LP first: on table-like systems its optimal moves are mostly integer
            status, x = _solve(c_obj, A, np.array(lo), np.array(hi), lb, ub, zeros)
            if status == 0 and integer and np.any(np.abs(x - np.round(x)) > 1e-6):
                status, x = _solve(c_obj, A, np.array(lo), np.array(hi), lb, ub, integrality)
            if status != 0:
                continue
            if integer:
                x = np.round(x)
            value = float(c_obj @ x)
            if best is None or value < best[0] - 1e-9:
                d = x[:m] - x[m:]
                moved = np.abs(d) > (0.5 if integer else 1e-6 * max(1.0, truth.max()))
                best = (value, {movable[i]: float(d[i]) for i in np.flatnonzero(moved)})
        if best is not None:
            return best[1]
        radius *= 2


def protect(cells: Mapping[Hashable, float], equalities: Sequence[Equality], *, min_n: int,
            primary: Iterable[Hashable] | None = None,
            cost: Mapping[Hashable, float] | None = None,
            upper: Mapping[Hashable, float] | None = None,
            integer: bool = True, min_width: float = 1.0,
            prune: bool = True, marks: bool = False,
            withheld: Iterable[Hashable] = (),
            start: Iterable[Hashable] = ()) -> dict[Hashable, str]:
    """Primary and complementary cells to hide so that no hidden cell can be recovered.

    Parameters
    ----------
    cells
        Every cell's true value (a count >= 0).
    equalities
        The relations a reader knows (see :func:`audit`).
    min_n
        The study's minimum n: cells with ``0 < value < min_n`` are primary.
    primary
        More keys to hide as primary (a cell whose base is small elsewhere).
    cost
        Price of hiding a cell; keys left out cost ``1 + value`` (so small cells and few
        cells are preferred). ``math.inf`` means never hide. Give e.g. national cells a
        higher cost than region cells to hide region cells first.
    upper
        Upper bounds a reader knows for cells (see :func:`audit`).
    integer
        Audit in integer counts (default) or in real values.
    min_width
        The width every primary cell's feasible interval must have (default 1: not
        exactly recoverable; ``min_n`` asks for an interval of at least ``min_n``).
    prune
        After the pattern is found, show again each complementary cell (dearest first)
        whose hiding turns out not to be needed. Saves a few per cent of the hidden
        cells; ``False`` skips it.
    marks
        The page shows its zeros and marks small cells apart from the others, so a
        reader knows more than "hidden >= 0" (:func:`reader_bounds`): a cell with
        ``0 < value < min_n`` is in ``[1, min_n - 1]`` and is returned as primary,
        every other hidden cell is at least ``min_n`` and is returned as
        complementary, whatever ``primary`` says. Every audit and every move then
        respects these bounds. Default ``False``: hidden cells are only ``>= 0``.
    withheld
        Cells hidden under one neutral mark whatever their value (a row withheld whole,
        zeros included): always hidden, only ``>= 0`` to a reader, returned as
        ``"withheld"``. Used when ``marks`` makes a row impossible to protect cell by
        cell (a row of ``1 + 5 + 5 = 11`` with its total shown: ``<k`` is at least 1 and
        each other mark at least k, so every cell is pinned).
    start
        Shown cells to hide from the start, as complementary (a warm start: the cells an
        earlier, failed call had hidden, given in ``error.hidden``); pruning shows again
        those that turn out not to be needed.

    Returns
    -------
    dict
        Each hidden cell's key -> ``"primary"`` or ``"complementary"``, in key order.
        Shown cells are not in it. Zero cells are never hidden as complementary.

    Raises
    ------
    AnalysisError
        When no pattern protects some primary cell (e.g. a constant right-hand side
        pins it), or the inputs are malformed or inconsistent.

    Notes
    -----
    1. Hide the primary cells.
    2. :func:`audit` with the true values lists the cells at risk: hidden non-zero
       cells that are recovered exactly, and primary cells narrower than
       ``min_width``.
    3. For each, in key order, the cheapest set of shown non-zero cells whose hiding
       lets it move far enough: a program over *moves* ``d`` of the cells on a
       neighbourhood of it (grown until a move exists), ``min sum(cost_c * |d_c|)``
       subject to ``truth + d`` satisfying every relation and the bounds and
       ``|d_key| >= width``; hidden cells move almost for free (a ten-thousandth of
       the cheapest shown cell per unit, which keeps moves small). Equal costs are
       told apart by a surcharge of at most 0.1 % that grows with the key order, so
       ties go to the first keys. Its LP relaxation is solved first, the integer
       program only when the LP's moves are fractional. The cells that move are
       hidden. Hiding more cells never narrows an interval, so a move
       stays valid while other cells are treated: a cell an earlier move already
       shifts far enough is skipped.
    4. Repeat from 2 until the audit is clean (one round normally suffices; the
       second audit is the check).
    5. (``prune``) Each complementary cell, dearest first (ties: last key first), is
       shown again when the audit of the hidden cells linked to it stays clean
       without it; showing a cell changes nothing for the cells of other components,
       so every step keeps the whole pattern clean.

    This is the move-based heuristic of the cell suppression literature (Fischetti and
    Salazar-Gonzalez, 2000; the "optimal"/"modular" methods of tau-ARGUS and sdcTable
    solve the exact MILP instead): frugal, not minimal.

    Examples
    --------
    A 2 x 2 table with margins and grand total ``g``; ``a = 3`` is primary. The
    cheapest move that keeps every sum is the rectangle (cost 8 + 7 + 10):

    >>> cells = {"a": 3, "b": 7, "c": 6, "d": 9, "r1": 10, "r2": 15, "k1": 9, "k2": 16,
    ...          "g": 25}
    >>> eqs = [total("r1", ["a", "b"]), total("r2", ["c", "d"]),
    ...        total("k1", ["a", "c"]), total("k2", ["b", "d"]),
    ...        total("g", ["r1", "r2"]), total("g", ["k1", "k2"])]
    >>> protect(cells, eqs, min_n=5)
    {'a': 'primary', 'b': 'complementary', 'c': 'complementary', 'd': 'complementary'}
    """
    if not isinstance(min_n, (int, np.integer)) or isinstance(min_n, bool) or min_n < 1:
        raise AnalysisError(f"min_n must be an integer >= 1, not {min_n!r}")
    if min_width < 0 or not math.isfinite(min_width):
        raise AnalysisError(f"min_width must be a number >= 0, not {min_width!r}")
    values = _check_values(cells, allow_hidden=False, what="cells given to protect")
    rows = _parse(equalities, values)
    order = {k: i for i, k in enumerate(_ordered(values))}
    primary_set = {k for k, v in values.items() if 0 < v < min_n}
    extra = list(primary or ())
    unknown = [k for k in extra if k not in values]
    if unknown:
        raise AnalysisError(f"primary cells {unknown!r} are not among the cells")
    primary_set |= set(extra)
    costs = {k: 1.0 + v for k, v in values.items()}
    for k, c in dict(cost or {}).items():
        if k not in values:
            raise AnalysisError(f"cost is given for {k!r}, which is not among the cells")
        if not _number(c) or c < 0 or math.isnan(c):
            raise AnalysisError(f"cost of {k!r} is {c!r}, expected a number >= 0 or inf")
        costs[k] = float(c)
    upper = _upper(upper, values)
    withheld = set(withheld)
    unknown = [k for k in withheld if k not in values]
    if unknown:
        raise AnalysisError(f"withheld cells {unknown!r} are not among the cells")
    lower: dict = {}
    if marks:
        marked = {k: WITHHELD if k in withheld else PRIMARY if 0 < v < min_n else COMPLEMENTARY
                  for k, v in values.items()}
        lower, bounds = reader_bounds(values, marked, min_n=min_n)
        for k, u in bounds.items():
            upper[k] = u if upper.get(k) is None else min(u, upper[k])
    graph = _Graph(rows, values)
    unit = 1.0 if integer else 0.0
    wide = max(float(min_width), unit)

    def need(key):
        return wide if key in primary_set else unit

    def width(key):
        return need(key) if integer else max(need(key), 1e-6)

    # cells some move found so far shifts far enough: a move stays valid while the
    # hidden cells only grow, so such a cell is protected already
    covered: set = set()

    def audit_of(keys, rows_used, *, first=False):
        return _analyse(rows_used, values, keys, truth=values, upper=upper, lower=lower,
                        need={k: need(k) for k in keys}, integer=integer, first=first)

    primary_set -= withheld
    hidden = set(primary_set) | withheld | {k for k in start if k in values and values[k] > 0
                                            and math.isfinite(costs[k])}
    for _ in range(len(values) + 1):
        at_risk = audit_of(sorted(hidden, key=order.__getitem__), rows)
        if not at_risk:
            break
        for risk in at_risk:
            if risk.key in covered:
                continue
            move = _cover(graph, risk.key, width(risk.key), values=values, hidden=hidden,
                          cost=costs, upper=upper, order=order, integer=integer, lower=lower)
            if move is None:
                error = AnalysisError(f"cell {risk.key!r} cannot be protected: no pattern of "
                                      f"hidden cells lets it move by {width(risk.key):g}")
                error.cell = risk.key
                error.hidden = set(hidden)
                raise error
            covered |= {cell for cell, d in move.items() if abs(d) >= width(cell) - 1e-9}
            hidden |= set(move)
    else:  # pragma: no cover - each round protects every cell at risk
        raise AnalysisError("protect did not converge")
    if prune:
        for key in sorted(hidden - primary_set - withheld,
                          key=lambda k: (-costs[k], -order[k])):
            linked, row_ids = graph.walk(key, within=hidden)
            keys = sorted(linked - {key}, key=order.__getitem__)
            if not audit_of(keys, [rows[r] for r in row_ids], first=True):
                hidden.discard(key)
    if marks:
        return {k: WITHHELD if k in withheld else PRIMARY if 0 < values[k] < min_n
                else COMPLEMENTARY for k in sorted(hidden, key=order.__getitem__)}
    return {k: WITHHELD if k in withheld else PRIMARY if k in primary_set else COMPLEMENTARY
            for k in sorted(hidden, key=order.__getitem__)}
