"""Write the embedded example study into image_synth/data/example/ (or --out DIR).

The example study is synthetic: seeded generators calibrated to the figures of the
IMAGE 2023 report write every file. Running this twice gives byte-identical files;
tests/example_study/test_regeneration.py checks that the shipped folder is exactly
what this script writes.

    python tools/make_example_study.py            # rewrite the shipped study
    python tools/make_example_study.py --out DIR  # write it elsewhere
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHIPPED = ROOT / "image_synth" / "data" / "example"
sys.path.insert(0, str(ROOT))

from tools.example_study.qual_gen import write_qual_part  # noqa: E402
from tools.example_study.survey_gen import write_survey_part  # noqa: E402

#: files authored by hand (not generated) and copied as they are
AUTHORED = {
    HERE / "example_src" / "drawings_2023.yaml": Path("drawings") / "drawings_2023.yaml",
    HERE / "example_study" / "README.md": Path("README.md"),
}


def write_example_study(out: Path) -> None:
    """Write the whole study into ``out`` (created; existing content replaced)."""
    out.mkdir(parents=True, exist_ok=True)
    write_survey_part(out)
    write_qual_part(out)
    for source, target in AUTHORED.items():
        (out / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, out / target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SHIPPED)
    args = parser.parse_args(argv)
    # write beside the target and swap in only when complete
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.out.parent, prefix=".example-") as tmp:
        staged = Path(tmp) / "example"
        write_example_study(staged)
        if args.out.exists():
            old = Path(tmp) / "old"
            args.out.rename(old)
        staged.rename(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
