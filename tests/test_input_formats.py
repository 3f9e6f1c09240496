"""The files people have: Excel workbooks, gzipped CSV, CSV in another encoding; and the
errors naming the format when one cannot be read."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import zipfile
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from conftest import GOOD_ROW, SECOND_ROW, write_rows
from polars.testing import assert_frame_equal

from analysis import cli, paths, validate

MAPPING = Path(__file__).resolve().parents[1] / "data" / "mappings" / "court_export_example.yml"
EXAMPLE = MAPPING.parents[2] / "tests" / "data" / "court_export_example.csv"


@pytest.fixture(autouse=True)
def salt(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.ID_SALT_ENV, "salt for tests")
    monkeypatch.setattr(paths, "ID_SALT", tmp_path / "private" / "id_salt")


@pytest.fixture
def expected(tmp_path):
    return validate.read_cases(write_rows(tmp_path / "ref.csv", [GOOD_ROW, SECOND_ROW]))


def workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """An .xlsx file with ``sheets`` (name -> rows, the first the header); dates are
    written as Excel dates, numbers as numbers."""
    book = xlsxwriter.Workbook(str(path))
    date = book.add_format({"num_format": "mm/dd/yyyy"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
                elif value not in (None, ""):
                    sheet.write(r, c, value)
    book.close()
    return path


def rows_of(*rows: dict) -> list[list]:
    """Header and rows as an Excel sheet holds them: counts as numbers, dates as dates."""
    header = list(rows[0])

    def cell(key, value):
        if key == "count":
            return int(value)
        if key == "motion_date":
            return dt.date.fromisoformat(value)
        return value

    return [header, *[[cell(k, row[k]) for k in header] for row in rows]]


# --- Excel --------------------------------------------------------------------------------


def test_an_xlsx_workbook_reads_like_the_csv(tmp_path, expected):
    path = workbook(tmp_path / "cases.xlsx", {"Cases": rows_of(GOOD_ROW, SECOND_ROW)})
    assert_frame_equal(validate.read_cases(path), expected)


def test_a_workbook_is_known_by_its_content_whatever_its_name(tmp_path, expected):
    path = workbook(tmp_path / "cases.xlsx", {"Cases": rows_of(GOOD_ROW, SECOND_ROW)})
    renamed = path.rename(tmp_path / "cases.dat")
    assert_frame_equal(validate.read_cases(renamed), expected)


def test_a_workbook_of_several_sheets_needs_one_named(tmp_path, expected):
    sheets = {"Notes": [["read me"]], "Cases": rows_of(GOOD_ROW, SECOND_ROW),
              "Lookup": [["code", "meaning"]]}
    path = workbook(tmp_path / "cases.xlsx", sheets)
    problem = validate.check(path).problems[0]
    assert problem.rule == "format"
    assert "an .xlsx workbook with 3 sheets ('Notes', 'Cases', 'Lookup')" in problem.message
    assert "--sheet" in problem.message
    assert_frame_equal(validate.read_cases(path, sheet="Cases"), expected)
    missing = validate.check(path, sheet="cases").problems[0]
    assert "no sheet 'cases'" in missing.message and "'Cases'" in missing.message


def test_a_blank_row_in_a_sheet_keeps_the_row_numbers(tmp_path):
    sheet = rows_of(GOOD_ROW, SECOND_ROW)
    sheet.insert(2, [""] * len(sheet[0]))
    sheet[3][sheet[0].index("charge_level")] = "wobbler"
    path = workbook(tmp_path / "cases.xlsx", {"Cases": sheet})
    problem = validate.check(path).problems[0]
    assert (problem.row, problem.column, problem.rule) == (3, "charge_level", "unknown-level")


def test_an_excel_court_export_through_the_mapping_and_its_sheet_key(tmp_path):
    frame = pl.read_csv(EXAMPLE, infer_schema=False)
    sheet = [frame.columns, *[list(r) for r in frame.iter_rows()]]
    path = workbook(tmp_path / "export.xlsx", {"Summary": [["total", 30]], "Charges": sheet})
    mapping = tmp_path / "m.yml"
    mapping.write_text(MAPPING.read_text() + "\nsheet: Charges\n")
    from_excel = validate.read_cases(path, mapping=mapping)
    assert_frame_equal(from_excel, validate.read_cases(EXAMPLE, mapping=MAPPING))


@pytest.mark.parametrize(("content", "phrase"), [
    (b"PK\x03\x04 not really a zip", "workbook that cannot be read"),
    (None, "a zip archive that is not an Excel workbook"),
])
def test_broken_workbooks_and_other_zips_name_the_format(tmp_path, content, phrase):
    path = tmp_path / ("cases.xlsx" if content else "cases.zip")
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("cases.csv", "a,b\n1,2\n")
    else:
        path.write_bytes(content)
    problem = validate.check(path).problems[0]
    assert problem.rule == "format" and phrase in problem.message


def test_an_empty_sheet(tmp_path):
    path = workbook(tmp_path / "cases.xlsx", {"Cases": []})
    problem = validate.check(path).problems[0]
    assert problem.rule == "empty" and "sheet 'Cases' is empty" in problem.message


# --- gzip and encodings ----------------------------------------------------------------------


def gzipped(source: Path, target: Path) -> Path:
    target.write_bytes(gzip.compress(source.read_bytes()))
    return target


def test_a_gzipped_csv_reads_like_the_csv(tmp_path, expected):
    plain = write_rows(tmp_path / "cases.csv", [GOOD_ROW, SECOND_ROW])
    assert_frame_equal(validate.read_cases(gzipped(plain, tmp_path / "cases.csv.gz")), expected)
    # known by its magic bytes, not its name; members one after another are all read
    (tmp_path / "two.bin").write_bytes(gzip.compress(plain.read_bytes()[:200])
                                       + gzip.compress(plain.read_bytes()[200:]))
    assert_frame_equal(validate.read_cases(tmp_path / "two.bin"), expected)


def test_a_gzipped_latin1_csv_with_its_encoding(tmp_path):
    row = GOOD_ROW | {"court_location": "Cañada courthouse"}
    plain = write_rows(tmp_path / "in.csv", [row], encoding="latin-1")
    path = gzipped(plain, tmp_path / "in.csv.gz")
    assert "not UTF-8" in str(validate.check(path).problems[0])
    assert validate.read_cases(path, encoding="latin-1")["court_location"][0] == (
        "Cañada courthouse")


@pytest.mark.parametrize(("content", "rule", "phrase"), [
    (gzip.compress(b"\x00\x01\x02\x03binary" * 10), "format",
     "gzip file whose content is not CSV"),
    (gzip.compress(b"PAR1 parquet inside"), "format", "gzip file whose content is not CSV"),
    (gzip.compress(b"a,b\n1,2\n")[:-12], "format", "gzip file that cannot be decompressed"),
    (gzip.compress(b"  \n"), "empty", "gzip file whose content is empty"),
])
def test_bad_gzip_files_name_the_format(tmp_path, content, rule, phrase):
    path = tmp_path / "cases.csv.gz"
    path.write_bytes(content)
    problem = validate.check(path).problems[0]
    assert problem.rule == rule and phrase in problem.message


def test_binary_content_names_the_formats_accepted(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes(b"\x00\x01\x02binary")
    message = validate.check(path).problems[0].message
    assert ".csv.gz" in message and "Excel" in message


def test_cli_reads_a_workbook_sheet_and_an_encoding(tmp_path, capsys):
    path = workbook(tmp_path / "cases.xlsx", {"A": [["x"]], "B": rows_of(GOOD_ROW)})
    assert cli.main(["validate", str(path)]) == 1
    assert "2 sheets" in capsys.readouterr().err
    assert cli.main(["validate", str(path), "--sheet", "B"]) == 0
    latin = write_rows(tmp_path / "in.csv", [GOOD_ROW | {"court_location": "Cañada"}],
                       encoding="latin-1")
    assert cli.main(["validate", str(gzipped(latin, tmp_path / "in.csv.gz")),
                     "--encoding", "latin-1"]) == 0
    assert "1 rows valid" in capsys.readouterr().out


def test_polars_can_read_what_the_tests_write(tmp_path):
    """The workbooks above are real ones: polars' own reader sees their cells."""
    path = workbook(tmp_path / "w.xlsx", {"S": [["a", "b"], [1, dt.date(1994, 3, 15)]]})
    frame = pl.read_excel(io.BytesIO(path.read_bytes()), engine="calamine")
    assert frame.columns == ["a", "b"] and frame.height == 1
