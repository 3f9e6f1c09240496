"""The words readers see in place of the names code uses, defined once: the two
motions, the dimensions a table is cut by, column headers, page titles, and the
file-name-safe slugs built from them.

Light on purpose (no polars, no IPython): the renderer imports it too.
"""

from __future__ import annotations

import re

__all__ = ["DIMENSION_TITLES", "HIDDEN_FLAG", "MEASURES", "MODEL_WORDS", "MOTION_LABELS",
           "MOTION_RECORDS", "OFFENSE_LABELS", "category_label", "column_label",
           "dimension_title", "is_share", "measure_title", "model_words", "motion_with_records",
           "parameter_text", "scope_label", "slug", "value_label"]

# The two motions as pages name them, and the records each was identified from.
MOTION_LABELS = {"feb2020": "February 2020 motion", "sep2021": "September 2021 motion"}
MOTION_RECORDS = {"feb2020": "state DOJ records", "sep2021": "county court records"}

# Offense types (schema.OFFENSE_TYPES) and arrest charges as tables and charts name them.
OFFENSE_LABELS = {
    "possession": "possession",
    "cultivation": "cultivation",
    "possession_for_sale": "possession for sale",
    "sale_transport": "sale or transport",
    "public_consumption": "public consumption",
}

# Count models in plain words (analysis.countmodels' names); pages give the precise
# name on hover.
MODEL_WORDS = {"negative binomial GLM (NB2)": "negative binomial model",
               "Poisson GLM": "Poisson model"}

# What each published claim counts (data/claims/claims.csv's measure), as a sentence
# says it after the figure: "about 58,000 convictions in the September 2021 motion".
MEASURES = {
    "convictions_2020": "convictions in the February 2020 motion",
    "felonies_2020": "felony convictions in the February 2020 motion",
    "misdemeanors_2020": "misdemeanor convictions in the February 2020 motion",
    "oldest_felony_year_2020": "as the year of the oldest felony in the February 2020 motion",
    "people_2020": "people in the February 2020 motion",
    "people_no_felony_2020": "people left with no felony by the February 2020 motion",
    "people_no_record_2020": "people left with no conviction by the February 2020 motion",
    "ineligible_2020": "convictions found ineligible in 2020",
    "share_latino_2020": "of the February 2020 motion's people Latino",
    "share_black_2020": "of the February 2020 motion's people Black",
    "share_white_2020": "of the February 2020 motion's people White",
    "share_other_2020": "of the February 2020 motion's people of another group",
    "convictions_2021": "convictions in the September 2021 motion",
    "felonies_2021": "felony convictions in the September 2021 motion",
    "people_2021": "people in the September 2021 motion",
    "span_years_2021": "of convictions in the September 2021 motion",
    "convictions_both": "convictions in the two motions together",
    "people_harmed_la": "people in Los Angeles County harmed by cannabis enforcement",
    "city_prosecutor_cities": "cities whose own prosecutor handles misdemeanors",
    "da_misdemeanor_cities": "cities whose misdemeanors the District Attorney handles",
    "eligible_statewide": "convictions eligible for relief statewide (2018 estimate)",
    "eligible_people_statewide": "people eligible for relief statewide",
    "cleared_statewide_2023": "convictions cleared statewide by 2023",
    "outstanding_statewide_2023": "convictions still outstanding statewide in 2023",
    "cleared_la_2023": "Los Angeles County convictions cleared by 2023",
    "outstanding_la_2023": "Los Angeles County convictions still outstanding in 2023",
    "sf_convictions": "convictions dismissed in San Francisco",
    "sf_oldest_year": "as the oldest San Francisco conviction",
    "clear_my_record_convictions": "convictions Clear My Record helped clear",
}

# Measures whose sentence form above does not read as a title.
_MEASURE_TITLES = {
    "oldest_felony_year_2020": "year of the oldest felony in the February 2020 motion",
    "span_years_2021": "years the September 2021 motion's convictions span",
    "sf_oldest_year": "year of the oldest San Francisco conviction",
}


# The ledger's scopes (claims.SCOPES) as readers read them; others are place names.
_SCOPES = {"2020 batch": "February 2020 motion", "2021 batch": "September 2021 motion",
           "both batches": "both motions"}


def scope_label(scope: str) -> str:
    """What a published claim covers, in words: "2021 batch" reads "September 2021
    motion"."""
    return _SCOPES.get(scope, scope)


def measure_title(measure: str) -> str:
    """What a published claim counts, as a title: "convictions in the September 2021
    motion", "share of the February 2020 motion's people Latino"."""
    if measure in _MEASURE_TITLES:
        return _MEASURE_TITLES[measure]
    said = MEASURES.get(measure, measure.replace("_", " "))
    return "share " + said if measure.startswith("share_") else said


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
    "batch": "motion",
    "hs_section": "code section (HS)",
    "race_ethnicity": "race/ethnicity",
    "p_value": "p-value",
    "conviction_year": "year of conviction",
    "conviction_decade": "decade of conviction",
    "sale_transport": "sale or transport",
}
_BOUNDS = {"_low": "lower bound", "_high": "upper bound"}
# A published CSV's flag column beside a count: ``convictions_hidden`` is true where the
# count is hidden (and ``convictions`` is then empty).
HIDDEN_FLAG = "_hidden"


def motion_with_records(batch: str) -> str:
    """``"February 2020 motion (state DOJ records)"``: the motion and its source."""
    return f"{MOTION_LABELS[batch]} ({MOTION_RECORDS[batch]})"


def category_label(value: str) -> str:
    """A category value as readers see it: motion and offense codes in words; other
    values as they are."""
    return MOTION_LABELS.get(value) or OFFENSE_LABELS.get(value) or value


def model_words(model: str) -> str:
    """A count model's name in plain words: "negative binomial GLM (NB2)" reads
    "negative binomial model"; what follows the name (its settings) is left out."""
    for name, plain in MODEL_WORDS.items():
        if model.startswith(name):
            return plain
    return model


def parameter_text(parameters: dict) -> str:
    """A page's parameters as a reader reads them: ``{batch: sep2021, group_by:
    jurisdiction}`` reads "September 2021 motion, counted by jurisdiction"."""
    said = []
    for key, value in parameters.items():
        if value in ("", None, 0):
            continue
        if key == "batch":
            said.append(MOTION_LABELS.get(str(value), str(value)))
        elif key == "group_by":
            said.append("counted by " + " and ".join(value_label(value).split(", ")))
        elif key == "level":
            said.append(f"{value} convictions only")
        elif key == "year_from":
            said.append(f"convicted in {value} or later")
        elif key == "year_to":
            said.append(f"convicted in {value} or earlier")
        elif key == "agency":
            said.append(f"convictions filed by the {value}")
        elif key == "jurisdiction":
            said.append(f"in {value}")
        else:
            said.append(f"{column_label(key)}: {value_label(value)}")
    return ", ".join(said)


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
    if column.endswith(HIDDEN_FLAG) and len(column) > len(HIDDEN_FLAG):
        return f"{column_label(column[:-len(HIDDEN_FLAG)])} hidden?"
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
