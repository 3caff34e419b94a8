"""Validated models of the study's own files: study YAML, instrument YAML, codebook YAML.

A study is described by files, never by code. These pydantic models are the contract:
what a study folder must say about its waves, groups, survey items, response sets,
scales, codes and the crosswalk between codes and survey items. Loading one of them
from YAML goes through :func:`load_yaml_model`, which turns pydantic's errors into the
package's :class:`~image_synth.errors.DataValidationError` with file, field and value.

The field reference, with an example of each file, is in ``docs/study-files.md``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import (BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator,
                      model_validator)

from ..errors import DataValidationError, Problem, UnsafeInputError

#: Blocks an instrument item can belong to (DESIGN.md, evidence model).
BLOCKS = ("mechanism", "condition", "satisfaction", "yield", "goal", "need", "board", "swv",
          "stimulation", "support", "characteristic", "function", "status", "other")
#: Categories of codebook codes.
CODE_CATEGORIES = ("working_factor", "hindering_factor", "condition", "process_yield",
                   "result_yield")
#: Kinds of non-numeric answers: real answers that are never a point on the scale.
NON_NUMERIC_KINDS = ("dont_know", "not_applicable")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StructureProblems(ValueError):
    """Raised by a model's own checks with every problem found in the file at once.

    Each problem is ``(element, message, value, expected)``: the element is where in the
    file it is (``items[3] (com_1)``), the value what the file says there. pydantic
    keeps the exception, so :func:`model_problems` reports each as its own
    :class:`~image_synth.errors.Problem`; ``str()`` joins them for anyone else.
    """

    def __init__(self, problems: list[tuple[str, str, Any, str | None]]):
        self.problems = list(problems)
        super().__init__("; ".join(f"{element}: {message}"
                                   for element, message, _, _ in self.problems))


def _duplicates(ids: list[str]) -> list[str]:
    """Ids that appear more than once, in the order of their first appearance."""
    seen: set[str] = set()
    twice: dict[str, None] = {}
    for value in ids:
        if value in seen:
            twice[value] = None
        seen.add(value)
    return list(twice)


def _one_of(ids) -> str:
    ids = sorted(set(ids))
    return "one of " + ", ".join(ids) if ids else "none defined"


class Text(_Model):
    """A text in the study's languages."""

    nl: str
    en: str | None = None

    def get(self, lang: str) -> str:
        return (self.en if lang == "en" else self.nl) or self.nl

    def language_of(self, lang: str) -> str:
        """The language of what :meth:`get` gives for ``lang``: ``lang`` itself, or
        ``"nl"`` where the text has no English (so a page can mark it)."""
        return "en" if lang == "en" and self.en else "nl"


# --------------------------------------------------------------------------- instrument


class ResponseCode(_Model):
    code: int
    label: Text
    #: ``None`` for a point on the scale; ``dont_know``/``not_applicable`` for a real
    #: answer that is never a number.
    non_numeric: Literal["dont_know", "not_applicable"] | None = None


class ResponseSet(_Model):
    """Labelled codes of an item; which codes are "don't know"/"not applicable"."""

    id: str
    codes: tuple[ResponseCode, ...]
    #: True when the numeric codes are ordered (Likert, satisfaction); False for nominal
    #: answers such as collaboration status.
    ordered: bool = True

    @field_validator("codes")
    @classmethod
    def _unique_codes(cls, codes: tuple[ResponseCode, ...]) -> tuple[ResponseCode, ...]:
        seen = [c.code for c in codes]
        dupes = sorted({c for c in seen if seen.count(c) > 1})
        if dupes:
            raise ValueError(f"codes {dupes} appear more than once")
        return codes

    @property
    def allowed(self) -> list[int]:
        return [c.code for c in self.codes]

    @property
    def numeric_codes(self) -> list[int]:
        return [c.code for c in self.codes if c.non_numeric is None]

    @property
    def non_numeric_codes(self) -> dict[int, str]:
        return {c.code: c.non_numeric for c in self.codes if c.non_numeric is not None}

    def label(self, code: int, lang: str = "nl") -> str:
        for c in self.codes:
            if c.code == code:
                return c.label.get(lang)
        raise KeyError(code)


class AskedRule(_Model):
    """Who was asked an item: everyone, or respondents whose ``item`` has one of ``values``."""

    id: str
    label: Text
    item: str | None = None
    values: tuple[int, ...] = ()


class Item(_Model):
    id: str
    block: str
    text: Text
    response_set: str
    scale: str | None = None
    reverse: bool = False
    asked: str = "all"
    #: id of the multi-select group this 0/1 item is an option of
    multi_select: str | None = None
    #: short key used by published tables (e.g. the report's row names); defaults to id
    key: str | None = None
    #: waves in which the item was asked (empty: every wave of the study)
    waves: tuple[int, ...] = ()

    @field_validator("block")
    @classmethod
    def _block(cls, value: str) -> str:
        if value not in BLOCKS:
            raise ValueError(f"block {value!r} is not one of {', '.join(BLOCKS)}")
        return value


class Scale(_Model):
    id: str
    block: str
    label: Text
    #: minimum number of answered items for a scale score (else the score is missing)
    min_items: int = Field(default=1, ge=1)
    #: waves in which the scale is reported (empty: all waves)
    waves: tuple[int, ...] = ()


class MultiSelect(_Model):
    id: str
    block: str
    text: Text
    asked: str = "all"


class Instrument(_Model):
    """Every survey item with its response set, scale membership and who was asked."""

    name: str
    response_sets: tuple[ResponseSet, ...]
    asked: tuple[AskedRule, ...] = (AskedRule(id="all", label=Text(nl="alle respondenten",
                                                                     en="all respondents")),)
    scales: tuple[Scale, ...] = ()
    multi_select: tuple[MultiSelect, ...] = ()
    items: tuple[Item, ...]

    @model_validator(mode="after")
    def _references(self) -> "Instrument":
        problems = _instrument_problems(self)
        if problems:
            raise StructureProblems(problems)
        return self

    # lookups -------------------------------------------------------------------------
    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def response_set(self, item_or_set: str) -> ResponseSet:
        set_id = item_or_set
        if any(i.id == item_or_set for i in self.items):
            set_id = self.item(item_or_set).response_set
        for rs in self.response_sets:
            if rs.id == set_id:
                return rs
        raise KeyError(item_or_set)

    def scale_items(self, scale_id: str) -> list[Item]:
        return [i for i in self.items if i.scale == scale_id]

    def items_in_block(self, block: str) -> list[Item]:
        return [i for i in self.items if i.block == block]

    def options(self, multi_select_id: str) -> list[Item]:
        return [i for i in self.items if i.multi_select == multi_select_id]

    def asked_rule(self, rule_id: str) -> AskedRule:
        for rule in self.asked:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def by_key(self, key: str) -> Item:
        for item in self.items:
            if (item.key or item.id) == key:
                return item
        raise KeyError(key)


# --------------------------------------------------------------------------- codebook


class Code(_Model):
    id: str
    label: Text
    parent: str | None = None
    category: str | None = None
    #: crosswalk: instrument targets this code speaks to, as ``scale:<id>`` or ``item:<id>``
    links: tuple[str, ...] = ()
    #: other names under which the code appears in QDA exports
    qda_names: tuple[str, ...] = ()
    description: str | None = None

    @field_validator("category")
    @classmethod
    def _category(cls, value: str | None) -> str | None:
        if value is not None and value not in CODE_CATEGORIES:
            raise ValueError(f"category {value!r} is not one of {', '.join(CODE_CATEGORIES)}")
        return value

    @field_validator("links")
    @classmethod
    def _links(cls, links: tuple[str, ...]) -> tuple[str, ...]:
        for link in links:
            kind, _, target = link.partition(":")
            if kind not in ("scale", "item") or not target:
                raise ValueError(f"link {link!r} must look like 'scale:<id>' or 'item:<id>'")
        return links


class Codebook(_Model):
    name: str
    codes: tuple[Code, ...]

    @model_validator(mode="after")
    def _tree(self) -> "Codebook":
        problems = _codebook_problems(self)
        if problems:
            raise StructureProblems(problems)
        return self

    def code(self, code_id: str) -> Code:
        for code in self.codes:
            if code.id == code_id:
                return code
        raise KeyError(code_id)

    def name_index(self) -> dict[str, str]:
        """Map every name a QDA export may use for a code (id, labels, aliases) to its id."""
        index: dict[str, str] = {}
        for code in self.codes:
            for name in (code.id, code.label.nl, code.label.en, *code.qda_names):
                if name:
                    index.setdefault(name.casefold(), code.id)
        return index

    def to_frame(self):
        """One row per code: ``code``, ``label_nl``, ``label_en``, ``parent``, ``category``, ``links``."""
        import pandas as pd

        return pd.DataFrame(
            [{"code": c.id, "label_nl": c.label.nl, "label_en": c.label.en or c.label.nl,
              "parent": c.parent, "category": c.category, "links": ";".join(c.links)}
             for c in self.codes],
            columns=["code", "label_nl", "label_en", "parent", "category", "links"],
        )


# --------------------------------------------------------------------------- checks


def _entry(element: str, message: str, value: Any = None,
           expected: str | None = None) -> tuple[str, str, Any, str | None]:
    """One problem of a model's own checks (see :class:`StructureProblems`)."""
    return element, message, value, expected


def _instrument_problems(instrument: Instrument) -> list[tuple[str, str, Any, str | None]]:
    """Every structural problem of an instrument: (element, message, value, expected)."""
    problems: list[tuple[str, str, Any, str | None]] = []
    sets = {s.id: s for s in instrument.response_sets}
    scales = {s.id: s for s in instrument.scales}
    rules = {a.id: a for a in instrument.asked}
    groups = {m.id for m in instrument.multi_select}
    items = {i.id: i for i in reversed(instrument.items)}  # the first of a duplicate id
    kinds = (("response set", "response_sets", [s.id for s in instrument.response_sets]),
             ("scale", "scales", [s.id for s in instrument.scales]),
             ("asked rule", "asked", [a.id for a in instrument.asked]),
             ("multi-select group", "multi_select", [m.id for m in instrument.multi_select]))
    for kind, where, ids in kinds:
        for dup in _duplicates(ids):
            at = [n for n, i in enumerate(ids) if i == dup]
            problems.append(_entry(f"{where}[{at[1]}] ({dup})",
                                   f"{kind} id {dup!r} appears more than once "
                                   f"({where}[{at[0]}] and {where}[{at[1]}])", dup,
                                   f"each {kind} id once"))
    item_ids = [i.id for i in instrument.items]
    for dup in _duplicates(item_ids):
        at = [n for n, i in enumerate(item_ids) if i == dup]
        in_scales = list(dict.fromkeys(instrument.items[n].scale for n in at
                                       if instrument.items[n].scale))
        if len(in_scales) > 1:
            problems.append(_entry(f"items[{at[1]}] ({dup})", f"item {dup!r} is in more than one "
                                   f"scale: {', '.join(in_scales)}", dup,
                                   "each item in one scale at most (an item id once)"))
        else:
            problems.append(_entry(f"items[{at[1]}] ({dup})", f"item id {dup!r} appears more "
                                   f"than once (items[{at[0]}] and items[{at[1]}])", dup,
                                   "each item id once"))
    for n, item in enumerate(instrument.items):
        where = f"items[{n}] ({item.id})"
        if item.response_set not in sets:
            problems.append(_entry(where, f"response_set {item.response_set!r} is not defined",
                                   item.response_set, _one_of(sets)))
        if item.id in sets and item.response_set != item.id:
            problems.append(_entry(where, f"item id {item.id!r} is also the id of a response set, "
                                   f"and the item's answers are {item.response_set!r}", item.id,
                                   "item ids that are not ids of another response set"))
        if item.scale is not None and item.scale not in scales:
            problems.append(_entry(where, f"scale {item.scale!r} is not defined", item.scale,
                                   _one_of(scales)))
        if item.asked not in rules:
            problems.append(_entry(where, f"asked {item.asked!r} is not one of {sorted(rules)}",
                                   item.asked, _one_of(rules)))
        if item.multi_select is not None and item.multi_select not in groups:
            problems.append(_entry(where, f"multi_select {item.multi_select!r} is not defined",
                                   item.multi_select, _one_of(groups)))
    for n, group in enumerate(instrument.multi_select):
        if group.asked not in rules:
            problems.append(_entry(f"multi_select[{n}] ({group.id})", f"asked {group.asked!r} is "
                                   f"not one of {sorted(rules)}", group.asked, _one_of(rules)))
    problems += _asked_problems(instrument, sets, items)
    problems += _scale_problems(instrument)
    return problems


def _asked_problems(instrument: Instrument, sets: dict[str, ResponseSet],
                    items: dict[str, Item]) -> list[tuple[str, str, Any, str | None]]:
    """Asked rules that can never hold, or that name what does not exist.

    A rule holds for a respondent whose answer to the rule's item is one of its values:
    it never holds when it has no values, when none of them is a code of the item's
    response set (a value that is no code never matches), or when the item is only
    asked of those the rule selects (itself, or through other rules). An item whose
    waves share none with the waves of its rule's item is never asked either.
    """
    problems: list[tuple[str, str, Any, str | None]] = []
    rules = {a.id: a for a in instrument.asked}
    for n, rule in enumerate(instrument.asked):
        where = f"asked[{n}] ({rule.id})"
        if rule.item is None:
            if rule.values:
                problems.append(_entry(where, "values given without an item: the rule would "
                                       "hold for everyone", list(rule.values),
                                       "an item whose answers the values are, or no values"))
            continue
        item = items.get(rule.item)
        if item is None:
            problems.append(_entry(where, f"asked rule {rule.id!r} refers to unknown item "
                                   f"{rule.item!r}", rule.item, _one_of(items)))
            continue
        if not rule.values:
            problems.append(_entry(where, f"no values: the rule never holds (nobody's answer to "
                                   f"{rule.item!r} is one of no values)", None,
                                   f"codes of {rule.item!r} that select who was asked"))
            continue
        rs = sets.get(item.response_set)
        if rs is None:
            continue
        unknown = [v for v in rule.values if v not in rs.allowed]
        if unknown:
            never = len(unknown) == len(rule.values)
            problems.append(_entry(where, ("the rule never holds: " if never else "")
                                   + f"value{'s' if len(unknown) > 1 else ''} "
                                   + ", ".join(map(str, unknown))
                                   + f" {'are' if len(unknown) > 1 else 'is'} no code of "
                                   f"{rule.item!r} (response set {rs.id!r})", list(unknown),
                                   "codes of " + ", ".join(f"{c.code} ({c.label.nl})"
                                                     for c in rs.codes)))
        # the rule's item asked only of those the rule selects: nobody answers it
        chain, current = [rule.id], item
        while current is not None and current.asked in rules:
            next_rule = rules[current.asked]
            if next_rule.id == rule.id:
                problems.append(_entry(where, "the rule never holds: its item "
                                       f"{rule.item!r} is only asked of respondents it selects ("
                                       + " -> ".join(chain + [rule.id]) + ")", rule.item,
                                       "a rule whose item is asked before it (of everyone, or "
                                       "by another rule)"))
                break
            if next_rule.id in chain or next_rule.item is None:
                break
            chain.append(next_rule.id)
            current = items.get(next_rule.item)
    for n, item in enumerate(instrument.items):
        rule = rules.get(item.asked)
        source = items.get(rule.item) if rule is not None and rule.item else None
        if source is not None and item.waves and source.waves and \
                not set(item.waves) & set(source.waves):
            problems.append(_entry(f"items[{n}] ({item.id})", f"never asked: asked of {rule.id!r}, "
                                   f"which depends on {source.id!r}, asked only in "
                                   f"{list(source.waves)}; this item only in {list(item.waves)}",
                                   list(item.waves), f"waves in which {source.id!r} was asked too"))
    return problems


def _scale_problems(instrument: Instrument) -> list[tuple[str, str, Any, str | None]]:
    """Scales without items, and minimum numbers of items a scale cannot reach."""
    problems: list[tuple[str, str, Any, str | None]] = []
    for n, scale in enumerate(instrument.scales):
        where = f"scales[{n}] ({scale.id})"
        # distinct items (an id given twice is a problem of its own)
        members = list({i.id: i for i in reversed(instrument.items)
                        if i.scale == scale.id}.values())[::-1]
        if not members:
            problems.append(_entry(where, f"scale {scale.id!r} has no items", scale.id,
                                   "items naming the scale"))
            continue
        if scale.min_items > len(members):
            problems.append(_entry(where, f"min_items {scale.min_items} is more than the "
                                   f"{len(members)} items of the scale: no score can be computed",
                                   scale.min_items, f"at most {len(members)} ("
                                   + ", ".join(i.id for i in members) + ")"))
            continue
        for wave in scale.waves:
            asked = [i for i in members if not i.waves or wave in i.waves]
            if scale.min_items > len(asked):
                problems.append(_entry(where, f"min_items {scale.min_items} is more than the "
                                       f"{len(asked)} items of the scale asked in {wave}",
                                       scale.min_items, f"at most {len(asked)}"))
    return problems


def _codebook_problems(codebook: Codebook) -> list[tuple[str, str, Any, str | None]]:
    """Duplicate ids, unknown parents, parent cycles, names shared by two codes."""
    problems: list[tuple[str, str, Any, str | None]] = []
    ids = [c.id for c in codebook.codes]
    for dup in _duplicates(ids):
        at = [n for n, i in enumerate(ids) if i == dup]
        problems.append(_entry(f"codes[{at[1]}] ({dup})", f"code id {dup!r} appears more than once "
                               f"(codes[{at[0]}] and codes[{at[1]}])", dup, "each code id once"))
    parents = {}
    for n, code in enumerate(codebook.codes):
        where = f"codes[{n}] ({code.id})"
        if code.parent is None:
            continue
        if code.parent == code.id:
            problems.append(_entry(where, f"code {code.id!r} is its own parent", code.parent,
                                   "the id of another code, or no parent"))
        elif code.parent not in ids:
            problems.append(_entry(where, f"code {code.id!r}: parent {code.parent!r} is not a code",
                                   code.parent, "the id of a code of the codebook"))
        else:
            parents.setdefault(code.id, code.parent)
    reported: set[str] = set()
    for n, code in enumerate(codebook.codes):
        path, current = [], code.id
        while current in parents and current not in path:
            path.append(current)
            current = parents[current]
        if current in path and current == code.id and not reported & set(path):
            reported |= set(path)
            problems.append(_entry(f"codes[{n}] ({code.id})", "parents form a cycle: "
                                   + " -> ".join(path + [code.id]), code.parent,
                                   "a tree: following parents ends at a code without one"))
    names: dict[str, list[str]] = {}
    for code in codebook.codes:
        for name in dict.fromkeys((code.id, *code.qda_names)):
            names.setdefault(name.casefold(), []).append(code.id)
    for name, owners in names.items():
        owners = list(dict.fromkeys(owners))
        if len(owners) > 1:
            problems.append(_entry(f"codes ({', '.join(owners)})",
                                   f"the name {name!r} is the id or a qda_name of "
                                   f"{len(owners)} codes: " + ", ".join(owners), name,
                                   "each id and qda_name naming one code"))
    return problems


def crosswalk_problems(codebook: Codebook, instrument: Instrument, *,
                       file: str) -> list[Problem]:
    """Crosswalk links of the codebook that point at nothing in the instrument.

    A code's ``links`` name ``scale:<id>`` or ``item:<id>`` of the instrument; a link
    whose target is not there is a problem naming the code, the link and what exists
    (and the link to write when the id is there under the other kind). A code linking
    one target twice is a problem too.
    """
    known = {"scale": {s.id for s in instrument.scales}, "item": {i.id for i in instrument.items}}
    problems = []
    for n, code in enumerate(codebook.codes):
        where = f"codes[{n}] ({code.id})"
        for link in _duplicates(list(code.links)):
            problems.append(Problem(file=file, row=where, column="links", value=link,
                                    message="crosswalk link given twice",
                                    expected="each link once"))
        for link in dict.fromkeys(code.links):
            kind, _, target = link.partition(":")
            if target in known.get(kind, ()):
                continue
            other = "item" if kind == "scale" else "scale"
            expected = (f"'{other}:{target}': {target!r} is {'an' if other == 'item' else 'a'} "
                        f"{other} of the instrument" if target in known[other] else
                        f"one of the instrument's {kind}s: " + ", ".join(sorted(known[kind])))
            problems.append(Problem(file=file, row=where, column="links", value=link,
                                    message=f"crosswalk target is not a {kind} of the "
                                            "instrument", expected=expected))
    return problems


# --------------------------------------------------------------------------- study


def _file_name_id(value: str) -> str:
    """An id that names output files (``region-<id>.html``, ``outputs/<study id>``): never
    a path. Refused: empty, ``.`` or ``..`` or a leading dot, ``/`` or ``\\``, a drive
    (``C:``), control characters."""
    reason = None
    if not value.strip():
        reason = "is empty"
    elif value.startswith("."):
        reason = "starts with a dot (., .. and hidden names are paths)"
    elif "/" in value or "\\" in value:
        reason = "contains a path separator"
    elif ":" in value:
        reason = "contains ':' (a drive or stream name)"
    elif any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        reason = "contains a control character"
    if reason:
        raise ValueError(f"id {value!r} {reason}; ids name output files, so an id may not "
                         "be empty, start with a dot, or hold /, \\, : or a control "
                         "character (a plain name such as 'A' or 'binnen_po')")
    return value


def file_stem(value: str) -> str:
    """The part of an output file's name an id gives (``region-<stem>.html``): letters,
    digits, ``_``, ``.`` and ``-`` kept, every other run of characters one ``-``, none at
    either end (``"A B"`` gives ``A-B``, ``"(A)"`` gives ``A``, ``"-1"`` stays ``-1``)."""
    inner = re.sub(r"^[^A-Za-z0-9_.-]+|[^A-Za-z0-9_.-]+$", "", value)
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", inner) or "x"


def _same_ids(ids: list[str], level: str, *, files: bool = True) -> list[str]:
    """Ids of one level that are the same id, or (``files``: the level's ids name pages)
    would name the same output file: ``a`` and ``A`` name ``region-a.html`` and
    ``region-A.html``, one file where case is ignored (macOS, Windows); ``A B`` and
    ``A-B`` both name ``region-A-B.html``."""
    problems = []
    first: dict[str, str] = {}
    for value in ids:
        key = file_stem(value).casefold() if files else value
        if key not in first:
            first[key] = value
            continue
        other = first[key]
        if other == value:
            problems.append(f"{level} {value!r} appears more than once")
        elif other.casefold() == value.casefold():
            problems.append(f"{level} ids {other!r} and {value!r} differ only in case; "
                            "ids name output files, which would clash where case is "
                            "ignored (macOS, Windows): give one another id")
        elif file_stem(other) == file_stem(value):
            problems.append(f"{level} ids {other!r} and {value!r} would both name the "
                            f"file {level}-{file_stem(value)}.html (in file names, "
                            "characters other than letters, digits, _ . and - become '-'): "
                            "give one another id")
        else:
            problems.append(f"{level} ids {other!r} and {value!r} would name the files "
                            f"{level}-{file_stem(other)}.html and "
                            f"{level}-{file_stem(value)}.html, one file where case is "
                            "ignored (macOS, Windows): give one another id")
    return list(dict.fromkeys(problems))


class Level(_Model):
    id: str
    label: Text | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return _file_name_id(value)


class Region(_Model):
    id: str
    #: the region's situation; required when the study declares situations, else absent
    situation: str | None = None
    sectors: tuple[str, ...] = ()
    label: Text | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return _file_name_id(value)


class LevelNames(_Model):
    """What the study calls each grouping level, per language (``gemeente``, ...).

    A level left out keeps the package's own word (region, collaboration situation,
    sector).
    """

    region: Text | None = None
    situation: Text | None = None
    sector: Text | None = None
    #: the plurals, for headings (``{nl: gemeenten, en: municipalities}``); a level
    #: renamed without its plural gets headings that need none (``Per gemeente``)
    regions: Text | None = None
    situations: Text | None = None
    sectors: Text | None = None


class KeyColumns(_Model):
    """The survey's key columns: which column of the survey files holds each key.

    The defaults are the package's own names; a study whose files say ``respnr`` and
    ``gemeente`` maps them here instead of renaming the files. Column names are matched
    as SPSS matches them, whatever their case.
    """

    respondent_id: str = "respondent_id"
    wave: str = "wave"
    region: str = "region"
    situation: str = "situation"
    sector: str = "sector"

    @model_validator(mode="after")
    def _distinct(self) -> "KeyColumns":
        names = [v.casefold() for v in self.model_dump().values()]
        twice = _duplicates(names)
        if twice:
            raise ValueError("a column is named for more than one key: " + ", ".join(twice))
        return self

    def file_names(self) -> dict[str, str]:
        """Key (the package's column name) -> the column of the survey files."""
        return dict(self.model_dump())


class WaveFile(_Model):
    wave: int
    path: str
    #: how to read the file; ``auto``: from its name's ending
    format: Literal["auto", "sav", "zsav", "por", "csv", "xlsx", "qdpx", "qde", "segments_csv",
                    "segments_xlsx"] = "auto"


class Disclosure(_Model):
    #: smallest number of respondents behind any published count, share, mean or chart
    min_n: int = Field(default=5, ge=1)
    #: smallest number of sources behind a published qualitative tally
    min_sources: int = Field(default=1, ge=1)


class StudyConfig(_Model):
    """The study YAML: what the study is and where its files are (paths relative to it).

    ``name`` is a plain string (the study's name in every language) or a text per
    language, ``{nl: ..., en: ...}``, as the instrument gives its labels; ``name`` is
    then the text in the study's ``language`` and :meth:`name_in` gives the others.
    """

    name: str
    id: str
    language: Literal["nl", "en"] = "nl"
    waves: tuple[int, ...]
    synthetic: bool = False
    #: the situations regions are grouped into; empty: the study has no situation level
    situations: tuple[Level, ...] = ()
    sectors: tuple[Level, ...] = ()
    regions: tuple[Region, ...]
    #: what the study calls its levels (region, situation, sector), per language
    levels: LevelNames = LevelNames()
    #: what the study calls its respondents, plural, per language (``{nl: scholen, en:
    #: schools}``); default: the package's ``respondenten``/``respondents``
    respondents: Text | None = None
    #: the survey's key columns, where they are not named as the package names them
    columns: KeyColumns = KeyColumns()
    instrument: str
    codebook: str | None = None
    survey: tuple[WaveFile, ...] = ()
    segments: tuple[WaveFile, ...] = ()
    sources: str | None = None
    drawings: tuple[str, ...] = ()
    meta_inferences: str | None = None
    pseudonyms: str | None = None
    #: which items make each published table (read by ``report_tables``)
    tables: str | None = None
    disclosure: Disclosure = Disclosure()
    description: str | None = None
    #: Data files may lie outside the study folder (or be links that lead out of it)
    #: only when this is true. By default every path of this file must resolve, links
    #: followed, inside the study folder, and one that leaves it is a problem; the
    #: study folder is the boundary of what ``validate`` and ``run`` read.
    allow_outside: bool = False

    #: the name per language when study.yaml gives it so (``None``: a plain string)
    _names: Text | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _name_per_language(cls, data: Any, handler) -> "StudyConfig":
        names = None
        if isinstance(data, dict) and isinstance(data.get("name"), dict):
            try:
                names = Text.model_validate(data["name"])
            except ValidationError as exc:
                found = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'name'}: {e['msg']}"
                                  for e in exc.errors())
                raise ValueError(f"name: a name per language is written {{nl: ..., en: ...}} "
                                 f"(the Dutch required, as every text of a study): {found}"
                                 ) from None
            language = data.get("language", "nl")
            data = {**data, "name": names.get(language if language in ("nl", "en") else "nl")}
        model = handler(data)
        if names is not None:
            model._names = names
        return model

    def name_in(self, lang: str) -> str:
        """The study's name in ``lang`` (its only name where study.yaml gives a string)."""
        return self._names.get(lang) if self._names is not None else self.name

    def name_language(self, lang: str) -> str:
        """The language of :meth:`name_in` for ``lang``, for the ``lang`` attribute of
        the element that shows it: a plain name is in the study's language."""
        return self._names.language_of(lang) if self._names is not None else self.language

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return _file_name_id(value)

    @model_validator(mode="after")
    def _consistent(self) -> "StudyConfig":
        problems = []
        situations = {s.id for s in self.situations}
        sectors = {s.id for s in self.sectors}
        problems += _same_ids([r.id for r in self.regions], "region")
        problems += _same_ids([s.id for s in self.situations], "situation")
        problems += _same_ids([s.id for s in self.sectors], "sector", files=False)
        for region in self.regions:
            if not situations and region.situation is not None:
                problems.append(f"region {region.id!r}: situation {region.situation!r}, but "
                                "the study declares no situations (add them under "
                                "'situations', or leave the region's situation out)")
            elif situations and region.situation is None:
                problems.append(f"region {region.id!r} has no situation; the study declares "
                                f"situations: one of {sorted(situations)}")
            elif situations and region.situation not in situations:
                problems.append(f"region {region.id!r}: situation {region.situation!r} is not "
                                f"one of {sorted(situations)}")
            for sector in region.sectors:
                if sectors and sector not in sectors:
                    problems.append(f"region {region.id!r}: sector {sector!r} is not one of "
                                    f"{sorted(sectors)}")
        for wf in (*self.survey, *self.segments):
            if wf.wave not in self.waves:
                problems.append(f"file {wf.path!r}: wave {wf.wave} is not one of {list(self.waves)}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def has_situations(self) -> bool:
        """Whether the study groups its regions into situations (a second level)."""
        return bool(self.situations)

    def level_name(self, level: str, lang: str = "nl", *, plural: bool = False) -> str | None:
        """What the study calls ``level`` (region, situation, sector) in ``lang`` (its
        plural with ``plural=True``), or ``None`` where it keeps the package's word: also
        where the study names the level in the other language only (an English page
        says "region", not the Dutch "gemeente")."""
        names = getattr(self.levels, level + "s" if plural else level)
        return getattr(names, lang, None) if names is not None else None

    def region(self, region_id: str) -> Region:
        for region in self.regions:
            if region.id == region_id:
                return region
        raise KeyError(region_id)

    def data_files(self) -> list[tuple[str, str]]:
        """Every data file this study file names, as ``(field, path written)``, in the
        order :func:`~image_synth.study.load.load_study` reads them; the field as a
        message names it (``instrument``, ``survey[0].path``, ``drawings[1]``). The
        ``tables`` file, read only by ``image-synth tables``, comes last."""
        files = [("instrument", self.instrument)]
        if self.codebook:
            files.append(("codebook", self.codebook))
        files += [(f"survey[{n}].path", wf.path) for n, wf in enumerate(self.survey)]
        if self.sources:
            files.append(("sources", self.sources))
        files += [(f"segments[{n}].path", wf.path) for n, wf in enumerate(self.segments)]
        files += [(f"drawings[{n}]", path) for n, path in enumerate(self.drawings)]
        for name in ("meta_inferences", "pseudonyms", "tables"):
            if getattr(self, name):
                files.append((name, getattr(self, name)))
        return files

    def situation_label(self, situation_id: str, lang: str = "nl") -> str:
        for level in self.situations:
            if level.id == situation_id:
                return level.label.get(lang) if level.label else level.id
        raise KeyError(situation_id)


# --------------------------------------------------------------------------- loading

M = TypeVar("M", bound=BaseModel)

#: libyaml's safe loader when PyYAML was built with it (about ten times faster than the
#: pure-Python one; same safe subset: no Python objects, aliases not expanded).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


#: Largest YAML file a study reads (bytes): real study files are a few KiB to a few
#: hundred KiB; the parser holds several copies of what it reads.
MAX_YAML_BYTES = 16 * 1024 * 1024

#: Most values (mappings, lists and scalars, counted as often as aliases repeat them) a
#: YAML file of a study may expand to. The safe loader shares an aliased value instead of
#: copying it, so an alias bomb ("billion laughs": lists of aliases of lists of aliases)
#: loads in a moment, but anything that walks the result (validation, a report of the
#: value) would visit every repetition. Real study files expand to a few thousand.
MAX_YAML_VALUES = 1_000_000


class YamlDuplicateKey(yaml.MarkedYAMLError):
    """A mapping that gives one key twice; ``problem_mark`` is the second occurrence.

    YAML requires the keys of a mapping to be unique; PyYAML keeps the last value and
    says nothing, so ``disclosure: {min_n: 1}`` added below ``disclosure: {min_n: 5}``
    would silently lower the threshold."""

    def __init__(self, key: Any, first_line: int, mark, *, written: tuple[str, str] | None
                 = None, merge: bool = False):
        if written is not None and written[0] != written[1]:
            # 1 and true, or 1 and 1.0: different words, one key once read
            problem = (f"keys {written[0]!r} (line {first_line}) and {written[1]!r} are "
                       f"read as one key ({key!r}) in one mapping")
        elif merge:
            problem = (f"the merge key '<<' appears twice in one mapping (first on line "
                       f"{first_line}); merge several mappings with one '<<: [*a, *b]'")
        else:
            problem = f"key {key!r} appears twice in one mapping (first on line {first_line})"
        super().__init__(problem=problem, problem_mark=mark)
        self.key = key
        self.first_line = first_line


#: How :class:`_StrictLoader` keys the merge key ``<<`` (never equal to a written key).
_MERGE = object()


class _StrictLoader(_SAFE_LOADER):
    """The safe loader, refusing a key given twice in one mapping (:class:`YamlDuplicateKey`).

    Keys are compared as constructed (``1`` and ``"1"`` differ; ``yes`` and ``true`` are
    the same key, and so are ``1`` and ``true``, as Python reads them). Keys brought in by
    a merge (``<<: *base``) may be overridden, as the merge key means; keys written in
    the mapping itself, and in a mapping merged into it, may not repeat, and neither may
    the merge key (PyYAML would merge both). Each mapping is checked once, before its merges are flattened
    into it.
    """

    def flatten_mapping(self, node):
        checked = self.__dict__.setdefault("_checked_mappings", set())
        if id(node) not in checked:
            checked.add(id(node))
            self._refuse_duplicates(node)
        super().flatten_mapping(node)

    def _refuse_duplicates(self, node) -> None:
        first: dict[Any, Any] = {}      # key -> the node of its first occurrence
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            merge = key_node.tag == "tag:yaml.org,2002:merge"
            key = _MERGE if merge else self.construct_object(key_node, deep=False)
            if key in first:
                shown = "<<" if merge else self.construct_object(first[key], deep=False)
                raise YamlDuplicateKey(shown, first[key].start_mark.line + 1,
                                       key_node.start_mark, merge=merge,
                                       written=(first[key].value, key_node.value))
            first[key] = key_node


class YamlTooLarge(yaml.YAMLError):
    """A YAML document whose aliases expand beyond :data:`MAX_YAML_VALUES` or refer to
    themselves; ``problem`` says which, as a parse error does."""

    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = None


def parse_yaml(text: str) -> Any:
    """``yaml.safe_load`` with the fastest safe loader available; raises ``yaml.YAMLError``.

    A key given twice in one mapping raises :class:`YamlDuplicateKey` (PyYAML would keep
    the last value silently).

    A document whose aliases expand to more than :data:`MAX_YAML_VALUES` values, or
    that contains itself through an alias, raises :class:`YamlTooLarge` (a
    ``yaml.YAMLError``) before anything walks it.
    """
    data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a safe loader
    check_expansion(data)
    return data


def check_expansion(data: Any, *, limit: int = MAX_YAML_VALUES) -> int:
    """How many values ``data`` holds once every shared (aliased) value is counted each
    time it appears; :class:`YamlTooLarge` above ``limit`` or for a value inside itself.

    Walked with an explicit stack, each distinct list or mapping once (its size
    remembered), so the check takes time in proportion to the file, not to what its
    aliases expand to.
    """
    sizes: dict[int, int] = {}
    entered: set[int] = set()
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        value, done = stack.pop()
        if not isinstance(value, (list, dict)):
            continue
        key = id(value)
        children = list(value.values()) if isinstance(value, dict) else value
        if done:
            size = 1 + sum(sizes.get(id(c), 1) for c in children)
            if size > limit:
                raise YamlTooLarge(f"its aliases expand to more than {limit:,} values, "
                                   "the most a study file may hold (an alias bomb?)")
            sizes[key] = size
            continue
        if key in sizes:
            continue
        if key in entered:  # reached again below itself
            raise YamlTooLarge("an alias refers to a value that contains it (a value "
                               "inside itself cannot be read)")
        entered.add(key)
        stack.append((value, True))
        stack.extend((c, False) for c in children if isinstance(c, (list, dict))
                     and id(c) not in sizes)
    return sizes.get(id(data), 1)


def check_yaml_size(path: Path, *, file: str) -> None:
    """Refuse a YAML file larger than :data:`MAX_YAML_BYTES` before it is read."""
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        raise UnsafeInputError(file, f"YAML file of {size:,} bytes, larger than the "
                               f"{MAX_YAML_BYTES:,} a study file may have",
                               expected=f"at most {MAX_YAML_BYTES:,} bytes")


def read_yaml(path: Path, *, file: str | None = None) -> Any:
    """Parse a YAML file safely; a syntax error becomes a DataValidationError with line."""
    shown = file or str(path)
    try:
        check_yaml_size(Path(path), file=shown)
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataValidationError([Problem(file=shown, message="file not found")]) from None
    except UnicodeDecodeError as exc:
        raise DataValidationError([Problem(file=shown, message="not UTF-8 text",
                                           row=None, value=exc.object[exc.start:exc.end],
                                           expected="a UTF-8 encoded YAML file")]) from None
    try:
        return parse_yaml(text)
    except YamlTooLarge as exc:
        raise UnsafeInputError(shown, f"YAML refused: {exc.problem}") from None
    except YamlDuplicateKey as exc:
        raise DataValidationError([duplicate_key_problem(exc, file=shown)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise DataValidationError([Problem(file=shown, message=f"not valid YAML: {reason}",
                                           row=row)]) from None


def duplicate_key_problem(exc: YamlDuplicateKey, *, file: str) -> Problem:
    """The problem of a key given twice: the file, the line of the second occurrence, the
    key and the line of the first."""
    return Problem(file=file, row=f"line {exc.problem_mark.line + 1}",
                   message=f"not valid YAML: {exc.problem}",
                   expected="each key once in a mapping (otherwise the last one would "
                            "silently replace the first)")


def model_problems(exc: ValidationError, *, file: str) -> list[Problem]:
    """Turn pydantic's errors into Problems naming the field path and the value."""
    problems = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        found = (err.get("ctx") or {}).get("error")
        if isinstance(found, StructureProblems):
            problems += [Problem(file=file, message=message, value=value, expected=expected,
                                 row=f"{loc}.{element}" if loc else element)
                         for element, message, value, expected in found.problems]
            continue
        value = err.get("input")
        if isinstance(value, (dict, list)):
            value = None
        message = err["msg"].removeprefix("Value error, ")
        problems.append(Problem(file=file, message=message, row=loc or None, value=value))
    return problems


def load_yaml_model(model: type[M], path: Path, *, file: str | None = None) -> M:
    """Load ``path`` as YAML and validate it as ``model``, reporting every problem."""
    shown = file or str(path)
    data = read_yaml(path, file=shown)
    if not isinstance(data, dict):
        raise DataValidationError([Problem(file=shown, message="expected a mapping at the top "
                                           "level", value=type(data).__name__)])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise DataValidationError(model_problems(exc, file=shown)) from None
