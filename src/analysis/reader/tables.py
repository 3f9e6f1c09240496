"""Categories, counts and intervals as a reader reads them."""

from __future__ import annotations

import polars as pl

from .. import schema, suppress, words

__all__ = ["count_text", "interval_text", "labelled"]


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
