"""Pieces every published page shows: the data card and the assumptions it rests on."""

from __future__ import annotations

import html

import polars as pl
from IPython.display import HTML, Markdown

from .assumptions import DEFAULT, Assumptions, assumptions_table
from .data import Source


def data_card(frame: pl.DataFrame, source: Source) -> Markdown:
    """A short card: where the data came from, how many rows, what is synthetic."""
    batches = ", ".join(f"{b} {n:,}" for b, n in
                        frame.group_by("batch").len().sort("batch").iter_rows())
    lines = [
        "| | |", "|---|---|",
        f"| **Source** | {source.label} |",
        f"| **Rows** | {frame.height:,} conviction counts ({batches}) |",
        f"| **People** | {frame['person_id'].n_unique():,} distinct pseudonymous ids |",
        f"| **Checksum** | `sha256:{source.sha256[:16]}…` |",
    ]
    if source.synthetic:
        lines.append("| **Synthetic?** | Yes. Every row is generated: totals match the "
                     "published figures; everything else follows the assumptions listed on "
                     "this page. No row describes a real person. |")
    else:
        lines.append("| **Synthetic?** | No: a real list supplied by the user. |")
    return Markdown("\n".join(lines))


def assumptions(a: Assumptions = DEFAULT) -> pl.DataFrame:
    """The published and assumed inputs behind the synthetic data."""
    return assumptions_table(a)


def table(frame: pl.DataFrame, caption: str = "") -> HTML:
    """A plain HTML table for readers: no dtypes, thousands separators."""
    def cell(value) -> str:
        if isinstance(value, bool) or value is None:
            return "" if value is None else str(value)
        if isinstance(value, int):
            return f"{value:,}"
        if isinstance(value, float):
            return f"{value:,.3g}" if abs(value) < 1 else f"{value:,.1f}"
        return html.escape(str(value))

    head = "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>"
                   for row in frame.iter_rows())
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return HTML(f'<table class="lacra-table">{cap}<thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table>")
