"""Where every figure a reader sees comes from: published, real data, synthetic, assumed.

Each table, chart and sentence of a page carries one :class:`Basis`:

* ``published``: printed by a cited source (the news reports, the Census), named;
* ``real data``: counted from a real file (a user's case list, the LAPD arrests), named;
* ``synthetic``: counted from the project's generated default data;
* ``assumed``: on the synthetic default, a figure only an assumption of the generator
  sets (the year profile, the 2021 race mix, people in both motions ...). Such a figure
  is *illustrative*: pages set it apart and never caption it as a finding.

The data a page counts from is the one its data card shows (:func:`use`, called by
``reader.data_card``), so a table or chart of counts is labelled without the notebook
repeating it; on a real list the same table reads ``real data: FILE`` and no synthetic
wording appears.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

__all__ = ["ASSUMED_BY", "KINDS", "Basis", "assumed", "assumptions_of", "current", "data",
           "illustrative", "published", "real", "simulated", "use"]

KINDS = ("published", "real data", "synthetic", "assumed")


@dataclass(frozen=True)
class Basis:
    """What a figure rests on, and which source, file or assumption."""

    kind: str
    what: str = ""
    sentence: str = ""  # what an illustrative figure's box says, when not the default

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"basis {self.kind!r} is not one of {', '.join(KINDS)}")

    @property
    def illustrative(self) -> bool:
        return self.kind == "assumed"

    def tag(self) -> str:
        """The short label a caption or a CSV column carries."""
        if self.kind == "synthetic":
            return "synthetic"
        return f"{self.kind}: {self.what}" if self.what else self.kind

    def note(self) -> str:
        """One sentence for a reader, said where an illustrative figure is set apart."""
        if self.illustrative and self.sentence:
            return self.sentence
        if self.illustrative:
            return (f"Not a finding: on the synthetic data an assumption sets these figures "
                    f"({self.what}); a real list would measure them.")
        return f"Figures: {self.tag()}."


def simulated(what: str) -> Basis:
    """Figures of simulated data drawn under chosen scenarios (never about real people)."""
    return Basis("assumed", what, f"Not a finding about Los Angeles: {what}.")


def published(source: str) -> Basis:
    return Basis("published", source)


def real(file: str) -> Basis:
    return Basis("real data", file)


def data(source) -> Basis:
    """What counts of ``source`` (an :class:`analysis.data.Source`) are."""
    return Basis("synthetic") if source.synthetic else real(source.path.name)


# Short names of the generator's assumptions, as captions cite them.
_SHORT = {
    "year_profile": "the year profile",
    "jurisdiction_weighting": "the spread of cases over cities",
    "sep2021_race_shares": "the 2021 race mix",
    "other_unknown_split": "the split of 'other or unknown'",
    "feb2020_felony_sections": "the 2020 felony code sections",
    "sep2021_felony_sections": "the 2021 felony code sections",
    "sep2021_misdemeanor_sections": "the 2021 misdemeanor code sections",
    "court_capture_by_decade": "how often court records hold a DOJ-list conviction",
    "doj_capture_of_sep2021": "how often DOJ records hold a 2021 conviction",
    "sep2021_convictions_per_person": "convictions per person in 2021",
    "sep2021_first_year": "the first year court records cover",
    "repeat_weight_shape": "how extra convictions spread over people",
    "sep2021_people_also_in_feb2020": "people in both motions",
    "same_conviction_in_both_batches": "convictions in both motions",
    "same_case_share": "convictions per court case",
    "feb2020_misdemeanor_first_year": "the first year of the 2020 misdemeanors",
}


def _meaning(key: str) -> str:
    from .assumptions import Assumptions

    if key not in {f.name for f in fields(Assumptions)}:
        raise KeyError(f"no assumption named {key!r} (see analysis.assumptions.Assumptions)")
    return _SHORT.get(key, key.replace("_", " "))


def assumed(*keys: str) -> Basis:
    """The basis of a figure the named assumptions set, in their plain meaning."""
    if not keys:
        raise ValueError("name the assumption(s) the figure rests on")
    return Basis("assumed", "; ".join(_meaning(k) for k in keys))


# On the synthetic default, the assumptions that set counts split by each dimension (the
# motion and charge-level totals are calibrated to published figures instead).
_SECTIONS = ("feb2020_felony_sections", "sep2021_felony_sections",
             "sep2021_misdemeanor_sections")
ASSUMED_BY: dict[str, tuple[str, ...]] = {
    "conviction_year": ("year_profile",), "conviction_decade": ("year_profile",),
    "jurisdiction": ("jurisdiction_weighting",), "court_location": ("jurisdiction_weighting",),
    "prosecuting_agency": ("jurisdiction_weighting",),
    "race_ethnicity": ("sep2021_race_shares", "other_unknown_split"),
    "offense_type": _SECTIONS, "hs_section": _SECTIONS,
    "found_in_doj": ("court_capture_by_decade", "doj_capture_of_sep2021"),
    "found_in_court": ("court_capture_by_decade", "doj_capture_of_sep2021"),
}


def assumptions_of(dimensions) -> tuple[str, ...]:
    """The assumptions behind counts split by ``dimensions``, each named once."""
    keys = [k for d in dimensions for k in ASSUMED_BY.get(d, ())]
    return tuple(dict.fromkeys(keys))


_PAGE: list = []  # the source of the data card a page showed last


def use(source) -> None:
    """Make ``source`` the data this kernel's page counts from (its data card's)."""
    _PAGE[:] = [source]


def current() -> Basis | None:
    """The basis of counts on this page, or None before any data card."""
    return data(_PAGE[0]) if _PAGE else None


def illustrative(*keys: str) -> Basis | None:
    """For a figure the named assumptions set on synthetic data: its ``assumed`` basis
    there; on a real list, the list's basis (there it is measured, not assumed)."""
    base = current()
    if base is None or base.kind != "synthetic":
        return base
    return assumed(*keys)


def __dir__() -> list[str]:
    return sorted(__all__)
