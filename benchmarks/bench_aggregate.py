"""Aggregation benchmark: the project's own path against pandas and DuckDB.

Run with ``make bench`` (or ``python -m benchmarks.bench_aggregate --help``). For each
table size the three implementations first run once and their results are checked
equal; then they are timed in interleaved rounds, each run in a fresh child process so
its peak memory (max RSS) is its own. Reported: medians of load and aggregation time,
ratios to the project's path, and peak memory.

The project's path is :func:`analysis.aggregate.counts`, the function the notebooks
call, over a Polars frame read from Parquet. pandas and DuckDB run the same three
queries written the way a user of each would write them.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.scale import SIZES, scaled_cases

IMPLEMENTATIONS = ("polars", "pandas", "duckdb")

# The workload: what the overview, explorer and agency pages ask of the data.
QUERIES = {
    "by_batch_level_race": "convictions and people by motion, level and race, with shares",
    "by_decade_jurisdiction": "convictions by decade and jurisdiction, share within decade",
    "filtered_agency_offense": "2021 misdemeanors of 1990-2010 by agency and offense, "
    "with people and shares",
}


# --- the three implementations ----------------------------------------------------------


def run_polars(path: Path) -> tuple[float, float, dict]:
    import polars as pl

    from analysis import aggregate

    started = time.perf_counter()
    cases = pl.read_parquet(path)
    loaded = time.perf_counter()
    out = {
        "by_batch_level_race": aggregate.counts(
            cases, ["batch", "charge_level", "race_ethnicity"]),
        "by_decade_jurisdiction": aggregate.counts(
            cases, ["conviction_decade", "jurisdiction"], share_within=["conviction_decade"],
            people=False),
        "filtered_agency_offense": aggregate.counts(
            cases, ["prosecuting_agency", "offense_type"], batch="sep2021",
            charge_level="misdemeanor", year_from=1990, year_to=2010),
    }
    done = time.perf_counter()
    return loaded - started, done - loaded, {k: [list(r) for r in v.iter_rows()]
                                             for k, v in out.items()}


def run_pandas(path: Path) -> tuple[float, float, dict]:
    import pandas as pd

    started = time.perf_counter()
    cases = pd.read_parquet(path)
    loaded = time.perf_counter()
    year = pd.to_datetime(cases["conviction_date"]).dt.year

    def with_people(frame, by):
        table = (frame.groupby(by, observed=True)
                 .agg(convictions=("case_id", "size"), people=("person_id", "nunique"))
                 .reset_index())
        table["convictions_share"] = table["convictions"] / len(frame)
        table["people_share"] = table["people"] / frame["person_id"].nunique()
        return table[[*by, "convictions", "convictions_share", "people", "people_share"]]

    q1 = with_people(cases, ["batch", "charge_level", "race_ethnicity"])
    decade = (year // 10 * 10).rename("conviction_decade")
    q2 = (cases.groupby([decade, cases["jurisdiction"]], observed=True).size()
          .rename("convictions").reset_index())
    q2["convictions_share"] = q2["convictions"] / q2.groupby("conviction_decade")[
        "convictions"].transform("sum")
    keep = ((cases["batch"] == "sep2021") & (cases["charge_level"] == "misdemeanor")
            & year.between(1990, 2010))
    q3 = with_people(cases[keep], ["prosecuting_agency", "offense_type"])
    done = time.perf_counter()
    out = {"by_batch_level_race": q1, "by_decade_jurisdiction": q2,
           "filtered_agency_offense": q3}
    return loaded - started, done - loaded, {
        k: [list(r) for r in v.itertuples(index=False)] for k, v in out.items()}


DUCKDB_SQL = {
    "by_batch_level_race": """
        SELECT batch, charge_level, race_ethnicity, count(*) AS convictions,
               count(*) / sum(count(*)) OVER () AS convictions_share,
               count(DISTINCT person_id) AS people,
               count(DISTINCT person_id) / (SELECT count(DISTINCT person_id) FROM cases)
                   AS people_share
        FROM cases GROUP BY ALL""",
    "by_decade_jurisdiction": """
        WITH g AS (SELECT year(conviction_date) // 10 * 10 AS conviction_decade,
                          jurisdiction, count(*) AS convictions
                   FROM cases GROUP BY ALL)
        SELECT conviction_decade, jurisdiction, convictions,
               convictions / sum(convictions) OVER (PARTITION BY conviction_decade)
                   AS convictions_share
        FROM g""",
    "filtered_agency_offense": """
        WITH f AS (SELECT * FROM cases WHERE batch = 'sep2021'
                   AND charge_level = 'misdemeanor'
                   AND year(conviction_date) BETWEEN 1990 AND 2010)
        SELECT prosecuting_agency, offense_type, count(*) AS convictions,
               count(*) / sum(count(*)) OVER () AS convictions_share,
               count(DISTINCT person_id) AS people,
               count(DISTINCT person_id) / (SELECT count(DISTINCT person_id) FROM f)
                   AS people_share
        FROM f GROUP BY ALL""",
}


def run_duckdb(path: Path) -> tuple[float, float, dict]:
    import duckdb

    started = time.perf_counter()
    con = duckdb.connect()
    con.execute("CREATE TABLE cases AS SELECT * FROM read_parquet(?)", [str(path)])
    loaded = time.perf_counter()
    out = {name: con.execute(sql).fetchall() for name, sql in DUCKDB_SQL.items()}
    done = time.perf_counter()
    return loaded - started, done - loaded, {k: [list(r) for r in v] for k, v in out.items()}


RUNNERS = {"polars": run_polars, "pandas": run_pandas, "duckdb": run_duckdb}


# --- comparing and timing -------------------------------------------------------------


def normalise(results: dict) -> dict:
    """Rows as sorted tuples of text and rounded numbers, comparable across engines."""
    def value(v):
        if isinstance(v, float):
            return round(v, 9)
        if hasattr(v, "item"):  # numpy scalars
            return value(v.item())
        return v if isinstance(v, int) else str(v)

    return {k: sorted(tuple(value(x) for x in row) for row in rows)
            for k, rows in results.items()}


def child(impl: str, path: Path) -> dict:
    load, aggregate_seconds, results = RUNNERS[impl](path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB
    return {"impl": impl, "load_s": load, "aggregate_s": aggregate_seconds,
            "peak_mib": peak, "results": normalise(results)}


def spawn(impl: str, path: Path) -> dict:
    proc = subprocess.run([sys.executable, "-m", "benchmarks.bench_aggregate", "--child",
                           impl, str(path)], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{impl} failed on {path.name}:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


def bench_size(label: str, rows: int, repeats: int, log) -> dict:
    path = scaled_cases(rows)
    log(f"[{label}] {rows:,} rows: checking the three implementations agree")
    first = {impl: spawn(impl, path) for impl in IMPLEMENTATIONS}
    reference = first["polars"]["results"]
    for impl in IMPLEMENTATIONS[1:]:
        for query, rows_ in reference.items():
            if first[impl]["results"][query] != rows_:
                raise SystemExit(f"{impl} disagrees with polars on {query} at {label}")
    runs: dict[str, list[dict]] = {impl: [] for impl in IMPLEMENTATIONS}
    for r in range(repeats):
        order = IMPLEMENTATIONS[r % 3:] + IMPLEMENTATIONS[: r % 3]  # rotate to interleave
        for impl in order:
            result = spawn(impl, path)
            result.pop("results")
            runs[impl].append(result)
            log(f"[{label}] round {r + 1}/{repeats} {impl:7s} load {result['load_s']:.3f}s "
                f"aggregate {result['aggregate_s']:.3f}s peak {result['peak_mib']:.0f} MiB")
    summary = {}
    for impl, rs in runs.items():
        summary[impl] = {
            "load_s": statistics.median(r["load_s"] for r in rs),
            "aggregate_s": statistics.median(r["aggregate_s"] for r in rs),
            "peak_mib": max(r["peak_mib"] for r in rs),
        }
    base = summary["polars"]["aggregate_s"]
    for impl in IMPLEMENTATIONS:
        summary[impl]["aggregate_ratio_to_polars"] = summary[impl]["aggregate_s"] / base
    return {"rows": rows, "repeats": repeats, "results": summary}


def slope(results: dict) -> float | None:
    """Growth exponent of the project's aggregation time between the smallest and
    largest sizes: time ~ rows ** slope."""
    sizes = sorted(results.values(), key=lambda r: r["rows"])
    if len(sizes) < 2:
        return None
    lo, hi = sizes[0], sizes[-1]
    return (math.log(hi["results"]["polars"]["aggregate_s"]
                     / lo["results"]["polars"]["aggregate_s"])
            / math.log(hi["rows"] / lo["rows"]))


def machine() -> dict:
    """What the numbers were measured on."""
    import datetime as dt
    import os
    import platform
    from importlib.metadata import version

    cpu = platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    load = os.getloadavg()[0]
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gib": memory,
        "python": platform.python_version(),
        "stack": ", ".join(f"{p} {version(p)}" for p in ("polars", "pandas", "duckdb")),
        "date": dt.date.today().isoformat(),
        "conditions": f"1-minute load average {load:.1f} when the run started",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_aggregate",
        description="Time the project's aggregation against pandas and DuckDB.")
    parser.add_argument("--sizes", default="124k,1m,10m",
                        help="comma-separated sizes from: " + ", ".join(SIZES)
                        + " (default %(default)s)")
    parser.add_argument("--repeats", type=int, default=5, help="timed rounds (default 5)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/aggregate.json"))
    parser.add_argument("--child", nargs=2, metavar=("IMPL", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]))))
        return 0

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    info = machine()
    report = {}
    for label in args.sizes.split(","):
        if label not in SIZES:
            parser.error(f"unknown size {label!r}; choose from {', '.join(SIZES)}")
        report[label] = bench_size(label, SIZES[label], args.repeats, log)
    output = {"machine": info, "sizes": report, "polars_slope": slope(report)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(output, indent=2) + "\n")
    for label, r in report.items():
        res = r["results"]
        print(f"{label:>5} rows {r['rows']:>11,}: polars {res['polars']['aggregate_s']:.3f}s"
              f" | pandas x{res['pandas']['aggregate_ratio_to_polars']:.1f}"
              f" | duckdb x{res['duckdb']['aggregate_ratio_to_polars']:.2f}"
              f" | peak MiB polars {res['polars']['peak_mib']:.0f} pandas "
              f"{res['pandas']['peak_mib']:.0f} duckdb {res['duckdb']['peak_mib']:.0f}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
