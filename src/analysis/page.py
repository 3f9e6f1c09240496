"""Pieces every published page shows: the data card, tables and the assumptions.

Each piece carries display metadata under the ``lacra`` key that ``analysis render``
reads back from the executed notebook: the data card names the page's data source (the
site index lists it) and every table carries its own CSV, which the site publishes as a
download beside the page.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence

import polars as pl
from IPython.display import HTML, Markdown

from . import schema
from .assumptions import DEFAULT, Assumptions, assumptions_table
from .data import Source
from .words import column_label, is_share, slug


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
    meta = {"lacra": {"kind": "data_card", "source": source.label,
                      "file": source.path.name, "synthetic": source.synthetic,
                      "sha256": source.sha256, "rows": frame.height}}
    return Markdown("\n".join(lines), metadata=meta)


def assumptions(a: Assumptions = DEFAULT) -> pl.DataFrame:
    """The published and assumed inputs behind the synthetic data."""
    return assumptions_table(a)


def _header(column: str) -> str:
    """A header cell in words; hovering it names the CSV column when that differs."""
    label = column_label(column)
    title = "" if label == column else f' title="{html.escape(column)} in the CSV"'
    return f"<th{title}>{html.escape(label)}</th>"


def _percent(value) -> str:
    """A share (0 to 1) as a percent, one decimal; a tiny non-zero share is not 0.0%."""
    if not isinstance(value, float | int) or isinstance(value, bool):
        return _cell(value)
    if 0 < abs(value) < 0.0005:
        return "&lt;0.1%" if value > 0 else "&gt;-0.1%"
    return f"{value:.1%}"


def _cell(value) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1 else f"{value:,.1f}"
    return html.escape(str(value))


def table(frame: pl.DataFrame, caption: str = "", *, name: str | None = None,
          counts: Sequence[str] = (), by: str | Sequence[str] | None = None) -> HTML:
    """A plain HTML table for readers (no dtypes, thousands separators) and its CSV.

    ``counts`` names the count columns to suppress: counts under 11 are shown as "<11"
    (with complementary suppression, see :func:`analysis.suppress.suppress`, grouped by
    ``by``) in both the table and the CSV. ``name`` is the CSV's file name (without
    ``.csv``); it defaults to the caption. Identifier columns are refused.
    """
    # columns that identify a case or a person never reach a reader
    leaked = [c for c in frame.columns if c.lower() in schema.IDENTIFIERS]
    if leaked:
        raise ValueError(f"page.table refuses identifier column(s) {', '.join(leaked)}: "
                         "aggregate before publishing")
    if isinstance(counts, str):
        counts = (counts,)
    if counts:
        from .suppress import suppress  # lazily: only pages that suppress need it

        kwargs = {} if by is None else {"by": [by] if isinstance(by, str) else list(by)}
        frame = suppress(frame, list(counts), **kwargs)
    name = slug(name or caption, limit=48) or "table"
    csv_text = frame.write_csv()
    href = "data:text/csv;charset=utf-8;base64," + base64.b64encode(
        csv_text.encode("utf-8")).decode("ascii")

    head = "".join(_header(c) for c in frame.columns)

    def shown(value, column: str) -> str:
        # suppressed counts come back as text ("1234", "<11"): print numbers as numbers
        if column in counts and isinstance(value, str) and value.isdigit():
            value = int(value)
        return _percent(value) if is_share(column) else _cell(value)

    body = "".join("<tr>" + "".join(
        f"<td>{shown(v, c)}</td>" for v, c in zip(row, frame.columns, strict=True)) + "</tr>"
        for row in frame.iter_rows())
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    link = (f'<p class="lacra-download"><a class="lacra-csv" data-lacra-csv="{name}" '
            f'download="{name}.csv" href="{href}">Download this table (CSV, '
            f"{frame.height:,} rows)</a></p>")
    meta = {"lacra": {"kind": "table", "name": name, "caption": caption,
                      "rows": frame.height, "columns": frame.columns}}
    return HTML(f'<div class="lacra-table-wrap"><table class="lacra-table">{cap}'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{link}</div>",
                metadata=meta)
