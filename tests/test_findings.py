"""The site's answers (analysis.findings), the claim cards and the two readings of
"cases" (analysis.readings): each built from the ledger, so changing a published figure
changes the answer."""

from __future__ import annotations

import dataclasses
import re

import pytest

from analysis import claimchecks as cc
from analysis import claims, findings, readings, reconcile


@pytest.fixture(scope="module")
def ledger() -> list[claims.Claim]:
    return claims.load()


def _with(ledger, claim_id: str, **changes) -> list[claims.Claim]:
    return [dataclasses.replace(c, **changes) if c.id == claim_id else c for c in ledger]


def _answers(ledger) -> list[findings.Finding]:
    return findings.site_findings(reconcile.reconcile(None, ledger))


def test_the_published_totals_reconcile_and_the_sum_is_the_sources(ledger):
    first = _answers(ledger)[0]
    assert first.text.startswith("The totals reconcile")
    # 66,000 (UPI) + about 58,000 (the gathered facts) is the sum the sentence gives
    assert "make 124,000" in first.text
    for total in ("nearly 125,000", "more than 123,000"):
        assert f"\u201c{total}\u201d" in first.text
    assert first.href == "reconciliation.html#The-verdict-on-the-totals"


def test_a_total_the_parts_miss_turns_the_verdict(ledger):
    # the blog's combined total printed as "nearly 110,000" no longer admits 124,000
    changed = _with(ledger, "blog-07", figure=110000.0, printed="110,000")
    assert _answers(changed)[0].text.startswith("The totals do not reconcile")


def test_the_odd_figures_are_named_with_their_outlet(ledger):
    odd = _answers(ledger)[1].text
    assert odd.startswith("The published figures disagree in two places")
    assert "Leaf Nation" in odd and "\u201cnearly 30,000\u201d" in odd and "half" in odd
    assert "212,344" in odd and "227,650" in odd


def test_a_headline_brought_in_line_leaves_the_list(ledger):
    fixed = _with(ledger, "leafnation-01", figure=60000.0, printed="60,000")
    odd = _answers(fixed)[1].text
    assert odd.startswith("The published figures disagree in one place")
    assert "Leaf Nation" not in odd


def test_people_and_race_are_the_published_ones(ledger):
    people = _answers(ledger)[2].text
    assert "about 53,000 people" in people
    assert "45% Latino" in people and "32% Black" in people and "20% White" in people
    assert "\u201ctens of thousands\u201d" in people  # the most the 2021 sources say


def test_every_check_lands_on_exactly_one_card(ledger):
    result = reconcile.reconcile(None, ledger)
    grouped = findings.group_checks(result)
    ids = [c.id for checks in grouped.values() for c in checks]
    assert sorted(ids) == sorted(c.id for c in result.checks)


@pytest.mark.parametrize("key, status", [("combined", cc.ROUNDING),
                                         ("sep2021", cc.INCONSISTENT),
                                         ("cities", cc.CONSISTENT),
                                         ("statewide", cc.INCONSISTENT)])
def test_each_card_states_its_worst_check(ledger, key, status):
    result = reconcile.reconcile(None, ledger)
    group = next(g for g in findings.GROUPS if g.key == key)
    text = findings.card(result, group, findings.group_checks(result)[key])
    verdict = re.search(r"\*\*(.+?)\.\*\*", text).group(1)
    assert verdict.lower() == status
    assert "**What would change it:**" in text


def test_both_readings_of_cases_are_computed(ledger):
    # hand-worked: 66,000 and 58,000 court cases of 1.5 convictions each are 99,000 and
    # 87,000 convictions, 186,000 in all, which "nearly 125,000" cannot admit
    frame = readings.cases_readings(ledger, {"feb2020": 1.5, "sep2021": 1.5})
    plain, cases = frame.row(0, named=True), frame.row(1, named=True)
    assert plain["combined convictions"] == 124_000
    assert plain["against nearly 125,000"] == cc.CONSISTENT
    assert cases["feb2020 convictions"] == 99_000 and cases["sep2021 convictions"] == 87_000
    assert cases["combined convictions"] == 186_000
    assert cases["against nearly 125,000"] == cc.INCONSISTENT
    assert "186,000" in readings.sentence(frame)


def test_a_reading_the_data_cannot_give_is_unknown(ledger):
    frame = readings.cases_readings(ledger, {"feb2020": None, "sep2021": 1.02})
    assert frame.row(1, named=True)["combined convictions"] is None
    assert "cannot be computed" in readings.sentence(frame)


def test_the_index_opens_with_the_answers_and_each_link_lands(rendered_site):
    index = (rendered_site / "index.html").read_text(encoding="utf-8")
    body = index[index.index("<main>"):]
    assert body.index("What the site finds") < body.index("<table")
    links = re.findall(r'href="([a-z0-9-]+\.html)#([^"]+)"',
                       index[index.index("lacra-findings"):index.index("</section>")])
    assert links
    for page, anchor in links:
        html = (rendered_site / page).read_text(encoding="utf-8")
        assert f'id="{anchor}"' in html, (page, anchor)


def test_the_reconciliation_page_gives_its_verdict_before_its_data(rendered_site):
    html = (rendered_site / "reconciliation.html").read_text(encoding="utf-8")
    assert html.index("What this page finds") < html.index('class="lacra-data"') \
        < html.index('id="Every-published-figure"')
    assert html.index('id="The-verdict-on-the-totals"') < html.index('id="Each-group-of-claims"') \
        < html.index('id="Every-published-figure"')
