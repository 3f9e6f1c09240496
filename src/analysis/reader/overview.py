"""Bar charts of protected counts, and the note an empty selection gets (pages 02, 03
and 05)."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import polars as pl
from IPython.display import Markdown

from .. import aggregate, charts, words
from ..release import HIDDEN, CountTable
from .tables import data_tag, tip

__all__ = ["bar_chart", "by_motion", "level_counts", "no_cases", "nothing_to_draw",
           "people_sentence"]


def level_counts(table: CountTable, key: str = "batch") -> dict[str, tuple]:
    """``{motion: (conviction counts, felonies)}`` from a table of convictions by motion
    (``key``) and charge level, published values only (None where hidden, 0 where a row
    is absent)."""
    out: dict[str, list] = {}
    for row in table.table.rows:
        motion, level = row["dims"].get(key), row["dims"].get("charge_level")
        if motion not in words.MOTION_LABELS:
            continue
        value = table.value("convictions", **row["dims"])
        total, felonies = out.setdefault(motion, [0, None])
        out[motion][0] = None if total is None or value is None else total + value
        if level == "felony":
            out[motion][1] = value
    return {m: tuple(v) for m, v in out.items()}


def by_motion(counts: dict[str, tuple], whose: str = "") -> str:
    """One sentence of what each motion dismissed: ``counts`` maps a motion to its
    conviction counts and felonies (None where hidden); ``whose`` names a filer."""
    parts = []
    for motion, (total, felonies) in counts.items():
        if not total and total is not None:
            continue
        share = (f", {felonies / total:.0%} of them felonies"
                 if total and felonies is not None else "")
        parts.append(f"the {words.MOTION_LABELS[motion]} dismissed "
                     f"{HIDDEN if total is None else f'{total:,}'} conviction counts"
                     f"{' ' + whose + ' had filed' if whose else ''}{share}")
    if not parts:
        return ""
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def people_sentence(totals: CountTable, race: CountTable, motion: str = "feb2020",
                    groups: Sequence[str] = ("Latino", "Black", "White")) -> str:
    """"The February 2020 motion's convictions belonged to 53,000 people: 45% Latino,
    ..." from the published people counts (blank when the count is hidden)."""
    people = totals.value("people", absent=0, batch=motion)
    if not people:
        return ""
    label = words.MOTION_LABELS[motion]
    shares = (race.protected(as_text=False)
              .filter(pl.col("batch").str.starts_with(label),
                      pl.col("race_ethnicity").is_in(list(groups)),
                      pl.col("people_share").is_not_null()))
    mix = ", ".join(f"{share:.0%} {group}" for group, share in
                    shares.select("race_ethnicity", "people_share").iter_rows())
    return (f"The {label}'s convictions belonged to {people:,} people"
            + (f": {mix}" if mix else "") + ".")


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


TOP = 20  # a long chart of one dimension draws its largest bars, this many, and the rest


def _top(shown: pl.DataFrame, category: str, value: str, top: int
         ) -> tuple[pl.DataFrame, list[str], str]:
    """A long chart's bars: the ``top`` largest, sorted, then the others together when
    every one of them is shown (their sum is then the table's own figures added up, so
    it reveals nothing); with the bars' order and the note saying where the rest are."""
    ranked = shown.filter(pl.col(value).is_not_null()).sort(value, descending=True)
    kept = ranked.head(top)
    rest = shown.filter(~pl.col(category).is_in(kept[category].implode()))
    hidden = rest.filter(pl.col(value).is_null()).height
    title = words.dimension_title(category).lower()
    order = kept[category].cast(pl.String).to_list()
    note = f"The {top} largest of {shown.height} rows by {title}"
    if hidden:  # a hidden count among the rest: no bar for them, only the note
        return (kept, order, f"{note}; the other {rest.height} ({hidden} of them hidden) "
                "are in the table on this page")
    others = f"the other {rest.height} together"
    bar = pl.DataFrame({category: [others], value: [rest[value].sum()]},
                       schema={category: pl.String, value: shown.schema[value]})
    both = pl.concat([kept.select(pl.col(category).cast(pl.String), value), bar])
    return both, [*order, others], (f"{note}, then the other {rest.height} together; each "
                                    "is in the table on this page")


def bar_chart(table: CountTable, *, category: str, value: str = "convictions",
              color: str | None = None, title: str, source: str, horizontal: bool = True,
              value_title: str = "Convictions dismissed", data_table: str = "",
              top: int = TOP) -> alt.Chart | Markdown:
    """Bars of a protected count; hidden cells are left out and named in the alt text.

    A chart of one dimension with more than ``top`` values draws the largest, sorted,
    and the rest as one bar (or says where they are). ``data_table`` is the caption of
    the page's table of the same counts: the text alternative then points to it instead
    of reading every count again. When every cell is hidden there is nothing to draw: a
    one-line note replaces the chart.
    """
    shown = table.protected(as_text=False)
    if shown.filter(pl.col(value).is_not_null()).height == 0:
        return nothing_to_draw(title)
    labels = [category] + ([color] if color else [])
    drawn, order, note = shown.filter(pl.col(value).is_not_null()), None, ""
    if color is None and horizontal and shown.height > top:
        drawn, order, note = _top(shown, category, value, top)
    cat_title = words.dimension_title(category)
    axis_cat = (alt.Y if horizontal else alt.X)(f"{category}:N", title=cat_title, sort=order)
    axis_val = (alt.X if horizontal else alt.Y)(
        f"{value}:Q", title=value_title,
        axis=alt.Axis(orient="top") if horizontal and drawn.height > 12 else alt.Undefined)
    enc = {"x": axis_val, "y": axis_cat} if horizontal else {"x": axis_cat, "y": axis_val}
    if color:
        enc["color"] = charts.colour(color, drawn[color].to_list(),
                                     title=words.dimension_title(color))
    elif category in charts.COLOUR_MAPS:  # a race's (a motion's) bar in its own colour
        enc["color"] = charts.colour(category, drawn[category].to_list(), legend=None)
    enc["tooltip"] = [*(tip(f"{c}:N") for c in labels), alt.Tooltip(f"{value}:Q", format=",")]
    n = drawn.select(labels).unique().height if labels else 1
    size = {"width": 520, "height": max(60, 18 * n)} if horizontal else \
        {"width": max(300, min(760, 14 * n)), "height": 260}
    chart = alt.Chart(drawn).mark_bar().encode(**enc).properties(**size)
    hidden = shown.filter(pl.col(value).is_null()).height
    what = (f"Bars of {value} by {', '.join(words.dimension_title(c) for c in labels)}"
            f" ({data_tag()})")
    if data_table:
        big = drawn.sort(value, descending=True).head(3)
        cut = f"; {note[0].lower()}{note[1:]}" if note else ""
        alt_text = (f"{what}: {drawn.height} bars{cut}; the largest: "
                    f"{_alt_items(big, [c for c in labels if c in big.columns], value)}.")
    else:
        alt_text = f"{what}: {_alt_items(shown, labels, value)}." + (
            f" {note}." if note else "")
    alt_text += f" {hidden} hidden count(s) are not drawn." if hidden else ""
    return charts.titled(chart, title, f"{source}; counts: {data_tag()}", alt_text=alt_text,
                         data_table=data_table, note=note)


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
