"""The qualitative strand: tallies of coded interviews, change, co-occurrence, quotes.

- :func:`mentions`: k of N sources mentioning each code (or parent, or category) per
  group (situation, region, role, source type, wave); a code counts once per source.
- :func:`change_between_waves` and :func:`change_rules`: new, no longer mentioned,
  more, less, stable, by explicit rules.
- :func:`cooccurrence`: pairs of codes within sources or overlapping segments, with
  the c-coefficient.
- :func:`case_by_code` and :func:`export_case_by_code`: sources by codes, to CSV/XLSX.
- :func:`quote_matrix` and :func:`format_quote`: quotes per code and group, pinned
  first, capped, pseudonymised, synthetic ones marked.
- :class:`Pseudonymiser`: study dictionary plus automatic detection of names.
- :func:`intercoder_agreement`: percent agreement and Cohen's kappa per code.
"""

from __future__ import annotations

from .agreement import intercoder_agreement
from .change import CHANGE_CLASSES, change_between_waves, change_rules, classify_change
from .cooccurrence import cooccurrence
from .matrices import (SYNTHETIC_MARKERS, case_by_code, export_case_by_code, format_quote,
                       quote_matrix)
from .mentions import mentions
from .pseudonymise import AUTO_MARKERS, LOG_COLUMNS, Pseudonymiser

__all__ = [
    "AUTO_MARKERS",
    "CHANGE_CLASSES",
    "LOG_COLUMNS",
    "SYNTHETIC_MARKERS",
    "Pseudonymiser",
    "case_by_code",
    "change_between_waves",
    "change_rules",
    "classify_change",
    "cooccurrence",
    "export_case_by_code",
    "format_quote",
    "intercoder_agreement",
    "mentions",
    "quote_matrix",
]
