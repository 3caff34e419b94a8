"""``index.html``: the page that links every supplement of a site.

It lists the national supplement, one per collaboration situation and one per region
(with its situation), in the study file's order, and any other page the manifest still
lists. A note beside a link says when the page comes from an earlier run with other
inputs, when the last run of it failed (the earlier version stays), how many cells it
hides, or that there is no page yet.

A batch of several waves or languages has one index per wave and language
(:func:`index_files`): each lists the pages of its wave in its language and links the
indexes of the others; ``index.html`` is the one of the latest wave in the study's
language.

The page is the jinja2 template ``image_synth/data/templates/index.html.j2`` (found with
importlib.resources, autoescaped); its words come from the word catalogue
(``data/words/<lang>/index.yaml``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .manifest import MANIFEST
from .scopes import page_file, plan_scopes, scope_label

__all__ = ["INDEX", "TEMPLATE", "index_files", "index_page"]

INDEX = "index.html"

#: The template, in ``image_synth/data/templates/``.
TEMPLATE = "index.html.j2"


def index_files(settings: list[tuple[int, str]], language: str) -> dict[tuple[int, str], str]:
    """The index page of each ``(wave, lang)`` of a batch: ``index.html`` for a batch of
    one; else ``index-<wave>-<lang>.html`` each, and ``index.html`` for the latest wave
    in ``language`` (the study's; the batch's first language if it lacks that one)."""
    if len(settings) == 1:
        return {settings[0]: INDEX}
    langs = [code for _, code in settings]
    main_lang = language if language in langs else langs[0]
    main = (max(w for w, code in settings if code == main_lang), main_lang)
    return {(w, code): INDEX if (w, code) == main else f"index-{w}-{code}.html"
            for w, code in settings}


def index_page(study: Any, manifest: dict[str, Any], *, lang: str, scrub: list[str],
               wave: int | None = None) -> str:
    """The index page of a site, from its manifest (see the module docstring); in a batch
    of several waves or languages the one of ``wave`` in ``lang``."""
    from markupsafe import Markup

    from .. import __version__
    from ..render.common import level_heading
    from ..render.words import word
    from .html import CSS, page

    cfg = study.config
    run = manifest["run"]
    wave = run["wave"] if wave is None else wave
    settings = [(s["wave"], s["lang"]) for s in run.get("settings", [])] or [(wave, lang)]
    inputs = {(s["wave"], s["lang"]): s["inputs"] for s in run.get("settings", [])}.get(
        (wave, lang), run["inputs"])
    matrix = len(settings) > 1
    entries = {e["file"]: e for e in manifest["supplements"]}
    failed = {f["file"] for f in run["failed"]}

    def name(scope: str, value: str) -> str:
        return page_file(scope, value, **({"wave": wave, "lang": lang} if matrix else {}))

    def item(file: str, label: str, **extra: Any) -> dict[str, Any]:
        entry = entries.get(file)
        if entry is None:
            return {"file": None, "label": label, "notes": [], **extra}
        notes = []
        if entry.get("inputs") != inputs:
            notes.append(word("index_earlier", lang))
        if file in failed:
            notes.append(word("index_failed_note", lang))
        if entry.get("suppressed_cells"):
            notes.append(word("index_suppressed", lang, n=entry["suppressed_cells"]))
        return {"file": file, "label": label, "notes": notes, **extra}

    known = {name(s, v) for s, v in plan_scopes(study)}
    others = [item(f, entries[f].get("label", f)) for f in entries if f not in known
              and (not matrix or _setting(entries[f]) == (wave, lang))]
    if matrix:  # the indexes of the batch's other waves and languages
        files = index_files(settings, cfg.language)
        others += [{"file": files[w, code], "notes": [],
                    "label": f"{word('index_title', lang)} · {word('index_wave', lang)} "
                             f"{w} · {code}"}
                   for w, code in settings if (w, code) != (wave, lang)]
    text = _template().render(
        lang=lang, w=lambda key, **fmt: word(key, lang, **fmt), css=Markup(CSS),
        study_name=cfg.name_in(lang), study_name_lang=cfg.name_language(lang), wave=wave,
        publish=run["publish"],
        national=item(name("national", ""), word("index_national_link", lang)),
        situations=[item(name("situation", s.id), cfg.situation_label(s.id, lang))
                    for s in cfg.situations],
        regions=[item(name("region", r.id), scope_label(study, "region", r.id, lang),
                      situation=cfg.situation_label(r.situation, lang)
                      if r.situation is not None else "")
                 for r in cfg.regions],
        region_head=_first_upper(cfg.level_name("region", lang) or "")
        or word("index_region", lang),
        situation_head=_first_upper(cfg.level_name("situation", lang) or "")
        or word("index_situation", lang),
        situations_heading=level_heading(study, "situation", lang, "index_situations"),
        regions_heading=level_heading(study, "region", lang, "index_regions"),
        others=others, version=__version__, manifest=MANIFEST)
    return page(text, lang=lang, scrub=scrub)


def _first_upper(text: str) -> str:
    """``GGD-regio`` stays so (``str.capitalize`` would give ``Ggd-regio``)."""
    return text[:1].upper() + text[1:]


def _setting(entry: dict[str, Any]) -> tuple[Any, Any]:
    """An entry's wave and language (an entry of an older run: from its parameters)."""
    params = entry.get("parameters") or {}
    return entry.get("wave", params.get("wave")), entry.get("lang", params.get("lang"))


@lru_cache(maxsize=1)
def _template():
    from importlib import resources

    import jinja2

    source = (resources.files("image_synth") / "data" / "templates" / TEMPLATE).read_text(
        encoding="utf-8")
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    return env.from_string(source)
