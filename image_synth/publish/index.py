"""``index.html``: the page that links every supplement of a site.

It lists the national supplement, one per collaboration situation and one per region
(with its situation), in the study file's order, and any other page the manifest still
lists. A note beside a link says when the page comes from an earlier run with other
inputs, when the last run of it failed (the earlier version stays), how many cells it
hides, or that there is no page yet.
"""

from __future__ import annotations

import html as htmllib
from typing import Any

from .manifest import MANIFEST
from .scopes import page_file, plan_scopes, scope_label

__all__ = ["INDEX", "index_page"]

INDEX = "index.html"

_WORDS = {
    "nl": {"title": "Bijlagen", "national": "Landelijk", "national_link": "Landelijke bijlage",
           "situations": "Samenwerkingssituaties",
           "regions": "Regio's", "region": "regio", "situation": "samenwerkingssituatie",
           "wave": "meting", "earlier": "uit een eerdere run met andere invoer",
           "failed": "Niet bijgewerkt in de laatste run",
           "failed_note": "de laatste run van deze bijlage is mislukt; de eerdere versie "
                          "blijft staan",
           "no_file": "nog geen bijlage",
           "banner": "Niet voor publicatie: publicatieregels uitgeschakeld.",
           "made": "Gemaakt met image_synth {version}; herkomst en invoer staan in",
           "suppressed": "{n} cellen niet getoond", "intro": "Eén bijlage per reikwijdte, "
           "gemaakt uit dezelfde notebook."},
    "en": {"title": "Supplements", "national": "National",
           "national_link": "National supplement", "situations": "Collaboration situations",
           "regions": "Regions", "region": "region", "situation": "collaboration situation",
           "wave": "wave", "earlier": "from an earlier run with other inputs",
           "failed": "Not updated by the last run",
           "failed_note": "the last run of this supplement failed; the earlier version stays",
           "no_file": "no supplement yet",
           "banner": "Not for publication: publication rules switched off.",
           "made": "Made with image_synth {version}; provenance and inputs are in",
           "suppressed": "{n} cells not shown", "intro": "One supplement per scope, made "
           "from the same notebook."},
}


def index_page(study: Any, manifest: dict[str, Any], *, lang: str, scrub: list[str]) -> str:
    """The index page of a site, from its manifest (see the module docstring)."""
    from .. import __version__
    from .html import CSS, page

    w = _WORDS[lang]
    cfg = study.config
    run = manifest["run"]
    entries = {e["file"]: e for e in manifest["supplements"]}
    failed = {f["file"] for f in run["failed"]}
    e = htmllib.escape

    def link(file: str, label: str) -> str:
        entry = entries.get(file)
        if entry is None:
            return f"{e(label)} <span class=\"isx-note\">({e(w['no_file'])})</span>"
        notes = []
        if entry.get("inputs") != run["inputs"]:
            notes.append(w["earlier"])
        if file in failed:
            notes.append(w["failed_note"])
        if entry.get("suppressed_cells"):
            notes.append(w["suppressed"].format(n=entry["suppressed_cells"]))
        note = f' <span class="isx-note">({e("; ".join(notes))})</span>' if notes else ""
        return f'<a href="{e(file, quote=True)}">{e(label)}</a>{note}'

    body = [f'<h1 class="isx-title">{e(cfg.name)}</h1>',
            f'<p class="isx-subtitle">{e(w["title"])} · {e(w["wave"])} {run["wave"]}</p>',
            f"<p>{e(w['intro'])}</p>"]
    if not run["publish"]:
        body.insert(0, f'<p class="isx-banner" role="note">{e(w["banner"])}</p>')
    body.append(f'<h2 id="national">{e(w["national"])}</h2>')
    national = link("national.html", w["national_link"])
    body.append(f'<ul class="isx-index"><li>{national}</li></ul>')
    body.append(f'<h2 id="situations">{e(w["situations"])}</h2><ul class="isx-index">')
    for s in cfg.situations:
        label = cfg.situation_label(s.id, lang)
        body.append(f"<li>{link(page_file('situation', s.id), label)}</li>")
    body.append("</ul>")
    body.append(f'<h2 id="regions">{e(w["regions"])}</h2>')
    body.append(f'<table class="isx-table isx-index"><thead><tr><th scope="col">{e(w["region"])}'
                f'</th><th scope="col">{e(w["situation"])}</th></tr></thead><tbody>')
    for r in cfg.regions:
        label = scope_label(study, "region", r.id, lang)
        body.append(f"<tr><th scope=\"row\">{link(page_file('region', r.id), label)}</th>"
                    f"<td>{e(cfg.situation_label(r.situation, lang))}</td></tr>")
    body.append("</tbody></table>")
    known = {page_file(s, v) for s, v in plan_scopes(study)}
    extra = [f for f in entries if f not in known]
    if extra:
        body.append('<ul class="isx-index">' + "".join(
            f"<li>{link(f, entries[f].get('label', f))}</li>" for f in extra) + "</ul>")
    footer = (f'{e(w["made"].format(version=__version__))} '
              f'<a href="{MANIFEST}">{MANIFEST}</a>.')
    title = f"{cfg.name} · {w['title']}"
    text = (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
            f"<title>{e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f'<div class="isx-page isx-page-index">\n<main id="main">\n'
            + "\n".join(body) + f"\n<footer>{footer}</footer>\n</main>\n</div>\n</body>\n</html>\n")
    return page(text, lang=lang, scrub=scrub)
