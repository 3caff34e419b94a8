"""One word list per option, checked by one helper.

Every analysis function that takes a choice (missing-data handling, interval method,
language...) checks it with :func:`check_option` against the lists below, so the
spelling of each choice is the same across the package and the error lists every
valid value.
"""

from __future__ import annotations

from typing import Collection

from .errors import OptionError

MISSING = ("listwise", "pairwise")
CI_METHODS = ("feldt", "bootstrap", "none")
LANGUAGES = ("nl", "en")
SCOPES = ("national", "situation", "region")
#: image format of a supplement's figures (image_synth.render.sections.FigureOutput)
FIGURE_FORMATS = ("svg", "png")
#: interval for the rank-biserial correlation: Fisher-z approximation or bootstrap
RANK_BISERIAL_CI = ("fisher_z", "bootstrap")
#: interval for Spearman's rho: Bonett-Wright or Fieller-Hartley-Pearson variance
SPEARMAN_CI = ("bonett_wright", "fieller")

# qualitative strand (image_synth.qual)
#: how codes are counted: each code (parents aggregate their children), the top-level
#: codes only, or the codebook categories
ROLLUPS = ("code", "parent", "category")
#: what a case-by-code cell holds: 0/1 presence or the number of codings
CASE_VALUES = ("presence", "count")
#: the unit within which codes co-occur / within which coders are compared
QUAL_UNITS = ("source", "segment")
#: automatic name detection in Pseudonymiser: deduce when installed (else rules),
#: deduce required, the rule-based detector only, or the dictionary only
DETECTORS = ("auto", "deduce", "rules", "none")
#: file formats export functions write, chosen by the path's extension
EXPORT_FORMATS = (".csv", ".xlsx")


def check_option(name: str, value: object, choices: Collection[str]) -> str:
    """Return ``value`` if it is one of ``choices``; else raise :class:`OptionError`.

    >>> check_option("missing", "listwise", MISSING)
    'listwise'
    """
    if value not in choices:
        valid = ", ".join(repr(c) for c in choices)
        raise OptionError(f"{name}={value!r} is not a valid choice; use one of {valid}")
    return value  # type: ignore[return-value]
