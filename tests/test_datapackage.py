"""The site's ``datapackage.json``: every published CSV described, and valid as a
Frictionless Data Package (checked by the ``frictionless`` library itself)."""

from __future__ import annotations

import csv
import io
import json
import tomllib

import frictionless
import polars as pl
import pytest
from conftest import count_table

from analysis import paths, provenance, reader
from analysis.site import build, datapackage, drift


def _problems(path) -> list:
    report = frictionless.validate(path)
    return report.flatten(["taskNumber", "rowNumber", "fieldName", "type", "note"])


@pytest.fixture
def small_site(tmp_path):
    """A site of one page with two tables written as the renderer writes them: a
    count table with a hidden count, and a page's text figures with a range."""
    counts = count_table("by-city", pl.DataFrame({
        "jurisdiction": ["La Cañada Flintridge", "Bell", "Vernon"],
        "convictions": [120, 250, 8], "convictions_share": [120 / 378, 250 / 378, 8 / 378]}),
        ["jurisdiction"], {"convictions": "convictions"}, hidden={"convictions": [2]},
        derived={"convictions_share": "convictions"})
    figures = pl.DataFrame({"race/ethnicity": ["Latino", "Black"], "share": ["39.1%", "35.8%"],
                            "change": ["0.35 (0.27 to 0.45)", "1.59 (0.80 to 3.15)"]})
    tables = [reader.table(counts, "Convictions by city", basis=provenance.Basis("synthetic")),
              reader.table(figures, "Arrests", basis=provenance.published("LAPD"))]
    used: set[str] = set()
    records = [build._write_csv(t, "page", tmp_path, used).record() for t in tables]
    entries = [{"page": "page", "title": "A page", "csv": records,
                "data_source": {"description": "synthetic default data (seed 7)",
                                "file": "cases.parquet", "synthetic": True,
                                "sha256": "ab" * 32}}]
    datapackage.write(tmp_path, entries, "Site")
    return tmp_path, entries


def test_a_small_site_package_is_valid_and_reads_back_as_data(small_site):
    site, _ = small_site
    assert _problems(site / datapackage.FILE) == []
    package = frictionless.Package(site / datapackage.FILE)
    cities, arrests = (r.read_rows() for r in package.resources)
    assert [r["jurisdiction"] for r in cities] == ["La Cañada Flintridge", "Bell", "Vernon"]
    assert [(r["convictions"], r["convictions_hidden"]) for r in cities] == [
        (120, False), (250, False), (None, True)]
    assert cities[2]["convictions_share"] is None
    assert [float(r["share"]) for r in arrests] == [0.391, 0.358]
    assert [float(arrests[1][f"change{s}"]) for s in ("", "_low", "_high")] == [1.59, 0.8, 3.15]


def test_the_package_describes_units_flags_bases_and_sources(small_site):
    site, entries = small_site
    content = json.loads((site / datapackage.FILE).read_text(encoding="utf-8"))
    first = content["resources"][0]
    assert first["title"] == entries[0]["csv"][0]["caption"]
    assert first["encoding"] == "utf-8-sig" and first["schema"]["missingValues"] == [""]
    fields = {f["name"]: f for f in first["schema"]["fields"]}
    assert fields["convictions_hidden"]["type"] == "boolean"
    assert "'convictions' is then empty" in fields["convictions_hidden"]["description"]
    assert fields["convictions"]["type"] == "integer"
    assert fields["convictions_share"]["unit"] == "fraction (0 to 1)"
    assert {n: f.get("basis") for n, f in fields.items()} == {
        n: entries[0]["csv"][0]["basis"].get(n) for n in fields}
    titles = [s["title"] for s in content["sources"]]
    assert titles == ["synthetic default data (seed 7)", "LAPD"]
    assert "ab" * 32 in content["sources"][0]["description"]


def test_the_packages_licence_is_the_projects():
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert datapackage.LICENSE["name"] == project["project"]["license"]


def test_frictionless_catches_a_csv_that_breaks_its_description(small_site):
    site, entries = small_site
    path = site / entries[0]["csv"][0]["path"]
    path.write_text(path.read_text(encoding="utf-8-sig").replace("250", "two hundred"),
                    encoding="utf-8-sig")
    assert any(p[3] == "type-error" for p in _problems(site / datapackage.FILE))


def _rows(site, record) -> list[dict]:
    text = (site / record["path"]).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_rendered_site_package_is_valid_and_covers_every_csv(rendered_site):
    assert _problems(rendered_site / datapackage.FILE) == []
    content = json.loads((rendered_site / datapackage.FILE).read_text(encoding="utf-8"))
    manifest = json.loads((rendered_site / "manifest.json").read_text(encoding="utf-8"))
    records = {r["path"]: r for e in manifest["pages"] for r in e.get("csv") or []}
    described = {r["path"]: r for r in content["resources"]}
    assert set(described) == set(records) == {
        str(p.relative_to(rendered_site)) for p in rendered_site.rglob("*.csv")}
    assert datapackage.FILE in drift.SITE_FILES
    for path, record in records.items():
        resource = described[path]
        assert resource["title"] == record["caption"]
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == record["columns"]
        assert {f["name"]: f["basis"] for f in fields if "basis" in f} == record["basis"]
        for column in record.get("cells") or {}:  # every count has its flag
            assert next(f for f in fields if f["name"] == f"{column}_hidden")["type"] == \
                "boolean"


def test_no_published_csv_writes_numbers_as_text(rendered_site):
    """No thousands separators nor percents in a column frictionless types as numbers,
    and every share column is a fraction."""
    content = json.loads((rendered_site / datapackage.FILE).read_text(encoding="utf-8"))
    for resource in content["resources"]:
        rows = _rows(rendered_site, resource)
        for field in resource["schema"]["fields"]:
            values = [r[field["name"]] for r in rows if r[field["name"]]]
            if field["name"].endswith("share") and values:
                assert field["type"] == "number", (resource["path"], field)
                assert all(0 <= float(v) <= 1 for v in values), (resource["path"], field)
            if field["type"] == "string":
                assert not all(v.replace(",", "").replace("%", "").replace(".", "")
                               .isdigit() for v in values) or not values, (
                    resource["path"], field["name"])
