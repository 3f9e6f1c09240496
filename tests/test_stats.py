"""Disparity statistics against values worked out by hand on small frames."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import polars as pl
import pytest
import scipy.stats
from polars.testing import assert_frame_equal

from analysis import disparity, reference, schema, stats, synth

Z = 1.959963984540054  # standard normal 97.5% quantile


def pop(**groups):
    return pl.DataFrame({"g": list(groups), "population": list(groups.values())})


# --- rates and the exact Poisson interval -------------------------------------------


@pytest.mark.parametrize(("k", "low", "high"), [
    # Garwood intervals as printed in standard tables of Poisson confidence limits
    (0, 0.0, 3.689), (1, 0.0253, 5.572), (10, 4.795, 18.390), (100, 81.36, 121.63),
])
def test_exact_poisson_interval_matches_tables(k, low, high):
    lo, hi = stats.poisson_interval(k)
    assert float(lo) == pytest.approx(low, abs=0.001 * max(1, low))
    assert float(hi) == pytest.approx(high, abs=0.001 * high)


def test_rates_per_ten_thousand():
    counts = pl.DataFrame({"g": ["A", "A", "B", "C"], "n": [6, 4, 0, 7]})
    out = stats.rates(counts, pop(A=20_000, B=50_000), group="g", count_col="n")
    assert out.columns == ["g", "count", "population", "rate", "rate_low", "rate_high"]
    a = out.row(0, named=True)
    # 10 events among 20,000 residents: 5 per 10,000, interval 4.795..18.390 events
    assert (a["count"], a["rate"]) == (10, 5.0)
    assert a["rate_low"] == pytest.approx(4.795 / 2, abs=0.001)
    assert a["rate_high"] == pytest.approx(18.390 / 2, abs=0.001)
    b = out.row(1, named=True)
    assert (b["rate"], b["rate_low"]) == (0.0, 0.0)
    assert b["rate_high"] == pytest.approx(3.689 / 5, abs=0.001)
    c = out.row(2, named=True)  # no population: the count stays, the rate is empty
    assert (c["count"], c["population"], c["rate"], c["rate_high"]) == (7, None, None, None)


def test_rates_with_the_census_table():
    counts = pl.DataFrame({"race_ethnicity": pl.Series(["Black", "White", "Unknown"],
                                                       dtype=schema.Race),
                           "count": [7983, 2616, 50]})
    out = stats.rates(counts, reference.population_by_race(2019))
    by = {r["race_ethnicity"]: r for r in out.iter_rows(named=True)}
    assert by["Black"]["rate"] == pytest.approx(7983 / 798_279 * 10_000)
    assert by["White"]["rate"] == pytest.approx(2616 / 2_615_947 * 10_000)
    assert by["Unknown"]["rate"] is None


# --- rate ratios ----------------------------------------------------------------------


def test_rate_ratio_and_interval_by_hand():
    counts = pl.DataFrame({"g": ["A", "W"], "count": [50, 20]})
    out = stats.rate_ratios(counts, pop(A=100_000, W=200_000), group="g", reference="W")
    a = out.filter(pl.col("g") == "A").row(0, named=True)
    # rates 5 and 1 per 10,000: ratio 5; log-scale SE sqrt(1/50 + 1/20)
    se = math.sqrt(1 / 50 + 1 / 20)
    assert a["ratio"] == pytest.approx(5.0, rel=1e-6)
    assert a["ratio_low"] == pytest.approx(5 * math.exp(-Z * se), rel=1e-5)
    assert a["ratio_high"] == pytest.approx(5 * math.exp(Z * se), rel=1e-5)
    assert a["p_value"] == pytest.approx(2 * (1 - 0.5 * (1 + math.erf(
        math.log(5) / se / math.sqrt(2)))), rel=1e-4)
    w = out.filter(pl.col("g") == "W").row(0, named=True)
    assert (w["ratio"], w["ratio_low"], w["ratio_high"]) == (1.0, None, None)
    assert a["model"] == stats.POISSON
    assert "cannot be tested" in a["model_choice"]


def test_stratified_poisson_ratio_and_dispersion_test_by_hand():
    # two groups over four years; counts close to proportional, so no overdispersion
    years = [2000, 2001, 2002, 2003]
    a_counts, w_counts = [40, 62, 81, 99], [22, 28, 41, 52]
    counts = pl.DataFrame({"g": ["A"] * 4 + ["W"] * 4, "year": [str(y) for y in years] * 2,
                           "count": a_counts + w_counts})
    population = pop(A=100_000, W=150_000)
    out = stats.rate_ratios(counts, population, group="g", reference="W")
    a = out.filter(pl.col("g") == "A").row(0, named=True)
    ra, rw = sum(a_counts), sum(w_counts)
    # with group and year effects the Poisson fit is the independence fit of the 2x4
    # table: the ratio is that of the group totals, SE sqrt(1/ra + 1/rw)
    ratio = (ra / 100_000) / (rw / 150_000)
    se = math.sqrt(1 / ra + 1 / rw)
    assert a["ratio"] == pytest.approx(ratio, rel=1e-6)
    assert a["ratio_low"] == pytest.approx(ratio * math.exp(-Z * se), rel=1e-5)
    assert a["ratio_high"] == pytest.approx(ratio * math.exp(Z * se), rel=1e-5)
    # Cameron-Trivedi by hand: mu = row total * column total / grand total
    y = np.array(a_counts + w_counts, float)
    cols = np.array(a_counts) + np.array(w_counts)
    mu = np.concatenate([ra * cols / (ra + rw), rw * cols / (ra + rw)])
    z = ((y - mu) ** 2 - y) / mu
    alpha = (mu * z).sum() / (mu**2).sum()
    s2 = ((z - alpha * mu) ** 2).sum() / (len(y) - 1)
    t = alpha / math.sqrt(s2 / (mu**2).sum())
    assert a["dispersion_statistic"] == pytest.approx(t, rel=1e-5)
    assert a["model"] == stats.POISSON
    assert "Poisson model kept" in a["model_choice"]


def test_overdispersed_counts_switch_to_negative_binomial():
    rng = np.random.default_rng(3)
    years = list(range(1990, 2010))
    # year-to-year swings far beyond Poisson noise, same in both groups on average
    swing = rng.gamma(1.5, 1 / 1.5, size=(2, len(years)))
    a = rng.poisson(300 * swing[0])
    w = rng.poisson(100 * swing[1])
    counts = pl.DataFrame({"g": ["A"] * 20 + ["W"] * 20, "year": years * 2,
                           "count": np.concatenate([a, w])})
    out = stats.rate_ratios(counts, pop(A=100_000, W=100_000), group="g", reference="W")
    row = out.filter(pl.col("g") == "A").row(0, named=True)
    assert row["model"].startswith(stats.NEGATIVE_BINOMIAL)
    assert row["dispersion_p_value"] < 0.05 and "negative binomial model used" in \
        row["model_choice"]
    # the negative binomial interval is wider than the naive Poisson one would be
    naive = math.sqrt(1 / a.sum() + 1 / w.sum())
    assert math.log(row["ratio_high"] / row["ratio_low"]) > 2 * Z * naive
    assert row["ratio_low"] < 3.0 < row["ratio_high"]


def test_groups_without_population_or_reference():
    counts = pl.DataFrame({"g": ["A", "W", "U", "Z"], "count": [30, 20, 5, 0]})
    population = pop(A=1000, W=1000, Z=1000)
    out = stats.rate_ratios(counts, population, group="g", reference="W")
    by = {r["g"]: r for r in out.iter_rows(named=True)}
    assert by["U"]["ratio"] is None and by["U"]["population"] is None
    assert by["Z"]["ratio"] == 0.0 and by["Z"]["ratio_high"] is None
    with pytest.raises(ValueError, match="reference group 'X'"):
        stats.rate_ratios(counts, population, group="g", reference="X")
    with pytest.raises(ValueError, match="no column 'race_ethnicity'"):
        stats.rate_ratios(counts, population)


@pytest.mark.parametrize("spelling", ["White", "white", "WHITE", " White "])
def test_the_reference_group_matches_without_regard_to_case(spelling):
    counts = pl.DataFrame({"race_ethnicity": ["Black", "White"], "count": [300, 100]})
    population = pl.DataFrame({"race_ethnicity": ["Black", "White"],
                               "population": [1000, 1000]})
    out = stats.rate_ratios(counts, population, reference=spelling)
    by = {r["race_ethnicity"]: r for r in out.iter_rows(named=True)}
    assert by["White"]["ratio"] == 1.0
    assert by["Black"]["ratio"] == pytest.approx(3.0)


def test_a_reference_that_is_not_a_name_is_a_type_error():
    counts = pl.DataFrame({"g": ["A", "W"], "count": [30, 20]})
    with pytest.raises(TypeError, match="reference must be a group name"):
        stats.rate_ratios(counts, pop(A=1000, W=1000), group="g", reference=1)


# --- trend ----------------------------------------------------------------------------


def test_trend_two_years_is_the_observed_counts():
    counts = pl.DataFrame({"conviction_year": [2000, 2001], "count": [100, 400]})
    out = stats.trend(counts, spline_df=1)
    assert out["fitted"].to_list() == pytest.approx([100, 400], rel=1e-6)
    # saturated log-linear fit: log-scale SE 1/sqrt(k) at each year
    assert out["fitted_low"].to_list() == pytest.approx(
        [100 * math.exp(-Z / 10), 400 * math.exp(-Z / 20)], rel=1e-5)
    assert out["fitted_high"].to_list() == pytest.approx(
        [100 * math.exp(Z / 10), 400 * math.exp(Z / 20)], rel=1e-5)


def test_trend_fills_missing_years_with_zero_and_recovers_growth():
    years = list(range(2000, 2012))
    values = [round(1000 * 1.1 ** (y - 2000)) for y in years]
    counts = pl.DataFrame({"conviction_year": years, "count": values})
    change = stats.change_per_year(counts)
    assert change["ratio"] == pytest.approx(1.1, abs=0.002)
    assert change["ratio_low"] < 1.1 < change["ratio_high"]
    gappy = pl.DataFrame({"year": [1990, 1993], "n": [5, 9]})
    out = stats.trend(gappy, year_col="year", count_col="n")
    assert out["year"].to_list() == [1990, 1991, 1992, 1993]
    assert out["count"].to_list() == [5, 0, 0, 9]
    assert (out["fitted_low"] <= out["fitted"]).all() and \
        (out["fitted"] <= out["fitted_high"]).all()


def test_trend_rejects_empty_input():
    with pytest.raises(ValueError, match="no counts"):
        stats.trend(pl.DataFrame(schema={"conviction_year": pl.Int32, "count": pl.Int64}))


def test_a_short_overdispersed_series_that_cameron_trivedi_misses_is_caught_by_pearson():
    # LAPD marijuana arrests of Black residents 2014-2019 (computed from the shared LAPD
    # file): six counts, before/after Proposition 64, swinging far beyond Poisson noise
    y = np.array([635, 532, 491, 171, 408, 340], float)
    after = np.array([0, 0, 0, 1, 1, 1], float)
    x = np.column_stack([np.ones(6), after])
    fit = stats.fit_counts(y, x)
    d = fit.dispersion
    # by hand: the Poisson fit is each side's mean; X2 against chi-square on 4 df
    mu = np.where(after == 1, y[3:].mean(), y[:3].mean())
    x2 = (((y - mu) ** 2) / mu).sum()
    assert d.pearson_ratio == pytest.approx(x2 / 4, rel=1e-6)
    assert d.pearson_p_value == pytest.approx(scipy.stats.chi2.sf(x2, 4), rel=1e-6)
    assert d.p_value > 0.05 and d.pearson_p_value < 1e-10  # only Pearson rejects
    assert fit.model == stats.NEGATIVE_BINOMIAL
    assert "overdispersed (Pearson): negative binomial model used" in d.describe()
    # the negative binomial interval of the ratio is wider than the Poisson one
    naive = math.sqrt(1 / y[:3].sum() + 1 / y[3:].sum())
    assert float(fit.result.bse[-1]) > 3 * naive


@pytest.mark.parametrize(("ct", "pearson", "expected"), [
    (0.3, 0.6, "(one-sided p = 0.3); Pearson chi-square / df = 1.10 (p = 0.6, 4 df); "
               "no evidence of overdispersion: Poisson model kept"),
    (0.01, 1e-30, "(one-sided p = 0.01); Pearson chi-square / df = 1.10 (p < 0.001, 4 df);"
                  " overdispersed (Cameron-Trivedi and Pearson)"),
    (0.0004, 0.2, "(one-sided p < 0.001); Pearson chi-square / df = 1.10 (p = 0.2, 4 df); "
                  "overdispersed (Cameron-Trivedi): negative binomial model used"),
])
def test_the_model_choice_names_each_test_and_which_rejected(ct, pearson, expected):
    text = stats.Dispersion(0.1, 2.0, ct, 1.1, 4, pearson).describe()
    assert expected in text and "p = 0," not in text


# --- person-clustered rate ratios (analysis.disparity) --------------------------------

# A hand-worked list: twelve people, some holding several convictions. Group A has
# 1,000 residents, group W 2,000.
HAND = {  # person: (group, convictions held)
    "p01": ("A", 1), "p02": ("A", 1), "p03": ("A", 3), "p04": ("A", 1), "p05": ("A", 2),
    "p06": ("A", 5), "p07": ("A", 1), "p08": ("W", 1), "p09": ("W", 2), "p10": ("W", 1),
    "p11": ("W", 1), "p12": ("W", 4),
}
HAND_POP = {"A": 1000, "W": 2000}


def _hand_cases(people: dict[str, tuple[str, int]]) -> pl.DataFrame:
    """One row per conviction of the hand-worked list."""
    rows = [(pid, g) for pid, (g, m) in people.items() for _ in range(m)]
    return pl.DataFrame({"person_id": [r[0] for r in rows], "g": [r[1] for r in rows]})


def _hand_population(pops: dict[str, int]) -> pl.DataFrame:
    return pl.DataFrame({"g": list(pops), "population": list(pops.values())})


@pytest.mark.parametrize("people", [
    HAND,
    # the same groups, one person with a great many convictions
    HAND | {"p06": ("A", 14)},
    # nobody holds more than one: the interval is the Poisson one (less 1/P)
    {p: (g, 1) for p, (g, _) in HAND.items()},
])
def test_the_disparity_interval_matches_a_person_clustered_recomputation_by_hand(people):
    held = disparity.convictions_held(_hand_cases(people), group="g")
    out = disparity.clustered_ratios(held, _hand_population(HAND_POP), reference="W",
                                     group="g")
    a = out.filter(pl.col("g") == "A").row(0, named=True)
    # by hand: every resident is a cluster holding m convictions (0 for most of them);
    # the sandwich of the group's log rate is (sum m^2 - N^2 / P) / N^2
    m = {g: np.array([k for gg, k in people.values() if gg == g], float) for g in HAND_POP}
    n = {g: m[g].sum() for g in m}
    var = {g: ((m[g] ** 2).sum() - n[g] ** 2 / HAND_POP[g]) / n[g] ** 2 for g in m}
    ratio = (n["A"] / 1000) / (n["W"] / 2000)
    se = math.sqrt(var["A"] + var["W"])
    assert a["ratio"] == pytest.approx(ratio, rel=1e-9)
    assert a["ratio_low"] == pytest.approx(ratio * math.exp(-Z * se), rel=1e-6)
    assert a["ratio_high"] == pytest.approx(ratio * math.exp(Z * se), rel=1e-6)
    # the naive interval treats each conviction as an independent Poisson event
    naive = math.sqrt(1 / n["A"] + 1 / n["W"])
    assert a["naive_low"] == pytest.approx(ratio * math.exp(-Z * naive), rel=1e-9)
    assert a["widening"] == pytest.approx(se / naive, rel=1e-6)
    # people per resident: each person once, Poisson interval
    k = {g: len(m[g]) for g in m}
    assert (a["convictions"], a["people"]) == (int(n["A"]), k["A"])
    assert a["people_ratio"] == pytest.approx((k["A"] / 1000) / (k["W"] / 2000), rel=1e-9)
    assert a["people_ratio_high"] == pytest.approx(
        a["people_ratio"] * math.exp(Z * math.sqrt(1 / k["A"] + 1 / k["W"])), rel=1e-9)


def test_the_clustered_interval_is_the_generic_sandwich_over_every_resident():
    # the same interval from the textbook sandwich over the expanded list of residents:
    # design [1, in A], Poisson scores x_i (y_i - mu_i), one cluster per resident
    y, a = [], []
    for g, pop_g in HAND_POP.items():
        held_g = [k for gg, k in HAND.values() if gg == g]
        y += held_g + [0] * (pop_g - len(held_g))
        a += [float(g == "A")] * pop_g
    y, x = np.array(y, float), np.column_stack([np.ones(len(a)), a])
    mu = np.where(x[:, 1] == 1, y[x[:, 1] == 1].mean(), y[x[:, 1] == 0].mean())
    bread = np.linalg.inv(x.T @ (x * mu[:, None]))
    scores = x * (y - mu)[:, None]
    cov = bread @ (scores.T @ scores) @ bread
    held = disparity.convictions_held(_hand_cases(HAND), group="g")
    out = disparity.clustered_ratios(held, _hand_population(HAND_POP), reference="W",
                                     group="g").filter(pl.col("g") == "A").row(0, named=True)
    assert math.log(out["ratio_high"] / out["ratio"]) == pytest.approx(
        Z * math.sqrt(cov[1, 1]), rel=1e-6)
    # wider than the naive interval, since some people hold several convictions
    assert out["widening"] > 1.2


def test_convictions_held_counts_people_by_what_they_hold():
    out = disparity.convictions_held(_hand_cases(HAND), group="g")
    expected = pl.DataFrame({"g": ["A", "A", "A", "A", "W", "W", "W"],
                             "held": [1, 2, 3, 5, 1, 2, 4], "people": [4, 1, 1, 1, 3, 1, 1]})
    assert_frame_equal(out, expected, check_dtypes=False)


def test_the_crude_ratio_of_the_synthetic_list_recomputed_from_its_rows():
    # the headline ratio a second way: plain Python over the case rows and the Census
    # table as published, against the page's own computation
    cases = synth.generate(seed=2020)
    rows = cases.select(pl.col("race_ethnicity").cast(pl.String), "person_id").rows()
    convictions = Counter(g for g, _ in rows)
    residents = dict(reference.population_by_race(2019).select(
        pl.col("race_ethnicity").cast(pl.String), "population").iter_rows())
    population = reference.population_by_race(2019).with_columns(
        pl.col("race_ethnicity").cast(pl.String))
    out = disparity.clustered_ratios(disparity.convictions_held(cases), population,
                                     reference="White")
    for row in out.filter(pl.col("race_ethnicity") != "White").iter_rows(named=True):
        g = row["race_ethnicity"]
        by_hand = (convictions[g] / residents[g]) / (convictions["White"] / residents["White"])
        assert row["ratio"] == pytest.approx(by_hand, rel=1e-9)
        assert row["convictions"] == convictions[g]
        assert row["people"] == len({p for gg, p in rows if gg == g})
        assert row["ratio_low"] < by_hand < row["ratio_high"]


# --- the sensitivity of the ratios ----------------------------------------------------

def _scenarios(out: pl.DataFrame, group: str) -> dict[str, float | None]:
    return dict(zip(out["scenario"].to_list(), out[group].to_list(), strict=True))


def test_every_sensitivity_scenario_by_hand():
    counts = {"A": 300, "W": 100}
    pops = _hand_population({"A": 1000, "W": 2000})
    other = _hand_population({"A": 1200, "W": 1800})
    out = disparity.sensitivity(counts, pops, reference="W", group="g", unknown=40,
                                population_other=other, unfound=600,
                                by_motion=({"A": 200, "W": 50}, {"A": 100, "W": 50}))
    assert out["scenario"].to_list() == [s for _, s in disparity.SCENARIOS]
    got = _scenarios(out, "A")
    rr = (300 / 1000) / (100 / 2000)  # 6
    even = {"A": 1000 / 3000, "W": 2000 / 3000}  # residents' shares
    expected = [
        rr,
        (300 / 1200) / (100 / 1800),
        rr,
        (300 / 1000) / (140 / 2000),
        (340 / 1000) / (100 / 2000),
        rr,
        ((300 + 600 * even["A"]) / 1000) / ((100 + 600 * even["W"]) / 2000),
        (200 / 1000) / (50 / 2000),
        ((200 + 150 * even["A"]) / 1000) / ((50 + 150 * even["W"]) / 2000),
    ]
    assert list(got.values()) == pytest.approx(expected, rel=1e-12)


def test_a_scenario_without_the_counts_it_needs_is_blank():
    out = disparity.sensitivity({"A": 300, "W": 100}, _hand_population({"A": 1000, "W": 2000}),
                                reference="W", group="g")
    got = _scenarios(out, "A")
    blank = [s for s, v in got.items() if v is None]
    assert len(blank) == 6 and got["as shown above"] == pytest.approx(6.0)
    with pytest.raises(ValueError, match="reference group 'X'"):
        disparity.sensitivity({"A": 3}, _hand_population({"A": 10}), reference="X", group="g")


# --- the trend's step ---------------------------------------------------------------

@pytest.mark.parametrize("jump", [2.0, 3.5])
def test_the_trend_recovers_the_step_a_list_starting_late_makes(jump):
    years = list(range(1975, 1996))
    values = [round(200 * 1.02 ** (y - 1975) * (jump if y >= 1985 else 1)) for y in years]
    counts = pl.DataFrame({"conviction_year": years, "count": values})
    stepped = stats.trend(counts, spline_df=1, step=1985).row(0, named=True)
    smooth = stats.trend(counts, spline_df=1).row(0, named=True)
    assert stepped["step_ratio"] == pytest.approx(jump, rel=0.01)
    assert stepped["step_low"] < jump < stepped["step_high"]
    assert "with a step from 1985" in stepped["model"]
    # by hand: the Pearson chi-square / df of the smooth alone is far above 1, with the
    # step it is about the rounding's
    assert smooth["pearson_ratio"] > 10 and stepped["pearson_ratio"] < 1
    assert (stepped["df_resid"], smooth["df_resid"]) == (len(years) - 3, len(years) - 2)
    assert smooth["step_ratio"] is None


def test_a_step_outside_the_years_is_left_out():
    counts = pl.DataFrame({"conviction_year": [1990, 1991, 1992], "count": [10, 12, 15]})
    out = stats.trend(counts, spline_df=1, step=1985).row(0, named=True)
    assert out["step_ratio"] is None and "step" not in out["model"]
