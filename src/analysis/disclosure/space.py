"""The attacker's unknowns: the finest counts every published cell adds up.

Every count the site publishes over a source is a sum of *atoms*, counts of rows that
agree on every dimension. Enumerating atoms over all dimensions at once (motion x year x
level x offense x 89 jurisdictions x race x list) would give millions of unknowns, so
the case list is split into three overlapping *cliques*:

``main``   motion, decade, level, offense, agency, in Los Angeles, race, list status
``years``  motion, single year, level, in Los Angeles (and any dimension a table
           crosses with single years)
``places`` motion, level, jurisdiction (and any dimension a table crosses with single
           jurisdictions)

Each published cell lives in the first clique that can state its predicate. The cliques
meet on their shared dimensions (*separators*), where their sums must agree. The pieces
form a junction tree, so any non-negative cliques that agree on the separators come
from some full table: the linear bounds computed over the cliques are exactly those over
all atoms. Rules readers know hold in every clique (felonies end with Proposition 64;
the District Attorney files every felony; each motion's list status).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .. import schema
from .cells import Cell

__all__ = ["Clique", "Space", "SpaceError", "arrests_space", "cases_space"]

CAPTURE = ("both", "doj_only", "court_only")
YES_NO = ("no", "yes")
LA = "Los Angeles"
PROP64_YEAR = schema.PROP64_EFFECTIVE.year
MOTION_YEAR = {"feb2020": 2020, "sep2021": 2021}


class SpaceError(ValueError):
    """A published cell that no clique of the space can state."""


def _agency(level: str, place: str) -> str:
    if level != "felony" and place in schema.CITY_PROSECUTOR_CITIES:
        return schema.city_prosecutor(place)
    return schema.DISTRICT_ATTORNEY


def _prosecutor(agency: str) -> str:
    return agency if agency == schema.DISTRICT_ATTORNEY else "city prosecutor"


# How a dimension follows from others: name -> (inputs, function).
DERIVED = {
    "conviction_decade": (("conviction_year",), lambda y: str(int(y) // 10 * 10)),
    "prosecuting_agency": (("charge_level", "jurisdiction"), _agency),
    "in_los_angeles": (("jurisdiction",), lambda j: "yes" if j == LA else "no"),
    "prosecutor": (("prosecuting_agency",), _prosecutor),
    "found_in_doj": (("capture",), lambda k: "true" if k in ("both", "doj_only") else "false"),
    "found_in_court": (("capture",),
                       lambda k: "true" if k in ("both", "court_only") else "false"),
}


@dataclass
class Clique:
    """One piece of the space: every combination of its coordinates that the rules allow,
    with the dimensions that follow from them."""

    name: str
    coords: tuple[str, ...]
    columns: dict[str, np.ndarray] = field(default_factory=dict)  # dim -> value per atom
    size: int = 0

    def has(self, dim: str) -> bool:
        return dim in self.columns

    def mask(self, where: Sequence[tuple[str, Sequence[str]]]) -> np.ndarray:
        """Which atoms the predicate keeps."""
        keep = np.ones(self.size, dtype=bool)
        for dim, values in where:
            keep &= np.isin(self.columns[dim], np.array(values, dtype=object))
        return keep


@dataclass
class Space:
    """The cliques of one source and the rule placing each cell in one of them."""

    source: str
    domains: dict[str, tuple[str, ...]]
    cliques: list[Clique]
    rules: tuple = ()  # functions(atom dict) -> bool, True where the rules allow the atom

    def rewrite(self, where: Iterable[tuple[str, Sequence[str]]], clique: Clique):
        """``where`` in terms the clique has, or None when it cannot state it."""
        out = []
        for dim, values in where:
            if clique.has(dim):
                out.append((dim, tuple(values)))
                continue
            coarse = _coarsen(dim, set(values), self.domains, clique)
            if coarse is None:
                return None
            out.append(coarse)
        return out

    def place(self, c: Cell) -> tuple[int, np.ndarray]:
        """The clique stating ``c`` and the atoms it sums."""
        for i, clique in enumerate(self.cliques):
            where = self.rewrite(c.where, clique)
            if where is not None:
                return i, clique.mask(where)
        raise SpaceError(f"no clique of the {self.source} space can state the cell "
                         f"{dict(c.where)} ({c.unit}); add its dimensions to a clique in "
                         "analysis.disclosure.space")


def _coarsen(dim: str, values: set[str], domains: dict, clique: Clique):
    """A predicate on ``dim`` restated on a coarser dimension the clique has."""
    if dim == "conviction_year" and clique.has("conviction_decade"):
        years = domains["conviction_year"]
        decades = {str(int(y) // 10 * 10) for y in values}
        whole = all(str(int(y) // 10 * 10) not in decades or y in values for y in years)
        return ("conviction_decade", tuple(sorted(decades))) if whole else None
    if dim == "jurisdiction" and clique.has("in_los_angeles"):
        everything = set(domains["jurisdiction"])
        if values == {LA}:
            return ("in_los_angeles", ("yes",))
        if values == everything - {LA}:
            return ("in_los_angeles", ("no",))
        if values == everything:
            return ("in_los_angeles", YES_NO)
    return None


def _build(name: str, coords: tuple[str, ...], domains: dict, rules) -> Clique:
    """Every allowed combination of ``coords``, with its derived dimensions."""
    grid = itertools.product(*(domains[c] for c in coords))
    atoms = [dict(zip(coords, combo, strict=True)) for combo in grid]
    for dim, (inputs, fn) in DERIVED.items():
        for atom in atoms:
            if dim not in atom and all(i in atom for i in inputs):
                atom[dim] = fn(*(atom[i] for i in inputs))
    atoms = [a for a in atoms if all(rule(a) for rule in rules)]
    dims = sorted({d for a in atoms for d in a})
    columns = {d: np.array([a.get(d, "") for a in atoms], dtype=object) for d in dims}
    return Clique(name, coords, columns, len(atoms))


def _cases_rules():
    cities = {schema.city_prosecutor(c): c for c in schema.CITY_PROSECUTOR_CITIES}

    def agency_fits(a):  # the District Attorney files every felony (validator rule)
        agency = a.get("prosecuting_agency")
        if agency is None or agency == schema.DISTRICT_ATTORNEY:
            return True
        if a.get("charge_level") == "felony":
            return False
        city = cities.get(agency)
        return "in_los_angeles" not in a or a["in_los_angeles"] == ("yes" if city == LA
                                                                    else "no")

    def prop64(a):  # no felony conviction after Proposition 64
        if a.get("charge_level") != "felony":
            return True
        year = a.get("conviction_year") or a.get("conviction_decade")
        return year is None or int(year) <= PROP64_YEAR

    def before_motion(a):
        year = a.get("conviction_year")
        return year is None or int(year) <= MOTION_YEAR.get(a.get("batch"), 9999)

    def list_status(a):  # feb2020 came from DOJ records, sep2021 from court records
        k = a.get("capture")
        return k is None or (a["batch"], k) not in (("feb2020", "court_only"),
                                                    ("sep2021", "doj_only"))
    return (agency_fits, prop64, before_motion, list_status)


# Where each dimension comes from in the years and places cliques: its coordinates.
_YEARS_NEEDS = {"conviction_decade": (), "prosecutor": ("prosecuting_agency",),
                "found_in_doj": ("capture",), "found_in_court": ("capture",)}
_PLACES_NEEDS = {"prosecuting_agency": (), "in_los_angeles": (), "prosecutor": (),
                 "conviction_year": ("conviction_decade",), "found_in_doj": ("capture",),
                 "found_in_court": ("capture",)}
ORDER = ("batch", "conviction_year", "conviction_decade", "charge_level", "jurisdiction",
         "offense_type", "prosecuting_agency", "in_los_angeles", "race_ethnicity", "capture")


def cases_space(cells: Iterable[Cell], years: range = range(1950, 2022)) -> Space:
    """The case-list space able to state ``cells``: the three cliques, each widened by
    the dimensions the cells cross with single years or single jurisdictions."""
    domains = {
        "batch": schema.BATCHES, "conviction_year": tuple(str(y) for y in years),
        "conviction_decade": tuple(sorted({str(y // 10 * 10) for y in years})),
        "charge_level": schema.CHARGE_LEVELS, "offense_type": schema.OFFENSE_TYPES,
        "jurisdiction": schema.JURISDICTIONS, "prosecuting_agency": schema.AGENCIES,
        "in_los_angeles": YES_NO, "race_ethnicity": schema.RACES, "capture": CAPTURE,
    }
    main = ("batch", "conviction_decade", "charge_level", "offense_type",
            "prosecuting_agency", "in_los_angeles", "race_ethnicity", "capture")
    rules = _cases_rules()
    base = _build("main", main, domains, rules)
    years = {"batch", "conviction_year", "charge_level", "in_los_angeles"}
    places = {"batch", "charge_level", "jurisdiction"}
    probe = Space("cases", domains, [base], rules)
    for c in cells:
        if c.source != "cases" or probe.rewrite(c.where, base) is not None:
            continue
        dims = {d for d, _ in c.where}
        target, needs = (places, _PLACES_NEEDS) if "jurisdiction" in dims else \
            (years, _YEARS_NEEDS)
        for d in dims:
            target.update(needs.get(d, (d,)))
    cliques = [base,
               _build("years", tuple(d for d in ORDER if d in years), domains, rules),
               _build("places", tuple(d for d in ORDER if d in places), domains, rules)]
    if "conviction_year" in places:
        raise SpaceError("a published cell crosses single years with single "
                         "jurisdictions, which no clique holds")
    return Space("cases", domains, cliques, rules)


def arrests_space(years: Sequence[int]) -> Space:
    """Arrest extracts: one clique over year, race/ethnicity, level and charge."""
    from ..arrests import CHARGES

    domains = {"year": tuple(str(y) for y in years), "race_ethnicity": schema.RACES,
               "charge_level": schema.CHARGE_LEVELS, "charge": CHARGES}
    clique = _build("arrests", tuple(domains), domains, ())
    return Space("arrests", domains, [clique])


def separators(space: Space) -> list[tuple[int, int, tuple[str, ...]]]:
    """The junction tree's links: the first clique to each other one, on the dimensions
    both can state."""
    first = space.cliques[0]
    links = []
    for j, other in enumerate(space.cliques[1:], start=1):
        shared = tuple(d for d in first.coords if other.has(d))
        links.append((0, j, shared))
    return links


def __dir__() -> list[str]:
    return sorted(__all__)
