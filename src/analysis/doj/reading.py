"""Reading DOJ AB 1793 files into rows with derived fields only.

:func:`load` checks each file's shape (:mod:`.layout_check`), scans the needed columns
as text (``pl.scan_csv``, all String, nothing else parsed), and derives, per row:

- ``subject``: the DOJ subject (``SUBJECT_ID``) under a salted hash: the unit the rules
  judge, as in the reference tool;
- ``person_id``: :func:`analysis.pseudonym.person_ids` of the normalised CII number
  (``key_text(["CII_NUMBER"])``), or, when the CII is blank, of the name and the date
  of birth (``key_text([PRI_NAME, DOB as YYYY-MM-DD])``);
- ``case_id`` (:func:`case_ids`, made only for the rows that need one): ``C`` and 20 hex
  digits of the BLAKE2b-80 of ``DOJ CASE|<subject>|<first six digits of
  CNT_ORDER>|<court>`` keyed with (a digest of) the salt (cycle and step: one court
  case within the subject's record; the court is ``STP_ORI_DESCR`` upper case,
  ``NO COURT`` when blank);
- ``age``: years (days / 365.25) from the date of birth to ``compute_at``;
- ``section``: the code section, the text before the first ``-`` of the offense
  description, or of ``COMMENT_TEXT`` when the description is blank or ``SEE COMMENT
  FOR CHARGE``.

Names, dates of birth, CII, SUBJECT_ID and the comment are dropped before the frame is
returned; the other identifying columns are never read. A date that is not
``YYYYMMDD`` becomes unknown, with one warning per column.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from .. import pseudonym
from ..ingest import Problem
from . import coding
from .layout import COLUMNS, READ
from .layout_check import FileShape, check_file

__all__ = ["CODED", "DATE_COLUMNS", "case_ids", "load", "scan"]

DATE_COLUMNS = {"STP_EVENT_DATE": "event_date", "PRI_DOB": "dob"}
_SCHEMA = {c: pl.String for c in COLUMNS}


# Columns of few distinct values (codes, descriptions, courts): held as categories, four
# bytes a row instead of the text, which keeps a statewide file's frame small.
CODED = ("RACE_CODE", "RACE_DESCR", "STP_TYPE_DESCR", "STP_ORI_DESCR", "STP_ORI_CNTY_NAME",
         "OFFENSE_DESCR", "OFFENSE_TOC", "DISP_DESCR", "CONV_STAT_DESCR", "SENT_LENGTH",
         "SENT_TIME_CODE")


def scan(shapes: Sequence[FileShape]) -> pl.LazyFrame:
    """The needed columns of every file in file order: text, codes as categories."""
    frames = [pl.scan_csv(s.path, has_header=False, skip_rows=int(s.header), schema=_SCHEMA,
                          encoding="utf8-lossy", truncate_ragged_lines=True)
              .select(READ).with_columns(pl.col(CODED).cast(pl.Categorical))
              for s in shapes]
    return (pl.concat(frames, how="vertical")
            # blank lines: no subject, no count
            .filter(pl.col("SUBJECT_ID").is_not_null() | pl.col("CNT_ORDER").is_not_null())
            .with_row_index("row"))


def _dates() -> list[pl.Expr]:
    """The dates, parsed strictly as YYYYMMDD (anything else is unknown)."""
    return [pl.when(pl.col(raw).str.contains(r"^\d{8}$"))
            .then(pl.col(raw).str.to_date("%Y%m%d", strict=False)).alias(name)
            for raw, name in DATE_COLUMNS.items()]


def _bad_dates(frame: pl.DataFrame, label: str) -> list[Problem]:
    """One warning per date column holding values that are not dates."""
    out = []
    for raw, name in DATE_COLUMNS.items():
        bad = frame.filter(pl.col(raw).str.strip_chars().ne("").fill_null(False)
                           & pl.col(name).is_null())
        if bad.height:
            out.append(Problem(label, "date-format", f"{bad.height:,} value(s) are not "
                               "YYYYMMDD dates and were read as unknown", column=raw,
                               severity="warning"))
    return out


def _hash(keys: pl.Expr, frame: pl.DataFrame, prefix: str) -> pl.Series:
    """The salted id (``analysis.pseudonym.person_ids``) of each row's key text, with
    ``prefix`` in place of the leading ``P``."""
    ids = pseudonym.person_ids(frame.select(keys).to_series())
    return ids if prefix == "P" else ids.str.replace("^P", prefix)


def _keyed(texts: pl.Series, prefix: str) -> pl.Series:
    """``prefix`` + 20 hex digits of the BLAKE2b-80 of each text keyed with the salt
    (a keyed hash as strong as the HMAC, and twice as quick for the many case ids)."""
    key = hashlib.blake2b(pseudonym.salt(), digest_size=64).digest()
    table = {t: prefix + hashlib.blake2b(t.encode(), key=key, digest_size=10).hexdigest()
             for t in texts.drop_nulls().unique().to_list()}
    return texts.replace_strict(table, default=None, return_dtype=pl.String)


def _or(text: pl.Expr, instead: str) -> pl.Expr:
    """``text``, or ``instead`` where it is blank."""
    return pl.when(text.fill_null("") != "").then(text).otherwise(pl.lit(instead))


_PEOPLE = ["SUBJECT_ID", "CII_NUMBER", "PRI_NAME", "dob"]


def _person_ids(keys: pl.DataFrame) -> pl.Series:
    """The person id of each row of ``keys``: the CII hashed, else the name and birth
    date, else the DOJ subject (each key text made only where it is used)."""
    has_cii = pl.col("CII_NUMBER").str.strip_chars().ne("").fill_null(False)
    frame = keys.with_row_index("_at").with_columns(_subject=pl.lit("DOJ SUBJECT"),
                                                    _dob_iso=pl.col("dob").cast(pl.String))
    with_cii = frame.filter(has_cii).select("_at", _key=pseudonym.key_text(["CII_NUMBER"]))
    rest = frame.filter(~has_cii).select("_at", _key=pl.coalesce(
        pseudonym.key_text(["PRI_NAME", "_dob_iso"]),
        pseudonym.key_text(["_subject", "SUBJECT_ID"])))
    both = pl.concat([with_cii, rest]).sort("_at")
    return _hash(pl.col("_key"), both, "P")


def _people(frame: pl.DataFrame, compute_at: dt.date) -> pl.DataFrame:
    """Per distinct (subject, CII, name, birth date): the hashed ids and the age."""
    keys = frame.select(_PEOPLE).unique()
    subjects = (keys.select("SUBJECT_ID").unique()
                .with_columns(_subject=pl.lit("DOJ SUBJECT")))
    subjects = subjects.select("SUBJECT_ID", subject=_hash(
        pseudonym.key_text(["_subject", "SUBJECT_ID"]), subjects, "S"))
    return (keys.with_columns(person_id=_person_ids(keys),
                              age=(pl.lit(compute_at) - pl.col("dob")).dt.total_days() / 365.25)
            .join(subjects, on="SUBJECT_ID", how="left", nulls_equal=True))


def case_ids(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (with ``subject``, ``cnt_order``, ``court``) with its ``case_id``: the
    salted hash of the hashed subject, the first six digits of CNT_ORDER and the court,
    worked out once per distinct case."""
    parts = {"_kind": pl.lit("DOJ CASE"),
             "_case": _or(pl.col("cnt_order").str.slice(0, 6), "NO CASE"),
             "_court": _or(pl.col("court"), "NO COURT")}
    keyed = frame.with_columns(**parts)
    keys = keyed.select("subject", "_case", "_court", "_kind").unique()
    # the parts are normalised already (a hash, digits, upper-case text): joined as is
    text = keys.select(pl.concat_str(["_kind", "subject", "_case", "_court"],
                                     separator="|")).to_series()
    keys = keys.with_columns(case_id=_keyed(text, "C"))
    return (keyed.join(keys.drop("_kind"), on=["subject", "_case", "_court"], how="left",
                       nulls_equal=True, maintain_order="left")
            .drop("_kind", "_case", "_court"))


def _ids(frame: pl.DataFrame, compute_at: dt.date) -> pl.DataFrame:
    """Add the hashed subject and person ids and the age; drop what they came from."""
    return (frame
            # the pseudonymous ids, worked out once per person
            .join(_people(frame, compute_at), on=_PEOPLE, how="left", nulls_equal=True,
                  maintain_order="left")
            # the identifiers and the raw text go
            .drop(*READ, "dob", strict=False))


def load(files: Sequence[str | Path], compute_at: dt.date | None = None
         ) -> tuple[pl.DataFrame | None, list[Problem], int]:
    """Read ``files``: (the derived rows or None when unusable, problems, data rows)."""
    compute_at = compute_at or dt.date.today()
    shapes = [check_file(Path(f)) for f in files]
    problems = [p for s in shapes for p in s.problems]
    if not shapes:
        problems.append(Problem("(no file)", "no-file", "give at least one DOJ file"))
    if problems and any(p.severity == "error" for p in problems):
        return None, problems, sum(s.rows for s in shapes)
    raw = scan(shapes).with_columns(_dates()).collect(engine="streaming")
    label = ", ".join(str(s.path) for s in shapes) if len(shapes) > 1 else str(shapes[0].path)
    problems += _bad_dates(raw, label)
    coded = coding.coded(raw)
    del raw  # the raw text goes before the ids are made
    return _ids(coded, compute_at), problems, sum(s.rows for s in shapes)


def __dir__() -> list[str]:
    return sorted(__all__)
