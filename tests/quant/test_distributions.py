"""Tests for image_synth.quant.distributions and image_synth.quant.report_tables.

Expected values are counted by hand from tests/fixtures/mini_study/survey_2023.csv
(20 schools: 11 binnen_po, 9 po_vo; 14 collaborate) and written out below with the
counting; the Wilson interval is checked against its formula and R's
``prop.test(x, n, correct = FALSE)``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from _support import MINI

from image_synth.errors import AnalysisError, OptionError
from image_synth.quant.distributions import (
    asked_mask,
    distribution,
    item_summary,
    multi_select_table,
    proportion_ci,
)
from image_synth.quant.report_tables import TableSpec, report_tables
from image_synth.read.survey import read_survey
from image_synth.study.models import Instrument, StudyConfig, load_yaml_model


@pytest.fixture(scope="module")
def instrument() -> Instrument:
    return load_yaml_model(Instrument, MINI / "instrument.yaml")


@pytest.fixture(scope="module")
def survey(instrument) -> pd.DataFrame:
    config = load_yaml_model(StudyConfig, MINI / "study.yaml")
    return read_survey(MINI / "survey_2023.csv", instrument=instrument, wave=2023,
                       study=config)


def rows(table: pd.DataFrame, **where) -> pd.DataFrame:
    mask = np.ones(len(table), dtype=bool)
    for column, value in where.items():
        mask &= (table[column] == value).to_numpy()
    return table[mask]


# --------------------------------------------------------------------------- distribution


def test_distribution_of_a_nominal_item(survey, instrument):
    # status: 14 x 1 (wel), 0 x 2 (plannen), 6 x 3 (geen: S003 S006 S009 S012 S015 S018)
    table = distribution(survey, items="status", instrument=instrument)
    assert table["code"].tolist() == [1, 2, 3]
    assert table["count"].tolist() == [14, 0, 6]
    assert table["share"].tolist() == [0.7, 0.0, 0.3]
    assert set(table["n_asked"]) == {20} and set(table["n"]) == {20}
    assert table["label"].tolist() == ["wel samenwerking", "plannen", "geen samenwerking"]


def test_dont_know_is_its_own_category_and_not_in_n(survey, instrument):
    # tijd, asked of the 14 collaborating schools: 9 (weet niet) x 7 (S001 S002 S007 S008
    # S011 S013 S016), 3 x 3 (S004 S005 S014), 4 x 2 (S017 S020), 5 x 2 (S010 S019)
    table = distribution(survey, items="tijd", instrument=instrument).set_index("code")
    assert table["count"].to_dict() == {1: 0, 2: 0, 3: 3, 4: 2, 5: 2, 9: 7}
    assert table.loc[9, "non_numeric"] == "dont_know"
    assert pd.isna(table.loc[3, "non_numeric"])     # a point of the scale
    assert set(table["n_asked"]) == {14}
    assert set(table["n"]) == {7}             # numeric answers only
    assert table.loc[9, "share"] == 0.5       # 7 / 14: a share of those asked
    assert table.loc[3, "share"] == 3 / 14


def test_distribution_by_group(survey, instrument):
    # binnen_po collaborating: S001 9, S002 9, S004 3, S005 3, S007 9, S008 9, S010 5, S011 9
    # po_vo collaborating:     S013 9, S014 3, S016 9, S017 4, S019 5, S020 4
    table = distribution(survey, items="tijd", instrument=instrument, by="situation")
    po = rows(table, situation="binnen_po").set_index("code")["count"].to_dict()
    vo = rows(table, situation="po_vo").set_index("code")["count"].to_dict()
    assert po == {1: 0, 2: 0, 3: 2, 4: 0, 5: 1, 9: 5}
    assert vo == {1: 0, 2: 0, 3: 1, 4: 2, 5: 1, 9: 2}
    assert rows(table, situation="binnen_po")["n_asked"].iloc[0] == 8
    assert list(table.columns) == ["item", "situation", "code", "label", "non_numeric",
                                   "count", "n_asked", "n_missing", "n", "share"]


def test_answers_of_respondents_not_asked_are_not_counted(survey, instrument):
    changed = survey.copy()
    changed.loc[changed["respondent_id"] == "S003", "tijd"] = 4   # S003 does not collaborate
    before = distribution(survey, items="tijd", instrument=instrument)
    after = distribution(changed, items="tijd", instrument=instrument)
    pd.testing.assert_frame_equal(before, after)


def test_empty_answers_are_counted_apart(survey, instrument):
    changed = survey.copy()
    changed.loc[changed["respondent_id"].isin(["S004", "S017"]), "tijd"] = pd.NA
    table = distribution(changed, items="tijd", instrument=instrument).set_index("code")
    assert set(table["n_missing"]) == {2}
    assert table.loc[9, "share"] == 7 / 12     # of the 12 who were asked and answered
    assert table["count"].sum() == 12


def test_item_not_asked_in_a_wave(survey, instrument):
    data = instrument.model_dump()
    for item in data["items"]:
        if item["id"] == "tijd":
            item["waves"] = [2022]
    only_2022 = Instrument.model_validate(data)
    table = distribution(survey, items="tijd", instrument=only_2022)
    assert set(table["n_asked"]) == {0}
    assert table["share"].isna().all()


def test_asked_mask_keeps_the_index_and_counts_an_empty_rule_answer_as_not_asked(
        survey, instrument):
    changed = survey.copy()
    changed.index = changed.index + 100
    changed.loc[changed["respondent_id"] == "S001", "status"] = pd.NA   # S001 collaborates
    mask = asked_mask(changed, "tijd", instrument)
    assert mask.dtype == bool and mask.index.equals(changed.index)
    # tijd is asked of the collaborating schools: 14, less S001 whose status is empty
    assert int(mask.sum()) == 13 and not mask[changed["respondent_id"] == "S001"].any()


def test_english_labels(survey, instrument):
    table = distribution(survey, items="status", instrument=instrument, lang="en")
    assert table["label"].tolist() == ["collaborating", "planning", "not collaborating"]


# --------------------------------------------------------------------------- item_summary


def test_item_summary_by_hand(survey, instrument):
    # tijd numeric answers: 3, 3, 3, 4, 4, 5, 5 -> mean 27/7; sum of squares about the mean
    # 109 - 27**2/7 = 34/7, so sd = sqrt(34/7 / 6) = sqrt(17/21); top two (4, 5): 4 of 7
    row = item_summary(survey, items="tijd", instrument=instrument).iloc[0]
    assert (row["n_asked"], row["n"], row["n_dont_know"], row["n_missing"]) == (14, 7, 7, 0)
    assert row["mean"] == pytest.approx(27 / 7, abs=1e-12)
    assert row["sd"] == pytest.approx(math.sqrt(17 / 21), abs=1e-12)
    assert row["share_top2"] == pytest.approx(4 / 7, abs=1e-12)


def test_item_summary_by_group(survey, instrument):
    # tevredenheid, binnen_po: 4 6 3 3 4 4 2 6 = 32 / 8; po_vo: 6 3 5 4 4 6 = 28 / 6
    table = item_summary(survey, items="tevredenheid", instrument=instrument,
                         by="situation").set_index("situation")
    assert table.loc["binnen_po", "mean"] == 4.0
    assert table.loc["po_vo", "mean"] == pytest.approx(28 / 6, abs=1e-12)
    assert table.loc["binnen_po", "share_top2"] == 2 / 8      # 6 and 7 count as top two
    assert table.loc["po_vo", "n"] == 6
    values = np.array([6, 3, 5, 4, 4, 6], dtype=float)
    assert table.loc["po_vo", "sd"] == pytest.approx(values.std(ddof=1), abs=1e-12)


def test_item_summary_refuses_nominal_items(survey, instrument):
    with pytest.raises(AnalysisError, match="status"):
        item_summary(survey, items=["tijd", "status"], instrument=instrument)


# --------------------------------------------------------------------------- multi-select


def test_multi_select_table(survey, instrument):
    # functie_ib ticked by S001 S003 S005 S007 S009 S011 (binnen_po, 6 of 11) and
    # S013 S015 S017 S019 (po_vo, 4 of 9); functie_leraar by the others
    table = multi_select_table(survey, group="functie", instrument=instrument)
    assert table["item"].tolist() == ["functie_ib", "functie_leraar"]
    assert table["count"].tolist() == [10, 10]
    assert table["share"].tolist() == [0.5, 0.5]
    by = multi_select_table(survey, group="functie", instrument=instrument, by="situation")
    ib = rows(by, item="functie_ib").set_index("situation")
    assert ib["count"].to_dict() == {"binnen_po": 6, "po_vo": 4}
    assert ib["n"].to_dict() == {"binnen_po": 11, "po_vo": 9}
    assert ib.loc["binnen_po", "share"] == 6 / 11
    assert ib.loc["binnen_po", "label"] == "intern begeleider"


def test_multi_select_share_is_of_those_who_answered_the_option(survey, instrument):
    changed = survey.copy()
    changed.loc[changed["respondent_id"] == "S002", "functie_ib"] = pd.NA
    row = multi_select_table(changed, group="functie", instrument=instrument).iloc[0]
    assert (row["count"], row["n_asked"], row["n_missing"], row["n"]) == (10, 20, 1, 19)
    assert row["share"] == 10 / 19


def test_multi_select_unknown_group(survey, instrument):
    with pytest.raises(AnalysisError, match="'functie'"):
        multi_select_table(survey, group="doelen", instrument=instrument)


# --------------------------------------------------------------------------- intervals


def wilson(x: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson score interval written out (Wilson 1927; Agresti & Coull 1998)."""
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_wilson_interval_by_hand():
    # R 4.x: options(digits = 10); prop.test(x, n, correct = FALSE)$conf.int gives
    # 37/59: 0.4995359107 0.7391600121; 0/20: 0 0.1611251581; 20/20: 0.8388748419 1
    ci = proportion_ci([37, 0, 20], [59, 20, 20])
    r_results = [(0.4995359107, 0.7391600121), (0.0, 0.1611251581), (0.8388748419, 1.0)]
    for i, (low, high) in enumerate(r_results):
        assert ci.loc[i, "ci_low"] == pytest.approx(low, abs=1e-10)
        assert ci.loc[i, "ci_high"] == pytest.approx(high, abs=1e-10)
    for i, (x, n) in enumerate([(37, 59), (0, 20), (20, 20)]):
        low, high = wilson(x, n)
        assert ci.loc[i, "ci_low"] == pytest.approx(low, abs=1e-12)
        assert ci.loc[i, "ci_high"] == pytest.approx(high, abs=1e-12)
    assert ci.loc[1, "ci_low"] == pytest.approx(0.0, abs=1e-12)
    assert ci["share"].tolist() == [37 / 59, 0.0, 1.0]
    assert set(ci["ci_method"]) == {"wilson"}


def test_proportion_ci_keeps_the_index_and_handles_zero_n():
    counts = pd.Series([3, 0], index=["a", "b"])
    ci = proportion_ci(counts, pd.Series([10, 0], index=["a", "b"]))
    assert list(ci.index) == ["a", "b"]
    assert np.isnan(ci.loc["b", "ci_low"]) and np.isnan(ci.loc["b", "share"])


def test_proportion_ci_bad_arguments():
    with pytest.raises(OptionError, match="'wilson'"):
        proportion_ci(3, 10, method="wald")
    with pytest.raises(AnalysisError, match="larger"):
        proportion_ci(11, 10)


def test_bad_items_are_named(survey, instrument):
    with pytest.raises(AnalysisError) as info:
        distribution(survey, items=["tijd", "nope"], instrument=instrument, by="district")
    assert "'nope'" in str(info.value) and "'district'" in str(info.value)


# --------------------------------------------------------------------------- report_tables


def test_report_tables_from_specs(survey, instrument):
    specs = [
        TableSpec(id="status_{wave}", kind="distribution", items=("status",),
                  by=("situation",), total=True),
        TableSpec(id="agree", kind="categories", items=("com_1",),
                  categories={"agree": (4, 5), "disagree": (1, 2)}),
        TableSpec(id="sat", kind="summary", block="satisfaction", by=("situation",)),
        TableSpec(id="roles", kind="multi_select", multi_select="functie"),
        TableSpec(id="n", kind="respondents", by=("situation",)),
        TableSpec(id="scales", kind="scales", block="mechanism"),
    ]
    tables = report_tables(survey=survey, instrument=instrument, tables=specs, wave=2023)
    assert list(tables) == ["status_2023", "agree", "sat", "roles", "n", "scales"]
    status = tables["status_2023"]
    total = rows(status, situation="total").set_index("code")["count"].to_dict()
    assert total == {1: 14, 2: 0, 3: 6}
    assert set(status["wave"]) == {2023}
    # com_1 among the 14 collaborating: 1, 2, 3 x 6, 4 x 2, 5 x 4 -> agree 6, disagree 2
    agree = tables["agree"].set_index("category")
    assert agree.loc["agree", "count"] == 6 and agree.loc["disagree", "count"] == 2
    assert agree.loc["agree", "share"] == 6 / 14
    assert tables["n"].set_index("situation")["n"].to_dict() == {"binnen_po": 11,
                                                                 "po_vo": 9}
    # alpha of communicatie (com_3 reversed), complete cases, written out
    collab = survey[survey["status"] == 1]
    x = collab[["com_1", "com_2", "com_3"]].astype(float).to_numpy()
    x[:, 2] = 6 - x[:, 2]
    k = 3
    alpha = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))
    scales = tables["scales"].set_index("scale")
    assert scales.loc["communicatie", "alpha"] == pytest.approx(alpha, abs=1e-12)
    assert scales.loc["communicatie", "n"] == 14
    assert scales["reported"].all()


def test_report_tables_refuses_specs_that_do_not_fit(survey, instrument):
    specs = [TableSpec(id="x", kind="distribution", items=("nope",)),
             TableSpec(id="y", kind="multi_select", multi_select="nope")]
    with pytest.raises(AnalysisError) as info:
        report_tables(survey=survey, instrument=instrument, tables=specs)
    assert "'nope' is not an item" in str(info.value)
    assert "multi_select 'nope'" in str(info.value)
    with pytest.raises(AnalysisError, match="needs a study"):
        report_tables(survey=survey)
