"""Property-based bad-input suite for the validator and every case loader.

Inputs start from real-shaped rows (the messy-but-valid rows of ``conftest`` and rows of
the synthetic dataset, as ``analysis synth`` writes them) and are mutated: wrong types,
missing, extra and renamed columns, other encodings and byte-order marks, delimiters
and line endings, truncation at random byte offsets, duplicated keys, malformed and
out-of-range dates, unknown codes, absurd values, garbage bytes and Parquet columns of
the wrong type.

Every input must end in exactly one of two ways: a clean frame in the canonical schema,
or a report whose problems each name the file and, for a row, the row and the column.
Never an uncaught exception, never a file created or changed beside the input, and the
command line exits 0 or 1 without a traceback.

Runs are bounded and derandomized (no example database), so the suite gives the same
result on every machine; set ``LACRA_FUZZ=10`` to multiply the examples for a deeper,
randomized local run.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from conftest import GOOD_ROW, SECOND_ROW, write_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from analysis import arrests, cli, data, ingest, schema, validate

FUZZ = int(os.environ.get("LACRA_FUZZ", "1"))


def bounded(examples: int) -> settings:
    """Hypothesis settings for this suite: bounded, no deadline, reproducible."""
    return settings(
        max_examples=examples * FUZZ,
        deadline=None,
        derandomize=FUZZ == 1,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.filter_too_much],
    )


# --- real-shaped rows ---------------------------------------------------------------------


def _as_text_rows(frame: pl.DataFrame) -> list[dict[str, str]]:
    """Rows of a typed frame as a CSV written by ``analysis synth`` carries them."""
    text = frame.write_csv()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def pool(synthetic) -> list[dict[str, str]]:
    """Valid rows with distinct keys: the conftest rows and a spread of synthetic rows
    (both motions, every level, a city with an accented name, rows with and without a
    courthouse)."""
    picks = pl.concat([
        synthetic.filter(pl.col("batch") == b, pl.col("charge_level") == lvl).head(3)
        for b in schema.BATCHES for lvl in ("felony", "misdemeanor")
    ] + [synthetic.filter(pl.col("jurisdiction") == "La Cañada Flintridge").head(2),
         synthetic.filter(pl.col("court_location").is_not_null()).head(2)])
    rows = [dict(GOOD_ROW), dict(SECOND_ROW)] + _as_text_rows(picks.unique(
        subset=list(schema.KEY), keep="first", maintain_order=True))
    keys = [(r["batch"], r["case_id"], r["count"]) for r in rows]
    assert len(set(keys)) == len(keys)
    return rows


# Values that break the rules of one column, each certain to be reported on that column
# whatever the rest of its row says.
INVALID = {
    "case_id": ["", "  ", "has space", "<script>", "x" * 65, "ab\x1bc", "-leading", "é1"],
    "person_id": ["", "P 1", "../../etc", "y" * 80, "\u202eP1"],
    "count": ["one", "0", "-1", "1000", "1.5", "NaN", "inf", "-inf", "9" * 40, "1e3",
              "0x10", "", "1,0"],
    "batch": ["2019", "feb2019", "", "x" * 300, "NULL"],
    "motion_date": ["2020-02-30", "2020-13-01", "0000-00-00", "", "yesterday", "20200213",
                    "2017-05-01", "9999-12-31", "13/02/2020", "NaN"],
    "conviction_date": ["1994-02-30", "1850-01-01", "9999-12-31", "", "31/12/1999",
                        "inf", "1e9"],
    "found_in_doj": ["maybe", "", "2", "nan", "oui"],
    "found_in_court": ["maybe", "", "-1", "TRUE!"],
    "hs_section": ["11550", "HS 1135", "113577", "", "11357.5", "PC 484", "inf"],
    "hs_subsection": ["z" * 21, "a\x00b", "b\x07", "\u202ea"],
    "offense_type": ["arson", "possession!", "0"],
    "charge_level": ["wobbler", "", "felonyy", "1e10"],
    "jurisdiction": ["San Diego", "", "Los Angeles Countyy", "x" * 1000],
    "prosecuting_agency": ["Sheriff", "", "City Attorney of Nowhere"],
    "court_location": ["c" * 201, "Compton\x1b[31m Courthouse", "a\x7fb", "line\u2028sep",
                       "Court\u202ehouse"],
    "race_ethnicity": ["Martian", "", "9"],
    "relief_granted": ["pardoned", "", "dismissed!"],
}

# Values of every other kind: any of them may or may not be valid in a given column.
NASTY = st.one_of(
    st.sampled_from([
        "", " ", "NaN", "nan", "inf", "-inf", "Infinity", "1e309", "9" * 40, "-1", "0",
        "1.5", "null", "NULL", "None", "N/A", "#VALUE!", "true", "False", "2020-02-30",
        "0000-00-00", "9999-12-31", "+002020-02-13", "2020-02-13T25:61:00", "2/13/20",
        "HS 11359(b)", "§ 11360(a)(1)", "x" * 5000, "\x1b[31mred", "a\x07b", "\r", "\n",
        "line\nbreak", '"', '""', "'", ",", ";", "\t", "|", "\u202e", "\ufeff", "é",
        "日本", "😀", "\x00", "\ud7ff", "Hispanic", "DA", "Unincorporated", "M",
    ]),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.dates(min_value=dt.date(1, 1, 1)).map(str),
)

EXTRA_COLUMNS = ["defendant_name", "date_of_birth", "notes", "address", "Unnamed: 0", "",
                 " ", "x" * 300, "_row", "_p_count", "__index_level_0__"]

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "latin-1",
             "cp1252", "shift_jis"]
SEPARATORS = [",", ";", "\t", "|"]
LINE_ENDINGS = ["\n", "\r\n", "\r"]


@st.composite
def dialects(draw) -> dict:
    """How a file is written: separator, quoting, line ending, encoding, BOM."""
    encoding = draw(st.sampled_from(ENCODINGS))
    return {
        "sep": draw(st.sampled_from(SEPARATORS)),
        "quoting": draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
        "newline": draw(st.sampled_from(LINE_ENDINGS)),
        "encoding": encoding,
        # a BOM the codec does not add by itself
        "bom": encoding in ("utf-16-le", "utf-16-be") and draw(st.booleans()),
    }


def encode_rows(header: list[str], rows: list[list[str]], d: dict, *,
                errors: str = "replace") -> bytes:
    """CSV bytes for ``rows`` in dialect ``d`` (by default, characters the codec lacks
    become '?')."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=d["sep"], quoting=d["quoting"],
                        lineterminator=d["newline"])
    writer.writerow(header)
    writer.writerows(rows)
    text = ("\ufeff" if d["bom"] else "") + buffer.getvalue()
    return text.encode(d["encoding"], errors=errors)


def encode_exactly(header: list[str], rows: list[list[str]], d: dict) -> tuple[bytes, dict]:
    """CSV bytes holding exactly ``rows``: in dialect ``d``, or in UTF-8 when its
    encoding cannot represent them (Shift-JIS has no 'ñ'); and the dialect used."""
    try:
        return encode_rows(header, rows, d, errors="strict"), d
    except UnicodeEncodeError:
        d = d | {"encoding": "utf-8", "bom": False}
        return encode_rows(header, rows, d, errors="strict"), d


def explicit_encoding(d: dict) -> str | None:
    """The --encoding a user must pass for a file in dialect ``d`` (None: detected)."""
    return d["encoding"] if d["encoding"] in ("latin-1", "cp1252", "shift_jis") else None


# --- the invariant -------------------------------------------------------------------------


def _snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes() if p.is_file()
                                         else b"")
            for p in sorted(folder.rglob("*"))}


def _data_rows(path: Path, encoding: str | None) -> int | None:
    try:
        return validate.read_raw(path, encoding=encoding).height
    except ingest.ValidationError:
        return None


def assert_clean_or_reported(path: Path, *, encoding: str | None = None,
                             max_errors: int = ingest.MAX_ERRORS,
                             cli_too: bool = True) -> ingest.Report:
    """Check ``path`` through every entry point; assert the one-of-two outcome."""
    before = _snapshot(path.parent)
    report = validate.check(path, encoding=encoding, max_errors=max_errors)
    assert report.file == str(path)
    if report.ok:
        frame = report.frame
        assert frame is not None and report.total == 0 and not report.problems
        assert frame.schema == schema.SCHEMA and frame.height > 0
        assert frame.select(schema.REQUIRED).null_count().sum_horizontal().item() == 0
        assert not frame.select(schema.KEY).is_duplicated().any()
    else:
        assert report.frame is None and report.problems
        assert report.total >= len(report.problems)
        assert len(report.problems) <= max(1, max_errors)
        height = _data_rows(path, encoding)
        for problem in report.problems:
            text = str(problem)
            assert problem.file == str(path) and text.startswith(str(path))
            assert f"[{problem.rule}]" in text and problem.message
            assert "\n" not in text and "\r" not in text, text  # one line per problem
            if problem.row is not None:
                assert problem.row >= 1 and f"row {problem.row}" in text
                if height is not None:
                    assert problem.row <= height
                    assert problem.column in schema.COLUMNS, text
            if problem.column is not None:
                assert f"column '{problem.column}'" in text

    # read_cases and load_cases agree with check, raising only ValidationError
    for load in (validate.read_cases, data.load_cases):
        try:
            frame = load(path, encoding=encoding)
        except ingest.ValidationError as exc:
            assert not report.ok and str(path) in str(exc)
        else:
            assert report.ok
            assert_frame_equal(frame, report.frame)

    if cli_too:
        args = ["validate", str(path), "--max-errors", str(max(1, max_errors))]
        args += ["--encoding", encoding] if encoding else []
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(args)
        assert code == (0 if report.ok else 1)
        assert "Traceback" not in err.getvalue()
        if not report.ok:
            assert "nothing was written" in err.getvalue()
    assert _snapshot(path.parent) == before, "the validator changed its folder"
    return report


@contextlib.contextmanager
def input_file(content: bytes, name: str = "cases.csv"):
    """A fresh folder holding one input file."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        yield path


def reference_frame(rows: list[dict[str, str]]) -> pl.DataFrame:
    """The typed frame of ``rows`` read the plain way: UTF-8, commas, canonical header."""
    with tempfile.TemporaryDirectory() as folder:
        return validate.read_cases(write_rows(Path(folder) / "ref.csv", rows))


# --- properties ----------------------------------------------------------------------------


@bounded(80)
@given(data=st.data())
def test_valid_rows_read_the_same_in_any_dialect(pool, data):
    """Separator, quoting, line ending, encoding, BOM, header spelling, column order and
    extra columns change nothing in the frame a valid file gives."""
    rows = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=6,
                              unique_by=lambda r: (r["batch"], r["case_id"], r["count"])))
    d = data.draw(dialects())
    columns = data.draw(st.permutations(list(schema.COLUMNS)))
    spellings = {c: data.draw(st.sampled_from([c, c.upper(), f" {c.title()} ",
                                               c.replace("_", " ")])) for c in columns}
    extras = data.draw(st.lists(st.sampled_from(EXTRA_COLUMNS[:4]), unique=True, max_size=3))
    header = [spellings[c] for c in columns] + extras
    body = [[r[c] for c in columns] + [f"free text {i}" for i, _ in enumerate(extras)]
            for r in rows]
    content, d = encode_exactly(header, body, d)
    with input_file(content) as path:
        report = assert_clean_or_reported(path, encoding=explicit_encoding(d))
        assert report.ok, [str(p) for p in report.problems]
        assert_frame_equal(report.frame, reference_frame(rows))
        assert bool(report.warnings) == bool(extras)


@bounded(150)
@given(data=st.data())
def test_invalid_value_is_reported_at_its_row_and_column(pool, data):
    """A value certain to break its column's rules is reported at that row and column,
    whatever else is wrong in the file."""
    rows = [dict(r) for r in data.draw(st.lists(st.sampled_from(pool), min_size=1,
                                                max_size=5))]
    row = data.draw(st.integers(0, len(rows) - 1))
    column = data.draw(st.sampled_from(sorted(INVALID)))
    rows[row][column] = data.draw(st.sampled_from(INVALID[column]))
    for _ in range(data.draw(st.integers(0, 3))):  # noise elsewhere
        rows[data.draw(st.integers(0, len(rows) - 1))][
            data.draw(st.sampled_from(schema.COLUMNS))] = data.draw(NASTY)
    rows[row][column] = data.draw(st.sampled_from(INVALID[column]))
    d = data.draw(dialects()) | {"encoding": "utf-8", "bom": False}
    header = list(schema.COLUMNS)
    with input_file(encode_rows(header, [[r[c] for c in header] for r in rows], d)) as path:
        report = assert_clean_or_reported(path, max_errors=10_000)
        assert not report.ok
        if not any(p.row is None for p in report.problems):  # the file itself was readable
            assert any((p.row, p.column) == (row + 1, column) for p in report.problems), (
                rows[row][column], [str(p) for p in report.problems])


@bounded(150)
@given(data=st.data())
def test_mutated_files_are_clean_or_reported(pool, data):
    """Any mix of nasty values, dropped, duplicated, renamed and extra columns, duplicated
    rows, dialects and encodings: a clean frame or a report, never anything else."""
    rows = [dict(r) for r in data.draw(st.lists(st.sampled_from(pool), min_size=1,
                                                max_size=6))]
    for _ in range(data.draw(st.integers(0, 6))):
        rows[data.draw(st.integers(0, len(rows) - 1))][
            data.draw(st.sampled_from(schema.COLUMNS))] = data.draw(NASTY)
    columns = list(schema.COLUMNS)
    dropped = data.draw(st.lists(st.sampled_from(columns), unique=True, max_size=3))
    columns = [c for c in columns if c not in dropped or data.draw(st.booleans())]
    header = list(columns)
    if data.draw(st.booleans()):  # a repeated or clashing column
        i = data.draw(st.integers(0, len(header) - 1))
        header.append(data.draw(st.sampled_from([header[i], header[i].upper(), "case_number",
                                                 "level", "race"])))
        columns.append(columns[i])
    extras = data.draw(st.lists(st.sampled_from(EXTRA_COLUMNS) | st.text(max_size=10),
                                max_size=3))
    header += extras
    body = [[r[c] for c in columns] + [data.draw(NASTY) for _ in extras] for r in rows]
    d = data.draw(dialects())
    encoding = data.draw(st.sampled_from([None, explicit_encoding(d), "utf-8", "latin-1"]))
    with input_file(encode_rows(header, body, d)) as path:
        assert_clean_or_reported(path, encoding=encoding)


@bounded(60)
@given(data=st.data())
def test_missing_required_columns_are_named(pool, data):
    rows = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4))
    required = [c for c in schema.REQUIRED if c not in validate.OPTIONAL]
    dropped = data.draw(st.lists(st.sampled_from(required), min_size=1, unique=True))
    header = [c for c in schema.COLUMNS if c not in dropped]
    with input_file(encode_rows(header, [[r[c] for c in header] for r in rows],
                                data.draw(dialects()) | {"encoding": "utf-8"})) as path:
        report = assert_clean_or_reported(path)
        assert {(p.rule, p.column) for p in report.problems} == {
            ("required-column", c) for c in dropped}


@bounded(60)
@given(data=st.data())
def test_duplicated_keys_are_reported_at_the_later_row(pool, data):
    rows = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4,
                              unique_by=lambda r: (r["batch"], r["case_id"], r["count"])))
    copied = data.draw(st.integers(0, len(rows) - 1))
    at = data.draw(st.integers(copied + 1, len(rows)))
    twin = rows[copied] | {"person_id": "ZZ-9", "conviction_date": rows[copied][
        "conviction_date"]}
    rows = rows[:at] + [twin] + rows[at:]
    header = list(schema.COLUMNS)
    d = data.draw(dialects()) | {"encoding": "utf-8", "bom": False}
    with input_file(encode_rows(header, [[r[c] for c in header] for r in rows], d)) as path:
        report = assert_clean_or_reported(path)
        dupes = [p for p in report.problems if p.rule == "duplicate-key"]
        assert [(p.row, p.column) for p in dupes] == [(at + 1, "case_id")]
        assert f"repeat row {copied + 1}" in dupes[0].message


@bounded(100)
@given(data=st.data())
def test_truncated_files_are_clean_prefixes_or_reported(pool, data):
    """A file cut at any byte: an error, or the rows before the cut (the last row may be
    cut inside a value that is still valid, so only the earlier rows are compared)."""
    rows = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=6,
                              unique_by=lambda r: (r["batch"], r["case_id"], r["count"])))
    d = data.draw(dialects())
    header = list(schema.COLUMNS)
    content, d = encode_exactly(header, [[r[c] for c in header] for r in rows], d)
    cut = data.draw(st.integers(0, len(content) - 1))
    with input_file(content[:cut]) as path:
        report = assert_clean_or_reported(path, encoding=explicit_encoding(d))
        if report.ok:
            full = reference_frame(rows)
            kept = report.frame.height
            assert kept <= full.height
            assert_frame_equal(report.frame.head(kept - 1), full.head(kept - 1))


@bounded(100)
@given(data=st.data())
def test_corrupted_bytes_are_clean_or_reported(pool, data):
    """Random bytes, or a valid file with bytes flipped, inserted or deleted."""
    if data.draw(st.booleans()):
        content = data.draw(st.binary(max_size=400))
    else:
        rows = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3))
        header = list(schema.COLUMNS)
        content = bytearray(encode_rows(header, [[r[c] for c in header] for r in rows],
                                        data.draw(dialects())))
        for _ in range(data.draw(st.integers(1, 5))):
            at = data.draw(st.integers(0, len(content) - 1))
            action = data.draw(st.sampled_from(["flip", "insert", "delete"]))
            if action == "flip":
                content[at] = data.draw(st.integers(0, 255))
            elif action == "insert":
                content[at:at] = data.draw(st.binary(min_size=1, max_size=8))
            else:
                del content[at]
        content = bytes(content)
    name = data.draw(st.sampled_from(["cases.csv", "cases.txt", "cases.parquet", "cases"]))
    with input_file(content, name) as path:
        assert_clean_or_reported(path, encoding=data.draw(st.sampled_from(
            [None, "utf-8", "latin-1", "utf-16", "shift_jis", "utf-7", "punycode", "idna",
             "unicode_escape", "rot13", "base64", "no-such-codec"])))


@bounded(60)
@given(d=dialects(), blank=st.sampled_from(["", " ", "\n", "\r\n\r\n", "\t \n"]),
       header_only=st.booleans())
def test_empty_and_header_only_files_say_so(d, blank, header_only):
    header = ",".join(schema.COLUMNS).replace(",", d["sep"]) + d["newline"] if header_only \
        else ""
    content = (("\ufeff" if d["bom"] else "") + header + blank).encode(d["encoding"])
    with input_file(content) as path:
        report = assert_clean_or_reported(path, encoding=explicit_encoding(d))
        assert [p.rule for p in report.problems] == ["empty"]
        assert ("no data rows" in report.problems[0].message) == header_only


# Parquet columns of the wrong type: name -> a column of 3 values.
WRONG_TYPES = {
    "int": pl.Series([1, -5, 2**40], dtype=pl.Int64),
    "uint": pl.Series([2**63, 0, 1], dtype=pl.UInt64),
    "float": pl.Series([1.5, float("nan"), float("inf")]),
    "whole float": pl.Series([1.0, 2.0, 3.0]),
    "bool": pl.Series([True, False, None]),
    "date": pl.Series([dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(2000, 1, 1)]),
    "datetime": pl.Series([dt.datetime(1994, 3, 14, 5, 6), None, dt.datetime(1970, 1, 1)]),
    "zoned datetime": pl.Series([dt.datetime(1994, 3, 14, 5, 6)] * 3).dt.replace_time_zone(
        "America/Los_Angeles"),
    "duration": pl.Series([dt.timedelta(days=1)] * 3),
    "time": pl.Series([dt.time(1, 2)] * 3),
    "binary": pl.Series([b"\xff\x00", b"ok", b""]),
    "list": pl.Series([[1, 2], [], None]),
    "array": pl.Series([[1, 2]] * 3, dtype=pl.Array(pl.Int64, 2)),
    "struct": pl.Series([{"a": 1}, {"a": None}, None]),
    "null": pl.Series([None, None, None], dtype=pl.Null),
    "categorical": pl.Series(["felony", "x", None], dtype=pl.Categorical),
    "decimal": pl.Series([Decimal("1.00"), Decimal("2.50"), None], dtype=pl.Decimal(10, 2)),
    "long text": pl.Series(["x" * 10_000, "\x00\x1b", ""]),
}


@bounded(120)
@given(data=st.data())
def test_parquet_with_wrong_column_types_is_clean_or_reported(pool, data):
    rows = data.draw(st.lists(st.sampled_from(pool), min_size=3, max_size=3,
                              unique_by=lambda r: (r["batch"], r["case_id"], r["count"])))
    frame = reference_frame(rows)
    for _ in range(data.draw(st.integers(1, 3))):
        column = data.draw(st.sampled_from(schema.COLUMNS))
        kind = data.draw(st.sampled_from(sorted(WRONG_TYPES)))
        frame = frame.with_columns(WRONG_TYPES[kind].alias(column))
    if data.draw(st.booleans()):
        frame = frame.drop(data.draw(st.sampled_from(schema.COLUMNS)))
    if data.draw(st.booleans()):
        frame = frame.with_columns(WRONG_TYPES[data.draw(st.sampled_from(
            sorted(WRONG_TYPES)))].alias("defendant_name"))
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    with input_file(buffer.getvalue(), "cases.parquet") as path:
        report = assert_clean_or_reported(path)
        nested = [c for c, t in frame.schema.items() if c in schema.COLUMNS
                  and (t.is_nested() or t in (pl.Binary, pl.Duration))]
        for column in nested:
            assert any(p.column == column and p.rule == "type" for p in report.problems), (
                column, [str(p) for p in report.problems])


@bounded(60)
@given(data=st.data(), max_errors=st.integers(-3, 60))
def test_any_error_cap_still_rejects_bad_files(pool, data, max_errors):
    """However few problems are listed, a file with any problem is never accepted."""
    rows = [dict(r) for r in data.draw(st.lists(st.sampled_from(pool), min_size=1,
                                                max_size=4))]
    column = data.draw(st.sampled_from(sorted(INVALID)))
    rows[0][column] = data.draw(st.sampled_from(INVALID[column]))
    with tempfile.TemporaryDirectory() as folder:
        path = write_rows(Path(folder) / "bad.csv", rows)
        report = assert_clean_or_reported(path, max_errors=max_errors)
        assert not report.ok and report.total >= 1


@bounded(80)
@given(data=st.data())
def test_check_frame_takes_any_frame(pool, data):
    """The frame-level entry point (for callers that read data themselves): columns of
    any type and any name, including the validator's own working names."""
    rows = data.draw(st.lists(st.sampled_from(pool), min_size=3, max_size=3))
    frame = pl.DataFrame(rows)
    for _ in range(data.draw(st.integers(0, 3))):
        frame = frame.with_columns(WRONG_TYPES[data.draw(st.sampled_from(sorted(
            WRONG_TYPES)))].alias(data.draw(st.sampled_from(
                [*schema.COLUMNS, "_row", "_p_count", "_rule0", "notes"]))))
    report = validate.check_frame(frame, "frame")
    if report.ok:
        assert report.frame.schema == schema.SCHEMA and report.frame.height == 3
    else:
        assert report.frame is None and report.problems
        assert all(p.file == "frame" and "\n" not in str(p) for p in report.problems)
        assert all(p.column in schema.COLUMNS for p in report.problems if p.row is not None)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_one_problem(tmp_path):
    path = write_rows(tmp_path / "locked.csv", [GOOD_ROW])
    path.chmod(0)
    try:
        problem = validate.check(path).problems[0]
    finally:
        path.chmod(0o644)
    assert problem.rule == "file" and "cannot be read" in problem.message


def test_read_raw_gives_text_columns_or_a_validation_error(pool):
    """The lowest loader: every column text, names canonical."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_rows(Path(folder) / "in.csv", [pool[0] | {"Defendant Name": "Jane"}])
        raw = validate.read_raw(path)
        assert set(raw.schema.dtypes()) == {pl.String}
        assert "defendant_name" in raw.columns and "case_id" in raw.columns


# --- specific regressions the properties found --------------------------------------------


def test_zero_error_cap_does_not_accept_a_bad_file(tmp_path):
    path = write_rows(tmp_path / "bad.csv", [GOOD_ROW | {"count": "one"}])
    report = validate.check(path, max_errors=0)
    assert not report.ok and report.frame is None and report.total == 1
    with pytest.raises(ingest.ValidationError):
        validate.read_cases(path, max_errors=0)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected_or_read_when_named(tmp_path, encoding):
    rows = [GOOD_ROW, SECOND_ROW | {"court_location": "La Cañada courthouse"}]
    path = write_rows(tmp_path / "in.csv", rows, encoding=encoding)
    expected = reference_frame(rows)
    assert_frame_equal(validate.read_cases(path), expected)
    assert_frame_equal(validate.read_cases(path, encoding=encoding), expected)


def test_shift_jis_needs_its_encoding_named(tmp_path):
    rows = [GOOD_ROW | {"court_location": "東京 courthouse"}]
    path = write_rows(tmp_path / "in.csv", rows, encoding="shift_jis")
    problem = validate.check(path).problems[0]
    assert problem.rule == "encoding" and "--encoding" in problem.message
    assert validate.read_cases(path, encoding="shift_jis")["court_location"][0] == (
        "東京 courthouse")


def test_control_characters_in_free_text_are_rejected(tmp_path):
    path = write_rows(tmp_path / "in.csv", [GOOD_ROW | {"court_location": "Comp\x1b[2Jton"}])
    problem = validate.check(path).problems[0]
    assert (problem.rule, problem.row, problem.column) == (
        "control-character", 1, "court_location")
    assert "\x1b" not in str(problem)  # shown escaped, never sent to the terminal


def test_old_mac_line_endings_are_read(tmp_path):
    path = write_rows(tmp_path / "in.csv", [GOOD_ROW, SECOND_ROW])
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\r"))
    assert validate.read_cases(path).height == 2


@pytest.mark.parametrize("kind", ["list", "struct", "binary", "duration", "array"])
def test_parquet_nested_column_names_the_column(tmp_path, kind):
    frame = reference_frame([GOOD_ROW, SECOND_ROW, GOOD_ROW | {"case_id": "Z9"}])
    frame.with_columns(WRONG_TYPES[kind].alias("court_location")).write_parquet(
        tmp_path / "x.parquet")
    problems = validate.check(tmp_path / "x.parquet").problems
    assert [(p.rule, p.column) for p in problems] == [("type", "court_location")]


def test_cli_rejects_a_non_positive_error_cap(tmp_path, capsys):
    path = write_rows(tmp_path / "ok.csv", [GOOD_ROW])
    with pytest.raises(SystemExit) as exit_:
        cli.main(["validate", str(path), "--max-errors", "0"])
    assert exit_.value.code == 2 and "at least 1" in capsys.readouterr().err


# --- the command line in a separate process ------------------------------------------------


NASTY_FILES = {
    "garbage.csv": bytes(range(256)) * 4,
    "utf16-no-bom.csv": (",".join(GOOD_ROW) + "\n" + ",".join(GOOD_ROW.values()) + "\n"
                         ).encode("utf-16-be"),
    "truncated.parquet": b"PAR1\x15\x04\x15",
    "header-only.csv": ",".join(GOOD_ROW).encode() + b"\n",
    "bom-only.csv": b"\xef\xbb\xbf",
    "nested.parquet": None,  # written by the test
    "escape.csv": (",".join(GOOD_ROW) + "\n" + ",".join(GOOD_ROW.values()).replace(
        "Compton Courthouse", "\x1b]0;pwned\x07") + "\n").encode(),
}


@pytest.mark.parametrize("name", sorted(NASTY_FILES))
def test_cli_process_exits_cleanly_on_nasty_files(tmp_path, name):
    path = tmp_path / name
    if NASTY_FILES[name] is None:
        reference_frame([GOOD_ROW]).with_columns(WRONG_TYPES["struct"].head(1).alias(
            "count")).write_parquet(path)
    else:
        path.write_bytes(NASTY_FILES[name])
    before = _snapshot(tmp_path)
    done = subprocess.run([sys.executable, "-m", "analysis", "validate", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr and "\x1b" not in done.stderr
    if name != "utf16-no-bom.csv":
        assert done.returncode == 1 and "nothing was written" in done.stderr
    assert _snapshot(tmp_path) == before


# --- the arrest-extract loader -------------------------------------------------------------

LAPD_HEADER = ["reportid", "age", "race", "type", "charge", "year", "sex"]


@pytest.fixture(scope="module")
def lapd() -> tuple[arrests.Mapping, list[list[str]]]:
    """The shipped LAPD mapping and rows shaped like its extract, one per code."""
    mapping = arrests.load_mapping()
    codes = mapping.codes
    rows = []
    for i, (race, level, charge) in enumerate(zip(
            list(codes["race_ethnicity"]) * 3, list(codes["charge_level"]) * 5,
            list(codes["charge"]) * 3, strict=False)):
        rows.append([str(100411412 + i), str(18 + 3 * i), race, level, charge,
                     str(2010 + i % 10), ("Male", "Female")[i % 2]])
    return mapping, rows


def assert_arrests_clean_or_reported(path: Path, mapping: arrests.Mapping, *,
                                     encoding: str | None = None,
                                     max_errors: int = ingest.MAX_ERRORS) -> bool:
    """The arrest loader's one-of-two outcome; True when the extract was accepted."""
    before = _snapshot(path.parent)
    try:
        frame = arrests.read_arrests(path, mapping, encoding=encoding, max_errors=max_errors)
    except ingest.ValidationError as exc:
        accepted = False
        assert exc.problems and exc.total >= len(exc.problems)
        assert len(exc.problems) <= max(1, max_errors)
        for problem in exc.problems:
            text = str(problem)
            assert problem.file == str(path) and f"[{problem.rule}]" in text
            assert "\n" not in text and "\r" not in text, text
            if problem.row is not None:
                assert problem.row >= 1 and problem.column in mapping.columns.values()
    else:
        accepted = True
        assert frame.schema == arrests.SCHEMA and frame.height > 0
        assert frame.null_count().sum_horizontal().item() == 0
    out, err = io.StringIO(), io.StringIO()
    args = ["arrests", str(path), "--mapping", str(mapping.path),
            "--max-errors", str(max(1, max_errors))] + (["--encoding", encoding]
                                                       if encoding else [])
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(args)
    assert code == (0 if accepted else 1) and "Traceback" not in err.getvalue()
    assert _snapshot(path.parent) == before
    return accepted


@bounded(80)
@given(data=st.data())
def test_arrest_extracts_read_the_same_in_any_dialect(lapd, data):
    mapping, pool = lapd
    rows = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=6))
    order = data.draw(st.permutations(range(len(LAPD_HEADER))))
    content, d = encode_exactly([LAPD_HEADER[i] for i in order],
                                [[r[i] for i in order] for r in rows], data.draw(dialects()))
    with input_file(content) as path:
        assert assert_arrests_clean_or_reported(path, mapping, encoding=explicit_encoding(d))
        frame = arrests.read_arrests(path, mapping, encoding=explicit_encoding(d))
        assert frame["year"].to_list() == [int(r[5]) for r in rows]


@bounded(150)
@given(data=st.data())
def test_mutated_arrest_extracts_are_clean_or_reported(lapd, data):
    mapping, pool = lapd
    rows = [list(r) for r in data.draw(st.lists(st.sampled_from(pool), min_size=1,
                                                max_size=6))]
    for _ in range(data.draw(st.integers(0, 5))):
        rows[data.draw(st.integers(0, len(rows) - 1))][
            data.draw(st.integers(0, len(LAPD_HEADER) - 1))] = data.draw(NASTY)
    header = list(LAPD_HEADER)
    if data.draw(st.booleans()):  # drop, repeat or add a column
        i = data.draw(st.integers(0, len(header) - 1))
        action = data.draw(st.sampled_from(["drop", "repeat", "extra"]))
        if action == "drop":
            header.pop(i)
            rows = [r[:i] + r[i + 1:] for r in rows]
        elif action == "repeat":
            header.append(header[i])
            rows = [r + [r[i]] for r in rows]
        else:
            header.append(data.draw(st.sampled_from(EXTRA_COLUMNS)))
            rows = [r + [data.draw(NASTY)] for r in rows]
    d = data.draw(dialects())
    if data.draw(st.booleans()):  # cut at a random byte
        content = encode_rows(header, rows, d)
        content = content[:data.draw(st.integers(0, len(content)))]
    else:
        content = encode_rows(header, rows, d)
    with input_file(content, data.draw(st.sampled_from(["x.csv", "x.parquet"]))) as path:
        assert_arrests_clean_or_reported(
            path, mapping, encoding=data.draw(st.sampled_from([None, explicit_encoding(d)])),
            max_errors=data.draw(st.integers(-1, 60)))


@bounded(60)
@given(data=st.data())
def test_arrest_extract_with_a_bad_code_is_never_accepted(lapd, data):
    mapping, pool = lapd
    rows = [list(r) for r in data.draw(st.lists(st.sampled_from(pool), min_size=1,
                                                max_size=4))]
    row = data.draw(st.integers(0, len(rows) - 1))
    column = data.draw(st.sampled_from([2, 3, 4, 5]))
    rows[row][column] = data.draw(st.sampled_from(
        ["", "Martian", "Wobbler", "Arson", "1949", "3000", "20x0", "NaN", "\x1b[2J"]))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.csv"
        path.write_bytes(encode_rows(LAPD_HEADER, rows, data.draw(dialects()) | {
            "encoding": "utf-8", "bom": False}))
        assert not assert_arrests_clean_or_reported(
            path, mapping, max_errors=data.draw(st.integers(0, 3)))
        with pytest.raises(ingest.ValidationError) as err:
            arrests.read_arrests(path, mapping)
        assert any((p.row, p.column) == (row + 1, LAPD_HEADER[column])
                   for p in err.value.problems)
