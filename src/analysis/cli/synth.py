"""``analysis synth``: write the synthetic default case dataset, or a DOJ-format file."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .. import paths

__all__ = ["add_parser", "run"]

_EPILOG = """\
formats:
  cases  the case-level list the site reads (.parquet or .csv), calibrated to both motions
  doj    a California DOJ AB 1793 bulk file (95 fields, CSV) for Los Angeles County whose
         people are built so that the Los Angeles rules reproduce the February 2020
         figures; FILE.truth.parquet and FILE.truth.json beside it say what the rules
         must decide. --scale or --people size it (1.0 = 56,800 people, the 53,000
         of the motion and 3,800 with nothing dismissed, about 400,000 rows); large
         files are written in chunks, with progress on stderr.

examples:
  analysis synth --seed 2020
  analysis synth --format doj --seed 2020 --out doj.csv
  analysis synth --format doj --people 2000 --out small.csv
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "synth", help="write the synthetic default case dataset (or a DOJ-format file)",
        description="Generate synthetic, deterministic data calibrated to the published "
        "figures. The same seed (and size) gives a byte-identical file.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--format", choices=("cases", "doj"), default="cases",
                   help="what to write (default %(default)s)")
    p.add_argument("--seed", type=int, default=paths.DEFAULT_SEED,
                   help="random seed (default %(default)s)")
    p.add_argument("--out", type=Path, default=None,
                   help="output file (default data/synthetic/cases_seed<SEED>.parquet, "
                   "or data/synthetic/doj_seed<SEED>.csv for --format doj)")
    size = p.add_mutually_exclusive_group()
    size.add_argument("--scale", type=float, default=None,
                      help="doj only: size as a multiple of the published population "
                      "(default 1.0)")
    size.add_argument("--people", type=int, default=None,
                      help="doj only: number of people in the file instead of --scale")
    p.set_defaults(func=run)


def _run_doj(args: argparse.Namespace) -> int:
    from .. import synth_doj

    out = args.out or paths.synthetic_doj(args.seed)
    if out.suffix.lower() != ".csv":
        print(f"error: {out}: a DOJ-format file is written as .csv", file=sys.stderr)
        return 2
    try:
        scale = synth_doj.scale_for(args.people, args.scale)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    written = synth_doj.write(out, args.seed, scale=scale)
    s = written.summary
    print(f"wrote {s['lines'] - 1:,} DOJ-format rows (seed {args.seed}, {s['people']:,} "
          f"people, {s['people_in_motion']:,} of them in the motion; {s['felonies']:,} "
          f"felony Prop 64 convictions, {s['felonies_dismissed']:,} of them dismissed by the "
          f"rules, and {s['misdemeanors']:,} misdemeanor ones) to {out} in "
          f"{time.perf_counter() - started:.1f} s; ground truth in "
          f"{synth_doj.truth_paths(out)[1].name}")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.format == "doj":
        return _run_doj(args)
    if args.scale is not None or args.people is not None:
        print("error: --scale and --people size a DOJ-format file (--format doj)",
              file=sys.stderr)
        return 2
    from .. import synth

    out = args.out or paths.synthetic_cases(args.seed)
    if out.suffix not in (".csv", ".parquet"):
        print(f"error: {out}: the output must end in .parquet or .csv", file=sys.stderr)
        return 2
    started = time.perf_counter()
    frame = synth.generate(args.seed)
    synth.write(frame, out)
    print(f"wrote {frame.height:,} synthetic rows (seed {args.seed}) to {out} "
          f"in {time.perf_counter() - started:.1f} s")
    return 0


def __dir__() -> list[str]:
    return sorted(__all__)
