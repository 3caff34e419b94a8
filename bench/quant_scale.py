"""Benchmark of the quantitative strand at national scale (not a test).

Builds a synthetic survey of 1,000,000 respondents x 30 items in 6 situations (five
5-item mechanism scales with one reverse-keyed item each and "weet niet" answers, plus
five single items), then times, in one run, each step next to a naive pandas version:

1. reliability of the five scales with a 2,000-resample bootstrap interval
   (``image_synth.reliability``), against a loop that recomputes alpha on each pandas
   resample (``frame.sample(frac=1, replace=True)``), run for 20 resamples and scaled
   up to 2,000;
2. response distributions of all 30 items by situation
   (``image_synth.quant.distributions.distribution``), against a pandas loop of
   ``groupby(...).value_counts()`` per item;
3. scale scores for every scale (``image_synth.scale_scores``), against a pandas
   version that masks "weet niet" and takes ``mean(axis=1)`` per scale.

It prints each time, the ratio to the naive version, the whole run's wall time and the
peak memory of the process (ru_maxrss). Targets (issue "Quantitative strand"): the
bootstrap at least 20x faster than the naive loop; the whole run under 60 s on this
2-core machine, under 4 GiB.

    python bench/quant_scale.py
"""

from __future__ import annotations

import resource
import time

import numpy as np
import pandas as pd

from image_synth.quant.distributions import distribution
from image_synth.quant.reliability import reliability
from image_synth.quant.scores import scale_scores
from image_synth.study.models import Instrument

N = 1_000_000
SITUATIONS = ("po_kinderopvang", "po_vo", "binnen_po", "binnen_vo", "vso_vo",
              "onderwijs_jeugdhulp")
SCALES = ("communicatie", "gezamenlijke_visie", "vertrouwen", "gelijkwaardigheid",
          "organisatie_sturing")
ITEMS_PER_SCALE = 5
N_SINGLE = 5
DONT_KNOW = 9
N_BOOT = 2000
NAIVE_RUNS = 20
SEED = 20261122


def instrument() -> Instrument:
    agree = {"id": "agree5", "codes": [
        *({"code": c, "label": {"nl": str(c)}} for c in range(1, 6)),
        {"code": DONT_KNOW, "label": {"nl": "weet niet"}, "non_numeric": "dont_know"}]}
    items = []
    for scale in SCALES:
        for j in range(ITEMS_PER_SCALE):
            items.append({"id": f"{scale}_{j + 1}", "block": "mechanism", "scale": scale,
                          "reverse": j == ITEMS_PER_SCALE - 1, "response_set": "agree5",
                          "text": {"nl": f"{scale} {j + 1}"}})
    for j in range(N_SINGLE):
        items.append({"id": f"conditie_{j + 1}", "block": "condition",
                      "response_set": "agree5", "text": {"nl": f"conditie {j + 1}"}})
    return Instrument.model_validate({
        "name": "bench", "response_sets": [agree],
        "scales": [{"id": s, "block": "mechanism", "label": {"nl": s}, "min_items": 3}
                   for s in SCALES],
        "items": items})


def survey(inst: Instrument) -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    situation = rng.choice(len(SITUATIONS), size=N)
    columns = {"respondent_id": np.arange(N).astype(str), "wave": np.full(N, 2023),
               "region": np.array(list("ABCDEF"))[situation],
               "situation": np.array(SITUATIONS)[situation], "sector": "po"}
    cuts = np.array([-1.5, -0.5, 0.5, 1.5])
    shift = np.linspace(-0.4, 0.4, len(SITUATIONS))[situation]
    for scale in SCALES:
        trait = rng.standard_normal(N) + shift
        for j in range(ITEMS_PER_SCALE):
            latent = 0.75 * trait + 0.66 * rng.standard_normal(N)
            answers = np.searchsorted(cuts, latent) + 1
            if j == ITEMS_PER_SCALE - 1:
                answers = 6 - answers
            answers[rng.random(N) < 0.02] = DONT_KNOW
            columns[f"{scale}_{j + 1}"] = answers
    for j in range(N_SINGLE):
        answers = np.searchsorted(cuts, rng.standard_normal(N) + shift) + 1
        answers[rng.random(N) < 0.03] = DONT_KNOW
        columns[f"conditie_{j + 1}"] = answers
    frame = pd.DataFrame(columns)
    items = [i.id for i in inst.items]
    frame[items] = frame[items].astype("Int64")
    return frame


def naive_alpha(frame: pd.DataFrame) -> float:
    complete = frame.dropna()
    k = complete.shape[1]
    cov = complete.cov().to_numpy()
    return k / (k - 1) * (1 - np.trace(cov) / cov.sum())


def numeric_scale(frame: pd.DataFrame, scale: str) -> pd.DataFrame:
    items = [f"{scale}_{j + 1}" for j in range(ITEMS_PER_SCALE)]
    values = frame[items].astype("float64").where(frame[items] != DONT_KNOW)
    last = items[-1]
    values[last] = 6 - values[last]
    return values


def timed(label: str, fn):
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    print(f"  {label:<58} {seconds:8.2f} s")
    return seconds, result


def main() -> None:
    wall = time.perf_counter()
    inst = instrument()
    print(f"building {N:,} respondents x {len(inst.items)} items in {len(SITUATIONS)} "
          "situations ...")
    frame = survey(inst)

    print("\n1. reliability with a 2,000-resample bootstrap interval, five scales")
    numeric = {s: numeric_scale(frame, s) for s in SCALES}
    fast_rel, _ = timed("image_synth.reliability (pattern bootstrap)", lambda: [
        reliability(numeric[s], items=list(numeric[s].columns), ci="bootstrap",
                    n_boot=N_BOOT, seed=1, omega=False) for s in SCALES])
    rng = np.random.default_rng(2)

    def naive_loop():
        for s in SCALES:
            for _ in range(NAIVE_RUNS):
                naive_alpha(numeric[s].sample(frac=1, replace=True,
                                              random_state=int(rng.integers(1 << 31))))

    naive_rel, _ = timed(f"naive pandas loop, {NAIVE_RUNS} resamples per scale", naive_loop)
    naive_rel_scaled = naive_rel * N_BOOT / NAIVE_RUNS
    print(f"  {'naive loop scaled to 2,000 resamples':<58} {naive_rel_scaled:8.2f} s")
    print(f"  ratio naive / image_synth: {naive_rel_scaled / fast_rel:.1f}x (target >= 20x)")

    print("\n2. distributions of all 30 items by situation")
    items = [i.id for i in inst.items]
    fast_dist, _ = timed("image_synth distribution()", lambda: distribution(
        frame, items=items, instrument=inst, by="situation"))

    def naive_dist():
        return [frame.groupby("situation")[item].value_counts() for item in items]

    naive_dist_s, _ = timed("pandas groupby().value_counts() per item", naive_dist)
    print(f"  ratio pandas / image_synth: {naive_dist_s / fast_dist:.2f}x")

    print("\n3. scale scores, five scales")
    fast_scores, _ = timed("image_synth.scale_scores", lambda: scale_scores(
        frame, instrument=inst))

    def naive_scores():
        out = {}
        for s in SCALES:
            values = numeric_scale(frame, s)
            out[s] = values.mean(axis=1).where(values.notna().sum(axis=1) >= 3)
        return pd.DataFrame(out)

    naive_scores_s, _ = timed("pandas mask + mean(axis=1) per scale", naive_scores)
    print(f"  ratio pandas / image_synth: {naive_scores_s / fast_scores:.2f}x")

    total = time.perf_counter() - wall
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"\nwhole run: {total:.1f} s wall (target < 60 s); peak memory {peak:.2f} GiB "
          "(target < 4 GiB)")


if __name__ == "__main__":
    main()
