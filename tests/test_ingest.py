"""The ingest layer on its own: the rule runner, blank lines, reading tables, the
command-line helpers. The loaders built on it are tested in test_validate,
test_arrests and test_bad_input."""

from __future__ import annotations

import argparse

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analysis import ingest
from analysis.cli import problems as problems_cli
from analysis.ingest import ROW, Problem, Rule, ValidationError


@pytest.fixture
def frame() -> pl.DataFrame:
    """Five numbered rows (the file's rows 1, 2, 4, 5, 6: line 3 was blank)."""
    return pl.DataFrame({ROW: [1, 2, 4, 5, 6], "a": ["x", None, "x", "y", "x"],
                         "b": [1, 2, 3, 4, 5]}, schema_overrides={ROW: pl.UInt32})


def test_every_hit_is_counted_and_listed_sorted_by_row_then_column(frame):
    rules = [Rule("big", "b", pl.col("b") > 3, "too big"),
             Rule("is-x", "a", pl.col("a") == "x", "no x")]
    problems, total = ingest.run_rules(frame, rules, "f.csv", max_errors=50)
    assert total == 5
    assert [(p.row, p.column, p.rule) for p in problems] == [
        (1, "a", "is-x"), (4, "a", "is-x"), (5, "b", "big"), (6, "a", "is-x"), (6, "b", "big")]
    assert problems[0] == Problem("f.csv", "is-x", "no x", 1, "a", "x")
    assert problems[2].value == "4"  # the value as text


def test_a_null_test_is_no_hit(frame):
    problems, total = ingest.run_rules(
        frame, [Rule("not-y", "a", pl.col("a") != "y", "not y")], "f", max_errors=50)
    assert total == 3 and [p.row for p in problems] == [1, 4, 6]  # row 2 is null


@pytest.mark.parametrize("cap", [-5, 0, 1])
def test_the_cap_lists_at_least_one_and_never_changes_the_count(frame, cap):
    problems, total = ingest.run_rules(
        frame, [Rule("any", "b", pl.col("b") > 0, "m")], "f", max_errors=cap)
    assert total == 5 and [p.row for p in problems] == [1]


def test_a_capped_listing_keeps_by_rule_or_by_row(frame):
    rules = [Rule("late", "b", pl.col("b") >= 4, "m"), Rule("early", "b", pl.col("b") <= 2, "m")]
    by_rule, total = ingest.run_rules(frame, rules, "f", max_errors=2)
    assert total == 4 and [p.row for p in by_rule] == [5, 6]  # the first rule first
    by_row, total = ingest.run_rules(frame, rules, "f", max_errors=2, keep="by-row")
    assert total == 4 and [p.row for p in by_row] == [1, 2]  # the first rows of the file


def test_messages_and_values_may_depend_on_the_row_and_on_other_rows(frame):
    first = pl.col(ROW).min().over("a")
    rule = Rule("repeat", "a", pl.col("a").is_not_null() & (pl.col(ROW) != first),
                pl.format("repeats row {}", first), value=pl.format("{}/{}", "a", "b"))
    problems, total = ingest.run_rules(frame, [rule], "f", max_errors=50)
    assert [(p.row, p.message, p.value) for p in problems] == [
        (4, "repeats row 1", "x/3"), (6, "repeats row 1", "x/5")]


def test_columns_are_named_as_the_file_names_them(frame):
    problems, _ = ingest.run_rules(frame, [Rule("r", "a", pl.col("a") == "y", "m")], "f",
                                   max_errors=50, names={"a": "DESCENT"})
    assert [(p.row, p.column) for p in problems] == [(5, "DESCENT")]
    assert "column 'DESCENT'" in str(problems[0])


def test_no_rules_no_problems(frame):
    assert ingest.run_rules(frame, [], "f", max_errors=5) == ([], 0)


def test_rows_are_numbered_as_in_the_file_and_blank_lines_skipped():
    raw = pl.DataFrame({"a": ["1", None, " ", "4"], "b": ["x", "", None, ""],
                        "notes": [None, None, None, "kept out, still counted"]})
    rows = ingest.rows_in_file(raw, ["a", pl.col("b").alias("B")], "f.csv")
    # line 2 and 3 are blank; line 4 is not, because of a column that is not kept
    assert_frame_equal(rows, pl.DataFrame(
        {ROW: [1, 4], "a": ["1", "4"], "B": ["x", ""]}, schema_overrides={ROW: pl.UInt32}))


def test_only_blank_lines_is_one_problem():
    with pytest.raises(ValidationError) as err:
        ingest.rows_in_file(pl.DataFrame({"a": [" ", None]}), ["a"], "f.csv")
    assert [(p.rule, p.row, p.message) for p in err.value.problems] == [
        ("empty", None, "the file has a header but no data rows (only blank lines)")]


def test_blank_cells_are_missing_values():
    out = pl.DataFrame({"a": ["", " \t", " x ", None]}).select(ingest.blank_as_null(["a"]))
    assert out["a"].to_list() == [None, None, " x ", None]


def test_read_table_keeps_the_header_as_written(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes("A;a;A\r\n1;;3\r\n".encode("utf-16"))
    header, rows = ingest.read_table(path)
    assert header == ["A", "a", "A"]
    assert rows.rows() == [("1", None, "3")]


def test_first_of_each_keeps_first_columns_and_judges_only_what_is_read():
    frame = pl.DataFrame({"column_1": ["1"], "column_2": ["2"], "column_3": ["3"]})
    kept = ingest.first_of_each(frame, ["x", "y", "x"], "f", judged={"y"},
                                clash=lambda first, again: "unused")
    assert kept.to_dicts() == [{"x": "1", "y": "2"}]
    with pytest.raises(ValidationError) as err:
        ingest.first_of_each(frame, ["x", "y", "x"], "f", judged={"x"},
                             clash=lambda first, again: f"columns {first} and {again}")
    (problem,) = err.value.problems
    assert (problem.rule, problem.column, problem.message) == ("header", "x", "columns 0 and 2")


def test_as_text_names_only_columns_that_are_read():
    frame = pl.DataFrame({"c1": [[1]], "c2": [[2]], "c3": [3]})
    out = ingest.as_text(frame, ["kept", "dropped", "n"], "f", required={"n"})
    assert out.to_dicts() == [{"c1": None, "c2": None, "c3": "3"}]
    with pytest.raises(ValidationError) as err:
        ingest.as_text(frame, ["kept", "dropped", "n"], "f", required={"kept"})
    assert [(p.rule, p.column) for p in err.value.problems] == [("type", "kept")]


def test_problem_text_is_one_safe_line():
    problem = Problem("f\x1b.csv", "rule", "bad\nthing", 3, "col", "v" * 100)
    assert str(problem) == (
        "f\\x1b.csv, row 3, column 'col', value '" + "v" * 57 + "...': bad\\nthing [rule]")
    error = ValidationError([problem], total=4)
    assert str(error).splitlines()[1] == "... and 3 more problems"


@pytest.mark.parametrize(("text", "ok"), [("1", True), ("25", True), ("0", False),
                                          ("-2", False), ("two", False)])
def test_max_errors_must_be_a_whole_number_from_one(text, ok):
    if ok:
        assert problems_cli.at_least_one(text) == int(text)
    else:
        with pytest.raises(argparse.ArgumentTypeError):
            problems_cli.at_least_one(text)


def test_print_problems_lists_then_counts(capsys):
    problems = [Problem("f.csv", "r", "m", 1, "c", "v")]
    problems_cli.print_problems(problems, 3, prefix="f.csv: ")
    assert capsys.readouterr().err.splitlines() == [
        "error: f.csv, row 1, column 'c', value 'v': m [r]", "... and 2 more problems",
        "f.csv: 3 problem(s); nothing was written"]
