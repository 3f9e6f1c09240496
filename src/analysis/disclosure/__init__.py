"""Disclosure control for the whole site: every published count protected together.

``cells``    what a published count is (source, unit, predicate), tables and relations
``space``    the attacker's unknowns (atoms in three cliques joined on separators)
``lp``       the attacker's linear programs (scipy's HiGHS)
``audit``    the rule every hidden cell must meet, and the attacker that checks it
``protect``  which cells to hide so that the rule holds

``docs/methodology.md`` states the rule and the attacker model.
"""

from __future__ import annotations

from .audit import MIN_VALUES, THRESHOLD, Violation, attacker, check
from .cells import Cell, Relation, Table, cell
from .protect import Plan, protect

__all__ = ["MIN_VALUES", "THRESHOLD", "Cell", "Plan", "Relation", "Table", "Violation",
           "attacker", "cell", "check", "protect"]


def __dir__() -> list[str]:
    return sorted(__all__)
