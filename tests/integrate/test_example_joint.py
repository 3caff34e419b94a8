"""The report's pattern on the example study's joint displays (issue: integration).

* trust and willingness is mentioned in nearly all 2023 interviews of every situation
  and converges with a trust scale that is high;
* the situations with the lowest satisfaction (vso-vo, onderwijs-jeugdhulp) carry the
  lowest mechanism means;
* the conditions time and means appear as context in every situation's CMO table.

These are analysis-mode displays (every number, as an analyst sees it with publishing
off): two situations have fewer than five collaborating schools, whose survey cells a
published supplement hides.
"""

from __future__ import annotations

import pytest

import image_synth
from image_synth.integrate import cmo_table, joint_display

SITUATIONS = ("po_kinderopvang", "po_vo", "binnen_po", "binnen_vo", "vso_vo",
              "onderwijs_jeugdhulp")


@pytest.fixture(scope="module")
def study():
    return image_synth.load_study()


@pytest.fixture(scope="module")
def displays(study):
    return {s: joint_display(study, situation=s).set_index("row_id") for s in SITUATIONS}


@pytest.mark.parametrize("situation", SITUATIONS)
def test_trust_mentioned_nearly_everywhere_and_converging(displays, situation):
    trust = displays[situation].loc["scale:vertrouwen"]
    assert trust["k_sources"] / trust["n_sources"] >= 0.8
    assert trust["prom_survey"] == "high"        # mean >= 3.5 on the 1-5 scale
    assert trust["mean"] >= 3.5
    assert trust["conv_survey_interviews"] == "agreement"


def test_lowest_satisfaction_carries_lowest_mechanism_means(displays):
    satisfaction = {s: d["satisfaction_mean"].iloc[0] for s, d in displays.items()}
    lowest = sorted(satisfaction, key=satisfaction.get)[:2]
    assert set(lowest) == {"vso_vo", "onderwijs_jeugdhulp"}
    mechanisms = [r for r in displays["po_vo"].index if r.startswith("scale:")]
    assert len(mechanisms) == 5
    for row in mechanisms:
        means = {s: d.loc[row, "mean"] for s, d in displays.items()}
        assert set(sorted(means, key=means.get)[:2]) == set(lowest), (row, means)


@pytest.mark.parametrize("situation", SITUATIONS)
def test_time_and_means_are_context_in_every_cmo_table(study, situation):
    table = cmo_table(study, situation=situation).set_index("element")
    for element in ("item:voldoende_tijd", "item:voldoende_middelen"):
        assert table.loc[element, "cmo"] == "context"
        assert table.loc[element, "n"] > 0 and table.loc[element, "k_sources"] > 0
        assert "interviews:" in table.loc[element, "evidence"]


def test_grouping_codes_are_not_elements(study):
    table = cmo_table(study, situation="po_vo")
    assert "code:belemmerende_factoren" not in set(table["element"])
