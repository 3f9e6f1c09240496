"""The attacker: does anything published pin down a hidden count?

The rule a release must meet, given everything published (shown cells, the hidden
label, zeros of absent rows, every margin and total across pages, the declared
relations):

* no count from 1 to ``THRESHOLD - 1`` is shown;
* a hidden cell that could be such a count (its smallest feasible value is below
  ``THRESHOLD``) admits at least ``MIN_VALUES`` whole values;
* no other hidden cell is determined exactly (it admits two values or more).

One label marks every hidden cell, so a reader cannot tell a small count from a larger
one hidden beside it: what the rule asks of a cell follows from its feasible interval
alone, and the attacker (who sees only the published files) and the protector (who knows
the true counts) judge alike. A hidden cell an attacker can prove is zero tells nothing
about anyone (zeros are shown anyway), so it passes.

:func:`check` judges hidden cells of an :class:`~analysis.disclosure.lp.Attack`;
:func:`attacker` is the same check for the protector, who knows the true counts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .cells import Cell, Relation, Table
from .lp import Attack
from .space import arrests_space, cases_space

__all__ = ["MIN_VALUES", "THRESHOLD", "Attacker", "Violation", "attacker", "build_attacks",
           "check", "spaces"]

MIN_VALUES = 5
# Counts from 1 to THRESHOLD - 1 are small: never shown.
THRESHOLD = 11


@dataclass(frozen=True)
class Violation:
    """A hidden cell an attacker can narrow further than the rule allows."""

    cell: Cell
    low: float
    high: float
    leans_on: tuple[Cell, ...] = field(default=(), compare=False)  # binding shown cells

    def __str__(self) -> str:
        return (f"{self.cell.source} {self.cell.unit} where {self.where}: an attacker can "
                f"narrow it to {self.span} (fewer than {self.need} values)")

    @property
    def where(self) -> str:
        """The cell's predicate as text: ``batch=feb2020, race_ethnicity=Latino``."""
        return ", ".join(f"{d}={'|'.join(v)}" for d, v in self.cell.where) or "all rows"

    @property
    def span(self) -> str:
        """The feasible interval as text: ``exactly 6`` or ``3 to 5``."""
        return f"exactly {self.low:,.0f}" if self.exact else \
            f"{self.low:,.0f} to {self.high:,.0f}"

    @property
    def need(self) -> int:
        return needed(self.low)

    @property
    def exact(self) -> bool:
        return self.low == self.high


def needed(low: float) -> int:
    """How many whole values a hidden cell must admit, given its smallest feasible value:
    ``MIN_VALUES`` when it could be a small count, else 2 (not exactly known)."""
    return MIN_VALUES if low < THRESHOLD else 2


def _judge(attack: Attack, c: Cell, guess: float | None) -> Violation | None:
    """The violation of one hidden cell, or None. ``guess`` (the true value, when known)
    is one feasible value; so is the cell's value in every solution the attacker's
    programs found so far, and a cell already seen over ``MIN_VALUES`` whole values
    needs no program of its own."""
    def wide() -> bool:
        seen = attack.seen(c)
        if seen is None:
            return False
        low = seen[0] if guess is None else min(seen[0], guess)
        high = seen[1] if guess is None else max(seen[1], guess)
        return math.floor(high + 1e-6) - math.ceil(low - 1e-6) >= MIN_VALUES - 1

    if wide():
        return None
    leans: list[Cell] = []  # the shown cells the optima lean on (non-zero duals)
    high = attack.maximum(c, leans)
    if math.isinf(high) or high < 0.5 or wide():
        return None  # unbounded, known to count nobody, or wide enough for any rule
    low = attack.minimum(c, leans)
    if high - low >= needed(low) - 1:
        return None
    return Violation(c, low, high, tuple(dict.fromkeys(leans)))


def check(attack: Attack, cells: Iterable[Cell] | None = None,
          truth: Mapping[Cell, float] | None = None) -> list[Violation]:
    """Every hidden cell (or those of ``cells``) that breaks the rule."""
    targets = attack.hidden if cells is None else [c for c in cells if c in set(attack.hidden)]
    found = []
    for c in targets:
        v = _judge(attack, c, None if truth is None else truth.get(c))
        if v is not None:
            found.append(v)
    return found


def spaces(cells: Iterable[Cell], arrest_years: Iterable[int] = ()) -> dict[str, object]:
    """The space of each source the cells count."""
    cells = list(cells)
    out = {}
    if any(c.source == "cases" for c in cells):
        out["cases"] = cases_space(c for c in cells if c.source == "cases")
    if any(c.source == "arrests" for c in cells):
        years = sorted(set(arrest_years) | {int(y) for c in cells if c.source == "arrests"
                                             for y in c.predicate.get("year", ())})
        out["arrests"] = arrests_space(years)
    return out


def build_attacks(shown: Mapping[Cell, float], hidden: Iterable[Cell],
                  tables: Iterable[Table], relations: Iterable[Relation],
                  arrest_years: Iterable[int] = (), known: Mapping | None = None
                  ) -> list[Attack]:
    """One attacker's system per source the release publishes (over the spaces of
    ``known``, when given: they depend only on which cells are published)."""
    tables, relations, hidden = list(tables), list(relations), list(hidden)
    if known is None:
        known = spaces([*shown, *hidden], arrest_years)
    return [Attack(space, shown, hidden, tables, relations) for space in known.values()]


class Attacker:
    """The protector's audit over the true values: ``attacker(hidden, focus)`` lists
    the violations; :meth:`failing` tries hiding more on the systems it last built."""

    def __init__(self, tables: list[Table], values: Mapping[Cell, float],
                 relations: Iterable[Relation] = (), arrest_years: Iterable[int] = ()):
        self.tables, self.values = tables, values
        self.relations, self.arrest_years = list(relations), list(arrest_years)
        self.attacks: list[Attack] = []
        self.spaces = spaces(values, self.arrest_years)

    def __call__(self, hidden: Mapping[Cell, str], focus: set[Cell] | None
                 ) -> list[Violation]:
        shown = {c: v for c, v in self.values.items() if c not in hidden}
        self.attacks = build_attacks(shown, hidden, self.tables, self.relations,
                                     known=self.spaces)
        found = []
        for attack in self.attacks:
            targets = attack.hidden if focus is None else [c for c in attack.hidden
                                                          if c in focus]
            found += check(attack, targets, self.values)
        return found

    def aliases(self) -> dict[Cell, tuple[Cell, ...]]:
        """Cells that count the same rows as other cells, given everything published
        (a claim's "felonies of these offenses" may be all felonies): hiding one of
        them means hiding them all."""
        groups: dict[tuple, list[Cell]] = {}
        for attack in build_attacks(self.values, [], self.tables, self.relations,
                                    known=self.spaces):
            for c in attack.shown:
                sig = attack.signature(c)
                if sig:
                    groups.setdefault((attack.space.source, c.unit, sig), []).append(c)
        return {c: tuple(group) for group in groups.values() if len(group) > 1
                for c in group}

    def failing(self, also: Iterable[Cell], targets: Iterable[Cell]) -> set[Cell]:
        """Of ``targets``, those that would still break the rule with ``also`` hidden
        too, judged on the last systems without rebuilding them (hiding more only
        widens bounds, so no other cell needs a new look)."""
        also, targets = list(also), list(targets)
        out: set[Cell] = set()
        for attack in self.attacks:
            mine = [c for c in targets if c.source == attack.space.source]
            if mine:
                trial = attack.relaxed(c for c in also if c.source == attack.space.source)
                out |= {v.cell for v in check(trial, mine, self.values)}
        return out


def attacker(tables: list[Table], values: Mapping[Cell, float],
             relations: Iterable[Relation] = (), arrest_years: Iterable[int] = ()
             ) -> Attacker:
    """The protector's audit: ``(hidden, focus) -> violations`` over the true values."""
    return Attacker(tables, values, relations, arrest_years)


def __dir__() -> list[str]:
    return sorted(__all__)
