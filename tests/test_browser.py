"""Every page of the rendered site, opened from disk in headless Chromium, offline, and
checked by axe-core.

Uses Debian's chromium (``make browser`` installs it when run as root) and axe-core from
node_modules (``make browser`` installs it with npm, pinned by package-lock.json).
Without either the tests that need it skip, except under CI, where a missing one is a
failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis import paths

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
# axe's impacts that fail a page: serious and critical, and the minor empty table header
# the data card had (the card is a definition list now)
FAILING = ("serious", "critical")
ALSO_FAILING = ("empty-table-header",)
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# What a chart drew: every mark element (axes and legends included) and the data marks
# (groups carrying Vega's role-mark class), beside how many data rows its spec holds.
DRAWN = """figure => {
  const spec = JSON.parse(figure.querySelector('script.lacra-chart-spec').textContent);
  const rows = Object.values(spec.datasets || {}).reduce((n, d) => n + d.length, 0)
    + ((spec.data && spec.data.values) || []).length;
  const view = figure.querySelector('.lacra-chart-view svg, .lacra-chart-view canvas');
  if (!view) return {rows, marks: 0, dataMarks: 0};
  if (view.tagName.toLowerCase() === 'canvas') {
    const drawn = view.width * view.height > 0 ? 1 : 0;
    return {rows, marks: drawn, dataMarks: drawn};
  }
  return {rows, marks: view.querySelectorAll('g[class*="mark-"] > *').length,
          dataMarks: view.querySelectorAll('g.role-mark > *').length};
}"""


@pytest.fixture(scope="module")
def chromium():
    executable = CHROMIUM if CHROMIUM.is_file() else shutil.which("chromium")
    if not executable:
        _missing("Debian's chromium is not installed (run `make browser` as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(executable), args=ARGS)
        yield browser
        browser.close()


def _missing(message: str):
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _drawn(page) -> None:
    """Wait until every chart of the page has been drawn (or has failed)."""
    if page.query_selector("figure.lacra-chart"):
        page.wait_for_function(
            "() => [...document.querySelectorAll('figure.lacra-chart')]"
            ".every(f => f.dataset.rendered)", timeout=30_000)


def _open(browser, path: Path) -> tuple[object, list[str], list[str]]:
    """Open a file with every non-file request blocked; collect errors and requests."""
    page = browser.new_page()
    errors: list[str] = []
    escaped: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(request_route):
        url = request_route.request.url
        if url.startswith("file://"):
            request_route.continue_()
        else:
            escaped.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.goto(path.as_uri(), wait_until="load")
    return page, errors, escaped


def test_every_page_draws_offline(chromium, rendered_site):
    pages = sorted(rendered_site.glob("*.html"))
    assert rendered_site / "index.html" in pages and len(pages) > 1
    charts_seen = 0
    for path in pages:
        page, errors, escaped = _open(chromium, path)
        figures = page.query_selector_all("figure.lacra-chart")
        _drawn(page)
        for figure in figures:
            assert figure.get_attribute("data-rendered") == "yes", (path.name, figure)
            drawn = figure.evaluate(DRAWN)
            assert drawn["marks"] > 0, f"{path.name}: a chart drew nothing"
            if drawn["rows"]:  # a chart with data draws it (one whose cells are all
                # suppressed has none, and says so in its text alternative)
                assert drawn["dataMarks"] > 0, f"{path.name}: a chart drew no data marks"
            charts_seen += 1
        # every link on the page leads to a file of the site
        for href in page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)"):
            if href.startswith("file://"):
                target = Path(href.removeprefix("file://").split("#")[0])
                assert target.is_file(), f"{path.name}: broken link {href}"
        if path.name != "index.html":
            assert page.query_selector('a[href="index.html"]'), f"{path.name}: no home link"
        assert errors == [], f"{path.name}: console errors {errors}"
        assert escaped == [], f"{path.name}: requests left the machine: {escaped}"
        page.close()
    assert charts_seen > 0


def test_tooltips_show_on_hover(chromium, rendered_site):
    page, errors, escaped = _open(chromium, rendered_site / "overview.html")
    page.wait_for_function("() => document.querySelector('figure.lacra-chart')"
                           ".dataset.rendered === 'yes'", timeout=30_000)
    mark = page.query_selector("figure.lacra-chart g.role-mark > path")
    mark.scroll_into_view_if_needed()
    box = mark.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector("#vg-tooltip-element.visible", timeout=5_000)
    tooltip = page.inner_text("#vg-tooltip-element")
    assert "February 2020" in tooltip and "convictions" in tooltip
    assert errors == [] and escaped == []


CHART_CELL = """import altair as alt
import polars as pl
from analysis import charts
charts.enable()
rows = pl.DataFrame({"motion": ["February 2020", "September 2021"], "convictions": [3, 4]})
charts.titled(alt.Chart(rows).mark_bar().encode(x="motion:N", y="convictions:Q"),
              "Two bars", "Source: this test", "Two bars, of 3 and 4.")"""


@pytest.fixture(scope="module")
def self_contained_page(tmp_path_factory) -> Path:
    """A page with a chart rendered with ``--self-contained``, then saved alone."""
    from analysis.site import render

    root = tmp_path_factory.mktemp("alone")
    nb = new_notebook(metadata={"kernelspec": {"name": paths.KERNEL_NAME, "language": "python",
                                               "display_name": "Python"}})
    nb.cells = [new_markdown_cell("# One chart"),
                new_code_cell('label: str = "one"  # a label', metadata={"tags": ["parameters"]}),
                new_code_cell(CHART_CELL)]
    nbformat.write(nb, root / "01_chart.ipynb")
    config = root / "reports.yml"
    config.write_text(yaml.safe_dump({"reports": [{
        "name": "chart", "notebook": "01_chart.ipynb", "title": "Chart", "summary": "One.",
        "data": "two made-up counts"}]}), encoding="utf-8")
    result = render(config=config, site=root / "site", notebooks=root, self_contained=True,
                    quiet=True)
    assert result.published, result.failed
    alone = root / "saved" / "chart.html"  # the page saved alone, as one file
    alone.parent.mkdir()
    shutil.copyfile(root / "site" / "chart.html", alone)
    return alone


def test_a_self_contained_page_saved_alone_draws_offline(chromium, self_contained_page):
    assert [p.name for p in self_contained_page.parent.iterdir()] == ["chart.html"]
    page, errors, escaped = _open(chromium, self_contained_page)
    page.wait_for_function("() => document.querySelector('figure.lacra-chart')"
                           ".dataset.rendered", timeout=30_000)
    figure = page.query_selector("figure.lacra-chart")
    assert figure.get_attribute("data-rendered") == "yes"
    assert figure.evaluate(DRAWN)["dataMarks"] > 0
    assert errors == [] and escaped == []


# At each width, the page's own width and the wide tables: which scroll in their box,
# and whether their "scroll sideways" note shows.
LAYOUT = """() => {
  const root = document.documentElement;
  const boxes = [...document.querySelectorAll('.lacra-table-wrap')].map(box => ({
    caption: (box.querySelector('caption') || {}).textContent || '',
    overflows: box.scrollWidth > box.clientWidth + 1,
    noted: !!box.querySelector('.lacra-scroll-note')
           && getComputedStyle(box.querySelector('.lacra-scroll-note')).display !== 'none'}));
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, boxes};
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_no_page_scrolls_sideways_and_wide_tables_say_they_scroll(chromium, rendered_site,
                                                                  width):
    seen_overflow = False
    for path in sorted(rendered_site.glob("*.html")):
        page = chromium.new_page(viewport={"width": width, "height": 800})
        page.goto(path.as_uri(), wait_until="load")
        layout = page.evaluate(LAYOUT)
        page.close()
        assert layout["scrollWidth"] <= layout["clientWidth"], (
            f"{path.name} is {layout['scrollWidth']} px wide at {width} px")
        for box in layout["boxes"]:
            # a table scrolls in its own box only with its note; on a laptop none need to
            assert box["noted"] == box["overflows"], (path.name, box)
            if width >= 1280:
                assert not box["overflows"], f"{path.name}: clipped at {width} px: {box}"
            seen_overflow |= box["overflows"]
    if width < 600:
        assert seen_overflow, "no table overflows a phone screen: the cue is untested"


# Each drawn chart: its box's width, the drawing's width on screen, and the smallest text
# as the reader sees it (its font size times the drawing's scale on screen).
CHART_TEXT = """() => [...document.querySelectorAll('figure.lacra-chart')].map(f => {
  const view = f.querySelector('.lacra-chart-view'), svg = view.querySelector('svg');
  if (!svg) return null;
  const scale = svg.getBoundingClientRect().width / svg.width.baseVal.value;
  const sizes = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim())
    .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
  return {name: f.getAttribute('aria-label'), box: view.clientWidth,
          drawn: svg.getBoundingClientRect().width, smallest: Math.min(...sizes)};
}).filter(Boolean)"""


@pytest.mark.parametrize("width", [390, 1280])
def test_chart_text_stays_readable_and_charts_fit_their_box(chromium, rendered_site, width):
    """No chart is shrunk to fit a phone: its text stays at 11 px or more, and a single
    chart takes its box's width (panels side by side may scroll in their own box)."""
    fitted = 0
    for path in sorted(rendered_site.glob("*.html")):
        page = chromium.new_page(viewport={"width": width, "height": 800})
        page.goto(path.as_uri(), wait_until="load")
        _drawn(page)
        spec_kinds = page.eval_on_selector_all(
            "script.lacra-chart-spec", "ss => ss.map(s => Object.keys(JSON.parse(s.textContent)))")
        charts = page.evaluate(CHART_TEXT)
        page.close()
        for chart, keys in zip(charts, spec_kinds, strict=True):
            assert chart["smallest"] >= 11 - 0.05, (path.name, width, chart)
            if not {"hconcat", "vconcat", "concat", "facet", "repeat"} & set(keys):
                assert chart["drawn"] <= chart["box"] + 1, (path.name, width, chart)
                fitted += 1
    assert fitted, "no single chart was drawn: the check is untested"


def test_every_page_passes_axe(chromium, rendered_site):
    """axe-core, injected into every page once its charts are drawn, finds no serious or
    critical violation (colour contrast, names, labels, landmarks, ...)."""
    if not AXE.is_file():
        _missing("axe-core is not installed (run `make browser`; it needs npm)")
    pages = sorted(rendered_site.glob("*.html"))
    assert len(pages) > 1
    found = {}
    for path in pages:
        page, errors, escaped = _open(chromium, path)
        _drawn(page)
        page.add_script_tag(path=str(AXE))  # inlined: nothing is fetched
        bad = [v for v in page.evaluate(AXE_RUN)
               if v["impact"] in FAILING or v["id"] in ALSO_FAILING]
        if bad:
            found[path.name] = bad
        assert escaped == [], f"{path.name}: requests left the machine: {escaped}"
        page.close()
    assert found == {}, "\n".join(f"{name}: {v['impact']} {v['id']} ({v['help']}) at "
                                   f"{v['nodes']}" for name, vs in found.items() for v in vs)


def test_axe_finds_what_it_should(chromium, tmp_path):
    """The check can fail: a page with text too faint and an image without a name."""
    if not AXE.is_file():
        _missing("axe-core is not installed (run `make browser`; it needs npm)")
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html lang="en"><head><title>Bad</title></head><body>'
                   '<main><h1>Bad</h1><p style="color:#bbb">faint text</p>'
                   '<div role="img"></div></main></body></html>', encoding="utf-8")
    page, _, _ = _open(chromium, bad)
    page.add_script_tag(path=str(AXE))
    ids = {v["id"] for v in page.evaluate(AXE_RUN) if v["impact"] in FAILING}
    assert {"color-contrast", "role-img-alt"} <= ids
    page.close()
