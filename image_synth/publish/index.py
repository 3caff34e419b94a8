"""``index.html``: the page that links every supplement of a site.

It lists the national supplement, one per collaboration situation and one per region
(with its situation), in the study file's order, and any other page the manifest still
lists. A note beside a link says when the page comes from an earlier run with other
inputs, when the last run of it failed (the earlier version stays), how many cells it
hides, or that there is no page yet.

The page is the jinja2 template ``image_synth/data/templates/index.html.j2`` (found with
importlib.resources, autoescaped); its words come from the word catalogue
(``data/words/<lang>/index.yaml``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .manifest import MANIFEST
from .scopes import page_file, plan_scopes, scope_label

__all__ = ["INDEX", "TEMPLATE", "index_page"]

INDEX = "index.html"

#: The template, in ``image_synth/data/templates/``.
TEMPLATE = "index.html.j2"


def index_page(study: Any, manifest: dict[str, Any], *, lang: str, scrub: list[str]) -> str:
    """The index page of a site, from its manifest (see the module docstring)."""
    from markupsafe import Markup

    from .. import __version__
    from ..render.words import word
    from .html import CSS, page

    cfg = study.config
    run = manifest["run"]
    entries = {e["file"]: e for e in manifest["supplements"]}
    failed = {f["file"] for f in run["failed"]}

    def item(file: str, label: str, **extra: Any) -> dict[str, Any]:
        entry = entries.get(file)
        if entry is None:
            return {"file": None, "label": label, "notes": [], **extra}
        notes = []
        if entry.get("inputs") != run["inputs"]:
            notes.append(word("index_earlier", lang))
        if file in failed:
            notes.append(word("index_failed_note", lang))
        if entry.get("suppressed_cells"):
            notes.append(word("index_suppressed", lang, n=entry["suppressed_cells"]))
        return {"file": file, "label": label, "notes": notes, **extra}

    known = {page_file(s, v) for s, v in plan_scopes(study)}
    text = _template().render(
        lang=lang, w=lambda key, **fmt: word(key, lang, **fmt), css=Markup(CSS),
        study_name=cfg.name_in(lang), study_name_lang=cfg.name_language(lang), wave=run["wave"], publish=run["publish"],
        national=item(page_file("national", ""), word("index_national_link", lang)),
        situations=[item(page_file("situation", s.id), cfg.situation_label(s.id, lang))
                    for s in cfg.situations],
        regions=[item(page_file("region", r.id), scope_label(study, "region", r.id, lang),
                      situation=cfg.situation_label(r.situation, lang)
                      if r.situation is not None else "")
                 for r in cfg.regions],
        region_head=(cfg.level_name("region", lang) or "").capitalize()
        or word("index_region", lang),
        others=[item(f, entries[f].get("label", f)) for f in entries if f not in known],
        version=__version__, manifest=MANIFEST)
    return page(text, lang=lang, scrub=scrub)


@lru_cache(maxsize=1)
def _template():
    from importlib import resources

    import jinja2

    source = (resources.files("image_synth") / "data" / "templates" / TEMPLATE).read_text(
        encoding="utf-8")
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    return env.from_string(source)
