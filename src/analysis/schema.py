"""The canonical case-level schema: one row per dismissed conviction count.

Closed categories are Polars ``Enum`` dtypes, so a typo can never become a new
category silently. ``FIELDS`` documents every column; the README's schema table is
:func:`markdown_table`, and ``tests/test_packaging.py`` keeps the two in step.

The rules that derive one category from others live here once, as polars expressions:
:func:`expected_agency` (who prosecutes a case) and :func:`conviction_decade` with
:func:`decade_label`. :func:`category` matches a user's spelling of a closed category
(a filter, a notebook parameter) to its canonical value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

__all__ = [
    "AGENCIES", "AGENCY_GROUPS", "BATCHES", "BATCH_ALIASES", "CATEGORIES", "CHARGE_LEVELS",
    "CITIES", "CITY_PROSECUTOR", "CITY_PROSECUTORS", "CITY_PROSECUTOR_CITIES", "CODE_SECTIONS",
    "COLUMNS", "DISTRICT_ATTORNEY", "EARLIEST_CONVICTION", "FALSE_STRINGS", "FIELDS",
    "IDENTIFIERS", "JURISDICTIONS", "KEY", "LA_CITY_COMMUNITIES", "LEVEL_ALIASES",
    "MOTION_DATES", "OFFENSE_ALIASES", "OFFENSE_TYPES", "PROP64_EFFECTIVE", "RACES",
    "RACE_ALIASES", "RELIEF", "RELIEF_ALIASES", "REQUIRED", "SCHEMA", "SECTION_OFFENSE",
    "TRUE_STRINGS", "UNINCORPORATED", "Agency", "Batch", "ChargeLevel", "CodeSection", "Field",
    "Jurisdiction", "OffenseType", "Race", "Relief", "agency_members", "category",
    "city_prosecutor", "conviction_decade", "decade_label", "expected_agency", "markdown_table",
]

# --- closed categories -------------------------------------------------------------

BATCHES = ("feb2020", "sep2021")
MOTION_DATES = {"feb2020": dt.date(2020, 2, 13), "sep2021": dt.date(2021, 9, 27)}

CHARGE_LEVELS = ("felony", "misdemeanor", "infraction")

CODE_SECTIONS = ("11357", "11358", "11359", "11360")
OFFENSE_TYPES = ("possession", "cultivation", "possession_for_sale", "sale_transport")
# Health and Safety Code section -> the offense it defines.
SECTION_OFFENSE = {
    "11357": "possession",
    "11358": "cultivation",
    "11359": "possession_for_sale",
    "11360": "sale_transport",
}

RACES = ("Latino", "Black", "White", "Asian/Pacific Islander", "Other", "Unknown")

RELIEF = ("dismissed", "dismissed_sealed", "redesignated")

DISTRICT_ATTORNEY = "District Attorney"
# The ten cities whose own city attorney or prosecutor handles state misdemeanors
# (source: shared/data/README.md, from reporting on both announcements).
CITY_PROSECUTOR_CITIES = (
    "Los Angeles",
    "Long Beach",
    "Torrance",
    "Pasadena",
    "Inglewood",
    "Burbank",
    "Santa Monica",
    "Hawthorne",
    "Redondo Beach",
    "Hermosa Beach",
)


CITY_PROSECUTOR = "{} city prosecutor"  # the agency name of such a city


def city_prosecutor(city: str) -> str:
    """The agency name used for a city that prosecutes its own misdemeanors."""
    return CITY_PROSECUTOR.format(city)


AGENCIES = (DISTRICT_ATTORNEY, *(city_prosecutor(c) for c in CITY_PROSECUTOR_CITIES))
CITY_PROSECUTORS = "city prosecutors"  # one page may cover the ten together
AGENCY_GROUPS = {CITY_PROSECUTORS: AGENCIES[1:]}


def agency_members(agency: str) -> tuple[str, ...]:
    """The agencies a page's ``agency`` names: itself, or every member of a group
    (``"city prosecutors"``: the ten city prosecutors, for agencies with little data)."""
    return AGENCY_GROUPS.get(agency.strip().lower(), (agency,))

UNINCORPORATED = "Unincorporated Los Angeles County"
# The 88 incorporated cities of Los Angeles County.
CITIES = (
    "Agoura Hills", "Alhambra", "Arcadia", "Artesia", "Avalon", "Azusa", "Baldwin Park",
    "Bell", "Bell Gardens", "Bellflower", "Beverly Hills", "Bradbury", "Burbank",
    "Calabasas", "Carson", "Cerritos", "Claremont", "Commerce", "Compton", "Covina",
    "Cudahy", "Culver City", "Diamond Bar", "Downey", "Duarte", "El Monte", "El Segundo",
    "Gardena", "Glendale", "Glendora", "Hawaiian Gardens", "Hawthorne", "Hermosa Beach",
    "Hidden Hills", "Huntington Park", "Industry", "Inglewood", "Irwindale",
    "La Cañada Flintridge", "La Habra Heights", "La Mirada", "La Puente", "La Verne",
    "Lakewood", "Lancaster", "Lawndale", "Lomita", "Long Beach", "Los Angeles", "Lynwood",
    "Malibu", "Manhattan Beach", "Maywood", "Monrovia", "Montebello", "Monterey Park",
    "Norwalk", "Palmdale", "Palos Verdes Estates", "Paramount", "Pasadena", "Pico Rivera",
    "Pomona", "Rancho Palos Verdes", "Redondo Beach", "Rolling Hills",
    "Rolling Hills Estates", "Rosemead", "San Dimas", "San Fernando", "San Gabriel",
    "San Marino", "Santa Clarita", "Santa Fe Springs", "Santa Monica", "Sierra Madre",
    "Signal Hill", "South El Monte", "South Gate", "South Pasadena", "Temple City",
    "Torrance", "Vernon", "Walnut", "West Covina", "West Hollywood", "Westlake Village",
    "Whittier",
)  # fmt: skip
JURISDICTIONS = (*CITIES, UNINCORPORATED)

# Communities inside the City of Los Angeles that court and police records often give
# as the city (a case filed in Van Nuys is a City of Los Angeles case). The validator
# reads them as "Los Angeles", with a warning. Places outside the city that share a
# neighbourhood's look (East Los Angeles, Marina del Rey, Universal City, Altadena are
# unincorporated; West Hollywood and Westlake Village are cities) are not listed.
LA_CITY_COMMUNITIES = (
    "Arleta", "Atwater Village", "Bel Air", "Boyle Heights", "Brentwood", "Canoga Park",
    "Century City", "Chatsworth", "Cheviot Hills", "Eagle Rock", "Echo Park", "El Sereno",
    "Encino", "Granada Hills", "Hancock Park", "Harbor City", "Harbor Gateway",
    "Highland Park", "Hollywood", "Hyde Park", "Koreatown", "Lake Balboa",
    "Lakeview Terrace", "Leimert Park", "Lincoln Heights", "Los Feliz", "Mar Vista",
    "Mission Hills", "Mount Washington", "North Hills", "North Hollywood", "Northridge",
    "Pacific Palisades", "Pacoima", "Palms", "Panorama City", "Playa del Rey",
    "Playa Vista", "Porter Ranch", "Reseda", "San Pedro", "Sawtelle", "Sherman Oaks",
    "Silver Lake", "Studio City", "Sun Valley", "Sunland", "Sylmar", "Tarzana",
    "Tujunga", "Valley Village", "Van Nuys", "Venice", "Watts", "West Hills",
    "West Los Angeles", "Westchester", "Westwood", "Wilmington", "Winnetka",
    "Woodland Hills",
)  # fmt: skip


Batch = pl.Enum(list(BATCHES))
ChargeLevel = pl.Enum(list(CHARGE_LEVELS))
CodeSection = pl.Enum(list(CODE_SECTIONS))
OffenseType = pl.Enum(list(OFFENSE_TYPES))
Race = pl.Enum(list(RACES))
Relief = pl.Enum(list(RELIEF))
Agency = pl.Enum(list(AGENCIES))
Jurisdiction = pl.Enum(list(JURISDICTIONS))

# Prop 64 took effect the day after the 2016 election; no felony conviction for these
# sections can postdate it.
PROP64_EFFECTIVE = dt.date(2016, 11, 8)
EARLIEST_CONVICTION = dt.date(1950, 1, 1)

# --- the fields ----------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    dtype: pl.DataType
    required: bool
    description: str
    identifier: bool = False  # never published


FIELDS: tuple[Field, ...] = (
    Field("case_id", pl.String, True,
          "Pseudonymous case number. With `count` it identifies a row within a batch.",
          identifier=True),
    Field("count", pl.Int16, True,
          "Count number within the case (1 for the first conviction count)."),
    Field("person_id", pl.String, True,
          "Pseudonymous person number; the same person keeps it across cases and batches.",
          identifier=True),
    Field("batch", Batch, True,
          "Which motion dismissed it: `feb2020` (Feb 13 2020, identified from state DOJ "
          "records) or `sep2021` (Sept 27 2021, identified from county court records)."),
    Field("motion_date", pl.Date, True, "Date the District Attorney filed the motion."),
    Field("conviction_date", pl.Date, True, "Date of the conviction being dismissed."),
    Field("found_in_doj", pl.Boolean, True,
          "The count appears in the state DOJ criminal history records."),
    Field("found_in_court", pl.Boolean, True,
          "The count appears in the county's court case records."),
    Field("hs_section", CodeSection, True,
          "California Health and Safety Code section: 11357, 11358, 11359 or 11360. "
          "Inputs such as `HS 11359(b)` are split into section and subsection."),
    Field("hs_subsection", pl.String, False,
          "Subsection where known, e.g. `a` or `b)(2`; empty when unknown."),
    Field("offense_type", OffenseType, True,
          "Offense the section defines: possession (11357), cultivation (11358), "
          "possession_for_sale (11359), sale_transport (11360)."),
    Field("charge_level", ChargeLevel, True, "felony, misdemeanor or infraction."),
    Field("jurisdiction", Jurisdiction, True,
          "City (one of the 88) or `Unincorporated Los Angeles County` where the case "
          "was filed."),
    Field("prosecuting_agency", Agency, True,
          "`District Attorney`, or `<City> city prosecutor` for misdemeanors in the ten "
          "cities that prosecute their own."),
    Field("court_location", pl.String, False, "Courthouse, where known."),
    Field("race_ethnicity", Race, True,
          "Latino, Black, White, Asian/Pacific Islander, Other or Unknown."),
    Field("relief_granted", Relief, True,
          "dismissed, dismissed_sealed (dismissed and record sealed) or redesignated."),
)

COLUMNS = tuple(f.name for f in FIELDS)
SCHEMA = pl.Schema({f.name: f.dtype for f in FIELDS})
REQUIRED = tuple(f.name for f in FIELDS if f.required)
IDENTIFIERS = tuple(f.name for f in FIELDS if f.identifier)
KEY = ("batch", "case_id", "count")

# --- accepted spellings in real files ------------------------------------------------
# Keys are lower-cased and stripped before lookup.

LEVEL_ALIASES = {
    "f": "felony", "fel": "felony", "felony": "felony",
    "m": "misdemeanor", "misd": "misdemeanor", "misdemeanor": "misdemeanor",
    "misdemeanour": "misdemeanor",
    "i": "infraction", "inf": "infraction", "infraction": "infraction",
}  # fmt: skip

RACE_ALIASES = {
    "latino": "Latino", "hispanic": "Latino", "hispanic/latino": "Latino",
    "latino/hispanic": "Latino", "latinx": "Latino", "h": "Latino",
    "black": "Black", "african american": "Black", "black/african american": "Black",
    "b": "Black",
    "white": "White", "w": "White", "non-hispanic white": "White",
    "asian/pacific islander": "Asian/Pacific Islander", "asian": "Asian/Pacific Islander",
    "pacific islander": "Asian/Pacific Islander", "api": "Asian/Pacific Islander",
    "aapi": "Asian/Pacific Islander", "a": "Asian/Pacific Islander",
    "other": "Other", "o": "Other", "native american": "Other",
    "american indian": "Other", "multiracial": "Other",
    "unknown": "Unknown", "x": "Unknown", "u": "Unknown", "not stated": "Unknown",
}  # fmt: skip

BATCH_ALIASES = {
    "feb2020": "feb2020", "2020": "feb2020", "2020-02": "feb2020", "february 2020": "feb2020",
    "doj": "feb2020",
    "sep2021": "sep2021", "2021": "sep2021", "2021-09": "sep2021",
    "september 2021": "sep2021", "court": "sep2021",
}  # fmt: skip

OFFENSE_ALIASES = {
    "possession": "possession", "cultivation": "cultivation",
    "possession_for_sale": "possession_for_sale", "possession for sale": "possession_for_sale",
    "sale_transport": "sale_transport", "sale/transport": "sale_transport",
    "sale": "sale_transport", "transport": "sale_transport", "sales": "sale_transport",
}  # fmt: skip

RELIEF_ALIASES = {
    "dismissed": "dismissed", "dismissal": "dismissed",
    "dismissed_sealed": "dismissed_sealed", "dismissed and sealed": "dismissed_sealed",
    "sealed": "dismissed_sealed",
    "redesignated": "redesignated", "reduced": "redesignated",
}  # fmt: skip

TRUE_STRINGS = frozenset({"true", "t", "yes", "y", "1"})
FALSE_STRINGS = frozenset({"false", "f", "no", "n", "0"})


# --- categories derived from others, and matching a user's spelling ---------------

# Every closed category (an Enum column) and its values, in order.
CATEGORIES: dict[str, tuple[str, ...]] = {
    name: tuple(dtype.categories.to_list()) for name, dtype in SCHEMA.items()
    if isinstance(dtype, pl.Enum)
}


def _expr(column: str | pl.Expr) -> pl.Expr:
    """A column given by name or as an expression."""
    return pl.col(column) if isinstance(column, str) else column


def expected_agency(level: str | pl.Expr = "charge_level",
                    jurisdiction: str | pl.Expr = "jurisdiction") -> pl.Expr:
    """The agency consistent with a charge level and a jurisdiction (columns, by name
    or as expressions), as text.

    The District Attorney prosecutes every felony in the county; misdemeanors and
    infractions go to the city's own prosecutor in the ten cities that have one, and to
    the District Attorney everywhere else.
    """
    level, jurisdiction = _expr(level), _expr(jurisdiction)
    return (pl.when(level == "felony").then(pl.lit(DISTRICT_ATTORNEY))
            .when(jurisdiction.is_in(list(CITY_PROSECUTOR_CITIES)))
            .then(pl.format(CITY_PROSECUTOR, jurisdiction))
            .otherwise(pl.lit(DISTRICT_ATTORNEY)))


def conviction_decade(date: str | pl.Expr = "conviction_date") -> pl.Expr:
    """The decade of a date as an integer (Int32): 1994-03-14 gives 1990."""
    return (_expr(date).dt.year() // 10 * 10).cast(pl.Int32)


def decade_label(decade: str | pl.Expr = "conviction_decade") -> pl.Expr:
    """A decade (an integer, as :func:`conviction_decade` gives) as readers write it:
    1990 gives ``"1990s"``."""
    return pl.format("{}s", _expr(decade))


def category(column: str, value: str) -> str:
    """The canonical spelling of ``value`` in the closed category ``column``, matched
    ignoring case and repeated spaces: ``category("race_ethnicity", "white")`` gives
    ``"White"``. Raises ValueError naming the column and listing its choices."""
    choices = CATEGORIES.get(column)
    if choices is None:
        raise ValueError(f"{column!r} is not a closed category; those are "
                         f"{', '.join(CATEGORIES)}")
    wanted = " ".join(str(value).split()).casefold()
    for choice in choices:
        if choice.casefold() == wanted:
            return choice
    raise ValueError(f"{value!r} is not a {column} value; choose one of "
                     f"{', '.join(choices)}")


def markdown_table() -> str:
    """The schema as a Markdown table, for the README (a test keeps the two in step)."""
    lines = ["| column | type | required | meaning |", "|---|---|---|---|"]
    for f in FIELDS:
        kind = "Enum" if isinstance(f.dtype, pl.Enum) else str(f.dtype)
        lines.append(f"| `{f.name}` | {kind} | {'yes' if f.required else 'no'} | "
                     f"{f.description} |")
    return "\n".join(lines)


def __dir__() -> list[str]:
    return sorted(__all__)
