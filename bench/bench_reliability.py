"""Benchmark: bootstrap interval for alpha on a million respondents (not a test).

Builds 1,000,000 respondents x 5 correlated Likert items (1-5, seeded), then times

* ``reliability(..., ci="bootstrap", n_boot=2000)``: resamples drawn as multinomial
  counts over the distinct response patterns, covariances computed as weighted ones;
* a naive loop that recomputes alpha on ``df.sample(frac=1, replace=True)``, run for
  ``NAIVE_RUNS`` resamples and scaled up to 2000.

Prints both times, their ratio and the peak memory of the fast path (tracemalloc,
measured in a separate run so that tracing does not slow the timed one) and of the
whole process (ru_maxrss).

Run from the project folder::

    python bench/bench_reliability.py
"""

from __future__ import annotations

import resource
import time
import tracemalloc

import numpy as np
import pandas as pd

from image_synth.quant.reliability import reliability

N_RESPONDENTS = 1_000_000
N_ITEMS = 5
N_BOOT = 2000
NAIVE_RUNS = 20
SEED = 20240601


def likert_items(n: int, k: int, seed: int) -> pd.DataFrame:
    """``n`` respondents x ``k`` items on 1..5, driven by one latent trait."""
    rng = np.random.default_rng(seed)
    trait = rng.standard_normal(n)
    loadings = np.linspace(0.5, 0.8, k)
    noise = rng.standard_normal((n, k)) * np.sqrt(1.0 - loadings ** 2)
    latent = trait[:, None] * loadings + noise
    cuts = np.array([-1.5, -0.5, 0.5, 1.5])
    answers = np.searchsorted(cuts, latent) + 1      # 1..5
    return pd.DataFrame(answers, columns=[f"q{i + 1}" for i in range(k)])


def naive_alpha(frame: pd.DataFrame) -> float:
    cov = frame.cov().to_numpy()
    k = cov.shape[0]
    return k / (k - 1) * (1 - np.trace(cov) / cov.sum())


def main() -> None:
    df = likert_items(N_RESPONDENTS, N_ITEMS, SEED)
    items = list(df.columns)
    print(f"data: {len(df):,} respondents x {len(items)} items, "
          f"{len(df.drop_duplicates()):,} distinct response patterns")

    start = time.perf_counter()
    fast = reliability(df, items=items, ci="bootstrap", n_boot=N_BOOT, seed=1, omega=False)
    fast_seconds = time.perf_counter() - start
    row = fast.iloc[0]
    print(f"reliability(ci='bootstrap', n_boot={N_BOOT}): {fast_seconds:.2f} s; "
          f"alpha = {row['alpha']:.4f}, interval [{row['ci_low']:.4f}, {row['ci_high']:.4f}]")

    rng = np.random.default_rng(2)
    naive = []
    start = time.perf_counter()
    for _ in range(NAIVE_RUNS):
        naive.append(naive_alpha(df.sample(frac=1, replace=True, random_state=rng)))
    naive_seconds = (time.perf_counter() - start) / NAIVE_RUNS * N_BOOT
    print(f"naive df.sample loop: {NAIVE_RUNS} resamples in "
          f"{naive_seconds * NAIVE_RUNS / N_BOOT:.2f} s, scaled to {N_BOOT}: "
          f"{naive_seconds:.1f} s (sd of its {NAIVE_RUNS} alphas {np.std(naive, ddof=1):.5f})")
    print(f"speed-up: {naive_seconds / fast_seconds:.0f}x")

    tracemalloc.start()
    reliability(df, items=items, ci="bootstrap", n_boot=N_BOOT, seed=1, omega=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak memory allocated by reliability (tracemalloc): {peak / 2**20:.0f} MiB; "
          f"input frame {df.memory_usage(index=True).sum() / 2**20:.0f} MiB")
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak resident size of the whole process (ru_maxrss): {maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
