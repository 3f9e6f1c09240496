"""The layout of the DOJ AB 1793 bulk file: its 95 columns, the few the analysis reads,
and the identifying ones that never leave the reading step.

The column list is the one the format notes give (``doj_ab1793.md``, "The file"), in
file order. ``READ`` are the columns :func:`analysis.doj.read` selects; everything else
is never parsed into a frame.
"""

from __future__ import annotations

__all__ = ["COLUMNS", "FIELD_COUNT", "HEADER_START", "IDENTIFYING", "READ"]

COLUMNS: tuple[str, ...] = (
    "RECORD_ID", "SUBJECT_STATUS", "SUBJECT_ID", "REQ_SEG_SEP", "REQ_CII_NUMBER",
    "REQ_NAME", "REQ_GENDER", "REQ_DOB", "REQ_CDL", "REQ_SSN", "PII_SEG_SEP", "CII_NUMBER",
    "PRI_NAME", "GENDER", "PRI_DOB", "PRI_SSN", "PRI_CDL", "PRI_IDN", "PRI_INN",
    "FBI_NUMBER", "PDR_SEG_SEP", "RACE_CODE", "RACE_DESCR", "EYE_COLOR_CODE",
    "EYE_COLOR_DESCR", "HAIR_COLOR_CODE", "HAIR_COLOR_DESCR", "HEIGHT", "WEIGHT",
    "SINGLE_SOURCE", "MULTI_SOURCE", "POB_CODE", "POB_NAME", "POB_TYPE",
    "CITIZENSHIP_LIST", "CYC_SEG_SEP", "CYC_ORDER", "CYC_DATE", "STP_SEG_SEP", "STP_ORDER",
    "STP_EVENT_DATE", "STP_TYPE_CODE", "STP_TYPE_DESCR", "STP_ORI_TYPE",
    "STP_ORI_TYPE_DESCR", "STP_ORI_CODE", "STP_ORI_DESCR", "STP_ORI_CNTY_CODE",
    "STP_ORI_CNTY_NAME", "CNT_SEG_SEP", "CNT_ORDER", "DISP_DATE", "OFN", "OFFENSE_CODE",
    "OFFENSE_DESCR", "OFFENSE_TOC", "OFFENSE_QUAL_LST", "DISP_OFFENSE_CODE",
    "DISP_OFFENSE_DESCR", "DISP_OFFENSE_TOC", "DISP_OFFENSE_QUAL_LST", "CONV_OFFENSE_ORDER",
    "CONV_OFFENSE_CODE", "CONV_OFFENSE_DESCR", "CONV_OFFENSE_TOC", "CONV_OFFENSE_QUAL_LST",
    "FE_NUM_ORDER", "FE_NUM_ARR_AGY", "FE_NUM_BNCH_WARR", "FE_NUM_CITE", "FE_NUM_DOCKET",
    "FE_NUM_INCIDENT", "FE_NUM_BOOKING", "FE_NUM_NUMBER", "FE_NUM_REMAND", "FE_NUM_OOS_INN",
    "FE_NUM_CRT_CASE", "FE_NUM_WARRANT", "DISP_ORDER", "DISP_CODE", "DISP_DESCR",
    "CONV_STAT_CODE", "CONV_STAT_DESCR", "SENT_SEG_SEP", "SENT_ORDER", "SENT_LOC_CODE",
    "SENT_LOC_DESCR", "SENT_LENGTH", "SENT_TIME_CODE", "SENT_TIME_DESCR", "CYC_AGE",
    "CII_TYPE", "CII_TYPE_ALPHA", "COMMENT_TEXT", "END_OF_REC",
)  # fmt: skip

FIELD_COUNT = len(COLUMNS)  # 95 on every data row
HEADER_START = "RECORD_ID"  # an optional header row begins with it

# What the analysis reads. The identifying ones among them (SUBJECT_ID, CII_NUMBER,
# PRI_NAME, PRI_DOB, FE_NUM_CRT_CASE, COMMENT_TEXT) are turned into derived fields and
# dropped in analysis.doj.reading before any frame is returned.
READ: tuple[str, ...] = (
    "SUBJECT_ID", "CII_NUMBER", "PRI_NAME", "PRI_DOB", "RACE_CODE", "RACE_DESCR",
    "STP_EVENT_DATE", "STP_TYPE_DESCR", "STP_ORI_DESCR",
    "STP_ORI_CNTY_NAME", "CNT_ORDER", "OFFENSE_DESCR", "OFFENSE_TOC", "DISP_DESCR",
    "CONV_STAT_DESCR", "SENT_LENGTH", "SENT_TIME_CODE", "FE_NUM_CRT_CASE", "COMMENT_TEXT",
)  # fmt: skip

# Columns that identify a person or a case: never in any output. Everything the
# analysis needs from them is derived while reading.
IDENTIFYING: tuple[str, ...] = (
    "SUBJECT_ID", "REQ_CII_NUMBER", "REQ_NAME", "REQ_DOB", "REQ_CDL", "REQ_SSN",
    "CII_NUMBER", "PRI_NAME", "PRI_DOB", "PRI_SSN", "PRI_CDL", "PRI_IDN", "PRI_INN",
    "FBI_NUMBER", "EYE_COLOR_CODE", "EYE_COLOR_DESCR", "HAIR_COLOR_CODE",
    "HAIR_COLOR_DESCR", "HEIGHT", "WEIGHT", "POB_CODE", "POB_NAME", "POB_TYPE", "OFN",
    *(c for c in COLUMNS if c.startswith("FE_NUM_")), "COMMENT_TEXT",
)  # fmt: skip


def __dir__() -> list[str]:
    return sorted(__all__)
