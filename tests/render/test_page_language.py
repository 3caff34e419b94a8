"""Names a study gives per language reach the page in its language (issue 12): the study's
name (h1, ``<title>``, index page) and the parties of its network drawings; a study that
gives one language shows its own words on both pages, marked as what they are."""

from __future__ import annotations

import base64
import re
from xml.etree import ElementTree

import nbformat
import pytest
from bs4 import BeautifulSoup

import image_synth
from image_synth.network.drawings import read_drawings
from image_synth.publish.html import export_html
from image_synth.render import sections as S
from image_synth.results import compute
from image_synth.study.models import StudyConfig

_BASE = {"id": "x", "waves": [2023], "regions": [{"id": "A"}], "instrument": "i.yaml"}


def _svg_texts(html: str) -> list[str]:
    """The ``<text>`` of every SVG figure embedded as a ``data:`` image."""
    texts = []
    for img in BeautifulSoup(html, "html.parser").find_all("img"):
        src = img.get("src", "")
        if src.startswith("data:image/svg+xml;base64,"):
            svg = ElementTree.fromstring(base64.b64decode(src.split(",", 1)[1]))
            texts += ["".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    return texts


# --------------------------------------------------------------------------- study name

def test_a_name_per_language_and_a_plain_name_are_both_valid():
    both = StudyConfig.model_validate({**_BASE, "name": {"nl": "Naam", "en": "Name"}})
    assert both.name == "Naam"                      # the name in the study's language
    assert (both.name_in("en"), both.name_language("en")) == ("Name", "en")
    assert (both.name_in("nl"), both.name_language("nl")) == ("Naam", "nl")
    english = StudyConfig.model_validate({**_BASE, "language": "en",
                                          "name": {"nl": "Naam", "en": "Name"}})
    assert english.name == "Name"
    plain = StudyConfig.model_validate({**_BASE, "language": "en", "name": "Only"})
    assert (plain.name_in("nl"), plain.name_language("nl")) == ("Only", "en")
    dutch_only = StudyConfig.model_validate({**_BASE, "name": {"nl": "Alleen"}})
    assert (dutch_only.name_in("en"), dutch_only.name_language("en")) == ("Alleen", "nl")


def test_a_name_per_language_without_dutch_is_refused_with_a_reason():
    with pytest.raises(ValueError, match=r"name per language.*nl"):
        StudyConfig.model_validate({**_BASE, "name": {"en": "Name"}})
    with pytest.raises(ValueError, match=r"name per language"):
        StudyConfig.model_validate({**_BASE, "name": {"nl": "Naam", "de": "Name"}})


def test_the_english_page_of_the_example_carries_the_english_name():
    results = compute(scope="national")
    cfg = results.study.config
    assert cfg.name_in("en") != cfg.name_in("nl")   # the example gives both
    soup = BeautifulSoup(S.title(results, lang="en")._repr_html_(), "html.parser")
    h1 = soup.h1
    assert h1.get_text() == cfg.name_in("en") and h1["lang"] == "en"
    assert cfg.name_in("nl") not in str(soup)
    assert h1["data-isx-page-title"] == f"{cfg.name_in('en')} · national · {results.wave}"
    dutch = BeautifulSoup(S.title(results, lang="nl")._repr_html_(), "html.parser").h1
    assert dutch.get_text() == cfg.name_in("nl") and dutch["lang"] == "nl"
    facts = S.methods(results, lang="en").to_html()
    assert cfg.name_in("en") in facts and cfg.name_in("nl") not in facts


def test_a_plain_name_is_shown_on_both_pages_marked_with_its_language(mini_study):
    results = compute(str(mini_study), scope="region", scope_value="A")
    h1 = BeautifulSoup(S.title(results, lang="en")._repr_html_(), "html.parser").h1
    assert h1.get_text() == "Mini study (test fixture)"
    assert h1["lang"] == "nl"                       # the study's language, said truthfully


def test_the_page_title_is_the_one_the_page_gives_itself():
    results = compute(scope="national")
    title = S.title(results, lang="en")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("sections.title(results, lang=lang)")
    cell.outputs = [nbformat.v4.new_output("execute_result", data={
        "text/html": title._repr_html_(), "text/plain": "<HTMLBlock>"}, execution_count=1)]
    nb.cells = [cell]
    page = export_html(nb, lang="en", title="IMAGE voorbeeldstudie (synthetisch) · national")
    head = BeautifulSoup(page, "html.parser").title.get_text()
    assert head == f"IMAGE example study (synthetic) · national · {results.wave}"
    # a notebook without the title section keeps the caller's title
    nb.cells = [nbformat.v4.new_markdown_cell("text")]
    assert BeautifulSoup(export_html(nb, lang="en", title="Given"), "html.parser"
                         ).title.get_text() == "Given"


def test_the_index_page_names_the_study_in_its_language(tmp_path):
    from image_synth.publish.index import index_page

    study = image_synth.load_study()
    manifest = {"run": {"wave": 2023, "publish": True, "failed": [], "inputs": {}},
                "supplements": []}
    soup = BeautifulSoup(index_page(study, manifest, lang="en", scrub=[]), "html.parser")
    assert soup.h1.get_text() == "IMAGE example study (synthetic)"
    assert soup.title.get_text().startswith("IMAGE example study (synthetic) · ")
    assert "voorbeeldstudie" not in soup.get_text()
    soup = BeautifulSoup(index_page(study, manifest, lang="nl", scrub=[]), "html.parser")
    assert soup.h1.get_text() == "IMAGE voorbeeldstudie (synthetisch)"


# --------------------------------------------------------------------------- party labels

def _dutch_only_party_labels(study) -> set[str]:
    """The example's Dutch party labels that are not also its English ones."""
    dutch, english = set(), set()
    for drawing in study.drawings:
        for party in drawing.parties:
            labels = drawing.graph.nodes[party]["labels"]
            dutch.add(labels["nl"])
            english.add(labels["en"])
    return dutch - english


@pytest.mark.parametrize("region", ["K", "C"])
def test_the_english_drawings_name_the_parties_in_english(region):
    results = compute(scope="region", scope_value=region)
    html = S.networks(results, lang="en").to_html()
    dutch = _dutch_only_party_labels(results.study)
    assert dutch, "the example gives its parties in both languages"
    soup = BeautifulSoup(html, "html.parser")
    texts = " ".join(_svg_texts(html)) + " " + " ".join(img["alt"] for img in soup("img"))
    flat = " ".join(texts.split())
    found = sorted(label for label in dutch
                   if re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])", flat))
    assert found == []
    drawing = next(d for d in results.study.drawings if d.region == region)
    english = {drawing.graph.nodes[p]["labels"]["en"] for p in drawing.parties}
    assert any(label in flat for label in english)
    # every name is in the page's language: no note about another language
    assert "names are in" not in soup.get_text()
    # and the Dutch page keeps the Dutch names
    dutch_texts = " ".join(" ".join(_svg_texts(S.networks(results, lang="nl").to_html()))
                           .split())
    nl = {drawing.graph.nodes[p]["labels"]["nl"] for p in drawing.parties}
    assert any(label in dutch_texts for label in nl)


def _study_with_plain_drawing(mini_study):
    (mini_study / "drawings.yaml").write_text(
        "drawings:\n"
        "  - meeting: RB2023_A\n    region: A\n    situation: binnen_po\n    wave: 2023\n"
        "    parties:\n"
        "      - {id: swv, type: swv, label: Samenwerkingsverband}\n"
        "      - {id: s1, type: school_po, label: Basisschool De Linde}\n"
        "    ties:\n      - {from: swv, to: s1, kind: intensive_contact}\n", encoding="utf-8")
    with open(mini_study / "sources.csv", "a", encoding="utf-8") as handle:
        handle.write("RB2023_A,reflection_meeting,2023,A,binnen_po,deelnemers,4,true,"
                     "Reflectiebijeenkomst A\n")
    study_file = mini_study / "study.yaml"
    study_file.write_text(study_file.read_text(encoding="utf-8")
                          + "drawings: [drawings.yaml]\n", encoding="utf-8")
    return mini_study


def test_plain_party_labels_are_shown_on_both_pages_and_the_page_says_so(mini_study):
    study = _study_with_plain_drawing(mini_study)
    results = compute(str(study), scope="region", scope_value="A")
    english = S.networks(results, lang="en").to_html()
    assert "Basisschool De Linde" in " ".join(_svg_texts(english))   # its own words
    assert "The parties' names are in Dutch" in BeautifulSoup(english, "html.parser").get_text()
    dutch = S.networks(results, lang="nl").to_html()
    assert "Basisschool De Linde" in " ".join(_svg_texts(dutch))
    assert "staan in" not in BeautifulSoup(dutch, "html.parser").get_text()


def test_a_label_per_language_is_checked_like_every_text():
    from image_synth.errors import DataValidationError

    def one(label):
        return {"drawings": [{"meeting": "M1", "parties": [
            {"id": "a", "type": "swv", "label": label}, {"id": "b", "type": "school"}]}]}

    (drawing,) = read_drawings(one({"nl": "Gemeente", "en": "Municipality"}))
    assert drawing.graph.nodes["a"]["labels"] == {"nl": "Gemeente", "en": "Municipality"}
    with pytest.raises(DataValidationError) as info:
        read_drawings(one({"en": "Municipality", "fr": "Commune"}))
    columns = {p.column for p in info.value.problems}
    assert {"label.nl", "label.fr"} <= columns
    with pytest.raises(DataValidationError, match="not a text"):
        read_drawings(one(["Gemeente"]))


# --------------------------------------------------------------------------- the study's nouns

def test_a_level_heading_is_the_studys_plural_or_says_per_level():
    from types import SimpleNamespace

    from image_synth.render.common import level_heading, respondent_word

    def study(**fields):
        return SimpleNamespace(config=StudyConfig.model_validate({**_BASE, "name": "x",
                                                                  **fields}))

    plain = study()
    assert level_heading(plain, "region", "nl", "index_regions") == "Regio's"
    assert level_heading(plain, "situation", "en", "index_situations") == \
        "Collaboration situations"
    assert respondent_word(plain, "nl") == "respondenten"
    singular = study(levels={"region": {"nl": "gemeente", "en": "municipality"}})
    assert level_heading(singular, "region", "nl", "index_regions") == "Per gemeente"
    assert level_heading(singular, "region", "en", "index_regions") == "By municipality"
    both = study(levels={"region": {"nl": "gemeente", "en": "municipality"},
                         "regions": {"nl": "gemeenten", "en": "municipalities"}},
                 respondents={"nl": "scholen", "en": "schools"})
    assert level_heading(both, "region", "nl", "index_regions") == "Gemeenten"
    assert level_heading(both, "region", "en", "index_regions") == "Municipalities"
    assert respondent_word(both, "en") == "schools"
    # named in Dutch only (as init drafts it): an English page keeps the package's words
    dutch = study(levels={"region": {"nl": "gemeente"}}, respondents={"nl": "scholen"})
    assert level_heading(dutch, "region", "en", "index_regions") == "Regions"
    assert respondent_word(dutch, "en") == "respondents"
    assert dutch.config.level_name("region", "en") is None
