"""``analysis doj FILE... --compute-at DATE --out DIR``: apply the Los Angeles rules to
the California DOJ AB 1793 bulk file and write the case list, the determinations and
the summary."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path

from . import EXIT_BAD_DATA, EXIT_FAILED, EXIT_OK
from .problems import print_problems

__all__ = ["add_parser", "run"]


def _date(text: str) -> dt.date:
    """The argparse type of --compute-at: YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "doj", help="apply the Los Angeles rules to the DOJ AB 1793 file",
        description="Read one or more California DOJ AB 1793 files (95 comma-separated "
        "fields, header optional), judge every Proposition 64 conviction (HS 11357-11360) "
        "in the county with the Los Angeles rules of the reference tool (gogen_pilots), "
        "and write DIR/summary.json (the reference's summary plus this project's counts), "
        "DIR/cases.csv (the dismissed convictions, and with --dismiss-queue those of the "
        "review queues named, as a case list that 'analysis validate' "
        "accepts) and DIR/determinations.csv (every judged conviction, its rule and "
        "reason). Names, birth dates and record numbers never reach an output: ids are "
        "salted hashes (LACRA_ID_SALT, else data/private/id_salt); a case id is the hash "
        "of the court case number (FE_NUM_CRT_CASE) where the file gives one, the same "
        "id a court export's mapping 'case_id: {hash: [its case number column]}' makes "
        "under the same salt. Nothing is written unless the run succeeds. Exit "
        "status: 0 done, 1 the output could not be written, 2 bad arguments, 3 an "
        "unusable file or an option value the rules cannot use (see docs/doj.md).")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="DOJ AB 1793 file(s)")
    p.add_argument("--county", default="LOS ANGELES",
                   help="county whose convictions are judged, as the file writes it "
                   "(default %(default)s)")
    p.add_argument("--compute-at", type=_date, required=True, metavar="YYYY-MM-DD",
                   help="the date eligibility is computed at (ages, sentences, years)")
    p.add_argument("--age", type=int, default=50,
                   help="age from which a person's conviction is dismissed (default "
                   "%(default)s)")
    p.add_argument("--years-conviction-free", type=int, default=10, metavar="N",
                   help="years without a conviction that earn a dismissal (default "
                   "%(default)s)")
    p.add_argument("--dismiss-queue", action="append", default=[], dest="dismiss_queues",
                   choices=("city-attorney", "hand-review"),
                   help="also list in cases.csv, as dismissed, the convictions a review "
                   "queue holds, as the county does once its reviewers have decided them: "
                   "'city-attorney' (the misdemeanors rule 1 leaves to the city "
                   "attorneys) or 'hand-review' (rules 3b, 8 and 10); repeat for both. "
                   "determinations.csv keeps the rules' own determination and "
                   "summary.json counts what each queue added (lacra.dismissQueues). "
                   "Default: none, only the rules' dismissals")
    p.add_argument("--person-key", choices=("cii", "name-dob"), default="cii",
                   help="what person_id is hashed from: cii (the CII number, else name and "
                   "date of birth; the default) or name-dob (always the name, then the date "
                   "of birth, as a court export's mapping 'person_id: {hash: [name column, "
                   "date of birth column]}' makes it, so the same person spelled the same "
                   "way gets the same id). The rules' results do not change")
    p.add_argument("--out", type=Path, required=True, metavar="DIR",
                   help="folder to write (replaced as a whole when the run succeeds)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .. import doj
    from ..ingest import ValidationError

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log = logging.getLogger("analysis.doj")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        result = doj.run(args.files, county=args.county, compute_at=args.compute_at,
                         age=args.age, years_conviction_free=args.years_conviction_free,
                         person_key=args.person_key, out=args.out,
                         dismiss_queues=args.dismiss_queues)
    except ValidationError as exc:
        print_problems(exc.problems, exc.total)
        return EXIT_BAD_DATA
    except OSError as exc:
        print(f"error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        log.removeHandler(handler)
    for problem in result.problems:
        print(f"warning: {problem}", file=sys.stderr)
    s = result.summary
    relief = s["reliefWithCurrentEligibilityChoices"]
    added = s["lacra"]["dismissQueues"]["added"]
    queued = ""
    if added:
        queued = " (" + ", ".join(f"{n:,} from {q}" for q, n in added.items()) + ")"
    print(f"ok: {s['lacra']['prop64ConvictionsInCounty']:,} Prop 64 convictions judged in "
          f"{s['county']}; {result.cases.height:,} dismissals{queued} written to "
          f"{args.out}/cases.csv; "
          f"{relief['CountSubjectsNoFelony']:,} people left with no felony, "
          f"{relief['CountSubjectsNoConviction']:,} with no conviction")
    return EXIT_OK


def __dir__() -> list[str]:
    return sorted(__all__)
