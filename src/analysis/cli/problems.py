"""The command line's face of the loaders: the ``--max-errors`` option and the one
printer of a rejected input's problems (on stderr, one line each, then a count)."""

from __future__ import annotations

import argparse
import sys

from ..ingest import MAX_ERRORS, Problem

__all__ = ["add_max_errors", "at_least_one", "print_problems"]


def at_least_one(text: str) -> int:
    """The argparse type of ``--max-errors``: a whole number, 1 or more."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def add_max_errors(parser: argparse.ArgumentParser) -> None:
    """Add ``--max-errors`` (how many problems to list; all are always counted)."""
    parser.add_argument("--max-errors", type=at_least_one, default=MAX_ERRORS,
                        help="problems to list at most (default %(default)s)")


def print_problems(problems: list[Problem], total: int, prefix: str = "") -> None:
    """The command-line report of a rejected input: one line per problem, then a count."""
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if total > len(problems):
        print(f"... and {total - len(problems)} more problems", file=sys.stderr)
    print(f"{prefix}{total} problem(s); nothing was written", file=sys.stderr)


def __dir__() -> list[str]:
    return sorted(__all__)
