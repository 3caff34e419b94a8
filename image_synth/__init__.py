"""image_synth: mixed-methods evidence synthesis for evaluation studies.

Read a study (survey, coded interviews, reflection meetings, other studies), analyse
each strand, integrate them into joint displays, and publish HTML supplements.

Start with :func:`load_study`; ``load_study()`` with no path loads the embedded
example study. The public functions are imported lazily, so ``import image_synth``
is cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it (imported on first use)
_EXPORTS = {
    "load_study": "image_synth.study.load",
    "Study": "image_synth.study.load",
    "compute": "image_synth.results.compute",
    "ScopeResults": "image_synth.results.compute",
    "read_survey": "image_synth.read.survey",
    "read_qdpx": "image_synth.read.refi",
    "read_qdc": "image_synth.read.refi",
    "write_qdpx": "image_synth.read.qdpx_writer",
    "reliability": "image_synth.quant.reliability",
    "item_statistics": "image_synth.quant.reliability",
    "numeric_items": "image_synth.quant.numeric",
    "scale_scores": "image_synth.quant.scores",
    "compare_waves": "image_synth.quant.compare",
    "compare_groups": "image_synth.quant.compare",
    "composition_difference": "image_synth.quant.compare",
    "associations": "image_synth.quant.association",
    "ordinal_model": "image_synth.quant.association",
    "joint_display": "image_synth.integrate.joint",
    "cmo_table": "image_synth.integrate.cmo",
    "evidence_map": "image_synth.integrate.evidence",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'image_synth' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
