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

__all__ = ["COLOUR_MAPS", "LEVEL_COLOURS", "MOTION_COLOURS", "PALETTE", "RACE_COLOURS",
           "REFERENCE_COLOUR", "SOURCE_LINE", "THEME", "add_static_svgs", "colour",
           "colour_of", "enable", "reference", "source_lines", "titled"]

# Colours. The rule every colour below keeps (tests/test_charts.py checks it):
# - each is at least 3:1 against the white page (WCAG 2.1 non-text contrast, 1.4.11);
# - any two of one map differ by at least 40 in CIELAB (Delta E 1976), and two
#   neighbours in the map's order (side by side in a legend, a stack or a group of
#   bars) by at least 30 as people with protanopia or deuteranopia see them.
# Built from the Okabe-Ito colours that pass, with the light ones (orange, sky blue,
# yellow) replaced by darker ones.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#AA4499", "#222222", "#8C8C8C")
# One colour for each race/ethnicity, motion and charge level, on every chart.
RACE_COLOURS = {"Latino": "#0072B2", "Black": "#D55E00", "White": "#009E73",
                "Asian/Pacific Islander": "#AA4499", "Other": "#222222", "Unknown": "#8C8C8C"}
MOTION_COLOURS = {"feb2020": "#3B4CC0", "sep2021": "#B35900"}
LEVEL_COLOURS = {"felony": "#882255", "misdemeanor": "#0072B2", "infraction": "#117733"}
COLOUR_MAPS = {"race_ethnicity": RACE_COLOURS, "batch": MOTION_COLOURS,
               "motion": MOTION_COLOURS, "charge_level": LEVEL_COLOURS}
REFERENCE_COLOUR = "#555555"  # reference marks: a rule at 1, the count in the data
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
            "header": {"labelFontSize": 11, "titleFontSize": 12},
            "view": {"stroke": None},
            # every mark shows its encoded fields on hover unless the chart says otherwise
            "mark": {"tooltip": True},
            "bar": {"color": PALETTE[0]},
            "rule": {"color": REFERENCE_COLOUR},
            # a point keeps its colour's full contrast (Vega-Lite fades points to 0.7)
            "point": {"opacity": 1},
            "line": {"color": PALETTE[0]},
        }
    }


def _known(value: str) -> tuple[int, str] | None:
    """The place of a race/ethnicity, charge level or motion in its map (a motion by its
    code or by its label, with or without what follows it) and its colour, or None."""
    from .words import MOTION_LABELS

    text = str(value)
    for colours in (RACE_COLOURS, LEVEL_COLOURS, MOTION_COLOURS):
        if text in colours:
            return list(colours).index(text), colours[text]
    return next(((i, MOTION_COLOURS[m]) for i, (m, label) in enumerate(MOTION_LABELS.items())
                 if text.startswith(label)), None)


def colour_of(value: str) -> str | None:
    """The fixed colour of a race/ethnicity, charge level or motion, or None."""
    known = _known(value)
    return known[1] if known else None


def colour(field: str, values, *, title: str | None = None, **kwargs) -> alt.Color:
    """A colour encoding of ``field`` (nominal) whose ``values`` keep their fixed colours
    and order (:func:`colour_of`); a value without one takes the next colour of the
    palette, after them."""
    domain = sorted(dict.fromkeys(str(v) for v in values if v is not None),
                    key=lambda v: (_known(v) or (len(PALETTE), ""))[0])
    spare = iter(c for c in PALETTE if c not in {colour_of(v) for v in domain})
    colours = [colour_of(v) or next(spare, PALETTE[-1]) for v in domain]
    return alt.Color(f"{field}:N", title=title,
                     scale=alt.Scale(domain=domain, range=colours), **kwargs)


def reference(field: str, value: float, label: str, *, channel: str = "x",
              at: dict | None = None, dashed: bool = True, **text) -> alt.LayerChart:
    """A reference mark named where it stands: a rule at ``value`` of ``field`` (the
    chart's own field on ``channel``) and ``label`` beside it; ``at`` places the label
    on the other channel (``{"year": 2010}``), ``text`` styles it (``dy``, ``y``, ...)."""
    row = {field: value, **(at or {})}
    base = alt.Chart(alt.Data(values=[row]))
    encode = {channel: f"{field}:Q"} | {c: f"{f}:Q" for f, c in
                                       zip(at or {}, ["y" if channel == "x" else "x"],
                                           strict=False)}
    rule = base.mark_rule(strokeDash=[4, 3] if dashed else alt.Undefined).encode(
        **{channel: f"{field}:Q"})
    style = {"align": "left", "dx": 4, "baseline": "top"} | text
    return rule + base.mark_text(**style).encode(**encode, text=alt.value(label))


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
           alt_text: str, *, data: str = "", data_table: str = "",
           note: str = "") -> alt.TopLevelMixin:
    """A chart with its title, a source note as subtitle and a text alternative.

    ``alt_text`` says in words what the chart shows, for screen readers and for readers
    whose browser cannot draw it, and ``data`` every figure it draws, unless
    ``data_table`` names the table of the page that holds them (its caption): the text
    then points to it instead of reading them all a second time. ``note`` is a line
    drawn above the source note (what the chart leaves out). The chart is checked here,
    so a chart that cannot be drawn fails its notebook cell instead of leaving a gap.
    """
    if not alt_text or not alt_text.strip():
        raise ValueError(f"chart {title!r} needs a text alternative (alt_text)")
    if not source or not source.strip():
        raise ValueError(f"chart {title!r} needs a source note")
    text = alt_text.strip()
    if data and not data_table:
        text += f" {data.strip()}"
    if data_table:
        text += f" Its figures are in the table \u201c{data_table.strip()}\u201d on this page."
    subtitle = source_lines(source)
    if note:
        lines = textwrap.wrap(note.strip() + ".", SOURCE_LINE, break_on_hyphens=False)
        subtitle = [*lines, *([subtitle] if isinstance(subtitle, str) else subtitle)]
    out = chart.properties(title=alt.Title(title, subtitle=subtitle), description=text)
    out.to_dict()  # raises now (in the author's cell) when the spec is invalid
    return out


def __dir__() -> list[str]:
    return sorted(__all__)
