"""Case lists: read one (CSV, .csv.gz, Excel or Parquet), check every rule, return a typed
frame.

:func:`read_cases` returns a frame in the canonical schema (:mod:`analysis.schema`) or
raises :class:`~analysis.ingest.ValidationError` listing every problem it found (up to
a cap), each naming the file, row, column, value and rule. Nothing is ever written.

What is specific to case lists lives here: the spellings of column names
(:data:`COLUMN_ALIASES`) and the reading of headers; the parsing of each column and the
rules (:data:`RULES`) are :mod:`analysis.caserules`. Reading files, numbering rows and
running rules is :mod:`analysis.ingest`; the spellings of places and prosecutors are
:mod:`analysis.spellings`. An export in another layout is read through a mapping file
(:mod:`analysis.casemap`): every function here takes ``mapping=``, a path or a loaded
:class:`~analysis.casemap.CaseMapping`.

Every header problem (missing, repeated or ambiguous columns; with a mapping, columns
it names that the file lacks) is listed in one pass. Warnings (problems of severity
``"warning"``: a community of Los Angeles read as the city, columns dropped) never
reject a file.

Row numbers count data rows from 1, so row 1 is the first line after the header (line 2
of a CSV file without multi-line fields); wholly blank lines are skipped but counted.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl

from . import casemap, ingest, schema, spellings
from .casemap import CaseMapping
from .caserules import AB1793_SIGNED, ID_PATTERN, MAX_TEXT, OPTIONAL, RULES, SECTION_RE, parse
from .ingest import MAX_ERRORS, ROW, Problem, Report, ValidationError, shown

__all__ = [
    "AB1793_SIGNED", "COLUMN_ALIASES", "FALLBACK_ALIASES", "ID_PATTERN", "MAX_TEXT",
    "OPTIONAL", "RULES", "SECTION_RE", "canonical_names", "check", "check_frame",
    "read_cases", "read_raw",
]

# Column names as they appear in real extracts -> canonical names.
COLUMN_ALIASES = {
    "case_number": "case_id", "case_no": "case_id", "caseid": "case_id", "case": "case_id",
    "count_number": "count", "count_no": "count", "cnt": "count",
    "person": "person_id", "personid": "person_id", "defendant_id": "person_id",
    "cii": "person_id",
    "motion": "batch", "motion_batch": "batch",
    "date_of_motion": "motion_date", "motion_filed": "motion_date",
    "date_of_conviction": "conviction_date", "conv_date": "conviction_date",
    "in_doj": "found_in_doj", "doj": "found_in_doj",
    "in_court": "found_in_court", "court": "found_in_court",
    "section": "hs_section", "code_section": "hs_section", "hs": "hs_section",
    "statute": "hs_section", "charge": "hs_section", "subsection": "hs_subsection",
    "offense": "offense_type",
    "level": "charge_level", "offense_level": "charge_level",
    "city": "jurisdiction", "filing_jurisdiction": "jurisdiction",
    "agency": "prosecuting_agency", "prosecutor": "prosecuting_agency",
    "courthouse": "court_location", "court_name": "court_location",
    "race": "race_ethnicity", "ethnicity": "race_ethnicity", "race_eth": "race_ethnicity",
    "relief": "relief_granted",
}  # fmt: skip
# Court exports call a charge's section "Charge", never its level. A disposition date is
# the conviction date only when the file has no column for the conviction date itself
# (a dismissal's own disposition date must not stand in for it).
FALLBACK_ALIASES = {"disposition_date": "conviction_date"}

# --- reading -----------------------------------------------------------------------------


def canonical_names(header: list[str]) -> list[str]:
    """The schema column each header name means (its own folded name when none)."""
    folded = [re.sub(r"[^0-9a-z]+", "_", raw.strip().lower()).strip("_") for raw in header]
    names = [COLUMN_ALIASES.get(n, n) for n in folded]
    return [FALLBACK_ALIASES[n] if n in FALLBACK_ALIASES
            and FALLBACK_ALIASES[n] not in names else n for n in names]


def read_raw(path: str | Path, *, encoding: str | None = None, sheet: str | None = None,
             mapping: str | Path | CaseMapping | None = None) -> pl.DataFrame:
    """Read an input file with every column as text, names made canonical (through
    ``mapping`` when given: only the fields it gives, rows numbered in ``_row``).

    Raises :class:`ValidationError` (and nothing else) for a file that cannot be read,
    listing every header problem at once. Two columns meaning the same schema column are
    a problem; two columns outside the schema sharing a name keep the first only, since
    both are dropped later anyway.
    """
    return _read(path, encoding, sheet, _mapping(mapping))[0]


def _mapping(mapping: str | Path | CaseMapping | None) -> CaseMapping | None:
    if mapping is None or isinstance(mapping, CaseMapping) or str(mapping) == "":
        return mapping or None
    return casemap.load_mapping(mapping)


def _read(path: str | Path, encoding: str | None, sheet: str | None,
          mapping: CaseMapping | None) -> tuple[pl.DataFrame, list[Problem]]:
    """The raw text frame and the warnings of reading it."""
    name = str(path)
    sheet = sheet or (mapping.sheet if mapping else None)
    header, frame = ingest.read_table(path, encoding=encoding, sheet=sheet)
    if mapping is not None:
        if frame.height == 0:
            raise ValidationError.one(name, "empty", "the file has no data rows")
        return casemap.apply(mapping, header, frame, name)
    names = canonical_names(header)
    problems: list[Problem] = []
    try:
        frame = ingest.as_text(frame, names, name, required=schema.COLUMNS)
    except ValidationError as exc:
        problems += exc.problems
    try:
        frame = ingest.first_of_each(frame, names, name, judged=schema.COLUMNS,
                                     clash=lambda first, again: _clash(header, names, first,
                                                                       again))
    except ValidationError as exc:
        problems += exc.problems
    problems += [Problem(name, "required-column", "required column is missing from the "
                         "header (when the file calls it otherwise or lacks it, a mapping "
                         "file can say so: --mapping)", column=c) for c in _missing(names)]
    if problems:
        raise ValidationError(problems)
    if frame.height == 0:
        raise ValidationError.one(name, "empty", "the file has a header but no data rows"
                                  if Path(path).suffix.lower() not in ingest.PARQUET_SUFFIXES
                                  else "the file has no data rows")
    return frame, []


def _clash(header: list[str], names: list[str], first: int, again: int) -> str:
    """Why two columns of the header cannot both be read."""
    a, b = (shown(repr(header[i])) for i in (first, again))
    if header[first].strip() == header[again].strip():
        return f"the column {a} appears twice in the header"
    return (f"columns {a} and {b} both mean '{names[again]}': rename one, or say which "
            "to read in a mapping file (--mapping)")


def _missing(names: list[str]) -> list[str]:
    return [c for c in schema.COLUMNS if c not in names and c not in OPTIONAL]


# --- checking ----------------------------------------------------------------------------


def check(path: str | Path, *, mapping: str | Path | CaseMapping | None = None,
          max_errors: int = MAX_ERRORS, encoding: str | None = None,
          sheet: str | None = None, today: dt.date | None = None) -> Report:
    """Validate a file (through ``mapping`` when given); never raises for bad input,
    never writes. ``sheet`` names the sheet of a workbook (else the mapping's)."""
    name = str(path)
    try:
        mapping = _mapping(mapping)
        raw, warnings = _read(path, encoding, sheet, mapping)
    except ValidationError as exc:
        return Report(name, None, exc.problems, exc.total)
    if mapping is None:
        report = check_frame(raw, name, max_errors=max_errors, today=today)
        report.warnings[:0] = warnings
        return report
    return _judge(raw, name, max_errors, today, mapping, warnings)


def check_frame(raw: pl.DataFrame, name: str = "<frame>", *, max_errors: int = MAX_ERRORS,
                today: dt.date | None = None) -> Report:
    """Validate a frame of any columns (:func:`read_raw` gives text ones, canonically
    named); columns outside the schema are dropped with a warning.

    ``max_errors`` caps the problems listed (at least one is always listed), never the
    decision: a frame with any problem is rejected.
    """
    try:
        raw = ingest.as_text(raw, raw.columns, name, required=schema.COLUMNS)
    except ValidationError as exc:
        return Report(name, None, exc.problems, exc.total)
    missing = _missing(raw.columns)
    if missing:
        return Report(name, None, [Problem(name, "required-column",
                                           "required column is missing from the header",
                                           column=c) for c in missing], len(missing))
    extra = [c for c in raw.columns if c not in schema.COLUMNS]
    warnings = [Problem(name, "dropped", "ignored columns not in the schema: "
                        + ", ".join(shown(c) for c in extra), severity="warning")
                ] if extra else []
    try:
        rows = ingest.rows_in_file(raw, [c for c in raw.columns if c in schema.COLUMNS], name)
    except ValidationError as exc:
        return Report(name, None, exc.problems, exc.total, warnings)
    return _judge(rows, name, max_errors, today, None, warnings)


def _judge(rows: pl.DataFrame, name: str, max_errors: int, today: dt.date | None,
           mapping: CaseMapping | None, warnings: list[Problem]) -> Report:
    """Parse and run the rules over text rows numbered in ``_row`` (a mapped export's
    fields, as :func:`analysis.casemap.apply` gives them: ``mapping`` says how messages
    name them, the date format and what to derive)."""
    derive = mapping.derive if mapping else frozenset()
    rows = (
        rows
        # add absent optional or derived columns
        .with_columns(pl.lit(None, pl.String).alias(c) for c in sorted({*OPTIONAL, *derive})
                      if c not in rows.columns)
        # blank cells are missing values
        .with_columns(ingest.blank_as_null(schema.COLUMNS))
    )
    labels = mapping.labels() if mapping else {}
    warnings += _community_warnings(rows, name, labels.get("jurisdiction", "jurisdiction"))
    parsed = parse(rows, mapping).with_columns(pl.lit(today or dt.date.today()).alias("_today"))
    problems, total = ingest.run_rules(parsed, RULES, name, max_errors=max_errors,
                                       names=labels)
    if total:
        return Report(name, None, problems, total, warnings)
    return Report(name, _typed(parsed), [], 0, warnings)


def _community_warnings(rows: pl.DataFrame, name: str, column: str) -> list[Problem]:
    """One warning per spelling of a community of Los Angeles read as the city."""
    found = spellings.communities(rows["jurisdiction"].drop_nulls().unique().to_list())
    if not found:
        return []
    seen = (rows.filter(pl.col("jurisdiction").is_in(list(found)))
            .group_by("jurisdiction").agg(n=pl.len(), first=pl.col(ROW).min()).sort("first"))
    return [Problem(name, "la-community", f"read as 'Los Angeles': {found[value]} is part "
                    f"of the City of Los Angeles ({n} row{'s' * (n != 1)})", row=first,
                    column=column, value=value, severity="warning")
            for value, n, first in seen.iter_rows()]


def _typed(parsed: pl.DataFrame) -> pl.DataFrame:
    """The parsed columns in the canonical schema, offense derived where absent."""
    derived = pl.col("_p_hs_section").replace_strict(schema.SECTION_OFFENSE, default=None)
    return parsed.with_columns(
        _p_offense_type=pl.coalesce("_p_offense_type", derived),
    ).select(pl.col(f"_p_{name}").cast(dtype).alias(name)
             for name, dtype in schema.SCHEMA.items())


def read_cases(path: str | Path, *, mapping: str | Path | CaseMapping | None = None,
               max_errors: int = MAX_ERRORS, encoding: str | None = None,
               sheet: str | None = None) -> pl.DataFrame:
    """The validated, typed case frame of ``path`` (through ``mapping`` when given);
    raises :class:`ValidationError`. Warnings are dropped: :func:`check` has them."""
    report = check(path, mapping=mapping, max_errors=max_errors, encoding=encoding,
                   sheet=sheet)
    if not report.ok:
        raise ValidationError(report.problems, report.total)
    return report.frame


def __dir__() -> list[str]:
    return sorted(__all__)
