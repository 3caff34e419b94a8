"""The integration displays and figures of the example study, as a reader sees them:
readable names instead of ids, statistics that say why they are not shown."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

import image_synth
from image_synth.render import sections as S
from image_synth.results import compute

_SOURCE_ID = re.compile(r"\b(?:INT|RB|LIT|EXT)\d{4}")


@pytest.fixture(scope="module")
def example():
    return image_synth.load_study()


@pytest.fixture(scope="module")
def region_c(example):
    return compute(example, scope="region", scope_value="C", wave=2023)


def _svg_texts(figure) -> str:
    """Every text of an SVG figure (its ``<text>``, ``<title>`` and ``<desc>``)."""
    root = ElementTree.fromstring(figure.data)
    return " ".join("".join(e.itertext()) for e in root.iter()
                    if e.tag.rsplit("}", 1)[-1] in ("text", "title", "desc"))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_network_drawings_are_named_by_the_study_not_by_source_id(region_c, lang):
    section = S.networks(region_c, lang=lang)
    (figure,) = section.figures
    situation = region_c.study.config.situation_label("binnen_po", lang)
    region = "regio C" if lang == "nl" else "region C"
    assert _SOURCE_ID.findall(figure.alt) == []
    assert f"{situation} · {region} · 2023" in figure.alt
    panel_titles = [ax.get_title() for ax in figure.figure.axes if ax.get_title()]
    assert panel_titles == [f"{situation} · {region} · 2023"]
    assert _SOURCE_ID.findall(_svg_texts(figure)) == []
