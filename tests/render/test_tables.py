"""Tables and charts as a reader sees them: the one renderer, answer tables in the plan's
design, charts that plot exactly what their table shows."""

from __future__ import annotations

import numpy as np
import pytest
from bs4 import BeautifulSoup

import image_synth
from image_synth.disclosure.plan import NATIONAL, collapse_groups, plan
from image_synth.render import sections as S
from image_synth.render.figures import likert_bars
from image_synth.render.table import Cell, Row, Table
from image_synth.results import compute

from _support import MINI, determined_cells


@pytest.fixture(scope="module")
def example():
    return image_synth.load_study()


def test_the_renderer_is_accessible_and_reproducible():
    def make():
        return Table("t1", ["Groep", "n", "mean"],
                     [Row("a &amp; b", [Cell("12"), Cell("&lt;5", state="primary")], level=1),
                      Row("totaal", [Cell("30"), Cell("†", state="complementary")],
                          parent=True, detail="<p>more</p>")],
                     caption="Demo", notes=["a note"])
    html = make().to_html()
    assert html == make().to_html()                      # same table, same bytes
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("div.isx-table-wrap[role=region][tabindex='0']")
    assert soup.select_one("table#T_t1 caption").get_text() == "Demo"
    assert [th["scope"] for th in soup.select("thead th")] == ["col"] * 3
    assert [th.get_text() for th in soup.select("tbody th[scope=row]")] == ["a & b", "totaal"]
    assert [td["data-hidden"] for td in soup.select("td[data-hidden]")] == [
        "primary", "complementary"]
    assert soup.select_one("tr.isx-level-1") and soup.select_one("tr.isx-parent")
    assert soup.select_one("tr.isx-detail td[colspan='3']").get_text() == "more"
    assert "<style" not in html                           # the page's CSS styles it
    assert make().hidden() == {"primary": 1, "complementary": 1}


def test_collapsed_designs():
    assert collapse_groups([1, 2, 3, 4, 5], [9]) == ((1, 2), (3,), (4, 5), (9,))
    assert collapse_groups([1, 2, 3, 4, 5, 6, 7], []) == ((1, 2, 3), (4,), (5, 6, 7))
    assert collapse_groups([1, 2, 3], [9]) == ((1,), (2,), (3,), (9,))


def test_no_hidden_answer_count_is_pinned_down_by_the_sums(example):
    """Nation > situations > regions, every answer table of the example in its chosen
    design: no hidden count follows from the tables' sums (rows add up to n, children
    to their parent)."""
    p = plan(example, 2023)
    h = p.hierarchy
    for block in ("mechanism", "condition", "yield", "stimulation"):
        results = compute(example, wave=2023)
        for items in results.table_items(block).values():
            for item, table in p.answers(items).items():
                hidden = set(table.states)
                assert determined_cells(table.counts, h.constraints(), hidden) == set(), item


def test_every_distribution_row_adds_up_to_100_percent(example):
    for scope, value in (("national", ""), ("region", "C")):
        results = compute(example, scope=scope, scope_value=value, wave=2023)
        for block in ("mechanism", "condition", "board"):
            for items in results.table_items(block).values():
                dist = results.distribution(items)
                for item, part in dist.groupby("item"):
                    n = part.loc[part["column"] == 0, "count"].iloc[0]
                    answers = part[part["column"] > 0]
                    assert answers["count"].sum() == n, item        # the design covers all
                    shown = answers.loc[answers["hidden"] == "", "share"].sum()
                    hidden = answers.loc[answers["hidden"] != "", "count"].sum() / n if n else 0
                    assert shown + hidden == pytest.approx(1.0 if n else 0.0), item


def _bars(fig) -> dict[str, float]:
    out = {}
    for ax in fig.axes:
        for patch in ax.patches:
            gid = patch.get_gid()
            if gid:
                out[gid] = out.get(gid, 0.0) + patch.get_width()
    return out


@pytest.mark.parametrize("scope, value", [("national", ""), ("situation", "po_vo"),
                                          ("region", "I")])
def test_chart_values_equal_table_values(example, scope, value):
    """Read every bar back from the figure and compare it with the table frame: a shown
    answer is drawn as count / n asked, a hidden one is never drawn on its own, the
    hidden answers together are one 'not shown' bar, and each item adds up to 100%."""
    results = compute(example, scope=scope, scope_value=value, wave=2023)
    checked = 0
    for items in results.table_items("mechanism").values():
        dist = results.distribution(items)
        labels = {i: i for i in items}
        numeric = dist.loc[(dist["column"] > 0) & dist["non_numeric"].isna(), "column"].nunique()
        fig = likert_bars(dist, item_labels=labels, column_labels=["a"] * numeric,
                          non_numeric_labels=["dk"], lang="nl", min_n=results.min_n)
        if fig is None:
            continue
        bars = _bars(fig)
        drawn_items = {g.split("|")[0] for g in bars}
        for item, part in dist.groupby("item"):
            n = part.loc[part["column"] == 0, "count"].iloc[0]
            if item not in drawn_items:
                continue
            answers = part[part["column"] > 0]
            for _, r in answers.iterrows():
                gid = f"{item}|{r['column']}"
                if r["hidden"]:
                    assert gid not in bars
                elif r["count"]:
                    assert bars[gid] == pytest.approx(r["count"] / n), gid
                    checked += 1
            hidden = answers.loc[answers["hidden"] != "", "count"].sum() / n
            assert bars.get(f"{item}|hidden", 0.0) == pytest.approx(hidden)
            total = sum(w for g, w in bars.items() if g.split("|")[0] == item)
            assert total == pytest.approx(1.0), item
        import matplotlib.pyplot as plt

        plt.close(fig)
    assert checked > 0


def test_dont_know_is_drawn_to_the_same_scale(example):
    """The side panel's unit has the same length as the main panel's."""
    results = compute(example, wave=2023)
    items = next(iter(results.table_items("condition", ordered=True).values()))
    dist = results.distribution(items)
    numeric = dist.loc[(dist["column"] > 0) & dist["non_numeric"].isna(), "column"].nunique()
    fig = likert_bars(dist, item_labels={i: i for i in items}, column_labels=["a"] * numeric,
                      non_numeric_labels=["dk"], lang="en", min_n=5)
    main, side = fig.axes[:2]
    fig.canvas.draw()
    per_unit = [ax.get_window_extent().width / np.diff(ax.get_xlim())[0] for ax in (main, side)]
    assert per_unit[0] == pytest.approx(per_unit[1], rel=0.02)


def test_a_chart_with_nothing_to_draw_is_a_sentence(tmp_path):
    import shutil

    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    path = target / "study.yaml"
    path.write_text(path.read_text().replace("min_n: 3", "min_n: 50"), encoding="utf-8")
    results = compute(str(target), scope="region", scope_value="A", wave=2023)
    html = S.mechanisms(results, lang="en").to_html()
    assert "No chart for this table" in html and "<img" not in html


def test_likert_figures_have_alt_text_and_a_caption_with_n(example):
    results = compute(example, wave=2023)
    section = S.mechanisms(results, lang="nl")
    figures = section.figures
    assert figures and all(f.alt and f.caption and "n = 59" in f.caption for f in figures)


def _least_hidden(cells: list[tuple[int, ...]], k: int) -> int:
    """The fewest cells any pattern must hide in rows of counts that add up to a shown
    total: every count of 1 to k - 1, and a partner where a row has only one such."""
    least = 0
    for row in cells:
        small = sum(1 for v in row if 0 < v < k)
        least += small + (1 if small == 1 else 0)
    return least


def test_no_national_table_hides_more_than_a_quarter_unless_it_must(example):
    """Every national answer table and the response table hide at most a quarter of
    their cells, or no more than the least any pattern could hide in the chosen design
    (some tables have a small count in every row: the trust and equality scales, the
    conditions, whose 'don't know' is 1 or 2 schools nationally)."""
    results = compute(example, wave=2023)
    k = results.min_n
    tables = {}
    for block in dict.fromkeys(i.block for i in example.instrument.items):
        for key, items in results.table_items(block).items():
            dist = results.distribution(items)
            rows = [tuple(part.sort_values("column")["count"])[1:]
                    for _, part in dist.groupby("item", sort=False)]
            hidden = int((dist["hidden"] != "").sum())
            tables[f"{block}:{key}"] = (hidden, len(dist), _least_hidden(rows, k))
    response = results.response
    rows = [tuple(part.sort_values("column")["value"])[1:]
            for _, part in response.groupby("node", sort=False)]
    tables["response"] = (int((response["hidden"] != "").sum()), len(response),
                          _least_hidden(rows, k))
    over = {name: t for name, t in tables.items() if t[0] > max(t[1] / 4, t[2])}
    assert over == {}
    assert tables["response"][0] <= tables["response"][1] / 4


def test_national_condition_means_are_shown_at_a_safe_precision(example):
    """The national means of the conditions rest on 57-59 schools; where two decimals
    would let a reader solve for the hidden small counts of their row, one is shown
    (the audit decides); the interval, which would help too, then goes."""
    results = compute(example, wave=2023)
    summary = results.condition_summary
    assert (summary["hidden"] == "").all()
    assert set(summary["mean_digits"]) <= {1, 2}
    html = S.conditions(results, lang="nl").to_html()
    for mean, digits in zip(summary["mean"], summary["mean_digits"]):
        shown = f"{mean:.{int(digits)}f}".replace(".", ",")
        assert shown in html


def test_the_national_conditions_summary_shows_its_means_without_a_column_of_marks(example):
    """Every national condition row hides a cell of its answers (a 'don't know' or a
    'mostly not' count of 1 or 2), so the interval, which would help solve for them,
    goes from every row: the table leaves the column out and says why, instead of
    five marks (it hid 5 of its 10 cells)."""
    results = compute(example, wave=2023)
    summary = results.condition_summary
    assert ((summary["hidden_ci"] != "") & (summary["hidden"] == "")).mean() > 0.25
    table = BeautifulSoup(S.conditions(results, lang="nl").to_html(), "html.parser"
                          ).select_one("table#T_conditions-national")
    assert [th.get_text(strip=True) for th in table.select("thead th")] == [
        "Stelling", "gemiddelde"]
    assert not table.select("td[data-hidden]")
    assert len(table.select("tbody td")) == len(summary)
    assert "betrouwbaarheidsinterval staat niet in deze tabel" in table.parent.parent.get_text()


def test_a_conditions_summary_with_few_hidden_intervals_keeps_the_column(example):
    results = compute(example, wave=2023)
    summary = results.condition_summary.copy()
    summary["hidden_ci"] = ""
    summary.loc[summary.index[0], "hidden_ci"] = "complementary"   # 1 of 5 rows
    results._cache["condition_summary"] = summary
    html = S.conditions(results, lang="en").to_html()
    table = BeautifulSoup(html, "html.parser").select_one("table#T_conditions-national")
    assert [th.get_text(strip=True) for th in table.select("thead th")][-1] == "95% CI"
    assert len(table.select("td[data-hidden]")) == 1


@pytest.mark.parametrize("lang, caption", [
    ("nl", "Aantal scholen dat de vragenlijst invulde in meting 2023, per antwoord op de "
           "vraag: In hoeverre werkt uw school samen rondom (hoog)begaafdheid?"),
    ("en", "Number of schools that returned the questionnaire in wave 2023, by their answer "
           "to the question: To what extent does your school collaborate on giftedness?")])
def test_the_response_caption_names_the_studys_respondents_and_its_question(example, lang,
                                                                           caption):
    html = S.response(compute(example, wave=2023), lang=lang).to_html()
    assert BeautifulSoup(html, "html.parser").select_one(
        "table#T_response-national caption").get_text() == caption


def test_a_chart_of_only_hidden_and_zero_cells_is_a_sentence(example):
    # region C: five schools; every non-zero answer to the communication items is hidden,
    # so the chart would draw nothing but the grey "not shown" share
    results = compute(example, scope="region", scope_value="C", wave=2023)
    items = results.table_items("mechanism")["communicatie"]
    dist = results.distribution(items)
    answers = dist[dist["column"] > 0]
    assert not ((answers["hidden"] == "") & (answers["count"] > 0)).any()
    parts = S._distribution_parts(results, items, "en", key="mechanism-communicatie")
    assert not any(isinstance(p, S.FigureOutput) for p in parts)
    assert any("No chart" in p for p in parts if isinstance(p, str))
