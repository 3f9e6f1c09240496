"""How a render reports its failed pages: one line per page naming the report, the
page, the cell and the error, and pages that failed with the same error collapsed into
one line with a count."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .jobs import Failure
from .plan import Page

__all__ = ["FailedPage", "describe_failure", "summarize_failures"]


@dataclass(frozen=True)
class FailedPage:
    """A page that failed, and the one-line message the command prints for it."""

    page: str
    report: str
    message: str
    error: Failure
    notebook: str = ""  # the notebook's file name in notebooks/


def describe_failure(page: Page, error: Failure) -> str:
    """One line naming the report, the page, the cell and the error."""
    where = ""
    if error.cell is not None:
        where = f" in cell {error.cell}"
        if error.cell_id:
            where += f" (id {error.cell_id})"
        if error.line:
            where += f" `{error.line}`"
    text = (f"report {page.report!r}, page {page.name!r} (notebooks/{page.notebook.name})"
            f" failed{where}: {_error_text(error)}")
    if error.kept:
        text += f"\n  executed notebook kept for debugging: {error.kept}"
    return text


def _error_text(error: Failure) -> str:
    evalue = str(error.evalue).strip().splitlines()
    return f"{error.ename}: {evalue[0] if evalue else ''}".rstrip(": ")


def summarize_failures(failed: list[FailedPage]) -> list[str]:
    """What the command prints for the failed pages: a page's own message when its
    error is its own; one line with a count for the pages that failed with the same
    error (``8 pages failed with: ValidationError: ...: notebooks 01, 02 (pages ...)``),
    in the order the errors first occurred."""
    groups: dict[str, list[FailedPage]] = {}
    for failure in failed:
        groups.setdefault(_error_text(failure.error), []).append(failure)
    lines = []
    for text, members in groups.items():
        if len(members) == 1:
            lines.append(members[0].message)
            continue
        notebooks = ", ".join(dict.fromkeys(_notebook_label(m.notebook) for m in members))
        line = (f"{len(members)} pages failed with: {text}: notebooks {notebooks} "
                f"(pages {', '.join(m.page for m in members)})")
        kept_in = sorted({str(Path(m.error.kept).parent) for m in members if m.error.kept})
        if kept_in:
            line += f"\n  executed notebooks kept for debugging in {', '.join(kept_in)}"
        lines.append(line)
    return lines


def _notebook_label(name: str) -> str:
    """``01`` for ``01_dismissals_by_batch.ipynb``; the stem for an unnumbered one."""
    stem = Path(name).stem
    number = stem.split("_", 1)[0]
    return number if number.isdigit() else stem


def __dir__() -> list[str]:
    return sorted(__all__)
