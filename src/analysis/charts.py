"""The house chart style: one altair theme, colour-blind-safe, with a source note.

Call :func:`enable` once at the top of a notebook. Charts then draw offline: the
renderer embeds nothing from a CDN.
"""

from __future__ import annotations

import altair as alt

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")
THEME = "lacra"


@alt.theme.register(THEME, enable=False)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": "Helvetica, Arial, sans-serif",
            "range": {"category": list(PALETTE)},
            "title": {"anchor": "start", "fontSize": 15, "subtitleColor": "#555"},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "grid": True,
                     "gridColor": "#eee"},
            "legend": {"labelFontSize": 11, "titleFontSize": 12},
            "view": {"stroke": None},
            "bar": {"color": PALETTE[0]},
            "line": {"color": PALETTE[0]},
        }
    }


def enable() -> None:
    """Turn on the house theme and an offline renderer."""
    alt.theme.enable(THEME)
    alt.renderers.enable("svg")


def titled(chart: alt.Chart, title: str, source: str, alt_text: str) -> alt.Chart:
    """A chart with its title, a source note as subtitle and a text alternative.

    ``alt_text`` says in words what the chart shows, for screen readers and for readers
    whose browser cannot draw it.
    """
    return chart.properties(title=alt.Title(title, subtitle=f"Source: {source}"),
                            description=alt_text)
