"""Plot functions return their axes or figure, close cleanly, and describe themselves."""

from __future__ import annotations

import io

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from image_synth.errors import OptionError
from image_synth.network import alt_text, get_alt_text, layout, plot_drawing, plot_drawings

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def close_all():
    yield
    plt.close("all")


def test_plot_drawing_returns_axes_with_alt_text(example_drawings):
    drawing = example_drawings[3]  # region C
    ax = plot_drawing(drawing, lang="en")
    assert isinstance(ax, Axes)
    assert ax.get_gid() == "network-RB2023_C"
    text = get_alt_text(ax)
    assert text == get_alt_text(ax.figure)
    # the drawing's place, never its meeting id (RB2023_C is a source id)
    assert text.startswith("Network drawing binnen po (C): 9 parties, 22 lines")  # its title
    assert "RB2023" not in text and "RB2023" not in ax.get_title()
    # the parties in the page's language (the example names them in both)
    assert "Structure: network" in text and "Hub: Partnership" in text
    assert "Samenwerkingsverband" not in text
    assert "Samenwerkingsverband" in get_alt_text(plot_drawing(drawing, lang="nl"))
    # one arrow patch per tie, coloured by kind; directed ties get a head
    patches = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(patches) == len(drawing.ties())
    red = matplotlib.colors.to_rgba(drawing.tie_kinds["intensive_contact"]["colour"])
    assert sum(np.allclose(p.get_edgecolor(), red, atol=0.06) for p in patches) == 17
    # a legend with the tie kinds and party types
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"intensive contact", "decision making", "initiative",
            "partnership for inclusive education"} <= set(labels)
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png")
    assert buffer.getvalue()[:4] == b"\x89PNG"
    fig = ax.figure
    plt.close(fig)
    assert fig.number not in plt.get_fignums()


def test_plot_drawing_on_given_axes_keeps_the_figure(example_drawings):
    fig, (left, right) = plt.subplots(1, 2)
    ax = plot_drawing(example_drawings[0], ax=right, legend=False)
    assert ax is right and get_alt_text(ax)
    assert get_alt_text(fig) is None  # the caller's figure is theirs to describe
    assert not left.patches


def test_plot_drawings_small_multiples(example_drawings):
    fig = plot_drawings(example_drawings, ncols=4)
    assert isinstance(fig, Figure)
    assert fig.get_gid() == "network-drawings"
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert len(panels) == 8
    assert len(fig.legends) == 1
    text = get_alt_text(fig)
    assert text.startswith("Netwerktekeningen van 8 reflectiebijeenkomsten.")
    assert text.count("Netwerktekening ") == 8 and "RB2023" not in text
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Description": text[:500]})
    plt.close(fig)
    assert fig.number not in plt.get_fignums()


def test_alt_text_dutch_names_the_isolated_pupil(example_drawings):
    text = alt_text(example_drawings[1], "nl")  # region I
    assert "Zonder lijnen: Leerling." in text
    assert "1 intensief contact" in text


def test_layout_is_deterministic_and_stars_are_centred(example_drawings):
    for drawing in example_drawings:
        first, second = layout(drawing), layout(drawing)
        assert first.keys() == second.keys() == set(drawing.parties)
        for party in first:
            np.testing.assert_allclose(first[party], second[party])
    p = example_drawings[7]  # region P, a star around the po SWV
    pos = layout(p)
    others = [pos[q] for q in p.parties if q != "swv_po" and p.graph.degree(q)]
    centre = np.mean([pos[q] for q in p.parties], axis=0)
    assert np.linalg.norm(pos["swv_po"] - centre) < min(
        np.linalg.norm(o - pos["swv_po"]) for o in others)


def test_unknown_language_is_refused(example_drawings):
    with pytest.raises(OptionError, match="'nl', 'en'"):
        plot_drawing(example_drawings[0], lang="de")
    with pytest.raises(OptionError):
        plot_drawings(example_drawings, lang="fr")


def test_places_name_the_panels_and_descriptions(example_drawings):
    places = {d.meeting: f"plaats {i}" for i, d in enumerate(example_drawings)}
    fig = plot_drawings(example_drawings, lang="en", places=places)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == [f"plaats {i}" for i in range(len(example_drawings))]
    text = get_alt_text(fig)
    assert text.startswith("Network drawings of 8 reflection meetings.")
    assert "Network drawing plaats 3: 9 parties" in text
    assert "RB2023" not in text


def test_words_come_from_the_catalogue():
    import image_synth.network.plot as plot
    from image_synth.render.words import catalogue

    assert not hasattr(plot, "_WORDS") and not hasattr(plot, "_RULE_REASON")
    for lang in ("nl", "en"):
        words = catalogue(lang)
        assert {"net_drawing", "net_figure", "net_reason_star", "net_hub_mark"} <= set(words)
        for key in plot.STRUCTURE_LABELS.values():
            assert key in words


@pytest.mark.parametrize("count, ncols", [(1, 1), (2, 2), (8, 4)])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_shared_legend_fits_the_figure_below_the_panels(example_drawings, count, ncols,
                                                            lang):
    # 'partnership for inclusive educati…' ran past the right edge; wrapped entries
    # need room of their own
    fig = plot_drawings(example_drawings[:count], lang=lang, ncols=ncols)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.legends[0].get_window_extent(renderer)
    assert 0 <= box.x0 and box.x1 <= fig.bbox.width
    lowest = min(ax.get_tightbbox(renderer).y0 for ax in fig.axes[:count])
    assert box.y1 <= lowest + 1                      # display y grows upwards
    assert all(len(line) <= 28 for t in fig.legends[0].get_texts()
               for line in t.get_text().splitlines())
