"""Published counts as the disclosure control sees them: cells, tables of cells, relations.

A :class:`Cell` is one count over one source, named by what it counts (its unit) and a
predicate: for each dimension it constrains, the values it keeps (``batch=feb2020,
race_ethnicity=Latino``). Two tables that publish a cell with the same predicate publish
the same cell, so it is hidden in both or shown in both. A :class:`Table` places cells in
rows and columns as a page shows them; the table's lines (the cells whose sum a reader
knows) follow from its dimension columns. A :class:`Relation` is a linear fact between
cells that no predicate states, such as ``people in the bin '2 convictions' x 2 =
convictions in that bin``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["Cell", "Relation", "Table", "cell", "normalised"]

# Names a predicate may use for a dimension, and the dimension they mean.
ALIASES = {"hs_section": "offense_type", "offense": "offense_type", "race": "race_ethnicity",
           "level": "charge_level", "agency": "prosecuting_agency", "motion": "batch"}
SECTION_OFFENSE = {"11357": "possession", "11358": "cultivation",
                   "11359": "possession_for_sale", "11360": "sale_transport"}


def normalised(where: Mapping[str, object]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A predicate in one spelling: canonical dimension names, values as sorted text."""
    out: dict[str, set[str]] = {}
    for dim, values in where.items():
        name = ALIASES.get(dim, dim)
        items = values if isinstance(values, list | tuple | set | frozenset) else [values]
        texts = {str(v) for v in items}
        if dim == "hs_section":
            texts = {SECTION_OFFENSE.get(t, t) for t in texts}
        out[name] = out[name] & texts if name in out else texts
    return tuple(sorted((d, tuple(sorted(v))) for d, v in out.items()))


@dataclass(frozen=True)
class Cell:
    """One count: ``unit`` (convictions, people, cases, arrests, ...) of the rows of
    ``source`` (cases, arrests) that the predicate ``where`` keeps."""

    source: str
    unit: str
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def key(self) -> str:
        """A short stable name, the same on every machine (it names cells in files)."""
        text = json.dumps([self.source, self.unit, self.where], separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def predicate(self) -> dict[str, tuple[str, ...]]:
        return dict(self.where)

    def within(self, other: Cell) -> bool:
        """Every row this cell counts is counted by ``other`` (same source and unit)."""
        if (self.source, self.unit) != (other.source, other.unit):
            return False
        mine = self.predicate
        return all(dim in mine and set(mine[dim]) <= set(values)
                   for dim, values in other.where)

    def to_json(self) -> dict:
        return {"key": self.key, "source": self.source, "unit": self.unit,
                "where": {d: list(v) for d, v in self.where}}

    @classmethod
    def from_json(cls, data: Mapping) -> Cell:
        return cls(data["source"], data["unit"], normalised(data.get("where") or {}))


def cell(source: str, unit: str, **where) -> Cell:
    """A cell from keyword predicates: ``cell("cases", "convictions", batch="feb2020")``."""
    return Cell(source, unit, normalised(where))


@dataclass(frozen=True)
class Relation:
    """``sum(coefficient * cell) (= or <=) rhs``, a fact readers can rely on."""

    terms: tuple[tuple[Cell, float], ...]
    sense: str = "="
    rhs: float = 0.0

    def to_json(self) -> dict:
        return {"terms": [[c.to_json(), k] for c, k in self.terms], "sense": self.sense,
                "rhs": self.rhs}

    @classmethod
    def from_json(cls, data: Mapping) -> Relation:
        return cls(tuple((Cell.from_json(c), float(k)) for c, k in data["terms"]),
                   data.get("sense", "="), float(data.get("rhs", 0.0)))


@dataclass
class Table:
    """Cells as one published table places them.

    ``rows`` holds, per table row, the values of its dimension columns (``dims``) and,
    per count column, the cell shown there. A dimension value ``"Total"`` marks a row
    that adds up the others along that dimension. ``partitions`` names count columns
    whose cells split one whole exactly (each person in one row), so the table's total
    row equals the sum of the others for people too. A wide table whose count columns
    are the values of one dimension (charges by year) names it ``column_dim``: each row's
    cells then add up to the row's total.
    """

    page: str
    name: str
    dims: tuple[str, ...]
    rows: list[dict] = field(default_factory=list)  # {"dims": {...}, "cells": {col: Cell}}
    partitions: tuple[str, ...] = ()
    column_dim: str | None = None  # the count columns are the values of this dimension

    def cells(self) -> Iterable[tuple[int, str, Cell]]:
        for i, row in enumerate(self.rows):
            for column, c in row["cells"].items():
                yield i, column, c

    def to_json(self) -> dict:
        return {"page": self.page, "name": self.name, "dims": list(self.dims),
                "partitions": list(self.partitions), "column_dim": self.column_dim,
                "rows": [{"dims": row["dims"], "cells": {k: c.key for k, c in
                                                         row["cells"].items()}}
                         for row in self.rows]}

    @classmethod
    def from_json(cls, data: Mapping, cells: Mapping[str, Cell]) -> Table:
        """A table as :meth:`to_json` wrote it, its cell keys looked up in ``cells``."""
        rows = [{"dims": dict(row["dims"]),
                 "cells": {k: cells[key] for k, key in row["cells"].items()}}
                for row in data["rows"]]
        return cls(data["page"], data["name"], tuple(data["dims"]), rows,
                   tuple(data.get("partitions") or ()), data.get("column_dim"))


def __dir__() -> list[str]:
    return sorted(__all__)
