"""The word catalogue: every word a reader sees, in Dutch and English, in data files.

The words live in ``image_synth/data/words/<lang>/*.yaml``: one folder per language,
the same files and the same keys in each (``tests/render/test_words.py`` checks it).
A file groups the words of one part of the page (``page.yaml`` the page and its
sections, ``tables.yaml`` column heads, ...); keys are unique across the files of a
language, so a caller names a word by its key alone::

    word("mean", "nl")                      # 'gemiddelde'
    word("suppressed_count", "en", n=3)     # '3 cells of this table are not shown.'

An unknown key is an error, never the key itself: a raw id must not reach a page.
Placeholders are ``str.format`` fields and must be the same in both languages.
"""

from __future__ import annotations

import string
from functools import lru_cache
from importlib import resources

from ..errors import AnalysisError
from ..options import LANGUAGES, check_option

__all__ = ["word", "has_word", "catalogue", "placeholders"]


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """Every word of ``lang``, by key (the files of ``data/words/<lang>/`` merged)."""
    check_option("lang", lang, LANGUAGES)
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    folder = resources.files("image_synth") / "data" / "words" / lang
    out: dict[str, str] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = yaml.load(entry.read_text(encoding="utf-8"), Loader=loader) or {}  # noqa: S506
        for key, text in data.items():
            if key in out:
                raise AnalysisError(f"word {key!r} is defined twice in data/words/{lang}/ "
                                    f"(again in {entry.name})")
            if not isinstance(text, str):
                raise AnalysisError(f"word {key!r} in data/words/{lang}/{entry.name} must be "
                                    f"text, not {type(text).__name__}")
            out[str(key)] = text
    return out


def has_word(key: str, lang: str = "nl") -> bool:
    return key in catalogue(lang)


def word(key: str, lang: str = "nl", **fmt) -> str:
    """The reader's word for ``key`` in ``lang``, with ``fmt`` filled in."""
    words = catalogue(lang)
    try:
        text = words[key]
    except KeyError:
        raise AnalysisError(f"no word {key!r} in the {lang} catalogue "
                            f"(image_synth/data/words/{lang}/)") from None
    return text.format(**fmt) if fmt else text


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields of a catalogue text."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
