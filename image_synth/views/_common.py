"""Helpers shared by the view modules."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..qual import Pseudonymiser
    from ..results import ScopeResults
    from ..study.load import Study


def pseudonymiser(study: "Study") -> "Pseudonymiser":
    """The pseudonymiser the supplement passes its quotes through
    (:func:`image_synth.integrate.joint.study_pseudonymiser`)."""
    from ..integrate.joint import study_pseudonymiser

    return study_pseudonymiser(study)


def waves_up_to(results: "ScopeResults", column_of) -> list[int]:
    """The waves of the scope (every one the study has data for) up to the results' wave."""
    values = column_of(results.scope_all_waves())
    return sorted(int(w) for w in values.dropna().unique() if int(w) <= results.wave)


def mechanism_scales(results: "ScopeResults") -> list[str]:
    return [s.id for s in results.study.instrument.scales if s.block == "mechanism"]


def group_column(results: "ScopeResults") -> str:
    """The groups within a scope: situations nationally, regions in a situation, sectors
    in a region."""
    from .. import columns as C

    return {"national": C.SITUATION, "situation": C.REGION}.get(results.scope.kind, C.SECTOR)
