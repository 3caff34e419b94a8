"""Each convergence rule pinned on a hand-made fixture; the override file."""

from __future__ import annotations

import pandas as pd
import pytest

from image_synth.errors import AnalysisError, DataValidationError
from image_synth.integrate.convergence import (ConvergenceRules, apply_overrides, converge,
                                               load_overrides, prominence_mentions,
                                               prominence_survey, rules_text)

RULES = ConvergenceRules()


def _pair(mean, n, k, n_sources, scale=None):
    return converge(prominence_survey(mean, n, rules=RULES, scale=scale),
                    prominence_mentions(k, n_sources, rules=RULES))


def test_agreement_high_high():
    # trust: survey mean 3.9 (>= 3.5, high); 20 of 21 interviews (0.95 >= 0.5, high)
    assert _pair(3.9, 59, 20, 21) == "agreement"


def test_agreement_low_low():
    # mean 2.1 (<= 2.5, low); 1 of 21 interviews (0.048 < 0.2, low)
    assert _pair(2.1, 40, 1, 21) == "agreement"


def test_partial_agreement_medium_high():
    # mean 3.3 (between 2.5 and 3.5: medium); 12 of 21 (0.57: high)
    assert _pair(3.3, 59, 12, 21) == "partial_agreement"


def test_partial_agreement_medium_low():
    # mean 3.0 medium; 2 of 21 (0.095) low
    assert _pair(3.0, 59, 2, 21) == "partial_agreement"


def test_dissonance_high_low():
    # mean 4.2 high; 0 of 21 interviews mention it: low
    assert _pair(4.2, 59, 0, 21) == "dissonance"


def test_silence_when_no_item_or_no_sources():
    assert _pair(None, None, 15, 21) == "silence"      # a code with no survey item
    assert _pair(3.9, 59, 0, 0) == "silence"           # no interviews in scope
    assert converge(None, None) == "silence"


def test_silence_below_min_n():
    rules = ConvergenceRules(min_n=5)
    assert prominence_survey(4.5, 3, rules=rules) is None
    assert prominence_survey(4.5, 5, rules=rules) == "high"


def test_thresholds_map_onto_a_seven_point_scale():
    # 3.5 on 1-5 is 5.5 on 1-7: (3.5-1)/(5-1)*(7-1)+1 = 4.75; 2.5 -> 3.25
    assert prominence_survey(4.75, 59, rules=RULES, scale=(1, 7)) == "high"
    assert prominence_survey(4.74, 59, rules=RULES, scale=(1, 7)) == "medium"
    assert prominence_survey(3.25, 59, rules=RULES, scale=(1, 7)) == "low"


def test_boundaries_are_inclusive_as_stated():
    assert prominence_mentions(10, 20, rules=RULES) == "high"      # exactly 0.5
    assert prominence_mentions(4, 20, rules=RULES) == "medium"     # exactly 0.2
    assert prominence_mentions(3, 20, rules=RULES) == "low"


def test_rules_are_checked_and_printable():
    with pytest.raises(AnalysisError, match="survey_low"):
        ConvergenceRules(survey_low=4, survey_high=3)
    assert "0.5" in rules_text(RULES) or "50%" in rules_text(RULES)
    assert "stilte" in rules_text(RULES, lang="nl")


DISPLAY = pd.DataFrame({"row_id": ["scale:vertrouwen", "item:voldoende_tijd"],
                        "situation": ["po_vo", "po_vo"],
                        "conv_survey_interviews": ["agreement", "dissonance"]})
PAIRS = {"survey~interviews": "conv_survey_interviews"}


def test_override_file(tmp_path):
    path = tmp_path / "overrides.yaml"
    path.write_text("""overrides:
  - row: item:voldoende_tijd
    situation: po_vo
    pair: survey~interviews
    code: partial_agreement
    rationale: Interviews noemen tijd als knelpunt van het project, de survey vraagt naar de school.
    author: A. Analist
    date: 2024-03-01
""")
    out = apply_overrides(DISPLAY, load_overrides(path), pair_columns=PAIRS)
    assert out["conv_survey_interviews"].tolist() == ["agreement", "partial_agreement"]
    assert out["conv_survey_interviews_set_by"].tolist() == ["computed", "analyst"]
    assert "A. Analist" in out.loc[1, "conv_survey_interviews_rationale"]


def test_override_without_rationale_is_an_error(tmp_path):
    path = tmp_path / "overrides.yaml"
    path.write_text("overrides:\n  - {row: 'scale:vertrouwen', situation: po_vo, "
                    "code: dissonance, author: X, date: 2024-03-01}\n")
    with pytest.raises(DataValidationError) as info:
        load_overrides(path)
    problem = info.value.problems[0]
    assert problem.row == "overrides[0].rationale"
    assert "overrides.yaml" in str(info.value)


def test_override_pointing_at_nothing(tmp_path):
    path = tmp_path / "overrides.yaml"
    path.write_text("overrides:\n  - {row: 'scale:samenwerking', situation: po_vo, code: "
                    "dissonance, rationale: 'Een oude regel die niet meer bestaat.', "
                    "author: X, date: 2024-03-01}\n")
    with pytest.raises(DataValidationError, match="scale:samenwerking in po_vo"):
        apply_overrides(DISPLAY, load_overrides(path), pair_columns=PAIRS)
