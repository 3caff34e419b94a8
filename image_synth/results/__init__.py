"""The results layer: every table a supplement shows, per scope, as tidy frames that carry
their disclosure state (:func:`compute` → :class:`ScopeResults`).

Analyses (quant, qual, network, integrate) stay where they are; this layer calls them for
one scope and wave, asks :mod:`image_synth.disclosure` what may be shown, and hands the
frames to rendering (:mod:`image_synth.render`), which only formats them.
"""

from .compute import MIN_N_CORRELATION, TABLES, ScopeResults, compute
from .scope import Hierarchy, Scope, hierarchy

__all__ = ["compute", "ScopeResults", "TABLES", "Scope", "Hierarchy", "hierarchy",
           "MIN_N_CORRELATION"]
