"""Disclosure benchmark: the protection step and the attacker's audit on the default site.

Targets: the audit of the default site (``analysis audit``, in a fresh process) in under
60 s; the protection step (every page's count tables built and protected together, as
``analysis render`` does before any page runs, without its cache) adds under 20% to a
cold render of the whole site.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AUDIT_TARGET_S = 60.0
SHARE_TARGET = 0.20


def protection_seconds() -> tuple[float, int]:
    """The protection step alone, as the renderer runs it (cache bypassed)."""
    from analysis import release
    from analysis.data import open_cases
    from analysis.site import load_config, plan_pages

    pages = [p for p in plan_pages(load_config()) if p.notebook.stem in release.BUILDERS]
    started = time.perf_counter()
    cases, source = open_cases(None)
    with tempfile.TemporaryDirectory() as cache:
        _, plan = release.site_plan(pages, cases, source.sha256, cache=Path(cache))
    return time.perf_counter() - started, len(plan["hidden"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_disclosure",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path,
                        default=Path("benchmarks/results/disclosure.json"))
    args = parser.parse_args(argv)
    protect = [protection_seconds() for _ in range(args.repeats)]
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        env = {**os.environ, "LACRA_CACHE": str(Path(tmp) / "cache")}  # nothing cached
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "analysis", "render", "--site", str(site),
                        "--jobs", str(args.jobs), "--quiet"], check=True, env=env)
        cold = time.perf_counter() - started
        audits = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "analysis", "audit", str(site)],
                           check=True, capture_output=True)
            audits.append(time.perf_counter() - started)
    protection = statistics.median(t for t, _ in protect)
    audit = statistics.median(audits)
    share = protection / max(cold - protection, 1e-9)
    report = {"repeats": args.repeats, "jobs": args.jobs, "hidden": protect[0][1],
              "protection_s": protection, "cold_render_s": cold,
              "protection_share": share, "audit_s": audit, "audit_runs_s": audits,
              "audit_target_s": AUDIT_TARGET_S, "share_target": SHARE_TARGET,
              "meets_target": audit < AUDIT_TARGET_S and share < SHARE_TARGET}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"protection {protection:.1f}s ({share:.0%} of the rest of a {cold:.0f}s cold "
          f"render; target < {SHARE_TARGET:.0%}), audit {audit:.1f}s (target < "
          f"{AUDIT_TARGET_S:.0f}s) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
