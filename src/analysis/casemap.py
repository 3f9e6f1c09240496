"""Case-list mapping files: how one export's layout maps onto the case schema.

Court and prosecutor exports name their columns and spell their codes in their own way,
and carry identifying columns (names, dates of birth, booking numbers) beside the
facts. A mapping file (YAML, documented in docs/data.md, "Case-list mapping"; example
``data/mappings/court_export_example.yml``) says which export column holds each schema
field, extra spellings of closed categories, values shared by the whole list, the
columns a person id is hashed from and the column a case id is hashed from
(:mod:`analysis.pseudonym`), and which fields to derive. :func:`load_mapping` checks a
file and lists every problem at once; :func:`apply` turns an export (as
:func:`analysis.ingest.read_table` gives it) into the text frame
:func:`analysis.validate.check_frame` judges. Every column the mapping does
not name, and the identifying columns once hashed, are dropped there: their values go
no further, and no message ever shows them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from . import ingest, pseudonym, schema
from .checksum import sha256_file
from .ingest import Problem, ValidationError, shown

__all__ = ["BOOLEANS", "CODED", "DERIVABLE", "MAPPING_KEYS", "CaseMapping", "apply",
           "load_mapping"]

MAPPING_KEYS = ("name", "notes", "sheet", "date_format", "columns", "constants", "codes",
                "person_id", "case_id", "derive")
BOOLEANS = ("found_in_doj", "found_in_court")
CODED = (*schema.CATEGORIES, *BOOLEANS)  # the fields ``codes`` may give spellings for
# Fields a mapping may derive, and how (where the export leaves them blank or lacks them).
DERIVABLE = {
    "prosecuting_agency": "from the charge level and the jurisdiction (schema.expected_agency)",
    "motion_date": "from the batch (the day its motion was filed)",
    "count": "numbering the rows of each case 1, 2, ... in file order",
}
_NOT_CONSTANT = ("case_id", "person_id", "count", "conviction_date")
_DERIVED_ALWAYS = ("offense_type",)  # the validator derives it from the section
_ALIASES = {"batch": schema.BATCH_ALIASES, "charge_level": schema.LEVEL_ALIASES,
            "race_ethnicity": schema.RACE_ALIASES, "offense_type": schema.OFFENSE_ALIASES,
            "relief_granted": schema.RELIEF_ALIASES}


@dataclass(frozen=True)
class CaseMapping:
    """A checked mapping file. ``codes`` keys are folded (case and spaces ignored)."""

    path: Path
    sha256: str
    name: str
    columns: dict[str, str] = field(default_factory=dict)  # field -> export column
    constants: dict[str, str] = field(default_factory=dict)  # field -> canonical value
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    person_from: tuple[str, ...] = ()  # columns the person id is hashed from
    case_from: tuple[str, ...] = ()  # the court case number column the case id is hashed from
    derive: frozenset[str] = frozenset()
    sheet: str | None = None
    date_format: str | None = None
    notes: str = ""

    def labels(self) -> dict[str, str]:
        """How messages name each field: the export's column, or where it came from."""
        out = {f: c for f, c in self.columns.items()}
        out |= {f: f"{f} (constant of the mapping)" for f in self.constants}
        out |= {f: f"{f} (derived)" for f in self.derive if f not in self.columns}
        if self.person_from:
            out["person_id"] = f"person_id (hashed from {' + '.join(self.person_from)})"
        if self.case_from:
            out["case_id"] = f"case_id (hashed from {' + '.join(self.case_from)})"
        return out

    def used_columns(self) -> tuple[str, ...]:
        """Every export column the mapping reads, in order, once each."""
        return tuple(dict.fromkeys([*self.columns.values(), *self.person_from,
                                    *self.case_from]))


# --- reading and checking a mapping file -----------------------------------------------

_Complaints = list[tuple[str, str, str | None]]  # message, key, value


def load_mapping(path: str | Path) -> CaseMapping:
    """Read and check a mapping file; raises :class:`ValidationError` listing every
    problem (rule ``mapping``, the key as the column)."""
    path = Path(path).expanduser()
    doc = ingest.read_mapping_file(path, expected="'columns' (see docs/data.md)",
                                   scalars_as_text=True)
    bad: _Complaints = [(f"unknown key (expected one of {', '.join(MAPPING_KEYS)})",
                         str(k), None) for k in doc if k not in MAPPING_KEYS]
    columns = _columns(_section(doc, "columns", dict, bad), bad)
    constants = _constants(_section(doc, "constants", dict, bad), bad)
    codes = _codes(_section(doc, "codes", dict, bad), bad)
    person = _person(doc.get("person_id"), bad)
    case = _case(doc.get("case_id"), bad)
    derive = _derive(_section(doc, "derive", list, bad), bad)
    for key in ("sheet", "date_format", "name", "notes"):
        if not isinstance(doc.get(key, ""), str):
            bad.append(("must be text", key, None))
    if "%" not in (doc.get("date_format") or "%"):
        bad.append(("a date format uses % codes, e.g. '%m/%d/%Y'", "date_format",
                    str(doc.get("date_format"))))
    _conflicts(columns, constants, person, case, derive, bad)
    if bad:
        raise ValidationError([Problem(str(path), "mapping", m, column=k, value=v)
                               for m, k, v in bad])
    return CaseMapping(
        path=path, sha256=sha256_file(path), name=str(doc.get("name") or path.stem),
        columns=columns, constants=constants, codes=codes, person_from=person,
        case_from=case, derive=frozenset(derive), sheet=doc.get("sheet") or None,
        date_format=doc.get("date_format") or None, notes=str(doc.get("notes", "")).strip())


def _section(doc: dict, key: str, kind: type, bad: _Complaints):
    value = doc.get(key) or kind()
    if not isinstance(value, kind):
        bad.append((f"must be a {'mapping' if kind is dict else 'list'}", key, None))
        return kind()
    return value


def _columns(doc: dict, bad: _Complaints) -> dict[str, str]:
    out = {}
    for f, column in doc.items():
        if f not in schema.COLUMNS:
            bad.append(("not a field of the case schema", f"columns.{f}", None))
        elif not isinstance(column, str) or not column.strip():
            bad.append(("give the export's column name", f"columns.{f}", None))
        else:
            out[f] = column.strip()
    return out


def _canonical(f: str, text: str) -> str | None:
    """``text`` as the canonical value of field ``f`` (text), or None when it is not
    one of its values."""
    text = text.strip()
    if f in BOOLEANS:
        low = text.lower()
        return "true" if low in schema.TRUE_STRINGS else (
            "false" if low in schema.FALSE_STRINGS else None)
    if f in schema.CATEGORIES:
        try:
            return schema.category(f, text)
        except ValueError:
            return _ALIASES.get(f, {}).get(text.lower())
    if f == "motion_date":
        for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
            try:
                return dt.datetime.strptime(text, fmt).date().isoformat()
            except ValueError:
                pass
        return None
    return text or None


def _choices(f: str) -> str:
    if f in BOOLEANS:
        return "true or false"
    if f in schema.CATEGORIES:
        return ", ".join(schema.CATEGORIES[f])
    return "a date (YYYY-MM-DD)" if f == "motion_date" else "text"


def _constants(doc: dict, bad: _Complaints) -> dict[str, str]:
    out = {}
    for f, value in doc.items():
        key = f"constants.{f}"
        if f not in schema.COLUMNS:
            bad.append(("not a field of the case schema", key, None))
        elif f in _NOT_CONSTANT:
            bad.append(("differs from row to row, so it cannot be a constant", key, None))
        elif not isinstance(value, str) or _canonical(f, value) is None:
            bad.append((f"not a value of {f} ({_choices(f)})", key, str(value)))
        else:
            out[f] = _canonical(f, value)
    return out


def _codes(doc: dict, bad: _Complaints) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for f, table in doc.items():
        key = f"codes.{f}"
        if f not in CODED:
            bad.append((f"not a coded field ({', '.join(CODED)})", key, None))
            continue
        if not isinstance(table, dict) or not table:
            bad.append(("list each code of the export and the value it means", key, None))
            continue
        out[f] = {}
        for code, value in table.items():
            canonical = _canonical(f, value) if isinstance(value, str) else None
            if canonical is None:
                bad.append((f"maps to a value outside {_choices(f)}", key, f"{code}: {value}"))
            else:
                out[f][" ".join(code.split()).casefold()] = canonical
    return out


def _person(doc: object, bad: _Complaints) -> tuple[str, ...]:
    if doc is None:
        return ()
    names = doc.get("hash") if isinstance(doc, dict) else None
    if not isinstance(names, list) or not names or not all(
            isinstance(n, str) and n.strip() for n in names):
        bad.append(("give 'hash:' and the list of columns the person id is made from, e.g. "
                    "[Defendant Name, Date of Birth]", "person_id", None))
        return ()
    bad += [("unknown key (expected hash)", f"person_id.{k}", None) for k in doc if k != "hash"]
    return tuple(n.strip() for n in names)


def _case(doc: object, bad: _Complaints) -> tuple[str, ...]:
    if doc is None:
        return ()
    names = doc.get("hash") if isinstance(doc, dict) else None
    if not isinstance(names, list) or len(names) != 1 or not isinstance(names[0], str) \
            or not names[0].strip():
        bad.append(("give 'hash:' and the one column holding the court case number, e.g. "
                    "[Case Number]", "case_id", None))
        return ()
    bad += [("unknown key (expected hash)", f"case_id.{k}", None) for k in doc if k != "hash"]
    return (names[0].strip(),)


def _derive(doc: list, bad: _Complaints) -> list[str]:
    unknown = [f for f in doc if f not in DERIVABLE]
    bad += [(f"cannot be derived (derivable: {', '.join(DERIVABLE)})", "derive", str(f))
            for f in unknown]
    return [f for f in doc if f in DERIVABLE]


def _conflicts(columns: dict, constants: dict, person: tuple, case: tuple, derive: list,
               bad: _Complaints) -> None:
    """Each field has one source, and every required field has one."""
    bad += [("a field is either a column or a constant, not both", f"constants.{f}", None)
            for f in constants if f in columns]
    bad += [(f"{f} is a constant; it needs no derivation", "derive", f)
            for f in derive if f in constants]
    if "count" in derive and "count" in columns:
        bad.append(("count is a column; it cannot also be numbered", "derive", "count"))
    if person and "person_id" in columns:
        bad.append(("the person id is either a column or a hash, not both", "person_id", None))
    if case and "case_id" in columns:
        bad.append(("the case id is either a column or a hash, not both", "case_id", None))
    given = {*columns, *constants, *derive, *(("person_id",) if person else ()),
             *(("case_id",) if case else ())}
    bad += [("no column, constant or derivation gives this required field",
             f"columns.{f}", None)
            for f in schema.REQUIRED if f not in given and f not in _DERIVED_ALWAYS]


# --- applying a mapping to an export --------------------------------------------------


def apply(mapping: CaseMapping, header: list[str], frame: pl.DataFrame,
          file: str) -> tuple[pl.DataFrame, list[Problem]]:
    """The export's rows as the schema's fields (text; :data:`analysis.ingest.ROW`
    numbering them as in the file, wholly blank lines left out) and the warnings.

    Raises ValidationError listing every header problem at once: a column the mapping
    names that the header lacks, or holds twice. Nothing but the fields leaves here.
    """
    found = {c: _find(header, c) for c in mapping.used_columns()}
    position = {c: at[0] for c, at in found.items() if at}
    counts = {c: len(at) for c, at in found.items()}
    problems = [Problem(file, "required-column", f"the mapping {mapping.path.name} names "
                        f"this column but the header has only: {shown(', '.join(header))}",
                        column=c) for c, n in counts.items() if n == 0]
    problems += [Problem(file, "header", f"the column {shown(repr(c))} appears {n} times "
                         "in the header; the mapping cannot tell which to read", column=c)
                 for c, n in counts.items() if n > 1]
    if problems:
        raise ValidationError(problems)
    text = ingest.as_text(frame, list(header), file, required=mapping.used_columns())
    col = {c: pl.nth(position[c]) for c in mapping.used_columns()}
    picked = [col[c].str.strip_chars().alias(f) for f, c in mapping.columns.items()]
    if mapping.person_from:
        picked.append(pseudonym.key_text([text.columns[position[c]]
                                          for c in mapping.person_from]).alias("_person"))
    if mapping.case_from:
        picked.append(pseudonym.case_number_text(text.columns[position[mapping.case_from[0]]])
                      .alias("_case"))
    rows = ingest.rows_in_file(text, picked, file)  # the identifying columns end here
    if mapping.person_from:
        rows = rows.with_columns(person_id=pseudonym.person_ids(rows["_person"])).drop("_person")
    if mapping.case_from:
        rows = rows.with_columns(case_id=pseudonym.case_ids(rows["_case"])).drop("_case")
    rows = rows.with_columns(pl.lit(v, pl.String).alias(f) for f, v in mapping.constants.items())
    if "count" in mapping.derive:
        rows = rows.with_columns(count=(pl.int_range(pl.len()).over(
            pl.col("case_id").str.strip_chars()) + 1).cast(pl.String))
    rows = rows.with_columns(_recode(f, table) for f, table in mapping.codes.items()
                             if f in rows.columns)
    return rows, _dropped(mapping, header, file)


def _find(header: list[str], column: str) -> list[int]:
    """Where ``column`` is in the header: as written (spaces around it ignored), else
    ignoring case and repeated spaces."""
    def fold(text: str) -> str:
        return " ".join(text.split()).casefold()

    exact = [i for i, h in enumerate(header) if h.strip() == column]
    return exact or [i for i, h in enumerate(header) if fold(h) == fold(column)]


def _recode(f: str, table: dict[str, str]) -> pl.Expr:
    """Field ``f`` with the mapping's codes replaced by canonical values (others kept)."""
    folded = pl.col(f).str.strip_chars().str.replace_all(r"\s+", " ").str.to_lowercase()
    return folded.replace_strict(table, default=pl.col(f), return_dtype=pl.String).alias(f)


def _dropped(mapping: CaseMapping, header: list[str], file: str) -> list[Problem]:
    """Warnings naming (never showing) the columns left behind on reading."""
    used = {i for c in mapping.used_columns() for i in _find(header, c)}
    out = []
    if mapping.person_from:
        out.append(Problem(file, "dropped", "hashed into person_id, then dropped: "
                           + shown(", ".join(mapping.person_from)), severity="warning"))
    if mapping.case_from:
        out.append(Problem(file, "dropped", "hashed into case_id, then dropped: "
                           + shown(", ".join(mapping.case_from)), severity="warning"))
    others = list(dict.fromkeys(h.strip() for i, h in enumerate(header) if i not in used))
    if others:
        out.append(Problem(file, "dropped", "columns the mapping does not name were dropped "
                           "on reading: " + shown(", ".join(others)), severity="warning"))
    return out


def __dir__() -> list[str]:
    return sorted(__all__)
