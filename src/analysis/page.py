"""Pieces every published page shows: the data card, tables and the assumptions.

Each piece carries display metadata under the ``lacra`` key that ``analysis render``
reads back from the executed notebook: the data card names the page's data source (the
site index lists it) and every table carries its own CSV, which the site publishes as a
download beside the page.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence

import polars as pl
from IPython.display import HTML, Markdown

from . import schema
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
    meta = {"lacra": {"kind": "data_card", "source": source.label,
                      "file": source.path.name, "synthetic": source.synthetic,
                      "sha256": source.sha256, "rows": frame.height}}
    return Markdown("\n".join(lines), metadata=meta)


def assumptions(a: Assumptions = DEFAULT) -> pl.DataFrame:
    """The published and assumed inputs behind the synthetic data."""
    return assumptions_table(a)


# Columns that identify a case or a person never reach a reader.
IDENTIFIERS = schema.IDENTIFIERS


def _slug(text: str, limit: int = 48) -> str:
    """A file-name-safe name, cut at a word boundary."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug


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
    leaked = [c for c in frame.columns if c.lower() in IDENTIFIERS]
    if leaked:
        raise ValueError(f"page.table refuses identifier column(s) {', '.join(leaked)}: "
                         "aggregate before publishing")
    if isinstance(counts, str):
        counts = (counts,)
    if counts:
        from .suppress import suppress  # lazily: only pages that suppress need it

        kwargs = {} if by is None else {"by": [by] if isinstance(by, str) else list(by)}
        frame = suppress(frame, list(counts), **kwargs)
    name = _slug(name or caption) or "table"
    csv_text = frame.write_csv()
    href = "data:text/csv;charset=utf-8;base64," + base64.b64encode(
        csv_text.encode("utf-8")).decode("ascii")

    head = "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns)
    # suppressed counts come back as text ("1234", "<11"): print the numbers as numbers
    numeric = [c in counts for c in frame.columns]
    body = "".join("<tr>" + "".join(
        f"<td>{_cell(int(v) if is_count and isinstance(v, str) and v.isdigit() else v)}</td>"
        for v, is_count in zip(row, numeric, strict=True)) + "</tr>"
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
