"""The words readers see in place of the names code uses, defined once: the two
motions, the dimensions a table is cut by, column headers, page titles, and the
file-name-safe slugs built from them.

Light on purpose (no polars, no IPython): the renderer imports it too.
"""

from __future__ import annotations

import re

__all__ = ["DIMENSION_TITLES", "MOTION_LABELS", "MOTION_RECORDS", "column_label",
           "dimension_title", "is_share", "motion_with_records", "slug", "value_label"]

# The two motions as pages name them, and the records each was identified from.
MOTION_LABELS = {"feb2020": "February 2020 motion", "sep2021": "September 2021 motion"}
MOTION_RECORDS = {"feb2020": "state DOJ records", "sep2021": "county court records"}

# The dimensions a count can be cut by (analysis.aggregate.DIMENSIONS), as chart axes
# and legends title them.
DIMENSION_TITLES = {
    "batch": "Motion",
    "conviction_year": "Conviction year",
    "conviction_decade": "Conviction decade",
    "charge_level": "Charge level",
    "hs_section": "Code section (HS)",
    "offense_type": "Offense type",
    "jurisdiction": "Jurisdiction",
    "prosecuting_agency": "Prosecuting agency",
    "race_ethnicity": "Race/ethnicity",
}

# Column names whose words are not just the name with spaces; the CSVs keep the names.
_LABELS = {
    "race_ethnicity": "race/ethnicity",
    "p_value": "p-value",
    "conviction_year": "year of conviction",
    "conviction_decade": "decade of conviction",
    "sale_transport": "sale or transport",
}
_BOUNDS = {"_low": "lower bound", "_high": "upper bound"}


def motion_with_records(batch: str) -> str:
    """``"February 2020 motion (state DOJ records)"``: the motion and its source."""
    return f"{MOTION_LABELS[batch]} ({MOTION_RECORDS[batch]})"


def dimension_title(name: str) -> str:
    """A dimension's title on a chart axis or legend; other names are shown as they are."""
    return DIMENSION_TITLES.get(name, name)


def slug(text: object, limit: int | None = None) -> str:
    """A file-name-safe name: lower case, runs of anything else as one hyphen; cut at a
    hyphen when longer than ``limit``."""
    out = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
    if limit is not None and len(out) > limit:
        out = out[:limit].rsplit("-", 1)[0]
    return out


def is_share(column: str) -> bool:
    """A column holding a fraction of a whole (0 to 1), shown to readers as a percent."""
    return column == "share" or column.endswith("_share")


def column_label(column: str) -> str:
    """The header readers see for a column: words, not a variable name.

    ``charge_level`` reads "charge level", ``convictions_share`` "share of convictions",
    ``rate_low`` "rate, lower bound"; a name with no underscore is shown as it is.
    """
    if column in _LABELS:
        return _LABELS[column]
    for suffix, bound in _BOUNDS.items():
        if column.endswith(suffix) and len(column) > len(suffix):
            return f"{column_label(column[:-len(suffix)])}, {bound}"
    if column.endswith("_share"):
        return f"share of {column_label(column[:-len('_share')])}"
    return column.replace("_", " ")


def value_label(value: object) -> str:
    """A parameter value in a page title: motion codes and column names in words.

    ``"conviction_decade,charge_level"`` reads "decade of conviction, charge level",
    ``"sep2021"`` "September 2021 motion"; other values are shown as they are.
    """
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    words = [str(item).strip() for item in items]
    return ", ".join(MOTION_LABELS.get(w) or column_label(w) for w in words if w)


def __dir__() -> list[str]:
    return sorted(__all__)
