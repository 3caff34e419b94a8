"""The integration displays and figures of the example study, as a reader sees them:
readable names instead of ids, statistics that say why they are not shown."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

import image_synth
from image_synth import columns as C
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


@pytest.fixture(scope="module")
def national(example):
    return compute(example, wave=2023)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_meta_inferences_name_bare_code_ids_by_their_label(national, lang):
    from image_synth.render.integration import meta_inference_table
    from image_synth.render.words import word

    table = meta_inference_table(national, lang)
    cells = [row.cells[1].html for row in table.rows]
    unknown = word("unknown_element", lang)
    assert not any(unknown in c for c in cells)
    codebook = {c.id: c.label.get(lang) for c in national.study.codebook.codes}
    first = national.meta_inferences.iloc[0]
    assert "vertrouwen_bereidheid" in first["rows"].split(";")     # a bare code id
    assert codebook["vertrouwen_bereidheid"] in cells[0]
    assert "Trust" in cells[0] if lang == "en" else "Vertrouwen" in cells[0]


def test_an_element_the_study_does_not_name_is_a_sentence_not_its_id():
    from image_synth.render.integration import _element_name

    text = _element_name({}, "code:no_such_code", "en")
    assert "no_such_code" not in text and "questionnaire or codebook" in text


def _colour_scale(fig):
    mesh = fig.axes[0].collections[0]
    colourbar = fig.axes[-1]
    return mesh.norm.vmin, mesh.norm.vmax, colourbar.get_ylabel()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_heatmap_colours_follow_the_response_scale_with_a_labelled_colour_bar(example, lang):
    from image_synth.render.integration import joint_heatmap

    results = compute(example, wave=2023)
    lo, hi, label = _colour_scale(joint_heatmap(results, lang))
    assert (lo, hi) == (1.0, 5.0)            # toepassing5: codes 1-5 (and 9 = don't know)
    assert label == ("gemiddelde op de vragenlijst (1–5)" if lang == "nl"
                     else "survey mean (1–5)")
    # a seven-point instrument: the scale follows its response set, not 1-5
    shown = results.situation_displays.copy()
    has_scale = shown["scale_max"].notna()
    shown.loc[has_scale, "scale_max"] = 7.0
    shown.loc[has_scale, C.MEAN] = shown.loc[has_scale, C.MEAN] + 1.5
    results._cache["situation_displays"] = shown
    lo, hi, label = _colour_scale(joint_heatmap(results, lang))
    assert (lo, hi) == (1.0, 7.0) and label.endswith("(1–7)")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_correlation_on_too_few_respondents_says_why_it_is_not_shown(region_c, lang):
    from image_synth.render.integration import joint_display_table
    from image_synth.render.words import word

    display = region_c.joint_display
    few = display[(display["rho_n"] >= 5) & (display["rho_n"] < 10)]
    assert len(few)                                  # region C: five collaborating schools
    table = joint_display_table(region_c, lang)
    labels = dict(zip(display["row_id"], display[f"label_{lang}"]))
    by_label = {BeautifulSoup(row.label, "html.parser").get_text(" "): row for row in table.rows}
    for row_id in few["row_id"]:
        row = next(r for text, r in by_label.items() if text.startswith(labels[row_id]))
        assoc = row.cells[3]
        assert assoc.html == "n &lt; 10" and assoc.state == "primary", (row_id, assoc)
    note = word("note_small_n_correlation", lang, mark="n < 10", k=10)
    assert note in table.notes
    html = table.to_html()
    assert 'data-hidden="primary">n &lt; 10</td>' in html


def test_cmo_rows_pair_context_mechanism_and_outcome_with_their_evidence(national):
    from image_synth.render.integration import cmo_table

    table = cmo_table(national, "nl")
    assert table.header == ["Rij van de joint display", "Context", "Mechanisme", "Uitkomst"]
    rows = {str(BeautifulSoup(r.label, "html.parser").contents[0]).strip(): r
            for r in table.rows}
    texts = {label: [" ".join(BeautifulSoup(c.html, "html.parser").get_text(" ").split())
                     for c in r.cells]
             for label, r in rows.items()}

    def row(start):
        (key,) = [k for k in texts if k.startswith(start)]
        return texts[key]

    # a condition: itself and the hindering factors the codebook links to it, as context;
    # no mechanism; its association with satisfaction as the outcome
    context, mechanism, outcome = row("Er is voldoende tijd voor de samenwerking")
    assert "Wisseling, uitval en tekort aan personeel (belemmerende factor)" in context
    assert "Gebrek aan financiering, facilitering en tijd (belemmerende factor)" in context
    # at the precision the plan allows this mean (one decimal, as on the joint display
    # and in the conditions summary: two would pin its row's hidden cells)
    assert "vragenlijst 3,8 " in context and "vragenlijst 3,80" not in context
    assert "20 van 21 interviews" in context
    assert mechanism == "–"
    assert outcome.startswith("samenhang met tevredenheid: ρ = 0,34")
    # a mechanism: its context from the crosswalk (the hindering factors linked to it)
    context, mechanism, outcome = row("Gezamenlijke visie")
    assert "Verschillen in cultuur en visie (belemmerende factor)" in context
    assert "vragenlijst 3,31" in mechanism and "18 van 21 interviews" in mechanism
    assert outcome.startswith("samenhang met tevredenheid: ρ = 0,49")
    # every element of the frame is on the page, outcomes linked to no row at the end
    html = " ".join(" ".join(t) + " " + k for k, t in texts.items())
    labels = {c.id: c.label.nl for c in national.study.codebook.codes}
    for element in national.cmo["element"]:
        kind, _, name = element.partition(":")
        if kind == "code":
            assert labels[name] in html, element
    context, mechanism, outcome = row("Bewustwording, betrokkenheid en communicatie")
    assert (context, mechanism) == ("–", "–") and "18 van 21 interviews" in outcome


def test_colour_bars_number_in_the_page_language(national):
    from image_synth.render.figures import FigureOutput
    from image_synth.render.integration import evidence_heatmap

    fig = evidence_heatmap(national, "nl")
    colourbar = fig.axes[-1]
    fig.canvas.draw()
    ticks = [t.get_text() for t in colourbar.get_yticklabels() if t.get_text()]
    assert ticks and all(t.endswith("%") and "." not in t for t in ticks), ticks
    texts = _svg_texts(FigureOutput(fig, alt="x"))
    assert "0.2" not in texts and "20%" in texts


def test_one_drawing_is_one_in_the_caption_and_description(region_c):
    (figure,) = S.networks(region_c, lang="nl").figures
    assert figure.caption == "De netwerktekening van de reflectiebijeenkomst."
    assert figure.alt.startswith("Netwerktekening van één reflectiebijeenkomst.")


def test_the_evidence_map_colour_bar_label_is_inside_the_figure(national):
    from image_synth.render.figures import FigureOutput
    from image_synth.render.integration import evidence_heatmap

    svg = ElementTree.fromstring(FigureOutput(evidence_heatmap(national, "en"), alt="x").data)
    width = float(svg.get("viewBox").split()[2])
    label = [e for e in svg.iter() if e.tag.endswith("text")
             and "".join(e.itertext()).startswith("share of schools")]
    assert label and all(float(e.get("x")) <= width for e in label)
