"""Every figure says what it rests on: published, real data, synthetic or assumed.

Unit checks of :mod:`analysis.provenance` and ``reader.table``, then the one-page-per-
notebook site rendered on the synthetic default: figures only an assumption sets are set
apart as illustrative, the arrests page names its real data, every CSV column has a
basis. (Sites on real lists, with no synthetic wording at all, are checked in
tests/test_list_shapes.py.)
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from conftest import BASIS_TAG, reader_text

from analysis import data, paths, provenance, reader

SYNTHETIC_SOURCE = data.Source(paths.SYNTHETIC / "cases_seed2020.parquet", True, "0" * 64)
REAL_SOURCE = data.Source(Path("/lists/court_export.csv"), False, "1" * 64)


@pytest.fixture
def page_of():
    """Make a source the page's data, as its data card does; forget it afterwards."""
    yield provenance.use
    provenance._PAGE.clear()


@pytest.mark.parametrize(("basis", "tag"), [
    (provenance.published("Los Angeles Times, 2020-02-13"),
     "published: Los Angeles Times, 2020-02-13"),
    (provenance.real("court_export.csv"), "real data: court_export.csv"),
    (provenance.Basis("synthetic"), "synthetic"),
    (provenance.assumed("year_profile"), "assumed: the year profile"),
    (provenance.assumed("year_profile", "sep2021_race_shares"),
     "assumed: the year profile; the 2021 race mix"),
])
def test_each_basis_has_a_caption_tag(basis, tag):
    assert basis.tag() == tag
    assert BASIS_TAG.fullmatch(f"({tag})")
    assert basis.illustrative == tag.startswith("assumed")


def test_an_unknown_kind_or_assumption_is_refused():
    with pytest.raises(ValueError, match="not one of"):
        provenance.Basis("computed")
    with pytest.raises(KeyError, match="no assumption named 'year_shape'"):
        provenance.assumed("year_shape")
    with pytest.raises(ValueError, match="name the assumption"):
        provenance.assumed()


@pytest.mark.parametrize(("source", "kind"), [(SYNTHETIC_SOURCE, "assumed"),
                                              (REAL_SOURCE, "real data")])
def test_a_figure_an_assumption_sets_is_illustrative_only_on_synthetic_data(page_of, source,
                                                                            kind):
    page_of(source)
    basis = provenance.illustrative("year_profile")
    assert basis.kind == kind
    frame = pl.DataFrame({"decade": ["1990s"], "convictions": [120]})
    table = reader.table(frame, "Convictions by decade", rests_on=["year_profile"])
    assert table.caption.endswith(f"({basis.tag()})")
    assert dict(table.basis) == {"decade": basis.tag(), "convictions": basis.tag()}
    boxed = "lacra-illustrative" in table.html("t.csv")
    assert boxed == (kind == "assumed")
    if kind == "real data":
        assert "court_export.csv" in table.caption and "synthetic" not in table.html("t.csv")


@pytest.mark.parametrize(("source", "batches", "assumed"), [
    (SYNTHETIC_SOURCE, ["feb2020", "sep2021"], True),  # the 2021 people are assumed there
    (SYNTHETIC_SOURCE, ["feb2020"], False),  # February 2020's are calibrated
    (SYNTHETIC_SOURCE, ["feb2020", "Total"], False),  # a total of a list without 2021
    (SYNTHETIC_SOURCE, ["feb2020", "sep2021", "Total"], True),
    (REAL_SOURCE, ["feb2020", "sep2021"], False),  # a real list measures them
])
def test_a_people_column_counting_2021_people_of_synthetic_data_says_it_is_assumed(
        page_of, source, batches, assumed):
    from conftest import count_table

    page_of(source)
    frame = pl.DataFrame({"batch": batches, "convictions": [900] * len(batches),
                          "people": [700] * len(batches)})
    table = reader.table(count_table("motions", frame, ["batch"],
                                     {"convictions": "convictions", "people": "people"}),
                         "Convictions and people by motion")
    said = dict(table.basis)
    assert said["people"].startswith("assumed: ") == assumed
    assert not said["convictions"].startswith("assumed")
    assert ("Illustrative column" in table.html("t.csv")) == assumed


def test_a_plain_frame_must_name_its_basis(page_of):
    page_of(SYNTHETIC_SOURCE)
    with pytest.raises(ValueError, match="name its basis"):
        reader.table(pl.DataFrame({"figure": [66_000]}), "Published totals")
    table = reader.table(pl.DataFrame({"figure": [66_000], "population": [10_014_009]}),
                         "Published totals", basis=provenance.published("news reports"),
                         column_basis={"population": provenance.published("US Census")})
    assert dict(table.basis) == {"figure": "published: news reports",
                                 "population": "published: US Census"}


def test_a_passage_an_assumption_sets_is_quoted_apart(page_of):
    from IPython.display import Markdown

    page_of(SYNTHETIC_SOURCE)
    marked = reader.illustrative(Markdown("About **38,773** convictions remain."),
                                 "court_capture_by_decade")
    assert marked.data.startswith("> **Illustrative.** Not a finding")
    assert "> About **38,773**" in marked.data
    page_of(REAL_SOURCE)
    same = Markdown("About **38,773** convictions remain.")
    assert reader.illustrative(same, "court_capture_by_decade") is same


@pytest.mark.parametrize(("dims", "keys"), [
    (["batch", "charge_level"], ()),
    (["conviction_decade", "race_ethnicity"],
     ("year_profile", "sep2021_race_shares", "other_unknown_split")),
    (["jurisdiction", "prosecuting_agency"], ("jurisdiction_weighting",)),
])
def test_the_assumptions_behind_a_split(dims, keys):
    assert provenance.assumptions_of(dims) == keys


# --- the site on the synthetic default ---------------------------------------------------

@pytest.fixture(scope="module")
def default_site(tmp_path_factory, one_page_each) -> Path:
    site = tmp_path_factory.mktemp("default") / "site"
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "render", "--config", str(one_page_each),
         "--site", str(site), "--jobs", "2", "--quiet"],
        capture_output=True, text=True, timeout=1200, cwd=paths.ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return site


def _boxes(page: Path) -> list[str]:
    """The text of each illustrative box of a page."""
    html = page.read_text(encoding="utf-8")
    return [re.sub(r"<[^>]+>", " ", m) for m in
            re.findall(r'<div [^>]*class="lacra-illustrative"[^>]*>.*?</table>', html,
                                 flags=re.S)]


@pytest.mark.slow
def test_figures_only_an_assumption_sets_are_boxed_apart(default_site):
    boxed = " ".join(_boxes(default_site / "overview.html"))
    assert "Convictions and people by motion and decade of conviction" in boxed
    assert "People by the motions that dismissed their convictions" in boxed
    # totals and charge levels are calibrated to published figures: not boxed
    assert "Convictions and people by motion (synthetic)" not in boxed
    assert "by motion and charge level" not in boxed
    capture = reader_text(default_site / "still-unidentified.html")
    assert re.search(r"Illustrative\. Not a finding: on the synthetic data an assumption "
                     r"sets these figures \(how often court records", capture)


@pytest.mark.slow
def test_no_caption_calls_a_figure_computed(default_site):
    for page in default_site.glob("*.html"):
        assert "(computed" not in reader_text(page), page.name


@pytest.mark.slow
def test_the_arrests_page_names_its_real_data(default_site, shared_data):
    text = reader_text(default_site / "arrests-vs-relief.html")
    assert "Data: LAPD adult marijuana arrests" in text
    assert "Synthetic data." not in text
    assert "Beside it (dismissals): synthetic default data" in text
    index = reader_text(default_site / "index.html")
    assert re.search(r"Arrests vs relief real file lapd_marijuana_arrests_2010_2019\.csv, "
                     r"beside synthetic default data", index)


@pytest.mark.slow
def test_synthetic_pages_list_their_inputs_and_every_csv_column_has_a_basis(default_site):
    manifest = json.loads((default_site / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["pages"]:
        text = reader_text(default_site / f"{entry['page']}.html")
        if not entry["data_source"]["file"]:  # a page built on no data (the glossary)
            assert not entry.get("csv") and "synthetic data" not in text, entry["page"]
            continue
        assert "Published and assumed inputs of the synthetic data" in text, entry["page"]
        for record in entry.get("csv") or []:
            assert BASIS_TAG.search(record["caption"]), record["caption"]
            assert record["basis"] and set(record["basis"]) <= set(record["columns"])


@pytest.mark.parametrize(("source", "noted"), [(SYNTHETIC_SOURCE, True), (REAL_SOURCE, False)])
def test_a_column_an_assumption_sets_is_named_under_its_table(page_of, source, noted):
    page_of(source)
    frame = pl.DataFrame({"motion": ["Sept 2021"], "convictions": [57_900], "people": [46_708]})
    table = reader.table(frame, "Totals", basis=provenance.current(), column_basis={
        "people": provenance.illustrative("sep2021_convictions_per_person")})
    html = table.html("t.csv")
    assert ("Illustrative column." in html) == noted and "lacra-illustrative\"" not in html
    if noted:
        assert "people: convictions per person in 2021" in html


@pytest.mark.parametrize(("where", "synthetic", "label"), [
    (paths.SYNTHETIC / "cases_seed2020.parquet", True,
     "synthetic default data (cases_seed2020.parquet), generated by this project"),
    # the case list make doj-demo derives from the synthetic DOJ file
    (paths.SYNTHETIC / "doj_run" / "cases.csv", True,
     "synthetic data (doj_run/cases.csv), generated by this project"),
    (Path("/lists/doj_run/cases.csv"), False, "user-supplied file cases.csv"),
])
def test_what_the_project_generated_is_never_called_real_data(where, synthetic, label):
    source = data.Source(where, data._is_synthetic(where), "0" * 64)
    assert (source.synthetic, source.label) == (synthetic, label)
