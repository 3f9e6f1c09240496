"""Arrest extracts: a documented spec, and a loader driven by a mapping file.

Police departments publish arrests in their own layouts and codes. A researcher brings
an extract (CSV) and a small YAML mapping that says which column holds each field of the
spec and what each code means; :func:`read_arrests` returns a typed frame in the spec or
raises :class:`analysis.ingest.ValidationError` listing every problem with file, row,
column, value and rule. The project ships the mapping for the LAPD open-data marijuana
arrests (``data/mappings/lapd_marijuana_arrests.yml``); the data itself is read in place
from the shared folder and never copied.

The spec (:data:`SPEC`) is one row per arrest: ``year`` (Int16, 1950 to this year),
``race_ethnicity`` (one of :data:`analysis.schema.RACES`), ``charge_level`` and
``charge`` (one of :data:`CHARGES`, the most serious charge); docs/data.md's table of it
is :func:`markdown_table`. Every other column of the extract (report numbers, ages,
names) is dropped on reading, so it never reaches a page.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from . import ingest, paths, schema
from .checksum import sha256_file
from .ingest import MAX_ERRORS, Problem, Rule, ValidationError

__all__ = [
    "CHARGES", "CODED", "EARLIEST_YEAR", "FIELDS", "LAPD_FILE", "LAPD_MAPPING", "MAPPING_KEYS",
    "SCHEMA", "SPEC", "ArrestSource", "Charge", "Mapping", "SpecField", "codes_found",
    "default_path", "describe_arrests", "how_to_get", "load_mapping", "markdown_table",
    "read_arrests",
]

LAPD_FILE = "lapd_marijuana_arrests_2010_2019.csv"
LAPD_MAPPING = paths.MAPPINGS / "lapd_marijuana_arrests.yml"
EARLIEST_YEAR = 1950

CHARGES = ("possession", "possession_for_sale", "sale_transport", "cultivation",
           "public_consumption", "other")
Charge = pl.Enum(list(CHARGES))


@dataclass(frozen=True)
class SpecField:
    """One field of the arrest spec."""

    name: str
    dtype: pl.DataType
    allowed: tuple[str, ...] | None  # canonical values of a coded field; None for year
    description: str


SPEC: tuple[SpecField, ...] = (
    SpecField("year", pl.Int16, None,
              f"Calendar year of the arrest, {EARLIEST_YEAR} to this year. The column may "
              "hold a year or a date (give `date_format`)."),
    SpecField("race_ethnicity", schema.Race, schema.RACES,
              "Race/ethnicity: " + ", ".join(schema.RACES) + "."),
    SpecField("charge_level", schema.ChargeLevel, schema.CHARGE_LEVELS,
              "felony, misdemeanor or infraction."),
    SpecField("charge", Charge, CHARGES,
              "Most serious cannabis charge: " + ", ".join(CHARGES) + "."),
)
FIELDS = tuple(f.name for f in SPEC)
SCHEMA = pl.Schema({f.name: f.dtype for f in SPEC})
CODED = {f.name: f.allowed for f in SPEC if f.allowed is not None}


def markdown_table() -> str:
    """The spec as a Markdown table, for docs/data.md."""
    lines = ["| field | type | meaning |", "|---|---|---|"]
    for f in SPEC:
        kind = "Enum" if isinstance(f.dtype, pl.Enum) else str(f.dtype)
        lines.append(f"| `{f.name}` | {kind} | {f.description} |")
    return "\n".join(lines)


# --- the mapping file ----------------------------------------------------------------------


@dataclass(frozen=True)
class Mapping:
    """A parsed mapping: where each field lives in the extract and what codes mean."""

    path: Path
    name: str
    columns: dict[str, str]  # field -> column of the extract
    codes: dict[str, dict[str, str]]  # field -> {code in the extract: canonical value}
    unmapped: dict[str, str] = field(default_factory=dict)  # field -> value for other codes
    date_format: str | None = None  # when the year column holds dates
    file: str | None = None  # default extract, a file name in the shared data folder
    geography: str = ""
    notes: str = ""

    def table(self) -> pl.DataFrame:
        """Every code and what it maps to, for a page."""
        rows = [{"field": f, "column in the extract": self.columns[f], "code": code,
                 "maps to": value} for f in CODED for code, value in self.codes[f].items()]
        rows += [{"field": f, "column in the extract": self.columns[f],
                  "code": "(any other)", "maps to": value} for f, value in self.unmapped.items()]
        return pl.DataFrame(rows, schema={"field": pl.String, "column in the extract": pl.String,
                                          "code": pl.String, "maps to": pl.String})


MAPPING_KEYS = ("name", "file", "geography", "notes", "columns", "codes", "unmapped",
                "date_format")  # the keys a mapping file may have
_Complaint = tuple[str, str | None, object]  # what is wrong: message, key, value


def _code_key(code: str) -> str:
    """A code as matched: case and repeated spaces ignored."""
    return " ".join(str(code).split()).casefold()


def load_mapping(path: str | Path | None = None) -> Mapping:
    """Read and check a mapping file (the shipped LAPD mapping by default); raises
    :class:`ValidationError` listing every problem, each under the rule ``mapping``."""
    path = Path(path) if path else LAPD_MAPPING
    doc = ingest.read_mapping_file(path, expected="'columns' and 'codes'")
    complaints: list[_Complaint] = [
        (f"unknown key (expected {', '.join(sorted(MAPPING_KEYS))})", str(key), None)
        for key in doc if key not in MAPPING_KEYS]
    columns = _columns(doc.get("columns"), complaints)
    sections = {key: doc.get(key) or {} for key in ("codes", "unmapped")}
    for key, message in (("codes", "'codes' must map each coded field to its codes"),
                         ("unmapped", "'unmapped' must map fields to a value")):
        if not isinstance(sections[key], dict):
            complaints.append((message, key, None))
            sections[key] = {}
    codes = _codes(sections["codes"], complaints)
    unmapped = _unmapped(sections["unmapped"], complaints)
    if complaints:
        raise ValidationError([
            Problem(str(path), "mapping", message, column=column,
                    value=None if value is None else str(value))
            for message, column, value in complaints])
    return Mapping(path=path, name=str(doc.get("name") or path.stem),
                   columns={f: columns[f].strip() for f in FIELDS}, codes=codes,
                   unmapped=unmapped, date_format=doc.get("date_format"),
                   file=doc.get("file"), geography=str(doc.get("geography") or ""),
                   notes=str(doc.get("notes") or "").strip())


def _columns(columns: object, complaints: list[_Complaint]) -> dict:
    """``columns``: every spec field and the extract column holding it."""
    if not isinstance(columns, dict):
        complaints.append(("'columns' must map each field to a column name", "columns", None))
        columns = {}
    complaints += [("no column given for this field", f"columns.{f}", None) for f in FIELDS
                   if not isinstance(columns.get(f), str) or not columns.get(f).strip()]
    complaints += [(f"not a field of the arrest spec ({', '.join(FIELDS)})", f"columns.{key}",
                    None) for key in columns if key not in FIELDS]
    return columns


def _codes(doc: dict, complaints: list[_Complaint]) -> dict[str, dict[str, str]]:
    """``codes``: for each coded field, every code and the canonical value it means."""
    codes: dict[str, dict[str, str]] = {}
    for f, allowed in CODED.items():
        table = doc.get(f)
        if not isinstance(table, dict) or not table:
            complaints.append(("list the codes of this field and their meaning",
                               f"codes.{f}", None))
            continue
        codes[f] = {}
        for code, value in table.items():
            if str(value) not in allowed:
                complaints.append((f"maps to a value outside {', '.join(allowed)}",
                                   f"codes.{f}", f"{code}: {value}"))
            codes[f][str(code)] = str(value)
    complaints += [(f"not a coded field ({', '.join(CODED)})", f"codes.{key}", None)
                   for key in doc if key not in CODED]
    return codes


def _unmapped(doc: dict, complaints: list[_Complaint]) -> dict[str, str]:
    """``unmapped``: the canonical value of codes a field's list leaves out."""
    unmapped: dict[str, str] = {}
    for f, value in doc.items():
        if f not in CODED:
            complaints.append((f"not a coded field ({', '.join(CODED)})", f"unmapped.{f}",
                               None))
        elif str(value) not in CODED[f]:
            complaints.append((f"must be one of {', '.join(CODED[f])}", f"unmapped.{f}",
                               value))
        else:
            unmapped[f] = str(value)
    return unmapped


# --- reading an extract -------------------------------------------------------------------


def default_path(mapping: Mapping | None = None) -> Path:
    """The extract a mapping names, in the shared data folder (the LAPD file by default)."""
    return paths.shared_file((mapping.file if mapping and mapping.file else None) or LAPD_FILE)


def read_arrests(path: str | Path | None = None, mapping: str | Path | Mapping | None = None,
                 *, max_errors: int = MAX_ERRORS, encoding: str | None = None,
                 today: dt.date | None = None) -> pl.DataFrame:
    """The typed arrest frame (:data:`SCHEMA`) of an extract; raises ValidationError.

    ``path`` defaults to the file the mapping names in the shared data folder;
    ``mapping`` to the shipped LAPD mapping. Codes are matched ignoring case and
    repeated spaces. Row numbers count data rows from 1; wholly blank lines are skipped.
    A capped listing keeps the problems of the first rows.
    """
    mapping = mapping if isinstance(mapping, Mapping) else load_mapping(mapping)
    path = Path(path) if path else default_path(mapping)
    name = str(path)
    raw = _read_extract(path, encoding, mapping)
    fields = [pl.col(mapping.columns[f]).str.strip_chars().alias(f) for f in FIELDS]
    checked = (
        # number rows as in the file, then skip wholly blank lines
        ingest.rows_in_file(raw, fields, name)
        # blank cells are missing values
        .with_columns(ingest.blank_as_null(FIELDS))
        # each field parsed beside its text: a year, or a canonical value
        .with_columns(**{f"_p_{f}": expr for f, expr in _parsers(mapping).items()})
    )
    problems, total = ingest.run_rules(
        checked, _rules(mapping, today or dt.date.today()), name, max_errors=max_errors,
        keep="by-row", names=mapping.columns)
    if total:  # the cap limits the listing, never the decision
        raise ValidationError(problems, total)
    return checked.select(pl.col(f"_p_{f}").cast(dtype).alias(f) for f, dtype in SCHEMA.items())


def _read_extract(path: Path, encoding: str | None, mapping: Mapping) -> pl.DataFrame:
    """Every column of an extract as text, named as in its header.

    A name repeated in the header is a problem when the mapping uses it; otherwise only
    its first column is kept (the others are never read). A column the mapping names
    and the header lacks is a problem.
    """
    name = str(path)
    wanted = tuple(mapping.columns.values())
    header, frame = ingest.read_table(path, encoding=encoding)
    frame = ingest.as_text(frame, header, name, required=wanted)
    if frame.height == 0:
        raise ValidationError.one(name, "empty", "the file has a header but no data rows")
    raw = ingest.first_of_each(
        frame, header, name, judged=wanted, clash=lambda first, again: (
            f"the column {ingest.shown(repr(header[again]))} appears twice in the header"))
    missing = [c for c in dict.fromkeys(wanted) if c not in raw.columns]
    if missing:
        raise ValidationError([Problem(
            name, "required-column", f"the mapping {mapping.path.name} names this column but "
            f"the header has only: {', '.join(raw.columns)}", column=c) for c in missing])
    return raw


def codes_found(path: str | Path | None = None, mapping: str | Path | Mapping | None = None,
                *, encoding: str | None = None) -> pl.DataFrame:
    """The codes an extract holds, field by field, and the value each maps to (no counts:
    a page counts them through its release tables). Columns: ``field``, ``column in the
    extract``, ``code`` (as the file spells it, spaces trimmed), ``maps to`` (blank for a
    code the mapping leaves out)."""
    mapping = mapping if isinstance(mapping, Mapping) else load_mapping(mapping)
    path = Path(path) if path else default_path(mapping)
    raw = _read_extract(path, encoding, mapping)
    rows = []
    for f in CODED:
        lookup = {_code_key(code): value for code, value in mapping.codes[f].items()}
        found = raw[mapping.columns[f]].str.strip_chars().drop_nulls().unique().sort()
        rows += [{"field": f, "column in the extract": mapping.columns[f], "code": code,
                  "maps to": lookup.get(_code_key(code), mapping.unmapped.get(f))}
                 for code in found.to_list() if code]
    return pl.DataFrame(rows, schema={"field": pl.String, "column in the extract": pl.String,
                                      "code": pl.String, "maps to": pl.String})


def _parsers(mapping: Mapping) -> dict[str, pl.Expr]:
    """Each field's parsed value: the year (from a year or a date), or the canonical
    value of a code (null when the mapping has no meaning for it)."""
    if mapping.date_format:
        year = pl.col("year").str.to_date(mapping.date_format, strict=False).dt.year()
    else:
        year = pl.col("year").str.extract(r"^(\d{4})(?:\.0+)?$", 1).cast(pl.Int32, strict=False)
    parsed = {"year": year}
    for f in CODED:
        lookup = {_code_key(code): value for code, value in mapping.codes[f].items()}
        folded = pl.col(f).str.replace_all(r"\s+", " ").str.to_lowercase()
        default = mapping.unmapped.get(f)
        parsed[f] = folded.replace_strict(lookup, default=pl.lit(default, pl.String),
                                          return_dtype=pl.String)
    return parsed


def _rules(mapping: Mapping, today: dt.date) -> list[Rule]:
    """The rules on an extract's fields (the year's depend on the mapping and the day)."""
    how = ("a year (YYYY)" if not mapping.date_format
           else f"a date in the format {mapping.date_format}")
    return [
        *(Rule("missing-value", f, pl.col(f).is_null(), "a value is required") for f in FIELDS),
        Rule("year-format", "year", pl.col("year").is_not_null() & pl.col("_p_year").is_null(),
             f"not {how}"),
        Rule("year-range", "year",
             (pl.col("_p_year") < EARLIEST_YEAR) | (pl.col("_p_year") > today.year),
             f"the year must fall between {EARLIEST_YEAR} and {today.year}"),
        *(Rule("unknown-code", f, pl.col(f).is_not_null() & pl.col(f"_p_{f}").is_null(),
               f"this code is not in the mapping's codes for {f} ({mapping.path.name}); add "
               f"it there, or set unmapped.{f}") for f in CODED),
    ]


# --- provenance --------------------------------------------------------------------------


@dataclass(frozen=True)
class ArrestSource:
    """What a page says about an arrest extract."""

    path: Path
    sha256: str
    manifest: dict | None  # the entry of data/sources/manifest.json for this file name

    @property
    def matches_manifest(self) -> bool | None:
        return None if self.manifest is None else self.manifest["sha256"] == self.sha256

    @property
    def label(self) -> str:
        if self.manifest is not None:
            return f"{self.manifest['title']} ({self.manifest['origin']})"
        return f"user-supplied arrest file {self.path.name}"


def describe_arrests(path: str | Path | None = None) -> ArrestSource:
    """The extract at ``path`` (the default extract when None): its checksum and its
    entry in ``data/sources/manifest.json``, if it has one."""
    path = Path(path) if path else default_path()
    manifest = json.loads((paths.SOURCES / "manifest.json").read_text(encoding="utf-8"))
    entry = next((e for e in manifest["files"] if e["file"] == path.name), None)
    return ArrestSource(path, sha256_file(path), entry)


def how_to_get(path: str | Path | None = None) -> str:
    """Markdown telling a reader how to obtain the arrest file when it is missing (the
    file named as published files name it: no folder of this machine)."""
    path = Path(path) if path else default_path()
    return (
        f"**The arrest file was not found** (`{paths.public_path(path)}`, where `shared:` "
        "is the shared data folder), so this page shows no arrest "
        "figures.\n\n"
        "To build it: put the public LAPD extract "
        f"`{LAPD_FILE}` (City of Los Angeles open data, \"Marijuana Data\", dataset "
        "yimz-8uqv, as cleaned in the public repository trinitylakin/CAnD3-Dragons-Den) in "
        "the shared data folder, or set `LACRA_SHARED_DATA` to the folder holding it, or "
        "pass the file's path as this page's `arrests_path` parameter. Its expected "
        "checksum is listed in `data/sources/manifest.json`. Another department's extract "
        "works too, with a mapping file (see docs/data.md, \"Arrest extracts\").")


def __dir__() -> list[str]:
    return sorted(__all__)
