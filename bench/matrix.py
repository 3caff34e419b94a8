"""Benchmark: waves × languages in one batch, on the local pool and on dask.distributed.

Uses the embedded example study when it is there (``image_synth/data/example/study.yaml``),
else the test fixture ``tests/fixtures/mini_study``. Runs the same batch twice, one after
the other, on the same cores:

1. the local pool: ``run_supplements(study, waves=..., lang=..., jobs=2)`` (two worker
   processes, one warm kernel each);
2. dask: the same call with ``scheduler="local:2"`` (a ``LocalCluster`` of two worker
   processes, one thread and one warm kernel each, started and stopped by the call).

Each time is the wall time of the whole call: study loading, disclosure plans, workers
and kernels started, every notebook, pages, manifest and index. Prints both, per
supplement, their ratio (target: dask within 1.15x of the local pool), the median
seconds one notebook took inside a worker on each, and whether the two batches gave
byte-identical files.

Run from the project folder::

    python bench/matrix.py [--waves all] [--lang nl,en] [--only national,C,D]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch import JOBS, ROOT, study_path  # noqa: E402

#: The target of issue 16: dask within this factor of the local pool on the same cores.
TARGET = 1.15


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def timed(study: Path, out: Path, **options) -> tuple[float, object]:
    from image_synth.publish.runner import run_supplements

    started = time.perf_counter()
    result = run_supplements(study, out=out, progress=False, **options)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waves", default="all", help="'all' or W,W [default: all]")
    parser.add_argument("--lang", default="nl,en", help="languages [default: nl,en]")
    parser.add_argument("--only", default=None,
                        help="only these scopes (comma-separated) [default: every scope]")
    args = parser.parse_args()

    from image_synth.publish.runner import plan_scopes
    from image_synth.study.load import load_study

    study = study_path()
    loaded = load_study(study)  # imports out of the way of the first timing
    scopes = plan_scopes(loaded, only=args.only)
    print(f"study: {loaded.config.name} ({study.relative_to(ROOT)}), {len(scopes)} scopes, "
          f"waves {args.waves}, languages {args.lang}, {os.cpu_count()} CPUs")

    options = {"waves": args.waves, "lang": args.lang, "only": args.only}
    with tempfile.TemporaryDirectory(prefix="image-synth-bench-") as tmp:
        work = Path(tmp)
        local, local_result = timed(study, work / "local", jobs=JOBS, **options)
        dask, dask_result = timed(study, work / "dask", scheduler=f"local:{JOBS}",
                                  **options)
        n = len(local_result.outcomes)
        failed = len(local_result.failed) + len(dask_result.failed)
        same = _files(work / "local") == _files(work / "dask")

    print(f"{n} supplements per batch ({failed} failed), "
          f"pages byte-identical: {'yes' if same else 'NO'}")
    for label, seconds, result in (("local pool --jobs 2:", local, local_result),
                                   ("dask LocalCluster 2x1:", dask, dask_result)):
        median = statistics.median(o.seconds for o in result.outcomes)
        print(f"{label:<24}{seconds:7.1f} s ({seconds / n:.2f} s per supplement; "
              f"median {median:.2f} s per notebook in a worker)")
    ratio = dask / local
    print(f"dask / local pool: {ratio:.2f}x  (target <= {TARGET}x: "
          f"{'met' if ratio <= TARGET else 'MISSED'})")


if __name__ == "__main__":
    main()
