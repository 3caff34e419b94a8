"""Benchmark: the supplement batch, against a naive papermill loop and an in-process floor.

Uses the embedded example study when it is there (``image_synth/data/example/study.yaml``),
else the test fixture ``tests/fixtures/mini_study``. Times, over the same scopes:

1. ``image-synth run STUDY --jobs 2``: warm kernels, one per worker, HTML export in the
   workers (wall time of the command, start-up included);
2. the naive way: for every scope one ``papermill`` command (a new kernel that imports
   everything again) and one ``jupyter nbconvert --to html --no-input`` command;
3. the floor: the same section calls in this Python process, no kernel, no papermill,
   no nbconvert (after the imports; per supplement).

Prints both batch times and their ratio (target: at least 5x), and the time per
supplement of ``image-synth run`` against the floor (target: within 2x). Two
per-supplement figures are given for the batch: the wall time divided by the number of
scopes (start-up included), and the steady state measured inside the workers (reset,
execution and HTML export of one notebook; from an in-process ``run_supplements`` call,
divided by the two workers running side by side).

Run from the project folder::

    python bench/batch.py [--skip-naive]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "image_synth" / "data" / "example" / "study.yaml"
MINI = ROOT / "tests" / "fixtures" / "mini_study"
JOBS = 2


def study_path() -> Path:
    return EXAMPLE.parent if EXAMPLE.is_file() else MINI


def _run(cmd: list[str], **kw) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   **kw)
    return time.perf_counter() - started


def naive_loop(study: Path, scopes: list[tuple[str, str]], wave: int, lang: str,
               work: Path) -> float:
    from image_synth.publish.parameters import notebook_path

    bindir = Path(sys.executable).parent
    papermill = shutil.which("papermill", path=str(bindir)) or "papermill"
    jupyter = shutil.which("jupyter", path=str(bindir)) or "jupyter"
    total = 0.0
    for scope, value in scopes:
        executed = work / f"{scope}-{value or 'all'}.ipynb"
        total += _run([papermill, str(notebook_path()), str(executed), "-p", "study",
                       str(study), "-p", "scope", scope, "-p", "scope_value", value,
                       "-p", "wave", str(wave), "-p", "lang", lang, "-p", "publish", "True",
                       "--no-progress-bar"], cwd=work)
        total += _run([jupyter, "nbconvert", "--to", "html", "--no-input", str(executed)],
                      cwd=work)
    return total


def floor(study: Path, scopes: list[tuple[str, str]], wave: int, lang: str) -> float:
    """Mean seconds per supplement: the section calls in this process, no kernel."""
    from image_synth.render import sections
    from image_synth.results import compute

    def one(scope: str, value: str) -> None:
        results = compute(str(study), scope=scope, scope_value=value, wave=wave)
        parts = [sections.title(results, lang=lang)._repr_html_()]
        parts += [getattr(sections, name)(results, lang=lang)._repr_html_()
                  for name in sections.SECTIONS]
        results.run_info()

    # the disclosure plan is decided once per batch, as the runner does
    import os
    import tempfile

    from image_synth.disclosure.plan import CACHE_ENV, precompute
    from image_synth.study.load import load_study

    cache = tempfile.mkdtemp(prefix="isx-bench-cache-")
    precompute(load_study(str(study)), wave, cache)
    os.environ[CACHE_ENV] = cache
    one(*scopes[0])  # imports and first-call costs out of the way
    started = time.perf_counter()
    for scope, value in scopes:
        one(scope, value)
    return (time.perf_counter() - started) / len(scopes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-naive", action="store_true",
                        help="leave out the (slow) naive papermill loop")
    args = parser.parse_args()

    from image_synth.publish.runner import plan_scopes, run_supplements
    from image_synth.study.fingerprint import latest_wave
    from image_synth.study.load import load_study

    study = study_path()
    loaded = load_study(study)
    scopes = plan_scopes(loaded)
    wave, lang = latest_wave(loaded), loaded.config.language
    n = len(scopes)
    print(f"study: {loaded.config.name} ({study.relative_to(ROOT)}), {n} scopes, "
          f"{os.cpu_count()} CPUs")

    with tempfile.TemporaryDirectory(prefix="image-synth-bench-") as tmp:
        work = Path(tmp)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        fast = _run([sys.executable, "-m", "image_synth", "run", str(study), "--jobs",
                     str(JOBS), "--out", str(work / "fast"), "--no-progress"], cwd=work,
                    env=env)
        print(f"image-synth run --jobs {JOBS}:        {fast:7.1f} s "
              f"({fast / n:.2f} s per supplement, start-up included)")

        result = run_supplements(study, jobs=JOBS, out=work / "steady", progress=False)
        steady = statistics.median(o.seconds for o in result.outcomes) / JOBS
        print(f"  steady state in the workers:       {steady:7.2f} s per supplement "
              f"(median {statistics.median(o.seconds for o in result.outcomes):.2f} s per "
              f"notebook, {JOBS} side by side)")

        if not args.skip_naive:
            naive_dir = work / "naive"
            naive_dir.mkdir()
            naive = naive_loop(study, scopes, wave, lang, naive_dir)
            ratio = naive / fast
            print(f"naive papermill + nbconvert loop:   {naive:7.1f} s "
                  f"({naive / n:.2f} s per supplement)")
            print(f"speed-up: {ratio:.1f}x  (target >= 5x: {'met' if ratio >= 5 else 'MISSED'})")

        per = floor(study, scopes, wave, lang)
        print(f"in-process floor (no kernel):       {per:7.2f} s per supplement")
        for label, value in (("wall/scope", fast / n), ("steady state", steady)):
            factor = value / per
            print(f"  {label:<13} vs floor: {factor:5.1f}x  "
                  f"(target <= 2x: {'met' if factor <= 2 else 'MISSED'})")


if __name__ == "__main__":
    main()
