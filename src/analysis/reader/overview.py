"""Bar charts of protected counts, and the note an empty selection gets (pages 02, 03
and 05)."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import polars as pl
from IPython.display import Markdown

from .. import aggregate, charts, words
from ..release import HIDDEN, CountTable
from .tables import data_tag

__all__ = ["bar_chart", "no_cases", "nothing_to_draw"]


def _alt_items(frame: pl.DataFrame, labels: Sequence[str], value: str) -> str:
    parts = []
    for row in frame.select(*labels, value).iter_rows():
        *keys, v = row
        shown = HIDDEN if v is None else f"{v:,}"
        parts.append(f"{', '.join(str(k) for k in keys)}: {shown}")
    return "; ".join(parts)


def nothing_to_draw(title: str) -> Markdown:
    """The note that stands for a chart whose every count is hidden."""
    return Markdown(f"*{title}: no chart, because every count in it is {HIDDEN} "
                    "(a count from 1 to 10, or hidden so that no total reveals one).*")


def bar_chart(table: CountTable, *, category: str, value: str = "convictions",
              color: str | None = None, title: str, source: str, horizontal: bool = True,
              value_title: str = "Convictions dismissed") -> alt.Chart | Markdown:
    """Bars of a protected count; hidden cells are left out and named in the alt text.

    When every cell is hidden there is nothing to draw: a one-line note replaces the chart.
    """
    shown = table.protected(as_text=False)
    if shown.filter(pl.col(value).is_not_null()).height == 0:
        return nothing_to_draw(title)
    labels = [category] + ([color] if color else [])
    cat_title = words.dimension_title(category)
    axis_cat = (alt.Y if horizontal else alt.X)(f"{category}:N", title=cat_title, sort=None)
    axis_val = (alt.X if horizontal else alt.Y)(f"{value}:Q", title=value_title)
    enc = {"x": axis_val, "y": axis_cat} if horizontal else {"x": axis_cat, "y": axis_val}
    if color:
        enc["color"] = alt.Color(f"{color}:N", title=words.dimension_title(color))
    enc["tooltip"] = [*(f"{c}:N" for c in labels), alt.Tooltip(f"{value}:Q", format=",")]
    n = shown.select(labels).unique().height if labels else 1
    size = {"width": 520, "height": max(60, 18 * n)} if horizontal else \
        {"width": max(300, min(760, 14 * n)), "height": 260}
    chart = (alt.Chart(shown.filter(pl.col(value).is_not_null()))
             .mark_bar().encode(**enc).properties(**size))
    hidden = shown.filter(pl.col(value).is_null()).height
    alt_text = (f"Bars of {value} by {', '.join(words.dimension_title(c) for c in labels)}"
                f" ({data_tag()}): {_alt_items(shown, labels, value)}."
                + (f" {hidden} hidden count(s) are not drawn." if hidden else ""))
    return charts.titled(chart, title, f"{source}; counts: {data_tag()}", alt_text=alt_text)


def no_cases(filters: aggregate.Filters) -> Markdown:
    """The message an empty selection gets instead of tables and charts."""
    return Markdown(
        f"### No cases match\n\nNo dismissed conviction in this data matches the selection "
        f"({filters.describe()}). Nothing is wrong with the page: widen the year range or "
        "remove a filter. For instance, no felony conviction can date after November 8, "
        "2016 (Proposition 64), and city prosecutors handle only misdemeanors in their own "
        "cities.")


def __dir__() -> list[str]:
    return sorted(__all__)
