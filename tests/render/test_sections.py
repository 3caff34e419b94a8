"""The section functions the notebook calls, on the results of one scope."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from image_synth.errors import AnalysisError, DataValidationError, OptionError
from image_synth.render import sections as S
from image_synth.results import compute


def _set_min_n(study_dir, k):
    path = study_dir / "study.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("min_n: 3", f"min_n: {k}"),
                    encoding="utf-8")


def _table(html: str, index: int = 0) -> dict[str, list[str]]:
    """Row header -> cell texts of the ``index``-th table of a section."""
    table = BeautifulSoup(html, "html.parser").select("table")[index]
    return {tr.th.get_text(" ", strip=True): [td.get_text(" ", strip=True)
                                              for td in tr.find_all("td")]
            for tr in table.select("tbody tr") if tr.th is not None}


def test_every_section_returns_html_with_an_h2_named_after_it(mini_study):
    results = compute(str(mini_study), scope="region", scope_value="A", wave=2023)
    for name in S.SECTIONS:
        html = getattr(S, name)(results, lang="en")._repr_html_()
        assert f'<h2 id="{name}">' in html, name
    assert "Cronbach" in S.mechanisms(results, lang="en").to_html()
    assert 'class="isx-table isx-joint"' in S.integration(results, lang="nl").to_html()


def test_compute_checks_scope_and_value(mini_study):
    with pytest.raises(OptionError, match="scope"):
        compute(str(mini_study), scope="province", scope_value="X")
    with pytest.raises(AnalysisError, match="needs a scope_value"):
        compute(str(mini_study), scope="region")
    with pytest.raises(AnalysisError, match="must be ''"):
        compute(str(mini_study), scope="national", scope_value="A")
    with pytest.raises(DataValidationError, match="unknown region"):
        compute(str(mini_study), scope="region", scope_value="Z")
    with pytest.raises(AnalysisError, match="wave 1999 is not a wave"):
        compute(str(mini_study), wave=1999)
    assert compute(str(mini_study)).wave == 2023


def test_response_table_counts_by_hand(mini_study):
    # publication off: every count, by hand from survey_2023.csv (status 1 / 2 / 3)
    results = compute(str(mini_study), publish=False)
    table = _table(S.response(results, lang="nl").to_html())
    assert table["totaal"] == ["20", "14", "0", "6"]
    assert table["Samenwerking binnen po"] == ["11", "8", "0", "3"]
    assert table["regio A"] == ["6", "4", "0", "2"]
    assert table["regio G"] == ["9", "6", "0", "3"]
    assert list(table)[:3] == ["totaal", "Samenwerking binnen po", "regio A"]
    region = compute(str(mini_study), scope="region", scope_value="G", publish=False)
    table = _table(S.response(region, lang="en").to_html())
    assert table == {"region G": ["9", "6", "0", "3"], "sector po": ["5", "3", "0", "2"],
                     "sector vo": ["4", "3", "0", "1"]}


def test_hidden_cells_say_why_and_run_info_counts_them(mini_study):
    _set_min_n(mini_study, 5)
    results = compute(str(mini_study), scope="region", scope_value="G")
    pages = {name: getattr(S, name)(results, lang="nl").to_html() for name in S.SECTIONS}
    soup = BeautifulSoup("".join(pages.values()), "html.parser")
    primary = soup.select('[data-hidden="primary"]')
    complementary = soup.select('[data-hidden="complementary"]')
    assert primary and complementary
    # a primary count reads <5, a primary statistic n < 5 (a correlation n < 10: below
    # MIN_N_CORRELATION), a complementary cell the mark
    assert {td.get_text(strip=True) for td in primary} <= {"<5", "n < 5", "n < 10"}
    assert {td.get_text(strip=True) for td in complementary} <= {"†"}
    info = results.run_info()
    assert info["suppressed"] == {"primary": len(primary),
                                  "complementary": len(complementary)}
    S.mechanisms(results, lang="en")   # made again, in English: counted once
    assert results.run_info()["suppressed_cells"] == len(primary) + len(complementary)
    # every table with a hidden cell explains its marks once, under the table
    for table in soup.select("div.isx-table-wrap"):
        marks = {td["data-hidden"] for td in table.select("td[data-hidden]")}
        notes = table.find_next_siblings("p", class_="isx-note", limit=3)
        text = " ".join(p.get_text() for p in notes)
        if "primary" in marks:
            assert re.search(r"minder dan (5|10) respondenten", text), text
        if "complementary" in marks:
            assert "† = verborgen" in text


def test_a_count_below_k_is_never_shown(mini_study):
    _set_min_n(mini_study, 5)
    for scope, value in (("national", ""), ("situation", "po_vo"), ("region", "G")):
        results = compute(str(mini_study), scope=scope, scope_value=value)
        html = "".join(getattr(S, n)(results, lang="nl").to_html() for n in S.SECTIONS)
        soup = BeautifulSoup(html, "html.parser")
        for table in soup.select("table.isx-dist, section[data-section=response] table"):
            for td in table.select("td:not([data-hidden])"):
                count = re.match(r"\s*(\d+)", td.get_text())
                assert count is None or int(count.group(1)) in (0,) or int(count.group(1)) >= 5, (
                    scope, td)


def test_publish_off_shows_everything_and_says_so(mini_study):
    _set_min_n(mini_study, 5)
    results = compute(str(mini_study), scope="region", scope_value="G", publish=False)
    html = "".join(getattr(S, n)(results, lang="en").to_html() for n in S.SECTIONS)
    assert "data-hidden" not in html
    assert results.run_info()["suppressed_cells"] == 0
    assert "Not for publication" in S.title(results, lang="en")._repr_html_()


def test_results_frames_are_one_attribute_away(mini_study):
    results = compute(str(mini_study), scope="situation", scope_value="binnen_po")
    assert {"scale", "wave", "alpha", "hidden"} <= set(results.reliabilities.columns)
    assert {"row_id", "hidden_survey", "conv_survey_interviews"} <= set(
        results.joint_display.columns)
    frames = results.frames()
    assert "joint_display" in frames and any(k.startswith("distribution:") for k in frames)
    assert "reliabilities" in dir(results)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_mechanism_items_of_no_scale_get_a_readable_heading(mini_study, lang, monkeypatch):
    from image_synth.render.words import word

    results = compute(str(mini_study), scope="region", scope_value="A", wave=2023,
                      publish=False)
    groups = results.table_items("mechanism")
    first = next(iter(groups.values()))
    response_set = results.study.instrument.item(first[0]).response_set
    # two items of no scale, grouped by their response set (as table_items does)
    monkeypatch.setattr(results, "table_items",
                        lambda block, ordered=None: {**groups, response_set: first[:2]}
                        if block == "mechanism" else {})
    html = S.mechanisms(results, lang=lang).to_html()
    headings = [h.get_text() for h in BeautifulSoup(html, "html.parser").find_all("h3")]
    assert response_set not in headings
    assert word("heading_unscaled", lang) in headings
