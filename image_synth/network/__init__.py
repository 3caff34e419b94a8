"""Network drawings from reflection meetings.

Read the drawings (:func:`read_drawings`, :func:`drawings_from_refi_graph`), measure
their structure (:func:`measures`), classify them as star, network or fragmented
(:func:`classify`, :func:`classification_rules`), compare them across situations with
the other strands beside them (:func:`compare`), and draw them in the report's colours
(:func:`plot_drawing`, :func:`plot_drawings`, :func:`alt_text`).

Names are imported on first use, so ``import image_synth.network`` does not load
matplotlib. The one exception is :func:`measures`, which shares its name with the
module ``image_synth.network.measures``: it is bound here at import so that the import
system, which sets a package attribute for each submodule it loads, cannot leave the
module where the function should be. Import the module's other names from the
module itself (``from image_synth.network.measures import MEASURE_COLUMNS``) or from
this package.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Drawing": "image_synth.network.drawings",
    "read_drawings": "image_synth.network.drawings",
    "drawings_from_refi_graph": "image_synth.network.drawings",
    "DEFAULT_PARTY_TYPES": "image_synth.network.drawings",
    "DEFAULT_TIE_KINDS": "image_synth.network.drawings",
    "DEFAULT_KIND_SYNONYMS": "image_synth.network.drawings",
    "TIE_KINDS": "image_synth.network.drawings",
    "measures": "image_synth.network.measures",
    "classify": "image_synth.network.measures",
    "classification_rules": "image_synth.network.measures",
    "compare": "image_synth.network.measures",
    "freeman_centralisation": "image_synth.network.measures",
    "CLASSIFICATION_DEFAULTS": "image_synth.network.measures",
    "STRUCTURES": "image_synth.network.measures",
    "MEASURE_COLUMNS": "image_synth.network.measures",
    "plot_drawing": "image_synth.network.plot",
    "plot_drawings": "image_synth.network.plot",
    "alt_text": "image_synth.network.plot",
    "get_alt_text": "image_synth.network.plot",
    "layout": "image_synth.network.plot",
}

__all__ = [
    "CLASSIFICATION_DEFAULTS",
    "DEFAULT_KIND_SYNONYMS",
    "DEFAULT_PARTY_TYPES",
    "DEFAULT_TIE_KINDS",
    "MEASURE_COLUMNS",
    "STRUCTURES",
    "TIE_KINDS",
    "Drawing",
    "alt_text",
    "classification_rules",
    "classify",
    "compare",
    "drawings_from_refi_graph",
    "freeman_centralisation",
    "get_alt_text",
    "layout",
    "measures",
    "plot_drawing",
    "plot_drawings",
    "read_drawings",
]

# Bind the function over the submodule of the same name (see the docstring).
from .measures import measures as measures


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'image_synth.network' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
