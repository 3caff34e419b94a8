"""The published example run, read as a reader would.

One `image-synth run` of the embedded example study in Dutch (every scope) and one in
English (four scopes); then every HTML page is scanned: no count below the study's
minimum n, no name from the pseudonymisation dictionary, no path of this machine, no raw
id, no word of the other language outside quotes, hidden cells counted truthfully in the
manifest, no national table hiding more than a quarter of its cells.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

import image_synth
from image_synth.render.words import catalogue

from _support import ROOT

pytestmark = pytest.mark.slow
MIN_N = 5


def _run(out: Path, *extra: str) -> Path:
    result = subprocess.run([sys.executable, "-m", "image_synth", "run", "--out", str(out),
                             "--jobs", "2", "--no-progress", *extra], capture_output=True,
                            text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return _run(tmp_path_factory.mktemp("example") / "site")


@pytest.fixture(scope="module")
def site_en(tmp_path_factory) -> Path:
    return _run(tmp_path_factory.mktemp("example_en") / "site", "--lang", "en", "--only",
                "national,po_vo,C,D")


def _pages(site: Path) -> dict[str, BeautifulSoup]:
    return {p.name: BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
            for p in sorted(site.glob("*.html"))}


@pytest.fixture(scope="module")
def pages(site) -> dict[str, BeautifulSoup]:
    return _pages(site)


@pytest.fixture(scope="module")
def pages_en(site_en) -> dict[str, BeautifulSoup]:
    return _pages(site_en)


def test_every_scope_has_a_page(site, pages):
    study = image_synth.load_study()
    expected = 1 + len(study.config.situations) + len(study.config.regions)
    assert len(pages) == expected + 1            # and index.html
    assert (site / "manifest.json").is_file()
    links = {a["href"] for a in pages["index.html"].find_all("a", href=True)}
    assert {n for n in pages if n != "index.html"} <= links


def _first_int(text: str) -> int | None:
    match = re.match(r"\s*(\d+)\b", text)
    return int(match.group(1)) if match else None


def test_no_cell_below_the_minimum_n(pages):
    for name, soup in pages.items():
        for table in soup.select('table.isx-dist, section[data-section="response"] table'):
            for cell in table.select("td:not([data-hidden])"):
                value = _first_int(cell.get_text())
                assert value is None or value == 0 or value >= MIN_N, (name, cell)
        for table in soup.select("table.isx-joint"):
            for n in re.findall(r"n = (\d+)", table.get_text()):
                assert int(n) >= MIN_N, (name, n)


def test_region_d_shows_no_school_level_figure(pages):
    soup = pages["region-D.html"]
    for table in soup.select('section[data-section="response"] table, table.isx-dist'):
        for cell in table.select("td"):
            assert _first_int(cell.get_text()) in (None, 0), cell
    display = soup.select_one("table.isx-joint").get_text()
    assert not re.search(r"n = \d", display)
    assert "ρ = " not in display


def test_hidden_cells_are_marked_and_counted_truthfully(site, pages):
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    recorded = {page["file"]: page for page in manifest["supplements"]}
    for name, soup in pages.items():
        if name == "index.html":
            continue
        primary = soup.select('[data-hidden="primary"]')
        complementary = soup.select('[data-hidden="complementary"]')
        assert recorded[name]["suppressed_cells"] == len(primary) + len(complementary), name
        assert {td.get_text(strip=True) for td in primary} <= {"<5", "n < 5", "n < 10"}, name
        assert {td.get_text(strip=True) for td in complementary} <= {"†"}, name


_SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
_SOURCE_ID = re.compile(r"\b(?:INT|RB|LIT|EXT)\d{4}")


def _svg_texts(svg: ElementTree.Element, lang: str) -> list[str]:
    """The texts of an SVG figure a reader meets: ``<text>``, ``<title>``, ``<desc>``
    and ``aria-label``, outside elements in another language."""
    out = []

    def walk(element, inherited):
        here = element.get("lang") or element.get(_XML_LANG) or inherited
        if here != lang:
            return
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("text", "title", "desc"):
            out.append("".join(element.itertext()))
        elif element.get("aria-label"):
            out.append(element.get("aria-label"))
        for child in element:
            walk(child, here)

    walk(svg, lang)
    return out


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _visible(soup: BeautifulSoup, lang: str) -> str:
    """What a reader meets on the page, without elements in another language (quotes):
    the text, the ``<title>``, ``alt``, ``aria-label`` and ``title`` attributes, and the
    texts inside its SVG figures (inline or as ``data:`` images)."""
    soup = BeautifulSoup(str(soup), "html.parser")
    for tag in soup.select("script, style, nav, code, [lang]"):
        if tag.name == "code" or (tag.name != "html" and tag.get("lang", lang) != lang):
            tag.decompose()
    body = soup.body or soup
    parts = [soup.title.get_text(" ") if soup.title else "", body.get_text(" ")]
    for tag in body.find_all(True):
        parts += [tag[a] for a in ("alt", "aria-label", "title") if tag.get(a)]
        if tag.name == "img" and tag.get("src", "").startswith("data:image/svg+xml;base64,"):
            data = base64.b64decode(tag["src"].split(",", 1)[1])
            parts += _svg_texts(ElementTree.fromstring(data), lang)
    for svg in body.find_all("svg"):
        parts += _svg_texts(ElementTree.fromstring(str(svg)), lang)
    return "\n".join(parts)


@pytest.mark.parametrize("which", ["nl", "en"])
def test_no_raw_ids_on_the_page(which, pages, pages_en):
    for name, soup in (pages if which == "nl" else pages_en).items():
        text = _visible(soup, which).replace("image_synth", "")   # the software's name
        assert _SNAKE.findall(text) == [], (name, sorted(set(_SNAKE.findall(text)))[:10])
        assert _SOURCE_ID.findall(text) == [], name


def _foreign_words(lang: str) -> set[str]:
    """Texts of the other language (catalogue and instrument) that are not words of
    this one: a page in ``lang`` must not show any of them."""
    other = "en" if lang == "nl" else "nl"
    study = image_synth.load_study()
    mine = set(catalogue(lang).values())
    theirs = set(catalogue(other).values())
    inst = study.instrument
    for rs in inst.response_sets:
        for c in rs.codes:
            mine.add(c.label.get(lang))
            theirs.add(c.label.get(other))
    for item in inst.items:
        mine.add(item.text.get(lang))
        theirs.add(item.text.get(other))
    for s in study.config.situations:
        mine.add(study.config.situation_label(s.id, lang))
        theirs.add(study.config.situation_label(s.id, other))
    plain = {t for t in theirs - mine if "{" not in t and len(t) >= 8 and " " in t}
    return plain


@pytest.mark.parametrize("which", ["nl", "en"])
def test_no_words_of_the_other_language(which, pages, pages_en):
    foreign = _foreign_words(which)
    for name, soup in (pages if which == "nl" else pages_en).items():
        text = " ".join(_visible(soup, which).split())
        found = sorted(t for t in foreign if t in text)
        assert found == [], (name, found[:5])


def test_an_english_page_says_quotes_are_in_dutch(pages_en):
    text = pages_en["national.html"].get_text(" ")
    assert "Quotes are in Dutch" in text
    for quote in pages_en["national.html"].select("blockquote"):
        assert quote["lang"] == "nl"


def test_no_pseudonymised_name_is_published(pages):
    study = image_synth.load_study()
    names = sorted({n for names in study.pseudonyms.values() for n in names if len(n) >= 4},
                   key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)",
                         re.IGNORECASE)
    for name, soup in pages.items():
        found = pattern.findall(soup.get_text(" "))
        assert not found, (name, found[:5])


def test_no_path_of_this_machine(site, pages):
    study = image_synth.load_study()
    for name in pages:
        text = (site / name).read_text(encoding="utf-8")
        for absent in (str(ROOT), str(study.root), "/tmp/", "/root/", "/home/",
                       "site-packages", "Traceback"):
            assert absent not in text, (name, absent)


def test_the_joint_display_is_on_every_supplement(pages):
    for name, soup in pages.items():
        if name != "index.html":
            assert soup.select_one("table.isx-joint") is not None, name
