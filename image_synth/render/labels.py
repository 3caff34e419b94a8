"""Numbers as a reader sees them, in the page's language, and the marks of hidden cells.

Rendering is the only place where language and rounding enter (STYLE.md rule 3); the
analysis frames keep ids and full precision. Words come from the catalogue
(:mod:`image_synth.render.words`); numbers are formatted by Babel with the language's
decimal mark and thousands separator (Dutch ``1.234,56``, English ``1,234.56``).
"""

from __future__ import annotations

import html
import math

from ..options import LANGUAGES, check_option
from .words import word

__all__ = ["word", "number", "integer", "percent", "hidden_cell", "HIDDEN_STATES"]

#: How a hidden cell is marked on the page (``<td data-hidden="...">``): ``primary`` rests
#: on fewer than k respondents; ``complementary`` is hidden so that a primary cell cannot
#: be recovered by subtraction.
HIDDEN_STATES = ("primary", "complementary")

_LOCALES = {"nl": "nl_NL", "en": "en_GB"}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value, lang: str = "nl", digits: int = 2) -> str:
    """A number with the language's decimal mark and thousands separator; empty for
    missing values."""
    from babel.numbers import format_decimal

    check_option("lang", lang, LANGUAGES)
    if _missing(value):
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(float(value), format=pattern, locale=_LOCALES[lang],
                          decimal_quantization=True)


def integer(value, lang: str = "nl") -> str:
    """A count with the language's thousands separator."""
    return number(value, lang, 0)


def percent(value, lang: str = "nl", digits: int = 0) -> str:
    """A share (0-1) as a percentage: ``42%``."""
    if _missing(value):
        return ""
    return number(100 * float(value), lang, digits) + "%"


def hidden_cell(min_n: int, state: str = "primary", *, statistic: bool = False,
                lang: str = "nl") -> str:
    """The text of a hidden cell: ``<k`` for a count resting on fewer than k
    respondents, ``n < k`` for a mean, sd, correlation or p of such a group, and the
    complementary mark (the catalogue's ``mark_complementary``) for a cell hidden to
    protect another. The ``<td>`` around it carries ``data-hidden`` (see
    :mod:`image_synth.render.table`)."""
    check_option("state", state, HIDDEN_STATES)
    if state == "complementary":
        return html.escape(word("mark_complementary", lang))
    if statistic:
        return html.escape(word("mark_small_n", lang, k=min_n))
    return html.escape(word("mark_primary", lang, k=min_n))
