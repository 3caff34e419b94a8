"""CMO table, statistics by themes, evidence map and meta-inference checks on the mini
study, against counts made by hand from its CSV files."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

import image_synth
from image_synth.errors import DataValidationError
from image_synth.integrate import (check_meta_inferences, cmo_table, evidence_map,
                                   evidence_matrix, survey_by_theme, themes_by_survey)

from _support import MINI


@pytest.fixture(scope="module")
def study():
    return image_synth.load_study(MINI)


@pytest.fixture(scope="module")
def collab():
    raw = pd.read_csv(MINI / "survey_2023.csv", sep=";")
    return raw[raw["status"] == 1]


def test_cmo_roles_and_evidence(study, collab):
    table = cmo_table(study, situation="binnen_po").set_index("element")
    # context: the time condition and the hindering factor staff shortage (INT2023_B)
    assert table.loc["item:tijd", "cmo"] == "context"
    assert table.loc["code:personeelstekort", "cmo"] == "context"
    assert table.loc["code:personeelstekort", "evidence"] == "interviews: 1 of 2 (INT2023_B)"
    # mechanisms: trust is mentioned by both binnen_po interviews (A and B)
    assert (table.loc["scale:vertrouwen", "k_sources"],
            table.loc["scale:vertrouwen", "n_sources"]) == (2, 2)
    # outcome: satisfaction of the 8 collaborating binnen_po schools
    sat = collab.loc[collab["situation"] == "binnen_po", "tevredenheid"]
    assert table.loc["item:tevredenheid", "n"] == len(sat) == 8
    assert table.loc["item:tevredenheid", "mean"] == pytest.approx(sat.mean())
    # order: context rows, then mechanisms, then outcomes
    assert list(dict.fromkeys(table["cmo"])) == ["context", "mechanism", "outcome"]


def test_every_cmo_element_cites_evidence(study):
    table = cmo_table(study)
    assert (table["evidence"].str.len() > 0).all()


def test_survey_by_theme(study, collab):
    # every region's interviews mention trust: all 14 collaborating schools are 'mentioned'
    result = survey_by_theme(study, code="vertrouwen_bereidheid", value="tevredenheid")
    mentioned = result.set_index("group").loc["mentioned"]
    assert mentioned["groups"] == "A;B;G" and mentioned["n"] == 14
    assert mentioned["mean"] == pytest.approx(collab["tevredenheid"].mean())
    # regular communication is only mentioned in G (po_vo)
    result = survey_by_theme(study, code="regelmatig_communiceren", value="tevredenheid")
    by = result.set_index("group")
    assert by.loc["mentioned", "groups"] == "G"
    assert by.loc["not_mentioned", "groups"] == "A;B"


def test_themes_by_survey(study, collab):
    means = collab.groupby("region")["tevredenheid"].mean()
    threshold = means.median()
    high = sorted(means[means > threshold].index)
    result = themes_by_survey(study, value="tevredenheid", codes=["vertrouwen_bereidheid"])
    row = result.set_index("group").loc["high"]
    assert row["groups"] == ";".join(high)
    assert row["threshold"] == pytest.approx(threshold)
    # interviews of the high regions mentioning trust, counted by hand from segments_2023.csv
    mentioning = {"A": 1, "B": 1, "G": 1}
    interviews = {"A": 1, "B": 1, "G": 2}
    assert row["k_sources"] == sum(mentioning[r] for r in high)
    assert row["n_sources"] == sum(interviews[r] for r in high)


def test_evidence_map(study, collab):
    evidence = evidence_map(study)
    matrix = evidence_matrix(evidence)
    # survey: 14 of the 20 schools answered a trust item (the collaborating ones)
    assert matrix.loc["vertrouwen_bereidheid", "survey"] == pytest.approx(14 / 20)
    # interviews: 3 of 4 mention trust
    assert matrix.loc["vertrouwen_bereidheid", "interview"] == pytest.approx(3 / 4)
    # staff shortage links to no survey item
    assert matrix.loc["personeelstekort", "survey"] == 0


def test_meta_inference_pointing_at_nothing(mini_study):
    (mini_study / "meta.yaml").write_text(yaml.safe_dump({"meta_inferences": [
        {"id": "m1", "text": "Vertrouwen groeit.", "type": "confirms",
         "rows": ["scale:vertrouwen", "scale:samenwerking"], "situation": "po_vo",
         "author": "A", "date": "2024-01-05"}]}))
    data = yaml.safe_load((mini_study / "study.yaml").read_text())
    data["meta_inferences"] = "meta.yaml"
    (mini_study / "study.yaml").write_text(yaml.safe_dump(data))
    study = image_synth.load_study(mini_study)
    with pytest.raises(DataValidationError) as info:
        check_meta_inferences(study)
    (problem,) = info.value.problems
    assert (problem.column, problem.value) == ("rows", "scale:samenwerking")
    assert "m1" in str(problem.row)
