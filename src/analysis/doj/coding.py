"""The coded fields of a DOJ row, as polars expressions over the raw text columns.

Every rule of the format notes that reads one row lives here: the code section (from
the offense description, else the comment), the Proposition 64 section in it, the
level (``CONV_STAT_DESCR``, else ``OFFENSE_TOC``), whether the count is a conviction,
the length of a sentence part (a month is a twelfth of a 366-day year, as the
reference tool counts it), the race (codes of ``race_codes.csv``, else the description
as :data:`analysis.schema.RACE_ALIASES` reads it, else Unknown) and the steps that
matter (a PC 290 registration, a death).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from .. import schema
from .tables import race_codes

__all__ = ["HOURS", "KEPT", "PROP64", "derived", "race", "section"]

PROP64 = r"(11357|11358|11359|11360)"  # the sections of Proposition 64, anywhere in the text
# Hours in one unit of a sentence: a day, a month (366 / 12 days), a year (366 days).
HOURS = {"D": 24, "M": 732, "Y": 8784}
KEPT: tuple[str, ...] = ()  # raw columns kept as they are (none: all are recoded)

_SEE_COMMENT = "SEE COMMENT FOR CHARGE"


def _text(column: str) -> pl.Expr:
    """A raw column, stripped and upper case, blank as null."""
    text = pl.col(column).str.strip_chars().str.to_uppercase()
    return pl.when(text != "").then(text)


def section() -> pl.Expr:
    """The code section: the text before the first ``-`` of the offense description, or
    of the comment when the description is blank or says to see the comment."""
    offense = _text("OFFENSE_DESCR")
    source = (pl.when(offense.is_null() | (offense == _SEE_COMMENT))
              .then(_text("COMMENT_TEXT")).otherwise(offense))
    cut = source.str.extract(r"^([^-]*)", 1).str.strip_chars()
    return pl.when(cut != "").then(cut)


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


def _subsection(code: pl.Expr) -> pl.Expr:
    """The subsection after the Prop 64 section, as the schema writes it (``b)(2``)."""
    groups = code.str.extract(PROP64 + r"\s*((?:\([0-9A-Z]+\))+)", 2)
    return groups.str.strip_prefix("(").str.strip_suffix(")").str.to_lowercase()


def derived(compute_at: dt.date) -> list[pl.Expr]:
    """Every coded field of a row (see the module's notes)."""
    step = _text("STP_TYPE_DESCR")
    code = section()
    return [
        code.alias("section"),
        code.str.extract(PROP64, 1).cast(schema.CodeSection).alias("p64"),
        _subsection(code).alias("subsection"),
        _text("DISP_DESCR").str.starts_with("CONVICTED").fill_null(False).alias("convicted"),
        _level().alias("level"),
        _sentence_hours().alias("sentence_hours"),
        race().alias("race"),
        _text("STP_ORI_CNTY_NAME").alias("county"),
        _text("STP_ORI_DESCR").alias("court"),
        _text("STP_ORI_CODE").alias("ori_code"),
        pl.col("CNT_ORDER").str.strip_chars().alias("cnt_order"),
        pl.col("CNT_ORDER").str.slice(6, 3).cast(pl.Int16, strict=False).alias("count"),
        ((step == "REGISTRATION") & _text("OFFENSE_DESCR").str.starts_with("290"))
        .fill_null(False).alias("registration"),
        (step == "DECEASED").fill_null(False).alias("deceased"),
        ((pl.lit(compute_at) - pl.col("dob")).dt.total_days() / 365.25).alias("age"),
    ]


def __dir__() -> list[str]:
    return sorted(__all__)
