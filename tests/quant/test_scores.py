"""Tests for image_synth.quant.numeric and image_synth.quant.scores.

Expected values come from hand calculations on a 4-respondent fixture, from R
(``reference/polr_association.R`` scores its synthetic survey with base R), and from a
naive row-by-row pandas implementation; never from the code under test.
"""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _support import MINI

import image_synth
import image_synth.quant.numeric as numeric_module
import image_synth.quant.scores as scores_module
from image_synth.errors import AnalysisError
from image_synth.quant.numeric import (
    is_numeric_item,
    item_range,
    numeric_columns,
    numeric_items,
    reverse_key,
)
from image_synth.quant.scores import scale_scores
from image_synth.study.models import Instrument

REFERENCE = Path(__file__).parent / "reference"
KEYS = ["respondent_id", "wave", "region", "situation", "sector"]


def _code(code: int, label: str, kind: str | None = None) -> dict:
    entry = {"code": code, "label": {"nl": label}}
    if kind:
        entry["non_numeric"] = kind
    return entry


def tiny_instrument(*, waves_t: tuple[int, ...] = ()) -> Instrument:
    """Scale s = a, b, c (c reversed), min_items 2; scale t = d, e, min_items 1."""
    return Instrument.model_validate({
        "name": "tiny",
        "response_sets": [
            {"id": "agree5", "codes": [_code(c, str(c)) for c in range(1, 6)]
             + [_code(9, "weet niet", "dont_know"), _code(8, "nvt", "not_applicable")]},
            {"id": "status", "ordered": False,
             "codes": [_code(1, "ja"), _code(2, "plannen"), _code(3, "nee")]},
            {"id": "selected", "ordered": False,
             "codes": [_code(0, "nee"), _code(1, "ja")]},
        ],
        "scales": [
            {"id": "s", "block": "mechanism", "label": {"nl": "S"}, "min_items": 2},
            {"id": "t", "block": "mechanism", "label": {"nl": "T"}, "min_items": 1,
             "waves": list(waves_t)},
        ],
        "items": [
            {"id": "status", "block": "status", "text": {"nl": "?"}, "response_set": "status"},
            {"id": "optie", "block": "yield", "text": {"nl": "?"}, "response_set": "selected"},
            {"id": "a", "block": "mechanism", "scale": "s", "text": {"nl": "a"},
             "response_set": "agree5"},
            {"id": "b", "block": "mechanism", "scale": "s", "text": {"nl": "b"},
             "response_set": "agree5"},
            {"id": "c", "block": "mechanism", "scale": "s", "reverse": True,
             "text": {"nl": "c"}, "response_set": "agree5"},
            {"id": "d", "block": "mechanism", "scale": "t", "text": {"nl": "d"},
             "response_set": "agree5"},
            {"id": "e", "block": "mechanism", "scale": "t", "text": {"nl": "e"},
             "response_set": "agree5"},
        ],
    })


def tiny_survey() -> pd.DataFrame:
    """Four respondents; the hand calculation of each score is in the tests."""
    na = pd.NA
    frame = pd.DataFrame({
        "respondent_id": ["r1", "r2", "r3", "r4"],
        "wave": pd.array([2023, 2023, 2023, 2022], dtype="Int64"),
        "region": ["A", "A", "B", "B"],
        "situation": ["x", "x", "y", "y"],
        "sector": ["po"] * 4,
        "status": [1, 1, 2, 3],
        "optie": [0, 1, 1, na],
        "a": [1, 9, 5, na],
        "b": [2, 4, 9, 3],
        "c": [5, na, 2, 1],
        "d": [2, 9, 5, 8],
        "e": [4, 9, na, 3],
    })
    for column in frame.columns[5:]:
        frame[column] = frame[column].astype("Int64")
    return frame


# --------------------------------------------------------------------------------------
# numeric_items, reverse_key, item_range
# --------------------------------------------------------------------------------------

def test_numeric_items_sets_dont_know_and_not_applicable_to_nan():
    out = numeric_items(tiny_survey(), tiny_instrument(), ["a", "d"])
    assert list(out.columns) == ["a", "d"]
    assert out.dtypes.eq("float64").all()
    np.testing.assert_array_equal(out["a"], [1.0, np.nan, 5.0, np.nan])   # 9 = weet niet
    np.testing.assert_array_equal(out["d"], [2.0, np.nan, 5.0, np.nan])   # 8 = nvt


def test_numeric_items_keeps_the_index():
    survey = tiny_survey().set_index(pd.Index([10, 20, 30, 40]))
    out = numeric_items(survey, tiny_instrument(), "b")
    assert list(out.index) == [10, 20, 30, 40]


def test_numeric_items_reverse_uses_the_numeric_codes_as_ends():
    out = numeric_items(tiny_survey(), tiny_instrument(), ["c"], reverse=True)
    # 1..5 (9 and 8 are not points): 5 -> 1, 2 -> 4, 1 -> 5
    np.testing.assert_array_equal(out["c"], [1.0, np.nan, 4.0, 5.0])
    plain = numeric_items(tiny_survey(), tiny_instrument(), ["c"])
    np.testing.assert_array_equal(plain["c"], [5.0, np.nan, 2.0, 1.0])


def test_numeric_items_default_takes_numeric_items_only():
    out = numeric_items(tiny_survey(), tiny_instrument())
    # status is nominal with three codes; the 0/1 option is numeric (a share)
    assert list(out.columns) == ["optie", "a", "b", "c", "d", "e"]


def test_numeric_items_lists_every_problem_at_once():
    survey = tiny_survey().drop(columns=["b"])
    with pytest.raises(AnalysisError) as info:
        numeric_items(survey, tiny_instrument(), ["zz", "b", "status"])
    message = str(info.value)
    assert "not an item of the instrument 'tiny': 'zz'" in message
    assert "not a column of the data: 'b'" in message
    assert "not numeric" in message and "'status'" in message


def test_numeric_items_refuses_codes_outside_the_response_set():
    survey = tiny_survey()
    survey.loc[0, "a"] = 7
    with pytest.raises(AnalysisError, match=r"item 'a' holds codes .* does not have: 7"):
        numeric_items(survey, tiny_instrument(), ["a"])


def test_numeric_items_refuses_text_columns():
    survey = tiny_survey()
    survey["a"] = ["1", "2", "3", "4"]
    with pytest.raises(AnalysisError, match=r"column 'a' does not hold answer codes"):
        numeric_items(survey, tiny_instrument(), ["a"])


def test_numeric_items_accepts_float_codes():
    survey = tiny_survey()
    survey["a"] = survey["a"].astype("float64")
    out = numeric_items(survey, tiny_instrument(), ["a"])
    np.testing.assert_array_equal(out["a"], [1.0, np.nan, 5.0, np.nan])


def test_reverse_key_on_arrays_series_and_scalars():
    np.testing.assert_array_equal(reverse_key(np.array([1.0, 2.0, np.nan, 5.0]), 1, 5),
                                  [5.0, 4.0, np.nan, 1.0])
    series = pd.Series([0.0, 3.0], index=["p", "q"])
    pd.testing.assert_series_equal(reverse_key(series, 0, 3), pd.Series([3.0, 0.0],
                                                                         index=["p", "q"]))
    assert reverse_key(2, 1, 7) == 6


@pytest.mark.parametrize("lo, hi, values, message", [
    (5, 1, [1.0], "scale_min < scale_max"),
    (1, 5, [0.0, 3.0], "outside the scale 1..5"),
])
def test_reverse_key_refuses_bad_arguments(lo, hi, values, message):
    with pytest.raises(AnalysisError, match=message):
        reverse_key(np.array(values), lo, hi)


def test_item_range_and_is_numeric_item():
    instrument = tiny_instrument()
    assert item_range(instrument, "a") == (1.0, 5.0)
    assert item_range(instrument, "optie") == (0.0, 1.0)
    assert is_numeric_item(instrument, "a") and is_numeric_item(instrument, "optie")
    assert not is_numeric_item(instrument, "status")
    with pytest.raises(AnalysisError, match="not an item"):
        item_range(instrument, "zz")


def test_numeric_columns_refuses_answer_codes_without_instrument():
    with pytest.raises(AnalysisError, match=r"value 'a' holds answer codes \(Int64\); pass "
                                            r"instrument="):
        numeric_columns(tiny_survey(), ["a"])
    values = numeric_columns(tiny_survey(), ["a"], instrument=tiny_instrument())
    np.testing.assert_array_equal(values["a"], [1.0, np.nan, 5.0, np.nan])


def test_numeric_columns_reports_missing_and_empty_columns():
    frame = pd.DataFrame({"x": [np.nan, np.nan], "y": [1.0, 2.0]})
    with pytest.raises(AnalysisError) as info:
        numeric_columns(frame, ["x", "zz", "y"], what="predictor")
    assert "predictor not a column of the data: 'zz'" in str(info.value)
    assert "no complete cases: predictor without any number: 'x'" in str(info.value)


# --------------------------------------------------------------------------------------
# scale_scores by hand
# --------------------------------------------------------------------------------------

def test_scale_scores_by_hand():
    out = scale_scores(tiny_survey(), instrument=tiny_instrument())
    assert list(out.columns) == KEYS + ["s", "t"]
    # s = mean(a, b, 6 - c), at least 2 answered; 9 (weet niet) is not an answer
    #   r1: a=1, b=2, c=5 -> 1        -> (1 + 2 + 1) / 3 = 4/3
    #   r2: a=9, b=4, c=NA            -> one answer < 2  -> NaN
    #   r3: a=5, b=9, c=2 -> 4        -> (5 + 4) / 2     = 4.5
    #   r4: a=NA, b=3, c=1 -> 5       -> (3 + 5) / 2     = 4
    np.testing.assert_allclose(out["s"], [4 / 3, np.nan, 4.5, 4.0])
    # t = mean(d, e), at least 1 answered; 8 (nvt) is not an answer
    #   r1: (2 + 4) / 2 = 3; r2: 9, 9 -> none -> NaN; r3: 5; r4: d=8, e=3 -> 3
    np.testing.assert_allclose(out["t"], [3.0, np.nan, 5.0, 3.0])
    assert out.attrs["min_items"] == {"s": 2, "t": 1}
    pd.testing.assert_frame_equal(out[KEYS], tiny_survey()[KEYS])


def test_scale_scores_min_items_override():
    out = scale_scores(tiny_survey(), instrument=tiny_instrument(), scales="s", min_items=3)
    assert out.attrs["min_items"] == {"s": 3}
    # with 3 required only r1 (a, b and c answered) has a score
    np.testing.assert_allclose(out["s"], [4 / 3, np.nan, np.nan, np.nan])


def test_scale_scores_min_items_above_item_count_is_refused():
    with pytest.raises(AnalysisError, match=r"scale 't': min_items=3 is outside 1..2"):
        scale_scores(tiny_survey(), instrument=tiny_instrument(), min_items=3)


def test_scale_scores_min_items_per_scale():
    out = scale_scores(tiny_survey(), instrument=tiny_instrument(), min_items={"s": 1})
    # r2 now scores on s with its one answer b = 4
    np.testing.assert_allclose(out["s"], [4 / 3, 4.0, 4.5, 4.0])
    np.testing.assert_allclose(out["t"], [3.0, np.nan, 5.0, 3.0])
    with pytest.raises(AnalysisError, match="min_items names scales that are not scored"):
        scale_scores(tiny_survey(), instrument=tiny_instrument(), min_items={"zz": 1})
    with pytest.raises(AnalysisError, match="whole number"):
        scale_scores(tiny_survey(), instrument=tiny_instrument(), min_items={"s": 1.5})


def test_scale_scores_selected_scales_in_order():
    out = scale_scores(tiny_survey(), instrument=tiny_instrument(), scales=["t", "s"])
    assert list(out.columns) == KEYS + ["t", "s"]
    out = scale_scores(tiny_survey(), instrument=tiny_instrument(), scales="t")
    assert list(out.columns) == KEYS + ["t"]


def test_scale_scores_respects_the_waves_of_a_scale():
    out = scale_scores(tiny_survey(), instrument=tiny_instrument(waves_t=(2023,)))
    # r4 answered in 2022, when t was not reported
    np.testing.assert_allclose(out["t"], [3.0, np.nan, 5.0, np.nan])


def test_scale_scores_unknown_scale_and_missing_item():
    with pytest.raises(AnalysisError, match=r"not a scale of the instrument 'tiny': 'zz'"):
        scale_scores(tiny_survey(), instrument=tiny_instrument(), scales=["zz"])
    with pytest.raises(AnalysisError, match=r"not a column of the data: 'c'"):
        scale_scores(tiny_survey().drop(columns="c"), instrument=tiny_instrument())


def test_scale_scores_equal_r():
    """Scores of the synthetic survey against base R (polr_association.R)."""
    expected = json.loads((REFERENCE / "polr_association_expected.json").read_text())
    from test_association import association_instrument, association_survey

    out = scale_scores(association_survey(), instrument=association_instrument())
    for scale in ("communicatie", "vertrouwen"):
        want = np.array([np.nan if v is None else v for v in expected["scale_scores"][scale]],
                        dtype="float64")
        np.testing.assert_allclose(out[scale].to_numpy(), want, rtol=0, atol=1e-12)


def test_scale_scores_equal_a_naive_row_by_row_implementation():
    rng = np.random.default_rng(7)
    instrument = tiny_instrument()
    n = 2_000
    survey = pd.DataFrame({"respondent_id": [f"r{i}" for i in range(n)],
                           "wave": pd.array([2023] * n, dtype="Int64"),
                           "region": "A", "situation": "x", "sector": "po"})
    for item in "abcde":
        codes = rng.choice([1, 2, 3, 4, 5, 8, 9], size=n).astype("float64")
        codes[rng.random(n) < 0.1] = np.nan
        survey[item] = pd.array(codes, dtype="Int64")

    def naive(row, items, reverse, min_items):
        values = []
        for item in items:
            code = row[item]
            if pd.isna(code) or code in (8, 9):
                continue
            values.append(6 - code if item in reverse else code)
        return sum(values) / len(values) if len(values) >= min_items else np.nan

    out = scale_scores(survey, instrument=instrument)
    want_s = survey.apply(naive, axis=1, args=("abc", {"c"}, 2))
    want_t = survey.apply(naive, axis=1, args=("de", set(), 1))
    np.testing.assert_allclose(out["s"], want_s.astype(float))
    np.testing.assert_allclose(out["t"], want_t.astype(float))


def test_scale_scores_on_the_mini_study():
    study = image_synth.load_study(MINI)
    out = scale_scores(study.survey, instrument=study.instrument)
    assert list(out.columns) == KEYS + ["communicatie", "vertrouwen"]
    assert len(out) == len(study.survey)
    # S001: com 2, 3, reversed 4 -> 2: (2 + 3 + 2) / 3; ver (2 + 3) / 2
    assert out.loc[0, "communicatie"] == pytest.approx(7 / 3)
    assert out.loc[0, "vertrouwen"] == pytest.approx(2.5)
    # not collaborating: no answers, no score
    assert out.loc[out["respondent_id"] == "S003", ["communicatie", "vertrouwen"]].isna().all(
        axis=None)


@pytest.mark.parametrize("module", [numeric_module, scores_module])
def test_docstring_examples_run(module, monkeypatch):
    monkeypatch.chdir(MINI.parents[2])
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
