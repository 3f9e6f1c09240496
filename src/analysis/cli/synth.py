"""``analysis synth``: write the synthetic default case dataset."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .. import paths

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "synth", help="write the synthetic default case dataset",
        description="Generate the synthetic, deterministic case-level dataset calibrated "
        "to the published figures. The same seed gives a byte-identical file.")
    p.add_argument("--seed", type=int, default=paths.DEFAULT_SEED,
                   help="random seed (default %(default)s)")
    p.add_argument("--out", type=Path, default=None,
                   help="output .parquet or .csv (default data/synthetic/cases_seed<SEED>"
                   ".parquet)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
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
