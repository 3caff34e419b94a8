"""Benchmark: the cost of one region supplement as the number of regions grows.

Writes the example study at 1x, 4x and 8x its regions (``tools/make_example_study.py
--regions-factor N``: every region N times, with its respondents, interviews, meetings
and drawings), then, per size and as the batch runner does once per batch, decides the
disclosure plan (:func:`image_synth.disclosure.plan.precompute`) and the study-wide
results (:func:`image_synth.results.study_cache.precompute`) into a cache folder. What is
timed is one region page in this process, as the notebook makes it:
``results.compute(study folder, ...)`` (the study loaded from its files) and every
section rendered to HTML, figures included, with the batch's cache folder named. Each
size's figure is the median over ``--repeat`` runs of the pages of ``--regions``; the
ratio to 1x is printed beside it (target of issue 16: 8x within 1.15x of 1x).

The plan is decided once per size and kept (``--cache``, default a folder under the
system's temporary folder, keyed by the inputs' hashes like the runner's): deciding it is
study-wide work, not part of a page, and takes minutes at 8x.

Run from the project folder::

    python bench/scaling.py [--factors 1 4 8] [--repeat 3] [--regions C K]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "tools" / "make_example_study.py"
TARGET = 1.15

def write_study(factor: int, folder: Path) -> Path:
    out = folder / f"example-x{factor}"
    if not (out / "study.yaml").is_file():
        subprocess.run([sys.executable, str(GENERATOR), "--out", str(out),
                        "--regions-factor", str(factor)], check=True,
                       stdout=subprocess.DEVNULL)
    return out


def prepare(study: Path, cache: Path) -> tuple[int, int, float]:
    """The batch's once-per-batch work for ``study`` (plan and study-wide results, kept in
    ``cache``). Returns the number of regions, the wave and the seconds it took (0 when
    the plan was in the cache already)."""
    from image_synth.disclosure.plan import CACHE_ENV, _cache_file, precompute
    from image_synth.results import study_cache
    from image_synth.study.fingerprint import latest_wave
    from image_synth.study.load import load_study

    loaded = load_study(study)
    wave = latest_wave(loaded)
    started = time.perf_counter()
    os.environ[CACHE_ENV] = str(cache)
    if not _cache_file(loaded, wave).is_file():
        precompute(loaded, wave, cache)
    study_cache.precompute(loaded, wave, cache)
    return len(loaded.config.regions), wave, time.perf_counter() - started


def page(study: Path, region: str, wave: int) -> float:
    """Seconds for one region page, as the notebook makes it."""
    from image_synth.render import sections
    from image_synth.results import compute

    started = time.perf_counter()
    results = compute(str(study), scope="region", scope_value=region, wave=wave)
    html = [sections.title(results, lang="nl")._repr_html_()]
    html += [getattr(sections, name)(results, lang="nl")._repr_html_()
             for name in sections.SECTIONS]
    results.run_info()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--regions", nargs="+", default=["C", "K"],
                        help="regions of the 1x example whose pages are timed")
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "image-synth-bench-scaling")
    args = parser.parse_args()
    if 1 not in args.factors:
        parser.error("--factors must include 1 (the ratios are to 1x)")

    from image_synth.disclosure.plan import CACHE_ENV

    args.cache.mkdir(parents=True, exist_ok=True)
    print(f"{os.cpu_count()} CPUs; cache {args.cache}; pages of regions "
          f"{', '.join(args.regions)}, median of {args.repeat}")
    rows = {}
    for factor in sorted(args.factors):
        study = write_study(factor, args.cache)
        n_regions, wave, seconds = prepare(study, args.cache / "cache")
        os.environ[CACHE_ENV] = str(args.cache / "cache")
        page(study, args.regions[0], wave)  # imports and first-call costs out of the way
        times = [page(study, region, wave) for _ in range(args.repeat)
                 for region in args.regions]
        rows[factor] = (n_regions, statistics.median(times), min(times), seconds)
        print(f"  {factor}x: {n_regions} regions, once per batch {seconds:6.1f} s, "
              f"page median {rows[factor][1]:.2f} s", flush=True)
    base = rows[1][1]
    print(f"\n{'size':>5} {'regions':>8} {'per supplement':>15} {'min':>7} {'ratio to 1x':>12}")
    for factor, (n_regions, median, least, _) in rows.items():
        print(f"{factor:>4}x {n_regions:>8} {median:>13.2f} s {least:>5.2f} s "
              f"{median / base:>11.2f}x")
    worst = max(rows)
    ratio = rows[worst][1] / base
    print(f"{worst}x vs 1x: {ratio:.2f}x (target <= {TARGET}x: "
          f"{'met' if ratio <= TARGET else 'MISSED'})")


if __name__ == "__main__":
    main()
