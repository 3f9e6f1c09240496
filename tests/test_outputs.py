"""The kernel-to-renderer contract: each output type survives the executed notebook and
reads back the same; a table that would publish an identifier is refused on both sides;
jobs and outcomes cross the spawn boundary whole."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import nbformat
import polars as pl
import pytest
from conftest import count_table
from nbformat.v4 import new_code_cell, new_notebook, new_output

from analysis import provenance, reader
from analysis.data import Source
from analysis.outputs import (
    CHART_MIME,
    DATA_CARD_MIME,
    RENDERER_ONLY,
    TABLE_MIME,
    Chart,
    ContractError,
    DataCard,
    Table,
)
from analysis.site import build
from analysis.site.jobs import CsvFile, Failure, Header, Job, Outcome, Progress, run_jobs


def _through_a_notebook(tmp_path: Path, *bundles: dict):
    """The bundles as an executed notebook stores them: written to disk and read back."""
    nb = new_notebook(cells=[new_code_cell(outputs=[new_output("execute_result", data=b,
                                                               execution_count=1)])
                             for b in bundles])
    path = tmp_path / "page.ipynb"
    nbformat.write(nb, path)
    return nbformat.read(path, as_version=4)


@pytest.fixture
def table() -> Table:
    frame = pl.DataFrame({"charge_level": ["felony", "misdemeanor", "infraction"],
                          "convictions": [62_000, 3_700, 3],
                          "convictions_share": [62_000 / 65_703, 3_700 / 65_703, 3 / 65_703]})
    counts = count_table("levels", frame, ["charge_level"], {"convictions": "convictions"},
                         hidden={"convictions": [1, 2]},
                         derived={"convictions_share": "convictions"})
    return reader.table(counts, 'Convictions "by" level <computed>',
                        basis=provenance.Basis("synthetic"))


def test_a_table_bundle_round_trips_through_the_notebook(tmp_path, table):
    nb = _through_a_notebook(tmp_path, table._repr_mimebundle_())
    data = nb.cells[0].outputs[0]["data"]
    again = Table.from_bundle(data)
    assert again == table
    assert again.csv == table.csv
    assert again.header() == ["charge_level", "convictions", "convictions_hidden",
                              "convictions_share"]
    # JupyterLab's view is the reader's table with the CSV inline
    assert data["text/html"] == table.html(table.data_uri())
    assert data["text/plain"] == ("Convictions \"by\" level <computed> (synthetic) (3 rows: "
                                  "charge_level, convictions, convictions_share)")


def test_the_reader_table_is_escaped_and_links_its_csv_file(table):
    html = table.html("csv/page/levels.csv")
    said = "Convictions &quot;by&quot; level &lt;computed&gt; (synthetic)"
    # named once for screen readers (the caption), shown once above the scrolling box
    assert f'<caption class="lacra-sr-only">{said}</caption>' in html
    assert f'<p class="lacra-caption" aria-hidden="true">{said}</p>' in html
    assert html.index("lacra-caption") < html.index("lacra-table-wrap")
    assert '<th title="charge_level in the CSV">charge level</th>' in html
    assert "<td>62,000</td><td>94.4%</td>" in html and "<td>suppressed</td><td></td>" in html
    assert ('<a class="lacra-csv" data-lacra-csv="levels" download="levels.csv" '
            'href="csv/page/levels.csv">Download this table (CSV, 3 rows)</a>') in html
    assert "base64" not in html


def test_a_column_of_sentences_is_marked_to_keep_its_width():
    """On a phone a long-text column would wrap to a word a line; its cells are marked
    so the style keeps them a readable width, and short columns are left alone."""
    long = "the published 2020 shares; the split of the 3% is assumed, " * 2
    frame = pl.DataFrame({"name": ["race_shares", "seed"], "value": ["0.45", "2020"],
                          "source": [long, "short"]})
    html = reader.table(frame, "Inputs", basis=provenance.published("sources")).html("t.csv")
    assert html.count('<td class="lacra-prose">') == 2
    assert "<td>race_shares</td><td>0.45</td>" in html


def test_the_renderer_writes_each_csv_and_points_the_page_at_it(tmp_path, table, synthetic):
    card = Source(tmp_path / "list.csv", False, "cd" * 32)
    nb = _through_a_notebook(tmp_path, table._repr_mimebundle_(), table._repr_mimebundle_(),
                             reader.data_card(synthetic.head(1), card)._repr_mimebundle_())
    csvs, found, shown_card = build._for_readers(nb, "page", tmp_path / "out")
    assert shown_card is found  # one card: the page's data and the release's
    assert [c.path for c in csvs] == ["csv/page/levels.csv", "csv/page/levels-2.csv"]
    written = (tmp_path / "out" / csvs[1].path).read_bytes()
    assert written == b"\xef\xbb\xbf" + table.csv.encode("utf-8")
    assert csvs[0] == CsvFile("levels", "csv/page/levels.csv", table.caption, 3,
                              ("charge_level", "convictions", "convictions_hidden",
                               "convictions_share"), table.declared, table.basis)
    assert dict(csvs[0].basis) == {"convictions": "synthetic", "convictions_hidden": "synthetic",
                                   "convictions_share": "synthetic"}
    shown = [o["data"] for c in nb.cells for o in c.outputs]
    assert shown[1]["text/html"] == table.html("csv/page/levels-2.csv")
    assert not [mime for data in shown for mime in data if mime in RENDERER_ONLY]
    assert found.statement() == {"source": card.label, "file": "list.csv",
                                 "synthetic": False, "default": False, "sha256": "cd" * 32}
    assert "user-supplied file list.csv" in found.markdown
    # a one-row list: the card's counts are hidden like every other small count
    assert found.rows is None and "suppressed conviction counts" in found.markdown


@pytest.mark.parametrize("column", ["person_id", "CASE_ID"])
def test_an_identifier_column_is_refused_on_both_sides(tmp_path, column):
    frame = pl.DataFrame({column: ["X1"], "n": [1]})
    with pytest.raises(ValueError, match="refuses identifier column"):
        reader.table(frame, "leak")  # the kernel side
    with pytest.raises(ContractError, match="would publish identifier column"):
        Table("leak", "", (column, "n"), (("X1", "1"),), frame.write_csv())
    # a bundle made without page.table, its CSV carrying what its columns do not say
    forged = Table("leak", "", ("n",), (("1",),), "n\n1\n")._repr_mimebundle_()
    forged[TABLE_MIME]["csv"] = f"n,{column}\n1,X1\n"
    nb = _through_a_notebook(tmp_path, forged)
    with pytest.raises(build.PageError, match=f"'leak' would publish identifier column.*"
                                              f"{column.lower()}"):
        build._for_readers(nb, "page", tmp_path / "out")
    assert not (tmp_path / "out" / "csv").exists()


@pytest.mark.parametrize(("header", "fits"), [
    ("n,n_hidden,rate,rate_low,rate_high", True),
    ("n,rate_low,rate_high", True),  # a range shown as text: its two bounds
    ("n,rate", True),
    ("n", False),  # a shown column the CSV lacks
    ("n,rate,extra", False),  # a CSV column no shown one accounts for
    ("n,rate,other_hidden", False),
])
def test_a_csvs_columns_are_the_shown_ones_with_their_flags_and_bounds(header, fits):
    bundle = Table("t", "", ("n", "rate"), (("1", "2"),), "n,rate\n1,2\n")._repr_mimebundle_()
    bundle[TABLE_MIME]["csv"] = header + "\n"
    if fits:
        assert Table.from_bundle(bundle).header() == header.split(",")
    else:
        with pytest.raises(ContractError, match="not the columns shown"):
            Table.from_bundle(bundle)


def test_a_bundle_missing_a_field_breaks_the_contract():
    with pytest.raises(ContractError, match="lacks csv"):
        Table.from_bundle({TABLE_MIME: {"name": "t", "caption": "", "columns": [],
                                        "cells": []}})
    with pytest.raises(ContractError, match="lacks sha256"):
        DataCard.from_bundle({DATA_CARD_MIME: {"source": "s", "file": "f",
                                               "synthetic": True}})
    assert Table.from_bundle({"text/html": "<table></table>"}) is None


def test_a_chart_reads_back_and_its_figure_cannot_close_its_script(tmp_path):
    spec = {"mark": "bar", "description": "Bars </script><!-- x"}
    bundle = Chart(spec, "Two bars & a line.", "<svg></svg>").bundle()
    assert set(bundle) == {CHART_MIME, "image/svg+xml", "text/plain"}
    again = Chart.from_bundle(_through_a_notebook(tmp_path, bundle).cells[0].outputs[0].data)
    assert again == Chart(spec, "Two bars & a line.", "<svg></svg>")
    figure = again.figure_html(3)
    assert figure.count("</script>") == 1 and "<!--" not in figure
    assert 'id="chart-3"' in figure and "Two bars &amp; a line." in figure


@pytest.mark.parametrize("title", [{"text": "By motion", "subtitle": "Source: s"}, "By motion",
                                   {"text": ["By", "motion"]}])
def test_a_figure_reads_its_words_once_and_hides_the_mouse_only_drawing(title):
    """Screen readers meet the chart's name, then its words once: the drawing (whose
    marks answer a mouse only) is hidden from them, and no label repeats the words."""
    from html.parser import HTMLParser

    figure = Chart({"mark": "bar", "title": title}, "Two bars: 1; 2.").figure_html(1)
    assert figure.count("Two bars: 1; 2.") == 1

    class Attrs(HTMLParser):
        found: list = []

        def handle_starttag(self, tag, attrs):
            self.found.append((tag, dict(attrs)))

    parser = Attrs()
    parser.feed(figure)
    tags = dict((t, a) for t, a in parser.found if t in ("figure", "div", "details"))
    assert tags["figure"]["aria-label"] == "Chart: By motion"
    assert tags["div"]["aria-hidden"] == "true" and "role" not in tags["div"]
    assert "details" in tags  # the words sit in a fold a keyboard opens


# --- the process boundary -----------------------------------------------------------------


def _job(tmp_path: Path, name: str) -> Job:
    header = Header(name, name.title(), "Site", f"{name}.ipynb", "abc123",
                    "2020-02-13 09:30 UTC", "agency = Long Beach", "")
    return Job(name, tmp_path / f"{name}.ipynb", {"agency": "Long Beach", "years": [1, 2]},
               {"agency": "Long Beach", "years": [1, 2]}, tmp_path / "out",
               tmp_path / ".failed", "la-cannabis-relief", None, tmp_path / "vega.js", header)


def _echo(job: Job) -> Outcome:
    """Stands in for ``build_page`` in a spawned worker: an outcome of every type made
    from the job it received, and the worker's process id."""
    card = DataCard("synthetic", "cases.parquet", True, "ab" * 32, 10, "| card |")
    csv = CsvFile(job.name, f"csv/{job.name}/t.csv", str(os.getpid()), 2, ("a", "b"))
    error = Failure("ValueError", job.header.title, cell=3, cell_id="c02") \
        if job.name == "bad" else None
    return Outcome(job.name, 0.5, (csv,), card, 1, error)


def test_jobs_and_outcomes_cross_the_spawn_boundary(tmp_path):
    jobs = [_job(tmp_path, "good"), _job(tmp_path, "bad")]
    outcomes = run_jobs(jobs, 2, Progress(2, quiet=True), build=_echo)
    by_name = {o.name: o for o in outcomes}
    assert set(by_name) == {"good", "bad"}
    for job in jobs:
        got, local = by_name[job.name], _echo(job)
        worker = got.csv[0].caption
        assert worker.isdigit() and int(worker) != os.getpid()  # built in another process
        assert dataclasses.replace(got, csv=local.csv) == local
        assert isinstance(got.data, DataCard) and isinstance(got.csv[0], CsvFile)
    assert by_name["bad"].error == Failure("ValueError", "Bad", cell=3, cell_id="c02")
    assert by_name["good"].ok and not by_name["bad"].ok
    with pytest.raises(dataclasses.FrozenInstanceError):
        jobs[0].name = "other"
    assert json.loads(json.dumps(by_name["good"].csv[0].record()))["columns"] == ["a", "b"]
