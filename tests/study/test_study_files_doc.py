"""docs/study-files.md describes every field of every study file's model."""

from __future__ import annotations

import re
import typing

from _support import ROOT
from pydantic import BaseModel

from image_synth import columns as C
from image_synth.quant.report_tables import PublishedTables
from image_synth.study.load import MetaInference
from image_synth.study.models import Codebook, Instrument, StudyConfig

DOC = ROOT / "docs" / "study-files.md"
ROOTS = (StudyConfig, Instrument, Codebook, MetaInference, PublishedTables)


def _models(annotation) -> list[type[BaseModel]]:
    found = []
    for argument in typing.get_args(annotation):
        found += _models(argument)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
    return found


def _all_models() -> dict[str, type[BaseModel]]:
    """Every model reachable from the study files' models, by name."""
    seen: dict[str, type[BaseModel]] = {}
    todo = list(ROOTS)
    while todo:
        model = todo.pop()
        if model.__name__ in seen:
            continue
        seen[model.__name__] = model
        for info in model.model_fields.values():
            todo += _models(info.annotation)
    return seen


def _sections() -> dict[str, str]:
    """Model name -> the text of its table (from its marker to the next blank line)."""
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"<!-- model: (\w+) -->\n", text)
    return {name: body.split("\n\n")[0] for name, body in zip(parts[1::2], parts[2::2])}


def test_every_field_of_every_model_is_in_its_table():
    sections = _sections()
    models = _all_models()
    assert set(models) <= set(sections), sorted(set(models) - set(sections))
    missing = [f"{name}.{field}" for name, model in models.items()
               for field in model.model_fields
               if f"| `{field}` |" not in sections[name]]
    assert not missing


def test_no_table_names_a_field_the_model_does_not_have():
    models = _all_models()
    extra = []
    for name, table in _sections().items():
        assert name in models, f"a table for {name}, which is no model of a study file"
        for field in re.findall(r"^\| `(\w+)` \|", table, flags=re.MULTILINE):
            if field not in models[name].model_fields:
                extra.append(f"{name}.{field}")
    assert not extra


def test_the_sources_columns_are_described():
    text = DOC.read_text(encoding="utf-8")
    assert all(f"| `{column}` |" in text for column in C.SOURCE_COLUMNS)
