"""Shared fixtures: the synthetic default data, small case files, the shared data."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import polars as pl
import pytest

from analysis import paths, synth

# A valid row as a real extract might carry it: mixed spellings the loader accepts.
GOOD_ROW = {
    "case_id": "BA123456",
    "count": "1",
    "person_id": "X-0001",
    "batch": "feb2020",
    "motion_date": "2020-02-13",
    "conviction_date": "03/14/1994",
    "found_in_doj": "Y",
    "found_in_court": "false",
    "hs_section": "HS 11359",
    "hs_subsection": "",
    "offense_type": "possession for sale",
    "charge_level": "F",
    "jurisdiction": "Compton",
    "prosecuting_agency": "District Attorney",
    "court_location": "Compton Courthouse",
    "race_ethnicity": "Hispanic",
    "relief_granted": "dismissed",
}

SECOND_ROW = GOOD_ROW | {
    "case_id": "LB77", "person_id": "X-0002", "batch": "sep2021",
    "motion_date": "2021-09-27", "conviction_date": "2001-06-30", "found_in_doj": "0",
    "found_in_court": "1", "hs_section": "11357(b)", "offense_type": "",
    "charge_level": "misdemeanor", "jurisdiction": "Unincorporated",
    "prosecuting_agency": "DA", "race_ethnicity": "Black", "court_location": "",
}


def write_rows(path: Path, rows: list[dict], *, sep: str = ",",
               encoding: str = "utf-8") -> Path:
    """Write rows (dicts) as CSV with the union of their keys as header."""
    header = list(dict.fromkeys(k for row in rows for k in row))
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=header, delimiter=sep)
        writer.writeheader()
        writer.writerows(rows)
    return path


def count_table(name: str, frame: pl.DataFrame, dims: list[str], counts: dict[str, str],
                *, hidden: dict[str, list[int]] | None = None, derived: dict | None = None):
    """A release count table over ``frame`` (one cell per row and count column, named by
    the row's dimension values), with the cells at ``hidden`` (column -> rows) hidden,
    as the site's release would hand it to a page."""
    from analysis.disclosure import Table, cell
    from analysis.release import CountTable

    rows = [{"dims": {d: str(r[d]) for d in dims},
             "cells": {c: cell("cases", u, **{d: str(r[d]) for d in dims if r[d] != "Total"})
                       for c, u in counts.items()}}
            for r in frame.iter_rows(named=True)]
    table = Table("test", name, tuple(dims), rows)
    out = CountTable(name, frame, table, dict(counts), dict(derived or {}))
    out.hidden = frozenset(rows[i]["cells"][c] for c, idx in (hidden or {}).items()
                           for i in idx)
    return out


# Dimensions of a case-list cell a test can count straight from the rows.
_COUNTABLE = ("batch", "charge_level", "race_ethnicity", "jurisdiction", "prosecuting_agency",
              "offense_type", "conviction_year", "conviction_decade", "capture")


def true_count(cases: pl.DataFrame, declared: dict) -> int | None:
    """A release cell's count over ``cases``, worked out from the rows without the
    project's code (None for a cell of another kind)."""
    where = declared["where"]
    if declared["source"] != "cases" or declared["unit"] not in ("convictions", "people") \
            or not set(where) <= set(_COUNTABLE):
        return None
    year = pl.col("conviction_date").dt.year()
    derived = {
        "conviction_year": year.cast(pl.String),
        "conviction_decade": (year // 10 * 10).cast(pl.String),
        "capture": pl.when(pl.col("found_in_doj") & pl.col("found_in_court")).then(pl.lit("both"))
        .when(pl.col("found_in_doj")).then(pl.lit("doj_only")).otherwise(pl.lit("court_only")),
    }
    rows = cases.filter(*((derived.get(d, pl.col(d).cast(pl.String))).is_in(values)
                          for d, values in where.items()))
    return rows.height if declared["unit"] == "convictions" else rows["person_id"].n_unique()


def published_counts(site: Path) -> list[tuple[str, str, str]]:
    """Every count a site's CSVs publish for a release cell: (where, cell key, text)."""
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    out = []
    for entry in manifest["pages"]:
        for record in entry.get("csv") or []:
            text = (site / record["path"]).read_text(encoding="utf-8-sig")
            rows = list(csv.DictReader(io.StringIO(text)))
            for column, keys in (record.get("cells") or {}).items():
                # a hidden count is empty, its flag column true
                out += [(f"{record['path']} row {i + 1} {column}", key,
                         "suppressed" if rows[i][f"{column}_hidden"] == "true"
                         and not rows[i][column] else rows[i][column])
                        for i, key in enumerate(keys) if key]
    return out


def recount(site: Path, cases: pl.DataFrame) -> tuple[int, int, list[str]]:
    """Every count the site's CSVs show, recounted from ``cases`` with
    :func:`true_count`: how many could be recounted, how many of those are hidden, and
    each one shown that is not its true count or is from 1 to 10."""
    declared = json.loads((site / "release.json").read_text(encoding="utf-8"))
    cells = {k: v for r in declared["releases"] for k, v in r["cells"].items()}
    checked, hidden, wrong = 0, 0, []
    for where, key, text in published_counts(site):
        truth = true_count(cases, cells[key])
        if truth is None:
            continue
        checked += 1
        if text == "suppressed":
            hidden += 1
        elif int(text.replace(",", "")) != truth or 0 < truth < 11:
            wrong.append(f"{where}: shows {text}, counts {truth}")
    return checked, hidden, wrong


def execute_notebook(notebook: str, out: Path, parameters: dict):
    """Run one of the project's notebooks through papermill with the project kernel, as
    the renderer does; the executed notebook."""
    import nbformat
    import papermill

    from analysis.site.execute import kernel_name

    papermill.execute_notebook(
        str(paths.NOTEBOOKS / notebook), str(out), parameters=parameters,
        kernel_name=kernel_name(), cwd=str(paths.NOTEBOOKS), progress_bar=False)
    return nbformat.read(out, as_version=4)


def outputs_text(nb) -> str:
    """Every output of an executed notebook, as one text to search."""
    return "".join(str(o) for c in nb.cells for o in c.get("outputs", []))


@pytest.fixture(scope="session", autouse=True)
def validation_memos(tmp_path_factory) -> Path:
    """Validation memos and release plans of the test run go to a scratch folder, for
    this process and for the kernels the notebook tests start, never to the checkout's
    data/cache."""
    folder = tmp_path_factory.mktemp("cache")
    saved = (paths.VALIDATED, paths.RELEASES, os.environ.get("LACRA_CACHE"))
    paths.VALIDATED, paths.RELEASES = folder / "validated", folder / "releases"
    os.environ["LACRA_CACHE"] = str(folder)
    yield paths.VALIDATED
    paths.VALIDATED, paths.RELEASES = saved[0], saved[1]
    if saved[2] is None:
        os.environ.pop("LACRA_CACHE", None)
    else:
        os.environ["LACRA_CACHE"] = saved[2]


@pytest.fixture(scope="session")
def synthetic() -> pl.DataFrame:
    """The default synthetic dataset, generated once per test session."""
    return synth.generate(paths.DEFAULT_SEED)


@pytest.fixture(scope="session")
def synthetic_csv(tmp_path_factory, synthetic) -> Path:
    return synth.write(synthetic, tmp_path_factory.mktemp("synth") / "cases.csv")


@pytest.fixture
def shared_data() -> Path:
    """The public files of ../shared/data; skips when this machine lacks them."""
    folder = paths.shared_data()
    if not folder.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide the shared public data at {folder}")
        pytest.skip(f"shared public data not found at {folder} "
                    "(set LACRA_SHARED_DATA to its folder)")
    return folder


@pytest.fixture(scope="session")
def small_case_file(tmp_path_factory, synthetic) -> Path:
    """About a tenth of the synthetic cases (whole cases), as Parquet: quick to render."""
    sample = synthetic.filter(synthetic["case_id"].str.ends_with("7"))
    return synth.write(sample, tmp_path_factory.mktemp("small-cases") / "small.parquet")


@pytest.fixture(scope="session")
def rendered_site(tmp_path_factory, small_case_file) -> Path:
    """The project's own reports config rendered on the small case file, once."""
    from analysis.site import render

    site = tmp_path_factory.mktemp("rendered") / "site"
    result = render(site=site, data=small_case_file, jobs=os.cpu_count() or 1, quiet=True)
    assert not result.failed, "\n".join(f.message for f in result.failed)
    return site


# Reports whose first parameter set is replaced in a one-page-per-notebook config.
ONE_PAGE_PARAMETERS = {"agency-profile": {"agency": "city prosecutors"}}

# What a table's caption ends with: the basis of its figures (analysis.provenance).
BASIS_TAG = re.compile(r"\((synthetic|published: [^()]+|real data: [^()]+|assumed: [^()]+)\)$")


@pytest.fixture(scope="session")
def one_page_each(tmp_path_factory) -> Path:
    """The project's reports config cut to one page per notebook (quick whole renders)."""
    import yaml

    config = yaml.safe_load(paths.REPORTS_CONFIG.read_text(encoding="utf-8"))
    for report in config["reports"]:
        report["parameters"] = [ONE_PAGE_PARAMETERS.get(report["name"],
                                                        report["parameters"][0])]
    path = tmp_path_factory.mktemp("config") / "reports.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def reader_text(page: Path) -> str:
    """What a reader of a page sees, roughly: its HTML without scripts, styles and tags."""
    html = page.read_text(encoding="utf-8")
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
