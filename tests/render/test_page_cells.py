"""Cells and sentences a reader meets (issues 12 and 13): intervals kept on one line, the
joint display's hidden survey parts named and marked as on the rest of the page, and a
study without situations never told about situations."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

from image_synth.publish.html import CSS
from image_synth.render import sections as S
from image_synth.render.common import fmt_interval
from image_synth.render.integration import _survey_cell
from image_synth.results import compute

from _support import ROOT

GEMEENTE = ROOT / "tests" / "fixtures" / "mini_gemeente"


# --------------------------------------------------------------------------- intervals

def _rules(css: str, selector: str) -> list[tuple[str, str]]:
    """``(at-rules around it, declarations)`` of every rule whose selector list holds
    ``selector``."""
    text = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found, stack = [], []
    for match in re.finditer(r"([^{}]+)\{([^{}]*)\}|([^{}]+)\{|\}", text):
        if match.group(3) is not None:          # an @media block opens
            stack.append(match.group(3).strip())
        elif match.group(0) == "}":             # ... and closes
            if stack:
                stack.pop()
        elif selector in [s.strip() for s in match.group(1).split(",")]:
            found.append((" ".join(stack), match.group(2)))
    return found


def test_an_interval_is_one_unbreakable_span():
    html = fmt_interval(3.66, 4.06, "nl")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.span["class"] == ["isx-ci"]
    assert soup.span.get_text() == "[3,66–4,06]"
    assert fmt_interval(0.1, 0.25, "en").endswith('[0.10–0.25]</span>')
    rules = _rules(CSS, "span.isx-ci")
    assert any("white-space: nowrap" in body and "print" not in media
               for media, body in rules), rules
    # print lets number cells wrap at their spaces; nothing there undoes the span's rule
    assert not any("white-space" in body for media, body in rules if "print" in media)


def test_every_interval_of_a_page_sits_in_its_span(mini_study):
    results = compute(str(mini_study), scope="national", publish=False)
    html = "".join(getattr(S, n)(results, lang="nl").to_html() for n in S.SECTIONS)
    soup = BeautifulSoup(html, "html.parser")
    intervals = [s for s in soup.find_all(string=re.compile(r"\[-?\d+,\d+–-?\d+,\d+\]"))]
    assert intervals
    assert all(s.parent.name == "span" and "isx-ci" in s.parent.get("class", [])
               for s in intervals)


# --------------------------------------------------------------------------- joint display

def _row(**hidden) -> SimpleNamespace:
    row = dict(hidden_survey="", n=58, hidden_n="", share_top2=0.42, hidden_ci="",
               scale_max=5.0, ci_low=3.66, ci_high=4.06, mean=3.86, mean_digits=2,
               hidden_previous="", n_previous=34, mean_previous=3.62)
    row.update(hidden)
    return SimpleNamespace(**row)


def _text(cell) -> str:
    return BeautifulSoup(cell.html, "html.parser").get_text(" ", strip=True)


def test_a_condition_row_with_nothing_hidden():
    cell = _survey_cell(_row(), 5, "nl")
    assert _text(cell) == "3,86 [3,66–4,06] n = 58 · 42% 4–5 vorige meting: 3,62 (n = 34)"
    assert cell.inner == ()


@pytest.mark.parametrize("lang, ci", [("nl", "95%-BI"), ("en", "95% CI")])
def test_hidden_parts_of_a_condition_row_are_named_and_marked(lang, ci):
    cell = _survey_cell(_row(mean_digits=1, hidden_ci="complementary",
                             hidden_n="complementary"), 5, lang)
    text = _text(cell)
    mean = "3,9" if lang == "nl" else "3.9"
    assert text.startswith(f"{mean} {ci}: † · n: †"), text
    assert f"{mean} †" not in text and "n = †" not in text
    soup = BeautifulSoup(cell.html, "html.parser")
    assert [s.get_text() for s in soup.select("[data-hidden=complementary]")] == ["†", "†"]
    assert sorted(cell.inner) == ["complementary", "complementary"]
    # the interval alone hidden: n stays
    text = _text(_survey_cell(_row(mean_digits=1, hidden_ci="complementary"), 5, lang))
    assert text.startswith(f"{mean} {ci}: † · n = 58"), text


def test_a_hidden_n_below_k_reads_n_below_k():
    cell = _survey_cell(_row(hidden_n="primary"), 5, "en")
    assert "n < 5" in _text(cell) and "n = <5" not in _text(cell)
    assert "n = " not in _text(cell).split("previous")[0]


def test_the_joint_display_explains_every_mark_it_shows(mini_study):
    path = mini_study / "study.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("min_n: 3", "min_n: 5"),
                    encoding="utf-8")
    results = compute(str(mini_study), scope="national")
    html = S.integration(results, lang="nl").to_html()
    soup = BeautifulSoup(html, "html.parser")
    table = soup.select_one("table.isx-joint")
    notes = " ".join(p.get_text() for p in soup.select("p.isx-note"))
    for td in table.select("td"):
        text = td.get_text(" ", strip=True)
        assert not re.search(r"\d †|n = †|n = <", text), text
    if table.select("[data-hidden=complementary]"):
        assert "† = verborgen" in notes


# --------------------------------------------------------------------------- levels

@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("scope, value", [("national", ""), ("region", "Arnhem")])
def test_a_study_without_situations_is_never_told_about_situations(lang, scope, value):
    results = compute(str(GEMEENTE), scope=scope, scope_value=value)
    html = S.title(results, lang=lang)._repr_html_() + "".join(
        getattr(S, name)(results, lang=lang).to_html() for name in S.SECTIONS)
    text = " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
    assert not re.search(r"situati", text, flags=re.I), re.findall(
        r"[^.]{0,60}situati[^.]{0,40}", text, flags=re.I)
    # its own name for the level it has
    level = "gemeente" if lang == "nl" else "municipality"
    assert level in text


def test_a_study_with_situations_names_them_with_its_own_word(mini_study):
    path = mini_study / "study.yaml"
    path.write_text(path.read_text(encoding="utf-8")
                    + "levels:\n  situation: {nl: cluster, en: cluster}\n", encoding="utf-8")
    results = compute(str(mini_study), scope="region", scope_value="A")
    section = S.situations(results, lang="en")
    assert section.title == "Cluster"
    text = BeautifulSoup(section.to_html(), "html.parser").get_text(" ")
    assert "belongs to the cluster Among primary schools" in text
    assert "collaboration situation" not in text
