"""The reconciliation page's claims about whole records, from an ``analysis doj`` summary.

When ``analysis doj`` wrote the case list, the page checks the published 22,000 people
left without a felony, 15,000 with no conviction and 2,142 convictions ruled out by
other convictions against the summary beside it; the site's release declares the
summary's three figures, so one from 1 to 10 (or a nested pair 1 to 10 apart) is
withheld like any count, and the audit of the published files knows them. Without a
summary nothing changes. Module level: the page's reconciliation, its claims table and
card, the plan and the audit, on a small list derived from the synthetic DOJ file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from analysis import (
    claims,
    data,
    doj,
    paths,
    provenance,
    reader,
    reconcile,
    release,
    summarychecks,
    synth_doj,
)
from analysis.claimchecks import NOT_CHECKABLE
from analysis.release import published
from analysis.release.summary import SOURCE

AGAINST = "published-claims-published-against-the-figures"
WHOLE = {"people_no_felony_2020": "facts-12", "people_no_record_2020": "facts-13",
         "ineligible_2020": "facts-14"}


@pytest.fixture(scope="module")
def doj_list(tmp_path_factory) -> Path:
    """A case list ``analysis doj`` wrote from 2,000 synthetic people, with its summary."""
    folder = tmp_path_factory.mktemp("doj")
    synth_doj.write(folder / "doj.csv", 2020, people=2_000)
    doj.run([folder / "doj.csv"], compute_at=dt.date(2020, 2, 13), out=folder / "run")
    return folder / "run" / "cases.csv"


@pytest.fixture(scope="module")
def opened(doj_list):
    return data.open_cases(doj_list)


def _with_figures(summary: dict, no_felony: int, no_record: int, ineligible: int) -> dict:
    """``summary`` with its three figures replaced."""
    relief = dict(summary["reliefWithCurrentEligibilityChoices"],
                  CountSubjectsNoFelony=no_felony, CountSubjectsNoConviction=no_record)
    lacra = dict(summary["lacra"], ineligibleBecauseOfOtherConvictions=ineligible)
    return dict(summary, reliefWithCurrentEligibilityChoices=relief, lacra=lacra)


def _page(cases, source, summary):
    """The page's tables protected as the site protects them (without the attacker's
    programs, which bound the case list's cells only: the summary's are outside them),
    its claims table, and its reconciliation as the notebook makes it."""
    built = release.page_tables("06_reconciliation", "reconciliation", cases,
                                doj_summary=summary)
    plan = release.protect_site([built], source.sha256, audit=False)
    for table in built.tables:
        table.hidden = frozenset(c for c in plan.hidden if c in table.values())
    against = built[AGAINST]
    result = reader.records.reconciliation(reconcile.reconcile(cases, claims.load()),
                                           summary, against)
    return plan, against, result


def _rows(against) -> dict[str, dict]:
    shown = {r["claim"]: r for r in against.protected().iter_rows(named=True)}
    return {m: shown[i] for m, i in WHOLE.items()}


def _checks(result) -> dict:
    return {m: next(d for d in result.data if d.claim == i) for m, i in WHOLE.items()}


def test_a_list_without_a_summary_changes_nothing(opened, tmp_path):
    cases, _ = opened
    bare = data.open_cases(_copy(opened[1].path, tmp_path))[1]
    assert summarychecks.for_source(bare) is None
    plan, against, result = _page(cases, bare, None)
    assert not any(c.source == SOURCE for c in plan.hidden)
    assert not any(c.source == SOURCE for _, _, c in against.table.cells())
    assert all(d.status == NOT_CHECKABLE and d.computed is None
               for d in _checks(result).values())
    assert reader.records.card(result, against, None, bare) is None
    # the project's own default list never reads a summary, whatever lies beside it
    default = data.Source(paths.synthetic_cases(paths.DEFAULT_SEED), True, "0" * 64)
    assert summarychecks.for_source(default) is None


def _copy(path: Path, folder: Path) -> Path:
    target = folder / "cases.csv"
    target.write_bytes(path.read_bytes())
    return target


def test_the_summary_beside_the_list_checks_the_three_claims(opened):
    cases, source = opened
    summary = summarychecks.for_source(source)
    assert summary is not None, "analysis doj writes summary.json beside cases.csv"
    known = summarychecks.figures(summary, withhold=False)
    plan, against, result = _page(cases, source, summary)
    rows, checks = _rows(against), _checks(result)
    for measure in WHOLE:
        value = known[measure]
        assert rows[measure]["computed"] == f"{value:,}"
        assert checks[measure].computed == value and checks[measure].required
        assert rows[measure]["status"] == checks[measure].status != NOT_CHECKABLE
    # the figures are cells of the summary's own source, none withheld at these sizes
    row_cells = {r["dims"]["claim"]: r["cells"].get("computed") for r in against.table.rows}
    assert {row_cells[i].source for i in WHOLE.values()} == {SOURCE}
    assert not any(c.source == SOURCE for c in plan.hidden)
    text = reader.records.card(result, against, summary, source).data
    run = summarychecks.run_of(summary)
    assert f"compute-at date {run['computeAt']}" in text and f"county {run['county']}" in text
    assert all(f"gives **{known[m]:,}**," in text for m in WHOLE)
    # the list was made of a generated DOJ file, as its summary says: a calibration check
    assert source.synthetic and "summary.json" in text and "calibration check" in text
    assert "synthetic records generated by this project" in text
    users = data.Source(source.path, False, source.sha256)  # the same rules' run, real
    said = reader.records.card(result, against, summary, users).data
    assert "calibration check" not in said.lower() and "the records behind cases.csv" in said


@pytest.mark.parametrize(("figures", "withheld"), [
    ((830, 825, 81), {"people_no_record_2020"}),  # 5 people apart from the figure it is in
    ((830, 566, 4), {"ineligible_2020"}),  # a handful of convictions
    ((22_000, 7, 2_142), {"people_no_record_2020"}),  # a handful of people
])
def test_a_small_summary_figure_is_withheld_on_the_page(opened, tmp_path, figures, withheld):
    cases, source = opened
    summary = _with_figures(summarychecks.for_source(source), *figures)
    plan, against, result = _page(cases, source, summary)
    rows, checks = _rows(against), _checks(result)
    assert {m for m, r in rows.items() if r["computed"] == release.HIDDEN} == withheld
    for measure in withheld:  # nor does anything else tell the withheld figure
        assert rows[measure]["status"] is None and rows[measure]["explanation"] is None
        assert checks[measure].status == NOT_CHECKABLE and not checks[measure].required
        assert checks[measure].claim not in {d.claim for d in result.failures}
    text = reader.records.card(result, against, summary, source).data
    assert text.count(f"is *{release.HIDDEN}*") == len(withheld)
    small = [v for m, v in zip(WHOLE, figures, strict=True) if m in withheld]
    assert not any(f"gives **{v:,}**" in text for v in small)
    # the audit of the published files knows the figures: it passes the page as
    # protected, and catches the small count when nothing is withheld
    assert _audit(tmp_path / "protected", plan, against) == []
    bare = release.SitePlan(plan.data_sha256, {}, plan.pages)
    for table in bare.pages[0].tables:
        table.hidden = frozenset()
    found = _audit(tmp_path / "bare", bare, against)
    gap = figures[0] - figures[1]
    assert any(f"shows {v:,}, a count from 1 to 10" in str(f)
               for f in found for v in {*small, gap} if 0 < v < 11)


def _audit(site: Path, plan, against) -> list:
    """The published-site audit of the claims table's CSV, as the page writes it, under
    ``plan``'s release declaration."""
    site.mkdir()
    table = reader.table(against, "claims", basis=provenance.real("cases.csv"))
    (site / "claims.csv").write_text(table.csv, encoding="utf-8")
    published.write(site, [plan.to_json()])
    entries = [{"page": "reconciliation", "data_source": {"sha256": plan.data_sha256},
                "csv": [{"path": "claims.csv", "name": table.name,
                         "cells": {c: list(keys) for c, keys in table.declared}}]}]
    return published.audit(site, entries)


def test_the_plan_is_named_by_the_summary_figures_not_its_file(opened, monkeypatch):
    _, source = opened
    summary = summarychecks.for_source(source)
    rerun = dict(summary, processingTimeInSeconds=99.0)  # a rerun: other timings only
    other = _with_figures(summary, 831, 566, 81)
    keys = {name: release.plan_key(source.sha256, [], s) for name, s in
            (("none", None), ("summary", summary), ("rerun", rerun), ("other", other))}
    assert keys["summary"] == keys["rerun"]
    assert len({keys["none"], keys["summary"], keys["other"]}) == 3
    # the plan records the summary it was made with by its digest, never a figure
    made, content = release.site_plan([], opened[0], source.sha256, doj_summary=summary)
    assert content[release.SUMMARY_KEY] == summarychecks.digest(summary)
    # a kernel handed the renderer's plan refuses it when the summary beside it differs
    monkeypatch.setenv(release.ENV, str(made))
    assert release.load_plan(opened[0], source.sha256, doj_summary=summary) == content
    with pytest.raises(RuntimeError, match="another summary.json"):
        release.load_plan(opened[0], source.sha256, doj_summary=other)


def test_a_case_list_claim_whose_figure_is_withheld_gets_no_verdict(synthetic, tmp_path):
    """Four misdemeanors against the published 3,700: the page withholds the count, so
    the verdict may not call the claim failed (that would say the hidden count is not
    near 3,700); it says how many claims it leaves unjudged instead."""
    import polars as pl

    from analysis import synth

    feb = synthetic.filter(pl.col("batch") == "feb2020")
    few = pl.concat([feb.filter(pl.col("charge_level") == "felony").head(600),
                     feb.filter(pl.col("charge_level") == "misdemeanor").head(4)])
    cases, source = data.open_cases(synth.write(few, tmp_path / "few.parquet"))
    _, against, result = _page(cases, source, None)
    shown = {r["claim"]: r for r in against.protected().iter_rows(named=True)}
    withheld = {c for c, r in shown.items() if r["computed"] == release.HIDDEN}
    assert "feb2020-05" in withheld  # "another 4,000 (3,700)" misdemeanors: 4 here
    checks = {d.claim: d for d in result.data}
    for claim in withheld:
        assert checks[claim].status == NOT_CHECKABLE and not checks[claim].required
    assert not withheld & {d.claim for d in result.failures}
    said = reader.reconcile.verdict(result).data
    assert f"{len(withheld)} claim(s) are not judged" in said
    assert "feb2020-05" not in said
    # the shown figures are judged as before: 604 convictions fail "nearly 66,000"
    assert "feb2020-01" in {d.claim for d in result.failures}
