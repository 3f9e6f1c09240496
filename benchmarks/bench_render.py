"""Render benchmark: the full site cold, warm with nothing changed, and after one
notebook changed, each as a ratio to a measured floor.

The floor is what rendering N pages cannot go below: N times the start of a bare
project kernel that imports the package (measured in the same run), divided by the
machine's cores. Each run also records the CPU seconds it used (the render and every
process it started), which tells work apart from waiting. Every render runs the real command line
(``analysis render``) into a temporary site, from a temporary copy of the notebooks so
that "one notebook changed" can be staged without touching the checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from analysis import paths
from analysis.site import load_config, plan_pages
from analysis.site.execute import kernel_name

KERNEL_WARMUP = "import analysis, polars, altair, statsmodels.api"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def kernel_start_seconds(repeats: int) -> tuple[float, float]:
    """Median wall time to start the project kernel, import the package, and stop it;
    and the mean CPU seconds one such kernel uses."""
    from jupyter_client.manager import start_new_kernel

    times = []
    cpu = _children_cpu()
    for _ in range(repeats):
        started = time.perf_counter()
        km, kc = start_new_kernel(kernel_name=kernel_name())
        try:
            kc.execute_interactive(KERNEL_WARMUP, timeout=120)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times), (_children_cpu() - cpu) / repeats


def run_render(site: Path, notebooks: Path, config: Path, jobs: int,
               force: bool = False) -> tuple[float, float]:
    """Wall and CPU seconds of one ``analysis render``."""
    command = [sys.executable, "-m", "analysis", "render", "--site", str(site),
               "--config", str(config), "--jobs", str(jobs), "--quiet"]
    if force:
        command.append("--force")
    env = dict(os.environ, LACRA_NOTEBOOKS=str(notebooks))
    cpu = _children_cpu()
    started = time.perf_counter()
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"render failed:\n{proc.stderr[-3000:]}")
    return seconds, _children_cpu() - cpu


def touch_notebook(path: Path) -> None:
    """Change one notebook the way an author would: edit a Markdown line."""
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "markdown")
    first.source += "\n\n(edited for the render benchmark)"
    nbformat.write(nb, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_render",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="pages rendered at a time (default: the cores, %(default)s)")
    parser.add_argument("--kernel-repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/render.json"))
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    pages = plan_pages(load_config())
    log(f"{len(pages)} pages; measuring the floor (bare kernel start + imports)")
    cores = os.cpu_count() or 1
    kernel, kernel_cpu = kernel_start_seconds(args.kernel_repeats)
    floor = len(pages) * kernel / cores
    with tempfile.TemporaryDirectory(prefix="lacra-bench-") as tmp:
        tmp = Path(tmp)
        notebooks = tmp / "notebooks"
        shutil.copytree(paths.NOTEBOOKS, notebooks)
        site = tmp / "reports" / "site"
        config = paths.REPORTS_CONFIG
        log("cold render of the full site ...")
        cold, cold_cpu = run_render(site, notebooks, config, args.jobs, force=True)
        log("warm render, nothing changed ...")
        warm, _ = run_render(site, notebooks, config, args.jobs)
        changed_nb = notebooks / pages[0].notebook.name
        touch_notebook(changed_nb)
        changed_pages = sum(p.notebook.name == changed_nb.name for p in pages)
        log(f"render after changing {changed_nb.name} ({changed_pages} page(s)) ...")
        one, _ = run_render(site, notebooks, config, args.jobs)
    one_floor = changed_pages * kernel
    report = {
        "pages": len(pages), "jobs": args.jobs, "cores": cores, "kernel_start_s": kernel,
        "kernel_cpu_s": kernel_cpu, "floor_s": floor,
        "cold_s": cold, "cold_cpu_s": cold_cpu, "cold_ratio_to_floor": cold / floor,
        "warm_s": warm,
        "one_changed_s": one, "one_changed_floor_s": one_floor,
        "one_changed_ratio_to_floor": one / one_floor,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"floor {floor:.1f}s ({len(pages)} pages x {kernel:.2f}s kernel / {cores} "
          f"cores) | cold {cold:.1f}s (x{cold / floor:.2f}, {cold_cpu:.0f} CPU s) | warm "
          f"{warm:.2f}s | one notebook changed {one:.1f}s (x{one / one_floor:.2f} of its floor)")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
