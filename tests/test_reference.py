"""Reference tables: checksums, totals, and agreement with the shared Census file."""

from __future__ import annotations

import csv

import polars as pl

from analysis import reference, schema


def test_manifest_checksums_match():
    assert reference.verify_manifest() == []


def test_manifest_entries_are_complete():
    for entry in reference.load_manifest()["tables"]:
        for key in ("file", "title", "source", "as_of", "licence", "sha256", "method"):
            assert entry.get(key), f"{entry['file']} lacks {key}"


def test_jurisdictions_cover_the_county():
    table = reference.jurisdictions()
    assert table.height == 89
    assert set(table["jurisdiction"].cast(str)) == set(schema.JURISDICTIONS)
    own = set(table.filter("prosecutes_own_misdemeanors")["jurisdiction"].cast(str))
    assert own == set(schema.CITY_PROSECUTOR_CITIES)
    # the 2020 Census county total
    assert table["population_2020"].sum() == 10_014_009
    # the table's prosecutor of misdemeanors is the schema's agency rule
    expected = table.select(schema.expected_agency(
        pl.lit("misdemeanor"), pl.col("jurisdiction").cast(pl.String)))
    assert table["misdemeanor_agency"].cast(pl.String).to_list() == expected.to_series().to_list()


def test_population_groups_sum_to_the_county_total():
    assert reference.population_by_race(2019)["population"].sum() == 10_039_107
    assert reference.population_by_race(2010)["population"].sum() == 9_818_605


def test_race_table_matches_the_shared_census_file(shared_data):
    with open(shared_data / "la_county_population_by_race_2010_2019.csv") as handle:
        row = next(r for r in csv.DictReader(handle) if r["year_code"] == "12")
    ours = dict(reference.population_by_race(2019).iter_rows())
    assert ours["Latino"] == int(row["hispanic"])
    assert ours["Asian/Pacific Islander"] == int(row["nh_asian"]) + int(row["nh_nhpi"])
    assert ours["Other"] == int(row["nh_aian"]) + int(row["nh_two_or_more"])


def test_shared_files_match_their_source_manifest(shared_data):
    import json

    from analysis import paths

    manifest = json.loads((paths.SOURCES / "manifest.json").read_text())
    for entry in manifest["files"]:
        assert reference.sha256_file(shared_data / entry["file"]) == entry["sha256"], entry["file"]
