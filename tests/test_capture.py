"""Two-source capture-recapture: hand-computed tables, the domains both lists searched,
the range over strata and dependence, and its coverage on simulated universes."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest

from analysis import capture, capture_sim, release, schema
from analysis.reader import capture as shown_capture
from analysis.release import analyses

# --- estimators against hand computation ----------------------------------------------------


def test_chapman_and_seber_match_hand_computation():
    # 50 found by DOJ, 40 by the court, 20 by both: 30 DOJ only, 20 court only
    estimate, variance = capture.chapman(50, 40, 20)
    assert estimate == pytest.approx(51 * 41 / 21 - 1)  # 98.571...
    assert variance == pytest.approx(51 * 41 * 30 * 20 / (21**2 * 22))
    # the unfound count is Chapman's total less the 70 found, with Seber's variance
    missed, var = capture.unfound(20, 30, 20)
    assert float(missed) == pytest.approx(30 * 20 / 21)
    assert float(missed) == pytest.approx(51 * 41 / 21 - 1 - 70)
    assert float(var) == pytest.approx(51 * 41 * 30 * 20 / (21**2 * 22))
    assert math.isnan(capture.lincoln_petersen(50, 40, 0))  # never a division by zero


# A full 2x2 table worked by hand: both 20, DOJ only 30, court only 20, neither 60, so the
# odds ratio between the lists is 20 * 60 / (30 * 20) = 2.
@pytest.mark.parametrize(("odds_ratio", "neither"), [(2.0, 60.0), (1.0, 30.0), (0.5, 15.0)])
def test_the_dependence_formula_gives_the_hand_worked_cell(odds_ratio, neither):
    assert float(capture.loglinear_unfound(20, 30, 20, odds_ratio)) == pytest.approx(neither)
    assert 20 * neither / (30 * 20) == pytest.approx(odds_ratio)  # the table's own ratio
    # the log-linear Poisson model with the interaction as an offset says the same
    assert capture.fit_loglinear(20, 30, 20, odds_ratio) == pytest.approx(neither, rel=1e-6)


@pytest.mark.parametrize("cells", [(20, 30, 20), (300, 120, 45), (7, 2, 9)])
@pytest.mark.parametrize("odds_ratio", [0.5, 2.0, 3.0])
def test_chapman_under_dependence_scales_the_estimate_and_its_variance(cells, odds_ratio):
    both, doj, court = cells
    g = doj * court / (both + 1)
    _, seber = capture.chapman(both + doj, both + court, both)
    missed, var = capture.unfound(both, doj, court, odds_ratio)
    assert float(missed) == pytest.approx(odds_ratio * g)
    assert float(var) == pytest.approx(odds_ratio**2 * (seber - g) + odds_ratio * g)


def test_glm_declines_zero_cells():
    assert capture.fit_loglinear(10, 0, 5) is None
    assert capture.fit_loglinear(0, 10, 5) is None


def test_lognormal_interval_is_skewed_and_above_the_observed_count():
    (low,), (high,) = capture.lognormal_interval([100], [30.0], [150.0])
    assert 100 < low < 130 < high
    assert (high - 130) > (130 - low)  # right-skewed
    (low,), (high,) = capture.lognormal_interval([100], [0.0], [0.0])
    assert low == high == 100


# --- the domains both lists searched ---------------------------------------------------------

DA, LONG_BEACH = schema.DISTRICT_ATTORNEY, schema.city_prosecutor("Long Beach")


def _cases(cells: dict[tuple, tuple[int, int, int]]) -> pl.DataFrame:
    """Case rows with the given (both, DOJ only, court only) per (level, year[, agency])."""
    rows = []
    for key, (both, doj, court) in cells.items():
        level, year, agency = (*key, DA)[:3]
        for flags, n in (((True, True), both), ((True, False), doj), ((False, True), court)):
            rows += [{"charge_level": level, "conviction_date": dt.date(year, 6, 1),
                      "prosecuting_agency": agency, "person_id": "x",
                      "found_in_doj": flags[0], "found_in_court": flags[1]}] * n
    return pl.DataFrame(rows)


# felonies: DOJ only before 1985, both lists after; misdemeanors of a city prosecutor: the
# court adds none; the District Attorney's misdemeanors: only the court list
LISTS = {("felony", 1978): (0, 40, 0), ("felony", 1987): (30, 20, 25),
         ("felony", 1995): (60, 15, 40), ("misdemeanor", 1990, LONG_BEACH): (25, 30, 0),
         ("misdemeanor", 1999, DA): (0, 0, 70)}


def test_domains_say_where_both_lists_searched():
    found = capture.domains(_cases(LISTS))
    assert found.select("charge_level", "prosecutor", "first_year", "status").rows() == [
        ("felony", DA, 1987, capture.SHARED),
        ("misdemeanor", DA, 1999, "DOJ list holds none"),
        ("misdemeanor", "city prosecutor", 1990, "court list adds none")]
    # the felonies' cells count only the years from the first court year on
    assert found.select(*capture.CELLS).row(0) == (90, 35, 65)


def test_label_parts_split_a_shared_domain_at_its_first_court_year():
    parts = capture.capture_table(capture.label_parts(_cases(LISTS)),
                                  by=("charge_level", "status", "from_year", "to_year"))
    rows = parts.select("charge_level", "status", "from_year", "to_year", *capture.CELLS).rows()
    assert ("felony", capture.BEFORE, 1950, 1986, 0, 40, 0) in rows
    assert ("felony", capture.SHARED, 1987, 2021, 90, 35, 65) in rows
    assert ("misdemeanor", "DOJ list holds none", 1950, 2021, 0, 0, 70) in rows


@pytest.mark.parametrize(("cells", "status"), [
    ({("felony", 1990): (10, 0, 12)}, "DOJ list adds none"),
    ({("felony", 1990): (0, 15, 12)}, "lists share none"),
    ({("felony", 1980): (0, 15, 0)}, "court records hold none"),
])
def test_a_domain_where_a_list_adds_nothing_is_not_shared(cells, status):
    assert capture.domains(_cases(cells))["status"].to_list() == [status]


def test_distinct_partitions_drop_choices_that_split_the_rows_alike():
    rows = capture.label_parts(_cases(LISTS)).filter(pl.col("status") == capture.SHARED)
    kept = capture.distinct_partitions(rows, [("charge_level", "decade"), (), ("decade",),
                                              ("prosecutor",)])
    assert kept == [("decade",), ()]  # level and prosecutor are the domain already


def _page(cells: dict) -> release.PageTables:
    """The capture page's tables for these cells, protected as the site protects them."""
    page = analyses.still_unidentified("p", _cases(cells))
    plan = release.protect_site([page], "test")
    for table in page.tables:
        table.hidden = frozenset(c for _, _, c in table.table.cells() if c in plan.hidden)
    return page


def _count(cases: pl.DataFrame, where: dict) -> int:
    """A cell's count worked out from the rows, without the project's code."""
    year = pl.col("conviction_date").dt.year()
    derived = {
        "conviction_year": year.cast(pl.String),
        "prosecutor": pl.when(pl.col("prosecuting_agency") == DA).then(pl.lit(DA))
        .otherwise(pl.lit("city prosecutor")),
        "capture": pl.when(pl.col("found_in_doj") & pl.col("found_in_court"))
        .then(pl.lit("both")).when(pl.col("found_in_doj")).then(pl.lit("doj_only"))
        .otherwise(pl.lit("court_only")),
    }
    return cases.filter(*(derived.get(d, pl.col(d).cast(pl.String)).is_in(list(v))
                          for d, v in where.items())).height


def test_every_capture_cell_counts_what_its_row_shows():
    cases = _cases(LISTS)
    page = analyses.still_unidentified("p", cases)
    assert [t.name for t in page.tables] == [analyses.CAPTURE_EXCLUDED, analyses.CAPTURE_STRATA,
                                             analyses.CAPTURE_CHOICE + "none"]
    for table in page.tables:
        for i, column, c in table.table.cells():
            assert _count(cases, c.predicate) == table.frame[column][i], (table.name, c)
    # the 1980s stratum where both searched starts with the court records, in 1987
    decades = page[analyses.CAPTURE_STRATA]
    first = decades.table.rows[0]["cells"]["both"].predicate
    assert first["conviction_year"] == tuple(str(y) for y in range(1987, 1990))


@pytest.mark.parametrize("cells", [
    # only misdemeanors: a city's (the court adds none) and the District Attorney's
    {("misdemeanor", 1990, LONG_BEACH): (25, 30, 0), ("misdemeanor", 1999, DA): (0, 0, 70)},
    # only convictions before the court records begin
    {("felony", 1975): (0, 40, 0), ("felony", 1982): (0, 35, 0)},
    # only the September 2021 motion
    {("felony", 1995): (0, 0, 50), ("misdemeanor", 2005, DA): (0, 0, 60)},
    # one row
    {("felony", 1995): (0, 1, 0)},
])
def test_a_list_without_a_shared_domain_says_so(cells):
    page = _page(cells)
    scen = shown_capture.scenarios(shown_capture.choices(page))
    assert scen.height == 0 and capture.value_range(scen) is None
    text = shown_capture.findings(page, scen).data
    assert "the lists share no domain" in text
    assert text.count("No estimate is made for") == page[analyses.CAPTURE_EXCLUDED].frame.height
    shown_capture.range_chart(scen, "s")  # a plain sentence, no error
    shown_capture.strata_table(page)


def test_the_page_finds_the_range_and_names_what_it_leaves_out():
    page = _page(LISTS)
    scen = shown_capture.scenarios(shown_capture.choices(page))
    assert set(scen["strata"]) == {"decade", "none"} and set(scen["odds_ratio"]) == {0.5, 1, 2}
    span = capture.value_range(scen)
    text = shown_capture.findings(page, scen).data
    assert text.startswith("**Within felonies from 1987 on, the part both lists searched, "
                           f"between {span['low']:,.0f} and {span['high']:,.0f}")
    assert "misdemeanors prosecuted by city prosecutors (55 found): the court list holds none" \
        in text
    assert "felonies before 1987 (40 found)" in text


def test_value_range_spans_the_lowest_and_highest_bounds():
    scen = pl.DataFrame({"missed": [10.0, 20.0, None], "missed_low": [8.0, 15.0, None],
                         "missed_high": [13.0, 26.0, None]})
    assert capture.value_range(scen) == {"low": 8.0, "high": 26.0, "point_low": 10.0,
                                         "point_high": 20.0}
    assert capture.value_range(scen.head(0)) is None


def test_estimate_by_stratum_with_boundary_and_non_estimable_strata():
    table = pl.DataFrame({"decade": ["1980s", "1990s", "2000s"], "both": [20, 10, 0],
                          "doj_only": [30, 15, 12], "court_only": [20, 0, 40]})
    est = capture.estimate(table, by=("decade",), odds_ratio=2.0)
    assert est["status"].to_list() == ["estimated", "boundary", "not estimable",
                                       capture.TOTAL_STATUS]
    assert est["missed"][0] == pytest.approx(2 * 30 * 20 / 21)
    assert est["missed"][1] == 0 and est["missed"][2] is None
    total = est.row(3, named=True)
    assert total["observed"] == 70 + 25 + 52
    assert total["missed"] == pytest.approx(2 * 30 * 20 / 21)  # the third adds nothing
    assert total["missed_low"] < total["missed"] < total["missed_high"]
    # a choice of strata with a stratum the lists share none of is incomplete
    assert capture.totals(table, by=("decade",))["not_estimable"].to_list() == [1, 1, 1]


# --- small cells -------------------------------------------------------------------------------

COUNTS = ("found by both", "DOJ only", "court only")


def test_a_stratum_with_a_hidden_cell_shows_no_estimate_and_its_total_none():
    page = _page({("felony", 1986): (20, 30, 5), ("felony", 1995): (400, 300, 200),
                  ("felony", 2005): (300, 200, 150)})
    shown = shown_capture.strata_table(page).protected()
    assert shown["court only"][0] == "suppressed"
    assert all(v.startswith("suppressed") for c in shown.columns if c.startswith("found by n")
               for v in shown[c][:1])
    scen = shown_capture.scenarios(shown_capture.choices(page))
    by_decade = scen.filter(pl.col("strata") == "decade")
    assert (by_decade["status"] == "hidden").all() and by_decade["missed"].is_null().all()
    # the pooled choice has no small cell: the range rests on it alone
    assert capture.value_range(scen) == capture.value_range(scen.filter(
        pl.col("strata") == "none"))


# --- the range holds the truth on simulated universes ----------------------------------------

SIZES, P_DOJ, P_COURT = (9_000, 21_000, 20_000), (0.6, 0.62, 0.58), (0.65, 0.78, 0.86)


@pytest.mark.parametrize("odds_ratio", [0.5, 1.0, 2.0])
def test_the_capture_recapture_range_contains_the_true_unfound_count(odds_ratio):
    sc = capture_sim.Scenario("t", SIZES, P_DOJ, P_COURT, odds_ratio)
    row = capture_sim.coverage(draws=300, seed=11, scenarios=(sc,)).row(0, named=True)
    assert row["in_range"] and row["coverage_range"] >= 0.9, row
    if odds_ratio != 1.0:  # the old single estimate under independence misses the truth
        assert row["coverage_single"] < 0.5, row
    else:
        assert 0.9 <= row["coverage_single"] <= 0.99, row


def test_the_range_misses_when_the_lists_are_more_dependent_than_it_allows():
    sc = capture_sim.Scenario("t", SIZES, P_DOJ, P_COURT, 3.0)
    row = capture_sim.coverage(draws=200, scenarios=(sc,)).row(0, named=True)
    assert not row["in_range"] and row["coverage_range"] < 0.5


def test_the_simulated_range_is_the_one_the_page_reports():
    sc = capture_sim.Scenario("t", SIZES, P_DOJ, P_COURT, 2.0)
    cells = capture_sim.simulate(sc, 1, np.random.default_rng(5))
    low, high = capture_sim.reported_range(cells)
    strata = pl.DataFrame({"decade": ["a", "b", "c"],
                           **{k: cells[k][0] for k in capture.CELLS}})
    pooled = strata.select(pl.lit("all").alias("all"), *(pl.sum(c) for c in capture.CELLS))
    span = capture.value_range(pl.concat([capture.totals(strata, by=("decade",)),
                                          capture.totals(pooled, by=("all",))]))
    assert (float(low[0]), float(high[0])) == pytest.approx((span["low"], span["high"]))


def test_simulated_lists_have_the_given_chances_and_dependence():
    sc = capture_sim.Scenario("t", (10_000,), (0.6,), (0.3,))
    cells = capture_sim.simulate(sc, 200, np.random.default_rng(3))
    assert cells["both"].mean() / 10_000 == pytest.approx(0.18, abs=0.003)
    dep = capture_sim.Scenario("t", (10_000,), (0.6,), (0.3,), dependence=3.0)
    cells = capture_sim.simulate(dep, 200, np.random.default_rng(3))
    court = (cells["both"] + cells["court_only"]).mean() / 10_000
    assert court == pytest.approx(0.3, abs=0.003)  # marginal kept
    n = {k: cells[k].mean() for k in ("both", "doj_only", "court_only", "unfound")}
    ratio = n["both"] * n["unfound"] / (n["doj_only"] * n["court_only"])
    assert ratio == pytest.approx(3.0, rel=0.03)


def test_a_choice_of_strata_left_out_of_the_range_is_named():
    page = _page({("felony", 1986): (20, 30, 5), ("felony", 1995): (400, 300, 200),
                  ("felony", 2005): (300, 200, 150)})
    scen = shown_capture.scenarios(shown_capture.choices(page))
    text = shown_capture.findings(page, scen).data
    assert "under 1 choice of strata (none)" in text
    assert "The choice 'decade' is left out (a stratum has a hidden cell)" in text
