"""The scopes of a study and the hierarchy they form, built once.

A supplement describes one *scope*: the nation, one collaboration situation or one
region. The study's grouping makes a hierarchy — nation > situations > regions >
sectors within a region — whose nodes add up: the regions of a situation sum to the
situation, the situations to the nation. A study without situations has one level less:
nation > regions > sectors, the regions summing to the nation. Disclosure control decides over the whole
hierarchy at once (a region page minus its siblings must not reveal what the situation
page hides), so every part of the package that needs the hierarchy asks
:func:`hierarchy` for it instead of building its own.

Node keys are tuples: ``("national",)``, ``("situation", id)``, ``("region", id)`` and
``("sector", region id, sector id)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from .. import columns as C
from ..errors import AnalysisError
from ..options import SCOPES, check_option

if TYPE_CHECKING:
    from ..study.load import Study

__all__ = ["Scope", "Hierarchy", "hierarchy", "NATIONAL"]

NATIONAL = ("national",)


@dataclass(frozen=True)
class Scope:
    """What one supplement describes: ``kind`` (national, situation, region) and the id."""

    kind: str
    value: str = ""

    def __post_init__(self):
        check_option("scope", self.kind, SCOPES)
        if self.kind == "national" and self.value:
            raise AnalysisError(f"scope_value={self.value!r} must be '' for the national "
                                "scope")
        if self.kind != "national" and not self.value:
            raise AnalysisError(f"scope={self.kind!r} needs a scope_value (a {self.kind} id "
                                "of the study)")

    @property
    def key(self) -> tuple:
        return NATIONAL if self.kind == "national" else (self.kind, self.value)

    def subset_kwargs(self) -> dict[str, str]:
        """Keyword arguments of :meth:`Study.subset` for this scope."""
        return {} if self.kind == "national" else {self.kind: self.value}


@dataclass
class Hierarchy:
    """The nodes of a study's grouping and which add up to which.

    Attributes
    ----------
    situations
        Situation ids in study order.
    regions
        ``{situation id: [region ids]}`` in study order.
    sectors
        ``{region id: [sector ids]}``: the sectors declared for the region, else those
        found in the survey.
    direct
        Region ids directly under the nation, in study order: every region of a study
        without situations (empty when the study has them).
    """

    situations: list[str]
    regions: dict[str, list[str]]
    sectors: dict[str, list[str]] = field(default_factory=dict)
    direct: list[str] = field(default_factory=list)

    @property
    def region_ids(self) -> list[str]:
        """Every region: situation by situation, then those directly under the nation."""
        return [r for s in self.situations for r in self.regions[s]] + list(self.direct)

    def children(self, key: tuple, *, sectors: bool = False) -> list[tuple]:
        """The nodes that add up to ``key`` (sectors only when asked)."""
        if key == NATIONAL:
            return [("situation", s) for s in self.situations] + \
                [("region", r) for r in self.direct]
        if key[0] == "situation":
            return [("region", r) for r in self.regions.get(key[1], [])]
        if key[0] == "region" and sectors:
            return [("sector", key[1], s) for s in self.sectors.get(key[1], [])]
        return []

    def nodes(self, *, sectors: bool = False) -> list[tuple]:
        """Every node, parents before children."""
        out = [NATIONAL]
        for s in self.situations:
            out.append(("situation", s))
            for r in self.regions[s]:
                out.append(("region", r))
                if sectors:
                    out += [("sector", r, sec) for sec in self.sectors.get(r, [])]
        for r in self.direct:
            out.append(("region", r))
            if sectors:
                out += [("sector", r, sec) for sec in self.sectors.get(r, [])]
        return out

    def constraints(self, *, sectors: bool = False) -> list[tuple[tuple, list[tuple]]]:
        """``(parent, children)`` for every node with children."""
        return [(k, self.children(k, sectors=sectors)) for k in self.nodes(sectors=sectors)
                if self.children(k, sectors=sectors)]

    def situation_of(self, region: str) -> str:
        for s, regions in self.regions.items():
            if region in regions:
                return s
        raise AnalysisError(f"region {region!r} belongs to no situation of the study")

    def shown_on(self, scope: Scope, *, sectors: bool = False) -> list[tuple[tuple, int]]:
        """The nodes a scope's hierarchical tables show, with their indent level: the
        nation shows its situations and regions, a situation its regions, a region its
        sectors (when ``sectors``)."""
        if scope.kind == "national":
            out = [(NATIONAL, 0)]
            for s in self.situations:
                out.append((("situation", s), 1))
                out += [(("region", r), 2) for r in self.regions[s]]
            out += [(("region", r), 1) for r in self.direct]
            return out
        key = scope.key
        return [(key, 0)] + [(c, 1) for c in self.children(key, sectors=sectors)]

    def members(self, survey: pd.DataFrame, key: tuple) -> pd.Series:
        """Which rows of ``survey`` belong to node ``key``."""
        if key == NATIONAL:
            return pd.Series(True, index=survey.index)
        if key[0] == "situation":
            return survey[C.SITUATION] == key[1]
        if key[0] == "region":
            return survey[C.REGION] == key[1]
        return (survey[C.REGION] == key[1]) & (survey[C.SECTOR] == key[2])


def hierarchy(study: "Study") -> Hierarchy:
    """The study's hierarchy (computed once per study object)."""
    from .memo import memo

    return memo(study, "hierarchy", lambda: _build(study))


def _build(study: "Study") -> Hierarchy:
    cfg = study.config
    regions = {s.id: [r.id for r in cfg.regions if r.situation == s.id] for s in cfg.situations}
    survey = study.survey
    sectors = {}
    for r in cfg.regions:
        if r.sectors:
            sectors[r.id] = list(r.sectors)
        elif len(survey):
            found = survey.loc[survey[C.REGION] == r.id, C.SECTOR].dropna().unique()
            sectors[r.id] = sorted(str(x) for x in found)
        else:
            sectors[r.id] = []
    direct = [r.id for r in cfg.regions if r.situation is None]
    return Hierarchy(situations=[s.id for s in cfg.situations], regions=regions,
                     sectors=sectors, direct=direct)
