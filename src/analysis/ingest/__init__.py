"""The ingest layer shared by every loader of outside data (case lists in
:mod:`analysis.validate`, arrest extracts in :mod:`analysis.arrests`).

=====================  ==================================================================
module                 what it holds
=====================  ==================================================================
``problems``           :class:`Problem`, :class:`ValidationError`, :class:`Report`,
                       :func:`shown` (terminal-safe text), the default cap ``MAX_ERRORS``
``tables``             :func:`read_table` (CSV in any supported dialect, plain or
                       gzipped; an Excel sheet; Parquet),
                       :func:`as_text` and :func:`first_of_each` (repeated names)
``mappings``           :func:`read_mapping_file` (a YAML mapping file, or one problem)
``rules``              :class:`Rule`, :func:`run_rules` (every rule in one pass),
                       :func:`rows_in_file` (rows numbered as in the file, blank lines
                       skipped), :func:`blank_as_null`
=====================  ==================================================================

A loader reads with :func:`read_table`, makes its columns text with :func:`as_text`,
numbers its rows with :func:`rows_in_file`, parses, then judges the parsed frame with
its own table of rules through :func:`run_rules`. Every failure is a
:class:`ValidationError` listing problems that name file, row, column, value and rule;
nothing else is raised for bad input, and nothing is written. The command line's
printer of problems is :mod:`analysis.cli.problems`.
"""

from __future__ import annotations

from .mappings import read_mapping_file
from .problems import CONTROL_CHARS, MAX_ERRORS, Problem, Report, ValidationError, shown
from .rules import ROW, Rule, blank_as_null, rows_in_file, run_rules
from .tables import EXCEL_SUFFIXES, PARQUET_SUFFIXES, as_text, decode, first_of_each, read_table

__all__ = [
    "CONTROL_CHARS", "EXCEL_SUFFIXES", "MAX_ERRORS", "PARQUET_SUFFIXES", "ROW", "Problem",
    "Report", "Rule", "ValidationError", "as_text", "blank_as_null", "decode", "first_of_each",
    "read_mapping_file", "read_table", "rows_in_file", "run_rules", "shown",
]


def __dir__() -> list[str]:
    return sorted(__all__)
