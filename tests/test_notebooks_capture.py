"""The capture-recapture and arrests pages run through papermill."""

from __future__ import annotations

import polars as pl
import pytest
from conftest import execute_notebook, outputs_text

from analysis import capture, synth

pytestmark = pytest.mark.slow


def _run(notebook: str, out, parameters: dict) -> str:
    return outputs_text(execute_notebook(notebook, out, parameters))


def _range_of(cases: pl.DataFrame) -> dict | None:
    """The page's range on ``cases``, worked out from the capture module without the
    page's presentation or protection: both choices of strata over the shared parts."""
    parts = capture.label_parts(cases).filter(pl.col("status") == capture.SHARED)
    totals = [capture.totals(capture.capture_table(parts, by=(*capture.DOMAIN, *by)),
                             by=(*capture.DOMAIN, *by)).filter(pl.col("not_estimable") == 0)
              for by in ((), ("decade",))]
    return capture.value_range(pl.concat(totals))


def test_still_unidentified_opens_with_what_it_finds(tmp_path, synthetic):
    sample = synthetic.filter(synthetic["case_id"].str.ends_with("3"))
    small = synth.write(sample, tmp_path / "small.parquet")
    text = _run("08_still_unidentified.ipynb", tmp_path / "out.ipynb",
                {"data_path": str(small), "draws": 100})
    assert "user-supplied file small.parquet" in text
    assert "Real list." in text  # a user file is not described as synthetic
    finds = text.index("eligible convictions may remain that neither list has found")
    assert finds < text.index("Source")  # before the data card
    span = _range_of(sample)
    assert f"between {span['low']:,.0f} and {span['high']:,.0f} eligible" in text
    assert "No estimate is made for misdemeanors prosecuted by the District Attorney" in text
    assert "over 100 simulated draws" in text
    assert "<svg" in text
    assert "D20-" not in text and "C21-" not in text and "P00" not in text


def test_still_unidentified_on_misdemeanors_only_says_there_is_no_shared_domain(
        tmp_path, synthetic):
    sample = synthetic.filter(synthetic["charge_level"] == "misdemeanor").sample(2000, seed=1)
    small = synth.write(sample, tmp_path / "misdemeanors.parquet")
    text = _run("08_still_unidentified.ipynb", tmp_path / "out.ipynb",
                {"data_path": str(small), "draws": 50})
    assert "No estimate: the lists share no domain." in text
    assert "No chart: no choice of strata" in text
    assert "Traceback" not in text


def _lapd_rows(shared_data) -> list[dict]:
    import csv

    with open(shared_data / "lapd_marijuana_arrests_2010_2019.csv", newline="",
              encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _black_white_change(rows: list[dict]) -> dict:
    """The page's finding recomputed with plain Python and scipy: the Black/White ratio of
    arrests after 2016 over the ratio in as many years before, and its interval."""
    import math

    from scipy import stats as sps

    last = max(int(r["year"]) for r in rows)
    after = list(range(2017, last + 1))
    before = list(range(2017 - len(after), 2017))
    n = {(g, y): 0 for g in ("Black", "White") for y in before + after}
    for r in rows:
        if (r["race"], int(r["year"])) in n:
            n[r["race"], int(r["year"])] += 1
    pooled = {side: [sum(n[g, y] for y in years) for g in ("Black", "White")]
              for side, years in (("before", before), ("after", after))}
    (a, b), (c, d) = pooled["before"], pooled["after"]
    change = (c / d) / (a / b)
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    x2 = 0.0
    for years, (black, white) in ((before, (a, b)), (after, (c, d))):
        p = black / (black + white)
        for y in years:
            total = n["Black", y] + n["White", y]
            x2 += (n["Black", y] - total * p) ** 2 / (total * p * (1 - p))
    df = len(before) + len(after) - 2
    half = se * 1.959964
    if sps.chi2.sf(x2, df) < 0.05:  # the yearly ratios swing: quasi-binomial, t on df
        half = se * math.sqrt(x2 / df) * sps.t.ppf(0.975, df)
    return {"before": a / b, "after": c / d, "change": change,
            "low": change / math.exp(half), "high": change * math.exp(half),
            "years": (f"{before[0]}-{before[-1]}", f"{after[0]}-{after[-1]}")}


def test_arrests_page_renders_from_the_lapd_file_and_its_shares_match_the_file(
        tmp_path, shared_data, synthetic):
    import re
    from collections import Counter

    small = synth.write(synthetic.filter(synthetic["case_id"].str.ends_with("5")),
                        tmp_path / "small.parquet")
    lapd = shared_data / "lapd_marijuana_arrests_2010_2019.csv"
    nb = execute_notebook("07_arrests_vs_relief.ipynb", tmp_path / "out.ipynb",
                          {"arrests_path": str(lapd), "data_path": str(small)})
    text = outputs_text(nb)
    rows = _lapd_rows(shared_data)
    races = Counter(row["race"] for row in rows)
    total = sum(races.values())
    names = {"Hispanic/Latino": "Latino", "Asian or Pacific Islander": "Asian/Pacific Islander"}
    for code, n in races.items():
        shown = re.search(rf"<tr><td>{re.escape(names.get(code, code))}</td><td>([\d,]+)</td>"
                          r"<td>([\d.]+)%</td></tr>", text)
        assert shown, code
        assert int(shown.group(1).replace(",", "")) == n
        assert float(shown.group(2)) == round(100 * n / total, 1)
    # the page opens with what it finds: the finding, computed a second way here
    headings = [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "markdown"]
    assert headings[:3] == ["# Arrests vs relief: LAPD marijuana arrests, 2010-2019",
                            "## What this page finds", "## The arrest data"]
    finds = [c.source.splitlines()[0] for c in nb.cells].index("## What this page finds")
    first = "".join(str(o) for o in nb.cells[finds + 1].get("outputs", []))
    want = _black_white_change(rows)
    before, after = want["years"]
    assert (f"arrested {want['before']:.2f} Black people for every White person in {before} "
            f"and {want['after']:.2f} in {after}") in first
    assert (f"a factor of {want['change']:.2f} (95% interval {want['low']:.2f} to "
            f"{want['high']:.2f})") in first
    assert "real data: lapd_marijuana_arrests_2010_2019.csv" in first
    assert "No arrest rate per resident is given" in first
    # no city arrests over county residents, no code-ish suffix on a column
    assert "county residents a year" not in text and "per 10,000" not in text
    assert "(synthetic)" not in text
    assert "Why no rate per resident" in text
    assert "matches the project&#x27;s source manifest" in text or \
        "matches the project's source manifest" in text
    assert "only 37 adult arrests" in text  # what the five groups can say
    assert text.count("<svg") >= 3
    assert "100411412" not in text  # report numbers never reach the page


def test_arrests_page_marks_the_synthetic_dismissals_beside_the_real_arrests(
        tmp_path, shared_data):
    text = _run("07_arrests_vs_relief.ipynb", tmp_path / "out.ipynb",
                {"arrests_path": str(shared_data / "lapd_marijuana_arrests_2010_2019.csv")})
    # the dismissal columns are named in words, their basis said under the table
    assert "dismissed convictions, City of LA" in text and "(synthetic)" not in text
    assert "Illustrative columns.</strong> On the synthetic data an assumption sets" in text
    assert "Illustrative column.</strong> On the synthetic data an assumption sets" in text
    assert "Illustrative. Not a finding: on the synthetic data an assumption sets these " \
        "figures (the year profile)" in text  # the chart with the dismissal line, boxed


def test_arrests_page_explains_how_to_get_a_missing_file(tmp_path, synthetic):
    small = synth.write(synthetic.filter(synthetic["case_id"].str.ends_with("5")),
                        tmp_path / "small.parquet")
    text = _run("07_arrests_vs_relief.ipynb", tmp_path / "out.ipynb",
                {"arrests_path": str(tmp_path / "absent.csv"), "data_path": str(small)})
    assert "The arrest file was not found" in text
    assert "LACRA_SHARED_DATA" in text
    # named as published files name a file: no folder of this machine on the page
    assert "(`absent.csv`" in text and str(tmp_path) not in text
    assert "What this page finds" in text or "The arrest file was not found" in text
    assert "per 10,000" not in text
