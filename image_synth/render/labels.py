"""Words shown to readers, in Dutch and English: column headers, classes, number format.

Rendering is the only place where language and rounding enter (STYLE.md rule 3); the
analysis frames keep ids and full precision.
"""

from __future__ import annotations

import math

from ..options import LANGUAGES, check_option

__all__ = ["word", "number", "percent", "hidden_cell", "WORDS"]

WORDS: dict[str, dict[str, str]] = {
    # joint display headers
    "factor": {"nl": "Factor", "en": "Factor"},
    "kind": {"nl": "Soort", "en": "Kind"},
    "survey": {"nl": "Vragenlijst scholen", "en": "School survey"},
    "previous": {"nl": "Vorige meting", "en": "Previous wave"},
    "interviews": {"nl": "Interviews projectleiders", "en": "Project-leader interviews"},
    "meetings": {"nl": "Reflectiebijeenkomsten", "en": "Reflection meetings"},
    "other": {"nl": "Literatuur / andere studies", "en": "Literature / other studies"},
    "added_value": {"nl": "Samenhang met tevredenheid", "en": "Association with satisfaction"},
    "quote": {"nl": "Citaat", "en": "Quote"},
    "convergence": {"nl": "Convergentie", "en": "Convergence"},
    "mechanism": {"nl": "werkzaam mechanisme", "en": "working mechanism"},
    "condition": {"nl": "conditie", "en": "condition"},
    "national": {"nl": "landelijk", "en": "national"},
    "situation": {"nl": "samenwerkingssituatie", "en": "collaboration situation"},
    "region": {"nl": "regio", "en": "region"},
    # convergence codes
    "agreement": {"nl": "overeenstemming", "en": "agreement"},
    "partial_agreement": {"nl": "gedeeltelijke overeenstemming", "en": "partial agreement"},
    "silence": {"nl": "stilte", "en": "silence"},
    "dissonance": {"nl": "dissonantie", "en": "dissonance"},
    "analyst": {"nl": "door analist vastgesteld", "en": "set by an analyst"},
    # change classes
    "new": {"nl": "nieuw", "en": "new"},
    "no_longer_mentioned": {"nl": "niet meer genoemd", "en": "no longer mentioned"},
    "more": {"nl": "vaker", "en": "more"},
    "less": {"nl": "minder vaak", "en": "less"},
    "stable": {"nl": "stabiel", "en": "stable"},
    # CMO
    "context": {"nl": "Context", "en": "Context"},
    "outcome": {"nl": "Uitkomst", "en": "Outcome"},
    "evidence": {"nl": "Onderbouwing", "en": "Evidence"},
    # evidence kinds
    "interview": {"nl": "interviews", "en": "interviews"},
    "reflection_meeting": {"nl": "reflectiebijeenkomsten", "en": "reflection meetings"},
    "literature": {"nl": "literatuur", "en": "literature"},
    "external_study": {"nl": "andere studie", "en": "other study"},
    # disclosure
    "suppressed": {"nl": "<{min_n}", "en": "<{min_n}"},
    "suppressed_note": {
        "nl": "Cellen met '<{min_n}' berusten op minder dan {min_n} respondenten, of zijn "
              "verborgen zodat zo'n cel niet door aftrekken te herleiden is.",
        "en": "Cells marked '<{min_n}' rest on fewer than {min_n} respondents, or are hidden "
              "so that such a cell cannot be recovered by subtraction."},
    "of": {"nl": "van", "en": "of"},
    "yes": {"nl": "ja", "en": "yes"},
    "no": {"nl": "nee", "en": "no"},
}


def word(key: str, lang: str = "nl", **fmt) -> str:
    """The reader's word for ``key`` (the key itself when there is none)."""
    check_option("lang", lang, LANGUAGES)
    text = WORDS.get(key, {}).get(lang, key)
    return text.format(**fmt) if fmt else text


def hidden_cell(min_n: int) -> str:
    """The HTML of a hidden cell, ``<min_n`` marked with the class ``isx-suppressed``
    (:func:`image_synth.render.sections.run_info` counts these marks)."""
    return f'<span class="isx-suppressed">&lt;{min_n}</span>'


def number(value, lang: str = "nl", digits: int = 2) -> str:
    """A number with the language's decimal mark; empty for missing values."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "nl" else text


def percent(value, lang: str = "nl", digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return number(100 * value, lang, digits) + "%"
