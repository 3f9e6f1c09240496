"""The analysis pages (notebooks 02-05): reader tables and charts suppress, notebooks render.

The view tests are fast; the notebook tests run papermill on a small sample of the
synthetic data (marked slow).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

import polars as pl
import pytest
import yaml
from conftest import count_table, execute_notebook

from analysis import aggregate, paths, provenance, reader, schema, synth
from analysis.outputs import Table
from analysis.reader import disparities, overview

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
    """People by convictions held that add up to the table's counts: everyone holds one
    but one person per group, who holds the rest."""
    rows = []
    for g, n, k in table.frame.select("race_ethnicity", "convictions", "people").iter_rows():
        rows += [(g, 1, k - 1), (g, n - (k - 1), 1)] if n > k else [(g, 1, k)]
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
    assert black["convictions"] == "suppressed" and black["people"] == "suppressed"
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
    naive = 1.959963984540054 * (1 / 300 + 1 / 800) ** 0.5
    assert black["ratio"] == pytest.approx((300 / 500_000) / (800 / 800_000))
    assert black["ratio_high"] / black["ratio"] > 1.3 * (2.718281828459045 ** naive)
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


def test_every_agency_has_a_profile_page():
    config = yaml.safe_load(paths.REPORTS_CONFIG.read_text(encoding="utf-8"))["reports"]
    profile = next(r for r in config if r["notebook"] == "05_agency_profile.ipynb")
    assert sorted(p["agency"] for p in profile["parameters"]) == sorted(schema.AGENCIES)
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
    tables = [{"name": t.name, "rows": list(csv.DictReader(io.StringIO(t.csv)))}
              for t in found if t is not None]
    return text, tables


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
    ({"batch": "sep2021", "group_by": "conviction_decade,charge_level"}, "motion sep2021"),
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


@pytest.mark.slow
@pytest.mark.parametrize(("params", "expect"), EXPLORER_CASES,
                         ids=[str(i) for i in range(len(EXPLORER_CASES))])
def test_explorer_renders(tmp_path, sample, synthetic, params, expect):
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
