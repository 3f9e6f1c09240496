"""Small-cell suppression: primary cells, complements, and what a reader could recover.

The attack tests rebuild, independently of the library, the equations a reader can
write (row and column totals assumed published), solve them exactly over the rationals
and check that no hidden small cell is determined.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from analysis import schema
from analysis.suppress import (
    COMPLEMENT_MARKER,
    DEFAULT_THRESHOLD,
    footnote,
    mask,
    plan,
    suppress,
)

SMALL = "<11"


def hidden(col: pl.Series) -> list[bool]:
    return [v in (SMALL, COMPLEMENT_MARKER) for v in col.to_list()]


def determined(equations: list[list[int]], n: int) -> set[int]:
    """Unknowns whose value the equations fix: rows of the exact RREF equal to e_i."""
    rows = [[Fraction(x) for x in eq] for eq in equations if any(eq)]
    pivot_row = 0
    for col in range(n):
        pivot = next((r for r in range(pivot_row, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[pivot_row], rows[pivot] = rows[pivot], rows[pivot_row]
        lead = rows[pivot_row][col]
        rows[pivot_row] = [x / lead for x in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)]
        pivot_row += 1
    out = set()
    for row in rows[:pivot_row]:
        nonzero = [i for i, x in enumerate(row) if x != 0]
        if len(nonzero) == 1:
            out.add(nonzero[0])
    return out


def grid_frame(matrix: list[list[int]]) -> pl.DataFrame:
    """A long table (row label, column label, n) from a matrix."""
    return pl.DataFrame(
        [{"r": f"r{i}", "c": f"c{j}", "n": v}
         for i, row in enumerate(matrix) for j, v in enumerate(row)])


def exposed_small_cells(matrix: list[list[int]], out: pl.DataFrame) -> set[tuple[int, int]]:
    """Small cells a reader recovers from visible cells plus every row and column total."""
    shown = dict(zip(zip(out["r"], out["c"], strict=True), out["n"], strict=True))
    cells = [(i, j) for i in range(len(matrix)) for j in range(len(matrix[0]))
             if shown[(f"r{i}", f"c{j}")] in (SMALL, COMPLEMENT_MARKER)]
    index = {cell: k for k, cell in enumerate(cells)}
    equations = []
    for i in range(len(matrix)):  # row totals
        equations.append([1 if c[0] == i else 0 for c in cells])
    for j in range(len(matrix[0])):  # column totals
        equations.append([1 if c[1] == j else 0 for c in cells])
    fixed = determined(equations, len(cells))
    return {cell for cell, k in index.items()
            if k in fixed and 1 <= matrix[cell[0]][cell[1]] < DEFAULT_THRESHOLD}


# --- primary suppression ------------------------------------------------------------


@pytest.mark.parametrize(("value", "shown"), [
    (0, "0"), (1, SMALL), (5, SMALL), (10, SMALL), (11, "11"), (12345, "12345"),
])
def test_primary_rule_on_one_cell(value, shown):
    # a one-row table has no line: only the primary rule applies
    out = suppress(pl.DataFrame({"group": ["a"], "n": [value]}), ["n"])
    assert out["n"].to_list() == [shown]
    assert out.schema["n"] == pl.String


def test_threshold_is_configurable():
    frame = pl.DataFrame({"g": ["a", "b", "c"], "n": [4, 5, 100]})
    out = suppress(frame, ["n"], threshold=5)
    # 4 is small, 5 is not; the lone small cell needs a complement: the smallest >= 5
    assert out["n"].to_list() == ["<5", COMPLEMENT_MARKER, "100"]


def test_no_small_cells_means_nothing_hidden():
    frame = pl.DataFrame({"g": ["a", "b", "c"], "n": [0, 11, 4000]})
    out = suppress(frame, ["n"], thousands=True)
    assert out["n"].to_list() == ["0", "11", "4,000"]


# --- complementary suppression -------------------------------------------------------


def test_one_small_cell_gets_the_smallest_eligible_complement():
    frame = pl.DataFrame({"race": ["Latino", "Black", "White", "Other"],
                          "n": [400, 7, 35, 12]})
    out = suppress(frame, ["n"])
    assert out["n"].to_list() == ["400", SMALL, "35", COMPLEMENT_MARKER]
    # the reader knows the total, 454: visible cells leave 19 for two hidden cells,
    # so the small one could be anything from 1 to 10 (the complement from 9 to 18)
    visible = sum(int(v) for v in out["n"] if v.isdigit())
    assert frame["n"].sum() - visible == 19


def test_two_small_cells_protect_each_other():
    frame = pl.DataFrame({"race": ["a", "b", "c"], "n": [3, 4, 90]})
    assert suppress(frame, ["n"])["n"].to_list() == [SMALL, SMALL, "90"]


def test_zero_is_hidden_only_when_nothing_else_can_be():
    assert suppress(pl.DataFrame({"g": ["a", "b", "c"], "n": [0, 3, 50]}),
                    ["n"])["n"].to_list() == ["0", SMALL, COMPLEMENT_MARKER]
    # only a zero is left: it is hidden and shows "<11", which is true of it
    assert suppress(pl.DataFrame({"g": ["a", "b"], "n": [0, 3]}),
                    ["n"])["n"].to_list() == [SMALL, SMALL]


def test_by_groups_are_protected_separately():
    frame = pl.DataFrame({
        "batch": ["feb2020"] * 3 + ["sep2021"] * 3,
        "race": ["Latino", "Black", "White"] * 2,
        "n": [5, 40, 12, 50, 60, 70],
    })
    out = suppress(frame, ["n"], by=["batch"])
    assert out["n"].to_list() == [SMALL, "40", COMPLEMENT_MARKER, "50", "60", "70"]


def test_two_way_table_hides_a_rectangle():
    # without `by`, race totals across batches are also lines: a 2x2 rectangle
    frame = grid_frame([[5, 40, 12], [50, 60, 70]])
    out = suppress(frame, ["n"])
    assert hidden(out["n"]) == [True, False, True, True, False, True]
    assert exposed_small_cells([[5, 40, 12], [50, 60, 70]], out) == set()


def test_totals_row_cannot_reveal_the_small_cell():
    frame = pl.DataFrame({"race": ["Latino", "Black", "White", "Total"],
                          "n": [300, 4, 25, 329]})
    out = suppress(frame, ["n"])
    assert out["n"].to_list() == ["300", SMALL, COMPLEMENT_MARKER, "329"]
    # brute force the reader: every (black, white) split consistent with the page
    consistent = [(b, w) for b in range(0, 11) for w in range(0, 330)
                  if 300 + b + w == 329]
    assert len({b for b, _ in consistent}) == 11  # the small cell stays anywhere in 0..10


def test_small_total_row_is_itself_hidden():
    frame = pl.DataFrame({"level": ["felony", "misdemeanor", "Total"], "n": [3, 4, 7]})
    assert suppress(frame, ["n"])["n"].to_list() == [SMALL, SMALL, SMALL]


def test_totals_rows_in_a_by_column_link_the_groups():
    # "All" rows are the sum over batches: a line across the by groups
    frame = pl.DataFrame({
        "batch": ["feb2020", "feb2020", "sep2021", "sep2021", "All", "All"],
        "level": ["felony", "misdemeanor"] * 3,
        "n": [500, 6, 300, 90, 800, 96],
    })
    out = suppress(frame, ["n"], by=["batch"])
    shown = dict(zip(zip(out["batch"], out["level"], strict=True), out["n"], strict=True))
    assert shown[("feb2020", "misdemeanor")] == SMALL
    # within feb2020 and along misdemeanor, a second cell must be hidden
    assert shown[("feb2020", "felony")] == COMPLEMENT_MARKER
    assert COMPLEMENT_MARKER in (shown[("sep2021", "misdemeanor")], shown[("All", "misdemeanor")])


def test_row_total_column_is_detected_and_protected():
    frame = pl.DataFrame({"race": ["a", "b", "c"], "felony": [5, 40, 12],
                          "misdemeanor": [20, 30, 40], "total": [25, 70, 52]})
    out = suppress(frame, ["felony", "misdemeanor", "total"])
    # the felony 5 needs a second hidden cell in its row (total - misdemeanor) and in
    # its column: a rectangle over two rows and the two part columns
    assert out["felony"].to_list() == [SMALL, "40", COMPLEMENT_MARKER]
    assert out["misdemeanor"].to_list() == [COMPLEMENT_MARKER, "30", COMPLEMENT_MARKER]
    assert out["total"].to_list() == ["25", "70", "52"]


def test_bridge_pattern_is_closed_by_the_exact_check():
    # Two 2x2 blocks of small cells joined by one small "bridge" cell (0, 2): every row
    # and column hides two or more cells, so the line rule is satisfied, yet the bridge
    # is fixed by the equations (row 0 totals minus column 0 and 1 totals...). Only the
    # exact check can see it.
    matrix = [
        [2, 3, 1, 50],
        [4, 5, 60, 70],
        [80, 90, 6, 7],
        [55, 65, 8, 9],
    ]
    bare = grid_frame(matrix).with_columns(
        n=pl.when(pl.col("n") < 11).then(pl.lit(SMALL)).otherwise(pl.col("n").cast(pl.String)))
    assert exposed_small_cells(matrix, bare) == {(0, 2)}  # the attack works on primaries
    out = suppress(grid_frame(matrix), ["n"])
    assert exposed_small_cells(matrix, out) == set()
    assert COMPLEMENT_MARKER in out["n"].to_list()


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 4).flatmap(lambda r: st.integers(2, 5).flatmap(
    lambda c: st.lists(st.lists(st.sampled_from([0, 1, 3, 7, 10, 11, 12, 40, 300]),
                                min_size=c, max_size=c), min_size=r, max_size=r))))
def test_no_small_cell_is_recoverable_in_random_two_way_tables(matrix):
    out = suppress(grid_frame(matrix), ["n"])
    # every small cell is hidden, every shown cell is exact
    for (i, row), (j, v) in itertools.product(enumerate(matrix), enumerate(range(len(matrix[0])))):
        cell = out.filter((pl.col("r") == f"r{i}") & (pl.col("c") == f"c{j}"))["n"].item()
        value = row[v]
        if 1 <= value < DEFAULT_THRESHOLD:
            assert cell == SMALL
        elif cell not in (SMALL, COMPLEMENT_MARKER):
            assert cell == str(value)
    assert exposed_small_cells(matrix, out) == set()


# --- derived columns, charts, shapes and errors ---------------------------------------


def test_shares_of_hidden_counts_are_blanked():
    frame = pl.DataFrame({"race": ["a", "b", "c"], "n": [5, 40, 12],
                          "n_share": [5 / 57, 40 / 57, 12 / 57], "rate": [1.0, 2.0, 3.0]})
    out = suppress(frame, ["n"], derived={"rate": "n"})
    assert out["n_share"].to_list() == [None, pytest.approx(40 / 57), None]
    assert out["rate"].to_list() == [None, 2.0, None]


def test_mask_nulls_hidden_counts_for_charts():
    frame = pl.DataFrame({"race": ["a", "b", "c"], "n": [5, 40, 12]})
    expected = pl.DataFrame({"race": ["a", "b", "c"], "n": [None, 40, None]})
    assert_frame_equal(mask(frame, ["n"]), expected)


def test_several_count_columns_are_protected_independently():
    frame = pl.DataFrame({"race": ["a", "b", "c"], "convictions": [30, 40, 12],
                          "people": [8, 30, 11]})
    out = suppress(frame, ["convictions", "people"])
    assert out["convictions"].to_list() == ["30", "40", "12"]
    assert out["people"].to_list() == [SMALL, "30", COMPLEMENT_MARKER]


def test_enum_dimensions_and_null_counts():
    frame = pl.DataFrame({
        "race": pl.Series(["Latino", "Black", "White"], dtype=schema.Race),
        "n": pl.Series([None, 4, 200], dtype=pl.Int32),
    })
    out = suppress(frame, ["n"])
    assert out["n"].to_list() == [None, SMALL, COMPLEMENT_MARKER]
    assert out.schema["race"] == schema.Race


def test_empty_frame_keeps_its_columns():
    frame = pl.DataFrame(schema={"race": pl.String, "n": pl.Int64})
    out = suppress(frame, ["n"])
    assert out.columns == ["race", "n"] and out.height == 0
    assert plan(frame, ["n"]).height == 0


@pytest.mark.parametrize(("frame", "counts", "message"), [
    (pl.DataFrame({"n": [1]}), ["m"], "not in the frame"),
    (pl.DataFrame({"n": [1.5]}), ["n"], "whole numbers"),
    (pl.DataFrame({"n": [-1]}), ["n"], "negative"),
    (pl.DataFrame({"n": [1]}), [], "at least one"),
])
def test_bad_input_gives_one_clear_error(frame, counts, message):
    with pytest.raises(ValueError, match=message):
        suppress(frame, counts)


def test_bad_threshold():
    with pytest.raises(ValueError, match="threshold"):
        suppress(pl.DataFrame({"n": [1]}), ["n"], threshold=0)


def test_footnote_names_both_markers():
    text = footnote()
    assert SMALL in text and COMPLEMENT_MARKER in text and "1 to 10" in text
