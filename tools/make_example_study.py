"""Write the embedded example study into image_synth/data/example/ (or --out DIR).

The example study is synthetic: seeded generators calibrated to the figures of the
IMAGE 2023 report write every file. Running this twice gives byte-identical files;
tests/example_study/test_regeneration.py checks that the shipped folder is exactly
what this script writes.

    python tools/make_example_study.py            # rewrite the shipped study
    python tools/make_example_study.py --out DIR  # write it elsewhere
    python tools/make_example_study.py --out DIR --regions-factor 4
                                                  # every region 4 times (a bigger study
                                                  # for bench/scaling.py; never shipped)
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
from tools.example_study.replicate import check_factor, replicate_drawings  # noqa: E402
from tools.example_study.survey_gen import write_survey_part  # noqa: E402

#: files authored by hand (not generated) and copied as they are
AUTHORED = {
    HERE / "example_src" / "drawings_2023.yaml": Path("drawings") / "drawings_2023.yaml",
    HERE / "example_study" / "README.md": Path("README.md"),
}


def write_example_study(out: Path, *, regions_factor: int = 1) -> None:
    """Write the whole study into ``out`` (created; existing content replaced).

    ``regions_factor`` > 1: every region, with its respondents, interviews, meetings and
    drawings, that many times (``tools/example_study/replicate.py``)."""
    regions_factor = check_factor(regions_factor)
    out.mkdir(parents=True, exist_ok=True)
    write_survey_part(out, regions_factor=regions_factor)
    write_qual_part(out, regions_factor=regions_factor)
    for source, target in AUTHORED.items():
        (out / target).parent.mkdir(parents=True, exist_ok=True)
        if regions_factor != 1 and target.parent.name == "drawings":
            import yaml

            data = yaml.safe_load(source.read_text(encoding="utf-8"))
            text = yaml.safe_dump(replicate_drawings(data, regions_factor), sort_keys=False,
                                  allow_unicode=True, width=100)
            (out / target).write_bytes(text.encode("utf-8"))
        else:
            shutil.copyfile(source, out / target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SHIPPED)
    parser.add_argument("--regions-factor", type=int, default=1, metavar="N",
                        help="write every region N times (new ids; default 1: the shipped "
                             "example)")
    args = parser.parse_args(argv)
    if args.regions_factor < 1:
        parser.error(f"--regions-factor must be at least 1, got {args.regions_factor}")
    if args.regions_factor != 1 and args.out.resolve() == SHIPPED.resolve():
        parser.error("--regions-factor needs --out: the shipped example is the 1x study")
    # write beside the target and swap in only when complete
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.out.parent, prefix=".example-") as tmp:
        staged = Path(tmp) / "example"
        write_example_study(staged, regions_factor=args.regions_factor)
        if args.out.exists():
            old = Path(tmp) / "old"
            args.out.rename(old)
        staged.rename(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
