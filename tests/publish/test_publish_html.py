"""HTML export: no code, errors, stderr or scripts; TOC; lang; alt text; offline; no paths."""

from __future__ import annotations

import base64
import re

import matplotlib
import nbformat
import pytest

from image_synth.errors import AnalysisError, RunError
from image_synth.publish.html import build_toc, export_html, external_resources, scrub_paths
from image_synth.publish.runner import RUN_INFO_MIME
from image_synth.render.sections import FigureOutput, Section

matplotlib.use("Agg")

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"0" * 40).decode()


def _notebook(tmp_path):
    out = nbformat.v4.new_output
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3",
                                                           "display_name": "Python 3",
                                                           "language": "python"}})
    secret = str(tmp_path / "study")
    nb.cells = [
        nbformat.v4.new_code_cell(f'study = "{secret}"  # where',
                                  metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("x = 1", outputs=[
            out("display_data", data={"text/html": Section("one", "Eén", "<p>body</p>").to_html()}),
            out("stream", name="stderr", text=f"UserWarning in {secret}/survey.csv\n"),
            out("stream", name="stdout", text="visible text\n"),
        ]),
        nbformat.v4.new_code_cell("y = 2", outputs=[
            out("display_data", data={"text/html": '<h3 id="one-sub">Sub</h3><p>x</p>'
                                       '<script>alert(1)</script>'}),
            out("display_data", data={"image/png": PNG, "text/plain": "fig"},
                metadata={"image/png": {"alt": "Bar chart of the response"}}),
            out("display_data", data={"application/javascript": "alert(2)"}),
            out("display_data", data={RUN_INFO_MIME: {"suppressed_cells": 3},
                                      "text/plain": "run info recorded"}),
            out("error", ename="ValueError", evalue="boom", traceback=["Traceback ...", "boom"]),
        ]),
        nbformat.v4.new_code_cell("z = 3", outputs=[
            out("display_data", data={"text/html": Section("two", "Two").to_html()})]),
    ]
    return nb, secret


def test_export_leaves_out_code_errors_stderr_scripts_and_run_info(tmp_path):
    nb, secret = _notebook(tmp_path)
    page = export_html(nb, lang="en", title="Test page", scrub=[str(tmp_path)])
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in page
    assert "<title>Test page</title>" in page
    for absent in ("x = 1", "study =", "UserWarning", "Traceback", "boom", "<script",
                   "alert(", "run info recorded", "In&nbsp;[", "Out[", secret, str(tmp_path)):
        assert absent not in page, absent
    assert "visible text" in page
    assert 'alt="Bar chart of the response"' in page
    assert external_resources(page) == []


def test_toc_lists_section_headings_with_subheadings(tmp_path):
    nb, _ = _notebook(tmp_path)
    page = export_html(nb, lang="nl", title="t")
    nav = re.search(r'<nav class="isx-toc".*?</nav>', page, flags=re.DOTALL).group(0)
    assert "Inhoud" in nav
    assert re.findall(r'href="#([^"]+)"', nav) == ["one", "one-sub", "two"]
    for anchor in ("one", "one-sub", "two"):
        assert f'id="{anchor}"' in page
    assert build_toc("<p>no headings</p>") == ""


def test_not_for_publication_banner(tmp_path):
    nb, _ = _notebook(tmp_path)
    assert "Niet voor publicatie" in export_html(nb, lang="nl", title="t", publish=False)
    assert "Niet voor publicatie" not in export_html(nb, lang="nl", title="t", publish=True)


def test_same_notebook_same_bytes(tmp_path):
    nb, _ = _notebook(tmp_path)
    assert export_html(nb, lang="nl", title="t") == export_html(nb, lang="nl", title="t")


def test_external_resources_are_found_but_plain_links_allowed():
    page = ('<a href="https://example.org/report">report</a>'
            '<script src="https://cdn.example.org/require.js"></script>'
            '<link rel="stylesheet" href="//fonts.example.org/css">'
            '<img src="http://example.org/x.png" alt="x">'
            '<style>@import url(https://x.org/a.css); '
            'b { background: url(data:image/png;base64,AAA) }</style>')
    found = external_resources(page)
    assert "https://cdn.example.org/require.js" in found
    assert "//fonts.example.org/css" in found
    assert "http://example.org/x.png" in found
    assert any("@import" in f for f in found)
    assert "https://example.org/report" not in found


def test_page_with_external_resource_is_refused():
    from image_synth.publish.html import page

    with pytest.raises(RunError, match="elsewhere"):
        page('<html><img src="https://example.org/a.png" alt="a"></html>', lang="nl")


def test_scrub_paths_keeps_data_uris_and_urls():
    uri = "data:image/png;base64,AAAA/tmp/abc/home/userBBBB=="
    text = (f'see /home/alice/study/survey.csv and /tmp/pytest-1/x and C:\\Users\\bob\\s.csv '
            f'<img src="{uri}"> <a href="https://example.org/home/page">x</a>')
    out = scrub_paths(text, ["/srv/project"])
    assert "alice" not in out and "/tmp/pytest" not in out and "bob" not in out
    assert uri in out and "https://example.org/home/page" in out
    assert scrub_paths("at /srv/project/data.csv", ["/srv/project"]) == "at […]/data.csv"


def test_figure_output_carries_alt_text_and_same_bytes():
    from matplotlib.figure import Figure

    def figure():
        fig = Figure(figsize=(3, 2))
        fig.add_subplot().bar(["a", "b"], [1, 2])
        return fig

    one = FigureOutput(figure(), alt="Two bars: a 1, b 2")
    two = FigureOutput(figure(), alt="Two bars: a 1, b 2")
    assert one.data == two.data and one.data.startswith(b"<?xml")
    svg = one.data.decode("utf-8")
    assert "<text" in svg and "Date" not in svg and "Matplotlib v" not in svg
    assert 'alt="Two bars: a 1, b 2"' in one.to_html()
    assert "data:image/svg+xml;base64," in one.to_html()
    bundle, _ = one._repr_mimebundle_()
    assert bundle["text/html"] == one.to_html()

    png = FigureOutput(figure(), alt="Two bars: a 1, b 2", format="png")
    assert png.data == FigureOutput(figure(), alt="x", format="png").data
    assert png.data.startswith(b"\x89PNG")
    _, metadata = png._repr_mimebundle_()
    assert metadata["image/png"]["alt"] == "Two bars: a 1, b 2"
    assert "data:image/png;base64," in png.to_html()
    with pytest.raises(AnalysisError, match="alt text"):
        FigureOutput(figure())


def test_figure_output_draws_a_tight_layout_figure_once(monkeypatch):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2))
    fig.add_subplot().bar(["a", "b"], [1, 2])
    fig.tight_layout()
    draws = []
    original = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, r: (draws.append(1), original(self, r)))
    FigureOutput(fig, alt="Two bars")
    assert len(draws) == 1   # not once more for the placeholder layout engine


def test_css_is_the_package_file_and_the_words_come_from_the_catalogue(tmp_path):
    from importlib import resources

    from image_synth.publish import html
    from image_synth.render.words import word

    css = (resources.files("image_synth") / "data" / "css" / "page.css").read_text("utf-8")
    assert html.CSS == css and html.page_css() == css
    assert external_resources(css) == []
    nb, _ = _notebook(tmp_path)
    for lang in ("nl", "en"):
        page = export_html(nb, lang=lang, title="t", publish=False)
        assert f"<style>{css}</style>" in page
        for key in ("html_toc", "html_banner", "html_made", "html_skip"):
            assert word(key, lang) in page, (lang, key)
