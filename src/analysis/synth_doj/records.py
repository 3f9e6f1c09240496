"""Each person's convictions and events, built so the rules' outcome is known.

A chunk's people (:func:`analysis.synth_doj.people.people`) become a table of
convictions, one row each: who, what kind (``p64`` for HS 11357-11360, ``other``,
``strike`` for a superstrike, ``sex`` for a PC 290 registrable offence), level, county,
code key and date (virtual days), plus registrations and deaths. Every group adds what
its construction needs (see :mod:`analysis.synth_doj.people`), and marks the Los
Angeles Prop 64 felonies it means to be ruled out or sent to hand review (``kept``);
every other one is dismissed for certain. The extra Prop 64 convictions that bring the
chunk to its totals (felonies dismissed, misdemeanors) go to people all of whose
felonies are dismissed and whose outcome they cannot change. Code sections of Prop 64
felonies come from a shuffled deck of two cards per section, so no person holds three
of one section unless their group says so (rule 6).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from . import codes
from .params import DojAssumptions
from .people import LAST, POST_START, PRE_END, RECENT_START, to_virtual

__all__ = ["EXTRA_FELONY_GROUPS", "NO_11357", "Slots", "build"]

# Groups whose every Los Angeles Prop 64 felony before the cut-off is dismissed, and
# stays dismissed with an extra (pre-2016, completed) one.
EXTRA_FELONY_GROUPS = ("clean", "misd_other", "misd_p64", "misd_p64_elsewhere",
                       "after_2016", "p64_elsewhere", "other_felony", "other_felony_misd")
NO_11357 = 2  # a deck slot that must not be HS 11357 (rules 4-5 must be reached)
_ELSEWHERE = np.array([c for c in codes.COUNTIES if c != codes.LA])


class Slots:
    """A growing table of convictions (numpy columns)."""

    COLUMNS = ("person", "kind", "level", "county", "key", "date", "may_run", "force_run",
               "deck", "kept")

    def __init__(self) -> None:
        self.parts: list[dict[str, np.ndarray]] = []

    def add(self, person, kind, level, key, date, *, county=codes.LA, may_run=False,
            force_run=False, deck=False, kept=False) -> None:
        n = len(person)
        full = lambda v, dtype=object: np.full(n, v, dtype) if np.ndim(v) == 0 else v  # noqa: E731
        self.parts.append({"person": np.asarray(person, np.int64), "kind": full(kind),
                           "level": full(level), "county": full(county), "key": full(key),
                           "date": np.asarray(date, np.int64),
                           "may_run": full(may_run, bool), "force_run": full(force_run, bool),
                           "deck": full(int(deck), np.int8), "kept": full(kept, bool)})

    def table(self) -> dict[str, np.ndarray]:
        return {c: np.concatenate([p[c] for p in self.parts]) for c in self.COLUMNS}


def _between(rng, lo, hi) -> np.ndarray:
    """A uniform day in [lo, hi] (hi clipped up to lo)."""
    lo = np.asarray(lo)
    span = np.maximum(np.asarray(hi) - lo, 0)
    return lo + np.floor(rng.random(len(lo)) * (span + 1)).astype(np.int64)


def _idx(group: np.ndarray, *names: str) -> np.ndarray:
    return np.flatnonzero(np.isin(group, names))


def _rule_groups(rng, s: Slots, folk, events, sections) -> None:
    """Groups whose record rules 4-6 decide, and their mirror images after."""
    group, anchor, last, p64_last = (folk[k] for k in ("group", "anchor", "last", "p64_last"))
    i = _idx(group, "strike_before")
    s.add(i, "strike", "F", rng.choice(codes.SUPERSTRIKES, len(i)), anchor[i], may_run=True)
    s.add(i, "p64", "F", "", _between(rng, anchor[i] + 30, PRE_END), deck=NO_11357, kept=True)
    i = _idx(group, "pc290_before")
    s.add(i, "sex", np.where(rng.random(len(i)) < 0.5, "F", "M"), "", anchor[i])
    reg = anchor[i] + rng.integers(10, 40, len(i))
    events["registration"].append((i, reg))
    s.add(i, "p64", "F", "", _between(rng, reg + 30, PRE_END), deck=NO_11357, kept=True)
    i = _idx(group, "two_priors")
    names, weights = zip(*sections, strict=True)
    key = rng.choice(names, len(i), p=weights)
    room = p64_last[i] - anchor[i] - 60
    g1 = 30 + np.floor(rng.random(len(i)) * room / 2).astype(np.int64)
    g2 = 30 + np.floor(rng.random(len(i)) * room / 2).astype(np.int64)
    for n, date in enumerate((anchor[i], anchor[i] + g1, anchor[i] + g1 + g2)):
        s.add(i, "p64", "F", key, date, kept=n == 2)
    i = _idx(group, "strike_after")
    s.add(i, "p64", "F", "", anchor[i], deck=True)
    s.add(i, "strike", "F", rng.choice(codes.SUPERSTRIKES, len(i)),
          _between(rng, anchor[i] + 60, last[i]), may_run=True)
    i = _idx(group, "pc290_after")
    s.add(i, "p64", "F", "", anchor[i], deck=True)
    sex = _between(rng, anchor[i] + 60, last[i] - 60)
    s.add(i, "sex", "F", "", sex, may_run=True)
    events["registration"].append((i, sex + rng.integers(10, 40, len(i))))


def _kept_groups(rng, s: Slots, folk) -> None:
    """The first felony of the in-motion groups, and the groups whose one judged
    felony is not dismissed: after the cut-off, or hand review by rule 3b, 8 or 10."""
    group, anchor, p64_last = folk["group"], folk["anchor"], folk["p64_last"]
    i = _idx(group, "clean", "young", "misd_other", "misd_p64", "misd_p64_elsewhere",
             "after_2016", "p64_elsewhere", "other_felony", "other_felony_misd")
    s.add(i, "p64", "F", "", anchor[i], deck=True)
    # after the cut-off: a second felony of a person with only Prop 64 convictions
    # (its first is dismissed by rule 7c), or someone's only Los Angeles one
    i = _idx(group, "after_2016")
    s.add(i, "p64", "F", "", _between(rng, np.full(len(i), POST_START), LAST), deck=True,
          kept=True)
    i = _idx(group, "after_2016_only")
    s.add(i, "p64", "F", "", _between(rng, np.full(len(i), POST_START), LAST), deck=True,
          may_run=True, kept=True)
    i = _idx(group, "other_11357")
    s.add(i, "p64", "F", "11357", anchor[i], kept=True)
    i = _idx(group, "running")
    s.add(i, "p64", "F", "", _between(rng, np.maximum(anchor[i], to_virtual(
        dt.date(2015, 9, 1))), PRE_END), deck=NO_11357, force_run=True, kept=True)
    # rule 10: a completed felony and another conviction in the last ten years
    i = _idx(group, "no_criterion")
    s.add(i, "p64", "F", "", _between(rng, anchor[i], PRE_END), deck=NO_11357, kept=True)
    felony = rng.random(len(i)) < 0.4
    s.add(i, "other", np.where(felony, "F", "M"),
          np.where(felony, rng.choice(codes.OTHER_FELONIES, len(i)),
                   rng.choice(codes.OTHER_MISDEMEANORS, len(i))),
          _between(rng, np.maximum(anchor[i], RECENT_START), LAST))
    i = _idx(group, "p64_elsewhere")
    s.add(i, "p64", "F", "", _between(rng, anchor[i], p64_last[i]), deck=True,
          county=rng.choice(_ELSEWHERE, len(i)))


def _misdemeanor_groups(rng, s: Slots, folk) -> None:
    """Misdemeanors that stay on a record: Prop 64 ones (rule 1) and others."""
    group, anchor, p64_last = folk["group"], folk["anchor"], folk["p64_last"]
    i = _idx(group, "misd_other")
    s.add(i, "other", "M", rng.choice(codes.OTHER_MISDEMEANORS, len(i)),
          _between(rng, anchor[i], LAST))
    i = _idx(group, "misd_p64", "misd_only", "other_felony_misd")
    s.add(i, "p64", "M", rng.choice(list(codes.PROP64_MISDEMEANOR), len(i)),
          _between(rng, anchor[i], p64_last[i]))
    i = _idx(group, "misd_p64_elsewhere")
    s.add(i, "p64", "M", "11357(C)", _between(rng, anchor[i], PRE_END),
          county=rng.choice(_ELSEWHERE, len(i)))


def _other_convictions(rng, s: Slots, folk, a: DojAssumptions) -> None:
    """Convictions that are not Prop 64: the felony the other-felony groups keep, and
    further ones (any level, some elsewhere) of people whose outcome they cannot
    change."""
    group, anchor, last = folk["group"], folk["anchor"], folk["last"]
    i = _idx(group, "other_felony", "other_felony_misd")
    s.add(i, "other", "F", rng.choice(codes.OTHER_FELONIES, len(i)),
          _between(rng, anchor[i], last[i]), may_run=True,
          county=np.where(rng.random(len(i)) < a.other_county_share,
                          rng.choice(_ELSEWHERE, len(i)), codes.LA))
    i = _idx(group, "misd_only", "strike_before", "pc290_before", "two_priors",
             "after_2016_only", "other_11357", "running", "strike_after", "pc290_after",
             "p64_elsewhere", "other_felony", "other_felony_misd")
    i = np.repeat(i, rng.poisson(a.other_convictions_mean, len(i)))
    felony = rng.random(len(i)) < 0.4
    key = np.where(felony, rng.choice(codes.OTHER_FELONIES, len(i)),
                   rng.choice(codes.OTHER_MISDEMEANORS, len(i)))
    s.add(i, "other", np.where(felony, "F", "M"), key, _between(rng, anchor[i], last[i]),
          may_run=True, county=np.where(rng.random(len(i)) < a.other_county_share,
                                        rng.choice(_ELSEWHERE, len(i)), codes.LA))


_UNCONVICTED_P64 = (("11359 HS-POSSESS MARIJUANA FOR SALE", "F"),
                    ("11358 HS-CULTIVATE MARIJUANA", "F"),
                    ("11357(C) HS-POSSESS MARIJUANA OVER 28.5 GRAMS", "M"))


def _arrests(rng, group, anchor, a: DojAssumptions, events) -> None:
    """Arrests that led to no conviction (a third for Prop 64 offences): context the
    rules must not count."""
    i = np.repeat(np.arange(len(group)), rng.poisson(a.arrest_only_cycles_mean, len(group)))
    n = len(i)
    kind = rng.random(n)
    p64 = rng.integers(0, len(_UNCONVICTED_P64), n)
    felony = rng.random(n) < 0.4
    offense = np.where(kind < 1 / 3, np.array([o for o, _ in _UNCONVICTED_P64])[p64],
                       np.where(felony, rng.choice(codes.OTHER_FELONIES, n),
                                rng.choice(codes.OTHER_MISDEMEANORS, n)))
    level = np.where(kind < 1 / 3, np.array([lv for _, lv in _UNCONVICTED_P64])[p64],
                     np.where(felony, "F", "M"))
    court = rng.random(n) < a.arrest_only_court_share
    events["arrest"].append((i, _between(rng, anchor[i], LAST), offense, level, court))


def _extras(rng, s: Slots, folk, n: int, groups, level: str, cap: int) -> None:
    """``n`` further pre-2016 Los Angeles Prop 64 convictions over the people of
    ``groups``, at most ``cap`` each."""
    pool = _idx(folk["group"], *groups)
    if n < 0:
        raise ValueError(f"the groups already hold {-n} Prop 64 convictions too many")
    if n == 0 or len(pool) == 0:
        return
    if n > cap * len(pool):
        raise ValueError(f"{n} extra convictions do not fit {len(pool)} people")
    taken = np.zeros(len(pool), np.int64)
    while (left := n - taken.sum()) > 0:
        room = np.flatnonzero(taken < cap)
        taken += np.bincount(rng.choice(room, left), minlength=len(pool))
        taken = np.minimum(taken, cap)
    i = np.repeat(pool, taken)
    key = "" if level == "F" else rng.choice(list(codes.PROP64_MISDEMEANOR), len(i))
    s.add(i, "p64", level, key, _between(rng, folk["anchor"][i], folk["p64_last"][i]),
          deck=level == "F")


def build(rng, folk: dict[str, np.ndarray], dismissed: int, misdemeanors: int,
          a: DojAssumptions) -> tuple[dict[str, np.ndarray], dict[str, list]]:
    """Convictions and events of one chunk, with exactly ``dismissed`` Los Angeles
    Prop 64 felonies the rules dismiss and ``misdemeanors`` misdemeanors."""
    sections = tuple((k, w / sum(w for _, w in a.felony_sections))
                     for k, w in a.felony_sections)
    s, events = Slots(), {"registration": [], "death": [], "arrest": []}
    _rule_groups(rng, s, folk, events, sections)
    _kept_groups(rng, s, folk)
    _misdemeanor_groups(rng, s, folk)
    _other_convictions(rng, s, folk, a)
    t = s.table()
    la = (t["kind"] == "p64") & (t["county"] == codes.LA)
    have_f = int((la & (t["level"] == "F") & ~t["kept"]).sum())
    have_m = int((la & (t["level"] == "M")).sum())
    _extras(rng, s, folk, dismissed - have_f, EXTRA_FELONY_GROUPS, "F", a.extra_felony_cap)
    _extras(rng, s, folk, misdemeanors - have_m, ("misd_only",), "M", 3)
    t = s.table()
    _deal_sections(rng, t, a, sections)
    _arrests(rng, folk["group"], folk["anchor"], a, events)
    return t, events


def _deal_sections(rng, t: dict[str, np.ndarray], a: DojAssumptions, sections) -> None:
    """Code sections of deck slots: HS 11357(a) at its share (not where rules 4-5 must
    be reached), else the person's next card of a weighted shuffle of two per section."""
    deck = t["deck"] > 0
    pick57 = (t["deck"] == 1) & (rng.random(len(deck)) < a.felony_11357_share)
    t["key"] = np.where(pick57, "11357(A)", t["key"])
    cards = deck & ~pick57
    idx = np.flatnonzero(cards)
    person = t["person"][idx]
    order = np.lexsort((idx, person))
    idx, person = idx[order], person[order]
    first = np.r_[True, person[1:] != person[:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(len(idx)), 0))
    rank = np.arange(len(idx)) - start
    if rank.size and rank.max() >= 6:
        raise ValueError("a person holds more than six Prop 64 felonies of the deck")
    names = np.array([k for k, _ in sections] * 2)
    weights = np.array([w for _, w in sections] * 2)
    people, inverse = np.unique(person, return_inverse=True)
    keys = np.log(weights) + rng.gumbel(size=(len(people), 6))
    shuffled = names[np.argsort(-keys, axis=1)]
    t["key"][idx] = shuffled[inverse, rank]


def __dir__() -> list[str]:
    return sorted(__all__)
