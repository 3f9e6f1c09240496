"""Every published figure can be traced: outlet, headline, date and author as printed."""

from __future__ import annotations

import polars as pl
import pytest

from analysis import assumptions, citations, claims

LEDGER = claims.load()
FACTS = [c for c in LEDGER if c.source == "facts"]


def test_every_source_document_says_its_outlet_headline_date_and_author():
    table = claims.sources()
    for column in ("outlet", "headline", "date", "author"):
        assert table[column].str.strip_chars().str.len_chars().min() > 0, column
    # a field a copy leaves out is said to be left out, never guessed
    upi = table.filter(pl.col("source") == "upi").row(0, named=True)
    assert upi["headline"].startswith("not printed") and upi["author"] == "not printed"


@pytest.mark.parametrize("claim", FACTS, ids=lambda c: c.id)
def test_every_gathered_fact_cites_its_report_or_says_none_is_named(claim):
    text = citations.cite(claim.source, claim.id)
    report = citations.report_of(claim.id)
    if report is None:
        assert text.startswith(citations.NOT_NAMED)
    else:
        assert text.startswith(report["outlet"]) and report["date"] in text
    assert "shared/" not in text and "seeds/" not in text


def test_reports_cite_only_gathered_facts_of_the_ledger_each_once():
    cited = [cid for row in citations.reports().iter_rows(named=True)
             for cid in row["claims"].split()]
    assert len(cited) == len(set(cited))
    assert set(cited) <= {c.id for c in FACTS}


@pytest.mark.parametrize(("claim", "outlet", "date"), [
    ("facts-20", "California NORML", "2023-07-10"),   # 212,344 cleared statewide
    ("facts-23", "California NORML", "2023-07-10"),   # 2,232 outstanding in the county
    ("facts-06", "CBS News", "2020-02-13"),           # 3,700 misdemeanors
    ("facts-11", "Epoch Times", "2020-02-14"),        # 3% other or unknown
])
def test_the_statewide_and_county_figures_name_their_publisher(claim, outlet, date):
    text = citations.cite("facts", claim)
    assert text.startswith(outlet) and date in text


def test_the_2142_ineligible_convictions_have_no_named_source():
    assert citations.cite("facts", "facts-14").startswith(citations.NOT_NAMED)


def test_no_figure_is_labelled_published_that_no_source_prints():
    table = assumptions.assumptions_table()
    row = table.filter(pl.col("name") == "sep2021_misdemeanors").row(0, named=True)
    assert row["kind"] == "derived from published" and "the rest of" in row["source"]
    published = table.filter(pl.col("kind") == "published")
    assert "37,900" not in published["value"].to_list()
    assert not published["source"].str.contains("shared/seeds").any()
