"""The house chart style: one altair theme, colour-blind-safe, with a source note.

Importing this module turns on its offline renderer, so no chart the package draws (and
no plain altair chart drawn after it) reaches for a CDN. Call :func:`enable` at the top of
a notebook for the house theme too, then pass each chart through :func:`titled`. Every
chart is then displayed as an :class:`analysis.outputs.Chart`:

``application/vnd.lacra.chart+json``
    the Vega-Lite spec and its text alternative. The report site (``analysis render``)
    turns it into an interactive chart with tooltips, drawn by vega-embed from a copy of
    the libraries inlined once per page: nothing is fetched from a CDN.
``image/svg+xml``
    a static drawing made offline by vl-convert, which JupyterLab and any other frontend
    shows as is.
``text/plain``
    the text alternative, for consoles and screen readers.

Drawing the SVG starts a JavaScript engine, which costs about 0.4 s the first time in
each process. ``analysis render`` therefore sets ``LACRA_CHART_SVG=defer``
(``outputs.SVG_ENV``) for the kernels it starts and draws the SVGs itself, in its
long-lived worker processes (:func:`add_static_svgs`): the executed notebooks come out
the same.
"""

from __future__ import annotations

import textwrap

import altair as alt

from .outputs import Chart, svg_deferred

__all__ = ["PALETTE", "SOURCE_LINE", "THEME", "add_static_svgs", "enable", "source_lines",
           "titled"]

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")
THEME = "lacra"
RENDERER = "lacra"


@alt.theme.register(THEME, enable=False)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": "Helvetica, Arial, sans-serif",
            "range": {"category": list(PALETTE)},
            "title": {"anchor": "start", "fontSize": 15, "subtitleColor": "#555"},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "grid": True,
                     "gridColor": "#eee"},
            # legend labels up to 300 px before they are cut with an ellipsis
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "labelLimit": 300},
            "view": {"stroke": None},
            # every mark shows its encoded fields on hover unless the chart says otherwise
            "mark": {"tooltip": True},
            "bar": {"color": PALETTE[0]},
            "line": {"color": PALETTE[0]},
        }
    }


def _static_svg(spec: dict) -> str | None:
    """The chart drawn offline by vl-convert, or None when it cannot draw it."""
    try:
        import vl_convert as vlc

        return vlc.vegalite_to_svg(spec)
    except Exception:  # a frontend without the SVG still has the spec and the text
        return None


def _render(spec: dict, **_metadata) -> dict:
    """Altair renderer: the spec for the site, a static SVG and the text alternative."""
    alt_text = spec.get("description") or "Chart without a text alternative."
    # when the renderer draws the SVG itself (add_static_svgs), leave it out here
    svg = None if svg_deferred() else _static_svg(spec)
    return Chart(spec, alt_text, svg).bundle()


def add_static_svgs(nb) -> int:
    """Draw the SVG of every chart output of an executed notebook that lacks one.

    The notebook (an ``nbformat`` node) is changed in place; returns how many were drawn.
    """
    drawn = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = output.get("data") or {}
            chart = Chart.from_bundle(data)
            if chart is not None and chart.svg is None:
                svg = _static_svg(chart.spec)
                if svg:
                    data["image/svg+xml"] = svg
                    drawn += 1
    return drawn


alt.renderers.register(RENDERER, _render)
# offline from the first import: altair's default renderer would load vega from a CDN
alt.renderers.enable(RENDERER)


def enable() -> None:
    """Turn on the house theme and the offline renderer."""
    alt.theme.enable(THEME)
    alt.renderers.enable(RENDERER)


# Characters per line of a chart's source note: a chart is as wide as its longest
# line, and a page shrinks a chart wider than its column, text and all.
SOURCE_LINE = 90


def source_lines(source: str) -> str | list[str]:
    """The source note, broken into lines of at most ``SOURCE_LINE`` characters
    (Vega-Lite draws a list as several lines); one line stays a plain string."""
    lines = textwrap.wrap(f"Source: {source.strip()}", SOURCE_LINE, break_on_hyphens=False)
    return lines[0] if len(lines) == 1 else lines


def titled(chart: alt.TopLevelMixin, title: str, source: str,
           alt_text: str) -> alt.TopLevelMixin:
    """A chart with its title, a source note as subtitle and a text alternative.

    ``alt_text`` says in words what the chart shows, for screen readers and for readers
    whose browser cannot draw it. The chart is checked here, so a chart that cannot be
    drawn fails its notebook cell instead of leaving a silent gap on the page.
    """
    if not alt_text or not alt_text.strip():
        raise ValueError(f"chart {title!r} needs a text alternative (alt_text)")
    if not source or not source.strip():
        raise ValueError(f"chart {title!r} needs a source note")
    out = chart.properties(title=alt.Title(title, subtitle=source_lines(source)),
                           description=alt_text.strip())
    out.to_dict()  # raises now (in the author's cell) when the spec is invalid
    return out


def __dir__() -> list[str]:
    return sorted(__all__)
