"""The schema's one home for categories: the agency rule, the conviction decade, and
matching a user's spelling of a closed category."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from analysis import schema


@pytest.mark.parametrize(("value", "column", "canonical"), [
    ("white", "race_ethnicity", "White"),
    ("FELONY", "charge_level", "felony"),
    ("  asian/pacific   ISLANDER ", "race_ethnicity", "Asian/Pacific Islander"),
    ("long beach CITY prosecutor", "prosecuting_agency", "Long Beach city prosecutor"),
    ("la cañada flintridge", "jurisdiction", "La Cañada Flintridge"),
    ("SEP2021", "batch", "sep2021"),
    (11357, "hs_section", "11357"),
])
def test_category_gives_the_canonical_spelling(value, column, canonical):
    assert schema.category(column, value) == canonical


def test_category_names_the_column_and_lists_the_choices():
    with pytest.raises(ValueError) as err:
        schema.category("charge_level", "wobbler")
    assert str(err.value) == ("'wobbler' is not a charge_level value; choose one of "
                              "felony, misdemeanor, infraction")
    with pytest.raises(ValueError, match="'case_id' is not a closed category; those are "
                                         "batch, hs_section"):
        schema.category("case_id", "X1")


def test_categories_are_the_enum_columns():
    assert schema.CATEGORIES["race_ethnicity"] == schema.RACES
    assert schema.CATEGORIES["prosecuting_agency"] == schema.AGENCIES
    assert set(schema.CATEGORIES) == {c for c, t in schema.SCHEMA.items()
                                      if isinstance(t, pl.Enum)}


def test_expected_agency_follows_level_and_jurisdiction():
    cases = pl.DataFrame({
        "charge_level": ["felony", "felony", "misdemeanor", "infraction", "misdemeanor"],
        "jurisdiction": ["Long Beach", "Compton", "Long Beach", "Pasadena", "Compton"],
    })
    expected = ["District Attorney", "District Attorney", "Long Beach city prosecutor",
                "Pasadena city prosecutor", "District Attorney"]
    assert cases.select(schema.expected_agency()).to_series().to_list() == expected
    # the same on typed (Enum) columns, given as expressions
    typed = cases.cast({"charge_level": schema.ChargeLevel,
                        "jurisdiction": schema.Jurisdiction})
    out = typed.select(schema.expected_agency(pl.col("charge_level"), pl.col("jurisdiction")))
    assert out.to_series().to_list() == expected
    assert set(expected) <= set(schema.AGENCIES)


def test_every_city_prosecutor_is_a_known_agency():
    cities = pl.DataFrame({"jurisdiction": list(schema.JURISDICTIONS)})
    agencies = cities.select(schema.expected_agency(pl.lit("misdemeanor"), "jurisdiction"))
    assert set(agencies.to_series()) == set(schema.AGENCIES)


def test_conviction_decade_and_its_label():
    dates = pl.DataFrame({"conviction_date": [dt.date(1961, 1, 1), dt.date(1999, 12, 31),
                                              dt.date(2000, 1, 1), None]})
    out = dates.select(decade=schema.conviction_decade()).with_columns(
        label=schema.decade_label("decade"))
    assert out.schema["decade"] == pl.Int32
    assert out.rows() == [(1960, "1960s"), (1990, "1990s"), (2000, "2000s"), (None, None)]
