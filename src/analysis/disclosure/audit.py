"""The attacker: does anything published pin down a hidden count?

The rule a release must meet: **every hidden cell admits at least** ``MIN_VALUES``
**whole values** given everything published (shown cells, the hidden label, zeros of
absent rows, every margin and total across pages, the declared relations). One label
marks every hidden cell, so a reader cannot tell a small count from a larger one hidden
beside it; the rule applies to both alike, and so also means that no hidden cell can be
determined exactly.

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

__all__ = ["MIN_VALUES", "Violation", "attacker", "build_attacks", "check"]

MIN_VALUES = 5


@dataclass(frozen=True)
class Violation:
    """A hidden cell an attacker can narrow to fewer than ``MIN_VALUES`` values."""

    cell: Cell
    low: float
    high: float
    leans_on: tuple[Cell, ...] = field(default=(), compare=False)  # binding shown cells

    def __str__(self) -> str:
        where = ", ".join(f"{d}={'|'.join(v)}" for d, v in self.cell.where) or "all rows"
        span = f"exactly {self.low:,.0f}" if self.low == self.high else \
            f"{self.low:,.0f} to {self.high:,.0f}"
        return (f"{self.cell.source} {self.cell.unit} where {where}: an attacker can "
                f"narrow it to {span} (fewer than {MIN_VALUES} values)")


def _judge(attack: Attack, c: Cell, guess: float | None) -> Violation | None:
    """The violation of one hidden cell, or None. ``guess`` (the true value, when known)
    lets one bound settle the cell: a maximum at least 4 above it is enough."""
    high = attack.maximum(c)
    if math.isinf(high) or (guess is not None and high - guess >= MIN_VALUES - 1):
        return None
    low = attack.minimum(c)
    if high - low >= MIN_VALUES - 1:
        return None
    leans: list[Cell] = []
    attack.maximum(c, leans)
    attack.minimum(c, leans)
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


def build_attacks(shown: Mapping[Cell, float], hidden: Iterable[Cell],
                  tables: Iterable[Table], relations: Iterable[Relation],
                  arrest_years: Iterable[int] = ()) -> list[Attack]:
    """One attacker's system per source the release publishes."""
    tables, relations, hidden = list(tables), list(relations), list(hidden)
    cells = [*shown, *hidden]
    attacks = []
    if any(c.source == "cases" for c in cells):
        attacks.append(Attack(cases_space(c for c in cells if c.source == "cases"), shown,
                              hidden, tables, relations))
    if any(c.source == "arrests" for c in cells):
        years = sorted(set(arrest_years) | {int(y) for c in cells if c.source == "arrests"
                                             for y in c.predicate.get("year", ())})
        attacks.append(Attack(arrests_space(years), shown, hidden, tables, relations))
    return attacks


def attacker(tables: list[Table], values: Mapping[Cell, float],
             relations: Iterable[Relation] = (), arrest_years: Iterable[int] = ()):
    """The protector's audit: ``(hidden, focus) -> violations`` over the true values."""
    relations = list(relations)

    def audit(hidden: Mapping[Cell, str], focus: set[Cell] | None) -> list[Violation]:
        shown = {c: v for c, v in values.items() if c not in hidden}
        found = []
        for attack in build_attacks(shown, hidden, tables, relations, arrest_years):
            targets = attack.hidden if focus is None else [c for c in attack.hidden
                                                          if c in focus]
            found += check(attack, targets, values)
        return found
    return audit


def __dir__() -> list[str]:
    return sorted(__all__)
