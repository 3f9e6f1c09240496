"""Scale benchmark: the whole site rendered on a 1-million-row case list, beside the
default site, with every page's time and peak memory.

Targets: the large list's cold render within 2x of the default site's cold render (the
two run back to back on the same machine, each with its own empty cache), and no page's
kernel, nor the renderer itself (validation and disclosure protection included), over
2 GiB of resident memory.

The list is :func:`benchmarks.scale.large_list`: the synthetic default drawn with a
fresh seed per tile, ids made distinct, written as CSV (what a user hands in). Memory
is each process's own high-water mark (``VmHWM`` in ``/proc/PID/status``), read every
0.1 s while it lives; a kernel is matched to its page through its standard error, which
the renderer points at ``logs/PAGE.log``. Validation alone (``analysis validate``) is
timed and measured in a process of its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import scale

RATIO_TARGET = 2.0
PEAK_TARGET_MIB = 2048.0
POLL_S = 0.1


def _children_of() -> dict[int, list[int]]:
    """Every live process's children, by parent pid."""
    out: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        out.setdefault(ppid, []).append(int(entry.name))
    return out


def _descendants(root: int) -> list[int]:
    children, todo, out = _children_of(), [root], []
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def _hwm_mib(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _role(pid: int) -> tuple[str, str] | None:
    """('kernel', page), ('worker', '') or ('other', name); None when it is gone."""
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return None
    if "ipykernel" in cmd:
        try:
            log = os.readlink(f"/proc/{pid}/fd/2")
        except OSError:
            log = ""
        match = re.search(r"/logs/([^/]+)\.log$", log)
        return "kernel", match.group(1) if match else f"pid{pid}"
    if "spawn_main" in cmd:  # a render worker (the pool's resource tracker is not one)
        return "worker", ""
    return "other", cmd.split(" ")[0].rsplit("/", 1)[-1]


@dataclass
class Watch:
    """High-water marks of a process tree, sampled while it runs."""

    root: int
    roles: dict[int, tuple[str, str]] = field(default_factory=dict)
    peaks: dict[int, float] = field(default_factory=dict)

    def sample(self) -> None:
        for pid in _descendants(self.root):
            if self.roles.get(pid, ("", ""))[0] not in ("kernel", "renderer"):
                # read again until it is a kernel: a kernel just forked still shows the
                # worker's command line until it execs
                role = _role(pid) if pid != self.root else ("renderer", "")
                if role is None:
                    continue
                self.roles[pid] = role
            hwm = _hwm_mib(pid)
            if hwm is not None:
                self.peaks[pid] = max(hwm, self.peaks.get(pid, 0.0))

    def by_page(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for pid, (kind, name) in self.roles.items():
            if kind == "kernel" and pid in self.peaks:
                out[name] = max(out.get(name, 0.0), self.peaks[pid])
        return out

    def peak_of(self, kind: str) -> float:
        return max((self.peaks.get(p, 0.0) for p, (k, _) in self.roles.items() if k == kind),
                   default=0.0)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def render(data: Path | None, tmp: Path, jobs: int) -> dict:
    """One cold ``analysis render`` of the whole site: wall time, each page's seconds
    and kernel peak, the renderer's and the workers' peaks, the protection time."""
    site = tmp / "site"
    command = [sys.executable, "-m", "analysis", "render", "--site", str(site), "--jobs",
               str(jobs), "--force"] + (["--data", str(data)] if data else [])
    env = dict(os.environ, LACRA_CACHE=str(tmp / "cache"))  # nothing validated or planned
    cpu = _children_cpu()
    started = time.perf_counter()
    # output goes to files: a full pipe would stall the render while it is watched
    with open(tmp / "out.txt", "w+") as out, open(tmp / "err.txt", "w+") as err:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=err, text=True)
        watch = Watch(proc.pid)
        while proc.poll() is None:
            watch.sample()
            time.sleep(POLL_S)
        seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
        out.seek(0)
        err.seek(0)
        out, err = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(f"render failed ({data or 'default'}):\n{err[-3000:]}")
    found = re.search(r"protected the site's counts together: .*\(([\d.]+)s\)", out)
    manifest = json.loads((site / "manifest.json").read_text())
    peaks = watch.by_page()
    pages = {e["page"]: {"seconds": e["seconds"], "peak_mib": peaks.get(e["page"])}
             for e in manifest["pages"]}
    return {"wall_s": seconds, "cpu_s": cpu,
            "protection_s": float(found.group(1)) if found else None,
            "renderer_peak_mib": watch.peak_of("renderer"),
            "worker_peak_mib": watch.peak_of("worker"), "pages": pages}


def validation(data: Path) -> dict:
    """``analysis validate`` of the list in a fresh process: seconds and peak memory."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "analysis", "validate", str(data)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{data} does not validate")
    return {"seconds": time.perf_counter() - started, "peak_mib": usage.ru_maxrss / 1024}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_scale",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=1,
                        help="pairs of renders, ordered default, large, large, default, ... "
                        "so that a drift in the machine's load falls on both")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/scale.json"))
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    data = scale.large_list(args.rows)
    log(f"{args.rows:,}-row list: {data} ({data.stat().st_size / 2**20:.0f} MiB)")
    checked = validation(data)
    log(f"validated in {checked['seconds']:.1f}s, peak {checked['peak_mib']:.0f} MiB")
    runs: dict[str, list[dict]] = {"default": [], "large": []}
    for i in range(args.rounds):
        pair = (("default", None), ("large", data))
        for label, source in pair if i % 2 == 0 else pair[::-1]:
            log(f"cold render of the site on the {label} list ...")
            with tempfile.TemporaryDirectory(prefix="lacra-scale-") as tmp:
                runs[label].append(render(source, Path(tmp), args.jobs))
            log(f"  {runs[label][-1]['wall_s']:.1f}s")

    def total(label: str, key: str) -> float:
        return sum(r[key] for r in runs[label])

    ratio = total("large", "wall_s") / total("default", "wall_s")
    cpu_ratio = total("large", "cpu_s") / total("default", "cpu_s")
    large = runs["large"][0]
    page_peak = max((p["peak_mib"] or 0.0) for p in large["pages"].values())
    peak = max(page_peak, large["renderer_peak_mib"])
    report = {"rows": args.rows, "file": data.name, "file_mib": data.stat().st_size / 2**20,
              "jobs": args.jobs, "date": dt.date.today().isoformat(),
              "load_1m": os.getloadavg()[0], "validation": checked,
              "default": runs["default"][0], "large": large, "ratio": ratio,
              "cpu_ratio": cpu_ratio, "rounds": args.rounds,
              "wall_s_runs": {k: [r["wall_s"] for r in v] for k, v in runs.items()},
              "max_page_peak_mib": page_peak, "max_peak_mib": peak,
              "ratio_target": RATIO_TARGET, "peak_target_mib": PEAK_TARGET_MIB,
              "meets_target": ratio <= RATIO_TARGET and peak <= PEAK_TARGET_MIB}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    slowest = sorted(large["pages"].items(), key=lambda kv: -kv[1]["seconds"])[:3]
    print(f"{args.rows:,} rows: {large['wall_s']:.0f}s against the default's "
          f"{runs['default'][0]['wall_s']:.0f}s (x{ratio:.2f}; target <= {RATIO_TARGET:.0f}x; CPU "
          f"x{cpu_ratio:.2f}); "
          f"peak {peak:.0f} MiB (pages {page_peak:.0f}, renderer "
          f"{large['renderer_peak_mib']:.0f}; target <= {PEAK_TARGET_MIB:.0f}); slowest: "
          + ", ".join(f"{n} {p['seconds']:.0f}s" for n, p in slowest) + f" -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
