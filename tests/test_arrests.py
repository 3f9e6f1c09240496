"""Arrest extracts: the mapping file, the loader's checks, the shipped LAPD mapping."""

from __future__ import annotations

import csv
import math
import warnings
from collections import Counter

import numpy as np
import polars as pl
import pytest
from conftest import write_rows
from polars.testing import assert_frame_equal

from analysis import arrests, cli, prop64, schema
from analysis.ingest import Problem, ValidationError

MAPPING = """
name: test extract
columns: {year: ARR_DATE, race_ethnicity: DESCENT, charge_level: LVL, charge: CHG}
date_format: "%m/%d/%Y"
codes:
  race_ethnicity: {H: Latino, B: Black, W: White, A: Asian/Pacific Islander, O: Other}
  charge_level: {F: felony, M: misdemeanor, I: infraction}
  charge: {"11357": possession, "11359": possession_for_sale, "11360": sale_transport}
"""

ROW = {"RPT": "A1", "ARR_DATE": "03/14/2015", "DESCENT": "H", "LVL": "M", "CHG": "11357",
       "AGE": "33"}


@pytest.fixture
def mapping(tmp_path):
    path = tmp_path / "mapping.yml"
    path.write_text(MAPPING, encoding="utf-8")
    return path


def test_reads_an_extract_through_its_mapping(tmp_path, mapping):
    rows = [ROW, ROW | {"ARR_DATE": "12/01/2016", "DESCENT": " b ", "LVL": "F",
                        "CHG": "11360"}]
    frame = arrests.read_arrests(write_rows(tmp_path / "x.csv", rows), mapping)
    expected = pl.DataFrame(
        {"year": [2015, 2016], "race_ethnicity": ["Latino", "Black"],
         "charge_level": ["misdemeanor", "felony"], "charge": ["possession", "sale_transport"]},
        schema=arrests.SCHEMA)
    assert_frame_equal(frame, expected)
    assert "RPT" not in frame.columns and "AGE" not in frame.columns  # never carried


@pytest.mark.parametrize("change,rule,column,value", [
    ({"DESCENT": "Z"}, "unknown-code", "DESCENT", "Z"),
    ({"LVL": "Felony-ish"}, "unknown-code", "LVL", "Felony-ish"),
    ({"CHG": "11358"}, "unknown-code", "CHG", "11358"),
    ({"ARR_DATE": "2015-03-14"}, "year-format", "ARR_DATE", "2015-03-14"),
    ({"ARR_DATE": "03/14/1931"}, "year-range", "ARR_DATE", "03/14/1931"),
    ({"DESCENT": ""}, "missing-value", "DESCENT", None),
])
def test_bad_rows_name_file_row_column_and_value(tmp_path, mapping, change, rule, column,
                                                 value):
    path = write_rows(tmp_path / "x.csv", [ROW, ROW | change])
    with pytest.raises(ValidationError) as err:
        arrests.read_arrests(path, mapping)
    (problem,) = err.value.problems
    assert isinstance(problem, Problem)
    assert (problem.file, problem.row, problem.rule, problem.column, problem.value) == (
        str(path), 2, rule, column, value)
    assert f"{path}, row 2, column '{column}'" in str(err.value)


def test_every_bad_row_is_listed(tmp_path, mapping):
    path = write_rows(tmp_path / "x.csv", [ROW | {"DESCENT": "Q"}] * 3 + [ROW])
    with pytest.raises(ValidationError) as err:
        arrests.read_arrests(path, mapping, max_errors=2)
    assert err.value.total == 3 and len(err.value.problems) == 2
    assert "and 1 more problems" in str(err.value)


def test_unmapped_codes_can_default(tmp_path, mapping):
    mapping.write_text(MAPPING + "unmapped: {race_ethnicity: Unknown}\n")
    frame = arrests.read_arrests(write_rows(tmp_path / "x.csv", [ROW | {"DESCENT": "X"}]),
                                 mapping)
    assert frame["race_ethnicity"].to_list() == ["Unknown"]


def test_year_column_may_hold_plain_years(tmp_path, mapping):
    mapping.write_text(MAPPING.replace('date_format: "%m/%d/%Y"\n', ""))
    frame = arrests.read_arrests(write_rows(tmp_path / "x.csv", [ROW | {"ARR_DATE": "2012"}]),
                                 mapping)
    assert frame["year"].to_list() == [2012]


def test_missing_column_is_reported_with_the_header(tmp_path, mapping):
    path = write_rows(tmp_path / "x.csv", [{k: v for k, v in ROW.items() if k != "LVL"}])
    with pytest.raises(ValidationError) as err:
        arrests.read_arrests(path, mapping)
    (problem,) = err.value.problems
    assert (problem.rule, problem.column) == ("required-column", "LVL")


@pytest.mark.parametrize("text,column,fragment", [
    ("columns: [year]\n", "columns", "must map each field"),
    (MAPPING.replace("race_ethnicity: DESCENT, ", ""), "columns.race_ethnicity",
     "no column given"),
    (MAPPING.replace("H: Latino", "H: Hispanic"), "codes.race_ethnicity",
     "outside Latino"),
    (MAPPING.replace("F: felony", "F: felon"), "codes.charge_level", "outside felony"),
    (MAPPING + "unmapped: {race_ethnicity: Martian}\n", "unmapped.race_ethnicity",
     "must be one of"),
    (MAPPING + "colums: {}\n", "colums", "unknown key"),
    ("columns: {year: [\n", None, "not valid YAML (line"),
    ("- just\n- a list\n", None, "expected a mapping"),
])
def test_bad_mapping_files_are_explained(tmp_path, text, column, fragment):
    path = tmp_path / "bad.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        arrests.load_mapping(path)
    hits = [p for p in err.value.problems if p.column == column and fragment in p.message]
    assert hits, str(err.value)
    assert all(p.file == str(path) and p.rule == "mapping" for p in err.value.problems)


def test_missing_mapping_and_missing_file(tmp_path, mapping):
    with pytest.raises(ValidationError, match="no such mapping file"):
        arrests.load_mapping(tmp_path / "nope.yml")
    with pytest.raises(ValidationError, match="no such file"):
        arrests.read_arrests(tmp_path / "nope.csv", mapping)


def test_shipped_mapping_targets_canonical_categories():
    mapping = arrests.load_mapping()
    assert set(mapping.codes["race_ethnicity"].values()) <= set(schema.RACES)
    assert mapping.file == arrests.LAPD_FILE
    assert mapping.table().height == sum(len(c) for c in mapping.codes.values())


def test_lapd_file_loads_and_matches_a_direct_count(shared_data):
    path = shared_data / arrests.LAPD_FILE
    frame = arrests.read_arrests(path)
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert frame.height == len(rows) == 22_670
    direct = Counter(r["race"] for r in rows)
    assert dict(frame["race_ethnicity"].value_counts().iter_rows()) == {
        "Latino": direct["Hispanic/Latino"], "Black": direct["Black"], "White": direct["White"],
        "Asian/Pacific Islander": direct["Asian or Pacific Islander"], "Other": direct["Other"]}
    assert dict(frame.group_by("year").len().iter_rows()) == dict(
        Counter(int(r["year"]) for r in rows))
    assert arrests.describe_arrests(path).matches_manifest


def test_command_line_checks_an_extract(tmp_path, mapping, capsys):
    good = write_rows(tmp_path / "good.csv", [ROW])
    assert cli.main(["arrests", str(good), "--mapping", str(mapping)]) == 0
    assert "ok:" in capsys.readouterr().out
    bad = write_rows(tmp_path / "bad.csv", [ROW | {"DESCENT": "Z"}])
    assert cli.main(["arrests", str(bad), "--mapping", str(mapping)]) == 1
    err = capsys.readouterr().err
    assert "row 1, column 'DESCENT', value 'Z'" in err and "Traceback" not in err


def test_the_data_docs_document_the_arrest_spec():
    from analysis import paths

    readme = (paths.ROOT / "docs" / "data.md").read_text()
    block = readme.split("<!-- arrests:start -->")[1].split("<!-- arrests:end -->")[0]
    assert block.strip() == arrests.markdown_table()




# --- the LAPD's descent codes and the shared file's five labels -----------------------------

# Written out apart from the mapping, so that the mapping is checked against them: the
# shared file's labels, and the LAPD's descent codes as the City of Los Angeles's open
# data documents them, each with the group it belongs to.
CLEANED_LABELS = {"Hispanic/Latino": "Latino", "Black": "Black", "White": "White",
                  "Asian or Pacific Islander": "Asian/Pacific Islander", "Other": "Other"}
API = "Asian/Pacific Islander"
DESCENT_CODES = {
    "A": ("Other Asian", API), "B": ("Black", "Black"), "C": ("Chinese", API),
    "D": ("Cambodian", API), "F": ("Filipino", API), "G": ("Guamanian", API),
    "H": ("Hispanic/Latin/Mexican", "Latino"),
    "I": ("American Indian/Alaskan Native", "Other"), "J": ("Japanese", API),
    "K": ("Korean", API), "L": ("Laotian", API), "O": ("Other", "Other"),
    "P": ("Pacific Islander", API), "S": ("Samoan", API), "U": ("Hawaiian", API),
    "V": ("Vietnamese", API), "W": ("White", "White"), "X": ("Unknown", "Unknown"),
    "Z": ("Asian Indian", API)}
EVERY_CODE = CLEANED_LABELS | {code: group for code, (_, group) in DESCENT_CODES.items()}
LAPD_ROW = {"reportid": "100411412", "age": "30", "race": "Black", "type": "Misdemeanor",
            "charge": "Possession", "year": "2014", "sex": "Male"}


def test_the_shipped_mapping_has_exactly_these_race_codes():
    assert arrests.load_mapping().codes["race_ethnicity"] == EVERY_CODE


@pytest.mark.parametrize(("code", "group"), sorted(EVERY_CODE.items()))
def test_a_hand_built_row_of_each_code_reads_as_its_group(tmp_path, code, group):
    rows = [LAPD_ROW | {"race": code}, LAPD_ROW | {"race": f" {code.lower()} "}]
    frame = arrests.read_arrests(write_rows(tmp_path / "x.csv", rows))
    assert frame["race_ethnicity"].cast(pl.String).to_list() == [group, group]


def test_hand_built_rows_of_every_code_are_counted_in_their_groups(tmp_path):
    # the i-th code appears i + 1 times, so a code counted in the wrong group shows
    codes = sorted(EVERY_CODE)
    rows = [LAPD_ROW | {"race": code} for i, code in enumerate(codes) for _ in range(i + 1)]
    frame = arrests.read_arrests(write_rows(tmp_path / "x.csv", rows))
    expected = Counter()
    for i, code in enumerate(codes):
        expected[EVERY_CODE[code]] += i + 1
    assert dict(frame["race_ethnicity"].cast(pl.String).value_counts().iter_rows()) == \
        dict(expected)


def _docs_codes() -> list[list[str]]:
    from analysis import paths

    text = (paths.ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    block = text.split("<!-- lapd-codes:start -->")[1].split("<!-- lapd-codes:end -->")[0]
    lines = [line for line in block.strip().splitlines()[2:]]
    return [[cell.strip().strip("`") for cell in line.strip("|").split("|")] for line in lines]


def test_the_docs_table_of_codes_is_the_mapping():
    rows = _docs_codes()
    assert {code: group for code, _, group, _ in rows} == \
        arrests.load_mapping().codes["race_ethnicity"]
    for code, meaning, _, _ in rows:
        if code in DESCENT_CODES:
            assert meaning == f"LAPD descent code: {DESCENT_CODES[code][0]}"


def test_every_code_in_the_lapd_file_is_mapped_and_counted(shared_data):
    path = shared_data / arrests.LAPD_FILE
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    mapping = arrests.load_mapping()
    frame = arrests.read_arrests(path, mapping)
    found = arrests.codes_found(path, mapping)
    for field, column in (("race_ethnicity", "race"), ("charge_level", "type"),
                          ("charge", "charge")):
        per_code = Counter(r[column] for r in rows)
        listed = dict(found.filter(pl.col("field") == field)
                      .select("code", "maps to").iter_rows())
        assert set(listed) == set(per_code)  # every code of the file, and only those
        assert None not in listed.values()
        expected = Counter()
        for code, n in per_code.items():
            expected[EVERY_CODE[code] if field == "race_ethnicity" else listed[code]] += n
        assert dict(frame[field].cast(pl.String).value_counts().iter_rows()) == dict(expected)
    # the docs table gives each label's count in the file, and says the letters are absent
    races = Counter(r["race"] for r in rows)
    for code, _, _, count in _docs_codes():
        assert count == (f"{races[code]:,}" if code in races else "not in the file")


# --- before and after Proposition 64, from counts ---------------------------------------------


@pytest.mark.parametrize(("first", "last", "every", "before", "after"), [
    (2010, 2019, False, range(2014, 2017), range(2017, 2020)),
    (2010, 2019, True, range(2010, 2017), range(2017, 2020)),
    (2015, 2019, False, range(2015, 2017), range(2017, 2020)),
    (2010, 2017, False, range(2016, 2017), range(2017, 2018)),
])
def test_windows_take_as_many_years_before_as_after(first, last, every, before, after):
    assert prop64.windows(first, last, every_year_before=every) == (before, after)


@pytest.mark.parametrize(("first", "last"), [(2017, 2019), (2010, 2016)])
def test_windows_need_both_sides(first, last):
    with pytest.raises(ValueError, match="both sides"):
        prop64.windows(first, last)


def _yearly(table: dict[str, list[int]], years: range) -> pl.DataFrame:
    return pl.DataFrame([{"year": y, "race_ethnicity": g, "count": n}
                         for g, counts in table.items() for y, n in zip(years, counts,
                                                                         strict=True)])


def test_ratio_change_without_swings_is_the_woolf_interval_and_the_fixed_effects_model():
    import statsmodels.api as sm

    years = range(2014, 2020)
    # every year splits 3:2 before and 9:4 after: no swing beyond binomial noise
    table = {"Black": [300, 330, 360, 90, 180, 270], "White": [200, 220, 240, 40, 80, 120]}
    got = prop64.ratio_change(_yearly(table, years), before=range(2014, 2017),
                              after=range(2017, 2020))
    a, b = sum(table["Black"][:3]), sum(table["White"][:3])
    c, d = sum(table["Black"][3:]), sum(table["White"][3:])
    # by hand: the pooled ratios and the Woolf interval of their ratio
    assert got.ratio_before == pytest.approx(a / b)
    assert got.ratio_after == pytest.approx(c / d)
    assert got.change == pytest.approx((c / d) / (a / b))
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    assert (got.low, got.high) == pytest.approx(
        (got.change * math.exp(-1.959964 * se), got.change * math.exp(1.959964 * se)),
        rel=1e-5)
    assert not got.widened and (got.low, got.high) == (got.naive_low, got.naive_high)
    # a second way: a Poisson model of the twelve counts, year as a fixed effect
    y = np.array(table["Black"] + table["White"], float)
    black = np.repeat([1.0, 0.0], 6)
    after = np.tile([0.0, 0, 0, 1, 1, 1], 2)
    x = np.column_stack([np.eye(6)[np.tile(np.arange(6), 2)], black, black * after])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the model fits the counts exactly, as meant
        fit = sm.GLM(y, x, family=sm.families.Poisson()).fit()
    assert math.exp(fit.params[-1]) == pytest.approx(got.change, rel=1e-6)
    assert fit.bse[-1] == pytest.approx(se, rel=1e-4)


def test_ratio_change_widens_its_interval_when_the_yearly_ratios_swing():
    from scipy import stats as sps

    years = range(2014, 2020)
    table = {"Black": [600, 500, 500, 170, 400, 340], "White": [470, 340, 300, 130, 170, 90]}
    got = prop64.ratio_change(_yearly(table, years), before=range(2014, 2017),
                              after=range(2017, 2020))
    black, white = np.array(table["Black"], float), np.array(table["White"], float)
    n = black + white
    # by hand: each side's pooled share of Black arrests, Pearson X2 on 6 - 2 df
    share = np.array([black[:3].sum() / n[:3].sum()] * 3 + [black[3:].sum() / n[3:].sum()] * 3)
    x2 = float((((black - n * share) ** 2) / (n * share * (1 - share))).sum())
    assert got.df_resid == 4 and got.pearson_ratio == pytest.approx(x2 / 4, rel=1e-6)
    assert got.pearson_p_value == pytest.approx(sps.chi2.sf(x2, 4), rel=1e-6)
    assert got.widened
    a, b, c, d = black[:3].sum(), white[:3].sum(), black[3:].sum(), white[3:].sum()
    half = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d) * math.sqrt(x2 / 4) * sps.t.ppf(0.975, 4)
    assert (got.low, got.high) == pytest.approx(
        (got.change / math.exp(half), got.change * math.exp(half)), rel=1e-5)
    assert got.low < got.naive_low and got.high > got.naive_high


def test_ratio_change_refuses_an_empty_side():
    table = {"Black": [5, 6, 0, 0], "White": [4, 4, 3, 2]}
    with pytest.raises(ValueError, match="no arrest on one side"):
        prop64.ratio_change(_yearly(table, range(2015, 2019)), before=range(2015, 2017),
                            after=range(2017, 2019))


def test_count_change_recovers_a_halving_and_pools_all_groups():
    years = range(2014, 2020)
    table = {"Black": [400, 400, 400, 200, 200, 200], "White": [90, 90, 90, 30, 30, 30]}
    out = prop64.count_change(_yearly(table, years), before=range(2014, 2017),
                              after=range(2017, 2020))
    rows = {r["race_ethnicity"]: r for r in out.iter_rows(named=True)}
    assert list(rows) == ["Black", "White", "All groups"]
    assert rows["Black"]["ratio"] == pytest.approx(0.5)
    assert rows["White"]["ratio"] == pytest.approx(1 / 3)
    assert rows["All groups"]["arrests_before"] == 1470
    assert rows["All groups"]["ratio"] == pytest.approx(690 / 1470)
    # Poisson (no swing): the interval is exp(log ratio +- z sqrt(1/before + 1/after))
    se = math.sqrt(1 / 1200 + 1 / 600)
    assert rows["Black"]["model"] == "Poisson GLM"
    assert (rows["Black"]["ratio_low"], rows["Black"]["ratio_high"]) == pytest.approx(
        (0.5 * math.exp(-1.959964 * se), 0.5 * math.exp(1.959964 * se)), rel=1e-5)
