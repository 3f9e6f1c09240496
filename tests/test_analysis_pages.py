"""The analysis pages (notebooks 02-05): reader tables and charts suppress, notebooks render.

The view tests are fast; the notebook tests run papermill on a small sample of the
synthetic data (marked slow).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from pathlib import Path

import polars as pl
import pytest
import yaml
from conftest import count_table, execute_notebook

from analysis import aggregate, paths, provenance, reader, schema, synth
from analysis.outputs import Table
from analysis.reader import disparities, overview, uncertainty

# --- reader: every table and chart shows the release's hidden cells as hidden ----------


@pytest.fixture
def race_counts():
    frame = pl.DataFrame({"race_ethnicity": ["Latino", "Black", "White", "Other"],
                          "convictions": [400, 7, 35, 120]})
    return count_table("by-race", frame, ["race_ethnicity"], {"convictions": "convictions"},
                       hidden={"convictions": [1, 2]})


def test_bar_chart_leaves_out_hidden_cells_and_says_so(race_counts):
    chart = overview.bar_chart(race_counts, category="race_ethnicity", title="t", source="s")
    spec = chart.to_dict()
    values = [row["convictions"] for row in spec["datasets"][next(iter(spec["datasets"]))]]
    assert sorted(values) == [120, 400]  # 7 and its complement 35 are not drawn
    assert "7" not in re.findall(r"\d+", spec["description"])
    assert "35" not in spec["description"] and "Black: suppressed" in spec["description"]


def _places(hidden: list[int]):
    frame = pl.DataFrame({"jurisdiction": [f"Place {i:02d}" for i in range(30)],
                          "convictions": [100 + 37 * ((i * 7) % 30) for i in range(30)]})
    return count_table("by-place", frame, ["jurisdiction"], {"convictions": "convictions"},
                       hidden={"convictions": hidden})


@pytest.mark.parametrize("hidden", [[], [3, 4]])
def test_a_long_chart_draws_the_largest_bars_sorted_and_the_rest_as_published(hidden):
    table = _places(hidden)
    spec = overview.bar_chart(table, category="jurisdiction", title="t", source="s",
                              top=20).to_dict()
    rows = spec["datasets"][next(iter(spec["datasets"]))]
    shown = table.protected(as_text=False).filter(pl.col("convictions").is_not_null()) \
        .sort("convictions", descending=True)
    largest = shown.head(20)
    drawn = [r["jurisdiction"] for r in rows]
    assert drawn[:20] == largest["jurisdiction"].to_list()
    assert spec["encoding"]["y"]["sort"] == drawn  # in order of value, the rest last
    note = " ".join(spec["title"]["subtitle"])
    assert "20 largest of 30 rows" in note and "in the table" in note
    if hidden:  # a hidden count among the rest: no bar that would give it back
        assert len(rows) == 20 and "2 of them hidden" in note
    else:  # the rest together: the table's own shown figures added up
        assert rows[-1] == {"jurisdiction": "the other 10 together",
                            "convictions": shown["convictions"].sum() -
                            largest["convictions"].sum()}


def test_a_race_chart_gives_each_group_its_colour_and_can_point_to_its_table(race_counts):
    spec = overview.bar_chart(race_counts, category="race_ethnicity", title="t", source="s",
                              data_table="By race").to_dict()
    scale = spec["encoding"]["color"]["scale"]
    from analysis import charts
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == {
        g: charts.RACE_COLOURS[g] for g in ("Latino", "Other")}
    assert "Its figures are in the table \u201cBy race\u201d" in spec["description"]
    assert "Latino: 400" in spec["description"]  # the largest still said


def test_a_chart_with_every_cell_hidden_becomes_a_note():
    frame = pl.DataFrame({"race_ethnicity": ["Latino", "Black"], "convictions": [3, 4]})
    tiny = count_table("tiny", frame, ["race_ethnicity"], {"convictions": "convictions"},
                       hidden={"convictions": [0, 1]})
    out = overview.bar_chart(tiny, category="race_ethnicity", title="Tiny", source="s")
    assert "no chart" in out.data and "3" not in out.data


def _race(counts: list[int], hidden: list[int], groups=("Latino", "Black", "White", "Other"),
          people: list[int] | None = None):
    """Convictions and people by race (people: about four in five of the convictions),
    with the rows at ``hidden`` hidden in both columns."""
    people = people or [max(1, c * 4 // 5) for c in counts]
    frame = pl.DataFrame({"race_ethnicity": list(groups), "convictions": counts,
                          "people": people})
    return count_table("race", frame, ["race_ethnicity"],
                       {"convictions": "convictions", "people": "people"},
                       hidden={"convictions": hidden, "people": hidden})


def _held(table) -> pl.DataFrame:
    """People by convictions held that add up to the table's counts: each person holds
    one or two (the counts hold at most two convictions per person)."""
    rows = []
    for g, n, k in table.frame.select("race_ethnicity", "convictions", "people").iter_rows():
        assert k <= n <= 2 * k
        rows += [(g, h, c) for h, c in ((1, 2 * k - n), (2, n - k)) if c]
    frame = pl.DataFrame(rows, schema={"race_ethnicity": pl.String, "held": pl.Int64,
                                       "people": pl.Int64}, orient="row")
    shown = table.protected(as_text=False).filter(pl.col("convictions").is_not_null())
    return frame.filter(pl.col("race_ethnicity").is_in(shown["race_ethnicity"].to_list()))


POPULATION = pl.DataFrame({"race_ethnicity": ["Latino", "Black", "White", "Other"],
                           "population": [1_000_000, 500_000, 800_000, 100_000]})


def test_rates_table_blanks_the_rates_of_a_hidden_count():
    out = disparities.rates_table(_race([5000, 4, 3000, 900], [1, 3]), POPULATION)
    shown = reader.table(out, "rates", basis=provenance.Basis("synthetic"))
    rows = list(csv.DictReader(io.StringIO(shown.csv)))
    black = next(r for r in rows if r["race_ethnicity"] == "Black")
    assert black["convictions"] == black["people"] == ""
    assert black["convictions_hidden"] == black["people_hidden"] == "true"
    assert black["conviction_rate"] == "" and black["people_rate_high"] == ""
    assert [r["race_ethnicity"] for r in rows if r["people_rate"] == ""] == ["Black", "Other"]
    latino = next(r for r in rows if r["race_ethnicity"] == "Latino")
    assert float(latino["conviction_rate"]) == pytest.approx(50.0)
    assert float(latino["people_rate"]) == pytest.approx(40.0)  # 4,000 people


@pytest.mark.parametrize("reference", ["White", "white"])
def test_ratios_are_all_hidden_when_the_reference_count_is(reference):
    counts = _race([500, 300, 6, 40], [2, 3])
    table, note = disparities.ratios_table(counts, _held(counts), POPULATION,
                                           reference=reference)
    shown = table.protected(as_text=False)
    assert shown["ratio"].null_count() == shown["people_ratio"].null_count() == table.frame.height
    assert "hidden" in note


def test_ratios_use_only_the_counts_a_page_shows():
    counts = _race([500, 300, 800, 40], [3])
    shown = disparities.ratios_table(counts, _held(counts), POPULATION)[0]
    alone = _race([500, 300, 800], [], ("Latino", "Black", "White"))
    without = disparities.ratios_table(alone, _held(alone), POPULATION)[0]
    ratio = shown.protected(as_text=False).filter(pl.col("race_ethnicity") == "Black")
    other = without.protected(as_text=False).filter(pl.col("race_ethnicity") == "Black")
    for column in ("ratio", "ratio_low", "ratio_high", "people_ratio"):
        assert ratio[column][0] == pytest.approx(other[column][0])
    assert shown.protected(as_text=False)["ratio"][3] is None


def test_the_ratio_interval_widens_with_people_holding_several_convictions():
    counts = _race([500, 300, 800], [], ("Latino", "Black", "White"), people=[500, 150, 800])
    table, note = disparities.ratios_table(counts, _held(counts), POPULATION)
    black = table.frame.filter(pl.col("race_ethnicity") == "Black").row(0, named=True)
    # 150 Black people hold two convictions each, every White person one
    clustered = ((600 - 300**2 / 500_000) / 300**2 + (800 - 800**2 / 800_000) / 800**2) ** 0.5
    assert black["ratio"] == pytest.approx((300 / 500_000) / (800 / 800_000))
    assert math.log(black["ratio_high"] / black["ratio"]) == pytest.approx(
        1.959963984540054 * clustered, rel=1e-6)
    assert clustered > 1.3 * (1 / 300 + 1 / 800) ** 0.5
    assert "person-clustered" in note and "times as wide" in note


def test_trend_table_years_are_labels_and_hidden_years_shown_hidden():
    frame = pl.DataFrame({"conviction_year": ["2000", "2001", "2002"], "count": [50, 4, 60]})
    counts = count_table("trend", frame, ["conviction_year"], {"count": "convictions"},
                         hidden={"count": [1]})
    fitted = pl.DataFrame({"conviction_year": [2000, 2001, 2002], "count": [50, 4, 60],
                           "fitted": [40.2, 30.6, 45.1], "fitted_low": [30.0, 20.0, 35.0],
                           "fitted_high": [50.0, 40.0, 55.0]})
    out = disparities.trend_table(counts, fitted).protected()
    assert out["conviction_year"].to_list() == ["2000", "2001", "2002"]
    assert out["count"].to_list() == ["50", "suppressed", "60"]


def test_the_trend_is_fitted_without_the_hidden_years():
    years = [str(y) for y in range(2000, 2010)]
    values = [40, 44, 47, 52, 5, 61, 66, 70, 77, 83]
    frame = pl.DataFrame({"conviction_year": years, "count": values})
    hidden = count_table("trend", frame, ["conviction_year"], {"count": "convictions"},
                         hidden={"count": [4]})
    other = count_table("trend", frame.with_columns(
        count=pl.Series([*values[:4], 900, *values[5:]])), ["conviction_year"],
        {"count": "convictions"}, hidden={"count": [4]})
    first = disparities.fit_trend(hidden, spline_df=1)["fitted"].to_list()
    assert first == pytest.approx(disparities.fit_trend(other, spline_df=1)["fitted"].to_list())


def test_every_agency_is_on_one_profile_page():
    config = yaml.safe_load(paths.REPORTS_CONFIG.read_text(encoding="utf-8"))["reports"]
    profile = next(r for r in config if r["notebook"] == "05_agency_profile.ipynb")
    covered = [a for p in profile["parameters"] for a in schema.agency_members(p["agency"])]
    assert sorted(covered) == sorted(schema.AGENCIES)  # each agency once, none left out
    notebooks = {r["notebook"] for r in config}
    assert {"02_overview.ipynb", "03_explorer.ipynb", "04_disparities.ipynb"} <= notebooks


# --- notebooks through papermill ------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory, synthetic):
    """About one case in a hundred: small enough to be quick, big enough for cells."""
    rows = synthetic.filter(synthetic["case_id"].str.ends_with("17"))
    return synth.write(rows, tmp_path_factory.mktemp("sample") / "sample.parquet")


def run(notebook: str, out_dir, **parameters) -> tuple[str, list[dict]]:
    """Execute a notebook; return its outputs' text and the CSVs of its tables."""
    out = out_dir / f"{notebook}-{abs(hash(str(parameters)))}.ipynb"
    nb = execute_notebook(notebook, out, parameters)
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    # what the page shows: the prose cells and every output
    text = "".join(c.source for c in nb.cells if c.cell_type == "markdown") + \
        "".join(str(o) for o in outputs)
    # every table as the renderer reads it (analysis.outputs)
    found = [Table.from_bundle(o.get("data") or {}) for o in outputs]
    tables = [{"name": t.name, "rows": [_hidden_as_label(r) for r in
                                        csv.DictReader(io.StringIO(t.csv))]}
              for t in found if t is not None]
    return text, tables


def _hidden_as_label(row: dict) -> dict:
    """A CSV row with each hidden count (empty, its ``_hidden`` flag true) as the
    label the page shows."""
    return {c: "suppressed" if v == "" and row.get(f"{c}_hidden") == "true" else v
            for c, v in row.items()}


def no_identifiers(text: str) -> None:
    assert not re.search(r"\b(D20|C21|P0)\d", text) and "person_id" not in text


def small_cells_hidden(tables: list[dict]) -> None:
    for table in tables:
        for row in table["rows"]:
            for column in ("convictions", "people", "count"):
                value = row.get(column, "")
                if value.replace(",", "").isdigit():
                    assert int(value.replace(",", "")) == 0 or \
                        int(value.replace(",", "")) >= 11, (table["name"], row)


EXPLORER_CASES = [
    ({}, "all cases"),
    ({"batch": "sep2021", "group_by": "conviction_decade,charge_level"}, "September 2021 motion"),
    ({"year_from": 1990, "year_to": 1999, "level": "felony", "group_by": "race"},
     "convicted from 1990 to 1999"),
    ({"agency": "Long Beach city prosecutor", "group_by": "year"},
     "prosecuting agency Long Beach city prosecutor"),
    ({"jurisdiction": "Compton", "group_by": "offense_type,race_ethnicity"},
     "jurisdiction Compton"),
    ({"batch": "sep2021", "level": "felony", "year_from": 2017}, "No cases match"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("params", "message"), [
    ({"batch": 2021}, "filter 'batch' takes a name or a list of names (str), not int 2021"),
    ({"level": "Felonies"}, "unknown charge_level 'Felonies'; choose from felony, "),
])
def test_explorer_names_a_bad_parameter_in_one_line(tmp_path, sample, params, message):
    """papermill -p batch 2021 (an int where the notebook wants a motion name): the
    failing cell says which filter and why, not 'int is not iterable'."""
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as err:
        execute_notebook("03_explorer.ipynb", tmp_path / "out.ipynb",
                         {"data_path": str(sample), **params})
    assert message in err.value.evalue


@pytest.fixture(scope="module")
def explorer_release(tmp_path_factory, sample) -> Path:
    """One release plan for every explorer case, made once as the renderer makes a site's
    plan (the explorer report of a config holding these parameter sets), so each run
    reads it instead of protecting the configured site again with its own page; that
    path is taken by the agency page of an agency no page is configured for."""
    import analysis
    from analysis import release
    from analysis.site import load_config, plan_pages

    report = next(r for r in load_config() if r["notebook"] == "03_explorer.ipynb")
    report = dict(report, parameters=[dict(p) for p, _ in EXPLORER_CASES])
    cases, source = analysis.open_cases(str(sample))
    cache = tmp_path_factory.mktemp("explorer-release")
    return release.site_plan(plan_pages([report], data=sample), cases, source.sha256,
                             cache=cache)[0]


@pytest.mark.slow
@pytest.mark.parametrize(("params", "expect"), EXPLORER_CASES,
                         ids=[str(i) for i in range(len(EXPLORER_CASES))])
def test_explorer_renders(tmp_path, monkeypatch, sample, explorer_release, params, expect):
    from analysis import release

    monkeypatch.setenv(release.ENV, str(explorer_release))  # the kernel reads the plan
    text, tables = run("03_explorer.ipynb", tmp_path, data_path=str(sample), **params)
    assert expect in text
    assert "user-supplied file sample.parquet" in text
    no_identifiers(text)
    small_cells_hidden(tables)
    if expect == "No cases match":
        assert "explorer-counts" not in text and "Nothing to count" in text
        return
    # the page's total equals an independent count over the same rows
    cases = pl.read_parquet(sample)
    filters = aggregate.Filters(
        batch=params.get("batch"), year_from=params.get("year_from"),
        year_to=params.get("year_to"), charge_level=params.get("level"),
        prosecuting_agency=params.get("agency"), jurisdiction=params.get("jurisdiction"))
    want = sum(1 for r in cases.iter_rows(named=True)
               if all(v is None or r[k] == v for k, v in (
                   ("batch", filters.batch), ("charge_level", filters.charge_level),
                   ("prosecuting_agency", filters.prosecuting_agency),
                   ("jurisdiction", filters.jurisdiction)))
               and (filters.year_from is None or r["conviction_date"].year >= filters.year_from)
               and (filters.year_to is None or r["conviction_date"].year <= filters.year_to))
    total = next(t for t in tables if t["name"] == "explorer-total")["rows"][0]["convictions"]
    # shown as counted, or hidden (always when small; a larger one may be a complement)
    assert total == "suppressed" if 0 < want < 11 else total in (str(want), "suppressed")
    assert "<svg" in text or "no chart, because every count in it is suppressed" in text


@pytest.mark.slow
def test_overview_renders_the_whole_story(tmp_path, sample):
    text, tables = run("02_overview.ipynb", tmp_path, data_path=str(sample))
    names = {t["name"] for t in tables}
    assert {"overview-totals", "overview-level", "overview-decade", "overview-race",
            "overview-per-person", "overview-people-motions"} <= names
    totals = next(t for t in tables if t["name"] == "overview-totals")["rows"]
    cases = pl.read_parquet(sample)
    per_batch = Counter(cases["batch"].cast(pl.String).to_list())
    assert [r["convictions"] for r in totals] == [
        str(per_batch["feb2020"]), str(per_batch["sep2021"]), str(cases.height)]
    assert text.count("<svg") >= 3 and "What these numbers do not show" in text
    no_identifiers(text)
    small_cells_hidden(tables)


@pytest.mark.slow
def test_disparities_renders_with_its_findings_first(tmp_path, sample):
    text, tables = run("04_disparities.ipynb", tmp_path, data_path=str(sample))
    assert text.index("What this page finds") < text.index("The data")
    assert "person-clustered" in text and "What dominates the uncertainty" in text
    assert "A recent population stands in for the population at conviction time" in text
    assert "No Census count by race for the years of conviction was found" in text
    assert "has no population" in text and "Trend model:" in text
    names = {t["name"] for t in tables}
    assert {"disparities-rates", "disparities-rate-ratios", "disparities-sensitivity",
            "disparities-trend", "disparities-population"} <= names
    no_identifiers(text)
    small_cells_hidden(tables)


@pytest.mark.slow
@pytest.mark.parametrize("agency", ["District Attorney", "Hermosa Beach city prosecutor"])
def test_agency_profile_renders(tmp_path, sample, agency):
    text, tables = run("05_agency_profile.ipynb", tmp_path, data_path=str(sample),
                       agency=agency)
    assert f"{agency}: convictions" in text or "No cases match" in text
    no_identifiers(text)
    small_cells_hidden(tables)


def test_the_city_prosecutors_page_counts_each_of_the_ten_and_only_them(synthetic):
    from analysis.release import counts

    tables = counts.agency_profile("p", synthetic, agency="city prosecutors")
    each = next(t for t in tables.tables if t.name == "agency-each")
    shown = set(each.frame["prosecuting_agency"].cast(pl.String))
    assert shown and shown <= set(schema.AGENCIES[1:])
    # rows it leaves out are declared zero only within the ten: never the District Attorney
    assert all(schema.DISTRICT_ATTORNEY not in dict(c.where).get("prosecuting_agency", ())
               for t in tables.tables for c in t.zeros)
    single = counts.agency_profile("p", synthetic, agency="Long Beach city prosecutor")
    assert "agency-each" not in single


def test_a_list_without_the_reference_group_shows_no_ratio_and_says_why():
    counts = _race([500, 300, 40], [], ("Latino", "Black", "Other"))
    table, choice = disparities.ratios_table(counts, _held(counts), POPULATION,
                                             reference="White")
    assert table.protected(as_text=False)["ratio"].null_count() == table.frame.height
    assert "no White convictions" in choice
    chart = disparities.ratio_chart(table, reference="White", title="t", source="s")
    assert "no chart" in chart.data
    with pytest.raises(ValueError, match="'Whit' is not among"):
        disparities.ratios_table(counts, _held(counts), POPULATION, reference="Whit")


def test_a_trend_bound_beyond_any_count_is_left_blank():
    frame = pl.DataFrame({"conviction_year": ["2000", "2001"], "count": [50, 60]})
    counts = count_table("trend", frame, ["conviction_year"], {"count": "convictions"})
    fitted = pl.DataFrame({"conviction_year": [2000, 2001], "count": [50, 60],
                           "fitted": [49.6, 60.2], "fitted_low": [30.0, 40.0],
                           "fitted_high": [70.0, 3.78e19]})
    out = disparities.trend_table(counts, fitted).frame
    assert out["fitted_high"].to_list() == [70, None] and out["fitted"].to_list() == [50, 60]


# --- the disparities page's findings, sensitivity and step -----------------------------

def _motions(early: list[int], late: list[int], groups=("Latino", "Black", "White", "Other"),
             hidden: list[int] | None = None):
    frame = pl.DataFrame({"batch": ["February 2020 motion"] * len(groups)
                          + ["September 2021 motion"] * len(groups),
                          "race_ethnicity": list(groups) * 2, "convictions": early + late})
    return count_table("disparities-race-by-motion", frame, ["batch", "race_ethnicity"],
                       {"convictions": "convictions"}, hidden={"convictions": hidden or []})


def _page(counts, hidden, early, late, motions_hidden=None, eligible=5000):
    race = _race(counts, hidden)
    ratios, _ = disparities.ratios_table(race, _held(race), POPULATION)
    sens = uncertainty.sensitivity(race, _motions(early, late, hidden=motions_hidden),
                                   POPULATION, POPULATION, reference="White",
                                   eligible=eligible)
    return race, ratios, sens


def test_the_sensitivity_uses_only_shown_counts_and_blanks_what_it_cannot_give():
    race, ratios, sens = _page([500, 300, 800, 40], [], [300, 200, 500, 20],
                               [200, 100, 300, 20])
    black = dict(zip(sens["scenario"], sens["Black"], strict=True))
    rr = (300 / 500_000) / (800 / 800_000)
    assert black["as shown above"] == pytest.approx(rr)
    assert black["the February 2020 motion alone"] == pytest.approx(
        (200 / 500_000) / (500 / 800_000))
    share = {"Latino": 1e6 / 2.4e6, "Black": 5e5 / 2.4e6, "White": 8e5 / 2.4e6,
             "Other": 1e5 / 2.4e6}
    unfound = 5000 - 1640
    assert black["unfound convictions spread evenly over residents"] == pytest.approx(
        ((300 + unfound * share["Black"]) / 5e5) / ((800 + unfound * share["White"]) / 8e5))
    # a hidden motion count blanks the motion rows; a hidden group takes no part
    _, _, hidden = _page([500, 300, 800, 40], [3], [300, 200, 500, 20], [200, 100, 300, 20],
                         motions_hidden=[1])
    rows = dict(zip(hidden["scenario"], hidden["Black"], strict=True))
    assert rows["the February 2020 motion alone"] is None and "Other" not in hidden.columns
    # with a count hidden the list's total is unknown, so are the unfound
    assert rows["unfound convictions spread evenly over residents"] is None


def test_the_findings_say_what_dominates_and_never_show_a_hidden_count():
    race, ratios, sens = _page([50_000, 30_000, 80_000, 4000], [],
                               [30_000, 20_000, 50_000, 2000], [20_000, 10_000, 30_000, 2000],
                               eligible=400_000)
    rates = disparities.rates_table(race, POPULATION)
    text = uncertainty.findings(rates, ratios, sens, None, reference="White", per=10_000,
                                step=None, population_year=2019).data
    assert "Black residents had 600.0 dismissed convictions per 10,000" in text
    assert "0.60 times the White rate (95% interval 0.59 to 0.61" in text
    assert "most of all unfound convictions" in text
    said = uncertainty.dominance(sens, ratios, "White").data
    assert said.index("unfound convictions") < said.index("Unknown race")
    # the reference group hidden: no ratio, plain words
    race, ratios, _ = _page([500, 300, 800, 40], [2], [300, 200, 500, 20],
                            [200, 100, 300, 20])
    text = uncertainty.findings(disparities.rates_table(race, POPULATION), ratios, None, None,
                                reference="White", per=10_000, step=None,
                                population_year=2019).data
    assert "No rate ratio can be shown" in text and "800" not in text


@pytest.mark.parametrize(("batches", "years", "expected"), [
    (["feb2020", "sep2021"], [1980, 1990], 1985),
    (["feb2020", "feb2020"], [1980, 1990], None),  # no court list: no step
    (["sep2021", "sep2021"], [1986, 1990], None),  # nothing before the court list
])
def test_the_step_is_fitted_only_where_the_list_can_show_it(batches, years, expected):
    from datetime import date

    cases = pl.DataFrame({"batch": batches,
                          "conviction_date": [date(y, 6, 1) for y in years]})
    assert disparities.court_step(cases, 1985) == expected
    assert disparities.court_step(cases, 0) is None


def test_the_trend_with_a_step_says_its_fit_in_words():
    years = [str(y) for y in range(1975, 1996)]
    values = [200 + 3 * i + (400 if int(y) >= 1985 else 0) for i, y in enumerate(years)]
    table = count_table("trend", pl.DataFrame({"conviction_year": years, "count": values}),
                        ["conviction_year"], {"count": "convictions"})
    fitted = disparities.fit_trend(table, spline_df=2, step=1985)
    text = disparities.trend_model(fitted, 1985).data
    assert "with a step from 1985" in text and "The step:" in text
    assert fitted["pearson_without_step"][0] > 10 * fitted["pearson_ratio"][0]
    assert "scatter about as much as chance alone" in text
    assert re.search(r"without the step, \d+\.\d times", text)
    assert "No step" in disparities.trend_model(
        disparities.fit_trend(table, spline_df=2), None).data
