"""Notebooks smoke-run through papermill on small data, as papermill's own tests do."""

from __future__ import annotations

import pytest
from conftest import execute_notebook, outputs_text

from analysis import synth

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def small_cases(tmp_path_factory, synthetic):
    sample = synthetic.filter(synthetic["case_id"].str.ends_with("7"))
    return synth.write(sample, tmp_path_factory.mktemp("small") / "small.parquet")


def test_batches_notebook_runs_on_small_data(tmp_path, small_cases):
    text = outputs_text(execute_notebook("01_dismissals_by_batch.ipynb", tmp_path / "out.ipynb",
                                         {"data_path": str(small_cases)}))
    assert "user-supplied file small.parquet" in text
    assert "<svg" in text  # the chart rendered
    assert "D20-" not in text and "P00" not in text  # no identifiers on the page


def test_reconciliation_notebook_runs_on_small_data(tmp_path, small_cases):
    text = outputs_text(execute_notebook("06_reconciliation.ipynb", tmp_path / "out06.ipynb",
                                         {"data_path": str(small_cases)}))
    assert "user-supplied file small.parquet" in text
    # the waterfall, and the people chart unless the release hides all of its counts
    people_hidden = "People by the number of their convictions in each motion: no chart" in text
    assert text.count("<svg") >= (1 if people_hidden else 2)
    # a tenth of the cases cannot meet the published totals: the page says which fail
    assert "The data fails" in text and "upi-03" in text
    assert "nearly 30,000" in text and "the headline is 50% of the body" in text
    assert "D20-" not in text and "C21-" not in text and "P00" not in text
    assert "Claims about whole records" not in text  # no analysis doj summary beside it


def test_reconciliation_notebook_checks_whole_records_beside_a_doj_list(tmp_path):
    """A list analysis doj wrote: the page checks the claims about whole records
    against the summary beside it."""
    import datetime as dt

    from analysis import doj, synth_doj

    synth_doj.write(tmp_path / "doj.csv", 2020, people=2_000)
    run = doj.run([tmp_path / "doj.csv"], compute_at=dt.date(2020, 2, 13),
                  out=tmp_path / "run")
    text = outputs_text(execute_notebook("06_reconciliation.ipynb", tmp_path / "out06.ipynb",
                                         {"data_path": str(tmp_path / "run" / "cases.csv")}))
    assert "Claims about whole records, against the rules' run" in text
    assert "compute-at date 2020-02-13, county LOS ANGELES" in text
    no_felony = run.summary["reliefWithCurrentEligibilityChoices"]["CountSubjectsNoFelony"]
    assert f"the rules' run gives **{no_felony:,}**" in text
    # the DOJ file was generated, as summary.json says: synthetic, a calibration check
    assert "calibration check" in text and "user-supplied" not in text
    assert "Published targets and assumptions of the synthetic DOJ file" in text
    assert "Published and assumed inputs of the synthetic data" not in text
