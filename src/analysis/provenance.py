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

Two generators make synthetic lists (``Source.generator``): the case-list generator
(:data:`CASE_LIST`, ``analysis synth``: the default list, parameters in
:class:`analysis.assumptions.Assumptions`) and the DOJ generator (:data:`DOJ`, ``analysis
synth --format doj`` then ``analysis doj``: parameters in
:class:`analysis.synth_doj.DojAssumptions`). Pages and reader code name assumptions in
the case-list generator's words (``rests_on=["year_profile"]``, :data:`ASSUMED_BY`);
:func:`illustrative` reads them for the generator of the page's data: on a DOJ-derived
list through :data:`FROM_CASE_LIST` (the DOJ assumptions that set the same figures),
and a figure no DOJ assumption sets is plainly ``synthetic`` there.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

__all__ = ["ASSUMED_BY", "CASE_LIST", "DOJ", "FROM_CASE_LIST", "GENERATORS", "KINDS", "Basis",
           "assumed", "assumptions_of", "current", "data", "for_generator", "generator",
           "illustrative", "published", "real", "simulated", "use"]

KINDS = ("published", "real data", "synthetic", "assumed")
CASE_LIST = "case list"  # analysis synth: the default list (and other lists it writes)
DOJ = "DOJ file"  # analysis synth --format doj, made a case list by analysis doj
GENERATORS = (CASE_LIST, DOJ)


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


# Short names of each generator's assumptions, as captions cite them.
_CASE_LIST_SHORT = {
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


_DOJ_SHORT = {
    "year_profile": "the DOJ file's year profile",
    "felony_sections": "the DOJ file's felony code sections",
    "felony_11357_share": "the share of DOJ-file felonies under HS 11357(a)",
    "race_shares": "the split of the 3% not Latino, Black or White",
    "court_spread": "how the DOJ file spreads convictions over courthouses",
    "extra_felony_cap": "the most extra felonies one person holds",
}

# On a DOJ-derived list, the DOJ generator's assumptions that set what each case-list
# assumption sets on the case-list generator's lists; () where none does. The list holds
# the February 2020 motion only, so the 2021 assumptions have nothing to set there; the
# 45/32/20 race shares are published and dealt exactly, only the rest is assumed; every
# row is the DOJ's, found in no court list, by construction.
_DOJ_SECTIONS = ("felony_sections", "felony_11357_share")
FROM_CASE_LIST: dict[str, tuple[str, ...]] = {
    "year_profile": ("year_profile",),
    "feb2020_misdemeanor_first_year": ("year_profile",),
    "sep2021_first_year": (),
    "feb2020_felony_sections": _DOJ_SECTIONS,
    "sep2021_felony_sections": (),
    "sep2021_misdemeanor_sections": (),
    "other_unknown_split": ("race_shares",),
    "sep2021_race_shares": (),
    "sep2021_convictions_per_person": (),
    "sep2021_people_also_in_feb2020": (),
    "repeat_weight_shape": ("extra_felony_cap",),
    "same_case_share": (),
    "jurisdiction_weighting": ("court_spread",),
    "court_capture_by_decade": (),
    "doj_capture_of_sep2021": (),
    "same_conviction_in_both_batches": (),
}


def _parameters(generator: str) -> tuple[type, dict[str, str]]:
    """The assumptions class of ``generator`` and the short names captions cite."""
    if generator == CASE_LIST:
        from .assumptions import Assumptions

        return Assumptions, _CASE_LIST_SHORT
    if generator == DOJ:
        from .synth_doj.params import DojAssumptions

        return DojAssumptions, _DOJ_SHORT
    raise ValueError(f"no generator {generator!r}: one of {', '.join(GENERATORS)}")


def _meaning(key: str, generator: str = CASE_LIST) -> str:
    kind, short = _parameters(generator)
    if key not in {f.name for f in fields(kind)}:
        raise KeyError(f"no assumption named {key!r} (see {kind.__module__}.{kind.__name__})")
    return short.get(key, key.replace("_", " "))


def assumed(*keys: str, generator: str = CASE_LIST) -> Basis:
    """The basis of a figure the named assumptions of ``generator`` set, in their plain
    meaning."""
    if not keys:
        raise ValueError("name the assumption(s) the figure rests on")
    return Basis("assumed", "; ".join(_meaning(k, generator) for k in keys))


def for_generator(keys, generator: str = CASE_LIST) -> tuple[str, ...]:
    """Case-list assumption names as ``generator``'s assumptions setting the same figures,
    each named once (unchanged for the case-list generator; maybe none for the DOJ's)."""
    for key in keys:
        _meaning(key)  # a case-list name, or KeyError
    if generator == CASE_LIST:
        return tuple(dict.fromkeys(keys))
    _parameters(generator)
    return tuple(dict.fromkeys(k for key in keys for k in FROM_CASE_LIST[key]))


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


def generator() -> str | None:
    """The generator of this page's synthetic data; None on a real list or before any
    data card."""
    if not _PAGE or not _PAGE[0].synthetic:
        return None
    return _PAGE[0].generator


def illustrative(*keys: str) -> Basis | None:
    """For a figure the named assumptions (the case-list generator's names) set on
    synthetic data: its ``assumed`` basis there, naming the assumptions of the generator
    that made the page's data (:func:`for_generator`); plain ``synthetic`` when none of
    them sets it; on a real list, the list's basis (there it is measured, not assumed)."""
    base = current()
    if base is None or base.kind != "synthetic":
        return base
    made_by = generator() or CASE_LIST
    named = for_generator(keys, made_by)
    return assumed(*named, generator=made_by) if named else base


def __dir__() -> list[str]:
    return sorted(__all__)
