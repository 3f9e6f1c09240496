"""Generation benchmark: the synthetic default dataset, generated and written.

Target: under 5 seconds. Each run is a fresh child process (imports included, as a user
running ``analysis synth`` pays them); the median of the runs is reported.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 5.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_synth",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/synth.json"))
    args = parser.parse_args(argv)
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeats):
            out = Path(tmp) / f"cases{i}.parquet"
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "analysis", "synth", "--out", str(out)],
                           check=True, capture_output=True)
            times.append(time.perf_counter() - started)
    median = statistics.median(times)
    report = {"repeats": args.repeats, "median_s": median, "runs_s": times,
              "target_s": TARGET_S, "meets_target": median < TARGET_S}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"synthetic default generated and written in {median:.2f}s (median of "
          f"{args.repeats}; target < {TARGET_S:.0f}s) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
