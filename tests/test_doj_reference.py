"""The reference tool's own Los Angeles fixture: gogen_pilots' summaries reproduced key
for key (all but the processing time), at both ages it was run with.

The fixture and the summaries are read from the shared folder beside the checkout
(``../shared/formats/fixtures``), never copied into the project.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from analysis import doj, paths
from analysis.doj import summary

FIXTURES = paths.shared_data().parent / "formats" / "fixtures"
FIXTURE = FIXTURES / "gogen_pilots_los_angeles.csv"
AT = dt.date(2019, 11, 11)

pytestmark = pytest.mark.skipif(not FIXTURE.is_file(), reason=f"the reference fixture is "
                                f"not here: {FIXTURE} (shared folder absent)")


@pytest.fixture(autouse=True)
def _salt(monkeypatch):
    monkeypatch.setenv(paths.ID_SALT_ENV, "salt for the doj tests")


@pytest.mark.parametrize("age", [40, 50])
def test_the_reference_summary_is_reproduced_exactly(age):
    expected = json.loads((FIXTURES / f"gogen_pilots_los_angeles.expected_age{age}.json")
                          .read_text())
    got = doj.run([FIXTURE], compute_at=AT, age=age).summary
    reference = {k: v for k, v in got.items() if k not in ("processingTimeInSeconds", "lacra")}
    assert reference == expected
    assert list(reference) == list(expected)  # in the reference's order too
    assert isinstance(got["processingTimeInSeconds"], float)


# The reference counts "the last 7 years" back from the day it runs. Its summaries show
# no one there, in both scenarios: under "dismiss all Prop 64" the subject convicted only
# of an LA 11358 misdemeanor on 2017-03-12 (besides 1981 convictions) would count while
# that date was within 7 years, so gogen ran on or after 2024-03-12.
@pytest.mark.parametrize(("day", "dismiss_all"), [
    (dt.date(2020, 1, 1), 3), (dt.date(2024, 3, 11), 1), (dt.date(2024, 3, 12), 0),
    (dt.date(2026, 12, 1), 0)])
def test_the_reference_last_7_years_run_back_from_the_day_of_the_run(monkeypatch, day,
                                                                     dismiss_all):
    monkeypatch.setattr(summary, "run_day", lambda: day)
    got = doj.run([FIXTURE], compute_at=AT).summary
    assert got["reliefWithDismissAllProp64"]["CountSubjectsNoConvictionLast7Years"] == \
        dismiss_all
    assert got["lacra"]["last7YearsFrom"]["reference"] == day.isoformat()
    # the project's own count runs back from compute-at, whatever the day
    at = got["lacra"]["computeAtLast7Years"]["reliefWithDismissAllProp64"]
    assert at["CountSubjectsNoConvictionLast7Years"] == 3


def test_the_project_counts_what_the_reference_leaves_at_zero():
    lacra = doj.run([FIXTURE], compute_at=AT).summary["lacra"]
    assert (lacra["prop64ConvictionsInCounty"], lacra["prop64FelonyConvictionsInCounty"],
            lacra["prop64MisdemeanorConvictionsInCounty"]) == (16, 13, 3)
    assert lacra["ineligibleBecauseOfOtherConvictions"] == 2
    assert lacra["ineligibleBecauseOfOtherConvictionsByRule"] == {"4": 2}
    assert lacra["byDetermination"] == {"dismiss": 8, "not eligible": 2, "hand review": 3,
                                        "city attorney review": 3}
    assert lacra["byRule"] == {"1": 3, "3": 2, "4": 2, "7": 7, "8": 1, "10": 1}
    assert lacra["unmappedJurisdiction"]["convictions"] == 16  # the fixture names no court
    assert lacra["casesWritten"] == 0
