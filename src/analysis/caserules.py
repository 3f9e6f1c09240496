"""The rules a case list's rows must meet, and the parsing they judge.

:func:`parse` reads every column of a text frame (canonically named, rows numbered in
:data:`analysis.ingest.ROW`) beside its raw text: dates, booleans, the spellings of
closed categories, Health and Safety Code sections (:data:`SECTION_RE`), places and
prosecutors (:mod:`analysis.spellings`), and fills the fields a mapping derives.
:data:`RULES` is the table :func:`analysis.ingest.run_rules` runs over the result; each
rule names the column it judges and says what is wrong in the reader's words.
:mod:`analysis.validate` reads files and reports.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from . import ingest, schema, spellings
from .casemap import CaseMapping
from .ingest import ROW, Rule

__all__ = ["AB1793_SIGNED", "ID_PATTERN", "MAX_TEXT", "OPTIONAL", "RULES", "SECTION_RE",
           "parse"]

AB1793_SIGNED = dt.date(2018, 9, 30)  # no motion under AB 1793 can predate it
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,63}$"
MAX_TEXT = 200

# Columns an input may leave out: filled empty, or derived from others.
OPTIONAL = {"hs_subsection", "court_location", "offense_type"}


# --- parsing -----------------------------------------------------------------------------


def _alias(column: str, aliases: dict[str, str]) -> pl.Expr:
    folded = pl.col(column).str.to_lowercase().str.strip_chars()
    return folded.replace_strict(aliases, default=None)


def _date(column: str, fmt: str | None = None) -> pl.Expr:
    """A date written YYYY-MM-DD (a time may follow), MM/DD/YYYY or YYYY/MM/DD, or in
    ``fmt`` (a mapping's ``date_format``) first."""
    text = pl.col(column).str.replace(r"^(\d{4}-\d{2}-\d{2})[ T].*$", "$1")
    own = [pl.col(column).str.strip_chars().str.to_date(fmt, strict=False)] if fmt else []
    return pl.coalesce(
        *own,
        text.str.to_date("%Y-%m-%d", strict=False),
        text.str.to_date("%m/%d/%Y", strict=False),
        text.str.to_date("%Y/%m/%d", strict=False),
    )


def _bool(column: str) -> pl.Expr:
    folded = pl.col(column).str.to_lowercase().str.strip_chars()
    return (pl.when(folded.is_in(list(schema.TRUE_STRINGS))).then(True)
            .when(folded.is_in(list(schema.FALSE_STRINGS))).then(False))


# "HS 11359(b)", "H&S 11359", "HSC 11357", "§ 11357", "11357(a) HS", "11360(a)(1) HS":
# the code before or after the section number, subsections in parentheses.
_CODE = r"(?:h\.?\s*&?\s*s\.?\s*c?\.?|hsc)"
SECTION_RE = (rf"(?i)^\s*(?:{_CODE}\s*)?(?:§\s*)?(\d{{5}})\s*(?:\((.*)\))?\s*"
              rf"(?:{_CODE})?\s*$")


def parse(raw: pl.DataFrame, mapping: CaseMapping | None = None) -> pl.DataFrame:
    """Parse every column; unparseable values become null beside their raw text. Fields
    the mapping derives are filled where blank."""
    jur = spellings.jurisdictions(raw["jurisdiction"].drop_nulls().unique().to_list())
    agency = spellings.agencies(raw["prosecuting_agency"].drop_nulls().unique().to_list())
    count_text = pl.col("count").str.strip_chars()
    fmt = mapping.date_format if mapping else None
    return raw.with_columns(
        _p_case_id=pl.col("case_id").str.strip_chars(),
        _p_person_id=pl.col("person_id").str.strip_chars(),
        _p_count=pl.when(count_text.str.contains(r"^\d{1,6}(\.0+)?$"))
        .then(count_text.str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)),
        _p_batch=_alias("batch", schema.BATCH_ALIASES),
        _p_motion_date=_date("motion_date", fmt),
        _p_conviction_date=_date("conviction_date", fmt),
        _p_found_in_doj=_bool("found_in_doj"),
        _p_found_in_court=_bool("found_in_court"),
        _p_hs_section=pl.col("hs_section").str.extract(SECTION_RE, 1),
        _p_hs_subsection=pl.coalesce(
            pl.col("hs_subsection").str.strip_chars().str.strip_chars("()"),
            pl.col("hs_section").str.extract(SECTION_RE, 2).str.to_lowercase()),
        _p_offense_type=_alias("offense_type", schema.OFFENSE_ALIASES),
        _p_charge_level=_alias("charge_level", schema.LEVEL_ALIASES),
        _p_jurisdiction=pl.col("jurisdiction").replace_strict(jur, default=None),
        _p_prosecuting_agency=pl.col("prosecuting_agency").replace_strict(agency, default=None),
        _p_court_location=pl.col("court_location").str.strip_chars(),
        _p_race_ethnicity=pl.col("race_ethnicity").str.to_lowercase().str.strip_chars()
        .replace_strict(schema.RACE_ALIASES, default=None),
        _p_relief_granted=_alias("relief_granted", schema.RELIEF_ALIASES),
    ).with_columns(_derived(mapping.derive if mapping else frozenset()))


def _derived(derive: frozenset[str]) -> list[pl.Expr]:
    """The fields a mapping derives, filled where the file leaves them blank."""
    out = []
    if "prosecuting_agency" in derive:
        out.append(pl.coalesce(_p("prosecuting_agency"), pl.when(
            pl.col("prosecuting_agency").is_null()).then(_EXPECTED_AGENCY))
            .alias("_p_prosecuting_agency"))
    if "motion_date" in derive:
        motion = _p("batch").replace_strict(schema.MOTION_DATES, default=None,
                                            return_dtype=pl.Date)
        out.append(pl.coalesce(_p("motion_date"), pl.when(
            pl.col("motion_date").is_null()).then(motion)).alias("_p_motion_date"))
    return out


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
    *(Rule("missing-value", c, pl.col(c).is_null() & _p(c).is_null(), "a value is required")
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
         "not a cannabis section of the Health and Safety Code (11357-11360; written "
         "like 11357, HS 11357(a), H&S 11359 or 11360(a)(1) HS)"),
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
         pl.format("agency '{}' does not match the level and jurisdiction; expected '{}' "
                   "(the District Attorney files every felony, and misdemeanors outside "
                   "the ten city-prosecutor cities)", _p("prosecuting_agency"),
                   _EXPECTED_AGENCY)),
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



def __dir__() -> list[str]:
    return sorted(__all__)
