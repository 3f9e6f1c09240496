"""Protect every count of a release together: which cells to hide.

1. **Primary.** A count from 1 to ``threshold - 1`` is hidden.
2. **Lines.** A *line* is a set of cells whose sum readers know: a table's cells along
   one dimension with the others fixed (closed by its ``Total`` row when it has one),
   and the cells of a declared relation. A cell published by several tables is one cell,
   so its lines join theirs. No line may hide exactly one cell: the complement is the
   line's smallest shown count of at least ``threshold`` that is not pinned (a zero only
   when nothing else is left), preferring a cell that closes two lines at once.
3. **Audit.** The attacker's linear programs (:mod:`analysis.disclosure.audit`) then
   bound every hidden cell over everything published. While a cell breaks the rule, the
   shown cell its bound leans on hardest (the smallest with a non-zero dual) is hidden
   too. Hiding more only widens every other bound, so each round re-checks the cells
   that failed.

Pinned cells (the counts a model or a published statistic rests on) are never chosen as
complements.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .cells import Cell, Relation, Table

__all__ = ["Plan", "THRESHOLD", "lines", "protect"]

THRESHOLD = 11
MAX_ROUNDS = 40


@dataclass
class Plan:
    """What to hide: the hidden cells, why, and how the audit judged the result."""

    hidden: dict[Cell, str] = field(default_factory=dict)  # cell -> "small" | "complement"
    rounds: int = 0
    violations: list = field(default_factory=list)  # what still breaks the rule, if any

    def status(self, c: Cell) -> str:
        return "hidden" if c in self.hidden else "shown"


def lines(tables: Iterable[Table], relations: Iterable[Relation] = (),
          domains: Mapping[str, tuple[str, ...]] | None = None) -> list[tuple[Cell, ...]]:
    """Every set of cells whose sum a reader knows: each table's lines, each relation,
    and, across tables, cells that split one dimension's every value (with the cell
    they add up to, when it is published)."""
    tables = list(tables)
    out: list[tuple[Cell, ...]] = []
    for table in tables:
        columns = sorted({col for row in table.rows for col in row["cells"]})
        for dim in table.dims:
            groups: dict[tuple, list[dict]] = defaultdict(list)
            for row in table.rows:
                others = tuple((d, row["dims"].get(d)) for d in table.dims if d != dim)
                groups[others].append(row)
            for rows in groups.values():
                for col in columns:
                    cells = tuple(r["cells"][col] for r in rows if col in r["cells"])
                    if len(cells) >= 2:
                        out.append(cells)
        if table.column_dim:  # a row's count columns add up to the row's total
            out += [tuple(row["cells"].values()) for row in table.rows
                    if len(row["cells"]) >= 2]
    if domains:
        out += _cover_lines({c for t in tables for _, _, c in t.cells()}, domains)
    split = []
    for line in out:  # a table's sum only means something within one source and unit
        kinds: dict[tuple, list[Cell]] = defaultdict(list)
        for c in dict.fromkeys(line):
            kinds[(c.source, c.unit)].append(c)
        split += [tuple(cells) for cells in kinds.values() if len(cells) >= 2]
    return split + [tuple(dict.fromkeys(c for c, _ in rel.terms)) for rel in relations
                    if len(rel.terms) >= 2]


def _cover_lines(cells: set[Cell], domains: Mapping[str, tuple[str, ...]]):
    """Cells alike but for one dimension whose values, together, are all of it."""
    groups: dict[tuple, list[Cell]] = defaultdict(list)
    for c in cells:
        for dim, values in c.where:
            if dim in domains and len(values) == 1:
                rest = tuple(w for w in c.where if w[0] != dim)
                groups[(c.source, c.unit, dim, rest)].append(c)
    for (source, unit, dim, rest), members in groups.items():
        seen = {v for c in members for v in c.predicate[dim]}
        if seen >= set(domains[dim]) and len(members) >= 2:
            parent = Cell(source, unit, rest)
            yield tuple(members) + ((parent,) if parent in cells else ())


def _complement(line: tuple[Cell, ...], hidden: Mapping[Cell, str], values: Mapping[Cell, float],
                pinned: set[Cell], lonely: set[Cell]) -> Cell | None:
    """The cell to hide beside the one hidden cell of ``line``."""
    free = [c for c in line if c not in hidden and c not in pinned]
    big = [c for c in free if values[c] >= THRESHOLD]
    if big:
        return min(big, key=lambda c: (c not in lonely, values[c], c.key))
    zeros = [c for c in free if values[c] == 0]
    return min(zeros, key=lambda c: (c not in lonely, c.key)) if zeros else None


def close_lines(all_lines: list[tuple[Cell, ...]], hidden: dict[Cell, str],
                values: Mapping[Cell, float], pinned: set[Cell]) -> None:
    """Hide complements until no line hides exactly one cell (in place)."""
    through: dict[Cell, list[int]] = defaultdict(list)
    for i, line in enumerate(all_lines):
        for c in line:
            through[c].append(i)
    count = [sum(c in hidden for c in line) for line in all_lines]
    queue = [i for i, n in enumerate(count) if n == 1]
    while queue:
        i = queue.pop()
        if count[i] != 1:
            continue
        lonely = {c for j, n in enumerate(count) if n == 1 and j != i for c in all_lines[j]}
        pick = _complement(all_lines[i], hidden, values, pinned, lonely)
        if pick is None:
            continue  # every other cell is pinned or hidden already: the audit decides
        hidden[pick] = "complement"
        for j in through[pick]:
            count[j] += 1
            if count[j] == 1:
                queue.append(j)


def protect(tables: list[Table], values: Mapping[Cell, float], *,
            relations: Iterable[Relation] = (), pinned: Iterable[Cell] = (),
            domains: Mapping[str, tuple[str, ...]] | None = None, audit=None) -> Plan:
    """The hidden cells of a release whose true counts are ``values``.

    ``audit`` is a function ``(hidden) -> list[Violation]`` (the attacker of
    :mod:`analysis.disclosure.audit` with the true values); without it only the line
    rules apply.
    """
    relations, pinned = list(relations), set(pinned)
    hidden: dict[Cell, str] = {c: "small" for c, v in values.items() if 0 < v < THRESHOLD}
    all_lines = lines(tables, relations, domains)
    close_lines(all_lines, hidden, values, pinned)
    plan = Plan(hidden)
    if audit is None:
        return plan
    focus = None
    for plan.rounds in range(1, MAX_ROUNDS + 1):
        plan.violations = audit(hidden, focus)
        if not plan.violations:
            return plan
        before, added = set(hidden), set()
        for violation in plan.violations:
            pick = next((c for c in violation.leans_on if c not in hidden
                         and c not in pinned and values.get(c, 0) >= THRESHOLD), None)
            pick = pick or next((c for c in violation.leans_on if c not in hidden
                                 and c not in pinned), None)
            if pick is not None:
                hidden[pick] = "complement"
                added.add(pick)
        if not added:
            return plan  # nothing left to hide: the caller refuses to publish
        close_lines(all_lines, hidden, values, pinned)
        # hiding more only widens bounds: re-check what failed and what is new
        focus = {v.cell for v in plan.violations} | (set(hidden) - before)
    return plan


def __dir__() -> list[str]:
    return sorted(__all__)
