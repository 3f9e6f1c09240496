"""Every notebook renders through the real renderer on lists shaped as users bring them.

One page per report (the first parameter set of each) is rendered on eight
lists a county or a public defender could hold: one motion only, one agency, one city,
no felonies, no White rows, a single row, only infractions, and a few hundred rows of
the February 2020 motion. A section that cannot be computed on a list says so in a plain
sentence and the page goes on; every site passes the disclosure audit.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import yaml
from conftest import BASIS_TAG, reader_text, recount

from analysis import paths, synth

pytestmark = pytest.mark.slow

def _shapes(cases: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The eight list shapes, each a valid case list cut from the synthetic default."""
    level = pl.col("charge_level")
    misdemeanors = cases.filter(level == "misdemeanor", pl.col("hs_section") == "11357")
    return {
        "sep2021-only": cases.filter(pl.col("batch") == "sep2021").sample(4000, seed=1),
        "feb2020-small": cases.filter(pl.col("batch") == "feb2020").sample(500, seed=3),
        "one-agency": cases.filter(
            pl.col("prosecuting_agency") == "Long Beach city prosecutor"),
        "one-jurisdiction": cases.filter(pl.col("jurisdiction") == "Compton"),
        "no-felonies": cases.filter(level != "felony").sample(3000, seed=2),
        "no-white": cases.filter(pl.col("race_ethnicity") != "White").sample(3000, seed=4),
        "single-row": cases.head(1),
        # possession of a small amount, written down as an infraction
        "only-infractions": misdemeanors.sample(600, seed=5).with_columns(
            pl.lit("infraction").cast(cases.schema["charge_level"]).alias("charge_level")),
    }


@pytest.fixture(scope="module", params=[
    "sep2021-only", "feb2020-small", "one-agency", "one-jurisdiction", "no-felonies",
    "no-white", "single-row", "only-infractions"])
def shaped_site(request, tmp_path_factory, synthetic, one_page_each):
    """The one-page-per-notebook site rendered on one list shape."""
    folder = tmp_path_factory.mktemp(request.param)
    cases = _shapes(synthetic)[request.param]
    data = synth.write(cases, folder / f"{request.param}.parquet")
    site = folder / "site"
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "render", "--config", str(one_page_each),
         "--data", str(data), "--site", str(site), "--jobs", "2", "--quiet"],
        capture_output=True, text=True, timeout=1200, cwd=paths.ROOT)
    return request.param, cases, site, done


def test_every_notebook_renders_on_the_list(shaped_site):
    shape, cases, site, done = shaped_site
    assert done.returncode == 0, f"{shape}: {done.stderr[-3000:]}"
    pages = sorted(p.stem for p in site.glob("*.html") if p.stem != "index")
    reports = yaml.safe_load(paths.REPORTS_CONFIG.read_text(encoding="utf-8"))["reports"]
    assert len(pages) == len(reports), pages  # one page per report


def test_the_site_on_the_list_passes_the_audit(shaped_site):
    shape, _, site, done = shaped_site
    assert done.returncode == 0
    audit = subprocess.run([sys.executable, "-m", "analysis", "audit", str(site)],
                           capture_output=True, text=True, timeout=600, cwd=paths.ROOT)
    assert audit.returncode == 0, f"{shape}: {audit.stdout[-2000:]}{audit.stderr[-2000:]}"


def test_every_count_on_the_list_is_true_or_hidden(shaped_site):
    shape, cases, site, done = shaped_site
    assert done.returncode == 0
    checked, _, wrong = recount(site, cases)
    assert checked > 0 and not wrong, (shape, wrong[:10])


def test_no_page_shows_a_traceback(shaped_site):
    shape, _, site, done = shaped_site
    assert done.returncode == 0
    for page in site.glob("*.html"):
        text = reader_text(page)
        assert "Traceback" not in text and "Error:" not in text, (shape, page.name)


# What a page says, in one plain sentence, when a list cannot support a section.
SAYS = {
    ("no-white", "disparities"): r"no White convictions, the reference group: no ratio",
    ("single-row", "disparities"): r"No trend: too few years",
    ("sep2021-only", "reconciliation"): r"holds only one (batch|motion)",
    ("sep2021-only", "still-unidentified"): r"No estimate: the lists share no domain",
    ("no-felonies", "still-unidentified"): r"No estimate: the lists share no domain",
    ("single-row", "still-unidentified"): r"No estimate: the lists share no domain",
}


def test_a_section_that_cannot_be_computed_says_so(shaped_site):
    shape, _, site, done = shaped_site
    assert done.returncode == 0
    for (where, page), pattern in SAYS.items():
        if where == shape:
            assert re.search(pattern, reader_text(site / f"{page}.html")), (shape, page, pattern)


SYNTHETIC = re.compile(r"synthetic", re.I)


def test_a_site_on_a_real_list_has_no_synthetic_wording(shaped_site):
    shape, _, site, done = shaped_site
    assert done.returncode == 0
    for page in sorted(site.glob("*.html")):
        found = SYNTHETIC.search(reader_text(page))
        assert not found, (shape, page.name, reader_text(page)[found.start() - 80:found.end() + 80])
    for table in site.rglob("*.csv"):
        assert not SYNTHETIC.search(table.read_text(encoding="utf-8")), (shape, table.name)


def test_every_table_names_what_its_figures_rest_on(shaped_site):
    shape, _, site, done = shaped_site
    assert done.returncode == 0
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["pages"]:
        for record in entry.get("csv") or []:
            assert BASIS_TAG.search(record["caption"]), (shape, record["caption"])
            assert record["basis"], (shape, record["name"])
            assert all(BASIS_TAG.fullmatch(f"({tag})") for tag in record["basis"].values())
            # on a real list, counts are real data (of this file) or published
            assert not any(t.startswith("synthetic") for t in record["basis"].values())


# --- a court export read through the shipped example mapping -----------------------------

EXPORT = paths.ROOT / "tests" / "data" / "court_export_example.csv"
EXPORT_MAPPING = paths.MAPPINGS / "court_export_example.yml"


@pytest.fixture(scope="module")
def export_site(tmp_path_factory, one_page_each) -> Path:
    """The one-page-per-notebook site on the hand-written court export (names, dates of
    birth and booking numbers beside the case rows), through its mapping."""
    site = tmp_path_factory.mktemp("export") / "site"
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "render", "--config", str(one_page_each),
         "--data", str(EXPORT), "--mapping", str(EXPORT_MAPPING), "--site", str(site),
         "--jobs", "2", "--quiet"], capture_output=True, text=True, timeout=1200,
        cwd=paths.ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return site


def _identifiers() -> set[str]:
    """Every name, date of birth, booking and case number the export holds."""
    with EXPORT.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    found = set()
    for row in rows:
        found |= {row["Defendant Name"], row["Date of Birth"], row["Booking Number"],
                  row["Case Number"]}
        found |= {part.strip() for part in row["Defendant Name"].split(",")}
    return {v for v in found if len(v) > 3}


def test_a_site_on_the_example_export_publishes_no_identifier(export_site):
    secrets = _identifiers()
    assert len(secrets) > 60
    for path in export_site.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            leaked = sorted(s for s in secrets if s in text)
            assert not leaked, (path.name, leaked[:5])


def test_a_site_on_the_example_export_is_real_data_and_passes_the_audit(export_site):
    for page in export_site.glob("*.html"):
        assert not SYNTHETIC.search(reader_text(page)), page.name
    audit = subprocess.run([sys.executable, "-m", "analysis", "audit", str(export_site)],
                           capture_output=True, text=True, timeout=600, cwd=paths.ROOT)
    assert audit.returncode == 0, audit.stdout[-2000:] + audit.stderr[-2000:]
    # 30 rows: every count from 1 to 10 is hidden, so the overview's total is too
    overview = reader_text(export_site / "overview.html")
    assert "court_export_example.csv" in overview and "suppressed" in overview
