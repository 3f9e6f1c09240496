"""Case lists: read one (CSV or Parquet), check every rule, return a typed frame.

:func:`read_cases` returns a frame in the canonical schema (:mod:`analysis.schema`) or
raises :class:`~analysis.ingest.ValidationError` listing every problem it found (up to
a cap), each naming the file, row, column, value and rule. Nothing is ever written.

What is specific to case lists lives here: the spellings of column names
(:data:`COLUMN_ALIASES`), the parsing of each column, and the rules (:data:`RULES`).
Reading files, numbering rows and running rules is :mod:`analysis.ingest`.

Row numbers count data rows from 1, so row 1 is the first line after the header (line 2
of a CSV file without multi-line fields); wholly blank lines are skipped but counted.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import polars as pl

from . import ingest, schema
from .ingest import MAX_ERRORS, ROW, Problem, Report, Rule, ValidationError, shown

__all__ = [
    "AB1793_SIGNED", "COLUMN_ALIASES", "ID_PATTERN", "MAX_TEXT", "OPTIONAL", "RULES",
    "SECTION_RE", "check", "check_frame", "read_cases", "read_raw",
]

AB1793_SIGNED = dt.date(2018, 9, 30)  # no motion under AB 1793 can predate it
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,63}$"
MAX_TEXT = 200

# Column names as they appear in real extracts -> canonical names.
COLUMN_ALIASES = {
    "case_number": "case_id", "case_no": "case_id", "caseid": "case_id", "case": "case_id",
    "count_number": "count", "count_no": "count", "cnt": "count",
    "person": "person_id", "personid": "person_id", "defendant_id": "person_id",
    "cii": "person_id",
    "motion": "batch", "motion_batch": "batch",
    "date_of_motion": "motion_date", "motion_filed": "motion_date",
    "date_of_conviction": "conviction_date", "disposition_date": "conviction_date",
    "conv_date": "conviction_date",
    "in_doj": "found_in_doj", "doj": "found_in_doj",
    "in_court": "found_in_court", "court": "found_in_court",
    "section": "hs_section", "code_section": "hs_section", "hs": "hs_section",
    "statute": "hs_section", "subsection": "hs_subsection",
    "offense": "offense_type",
    "level": "charge_level", "charge": "charge_level", "offense_level": "charge_level",
    "city": "jurisdiction", "filing_jurisdiction": "jurisdiction",
    "agency": "prosecuting_agency", "prosecutor": "prosecuting_agency",
    "courthouse": "court_location", "court_name": "court_location",
    "race": "race_ethnicity", "ethnicity": "race_ethnicity", "race_eth": "race_ethnicity",
    "relief": "relief_granted",
}  # fmt: skip

# Columns an input may leave out: filled empty, or derived from others.
OPTIONAL = {"hs_subsection", "court_location", "offense_type"}


# --- reading -----------------------------------------------------------------------------


def _canonical_name(raw: str) -> str:
    name = re.sub(r"[^0-9a-z]+", "_", raw.strip().lower()).strip("_")
    return COLUMN_ALIASES.get(name, name)


def read_raw(path: str | Path, *, encoding: str | None = None) -> pl.DataFrame:
    """Read an input file with every column as text, names made canonical.

    Raises :class:`ValidationError` (and nothing else) for a file that cannot be read.
    Two columns meaning the same schema column are a problem; two columns outside the
    schema sharing a name keep the first only, since both are dropped later anyway.
    """
    name = str(path)
    header, frame = ingest.read_table(path, encoding=encoding)
    names = [_canonical_name(c) for c in header]
    frame = ingest.as_text(frame, names, name, required=schema.COLUMNS)
    if frame.height == 0:
        raise ValidationError.one(name, "empty", "the file has a header but no data rows"
                                  if Path(path).suffix.lower() not in ingest.PARQUET_SUFFIXES
                                  else "the file has no data rows")
    return ingest.first_of_each(
        frame, names, name, judged=schema.COLUMNS,
        clash=lambda first, again: f"columns {shown(repr(header[first]))} and "
        f"{shown(repr(header[again]))} both mean '{names[again]}'")


# --- parsing -----------------------------------------------------------------------------


def _name_key(text: str) -> str:
    """Lower-case, strip accents and punctuation, for matching names."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9/]+", " ", plain.lower()).strip()


_JURISDICTION_LOOKUP = {_name_key(j): j for j in schema.JURISDICTIONS} | {
    "unincorporated": schema.UNINCORPORATED,
    "unincorporated la county": schema.UNINCORPORATED,
    "los angeles county": schema.UNINCORPORATED,
    "la county": schema.UNINCORPORATED,
    "city of industry": "Industry",
    "la": "Los Angeles",
    "city of los angeles": "Los Angeles",
}


def _jurisdiction_map(values: list[str]) -> dict[str, str]:
    out = {}
    for value in values:
        key = _name_key(value)
        key = re.sub(r"^city of ", "", key) if key not in _JURISDICTION_LOOKUP else key
        if key in _JURISDICTION_LOOKUP:
            out[value] = _JURISDICTION_LOOKUP[key]
    return out


def _agency_map(values: list[str]) -> dict[str, str]:
    out = {}
    for value in values:
        key = _name_key(value)
        if key in ("da", "lada", "district attorney", "district attorneys office",
                   "los angeles county district attorney", "la county district attorney"):
            out[value] = schema.DISTRICT_ATTORNEY
            continue
        for city in schema.CITY_PROSECUTOR_CITIES:
            # "Long Beach city prosecutor", "City Attorney of Los Angeles", "LA City Attorney"
            c = _name_key(city)
            if (c in key or (city == "Los Angeles" and key.startswith("la "))) and (
                "attorney" in key or "prosecutor" in key
            ):
                out[value] = schema.city_prosecutor(city)
                break
    return out


def _alias(column: str, aliases: dict[str, str]) -> pl.Expr:
    folded = pl.col(column).str.to_lowercase().str.strip_chars()
    return folded.replace_strict(aliases, default=None)


def _date(column: str) -> pl.Expr:
    text = pl.col(column).str.replace(r"^(\d{4}-\d{2}-\d{2})[ T].*$", "$1")
    return pl.coalesce(
        text.str.to_date("%Y-%m-%d", strict=False),
        text.str.to_date("%m/%d/%Y", strict=False),
        text.str.to_date("%Y/%m/%d", strict=False),
    )


def _bool(column: str) -> pl.Expr:
    folded = pl.col(column).str.to_lowercase().str.strip_chars()
    return (pl.when(folded.is_in(list(schema.TRUE_STRINGS))).then(True)
            .when(folded.is_in(list(schema.FALSE_STRINGS))).then(False))


SECTION_RE = r"(?i)^\s*(?:h\s*&?\s*s\s*c?\.?|hsc)?\s*(?:§\s*)?(\d{5})\s*(?:\((.*)\))?\s*$"


def _parse(raw: pl.DataFrame) -> pl.DataFrame:
    """Parse every column; unparseable values become null beside their raw text."""
    jur = _jurisdiction_map(raw["jurisdiction"].drop_nulls().unique().to_list())
    agency = _agency_map(raw["prosecuting_agency"].drop_nulls().unique().to_list())
    count_text = pl.col("count").str.strip_chars()
    return raw.with_columns(
        _p_case_id=pl.col("case_id").str.strip_chars(),
        _p_person_id=pl.col("person_id").str.strip_chars(),
        _p_count=pl.when(count_text.str.contains(r"^\d{1,6}(\.0+)?$"))
        .then(count_text.str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)),
        _p_batch=_alias("batch", schema.BATCH_ALIASES),
        _p_motion_date=_date("motion_date"),
        _p_conviction_date=_date("conviction_date"),
        _p_found_in_doj=_bool("found_in_doj"),
        _p_found_in_court=_bool("found_in_court"),
        _p_hs_section=pl.col("hs_section").str.extract(SECTION_RE, 1),
        _p_hs_subsection=pl.coalesce(
            pl.col("hs_subsection").str.strip_chars().str.strip_chars("()"),
            pl.col("hs_section").str.extract(SECTION_RE, 2)),
        _p_offense_type=_alias("offense_type", schema.OFFENSE_ALIASES),
        _p_charge_level=_alias("charge_level", schema.LEVEL_ALIASES),
        _p_jurisdiction=pl.col("jurisdiction").replace_strict(jur, default=None),
        _p_prosecuting_agency=pl.col("prosecuting_agency").replace_strict(agency, default=None),
        _p_court_location=pl.col("court_location").str.strip_chars(),
        _p_race_ethnicity=pl.col("race_ethnicity").str.to_lowercase().str.strip_chars()
        .replace_strict(schema.RACE_ALIASES, default=None),
        _p_relief_granted=_alias("relief_granted", schema.RELIEF_ALIASES),
    )


# --- rules ------------------------------------------------------------------------------
# Each rule judges the raw text (``pl.col``) or its parsed value (``_p``); check_frame
# adds the day of the check as a column (``_TODAY``) so the table is built once. Rules
# are listed in this order when a capped listing cannot show every problem.


def _p(column: str) -> pl.Expr:
    """The parsed value of ``column`` (null where it did not parse)."""
    return pl.col(f"_p_{column}")


def _unparsed(column: str) -> pl.Expr:
    """True where ``column`` holds text that did not parse."""
    return pl.col(column).is_not_null() & _p(column).is_null()


_TODAY = pl.col("_today")
_CONVICTION, _MOTION = _p("conviction_date"), _p("motion_date")
_EXPECTED_OFFENSE = _p("hs_section").replace_strict(schema.SECTION_OFFENSE, default=None)
_EXPECTED_AGENCY = schema.expected_agency(_p("charge_level"), _p("jurisdiction"))
_KEY = [f"_p_{k}" for k in schema.KEY]
_FIRST_WITH_KEY = pl.col(ROW).min().over(_KEY)  # the first row sharing a row's key

RULES: tuple[Rule, ...] = (
    *(Rule("missing-value", c, pl.col(c).is_null(), "a value is required")
      for c in schema.REQUIRED if c not in OPTIONAL),
    *(Rule("id-format", f"{kind}_id", ~_p(f"{kind}_id").str.contains(ID_PATTERN),
           f"a {kind} id is 1-64 letters, digits or . _ : / # -") for kind in ("case", "person")),
    Rule("integer", "count", _unparsed("count"), "the count must be a whole number"),
    Rule("range", "count", (_p("count") < 1) | (_p("count") > 999),
         "the count must be between 1 and 999"),
    Rule("unknown-batch", "batch", _unparsed("batch"), "the batch must be feb2020 or sep2021"),
    *(Rule("date-format", c, _unparsed(c), "not a date (use YYYY-MM-DD or MM/DD/YYYY)")
      for c in ("motion_date", "conviction_date")),
    Rule("date-range", "motion_date", (_MOTION < AB1793_SIGNED) | (_MOTION > _TODAY),
         f"a motion date must fall between {AB1793_SIGNED} (AB 1793) and today"),
    Rule("date-range", "conviction_date",
         (_CONVICTION < schema.EARLIEST_CONVICTION) | (_CONVICTION > _TODAY),
         f"a conviction date must fall between {schema.EARLIEST_CONVICTION} and today"),
    Rule("conviction-after-motion", "conviction_date", _CONVICTION >= _MOTION,
         "the conviction must come before the motion that dismisses it"),
    Rule("felony-after-prop64", "conviction_date",
         (_p("charge_level") == "felony") & (_CONVICTION > schema.PROP64_EFFECTIVE),
         f"no felony conviction for these sections can postdate "
         f"{schema.PROP64_EFFECTIVE} (Proposition 64)"),
    *(Rule("boolean", c, _unparsed(c), "use true/false, yes/no or 1/0")
      for c in ("found_in_doj", "found_in_court")),
    Rule("unknown-section", "hs_section",
         pl.col("hs_section").is_not_null()
         & ~_p("hs_section").is_in(list(schema.CODE_SECTIONS)).fill_null(False),
         "not a cannabis section of the Health and Safety Code (11357-11360)"),
    Rule("unknown-offense", "offense_type", _unparsed("offense_type"),
         "offense type must be possession, cultivation, possession_for_sale or "
         "sale_transport"),
    Rule("offense-section", "offense_type",
         _p("offense_type").is_not_null() & (_p("offense_type") != _EXPECTED_OFFENSE),
         "the offense type does not match the code section"),
    Rule("unknown-level", "charge_level", _unparsed("charge_level"),
         "charge level must be felony, misdemeanor or infraction"),
    Rule("unknown-jurisdiction", "jurisdiction", _unparsed("jurisdiction"),
         "not one of the 88 cities of Los Angeles County or its unincorporated area"),
    Rule("unknown-agency", "prosecuting_agency", _unparsed("prosecuting_agency"),
         "not the District Attorney or one of the ten city prosecutors"),
    Rule("agency-consistency", "prosecuting_agency",
         _p("prosecuting_agency").is_not_null() & _EXPECTED_AGENCY.is_not_null()
         & (_p("prosecuting_agency") != _EXPECTED_AGENCY),
         "agency does not match the level and jurisdiction (the District Attorney files "
         "every felony, and misdemeanors outside the ten city-prosecutor cities)"),
    Rule("batch-source", "found_in_doj",
         (_p("batch") == "feb2020") & (_p("found_in_doj") == False),  # noqa: E712
         "the February 2020 motion was built from DOJ records, so found_in_doj must be "
         "true"),
    Rule("batch-source", "found_in_court",
         (_p("batch") == "sep2021") & (_p("found_in_court") == False),  # noqa: E712
         "the September 2021 motion was built from court records, so found_in_court "
         "must be true"),
    Rule("unknown-race", "race_ethnicity", _unparsed("race_ethnicity"),
         "race/ethnicity must be Latino, Black, White, Asian/Pacific Islander, Other or "
         "Unknown"),
    Rule("unknown-relief", "relief_granted", _unparsed("relief_granted"),
         "relief must be dismissed, dismissed_sealed or redesignated"),
    *(Rule("control-character", c, _p(c).str.contains(ingest.CONTROL_CHARS),
           "control, invisible or line-break characters are not allowed in text")
      for c in ("court_location", "hs_subsection")),
    Rule("too-long", "court_location", _p("court_location").str.len_chars() > MAX_TEXT,
         f"longer than {MAX_TEXT} characters"),
    Rule("too-long", "hs_subsection", _p("hs_subsection").str.len_chars() > 20,
         "a subsection is at most 20 characters"),
    # a key that did not parse is reported by its own rule, never as a duplicate
    Rule("duplicate-key", "case_id",
         pl.all_horizontal(pl.col(k).is_not_null() for k in _KEY)
         & (pl.col(ROW) != _FIRST_WITH_KEY),
         pl.format("batch, case_id and count repeat row {}", _FIRST_WITH_KEY),
         value=pl.format("{} count {}", pl.col("case_id"), pl.col("count"))),
)


# --- checking ----------------------------------------------------------------------------


def check(path: str | Path, *, max_errors: int = MAX_ERRORS, encoding: str | None = None,
          today: dt.date | None = None) -> Report:
    """Validate a file; never raises for bad input, never writes."""
    name = str(path)
    try:
        raw = read_raw(path, encoding=encoding)
    except ValidationError as exc:
        return Report(name, None, exc.problems, exc.total)
    return check_frame(raw, name, max_errors=max_errors, today=today)


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
    missing = [c for c in schema.COLUMNS if c not in raw.columns and c not in OPTIONAL]
    if missing:
        return Report(name, None, [Problem(name, "required-column",
                                           "required column is missing from the header",
                                           column=c) for c in missing], len(missing))
    extra = [c for c in raw.columns if c not in schema.COLUMNS]
    warnings = ([f"ignored columns not in the schema: {', '.join(shown(c) for c in extra)}"]
                if extra else [])
    try:
        rows = ingest.rows_in_file(raw, [c for c in raw.columns if c in schema.COLUMNS], name)
    except ValidationError as exc:
        return Report(name, None, exc.problems, exc.total, warnings)
    rows = (
        rows
        # add absent optional columns
        .with_columns(pl.lit(None, pl.String).alias(c) for c in OPTIONAL
                      if c not in rows.columns)
        # blank cells are missing values
        .with_columns(ingest.blank_as_null(schema.COLUMNS))
    )
    parsed = _parse(rows).with_columns(pl.lit(today or dt.date.today()).alias("_today"))
    problems, total = ingest.run_rules(parsed, RULES, name, max_errors=max_errors)
    if total:
        return Report(name, None, problems, total, warnings)
    return Report(name, _typed(parsed), [], 0, warnings)


def _typed(parsed: pl.DataFrame) -> pl.DataFrame:
    """The parsed columns in the canonical schema, offense derived where absent."""
    derived = pl.col("_p_hs_section").replace_strict(schema.SECTION_OFFENSE, default=None)
    return parsed.with_columns(
        _p_offense_type=pl.coalesce("_p_offense_type", derived),
    ).select(pl.col(f"_p_{name}").cast(dtype).alias(name)
             for name, dtype in schema.SCHEMA.items())


def read_cases(path: str | Path, *, max_errors: int = MAX_ERRORS,
               encoding: str | None = None) -> pl.DataFrame:
    """The validated, typed case frame of ``path``; raises :class:`ValidationError`."""
    report = check(path, max_errors=max_errors, encoding=encoding)
    if not report.ok:
        raise ValidationError(report.problems, report.total)
    return report.frame


def __dir__() -> list[str]:
    return sorted(__all__)
