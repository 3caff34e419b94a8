"""``make_example_study.py --regions-factor N``: the example with every region N times."""

from __future__ import annotations

import subprocess
import sys

import pytest
from _support import ROOT

from image_synth.study.load import load_study

SHIPPED = ROOT / "image_synth" / "data" / "example"


@pytest.fixture(scope="module")
def doubled(tmp_path_factory):
    out = tmp_path_factory.mktemp("x2") / "example"
    subprocess.run([sys.executable, str(ROOT / "tools" / "make_example_study.py"),
                    "--out", str(out), "--regions-factor", "2"], check=True,
                   capture_output=True)
    return out


def test_twice_the_regions_validates(doubled):
    result = subprocess.run([sys.executable, "-m", "image_synth", "validate", str(doubled)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_twice_the_regions_respondents_and_region_sources(doubled):
    base, big = load_study(SHIPPED), load_study(doubled)
    base_regions = [r.id for r in base.config.regions]
    big_regions = [r.id for r in big.config.regions]
    assert len(big_regions) == 2 * len(base_regions)
    assert len(set(big_regions)) == len(big_regions)
    assert set(base_regions) < set(big_regions)
    # each copy keeps its original's situation and sectors
    by_id = {r.id: r for r in big.config.regions}
    for region in base.config.regions:
        copy = by_id[f"{region.id}2"]
        assert (copy.situation, copy.sectors) == (region.situation, region.sectors)
    assert len(big.survey) == 2 * len(base.survey)
    assert big.survey["respondent_id"].is_unique
    per_region = big.survey.groupby(["wave", "region"]).size()
    for (wave, region), n in base.survey.groupby(["wave", "region"]).size().items():
        assert per_region[(wave, f"{region}2")] == n
    with_region = base.sources["region"].notna()
    assert len(big.sources) == 2 * with_region.sum() + (~with_region).sum()
    assert len(big.drawings) == 2 * len(base.drawings)
    assert len(big.segments) > len(base.segments)


def test_a_factor_below_one_is_refused(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "make_example_study.py"),
                             "--out", str(tmp_path / "x"), "--regions-factor", "0"],
                            capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "--regions-factor" in result.stderr
    assert not (tmp_path / "x").exists()
