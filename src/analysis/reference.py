"""Small cited reference tables in ``data/reference`` and their manifest.

Each table is committed with an entry in ``data/reference/manifest.json`` naming its
source, dates, licence and SHA-256 checksum; :func:`verify_manifest` re-checks the
checksums. The race table is derived from the Census file in ``shared/data`` by
``analysis reference --rebuild`` (the shared file itself is never committed).
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from . import paths, schema
from .checksum import sha256_file

__all__ = ["CENSUS_GROUPS", "CENSUS_ROWS", "JURISDICTIONS", "MANIFEST", "POPULATION_BY_RACE",
           "jurisdictions", "load_manifest", "population_by_race",
           "rebuild_population_by_race", "refresh_checksums", "verify_manifest"]

MANIFEST = paths.REFERENCE / "manifest.json"
POPULATION_BY_RACE = paths.REFERENCE / "la_county_population_by_race.csv"
JURISDICTIONS = paths.REFERENCE / "jurisdictions.csv"

# Census groups (shared/data/la_county_population_by_race_2010_2019.csv) that make up
# each of the project's race/ethnicity categories. Non-Hispanic American Indian and
# multiracial residents form "Other"; no population corresponds to "Unknown".
CENSUS_GROUPS = {
    "Latino": ("hispanic",),
    "Black": ("nh_black",),
    "White": ("nh_white",),
    "Asian/Pacific Islander": ("nh_asian", "nh_nhpi"),
    "Other": ("nh_aian", "nh_two_or_more"),
}
# Rows of the Census table we keep: the 2010 census count and the latest estimate.
CENSUS_ROWS = {1: "2010-04-01 census", 12: "2019-07-01 estimate"}


def load_manifest() -> dict:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def verify_manifest() -> list[str]:
    """Problems found re-checking every reference table against the manifest."""
    problems = []
    for entry in load_manifest()["tables"]:
        path = paths.REFERENCE / entry["file"]
        if not path.is_file():
            problems.append(f"{entry['file']}: listed in the manifest but missing")
        elif sha256_file(path) != entry["sha256"]:
            problems.append(f"{entry['file']}: checksum differs from the manifest")
    return problems


def population_by_race(year: int = 2019) -> pl.DataFrame:
    """LA County residents by race/ethnicity for ``year`` (2010 census or 2019 estimate).

    Columns: ``race_ethnicity`` (Enum), ``population`` (Int64).
    """
    table = pl.read_csv(POPULATION_BY_RACE)
    if year not in table["year"].unique().to_list():
        raise ValueError(f"no population for {year}; available: "
                         f"{sorted(table['year'].unique().to_list())}")
    return (
        table
        # keep the requested year
        .filter(pl.col("year") == year)
        # canonical category dtype
        .select(pl.col("race_ethnicity").cast(schema.Race), pl.col("population").cast(pl.Int64))
        .sort("race_ethnicity")
    )


def jurisdictions() -> pl.DataFrame:
    """The 88 cities and the unincorporated county with agency and 2020 population."""
    return pl.read_csv(JURISDICTIONS).with_columns(
        pl.col("jurisdiction").cast(schema.Jurisdiction),
        pl.col("misdemeanor_agency").cast(schema.Agency),
        (pl.col("prosecutes_own_misdemeanors") == "yes"),
    )


def rebuild_population_by_race(source: Path | None = None) -> pl.DataFrame:
    """Derive the race table from the shared Census file and write it."""
    source = source or paths.shared_file("la_county_population_by_race_2010_2019.csv")
    raw = pl.read_csv(source)
    frames = []
    for year_code, label in CENSUS_ROWS.items():
        row = raw.filter(pl.col("year_code") == year_code)
        for race, groups in CENSUS_GROUPS.items():
            frames.append({
                "year": int(row["year"][0]),
                "reference_date": label,
                "race_ethnicity": race,
                "census_groups": "+".join(groups),
                "population": int(sum(row[g][0] for g in groups)),
            })
    table = pl.DataFrame(frames)
    table.write_csv(POPULATION_BY_RACE)
    return table


def refresh_checksums() -> None:
    """Rewrite the manifest's checksums after a deliberate change to a table."""
    manifest = load_manifest()
    for entry in manifest["tables"]:
        entry["sha256"] = sha256_file(paths.REFERENCE / entry["file"])
    MANIFEST.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")


def __dir__() -> list[str]:
    return sorted(__all__)
