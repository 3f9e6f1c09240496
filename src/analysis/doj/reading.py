"""Reading DOJ AB 1793 files into rows with derived fields only.

:func:`load` checks each file's shape (:mod:`.layout_check`), scans the needed columns
as text (``pl.scan_csv``, all String, nothing else parsed), and derives, per row:

- ``subject``: the DOJ subject (``SUBJECT_ID``) under a salted hash: the unit the rules
  judge, as in the reference tool;
- ``person_id``: :func:`analysis.pseudonym.person_ids` of the normalised CII number
  (``key_text(["CII_NUMBER"])``), or, when the CII is blank, of the name and the date
  of birth (``key_text([PRI_NAME, DOB as YYYY-MM-DD])``);
- ``case_id``: the same hash of the DOJ subject (``SUBJECT_ID``), the first six
  digits of ``CNT_ORDER`` (cycle and step: one court case within the subject's record)
  and the court (``STP_ORI_DESCR``), with ``C`` in place of the leading ``P``;
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
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from .. import pseudonym
from ..ingest import Problem
from . import coding
from .layout import COLUMNS, READ
from .layout_check import FileShape, check_file

__all__ = ["DATE_COLUMNS", "load", "scan"]

DATE_COLUMNS = {"STP_EVENT_DATE": "event_date", "PRI_DOB": "dob"}
_SCHEMA = {c: pl.String for c in COLUMNS}


def scan(shapes: Sequence[FileShape]) -> pl.LazyFrame:
    """The needed columns of every file, as text, in file order."""
    frames = [pl.scan_csv(s.path, has_header=False, skip_rows=int(s.header), schema=_SCHEMA,
                          encoding="utf8-lossy", truncate_ragged_lines=True)
              .select(READ) for s in shapes]
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


def _person_key() -> pl.Expr:
    """The key text of a person: the CII, else name and birth date, else the DOJ
    subject."""
    has_cii = pl.col("CII_NUMBER").str.strip_chars().ne("").fill_null(False)
    by_cii = pseudonym.key_text(["CII_NUMBER"])
    by_name = pseudonym.key_text(["PRI_NAME", "_dob_iso"])
    by_subject = pseudonym.key_text(["_subject", "SUBJECT_ID"])
    return pl.coalesce(pl.when(has_cii).then(by_cii), by_name, by_subject)


def _or(text: pl.Expr, instead: str) -> pl.Expr:
    """``text``, or ``instead`` where it is blank."""
    return pl.when(text.fill_null("") != "").then(text).otherwise(pl.lit(instead))


def _ids(frame: pl.DataFrame) -> pl.DataFrame:
    """Add the hashed ids (subject, person, case) and drop what they came from."""
    keyed = frame.with_columns(
        _dob_iso=pl.col("dob").cast(pl.String),
        _subject=pl.lit("DOJ SUBJECT"),
        # a blank part would make the whole key blank: name it instead
        _case=_or(pl.col("CNT_ORDER").str.strip_chars().str.slice(0, 6), "NO CASE"),
        _court=_or(pl.col("STP_ORI_DESCR").str.strip_chars(), "NO COURT"))
    subject = pseudonym.key_text(["_subject", "SUBJECT_ID"])
    return (keyed
            # the pseudonymous ids
            .with_columns(subject=_hash(subject, keyed, "S"),
                          person_id=_hash(_person_key(), keyed, "P"),
                          case_id=_hash(pseudonym.key_text(["_subject", "SUBJECT_ID", "_case",
                                                            "_court"]), keyed, "C"))
            # the identifiers, the raw text and the helpers go
            .drop(*READ, "dob", "_dob_iso", "_subject", "_case", "_court"))


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
    frame = _ids(raw.with_columns(coding.derived(compute_at)))
    return frame, problems, sum(s.rows for s in shapes)


def __dir__() -> list[str]:
    return sorted(__all__)
