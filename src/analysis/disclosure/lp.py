"""What an attacker can deduce: linear programs over the atoms of a space.

:class:`Attack` holds everything published about one source: the value of every shown
cell, the hidden cells (a hidden cell is only known to be a whole number of at least
0: one label marks every hidden cell), zeros, the declared relations and the facts that
hold for counts of people (no more people than convictions in the same cell, no more
in a part than in its whole, no more in a whole than in its parts together). For any
cell, :meth:`Attack.bounds` solves for its smallest and largest value consistent with
all of it (scipy's HiGHS), rounded inward to whole numbers.
"""

from __future__ import annotations

import copy
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping

import numpy as np
from scipy import optimize, sparse

from .cells import Cell, Relation, Table
from .space import Space, SpaceError, separators

__all__ = ["ADDITIVE", "PERSON_DIMS", "Attack", "Bounds"]

# Units that add up over rows: a cell of them is a sum of atoms.
ADDITIVE = ("convictions", "arrests")
# Dimensions of people rather than of rows (how many convictions a person holds, which
# motions a person is in): a cell over them is an unknown of its own.
PERSON_DIMS = ("dismissed_per_person", "held_in_motion", "motions")
_TOL = 1e-6


class Bounds(tuple):
    """``(low, high)`` whole-number bounds; ``high`` may be ``math.inf``."""

    @property
    def width(self) -> float:
        return self[1] - self[0] + 1


class Attack:
    """The linear system an attacker can write about one source.

    ``shown`` maps each published cell to its value; ``hidden`` lists the cells shown
    only by the hidden label. Cells of an additive unit are sums of the space's atoms;
    any other cell (people, cases, overlaps) is an unknown of its own.
    """

    def __init__(self, space: Space, shown: Mapping[Cell, float], hidden: Iterable[Cell],
                 tables: Iterable[Table] = (), relations: Iterable[Relation] = ()):
        self.space = space
        relations = [r for r in relations
                     if all(c.source == space.source for c, _ in r.terms)]
        self.offsets = np.cumsum([0] + [c.size for c in space.cliques])
        self.n_atoms = int(self.offsets[-1])
        self.hidden = [c for c in dict.fromkeys(hidden) if c.source == space.source]
        self.shown = {c: float(v) for c, v in shown.items() if c.source == space.source}
        cells = [*self.shown, *self.hidden]
        for table in tables:
            cells += [c for _, _, c in table.cells() if c.source == space.source]
        for rel in relations:
            cells += [c for c, _ in rel.terms if c.source == space.source]
        self.extra = {c: self.n_atoms + i for i, c in enumerate(
            dict.fromkeys(c for c in cells if not _in_atoms(c)))}
        self.n = self.n_atoms + len(self.extra)
        self._rows_eq, self._rhs_eq, self._rows_ub, self._rhs_ub = [], [], [], []
        self._atoms: dict[Cell, np.ndarray] = {}
        self._link_cliques()
        self.row_cells: list[Cell | None] = [None] * len(self._rows_eq)
        for c, value in self.shown.items():
            self._row(self.expr(c), value, eq=True)
            self.row_cells.append(c)
        for rel in relations:
            self._relation(rel)
        self._people_facts(cells, tables)
        self._freeze()

    # --- the unknowns of a cell ---------------------------------------------------------

    def expr(self, c: Cell) -> dict[int, float]:
        """The cell as a linear combination of the unknowns."""
        if not _in_atoms(c):
            return {self.extra[c]: 1.0}
        if c not in self._atoms:
            i, mask = self.space.place(c)
            self._atoms[c] = np.flatnonzero(mask) + self.offsets[i]
        return dict.fromkeys(self._atoms[c].tolist(), 1.0)

    def _conviction_twin(self, c: Cell) -> dict[int, float] | None:
        """The convictions of the rows a people (or cases) cell counts, when the space
        can state them."""
        twin = Cell(c.source, "convictions", c.where)
        if not _in_atoms(twin):
            return None
        try:
            return self.expr(twin)
        except SpaceError:
            return None

    # --- constraints ----------------------------------------------------------------------

    def _row(self, terms: Mapping[int, float], rhs: float, *, eq: bool) -> None:
        (self._rows_eq if eq else self._rows_ub).append(terms)
        (self._rhs_eq if eq else self._rhs_ub).append(rhs)

    def _link_cliques(self) -> None:
        """Cliques agree on their separators."""
        for a, b, dims in separators(self.space):
            groups: dict[tuple, dict[int, float]] = defaultdict(dict)
            for clique_index, sign in ((a, 1.0), (b, -1.0)):
                clique = self.space.cliques[clique_index]
                keys = zip(*(clique.columns[d] for d in dims), strict=True)
                for i, key in enumerate(keys):
                    groups[key][int(self.offsets[clique_index]) + i] = sign
            for terms in groups.values():
                self._row(terms, 0.0, eq=True)

    def _relation(self, rel: Relation) -> None:
        terms: dict[int, float] = defaultdict(float)
        for c, k in rel.terms:
            for var, coef in self.expr(c).items():
                terms[var] += k * coef
        self._row(dict(terms), rel.rhs, eq=rel.sense == "=")

    def _people_facts(self, cells: list[Cell], tables: Iterable[Table]) -> None:
        """People (and cases) are no more than the convictions they hold, a part holds
        no more than its whole, a whole no more than its parts together."""
        extras = list(self.extra)
        for c in extras:
            twin = self._conviction_twin(c)
            if twin is not None:
                self._row({self.extra[c]: 1.0, **{v: -k for v, k in twin.items()}}, 0.0,
                          eq=False)
        by_unit = defaultdict(list)
        for c in extras:
            by_unit[(c.source, c.unit)].append(c)
        for group in by_unit.values():
            for small, big in ((x, y) for x in group for y in group if x is not y):
                if small.within(big):
                    self._row({self.extra[small]: 1.0, self.extra[big]: -1.0}, 0.0, eq=False)
            for whole, parts in _covers(group, self.space.domains):
                terms = {self.extra[whole]: 1.0}
                for p in parts:
                    terms[self.extra[p]] = -1.0
                self._row(terms, 0.0, eq=False)
        for table in tables:
            for total, parts, exact in _table_lines(table):
                if total not in self.extra or any(p not in self.extra for p in parts):
                    continue
                terms = {self.extra[total]: 1.0}
                for p in parts:
                    terms[self.extra[p]] = terms.get(self.extra[p], 0.0) - 1.0
                self._row(terms, 0.0, eq=exact)

    def _freeze(self) -> None:
        def matrix(rows):
            data, ri, ci = [], [], []
            for r, terms in enumerate(rows):
                for var, coef in terms.items():
                    ri.append(r)
                    ci.append(var)
                    data.append(coef)
            return sparse.csr_matrix((data, (ri, ci)), shape=(len(rows), self.n))
        a_eq, b_eq = matrix(self._rows_eq), np.array(self._rhs_eq, float)
        a_ub = matrix(self._rows_ub) if self._rows_ub else sparse.csr_matrix((0, self.n))
        b_ub = np.array(self._rhs_ub, float)
        targets = matrix([self.expr(c) for c in self.hidden])
        self.column = _reduce(a_eq, b_eq, sparse.vstack([a_ub, targets]).tocsc())
        keep = np.unique(self.column[self.column >= 0])
        first = {g: np.flatnonzero(self.column == g)[0] for g in keep}
        pick = np.array([first[g] for g in keep], dtype=int)
        self.a_eq, self.b_eq = a_eq.tocsc()[:, pick].tocsr(), b_eq
        self.a_ub = a_ub.tocsc()[:, pick].tocsr() if a_ub.shape[0] else None
        self.b_ub = b_ub if a_ub.shape[0] else None
        self.n_reduced = len(pick)
        self.solutions: list[np.ndarray] = []  # optima found so far: all feasible
        self._stacked: np.ndarray | None = None

    def signature(self, c: Cell) -> frozenset[int] | None:
        """The reduced unknowns a cell of an additive unit sums: two cells with the
        same signature count the same rows, given what is published (None for a cell
        that is an unknown of its own)."""
        if not _in_atoms(c):
            return None
        return frozenset(int(g) for g in self.column[list(self.expr(c))] if g >= 0)

    def relaxed(self, cells: Iterable[Cell]) -> Attack:
        """The same system with ``cells`` hidden too: their equalities dropped (what an
        attacker would know if they were not shown)."""
        drop = set(cells)
        keep = [i for i in range(self.a_eq.shape[0])
                if i >= len(self.row_cells) or self.row_cells[i] not in drop]
        other = copy.copy(self)
        other.a_eq, other.b_eq = self.a_eq[keep], self.b_eq[keep]
        other.row_cells = [self.row_cells[i] for i in keep if i < len(self.row_cells)]
        other.hidden = [*self.hidden, *(c for c in drop if c not in set(self.hidden))]
        other.shown = {c: v for c, v in self.shown.items() if c not in drop}
        other.solutions = list(self.solutions)  # still feasible with fewer rows
        other._stacked = None
        return other

    def seen(self, c: Cell) -> tuple[float, float] | None:
        """The smallest and largest value of ``c`` among the solutions found so far
        (every value between is feasible too), or None before the first."""
        if not self.solutions:
            return None
        groups = self.column[list(self.expr(c))]
        if self._stacked is None or self._stacked.shape[0] != len(self.solutions):
            self._stacked = np.vstack(self.solutions)  # stacked once per new solution
        values = self._stacked[:, np.unique(groups[groups >= 0])].sum(axis=1)
        return float(values.min()), float(values.max())

    # --- solving ------------------------------------------------------------------------

    def _optimum(self, objective: Mapping[int, float], sign: float, duals: list | None = None
                 ) -> float:
        c = np.zeros(self.n_reduced)
        for var, coef in objective.items():
            group = self.column[var]
            if group >= 0:  # merged unknowns are one; unknowns forced to 0 drop out
                c[group] = sign * coef
        res = optimize.linprog(c, A_ub=self.a_ub, b_ub=self.b_ub, A_eq=self.a_eq,
                               b_eq=self.b_eq, bounds=(0, None), method="highs",
                               options={"presolve": False})
        if res.status == 3:
            return math.inf
        if res.status != 0:
            raise ValueError(f"the published cells admit no solution ({res.message})")
        self.solutions.append(res.x)
        if duals is not None:  # the shown cells this optimum leans on
            marginals = np.abs(res.eqlin.marginals[:len(self.row_cells)])
            duals += [self.row_cells[r] for r in np.flatnonzero(marginals > _TOL)
                      if self.row_cells[r] is not None]
        return sign * res.fun

    def maximum(self, c: Cell, duals: list | None = None) -> float:
        top = self._optimum(self.expr(c), -1.0, duals)
        return math.inf if math.isinf(top) else math.floor(top + _TOL)

    def minimum(self, c: Cell, duals: list | None = None) -> float:
        return math.ceil(self._optimum(self.expr(c), 1.0, duals) - _TOL)

    def bounds(self, c: Cell) -> Bounds:
        return Bounds((self.minimum(c), self.maximum(c)))


def _in_atoms(c: Cell) -> bool:
    """A cell the atoms add up: an additive unit over dimensions of rows."""
    return c.unit in ADDITIVE and not any(d in PERSON_DIMS for d, _ in c.where)


def _reduce(a_eq: sparse.csr_matrix, b_eq: np.ndarray, others: sparse.csc_matrix
            ) -> np.ndarray:
    """Each unknown's column in a smaller, equivalent program: unknowns that a shown zero
    forces to 0 are dropped (-1), and unknowns that every row treats alike are merged
    (their sum is one unknown: no bound of any cell changes)."""
    zero_rows = np.flatnonzero(b_eq == 0)
    forced = np.zeros(a_eq.shape[1], dtype=bool)
    for r in zero_rows:
        start, end = a_eq.indptr[r], a_eq.indptr[r + 1]
        if end > start and (a_eq.data[start:end] > 0).all():
            forced[a_eq.indices[start:end]] = True
    full = sparse.vstack([a_eq, others]).tocsc()
    groups: dict[tuple, int] = {}
    column = np.full(full.shape[1], -1, dtype=int)
    for j in range(full.shape[1]):
        if forced[j]:
            continue
        start, end = full.indptr[j], full.indptr[j + 1]
        key = (full.indices[start:end].tobytes(), full.data[start:end].tobytes())
        column[j] = groups.setdefault(key, len(groups))
    return column


def _covers(group: list[Cell], domains: Mapping[str, tuple]):
    """Cells that split another along one dimension, every value accounted for: the
    whole counts no one the parts together miss."""
    index: dict[tuple, list[Cell]] = defaultdict(list)
    for c in group:
        for dim, _ in c.where:
            index[(dim, tuple(w for w in c.where if w[0] != dim))].append(c)
    for whole in group:
        mine = whole.predicate
        for (dim, rest), parts in index.items():
            if tuple(w for w in whole.where if w[0] != dim) != rest or whole in parts:
                continue
            wanted = set(mine.get(dim, domains.get(dim, ())))
            got = [p for p in parts if set(p.predicate[dim]) <= wanted]
            covered = set().union(*(p.predicate[dim] for p in got)) if got else set()
            if wanted and covered == wanted:
                yield whole, got


def _table_lines(table: Table):
    """For each count column of a table, each row with a ``Total`` in one dimension
    against the rows it adds up: ``(total cell, part cells, exact?)``."""
    for i, row in enumerate(table.rows):
        for dim in table.dims:
            if row["dims"].get(dim) != "Total":
                continue
            others = {d: v for d, v in row["dims"].items() if d != dim}
            parts = [r for j, r in enumerate(table.rows) if j != i
                     and r["dims"].get(dim) != "Total"
                     and all(r["dims"].get(d) == v for d, v in others.items())]
            for column, total in row["cells"].items():
                cells = [p["cells"][column] for p in parts if column in p["cells"]]
                if cells:
                    yield total, cells, column in table.partitions


def __dir__() -> list[str]:
    return sorted(__all__)
