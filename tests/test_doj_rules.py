"""The Los Angeles rules, one hand-built record per rule and variant: the first rule
that applies decides, with the options (age, years conviction-free, county)."""

from __future__ import annotations

import datetime as dt

import pytest
from doj_rows import row, write

from analysis import doj, paths
from analysis.ingest import ValidationError

AT = dt.date(2019, 11, 11)
OLD, MIDDLE, YOUNG = "19600101", "19800101", "20000101"  # 59, 39 and 19 at AT


@pytest.fixture(autouse=True)
def _salt(monkeypatch):
    monkeypatch.setenv(paths.ID_SALT_ENV, "salt for the doj tests")


def conviction(n: int, **facts) -> list[str]:
    """The n-th count of the record (its own CNT_ORDER), dob MIDDLE unless given."""
    return row(cnt=f"{n:03d}001001000", **{"dob": MIDDLE, **facts})


def target(**facts) -> list[str]:
    """The conviction the test judges: an LA felony 11358 in 1990, 6 months."""
    return conviction(1, **facts)


def other(n: int, date: str, offense: str = "459 PC-BURGLARY", **facts) -> list[str]:
    return conviction(n, date=date, offense=offense, **facts)


CASES = {
    "misdemeanor": ([target(level="MISDEMEANOR")], 1, "city attorney review",
                    "Misdemeanor or Infraction"),
    "infraction from toc": ([target(level="", toc="I")], 1, "city attorney review",
                            "Misdemeanor or Infraction"),
    "unknown level": ([target(level="", toc="")], 1, "city attorney review",
                      "Misdemeanor or Infraction"),
    "unknown date": ([target(date="2016-12-01", dob=OLD)], 7, "dismiss", "50 years or older"),
    "blank level, felony toc": ([target(level="", toc="F", dob=OLD)], 7, "dismiss",
                                "50 years or older"),
    "on 2016-11-09": ([target(date="20161109")], 2, "not eligible",
                      "Occurred after 11/09/2016"),
    "on 2016-11-08": ([target(date="20161108", dob=OLD)], 7, "dismiss", "50 years or older"),
    "11357(a)": ([target(offense="11357(A) HS-POSSESS")], 3, "dismiss",
                 "11357(a) or 11357(b)"),
    "11357(b)": ([target(offense="11357(B) HS-POSSESS")], 3, "dismiss",
                 "11357(a) or 11357(b)"),
    "11357(c)": ([target(offense="11357(C) HS-POSSESS")], 3, "hand review", "Other 11357"),
    "11357 bare": ([target(offense="11357 HS-POSSESS")], 3, "hand review", "Other 11357"),
    "superstrike before": ([target(dob=OLD), other(2, "19850101", "187 PC-MURDER")], 4,
                           "not eligible", "PC 667(e)(2)(c)(iv)"),
    "attempted superstrike before": ([target(dob=OLD), other(2, "19850101", "664/187 PC")],
                                     4, "not eligible", "PC 667(e)(2)(c)(iv)"),
    "superstrike same day": ([target(dob=OLD), other(2, "19900101", "187 PC-MURDER")], 7,
                             "dismiss", "50 years or older"),
    "superstrike after": ([target(dob=OLD), other(2, "19950101", "187 PC-MURDER")], 7,
                          "dismiss", "50 years or older"),
    "gang superstrike before": (
        [target(dob=OLD), row(cnt="002001001000", dob=MIDDLE, date="19850101",
                              offense="215 PC-CARJACKING"),
         row(cnt="002001002000", dob=MIDDLE, date="19850101", offense="186.22(B)(4) PC")],
        4, "not eligible", "PC 667(e)(2)(c)(iv)"),
    "gang enhancement in another case": (
        [target(dob=OLD), row(cnt="002001001000", dob=MIDDLE, date="19850101",
                              offense="215 PC-CARJACKING"),
         row(cnt="003001001000", dob=MIDDLE, date="19850101", offense="186.22(B)(4) PC")],
        7, "dismiss", "50 years or older"),
    "290 registration before": (
        [target(dob=OLD), other(2, "19850101", "290 PC-REGISTRATION", step="REGISTRATION",
                                disp="", level="")], 5, "not eligible", "PC 290"),
    "290 registration after": (
        [target(dob=OLD), other(2, "19950101", "290 PC-REGISTRATION", step="REGISTRATION",
                                disp="", level="")], 7, "dismiss", "50 years or older"),
    "290 offence before": ([target(dob=OLD), other(2, "19850101", "314(1) PC-EXPOSURE")], 5,
                           "not eligible", "PC 290"),
    "two priors": ([target(dob=OLD), other(2, "19850101", "11358 HS-CULTIVATE"),
                    other(3, "19860101", "11358 HS-CULTIVATE")], 6, "not eligible",
                   "Two priors"),
    "two priors of another section": (
        [target(dob=OLD), other(2, "19850101", "11359 HS-SALE"),
         other(3, "19860101", "11359 HS-SALE")], 7, "dismiss", "50 years or older"),
    "one prior": ([target(dob=OLD), other(2, "19850101", "11358 HS-CULTIVATE")], 7,
                  "dismiss", "50 years or older"),
    "50 or older": ([target(dob="19691110")], 7, "dismiss", "50 years or older"),
    "21 or younger": ([target(dob=YOUNG, date="20150101", length="1", unit="M")], 7,
                      "dismiss", "21 years or younger"),
    "only prop 64, completed": ([target(), other(2, "20150101", "11359 HS-SALE")], 7,
                                "dismiss", "Only has 11357-60 charges and completed sentence"),
    "no conviction in 10 years": ([target(), other(2, "20050101")], 7, "dismiss",
                                  "No convictions in past 10 years"),
    "serving a sentence": ([target(), other(2, "20150101", length="10", unit="Y")], 8,
                           "hand review", "Currently serving sentence"),
    "sentence parts add up": (
        [target(), other(2, "20150101", length="4", unit="Y"),
         other(2, "20150101", length="1", unit="Y")], 8, "hand review",
        "Currently serving sentence"),
    "deceased": ([target(), other(2, "20150101", length="1", unit="M"),
                  row(cnt="003001001000", step="DECEASED", date="20160101", disp="",
                      offense="")], 9, "dismiss", "Deceased"),
    "nothing applies": ([target(), other(2, "20150101", length="1", unit="M")], 10,
                        "hand review", "No criterion applies"),
}


def _judge(tmp_path, rows, **options):
    result = doj.run([write(tmp_path / "doj.csv", rows)], compute_at=AT, **options)
    return result.determinations.filter(count=1).row(0, named=True)


@pytest.mark.parametrize("name", CASES)
def test_the_first_rule_that_applies_decides(tmp_path, name):
    rows, rule, determination, reason = CASES[name]
    got = _judge(tmp_path, rows)
    assert (got["rule"], got["determination"], got["reason"]) == (rule, determination, reason)


@pytest.mark.parametrize(("dob", "age", "reason"), [
    ("19791111", 40, "40 years or older"), ("19791112", 40, "No criterion applies"),
    ("19691110", 50, "50 years or older"), ("19691111", 50, "No criterion applies")])
def test_the_age_threshold_is_an_option(tmp_path, dob, age, reason):
    # age is days / 365.25, as the reference counts it: on the 50th birthday in 2019 it
    # is 49.998 (12 leap days in 50 years), on the 40th exactly 40.0 (10 in 40)
    rows = [target(dob=dob), other(2, "20150101", length="1", unit="M")]
    assert _judge(tmp_path, rows, age=age)["reason"] == reason


@pytest.mark.parametrize(("last", "years", "reason"), [
    ("20171111", 2, "No convictions in past 2 years"),
    ("20171112", 2, "No criterion applies"),
    ("20091111", 10, "No convictions in past 10 years"),
    ("20091112", 10, "No criterion applies")])
def test_the_years_conviction_free_are_an_option(tmp_path, last, years, reason):
    rows = [target(), other(2, last, length="1", unit="D")]
    assert _judge(tmp_path, rows, years_conviction_free=years)["reason"] == reason


def test_a_month_is_a_twelfth_of_366_days(tmp_path):
    # 6 months from 2019-05-15 is 183 days: 2019-11-14, still running on 2019-11-11
    rows = [target(), other(2, "20190515", length="6", unit="M")]
    assert _judge(tmp_path, rows)["rule"] == 8
    rows = [target(), other(2, "20190511", length="6", unit="M")]  # ended 2019-11-10
    assert _judge(tmp_path, rows)["rule"] == 10


def test_only_the_county_is_judged(tmp_path):
    rows = [target(), other(2, "19950101", "11359 HS-SALE", county="YOLO")]
    result = doj.run([write(tmp_path / "doj.csv", rows)], compute_at=AT)
    assert result.determinations["hs_section"].cast(str).to_list() == ["11358"]
    other_county = doj.run([tmp_path / "doj.csv"], compute_at=AT, county="yolo")
    assert other_county.determinations["hs_section"].cast(str).to_list() == ["11359"]


@pytest.mark.parametrize("options", [{"age": 0}, {"years_conviction_free": 0},
                                     {"county": " "}])
def test_options_the_rules_cannot_use_are_refused(tmp_path, options):
    with pytest.raises(ValidationError, match="must"):
        doj.run([write(tmp_path / "doj.csv", [target()])], compute_at=AT, **options)
