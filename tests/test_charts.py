"""The house chart style: theme, text alternative and the offline display bundle."""

from __future__ import annotations

import altair as alt
import polars as pl
import pytest

from analysis import charts


@pytest.fixture
def bars() -> alt.Chart:
    frame = pl.DataFrame({"motion": ["Feb 2020", "Sept 2021"], "n": [65_700, 57_900]})
    return alt.Chart(frame).mark_bar().encode(x="n:Q", y="motion:N")


def test_titled_chart_carries_title_source_and_text(bars):
    charts.enable()
    spec = charts.titled(bars, "By motion", "synthetic default data", "Two bars.").to_dict()
    assert spec["title"] == {"text": "By motion", "subtitle": "Source: synthetic default data"}
    assert spec["description"] == "Two bars."
    assert spec["config"]["range"]["category"] == list(charts.PALETTE)
    assert spec["config"]["mark"]["tooltip"] is True


@pytest.mark.parametrize(("source", "alt_text"), [("data", " "), ("", "Two bars.")])
def test_titled_refuses_a_chart_without_text_or_source(bars, source, alt_text):
    with pytest.raises(ValueError, match="needs a"):
        charts.titled(bars, "By motion", source, alt_text)


def test_titled_fails_in_the_cell_for_an_invalid_chart():
    broken = alt.Chart(pl.DataFrame({"a": [1]})).mark_bar().encode(x="missing_type")
    with pytest.raises(ValueError):
        charts.titled(broken, "Broken", "data", "Nothing.")


def test_display_bundle_is_offline_and_complete(bars):
    charts.enable()
    bundle = charts.titled(bars, "By motion", "data", "Two bars.")._repr_mimebundle_()
    assert set(bundle) == {charts.MIMETYPE, "image/svg+xml", "text/plain"}
    assert bundle["text/plain"] == "Two bars."
    assert bundle[charts.MIMETYPE]["alt"] == "Two bars."
    assert bundle[charts.MIMETYPE]["spec"]["datasets"]  # data inline, nothing to fetch
    assert bundle["image/svg+xml"].lstrip().startswith("<svg")
    assert "http" not in str(bundle[charts.MIMETYPE]["spec"].get("data", ""))


def test_deferred_svg_is_drawn_later_and_matches(bars, monkeypatch):
    """The renderer's kernels leave the SVG out; the worker draws the same one after."""
    import nbformat

    charts.enable()
    chart = charts.titled(bars, "By motion", "data", "Two bars.")
    in_place = chart._repr_mimebundle_()
    monkeypatch.setenv(charts.SVG_ENV, "defer")
    deferred = chart._repr_mimebundle_()
    assert set(deferred) == {charts.MIMETYPE, "text/plain"}
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
            "display_data", data=deferred)]),
        nbformat.v4.new_markdown_cell("text")])
    assert charts.add_static_svgs(nb) == 1
    assert nb.cells[0].outputs[0]["data"] == in_place
    assert charts.add_static_svgs(nb) == 0  # nothing left to draw
