"""What a loader reports: one :class:`Problem` per broken rule, and their carriers.

A problem names the file and, for a row, the data row (from 1, as numbered in the file)
and the column, with the offending value and the rule's short name. Its text is one
terminal-safe line: control, invisible and line-break characters are shown escaped
(:func:`shown`), so a hostile file cannot rewrite the terminal or split a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

__all__ = ["CONTROL_CHARS", "MAX_ERRORS", "Problem", "Report", "ValidationError", "shown"]

MAX_ERRORS = 50  # problems listed at most by default; all of them are always counted

# Characters never printed raw in a message: C0/C1 controls, zero-width and bidi
# controls, line and paragraph separators, the byte-order mark.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
# The same set as a polars regex, for rules on free text (Unicode Cc, Cf, Zl and Zp).
CONTROL_CHARS = r"[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]"


def shown(text: str) -> str:
    """``text`` safe to print on one terminal line: unsafe characters escaped."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True)
class Problem:
    """One broken rule at one place in an input file."""

    file: str
    rule: str
    message: str
    row: int | None = None  # data row, from 1; None for the file or its header
    column: str | None = None
    value: str | None = None
    # "error" rejects the input; "warning" is reported beside an accepted one
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        text = ", ".join(shown(w) for w in where)
        if self.value is not None:
            value = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            text += f", value {value!r}"
        return f"{text}: {shown(self.message)} [{self.rule}]"


class ValidationError(Exception):
    """Raised when an input breaks one or more rules: ``problems`` lists them (up to a
    cap), ``total`` counts them all."""

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        self.problems = problems
        self.total = total if total is not None else len(problems)
        lines = [str(p) for p in problems]
        if self.total > len(problems):
            lines.append(f"... and {self.total - len(problems)} more problems")
        super().__init__("\n".join(lines))

    @classmethod
    def one(cls, file: str, rule: str, message: str, **where) -> ValidationError:
        """The error of a single problem (``where``: ``row``, ``column``, ``value``)."""
        return cls([Problem(file, rule, message, **where)])


@dataclass
class Report:
    """What a check found: the typed frame when clean, else the problems (``total``
    counts them all, ``problems`` lists them up to the cap); ``warnings`` either way
    (problems of severity ``"warning"``: what was read otherwise than written, what was
    left out), which never reject the input."""

    file: str
    frame: pl.DataFrame | None
    problems: list[Problem] = field(default_factory=list)
    total: int = 0
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.total


def __dir__() -> list[str]:
    return sorted(__all__)
