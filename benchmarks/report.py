"""Write docs/performance.md from the JSON results of the three benchmarks.

``make bench`` runs it last; ``python -m benchmarks.report`` rewrites the page from
the results already in ``benchmarks/results``. The narrative sections (what limits
each target) live in ``benchmarks/notes.md`` and are copied in verbatim.
"""

from __future__ import annotations

import json
import os
import platform
import sys

from analysis import paths

RESULTS = paths.ROOT / "benchmarks" / "results"
NOTES = paths.ROOT / "benchmarks" / "notes.md"
PAGE = paths.ROOT / "docs" / "performance.md"


def _load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def _memory_gib() -> float:
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        return pages / 2**30
    except (ValueError, OSError):
        return float("nan")


def _mark(ok: bool) -> str:
    return "met" if ok else "**missed**"


def build() -> str:
    agg, render, synth = _load("aggregate"), _load("render"), _load("synth")
    machine = (agg or {}).get("machine", {})
    lines = [
        "# Performance",
        "",
        "Measured speed, memory and growth of the project's own code paths. Written by "
        "`python -m benchmarks.report` from `benchmarks/results/*.json`; reproduce with "
        "`make bench` (about 15 minutes on the machine below; the 10-million-row table, "
        "the 1-million-row list and the DOJ files of 100,000 and 1 million rows need "
        "about 3.1 GB of disk in `benchmarks/.data`; `make bench DOJ_SIZES=100k,1m,10m` "
        "adds the 10-million-row DOJ file, 7.6 GB more, and about 3 minutes).",
        "",
        "## Machine",
        "",
        f"- {machine.get('cpu', platform.processor() or platform.machine())}, "
        f"{machine.get('cores', os.cpu_count())} cores, "
        f"{machine.get('memory_gib', _memory_gib()):.0f} GiB memory",
        f"- Python {machine.get('python', platform.python_version())}, "
        f"{machine.get('stack', '')}",
        f"- measured {machine.get('date', 'n/a')}; {machine.get('conditions', '')}",
        "",
        "## Targets",
        "",
        "| target | measured | status |",
        "|---|---|---|",
    ]
    if agg:
        big = agg["sizes"].get("10m")
        if big:
            r = big["results"]
            pandas_x = r["pandas"]["aggregate_ratio_to_polars"]
            duck_x = r["polars"]["aggregate_s"] / r["duckdb"]["aggregate_s"]
            lines += [
                f"| aggregation at 10M rows at least 5x faster than pandas | "
                f"{pandas_x:.1f}x | {_mark(pandas_x >= 5)} |",
                f"| aggregation at 10M rows within 1.5x of DuckDB | polars takes "
                f"{duck_x:.2f}x DuckDB's time | {_mark(duck_x <= 1.5)} |",
                f"| 10M rows aggregated under 24 GB peak | "
                f"{r['polars']['peak_mib'] / 1024:.1f} GiB | "
                f"{_mark(r['polars']['peak_mib'] < 24 * 1024)} |",
            ]
    if render:
        lines += [
            f"| warm no-change re-render under 3 s | {render['warm_s']:.2f} s | "
            f"{_mark(render['warm_s'] < 3)} |",
            f"| cold full render within 1.5x of floor / cores | "
            f"x{render['cold_ratio_to_floor']:.2f} | "
            f"{_mark(render['cold_ratio_to_floor'] <= 1.5)} |",
        ]
    if synth:
        lines.append(f"| default data generated under 5 s | {synth['median_s']:.2f} s | "
                     f"{_mark(synth['median_s'] < 5)} |")
    scale = _load("scale")
    if scale:
        lines += _scale_targets(scale)
    doj = _load("doj")
    if doj:
        lines += _doj_targets(doj)
    if agg:
        lines += ["", "## Aggregation: the project's path against pandas and DuckDB", "",
                  "Three queries the pages ask (by motion, level and race with people and "
                  "shares; by decade and jurisdiction with shares within decade; a filtered "
                  "cut by agency and offense), run by `analysis.aggregate.counts` on a "
                  "Polars frame, by pandas and by DuckDB SQL. Results are checked equal "
                  "before timing; runs are interleaved, each in a fresh process; medians of "
                  f"{next(iter(agg['sizes'].values()))['repeats']} rounds.", "",
                  "| rows | engine | load (s) | aggregate (s) | aggregate vs polars | "
                  "peak memory (MiB) |", "|---:|---|---:|---:|---:|---:|"]
        for size in agg["sizes"].values():
            for engine, r in size["results"].items():
                lines.append(f"| {size['rows']:,} | {engine} | {r['load_s']:.3f} | "
                             f"{r['aggregate_s']:.3f} | x{r['aggregate_ratio_to_polars']:.2f}"
                             f" | {r['peak_mib']:.0f} |")
        if agg.get("polars_slope") is not None:
            lines += ["", f"**Growth.** From 123,600 to 10 million rows (81x) the project's "
                      f"aggregation time grows as rows^{agg['polars_slope']:.2f}: "
                      + ("close to linear." if 0.8 <= agg["polars_slope"] <= 1.2 else
                         "below linear: fixed costs dominate the small table."
                         if agg["polars_slope"] < 0.8 else "faster than linear.")]
    if render:
        lines += ["", "## Rendering", "",
                  f"{render['pages']} pages, {render['jobs']} at a time. The floor is "
                  f"{render['pages']} x {render['kernel_start_s']:.2f} s (a bare project "
                  f"kernel started, the package and its stack imported, stopped) / "
                  f"{render.get('cores', render['jobs'])} cores = "
                  f"{render['floor_s']:.1f} s."
                  + (f" The cold render used {render['cold_cpu_s']:.0f} CPU seconds in all "
                     f"its processes; {render['pages']} bare kernels use "
                     f"{render['pages'] * render['kernel_cpu_s']:.0f}."
                     if "kernel_cpu_s" in render else ""), "",
                  "| run | seconds | ratio to its floor |", "|---|---:|---:|",
                  f"| cold, full site | {render['cold_s']:.1f} | "
                  f"x{render['cold_ratio_to_floor']:.2f} |",
                  f"| warm, nothing changed | {render['warm_s']:.2f} | (executes nothing) |",
                  f"| one notebook changed | {render['one_changed_s']:.1f} | "
                  f"x{render['one_changed_ratio_to_floor']:.2f} |"]
    disclosure = _load("disclosure")
    if disclosure:
        lines += ["", "## Disclosure control", "",
                  f"The default site's counts protected together: {disclosure['hidden']} "
                  "cell(s) hidden.", "",
                  "| step | seconds | target | |", "|---|---:|---|---|",
                  f"| protection (every page's tables built and protected) | "
                  f"{disclosure['protection_s']:.1f} | under "
                  f"{disclosure['share_target']:.0%} of the rest of a cold render "
                  f"({disclosure['cold_render_s']:.0f} s in all): "
                  f"{disclosure['protection_share']:.0%} | "
                  f"{_mark(disclosure['protection_share'] < disclosure['share_target'])} |",
                  f"| `analysis audit` of the site | {disclosure['audit_s']:.1f} | under "
                  f"{disclosure['audit_target_s']:.0f} s | "
                  f"{_mark(disclosure['audit_s'] < disclosure['audit_target_s'])} |"]
    if scale:
        lines += _scale_section(scale)
    if doj:
        lines += _doj_section(doj)
    if NOTES.is_file():
        lines += ["", NOTES.read_text().strip()]
    lines += ["", "## Reproduce", "", "```sh", "make bench                 # everything",
              "python -m benchmarks.bench_aggregate --sizes 124k,1m --repeats 3",
              "python -m benchmarks.bench_render", "python -m benchmarks.bench_disclosure",
              "python -m benchmarks.bench_scale           # the 1-million-row list",
              "python -m benchmarks.bench_doj --sizes 100k,1m,10m   # the DOJ rules",
              "python -m benchmarks.report",
              "```", ""]
    return "\n".join(lines)


def _scale_targets(scale: dict) -> list[str]:
    rows, large = scale["rows"], scale["large"]
    peak = max(scale["max_page_peak_mib"], large["renderer_peak_mib"])
    ratio_ok = scale["ratio"] <= scale["ratio_target"]
    return [
        f"| {rows:,}-row list: cold render within {scale['ratio_target']:.0f}x of the "
        f"default site's | x{scale['ratio']:.2f} | {_mark(ratio_ok)} |",
        f"| {rows:,}-row list: no page, nor the renderer, over "
        f"{scale['peak_target_mib'] / 1024:.0f} GiB | {peak / 1024:.2f} GiB | "
        f"{_mark(peak <= scale['peak_target_mib'])} |",
    ]


def _mib(value: float | None) -> str:
    return f"{value:.0f}" if value else "n/a"


def _scale_section(scale: dict) -> list[str]:
    """The large list against the default site: the run, then every page."""
    default, large, checked = scale["default"], scale["large"], scale["validation"]
    lines = ["", "## Large lists", "",
             f"The whole site rendered cold on a {scale['rows']:,}-row case list "
             f"(`{scale['file']}`, CSV, {scale['file_mib']:.0f} MiB: the synthetic default "
             "drawn with a fresh seed per tile, ids made distinct) and on the default data, "
             f"back to back ({scale.get('rounds', 1)} pair(s): default, large, large, default, "
             f"...), {scale['jobs']} pages at a time, each with an empty cache; per page, the "
             "first run of each. Peak "
             "memory is each process's own high-water mark (resident). Measured "
             f"{scale.get('date', 'n/a')}; 1-minute load average {scale['load_1m']:.1f} at the "
             "end of the run (other work shared the machine: compare the ratios, not the "
             "seconds).", "",
             "| run | default | large list |", "|---|---:|---:|",
             f"| cold render, wall seconds | {default['wall_s']:.1f} | {large['wall_s']:.1f} "
             f"(x{scale['ratio']:.2f}) |"]
    if "cpu_s" in large:
        lines.append(f"| cold render, CPU seconds of all its processes | {default['cpu_s']:.0f} | "
                     f"{large['cpu_s']:.0f} (x{scale['cpu_ratio']:.2f}) |")
    if scale.get("rounds", 1) > 1:
        runs = scale["wall_s_runs"]
        lines.append(f"| every run, wall seconds (ratios are of the totals) | "
                     f"{', '.join(f'{s:.0f}' for s in runs['default'])} | "
                     f"{', '.join(f'{s:.0f}' for s in runs['large'])} |")
    if default.get("protection_s") is not None and large.get("protection_s") is not None:
        lines.append(f"| of which validating and protecting, before any page runs (s) | "
                     f"{default['protection_s']:.1f} | {large['protection_s']:.1f} |")
    default_peak = max((p["peak_mib"] or 0) for p in default["pages"].values())
    lines += [f"| renderer's peak, validation and protection included (MiB) | "
              f"{_mib(default['renderer_peak_mib'])} | {_mib(large['renderer_peak_mib'])} |",
              f"| largest page kernel's peak (MiB) | {_mib(default_peak)} | "
              f"{_mib(scale['max_page_peak_mib'])} |",
              f"| `analysis validate` of the list alone: seconds, peak MiB | | "
              f"{checked['seconds']:.1f} s, {checked['peak_mib']:.0f} |", "",
              "| page | default (s) | large list (s) | default peak (MiB) | "
              "large list peak (MiB) |", "|---|---:|---:|---:|---:|"]
    for name, page in sorted(large["pages"].items(), key=lambda kv: -kv[1]["seconds"]):
        base = default["pages"].get(name, {})
        lines.append(f"| {name} | {base.get('seconds', float('nan')):.1f} | "
                     f"{page['seconds']:.1f} | {_mib(base.get('peak_mib'))} | "
                     f"{_mib(page['peak_mib'])} |")
    return lines


def _doj_targets(doj: dict) -> list[str]:
    out = []
    if doj.get("speedup") is not None:
        one = doj["sizes"]["1m"]
        out.append(f"| DOJ rules on a 1M-row file at least {doj['speedup_target']:.0f}x the "
                   f"reference tool's speed ({doj['reference']['wall_s']} s) | "
                   f"{one['best']['wall_s']:.1f} s, x{doj['speedup']:.1f} | "
                   f"{_mark(doj['meets_speed'])} |")
    if doj.get("peak_gib_10m") is not None:
        rules = f"rules {doj.get('rules_peak_gib_10m', doj['peak_gib_10m']):.2f} GiB"
        if doj.get("rules_stopped_at_gib"):
            rules = f"rules stopped past the {doj['rules_stopped_at_gib']:.0f} GiB limit"
        gen = doj.get("generator_peak_gib_10m")
        out.append(f"| DOJ rules and generator on a 10M-row file under "
                   f"{doj['peak_target_gib']:.0f} GB peak | {rules}"
                   + (f"; generator {gen:.2f} GiB" if gen is not None else "")
                   + f" | {_mark(doj['meets_peak'])} |")
    gen = doj.get("default_generation")
    if gen:
        out.append(f"| DOJ-format default file generated under {gen['target_s']:.0f} s | "
                   f"{gen['wall_s']:.1f} s | {_mark(gen['meets_target'])} |")
    checked = all(s["check"]["all_equal"] is not False for s in doj["sizes"].values())
    out.append("| DOJ rules' counts equal the generator's ground truth, every size run to the "
               f"end | {'equal' if checked else 'differ'} | {_mark(checked)} |")
    return out


def _seconds(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "n/a"


def _doj_check(size: dict) -> str:
    stopped = size["best"].get("stopped_at_gib")
    if stopped:
        return f"not reached: stopped past {stopped:.0f} GiB"
    return "equal" if size["check"]["all_equal"] else "**differ**"


def _doj_section(doj: dict) -> list[str]:
    """The rules on generated DOJ files: each size's time, memory and check."""
    ref = doj["reference"]
    lines = ["", "## DOJ files: the Los Angeles rules", "",
             "`analysis.doj.run` on DOJ AB 1793 files written by `analysis synth --format "
             "doj` (each judged by a fresh process, imports included; the best of the runs "
             "counts), against the reference tool's "
             f"{ref['wall_s']} s wall and {ref['user_s']:.0f} s user CPU for "
             f"{ref['lines']:,} lines ({ref['mb']} MB). Every run's summary is checked "
             "against the generator's ground truth. Measured "
             f"{doj['date']}; 1-minute load average {doj['load_1m']:.1f} at the end "
             f"({doj['cores']} cores; other work shared the machine).", "",
             "| rows | file (MiB) | generate: wall s, peak MiB | rules: wall s | user s | "
             "inside the run s | peak MiB | counts vs truth |",
             "|---:|---:|---:|---:|---:|---:|---:|---|"]
    for s in doj["sizes"].values():
        b, g = s["best"], s["generate"]
        lines.append(f"| {s['rows']:,} | {s['file_mib']:.0f} | {g['wall_s']:.1f}, "
                     f"{g['peak_mib']:.0f} | {b['wall_s']:.1f} | {b['user_s']:.1f} | "
                     f"{_seconds(b.get('run_s'))} | {b['peak_mib']:.0f} | "
                     f"{_doj_check(s)} |")
    if doj.get("time_slope") is not None:
        lines += ["", f"**Growth.** Wall time grows as rows^{doj['time_slope']:.2f} and peak "
                  f"memory as rows^{doj['memory_slope']:.2f} over the sizes measured."]
    return lines


def main() -> int:
    PAGE.parent.mkdir(parents=True, exist_ok=True)
    PAGE.write_text(build())
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
