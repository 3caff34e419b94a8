"""Integration of the strands: joint displays, convergence, CMO tables, themes, evidence.

- :func:`joint_display`: the side-by-side display of one scope (national, situation,
  region), one row per mechanism and condition.
- :mod:`~image_synth.integrate.convergence`: the triangulation rules and overrides.
- :func:`cmo_table`: context-mechanism-outcome per situation.
- :func:`survey_by_theme`, :func:`themes_by_survey`: strands joined at region level.
- :func:`evidence_map`, :func:`meta_inference_table`.
"""

from __future__ import annotations

from .cmo import cmo_table
from .convergence import ConvergenceRules, load_overrides, rules_text
from .evidence import (check_meta_inferences, evidence_map, evidence_matrix,
                       meta_inference_table)
from .joint import joint_display
from .rows import display_rows
from .themes import situation_stats, survey_by_theme, themes_by_survey

__all__ = ["joint_display", "display_rows", "ConvergenceRules", "load_overrides", "rules_text",
           "cmo_table", "situation_stats", "survey_by_theme", "themes_by_survey", "evidence_map",
           "evidence_matrix", "check_meta_inferences", "meta_inference_table"]
