"""change_between_waves(): one hand-built fixture per change class.

Ten interviews per wave; code X is mentioned by the first k sources of each wave, so
k and n are known by construction and each class follows from the rules by hand:

=========  =======  =======  ==========  =====================  =====================
code       2022     2023     abs diff    diff / larger share    class
=========  =======  =======  ==========  =====================  =====================
nieuw      0 / 10   1 / 10   -           -                      new (1 source is enough)
weg        2 / 10   0 / 10   -           -                      no_longer_mentioned
meer       2 / 10   6 / 10   0.40        0.40 / 0.60 = 0.67     more
minder     8 / 10   3 / 10   0.50        0.50 / 0.80 = 0.625    less
gelijk     5 / 10   6 / 10   0.10        (fails abs)            stable
hoog       7 / 10   10 / 10  0.30        0.30 / 1.00 = 0.30     stable (fails rel)
stil       0 / 10   0 / 10   -           -                      stable (never mentioned)
=========  =======  =======  ==========  =====================  =====================
"""

from __future__ import annotations

import pandas as pd
import pytest

from image_synth.errors import AnalysisError
from image_synth.qual import change_between_waves, change_rules
from image_synth.qual.change import classify_change

SPEC = {  # code: (k 2022, k 2023)
    "nieuw": (0, 1), "weg": (2, 0), "meer": (2, 6), "minder": (8, 3), "gelijk": (5, 6),
    "hoog": (7, 10), "stil": (0, 0),
}
EXPECTED = {"nieuw": "new", "weg": "no_longer_mentioned", "meer": "more", "minder": "less",
            "gelijk": "stable", "hoog": "stable", "stil": "stable"}


def build(spec, n=(10, 10), waves=(2022, 2023), situation=None):
    sources, segments = [], []
    for wave, size, index in ((waves[0], n[0], 0), (waves[1], n[1], 1)):
        for i in range(size):
            sid = f"{wave}-{i}"
            sources.append({"source_id": sid, "source_type": "interview", "wave": wave,
                            "situation": situation[wave] if situation else "po_vo"})
            for code, ks in spec.items():
                if i < ks[index]:
                    segments.append({"segment_id": f"{sid}-{code}", "source_id": sid,
                                     "code": code})
    codebook = pd.DataFrame({"code": list(spec), "parent": pd.NA,
                             "category": "working_factor"})
    return pd.DataFrame(segments), pd.DataFrame(sources), codebook


@pytest.fixture
def result():
    segments, sources, codebook = build(SPEC)
    return change_between_waves(segments, sources, codebook=codebook)


def test_columns(result):
    assert list(result.columns) == [
        "code", "wave_before", "wave_after", "k_before", "n_before", "share_before",
        "k_after", "n_after", "share_after", "share_diff", "relative_diff", "change", "rule"]
    assert list(result["code"]) == list(SPEC)  # codebook order


@pytest.mark.parametrize("code", list(SPEC))
def test_each_class(result, code):
    row = result.set_index("code").loc[code]
    assert row["change"] == EXPECTED[code]
    assert (row["k_before"], row["k_after"]) == SPEC[code]
    assert (row["n_before"], row["n_after"]) == (10, 10)
    assert (row["wave_before"], row["wave_after"]) == (2022, 2023)


def test_numbers_and_rule_text(result):
    row = result.set_index("code").loc["minder"]
    assert row["share_before"] == pytest.approx(0.8)
    assert row["share_after"] == pytest.approx(0.3)
    assert row["share_diff"] == pytest.approx(-0.5)
    assert row["relative_diff"] == pytest.approx(0.625)
    assert row["rule"].startswith("less:")
    hoog = result.set_index("code").loc["hoog"]
    assert "30%" not in hoog["rule"] and "50% of the larger share" in hoog["rule"]
    assert "absolute" not in hoog["rule"]  # the absolute difference passed
    gelijk = result.set_index("code").loc["gelijk"]["rule"]
    assert "absolute difference below 0.15" in gelijk
    assert pd.isna(result.set_index("code").loc["stil"]["relative_diff"])


def test_min_sources_guard():
    # 1 of 4 -> 2 of 4: abs 0.25 >= 0.15, rel 0.25 / 0.5 = 0.5 >= 0.5, but only 2 sources
    segments, sources, codebook = build({"klein": (1, 2)}, n=(4, 4))
    out = change_between_waves(segments, sources, codebook=codebook)
    assert out.loc[0, "change"] == "stable"
    assert "fewer than 3 sources" in out.loc[0, "rule"]
    looser = change_between_waves(segments, sources, codebook=codebook, min_sources=2)
    assert looser.loc[0, "change"] == "more"


def test_min_sources_does_not_guard_new_and_gone():
    segments, sources, codebook = build({"een": (0, 1), "uit": (1, 0)}, n=(4, 4))
    out = change_between_waves(segments, sources, codebook=codebook, min_sources=5)
    assert out["change"].tolist() == ["new", "no_longer_mentioned"]


def test_thresholds_are_parameters():
    segments, sources, codebook = build(SPEC)
    out = change_between_waves(segments, sources, codebook=codebook, rel_diff=0.25)
    assert out.set_index("code").loc["hoog", "change"] == "more"  # 0.30 >= 0.25
    out = change_between_waves(segments, sources, codebook=codebook, abs_diff=0.45)
    assert out.set_index("code").loc["meer", "change"] == "stable"  # 0.40 < 0.45


def test_different_wave_sizes():
    # 2 of 8 (0.25) -> 19 of 21 (0.905): the report's "rarely in 2022, nearly all in 2023"
    segments, sources, codebook = build({"vertrouwen": (2, 19)}, n=(8, 21))
    out = change_between_waves(segments, sources, codebook=codebook)
    assert out.loc[0, ["k_before", "n_before", "k_after", "n_after"]].tolist() == [2, 8, 19, 21]
    assert out.loc[0, "change"] == "more"


def test_rules_printed_and_attached(result):
    text = change_rules(waves=(2022, 2023))
    assert result.attrs["rules"] == text
    assert "new:" in text and "min_sources does not apply" in text
    assert "at least 0.15" in text and "at least 50%" in text and "at least 3 sources" in text
    assert result.attrs["parameters"]["min_sources"] == 3
    dutch = change_rules(waves=(2022, 2023), language="nl", min_sources=4)
    assert "minstens 4 bronnen" in dutch


def test_group_missing_in_a_wave():
    segments, sources, codebook = build({"x": (1, 5)}, situation={2022: "po_vo",
                                                                  2023: "binnen_po"})
    out = change_between_waves(segments, sources, codebook=codebook, by="situation")
    assert out["situation"].tolist() == ["binnen_po", "po_vo"]
    assert out["change"].isna().all()
    assert "no sources in 2022" in out.loc[0, "rule"]
    assert "no sources in 2023" in out.loc[1, "rule"]


def test_bad_arguments():
    segments, sources, _ = build(SPEC)
    with pytest.raises(AnalysisError, match="no source of the selected types has wave 2024"):
        change_between_waves(segments, sources, waves=(2023, 2024))
    with pytest.raises(AnalysisError, match="min_sources"):
        change_between_waves(segments, sources, min_sources=0)
    with pytest.raises(AnalysisError, match="abs_diff"):
        change_between_waves(segments, sources, abs_diff=2)
    with pytest.raises(AnalysisError, match="wave"):
        change_between_waves(segments, sources, by="wave")


def test_classify_change_helper():
    assert classify_change(2, 8, 19, 21) == "more"
    assert classify_change(6, 8, 7, 21) == "less"  # 0.75 -> 0.33
    assert classify_change(0, 8, 1, 21) == "new"
    assert classify_change(3, 8, 0, 21) == "no_longer_mentioned"
    assert classify_change(4, 8, 11, 21) == "stable"  # 0.50 -> 0.52
