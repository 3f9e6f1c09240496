"""``datapackage.json``: every published CSV described as a Frictionless Data Package.

One tabular resource per CSV the pages publish (the manifest's ``csv`` records): its
path, its title (the table's caption), the page it belongs to, and a schema naming each
column's type (read from the file as written), its header in words, its unit and what
its figures rest on (the record's ``basis``, :mod:`analysis.provenance`). A hidden
count is an empty value (the schema's missing value) and its ``COLUMN_hidden`` flag is
true. The package carries the project's licence and its sources: each page's data
(synthetic default, or a real file by checksum) and every published source a column
cites. Written beside ``index.html`` when the site is assembled.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from ..outputs import CSV_ENCODING
from ..words import HIDDEN_FLAG, column_label, is_share

__all__ = ["FILE", "LICENSE", "describe", "write"]

FILE = "datapackage.json"
# The project's licence (pyproject.toml's ``license``), which the published tables share.
LICENSE = {"name": "MIT", "title": "MIT License", "path": "https://opensource.org/license/mit"}
# the few columns whose names say they hold percents ("..., percent", "bias (%)")
_PERCENT = re.compile(r", percent$|\(%")
_TYPES = (("boolean", re.compile(r"true|false")), ("integer", re.compile(r"-?\d+")),
          ("number", re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?|NaN|-?inf", re.I)))


def write(site: Path, entries: list[dict], title: str) -> Path:
    """Write ``datapackage.json`` for the pages ``entries`` describe (their CSVs are in
    ``site`` already)."""
    target = Path(site) / FILE
    content = describe(site, entries, title)
    target.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    return target


def describe(site: Path, entries: list[dict], title: str) -> dict:
    """The package descriptor of the site in ``site``."""
    resources, sources = [], {}
    for entry in entries:
        data = entry.get("data_source") or {}
        if data.get("description"):
            sources[data["description"]] = _data_source(data)
        for record in entry.get("csv") or []:
            resources.append(_resource(Path(site), entry, record))
            for tag in (record.get("basis") or {}).values():
                if tag.startswith("published: "):
                    sources.setdefault(tag, {"title": tag.removeprefix("published: ")})
    return {"profile": "tabular-data-package", "name": "la-cannabis-relief-analytics",
            "title": f"{title}: the published tables",
            "description": ("Every table the site's pages publish, as CSV: numbers as "
                            "numbers (shares as fractions from 0 to 1), each hidden count "
                            f"empty with its {HIDDEN_FLAG[1:]} flag column true, estimates "
                            "and their bounds in columns of their own; UTF-8 with a "
                            "byte-order mark."),
            "licenses": [LICENSE], "sources": list(sources.values()),
            "resources": resources}


def _data_source(data: dict) -> dict:
    """A page's data as a package source: what it is, and which file by checksum."""
    out = {"title": data["description"]}
    if data.get("sha256"):
        out["description"] = (f"{'synthetic' if data.get('synthetic') else 'real'} file "
                              f"{data.get('file')}, sha256 {data['sha256']}")
    return out


def _resource(site: Path, entry: dict, record: dict) -> dict:
    """One CSV as a tabular data resource."""
    header, columns = _columns(site / record["path"])
    basis = record.get("basis") or {}
    counted = set(record.get("cells") or {})
    fields = [_field(name, columns[name], header, basis.get(name), name in counted)
              for name in header]
    return {"name": f"{entry['page']}.{record['name']}".lower(), "path": record["path"],
            "title": record["caption"] or record["name"], "profile": "tabular-data-resource",
            "description": f"A table of the page {entry['title']!r} ({entry['page']}.html).",
            "format": "csv", "mediatype": "text/csv", "encoding": CSV_ENCODING,
            "schema": {"fields": fields, "missingValues": [""]}}


def _columns(path: Path) -> tuple[list[str], dict[str, list[str]]]:
    """A CSV's header and its values by column, read as written."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding=CSV_ENCODING))))
    header = rows[0] if rows else []
    return header, {name: [r[i] for r in rows[1:] if i < len(r)]
                    for i, name in enumerate(header)}


def _field(name: str, values: list[str], header: list[str], basis: str | None,
           counted: bool) -> dict:
    """A column's field descriptor: its type, its words, its unit and its basis."""
    flagged = f"{name}{HIDDEN_FLAG}" in header
    given = [v for v in values if v != ""]
    kind = next((k for k, pattern in _TYPES if all(pattern.fullmatch(v) for v in given)),
                "string") if given else ("integer" if flagged else "string")
    field = {"name": name, "type": kind, "title": column_label(name),
             "description": _description(name, header, counted, flagged)}
    if is_share(name) and kind == "number":
        field["unit"] = "fraction (0 to 1)"
    elif _PERCENT.search(name) and kind in ("number", "integer"):
        field["unit"] = "percent (0 to 100), as the column's name says"
    elif counted:
        field["unit"] = name.replace("_", " ")
    if basis:
        field["basis"] = basis
    return field


def _description(name: str, header: list[str], counted: bool, flagged: bool) -> str:
    """What a column holds, in a sentence."""
    from ..release.tables import HIDDEN  # lazily: the release needs polars

    of = name[:-len(HIDDEN_FLAG)]
    if name.endswith(HIDDEN_FLAG) and of in header:
        return (f"true where the count in {of!r} is hidden to protect the people it "
                f"describes (the page shows {HIDDEN!r}); {of!r} is then empty")
    for suffix, bound in (("_low", "lower"), ("_high", "upper")):
        if name.endswith(suffix) and name[:-len(suffix)] in header:
            return f"the {bound} bound of {name[:-len(suffix)]!r}"
        if name.endswith(suffix) and f"{name[:-len(suffix)]}_low" in header:
            return f"the {bound} end of the range {name[:-len(suffix)]!r} the page shows"
    said = column_label(name)
    if is_share(name):
        said += ", as a fraction from 0 to 1 (the page shows a percent)"
    if counted:
        said += "; a count of the page's data, published under the site's protection"
    if flagged:
        said += f"; empty where hidden ({name}{HIDDEN_FLAG} is true)"
    return said


def __dir__() -> list[str]:
    return sorted(__all__)
