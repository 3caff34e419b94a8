"""Tests for image_synth.quant.association.

References, never the code under test:

* R (``reference/polr_association.R`` -> ``polr_association_expected.json``): Spearman
  rho and p from ``cor``/``cor.test(exact = FALSE)``, the Bonett-Wright and Fieller
  intervals written out in R, and ``MASS::polr`` for the ordinal model, on a seeded
  synthetic survey (``survey_association.csv``) and on ``MASS::housing``, whose polr
  fit is the worked example of Venables & Ripley. The script is re-run when R with
  MASS and jsonlite is present;
* hand calculations (Spearman with ties, the interval formula);
* SciPy's ``spearmanr``.
"""

from __future__ import annotations

import doctest
import json
import math
import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _support import MINI
from scipy import stats

import image_synth
import image_synth.quant.association as association_module
from image_synth.errors import AnalysisError, OptionError
from image_synth.quant.association import associations, ordinal_model
from image_synth.quant.scores import scale_scores
from image_synth.study.models import Instrument

REFERENCE = Path(__file__).parent / "reference"
EXPECTED_JSON = REFERENCE / "polr_association_expected.json"
EXPECTED = json.loads(EXPECTED_JSON.read_text(encoding="utf-8"))
R_SCRIPT = REFERENCE / "polr_association.R"

ASSOCIATION_COLUMNS = ["predictor", "predictor_block", "outcome", "outcome_block", "n",
                       "rho", "ci_low", "ci_high", "ci_method", "p_value", "small_n"]
MODEL_COLUMNS = ["term", "log_odds", "se", "odds_ratio", "ci_low", "ci_high", "p_value", "n"]


def _code(code: int, label: str, kind: str | None = None) -> dict:
    entry = {"code": code, "label": {"nl": label}}
    if kind:
        entry["non_numeric"] = kind
    return entry


def association_instrument() -> Instrument:
    """The instrument described in the header of polr_association.R."""
    def item(item_id, block, response_set, scale=None, reverse=False, **extra):
        return {"id": item_id, "block": block, "scale": scale, "reverse": reverse,
                "text": {"nl": item_id}, "response_set": response_set, **extra}

    return Instrument.model_validate({
        "name": "association test",
        "response_sets": [
            {"id": "agree5", "codes": [_code(c, str(c)) for c in range(1, 6)]
             + [_code(9, "weet niet", "dont_know")]},
            {"id": "sat7", "codes": [_code(c, str(c)) for c in range(1, 8)]},
            {"id": "yield4", "codes": [_code(c, str(c)) for c in range(1, 5)]
             + [_code(5, "geen zicht op", "dont_know")]},
            {"id": "selected", "ordered": False, "codes": [_code(0, "nee"), _code(1, "ja")]},
        ],
        "scales": [
            {"id": "communicatie", "block": "mechanism", "label": {"nl": "C"}, "min_items": 2},
            {"id": "vertrouwen", "block": "mechanism", "label": {"nl": "V"}, "min_items": 2},
        ],
        "multi_select": [{"id": "beleid", "block": "yield", "text": {"nl": "beleid"}}],
        "items": [
            item("com_1", "mechanism", "agree5", "communicatie"),
            item("com_2", "mechanism", "agree5", "communicatie"),
            item("com_3", "mechanism", "agree5", "communicatie", reverse=True),
            item("ver_1", "mechanism", "agree5", "vertrouwen"),
            item("ver_2", "mechanism", "agree5", "vertrouwen"),
            item("tijd", "condition", "agree5"),
            item("tevredenheid", "satisfaction", "sat7"),
            item("opbrengst_1", "yield", "yield4"),
            item("opbrengst_2", "yield", "yield4"),
            item("beleid_kennis", "yield", "selected", multi_select="beleid"),
        ],
    })


def association_survey() -> pd.DataFrame:
    """survey_association.csv as the survey reader gives it: keys, then Int64 codes."""
    frame = pd.read_csv(REFERENCE / "survey_association.csv")
    for column in frame.columns[5:]:
        frame[column] = frame[column].astype("Int64")
    frame["wave"] = frame["wave"].astype("Int64")
    # a multi-select yield option (0/1), not in the R data: left out unless named
    frame["beleid_kennis"] = pd.array((np.arange(len(frame)) % 3 == 0).astype(int),
                                      dtype="Int64")
    return frame


@pytest.fixture(scope="module")
def instrument() -> Instrument:
    return association_instrument()


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return association_survey()


def _none_to_nan(value):
    return np.nan if value is None else value


# --------------------------------------------------------------------------------------
# associations: hand calculations
# --------------------------------------------------------------------------------------

def _pair_frame(x, y) -> tuple[pd.DataFrame, Instrument]:
    instrument = association_instrument()
    n = len(x)
    frame = pd.DataFrame({"respondent_id": [f"r{i}" for i in range(n)],
                          "wave": pd.array([2023] * n, dtype="Int64"), "region": "A",
                          "situation": "alpha", "sector": "po",
                          "tijd": pd.array(x, dtype="Int64"),
                          "tevredenheid": pd.array(y, dtype="Int64")})
    return frame, instrument


def test_spearman_with_ties_by_hand():
    # x = 1 2 2 3 4 5, y = 2 1 3 3 5 5 (satisfaction), plus a don't-know (9) on x that
    # must be left out
    x = [1, 2, 2, 3, 4, 5, 9]
    y = [2, 1, 3, 3, 5, 5, 4]
    frame, instrument = _pair_frame(x, y)
    table = associations(frame, instrument=instrument, predictors="tijd",
                         outcomes="tevredenheid")
    assert list(table.columns) == ASSOCIATION_COLUMNS
    row = table.iloc[0]
    # mid-ranks: x -> 1, 2.5, 2.5, 4, 5, 6 ; y -> 2, 1, 3.5, 3.5, 5.5, 5.5
    # deviations from the mean rank 3.5:
    #   dx = -2.5 -1 -1 0.5 1.5 2.5        dy = -1.5 -2.5 0 0 2 2
    #   sum dx dy = 3.75 + 2.5 + 0 + 0 + 3 + 5 = 14.25
    #   sum dx^2 = 6.25 + 1 + 1 + 0.25 + 2.25 + 6.25 = 17
    #   sum dy^2 = 2.25 + 6.25 + 0 + 0 + 4 + 4 = 16.5
    rho = 14.25 / math.sqrt(17 * 16.5)
    assert row["n"] == 6
    assert row["rho"] == pytest.approx(rho, abs=1e-12)
    # t approximation with n - 2 = 4 degrees of freedom
    t = rho * math.sqrt(4 / (1 - rho ** 2))
    assert row["p_value"] == pytest.approx(2 * stats.t.sf(t, 4), rel=1e-10)
    # Bonett-Wright: se = sqrt((1 + rho^2 / 2) / (n - 3))
    se = math.sqrt((1 + rho ** 2 / 2) / 3)
    z = math.atanh(rho)
    assert row["ci_low"] == pytest.approx(math.tanh(z - 1.959963984540054 * se), abs=1e-12)
    assert row["ci_high"] == pytest.approx(math.tanh(z + 1.959963984540054 * se), abs=1e-12)
    assert row["ci_method"] == "bonett_wright"
    assert not row["small_n"]     # 6 pairs, default min_n = 5

def test_small_n_flag_follows_min_n():
    frame, instrument = _pair_frame([1, 2, 2, 3, 4, 5], [2, 1, 3, 3, 5, 5])
    assert not associations(frame, instrument=instrument, predictors="tijd",
                            outcomes="tevredenheid", min_n=6)["small_n"].iloc[0]
    assert associations(frame, instrument=instrument, predictors="tijd",
                        outcomes="tevredenheid", min_n=7)["small_n"].iloc[0]


def test_fieller_interval_by_hand():
    frame, instrument = _pair_frame([1, 2, 2, 3, 4, 5], [2, 1, 3, 3, 5, 5])
    row = associations(frame, instrument=instrument, predictors="tijd",
                       outcomes="tevredenheid", ci_method="fieller", level=0.9).iloc[0]
    rho = 14.25 / math.sqrt(17 * 16.5)
    se = math.sqrt(1.06 / 3)
    q = stats.norm.ppf(0.95)
    assert row["ci_low"] == pytest.approx(math.tanh(math.atanh(rho) - q * se), abs=1e-12)
    assert row["ci_high"] == pytest.approx(math.tanh(math.atanh(rho) + q * se), abs=1e-12)
    assert row["ci_method"] == "fieller"


def test_tiny_and_constant_groups_give_nan_not_errors():
    frame, instrument = _pair_frame([1, 2, 3, 3, 3], [2, 1, 3, 4, 4])
    frame["situation"] = ["alpha", "alpha", "beta", "beta", "beta"]
    table = associations(frame, instrument=instrument, predictors="tijd",
                         outcomes="tevredenheid", by="situation")
    alpha = table[table["situation"] == "alpha"].iloc[0]
    beta = table[table["situation"] == "beta"].iloc[0]
    assert alpha["n"] == 2 and np.isnan(alpha["rho"]) and alpha["small_n"]
    assert beta["n"] == 3 and np.isnan(beta["rho"])          # x constant in beta
    pooled = table[table["situation"].isna()].iloc[0]
    assert pooled["n"] == 5 and np.isfinite(pooled["rho"]) and np.isfinite(pooled["ci_low"])


# --------------------------------------------------------------------------------------
# associations: against R and SciPy
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("ci_method", ["bonett_wright", "fieller"])
def test_associations_equal_r(survey, instrument, ci_method):
    table = associations(survey.drop(columns="beleid_kennis"), instrument=instrument,
                         by="situation", ci_method=ci_method)
    assert len(table) == len(EXPECTED["spearman"]) == 3 * 3 * 4
    for want in EXPECTED["spearman"]:
        scope = table["situation"].isna() if want["situation"] is None else \
            table["situation"] == want["situation"]
        got = table[(table["predictor"] == want["predictor"])
                    & (table["outcome"] == want["outcome"]) & scope]
        assert len(got) == 1, want
        got = got.iloc[0]
        assert got["n"] == want["n"]
        for column, key in (("rho", "rho"), ("p_value", "p_value"),
                            ("ci_low", f"ci_low_{ci_method}"),
                            ("ci_high", f"ci_high_{ci_method}")):
            expected = _none_to_nan(want[key])
            if np.isnan(expected):
                assert np.isnan(got[column]), (want, column)
            else:
                assert got[column] == pytest.approx(expected, rel=1e-9, abs=1e-12), \
                    (want, column)


def test_associations_match_scipy_and_exclude_dont_know(survey, instrument):
    table = associations(survey, instrument=instrument, predictors=["tijd"],
                         outcomes=["opbrengst_1"])
    x = survey["tijd"].astype("float64").to_numpy(copy=True)
    y = survey["opbrengst_1"].astype("float64").to_numpy(copy=True)
    x[x == 9] = np.nan          # weet niet
    y[y == 5] = np.nan          # geen zicht op
    keep = ~np.isnan(x) & ~np.isnan(y)
    want = stats.spearmanr(x[keep], y[keep])
    row = table.iloc[0]
    assert row["n"] == keep.sum()
    assert row["rho"] == pytest.approx(want.statistic, rel=1e-12)
    assert row["p_value"] == pytest.approx(want.pvalue, rel=1e-10)


def test_rank_correlation_is_spearmanr_to_the_last_bit():
    # associations() computes spearmanr's steps itself (it is called for every pair of
    # every scope); rho and p must be spearmanr's, bit for bit, ties and all
    rng = np.random.default_rng(7)
    checked = 0
    for i in range(1000):
        n = int(rng.integers(3, 300))
        x = rng.integers(1, int(rng.choice([3, 6, 1000])), n) / int(rng.integers(1, 4))
        y = rng.integers(1, int(rng.choice([3, 5, 8])), n).astype(float)
        if i % 4 == 0:
            y = np.where(rng.random(n) < 0.6, x, y)
        if i % 50 == 0:
            y = x if i % 100 else -x          # rho = +-1: p = 0
        if np.all(x == x[0]) or np.all(y == y[0]):
            continue
        want = stats.spearmanr(x, y)
        got = association_module._rank_correlation(x, y)
        assert repr(got) == repr((float(want.statistic), float(want.pvalue))), (n, i)
        assert np.array_equal(association_module._mid_ranks(x), stats.rankdata(x))
        checked += 1
    assert checked > 800


def test_default_predictors_and_outcomes_come_from_the_blocks(survey, instrument):
    table = associations(survey, instrument=instrument, by="situation", min_n=10)
    assert list(dict.fromkeys(table["predictor"])) == ["communicatie", "vertrouwen", "tijd"]
    # the 0/1 multi-select yield option is not an ordered outcome
    assert list(dict.fromkeys(table["outcome"])) == ["tevredenheid", "opbrengst_1",
                                                      "opbrengst_2"]
    assert set(table["predictor_block"]) == {"mechanism", "condition"}
    assert set(table["outcome_block"]) == {"satisfaction", "yield"}
    # pooled rows first within each pair, then the situations in sorted order
    first = table.iloc[:4]
    assert first["situation"].isna().tolist() == [True, False, False, False]
    assert first["situation"].tolist()[1:] == ["alpha", "beta", "gamma"]
    # the gamma group (5 schools) is flagged, not hidden
    gamma = table[table["situation"] == "gamma"]
    assert len(gamma) == 9 and gamma["small_n"].all()
    # a named binary outcome is allowed
    named = associations(survey, instrument=instrument, predictors="tijd",
                         outcomes="beleid_kennis")
    assert named["outcome_block"].iloc[0] == "yield" and np.isfinite(named["rho"].iloc[0])


def test_association_errors(survey, instrument):
    with pytest.raises(AnalysisError, match=r"neither a scale nor an item .*'zz'"):
        associations(survey, instrument=instrument, predictors=["zz"])
    with pytest.raises(AnalysisError, match=r"by: not a column of the data: 'provincie'"):
        associations(survey, instrument=instrument, by="provincie")
    with pytest.raises(AnalysisError, match=r"not a column of the data: 'tijd'"):
        associations(survey.drop(columns="tijd"), instrument=instrument, predictors="tijd")
    empty = survey.assign(tijd=pd.array([9] * len(survey), dtype="Int64"))
    with pytest.raises(AnalysisError, match=r"no complete cases.*'tijd'"):
        associations(empty, instrument=instrument, predictors="tijd")
    two_waves = pd.concat([survey, survey.assign(wave=2022)], ignore_index=True)
    with pytest.raises(AnalysisError, match=r"more than one wave \(2022, 2023\)"):
        associations(two_waves, instrument=instrument)
    with pytest.raises(OptionError, match=r"ci_method='wald'.*'bonett_wright', 'fieller'"):
        associations(survey, instrument=instrument, ci_method="wald")
    with pytest.raises(AnalysisError, match="level"):
        associations(survey, instrument=instrument, level=95)
    with pytest.raises(AnalysisError, match="min_n"):
        associations(survey, instrument=instrument, min_n=0)


def test_nominal_item_is_refused(survey, instrument):
    nominal = Instrument.model_validate({
        **association_instrument().model_dump(exclude_none=True),
        "response_sets": [rs.model_dump(exclude_none=True)
                          for rs in association_instrument().response_sets]
        + [{"id": "status", "ordered": False,
            "codes": [_code(1, "ja"), _code(2, "plannen"), _code(3, "nee")]}],
        "items": [i.model_dump(exclude_none=True) for i in association_instrument().items]
        + [{"id": "status", "block": "status", "text": {"nl": "?"}, "response_set": "status"}],
    })
    frame = survey.assign(status=pd.array([1] * len(survey), dtype="Int64"))
    with pytest.raises(AnalysisError, match=r"not numeric .*'status'"):
        associations(frame, instrument=nominal, predictors="status")


# --------------------------------------------------------------------------------------
# ordinal_model against MASS::polr
# --------------------------------------------------------------------------------------

def _check_against_polr(model: pd.DataFrame, want: dict, terms: list[str]) -> None:
    assert list(model.columns) == MODEL_COLUMNS
    assert model["term"].tolist() == terms
    np.testing.assert_allclose(model["log_odds"], want["log_odds"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(model["se"], want["se"], rtol=1e-5)
    np.testing.assert_allclose(model["odds_ratio"], want["odds_ratio"], rtol=1e-6)
    np.testing.assert_allclose(model["ci_low"], want["ci_low"], rtol=1e-5)
    np.testing.assert_allclose(model["ci_high"], want["ci_high"], rtol=1e-5)
    np.testing.assert_allclose(model["p_value"], want["p_value"], rtol=1e-3)
    assert (model["n"] == want["n"]).all()
    attrs = model.attrs
    assert attrs["n"] == want["n"]
    assert attrs["log_likelihood"] == pytest.approx(want["log_likelihood"], abs=1e-7)
    assert attrs["aic"] == pytest.approx(want["aic"], abs=1e-6)
    assert list(attrs["thresholds"]) == list(want["zeta"])
    np.testing.assert_allclose(list(attrs["thresholds"].values()),
                               list(want["zeta"].values()), rtol=0, atol=1e-6)
    assert attrs["converged"] is True and attrs["warnings"] == []


def test_ordinal_model_equals_polr_on_the_survey(survey, instrument):
    model = ordinal_model(survey, instrument=instrument)
    want = EXPECTED["polr_survey"]
    _check_against_polr(model, want, ["communicatie", "vertrouwen", "situation[beta]",
                                      "situation[gamma]"])
    assert model.attrs["log_likelihood_null"] == pytest.approx(want["log_likelihood_null"],
                                                               abs=1e-7)
    assert model.attrs["pseudo_r2"] == pytest.approx(
        1 - want["log_likelihood"] / want["log_likelihood_null"], abs=1e-9)
    assert model.attrs["reference_levels"] == {"situation": "alpha"}
    assert model.attrs["outcome"] == "tevredenheid"
    assert model.attrs["predictors"] == ["communicatie", "vertrouwen"]


def test_ordinal_model_equals_polr_on_mass_housing():
    """MASS::housing: polr(Sat ~ Infl + Type + Cont, weights = Freq), one row per person."""
    housing = pd.read_csv(REFERENCE / "housing_association.csv")
    people = housing.loc[housing.index.repeat(housing["Freq"])].reset_index(drop=True)
    order = {"Sat": ["Low", "Medium", "High"], "Infl": ["Low", "Medium", "High"],
             "Type": ["Tower", "Apartment", "Atrium", "Terrace"], "Cont": ["Low", "High"]}
    sat_codes = {label: code for code, label in enumerate(order["Sat"], start=1)}
    frame = pd.DataFrame({
        "respondent_id": [f"p{i}" for i in range(len(people))],
        "wave": pd.array([1] * len(people), dtype="Int64"),
        "sat": pd.array(people["Sat"].map(sat_codes), dtype="Int64"),
        **{name.lower(): pd.Categorical(people[name], categories=order[name])
           for name in ("Infl", "Type", "Cont")}})
    instrument = Instrument.model_validate({
        "name": "housing",
        "response_sets": [{"id": "lmh", "codes": [_code(1, "Low"), _code(2, "Medium"),
                                                   _code(3, "High")]}],
        "items": [{"id": "sat", "block": "satisfaction", "text": {"nl": "Sat"},
                   "response_set": "lmh"}]})
    model = ordinal_model(frame, instrument=instrument, predictors=(),
                          covariates=("infl", "type", "cont"))
    want = dict(EXPECTED["polr_housing"])
    want["zeta"] = dict(zip(["1|2", "2|3"], want["zeta"].values()))   # Low|Medium...
    _check_against_polr(model, want, ["infl[Medium]", "infl[High]", "type[Apartment]",
                                      "type[Atrium]", "type[Terrace]", "cont[High]"])
    # the published fit (Venables & Ripley, MASS 4th ed., sec. 7.3)
    np.testing.assert_allclose(model["log_odds"],
                               [0.5664, 1.2888, -0.5724, -0.3662, -1.0910, 0.3603], atol=1e-4)
    assert model.attrs["reference_levels"] == {"infl": "Low", "type": "Tower", "cont": "Low"}


def test_ordinal_model_on_the_mini_study_matches_polr():
    # R: polr(factor(tevredenheid, ordered = TRUE) ~ communicatie + situation, Hess = TRUE)
    # on the 14 collaborating schools of the mini study (MASS 7.3-58.2)
    study = image_synth.load_study(MINI)
    model = ordinal_model(study.survey, instrument=study.instrument,
                          predictors=["communicatie"])
    np.testing.assert_allclose(model["log_odds"], [1.8480855326, -0.7743510515], atol=1e-4)
    np.testing.assert_allclose(model["se"], [0.7020647998, 1.2211429567], rtol=1e-3)
    assert model.attrs["log_likelihood"] == pytest.approx(-14.93765128, abs=1e-6)


def test_ordinal_model_flags_separation_without_crashing(survey, instrument):
    frame = survey.copy()
    scores = scale_scores(frame, instrument=instrument)
    # satisfaction 6 exactly when communicatie is above 3, else 2: complete separation
    above = scores["communicatie"] > 3
    frame["tevredenheid"] = pd.array(np.where(above, 6, 2), dtype="Int64")
    with pytest.warns(RuntimeWarning, match="ordinal_model"):
        model = ordinal_model(frame, instrument=instrument, predictors=["communicatie"],
                              covariates=())
    assert model.attrs["converged"] is False
    assert model.attrs["warnings"]
    assert len(model) == 1


def test_ordinal_model_drops_a_covariate_with_one_level(survey, instrument):
    alpha = survey[survey["situation"] == "alpha"]
    with pytest.warns(RuntimeWarning, match="covariate 'situation' left out"):
        model = ordinal_model(alpha, instrument=instrument)
    assert model["term"].tolist() == ["communicatie", "vertrouwen"]
    assert model.attrs["dropped"] == ["situation"]


def test_ordinal_model_errors(survey, instrument):
    few = survey.iloc[:4]
    with pytest.raises(AnalysisError, match=r"too few cases .*complete cases for \d+ "
                                            r"parameters"):
        ordinal_model(few, instrument=instrument)
    none = survey.assign(tevredenheid=pd.array([pd.NA] * len(survey), dtype="Int64"))
    with pytest.raises(AnalysisError, match="no complete cases"):
        ordinal_model(none, instrument=instrument)
    one = survey.assign(tevredenheid=pd.array([4] * len(survey), dtype="Int64"))
    with pytest.raises(AnalysisError, match=r"outcome 'tevredenheid' has one category"):
        ordinal_model(one, instrument=instrument)
    with pytest.raises(AnalysisError, match=r"outcome 'communicatie' is not an item"):
        ordinal_model(survey, instrument=instrument, outcome="communicatie")
    with pytest.raises(AnalysisError, match=r"unordered response set"):
        ordinal_model(survey, instrument=instrument, outcome="beleid_kennis")
    with pytest.raises(AnalysisError, match=r"neither a scale nor an item .*'zz'"):
        ordinal_model(survey, instrument=instrument, predictors=["zz"])
    with pytest.raises(AnalysisError, match=r"covariates: not a column of the data: 'gemeente'"):
        ordinal_model(survey, instrument=instrument, covariates=["gemeente"])
    flat = survey.assign(tijd=pd.array([3] * len(survey), dtype="Int64"))
    with pytest.raises(AnalysisError, match=r"without variance .*'tijd'"):
        ordinal_model(flat, instrument=instrument, predictors=["tijd"])
    two_waves = pd.concat([survey, survey.assign(wave=2022)], ignore_index=True)
    with pytest.raises(AnalysisError, match="more than one wave"):
        ordinal_model(two_waves, instrument=instrument)


# --------------------------------------------------------------------------------------
# the R script and the examples
# --------------------------------------------------------------------------------------

def _r_ready() -> bool:
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(["Rscript", "-e", "library(MASS); library(jsonlite)"], check=False,
                           capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _r_ready(), reason="Rscript with MASS and jsonlite not available")
def test_r_script_reproduces_expected_json(tmp_path):
    out = tmp_path / "expected.json"
    subprocess.run(["Rscript", str(R_SCRIPT), str(out)], check=True, capture_output=True,
                   timeout=300)
    fresh = json.loads(out.read_text(encoding="utf-8"))
    for key in ("scale_scores", "spearman", "polr_survey", "polr_housing"):
        assert _close(fresh[key], EXPECTED[key]), key
    for name in ("survey_association.csv", "housing_association.csv"):
        assert (tmp_path / name).read_text() == (REFERENCE / name).read_text(), name


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
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = doctest.testmod(association_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
