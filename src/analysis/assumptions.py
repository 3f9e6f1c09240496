"""Everything the synthetic default data rests on, in one place.

Two kinds of input drive the generator:

* **published** figures (``CALIBRATION``): counts and shares printed in the source
  articles, which the synthetic data reproduces exactly or within their rounding;
* **assumed** parameters (``Assumptions``): what no source says (the year profile, the
  2021 race mix, city shares, people in both batches, how often each list finds a
  case). Each has a default, a plain-language meaning and a reason.

Every report prints :func:`assumptions_table` so a reader can see which numbers are
published, which are assumed and which are computed from the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import polars as pl

__all__ = ["Assumptions", "CALIBRATION", "DEFAULT", "Target", "assumed", "assumptions_table",
           "target"]

@dataclass(frozen=True)
class Target:
    """A published figure the generator reproduces.

    ``sources`` are where it is printed: a source document's key (``feb2020``) or a
    gathered fact's claim id (``facts-06``), cited in words by :mod:`analysis.citations`.
    ``derived`` says how a figure no source prints follows from ones that are printed.
    """

    name: str
    value: float
    meaning: str
    published_as: str  # the figure as reported, with its qualifier
    sources: tuple[str, ...]
    derived: str = ""

    @property
    def source(self) -> str:
        """Its sources in words: outlet, headline, date."""
        from .citations import cite_ref

        return "; ".join(cite_ref(ref) for ref in self.sources)


# The exact values generated, each chosen inside every published figure's rounding.
CALIBRATION: tuple[Target, ...] = (
    Target("feb2020_felonies", 62_000,
           "felony convictions (sales and cultivation) in the February 2020 motion",
           "62,000 felony convictions", ("feb2020", "facts-03")),
    Target("feb2020_misdemeanors", 3_700,
           "misdemeanor possession convictions from the ten city-prosecutor cities in the "
           "February 2020 motion",
           "another 4,000 (one report: 3,700)", ("feb2020", "facts-06")),
    Target("feb2020_people", 53_000, "distinct people in the February 2020 motion",
           "about 53,000 people", ("feb2020", "facts-07")),
    Target("feb2020_share_latino", 0.45, "share of February 2020 people who are Latino",
           "about 45%", ("feb2020", "facts-08")),
    Target("feb2020_share_black", 0.32, "share of February 2020 people who are Black",
           "32%", ("feb2020", "facts-09")),
    Target("feb2020_share_white", 0.20, "share of February 2020 people who are White",
           "20%", ("feb2020", "facts-10")),
    Target("feb2020_share_other_unknown", 0.03,
           "share of February 2020 people of other or unknown race/ethnicity",
           "3% other or unknown", ("facts-11",)),
    Target("feb2020_first_year", 1961, "year of the oldest felony conviction dismissed in 2020",
           "date back to 1961", ("feb2020", "facts-04")),
    Target("sep2021_felonies", 20_000,
           "felony possession or cultivation convictions in the September 2021 motion",
           "approximately 20,000", ("upi", "leafnation")),
    Target("sep2021_misdemeanors", 37_900,
           "misdemeanor convictions filed where the District Attorney prosecutes "
           "misdemeanors, September 2021 motion",
           "no source prints it", ("upi", "entrepreneur"),
           derived="the rest of 'nearly 58,000' once 'approximately 20,000' felonies are "
           "set aside"),
)


def target(name: str) -> float:
    """The calibrated value of a published figure, by name."""
    for t in CALIBRATION:
        if t.name == name:
            return t.value
    raise KeyError(name)


def assumed(default, meaning: str, why: str):
    """A dataclass field for a parameter no source publishes: its value, what it sets
    and why that value (read back by the assumptions tables)."""
    return field(default=default, metadata={"meaning": meaning, "why": why})


@dataclass(frozen=True)
class Assumptions:
    """Parameters no source publishes. Change one by passing a new value to
    :func:`analysis.synth.generate`; reports print the values in force."""

    year_profile: tuple[tuple[int, float], ...] = assumed(
        ((1961, 0.3), (1968, 1.0), (1974, 1.6), (1980, 1.2), (1990, 1.0), (2000, 1.1),
         (2008, 1.0), (2011, 0.6), (2016, 0.3)),
        "relative number of convictions by year (linear between the anchor years)",
        "no year profile is published; the shape follows the rise of drug enforcement "
        "from the late 1960s and the fall after small-amount possession became an "
        "infraction in 2011")
    feb2020_misdemeanor_first_year: int = assumed(
        1976, "earliest misdemeanor conviction in the February 2020 motion",
        "records of minor possession before the 1976 reform are rarely kept")
    sep2021_first_year: int = assumed(
        1985, "first year of conviction the county's searchable court records cover; the "
        "September 2021 motion reaches back to it, and no earlier conviction is in court "
        "records", "reporting says the 2021 cases reach back more than three decades "
        "(before 1991); court files older than the case-management system are assumed "
        "unsearchable")
    feb2020_felony_sections: tuple[tuple[str, float], ...] = assumed(
        (("11358", 0.20), ("11359", 0.50), ("11360", 0.30)),
        "mix of code sections among the 2020 felonies",
        "reported only as sales and cultivation")
    sep2021_felony_sections: tuple[tuple[str, float], ...] = assumed(
        (("11357", 0.55), ("11358", 0.45)),
        "mix of code sections among the 2021 felonies",
        "reported only as possession or cultivation")
    sep2021_misdemeanor_sections: tuple[tuple[str, float], ...] = assumed(
        (("11357", 0.90), ("11360", 0.10)),
        "mix of code sections among the 2021 misdemeanors",
        "reported only as possession and use")
    other_unknown_split: tuple[tuple[str, float], ...] = assumed(
        (("Asian/Pacific Islander", 0.55), ("Other", 0.25), ("Unknown", 0.20)),
        "how the 3% 'other or unknown' of 2020 divides",
        "only the combined share is published")
    sep2021_race_shares: tuple[tuple[str, float], ...] = assumed(
        (("Latino", 0.45), ("Black", 0.32), ("White", 0.20),
         ("Asian/Pacific Islander", 0.0165), ("Other", 0.0075), ("Unknown", 0.006)),
        "race/ethnicity of people in the 2021 motion",
        "no breakdown was published for 2021; the 2020 mix is carried over")
    sep2021_convictions_per_person: float = assumed(
        65_700 / 53_000, "convictions per person in the 2021 motion",
        "not published for 2021; the 2020 ratio is carried over")
    sep2021_people_also_in_feb2020: float = assumed(
        0.10, "share of 2021 people who also had a conviction dismissed in 2020",
        "not published; a person can hold convictions found by both lists")
    repeat_weight_shape: float = assumed(
        0.5, "gamma shape of how extra convictions spread over people (smaller = more "
        "concentrated)", "not published; a few people hold many convictions")
    same_case_share: float = assumed(
        0.15, "share of a person's further convictions that are another count of the "
        "same case", "not published")
    jurisdiction_weighting: str = assumed(
        "population", "how cases spread over the 89 jurisdictions",
        "no city breakdown is published; shares follow 2020 population")
    court_capture_by_decade: tuple[tuple[int, float], ...] = assumed(
        ((1980, 0.60), (1990, 0.75), (2000, 0.85), (2010, 0.90)),
        "chance that a conviction on the 2020 (DOJ) list is also in county court records, "
        "by decade of conviction, from the first searchable year on (none before it)",
        "older court records are less often digitised; no figure is published")
    doj_capture_of_sep2021: float = assumed(
        0.0, "chance that a 2021 conviction is also in state DOJ records",
        "the 2021 motion exists because the DOJ list missed these cases")
    same_conviction_in_both_batches: int = assumed(
        0, "convictions listed in both motions",
        "none is expected; real lists should be checked for it")

    def as_rows(self) -> list[dict]:
        rows = []
        for f in fields(self):
            rows.append({"name": f.name, "value": _show(getattr(self, f.name)),
                         "kind": "assumed", "meaning": f.metadata["meaning"],
                         "source": f.metadata["why"]})
        return rows


DEFAULT = Assumptions()


def _show(value) -> str:
    if isinstance(value, tuple):
        return ", ".join(f"{a}: {b:g}" if isinstance(b, float) else f"{a}: {b}"
                         for a, b in value)
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def assumptions_table(assumptions: Assumptions = DEFAULT) -> pl.DataFrame:
    """Published calibration targets and assumed parameters, one row each.

    For a published figure, ``value`` is the exact number the generator produces, chosen
    inside the figure's rounding; ``source`` gives the figure as printed.
    """
    published = [{"name": t.name, "value": _show(float(t.value)) if t.value < 1 else
                  f"{int(t.value):,}" if t.value > 3000 else str(int(t.value)),
                  "kind": "derived from published" if t.derived else "published",
                  "meaning": t.meaning,
                  "source": (f"{t.derived} ({t.source})" if t.derived else
                             f"{t.published_as} ({t.source})")} for t in CALIBRATION]
    return pl.DataFrame(published + assumptions.as_rows(),
                        schema={"name": pl.String, "value": pl.String, "kind": pl.String,
                                "meaning": pl.String, "source": pl.String})


def __dir__() -> list[str]:
    return sorted(__all__)
