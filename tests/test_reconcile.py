"""Reconciliation: claims against claims, claims against the data, the command."""

from __future__ import annotations

import json

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import claimchecks, claims, cli, reconcile, synth
from analysis.claimchecks import (
    CONSISTENT,
    INCONSISTENT,
    NOT_CHECKABLE,
    ROUNDING,
    Term,
    at_most,
    equal,
    group,
)
from analysis.qualifiers import Interval

LEDGER = claims.load()
CHECKS = {c.id: c for c in claimchecks.claim_checks(LEDGER)}


def _t(face, lo, hi, **kw):
    return Term(str(face), face, Interval(lo, hi, **kw), (str(face),))


# --- the status rules ----------------------------------------------------------------

def test_equal_statuses():
    assert equal(_t(65_700, 65_200, 66_200), _t(66_000, 65_500, 66_500))[0] == CONSISTENT
    # an exact 65,700 does not admit 66,000 back: equal only within rounding
    assert equal(_t(65_700, 65_700, 65_700), _t(66_000, 65_500, 66_500))[0] == ROUNDING
    nearly_60k = _t(60_000, 57_000, 60_000, hi_open=True)
    assert equal(nearly_60k, _t(58_000, 57_000, 59_000))[0] == ROUNDING
    status, why = equal(_t(30_000, 28_500, 30_000, hi_open=True), _t(60_000, 54_000, 66_000))
    assert status == INCONSISTENT and "no value fits both" in why


_face = st.integers(1, 200).map(lambda k: k * 500)
_term = st.builds(lambda face, below, above, lo_open, hi_open: _t(
    face, face - below * 250, face + above * 250, lo_open=lo_open and below > 0,
    hi_open=hi_open and above > 0) if below or above else _t(face, face, face),
    _face, st.integers(0, 8), st.integers(0, 8), st.booleans(), st.booleans())


@settings(max_examples=400, deadline=None)
@given(_term, _term)
def test_every_equality_verdict_agrees_with_the_intervals_the_rule_gives(a, b):
    """Consistent only when each face value is inside the other's interval (open ends
    admit nothing at them: "nearly 66,000" does not admit 66,000); within rounding when
    the intervals share a value; inconsistent only when they share none."""
    status, _ = equal(a, b)
    common = not a.interval.intersect(b.interval).empty
    faces_in = a.face in b.interval and b.face in a.interval
    assert status == (CONSISTENT if faces_in else ROUNDING if common else INCONSISTENT)


def test_at_most_statuses():
    assert at_most(_t(53_000, 52_000, 54_000), _t(66_000, 65_500, 66_500))[0] == CONSISTENT
    assert at_most(_t(103, 92, 108), _t(100, 100, 100))[0] == ROUNDING
    assert at_most(_t(70_000, 69_000, 71_000), _t(66_000, 65_500, 66_500))[0] == INCONSISTENT


def test_group_names_the_odd_one_out():
    status, why, suspects = group([_t(58_000, 57_000, 59_000), _t(60_000, 54_000, 66_000),
                                   _t(30_000, 28_500, 30_000, hi_open=True)])
    assert status == INCONSISTENT and suspects == ("30000",)
    assert "57,000 to 59,000" in why
    status, _, suspects = group([_t(1, 0, 2), _t(10, 9, 11)])  # two-way split: no culprit
    assert status == INCONSISTENT and suspects == ()


# --- claims against claims -----------------------------------------------------------

def test_headline_contradicted_by_its_own_body_is_inconsistent_with_the_reason():
    check = CHECKS["hb-leafnation-01"]
    assert check.kind == "headline vs body" and check.status == INCONSISTENT
    assert "nearly 30,000" in check.explanation and "about 60,000" in check.explanation
    assert "50% of the body's figure" in check.explanation
    assert check.suspects == ("leafnation-01",)
    # the same claim is the odd one out among every source's 2021 figures
    across = CHECKS["xs-convictions_2021"]
    assert across.status == INCONSISTENT and across.suspects == ("leafnation-01",)
    assert set(claimchecks.disputed(list(CHECKS.values()))) == {"leafnation-01"}


def test_nearly_60000_headlines_against_approximately_58000_bodies():
    assert CHECKS["hb-blog-01"].status == ROUNDING
    assert CHECKS["wa-upi-convictions_2021"].status == ROUNDING
    assert "57,000 to 59,000" in CHECKS["hb-blog-01"].explanation
    assert CHECKS["hb-entrepreneur-01"].status == CONSISTENT  # nearly 58,000 both places


@pytest.mark.parametrize(("check", "status", "text"), [
    ("pw-2020-facts", CONSISTENT, "62,000 + about 4,000 makes 66,000"),
    ("pw-2020-precise", CONSISTENT, "makes 65,700"),
    # "nearly 66,000" admits [62,700, 66,000): not 66,000 itself, so not at face value
    ("pw-2020-lacey", ROUNDING, "which nearly 66,000 leaves out at face value"),
    ("pw-2021-facts", CONSISTENT, "leaves 38,000 (35,000 to 41,000) for the rest"),
    ("pw-both-125k", CONSISTENT, "makes 124,000, which nearly 125,000 admits"),
    ("pw-both-123k", CONSISTENT, "which more than 123,000 admits"),
    ("shares-facts", CONSISTENT, "makes 100"),
    ("shares-lacey", CONSISTENT, "97"),
    ("shares-entrepreneur", ROUNDING, "103 exceeds 100 at face value"),
    ("people-2020-lacey", CONSISTENT, "about 53,000"),
    ("cities", CONSISTENT, "makes 88"),
    ("statewide-2023", INCONSISTENT, "217,000 to 221,000"),
    ("la-2023", ROUNDING, "2021 convictions"),
    ("people-harmed", NOT_CHECKABLE, "wider group"),
    ("xs-misdemeanors_2020", ROUNDING, "3,700"),
    ("xs-share_latino_2020", ROUNDING, "nearly half"),
    ("xs-convictions_both", ROUNDING, "nearly 125,000; more than 123,000"),
])
def test_part_whole_and_cross_source_checks(check, status, text):
    assert CHECKS[check].status == status, CHECKS[check].explanation
    assert text in CHECKS[check].explanation


def test_every_explicit_check_names_real_claims():
    ids = {c.id for c in LEDGER}
    for spec in claimchecks.SPECS:
        assert set(spec.lhs + spec.rhs) <= ids, spec.id
    assert len({c.id for c in CHECKS.values()}) == len(CHECKS)
    assert all(c.status in claimchecks.STATUSES and c.explanation for c in CHECKS.values())


# --- claims against the data ---------------------------------------------------------

@pytest.fixture(scope="module")
def default_result(synthetic):
    return reconcile.reconcile(synthetic, LEDGER)


def test_the_default_data_meets_every_claim_it_should(default_result):
    assert default_result.failures == []
    data = {d.claim: d for d in default_result.data}
    required = [d for d in default_result.data if d.required]
    assert len(required) >= 50
    assert all(d.status in (CONSISTENT, ROUNDING) for d in required)
    # the refuted headline is reported, not required
    assert data["leafnation-01"].status == INCONSISTENT and not data["leafnation-01"].required
    # figures that need more than a dismissal list cannot be checked
    assert data["facts-12"].status == NOT_CHECKABLE and "criminal histories" in \
        data["facts-12"].explanation
    assert data["feb2020-11"].status == NOT_CHECKABLE  # statewide
    assert data["blog-07"].status == ROUNDING  # 123,600 is only loosely nearly 125,000
    assert data["derived-01"].status == CONSISTENT and data["derived-02"].computed == 0


def test_computed_values_match_an_independent_count(synthetic, default_result):
    data = {d.claim: d.computed for d in default_result.data}
    rows = synthetic.select("batch", "charge_level", "offense_type", "person_id",
                            "race_ethnicity", "conviction_date").rows()
    feb = [r for r in rows if r[0] == "feb2020"]
    sep = [r for r in rows if r[0] == "sep2021"]
    assert data["upi-07"] == len(feb)
    assert data["facts-15"] == len(sep)
    assert data["entrepreneur-02"] == len(rows)
    assert data["upi-06"] == sum(r[1] == "felony" and r[2] in ("possession", "cultivation")
                                 for r in sep)
    people = {r[3]: r[4] for r in feb}
    assert data["feb2020-07"] == len(people)
    latino = sum(v == "Latino" for v in people.values())
    assert data["feb2020-08"] == pytest.approx(100 * latino / len(people))
    assert data["feb2020-04"] == min(r[5] for r in feb if r[1] == "felony").year


def test_a_list_with_one_batch_leaves_the_other_claims_uncheckable(synthetic):
    only_2020 = synthetic.filter(pl.col("batch") == "feb2020")
    result = reconcile.reconcile(only_2020, LEDGER)
    data = {d.claim: d for d in result.data}
    assert result.failures == []
    assert data["upi-03"].status == NOT_CHECKABLE and data["blog-07"].status == NOT_CHECKABLE
    assert data["feb2020-03"].status == CONSISTENT


def test_a_conviction_listed_twice_breaks_the_totals(synthetic):
    twice = synthetic.filter(pl.col("batch") == "feb2020").head(30).with_columns(
        batch=pl.lit("sep2021").cast(synthetic["batch"].dtype))
    result = reconcile.reconcile(pl.concat([synthetic, twice]), LEDGER)
    failed = {d.claim for d in result.failures}
    assert "derived-02" in failed
    assert reconcile.cross_batch(pl.concat([synthetic, twice])).row(0)[1] == 30


# --- the tables behind the page ------------------------------------------------------

def test_people_and_cross_batch_tables(synthetic):
    table = reconcile.people_vs_convictions(synthetic)
    both = table.filter(pl.col("motion") == "both motions").row(0, named=True)
    assert both["convictions"] == synthetic.height
    assert both["people"] == synthetic["person_id"].n_unique()
    cross = dict(reconcile.cross_batch(synthetic).rows())
    feb = set(synthetic.filter(pl.col("batch") == "feb2020")["person_id"])
    sep = set(synthetic.filter(pl.col("batch") == "sep2021")["person_id"])
    assert cross["people in both motions"] == len(feb & sep) > 0
    assert cross["people in either motion"] == len(feb | sep)
    bins = reconcile.people_by_convictions_in_motion(synthetic)
    assert bins["people"].sum() == len(feb) + len(sep)


def test_waterfall_steps_and_intervals(synthetic):
    steps, intervals = reconcile.waterfall(synthetic, LEDGER)
    ends = dict(zip(steps["step"], steps["end"], strict=True))
    assert ends["combined total"] == synthetic.height
    assert ends["September 2021 motion"] == synthetic.height
    sep = intervals.filter(pl.col("step") == "September 2021 motion")
    feb = float((synthetic["batch"] == "feb2020").sum())
    approx = sep.filter(pl.col("claim") == "approximately 58,000").row(0, named=True)
    assert (approx["lo"], approx["hi"]) == (feb + 57_000, feb + 59_000)
    assert "nearly 30,000" in sep["claim"].to_list()


def test_the_waterfall_draws_each_range_over_its_own_quantity(synthetic):
    """The 2021 figures sit on the 2021 count's own panel and scale, not on top of the
    2020 count; each panel marks and names the count in the data."""
    from analysis.reader import reconcile as page

    steps, _ = reconcile.waterfall(synthetic, LEDGER)
    spec = page.waterfall_chart(steps, reconcile.claim_ranges(LEDGER), "s").to_dict()
    rows = [r for d in spec["datasets"].values() for r in d if "claim" in r]
    own = dict(zip(steps["step"], steps["value"], strict=True))
    approx = next(r for r in rows if r["claim"] == "approximately 58,000")
    assert (approx["lo"], approx["hi"]) == (57_000, 59_000)
    assert approx["count"] == own["September 2021 motion"] < 60_000
    marks = {r["step"]: r["lo"] for r in rows if r["claim"] == page.DATA_COUNT}
    assert marks == {s: own[s] for s in marks} and len(marks) == 3
    for r in rows:  # each range's verdict is against its own step's count
        if r["claim"] != page.DATA_COUNT:
            assert (r["holds"] == page.HOLDS[0]) == (r["lo"] <= own[r["step"]] <= r["hi"])
    panels = spec["vconcat"][1]
    assert panels["facet"]["row"]["field"] == "step"
    assert panels["resolve"]["scale"]["x"] == "independent"
    assert page.DATA_COUNT in panels["spec"]["layer"][0]["encoding"]["color"]["scale"]["domain"]
    assert "cumulative" not in str(spec).lower()


# --- the command ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def tampered(tmp_path_factory, synthetic):
    """The default data with 10% of the 2021 felonies removed."""
    felonies = synthetic.filter((pl.col("batch") == "sep2021")
                                & (pl.col("charge_level") == "felony"))
    drop = felonies.sample(fraction=0.10, seed=7).select("batch", "case_id", "count")
    frame = synthetic.join(drop, on=["batch", "case_id", "count"], how="anti")
    return synth.write(frame, tmp_path_factory.mktemp("tampered") / "tampered.csv")


def test_reconcile_fails_on_tampered_data_and_names_the_broken_claims(tampered, capsys):
    assert cli.main(["reconcile", "--data", str(tampered)]) == 1
    out, err = capsys.readouterr()
    assert "FAILED" in err
    broken = err.split("FAILED", 1)[1]
    for claim in ("upi-03", "facts-15", "blog-06", "entrepreneur-02", "entrepreneur-10"):
        assert claim in broken
    for fine in ("feb2020-03", "upi-07", "leafnation-01", "derived-01"):
        assert fine not in broken
    assert "user-supplied file tampered.csv" in out


def test_reconcile_passes_on_the_default_data(synthetic_csv, capsys):
    assert cli.main(["reconcile", "--data", str(synthetic_csv)]) == 0
    out = capsys.readouterr().out
    assert "hb-leafnation-01" in out and "inconsistent" in out
    assert "ok: the data meets every claim it should" in out


def test_reconcile_json(synthetic_csv, capsys):
    assert cli.main(["reconcile", "--data", str(synthetic_csv), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["failures"] == []
    assert {c["id"] for c in report["checks"]} >= {"hb-leafnation-01", "pw-both-125k"}


@pytest.mark.parametrize("args", [["--data", "/nonexistent/cases.csv"],
                                  ["--ledger", "/nonexistent/claims.csv"]])
def test_reconcile_bad_input_is_one_line_and_exit_2(args, capsys):
    assert cli.main(["reconcile", *args]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err


def test_only_the_odd_one_out_is_marked_inconsistent_per_claim():
    status = reconcile.reconcile(None, LEDGER).claim_status()
    assert status["leafnation-01"] == INCONSISTENT
    # the body it contradicts, and every other 2021 figure, stay consistent
    assert status["leafnation-02"] == ROUNDING  # about 60,000 against 58,000 elsewhere
    assert status["upi-03"] == ROUNDING and status["entrepreneur-01"] == ROUNDING
    # a claim with checkable and uncheckable checks takes the checkable status
    assert status["feb2020-07"] == CONSISTENT
    assert status["leafnation-11"] == NOT_CHECKABLE
    # figures that disagree with no single culprit are all marked
    assert {status[i] for i in ("facts-18", "facts-20", "facts-21")} == {INCONSISTENT}
