"""Reading the DOJ AB 1793 file: header variants, field counts, dates, the code section,
the level, and identifiers reduced to hashed ids before anything leaves the reader."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from doj_rows import row, write
from polars.testing import assert_frame_equal

from analysis import doj, paths, pseudonym
from analysis.ingest import ValidationError

AT = dt.date(2019, 11, 11)


@pytest.fixture(autouse=True)
def _salt(monkeypatch):
    monkeypatch.setenv(paths.ID_SALT_ENV, "salt for the doj tests")


def _read(path) -> pl.DataFrame:
    return doj.read([path], compute_at=AT).collect()


ROWS = [row(), row(cnt="001001002000", offense="11357(B) HS-POSSESS", toc="M", level=""),
        row(subject="1002", cii="", name="ROE,RICHARD", dob="19800505")]


@pytest.mark.parametrize("header", ["plain", "trailing", None])
def test_every_header_variant_reads_the_same_rows(tmp_path, header):
    expected = _read(write(tmp_path / "plain.csv", ROWS, "plain"))
    got = _read(write(tmp_path / "file.csv", ROWS, header))
    assert got.height == 3
    assert_frame_equal(got, expected)


def test_several_files_read_as_one_record(tmp_path):
    one = write(tmp_path / "a.csv", ROWS[:2])
    two = write(tmp_path / "b.csv", ROWS[2:], None)
    got = doj.read([one, two], compute_at=AT).collect()
    assert got["row"].to_list() == [0, 1, 2]
    assert got["subject"].n_unique() == 2


def test_columns_are_the_95_of_the_format():
    assert len(doj.COLUMNS) == 95
    assert (doj.COLUMNS[0], doj.COLUMNS[50], doj.COLUMNS[-1]) == (
        "RECORD_ID", "CNT_ORDER", "END_OF_REC")


@pytest.mark.parametrize(("change", "fields"), [
    (lambda r: r[:-1], 94), (lambda r: [*r, "extra"], 96)])
def test_a_row_with_another_field_count_is_an_error_naming_its_line(tmp_path, change, fields):
    rows = [row(), change(row(cnt="001001002000")), row(cnt="001001003000")]
    path = write(tmp_path / "bad.csv", rows)  # the header is line 1: the bad row is line 3
    with pytest.raises(ValidationError) as caught:
        doj.read([path])
    assert [str(p) for p in caught.value.problems] == [
        f"{path}: line 3 has {fields} fields, expected 95 [field-count]"]


@pytest.mark.parametrize(("text", "rule"), [
    ("", "no-rows"), (",".join(doj.COLUMNS) + "\n", "no-rows"),
    ("RECORD_ID,NAME,DOB\n1,2,3\n", "doj-header")])
def test_an_unusable_file_is_an_error(tmp_path, text, rule):
    path = tmp_path / "unusable.csv"
    path.write_text(text)
    with pytest.raises(ValidationError) as caught:
        doj.read([path])
    assert rule in {p.rule for p in caught.value.problems}


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(ValidationError, match="no such file"):
        doj.read([tmp_path / "nope.csv"])


def test_bad_dates_are_unknown_with_one_warning_per_column(tmp_path):
    rows = [row(date="1990-01-01"), row(cnt="001001002000", date="x"),
            row(cnt="001001003000", date="19901399", dob="0"), row(cnt="001001004000", date="")]
    path = write(tmp_path / "dates.csv", rows)
    result = doj.run([path], compute_at=AT)
    warnings = sorted(str(p) for p in result.problems)
    assert warnings == [
        f"{path}, column 'PRI_DOB': 1 value(s) are not YYYYMMDD dates and were read as "
        "unknown [date-format]",
        f"{path}, column 'STP_EVENT_DATE': 3 value(s) are not YYYYMMDD dates and were "
        "read as unknown [date-format]"]
    assert _read(path)["event_date"].null_count() == 4


@pytest.mark.parametrize(("offense", "comment", "section"), [
    ("11357(C) HS-POSSESS MARIJUANA", "11359 - another section", "11357(C) HS"),
    ("SEE COMMENT FOR CHARGE", "11359(B) HS-POSSESS FOR SALE", "11359(B) HS"),
    ("  ", "11360 HS-TRANSPORT", "11360 HS"),
    ("", "", None),
    ("11359HS-INTENT SELL", "", "11359HS"),
])
def test_the_code_section_comes_from_the_description_else_the_comment(
        tmp_path, offense, comment, section):
    got = _read(write(tmp_path / "s.csv", [row(offense=offense, comment=comment)]))
    assert got["section"].to_list() == [section]


@pytest.mark.parametrize(("level", "toc", "expected"), [
    ("FELONY", "M", "felony"), ("MISDEMEANOR", "F", "misdemeanor"), ("", "F", "felony"),
    ("", "M", "misdemeanor"), ("", "I", "infraction"), ("", "", None)])
def test_the_level_is_conv_stat_else_offense_toc(tmp_path, level, toc, expected):
    got = _read(write(tmp_path / "l.csv", [row(level=level, toc=toc)]))
    assert got["level"].cast(pl.String).to_list() == [expected]


def test_identifiers_never_leave_the_reader(tmp_path):
    rows = [*ROWS, row(cnt="001002001000", crt_case="LAC 998-877")]
    got = _read(write(tmp_path / "i.csv", rows))
    assert not set(got.columns) & set(doj.COLUMNS)
    assert {"subject", "person_id", "case_id", "age"} <= set(got.columns)
    text = str(got.cast(pl.String).rows()).upper()
    assert not any(t in text for t in ("LAC", "998877", "DOE", "ROE", "A00000001"))


def _case_id(number: str) -> str:
    frame = pl.DataFrame({"n": [number]})
    return pseudonym.case_ids(frame.select(pseudonym.case_number_text("n")).to_series())[0]


def test_the_case_id_is_the_court_case_number_hashed_else_the_doj_numbering(tmp_path):
    rows = [row(crt_case="BA 123456"),
            row(cnt="001001002000"),  # the same court step, its number on another row
            row(cnt="002001001000", crt_case="ba-123456", court="CASCVAN NUYS"),
            row(cnt="003001001000", crt_case="  "),
            row(subject="1002", cnt="001001001000")]
    got = _read(write(tmp_path / "c.csv", rows))
    ids = got["case_id"].to_list()
    # spacing, case and punctuation do not matter; the number alone is hashed
    assert ids[0] == ids[1] == ids[2] == _case_id("BA123456")
    assert got["case_from_number"].to_list() == [True, True, True, False, False]
    # blank: the DOJ's own numbering, one id per subject and court step
    assert ids[3].startswith("C") and len(ids[3]) == 21
    assert len({ids[0], ids[3], ids[4]}) == 3


def test_the_case_number_is_normalised_letters_and_digits_only():
    frame = pl.DataFrame({"n": ["ｂａ 12-34", "BA1234", "  ", None, "BA.12.35"]})
    got = frame.select(pseudonym.case_number_text("n")).to_series().to_list()
    assert got == ["BA1234", "BA1234", None, None, "BA1235"]
    ids = pseudonym.case_ids(pl.Series(got))
    assert ids[0] == ids[1] != ids[4] and ids[2] is None


TWO_SUBJECTS = [row(), row(subject="1003", cnt="002001001000", name="DOE,JANE QUINN",
                           date="19950101", court="CASCVAN NUYS")]


def test_the_name_dob_person_key_ignores_the_cii(tmp_path):
    path = write(tmp_path / "k.csv", TWO_SUBJECTS)
    by_cii = doj.read([path], compute_at=AT).collect()["person_id"].to_list()
    by_name = doj.read([path], compute_at=AT, person_key="name-dob").collect()
    # one CII, two subjects with two spellings of the name: one person, or two
    assert by_cii[0] == by_cii[1]
    court = pl.DataFrame({"name": ["Doe, Jane Q", "DOE JANE QUINN"],
                          "dob": ["01/01/1970", "1970-01-01"]})
    expected = pseudonym.person_ids(court.select(pseudonym.key_text(["name", "dob"]))
                                    .to_series()).to_list()
    assert by_name["person_id"].to_list() == expected
    assert expected[0] != expected[1]
    with pytest.raises(ValueError, match="cii, name-dob"):
        doj.read([path], person_key="ssn")


def test_the_person_key_changes_no_determination(tmp_path):
    path = write(tmp_path / "k.csv", [*TWO_SUBJECTS, *ROWS[1:]])
    runs = [doj.run([path], compute_at=AT, person_key=k) for k in ("cii", "name-dob")]
    (one, other) = [r.determinations.drop("person_id") for r in runs]
    assert_frame_equal(one, other)
    summaries = [{k: v for k, v in r.summary.items() if k not in (
        "processingTimeInSeconds", "lacra")} for r in runs]
    assert summaries[0] == summaries[1]
    lacra = [r.summary["lacra"] for r in runs]
    assert [x["personKey"] for x in lacra] == ["cii", "name-dob"]
    assert [x["peopleWithProp64ConvictionInCounty"] for x in lacra] == [2, 3]
    assert lacra[0]["subjectsWithProp64ConvictionInCounty"] == 3


def test_the_person_id_is_the_cii_hashed_else_name_and_birth_date(tmp_path):
    got = _read(write(tmp_path / "p.csv", ROWS))
    keys = pl.DataFrame({"cii": ["A00000001"], "name": ["ROE,RICHARD"],
                         "dob": ["1980-05-05"]})
    by_cii = pseudonym.person_ids(keys.select(pseudonym.key_text(["cii"])).to_series())[0]
    by_name = pseudonym.person_ids(
        keys.select(pseudonym.key_text(["name", "dob"])).to_series())[0]
    assert got["person_id"].to_list() == [by_cii, by_cii, by_name]
    assert got["case_id"][0] == got["case_id"][1] != got["case_id"][2]
    assert got["case_id"][0].startswith("C") and got["subject"][0].startswith("S")


def test_age_is_taken_at_compute_at(tmp_path):
    path = write(tmp_path / "a.csv", [row(dob="19691111")])
    assert doj.read([path], compute_at=AT).collect()["age"][0] == pytest.approx(
        (AT - dt.date(1969, 11, 11)).days / 365.25)


def test_windows_line_ends_and_a_byte_order_mark_read_the_same(tmp_path):
    expected = _read(write(tmp_path / "plain.csv", ROWS))
    text = (tmp_path / "plain.csv").read_text().replace("\n", "\r\n")
    (tmp_path / "windows.csv").write_text("\ufeff" + text, newline="")
    assert_frame_equal(_read(tmp_path / "windows.csv"), expected)


def test_a_quoted_comment_may_hold_a_line_break(tmp_path):
    rows = [row(), row(cnt="001001002000", offense="SEE COMMENT FOR CHARGE",
                       comment="11359 HS-SALE\nSECOND LINE, WITH A COMMA"),
            row(cnt="001001003000")]
    got = _read(write(tmp_path / "multiline.csv", rows))
    assert got["section"].to_list() == ["11358 HS", "11359 HS", "11358 HS"]
    bad = write(tmp_path / "bad.csv", [*rows, row(cnt="001001004000")[:-1]])
    with pytest.raises(ValidationError, match="line 6 has 94 fields"):
        doj.read([bad])
