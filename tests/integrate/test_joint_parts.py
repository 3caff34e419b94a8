"""The joint display's and evidence map's shortcuts agree with the general functions.

The joint display counts mentions and classifies change from one pass over the rows'
segments instead of calling :func:`image_synth.qual.mentions` and
:func:`image_synth.qual.change_between_waves` per source type; picks its exemplar quotes
without :func:`image_synth.qual.quote_matrix`; takes the answered targets from the rows'
n instead of :func:`image_synth.quant.association.answered_variables`; slices a wave out
of the survey when the wave's rows are one block. The evidence map converts every linked
item once. Each shortcut is checked here against the general route on hand-made data
with the awkward cases: a source without a wave, a third wave, a segment counting for two
rows, a row nobody mentions, quotes without a start or text, an item named like a scale,
waves not stored in blocks.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import image_synth
from image_synth import columns as C
from image_synth.errors import AnalysisError
from image_synth.integrate import evidence_map
from image_synth.integrate.joint import (_answered_targets, _change, _mention_stats, _quotes,
                                         _source_ids, _sources_by_code, _survey_of_wave,
                                         mention_row_stats, survey_row_stats)
from image_synth.integrate.rows import display_rows, row_segments
from image_synth.qual import Pseudonymiser, change_between_waves, mentions, quote_matrix
from image_synth.quant.association import answered_variables
from image_synth.quant.numeric import numeric_items
from image_synth.study.models import Instrument

from _support import MINI

ROWS = pd.DataFrame({"row_id": ["scale:trust", "item:time", "code:shortage", "code:silent"],
                     "codes": [("trust", "trust_child"), ("time", "trust_child"),
                               ("shortage",), ("silent",)]})

SOURCES = pd.DataFrame({
    C.SOURCE_ID: ["I22a", "I22b", "I23a", "I23b", "I23c", "I21a", "Inone", "M23", "L"],
    C.SOURCE_TYPE: ["interview"] * 7 + ["reflection_meeting", "literature"],
    C.WAVE: pd.array([2022, 2022, 2023, 2023, 2023, 2021, None, 2023, None], dtype="Int64"),
})

SEGMENTS = pd.DataFrame({
    C.SEGMENT_ID: [f"s{i}" for i in range(12)],
    C.SOURCE_ID: ["I22a", "I22a", "I23a", "I23a", "I23b", "I23c", "I22b", "Inone", "M23",
                  "L", "I21a", "I23c"],
    # trust twice in I22a; trust_child counts for two rows; shortage only in 2021
    C.CODE: ["trust", "trust", "trust", "trust_child", "time", "trust", "time", "time",
             "trust", "trust", "shortage", "trust_child"],
})


def _by_mentions(segments, sources, rows, *, source_type, wave):
    """The counts as :func:`mentions` gives them, one source type at a time."""
    sources = sources[sources[C.SOURCE_TYPE] == source_type]
    if wave is not None:
        sources = sources[(sources[C.WAVE] == wave) | sources[C.WAVE].isna()]
    segs = row_segments(segments, rows)
    segs = segs[segs[C.SOURCE_ID].isin(sources[C.SOURCE_ID])]
    tally = (mentions(segs, sources, by=(), rollup="code").set_index(C.CODE)[C.K_SOURCES]
             if len(sources) and len(segs) else pd.Series(dtype="int64"))
    ids = segs.groupby(C.CODE)[C.SOURCE_ID].apply(lambda s: ";".join(sorted(set(s))))
    return [(r, int(tally.get(r, 0)), len(sources), ids.get(r, "")) for r in rows["row_id"]]


@pytest.mark.parametrize("source_type, wave", [("interview", 2023), ("interview", 2022),
                                               ("interview", None),
                                               ("reflection_meeting", 2023),
                                               ("literature", None),
                                               ("external_study", None)])
def test_mention_stats_count_as_mentions_does(source_type, wave):
    got = _mention_stats(_sources_by_code(row_segments(SEGMENTS, ROWS)),
                         _source_ids(SOURCES, source_type, wave), ROWS)
    want = _by_mentions(SEGMENTS, SOURCES, ROWS, source_type=source_type, wave=wave)
    assert list(zip(got["row_id"], got[C.K_SOURCES], got[C.N_SOURCES],
                    got["source_ids"])) == want


def test_mention_stats_by_hand():
    got = _mention_stats(_sources_by_code(row_segments(SEGMENTS, ROWS)),
                         _source_ids(SOURCES, "interview", 2023), ROWS).set_index("row_id")
    # 2023 and wave-less interviews: I23a, I23b, I23c, Inone
    assert got.loc["scale:trust", "source_ids"] == "I23a;I23c"
    assert got.loc["item:time", "source_ids"] == "I23a;I23b;I23c;Inone"
    assert got[C.N_SOURCES].eq(4).all()
    assert got.loc["code:silent", C.K_SOURCES] == 0


@pytest.mark.parametrize("waves", [(2022, 2023), (2021, 2023), (2021, 2022)])
def test_change_classes_as_change_between_waves(waves):
    previous, wave = waves
    segs = row_segments(SEGMENTS, ROWS)
    got = _change(_sources_by_code(segs), SOURCES, ROWS, wave, previous)
    interviews = SOURCES[SOURCES[C.SOURCE_TYPE] == "interview"]
    segs = segs[segs[C.SOURCE_ID].isin(interviews[C.SOURCE_ID])]
    found = change_between_waves(segs, interviews, waves=waves, by=()) \
        .set_index(C.CODE)["change"]
    want = pd.Series([found.get(r) if r in found.index else None for r in ROWS["row_id"]],
                     index=ROWS["row_id"])
    pd.testing.assert_series_equal(got, want, check_exact=True)
    # a row mentioned in an interview of any wave gets a class; one nobody mentions none
    assert pd.isna(got["code:silent"]) and not pd.isna(got["code:shortage"])


def test_change_without_a_previous_wave_or_its_interviews():
    by_row = _sources_by_code(row_segments(SEGMENTS, ROWS))
    assert _change(by_row, SOURCES, ROWS, 2023, None).isna().all()
    assert _change(by_row, SOURCES, ROWS, 2023, 2020).isna().all()
    assert _change({}, SOURCES, ROWS, 2023, 2022).isna().all()


@pytest.mark.parametrize("waves", [[2022, 2022, 2023, 2023, 2023],
                                   [2023, 2022, 2023, None, 2023],
                                   [None, 2023, 2023, 2022, 2022],
                                   [2022, 2022, 2022, 2022, 2022]])
def test_a_wave_sliced_or_selected_is_the_same(waves):
    survey = pd.DataFrame({C.RESPONDENT_ID: list("abcde"),
                           C.WAVE: pd.array(waves, dtype="Int64"),
                           "x": pd.array([1, 2, None, 4, 5], dtype="Int64")},
                          index=[10, 11, 12, 13, 14])
    survey.attrs["ignored_columns"] = []
    for wave in (2022, 2023, 2024):
        want = survey[survey[C.WAVE] == wave]
        got = _survey_of_wave(survey, wave)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert got.attrs == want.attrs


@pytest.fixture(scope="module")
def study():
    return image_synth.load_study(MINI)


def test_mention_row_stats_of_the_mini_study(study):
    rows = display_rows(study.instrument, study.codebook)
    got = mention_row_stats(study, rows, source_type="interview", wave=2023)
    want = _by_mentions(study.segments, study.sources, rows, source_type="interview",
                        wave=2023)
    assert list(zip(got["row_id"], got[C.K_SOURCES], got[C.N_SOURCES],
                    got["source_ids"])) == want


def test_intervals_use_each_rows_own_quantile(study):
    rows = display_rows(study.instrument, study.codebook)
    table = survey_row_stats(study.survey, study, rows, level=0.9)
    assert (table[C.N] >= 2).all()
    for n, mean, sd, low, high in zip(table[C.N], table[C.MEAN], table[C.SD],
                                      table[C.CI_LOW], table[C.CI_HIGH]):
        half = stats.t.ppf(0.95, n - 1) * sd / np.sqrt(n)
        assert (low, high) == (mean - half, mean + half)


def test_evidence_map_raises_for_the_first_code_whose_items_fail(study):
    # unknown codes in a trust item and in the time item: the first code with a linked
    # item that fails (trust, then communication, then time) names only its own items
    survey = study.survey.copy()
    survey.loc[0, "ver_1"] = 7
    survey.loc[0, "tijd"] = 8
    broken = dataclasses.replace(study, survey=survey)
    trust = [i.id for i in study.instrument.scale_items("vertrouwen")]
    with pytest.raises(AnalysisError) as expected:
        numeric_items(survey, study.instrument, items=trust)
    with pytest.raises(AnalysisError) as got:
        evidence_map(broken)
    assert str(got.value) == str(expected.value)
    assert "'ver_1'" in str(got.value) and "'tijd'" not in str(got.value)


def _answered_by_the_general_route(survey, study, rows):
    targets = [t for t in rows["target"] if isinstance(t, str)]
    return answered_variables(survey, instrument=study.instrument, names=targets)


def test_answered_targets_from_the_rows_n_in_every_region():
    study = image_synth.load_study()
    rows = display_rows(study.instrument, study.codebook)
    survey = study.survey[study.survey[C.WAVE] == 2023]
    for region in [None] + [r.id for r in study.config.regions]:
        scope = survey if region is None else survey[survey[C.REGION] == region]
        now = survey_row_stats(scope, study, rows)
        assert _answered_targets(scope, study, rows, now) == \
            _answered_by_the_general_route(scope, study, rows), region


def test_answered_targets_when_an_item_shares_its_id_with_a_scale(study):
    # a scale 'tijd' (com_3 alone) beside the condition item 'tijd', which two schools
    # answer with a number: answered_variables() counts the scale, not the item
    spec = study.instrument.model_dump()
    spec["scales"] = [*spec["scales"], {"id": "tijd", "block": "extra", "min_items": 1,
                                        "label": {"nl": "Tijd (schaal)"}}]
    spec["items"] = [{**item, "scale": "tijd"} if item["id"] == "com_3" else item
                     for item in spec["items"]]
    instrument = Instrument.model_validate(spec)
    survey = study.survey.copy()
    answered = survey.index[survey["tijd"].isin([1, 2, 3, 4, 5])]
    survey.loc[answered[2:], "tijd"] = 9
    clash = dataclasses.replace(study, instrument=instrument, survey=survey)
    rows = display_rows(clash.instrument, clash.codebook)
    assert "item:tijd" in set(rows["row_id"])
    now = survey_row_stats(survey, clash, rows)
    assert now.set_index("row_id").loc["item:tijd", C.N] == 2
    got = _answered_targets(survey, clash, rows, now)
    assert got == _answered_by_the_general_route(survey, clash, rows)
    assert "tijd" in got


def _quotes_by_quote_matrix(study, row_segs, rows, wave):
    """The exemplar quotes as quote_matrix() picks and pseudonymises them."""
    sources = study.sources[(study.sources[C.SOURCE_TYPE] == "interview")
                            & (study.sources[C.WAVE] == wave)]
    segs = row_segs[row_segs[C.SOURCE_ID].isin(sources[C.SOURCE_ID])]
    pseudo = Pseudonymiser({k: list(v) for k, v in study.pseudonyms.items()}, detector="rules")
    quotes = quote_matrix(segs, sources, by=None, max_per_cell=1, pseudonymiser=pseudo)
    found = quotes.set_index(C.CODE)
    shown = [(found.loc[r, C.QUOTE], found.loc[r, C.SOURCE_ID], bool(found.loc[r, C.SYNTHETIC]))
             if r in found.index else ("", "", False) for r in rows["row_id"]]
    return pd.DataFrame({"row_id": rows["row_id"], C.QUOTE: [q[0] for q in shown],
                         "quote_source_id": [q[1] for q in shown],
                         "quote_synthetic": [q[2] for q in shown]})


def test_quotes_pick_and_pseudonymise_as_quote_matrix_does(study):
    sources = pd.DataFrame({
        C.SOURCE_ID: ["A", "B", "C", "D", "E"], C.SOURCE_TYPE: "interview",
        C.WAVE: pd.array([2023, 2023, 2023, 2023, 2022], dtype="Int64"),
        C.SYNTHETIC: [False, False, True, None, False]})
    segments = pd.DataFrame({
        C.SEGMENT_ID: ["a1", "a2", "b1", "c1", "b2", "c2", "c3", "d1", "d10", "d9", "e1",
                       "b3"],
        C.SOURCE_ID: ["A", "A", "B", "C", "B", "C", "C", "D", "D", "D", "E", "B"],
        C.CODE: ["x", "x", "x", "x", "y", "y", "y", "y", "w", "w", "z", "xy"],
        C.START: pd.array([50, 10, 5, 0, 1, None, 3, 0, None, None, 0, 7], dtype="Int64"),
        C.QUOTE: ["Eerste van A.", "Met meneer Pietersen in Zwolle.", "Van B.", "Van C.",
                  "  ", "Zonder begin.", "Van C, met begin.", "Van D.",
                  "Jan Bakker, d10.", "d9", "Van E.", "Ook Pietersen was er, twee rijen."]})
    rows = pd.DataFrame({"row_id": ["scale:x", "item:y", "code:z", "code:w", "code:none"],
                         "codes": [("x", "xy"), ("y", "xy"), ("z",), ("w",), ("none",)]})
    hand = dataclasses.replace(study, sources=sources, segments=segments,
                               pseudonyms={"persoon": ("Jan Bakker",)})
    row_segs = row_segments(segments, rows)
    got = _quotes(hand, row_segs, rows, 2023)
    want = _quotes_by_quote_matrix(hand, row_segs, rows, 2023)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    got = got.set_index("row_id")
    # A's earliest passage; C's passage with a start before the one without; B's blank
    # quote skipped; the 2022 interview not shown; no start: segment id order
    assert got.loc["scale:x", "quote_source_id"] == "A"
    assert got.loc["item:y", "quote_source_id"] == "B"
    assert got.loc["code:w", "quote"].endswith("d10.")
    assert got.loc["code:z", "quote"] == ""
    # quotes are pseudonymised in row id order: item:y before scale:x, where "meneer"
    # makes Pietersen a person the pseudonymiser then remembers
    assert got.loc["scale:x", "quote"] == "Met meneer [persoon] in [plaats]."
    assert got.loc["item:y", "quote"] == "Ook [naam] was er, twee rijen."


def test_quotes_of_the_mini_study(study):
    rows = display_rows(study.instrument, study.codebook)
    row_segs = row_segments(study.segments, rows)
    pd.testing.assert_frame_equal(_quotes(study, row_segs, rows, 2023),
                                  _quotes_by_quote_matrix(study, row_segs, rows, 2023),
                                  check_exact=True)
