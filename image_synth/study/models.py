"""Validated models of the study's own files: study YAML, instrument YAML, codebook YAML.

A study is described by files, never by code. These pydantic models are the contract:
what a study folder must say about its waves, groups, survey items, response sets,
scales, codes and the crosswalk between codes and survey items. Loading one of them
from YAML goes through :func:`load_yaml_model`, which turns pydantic's errors into the
package's :class:`~image_synth.errors.DataValidationError` with file, field and value.

The field reference, with an example of each file, is in ``docs/study-files.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import DataValidationError, Problem

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


class Text(_Model):
    """A text in the study's languages."""

    nl: str
    en: str | None = None

    def get(self, lang: str) -> str:
        return (self.en if lang == "en" else self.nl) or self.nl


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
        problems = []
        sets = {s.id for s in self.response_sets}
        scales = {s.id for s in self.scales}
        asked = {a.id for a in self.asked}
        groups = {m.id for m in self.multi_select}
        item_ids = [i.id for i in self.items]
        for dup in sorted({i for i in item_ids if item_ids.count(i) > 1}):
            problems.append(f"item id {dup!r} appears more than once")
        for n, item in enumerate(self.items):
            where = f"items[{n}] ({item.id})"
            if item.response_set not in sets:
                problems.append(f"{where}: response_set {item.response_set!r} is not defined")
            if item.scale is not None and item.scale not in scales:
                problems.append(f"{where}: scale {item.scale!r} is not defined")
            if item.asked not in asked:
                problems.append(f"{where}: asked {item.asked!r} is not one of {sorted(asked)}")
            if item.multi_select is not None and item.multi_select not in groups:
                problems.append(f"{where}: multi_select {item.multi_select!r} is not defined")
        for rule in self.asked:
            if rule.item is not None and rule.item not in item_ids:
                problems.append(f"asked rule {rule.id!r} refers to unknown item {rule.item!r}")
        for scale in self.scales:
            if not any(i.scale == scale.id for i in self.items):
                problems.append(f"scale {scale.id!r} has no items")
        if problems:
            raise ValueError("; ".join(problems))
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
        ids = [c.id for c in self.codes]
        problems = [f"code id {d!r} appears more than once"
                    for d in sorted({i for i in ids if ids.count(i) > 1})]
        known = set(ids)
        for code in self.codes:
            if code.parent is not None and code.parent not in known:
                problems.append(f"code {code.id!r}: parent {code.parent!r} is not a code")
        if problems:
            raise ValueError("; ".join(problems))
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


# --------------------------------------------------------------------------- study


class Level(_Model):
    id: str
    label: Text | None = None


class Region(_Model):
    id: str
    situation: str
    sectors: tuple[str, ...] = ()
    label: Text | None = None


class WaveFile(_Model):
    wave: int
    path: str
    #: for a survey CSV/XLSX: the column holding the respondent id, if not respondent_id
    format: Literal["auto", "sav", "csv", "xlsx", "qdpx", "qde", "segments_csv",
                    "segments_xlsx"] = "auto"


class Disclosure(_Model):
    #: smallest number of respondents behind any published count, share, mean or chart
    min_n: int = Field(default=5, ge=1)
    #: smallest number of sources behind a published qualitative tally
    min_sources: int = Field(default=1, ge=1)


class StudyConfig(_Model):
    """The study YAML: what the study is and where its files are (paths relative to it)."""

    name: str
    id: str
    language: Literal["nl", "en"] = "nl"
    waves: tuple[int, ...]
    synthetic: bool = False
    situations: tuple[Level, ...]
    sectors: tuple[Level, ...] = ()
    regions: tuple[Region, ...]
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

    @model_validator(mode="after")
    def _consistent(self) -> "StudyConfig":
        problems = []
        situations = {s.id for s in self.situations}
        sectors = {s.id for s in self.sectors}
        region_ids = [r.id for r in self.regions]
        for dup in sorted({r for r in region_ids if region_ids.count(r) > 1}):
            problems.append(f"region {dup!r} appears more than once")
        for region in self.regions:
            if region.situation not in situations:
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

    def region(self, region_id: str) -> Region:
        for region in self.regions:
            if region.id == region_id:
                return region
        raise KeyError(region_id)

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


def parse_yaml(text: str) -> Any:
    """``yaml.safe_load`` with the fastest safe loader available; raises ``yaml.YAMLError``."""
    return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader


def read_yaml(path: Path, *, file: str | None = None) -> Any:
    """Parse a YAML file safely; a syntax error becomes a DataValidationError with line."""
    shown = file or str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataValidationError([Problem(file=shown, message="file not found")]) from None
    except UnicodeDecodeError as exc:
        raise DataValidationError([Problem(file=shown, message="not UTF-8 text",
                                           row=None, value=exc.object[exc.start:exc.end],
                                           expected="a UTF-8 encoded YAML file")]) from None
    try:
        return parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise DataValidationError([Problem(file=shown, message=f"not valid YAML: {reason}",
                                           row=row)]) from None


def model_problems(exc: ValidationError, *, file: str) -> list[Problem]:
    """Turn pydantic's errors into Problems naming the field path and the value."""
    problems = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
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
