"""Tests for image_synth.quant.compare.

References, never the code under test:

* R (``reference/wilcox_compare.R`` -> ``wilcox_compare_expected.json``):
  ``wilcox.test(exact = FALSE)``, ``kruskal.test``, ``p.adjust(method = "holm")``,
  ``chisq.test(correct = FALSE)`` and the rank-biserial / epsilon-squared formulas
  written out in R, on a seeded synthetic two-wave table (``survey_compare.csv``). The
  script is re-run when R with jsonlite is present;
* pingouin's ``mwu`` (``U_val``, ``RBC``), an implementation independent of ours;
* SciPy's ``mannwhitneyu``/``kruskal`` and statsmodels' ``multipletests``;
* a hand-computed 2 x 5 Mann-Whitney.
"""

from __future__ import annotations

import doctest
import json
import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _support import MINI
from scipy import stats

import image_synth
import image_synth.quant.compare as compare_module
from image_synth.errors import AnalysisError, OptionError
from image_synth.quant.compare import (
    compare_groups,
    compare_waves,
    composition_difference,
    kruskal_from_counts,
)

REFERENCE = Path(__file__).parent / "reference"
EXPECTED_JSON = REFERENCE / "wilcox_compare_expected.json"
EXPECTED = json.loads(EXPECTED_JSON.read_text(encoding="utf-8"))
R_SCRIPT = REFERENCE / "wilcox_compare.R"
Z975 = 1.959963984540054

WAVE_COLUMNS = ["value", "test", "group_1", "group_2", "n_1", "n_2", "n", "statistic",
                "p_value", "effect_measure", "effect_size", "ci_low", "ci_high", "ci_method",
                "small_n", "composition_tvd", "composition_differs"]
GROUP_COLUMNS = ["value", "test", "group_1", "group_2", "n_1", "n_2", "n", "statistic",
                 "p_value", "p_adjusted", "effect_measure", "effect_size", "ci_low",
                 "ci_high", "ci_method", "small_n"]


@pytest.fixture(scope="module")
def scores() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "survey_compare.csv")


def two_groups(x1, x2, labels=(2022, 2023)) -> pd.DataFrame:
    return pd.DataFrame({"wave": [labels[0]] * len(x1) + [labels[1]] * len(x2),
                         "situation": ["s"] * (len(x1) + len(x2)),
                         "score": np.asarray(list(x1) + list(x2), dtype="float64")})


def _nan(value):
    return np.nan if value is None else value


# --------------------------------------------------------------------------------------
# Mann-Whitney by hand and against pingouin
# --------------------------------------------------------------------------------------

def test_two_by_five_mann_whitney_by_hand():
    before, after = [1, 3], [2, 3, 4, 5, 6]
    row = compare_waves(two_groups(before, after), value="score", composition=()).iloc[0]
    # pairs (before, after) where after is higher: 1 -> all five; 3 -> 4, 5, 6 and a tie
    # with 3 (one half): U_after = 5 + 3 + 0.5 = 8.5 of n1 n2 = 10 pairs
    assert row["statistic"] == 8.5
    # r = 2 U / (n1 n2) - 1 = 0.7
    assert row["effect_size"] == pytest.approx(0.7, abs=1e-12)
    # Fisher z interval with se = sqrt((n1 + n2 + 1) / (3 n1 n2)) = sqrt(8 / 30)
    se = math.sqrt(8 / 30)
    assert row["ci_low"] == pytest.approx(math.tanh(math.atanh(0.7) - Z975 * se), abs=1e-12)
    assert row["ci_high"] == pytest.approx(math.tanh(math.atanh(0.7) + Z975 * se), abs=1e-12)
    # the tie makes SciPy use the normal approximation: with ranks of the 7 values
    # (1, 2, 3.5, 3.5, 5, 6, 7), tie term t^3 - t = 6 for the pair of 3s,
    # sd = sqrt(n1 n2 / 12 * ((n + 1) - 6 / (n (n - 1)))) and continuity correction 0.5
    n = 7
    sd = math.sqrt(10 / 12 * ((n + 1) - 6 / (n * (n - 1))))
    z = (8.5 - 5 - 0.5) / sd
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(z), rel=1e-12)
    assert (row["n_1"], row["n_2"], row["n"]) == (2, 5, 7)
    assert row["small_n"]          # 2 < 5
    assert row["group_1"] == 2022 and row["group_2"] == 2023


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mann_whitney_equals_pingouin_and_scipy(seed):
    pingouin = pytest.importorskip("pingouin")
    rng = np.random.default_rng(seed)
    before = rng.integers(1, 6, size=25).astype(float)
    after = rng.integers(2, 6, size=31).astype(float)
    row = compare_waves(two_groups(before, after), value="score", composition=()).iloc[0]
    # pingouin.mwu(x, y): U_val is U of x, RBC positive when x is higher
    reference = pingouin.mwu(after, before)
    assert row["statistic"] == pytest.approx(reference["U_val"].iloc[0], abs=1e-12)
    assert row["effect_size"] == pytest.approx(reference["RBC"].iloc[0], abs=1e-12)
    assert row["p_value"] == pytest.approx(reference["p_val"].iloc[0], rel=1e-12)
    scipy_result = stats.mannwhitneyu(after, before, alternative="two-sided")
    assert row["p_value"] == pytest.approx(scipy_result.pvalue, rel=1e-12)


def test_effect_size_sign_positive_when_the_later_wave_is_higher():
    row = compare_waves(two_groups([1, 1, 2, 2, 3], [3, 4, 4, 5, 5]), value="score",
                        composition=()).iloc[0]
    assert row["effect_size"] > 0.9
    row = compare_waves(two_groups([3, 4, 4, 5, 5], [1, 1, 2, 2, 3]), value="score",
                        composition=()).iloc[0]
    assert row["effect_size"] < -0.9


# --------------------------------------------------------------------------------------
# against R
# --------------------------------------------------------------------------------------

def test_compare_waves_equals_r(scores):
    table = compare_waves(scores, value="score", by="situation")
    assert list(table.columns) == WAVE_COLUMNS[:1] + ["situation"] + WAVE_COLUMNS[1:]
    assert len(table) == len(EXPECTED["waves"]) == 4
    for want in EXPECTED["waves"]:
        scope = table["situation"].isna() if "situation" not in want else \
            table["situation"] == want["situation"]
        got = table[scope].iloc[0]
        assert (got["n_1"], got["n_2"]) == (want["n_1"], want["n_2"])
        for column in ("statistic", "p_value", "effect_size", "ci_low", "ci_high"):
            expected = _nan(want[column])
            if np.isnan(expected):
                assert np.isnan(got[column]), column
            else:
                assert got[column] == pytest.approx(expected, rel=1e-10, abs=1e-13), column
        if "composition" in want:
            # pooled: region, situation, sector; within a situation: region, sector
            assert len(want["composition"]) == (3 if "situation" not in want else 2)
            tvds = [c["tvd"] for c in want["composition"].values()]
            assert got["composition_tvd"] == pytest.approx(max(tvds), abs=1e-12)
            assert bool(got["composition_differs"]) == (max(tvds) > 0.10)
        else:
            assert pd.isna(got["composition_differs"])
    # one situation was not measured in 2022: compared (nothing to compare) and flagged
    vo = table[table["situation"] == "binnen_vo"].iloc[0]
    assert vo["n_1"] == 0 and vo["small_n"] and np.isnan(vo["p_value"])


def test_composition_difference_equals_r(scores):
    # R compares the respondents with a score, as compare_waves does
    answered = scores.dropna(subset=["score"])
    table = composition_difference(answered)
    want = EXPECTED["waves"][0]["composition"]
    assert table["variable"].tolist() == ["region", "situation", "sector"]
    for _, row in table.iterrows():
        expected = want[row["variable"]]
        assert row["tvd"] == pytest.approx(expected["tvd"], abs=1e-12)
        assert row["statistic"] == pytest.approx(expected["statistic"], rel=1e-10)
        assert row["p_value"] == pytest.approx(expected["p_value"], rel=1e-9)
        assert row["differs"]
    assert table["n_1"].iloc[0] + table["n_2"].iloc[0] == len(answered)


def test_compare_groups_equals_r(scores):
    wave_2023 = scores[scores["wave"] == 2023]
    table = compare_groups(wave_2023, value="score")
    assert list(table.columns) == GROUP_COLUMNS
    assert table["test"].tolist() == ["kruskal_wallis"] + ["mann_whitney"] * 3
    omnibus = table.iloc[0]
    want = EXPECTED["kruskal"]
    assert omnibus["statistic"] == pytest.approx(want["statistic"], rel=1e-10)
    assert omnibus["p_value"] == pytest.approx(want["p_value"], rel=1e-10)
    assert omnibus["effect_size"] == pytest.approx(want["effect_size"], rel=1e-10)
    assert omnibus["n"] == want["n"]
    assert pd.isna(omnibus["group_1"]) and pd.isna(omnibus["n_1"])
    assert omnibus["ci_low"] <= omnibus["effect_size"] <= omnibus["ci_high"]
    for (_, got), expected in zip(table.iloc[1:].iterrows(), EXPECTED["pairs"]):
        assert (got["group_1"], got["group_2"]) == (expected["group_1"], expected["group_2"])
        assert (got["n_1"], got["n_2"]) == (expected["n_1"], expected["n_2"])
        for column in ("statistic", "p_value", "p_adjusted", "effect_size", "ci_low",
                       "ci_high"):
            assert got[column] == pytest.approx(expected[column], rel=1e-10), column


def test_holm_equals_statsmodels():
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"situation": np.repeat(list("abcde"), 12),
                          "score": np.concatenate([rng.normal(m, 1, 12)
                                                   for m in (0, 0.2, 0.9, 1.0, 0.1)])})
    table = compare_groups(frame, value="score", n_boot=0)
    pairs = table[table["test"] == "mann_whitney"]
    assert len(pairs) == 10
    want = multipletests(pairs["p_value"], method="holm")[1]
    np.testing.assert_allclose(pairs["p_adjusted"], want, rtol=1e-12)


def test_two_groups_give_the_pair_alone(scores):
    wave_2022 = scores[scores["wave"] == 2022]
    table = compare_groups(wave_2022, value="score")
    assert table["test"].tolist() == ["mann_whitney"]
    assert table["p_adjusted"].iloc[0] == table["p_value"].iloc[0]


# --------------------------------------------------------------------------------------
# Kruskal-Wallis from counts, bootstrap intervals
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1])
def test_kruskal_from_counts_equals_scipy(seed):
    rng = np.random.default_rng(seed)
    groups = [rng.integers(1, 6, size=size).astype(float) for size in (7, 12, 20)]
    distinct = np.unique(np.concatenate(groups))
    counts = np.array([[np.sum(g == v) for v in distinct] for g in groups])
    assert kruskal_from_counts(counts) == pytest.approx(stats.kruskal(*groups).statistic,
                                                        rel=1e-12)


def test_bootstrap_intervals_are_seeded_and_cover_the_estimate(scores):
    wave_2023 = scores[scores["wave"] == 2023]
    first = compare_groups(wave_2023, value="score", ci="bootstrap", seed=11)
    again = compare_groups(wave_2023, value="score", ci="bootstrap", seed=11)
    other = compare_groups(wave_2023, value="score", ci="bootstrap", seed=12)
    pd.testing.assert_frame_equal(first, again)
    assert not np.allclose(first["ci_low"], other["ci_low"])
    assert (first["ci_method"] == "bootstrap").all()
    assert ((first["ci_low"] <= first["effect_size"])
            & (first["effect_size"] <= first["ci_high"])).all()


def test_bootstrap_rank_biserial_matches_resampling_rows():
    """Multinomial counts over distinct values = drawing rows with replacement."""
    rng = np.random.default_rng(3)
    before = rng.integers(1, 6, size=30).astype(float)
    after = rng.integers(2, 6, size=40).astype(float)
    row = compare_waves(two_groups(before, after), value="score", composition=(),
                        ci="bootstrap", n_boot=4000, seed=1).iloc[0]
    naive = np.random.default_rng(99)
    b = before[naive.integers(0, before.size, size=(4000, before.size))]
    a = after[naive.integers(0, after.size, size=(4000, after.size))]
    # U of the later wave over all pairs, ties one half, for each resample of rows
    u = ((a[:, :, None] > b[:, None, :]) + 0.5 * (a[:, :, None] == b[:, None, :])).sum(
        axis=(1, 2))
    draws = 2 * u / (before.size * after.size) - 1
    lo, hi = np.quantile(draws, [0.025, 0.975])
    assert row["ci_low"] == pytest.approx(lo, abs=0.03)
    assert row["ci_high"] == pytest.approx(hi, abs=0.03)


def test_each_row_bootstrap_depends_only_on_its_own_data(scores):
    wave_2023 = scores[scores["wave"] == 2023].assign(other=lambda d: d["score"] * 2)
    alone = compare_groups(wave_2023, value="score", ci="bootstrap")
    together = compare_groups(wave_2023, value=["other", "score"], ci="bootstrap")
    pd.testing.assert_frame_equal(alone, together[together["value"] == "score"]
                                  .reset_index(drop=True))


# --------------------------------------------------------------------------------------
# options, defaults and bad arguments
# --------------------------------------------------------------------------------------

def test_default_waves_are_the_last_two(scores):
    three = pd.concat([scores, scores[scores["wave"] == 2023].assign(wave=2024)],
                      ignore_index=True)
    row = compare_waves(three, value="score").iloc[0]
    assert (row["group_1"], row["group_2"]) == (2023, 2024)
    row = compare_waves(three, value="score", waves=(2022, 2024)).iloc[0]
    assert (row["group_1"], row["group_2"]) == (2022, 2024)


def test_pooled_row_checks_the_by_column_too():
    frame = two_groups([1, 2, 3, 4], [2, 3, 4, 5]).assign(
        situation=["a", "a", "a", "a", "a", "b", "b", "b"])
    table = compare_waves(frame, value="score", by="situation", min_n=1)
    # pooled: all of 2022 in a, 2023 one in a, three in b: TVD = 0.75
    assert table["composition_tvd"].iloc[0] == pytest.approx(0.75)
    # within a situation only region/sector would count, and there are none
    assert table["composition_tvd"].iloc[1:].isna().all()


def test_composition_threshold_and_skip():
    same = two_groups([1, 2, 3, 4, 5], [2, 3, 4, 5, 6]).assign(region=["A", "B"] * 5)
    row = compare_waves(same, value="score").iloc[0]
    # A B A B A | B A B A B: shares (3/5, 2/5) against (2/5, 3/5): TVD = 0.2
    assert row["composition_tvd"] == pytest.approx(0.2)
    assert row["composition_differs"]
    assert not compare_waves(same, value="score",
                             composition_threshold=0.25)["composition_differs"].iloc[0]
    skipped = compare_waves(same, value="score", composition=())
    assert pd.isna(skipped["composition_differs"].iloc[0])
    assert np.isnan(skipped["composition_tvd"].iloc[0])


def test_item_values_need_the_instrument_and_exclude_dont_know():
    study = image_synth.load_study(MINI)
    survey = study.survey.copy()
    survey["wave"] = survey["wave"].where(survey["region"] != "G", 2022)
    with pytest.raises(AnalysisError, match=r"value 'tijd' holds answer codes"):
        compare_waves(survey, value="tijd")
    table = compare_waves(survey, value="tijd", instrument=study.instrument, min_n=3)
    codes = study.survey["tijd"].astype("float64")
    # tijd has seven "weet niet" (9) answers; none may be counted as a scale point
    kept = codes.notna() & (codes != 9)
    assert table["n"].iloc[0] == kept.sum() == 7
    with pytest.raises(AnalysisError, match=r"not numeric .*'status'"):
        compare_waves(survey, value="status", instrument=study.instrument)


def test_compare_errors(scores):
    with pytest.raises(AnalysisError, match=r"value not a column of the data: 'zz'"):
        compare_waves(scores, value="zz")
    with pytest.raises(AnalysisError, match=r"value 'situation' does not hold numbers"):
        compare_waves(scores, value="situation")
    with pytest.raises(AnalysisError, match=r"no complete cases.*'empty'"):
        compare_waves(scores.assign(empty=np.nan), value="empty")
    with pytest.raises(AnalysisError, match="needs a 'wave' column"):
        compare_waves(scores.drop(columns="wave"), value="score")
    with pytest.raises(AnalysisError, match=r"wave\(s\) 2021 not in the data; waves "
                                            r"present: 2022, 2023"):
        compare_waves(scores, value="score", waves=(2021, 2023))
    with pytest.raises(AnalysisError, match="two different waves"):
        compare_waves(scores, value="score", waves=(2023, 2023))
    with pytest.raises(AnalysisError, match=r"by: not a column of the data: 'provincie'"):
        compare_waves(scores, value="score", by="provincie")
    with pytest.raises(AnalysisError, match=r"composition: not a column .*'gemeente'"):
        compare_waves(scores, value="score", composition=["gemeente"])
    with pytest.raises(OptionError, match=r"ci='wald' .*'fisher_z', 'bootstrap'"):
        compare_waves(scores, value="score", ci="wald")
    with pytest.raises(AnalysisError, match="level must be"):
        compare_waves(scores, value="score", level=1.5)
    with pytest.raises(AnalysisError, match="min_n must be"):
        compare_waves(scores, value="score", min_n=0)
    with pytest.raises(AnalysisError, match="more than one wave"):
        compare_groups(scores, value="score")
    wave_2023 = scores[scores["wave"] == 2023]
    with pytest.raises(AnalysisError, match=r"group: not a column of the data: 'type'"):
        compare_groups(wave_2023, value="score", group="type")
    one = wave_2023.assign(sector="vo")
    with pytest.raises(AnalysisError, match=r"has 1 level\(s\) \(vo\)"):
        compare_groups(one, value="score", group="sector")
    with pytest.raises(OptionError):
        compare_groups(wave_2023, value="score", ci="exact")
    with pytest.raises(AnalysisError, match="n_boot"):
        compare_groups(wave_2023, value="score", n_boot=-1)


# --------------------------------------------------------------------------------------
# the R script and the examples
# --------------------------------------------------------------------------------------

def _r_ready() -> bool:
    if shutil.which("Rscript") is None:
        return False
    return subprocess.run(["Rscript", "-e", "library(jsonlite)"], check=False,
                          capture_output=True).returncode == 0


@pytest.mark.skipif(not _r_ready(), reason="Rscript with jsonlite not available")
def test_r_script_reproduces_expected_json(tmp_path):
    out = tmp_path / "expected.json"
    subprocess.run(["Rscript", str(R_SCRIPT), str(out)], check=True, capture_output=True,
                   timeout=300)
    fresh = json.loads(out.read_text(encoding="utf-8"))
    for key in ("waves", "kruskal", "pairs"):
        assert _close(fresh[key], EXPECTED[key]), key
    assert (tmp_path / "survey_compare.csv").read_text() == \
        (REFERENCE / "survey_compare.csv").read_text()


def _close(a, b) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9,
                                                                 abs_tol=1e-12)
    return a == b


def test_docstring_examples_run(monkeypatch):
    monkeypatch.chdir(MINI.parents[2])
    result = doctest.testmod(compare_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
