"""The site's release against its attacker: table-by-table protection fails the audit;
real-shaped lists (one motion, 30 rows) render sites that pass it, every count recounted
from the rows; a render whose audit fails publishes nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from conftest import recount

from analysis import paths, release, schema
from analysis.disclosure import attacker, protect
from analysis.site import load_config, plan_pages, render

pytestmark = pytest.mark.slow


def _audit(site: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", "audit", str(site)],
                          capture_output=True, text=True, timeout=600, cwd=paths.ROOT)


def test_table_by_table_protection_fails_the_audit_at_hermosa_beach(synthetic):
    """Each table protected on its own, as the site once was, with a page for each city
    prosecutor: the attacker, holding every page, works Hermosa Beach's hidden cells out
    from the others."""
    built = [release.page_tables(p.notebook.name, p.name, synthetic, **p.effective)
             for p in plan_pages(load_config())]
    built += [release.page_tables("05_agency_profile.ipynb", f"agency-{agency}", synthetic,
                                  agency=agency) for agency in schema.AGENCIES[1:]]
    values, hidden = {}, {}
    for page in built:
        for table in page.tables:
            values.update(table.values())
            hidden.update(protect([table.table], table.values()).hidden)
    tables = [t.table for p in built for t in p.tables]
    relations = [r for p in built for r in p.relations]
    found = attacker(tables, values, relations)(hidden, None)
    hermosa = [v for v in found if dict(v.cell.where).get("prosecuting_agency")
               == ("Hermosa Beach city prosecutor",)]
    assert hermosa and all(v.high - v.low + 1 < 5 for v in hermosa)
    assert any("Hermosa Beach" in str(v) and "exactly" in str(v) for v in hermosa)
    # the site's own protection of the same tables passes
    site = release.protect_site(built, "default")
    assert site.violations == [] and attacker(tables, values, relations)(site.hidden,
                                                                         None) == []


@pytest.fixture(scope="module")
def list_site(tmp_path_factory, synthetic) -> tuple[Path, pl.DataFrame]:
    """The whole site rendered on a list as users bring them: 30 rows of a court export
    (as CSV). Other shapes (one motion, one agency ...) are tests/test_list_shapes.py."""
    folder = tmp_path_factory.mktemp("thirty-rows")
    cases = synthetic.sample(30, seed=7)
    data = folder / "export.csv"
    cases.write_csv(data)
    site = folder / "site"
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "render", "--data", str(data), "--site", str(site),
         "--jobs", "2", "--quiet"], capture_output=True, text=True, timeout=1800,
        cwd=paths.ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return site, cases


def test_a_site_on_a_real_shaped_list_passes_the_audit(list_site):
    done = _audit(list_site[0])
    assert done.returncode == 0, done.stderr[-3000:]


def test_every_count_on_a_real_shaped_list_is_true_or_hidden(list_site):
    checked, hidden, wrong = recount(*list_site)
    assert checked > 100 and hidden > 0 and not wrong, wrong[:10]


def test_a_render_whose_audit_fails_leaves_the_site_untouched(rendered_site, small_case_file,
                                                              tmp_path, monkeypatch):
    """A release that hides nothing (a broken protection step): the staged site fails
    the audit, so the published site keeps every byte and the run says why."""
    site = tmp_path / "site"
    shutil.copytree(rendered_site, site)
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    monkeypatch.setattr(paths, "RELEASES", tmp_path / "releases")
    monkeypatch.setattr(release, "protect_site",
                        lambda pages, sha, **_: release.SitePlan(sha, {}, pages))
    result = render(site=site, data=small_case_file, only=["overview"], force=True,
                    quiet=True)
    assert result.refused and not result.published
    assert any("a count from 1 to 10" in r and "page overview" in r for r in result.refused)
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
