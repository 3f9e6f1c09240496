"""Case-list mappings: a court export read through a YAML mapping, identifying columns
hashed or dropped before any check, every header problem at once, LA communities read
as the city with a warning, the memo keyed by the mapping and the salt."""

from __future__ import annotations

import csv
import datetime as dt
import os
import stat
from pathlib import Path

import polars as pl
import pytest
from conftest import GOOD_ROW, write_rows

from analysis import casemap, cli, data, paths, pseudonym, schema, validate

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "tests" / "data" / "court_export_example.csv"
MAPPING = ROOT / "data" / "mappings" / "court_export_example.yml"
IDENTIFYING = ("Defendant Name", "Date of Birth", "Booking Number")


@pytest.fixture(autouse=True)
def salt(tmp_path, monkeypatch):
    """A known salt, and a salt file that is never the checkout's."""
    monkeypatch.setenv(paths.ID_SALT_ENV, "salt for tests")
    monkeypatch.setattr(paths, "ID_SALT", tmp_path / "private" / "id_salt")
    monkeypatch.setattr(paths, "VALIDATED", tmp_path / "memos")
    for name in (paths.DATA_MAPPING_ENV, paths.DATA_ENCODING_ENV):
        monkeypatch.delenv(name, raising=False)


def export_rows() -> list[dict]:
    with open(EXAMPLE, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def identifying_values() -> set[str]:
    return {row[c] for row in export_rows() for c in IDENTIFYING}


def all_text(report) -> str:
    return "\n".join(str(p) for p in [*report.problems, *report.warnings])


def write_export(path: Path, rows: list[dict]) -> Path:
    return write_rows(path, rows)


# --- the shipped example ------------------------------------------------------------------


def test_the_example_export_loads_through_the_example_mapping():
    report = validate.check(EXAMPLE, mapping=MAPPING)
    assert report.ok, all_text(report)
    frame = report.frame
    assert frame.schema == schema.SCHEMA and frame.height == 30
    assert frame["batch"].unique().to_list() == ["sep2021"]
    assert frame["motion_date"].unique().to_list() == [dt.date(2021, 9, 27)]
    assert frame["found_in_court"].all() and not frame["found_in_doj"].any()
    first = frame.filter(pl.col("case_id") == "LA012345")
    assert first["count"].to_list() == [1, 2]  # numbered in file order
    assert first["jurisdiction"].unique().to_list() == ["Los Angeles"]  # VAN NUYS
    assert first["prosecuting_agency"].unique().to_list() == ["Los Angeles city prosecutor"]
    assert first["race_ethnicity"].unique().to_list() == ["Latino"]  # code HISP
    roe = frame.filter(pl.col("case_id") == "BA204411").sort("count")
    assert roe["hs_section"].to_list() == ["11359", "11360"]
    assert roe["hs_subsection"].to_list() == [None, "a)(1"]
    assert roe["relief_granted"].unique().to_list() == ["dismissed_sealed"]
    assert roe["prosecuting_agency"].unique().to_list() == ["District Attorney"]


def test_names_dobs_and_booking_numbers_never_leave_the_reading_step():
    report = validate.check(EXAMPLE, mapping=MAPPING)
    frame = report.frame
    assert set(frame.columns) == set(schema.COLUMNS)
    cells = {str(v) for column in frame.columns for v in frame[column].to_list()}
    assert not cells & identifying_values()
    text = all_text(report)
    assert all(value not in text for value in identifying_values())
    assert "Booking Number" in text  # the dropped column is named, never shown


BROKEN = [  # (what, change to the first row, the rule expected)
    ("blank date of birth", {"Date of Birth": ""}, "missing-value"),
    ("blank name", {"Defendant Name": "  "}, "missing-value"),
    ("bad level", {"Level": "WOBBLER"}, "unknown-level"),
    ("bad section", {"Charge": "PC 647(f)"}, "unknown-section"),
    ("bad date", {"Conviction Date": "31/31/1994"}, "date-format"),
]


@pytest.mark.parametrize(("change", "rule"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_errors_never_show_identifying_values(tmp_path, change, rule):
    rows = export_rows()
    rows[0] |= change
    report = validate.check(write_export(tmp_path / "x.csv", rows), mapping=MAPPING)
    assert not report.ok
    problem = next(p for p in report.problems if p.rule == rule)
    assert problem.row == 1
    text = all_text(report)
    assert all(value not in text for value in identifying_values())
    if "Date of Birth" in change or "Defendant Name" in change:
        assert problem.column.startswith("person_id (hashed from Defendant Name")


# --- the person id --------------------------------------------------------------------


def test_the_person_id_is_one_per_person_and_stable_under_one_salt():
    first = validate.read_cases(EXAMPLE, mapping=MAPPING)
    again = validate.read_cases(EXAMPLE, mapping=MAPPING)
    assert first["person_id"].to_list() == again["person_id"].to_list()
    ids = dict(first.select("case_id", "person_id").unique().iter_rows())
    assert ids["LA012345"] == ids["BA300001"]  # John Doe, two cases
    assert len(set(first.filter(pl.col("case_id") == "BA204411")["person_id"])) == 1
    # ("ROE, JANE", 11/30/1971) and ("Roe,  Jane", 1971-11-30) are one person
    assert ids["LA012345"] != ids["BA204411"]
    assert all(i.startswith("P") and len(i) == 1 + pseudonym.ID_DIGITS for i in ids.values())


def test_another_salt_gives_other_ids(monkeypatch):
    one = validate.read_cases(EXAMPLE, mapping=MAPPING)["person_id"]
    monkeypatch.setenv(paths.ID_SALT_ENV, "another salt")
    other = validate.read_cases(EXAMPLE, mapping=MAPPING)["person_id"]
    assert not set(one) & set(other)
    assert one.n_unique() == other.n_unique()


def test_without_the_variable_a_private_salt_file_is_made_once(monkeypatch):
    monkeypatch.delenv(paths.ID_SALT_ENV)
    first = validate.read_cases(EXAMPLE, mapping=MAPPING)["person_id"]
    assert stat.S_IMODE(os.stat(paths.ID_SALT).st_mode) == 0o600
    secret = paths.ID_SALT.read_bytes()
    assert validate.read_cases(EXAMPLE, mapping=MAPPING)["person_id"].equals(first)
    assert paths.ID_SALT.read_bytes() == secret and len(secret.strip()) == 64


def test_the_salt_file_is_ignored_by_git():
    assert "data/private/" in (ROOT / ".gitignore").read_text().splitlines()


# --- each feature of a mapping ------------------------------------------------------------


def mapping_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.yml"
    path.write_text(text, encoding="utf-8")
    return path


BASE = """
columns: {case_id: Case, hs_section: Charge, charge_level: Lvl, conviction_date: Convicted,
          jurisdiction: Town, race_ethnicity: Race, relief_granted: Result}
person_id: {hash: [Name]}
constants: {batch: feb2020, found_in_doj: "yes", found_in_court: "no"}
derive: [count, motion_date, prosecuting_agency]
"""
ROW = {"Case": "C1", "Name": "Q. Public", "Charge": "11357(a) HS", "Lvl": "M",
       "Convicted": "03/15/1994", "Town": "Compton", "Race": "Hispanic", "Result": "dismissed"}

FEATURES = [  # (what, extra mapping text, change to the row, column, expected value)
    ("constant batch and booleans", "", {}, "found_in_doj", True),
    ("motion date from the batch", "", {}, "motion_date", dt.date(2020, 2, 13)),
    ("agency derived for a felony", "", {"Lvl": "Felony", "Town": "Long Beach"},
     "prosecuting_agency", "District Attorney"),
    ("agency derived for a city misdemeanor", "", {"Town": "Long Beach"},
     "prosecuting_agency", "Long Beach city prosecutor"),
    ("a level code", "codes: {charge_level: {'1': felony, '2': misdemeanor}}\n",
     {"Lvl": "1"}, "charge_level", "felony"),
    ("a race code that YAML would read as a boolean",
     "codes: {race_ethnicity: {'Y': Unknown, No: Other}}\n", {"Race": "no"},
     "race_ethnicity", "Other"),
    ("built-in spellings still work beside codes",
     "codes: {race_ethnicity: {HISP: Latino}}\n", {"Race": "Black"}, "race_ethnicity", "Black"),
    ("a section code", "codes: {hs_section: {MJ POSSESSION: '11357'}}\n",
     {"Charge": "mj  possession"}, "hs_section", "11357"),
    ("a date format", "date_format: '%d-%b-%Y'\n", {"Convicted": "15-Mar-1994"},
     "conviction_date", dt.date(1994, 3, 15)),
    ("a community of Los Angeles", "", {"Town": "VAN NUYS"}, "jurisdiction", "Los Angeles"),
    ("a community's misdemeanor goes to the city attorney", "", {"Town": "Sherman Oaks"},
     "prosecuting_agency", "Los Angeles city prosecutor"),
]


@pytest.mark.parametrize(("extra", "change", "column", "expected"),
                         [f[1:] for f in FEATURES], ids=[f[0] for f in FEATURES])
def test_each_mapping_feature(tmp_path, extra, change, column, expected):
    mapping = mapping_file(tmp_path, BASE + extra)
    path = write_export(tmp_path / "x.csv", [ROW | change, ROW | change | {"Case": "C2"}])
    report = validate.check(path, mapping=mapping)
    assert report.ok, all_text(report)
    assert report.frame[column].to_list() == [expected, expected]
    assert "Q. Public" not in all_text(report) and "Name" not in report.frame.columns


def test_boolean_codes_for_a_mapped_column(tmp_path):
    mapping = mapping_file(tmp_path, BASE.replace(', found_in_court: "no"', "").replace(
        "relief_granted: Result}", "relief_granted: Result, found_in_court: In court}")
        + "codes: {found_in_court: {FILED: 'true', NOT FOUND: 'false'}}\n")
    rows = [ROW | {"In court": "filed"}, ROW | {"Case": "C2", "In court": "Not  Found"},
            ROW | {"Case": "C3", "In court": "Y"}]
    frame = validate.read_cases(write_export(tmp_path / "x.csv", rows), mapping=mapping)
    assert frame["found_in_court"].to_list() == [True, False, True]


def test_a_given_agency_is_kept_and_checked_against_the_expected_one(tmp_path):
    mapping = mapping_file(tmp_path, BASE.replace("relief_granted: Result}",
                                                  "relief_granted: Result, "
                                                  "prosecuting_agency: Agency}"))
    rows = [ROW | {"Agency": "", "Town": "Pasadena"},
            ROW | {"Case": "C2", "Agency": "DA", "Town": "Pasadena"}]
    report = validate.check(write_export(tmp_path / "x.csv", rows), mapping=mapping)
    problem = next(p for p in report.problems if p.rule == "agency-consistency")
    assert problem.row == 2 and problem.column == "Agency"
    assert "expected 'Pasadena city prosecutor'" in problem.message
    assert report.total == 1  # the blank one was derived


def test_rows_of_one_case_are_numbered_and_blank_lines_skipped(tmp_path):
    rows = [ROW, {k: "" for k in ROW}, ROW | {"Charge": "11360 HS"}, ROW | {"Case": "C9"}]
    frame = validate.read_cases(write_export(tmp_path / "x.csv", rows),
                                mapping=mapping_file(tmp_path, BASE))
    assert frame.select("case_id", "count").rows() == [("C1", 1), ("C1", 2), ("C9", 1)]


HASHED_CASE = BASE.replace("columns: {case_id: Case, ", "columns: {") + "case_id: {hash: [Case]}\n"


def test_a_hashed_case_id_is_the_normalised_court_case_number_hashed(tmp_path):
    rows = [ROW | {"Case": "BA 123456"}, ROW | {"Case": "ba-123456", "Charge": "11360 HS"},
            ROW | {"Case": "LA9"}]
    report = validate.check(write_export(tmp_path / "x.csv", rows),
                            mapping=mapping_file(tmp_path, HASHED_CASE))
    assert report.ok, all_text(report)
    expected = pseudonym.case_ids(pl.Series(["BA123456", "BA123456", "LA9"])).to_list()
    assert report.frame["case_id"].to_list() == expected
    assert expected[0].startswith("C") and len(expected[0]) == 21
    assert report.frame["count"].to_list() == [1, 2, 1]  # one case, however spelled
    text = all_text(report)
    assert "hashed into case_id, then dropped: Case" in text
    assert "123456" not in text and "123456" not in str(report.frame.rows())


def test_a_blank_case_number_is_named_by_the_column_it_is_hashed_from(tmp_path):
    rows = [ROW, ROW | {"Case": " - "}]
    report = validate.check(write_export(tmp_path / "x.csv", rows),
                            mapping=mapping_file(tmp_path, HASHED_CASE))
    assert [(p.row, p.column, p.rule) for p in report.problems] == [
        (2, "case_id (hashed from Case)", "missing-value")]


@pytest.mark.parametrize(("text", "phrase"), [
    (HASHED_CASE.replace("[Case]", "[Case, Town]"), "the one column holding the court case"),
    (HASHED_CASE.replace("[Case]", "Case"), "the one column holding the court case"),
    (BASE + "case_id: {hash: [Case]}\n", "either a column or a hash"),
    (HASHED_CASE.replace("{hash: [Case]}", "{hash: [Case], salt: x}"), "unknown key"),
])
def test_a_case_id_hash_names_one_column_and_no_case_column(tmp_path, text, phrase):
    with pytest.raises(validate.ValidationError, match=phrase):
        casemap.load_mapping(mapping_file(tmp_path, text))


# --- problems of the mapping and the header, all at once ---------------------------------


def test_every_problem_of_a_mapping_file_is_listed_at_once(tmp_path):
    mapping = mapping_file(tmp_path, """
colums: {}
columns: {case_id: Case, levle: Level, charge_level: ""}
constants: {batch: "2019", count: "1", motion_date: "next tuesday"}
codes: {race_ethnicity: {H: Martian}, shoe_size: {X: "1"}}
person_id: {hash: []}
derive: [relief_granted]
""")
    with pytest.raises(validate.ValidationError) as caught:
        casemap.load_mapping(mapping)
    where = {(p.column, p.rule) for p in caught.value.problems}
    for key in ("colums", "columns.levle", "columns.charge_level", "constants.batch",
                "constants.count", "constants.motion_date", "codes.race_ethnicity",
                "codes.shoe_size", "person_id", "derive", "columns.found_in_court"):
        assert (key, "mapping") in where, key
    assert "unknown key" in str(caught.value) and "Martian" in str(caught.value)


@pytest.mark.parametrize(("text", "phrase"), [
    ("columns: [a, b]\n", "must be a mapping"),
    ("- just a list\n", "expected a mapping"),
    ("columns: {case_id: [unclosed\n", "not valid YAML"),
])
def test_malformed_mapping_files(tmp_path, text, phrase):
    with pytest.raises(validate.ValidationError, match=phrase):
        casemap.load_mapping(mapping_file(tmp_path, text))


def test_columns_the_mapping_names_and_the_file_lacks_are_listed_at_once(tmp_path):
    rows = [{k: v for k, v in ROW.items() if k not in ("Lvl", "Name", "Town")}
            | {"Case": "C1", "Case ": "again"}]
    path = write_export(tmp_path / "x.csv", rows)
    report = validate.check(path, mapping=mapping_file(tmp_path, BASE))
    assert {(p.rule, p.column) for p in report.problems} == {
        ("required-column", "Lvl"), ("required-column", "Name"), ("required-column", "Town"),
        ("header", "Case")}


def test_mapped_columns_match_ignoring_case_and_spaces(tmp_path):
    rows = [{k.upper() if k != "Name" else " name ": v for k, v in ROW.items()}]
    frame = validate.read_cases(write_export(tmp_path / "x.csv", rows),
                                mapping=mapping_file(tmp_path, BASE))
    assert frame["hs_section"].to_list() == ["11357"] and frame["person_id"][0].startswith("P")


def test_every_header_problem_without_a_mapping_at_once(tmp_path):
    header = ["Case Number", "Case Number", "Section", "Charge", "Level", "City",
              "Conviction Date", "Disposition Date", "Defendant Name"]
    path = tmp_path / "x.csv"
    path.write_text(",".join(header) + "\n" + ",".join(["A1", "A1", "11357", "11357 HS", "M",
                                                         "Compton", "01/01/1999", "", "ROE"])
                    + "\n")
    report = validate.check(path)
    got = {(p.rule, p.column) for p in report.problems}
    assert ("header", "case_id") in got and ("header", "hs_section") in got
    missing = {c for rule, c in got if rule == "required-column"}
    assert missing == {"count", "person_id", "batch", "motion_date", "found_in_doj",
                       "found_in_court", "prosecuting_agency", "race_ethnicity",
                       "relief_granted"}
    text = all_text(report)
    assert "'Section' and 'Charge' both mean 'hs_section'" in text
    assert "'Case Number' appears twice" in text and "ROE" not in text


@pytest.mark.parametrize(("header", "expected"), [
    (["Charge", "Level"], {"hs_section", "charge_level"}),
    (["Disposition Date"], {"conviction_date"}),
    (["Conviction Date", "Disposition Date"], {"conviction_date", "disposition_date"}),
])
def test_court_export_names_without_a_mapping(header, expected):
    assert set(validate.canonical_names(header)) == expected


# --- spellings read without a mapping -----------------------------------------------------


@pytest.mark.parametrize(("written", "section", "subsection"), [
    ("11357(a) HS", "11357", "a"), ("HS 11357(A)", "11357", "a"), ("H&S 11359", "11359", None),
    ("11360(a)(1) HS", "11360", "a)(1"), ("HSC 11358", "11358", None),
    ("H.S. 11359(b)", "11359", "b"), ("11357 (c) H&S", "11357", "c"),
])
def test_section_spellings_are_accepted(tmp_path, written, section, subsection):
    frame = validate.read_cases(write_rows(tmp_path / "x.csv", [GOOD_ROW | {
        "hs_section": written, "offense_type": ""}]))
    assert frame.row(0, named=True)["hs_section"] == section
    assert frame.row(0, named=True)["hs_subsection"] == subsection


@pytest.mark.parametrize("written", ["VAN NUYS", "San Pedro", "n hollywood", "Playa del Rey",
                                     "City of Venice"])
def test_communities_of_los_angeles_are_read_as_the_city_with_a_warning(tmp_path, written):
    row = GOOD_ROW | {"jurisdiction": written, "charge_level": "M",
                      "prosecuting_agency": "LA City Attorney"}
    report = validate.check(write_rows(tmp_path / "x.csv", [row]))
    assert report.ok, all_text(report)
    assert report.frame["jurisdiction"][0] == "Los Angeles"
    warning = next(w for w in report.warnings if w.rule == "la-community")
    assert warning.severity == "warning" and (warning.row, warning.value) == (1, written)
    assert "part of the City of Los Angeles" in warning.message


@pytest.mark.parametrize("written", ["East Los Angeles", "Marina del Rey", "San Diego"])
def test_places_outside_the_city_are_not_read_as_it(tmp_path, written):
    row = GOOD_ROW | {"jurisdiction": written}
    assert "unknown-jurisdiction" in {p.rule for p in validate.check(
        write_rows(tmp_path / "x.csv", [row])).problems}


def test_an_agency_error_names_the_agency_expected(tmp_path):
    row = GOOD_ROW | {"charge_level": "M", "jurisdiction": "VAN NUYS"}
    problem = validate.check(write_rows(tmp_path / "x.csv", [row])).problems[0]
    assert problem.rule == "agency-consistency"
    assert ("agency 'District Attorney' does not match the level and jurisdiction; "
            "expected 'Los Angeles city prosecutor'") in problem.message


# --- loading, the memo and the command line ------------------------------------------------


def test_the_memo_key_holds_the_mapping_and_the_salt(tmp_path, monkeypatch):
    plain = data.memo_key(EXAMPLE)
    mapped = data.memo_key(EXAMPLE, mapping=MAPPING)
    assert plain != mapped
    copy = mapping_file(tmp_path, MAPPING.read_text() + "\n# an edit\n")
    assert data.memo_key(EXAMPLE, mapping=copy) != mapped
    monkeypatch.setenv(paths.ID_SALT_ENV, "another salt")
    assert data.memo_key(EXAMPLE, mapping=MAPPING) != mapped


def test_load_cases_takes_the_mapping_and_encoding_from_the_environment(monkeypatch):
    with pytest.raises(validate.ValidationError, match="required-column"):
        data.load_cases(EXAMPLE)
    monkeypatch.setenv(paths.DATA_MAPPING_ENV, str(MAPPING))
    frame, source = data.open_cases(EXAMPLE)
    assert frame.height == 30 and source.path == EXAMPLE
    assert data.load_cases(EXAMPLE).equals(frame)  # from the memo, same frame
    with pytest.raises(validate.ValidationError):
        data.load_cases(EXAMPLE, mapping="")  # "" reads without one
    monkeypatch.setenv(paths.DATA_ENCODING_ENV, "no-such-codec")
    with pytest.raises(validate.ValidationError, match="unknown encoding"):
        data.load_cases(EXAMPLE, memo=False)
    assert data.load_cases(EXAMPLE, encoding="utf-8", memo=False).height == 30


def test_a_memo_is_never_shared_between_salts(monkeypatch):
    first = data.load_cases(EXAMPLE, mapping=MAPPING)
    monkeypatch.setenv(paths.ID_SALT_ENV, "another salt")
    second = data.load_cases(EXAMPLE, mapping=MAPPING)
    assert not set(first["person_id"]) & set(second["person_id"])
    assert len(list(paths.VALIDATED.glob("*.parquet"))) == 2


def test_cli_validate_with_a_mapping_prints_warnings_and_exits_0(capsys):
    assert cli.main(["validate", str(EXAMPLE), "--mapping", str(MAPPING)]) == 0
    out, err = capsys.readouterr()
    assert "30 rows valid" in out
    assert "warning:" in err and "VAN NUYS" in err and "error" not in err
    assert all(value not in out + err for value in identifying_values())


def test_cli_lists_mapping_problems(tmp_path, capsys):
    bad = mapping_file(tmp_path, "columns: {case_idd: Case}\n")
    assert cli.main(["validate", str(EXAMPLE), "--mapping", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "columns.case_idd" in err and "columns.batch" in err and "Traceback" not in err
