"""Benchmark: the supplement batch, against a naive papermill loop and an in-process floor.

Uses the embedded example study when it is there (``image_synth/data/example/study.yaml``),
else the test fixture ``tests/fixtures/mini_study``. Times, over the same scopes:

1. ``image-synth run STUDY --jobs 2``: warm kernels, one per worker, HTML export in the
   workers (wall time of the command, start-up included);
2. the naive way: for every scope one ``papermill`` command (a new kernel that imports
   everything again and decides everything itself: no batch cache) and one
   ``jupyter nbconvert --to html --no-input`` command; once one scope at a time (serial)
   and once two scopes at a time (the runner's parallelism, ``--jobs 2``);
3. the floor, two ways: the same section calls in this Python process, no kernel, no
   papermill, no nbconvert (after the imports; per supplement, one core), and the
   whole-process floor on the same cores: two processes decide the batch's study-wide
   work (the latest wave's plan and the study-wide results in one, the wave before's
   plan in the other beside it, as the runner does), then two processes side by side
   each make half of the pages in process — wall time, imports included.

Prints the number of scopes, every batch time with its per-supplement cost, the
speed-up over the naive loop serial and at equal parallelism (target of issue 16: at
least 4x at equal parallelism) and the runner against the whole-process floor (target:
within 1.1x). Two per-supplement figures are given for the batch: the wall time divided
by the number of scopes (start-up included), and the steady state measured inside the
workers (reset, execution and HTML export of one notebook; from an in-process
``run_supplements`` call, divided by the two workers running side by side).

Run from the project folder::

    python bench/batch.py [--study DIR] [--skip-naive] [--skip-serial-naive]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
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


def _naive_commands(study: Path, scope: str, value: str, wave: int, lang: str,
                    work: Path) -> list[list[str]]:
    from image_synth.publish.parameters import notebook_path

    bindir = Path(sys.executable).parent
    papermill = shutil.which("papermill", path=str(bindir)) or "papermill"
    jupyter = shutil.which("jupyter", path=str(bindir)) or "jupyter"
    executed = work / f"{scope}-{value or 'all'}.ipynb"
    return [[papermill, str(notebook_path()), str(executed), "-p", "study", str(study),
             "-p", "scope", scope, "-p", "scope_value", value, "-p", "wave", str(wave),
             "-p", "lang", lang, "-p", "publish", "True", "--no-progress-bar"],
            [jupyter, "nbconvert", "--to", "html", "--no-input", str(executed)]]


def _naive_env(work: Path) -> dict[str, str]:
    """The environment of a naive run: no batch cache, and a user cache folder that is
    empty at the start, as on a user's first run (the runner starts with an empty cache
    in a new output folder too): the first notebooks decide the plan, the later ones
    read it from the user's cache, as they would on that machine."""
    from image_synth.disclosure.plan import CACHE_ENV

    env = dict(os.environ)
    env.pop(CACHE_ENV, None)
    env["XDG_CACHE_HOME"] = str(work / "user-cache")
    return env


def naive_loop(study: Path, scopes: list[tuple[str, str]], wave: int, lang: str,
               work: Path, *, parallel: int = 1) -> float:
    """Wall seconds of the naive loop, ``parallel`` scopes at a time (each scope's
    papermill and nbconvert commands one after the other)."""
    env = _naive_env(work)

    def one(job: tuple[str, str]) -> None:
        for cmd in _naive_commands(study, job[0], job[1], wave, lang, work):
            _run(cmd, cwd=work, env=env)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        list(pool.map(one, scopes))
    return time.perf_counter() - started


#: One process of the whole-process floor: imports, loads, makes its pages in process.
_FLOOR_PROCESS = """
import json, sys
from image_synth.render import sections
from image_synth.results import compute
study, wave, lang, scopes = sys.argv[1], int(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4])
for scope, value in scopes:
    results = compute(study, scope=scope, scope_value=value, wave=wave)
    parts = [sections.title(results, lang=lang)._repr_html_()]
    parts += [getattr(sections, n)(results, lang=lang)._repr_html_() for n in sections.SECTIONS]
    results.run_info()
"""

#: One wave's plan, decided in a process of its own.
_FLOOR_PLAN = """
import sys
from image_synth.disclosure.plan import precompute
from image_synth.study.load import load_study
precompute(load_study(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
"""

#: The rest of the once-per-batch work of the floor: the latest wave's plan, then the
#: study-wide results, as the runner does them before the notebooks.
_FLOOR_BATCH = """
import sys
from image_synth.disclosure.plan import precompute
from image_synth.results.study_cache import precompute as precompute_study_wide
from image_synth.study.load import load_study
study = load_study(sys.argv[1]); wave = int(sys.argv[2])
precompute(study, wave, sys.argv[3])
precompute_study_wide(study, wave, sys.argv[3])
"""


def whole_process_floor(study: Path, scopes: list[tuple[str, str]], wave: int, lang: str,
                        work: Path, env: dict[str, str], *, parallel: int = JOBS) -> float:
    """Wall seconds: the batch's study-wide work in one process, then ``parallel``
    processes side by side, each making its share of the pages in process (no kernel,
    papermill or nbconvert; imports and study loading included)."""
    from image_synth.disclosure.plan import CACHE_ENV

    cache = work / "floor-cache"
    env = dict(env, **{CACHE_ENV: str(cache)})
    from image_synth.study.load import load_study

    earlier = [w for w in load_study(study).config.waves if w < wave]
    started = time.perf_counter()
    # the wave before (its plan decides which previous-wave numbers show) in a second
    # process beside the latest, as the runner decides it in an idle pool worker
    beside = [subprocess.Popen([sys.executable, "-c", _FLOOR_PLAN, str(study),
                                str(max(earlier)), str(cache)], env=env, cwd=work)
              for _ in earlier[:1]]
    subprocess.run([sys.executable, "-c", _FLOOR_BATCH, str(study), str(wave), str(cache)],
                   check=True, env=env, cwd=work)
    if any(p.wait() for p in beside):
        raise RuntimeError("the floor's plan of the wave before failed")
    shares = [scopes[i::parallel] for i in range(parallel)]
    procs = [subprocess.Popen([sys.executable, "-c", _FLOOR_PROCESS, str(study), str(wave),
                               lang, json.dumps(share)], env=env, cwd=work)
             for share in shares if share]
    codes = [p.wait() for p in procs]
    if any(codes):
        raise RuntimeError(f"a floor process failed: exit codes {codes}")
    return time.perf_counter() - started


def floor(study: Path, scopes: list[tuple[str, str]], wave: int, lang: str,
          cache: Path) -> float:
    """Mean seconds per supplement: the section calls in this process, no kernel, with
    the batch's cache in ``cache`` (decided once, as the runner does)."""
    from image_synth.disclosure.plan import CACHE_ENV
    from image_synth.render import sections
    from image_synth.results import compute

    def one(scope: str, value: str) -> None:
        results = compute(str(study), scope=scope, scope_value=value, wave=wave)
        parts = [sections.title(results, lang=lang)._repr_html_()]
        parts += [getattr(sections, name)(results, lang=lang)._repr_html_()
                  for name in sections.SECTIONS]
        results.run_info()

    os.environ[CACHE_ENV] = str(cache)
    one(*scopes[0])  # imports and first-call costs out of the way
    started = time.perf_counter()
    for scope, value in scopes:
        one(scope, value)
    return (time.perf_counter() - started) / len(scopes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", type=Path, default=None,
                        help="study folder (default: the example, else the mini fixture)")
    parser.add_argument("--skip-naive", action="store_true",
                        help="leave out the (slow) naive papermill loops")
    parser.add_argument("--skip-serial-naive", action="store_true",
                        help="run the naive loop only two at a time, not also serially")
    args = parser.parse_args()

    from image_synth.publish.runner import plan_scopes, run_supplements
    from image_synth.study.fingerprint import latest_wave
    from image_synth.study.load import load_study

    study = (args.study or study_path()).resolve()
    loaded = load_study(study)
    scopes = plan_scopes(loaded)
    wave, lang = latest_wave(loaded), loaded.config.language
    n = len(scopes)
    shown = study.relative_to(ROOT) if study.is_relative_to(ROOT) else study
    print(f"study: {loaded.config.name} ({shown}), {n} scopes, {os.cpu_count()} CPUs")

    def line(label: str, seconds: float) -> None:
        print(f"{label:<38}{seconds:7.1f} s ({seconds / n:.2f} s per supplement)")

    with tempfile.TemporaryDirectory(prefix="image-synth-bench-") as tmp:
        work = Path(tmp)
        env = _naive_env(work)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        fast = _run([sys.executable, "-m", "image_synth", "run", str(study), "--jobs",
                     str(JOBS), "--out", str(work / "fast"), "--no-progress"], cwd=work,
                    env=env)
        line(f"image-synth run --jobs {JOBS} (wall):", fast)

        result = run_supplements(study, jobs=JOBS, out=work / "steady", progress=False)
        steady = statistics.median(o.seconds for o in result.outcomes) / JOBS
        print(f"  steady state in the workers:        {steady:7.2f} s per supplement "
              f"(median {statistics.median(o.seconds for o in result.outcomes):.2f} s per "
              f"notebook, {JOBS} side by side)")

        naive = {}
        if not args.skip_naive:
            for parallel in ((JOBS,) if args.skip_serial_naive else (1, JOBS)):
                naive_dir = work / f"naive-{parallel}"
                naive_dir.mkdir()
                naive[parallel] = naive_loop(study, scopes, wave, lang, naive_dir,
                                             parallel=parallel)
                label = ("one at a time" if parallel == 1 else
                         f"{parallel} at a time, as the runner")
                line(f"naive papermill + nbconvert, {label}:", naive[parallel])

        whole = whole_process_floor(study, scopes, wave, lang, work, env)
        line(f"floor, whole process, {JOBS} processes:", whole)

        per = floor(study, scopes, wave, lang, work / "floor-cache")
        print(f"floor in this process (one core):     {per:7.2f} s per supplement "
              "(after imports and the plan)")

        print()
        print(f"scopes: {n}; per supplement: runner {fast / n:.2f} s, whole-process floor "
              f"{whole / n:.2f} s, in-process floor {per:.2f} s")
        if 1 in naive:
            print(f"speed-up over the naive loop, serial vs --jobs {JOBS}:    "
                  f"{naive[1] / fast:5.2f}x")
        if JOBS in naive:
            ratio = naive[JOBS] / fast
            print(f"speed-up over the naive loop at equal parallelism: {ratio:5.2f}x "
                  f"(target >= 4x: {'met' if ratio >= 4 else 'MISSED'})")
        factor = fast / whole
        print(f"runner vs whole-process floor, same cores:         {factor:5.2f}x "
              f"(target <= 1.1x: {'met' if factor <= 1.1 else 'MISSED'})")
        print(f"steady state vs in-process floor:                   {steady / per:5.2f}x")


if __name__ == "__main__":
    main()
