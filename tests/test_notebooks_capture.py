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


def test_arrests_page_renders_from_the_lapd_file_and_its_shares_match_the_file(
        tmp_path, shared_data, synthetic):
    import csv
    import re
    from collections import Counter

    small = synth.write(synthetic.filter(synthetic["case_id"].str.ends_with("5")),
                        tmp_path / "small.parquet")
    lapd = shared_data / "lapd_marijuana_arrests_2010_2019.csv"
    text = _run("07_arrests_vs_relief.ipynb", tmp_path / "out.ipynb",
                {"arrests_path": str(lapd), "data_path": str(small)})
    with open(lapd, newline="", encoding="utf-8") as handle:
        races = Counter(row["race"] for row in csv.DictReader(handle))
    total = sum(races.values())
    names = {"Hispanic/Latino": "Latino", "Asian or Pacific Islander": "Asian/Pacific Islander"}
    for code, n in races.items():
        shown = re.search(rf"<tr><td>{re.escape(names.get(code, code))}</td><td>([\d,]+)</td>"
                          r"<td>([\d.]+)%</td></tr>", text)
        assert shown, code
        assert int(shown.group(1).replace(",", "")) == n
        assert float(shown.group(2)) == round(100 * n / total, 1)
    assert "matches the project&#x27;s source manifest" in text or \
        "matches the project's source manifest" in text
    assert "per 10,000 county residents" in text
    assert "step beyond the trend" in text
    assert text.count("<svg") >= 3
    assert "100411412" not in text  # report numbers never reach the page


def test_arrests_page_explains_how_to_get_a_missing_file(tmp_path, synthetic):
    small = synth.write(synthetic.filter(synthetic["case_id"].str.ends_with("5")),
                        tmp_path / "small.parquet")
    text = _run("07_arrests_vs_relief.ipynb", tmp_path / "out.ipynb",
                {"arrests_path": str(tmp_path / "absent.csv"), "data_path": str(small)})
    assert "The arrest file was not found" in text
    assert "LACRA_SHARED_DATA" in text
    assert "per 10,000 county residents" not in text
