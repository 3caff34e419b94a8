"""Executed notebook -> one self-contained, offline HTML supplement.

:func:`export_html` runs nbconvert's :class:`~nbconvert.HTMLExporter` on the ``lab``
template with a small template of our own on top (kept in this module, so an installed
package needs no template files) and then post-processes the page:

* **no code, prompts, errors or stderr**: ``exclude_input``, ``exclude_input_prompt``,
  ``exclude_output_prompt``; error outputs, ``stderr`` streams, JavaScript and widget
  outputs, the ``parameters``/``injected-parameters`` cells and the run-info record
  (:data:`image_synth.publish.run_info.RUN_INFO_MIME`) are removed before export, and
  so is every code cell left without output;
* **offline**: the page has no ``<script>`` at all (the template drops require.js,
  MathJax, mermaid and widget loaders; any script in an output is stripped), no
  stylesheet or font from elsewhere (our own CSS, ``image_synth/data/css/page.css``, is
  inlined and uses system fonts), and every image is embedded as a ``data:`` URI. :func:`external_resources` lists anything
  that would still be fetched; :func:`export_html` refuses a page where it finds one;
* **table of contents** built from the ``<h2>``/``<h3>`` headings that carry an ``id``
  (see :mod:`image_synth.render.sections`), placed in a ``<nav>`` before ``<main>``;
* ``<html lang="nl">`` or ``"en"``;
* **alt text**: an ``image/png`` or ``image/jpeg`` output's ``metadata[mime]["alt"]``
  becomes the ``<img alt>`` (an ``image/svg+xml`` output's becomes the ``aria-label``
  of its ``role="img"`` wrapper); figures embedded by section HTML carry their own
  ``alt`` (:class:`image_synth.render.sections.FigureOutput`);
* **no paths of the machine**: the study folder, the output and temporary folders, the
  home folder and anything that looks like ``/home/...``, ``/tmp/...``, ``/root/...``,
  ``/Users/...`` or ``C:\\Users\\...`` in the text is replaced by ``[…]``;
* a page made with publishing switched off carries a "not for publication" banner.

Nothing in the page depends on the time, the machine or the notebook's cell ids (their
anchors are removed), so the same outputs give the same bytes.
"""

from __future__ import annotations

import copy
import functools
import html as htmllib
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import RunError
from ..render.words import word

__all__ = ["CSS", "build_toc", "export_html", "external_resources", "page", "page_css",
           "scrub_paths"]

#: Output mime types never published.
DROPPED_MIMES = ("application/javascript", "text/javascript",
                 "application/vnd.jupyter.widget-view+json",
                 "application/vnd.jupyter.widget-state+json")

#: Cell tags whose cells are left out of the page ("analyst": a notebook's words to the
#: analyst who runs it, such as which cell to change, or which frame holds a table).
DROPPED_TAGS = ("parameters", "injected-parameters", "remove-cell", "remove_cell", "analyst")

#: Where the page CSS lives (package data, also shown in JupyterLab by the table renderer).
CSS_FILE = ("data", "css", "page.css")


@functools.lru_cache(maxsize=1)
def page_css() -> str:
    """The page CSS (``image_synth/data/css/page.css``), read once."""
    from importlib import resources

    return resources.files("image_synth").joinpath(*CSS_FILE).read_text(encoding="utf-8")


#: The page CSS as one string (what :func:`page_css` returns); read on first use.
CSS: str


def __getattr__(name: str) -> str:
    # ``CSS`` is read on first use, not at import (``from .html import CSS`` works too)
    if name == "CSS":
        return page_css()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Our template on top of nbconvert's lab template: our own <head> (no lab CSS, no
# require.js, MathJax, mermaid or widget scripts), a TOC slot, alt text on images.
_TEMPLATE = r"""
{%- extends 'index.html.j2' -%}
{%- block header -%}
<!DOCTYPE html>
<html lang="{{ resources.language_code }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{{ resources.image_synth.title | escape_html }}</title>
<style>{{ resources.image_synth.css }}</style>
</head>
{%- endblock header -%}
{%- block body_header -%}
<body>
<a class="isx-skip" href="#main">{{ resources.image_synth.skip }}</a>
<div class="isx-page">
{%- if not resources.image_synth.publish %}
<p class="isx-banner isx-banner-page" role="note">
{{- resources.image_synth.banner | escape_html -}}
</p>
{%- endif %}
<!--image-synth:toc-->
<main id="main">
{%- endblock body_header -%}
{% block body_footer %}
<footer>{{ resources.image_synth.made | escape_html }}</footer>
</main>
</div>
</body>
{% endblock body_footer %}
{% block footer %}
</html>
{% endblock footer %}
{% block data_png scoped %}
<div class="jp-RenderedImage jp-OutputArea-output">
{%- set alt = output | get_metadata('alt', 'image/png') | default('', true) %}
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
 alt="{{ alt | escape_html }}">
</div>
{%- endblock data_png %}
{% block data_jpg scoped %}
<div class="jp-RenderedImage jp-OutputArea-output">
{%- set alt = output | get_metadata('alt', 'image/jpeg') | default('', true) %}
<img src="data:image/jpeg;base64,{{ output.data['image/jpeg'] | escape_html }}"
 alt="{{ alt | escape_html }}">
</div>
{%- endblock data_jpg %}
{% block data_svg scoped %}
{%- set alt = output | get_metadata('alt', 'image/svg+xml') | default('', true) %}
<div class="jp-RenderedSVG jp-OutputArea-output" role="img" aria-label="{{ alt | escape_html }}">
{{ output.data['image/svg+xml'] }}
</div>
{%- endblock data_svg %}
"""


def export_html(nb: Any, *, lang: str = "nl", title: str, publish: bool = True,
                scrub: Iterable[str | os.PathLike] = ()) -> str:
    """Turn an executed notebook into one self-contained supplement page.

    Parameters
    ----------
    nb
        The executed notebook (:class:`nbformat.NotebookNode`).
    lang
        ``"nl"`` or ``"en"``: the page's ``lang`` and the TOC heading.
    title
        The page title (``<title>``), unless the page's title section gives its own
        (``data-isx-page-title`` on its ``<h1>``, in the page's language).
    publish
        ``False`` adds the not-for-publication banner.
    scrub
        Paths to remove from the page besides the home and temporary folders.

    Raises
    ------
    RunError
        The page would still load something from elsewhere (see
        :func:`external_resources`).
    """
    from ..options import LANGUAGES, check_option

    check_option("lang", lang, LANGUAGES)
    nb = _clean(nb)
    title = _page_title(nb) or title
    exporter = _exporter()
    exporter.language_code = lang
    resources = {"metadata": {"name": title},
                 "image_synth": {"title": title, "css": page_css(), "publish": publish,
                                 "banner": word("html_banner", lang),
                                 "made": word("html_made", lang),
                                 "skip": word("html_skip", lang)}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    # cell ids say nothing to a reader and would tie the page to the notebook's edits
    body = re.sub(r' id="cell-id=[^"]*"', "", body)
    return page(body, lang=lang, scrub=scrub)


def page(body: str, *, lang: str, scrub: Iterable[str | os.PathLike] = ()) -> str:
    """Finish a rendered page: strip scripts, insert the TOC, scrub paths, check offline."""
    body = re.sub(r"<script\b.*?</script\s*>", "", body, flags=re.DOTALL | re.IGNORECASE)
    body = re.sub(r"<script\b[^>]*/?>", "", body, flags=re.IGNORECASE)
    body = body.replace("<!--image-synth:toc-->", build_toc(body, lang=lang), 1)
    body = scrub_paths(body, scrub)
    body = "\n".join(line.rstrip() for line in body.splitlines()) + "\n"
    found = external_resources(body)
    if found:
        raise RunError("the page would load resources from elsewhere: " + ", ".join(found[:5]))
    return body


def build_toc(body: str, *, lang: str = "nl") -> str:
    """A ``<nav>`` listing the ``<h2>``/``<h3>`` headings that have an ``id`` (empty if none)."""
    entries = []
    for match in re.finditer(r"<h([23])\b[^>]*\bid=\"([^\"]+)\"[^>]*>(.*?)</h\1\s*>", body,
                             flags=re.DOTALL | re.IGNORECASE):
        level, anchor, inner = int(match.group(1)), match.group(2), match.group(3)
        text = re.sub(r"<[^>]+>", "", inner).replace("¶", "").strip()
        text = htmllib.escape(htmllib.unescape(text))
        if text:
            entries.append((level, anchor, text))
    if not entries:
        return ""
    toc = htmllib.escape(word("html_toc", lang))
    out = [f'<nav class="isx-toc" aria-label="{toc}">', f"<h2>{toc}</h2>", "<ol>"]
    li_open = sub_open = False
    for level, anchor, text in entries:
        link = f'<a href="#{anchor}">{text}</a>'
        if level == 2 or not li_open:
            if sub_open:
                out.append("</ol>")
                sub_open = False
            if li_open:
                out.append("</li>")
            out.append(f"<li>{link}")
            li_open = True
        else:
            if not sub_open:
                out.append("<ol>")
                sub_open = True
            out.append(f"<li>{link}</li>")
    if sub_open:
        out.append("</ol>")
    if li_open:
        out.append("</li>")
    out += ["</ol>", "</nav>"]
    return "\n".join(out)


_PATHLIKE = re.compile(
    r"(?<![\w.~-])(?:/(?:home|tmp|root|Users|private|var/folders|mnt|media)/"
    r"|[A-Za-z]:\\(?:Users|Documents and Settings|Temp)\\)[^\s<>\"'`)]*")
_DATA_URI = re.compile(r"data:[\w/+.-]+(?:;[\w=.-]+)*,[A-Za-z0-9+/=%._~-]*")


def scrub_paths(text: str, paths: Iterable[str | os.PathLike] = ()) -> str:
    """Replace paths of the machine with ``[…]`` (``data:`` URIs are left alone)."""
    known = {str(Path.home()), tempfile.gettempdir()}
    for p in paths:
        if p:
            known.add(str(p))
            try:
                known.add(str(Path(p).resolve()))
            except OSError:  # pragma: no cover
                pass
    known = sorted((k for k in known if k and k not in ("/", ".")), key=len, reverse=True)

    def clean(segment: str) -> str:
        for k in known:
            segment = segment.replace(k, "[…]")
        return _PATHLIKE.sub("[…]", segment)

    out, last = [], 0
    for m in _DATA_URI.finditer(text):
        out.append(clean(text[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(clean(text[last:]))
    return "".join(out)


def external_resources(text: str) -> list[str]:
    """Everything in a page that a browser would fetch from a network.

    ``src``/``href`` of ``script``, ``link``, ``img``, ``iframe``, ``source``, ``object``
    and ``embed`` with ``http(s)://`` or protocol-relative ``//``, CSS ``url(...)`` and
    ``@import`` that are not ``data:``. Plain hyperlinks (``<a href=...>``) are allowed.
    """
    found = []
    for m in re.finditer(r"<(script|link|img|iframe|source|object|embed|video|audio)\b[^>]*>",
                         text, flags=re.IGNORECASE):
        tag = m.group(0)
        for attr in re.finditer(r"\b(?:src|href|data|srcset|poster)\s*=\s*[\"']?([^\"'\s>]+)",
                                tag, flags=re.IGNORECASE):
            if re.match(r"(?:https?:)?//", attr.group(1), flags=re.IGNORECASE):
                found.append(attr.group(1))
    for m in re.finditer(r"url\(\s*[\"']?([^\"')]+)", text, flags=re.IGNORECASE):
        if re.match(r"(?:https?:)?//", m.group(1).strip(), flags=re.IGNORECASE):
            found.append(m.group(1))
    found += [m.group(0) for m in re.finditer(r"@import\b[^;]*;", text, flags=re.IGNORECASE)]
    return found


#: The page's own title, as the title section of the page writes it (in the page's
#: language: :func:`image_synth.render.sections.title`).
_PAGE_TITLE = re.compile(r'<h1\b[^>]*\bdata-isx-page-title="([^"]*)"')


def _page_title(nb: Any) -> str | None:
    """The title the page gives itself (the study's name in the page's language, the
    scope and the wave), or ``None``: then the caller's title stands."""
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/html", "")
            text = "".join(text) if isinstance(text, list) else text
            match = _PAGE_TITLE.search(text)
            if match:
                return htmllib.unescape(match.group(1))
    return None


def _clean(nb: Any) -> Any:
    """A copy without the cells and outputs that are never published."""
    from .run_info import RUN_INFO_MIME

    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if any(t in DROPPED_TAGS for t in tags) or cell.cell_type == "raw":
            continue
        if cell.cell_type == "code":
            outputs = []
            for out in cell.get("outputs", []):
                if out.output_type == "error":
                    continue
                if out.output_type == "stream" and out.get("name") == "stderr":
                    continue
                data = out.get("data")
                if data is not None:
                    if RUN_INFO_MIME in data:
                        continue
                    for mime in DROPPED_MIMES:
                        data.pop(mime, None)
                    if not data:
                        continue
                outputs.append(out)
            cell.outputs = outputs
            if not outputs:  # with the code hidden, nothing would show but an empty box
                continue
        cells.append(cell)
    nb.cells = cells
    nb.metadata.pop("widgets", None)
    return nb


@functools.lru_cache(maxsize=1)
def _exporter():
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True, sanitize_html=False)
    exporter.raw_template = _TEMPLATE
    return exporter
