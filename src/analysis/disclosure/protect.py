"""Protect every count of a release together: which cells to hide.

1. **Primary.** A count from 1 to ``threshold - 1`` is hidden, and so is its *twin*
   in each dimension: the same cell in the partner category (the other value with the
   smallest total of at least ``threshold``), so a small category and its partner are
   hidden together in every table alike.
2. **Lines.** A *line* is a set of cells whose sum readers know: a table's cells along
   one dimension with the others fixed (closed by its ``Total`` row when it has one),
   and the cells of a declared relation. A cell published by several tables is one cell,
   so its lines join theirs. No line may hide exactly one cell: the complement is the
   line's smallest shown count of at least ``threshold`` that is not pinned (a zero only
   when nothing else is left), preferring a cell that closes two lines at once.
3. **Audit.** The attacker's linear programs (:mod:`analysis.disclosure.audit`) then
   bound every hidden cell over everything published. While a cell breaks the rule, one
   of the shown cells its bounds lean on (a non-zero dual) is hidden too: the smallest
   whose hiding, tried on the same programs, brings the cell and itself within the rule.
   Hiding more only widens every other bound, so each round re-checks the cells that
   failed and the cells newly hidden.

Pinned cells (the counts a model or a published statistic rests on) are never chosen as
complements.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .audit import THRESHOLD
from .cells import Cell, Relation, Table

__all__ = ["Plan", "THRESHOLD", "close_lines", "lines", "partners", "protect", "twins"]

MAX_ROUNDS = 40
# Candidate complements tried per violation before settling for the first.
TRIES = 6


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
        # in the order tables declare them: the same release always hides the same cells
        out += _cover_lines(list(dict.fromkeys(c for t in tables for _, _, c in t.cells())),
                            domains)
    split = []
    for line in out:  # a table's sum only means something within one source and unit
        kinds: dict[tuple, list[Cell]] = defaultdict(list)
        for c in dict.fromkeys(line):
            kinds[(c.source, c.unit)].append(c)
        split += [tuple(cells) for cells in kinds.values() if len(cells) >= 2]
    return split + [tuple(dict.fromkeys(c for c, _ in rel.terms)) for rel in relations
                    if len(rel.terms) >= 2]


def _cover_lines(cells: list[Cell], domains: Mapping[str, tuple[str, ...]]):
    """Cells alike but for one dimension whose values, together, are all of it (with
    the cell they add up to, when it is published); and a cell keeping several values
    of a dimension, with the single values it adds up, or with the single values it
    leaves out and the whole."""
    groups: dict[tuple, list[Cell]] = defaultdict(list)
    several: dict[tuple, list[Cell]] = defaultdict(list)
    known = set(cells)
    for c in cells:
        for dim, values in c.where:
            if dim in domains:
                rest = tuple(w for w in c.where if w[0] != dim)
                (groups if len(values) == 1 else several)[(c.source, c.unit, dim, rest)] \
                    .append(c)
    for (source, unit, dim, rest), members in groups.items():
        seen = {v for c in members for v in c.predicate[dim]}
        parent = Cell(source, unit, rest)
        if seen >= set(domains[dim]) and len(members) >= 2:
            yield tuple(members) + ((parent,) if parent in known else ())
        for multi in several.get((source, unit, dim, rest), []):
            kept = set(multi.predicate[dim])
            inside = [c for c in members if c.predicate[dim][0] in kept]
            outside = [c for c in members if c.predicate[dim][0] not in kept]
            if {c.predicate[dim][0] for c in inside} == kept:
                yield (multi, *inside)
            if parent in known and {c.predicate[dim][0] for c in outside} == \
                    set(domains[dim]) - kept:
                yield (multi, *outside, parent)


def partners(values: Mapping[Cell, float]) -> dict[tuple[str, str, str], str]:
    """Each category's partner: the other value of its dimension with the smallest
    total of at least ``THRESHOLD``. Hiding the partner beside a small category, line
    after line, keeps their sum known but neither part, where complements chosen line
    by line (a felony here, a misdemeanor there) let tables undo one another."""
    totals: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for c, v in values.items():
        for dim, kept in c.where:
            if len(kept) == 1 and c.unit in ("convictions", "arrests"):
                seen = totals[(c.source, dim)]
                seen[kept[0]] = max(seen.get(kept[0], 0.0), v)
    out = {}
    for (source, dim), by_value in totals.items():
        for value in by_value:
            others = sorted((t, w) for w, t in by_value.items() if w != value
                            and t >= THRESHOLD)
            if others:
                out[(source, dim, value)] = others[0][1]
    return out


def twins(small: Iterable[Cell], values: Mapping[Cell, float], pinned: set[Cell]
          ) -> list[Cell]:
    """For each small cell and each dimension it fixes to one value, the same cell in
    the partner category, when it is published with a count of at least ``THRESHOLD``:
    a small category is hidden beside its partner in every table alike."""
    partner = partners(values)
    out = []
    for c in small:
        where = c.predicate
        for dim, kept in c.where:
            other = partner.get((c.source, dim, kept[0])) if len(kept) == 1 else None
            if other is None:
                continue
            twin = Cell(c.source, c.unit, tuple(sorted({**where, dim: (other,)}.items())))
            if values.get(twin, 0) >= THRESHOLD and twin not in pinned:
                out.append(twin)
    return list(dict.fromkeys(out))


def _pairs_with(small: Cell, c: Cell, partner: Mapping) -> bool:
    """``c`` differs from ``small`` in one dimension only, in its partner category."""
    a, b = small.predicate, c.predicate
    differ = [d for d in dict.fromkeys([*a, *b]) if a.get(d) != b.get(d)]
    if len(differ) != 1 or len(a.get(differ[0], ())) != 1 or len(b.get(differ[0], ())) != 1:
        return False
    d = differ[0]
    return partner.get((small.source, d, a[d][0])) == b[d][0]


def _complement(line: int, lines: list[tuple[Cell, ...]], count: list[int],
                through: Mapping[Cell, list[int]], hidden: Mapping[Cell, str],
                values: Mapping[Cell, float], pinned: set[Cell], partner: Mapping
                ) -> Cell | None:
    """The cell to hide beside the one hidden cell of ``lines[line]``: of the counts of
    at least ``THRESHOLD``, the one that leaves the fewest other lines with one hidden
    cell (a line it closes counts against one it opens), then the small cell's partner,
    then the smallest. A zero only when nothing else is left."""
    def opened(c: Cell) -> int:
        return sum(1 if count[j] == 0 else -1 if count[j] == 1 else 0
                   for j in through[c] if j != line)

    small = next(c for c in lines[line] if c in hidden)
    free = [c for c in lines[line] if c not in hidden and c not in pinned]
    big = [c for c in free if values[c] >= THRESHOLD]
    if big:
        return min(big, key=lambda c: (opened(c), not _pairs_with(small, c, partner),
                                       values[c], c.key))
    zeros = [c for c in free if values[c] == 0]
    return min(zeros, key=lambda c: (opened(c), c.key)) if zeros else None


def close_lines(all_lines: list[tuple[Cell, ...]], hidden: dict[Cell, str],
                values: Mapping[Cell, float], pinned: set[Cell]) -> None:
    """Hide complements until no line hides exactly one cell (in place)."""
    through: dict[Cell, list[int]] = defaultdict(list)
    for i, line in enumerate(all_lines):
        for c in line:
            through[c].append(i)
    count = [sum(c in hidden for c in line) for line in all_lines]
    queue = [i for i, n in enumerate(count) if n == 1]
    partner = partners(values)
    while queue:
        i = queue.pop()
        if count[i] != 1:
            continue
        pick = _complement(i, all_lines, count, through, hidden, values, pinned, partner)
        if pick is None:
            continue  # every other cell is pinned or hidden already: the audit decides
        hidden[pick] = "complement"
        for j in through[pick]:
            count[j] += 1
            if count[j] == 1:
                queue.append(j)


def _repair(violation, hidden: Mapping[Cell, str], added: list[Cell],
            values: Mapping[Cell, float], pinned: set[Cell], audit) -> Cell | None:
    """The shown cell to hide for a violation, from the cells its bounds lean on
    (the smallest counts of at least ``threshold`` first): the first whose hiding, tried
    on the same programs, brings the violating cell and itself within the rule; else
    the first that is itself within it (the violating cell's bounds still widen); else
    the first. None when the round's earlier picks already fix it or nothing is left."""
    failing = getattr(audit, "failing", None)
    if failing is not None and added and not failing(added, [violation.cell]):
        return None
    free = [c for c in dict.fromkeys(violation.leans_on) if c not in hidden
            and c not in pinned and c not in added]
    free.sort(key=lambda c: (values.get(c, 0) < THRESHOLD, values.get(c, 0), c.key))
    if failing is None or not free:
        return free[0] if free else None
    safe = None
    for c in free[:TRIES]:
        still = failing([*added, c], [violation.cell, c])
        if not still:
            return c
        if c not in still and safe is None:
            safe = c
    return safe or free[0]


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
    for c in twins(hidden, values, pinned):
        hidden.setdefault(c, "complement")
    all_lines = lines(tables, relations, domains)
    same = audit.aliases() if hasattr(audit, "aliases") else {}
    while True:  # close every line, hide every alias of a hidden cell, until both hold
        close_lines(all_lines, hidden, values, pinned)
        more = [a for c in list(hidden) for a in same.get(c, ()) if a not in hidden]
        if not more:
            break
        hidden.update(dict.fromkeys(more, "complement"))
    plan = Plan(hidden)
    if audit is None:
        return plan
    focus = None
    for plan.rounds in range(1, MAX_ROUNDS + 1):
        plan.violations = audit(hidden, focus)
        known = [v.cell for v in plan.violations
                 if v.exact and hidden.get(v.cell) == "complement"]
        rest = [v for v in plan.violations if v.cell not in set(known)]
        if not rest:
            if not known:
                return plan
            # the attacker knows these already: showing them adds nothing to what he
            # can solve for (done last, since hiding more could make them uncertain
            # again); the audit of the published site checks it once more
            for c in known:
                del hidden[c]
            plan.violations = []
            return plan
        before, added = set(hidden), []
        for violation in rest:
            pick = _repair(violation, hidden, added, values, pinned, audit)
            if pick is not None:
                hidden[pick] = "complement"
                added.append(pick)
        if not added:
            return plan  # nothing left to hide: the caller refuses to publish
        # hiding more only widens bounds: re-check what failed and what is new (each
        # pick was tried already; lines are not closed again, since a complement the
        # attacker could pin would only need protecting in turn)
        focus = {v.cell for v in plan.violations} | (set(hidden) - before)
    return plan


def __dir__() -> list[str]:
    return sorted(__all__)
