"""The results of one scope: every table a supplement shows, as tidy frames with their
disclosure state, computed once.

``compute(study, scope="region", scope_value="C")`` (the latest wave; ``wave=`` another) returns a
:class:`ScopeResults`. Each table is computed on first use and kept; an analyst reaches
it as an attribute (``results.reliabilities``, ``results.joint_display``, ...) and gets a
plain :class:`pandas.DataFrame` at full precision, with ids rather than words. Rendering
(:mod:`image_synth.render`) only formats these frames in the page's language.

Disclosure state
----------------
With ``publish=True`` every frame says which of its numbers a page may show:

- answer tables (``response``, ``distribution(...)``) are long: one row per cell, with
  ``hidden`` = ``""``, ``"primary"`` (1 to k − 1 respondents) or ``"complementary"``
  (hidden so that a primary cell cannot be recovered), and the design of the table
  (answer codes collapsed or not) decided once for all pages
  (:mod:`image_synth.disclosure.plan`);
- statistics tables (reliabilities, summaries, associations, the joint display) are one
  row per statistic, with ``hidden`` for the row's numbers (``"primary"``: fewer than k
  respondents; ``"complementary"``: hidden to protect a sibling scope or a hidden cell).

With ``publish=False`` nothing is hidden (``hidden`` is empty everywhere).
"""

from __future__ import annotations

import random
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import pandas as pd

from .. import columns as C
from ..errors import AnalysisError
from ..study.fingerprint import latest_wave
from .scope import Scope, hierarchy

if TYPE_CHECKING:
    from ..study.load import Study

__all__ = ["compute", "ScopeResults", "TABLES", "SEED", "latest_wave",
           "MIN_N_CORRELATION"]

#: Seed of the global random generators, fixed by :func:`compute`.
SEED = 20230101

#: A correlation needs at least this many respondents (and the study's k) to be shown:
#: with fewer, Spearman's rho and its interval say nothing (n = 5 gives rho = 1 [1–1]).
MIN_N_CORRELATION = 10

#: The tables of a scope, in the order of the supplement.
TABLES = ("response", "reliabilities", "wave_change", "condition_summary", "associations",
          "interview_change", "joint_display", "situation_displays", "cmo", "evidence_map",
          "meta_inferences", "network_measures", "sources", "inputs")


def compute(study: "str | Path | Study" = "", *, scope: str = "national",
            scope_value: str = "", wave: int | None = None,
            publish: bool = True) -> "ScopeResults":
    """The results of one scope (see the module docstring).

    Parameters
    ----------
    study
        A study folder, its ``study.yaml``, a loaded :class:`~image_synth.Study`, or
        ``""`` for the embedded example study.
    scope, scope_value
        ``"national"`` (``scope_value=""``), ``"situation"`` or ``"region"`` with its id.
    wave
        The measurement wave; ``None`` or ``0`` (the notebooks' default) takes the
        latest wave that has survey data.
    publish
        ``True``: the publication rules decide what is hidden; ``False``: every number
        (the pages then say they are not for publication).
    """
    random.seed(SEED)
    np.random.seed(SEED % 2**32)
    if isinstance(study, (str, Path)):
        from ..study.load import load_study

        study = load_study(study or None)
    where = Scope(scope, scope_value or "")
    if not wave:  # None or 0 (a notebook's default): the study's latest wave
        wave = latest_wave(study)
    if int(wave) not in study.config.waves:
        raise AnalysisError(f"wave {wave} is not a wave of the study "
                            f"({list(study.config.waves)})")
    subset = study.subset(wave=wave, **where.subset_kwargs())
    return ScopeResults(study=study, data=subset, scope=where, wave=int(wave),
                        publish=bool(publish))


@dataclass
class ScopeResults:
    """Every table of one scope's supplement (see :func:`compute`).

    Attributes
    ----------
    study
        The whole study.
    data
        The study limited to the scope and wave.
    scope, wave, publish
        What the supplement describes and whether the publication rules apply.
    """

    study: "Study"
    data: "Study"
    scope: Scope
    wave: int
    publish: bool = True
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    # ----------------------------------------------------------------- plumbing
    @property
    def min_n(self) -> int:
        return self.study.min_n

    @property
    def scope_value(self) -> str:
        return self.scope.value

    def _memo(self, key: Any, make: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def __getattr__(self, name: str) -> Any:
        if name in TABLES:
            return self._memo(name, getattr(self, f"_make_{name}"))
        raise AttributeError(name)

    def __dir__(self):
        return [*super().__dir__(), *TABLES]

    def frames(self) -> dict[str, pd.DataFrame]:
        """Every table of the scope by name (the distributions under
        ``distribution:<block>``)."""
        out = {name: getattr(self, name) for name in TABLES}
        for block in dict.fromkeys(i.block for i in self.study.instrument.items):
            for key, frame in self.distributions(block).items():
                out[f"distribution:{block}:{key}"] = frame
        return out

    @property
    def plan(self):
        from ..disclosure.plan import plan

        return plan(self.study, self.wave)

    def survey(self) -> pd.DataFrame:
        """The scope's respondents of the wave."""
        return self.data.survey[self.data.survey[C.WAVE] == self.wave]

    def scope_all_waves(self) -> "Study":
        """The scope with every wave (for comparisons with earlier waves)."""
        return self._memo("all_waves", lambda: self.study.subset(**self.scope.subset_kwargs())
                          if self.scope.kind != "national" else self.study)

    def hidden_counts(self) -> dict[str, int]:
        """How many cells and statistics of this scope's tables are hidden, by state
        (counted from the frames' flags)."""
        out = {"primary": 0, "complementary": 0}
        for frame in self.frames().values():
            for column in [c for c in frame.columns if c == "hidden" or c.startswith("hidden_")]:
                values = frame[column]
                if values.dtype == bool:
                    continue
                for state in out:
                    out[state] += int((values == state).sum())
        return out

    def record_shown(self, table_id: str, hidden: dict[str, int]) -> None:
        """Note how many hidden cells of each state a rendered table shows (a table
        rendered twice, e.g. in two languages, counts once)."""
        self._cache.setdefault("shown_tables", {})[table_id] = dict(hidden)

    def run_info(self) -> dict[str, Any]:
        """What the batch runner records in ``manifest.json`` for this supplement: the
        hidden cells of the tables rendered so far, counted from their cells' states
        (each ``<td data-hidden>`` of the page once)."""
        shown = self._cache.get("shown_tables", {})
        counts = {"primary": 0, "complementary": 0}
        for hidden in shown.values():
            for state in counts:
                counts[state] += hidden.get(state, 0)
        return {"scope": self.scope.kind, "scope_value": self.scope.value, "wave": self.wave,
                "publish": self.publish, "min_n": self.min_n,
                "suppressed_cells": counts["primary"] + counts["complementary"],
                "suppressed": counts,
                "suppressions": [{"table": k, **v} for k, v in sorted(shown.items())
                                 if sum(v.values())]}

    # ------------------------------------------------------------------ response
    def status_item(self):
        items = self.study.instrument.items_in_block("status")
        return items[0] if items else None

    def _make_response(self) -> pd.DataFrame:
        """Respondents per node shown on this scope and their answer to the status item:
        one row per node and column (``column`` 0 is ``n``), with ``hidden``."""
        status = self.status_item()
        item = status.id if status is not None else None
        table = self.plan.response(item)
        h = hierarchy(self.study)
        shown = h.shown_on(self.scope, sectors=True)
        regions_dropped = False
        if (self.publish and self.scope.kind == "national"
                and not self.plan.national_shows_regions(item)):
            shown = [(k, lvl) for k, lvl in shown if k[0] != "region"]
            regions_dropped = True
        codes = [None] + [group[0] for group in table.design.columns]
        rows = []
        for node, level in shown:
            for j, code in enumerate(codes):
                rows.append({"node": node, "node_kind": node[0], "node_id": node[-1],
                             "level": level, "column": j, "code": code,
                             "value": table.counts[node][j],
                             "hidden": table.state(node, j) if self.publish else ""})
        frame = pd.DataFrame(rows)
        frame.attrs.update(status_item=item, regions_dropped=regions_dropped)
        return frame

    # ------------------------------------------------------------------ distributions
    def table_items(self, block: str, *, ordered: bool | None = None) -> dict[str, list[str]]:
        """The items of ``block`` shown in one table each: grouped by scale (mechanisms)
        or by response set, so that one table never mixes two sets of answers (the
        plan's grouping, :meth:`image_synth.disclosure.plan.Plan.tables`)."""
        return self.plan.tables(block, ordered=ordered)

    def distributions(self, block: str) -> dict[str, pd.DataFrame]:
        """The answer tables of ``block``, by table key (:meth:`table_items`)."""
        return self._memo(("distributions", block), lambda: {
            key: self.distribution(items)
            for key, items in self.table_items(block).items()})

    def distribution(self, items: list[str]) -> pd.DataFrame:
        """The scope's answers to ``items`` in the design of their table: one row per
        item and answer column, with ``codes`` (the answer codes the column adds up),
        ``count``, ``n_asked``, ``share`` (of those asked), ``non_numeric`` and
        ``hidden``; the row ``column == 0`` is the item's ``n_asked``."""
        return self._memo(("distribution", tuple(items)), lambda: self._distribution(items))

    def _distribution(self, items: list[str]) -> pd.DataFrame:
        # publishing off: every answer on its own, nothing redesigned or hidden
        plans = (self.plan.answers(items) if self.publish
                 else {item: self.plan.full_counts(item) for item in items})
        inst = self.study.instrument
        node = self.scope.key
        rows = []
        for item in items:
            table = plans[item]
            rs = inst.response_set(inst.item(item).response_set)
            kinds = {c.code: c.non_numeric for c in rs.codes}
            counts = table.counts[node]
            n_asked = counts[0]
            for j, group in enumerate([None, *table.design.columns]):
                count = counts[j]
                rows.append({
                    C.ITEM: item, "column": j, "codes": group,
                    C.NON_NUMERIC: None if group is None else kinds[group[0]],
                    C.COUNT: count, C.N_ASKED: n_asked,
                    # a share beside a hidden total would give the total back
                    C.SHARE: (count / n_asked) if n_asked and not (
                        self.publish and table.state(node, 0)) else np.nan,
                    "hidden": table.state(node, j) if self.publish else ""})
        frame = pd.DataFrame(rows)
        frame.attrs["collapsed"] = any(p.design.collapsed for p in plans.values())
        return frame

    def item_hidden(self, items: list[str]) -> dict[str, dict[str, bool]]:
        """Per item: whether its answer row on this scope has hidden cells, and whether
        its non-numeric ("don't know") cells are hidden."""
        dist = self.distribution(items)
        out = {}
        for item, part in dist.groupby(C.ITEM, sort=False):
            answers = part[part["column"] > 0]
            out[item] = {"any": bool((part["hidden"] != "").any()),
                         "total": bool((part.loc[part["column"] == 0, "hidden"] != "").any()),
                         "non_numeric": bool((answers.loc[answers[C.NON_NUMERIC].notna(),
                                                          "hidden"] != "").any())}
        return out

    # ------------------------------------------------------------------ scales
    def _sibling_hidden(self, wave: int) -> set[str]:
        """Rows of the joint display (``scale:``/``item:`` ids) of this scope hidden in
        ``wave`` because the scope could be recovered from its parent minus its
        siblings."""
        def make():
            if not self.publish or self.scope.kind == "national":
                return set()
            from ..disclosure.siblings import hidden_rows

            return hidden_rows(self.study, self.joint_display_raw(quotes=False), wave=wave)
        return self._memo(("sibling_hidden", int(wave)), make)

    def _make_reliabilities(self) -> pd.DataFrame:
        """Reliability and mean of every mechanism scale in each wave up to this one."""
        from ..quant.reliability import scale_reliabilities

        scope = self.scope_all_waves()
        inst = self.study.instrument
        scales = [s.id for s in inst.scales if s.block == "mechanism"]
        frames = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            for wave in sorted(scope.survey[C.WAVE].dropna().unique()):
                if wave > self.wave or not scales:
                    continue
                survey = scope.survey[scope.survey[C.WAVE] == wave]
                frame = scale_reliabilities(survey, instrument=inst, scales=scales,
                                            wave=int(wave))
                frames.append(frame.assign(wave=int(wave)))
        if not frames:
            return pd.DataFrame(columns=[C.SCALE, "wave", C.N, "hidden"])
        out = pd.concat(frames, ignore_index=True).drop(columns=[C.LABEL], errors="ignore")
        out["hidden"] = ""
        if self.publish:
            small = (out[C.N] > 0) & (out[C.N] < self.min_n)
            out.loc[small, "hidden"] = "primary"
            for i, r in out.iterrows():
                if not out.at[i, "hidden"] and f"scale:{r[C.SCALE]}" in self._sibling_hidden(
                        int(r["wave"])):
                    out.at[i, "hidden"] = "complementary"
        return out

    def _make_wave_change(self) -> pd.DataFrame:
        """Mann-Whitney comparison of each mechanism scale with the previous wave."""
        from ..quant.compare import compare_waves
        from ..quant.scores import scale_scores

        scope = self.scope_all_waves()
        waves = sorted(int(w) for w in scope.survey[C.WAVE].dropna().unique())
        empty = pd.DataFrame(columns=["value", "wave_1", "wave_2", "n_1", "n_2", "hidden"])
        if self.wave not in waves or waves.index(self.wave) == 0:
            return empty
        before = waves[waves.index(self.wave) - 1]
        survey = scope.survey[scope.survey[C.WAVE].isin([before, self.wave])]
        scales = [s.id for s in self.study.instrument.scales if s.block == "mechanism"]
        if not scales:
            return empty
        scores = scale_scores(survey, instrument=self.study.instrument, scales=scales)
        try:
            out = compare_waves(scores, value=scales, waves=(before, self.wave),
                                min_n=self.min_n)
        except AnalysisError:
            return empty
        out = out.assign(wave_1=before, wave_2=self.wave, hidden="")
        if self.publish:
            small = (out["n_1"] < self.min_n) | (out["n_2"] < self.min_n)
            out.loc[small & (out["n_1"] > 0) & (out["n_2"] > 0), "hidden"] = "primary"
            for i, r in out.iterrows():
                row = f"scale:{r['value']}"
                if not out.at[i, "hidden"] and (row in self._sibling_hidden(before)
                                                or row in self._sibling_hidden(self.wave)):
                    out.at[i, "hidden"] = "complementary"
        return out

    # ------------------------------------------------------------------ conditions
    def _make_condition_summary(self) -> pd.DataFrame:
        """Mean, sd and 95% interval of each condition item, with ``hidden`` for the
        statistics and ``hidden_n`` for the number of valid answers (hidden when the
        item's "don't know" cell is hidden: n would give it away)."""
        from ..quant.distributions import item_summary

        groups = self.table_items("condition", ordered=True)
        items = [i for g in groups.values() for i in g]
        if not items:
            return pd.DataFrame(columns=[C.ITEM, C.N, C.MEAN, C.SD, "hidden", "hidden_n",
                                         "hidden_ci", "mean_digits"])
        out = item_summary(self.survey(), items=items, instrument=self.study.instrument)
        out = out[[C.ITEM, C.N_ASKED, C.N, C.MEAN, C.SD]].copy()
        t = _t_quantiles(out[C.N])
        half = t * out[C.SD] / np.sqrt(out[C.N].where(out[C.N] > 0))
        out[C.CI_LOW], out[C.CI_HIGH] = out[C.MEAN] - half, out[C.MEAN] + half
        out["hidden"] = ""
        out["hidden_n"] = ""
        out["hidden_ci"] = ""
        out["mean_digits"] = 2
        if self.publish:
            small = (out[C.N] > 0) & (out[C.N] < self.min_n)
            out.loc[small, ["hidden", "hidden_n", "hidden_ci"]] = "primary"
            flags = {}
            for group in groups.values():
                flags.update(self.item_hidden(group))
            siblings = self._sibling_hidden(self.wave)
            plans = {}
            for group in groups.values():
                plans.update(self.plan.answers(group))
            node = self.scope.key
            for i, r in out.iterrows():
                table = plans[r[C.ITEM]]
                digits = self.plan.mean_digits(r[C.ITEM]).get(node, 2)
                out.at[i, "mean_digits"] = digits
                if out.at[i, "hidden"]:
                    continue
                if f"item:{r[C.ITEM]}" in siblings or digits == 0:
                    out.loc[i, ["hidden", "hidden_n", "hidden_ci"]] = "complementary"
                    continue
                if table.row_hidden(node):
                    # with hidden cells in the row, the interval (it holds the sd and n)
                    # would help solve for them: only the mean, at its safe precision
                    out.at[i, "hidden_ci"] = "complementary"
                if flags[r[C.ITEM]]["non_numeric"] or flags[r[C.ITEM]]["total"]:
                    out.at[i, "hidden_n"] = "complementary"
        return out

    # ------------------------------------------------------------------ added value
    def _make_associations(self) -> pd.DataFrame:
        """Spearman correlations of mechanisms and conditions with satisfaction and
        yields (shown from :data:`MIN_N_CORRELATION` respondents on)."""
        from ..quant.association import answered_variables, associations

        inst = self.study.instrument
        survey = self.survey()
        ordered = lambda block: [i for g in self.table_items(block, ordered=True).values()
                                 for i in g]  # noqa: E731
        predictors = answered_variables(survey, instrument=inst, names=[
            *(s.id for s in inst.scales if s.block == "mechanism"), *ordered("condition")])
        outcomes = answered_variables(survey, instrument=inst,
                                      names=ordered("satisfaction") + ordered("yield"))
        empty = pd.DataFrame(columns=[C.PREDICTOR, C.OUTCOME, C.N, C.RHO, "hidden"])
        if not predictors or not outcomes:
            return empty
        try:
            out = associations(survey, instrument=inst, predictors=predictors,
                               outcomes=outcomes, min_n=self.min_n)
        except AnalysisError:
            return empty
        out = out.copy()
        out["hidden"] = ""
        if self.publish:
            least = max(self.min_n, MIN_N_CORRELATION)
            out.loc[(out[C.N] > 0) & (out[C.N] < least), "hidden"] = "primary"
            siblings = self._sibling_hidden(self.wave)
            ids = {s.id: f"scale:{s.id}" for s in inst.scales}
            for i, r in out.iterrows():
                row = ids.get(r[C.PREDICTOR], f"item:{r[C.PREDICTOR]}")
                if not out.at[i, "hidden"] and row in siblings:
                    out.at[i, "hidden"] = "complementary"
        out.attrs["min_n"] = max(self.min_n, MIN_N_CORRELATION)
        return out

    # ------------------------------------------------------------------ interviews
    def _make_interview_change(self) -> pd.DataFrame:
        """Interviews mentioning each code in the previous and this wave, with the change
        class (the rules' parameters in ``attrs["parameters"]``)."""
        from ..qual import change_between_waves

        scope = self.scope_all_waves()
        empty = pd.DataFrame(columns=[C.CODE, "k_before", "n_before", "k_after", "n_after",
                                      "change", C.CATEGORY])
        if self.study.codebook is None:
            return empty
        interviews = scope.sources[scope.sources[C.SOURCE_TYPE] == "interview"]
        waves = sorted(int(w) for w in interviews[C.WAVE].dropna().unique())
        if self.wave not in waves:
            empty.attrs["reason"] = "no_interviews"
            return empty
        earlier = [w for w in waves if w < self.wave]
        if not earlier:
            empty.attrs["reason"] = "no_earlier_wave"
            return empty
        out = change_between_waves(scope.segments, scope.sources, codebook=self.study.codebook,
                                   waves=(earlier[-1], self.wave), source_types="interview")
        categories = {c.id: c.category for c in self.study.codebook.codes}
        parents = {c.parent for c in self.study.codebook.codes}
        out = out[~out[C.CODE].isin(parents)].copy()
        out[C.CATEGORY] = out[C.CODE].map(categories)
        params = dict(out.attrs.get("parameters", {}))
        out.attrs = {"parameters": params}
        return out.reset_index(drop=True)

    # ------------------------------------------------------------------ integration
    def joint_display_raw(self, *, quotes: bool = True) -> pd.DataFrame:
        """The scope's joint display as :func:`~image_synth.integrate.joint_display`
        returns it (every number, no disclosure)."""
        if not quotes and "joint_raw" in self._cache:
            return self._cache["joint_raw"]

        def make():
            from ..integrate import joint_display

            kwargs = {} if self.scope.kind == "national" else {self.scope.kind: self.scope.value}
            return joint_display(self.study, wave=self.wave, quotes=quotes, **kwargs)
        return self._memo("joint_raw" if quotes else "joint_raw_no_quotes", make)

    def _make_joint_display(self) -> pd.DataFrame:
        """The joint display with ``hidden_survey``, ``hidden_previous`` and
        ``hidden_rho`` per row (and the convergence code kept only where the survey
        cell is shown)."""
        return self.protected_display(quotes=True)

    def protected_display(self, *, quotes: bool = True) -> pd.DataFrame:
        """:meth:`joint_display_raw` with the numbers a page may not show blanked."""
        from ..disclosure.siblings import protect_display

        display = self.joint_display_raw(quotes=quotes)
        previous = display.attrs.get("previous_wave")
        out = protect_display(display, min_n=self.min_n, publish=self.publish,
                              extra_hidden=(self._sibling_hidden(self.wave)
                                            | self._mean_hidden_rows()),
                              previous_hidden=(self._sibling_hidden(previous)
                                               | self._previous_rows_hidden(previous)
                                               if previous is not None else set()),
                              n_hidden=self._n_hidden_rows())
        out["hidden_ci"] = ""
        out["mean_digits"] = 2
        if self.publish:
            summary = self.condition_summary.set_index(C.ITEM)
            for i, row_id in out["row_id"].items():
                item = row_id.split(":", 1)[1] if row_id.startswith("item:") else None
                if item in summary.index and not out.at[i, "hidden_survey"]:
                    out.at[i, "hidden_ci"] = summary.at[item, "hidden_ci"]
                    out.at[i, "mean_digits"] = int(summary.at[item, "mean_digits"])
        out.attrs.update(display.attrs)
        return out

    def _previous_rows_hidden(self, previous: int) -> set[str]:
        """Condition rows whose previous-wave mean and n must be hidden: the previous
        wave's answer table hides a cell of the item on this scope's row. Its pages show
        that table, and the n beside it (the number of numeric answers) with the shown
        cells would give the hidden ones back, the mean likewise. Decided by the previous
        wave's plan, as its own pages are."""
        if not self.publish:
            return set()
        from ..disclosure.plan import plan

        earlier = plan(self.study, previous)
        node = self.scope.key
        out = set()
        for items in earlier.tables("condition", ordered=True).values():
            for item, table in earlier.answers(items).items():
                if node in table.counts and table.row_hidden(node):
                    out.add(f"item:{item}")
        return out

    def _n_hidden_rows(self) -> set[str]:
        """Condition rows whose n must be hidden (their "don't know" cell is hidden)."""
        if not self.publish:
            return set()
        summary = self.condition_summary
        return {f"item:{i}" for i, s in zip(summary[C.ITEM], summary["hidden_n"]) if s}

    def _mean_hidden_rows(self) -> set[str]:
        """Condition rows whose mean must be hidden on this page (the plan says so)."""
        if not self.publish:
            return set()
        summary = self.condition_summary
        return {f"item:{i}" for i, s in zip(summary[C.ITEM], summary["hidden"])
                if s == "complementary"}

    def _make_situation_displays(self) -> pd.DataFrame:
        """The joint display of every situation stacked (for the national heatmap), each
        protected as on its own page."""
        if self.scope.kind != "national":
            return pd.DataFrame()
        frames = []
        for s in hierarchy(self.study).situations:
            other = compute(self.study, scope="situation", scope_value=s, wave=self.wave,
                            publish=self.publish)
            frames.append(other.protected_display(quotes=False).assign(situation=s))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def _make_cmo(self) -> pd.DataFrame:
        """Context, mechanism and outcome elements with their evidence; survey numbers
        hidden, and shown at the precision, as on the joint display; an outcome item's
        mean (satisfaction) hidden where its answer table on this scope hides a cell:
        beside that table it would give the hidden cells back."""
        from ..integrate import cmo_table

        kwargs = {} if self.scope.kind == "national" else {self.scope.kind: self.scope.value}
        if self.scope.kind == "region":
            return pd.DataFrame(columns=["cmo", "element", "kind", "hidden"])
        out = cmo_table(self.study, wave=self.wave, **kwargs).drop(
            columns=["evidence", C.LABEL], errors="ignore")
        out["hidden"] = ""
        out["mean_digits"] = 2
        if self.publish:
            small = (out[C.N] > 0) & (out[C.N] < self.min_n)
            out.loc[small, "hidden"] = "primary"
            display = self.joint_display.set_index("row_id")
            hiding = self._items_with_hidden_answers()
            for i, element in out["element"].items():
                if out.at[i, "hidden"]:
                    continue
                if element in display.index:   # as the joint display shows it
                    if display.at[element, "hidden_survey"]:
                        out.at[i, "hidden"] = display.at[element, "hidden_survey"]
                    else:
                        out.at[i, "mean_digits"] = int(display.at[element, "mean_digits"])
                elif element in hiding and out.at[i, C.MEAN] == out.at[i, C.MEAN]:
                    # a mean the table shows (satisfaction; a yield shows none)
                    out.at[i, "hidden"] = "complementary"
        return out

    def _items_with_hidden_answers(self) -> set[str]:
        """``item:<id>`` of every item whose answer table on this scope hides a cell."""
        out = set()
        for block in dict.fromkeys(i.block for i in self.study.instrument.items):
            for items in self.table_items(block).values():
                out |= {f"item:{item}" for item, flags in self.item_hidden(items).items()
                        if flags["any"]}
        return out

    def _make_evidence_map(self) -> pd.DataFrame:
        from ..integrate import evidence_map

        out = evidence_map(self.scope_all_waves(), wave=self.wave)
        out = out.drop(columns=["source_ids", "label_nl", "label_en"], errors="ignore").copy()
        out["hidden"] = ""
        if self.publish and len(out):
            survey = out["evidence"] == "survey"
            k, n = out[C.K_SOURCES], out[C.N_SOURCES]
            small = survey & (((n > 0) & (n < self.min_n)) | ((k > 0) & (k < self.min_n))
                              | ((n - k > 0) & (n - k < self.min_n)))
            out.loc[small, "hidden"] = "primary"
            # a colour for every respondent count would publish the count: tenths only
            out.loc[survey, C.SHARE] = out.loc[survey, C.SHARE].round(1)
        return out

    def _make_meta_inferences(self) -> pd.DataFrame:
        from ..integrate import meta_inference_table

        if self.scope.kind == "region":
            return pd.DataFrame(columns=["id", "type", "text", "rows"])
        return meta_inference_table(self.study, situation=self.scope.value
                                    if self.scope.kind == "situation" else None)

    # ------------------------------------------------------------------ networks
    def drawings(self) -> list:
        return list(self.data.drawings)

    def _make_network_measures(self) -> pd.DataFrame:
        from ..network import measures

        drawings = self.drawings()
        return measures(drawings) if drawings else pd.DataFrame()

    # ------------------------------------------------------------------ methods
    def _make_sources(self) -> pd.DataFrame:
        sources = self.data.sources
        if not len(sources):
            return pd.DataFrame(columns=[C.SOURCE_TYPE, C.COUNT])
        return (sources.groupby(C.SOURCE_TYPE).size().rename(C.COUNT).reset_index()
                .sort_values(C.SOURCE_TYPE, kind="stable").reset_index(drop=True))

    def _make_inputs(self) -> pd.DataFrame:
        from ..study.fingerprint import input_hashes

        hashes = input_hashes(self.study)
        return pd.DataFrame({"file": list(hashes), "sha256": list(hashes.values())})


def _t_quantiles(n: pd.Series) -> pd.Series:
    from scipy import stats

    df = (n - 1).where(n > 1)
    return pd.Series(stats.t.ppf(0.975, df.astype("float64")), index=n.index)
