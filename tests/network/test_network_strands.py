"""The drawings beside the other strands: each situation's satisfaction and mechanism
means next to its drawings' structure classes (example study)."""

from __future__ import annotations

import pandas as pd
import pytest

import image_synth
from image_synth.integrate import situation_stats
from image_synth.network import compare, measures


@pytest.fixture(scope="module")
def study():
    return image_synth.load_study()


def test_structure_beside_satisfaction(study):
    stats = situation_stats(study)
    table = compare(measures(study.drawings), stats)
    assert len(table) == 8
    p = table.set_index("region").loc["P"]
    assert p["structure"] == "star"
    # Table 6: onderwijs-jeugdhulp satisfaction 3.83 over 12 schools
    assert p["satisfaction_mean"] == pytest.approx(46 / 12)
    assert p["satisfaction_n"] == 12
    c = table.set_index("region").loc["C"]
    assert c["satisfaction_mean"] == pytest.approx(64 / 11)   # binnen_po 5.82
    assert {"vertrouwen_mean", "communicatie_mean"} <= set(table.columns)


def test_situation_stats_against_a_direct_count(study):
    stats = situation_stats(study).set_index("situation")
    survey = study.survey[(study.survey["wave"] == 2023)]
    sat = survey["tevredenheid"].astype("Float64")
    direct = sat.groupby(survey["situation"]).mean()
    pd.testing.assert_series_equal(stats["satisfaction_mean"].astype(float),
                                   direct.astype(float).reindex(stats.index),
                                   check_names=False)
