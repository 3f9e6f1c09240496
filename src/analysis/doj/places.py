"""Which of the county's cities a DOJ court or agency description names.

``STP_ORI_DESCR`` names the court or agency of a step, a four-letter type and a place
run together (``CASCSACRAMENTO``: a superior court, Sacramento). The type is removed
for courts and police departments (``CASC``, ``CAMC``, ``CAJC``, ``CAPD``); what is left
is looked up among the 88 cities (:data:`analysis.schema.CITIES`), the communities of
the City of Los Angeles (:data:`analysis.schema.LA_CITY_COMMUNITIES`, read as Los
Angeles) and the court and place names of ``courts.csv``. Anything else (a sheriff's
office, which serves the whole county, a superior court named after the county, a
blank, an unknown name) is unmapped: it is never guessed.
"""

from __future__ import annotations

import functools

import polars as pl

from .. import schema
from .tables import courts

__all__ = ["PREFIXES", "jurisdiction", "lookup"]

PREFIXES = ("CASC", "CAMC", "CAJC", "CAPD")  # court and police types that end in a place


@functools.cache
def lookup() -> dict[str, str]:
    """Upper-case place name -> jurisdiction of the schema."""
    table = {c.upper(): c for c in schema.CITIES}
    table |= {c.upper(): "Los Angeles" for c in schema.LA_CITY_COMMUNITIES}
    table |= {p.upper(): j for p, j in courts().select("place", "jurisdiction").iter_rows()}
    return table


def jurisdiction(court: pl.Expr, county: pl.Expr) -> pl.Expr:
    """The jurisdiction (Enum of the schema) named by an upper-case court description;
    null when none is. A superior court named after the county itself (``CASCLOS
    ANGELES`` in Los Angeles County) is the county's court, not the city's: unmapped."""
    place = (court.str.replace(r"^(?:" + "|".join(PREFIXES) + r")\s*", "")
             .str.replace_all(r"[^A-Z ]+", " ").str.replace_all(r"\s+", " ").str.strip_chars())
    county_court = court.str.starts_with("CASC") & (place == county)
    city = place.replace_strict(lookup(), default=None, return_dtype=pl.String)
    return pl.when(~county_court.fill_null(False)).then(city).cast(schema.Jurisdiction)


def __dir__() -> list[str]:
    return sorted(__all__)
