"""What the site finds, in plain sentences: the answers the index and the reconciliation
page open with, and the groups of claims the reconciliation page judges one card each.

Every sentence here is built from the ledger of published claims and the checks between
them (:mod:`analysis.claimchecks`), never from the case data: the figures quoted are the
sources' own, so a sentence reads the same on the synthetic default and on a real list,
and no count of people passes through it. Each :class:`Finding` names the page and
section that holds its evidence.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass

from . import claimchecks as cc
from . import claims as cl
from . import words
from .citations import cite, outlet
from .claims import Claim
from .reconcile import Reconciliation

__all__ = ["GROUPS", "Finding", "Group", "anchor", "card", "group_checks",
           "page_findings", "site_findings", "verdict_words"]

RECONCILIATION = "reconciliation"  # the page that holds the evidence
# Section headings of the reconciliation page that findings link to (the site tests
# check that every link lands on a heading of the rendered page).
TOTALS = "The verdict on the totals"
CARDS = "Each group of claims"
UNFOUND = "still-unidentified"  # the capture-recapture page


@dataclass(frozen=True)
class Finding:
    """One answer: a sentence, what it rests on, and where its evidence is."""

    text: str
    basis: str
    page: str
    section: str = ""

    @property
    def href(self) -> str:
        return f"{self.page}.html" + (f"#{anchor(self.section)}" if self.section else "")


@dataclass(frozen=True)
class Group:
    """Claims about one subject, judged together on one card."""

    key: str
    title: str
    measures: tuple[str, ...]
    would_change: str


# In order: a check belongs to the first group that holds one of its claims' measures.
GROUPS: tuple[Group, ...] = (
    Group("combined", "The combined total of the two motions", ("convictions_both",),
          "The sum holds only if no conviction is on both lists and if every source's "
          "\u201ccases\u201d are convictions; the cross-batch check and the two readings "
          "of \u201ccases\u201d on this page test both."),
    Group("statewide", "Statewide figures and the 2023 state report",
          ("eligible_statewide", "eligible_people_statewide", "cleared_statewide_2023",
           "outstanding_statewide_2023", "cleared_la_2023", "outstanding_la_2023",
           "ineligible_2020", "sf_convictions", "sf_oldest_year",
           "clear_my_record_convictions"),
          "The 2018 estimate was made before the records were reviewed and the 2023 counts "
          "after; a revised estimate, or counts over the same records, would settle "
          "whether they disagree."),
    Group("people", "People and race",
          ("people_2020", "people_2021", "people_no_felony_2020", "people_no_record_2020",
           "people_harmed_la", "share_latino_2020", "share_black_2020", "share_white_2020",
           "share_other_2020"),
          "Only the February 2020 motion's people and their race were published; a count "
          "of the September 2021 motion's people would add to what is known, not change "
          "these verdicts."),
    Group("sep2021", "The September 2021 motion",
          ("convictions_2021", "felonies_2021", "span_years_2021"),
          "A correction by the outlet whose figure stands apart, or a source printing a "
          "different count of the same convictions, would change the verdict."),
    Group("feb2020", "The February 2020 motion",
          ("convictions_2020", "felonies_2020", "misdemeanors_2020",
           "oldest_felony_year_2020"),
          "A precise count of either part (felonies or misdemeanors) would settle whether "
          "the motion held just under or exactly its round total."),
    Group("cities", "Who prosecutes which misdemeanors",
          ("city_prosecutor_cities", "da_misdemeanor_cities"),
          "A different count of the county's cities, or of those with their own "
          "prosecutor, would change it."),
)


def anchor(heading: str) -> str:
    """The id the page renderer gives a heading (its words joined by hyphens)."""
    return "-".join(heading.split())


def group_checks(result: Reconciliation) -> dict[str, list[cc.Check]]:
    """Each group's checks, in the order of :data:`GROUPS`."""
    measure = {c.id: c.measure for c in result.claims}
    out: dict[str, list[cc.Check]] = {g.key: [] for g in GROUPS}
    for check in result.checks:
        held = {measure[i] for i in check.claims if i in measure}
        key = next((g.key for g in GROUPS if held & set(g.measures)), None)
        if key is not None:
            out[key].append(check)
    return out


def _worst(checks: list[cc.Check]) -> str:
    return max((c.status for c in checks), key=cc.SEVERITY.__getitem__,
               default=cc.NOT_CHECKABLE)


def _quoted(claim: Claim) -> str:
    return f"\u201c{claim.label}\u201d"


def _said(claim: Claim) -> str:
    """The figure and what it counts: "about 58,000 convictions in the September 2021
    motion"."""
    return f"{claim.label} {words.MEASURES.get(claim.measure, claim.unit)}"


def _odd_ones(result: Reconciliation, checks: list[cc.Check]) -> list[str]:
    """One plain phrase per figure (or sum of figures) that fits no other."""
    by_id = cl.by_id(result.claims)
    specs = cc.SPEC_BY_ID
    phrases: dict[tuple[str, ...], str] = {}
    for check in checks:
        if check.status != cc.INCONSISTENT:
            continue
        if check.suspects:
            odd = by_id[check.suspects[0]]
            own = check.kind == "headline vs body"
            rest = [by_id[i] for i in check.claims if i not in check.suspects
                    and by_id[i].face is not None]
            typical = _modal(rest)
            ratio = (odd.face / typical.face
                     if typical is not None and odd.face and typical.face else None)
            than = (f", {_share_words(ratio)} the {typical.label} "
                    f"{'its own article prints' if own else 'the other sources print'}"
                    if ratio is not None else "")
            phrases.setdefault(tuple(sorted(check.suspects)),
                               f"{outlet(odd.source, odd.id)}'s {odd.position} says "
                               f"{_quoted(odd)}{than}")
        elif check.id in specs:
            spec = specs[check.id]
            lhs = [by_id[i] for i in spec.lhs]
            rhs = [by_id[i] for i in spec.rhs]
            total = sum(c.face or 0 for c in lhs)
            cited = "; ".join(dict.fromkeys(outlet(c.source, c.id) for c in lhs + rhs))
            phrase = (f"{' and '.join(_said(c) for c in lhs)} make {cc.fmt(total)}, which "
                      f"{' + '.join(_said(c) for c in rhs)} does not admit ({cited})")
            phrases.setdefault(tuple(sorted(spec.lhs + spec.rhs)), phrase)
    return list(phrases.values())


def _modal(claims: list[Claim]) -> Claim | None:
    """The most printed figure among ``claims`` (the first printed, on a tie)."""
    if not claims:
        return None
    counts = collections.Counter(c.face for c in claims)
    best = max(counts.values())
    return next(c for c in claims if counts[c.face] == best)


def _share_words(ratio: float) -> str:
    for target, said in ((0.5, "half"), (1 / 3, "a third of"), (0.25, "a quarter of")):
        if abs(ratio - target) < 0.03:
            return said
    return f"{ratio:.0%} of"


def verdict_words(result: Reconciliation, checks: list[cc.Check]) -> str:
    """A group's verdict in words, from the worst status of its checks."""
    status = _worst(checks)
    if status == cc.CONSISTENT:
        return "**Consistent.** Every figure agrees with the others at face value."
    if status == cc.ROUNDING:
        return ("**Consistent within rounding.** Some printed figures differ, but one value "
                "fits every one of them once each is read as its qualifier allows.")
    if status == cc.NOT_CHECKABLE:
        return ("**Not checkable.** The figures measure different things, or a needed "
                "figure was never published.")
    odd = _odd_ones(result, checks)
    others = [c.others for c in checks if c.status == cc.INCONSISTENT and c.others]
    rest = (" The other figures agree with each other." if others and
            all(o in (cc.CONSISTENT, cc.ROUNDING) for o in others) else "")
    return (f"**Inconsistent.** The figures disagree in {_count_words(len(odd))}: "
            + "; ".join(odd) + "." + rest)


def _count_words(n: int) -> str:
    return {1: "one place", 2: "two places", 3: "three places"}.get(n, f"{n} places")


def card(result: Reconciliation, group: Group, checks: list[cc.Check]) -> str:
    """One group's card as Markdown: the verdict, what was claimed by whom, the checks
    that are not plainly consistent, and what would change the verdict."""
    by_source: dict[tuple[str, str], list[Claim]] = {}
    for c in result.claims:
        if c.measure in group.measures:
            key = (c.source, c.id if c.source == "facts" else "")
            by_source.setdefault((c.source, cite(*key)), []).append(c)
    figures = sum(len(v) for v in by_source.values())
    lines = [f"### {group.title}", "", verdict_words(result, checks), "",
             f"<details><summary><strong>What was claimed</strong>: {figures} "
             f"figure{'s' if figures != 1 else ''} from {len(by_source)} "
             f"source{'s' if len(by_source) != 1 else ''}</summary>", ""]
    for (_, citation), said in by_source.items():
        lines.append(f"- {citation}: " + "; ".join(
            f"{_said(c)} ({c.position})" for c in said))
    lines += ["", "</details>"]
    notable = [c for c in checks if c.status != cc.CONSISTENT]
    if notable:
        lines += ["", "**Why:**", ""]
        lines += [f"- {c.status.capitalize()}: {c.explanation}." for c in notable]
    lines += ["", f"**What would change it:** {group.would_change}"]
    return "\n".join(lines)


def _figure(result: Reconciliation, measure: str) -> Claim | None:
    """The figure most sources print for ``measure``, leaving out disputed ones."""
    disputed = cc.disputed(result.checks)
    return _modal([c for c in result.claims if c.measure == measure
                   and c.id not in disputed and c.face is not None])


def site_findings(result: Reconciliation) -> list[Finding]:
    """The site's answers, in the order a reader asks: do the totals reconcile, which
    figures are wrong, what is known of people and race, what is not known."""
    published = "published: the news reports and gathered facts, checked against each other"
    out: list[Finding] = []
    by_id = cl.by_id(result.claims)
    specs = cc.SPEC_BY_ID
    totals = [c for c in result.checks if c.id in ("pw-both-125k", "pw-both-123k")]
    if totals:
        parts = [by_id[i] for i in specs[totals[0].id].lhs]
        wholes = [by_id[i] for c in totals for i in specs[c.id].rhs]
        fits = all(c.status in (cc.CONSISTENT, cc.ROUNDING) for c in totals)
        out.append(Finding(
            f"The totals {'reconcile' if fits else 'do not reconcile'}: "
            + " and ".join(_said(c) for c in parts)
            + f" make {cc.fmt(sum(c.face or 0 for c in parts))}, which "
            f"{'fits' if fits else 'does not fit'} the published totals "
            f"{' and '.join(_quoted(w) for w in wholes)}, provided no conviction is on "
            "both lists and every source's \u201ccases\u201d are convictions.",
            published, RECONCILIATION, TOTALS))
    odd = _odd_ones(result, result.checks)
    if odd:
        out.append(Finding(
            f"The published figures disagree in {_count_words(len(odd))}: "
            + "; ".join(odd) + ".", published, RECONCILIATION, CARDS))
    else:
        out.append(Finding("Every published figure fits the others, at face value or "
                           "within rounding.", published, RECONCILIATION, CARDS))
    people = _figure(result, "people_2020")
    shares = [(w, _figure(result, f"share_{k}_2020")) for k, w in
              (("latino", "Latino"), ("black", "Black"), ("white", "White"))]
    later = cc.printed_forms([c for c in result.claims if c.measure == "people_2021"])
    widest = max(later, key=lambda t: t.interval.lo, default=None)
    if people:
        mix = ", ".join(f"{s.label} {w}" for w, s in shares if s is not None)
        out.append(Finding(
            f"The February 2020 convictions belonged to {people.label} people"
            + (f" ({mix})" if mix else "") + "; for the September 2021 motion the sources "
            + (f"say only \u201c{widest.label}\u201d of people" if widest else
               "give no number of people") + " and nothing of their race.",
            published, RECONCILIATION, next(g.title for g in GROUPS if g.key == "people")))
    out.append(Finding(
        "Not known from any published figure: how many people are on both lists, and how "
        "many eligible convictions neither list has found; the capture-recapture page "
        "gives a range under stated assumptions.", "what the sources leave out",
        UNFOUND))
    return out


def page_findings(result: Reconciliation) -> list[Finding]:
    """The reconciliation page's opening: the site's answers less the pointer to the
    capture page, which the page itself does not hold."""
    return [f for f in site_findings(result) if f.page == RECONCILIATION]


def __dir__() -> list[str]:
    return sorted(__all__)
