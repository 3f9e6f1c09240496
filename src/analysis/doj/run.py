"""One run of the DOJ rules: read, model, judge, summarise, write.

:func:`run` is ``analysis doj``; it raises :class:`analysis.ingest.ValidationError`
when a file is unusable (missing, empty, another layout, rows with another number of
fields), and then writes nothing. Warnings (dates read as unknown) are in
``Result.problems``. Progress goes to the ``analysis.doj`` logger.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ..ingest import Problem, ValidationError
from . import extra, model, outputs, reading, rules, summary

__all__ = ["QUEUE_NOTE", "Result", "run"]

log = logging.getLogger("analysis.doj")

QUEUE_NOTE = ("convictions of these review queues were added to cases.csv as dismissed "
              "(--dismiss-queue), as if the reviewers had dismissed them; the rules did "
              "not, and determinations.csv keeps the rules' determination. casesWritten "
              "includes them")


@dataclass(frozen=True)
class Result:
    """What a run found: ``summary`` (the summary.json content), ``cases`` (the case
    list in the project's schema), ``determinations`` (one row per judged conviction)
    and ``problems`` (warnings; errors raise instead)."""

    summary: dict
    cases: pl.DataFrame
    determinations: pl.DataFrame
    problems: list[Problem] = field(default_factory=list)


def _check_options(county: str, age: int, years_conviction_free: int,
                   person_key: str = "cii", queues: Sequence[str] = ()) -> None:
    """Refuse options the rules cannot use."""
    bad = [Problem("(options)", "option", f"no review queue is called {q!r}: choose from "
                   + ", ".join(outputs.QUEUES), column="dismiss_queues", value=str(q))
           for q in queues if q not in outputs.QUEUES]
    if person_key not in reading.PERSON_KEYS:
        bad.append(Problem("(options)", "option", "the person key is one of "
                           + ", ".join(reading.PERSON_KEYS), column="person_key",
                           value=str(person_key)))
    if not county or not county.strip():
        bad.append(Problem("(options)", "option", "the county must not be blank",
                           column="county"))
    if not 0 < age < 150:
        bad.append(Problem("(options)", "option", "the age must be between 1 and 149",
                           column="age", value=str(age)))
    if not 0 < years_conviction_free < 100:
        bad.append(Problem("(options)", "option", "the years conviction-free must be "
                           "between 1 and 99", column="years_conviction_free",
                           value=str(years_conviction_free)))
    if bad:
        raise ValidationError(bad)


def _synthetic(files: Sequence[str | Path]) -> bool:
    """Whether every file read is one ``analysis synth --format doj`` wrote (its truth
    beside it): then the case list is synthetic wherever it is written."""
    from ..synth_doj import wrote  # the generator reads this package's layout

    return bool(files) and all(wrote(f) for f in files)


def run(files: Sequence[str | Path], *, county: str = "LOS ANGELES", compute_at: dt.date,
        age: int = 50, years_conviction_free: int = 10, person_key: str = "cii",
        out: Path | None = None, dismiss_queues: Sequence[str] = ()) -> Result:
    """Apply the Los Angeles rules to DOJ AB 1793 ``files`` (see ``docs/doj.md``).

    ``person_key`` says what ``person_id`` is made from: ``"cii"`` (the CII number, else
    name and date of birth) or ``"name-dob"`` (always name and date of birth, as a court
    export's mapping can make it). It changes the ids only: the rules judge each DOJ
    subject whatever its person id.

    ``dismiss_queues`` (keys of :data:`outputs.QUEUES`: ``"city-attorney"``,
    ``"hand-review"``) adds the convictions those review queues hold to the case list
    as dismissed, as a county does once its reviewers have decided them; the
    determinations keep the rules' own, and ``summary["lacra"]["dismissQueues"]`` says
    how many each queue added."""
    started = time.perf_counter()
    files = [files] if isinstance(files, str | Path) else list(files)
    queues = list(dict.fromkeys([dismiss_queues] if isinstance(dismiss_queues, str)
                                else dismiss_queues))
    _check_options(county, age, years_conviction_free, person_key, queues)
    log.info("reading %d file(s)", len(files))
    rows, problems, lines = reading.load(files, compute_at, person_key)
    if rows is None:
        raise ValidationError([p for p in problems if p.severity == "error"])
    log.info("read %s rows; judging the Prop 64 convictions", f"{rows.height:,}")
    convicted = model.convictions(rows)
    people = model.subjects(rows, convicted, compute_at=compute_at,
                            years_conviction_free=years_conviction_free)
    judged = reading.case_ids(rules.judge(convicted, people, county=county, age=age,
                                          years_conviction_free=years_conviction_free))
    listed = outputs.cases(judged, queues)
    case_list = listed.drop("queue")
    report = summary.reference_keys(convicted, judged, county=county, age=age,
                                    years_conviction_free=years_conviction_free,
                                    line_count=lines, seconds=0.0)
    report["lacra"] = extra.lacra(convicted, judged, compute_at=compute_at,
                                  cases_written=case_list.height, person_key=person_key,
                                  cases_left_out=outputs.listable(judged, queues).height
                                  - case_list.height)
    report["lacra"]["dismissQueues"] = {
        "added": outputs.queue_counts(listed, queues), "note": QUEUE_NOTE}
    report["lacra"]["warnings"] = [str(p) for p in problems]
    report["lacra"]["syntheticInput"] = _synthetic(files)
    report["processingTimeInSeconds"] = round(time.perf_counter() - started, 3)
    if out is not None:
        outputs.write(Path(out), report, case_list, judged)
        log.info("wrote %s", out)
    return Result(report, case_list, outputs.determinations(judged), problems)


def __dir__() -> list[str]:
    return sorted(__all__)
