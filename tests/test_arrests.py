"""Arrest extracts: the mapping file, the loader's checks, the shipped LAPD mapping."""

from __future__ import annotations

import csv
from collections import Counter

import polars as pl
import pytest
from conftest import write_rows
from polars.testing import assert_frame_equal

from analysis import arrests, cli, prop64, schema
from analysis.ingest import Problem, ValidationError

MAPPING = """
name: test extract
columns: {year: ARR_DATE, race_ethnicity: DESCENT, charge_level: LVL, charge: CHG}
date_format: "%m/%d/%Y"
codes:
  race_ethnicity: {H: Latino, B: Black, W: White, A: Asian/Pacific Islander, O: Other}
  charge_level: {F: felony, M: misdemeanor, I: infraction}
  charge: {"11357": possession, "11359": possession_for_sale, "11360": sale_transport}
"""

ROW = {"RPT": "A1", "ARR_DATE": "03/14/2015", "DESCENT": "H", "LVL": "M", "CHG": "11357",
       "AGE": "33"}


@pytest.fixture
def mapping(tmp_path):
    path = tmp_path / "mapping.yml"
    path.write_text(MAPPING, encoding="utf-8")
    return path


def test_reads_an_extract_through_its_mapping(tmp_path, mapping):
    rows = [ROW, ROW | {"ARR_DATE": "12/01/2016", "DESCENT": " b ", "LVL": "F",
                        "CHG": "11360"}]
    frame = arrests.read_arrests(write_rows(tmp_path / "x.csv", rows), mapping)
    expected = pl.DataFrame(
        {"year": [2015, 2016], "race_ethnicity": ["Latino", "Black"],
         "charge_level": ["misdemeanor", "felony"], "charge": ["possession", "sale_transport"]},
        schema=arrests.SCHEMA)
    assert_frame_equal(frame, expected)
    assert "RPT" not in frame.columns and "AGE" not in frame.columns  # never carried


@pytest.mark.parametrize("change,rule,column,value", [
    ({"DESCENT": "Z"}, "unknown-code", "DESCENT", "Z"),
    ({"LVL": "Felony-ish"}, "unknown-code", "LVL", "Felony-ish"),
    ({"CHG": "11358"}, "unknown-code", "CHG", "11358"),
    ({"ARR_DATE": "2015-03-14"}, "year-format", "ARR_DATE", "2015-03-14"),
    ({"ARR_DATE": "03/14/1931"}, "year-range", "ARR_DATE", "03/14/1931"),
    ({"DESCENT": ""}, "missing-value", "DESCENT", None),
])
def test_bad_rows_name_file_row_column_and_value(tmp_path, mapping, change, rule, column,
                                                 value):
    path = write_rows(tmp_path / "x.csv", [ROW, ROW | change])
    with pytest.raises(ValidationError) as err:
        arrests.read_arrests(path, mapping)
    (problem,) = err.value.problems
    assert isinstance(problem, Problem)
    assert (problem.file, problem.row, problem.rule, problem.column, problem.value) == (
        str(path), 2, rule, column, value)
    assert f"{path}, row 2, column '{column}'" in str(err.value)


def test_every_bad_row_is_listed(tmp_path, mapping):
    path = write_rows(tmp_path / "x.csv", [ROW | {"DESCENT": "Q"}] * 3 + [ROW])
    with pytest.raises(ValidationError) as err:
        arrests.read_arrests(path, mapping, max_errors=2)
    assert err.value.total == 3 and len(err.value.problems) == 2
    assert "and 1 more problems" in str(err.value)


def test_unmapped_codes_can_default(tmp_path, mapping):
    mapping.write_text(MAPPING + "unmapped: {race_ethnicity: Unknown}\n")
    frame = arrests.read_arrests(write_rows(tmp_path / "x.csv", [ROW | {"DESCENT": "X"}]),
                                 mapping)
    assert frame["race_ethnicity"].to_list() == ["Unknown"]


def test_year_column_may_hold_plain_years(tmp_path, mapping):
    mapping.write_text(MAPPING.replace('date_format: "%m/%d/%Y"\n', ""))
    frame = arrests.read_arrests(write_rows(tmp_path / "x.csv", [ROW | {"ARR_DATE": "2012"}]),
                                 mapping)
    assert frame["year"].to_list() == [2012]


def test_missing_column_is_reported_with_the_header(tmp_path, mapping):
    path = write_rows(tmp_path / "x.csv", [{k: v for k, v in ROW.items() if k != "LVL"}])
    with pytest.raises(ValidationError) as err:
        arrests.read_arrests(path, mapping)
    (problem,) = err.value.problems
    assert (problem.rule, problem.column) == ("required-column", "LVL")


@pytest.mark.parametrize("text,column,fragment", [
    ("columns: [year]\n", "columns", "must map each field"),
    (MAPPING.replace("race_ethnicity: DESCENT, ", ""), "columns.race_ethnicity",
     "no column given"),
    (MAPPING.replace("H: Latino", "H: Hispanic"), "codes.race_ethnicity",
     "outside Latino"),
    (MAPPING.replace("F: felony", "F: felon"), "codes.charge_level", "outside felony"),
    (MAPPING + "unmapped: {race_ethnicity: Martian}\n", "unmapped.race_ethnicity",
     "must be one of"),
    (MAPPING + "colums: {}\n", "colums", "unknown key"),
    ("columns: {year: [\n", None, "not valid YAML (line"),
    ("- just\n- a list\n", None, "expected a mapping"),
])
def test_bad_mapping_files_are_explained(tmp_path, text, column, fragment):
    path = tmp_path / "bad.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        arrests.load_mapping(path)
    hits = [p for p in err.value.problems if p.column == column and fragment in p.message]
    assert hits, str(err.value)
    assert all(p.file == str(path) and p.rule == "mapping" for p in err.value.problems)


def test_missing_mapping_and_missing_file(tmp_path, mapping):
    with pytest.raises(ValidationError, match="no such mapping file"):
        arrests.load_mapping(tmp_path / "nope.yml")
    with pytest.raises(ValidationError, match="no such file"):
        arrests.read_arrests(tmp_path / "nope.csv", mapping)


def test_shipped_mapping_targets_canonical_categories():
    mapping = arrests.load_mapping()
    assert set(mapping.codes["race_ethnicity"].values()) <= set(schema.RACES)
    assert mapping.file == arrests.LAPD_FILE
    assert mapping.table().height == sum(len(c) for c in mapping.codes.values())


def test_lapd_file_loads_and_matches_a_direct_count(shared_data):
    path = shared_data / arrests.LAPD_FILE
    frame = arrests.read_arrests(path)
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert frame.height == len(rows) == 22_670
    direct = Counter(r["race"] for r in rows)
    assert dict(frame["race_ethnicity"].value_counts().iter_rows()) == {
        "Latino": direct["Hispanic/Latino"], "Black": direct["Black"], "White": direct["White"],
        "Asian/Pacific Islander": direct["Asian or Pacific Islander"], "Other": direct["Other"]}
    assert dict(frame.group_by("year").len().iter_rows()) == dict(
        Counter(int(r["year"]) for r in rows))
    assert arrests.describe_arrests(path).matches_manifest


def test_county_population_sums_the_census_groups(shared_data):
    pop = prop64.county_population([2019])
    with open(shared_data / prop64.POPULATION_FILE, newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["reference_date"] == "2019-07-01")
    assert pop["population"].sum() == int(row["total"])
    assert pop.filter(pl.col("race_ethnicity") == "Black")["population"].item() == int(
        row["nh_black"])


def test_command_line_checks_an_extract(tmp_path, mapping, capsys):
    good = write_rows(tmp_path / "good.csv", [ROW])
    assert cli.main(["arrests", str(good), "--mapping", str(mapping)]) == 0
    assert "ok:" in capsys.readouterr().out
    bad = write_rows(tmp_path / "bad.csv", [ROW | {"DESCENT": "Z"}])
    assert cli.main(["arrests", str(bad), "--mapping", str(mapping)]) == 1
    err = capsys.readouterr().err
    assert "row 1, column 'DESCENT', value 'Z'" in err and "Traceback" not in err


def test_the_data_docs_document_the_arrest_spec():
    from analysis import paths

    readme = (paths.ROOT / "docs" / "data.md").read_text()
    block = readme.split("<!-- arrests:start -->")[1].split("<!-- arrests:end -->")[0]
    assert block.strip() == arrests.markdown_table()



def test_person_years_sum_the_years_per_group():
    pop = pl.DataFrame({"year": [2010, 2011, 2012, 2010], "race_ethnicity": ["Black"] * 3
                        + ["White"], "population": [10, 20, 40, 7]})
    out = prop64.person_years(pop, [2010, 2011])
    assert dict(out.iter_rows()) == {"Black": 30, "White": 7}


def test_prop64_change_recovers_a_known_step():
    years = list(range(2010, 2020))
    pop = pl.DataFrame({"year": years, "race_ethnicity": ["Black"] * 10,
                        "population": [1_000_000] * 10}).cast({"year": pl.Int16})
    # 1,000 arrests a year falling 10% a year, then halved from 2017 on
    counts = [1000 * 0.9 ** (y - 2010) * (0.5 if y >= 2017 else 1) for y in years]
    yearly = pl.DataFrame({"year": years, "race_ethnicity": ["Black"] * 10,
                           "count": [round(c) for c in counts]}).cast({"year": pl.Int16})
    out = prop64.change(yearly, pop).row(0, named=True)
    assert out["step"] == pytest.approx(0.5, rel=0.01)
    assert out["pre_trend_pct"] == pytest.approx(-10, abs=0.2)
    assert out["ratio"] < 0.5  # the plain before/after ratio mixes trend and step
    assert out["arrests_before"] + out["arrests_after"] == sum(round(c) for c in counts)
    assert out["step_model"] == "Poisson GLM"  # no overdispersion in exact data
