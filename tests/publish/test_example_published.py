"""The published example run, read as a reader would (issue: notebooks and supplements).

One `image-synth run` of the embedded example study; then every HTML page is scanned:
no count, mean or share resting on fewer than the study's minimum n (region D has one
responding school: its page shows no school-level figure), no name from the
pseudonymisation dictionary, no path of this machine.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import image_synth

from _support import ROOT

pytestmark = pytest.mark.slow
MIN_N = 5


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("example") / "site"
    result = subprocess.run([sys.executable, "-m", "image_synth", "run", "--out", str(out),
                             "--jobs", "2", "--no-progress"], capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def pages(site) -> dict[str, BeautifulSoup]:
    return {p.name: BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
            for p in sorted(site.glob("*.html"))}


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
        for table in soup.select("table.isx-dist"):
            for cell in table.select("td"):
                value = _first_int(cell.get_text())
                assert value is None or value == 0 or value >= MIN_N, (name, cell)
        for table in soup.select('section[data-section="response"] table'):
            for cell in table.select("td"):
                value = _first_int(cell.get_text())
                assert value is None or value == 0 or value >= MIN_N, (name, cell)
        for table in soup.select("table.joint-display"):
            for n in re.findall(r"n = (\d+)", table.get_text()):
                assert int(n) >= MIN_N, (name, n)


def test_region_d_shows_no_school_level_figure(pages):
    soup = pages["region-D.html"]
    for table in soup.select('section[data-section="response"] table, table.isx-survey'):
        for cell in table.select("td"):
            assert _first_int(cell.get_text()) in (None, 0), cell
    display = soup.select_one("table.joint-display").get_text()
    assert not re.search(r"n = \d", display)
    assert "ρ = " not in display


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
            assert soup.select_one("table.joint-display") is not None, name
