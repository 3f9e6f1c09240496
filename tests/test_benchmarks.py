"""The benchmark harness: how it compares engines, fits growth and judges targets.

The benchmarks themselves run with ``make bench``, never here; these tests check the
arithmetic the published performance page rests on.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from benchmarks import bench_aggregate, report


def test_results_from_different_engines_compare_equal():
    polars_rows = {"q": [["feb2020", 3, 0.1 + 0.2], ["sep2021", 1, 0.7]]}
    pandas_rows = {"q": [[np.str_("sep2021"), np.int64(1), np.float64(0.7)],
                         ["feb2020", np.int64(3), 0.3]]}  # other order, numpy types
    assert bench_aggregate.normalise(polars_rows) == bench_aggregate.normalise(pandas_rows)
    different = {"q": [["feb2020", 3, 0.3], ["sep2021", 2, 0.7]]}
    assert bench_aggregate.normalise(polars_rows) != bench_aggregate.normalise(different)


def _size(rows: int, seconds: float) -> dict:
    return {"rows": rows, "results": {"polars": {"aggregate_s": seconds}}}


@pytest.mark.parametrize(("small", "large", "expected"), [
    (0.01, 0.81, 1.0),  # 81x the rows, 81x the time: linear
    (0.01, 0.09, 0.5),  # 81x the rows, 9x the time
])
def test_growth_slope(small, large, expected):
    sizes = {"a": _size(123_600, small), "b": _size(123_600 * 81, large)}
    assert bench_aggregate.slope(sizes) == pytest.approx(expected)
    assert bench_aggregate.slope({"a": _size(10, 1.0)}) is None


def _results(tmp_path, pandas_x: float, cold_ratio: float) -> None:
    polars_s = 2.0
    aggregate = {
        "machine": {"cpu": "test cpu", "cores": 2, "memory_gib": 24, "python": "3.11",
                    "stack": "polars", "date": "2026-11-21", "conditions": "quiet"},
        "polars_slope": 1.0,
        "sizes": {"10m": {"rows": 10_000_000, "repeats": 3, "results": {
            "polars": {"load_s": 0.5, "aggregate_s": polars_s, "peak_mib": 1700,
                       "aggregate_ratio_to_polars": 1.0},
            "pandas": {"load_s": 4.0, "aggregate_s": polars_s * pandas_x, "peak_mib": 3000,
                       "aggregate_ratio_to_polars": pandas_x},
            "duckdb": {"load_s": 3.0, "aggregate_s": 5.0, "peak_mib": 3000,
                       "aggregate_ratio_to_polars": 2.5}}}},
    }
    floor = 21 * 4.0 / 2
    render = {"pages": 21, "jobs": 2, "cores": 2, "kernel_start_s": 4.0,
              "kernel_cpu_s": 4.1, "floor_s": floor, "cold_s": floor * cold_ratio,
              "cold_cpu_s": 95.0, "cold_ratio_to_floor": cold_ratio, "warm_s": 0.4,
              "one_changed_s": 7.0, "one_changed_floor_s": 4.0,
              "one_changed_ratio_to_floor": 1.75}
    for name, content in (("aggregate", aggregate), ("render", render),
                          ("synth", {"median_s": 0.8})):
        (tmp_path / f"{name}.json").write_text(json.dumps(content))


@pytest.mark.parametrize(("pandas_x", "cold_ratio"), [(7.1, 1.26), (4.0, 1.75)])
def test_report_judges_each_target(tmp_path, monkeypatch, pandas_x, cold_ratio):
    _results(tmp_path, pandas_x, cold_ratio)
    monkeypatch.setattr(report, "RESULTS", tmp_path)
    monkeypatch.setattr(report, "NOTES", tmp_path / "no-notes.md")
    page = report.build()
    rows = {line.split("|")[1].strip(): line.split("|")[3].strip()
            for line in page.splitlines() if line.startswith("| ") and line.count("|") == 4}
    pandas_ok = pandas_x >= 5
    render_ok = cold_ratio <= 1.5
    assert rows["aggregation at 10M rows at least 5x faster than pandas"] == (
        "met" if pandas_ok else "**missed**")
    assert rows["cold full render within 1.5x of floor / cores"] == (
        "met" if render_ok else "**missed**")
    assert rows["aggregation at 10M rows within 1.5x of DuckDB"] == "met"  # 2 s vs 5 s
    assert rows["default data generated under 5 s"] == "met"
    assert "/ 2 cores = 42.0 s" in page
    assert f"x{cold_ratio:.2f}" in page and f"{pandas_x:.1f}x" in page
    assert math.isclose(float(page.split("grows as rows^")[1][:4]), 1.0)
