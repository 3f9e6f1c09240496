"""The figures of an ``analysis doj`` summary as the site's release declares them.

The reconciliation page checks three published claims against the summary that
``analysis doj`` wrote beside the case list (:mod:`analysis.summarychecks`): people the
rules leave without a felony, people left with no conviction, convictions ruled out by
other convictions. They are counts of whole records, not of the case list's rows, so
they are cells of a source of their own (:data:`SOURCE`): the planner withholds one
from 1 to 10 like any count, and the audit of the published site knows each of them.

The summary treats "no conviction left" as contained in "no felony left", and a reader
can subtract one from the other, so the difference is declared too (published, in
what a reader can work out; never a table of its own), tied to both by a relation: a
difference from 1 to 10 is withheld, and with it one of the two figures (the smaller),
as the command line withholds it. Nothing links these cells to the case list's, so
the attacker's programs, which bound the case list's cells, have nothing to add.
"""

from __future__ import annotations

import polars as pl

from ..disclosure import Cell, Relation, Table, cell
from ..summarychecks import MEASURES, NESTED
from .tables import CountTable

__all__ = ["DIFFERENCE", "SOURCE", "cell_of", "difference"]

SOURCE = "doj-summary"  # the cells of an analysis doj summary
UNITS = {"people_no_felony_2020": "people", "people_no_record_2020": "people",
         "ineligible_2020": "convictions"}
# what a reader can work out from two figures the page shows (not a table of the page)
DIFFERENCE = "doj-summary-difference-a-reader-can-work-out"


def cell_of(measure: str) -> Cell:
    """The cell of one of the summary's figures (a ledger measure of
    :data:`analysis.summarychecks.MEASURES`)."""
    if measure not in MEASURES:
        raise KeyError(f"the summary holds no figure for {measure!r}")
    return cell(SOURCE, UNITS[measure], figure=measure)


def difference(page: str, known: dict[str, int | None]) -> tuple[list[CountTable],
                                                                  list[Relation]]:
    """For each nested pair of figures both in ``known`` (the summary's figures, as
    :func:`analysis.summarychecks.figures` gives them unwithheld): the difference a
    reader can work out, in a table that is published but not shown, and the relation
    ``outer = inner + difference``."""
    rows, values, relations = [], [], []
    for inner, outer in NESTED.items():
        if known.get(inner) is None or known.get(outer) is None:
            continue
        gap = cell(SOURCE, UNITS[inner], figure=outer, less=inner)
        rows.append({"dims": {"figure": f"{outer} less {inner}"}, "cells": {"value": gap}})
        values.append({"figure": f"{outer} less {inner}", "value": known[outer] - known[inner]})
        relations.append(Relation(((cell_of(outer), 1.0), (cell_of(inner), -1.0),
                                   (gap, -1.0)), "="))
    if not rows:
        return [], []
    frame = pl.DataFrame(values, schema={"figure": pl.String, "value": pl.Int64})
    table = CountTable(DIFFERENCE, frame, Table(page, DIFFERENCE, ("figure",), rows),
                       {"value": "people"}, csv=False)
    return [table], relations


def __dir__() -> list[str]:
    return sorted(__all__)
