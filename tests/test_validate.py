"""The validator: accepted real-world spellings, and each kind of bad input rejected
with a message naming the file, row, column, value and rule."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from conftest import GOOD_ROW, SECOND_ROW, write_rows

from analysis import cli, schema, validate


def test_messy_but_valid_rows_become_canonical(tmp_path):
    frame = validate.read_cases(write_rows(tmp_path / "ok.csv", [GOOD_ROW, SECOND_ROW]))
    assert frame.schema == schema.SCHEMA
    first, second = frame.row(0, named=True), frame.row(1, named=True)
    assert first["conviction_date"] == dt.date(1994, 3, 14)
    assert first["found_in_doj"] is True and first["found_in_court"] is False
    assert first["hs_section"] == "11359" and first["race_ethnicity"] == "Latino"
    assert first["charge_level"] == "felony"
    assert second["hs_section"] == "11357" and second["hs_subsection"] == "b"
    assert second["offense_type"] == "possession"  # derived from the section
    assert second["jurisdiction"] == schema.UNINCORPORATED
    assert second["court_location"] is None


# (kind, the change to one row, the column the message must name, the rule)
BAD = [
    ("wrong type of count", {"count": "one"}, "count", "integer"),
    ("absurd count", {"count": "5000"}, "count", "range"),
    ("unparseable date", {"conviction_date": "14/03/1994"}, "conviction_date",
     "date-format"),
    ("conviction after its motion", {"conviction_date": "2020-03-01"}, "conviction_date",
     "conviction-after-motion"),
    ("felony after Prop 64", {"batch": "sep2021", "motion_date": "2021-09-27",
                              "found_in_court": "true", "conviction_date": "2017-01-05"},
     "conviction_date", "felony-after-prop64"),
    ("conviction in the distant past", {"conviction_date": "1850-01-01"}, "conviction_date",
     "date-range"),
    ("motion before AB 1793", {"motion_date": "2017-05-01",
                               "conviction_date": "1990-01-01"}, "motion_date", "date-range"),
    ("unknown code section", {"hs_section": "11550"}, "hs_section", "unknown-section"),
    ("offense type contradicts section", {"offense_type": "cultivation"}, "offense_type",
     "offense-section"),
    ("unknown charge level", {"charge_level": "wobbler"}, "charge_level", "unknown-level"),
    ("unknown race", {"race_ethnicity": "Martian"}, "race_ethnicity", "unknown-race"),
    ("unknown jurisdiction", {"jurisdiction": "San Diego"}, "jurisdiction",
     "unknown-jurisdiction"),
    ("unknown agency", {"prosecuting_agency": "Sheriff"}, "prosecuting_agency",
     "unknown-agency"),
    ("felony filed by a city", {"prosecuting_agency": "Compton city prosecutor",
                                "jurisdiction": "Compton"}, "prosecuting_agency",
     "unknown-agency"),
    ("misdemeanor in a city-prosecutor city filed by the DA",
     {"charge_level": "M", "jurisdiction": "Long Beach"}, "prosecuting_agency",
     "agency-consistency"),
    ("felony filed by a city prosecutor",
     {"jurisdiction": "Pasadena", "prosecuting_agency": "Pasadena City Prosecutor"},
     "prosecuting_agency", "agency-consistency"),
    ("not a boolean", {"found_in_court": "maybe"}, "found_in_court", "boolean"),
    ("2020 row not from DOJ records", {"found_in_doj": "no"}, "found_in_doj",
     "batch-source"),
    ("unknown batch", {"batch": "2019"}, "batch", "unknown-batch"),
    ("missing required value", {"person_id": ""}, "person_id", "missing-value"),
    ("malformed id", {"case_id": "BA 12<script>"}, "case_id", "id-format"),
    ("unknown relief", {"relief_granted": "pardoned"}, "relief_granted", "unknown-relief"),
    ("absurdly long text", {"court_location": "x" * 500}, "court_location", "too-long"),
]


@pytest.mark.parametrize(("change", "column", "rule"), [b[1:] for b in BAD],
                         ids=[b[0] for b in BAD])
def test_bad_row_is_rejected_naming_row_and_column(tmp_path, change, column, rule):
    path = write_rows(tmp_path / "bad.csv", [SECOND_ROW, GOOD_ROW | change])
    report = validate.check(path)
    assert not report.ok and report.frame is None
    problem = next(p for p in report.problems if p.rule == rule)
    assert (problem.row, problem.column) == (2, column)
    text = str(problem)
    assert str(path) in text and "row 2" in text and f"column '{column}'" in text
    assert f"[{rule}]" in text


def test_at_least_twelve_distinct_rules_are_exercised():
    assert len({b[3] for b in BAD}) >= 12


def test_duplicate_key_names_both_rows(tmp_path):
    path = write_rows(tmp_path / "dup.csv", [GOOD_ROW, SECOND_ROW, GOOD_ROW])
    problem = validate.check(path).problems[0]
    assert problem.rule == "duplicate-key" and problem.row == 3
    assert "repeat row 1" in problem.message


def test_every_problem_listed_up_to_the_cap(tmp_path):
    rows = [GOOD_ROW | {"case_id": f"C{i}", "charge_level": "?", "race_ethnicity": "?"}
            for i in range(40)]
    path = write_rows(tmp_path / "many.csv", rows)
    report = validate.check(path, max_errors=25)
    assert report.total == 80 and len(report.problems) == 25
    assert {p.rule for p in validate.check(path, max_errors=200).problems} == {
        "unknown-level", "unknown-race"}


@pytest.mark.parametrize(("content", "rule", "phrase"), [
    (b"", "empty", "empty"),
    (b"   \n\n", "empty", "empty"),
    (",".join(GOOD_ROW).encode() + b"\n", "empty", "no data rows"),
    (b"case_id,count\nX,1\n", "required-column", "missing"),
    (b"\x00\x01\x02binary", "format", "binary"),
    (("case_id," + ",".join(list(GOOD_ROW)[1:]) + "\n" + ",".join(GOOD_ROW.values())
      + ",extra,fields\n").encode(), "format", "fields"),
    ((",".join(GOOD_ROW) + "\n" + ",".join(GOOD_ROW.values()).replace("Hispanic", "Hisp\xe1nico")
      + "\n").encode("latin-1"), "encoding", "not UTF-8"),
])
def test_unreadable_files_get_one_clear_line(tmp_path, content, rule, phrase):
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    report = validate.check(path)
    assert not report.ok
    assert report.problems[0].rule == rule and phrase in str(report.problems[0])


def test_missing_file_and_folder(tmp_path):
    assert validate.check(tmp_path / "nope.csv").problems[0].message == "no such file"
    assert "folder" in validate.check(tmp_path).problems[0].message


def test_broken_parquet(tmp_path):
    path = tmp_path / "x.parquet"
    path.write_bytes(b"PAR1 this is not really parquet")
    assert validate.check(path).problems[0].rule == "format"


@pytest.mark.parametrize(("sep", "encoding"), [(";", "utf-8"), ("\t", "utf-8"),
                                               ("|", "utf-8-sig"), (",", "utf-16")])
def test_other_separators_bom_and_utf16_are_read(tmp_path, sep, encoding):
    path = write_rows(tmp_path / "in.csv", [GOOD_ROW, SECOND_ROW], sep=sep, encoding=encoding)
    assert validate.read_cases(path).height == 2


def test_latin1_with_explicit_encoding(tmp_path):
    row = GOOD_ROW | {"court_location": "Cañada courthouse"}
    path = write_rows(tmp_path / "in.csv", [row], encoding="latin-1")
    assert not validate.check(path).ok
    frame = validate.read_cases(path, encoding="latin-1")
    assert frame["court_location"][0] == "Cañada courthouse"


def test_extra_columns_are_dropped_with_a_warning(tmp_path):
    path = write_rows(tmp_path / "in.csv", [GOOD_ROW | {"defendant_name": "Jane Roe"}])
    report = validate.check(path)
    assert report.ok and "defendant_name" not in report.frame.columns
    warning = report.warnings[0]
    assert warning.severity == "warning" and "defendant_name" in str(warning)
    assert "Jane Roe" not in str(warning)


def test_parquet_input_round_trips(tmp_path, synthetic):
    sample = synthetic.head(500)
    path = tmp_path / "s.parquet"
    sample.write_parquet(path)
    assert validate.read_cases(path).equals(sample)


def test_parquet_with_wrong_types_is_caught(tmp_path, synthetic):
    path = tmp_path / "s.parquet"
    (synthetic.head(5).with_columns(pl.lit(2.5).alias("count"))).write_parquet(path)
    assert {p.rule for p in validate.check(path).problems} == {"integer"}


def test_cli_reports_and_writes_nothing(tmp_path, capsys):
    path = write_rows(tmp_path / "bad.csv", [GOOD_ROW | {"hs_section": "999"}])
    before = sorted(tmp_path.iterdir())
    assert cli.main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "row 1" in err and "column 'hs_section'" in err and "nothing was written" in err
    assert sorted(tmp_path.iterdir()) == before
    good = write_rows(tmp_path / "good.csv", [GOOD_ROW])
    assert cli.main(["validate", str(good)]) == 0
    assert "1 rows valid" in capsys.readouterr().out


def test_cli_one_line_for_unreadable_file(tmp_path, capsys):
    assert cli.main(["validate", str(tmp_path / "missing.csv")]) == 1
    err = capsys.readouterr().err
    assert "no such file" in err and "Traceback" not in err
