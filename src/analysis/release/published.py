"""A published site as an attacker holds it, and the audit that plays the attacker.

The renderer writes ``release.json`` beside the pages: per case list, the cells the
site's counts stand for (source, unit, predicate), the tables that place them (rows,
totals, zeros of absent rows), the declared relations between them (people in a bin
of "2 convictions" hold twice as many convictions), the hidden label, and what readers
see of the cells published outside any CSV (data cards, the counts an estimate or a
percent rests on). The manifest names, for every CSV column of counts, the cell behind
each row; in the CSV a hidden count is empty and its flag ``COLUMN_hidden`` is true.
Neither holds a hidden count.

:func:`audit` reads only those published files. For every hidden cell it solves for
the smallest and largest value consistent with everything published, over all pages
at once (:mod:`analysis.disclosure.lp`), and reports each cell that breaks the rule,
with every shown count from 1 to 10.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..disclosure import Cell, Relation, Table
from ..disclosure.audit import MIN_VALUES, THRESHOLD, build_attacks, check
from ..words import HIDDEN_FLAG
from .tables import HIDDEN

__all__ = ["FILE", "Finding", "audit", "read", "write"]

FILE = "release.json"
FORMAT = 1


@dataclass(frozen=True)
class Finding:
    """A published count that breaks the rule, and where a reader finds it."""

    where: str  # page, table, row and column, or "release.json"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def write(site: Path, plans: Iterable[dict]) -> Path:
    """``release.json`` of the site in ``site``, from the release plans of its pages."""
    releases = []
    for plan in plans:
        releases.append({k: plan[k] for k in ("data_sha256", "cells", "hidden", "shown",
                                               "tables", "relations")})
    content = {"format": FORMAT, "label": plan_label(plans), "threshold": THRESHOLD,
               "min_values": MIN_VALUES, "releases": releases}
    target = Path(site) / FILE
    target.write_text(json.dumps(content, sort_keys=True), encoding="utf-8")
    return target


def plan_label(plans: Iterable[dict]) -> str:
    labels = {p.get("label", HIDDEN) for p in plans}
    return labels.pop() if len(labels) == 1 else HIDDEN


def read(site: Path) -> dict:
    """The site's ``release.json``; ValueError when it is missing or unreadable."""
    path = Path(site) / FILE
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: no readable release declaration ({exc})") from exc
    if content.get("format") != FORMAT:
        raise ValueError(f"{path}: release format {content.get('format')!r}, expected "
                         f"{FORMAT}")
    return content


@dataclass
class _Seen:
    """Where one cell is published and what it shows there."""

    places: list[tuple[str, str]]  # (location, text shown)


def _value(text: str) -> int | str | None:
    """A published count: a whole number, the hidden label, or None (unreadable)."""
    text = text.strip()
    if text == HIDDEN:
        return HIDDEN
    digits = text.replace(",", "")
    return int(digits) if digits.isdigit() else None


def _shown(row: dict, column: str) -> str:
    """What a CSV row shows of a count: the count when its column holds one (even where
    the flag says hidden: a reader sees it), else the hidden label where the flag
    ``COLUMN_hidden`` is true; "" when neither."""
    text = (row.get(column) or "").strip()
    if text:
        return text
    return HIDDEN if (row.get(column + HIDDEN_FLAG) or "").strip() == "true" else ""


def _observations(site: Path, entries: list[dict]) -> tuple[dict, list[Finding]]:
    """Per data sha256, per cell key, the places it is published and what they show."""
    seen: dict[str, dict[str, _Seen]] = defaultdict(dict)
    findings = []
    for entry in entries:
        sha = (entry.get("data_source") or {}).get("sha256") or ""
        for record in entry.get("csv") or []:
            declared = record.get("cells") or {}
            if not declared:
                continue
            path = Path(site) / record["path"]
            try:  # as Excel would: the byte-order mark is not part of the first name
                rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
            except OSError as exc:
                findings.append(Finding(record["path"], f"cannot be read ({exc})"))
                continue
            for column, keys in declared.items():
                for i, key in enumerate(keys):
                    if not key:
                        continue
                    text = _shown(rows[i], column) if i < len(rows) else ""
                    where = (f"page {entry.get('page')}, table {record['name']}, row "
                             f"{i + 1}, column {column!r}")
                    seen[sha].setdefault(key, _Seen([])).places.append((where, text))
    return seen, findings


def audit(site: Path, entries: list[dict] | None = None) -> list[Finding]:
    """Every published count of ``site`` that breaks the rule (empty: the site passes).

    ``entries`` are the manifest's pages (read from the site when not given).
    """
    site = Path(site)
    if entries is None:
        from ..site.manifest import read_manifest

        entries = read_manifest(site).get("pages", [])
    declared = read(site)
    seen, findings = _observations(site, entries)
    for release in declared["releases"]:
        findings += _audit_release(release, seen.get(release["data_sha256"], {}))
    unknown = set(seen) - {r["data_sha256"] for r in declared["releases"]}
    findings += [Finding(FILE, f"pages publish counts of data {sha[:12]} that no release "
                         "declares") for sha in sorted(unknown) if seen[sha]]
    return findings


def _audit_release(release: dict, seen: dict[str, _Seen]) -> list[Finding]:
    cells = {k: Cell.from_json(v) for k, v in release["cells"].items()}
    findings: list[Finding] = []
    shown: dict[Cell, float] = {}
    hidden: set[Cell] = set()
    where: dict[Cell, str] = {}
    for key, obs in seen.items():
        if key not in cells:
            findings.append(Finding(obs.places[0][0], "publishes a count no release "
                                    "declares"))
            continue
        c = cells[key]
        where[c] = obs.places[0][0]
        values = {}
        for place, text in obs.places:
            value = _value(text)
            if value is None:
                findings.append(Finding(place, f"shows {text!r}, neither a count nor the "
                                        f"label {HIDDEN!r}"))
            else:
                values[place] = value
        distinct = set(values.values())
        if len(distinct) > 1:
            findings.append(Finding(where[c], "is shown differently elsewhere: " + "; ".join(
                f"{p} shows {v}" for p, v in values.items())))
        for value in distinct:
            if value == HIDDEN:
                hidden.add(c)
            else:
                shown[c] = float(value)
    for key, value in release.get("shown", {}).items():
        c = cells[key]
        where.setdefault(c, "outside a table (a data card, or what an estimate or a "
                            "percent rests on)")
        if value == HIDDEN:
            hidden.add(c)
        else:
            shown.setdefault(c, float(value))
    tables = [Table.from_json(t, cells) for t in release["tables"]]
    for t in release["tables"]:
        for key in t.get("zeros") or []:
            shown.setdefault(cells[key], 0.0)  # an absent row counts nobody
    hidden -= set(shown)  # a cell shown anywhere is known
    for c, value in shown.items():
        if 0 < value < THRESHOLD:
            findings.append(Finding(where.get(c, FILE), f"shows {value:,.0f}, a count "
                                    f"from 1 to {THRESHOLD - 1}"))
    relations = [Relation.from_json(r) for r in release["relations"]]
    for attack in build_attacks(shown, hidden, tables, relations):
        try:
            found = check(attack)
        except ValueError as exc:  # no counts fit what is published
            findings.append(Finding(FILE, f"the published {attack.space.source} counts "
                                    f"contradict one another: {exc}"))
            continue
        findings += [Finding(where.get(v.cell, FILE), _interval(v)) for v in found]
    return findings


def _interval(v) -> str:
    return (f"hidden {v.cell.unit} ({v.where}), but everything published narrows it to "
            f"{v.span}: fewer than {v.need} values")


def __dir__() -> list[str]:
    return sorted(__all__)
