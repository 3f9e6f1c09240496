"""The attacker and the protector of :mod:`analysis.disclosure`, on tables small enough
to solve by hand.

Bounds from the linear programs are checked against a second, independent method:
every whole-number filling of the hidden cells that agrees with what is shown, found by
brute force.
"""

from __future__ import annotations

import itertools

import pytest

from analysis.disclosure import MIN_VALUES, Table, attacker, cell, check, protect
from analysis.disclosure.lp import Attack
from analysis.disclosure.space import cases_space

BATCHES = ("feb2020", "sep2021")
LEVELS = ("felony", "misdemeanor", "infraction")


def _grid(values: dict[tuple[str, str], int]) -> tuple[Table, dict]:
    """A motion-by-level table of convictions with its totals row, column and corner:
    the table and every cell's true count."""
    rows, truth = [], {}
    for batch in (*BATCHES, "Total"):
        for level in (*LEVELS, "Total"):
            where = {k: v for k, v in (("batch", batch), ("charge_level", level))
                     if v != "Total"}
            c = cell("cases", "convictions", **where)
            truth[c] = sum(n for (b, lv), n in values.items()
                           if where.get("batch", b) == b and where.get("charge_level", lv) == lv)
            rows.append({"dims": {"batch": batch, "charge_level": level},
                         "cells": {"convictions": c}})
    return Table("p", "grid", ("batch", "charge_level"), rows), truth


def _brute_force(truth: dict, hidden: list) -> dict:
    """Each hidden inner cell's smallest and largest value over every whole-number
    filling that matches the shown cells (each motion's row filled to its shown total,
    the rows then checked against everything else)."""
    def at(b, lv):
        return cell("cases", "convictions", batch=b, charge_level=lv)

    def fillings(b):
        total = truth[cell("cases", "convictions", batch=b)]
        for triple in itertools.product(range(total + 1), repeat=len(LEVELS)):
            if sum(triple) == total and all(at(b, lv) in hidden or truth[at(b, lv)] == n
                                            for lv, n in zip(LEVELS, triple, strict=True)):
                yield dict(zip(((b, lv) for lv in LEVELS), triple, strict=True))

    shown = {c: v for c, v in truth.items() if c not in hidden}
    seen: dict = {c: [] for c in hidden}
    for first, second in itertools.product(list(fillings(BATCHES[0])),
                                           list(fillings(BATCHES[1]))):
        _, implied = _grid(first | second)
        if all(implied[c] == v for c, v in shown.items()):
            for c in hidden:
                seen[c].append(implied[c])
    return {c: (min(v), max(v)) for c, v in seen.items()}


CASES = [  # (true counts, hidden cells as (batch, level))
    ({("feb2020", "felony"): 40, ("feb2020", "misdemeanor"): 3, ("feb2020", "infraction"): 0,
      ("sep2021", "felony"): 25, ("sep2021", "misdemeanor"): 14, ("sep2021", "infraction"): 0},
     [("feb2020", "felony"), ("feb2020", "misdemeanor"), ("sep2021", "felony"),
      ("sep2021", "misdemeanor")]),
    ({("feb2020", "felony"): 12, ("feb2020", "misdemeanor"): 2, ("feb2020", "infraction"): 1,
      ("sep2021", "felony"): 9, ("sep2021", "misdemeanor"): 13, ("sep2021", "infraction"): 4},
     [("feb2020", "misdemeanor"), ("feb2020", "infraction"), ("sep2021", "misdemeanor"),
      ("sep2021", "infraction")]),
    ({("feb2020", "felony"): 5, ("feb2020", "misdemeanor"): 6, ("feb2020", "infraction"): 7,
      ("sep2021", "felony"): 8, ("sep2021", "misdemeanor"): 9, ("sep2021", "infraction"): 3},
     [("feb2020", "felony"), ("feb2020", "infraction"), ("sep2021", "felony"),
      ("sep2021", "infraction"), ("feb2020", "misdemeanor"), ("sep2021", "misdemeanor")]),
]


@pytest.mark.parametrize(("values", "hide"), CASES)
def test_linear_programs_bound_hidden_cells_as_brute_force_does(values, hide):
    table, truth = _grid(values)
    hidden = [cell("cases", "convictions", batch=b, charge_level=lv) for b, lv in hide]
    shown = {c: v for c, v in truth.items() if c not in hidden}
    attack = Attack(cases_space(truth), shown, hidden, [table])
    expected = _brute_force(truth, hidden)
    assert {c: tuple(attack.bounds(c)) for c in hidden} == expected


def test_a_line_hiding_one_cell_gives_it_away():
    table, truth = _grid({("feb2020", "felony"): 40, ("feb2020", "misdemeanor"): 3,
                          ("feb2020", "infraction"): 0, ("sep2021", "felony"): 25,
                          ("sep2021", "misdemeanor"): 14, ("sep2021", "infraction"): 0})
    small = cell("cases", "convictions", batch="feb2020", charge_level="misdemeanor")
    shown = {c: v for c, v in truth.items() if c != small}
    found = check(Attack(cases_space(truth), shown, [small], [table]))
    assert [(v.cell, v.low, v.high) for v in found] == [(small, 3, 3)]
    assert "exactly 3" in str(found[0]) and "misdemeanor" in str(found[0])


@pytest.mark.parametrize(("values", "hide"), CASES[:2])
def test_protection_hides_every_small_count_and_passes_its_own_audit(values, hide):
    table, truth = _grid(values)
    audit = attacker([table], truth)
    plan = protect([table], truth, audit=audit)
    small = {c for c, v in truth.items() if 0 < v < 11}
    assert small <= set(plan.hidden) and plan.violations == []
    assert audit(plan.hidden, None) == []
    shown = {c: v for c, v in truth.items() if c not in plan.hidden}
    attack = Attack(cases_space(truth), shown, list(plan.hidden), [table])
    for c in small:
        low, high = attack.bounds(c)
        assert high - low + 1 >= MIN_VALUES, (c, low, high)


def test_zeros_stay_shown_unless_needed():
    table, truth = _grid({("feb2020", "felony"): 40, ("feb2020", "misdemeanor"): 30,
                          ("feb2020", "infraction"): 0, ("sep2021", "felony"): 25,
                          ("sep2021", "misdemeanor"): 14, ("sep2021", "infraction"): 0})
    plan = protect([table], truth, audit=attacker([table], truth))
    assert plan.hidden == {}


def test_protection_is_the_same_every_time():
    values, _ = CASES[1]
    table, truth = _grid(values)
    first = protect([table], truth, audit=attacker([table], truth)).hidden
    again = protect([table], dict(reversed(list(truth.items()))),
                    audit=attacker([table], truth)).hidden
    assert set(first) == set(again)
