"""Convergence coding: the triangulation protocol as stated, parameterised rules.

Following Farmer et al. (2006, "Developing and implementing a triangulation protocol
for qualitative health research"), each row of a joint display (a mechanism or a
condition) is compared strand by strand. First each strand's *prominence* is graded
from its own evidence; then each pair of strands gets a convergence code:

=====================  ====================================================================
code                   rule
=====================  ====================================================================
``silence``            one strand has no evidence on the row (no linked item answered by
                       anyone, or no source of that kind in scope)
``agreement``          both strands grade the row the same (high-high, medium-medium,
                       low-low)
``partial_agreement``  the grades are one step apart (high-medium, medium-low)
``dissonance``         the grades are opposite (high-low)
=====================  ====================================================================

Prominence per strand (thresholds are :class:`ConvergenceRules` fields):

* survey: ``high`` when the mean is at least ``survey_high`` (default 3.5 on a 1-5
  scale, i.e. on average "overwegend van toepassing"), ``low`` when at most
  ``survey_low`` (default 2.5), else ``medium``; rescaled for other scale lengths;
* interviews and reflection meetings: the share of sources in scope that mention a
  linked code: ``high`` from ``mention_high`` (default 0.5), ``low`` below
  ``mention_low`` (default 0.2, including no mention at all when sources exist),
  else ``medium``.

An analyst can override a computed code in a YAML file; every override must carry a
rationale and an author, and the display marks which codes were set by hand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import AnalysisError, DataValidationError, Problem
from ..study.models import model_problems, read_yaml

__all__ = ["ConvergenceRules", "prominence_survey", "prominence_mentions", "converge",
           "CONVERGENCE_CODES", "PROMINENCE", "Override", "load_overrides", "apply_overrides",
           "rules_text"]

PROMINENCE = ("low", "medium", "high")
CONVERGENCE_CODES = ("agreement", "partial_agreement", "silence", "dissonance")


@dataclass(frozen=True)
class ConvergenceRules:
    """Thresholds of the convergence rules (see the module docstring)."""

    survey_high: float = 3.5
    survey_low: float = 2.5
    #: the scale the two survey thresholds are stated on
    survey_scale: tuple[float, float] = (1.0, 5.0)
    mention_high: float = 0.5
    mention_low: float = 0.2
    #: fewest respondents for a survey grade; fewer counts as no evidence (silence)
    min_n: int = 1

    def __post_init__(self):
        if not self.survey_low < self.survey_high:
            raise AnalysisError(f"survey_low ({self.survey_low}) must be below survey_high "
                                f"({self.survey_high})")
        if not 0 <= self.mention_low < self.mention_high <= 1:
            raise AnalysisError(f"need 0 <= mention_low ({self.mention_low}) < mention_high "
                                f"({self.mention_high}) <= 1")


def rules_text(rules: ConvergenceRules = ConvergenceRules(), lang: str = "en") -> str:
    """The rules in words, to print beside a display so a reader can check them."""
    r = rules
    lo, hi = r.survey_scale
    if lang == "nl":
        return (f"Survey: hoog bij gemiddelde >= {r.survey_high:g}, laag bij <= {r.survey_low:g} "
                f"(schaal {lo:g}-{hi:g}), anders midden; minder dan {r.min_n} respondenten = "
                f"geen bewijs. Interviews en reflectiebijeenkomsten: hoog als >= "
                f"{r.mention_high:.0%} van de bronnen de factor noemt, laag onder "
                f"{r.mention_low:.0%}, anders midden. Overeenstemming: gelijke gradatie; "
                f"gedeeltelijk: een stap verschil; dissonantie: hoog tegenover laag; stilte: "
                f"een van beide bronnen zegt niets.")
    return (f"Survey: high when the mean >= {r.survey_high:g}, low when <= {r.survey_low:g} "
            f"(scale {lo:g}-{hi:g}), else medium; fewer than {r.min_n} respondents = no "
            f"evidence. Interviews and reflection meetings: high when >= {r.mention_high:.0%} "
            f"of the sources mention the factor, low below {r.mention_low:.0%}, else medium. "
            f"Agreement: same grade; partial agreement: one step apart; dissonance: high "
            f"against low; silence: one strand says nothing.")


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def prominence_survey(mean: float | None, n: int | None, *, rules: ConvergenceRules,
                      scale: tuple[float, float] | None = None) -> str | None:
    """Grade a survey mean ``low``/``medium``/``high``; ``None`` when there is no evidence."""
    if _missing(mean) or _missing(n) or n < rules.min_n:
        return None
    lo, hi = rules.survey_scale
    s_lo, s_hi = scale or rules.survey_scale
    # map the thresholds onto this item's scale
    high = s_lo + (rules.survey_high - lo) * (s_hi - s_lo) / (hi - lo)
    low = s_lo + (rules.survey_low - lo) * (s_hi - s_lo) / (hi - lo)
    if mean >= high:
        return "high"
    if mean <= low:
        return "low"
    return "medium"


def prominence_mentions(k: int | None, n: int | None, *, rules: ConvergenceRules) -> str | None:
    """Grade a tally of k sources of n; ``None`` when no source of the kind is in scope."""
    if _missing(n) or n == 0 or _missing(k):
        return None
    share = k / n
    if share >= rules.mention_high:
        return "high"
    if share < rules.mention_low:
        return "low"
    return "medium"


def converge(a: str | None, b: str | None) -> str:
    """The convergence code of two prominence grades (missing grade: silence)."""
    if _missing(a) or _missing(b):
        return "silence"
    for grade in (a, b):
        if grade not in PROMINENCE:
            raise AnalysisError(f"prominence {grade!r} is not one of {PROMINENCE}")
    step = abs(PROMINENCE.index(a) - PROMINENCE.index(b))
    return ("agreement", "partial_agreement", "dissonance")[step]


# --------------------------------------------------------------------------- overrides


class Override(BaseModel):
    """An analyst's convergence code for one row, situation and strand pair."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    row: str
    situation: str = "national"
    pair: str = "survey~interviews"
    code: Literal["agreement", "partial_agreement", "silence", "dissonance"]
    rationale: str = Field(min_length=10)
    author: str = Field(min_length=1)
    date: date


def load_overrides(path: str | Path, *, file: str | None = None) -> pd.DataFrame:
    """Read an override file (YAML list under ``overrides:``); every entry needs a rationale.

    Returns
    -------
    pandas.DataFrame
        ``row``, ``situation``, ``pair``, ``code``, ``rationale``, ``author``, ``date``.
    """
    shown = file or str(path)
    data = read_yaml(Path(path), file=shown)
    entries = data.get("overrides") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise DataValidationError([Problem(file=shown, message="expected a list of overrides "
                                           "under 'overrides:'")])
    rows, problems = [], []
    for n, entry in enumerate(entries):
        try:
            rows.append(Override.model_validate(entry).model_dump())
        except ValidationError as exc:
            for p in model_problems(exc, file=shown):
                problems.append(Problem(file=shown, row=f"overrides[{n}].{p.row}",
                                        message=p.message, value=p.value,
                                        expected="a rationale of at least a sentence"
                                        if "rationale" in str(p.row) else p.expected))
    if problems:
        raise DataValidationError(problems)
    return pd.DataFrame(rows, columns=list(Override.model_fields))


def apply_overrides(display: pd.DataFrame, overrides: pd.DataFrame | None, *,
                    pair_columns: dict[str, str]) -> pd.DataFrame:
    """Put analysts' codes over the computed ones and mark them.

    ``display`` has ``row_id`` and ``situation`` and one column per strand pair (named in
    ``pair_columns``: pair -> column). For each pair column a ``<column>_set_by`` column
    says ``computed`` or ``analyst``, and ``<column>_rationale`` carries the rationale.
    Overrides that point at no row of the display are an error (a stale override file).
    """
    out = display.copy()
    for column in pair_columns.values():
        out[f"{column}_set_by"] = "computed"
        out[f"{column}_rationale"] = ""
    if overrides is None or overrides.empty:
        return out
    problems = []
    for n, o in enumerate(overrides.itertuples(index=False)):
        column = pair_columns.get(o.pair)
        mask = (out["row_id"] == o.row) & (out["situation"] == o.situation)
        if column is None or not mask.any():
            problems.append(Problem(file="overrides", row=f"overrides[{n}]",
                                    column="pair" if column is None else "row",
                                    value=o.pair if column is None else f"{o.row} in {o.situation}",
                                    message="override points at nothing in the display",
                                    expected="one of " + ", ".join(pair_columns)
                                    if column is None else "a row_id shown for that situation"))
            continue
        out.loc[mask, column] = o.code
        out.loc[mask, f"{column}_set_by"] = "analyst"
        out.loc[mask, f"{column}_rationale"] = f"{o.rationale} ({o.author}, {o.date})"
    if problems:
        raise DataValidationError(problems)
    return out


