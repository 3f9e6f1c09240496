"""Read a case list (CSV or Parquet), check every rule, return a typed frame.

:func:`read_cases` returns a frame in the canonical schema (:mod:`analysis.schema`) or
raises :class:`ValidationError` listing every problem it found (up to a cap), each
naming the file, row, column, value and rule. Nothing is ever written.

Row numbers count data rows from 1, so row 1 is the first line after the header (line 2
of a CSV file without multi-line fields).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from . import schema

MAX_ERRORS = 50
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


@dataclass(frozen=True)
class Problem:
    """One broken rule at one place in an input file."""

    file: str
    rule: str
    message: str
    row: int | None = None  # data row, from 1; None for the file or its header
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        text = ", ".join(_shown(w) for w in where)
        if self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            text += f", value {shown!r}"
        return f"{text}: {_shown(self.message)} [{self.rule}]"


class ValidationError(Exception):
    """Raised when an input breaks one or more rules."""

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        self.problems = problems
        self.total = total if total is not None else len(problems)
        lines = [str(p) for p in problems]
        if self.total > len(problems):
            lines.append(f"... and {self.total - len(problems)} more problems")
        super().__init__("\n".join(lines))


@dataclass
class Report:
    """What :func:`check` found: the typed frame when clean, else the problems."""

    file: str
    frame: pl.DataFrame | None
    problems: list[Problem] = field(default_factory=list)
    total: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.total


# --- reading -----------------------------------------------------------------------------

# Characters never printed raw in a message: C0/C1 controls, zero-width and bidi
# controls, line and paragraph separators, the byte-order mark.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
# The same set as a rule on free text in the data (Unicode categories Cc, Cf, Zl, Zp).
CONTROL_CHARS = r"[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]"


def _shown(text: str) -> str:
    """``text`` safe to print on one terminal line: unsafe characters escaped."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _fail(name: str, rule: str, message: str, **where) -> ValidationError:
    return ValidationError([Problem(name, rule, message, **where)])


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when ``data`` looks like mostly-ASCII UTF-16 text."""
    sample = data[:4096]
    if len(sample) < 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.6 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.6 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _decode(data: bytes, name: str, encoding: str | None) -> str:
    """Bytes -> text: UTF-8 (with or without BOM), UTF-16 (with a BOM, or detected),
    or ``encoding`` when given."""
    if encoding:
        try:
            return data.decode(encoding)
        except LookupError:
            raise _fail(name, "encoding", f"unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as exc:
            raise _fail(name, "encoding", f"cannot decode as {encoding}: {exc.reason} at "
                        f"byte {exc.start}") from None
        except ValueError as exc:  # other codec failures (UnicodeError and the like)
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise _fail(name, "encoding",
                        f"cannot decode as {encoding}: {_shown(first[:200])}") from None
    utf16 = ("utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff"))
             else _utf16_without_bom(data))
    if utf16:
        try:
            return data.decode(utf16)
        except UnicodeDecodeError as exc:
            raise _fail(name, "encoding", f"broken UTF-16 text: {exc.reason} at byte "
                        f"{exc.start}") from None
    if data.startswith(b"PK\x03\x04"):
        raise _fail(name, "format", "a zip archive (an Excel workbook?): save it as CSV")
    if b"\x00" in data:
        raise _fail(name, "format", "binary content: expected a CSV text file or Parquet")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _fail(
            name, "encoding",
            f"not UTF-8: byte 0x{data[exc.start]:02x} on line {line}; save the file as "
            "UTF-8, or pass --encoding (for example latin-1)") from None


def _sniff_separator(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (",", ";", "\t", "|")}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","


def _canonical_name(raw: str) -> str:
    name = re.sub(r"[^0-9a-z]+", "_", raw.strip().lower()).strip("_")
    return COLUMN_ALIASES.get(name, name)


def read_table(path: str | Path, *,
               encoding: str | None = None) -> tuple[list[str], pl.DataFrame]:
    """The header (names as written) and rows of a CSV or Parquet file.

    CSV cells come back as text (empty cells null), Parquet columns in their stored
    types; columns are named by position, so repeated names in the header survive for
    the caller to judge. Raises :class:`ValidationError`, and nothing else, for a file
    that cannot be read; header-only files are returned with no rows.
    """
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise _fail(name, "file", "no such file")
    if path.is_dir():
        raise _fail(name, "file", "is a folder, not a file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _fail(name, "file", f"cannot be read: {exc.strerror}") from None
    if not data.strip():
        raise _fail(name, "empty", "the file is empty")

    if path.suffix.lower() in (".parquet", ".pq") or data[:4] == b"PAR1":
        try:
            frame = pl.read_parquet(io.BytesIO(data))
        except (Exception, pl.exceptions.PanicException) as exc:  # several types
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise _fail(name, "format",
                        f"not a readable Parquet file ({_shown(first[:200])})") from None
        return frame.columns, frame.rename(
            {c: f"column_{i + 1}" for i, c in enumerate(frame.columns)})

    text = _decode(data, name, encoding).lstrip("\ufeff")
    if not text.strip():
        raise _fail(name, "empty", "the file is empty")
    if "\x00" in text:
        raise _fail(name, "format", "binary content: expected a CSV text file or Parquet")
    first_break = re.search(r"\r\n?|\n", text)
    if first_break and first_break.group() == "\r":  # old Mac line endings
        text = re.sub(r"\r(?!\n)", "\n", text)
    separator = _sniff_separator(text.split("\n", 1)[0])
    try:
        # the header is read as a row, so repeated names are seen as written
        frame = pl.read_csv(io.StringIO(text), separator=separator, has_header=False,
                            infer_schema=False)
    except pl.exceptions.NoDataError:
        raise _fail(name, "empty", "the file is empty") from None
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException) as exc:
        raise _fail(name, "format", _csv_problem(text, separator, exc)) from None
    return [value or "" for value in frame.row(0)], frame.slice(1)


def read_raw(path: str | Path, *, encoding: str | None = None) -> pl.DataFrame:
    """Read an input file with every column as text, names made canonical.

    Raises :class:`ValidationError` (and nothing else) for a file that cannot be read.
    Two columns meaning the same schema column are a problem; two columns outside the
    schema sharing a name keep the first only, since both are dropped later anyway.
    """
    name = str(path)
    header, frame = read_table(path, encoding=encoding)
    names = [_canonical_name(c) for c in header]
    frame = _as_text(frame, names, name)
    if frame.height == 0:
        raise _fail(name, "empty", "the file has a header but no data rows"
                    if Path(path).suffix.lower() not in (".parquet", ".pq")
                    else "the file has no data rows")
    seen: dict[str, int] = {}
    keep = []
    for i, canonical in enumerate(names):
        if canonical in seen and canonical in schema.COLUMNS:
            raise ValidationError([Problem(
                name, "header", f"columns {_shown(repr(header[seen[canonical]]))} and "
                f"{_shown(repr(header[i]))} both mean '{canonical}'", column=canonical)])
        if canonical not in seen:
            seen[canonical] = i
            keep.append(i)
    return frame.select(pl.nth(i).alias(names[i]) for i in keep)


def _as_text(frame: pl.DataFrame, names: list[str], name: str, *,
             required: Iterable[str] = schema.COLUMNS) -> pl.DataFrame:
    """``frame`` with every column cast to text (its column names kept).

    A column the caller reads (its name in ``names`` is one of ``required``) whose type
    cannot hold its values (nested data, bytes that are not UTF-8, durations) is a
    problem naming it; any other such column becomes empty, as it is dropped anyway.
    """
    required = set(required)
    problems, columns = [], []
    for series, canonical in zip(frame.get_columns(), names, strict=True):
        text = None
        if not (series.dtype.is_nested() or series.dtype in (pl.Duration, pl.Object)):
            try:
                text = series.cast(pl.String)
            except (pl.exceptions.PolarsError, pl.exceptions.PanicException):
                pass
        if text is None:
            if canonical in required:
                problems.append(Problem(
                    name, "type", f"a column of type {series.dtype} cannot hold "
                    f"{canonical} values (expected text, a number or a date)",
                    column=canonical))
            text = pl.Series(series.name, [None] * series.len(), dtype=pl.String)
        columns.append(text)
    if problems:
        raise ValidationError(problems)
    return pl.DataFrame(columns, height=frame.height)


def _csv_problem(text: str, separator: str, exc: BaseException) -> str:
    """A one-line explanation of why a CSV could not be parsed."""
    import csv

    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=separator, strict=True)
    try:
        width = len(next(rows))
        for number, row in enumerate(rows, start=1):
            if row and len(row) != width:
                return (f"row {number} has {len(row)} fields but the header has {width} "
                        "(a stray separator, or a truncated line?)")
    except csv.Error as err:
        return f"malformed CSV: {_shown(str(err))}"
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"malformed CSV ({_shown(first[:200])})"


# --- rules ------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower-case, strip accents and punctuation, for matching names."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9/]+", " ", plain.lower()).strip()


_JURISDICTION_LOOKUP = {_fold(j): j for j in schema.JURISDICTIONS} | {
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
        key = _fold(value)
        key = re.sub(r"^city of ", "", key) if key not in _JURISDICTION_LOOKUP else key
        if key in _JURISDICTION_LOOKUP:
            out[value] = _JURISDICTION_LOOKUP[key]
    return out


def _agency_map(values: list[str]) -> dict[str, str]:
    out = {}
    for value in values:
        key = _fold(value)
        if key in ("da", "lada", "district attorney", "district attorneys office",
                   "los angeles county district attorney", "la county district attorney"):
            out[value] = schema.DISTRICT_ATTORNEY
            continue
        for city in schema.CITY_PROSECUTOR_CITIES:
            # "Long Beach city prosecutor", "City Attorney of Los Angeles", "LA City Attorney"
            c = _fold(city)
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


@dataclass(frozen=True)
class Rule:
    name: str
    column: str
    test: pl.Expr  # True where the row breaks the rule
    message: str


def _rules(today: dt.date) -> list[Rule]:
    def raw(c: str) -> pl.Expr:
        return pl.col(c)

    def p(c: str) -> pl.Expr:
        return pl.col(f"_p_{c}")

    def unparsed(c: str) -> pl.Expr:
        return raw(c).is_not_null() & p(c).is_null()

    rules = [Rule("missing-value", c, raw(c).is_null(), "a value is required")
             for c in schema.REQUIRED if c not in OPTIONAL]
    conv, motion = p("conviction_date"), p("motion_date")
    expected_offense = p("hs_section").replace_strict(schema.SECTION_OFFENSE, default=None)
    is_city = p("jurisdiction").is_in(list(schema.CITY_PROSECUTOR_CITIES))
    expected_agency = (pl.when(p("charge_level") == "felony").then(pl.lit(schema.DISTRICT_ATTORNEY))
                       .when(is_city).then(pl.format("{} city prosecutor", p("jurisdiction")))
                       .otherwise(pl.lit(schema.DISTRICT_ATTORNEY)))
    rules += [
        Rule("id-format", "case_id", ~p("case_id").str.contains(ID_PATTERN),
             "a case id is 1-64 letters, digits or . _ : / # -"),
        Rule("id-format", "person_id", ~p("person_id").str.contains(ID_PATTERN),
             "a person id is 1-64 letters, digits or . _ : / # -"),
        Rule("integer", "count", unparsed("count"), "the count must be a whole number"),
        Rule("range", "count", (p("count") < 1) | (p("count") > 999),
             "the count must be between 1 and 999"),
        Rule("unknown-batch", "batch", unparsed("batch"),
             "the batch must be feb2020 or sep2021"),
        Rule("date-format", "motion_date", unparsed("motion_date"),
             "not a date (use YYYY-MM-DD or MM/DD/YYYY)"),
        Rule("date-format", "conviction_date", unparsed("conviction_date"),
             "not a date (use YYYY-MM-DD or MM/DD/YYYY)"),
        Rule("date-range", "motion_date", (motion < AB1793_SIGNED) | (motion > today),
             f"a motion date must fall between {AB1793_SIGNED} (AB 1793) and today"),
        Rule("date-range", "conviction_date",
             (conv < schema.EARLIEST_CONVICTION) | (conv > today),
             f"a conviction date must fall between {schema.EARLIEST_CONVICTION} and today"),
        Rule("conviction-after-motion", "conviction_date", conv >= motion,
             "the conviction must come before the motion that dismisses it"),
        Rule("felony-after-prop64", "conviction_date",
             (p("charge_level") == "felony") & (conv > schema.PROP64_EFFECTIVE),
             f"no felony conviction for these sections can postdate "
             f"{schema.PROP64_EFFECTIVE} (Proposition 64)"),
        Rule("boolean", "found_in_doj", unparsed("found_in_doj"),
             "use true/false, yes/no or 1/0"),
        Rule("boolean", "found_in_court", unparsed("found_in_court"),
             "use true/false, yes/no or 1/0"),
        Rule("unknown-section", "hs_section",
             raw("hs_section").is_not_null()
             & ~p("hs_section").is_in(list(schema.CODE_SECTIONS)).fill_null(False),
             "not a cannabis section of the Health and Safety Code (11357-11360)"),
        Rule("unknown-offense", "offense_type", unparsed("offense_type"),
             "offense type must be possession, cultivation, possession_for_sale or "
             "sale_transport"),
        Rule("offense-section", "offense_type",
             p("offense_type").is_not_null() & (p("offense_type") != expected_offense),
             "the offense type does not match the code section"),
        Rule("unknown-level", "charge_level", unparsed("charge_level"),
             "charge level must be felony, misdemeanor or infraction"),
        Rule("unknown-jurisdiction", "jurisdiction", unparsed("jurisdiction"),
             "not one of the 88 cities of Los Angeles County or its unincorporated area"),
        Rule("unknown-agency", "prosecuting_agency", unparsed("prosecuting_agency"),
             "not the District Attorney or one of the ten city prosecutors"),
        Rule("agency-consistency", "prosecuting_agency",
             p("prosecuting_agency").is_not_null() & expected_agency.is_not_null()
             & (p("prosecuting_agency") != expected_agency),
             "agency does not match the level and jurisdiction (the District Attorney "
             "files every felony, and misdemeanors outside the ten city-prosecutor cities)"),
        Rule("batch-source", "found_in_doj",
             (p("batch") == "feb2020") & (p("found_in_doj") == False),  # noqa: E712
             "the February 2020 motion was built from DOJ records, so found_in_doj must "
             "be true"),
        Rule("batch-source", "found_in_court",
             (p("batch") == "sep2021") & (p("found_in_court") == False),  # noqa: E712
             "the September 2021 motion was built from court records, so found_in_court "
             "must be true"),
        Rule("unknown-race", "race_ethnicity", unparsed("race_ethnicity"),
             "race/ethnicity must be Latino, Black, White, Asian/Pacific Islander, Other or "
             "Unknown"),
        Rule("unknown-relief", "relief_granted", unparsed("relief_granted"),
             "relief must be dismissed, dismissed_sealed or redesignated"),
        Rule("control-character", "court_location",
             p("court_location").str.contains(CONTROL_CHARS),
             "control, invisible or line-break characters are not allowed in text"),
        Rule("control-character", "hs_subsection",
             p("hs_subsection").str.contains(CONTROL_CHARS),
             "control, invisible or line-break characters are not allowed in text"),
        Rule("too-long", "court_location", p("court_location").str.len_chars() > MAX_TEXT,
             f"longer than {MAX_TEXT} characters"),
        Rule("too-long", "hs_subsection", p("hs_subsection").str.len_chars() > 20,
             "a subsection is at most 20 characters"),
    ]
    return rules


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
    """Validate a frame of text columns (as :func:`read_raw` gives).

    ``max_errors`` caps the problems listed (at least one is always listed), never the
    decision: a frame with any problem is rejected.
    """
    today = today or dt.date.today()
    max_errors = max(1, max_errors)
    try:
        raw = _as_text(raw, raw.columns, name)
    except ValidationError as exc:
        return Report(name, None, exc.problems, exc.total)
    missing = [c for c in schema.COLUMNS if c not in raw.columns and c not in OPTIONAL]
    if missing:
        return Report(name, None, [Problem(name, "required-column",
                                           "required column is missing from the header",
                                           column=c) for c in missing], len(missing))
    extra = [c for c in raw.columns if c not in schema.COLUMNS]
    warnings = ([f"ignored columns not in the schema: {', '.join(_shown(c) for c in extra)}"]
                if extra else [])
    blank = raw.select(pl.all_horizontal(
        pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in raw.columns
    )).to_series()
    raw = (
        raw
        # drop columns outside the schema
        .drop(extra)
        # number the rows as they are in the file, then skip wholly blank lines
        .with_row_index("_row", offset=1)
        .filter(~blank)
        # add absent optional columns
        .with_columns(pl.lit(None, pl.String).alias(c) for c in OPTIONAL
                      if c not in raw.columns)
        # blank cells are missing values
        .with_columns(pl.when(pl.col(c).str.strip_chars() != "").then(pl.col(c))
                      for c in schema.COLUMNS)
    )
    if raw.height == 0:
        return Report(name, None, [Problem(
            name, "empty", "the file has a header but no data rows (only blank lines)")], 1,
            warnings)
    parsed = _parse(raw)
    rules = _rules(today)
    flags = parsed.select(
        "_row",
        *(r.test.fill_null(False).alias(f"_rule{i}") for i, r in enumerate(rules)),
    )
    keys = [f"_p_{k}" for k in schema.KEY]
    dupes = (
        parsed
        # rows whose key parsed (a key that did not is reported by its own rule)
        .filter(pl.all_horizontal(pl.col(k).is_not_null() for k in keys))
        # each row beside the first row with the same key
        .select("_row", "case_id", "count", first=pl.col("_row").min().over(keys))
        .filter(pl.col("_row") != pl.col("first"))
        .sort("_row")
    )

    problems: list[Problem] = []
    total = 0
    for i, rule in enumerate(rules):
        hit = flags.filter(pl.col(f"_rule{i}"))["_row"]
        total += hit.len()
        if hit.len() and len(problems) < max_errors:
            values = parsed.filter(pl.col("_row").is_in(hit.head(max_errors).implode()))
            for row, value in values.select("_row", rule.column).iter_rows():
                if len(problems) >= max_errors:
                    break
                problems.append(Problem(name, rule.name, rule.message, row, rule.column,
                                        value))
    total += dupes.height
    for row, case_id, count, first in dupes.head(
            max(0, max_errors - len(problems))).iter_rows():
        problems.append(Problem(
            name, "duplicate-key", f"batch, case_id and count repeat row {first}", row,
            "case_id", f"{case_id} count {count}"))
    problems.sort(key=lambda p: (p.row or 0, p.column or ""))
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


# --- command line ------------------------------------------------------------------------


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate", help="check a case list (CSV or Parquet) against the schema",
        description="Validate a case-level file against the canonical schema and its rules. "
        "Lists every problem (up to --max-errors) with file, row, column, value and rule; "
        "exits 1 when any is found. Writes nothing.")
    p.add_argument("file", type=Path, help="CSV (any of , ; tab |) or Parquet file")
    p.add_argument("--max-errors", type=_at_least_one, default=MAX_ERRORS,
                   help="problems to list at most (default %(default)s)")
    p.add_argument("--encoding", default=None,
                   help="text encoding of a CSV that is not UTF-8, e.g. latin-1")
    p.set_defaults(func=_run)


def _at_least_one(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def print_problems(problems: list[Problem], total: int, prefix: str = "") -> None:
    """The command-line report of a rejected input: one line per problem, then a count."""
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if total > len(problems):
        print(f"... and {total - len(problems)} more problems", file=sys.stderr)
    print(f"{prefix}{total} problem(s); nothing was written", file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    report = check(args.file, max_errors=args.max_errors, encoding=args.encoding)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not report.ok:
        print_problems(report.problems, report.total, prefix=f"{args.file}: ")
        return 1
    frame = report.frame
    batches = ", ".join(f"{b}: {n:,}" for b, n in
                        frame.group_by("batch").len().sort("batch").iter_rows())
    print(f"ok: {args.file}: {frame.height:,} rows valid ({batches})")
    return 0
