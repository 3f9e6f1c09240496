"""The synthetic default data against every published figure it can speak to.

The counts here are recomputed from the CSV with the standard library only (csv and
collections), an independent path from the polars code that generated them.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict

import polars as pl
import pytest

from analysis import schema, synth, validate
from analysis.assumptions import CALIBRATION, Assumptions


@pytest.fixture(scope="module")
def plain(synthetic_csv):
    """Rows of the synthetic CSV as plain dicts."""
    with open(synthetic_csv, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def count(rows, **where):
    return sum(all(r[k] == v for k, v in where.items()) for r in rows)


# (description, computed value from plain rows, low, high): each interval is the
# published figure's rounding as printed ("about 4,000" admits 3,500-4,500;
# "nearly 58,000" admits 95% of it up to the figure itself).
CHECKS = [
    ("2020 felonies: 62,000", lambda r: count(r, batch="feb2020", charge_level="felony"),
     61_500, 62_500),
    ("2020 misdemeanors: about 4,000",
     lambda r: count(r, batch="feb2020", charge_level="misdemeanor"), 3_500, 4_500),
    ("2020 total: nearly 66,000", lambda r: count(r, batch="feb2020"), 62_700, 66_000),
    ("2020 total: 66,000 to the thousand", lambda r: count(r, batch="feb2020"),
     65_500, 66_500),
    ("2020 people: about 53,000",
     lambda r: len({x["person_id"] for x in r if x["batch"] == "feb2020"}), 52_500, 53_500),
    ("2021 felonies: approximately 20,000",
     lambda r: count(r, batch="sep2021", charge_level="felony"), 19_500, 20_500),
    ("2021 total: nearly 58,000", lambda r: count(r, batch="sep2021"), 55_100, 58_000),
    ("2021 total: approximately 58,000", lambda r: count(r, batch="sep2021"),
     57_500, 58_500),
    ("2021 total: nearly 60,000", lambda r: count(r, batch="sep2021"), 57_000, 60_000),
    ("both: more than 123,000", lambda r: len(r), 123_001, 10**9),
    ("both: nearly 125,000", lambda r: len(r), 118_750, 125_000),
]


@pytest.mark.parametrize(("label", "compute", "low", "high"), CHECKS,
                         ids=[c[0] for c in CHECKS])
def test_published_totals(plain, label, compute, low, high):
    assert low <= compute(plain) <= high, label


def _race_shares(rows):
    race = {}
    for r in rows:
        if r["batch"] == "feb2020":
            race[r["person_id"]] = r["race_ethnicity"]
    tally = Counter(race.values())
    return {k: v / len(race) for k, v in tally.items()}


@pytest.mark.parametrize(("groups", "published"), [
    (("Latino",), 0.45), (("Black",), 0.32), (("White",), 0.20),
    (("Asian/Pacific Islander", "Other", "Unknown"), 0.03),
])
def test_2020_race_shares_of_people(plain, groups, published):
    shares = _race_shares(plain)
    assert abs(sum(shares.get(g, 0) for g in groups) - published) <= 0.005


def test_dates_reach_back_as_reported(plain):
    first = defaultdict(lambda: "9999")
    for r in plain:
        key = (r["batch"], r["charge_level"])
        first[key] = min(first[key], r["conviction_date"])
    assert first[("feb2020", "felony")].startswith("1961")  # "back to 1961"
    three_decades_before = dt.date(2021 - 30, 9, 27).isoformat()
    assert min(first[("sep2021", "felony")], first[("sep2021", "misdemeanor")]) \
        < three_decades_before  # "more than three decades"
    assert max(r["conviction_date"] for r in plain if r["charge_level"] == "felony") \
        <= schema.PROP64_EFFECTIVE.isoformat()


def test_misdemeanors_follow_the_prosecutors(plain):
    ten = set(schema.CITY_PROSECUTOR_CITIES)
    m2020 = {r["jurisdiction"] for r in plain
             if r["batch"] == "feb2020" and r["charge_level"] == "misdemeanor"}
    m2021 = {r["jurisdiction"] for r in plain
             if r["batch"] == "sep2021" and r["charge_level"] == "misdemeanor"}
    assert m2020 <= ten  # 2020: the ten city-prosecutor cities
    assert not (m2021 & ten)  # 2021: only where the District Attorney prosecutes
    assert count(plain, batch="feb2020", charge_level="misdemeanor", hs_section="11357") \
        == count(plain, batch="feb2020", charge_level="misdemeanor")  # possession


def test_sections_match_reported_offences(plain):
    f2020 = {r["hs_section"] for r in plain
             if r["batch"] == "feb2020" and r["charge_level"] == "felony"}
    f2021 = {r["hs_section"] for r in plain
             if r["batch"] == "sep2021" and r["charge_level"] == "felony"}
    assert f2020 <= {"11358", "11359", "11360"}  # sales and cultivation
    assert f2021 <= {"11357", "11358"}  # possession or cultivation


def test_identification_flags(plain):
    assert all(r["found_in_doj"] == "true" for r in plain if r["batch"] == "feb2020")
    assert all(r["found_in_court"] == "true" and r["found_in_doj"] == "false"
               for r in plain if r["batch"] == "sep2021")
    overlap = count(plain, batch="feb2020", found_in_court="true")
    assert 0 < overlap < count(plain, batch="feb2020")


def test_calibration_values_sit_inside_their_published_rounding():
    values = {t.name: t.value for t in CALIBRATION}
    assert values["feb2020_felonies"] + values["feb2020_misdemeanors"] <= 66_000
    assert values["sep2021_felonies"] + values["sep2021_misdemeanors"] <= 58_000


def test_same_seed_same_bytes(tmp_path):
    for suffix in (".parquet", ".csv"):
        a = synth.write(synth.generate(7), tmp_path / f"a{suffix}")
        b = synth.write(synth.generate(7), tmp_path / f"b{suffix}")
        assert a.read_bytes() == b.read_bytes()


def test_other_seed_other_rows_same_totals():
    a, b = synth.generate(1), synth.generate(2)
    assert not a.equals(b)
    assert a.group_by("batch", "charge_level").len().sort("batch", "charge_level").equals(
        b.group_by("batch", "charge_level").len().sort("batch", "charge_level"))


def test_default_data_passes_validation(synthetic_csv, synthetic):
    from polars.testing import assert_frame_equal

    assert_frame_equal(validate.read_cases(synthetic_csv), synthetic)


def test_assumptions_change_the_data():
    changed = synth.generate(3, Assumptions(sep2021_people_also_in_feb2020=0.5))
    base = synth.generate(3)

    def returning(frame):
        people = set(frame.filter(batch="feb2020")["person_id"])
        return frame.filter(batch="sep2021")["person_id"].unique().is_in(list(people)).sum()

    assert returning(changed) > 3 * returning(base)


@pytest.mark.parametrize("seed", [2021, 2022, 2023])
def test_every_seed_gives_a_valid_list(seed, tmp_path):
    """Each row belongs to a case, whatever the seed (the first row once had none)."""
    frame = synth.generate(seed)
    assert frame["case_id"].null_count() == 0
    assert validate.check_frame(frame, "seed").ok


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_writers_racing_for_one_file_each_finish_whole(tmp_path, synthetic, suffix):
    """Parallel pages may generate the default list at once: every writer finishes and
    the file is one writer's whole output, with no temporary file left behind."""
    from concurrent.futures import ThreadPoolExecutor

    frame = synthetic.head(20_000)
    out = tmp_path / f"cases{suffix}"
    with ThreadPoolExecutor(4) as pool:
        done = list(pool.map(lambda _: synth.write(frame, out), range(8)))
    assert done == [out] * 8
    back = pl.read_csv(out, schema=frame.schema) if suffix == ".csv" else pl.read_parquet(out)
    assert back.height == frame.height
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]
