"""Tests for image_synth.quant.reliability.

Expected values come from R psych (``reference/psych_alpha.R`` writes
``reference/psych_alpha_expected.json``), from pingouin, and from a hand calculation;
never from the code under test.
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

import image_synth.quant.reliability as reliability_module
from image_synth.errors import AnalysisError, OptionError
from image_synth.quant.reliability import item_statistics, reliability

REFERENCE = Path(__file__).parent / "reference"
EXPECTED_JSON = REFERENCE / "psych_alpha_expected.json"
EXPECTED = json.loads(EXPECTED_JSON.read_text(encoding="utf-8"))
SCALES = sorted(EXPECTED["scales"])
MODES = ("pairwise", "listwise")

TOL = 1e-6          # alpha, alpha_std, average_r, r_drop, alpha if deleted, mean, sd, Feldt
OMEGA_TOL = 0.01    # omega total: a different optimiser than psych's (agrees to ~1e-8 here)

RELIABILITY_COLUMNS = ["n", "k_items", "alpha", "alpha_std", "average_r", "ci_low",
                       "ci_high", "ci_method", "omega_total", "mean", "sd"]
ITEM_COLUMNS = ["item", "n", "mean", "sd", "r_drop", "alpha_if_deleted",
                "alpha_std_if_deleted"]


def scale_arguments(name: str) -> tuple[pd.DataFrame, dict]:
    spec = EXPECTED["scales"][name]
    data = pd.read_csv(REFERENCE / spec["file"])
    return data, {"items": spec["items"], "reverse": spec["reverse"],
                  "scale_min": spec["scale_min"], "scale_max": spec["scale_max"]}


def naive_alpha(x: np.ndarray) -> float:
    """Alpha of complete data, straight from the definition."""
    k = x.shape[1]
    item_var = x.var(axis=0, ddof=1).sum()
    total_var = x.sum(axis=1).var(ddof=1)
    return k / (k - 1) * (1 - item_var / total_var)


@pytest.fixture(scope="module")
def bfi() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "bfi_items.csv")


@pytest.fixture
def tiny() -> pd.DataFrame:
    return pd.DataFrame({
        "q1": [1, 2, 3, 4, 5],
        "q2": [2, 2, 3, 5, 5],
        "q3": [1, 3, 3, 4, 4],
    })


# --------------------------------------------------------------------------------------
# against R psych
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", SCALES)
def test_reliability_matches_psych(name, mode):
    data, args = scale_arguments(name)
    expected = EXPECTED["scales"][name][mode]
    table = reliability(data, **args, missing=mode)
    assert list(table.columns) == RELIABILITY_COLUMNS
    assert len(table) == 1
    row = table.iloc[0]
    assert row["n"] == expected["n"]
    assert row["k_items"] == expected["k_items"]
    assert row["ci_method"] == "feldt"
    for column in ("alpha", "alpha_std", "average_r", "mean", "sd", "ci_low", "ci_high"):
        assert row[column] == pytest.approx(expected[column], abs=TOL), column
    assert row["omega_total"] == pytest.approx(expected["omega_total"], abs=OMEGA_TOL)


@pytest.mark.parametrize("name", SCALES)
def test_feldt_interval_at_another_level_matches_psych(name):
    data, args = scale_arguments(name)
    expected = EXPECTED["scales"][name]["listwise"]
    row = reliability(data, **args, level=0.90, omega=False).iloc[0]
    assert row["ci_low"] == pytest.approx(expected["ci_low_90"], abs=TOL)
    assert row["ci_high"] == pytest.approx(expected["ci_high_90"], abs=TOL)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", SCALES)
def test_item_statistics_match_psych(name, mode):
    data, args = scale_arguments(name)
    expected = EXPECTED["scales"][name][mode]["items"]
    table = item_statistics(data, **args, missing=mode)
    assert list(table.columns) == ITEM_COLUMNS
    assert table["item"].tolist() == expected["item"]
    assert table["n"].tolist() == expected["n"]
    for column in ("mean", "sd", "r_drop", "alpha_if_deleted", "alpha_std_if_deleted"):
        np.testing.assert_allclose(table[column], expected[column], rtol=0, atol=TOL,
                                   err_msg=column)


def _rscript_with_psych() -> str | None:
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None
    probe = subprocess.run(
        [rscript, "-e", "library(psych); library(jsonlite); library(GPArotation)"],
        check=False, capture_output=True, text=True, timeout=120)
    return rscript if probe.returncode == 0 else None


def _assert_same_numbers(found, expected, path="$"):
    if isinstance(expected, dict):
        assert isinstance(found, dict) and sorted(found) == sorted(expected), path
        for key in expected:
            _assert_same_numbers(found[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(found, list) and len(found) == len(expected), path
        for i, (f, e) in enumerate(zip(found, expected)):
            _assert_same_numbers(f, e, f"{path}[{i}]")
    elif isinstance(expected, float) or isinstance(found, float):
        assert math.isclose(found, expected, rel_tol=1e-12, abs_tol=1e-14), path
    else:
        assert found == expected, path


def test_r_script_reproduces_expected_json(tmp_path):
    rscript = _rscript_with_psych()
    if rscript is None:
        pytest.skip("Rscript with psych, GPArotation and jsonlite is not installed")
    out = tmp_path / "expected.json"
    run = subprocess.run([rscript, str(REFERENCE / "psych_alpha.R"), str(out)],
                         check=False, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    fresh = json.loads(out.read_text(encoding="utf-8"))
    # The numbers must not move; the R and psych versions may (they are reported).
    assert fresh["generated_with"] is not None
    _assert_same_numbers(fresh["scales"], EXPECTED["scales"])


# --------------------------------------------------------------------------------------
# against pingouin
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", SCALES)
def test_alpha_matches_pingouin(name, mode):
    pg = pytest.importorskip("pingouin")
    data, args = scale_arguments(name)
    x = data[args["items"]].copy()
    for item in args["reverse"]:
        x[item] = args["scale_min"] + args["scale_max"] - x[item]
    # pingouin counts every row in n (also rows with no answer); we count respondents.
    x = x.dropna(how="all")
    alpha, interval = pg.cronbach_alpha(data=x, nan_policy=mode)
    row = reliability(data, **args, missing=mode).iloc[0]
    assert row["alpha"] == pytest.approx(alpha, abs=1e-12)
    # pingouin rounds its interval to three decimals
    assert row["ci_low"] == pytest.approx(interval[0], abs=5e-4 + 1e-12)
    assert row["ci_high"] == pytest.approx(interval[1], abs=5e-4 + 1e-12)


# --------------------------------------------------------------------------------------
# by hand
# --------------------------------------------------------------------------------------

def test_tiny_example_by_hand(tiny):
    # Three items, five respondents (each row a respondent):
    #   q1: 1 2 3 4 5   mean 3.0  squared deviations 4 1 0 1 4          sum 10   var 2.5
    #   q2: 2 2 3 5 5   mean 3.4  1.96 1.96 0.16 2.56 2.56              sum 9.2  var 2.3
    #   q3: 1 3 3 4 4   mean 3.0  4 0 0 1 1                             sum 6    var 1.5
    #   total: 4 7 9 13 14  mean 9.4  29.16 5.76 0.16 12.96 21.16     sum 69.2 var 17.3
    # alpha = k/(k-1) * (1 - sum(var_i)/var_total) = 3/2 * (1 - 6.3/17.3)
    #       = 3/2 * 11/17.3 = 16.5/17.3 = 165/173 = 0.953757...
    # Scale score (item mean per respondent): 4/3 7/3 3 13/3 14/3, mean 9.4/3,
    # sd = sqrt(17.3)/3.
    row = reliability(tiny, items=["q1", "q2", "q3"]).iloc[0]
    assert row["n"] == 5
    assert row["k_items"] == 3
    assert row["alpha"] == pytest.approx(165 / 173, abs=1e-12)
    assert row["mean"] == pytest.approx(9.4 / 3, abs=1e-12)
    assert row["sd"] == pytest.approx(math.sqrt(17.3) / 3, abs=1e-12)


def test_reverse_keying_is_scale_min_plus_scale_max_minus_x(tiny):
    flipped = tiny.assign(q3=6 - tiny["q3"])
    direct = reliability(tiny, items=["q1", "q2", "q3"])
    keyed = reliability(flipped, items=["q1", "q2", "q3"], reverse=["q3"],
                        scale_min=1, scale_max=5)
    pd.testing.assert_frame_equal(direct, keyed)
    items = item_statistics(flipped, items=["q1", "q2", "q3"], reverse=["q3"],
                            scale_min=1, scale_max=5)
    assert items.loc[2, "mean"] == pytest.approx(3.0)


def test_two_items_have_no_alpha_if_deleted_nor_omega(tiny):
    row = reliability(tiny, items=["q1", "q2"]).iloc[0]
    assert math.isnan(row["omega_total"])
    items = item_statistics(tiny, items=["q1", "q2"])
    assert items["alpha_if_deleted"].isna().all()
    assert items["alpha_std_if_deleted"].isna().all()
    # with two items the corrected item-total r is the inter-item correlation
    r = np.corrcoef(tiny["q1"], tiny["q2"])[0, 1]
    np.testing.assert_allclose(items["r_drop"], [r, r])


def test_ci_none_and_omega_off(tiny):
    row = reliability(tiny, items=["q1", "q2", "q3"], ci="none", omega=False).iloc[0]
    assert row["ci_method"] == "none"
    assert math.isnan(row["ci_low"]) and math.isnan(row["ci_high"])
    assert math.isnan(row["omega_total"])


def test_nullable_integer_columns_are_numbers(tiny):
    nullable = tiny.astype("Int64")
    nullable.loc[0, "q2"] = pd.NA
    plain = tiny.astype(float)
    plain.loc[0, "q2"] = np.nan
    for mode in MODES:
        pd.testing.assert_frame_equal(
            reliability(nullable, items=["q1", "q2", "q3"], missing=mode),
            reliability(plain, items=["q1", "q2", "q3"], missing=mode))


def test_docstring_examples_run():
    result = doctest.testmod(reliability_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


# --------------------------------------------------------------------------------------
# bad arguments
# --------------------------------------------------------------------------------------

def test_items_not_in_data_are_all_listed(tiny):
    with pytest.raises(AnalysisError, match=r"not in the data: 'x9', 'x10'"):
        reliability(tiny, items=["q1", "x9", "q2", "x10"])


def test_non_numeric_item_is_named_with_an_example(tiny):
    data = tiny.astype({"q2": object})
    data.loc[3, "q2"] = "agree"
    with pytest.raises(AnalysisError, match=r"item 'q2' is not numeric.*'agree' in row 3"):
        item_statistics(data, items=["q1", "q2", "q3"])


def test_fewer_than_two_items(tiny):
    with pytest.raises(AnalysisError, match="a scale needs at least two items"):
        reliability(tiny, items=["q1"])


def test_items_as_a_string_is_refused(tiny):
    with pytest.raises(AnalysisError, match=r"items must be a list of column names"):
        reliability(tiny, items="q1")


def test_no_complete_cases():
    # every respondent skipped one item, each pair of items shares two respondents
    data = pd.DataFrame({
        "q1": [np.nan, np.nan, 3, 4, 5, 2],
        "q2": [2, 3, np.nan, np.nan, 5, 1],
        "q3": [1, 4, 3, 5, np.nan, np.nan],
    })
    with pytest.raises(AnalysisError, match="no complete cases"):
        reliability(data, items=["q1", "q2", "q3"])
    # pairwise still works
    assert reliability(data, items=["q1", "q2", "q3"], missing="pairwise",
                       ci="none").loc[0, "n"] == 6


def test_pairwise_needs_two_respondents_per_pair(tiny):
    data = tiny.astype(float)
    data.loc[[0, 1, 2], "q1"] = np.nan
    data.loc[[3, 4], "q2"] = np.nan
    with pytest.raises(AnalysisError, match=r"items 'q1' and 'q2' were both answered "
                                            r"by 0 respondent\(s\)"):
        reliability(data, items=["q1", "q2", "q3"], missing="pairwise")


def test_zero_variance_item(tiny):
    data = tiny.assign(q2=3)
    with pytest.raises(AnalysisError, match=r"item 'q2' has zero variance.*answered 3"):
        reliability(data, items=["q1", "q2", "q3"])


def test_reverse_needs_scale_bounds(tiny):
    with pytest.raises(AnalysisError, match=r"reverse keying 'q3' needs both scale_min "
                                            r"and scale_max"):
        reliability(tiny, items=["q1", "q2", "q3"], reverse=["q3"], scale_max=5)


def test_reverse_item_must_be_an_item(tiny):
    with pytest.raises(AnalysisError, match=r"not among the items: 'q4'"):
        reliability(tiny, items=["q1", "q2", "q3"], reverse=["q4"], scale_min=1,
                    scale_max=5)


def test_values_outside_the_scale(tiny):
    with pytest.raises(AnalysisError, match=r"item 'q1' has 1 value\(s\) outside the "
                                            r"scale 1..4, e.g. 5 in row 4"):
        reliability(tiny, items=["q1", "q2", "q3"], scale_min=1, scale_max=4)


def test_every_problem_is_reported_at_once(tiny):
    data = tiny.astype({"q2": str})
    with pytest.raises(AnalysisError) as caught:
        reliability(data, items=["q1", "q2", "nope"], reverse=["q1"])
    message = str(caught.value)
    assert "3 problems" in message
    assert "'nope'" in message and "'q2' is not numeric" in message
    assert "needs both scale_min and scale_max" in message


@pytest.mark.parametrize(("option", "value"), [("missing", "available"), ("ci", "wald")])
def test_options_outside_the_word_list(tiny, option, value):
    with pytest.raises(OptionError, match=rf"{option}='{value}' is not a valid choice"):
        reliability(tiny, items=["q1", "q2", "q3"], **{option: value})


@pytest.mark.parametrize("level", [0, 1, 95, "0.95", True])
def test_bad_level(tiny, level):
    with pytest.raises(AnalysisError, match="level="):
        reliability(tiny, items=["q1", "q2", "q3"], level=level)


@pytest.mark.parametrize("n_boot", [0, 2.5, True])
def test_bad_n_boot(tiny, n_boot):
    with pytest.raises(AnalysisError, match="n_boot="):
        reliability(tiny, items=["q1", "q2", "q3"], ci="bootstrap", n_boot=n_boot)


def test_data_must_be_a_dataframe(tiny):
    with pytest.raises(AnalysisError, match="data must be a pandas DataFrame"):
        reliability(tiny.to_numpy(), items=["q1", "q2"])


# --------------------------------------------------------------------------------------
# bootstrap
# --------------------------------------------------------------------------------------

def test_seeded_bootstrap_is_reproducible(bfi):
    args = {"items": ["A1", "A2", "A3", "A4", "A5"], "reverse": ["A1"], "scale_min": 1,
            "scale_max": 6, "ci": "bootstrap", "n_boot": 200, "omega": False}
    first = reliability(bfi, **args, seed=7)
    again = reliability(bfi, **args, seed=7)
    other = reliability(bfi, **args, seed=8)
    pd.testing.assert_frame_equal(first, again)
    assert first.loc[0, "ci_low"] != other.loc[0, "ci_low"]
    assert first.loc[0, "ci_method"] == "bootstrap"


@pytest.mark.parametrize("mode", MODES)
def test_bootstrap_interval_contains_alpha_and_agrees_with_row_resampling(bfi, mode):
    items = ["A1", "A2", "A3", "A4", "A5"]
    x = bfi[items].to_numpy(dtype=float)
    x[:, 0] = 7 - x[:, 0]
    row = reliability(bfi, items=items, reverse=["A1"], scale_min=1, scale_max=6,
                      missing=mode, ci="bootstrap", n_boot=400, seed=11).iloc[0]
    assert row["ci_low"] < row["alpha"] < row["ci_high"]

    # naive bootstrap: resample rows, recompute alpha from pandas' covariance
    x = x[~np.isnan(x).all(axis=1)] if mode == "pairwise" else x[~np.isnan(x).any(axis=1)]
    rng = np.random.default_rng(12)
    naive = []
    for _ in range(400):
        cov = pd.DataFrame(x[rng.integers(0, len(x), len(x))]).cov().to_numpy()
        naive.append(5 / 4 * (1 - np.trace(cov) / cov.sum()))
    low, high = np.quantile(naive, [0.025, 0.975])
    # two independent 400-resample percentile intervals: endpoints agree to MC error
    # (the sd of the bootstrap distribution here is about 0.009)
    assert row["ci_low"] == pytest.approx(low, abs=0.006)
    assert row["ci_high"] == pytest.approx(high, abs=0.006)
    # and the interval is as wide as Feldt's, give or take
    feldt = reliability(bfi, items=items, reverse=["A1"], scale_min=1, scale_max=6,
                        missing=mode).iloc[0]
    width = row["ci_high"] - row["ci_low"]
    assert 0.5 < width / (feldt["ci_high"] - feldt["ci_low"]) < 2.0


@pytest.mark.parametrize("with_missing", [False, True])
def test_pattern_resamples_equal_their_rows(bfi, with_missing):
    # Each multinomial resample over response patterns, expanded back to rows, must
    # give exactly the alpha that pandas computes from those rows.
    x = bfi[["C1", "C2", "C3", "C4", "C5"]].to_numpy(dtype=float)
    x = x[~np.isnan(x).all(axis=1)] if with_missing else x[~np.isnan(x).any(axis=1)]
    n_boot = 5
    alphas = reliability_module._bootstrap_alphas(x, n_boot=n_boot,
                                                  rng=np.random.default_rng(3))
    patterns, counts = reliability_module._response_patterns(x)
    assert counts.sum() == len(x) and len(counts) < len(x) / 2
    weights = np.random.default_rng(3).multinomial(len(x), counts / len(x), size=n_boot)
    for b in range(n_boot):
        rows = np.repeat(patterns, weights[b], axis=0)
        cov = pd.DataFrame(rows).cov().to_numpy()
        assert alphas[b] == pytest.approx(5 / 4 * (1 - np.trace(cov) / cov.sum()),
                                          abs=1e-12)


def test_row_resampling_fallback_equals_naive_resampling():
    # Continuous answers: every row its own pattern, so rows are drawn by index; the
    # weighted computation must equal alpha recomputed on the drawn rows.
    rng = np.random.default_rng(5)
    trait = rng.standard_normal(150)
    x = trait[:, None] + rng.standard_normal((150, 4))
    n_boot = 20
    alphas = reliability_module._bootstrap_alphas(x, n_boot=n_boot,
                                                  rng=np.random.default_rng(9))
    index = np.random.default_rng(9).integers(0, len(x), size=(n_boot, len(x)))
    expected = [naive_alpha(x[index[b]]) for b in range(n_boot)]
    np.testing.assert_allclose(alphas, expected, rtol=0, atol=1e-12)
