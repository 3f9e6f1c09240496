"""The claims about whole records, checked against an ``analysis doj`` summary.

The ledger's 22,000 people left without a felony, 15,000 with no conviction and 2,142
convictions ruled out by other convictions cannot be checked on a dismissal list; the
summary of the rules run over whole records can check them.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from analysis import claims, paths, reconcile, summarychecks
from analysis.claimchecks import CONSISTENT, INCONSISTENT, NOT_CHECKABLE

WHOLE_RECORD = {"people_no_felony_2020", "people_no_record_2020", "ineligible_2020"}


def _summary(no_felony, no_record, ineligible) -> dict:
    return {"reliefWithCurrentEligibilityChoices": {"CountSubjectsNoFelony": no_felony,
                                                    "CountSubjectsNoConviction": no_record},
            "lacra": {"ineligibleBecauseOfOtherConvictions": ineligible}}


@pytest.fixture(scope="module")
def result(synthetic):
    return reconcile.reconcile(synthetic.head(5_000), claims.load())


def _whole(result) -> dict:
    by_id = {c.id: c.measure for c in result.claims}
    return {by_id[d.claim]: d for d in result.data if by_id.get(d.claim) in WHOLE_RECORD}


def test_a_dismissal_list_alone_cannot_check_them(result):
    checks = _whole(result)
    assert set(checks) == WHOLE_RECORD
    assert all(d.status == NOT_CHECKABLE and d.computed is None for d in checks.values())


@pytest.mark.parametrize(("figures", "expected"), [
    ((22_000, 15_000, 2_142), {m: CONSISTENT for m in WHOLE_RECORD}),
    ((30_000, 15_000, 2_142), {"people_no_felony_2020": INCONSISTENT,
                               "people_no_record_2020": CONSISTENT,
                               "ineligible_2020": CONSISTENT}),
])
def test_the_summary_checks_each_claim(result, figures, expected):
    checked = summarychecks.apply(result, _summary(*figures))
    checks = _whole(checked)
    assert {m: d.status for m, d in checks.items()} == expected
    assert sorted(d.computed for d in checks.values()) == sorted(float(f) for f in figures)
    failed = {d.claim for d in checked.failures} - {d.claim for d in result.failures}
    assert failed == {d.claim for d in checks.values() if d.status == INCONSISTENT}
    # the other checks are as they were
    others = [d for d in checked.data if d.claim not in {x.claim for x in checks.values()}]
    assert others == [d for d in result.data if d.claim not in {x.claim for x in checks.values()}]


@pytest.mark.parametrize(("figures", "hidden"), [
    ((22_000, 7, 2_142), {"people_no_record_2020"}),  # a handful of people
    ((15_004, 15_000, 2_142), {"people_no_record_2020"}),  # 4 people apart from the other
    ((22_000, 15_000, 3), {"ineligible_2020"}),
    ((22_000, 15_000, None), {"ineligible_2020"}),  # not in the summary
])
def test_a_figure_that_would_show_a_small_count_stays_unchecked(result, figures, hidden):
    assert {m for m, v in summarychecks.figures(_summary(*figures)).items() if v is None} \
        == hidden
    checks = _whole(summarychecks.apply(result, _summary(*figures)))
    assert {m for m, d in checks.items() if d.computed is None} == hidden
    assert all("may be shown" in checks[m].explanation for m in hidden)


def test_the_summary_beside_a_case_list_is_found_and_a_wrong_file_refused(tmp_path):
    cases = tmp_path / "cases.csv"
    cases.write_text("x\n", encoding="utf-8")
    assert summarychecks.beside(cases) is None and summarychecks.beside("") is None
    (tmp_path / "summary.json").write_text(json.dumps({"county": "X"}), encoding="utf-8")
    assert summarychecks.beside(cases) == tmp_path / "summary.json"
    with pytest.raises(ValueError, match="not a summary written by 'analysis doj'"):
        summarychecks.load(tmp_path / "summary.json")


def test_the_command_checks_them_and_fails_on_a_miss(tmp_path, small_case_file):
    summary = tmp_path / "summary.json"
    summary.write_text(json.dumps(_summary(30_000, 15_000, 2_142)), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "analysis", "reconcile", "--data",
                           str(small_case_file), "--doj-summary", str(summary),
                           "--format", "json"], capture_output=True, text=True,
                          cwd=paths.ROOT, timeout=300)
    report = json.loads(done.stdout)
    ids = {c.id for c in claims.load() if c.measure == "people_no_felony_2020"}
    assert ids <= set(report["failures"]) and done.returncode == 1
    assert "checking whole-record claims against" in done.stderr
