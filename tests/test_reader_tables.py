"""The pieces of a published page: tables with their CSV, suppression, the data card."""

from __future__ import annotations

import base64
import re

import polars as pl
import pytest
from conftest import count_table

from analysis import provenance, reader, words
from analysis.data import Source
from analysis.outputs import DATA_CARD_MIME, TABLE_MIME, DataCard


def _csv(html: str) -> str:
    """The CSV the download link of JupyterLab's view carries, read as Excel would."""
    data = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]*)"', html)[1]
    raw = base64.b64decode(data)
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel looks for
    return raw.decode("utf-8-sig")

SYNTHETIC = provenance.Basis("synthetic")  # what the tables here rest on


def _html(table) -> str:
    """What JupyterLab shows of a table."""
    return table._repr_mimebundle_()["text/html"]


def test_table_carries_its_csv_and_metadata():
    frame = pl.DataFrame({"motion": ["Feb 2020", "Sept 2021"], "convictions": [65_700, 57_900]})
    bundle = reader.table(frame, "Convictions by motion", basis=SYNTHETIC)._repr_mimebundle_()
    html = bundle["text/html"]
    assert "<td>65,700</td>" in html
    assert '<caption class="lacra-sr-only">Convictions by motion (synthetic)' in html
    assert _csv(html) == "motion,convictions\nFeb 2020,65700\nSept 2021,57900\n"
    assert 'download="convictions-by-motion.csv"' in html
    assert bundle[TABLE_MIME] == {"name": "convictions-by-motion",
                                  "caption": "Convictions by motion (synthetic)", "rows": 2,
                                  "columns": ["motion", "convictions"],
                                  "cells": [["Feb 2020", "65,700"], ["Sept 2021", "57,900"]],
                                  "csv": _csv(html), "summary": "", "declared": {},
                                  "basis": {"motion": "synthetic", "convictions": "synthetic"},
                                  "illustrative": ""}
    named = _html(reader.table(frame, "x", name="By Motion", basis=SYNTHETIC))
    assert 'data-lacra-csv="by-motion"' in named


def test_a_count_table_shows_its_hidden_cells_by_the_one_label_in_html_and_csv():
    frame = pl.DataFrame({"city": ["Avalon", "Bell", "Compton"], "convictions": [4, 250, 1_312],
                          "convictions_share": [4 / 1566, 250 / 1566, 1312 / 1566]})
    counts = count_table("by-city", frame, ["city"], {"convictions": "convictions"},
                         hidden={"convictions": [0, 1]},
                         derived={"convictions_share": "convictions"})
    bundle = reader.table(counts, "By city", basis=SYNTHETIC)._repr_mimebundle_()
    html, csv = bundle["text/html"], _csv(bundle["text/html"])
    assert html.count("<td>suppressed</td>") == 2 and "<td>1,312</td>" in html
    # in the CSV a hidden count is empty, its flag beside it says so
    assert csv.splitlines() == ["city,convictions,convictions_hidden,convictions_share",
                                "Avalon,,true,", "Bell,,true,",
                                f"Compton,1312,false,{1312 / 1566}"]
    assert "250" not in html and not re.search(r"\d", "".join(csv.splitlines()[1:3]))
    # the payload names the cell behind every count, for the audit
    declared = bundle[TABLE_MIME]["declared"]["convictions"]
    assert declared == [row["cells"]["convictions"].key for row in counts.table.rows]


def test_a_count_table_is_published_whole_and_under_its_own_name():
    frame = pl.DataFrame({"city": ["Bell"], "convictions": [250]})
    counts = count_table("by-city", frame, ["city"], {"convictions": "convictions"})
    with pytest.raises(ValueError, match="published whole"):
        reader.table(counts, "x", columns=["city"], basis=SYNTHETIC)
    with pytest.raises(ValueError, match="its own name"):
        reader.table(counts, "x", name="other", basis=SYNTHETIC)


@pytest.mark.parametrize("column", ["case_id", "person_id", "PERSON_ID"])
def test_table_refuses_identifiers(column):
    with pytest.raises(ValueError, match="refuses identifier column"):
        reader.table(pl.DataFrame({column: ["X1"], "n": [1]}), "leak")


def test_data_card_names_its_source_for_the_site(tmp_path, synthetic):
    source = Source(tmp_path / "list.csv", False, "ab" * 32)
    bundle = reader.data_card(synthetic.head(50), source)._repr_mimebundle_()
    assert "user-supplied file list.csv" in bundle["text/markdown"]
    assert bundle[DATA_CARD_MIME] == {"source": source.label, "file": "list.csv",
                                      "synthetic": False, "sha256": "ab" * 32, "rows": 50,
                                      "counted": True, "default": False}


@pytest.mark.parametrize(("where", "default"), [("", True), ("doj_run", False)])
def test_data_card_says_whether_it_is_the_default_list(synthetic, where, default):
    """The page's data note words a synthetic list by this flag, not by its label."""
    from analysis import paths

    source = Source(paths.SYNTHETIC / where / "cases.csv", True, "ab" * 32)
    card = reader.data_card(synthetic.head(50), source)
    assert card.default is default and card.statement()["default"] is default
    assert DataCard.from_bundle(card._repr_mimebundle_()).default is default


def test_the_data_card_is_a_list_of_terms_without_an_empty_header(tmp_path, synthetic):
    """Each line of the card is a term and what it says (a definition list), so no
    table header row is left empty; text is escaped and backticks become code."""
    from html.parser import HTMLParser

    source = Source(tmp_path / "a<b>.csv", False, "ab" * 32)
    card = reader.data_card(synthetic.head(50), source).markdown

    class Items(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.text = [], {}

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

        def handle_data(self, data):
            self.text.setdefault(self.tags[-1], []).append(data)

    parsed = Items()
    parsed.feed(card)
    assert "table" not in parsed.tags and "th" not in parsed.tags
    terms = parsed.text["dt"]
    assert terms[:4] == ["Source", "Rows", "People", "Checksum"] and all(t.strip() for t in terms)
    assert parsed.tags.count("dt") == parsed.tags.count("dd") == len(terms)
    assert "a&lt;b&gt;.csv" in card and f"<code>sha256:{'ab' * 8}" in card


@pytest.mark.parametrize(("column", "label"), [
    ("charge_level", "charge level"),
    ("race_ethnicity", "race/ethnicity"),
    ("convictions_share", "share of convictions"),
    ("people_share", "share of people"),
    ("rate_low", "rate, lower bound"),
    ("ratio_high", "ratio, upper bound"),
    ("p_value", "p-value"),
    ("conviction_decade", "decade of conviction"),
    ("convictions", "convictions"),
    ("LAPD arrests 2010-2019 (computed)", "LAPD arrests 2010-2019 (computed)"),
])
def test_readers_see_words_for_column_names(column, label):
    assert words.column_label(column) == label


def test_table_headers_are_words_and_shares_are_percents_while_the_csv_keeps_both():
    frame = pl.DataFrame({"charge_level": ["felony", "misdemeanor", "infraction"],
                          "convictions": [62_000, 3_700, 1],
                          "convictions_share": [62_000 / 65_701, 3_700 / 65_701, 1 / 65_701]})
    html = _html(reader.table(frame, "By charge level", basis=SYNTHETIC))
    assert '<th title="charge_level in the CSV">charge level</th>' in html
    assert "<th>convictions</th>" in html
    assert ">share of convictions</th>" in html
    cells = re.findall(r"<td>([^<]*)</td>", html.replace("&lt;", "‹"))
    assert cells[2] == "94.4%" and cells[5] == "5.6%" and cells[8] == "‹0.1%"
    header, first, *_ = _csv(html).splitlines()
    assert header == "charge_level,convictions,convictions_share"
    assert first.startswith("felony,62000,0.94")  # the CSV keeps the fraction


@pytest.mark.parametrize("as_text", [True, False])
def test_a_count_table_with_no_rows_publishes_an_empty_frame(synthetic, as_text):
    from analysis import aggregate
    from analysis.release.tables import counts_table

    nobody = aggregate.Filters(prosecuting_agency="Hermosa Beach city prosecutor",
                               charge_level="felony")  # city prosecutors file no felonies
    table = counts_table("p", "empty", synthetic, ["batch"], filters=nobody)
    shown = table.protected(set(), as_text=as_text)
    assert shown.height == 0 and "convictions" in shown.columns


# A page's own formatting of figures as text, and the columns its CSV holds them in.
SHOWN_AS_TEXT = pl.DataFrame({
    "race/ethnicity": ["Latino", "Black", "Other"],
    "arrests": ["55,560", "8,111", "suppressed"],
    "share": ["39.1%", "35.8%", "suppressed"],
    "change (after / before)": ["0.35 (0.27 to 0.45)", "1,189 (1,093 to 1,293)", ""],
    "95% interval": ["2,970 to 3,268", "0.88 to 1.17", "suppressed"],
    "computed": ["57,900", "36.7 years", "nearly all"],
})


def _csv_rows(table) -> list[dict]:
    import csv
    import io

    return list(csv.DictReader(io.StringIO(table.csv_bytes().decode("utf-8-sig"))))


def test_the_csv_holds_a_pages_text_figures_as_numbers_flags_and_bounds():
    table = reader.table(SHOWN_AS_TEXT, "Figures", basis=SYNTHETIC)
    assert table.header() == [
        "race/ethnicity", "arrests", "arrests_hidden", "share", "share_hidden",
        "change (after / before)", "change (after / before)_low",
        "change (after / before)_high", "95% interval_low", "95% interval_high",
        "95% interval_hidden", "computed"]
    latino, black, other = _csv_rows(table)
    assert latino["arrests"] == "55560" and latino["arrests_hidden"] == "false"
    assert latino["share"] == "0.391" and black["share"] == "0.358"  # fractions, as shares
    assert [black[f"change (after / before){s}"] for s in ("", "_low", "_high")] == [
        "1189.0", "1093.0", "1293.0"]
    assert (black["95% interval_low"], black["95% interval_high"]) == ("0.88", "1.17")
    assert other["arrests"] == "" and other["arrests_hidden"] == "true"
    assert other["95% interval_low"] == "" and other["95% interval_hidden"] == "true"
    # words mixed with figures stay text, as shown
    assert [r["computed"] for r in (latino, black, other)] == ["57,900", "36.7 years",
                                                               "nearly all"]
    # the page keeps its reader formatting
    assert table.cells[0][1:4] == ("55,560", "39.1%", "0.35 (0.27 to 0.45)")
    assert dict(table.basis)["95% interval_hidden"] == "synthetic"


@pytest.mark.parametrize("hidden", [[], [0], [0, 2]])
def test_the_page_and_its_csv_show_the_same_counts(hidden):
    frame = pl.DataFrame({"city": ["Avalon", "Bell", "Compton"],
                          "convictions": [40, 250, 1_312]})
    counts = count_table("by-city", frame, ["city"], {"convictions": "convictions"},
                         hidden={"convictions": hidden})
    table = reader.table(counts, "By city", basis=SYNTHETIC)
    for shown, row in zip(table.cells, _csv_rows(table), strict=True):
        page = "suppressed" if row["convictions_hidden"] == "true" else \
            f"{int(row['convictions']):,}"
        assert shown == (row["city"], page)
    assert [r["convictions_hidden"] == "true" for r in _csv_rows(table)] == [
        i in hidden for i in range(3)]


def test_a_csv_opened_as_excel_would_reads_la_canada_flintridge(tmp_path):
    from analysis.site import build

    frame = pl.DataFrame({"jurisdiction": ["La Cañada Flintridge"], "convictions": [120]})
    table = reader.table(frame, "By city", basis=SYNTHETIC)
    written = build._write_csv(table, "page", tmp_path, set())
    raw = (tmp_path / written.path).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    # Excel opens a CSV with a byte-order mark as UTF-8; without one, as a code page
    assert raw.decode("utf-8-sig").splitlines() == ["jurisdiction,convictions",
                                                     "La Cañada Flintridge,120"]
    assert "Cañada" not in raw[3:].decode("cp1252")
    assert written.columns == ("jurisdiction", "convictions")


def test_a_count_column_mixing_counts_with_other_figures_stays_text_and_flagged():
    frame = pl.DataFrame({"claim": ["a", "b", "c"], "computed": ["57,900", "44.4%", "4"]})
    counts = count_table("claims", frame, ["claim"], {"computed": "convictions"},
                         hidden={"computed": [2]})
    rows = _csv_rows(reader.table(counts, "Claims", basis=SYNTHETIC))
    assert [(r["computed"], r["computed_hidden"]) for r in rows] == [
        ("57,900", "false"), ("44.4%", "false"), ("", "true")]


def test_the_assumptions_table_speaks_in_words_a_note_can_be_matched_to():
    from analysis import assumptions as a

    table = reader.assumptions()
    assert "name" not in table.columns
    assert not any("_" in text for text in table["cited as"].to_list() + table["meaning"].to_list())
    # every assumed parameter is listed under the words an illustrative box cites it by
    cited = set(table["cited as"].to_list())
    for field in a.Assumptions.__dataclass_fields__:
        assert provenance.assumed(field).what in cited, field
