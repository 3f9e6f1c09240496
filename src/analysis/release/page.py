"""What one page publishes: its count tables, the relations between their cells, and the
cells its statistics rest on."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..disclosure import Cell, Relation
from .tables import CountTable

__all__ = ["PageTables"]


@dataclass
class PageTables:
    """A page's count tables, by CSV name, with their relations and pinned cells."""

    page: str
    tables: list[CountTable] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    pinned: list[Cell] = field(default_factory=list)  # never hidden as a complement

    def __getitem__(self, name: str) -> CountTable:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(f"page {self.page!r} declares no table {name!r}")

    def __contains__(self, name: str) -> bool:
        return any(t.name == name for t in self.tables)


def __dir__() -> list[str]:
    return sorted(__all__)
