"""Aggregation: hand-checked small frames, and the headline figures recomputed from the
synthetic CSV by two independent paths (plain Python, and SQL in sqlite3)."""

from __future__ import annotations

import csv
import datetime as dt
import re
import sqlite3
from collections import Counter, defaultdict

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analysis import aggregate, schema


def agency_for(level: str, jurisdiction: str) -> str:
    """Who prosecutes a case, in plain Python (independent of schema.expected_agency)."""
    if level != "felony" and jurisdiction in schema.CITY_PROSECUTOR_CITIES:
        return f"{jurisdiction} city prosecutor"
    return schema.DISTRICT_ATTORNEY


def case(case_id, person, batch, year, level, section, jurisdiction, race, count=1):
    agency = agency_for(level, jurisdiction)
    return {
        "case_id": case_id, "count": count, "person_id": person, "batch": batch,
        "motion_date": schema.MOTION_DATES[batch], "conviction_date": dt.date(year, 6, 1),
        "found_in_doj": batch == "feb2020", "found_in_court": batch == "sep2021",
        "hs_section": section, "hs_subsection": None,
        "offense_type": schema.SECTION_OFFENSE[section], "charge_level": level,
        "jurisdiction": jurisdiction, "prosecuting_agency": agency, "court_location": None,
        "race_ethnicity": race, "relief_granted": "dismissed",
    }


@pytest.fixture
def small() -> pl.DataFrame:
    rows = [
        case("A1", "P1", "feb2020", 1995, "felony", "11359", "Compton", "Black"),
        case("A1", "P1", "feb2020", 1995, "felony", "11360", "Compton", "Black", count=2),
        case("A2", "P2", "feb2020", 2001, "felony", "11359", "Los Angeles", "Latino"),
        case("A3", "P3", "feb2020", 2012, "misdemeanor", "11357", "Long Beach", "White"),
        case("B1", "P1", "sep2021", 1988, "misdemeanor", "11357", "Compton", "Black"),
        case("B2", "P4", "sep2021", 2015, "felony", "11358", "Pomona", "Latino"),
        case("B3", "P5", "sep2021", 2015, "misdemeanor", "11357", "Pomona", "Unknown"),
    ]
    return pl.DataFrame(rows, schema=schema.SCHEMA)


def test_counts_by_batch_and_level(small):
    out = aggregate.counts(small, ["batch", "level"])
    expected = pl.DataFrame({
        "batch": pl.Series(["feb2020", "feb2020", "sep2021", "sep2021"], dtype=schema.Batch),
        "charge_level": pl.Series(["felony", "misdemeanor", "felony", "misdemeanor"],
                                  dtype=schema.ChargeLevel),
        "convictions": [3, 1, 1, 2],
        "convictions_share": [3 / 7, 1 / 7, 1 / 7, 2 / 7],
        # P1 appears in feb2020 felonies and sep2021 misdemeanors; 5 people in all
        "people": [2, 1, 1, 2],
        "people_share": [2 / 5, 1 / 5, 1 / 5, 2 / 5],
    })
    assert_frame_equal(out, expected)


def test_shares_within_a_group(small):
    out = aggregate.counts(small, ["batch", "race"], share_within=["batch"])
    feb = out.filter(pl.col("batch") == "feb2020")
    assert feb["convictions_share"].sum() == pytest.approx(1.0)
    black = out.filter((pl.col("batch") == "sep2021") & (pl.col("race_ethnicity") == "Black"))
    assert black["convictions_share"].item() == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="must also be in by"):
        aggregate.counts(small, ["race"], share_within=["batch"])


def test_totals_without_dimensions_and_filters(small):
    out = aggregate.counts(small, batch="feb2020", year_from=1995, year_to=2001)
    assert out.select("convictions", "people").row(0) == (3, 2)
    out = aggregate.counts(small, "agency", level="misdemeanor")
    assert dict(zip(out["prosecuting_agency"].cast(pl.String), out["convictions"],
                    strict=True)) == {"District Attorney": 2, "Long Beach city prosecutor": 1}


def test_decade_section_offense_and_jurisdiction(small):
    out = aggregate.counts(small, ["decade"], people=False)
    assert out.columns == ["conviction_decade", "convictions", "convictions_share"]
    assert out.rows() == [(1980, 1, 1 / 7), (1990, 2, 2 / 7), (2000, 1, 1 / 7),
                          (2010, 3, 3 / 7)]
    by_section = aggregate.counts(small, ["section", "offense"])
    assert by_section["convictions"].to_list() == [3, 1, 2, 1]
    assert aggregate.counts(small, ["jurisdiction"], race="Latino")["convictions"].sum() == 2


def test_lazy_input_and_lazy_output_agree(small):
    eager = aggregate.counts(small, ["race", "year"])
    lazy = aggregate.counts(small.lazy(), ["race", "year"], lazy_result=True)
    assert isinstance(lazy, pl.LazyFrame)
    assert_frame_equal(lazy.collect(), eager)


def test_empty_filter_result(small):
    assert aggregate.is_empty(small, batch="sep2021", year_from=2016)
    out = aggregate.counts(small, ["race"], batch="sep2021", year_from=2016)
    assert out.height == 0 and "convictions" in out.columns
    assert not aggregate.is_empty(small)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"batch": "mar2022"}, "unknown batch"),
    ({"prosecuting_agency": "Sheriff"}, "unknown prosecuting_agency"),
    ({"year_from": 2000, "year_to": 1990}, "after year_to"),
])
def test_bad_filters_raise_one_clear_error(small, kwargs, message):
    with pytest.raises(ValueError, match=message):
        aggregate.counts(small, ["batch"], **kwargs)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"batch": 2021}, "filter 'batch' takes a name or a list of names (str), not int 2021"),
    ({"charge_level": ["felony", 3]}, "filter 'charge_level' takes a name"),
    ({"year_from": "1990"}, "filter 'year_from' takes a whole year (int), not str '1990'"),
    ({"year_to": 1990.0}, "filter 'year_to' takes a whole year"),
    ({"year_to": True}, "filter 'year_to' takes a whole year"),
])
def test_a_filter_of_the_wrong_type_names_the_parameter(small, kwargs, message):
    with pytest.raises(TypeError, match=re.escape(message)):
        aggregate.counts(small, ["batch"], **kwargs)
    with pytest.raises(TypeError, match=re.escape(message)):
        aggregate.Filters(**kwargs)


def test_unknown_dimension(small):
    with pytest.raises(ValueError, match="unknown dimension 'colour'"):
        aggregate.counts(small, ["colour"])


@pytest.mark.parametrize("spelling", [{"charge_level": "FELONY"}, {"charge_level": "Felony"},
                                      {"race_ethnicity": "black"},
                                      {"prosecuting_agency": "district  attorney"},
                                      {"batch": ["SEP2021"]}])
def test_category_names_match_without_regard_to_case(small, spelling):
    (column, value), = spelling.items()
    canonical = [schema.category(column, v) for v in
                 ([value] if isinstance(value, str) else value)]
    expected = aggregate.counts(small, ["batch"], **{column: canonical})
    assert_frame_equal(aggregate.counts(small, ["batch"], **spelling), expected)
    assert expected["convictions"].sum() > 0


def test_filters_describe_themselves():
    assert aggregate.Filters().describe() == "all cases"
    text = aggregate.Filters(batch="sep2021", year_from=1990,
                             prosecuting_agency="District Attorney").describe()
    assert text == ("September 2021 motion; prosecuting agency District Attorney; "
                    "convicted from 1990 to the latest")


def test_people_per_person_and_by_motions(small):
    per = aggregate.people_by_convictions_dismissed(small)
    # P1 has three convictions, everyone else one
    assert per.rows() == [("1", 4, 4), ("3", 1, 3)]
    assert aggregate.people_by_motions(small).rows() == [
        ("February 2020 only", 2), ("September 2021 only", 2), ("both", 1)]


def test_headline(small):
    out = aggregate.headline(small)
    assert out.rows() == [("feb2020", 4, 3, 3, 1, 0), ("sep2021", 3, 3, 1, 2, 0),
                          ("all", 7, 5, 4, 3, 0)]


# --- exact distinct people over a hash that is proven one-to-one ----------------------


def test_people_key_hashes_when_no_two_ids_collide(small):
    key = aggregate.people_key(small.lazy())
    assert key.hashed and key.total == 5


@pytest.mark.parametrize("buckets", [1, 2, 3])
def test_colliding_hashes_fall_back_to_the_ids(small, monkeypatch, buckets):
    """A hash squeezed into a few buckets makes different ids collide: the counts must
    still be exact, by falling back to the ids themselves."""
    cuts = (("batch", "level"), ("race",), ())
    expected = {by: aggregate.counts(small, list(by)) for by in cuts}
    expected_headline = aggregate.headline(small)
    monkeypatch.setattr(aggregate, "person_key",
                        lambda: pl.col("person_id").hash(seed=0) % buckets)
    key = aggregate.people_key(small.lazy())
    assert not key.hashed and key.total == 5
    for by, frame in expected.items():
        assert_frame_equal(aggregate.counts(small, list(by)), frame)
    assert_frame_equal(aggregate.headline(small), expected_headline)


# Ids as real lists spell them: padded, cased, accented, empty, one character apart.
MESSY_IDS = [
    ["P1", "P1 ", " P1", "p1", "P1"],
    ["", "", "0", "00", "0"],
    ["José-7", "Jose-7", "JOSÉ-7", "José-7"],
    ["a" * 40, "a" * 39 + "b", "a" * 40, "a" * 12, "a" * 13],
    ["CII 12345678", "CII 12345678", "CII 1234567B", "XREF:0001", "XREF:0001"],
]


@pytest.mark.parametrize("ids", MESSY_IDS)
@pytest.mark.parametrize("buckets", [None, 2])
def test_people_counts_match_python_sets(small, monkeypatch, ids, buckets):
    if buckets is not None:
        monkeypatch.setattr(aggregate, "person_key",
                            lambda: pl.col("person_id").hash(seed=0) % buckets)
    frame = small.head(len(ids)).with_columns(person_id=pl.Series(ids))
    out = aggregate.counts(frame, ["batch"])
    by_batch = defaultdict(set)
    for batch, person in zip(frame["batch"].cast(pl.String), ids, strict=True):
        by_batch[batch].add(person)
    assert dict(zip(out["batch"].cast(pl.String), out["people"], strict=True)) == {
        b: len(p) for b, p in by_batch.items()}
    assert aggregate.counts(frame)["people"].item() == len(set(ids))
    assert aggregate.people_key(frame.lazy()).total == len(set(ids))


def test_people_key_of_no_rows(small):
    key = aggregate.people_key(small.lazy().filter(pl.lit(False)))
    assert key.total == 0


# --- the headline figures by two independent paths ------------------------------------


@pytest.fixture(scope="module")
def plain_rows(synthetic_csv):
    with open(synthetic_csv, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def sql(synthetic_csv, plain_rows):
    db = sqlite3.connect(":memory:")
    columns = list(plain_rows[0])
    db.execute(f"create table cases ({', '.join(columns)})")
    db.executemany(f"insert into cases values ({', '.join('?' * len(columns))})",
                   [tuple(r[c] for c in columns) for r in plain_rows])
    yield db
    db.close()


def test_headline_matches_plain_python(synthetic, plain_rows):
    conv, people = Counter(), defaultdict(set)
    levels = Counter()
    for r in plain_rows:
        for key in (r["batch"], "all"):
            conv[key] += 1
            people[key].add(r["person_id"])
            levels[(key, r["charge_level"])] += 1
    expected = [(b, conv[b], len(people[b]), levels[(b, "felony")],
                 levels[(b, "misdemeanor")], levels[(b, "infraction")])
                for b in ("feb2020", "sep2021", "all")]
    assert aggregate.headline(synthetic).rows() == expected


@pytest.mark.parametrize("by", [
    ["batch", "charge_level"], ["race_ethnicity"], ["batch", "race_ethnicity"],
    ["prosecuting_agency"], ["conviction_year"], ["hs_section", "batch"],
])
def test_counts_match_sql(synthetic, sql, by):
    year = "cast(substr(conviction_date, 1, 4) as integer)"
    cols = [year if b == "conviction_year" else b for b in by]
    query = (f"select {', '.join(cols)}, count(*), count(distinct person_id) from cases "
             f"group by {', '.join(cols)}")
    expected = {tuple(str(v) for v in row[:-2]): row[-2:] for row in sql.execute(query)}
    out = aggregate.counts(synthetic, by)
    got = {tuple(str(v) for v in row[:-4]): (row[-4], row[-2]) for row in
           out.with_columns(pl.col(b).cast(pl.String) for b in by).rows()}
    assert got == expected


def test_people_vs_convictions_match_sql(synthetic, sql):
    query = """select case when n <= 3 then cast(n as text) when n <= 5 then '4-5'
               else '6+' end as bin, count(*), sum(n)
               from (select person_id, count(*) as n from cases group by person_id)
               group by bin"""
    expected = {b: (p, c) for b, p, c in sql.execute(query)}
    got = {b: (p, c) for b, p, c in aggregate.people_by_convictions_dismissed(synthetic).rows()}
    assert got == expected
    both = sql.execute("select count(*) from (select person_id from cases group by person_id "
                       "having count(distinct batch) = 2)").fetchone()[0]
    assert dict(aggregate.people_by_motions(synthetic).rows())["both"] == both
