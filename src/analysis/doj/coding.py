"""The coded fields of a DOJ row, as polars expressions over the raw text columns.

Every rule of the format notes that reads one row lives here: the code section (from
the offense description, else the comment), the Proposition 64 section in it and the
offences of the cited tables it names, the level (``CONV_STAT_DESCR``, else
``OFFENSE_TOC``), whether the count is a conviction, the length of a sentence part (a
month is a twelfth of a 366-day year, as the reference tool counts it), the race (codes
of ``race_codes.csv``, else the description as :data:`analysis.schema.RACE_ALIASES`
reads it, else Unknown), the county, the court's city and the steps that matter (a
PC 290 registration, a death).

A file of a million rows holds a few thousand distinct offense descriptions, levels,
courts: :func:`coded` works out each group of fields once per distinct combination of
the raw columns it reads and joins the result back (:data:`GROUPS`).
"""

from __future__ import annotations

import polars as pl

from .. import schema
from . import places, tables
from .tables import race_codes

__all__ = ["GROUPS", "HOURS", "KEEP", "PROP64", "coded", "convicted", "race", "section"]

PROP64 = r"(11357|11358|11359|11360)"  # the sections of Proposition 64, anywhere in the text
# Hours in one unit of a sentence: a day, a month (366 / 12 days), a year (366 days).
HOURS = {"D": 24, "M": 732, "Y": 8784}


def _text(column: str) -> pl.Expr:
    """A raw column, stripped and upper case, blank as null."""
    text = pl.col(column).str.strip_chars().str.to_uppercase()
    return pl.when(text != "").then(text)


def section() -> pl.Expr:
    """The code section: the text before the first ``-`` of the offense description, or
    of the comment (``_comment``, given only where the description is blank or says to
    see the comment)."""
    source = pl.coalesce(_text("_comment"), _text("OFFENSE_DESCR"))
    cut = source.str.extract(r"^([^-]*)", 1).str.strip_chars()
    return pl.when(cut != "").then(cut)


def convicted() -> pl.Expr:
    """True where the count is a conviction: its disposition starts with CONVICTED."""
    return pl.col("DISP_DESCR").cast(pl.String).str.contains(r"^\s*CONVICTED").fill_null(False)


def _matches(table: pl.DataFrame) -> pl.Expr:
    """True where the code section is one of the table's offences."""
    return pl.col("section").str.contains(tables.pattern_of(table)).fill_null(False)


def _offence() -> list[pl.Expr]:
    """Section, Prop 64 section, subsection and the cited offences it is."""
    strikes = tables.superstrikes()
    code = pl.col("section")
    groups = code.str.extract(PROP64 + r"\s*((?:\([0-9A-Z]+\))+)", 2)
    return [
        code.str.extract(PROP64, 1).cast(schema.CodeSection).alias("p64"),
        groups.str.strip_prefix("(").str.strip_suffix(")").str.to_lowercase()
        .alias("subsection"),
        _matches(strikes.filter(kind="superstrike")).alias("strike"),
        _matches(strikes.filter(kind="gang-enhanceable")).alias("enhanceable"),
        _matches(strikes.filter(kind="gang-enhancement")).alias("enhancement"),
        _matches(tables.pc290()).alias("pc290"),
        _text("OFFENSE_DESCR").str.starts_with("290").fill_null(False).alias("offense_290"),
    ]


def _level() -> pl.Expr:
    """felony / misdemeanor / infraction from CONV_STAT_DESCR, else OFFENSE_TOC."""
    words = {"FELONY": "felony", "MISDEMEANOR": "misdemeanor", "INFRACTION": "infraction"}
    letters = {"F": "felony", "M": "misdemeanor", "I": "infraction"}
    stat = _text("CONV_STAT_DESCR")
    return (pl.when(stat.is_not_null())
            .then(stat.replace_strict(words, default=None))
            .otherwise(_text("OFFENSE_TOC").replace_strict(letters, default=None))
            .cast(schema.ChargeLevel))


def _sentence_hours() -> pl.Expr:
    """The length of this row's sentence part in hours (0 when not given)."""
    length = pl.col("SENT_LENGTH").str.strip_chars().cast(pl.Int64, strict=False)
    unit = _text("SENT_TIME_CODE").replace_strict(HOURS, default=0, return_dtype=pl.Int64)
    return (length * unit).fill_null(0)


def race() -> pl.Expr:
    """The race of the schema: a known code, else a known description, else Unknown."""
    codes = dict(race_codes().select("code", "race_ethnicity").iter_rows())
    by_code = _text("RACE_CODE").replace_strict(codes, default=None, return_dtype=pl.String)
    by_text = (pl.col("RACE_DESCR").str.strip_chars().str.to_lowercase()
               .replace_strict(schema.RACE_ALIASES, default=None, return_dtype=pl.String))
    return pl.coalesce(by_code, by_text, pl.lit("Unknown")).cast(schema.Race)


def _step() -> list[pl.Expr]:
    step = _text("STP_TYPE_DESCR")
    return [(step == "REGISTRATION").fill_null(False).alias("registration_step"),
            (step == "DECEASED").fill_null(False).alias("deceased")]


def _court() -> list[pl.Expr]:
    return [_text("STP_ORI_CNTY_NAME").alias("county"), _text("STP_ORI_DESCR").alias("court"),
            places.jurisdiction(_text("STP_ORI_DESCR"), _text("STP_ORI_CNTY_NAME"))
            .alias("jurisdiction")]


# (raw columns read, stages of fields made): each group is worked out once per distinct
# value of its columns, a stage at a time (a later stage may read an earlier one).
GROUPS: tuple[tuple[tuple[str, ...], object], ...] = (
    (("OFFENSE_DESCR", "_comment"), lambda: [[section().alias("section")], _offence()]),
    (("CONV_STAT_DESCR", "OFFENSE_TOC"), lambda: [[_level().alias("level")]]),
    (("SENT_LENGTH", "SENT_TIME_CODE"), lambda: [[_sentence_hours().alias("sentence_hours")]]),
    (("RACE_CODE", "RACE_DESCR"), lambda: [[race().alias("race")]]),
    (("STP_TYPE_DESCR",), lambda: [_step()]),
    (("STP_ORI_CNTY_NAME", "STP_ORI_DESCR"), lambda: [_court()]),
)


# the raw columns the person ids are made from (analysis.doj.reading), kept past coding
KEEP = ("SUBJECT_ID", "CII_NUMBER", "PRI_NAME")


def _distinct(frame: pl.DataFrame, keys: list[str], stages: list[list[pl.Expr]]
              ) -> pl.DataFrame:
    """``frame`` with the fields of ``stages`` computed once per distinct ``keys``."""
    lookup = frame.select(keys).unique()
    # the fields are worked out on the keys as text (a category column holds codes)
    text = lookup.with_columns(pl.col(k).cast(pl.String) for k in keys)
    for fields in stages:
        text = text.with_columns(fields)
    lookup = pl.concat([lookup, text.drop(keys)], how="horizontal")
    # each raw column is read by one group only: the frame sheds it once coded
    return (frame.join(lookup, on=keys, how="left", nulls_equal=True, maintain_order="left")
            .drop([k for k in keys if k not in KEEP]))


def coded(raw: pl.DataFrame) -> pl.DataFrame:
    """``raw`` (the READ columns) with every coded field (see the module's notes)."""
    offense = pl.col("OFFENSE_DESCR").cast(pl.String)
    see_comment = offense.is_null() | offense.str.contains(
        r"(?i)^\s*(?:SEE COMMENT FOR CHARGE)?\s*$")
    order = pl.col("CNT_ORDER").str.strip_chars()
    frame = raw.with_columns(
        # the comment only where it holds the charge, so distinct values stay few
        _comment=pl.when(see_comment).then(pl.col("COMMENT_TEXT")),
        convicted=convicted(),
        cnt_order=order, count=order.str.slice(6, 3).cast(pl.Int16, strict=False),
    ).drop("COMMENT_TEXT", "DISP_DESCR", "CNT_ORDER", "STP_EVENT_DATE", "PRI_DOB")  # parsed
    for keys, stages in GROUPS:
        frame = _distinct(frame, list(keys), stages())
    return (frame
            # a registration step for a PC 290 offence
            .with_columns(registration=pl.col("registration_step") & pl.col("offense_290"))
            .drop("registration_step", "offense_290"))


def __dir__() -> list[str]:
    return sorted(__all__)
