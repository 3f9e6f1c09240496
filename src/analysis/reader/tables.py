"""What every page shows: the data card, tables with their CSVs, the assumptions, and
categories, counts and intervals as a reader reads them.

The data card and tables are output types of :mod:`analysis.outputs`, which the
renderer reads back from the executed notebook: the data card names the page's data
source (the site index lists it) and every table carries its own CSV, which the site
publishes as a download beside the page.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from .. import schema, suppress, words
from ..assumptions import DEFAULT, Assumptions, assumptions_table
from ..data import Source
from ..outputs import DataCard, Table

__all__ = ["assumptions", "count_text", "data_card", "interval_text", "labelled", "table"]


def data_card(frame: pl.DataFrame, source: Source) -> DataCard:
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
    return DataCard(source.label, source.path.name, source.synthetic, source.sha256,
                    frame.height, "\n".join(lines))


def assumptions(a: Assumptions = DEFAULT) -> pl.DataFrame:
    """The published and assumed inputs behind the synthetic data."""
    return assumptions_table(a)


def _percent(value) -> str:
    """A share (0 to 1) as a percent, one decimal; a tiny non-zero share is not 0.0%."""
    if not isinstance(value, float | int) or isinstance(value, bool):
        return _cell(value)
    if 0 < abs(value) < 0.0005:
        return "<0.1%" if value > 0 else ">-0.1%"
    return f"{value:.1%}"


def _cell(value) -> str:
    """A value as readers see it (plain text: the table escapes it for HTML)."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1 else f"{value:,.1f}"
    return str(value)


def table(frame: pl.DataFrame, caption: str = "", *, name: str | None = None,
          counts: Sequence[str] = (), by: str | Sequence[str] | None = None) -> Table:
    """A plain table for readers (no dtypes, thousands separators) and its CSV.

    ``counts`` names the count columns to suppress: counts under 11 are shown as "<11"
    (with complementary suppression, see :func:`analysis.suppress.suppress`, grouped by
    ``by``) in both the table and the CSV. ``name`` is the CSV's file name (without
    ``.csv``); it defaults to the caption. Identifier columns are refused.
    """
    # columns that identify a case or a person never reach a reader
    leaked = [c for c in frame.columns if c.lower() in schema.IDENTIFIERS]
    if leaked:
        raise ValueError(f"reader.table refuses identifier column(s) {', '.join(leaked)}: "
                         "aggregate before publishing")
    if isinstance(counts, str):
        counts = (counts,)
    if counts:
        kwargs = {} if by is None else {"by": [by] if isinstance(by, str) else list(by)}
        frame = suppress.suppress(frame, list(counts), **kwargs)
    name = words.slug(name or caption, limit=48) or "table"

    def shown(value, column: str) -> str:
        # suppressed counts come back as text ("1234", "<11"): print numbers as numbers
        if column in counts and isinstance(value, str) and value.isdigit():
            value = int(value)
        return _percent(value) if words.is_share(column) else _cell(value)

    cells = tuple(tuple(shown(v, c) for v, c in zip(row, frame.columns, strict=True))
                  for row in frame.iter_rows())
    return Table(name, caption, tuple(frame.columns), cells, frame.write_csv())




def labelled(frame: pl.DataFrame) -> pl.DataFrame:
    """Categories as text a reader knows: motion names, years, decades as '1990s'."""
    out = frame
    if "batch" in out.columns:
        out = out.with_columns(pl.col("batch").cast(pl.String)
                               .replace(words.MOTION_LABELS).alias("batch"))
    if "conviction_year" in out.columns:  # a year is a label, not a quantity
        out = out.with_columns(pl.col("conviction_year").cast(pl.String))
    if "conviction_decade" in out.columns:
        out = out.with_columns(schema.decade_label().alias("conviction_decade"))
    return out.with_columns(pl.col(c).cast(pl.String) for c, t in out.schema.items()
                            if isinstance(t, pl.Enum | pl.Categorical))


def count_text(value, threshold: int = suppress.DEFAULT_THRESHOLD) -> str:
    """A rounded count for a page, ``"<11"`` when it is small (but not zero)."""
    if value is None:
        return ""
    value = round(value)
    return suppress.small_marker(threshold) if 0 < value < threshold else f"{value:,}"


def interval_text(column: str, digits: int = 2) -> pl.Expr:
    """``"estimate (low to high)"`` from ``column`` and ``column_low``/``column_high``."""
    return pl.format("{} ({} to {})", *(pl.col(c).round(digits) for c in
                                        (column, f"{column}_low", f"{column}_high")))


def __dir__() -> list[str]:
    return sorted(__all__)
