"""Reading DOJ AB 1793 files into rows with derived fields only.

:func:`load` checks each file's shape (:mod:`.layout_check`), scans the needed columns
as text (``pl.scan_csv``, all String, nothing else parsed), and derives, per row:

- ``subject``: the DOJ subject (``SUBJECT_ID``) under a salted hash
  (:func:`analysis.pseudonym.keyed_ids`, ``S`` and 20 hex digits): the unit the rules
  judge, as in the reference tool; it is never written out;
- ``person_id``: :func:`analysis.pseudonym.person_ids` of a key chosen by
  ``person_key`` (:data:`PERSON_KEYS`). ``"cii"``: the normalised CII number
  (``key_text(["CII_NUMBER"])``), or, when the CII is blank, the name and the date of
  birth (``key_text([PRI_NAME, DOB as YYYY-MM-DD])``); ``"name-dob"``: always the name
  and the date of birth, the key a court export's mapping ``hash: [name, date of
  birth]`` reproduces. Either way the DOJ subject when neither can be made;
- ``court_case`` (:func:`_court_cases`): the salted id of the court case number
  (``FE_NUM_CRT_CASE``) of the row's court step, :func:`analysis.pseudonym.case_ids`
  of :func:`analysis.pseudonym.case_number_text`: the row's own number, else the first
  one given on another row of the same step (subject and first six digits of
  ``CNT_ORDER``); null when the step has none, and on rows that are not convictions;
- ``case_id`` (:func:`case_ids`, made only for the rows that need one): ``court_case``
  where there is one, else ``C`` and 20 hex digits of the BLAKE2b-80 of ``DOJ
  CASE|<subject>|<first six digits of CNT_ORDER>|<court>`` keyed with (a digest of)
  the salt (cycle and step: one court case within the subject's record; the court is
  ``STP_ORI_DESCR`` upper case, ``NO COURT`` when blank);
- ``age``: years (days / 365.25) from the date of birth to ``compute_at``;
- ``section``: the code section, the text before the first ``-`` of the offense
  description, or of ``COMMENT_TEXT`` when the description is blank or ``SEE COMMENT
  FOR CHARGE``.

Names, dates of birth, CII, SUBJECT_ID, the court case number and the comment are
dropped before the frame is returned; the other identifying columns are never read. A
date that is not ``YYYYMMDD`` becomes unknown, with one warning per column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from .. import pseudonym
from ..ingest import Problem
from . import coding
from .layout import COLUMNS, READ
from .layout_check import FileShape, check_file

__all__ = ["CODED", "DATE_COLUMNS", "PERSON_KEYS", "case_ids", "load", "scan"]

DATE_COLUMNS = {"STP_EVENT_DATE": "event_date", "PRI_DOB": "dob"}
_SCHEMA = {c: pl.String for c in COLUMNS}
# What a person id is made from: the CII where there is one (the default), or always the
# name and date of birth (what a court export without CII numbers can reproduce).
PERSON_KEYS = ("cii", "name-dob")


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


def _or(text: pl.Expr, instead: str) -> pl.Expr:
    """``text``, or ``instead`` where it is blank."""
    return pl.when(text.fill_null("") != "").then(text).otherwise(pl.lit(instead))


_PEOPLE = ["SUBJECT_ID", "CII_NUMBER", "PRI_NAME", "dob"]


def _person_ids(keys: pl.DataFrame, person_key: str) -> pl.Series:
    """The person id of each row of ``keys``: the CII hashed (``person_key`` "cii"
    only), else the name and birth date in that order, as a mapping's ``hash: [name,
    date of birth]`` makes them, else the DOJ subject (each key text made only where it
    is used)."""
    has_cii = (pl.col("CII_NUMBER").str.strip_chars().ne("").fill_null(False)
               if person_key == "cii" else pl.lit(False))
    frame = keys.with_row_index("_at").with_columns(_subject=pl.lit("DOJ SUBJECT"),
                                                    _dob_iso=pl.col("dob").cast(pl.String))
    with_cii = frame.filter(has_cii).select("_at", _key=pseudonym.key_text(["CII_NUMBER"]))
    rest = frame.filter(~has_cii).select("_at", _key=pl.coalesce(
        pseudonym.key_text(["PRI_NAME", "_dob_iso"]),
        pseudonym.key_text(["_subject", "SUBJECT_ID"])))
    both = pl.concat([with_cii, rest]).sort("_at")
    return _hash(pl.col("_key"), both, "P")


def _people(frame: pl.DataFrame, compute_at: dt.date, person_key: str) -> pl.DataFrame:
    """Per distinct (subject, CII, name, birth date): the hashed ids and the age."""
    keys = frame.select(_PEOPLE).unique()
    subjects = (keys.select("SUBJECT_ID").unique()
                .with_columns(_subject=pl.lit("DOJ SUBJECT")))
    # the subject is the rules' own unit, never published: the quicker keyed hash
    subjects = subjects.select("SUBJECT_ID", subject=pseudonym.keyed_ids(
        subjects.select(pseudonym.key_text(["_subject", "SUBJECT_ID"])).to_series(), "S"))
    return (keys.with_columns(person_id=_person_ids(keys, person_key),
                              age=(pl.lit(compute_at) - pl.col("dob")).dt.total_days() / 365.25)
            .join(subjects, on="SUBJECT_ID", how="left", nulls_equal=True))


def _court_cases(raw: pl.DataFrame) -> pl.DataFrame:
    """``raw`` with ``court_case``, the salted id of the court case number of each row's
    court step (its own ``FE_NUM_CRT_CASE``; a conviction without one takes the first
    given on another row of the same subject and step), null when there is none; the
    number itself dropped."""
    step = pl.col("CNT_ORDER").str.strip_chars().str.slice(0, 6).alias("_step")
    numbered = raw.with_columns(_number=pseudonym.case_number_text("FE_NUM_CRT_CASE"))
    lacking = numbered.filter(pl.col("_number").is_null() & coding.convicted())
    if lacking.height:  # only then is the step's number looked up (a join)
        given = (numbered.filter(pl.col("_number").is_not_null())
                 # the first number given in each subject's court step
                 .select("SUBJECT_ID", step, _fill="_number")
                 .unique(["SUBJECT_ID", "_step"], keep="first", maintain_order=True))
        filled = (lacking.select("row", "SUBJECT_ID", step)
                  # each conviction lacking a number, beside its step's
                  .join(given, on=["SUBJECT_ID", "_step"], how="inner")
                  .select("row", _number="_fill"))
        numbered = numbered.update(filled, on="row", how="left")
    # only a conviction's case gets an id (the rules judge convictions alone)
    numbers = numbered.select(pl.when(coding.convicted()).then("_number")).to_series()
    return (numbered.with_columns(court_case=pseudonym.case_ids(numbers))
            .drop("FE_NUM_CRT_CASE", "_number"))


def case_ids(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (with ``subject``, ``cnt_order``, ``court`` and ``court_case``) with its
    ``case_id``: ``court_case`` where given (``case_from_number`` true), else the salted
    hash of the hashed subject, the first six digits of CNT_ORDER and the court, worked
    out once per distinct case."""
    parts = {"_kind": pl.lit("DOJ CASE"),
             "_case": _or(pl.col("cnt_order").str.slice(0, 6), "NO CASE"),
             "_court": _or(pl.col("court"), "NO COURT")}
    keyed = frame.with_columns(**parts)
    keys = keyed.select("subject", "_case", "_court", "_kind").unique()
    # the parts are normalised already (a hash, digits, upper-case text): joined as is
    text = keys.select(pl.concat_str(["_kind", "subject", "_case", "_court"],
                                     separator="|")).to_series()
    keys = keys.with_columns(case_id=pseudonym.keyed_ids(text, "C"))
    return (keyed.join(keys.drop("_kind"), on=["subject", "_case", "_court"], how="left",
                       nulls_equal=True, maintain_order="left")
            # the court's case number first, the DOJ's own numbering where it is blank
            .with_columns(case_from_number=pl.col("court_case").is_not_null(),
                          case_id=pl.coalesce("court_case", "case_id"))
            .drop("_kind", "_case", "_court", "court_case"))


def _ids(frame: pl.DataFrame, compute_at: dt.date, person_key: str) -> pl.DataFrame:
    """Add the hashed subject and person ids and the age; drop what they came from."""
    return (frame
            # the pseudonymous ids, worked out once per person
            .join(_people(frame, compute_at, person_key), on=_PEOPLE, how="left", nulls_equal=True,
                  maintain_order="left")
            # the identifiers and the raw text go
            .drop(*READ, "dob", strict=False))


def load(files: Sequence[str | Path], compute_at: dt.date | None = None,
         person_key: str = "cii") -> tuple[pl.DataFrame | None, list[Problem], int]:
    """Read ``files``: (the derived rows or None when unusable, problems, data rows).
    ``person_key`` is one of :data:`PERSON_KEYS` (ValueError otherwise)."""
    if person_key not in PERSON_KEYS:
        raise ValueError(f"the person key is one of {', '.join(PERSON_KEYS)}, not "
                         f"{person_key!r}")
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
    coded = coding.coded(_court_cases(raw))
    del raw  # the raw text goes before the ids are made
    return _ids(coded, compute_at, person_key), problems, sum(s.rows for s in shapes)


def __dir__() -> list[str]:
    return sorted(__all__)
