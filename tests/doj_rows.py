"""Hand-built rows of the DOJ AB 1793 layout for the tests of ``analysis.doj``.

:func:`row` makes one 95-field row from a few named facts (everything else blank, as
the fixtures leave it); :func:`write` writes rows with the plain header, the
trailing-comma header or none.
"""

from __future__ import annotations

import csv
from pathlib import Path

from analysis.doj import COLUMNS

# The facts a test names, and the column each one fills.
FACTS = {
    "subject": "SUBJECT_ID", "cii": "CII_NUMBER", "name": "PRI_NAME", "dob": "PRI_DOB",
    "date": "STP_EVENT_DATE", "step": "STP_TYPE_DESCR", "court": "STP_ORI_DESCR",
    "county": "STP_ORI_CNTY_NAME", "cnt": "CNT_ORDER", "offense": "OFFENSE_DESCR",
    "toc": "OFFENSE_TOC", "disp": "DISP_DESCR", "level": "CONV_STAT_DESCR",
    "length": "SENT_LENGTH", "unit": "SENT_TIME_CODE", "comment": "COMMENT_TEXT",
    "race": "RACE_CODE", "race_descr": "RACE_DESCR", "ssn": "PRI_SSN", "fbi": "FBI_NUMBER",
    "ofn": "OFN", "cdl": "PRI_CDL", "pob": "POB_NAME", "crt_case": "FE_NUM_CRT_CASE",
    "req_name": "REQ_NAME", "req_dob": "REQ_DOB",
}  # fmt: skip

DEFAULTS = {
    "subject": "1001", "cii": "A00000001", "name": "DOE,JANE Q", "dob": "19700101",
    "date": "19900101", "step": "COURT ACTION", "court": "CASCPASADENA",
    "county": "LOS ANGELES", "cnt": "001001001000", "offense": "11358 HS-CULTIVATE MARIJUANA",
    "toc": "F", "disp": "CONVICTED-PROBATION", "level": "FELONY", "length": "6", "unit": "M",
}  # fmt: skip


def row(**facts: str) -> list[str]:
    """One data row: DEFAULTS updated with ``facts`` (``None`` blanks a default)."""
    values = {**DEFAULTS, **facts}
    out = [""] * len(COLUMNS)
    out[COLUMNS.index("END_OF_REC")] = "#"
    for fact, value in values.items():
        out[COLUMNS.index(FACTS[fact])] = "" if value is None else value
    return out


def write(path: Path, rows: list[list[str]], header: str | None = "plain") -> Path:
    """Write ``rows`` as a DOJ file; ``header`` is "plain", "trailing" (96 names, the
    last empty) or None."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        if header == "plain":
            writer.writerow(COLUMNS)
        elif header == "trailing":
            handle.write(",".join(COLUMNS) + ",\n")
        writer.writerows(rows)
    return path
