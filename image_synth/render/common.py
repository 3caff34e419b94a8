"""What every renderer needs: the reader's names of a study's things, and the text of
shown and hidden cells, in the page's language."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Iterable

from .labels import hidden_cell, integer, number, percent
from .table import Cell
from .words import catalogue, placeholders, word

if TYPE_CHECKING:
    from ..study.load import Study

__all__ = ["item_label", "scale_label", "code_label", "region_label", "region_named",
           "level_word", "level_heading", "respondent_word", "study_word", "situation_label",
           "sector_label", "node_label", "count_cell", "stat_cell", "hidden_notes",
           "answer_label", "answer_range", "column_label"]


def item_label(study: "Study", item: str, lang: str) -> str:
    return study.instrument.item(item).text.get(lang)


def scale_label(study: "Study", scale: str, lang: str) -> str:
    for s in study.instrument.scales:
        if s.id == scale:
            return s.label.get(lang)
    return item_label(study, scale, lang)


def code_label(study: "Study", code: str, lang: str) -> str:
    for c in study.codebook.codes:
        if c.id == code:
            return c.label.get(lang)
    raise KeyError(code)


def region_label(study: "Study", region: str, lang: str) -> str:
    r = study.config.region(region)
    return r.label.get(lang) if r.label else r.id


def region_named(study: "Study", region: str, lang: str) -> str:
    """``regio C``, or ``gemeente Arnhem`` where the study names its region level."""
    name = region_label(study, region, lang)
    level = study.config.level_name("region", lang)
    return f"{level} {name}" if level else word("region_named", lang, name=name)


def level_word(study: "Study", level: str, lang: str) -> str:
    """What the study calls ``level`` (region, situation, sector), else the package's word."""
    return study.config.level_name(level, lang) or word(f"level_{level}", lang)


def level_heading(study: "Study", level: str, lang: str, default: str) -> str:
    """A heading over the groups of ``level``: the study's plural (``Gemeenten``); for a
    level the study renamed without its plural, ``Per gemeente``; else the package's
    word ``default`` (a catalogue key, ``Samenwerkingssituaties``)."""
    config = study.config
    plural = config.level_name(level, lang, plural=True)
    if plural:
        return plural[:1].upper() + plural[1:]
    singular = config.level_name(level, lang)
    return word("per_level", lang, level=singular) if singular else word(default, lang)


def respondent_word(study: "Study", lang: str) -> str:
    """What the study calls its respondents, plural (``scholen``), else the package's
    ``respondenten``."""
    own = getattr(study.config.respondents, lang, None)   # not the other language's
    return own or word("respondents", lang)


def study_word(study: "Study", key: str, lang: str, **fmt) -> str:
    """:func:`word` with the study's own nouns filled in: ``{respondents}``."""
    if "respondents" in placeholders(catalogue(lang)[key]) and "respondents" not in fmt:
        fmt["respondents"] = respondent_word(study, lang)
    return word(key, lang, **fmt)


def situation_label(study: "Study", situation: str, lang: str) -> str:
    return study.config.situation_label(situation, lang)


def sector_label(study: "Study", sector: str, lang: str) -> str:
    for level in study.config.sectors:
        if level.id == sector:
            return level.label.get(lang) if level.label else level.id
    return sector


def node_label(study: "Study", node: tuple, lang: str) -> str:
    """``totaal`` / a situation / ``regio C`` / ``sector po`` for a hierarchy node."""
    kind = node[0]
    if kind == "national":
        return word("total", lang)
    if kind == "situation":
        return situation_label(study, node[1], lang)
    if kind == "region":
        return region_named(study, node[1], lang)
    return word("sector_named", lang, name=sector_label(study, node[2], lang))


def answer_label(study: "Study", item: str, code: int, lang: str) -> str:
    inst = study.instrument
    return inst.response_set(inst.item(item).response_set).label(code, lang)


def answer_range(study: "Study", item: str) -> tuple[int, int] | None:
    """An item's lowest and highest numeric answer (``(1, 5)``), or ``None`` without any."""
    inst = study.instrument
    codes = inst.response_set(inst.item(item).response_set).numeric_codes
    return (min(codes), max(codes)) if codes else None


def column_label(study: "Study", item: str, codes: tuple[int, ...], lang: str) -> str:
    """The head of an answer column: the answer's label, or ``1–2`` for collapsed codes."""
    if len(codes) == 1:
        return answer_label(study, item, codes[0], lang)
    return f"{codes[0]}–{codes[-1]}"


def count_cell(count, share, state: str, *, min_n: int, lang: str) -> Cell:
    """``12 (20%)``, or the mark of a hidden count."""
    if state:
        return Cell(hidden_cell(min_n, state, lang=lang), state=state)
    if count is None:
        return Cell("")
    text = integer(count, lang)
    if share is not None and share == share:
        text += f" <small>({html.escape(percent(share, lang))})</small>"
    return Cell(text)


def stat_cell(text: str, state: str, *, min_n: int, lang: str) -> Cell:
    """A statistic (mean, sd, interval, correlation, p): its text, or ``n < k`` for a
    group below k, or the complementary mark."""
    if state:
        return Cell(hidden_cell(min_n, state, statistic=True, lang=lang), state=state)
    return Cell(text)


def hidden_notes(states: Iterable[tuple[str, bool]], *, min_n: int, lang: str) -> list[str]:
    """The footnote of a table: one sentence per mark it shows. ``states`` holds
    ``(state, is_statistic)`` of every hidden cell."""
    seen = set(states)
    notes = []
    if ("primary", False) in seen:
        notes.append(word("note_primary", lang, k=min_n))
    if ("primary", True) in seen:
        notes.append(word("note_small_n", lang, k=min_n))
    if any(s == "complementary" for s, _ in seen):
        notes.append(word("note_complementary", lang,
                          mark=word("mark_complementary", lang)))
    return [" ".join(notes)] if notes else []


def fmt_interval(low, high, lang: str, digits: int = 2) -> str:
    """An interval as cell HTML, ``[3,66–4,06]``, in one ``<span class="isx-ci">`` that
    the page CSS keeps on one line (a line never breaks at its dash, on screen or on
    paper, where the cells of numbers may wrap at their spaces)."""
    return (f'<span class="isx-ci">[{number(low, lang, digits)}–'
            f'{number(high, lang, digits)}]</span>')
