"""Network views: the structure measures of every drawing and their classes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..render.words import word
from .view import View

if TYPE_CHECKING:
    from ..results import ScopeResults

__all__ = ["network_measures", "network_classes"]


def network_measures(results: "ScopeResults", *, lang: str = "nl") -> View:
    """Structure measures per drawing and tie kind (:func:`image_synth.network.measures`
    with ``by_kind=True``: ``meeting``, ``tie_kind``, ``n_parties``, ``n_ties``,
    ``density``, ``degree_centralisation``, ``hub``, ``n_components``, ...)."""
    from ..network import measures

    drawings = results.drawings()
    frame = measures(drawings, by_kind=True) if drawings else pd.DataFrame(columns=["meeting"])
    return View("network_measures", word("view_network_measures", lang), frame)


def network_classes(results: "ScopeResults", *, lang: str = "nl") -> View:
    """Each drawing classified as star, network or fragmented by the stated rules
    (:func:`image_synth.network.classify`: ``meeting``, ``region``, ``situation``,
    ``structure``, ``structure_rule`` and the measures the rules read)."""
    from ..network import classification_rules, classify, measures

    drawings = results.drawings()
    frame = classify(measures(drawings)) if drawings else pd.DataFrame(
        columns=["meeting", "structure", "structure_rule"])
    keep = [c for c in ("meeting", "region", "situation", "wave", "n_parties", "n_ties",
                        "degree_centralisation", "hub", "hub_share", "n_components",
                        "n_isolated", "structure", "structure_rule") if c in frame.columns]
    return View("network_classes", word("view_network_classes", lang), frame[keep],
                note=classification_rules(lang="nl" if lang == "nl" else "en")
                .replace("\n", " "))
