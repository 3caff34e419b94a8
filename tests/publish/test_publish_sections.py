"""The section functions the notebook calls: skeleton, response table, disclosure, run info."""

from __future__ import annotations

import re

import pytest

from image_synth.errors import AnalysisError, DataValidationError, OptionError
from image_synth.publish.disclosure import hierarchy_pattern
from image_synth.render import sections as S


def _set_min_n(study_dir, k):
    path = study_dir / "study.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("min_n: 3", f"min_n: {k}"),
                    encoding="utf-8")


def test_every_section_returns_html_with_an_h2_named_after_it(mini_study):
    data = S.prepare(str(mini_study), scope="region", scope_value="A", wave=2023)
    for name in S.SECTIONS:
        section = getattr(S, name)(data, lang="en", publish=True)
        html = section._repr_html_()
        assert f'<h2 id="{name}">' in html, name
        assert not section.pending, name
    assert "Cronbach" in S.mechanisms(data, lang="en").to_html()
    assert 'class="joint-display"' in S.integration(data, lang="nl").to_html()


def test_prepare_checks_scope_and_value(mini_study):
    with pytest.raises(OptionError, match="scope"):
        S.prepare(str(mini_study), scope="province", scope_value="X")
    with pytest.raises(AnalysisError, match="needs a scope_value"):
        S.prepare(str(mini_study), scope="region")
    with pytest.raises(AnalysisError, match="must be ''"):
        S.prepare(str(mini_study), scope="national", scope_value="A")
    with pytest.raises(DataValidationError, match="unknown region"):
        S.prepare(str(mini_study), scope="region", scope_value="Z")
    assert S.prepare(str(mini_study)).wave == 2023


def test_response_table_national_has_situations_and_regions(mini_study):
    data = S.prepare(str(mini_study))
    html = S.response(data, lang="nl").to_html()
    rows = re.findall(r'<th scope="row">([^<]+)</th>((?:<td[^>]*>[^<]*</td>)+)', html)
    table = {label: re.findall(r">([^<]*)</td>", cells) for label, cells in rows}
    # min_n = 3. Region A: 4 collaborating, 2 not; region B: 4 and 1 (by hand from
    # survey_2023.csv). The 2 and the 1 are below 3, and each takes its row's other
    # non-zero count with it (else n minus the shown count gives it away).
    X = S.SUPPRESSED_MARK
    assert table["totaal"] == ["20", "14", "0", "6"]
    assert table["Samenwerking binnen po"] == ["11", "8", "0", "3"]
    assert table["regio A"] == ["6", X, "0", X]
    assert table["regio B"] == ["5", X, "0", X]
    assert table["regio G"] == ["9", "6", "0", "3"]
    assert list(table) == ["totaal", "Samenwerking binnen po", "regio A", "regio B",
                           "Tussen po en vo", "regio G"]
    assert S.run_info(data)["suppressed_cells"] == 4


def test_small_groups_and_their_complements_are_hidden(mini_study):
    _set_min_n(mini_study, 5)
    # region G [n, wel, plannen, geen] = [9, 6, 0, 3]; po [5, 3, 0, 2]; vo [4, 3, 0, 1].
    # vo's n (4) is small, so po's n goes too (G minus po would give it); every non-zero
    # count of the sectors is below 5; G's 3 takes G's 6 with it.
    data = S.prepare(str(mini_study), scope="region", scope_value="G")
    html = S.response(data, lang="nl", publish=True).to_html()
    rows = re.findall(r'<th scope="row">([^<]+)</th>((?:<td[^>]*>[^<]*</td>)+)', html)
    table = {label: re.findall(r">([^<]*)</td>", cells) for label, cells in rows}
    X = S.SUPPRESSED_MARK
    assert list(table.values()) == [["9", X, "0", X], [X, X, "0", X], [X, X, "0", X]]
    info = S.run_info(data, publish=True)
    assert info["suppressed_cells"] == 8 and info["suppressions"][0]["section"] == "response"
    # the national supplement shows region G's n (9 >= 5) and never the sectors
    national = S.prepare(str(mini_study))
    assert "regio G</th><td class=\"isx-num\">9" in S.response(national, lang="nl").to_html()


def test_run_info_counts_the_hidden_cells_the_page_shows(mini_study):
    _set_min_n(mini_study, 5)
    data = S.prepare(str(mini_study), scope="region", scope_value="G")
    pages = {name: getattr(S, name)(data, lang="nl", publish=True).to_html()
             for name in S.SECTIONS}
    # the response table marks hidden cells with the mark, every other table with <5
    marks = {name: len(re.findall(r"class=[\"']isx-suppressed[\"']", html))
             for name, html in pages.items()}
    info = S.run_info(data, publish=True)
    by_section = {r["section"]: r["cells"] for r in info["suppressions"]}
    assert by_section == {name: k for name, k in marks.items() if k}
    assert info["suppressed_cells"] == sum(marks.values()) > 8
    S.mechanisms(data, lang="en", publish=True)   # made again: counted once
    assert S.run_info(data, publish=True)["suppressed_cells"] == info["suppressed_cells"]


def test_publish_off_shows_everything_and_says_so(mini_study):
    _set_min_n(mini_study, 5)
    data = S.prepare(str(mini_study), scope="region", scope_value="G")
    html = S.response(data, lang="en", publish=False).to_html()
    assert S.SUPPRESSED_MARK not in html
    assert S.run_info(data, publish=False)["suppressed_cells"] == 0
    assert "Not for publication" in S.title(data, lang="en", publish=False)._repr_html_()


@pytest.mark.parametrize("sizes, expected", [
    # one small region: its sibling is hidden too (else: situation minus sibling)
    ({"A": 1, "B": 11, "C": 9, "D": 9}, {"A", "B"}),
    # nothing small: nothing hidden
    ({"A": 6, "B": 11, "C": 9, "D": 9}, set()),
    # two small siblings that together reach min_n: no complement needed
    ({"A": 2, "B": 3, "C": 9, "D": 9}, {"A", "B"}),
])
def test_suppression_pattern(sizes, expected):
    n = {("t",): sum(sizes.values()), ("s1",): sizes["A"] + sizes["B"],
         ("s2",): sizes["C"] + sizes["D"], **{(k,): v for k, v in sizes.items()}}
    constraints = [(("s1",), [("A",), ("B",)]), (("s2",), [("C",), ("D",)]),
                   (("t",), [("s1",), ("s2",)])]
    hidden = hierarchy_pattern(n, constraints, min_n=5)
    assert {k[0] for k in hidden} == expected


def test_a_hidden_parent_hides_a_child():
    # parent hidden by its own partition, its children all large: one child must go
    n = {("t",): 40, ("s1",): 3, ("s2",): 37, ("A",): 3, ("C",): 30, ("D",): 7}
    constraints = [(("s1",), [("A",)]), (("s2",), [("C",), ("D",)]),
                   (("t",), [("s1",), ("s2",)])]
    hidden = hierarchy_pattern(n, constraints, min_n=5)
    assert hidden == {("A",), ("s1",), ("s2",), ("D",)}


def test_input_hashes_skip_hidden_files(mini_study):
    (mini_study / ".DS_Store").write_bytes(b"x")
    hashes = S.input_hashes(mini_study)
    assert ".DS_Store" not in hashes and "study.yaml" in hashes
    assert list(hashes) == sorted(hashes)
