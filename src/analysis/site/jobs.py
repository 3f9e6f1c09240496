"""The work that crosses the process boundary: one :class:`Job` per page out, one
:class:`Outcome` back, both frozen dataclasses of plain values (they are pickled for
the spawned workers). Runs the jobs, in a process pool when there are several workers,
and prints a progress line per page."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from ..outputs import DataCard

__all__ = ["CsvFile", "Failure", "Header", "Job", "Outcome", "Progress", "run_jobs"]


@dataclass(frozen=True)
class Header:
    """What a page's header and footer show (besides its data card)."""

    name: str
    title: str
    site_title: str
    notebook: str  # the notebook's file name in notebooks/
    git_commit: str
    rendered_at: str  # as printed, e.g. "2020-02-13 09:30 UTC"
    parameter_label: str
    data_description: str  # the config's ``data``, for pages without a data card


@dataclass(frozen=True)
class Job:
    """One page to execute and export into ``out_dir``."""

    name: str
    notebook: Path
    parameters: dict  # as the notebook receives them
    public_parameters: dict  # as published files show them (no folders of this machine)
    out_dir: Path
    failed_dir: Path  # where a failed page's notebook and kernel log are kept
    kernel: str
    timeout: int | None  # seconds one cell may run
    vega_js: Path  # vega, vega-lite and vega-embed as one script (site.assets)
    header: Header
    env: tuple[tuple[str, str], ...] = ()  # set for the kernel (the site's release plan)
    vega_src: str = ""  # the asset the page loads them from; '' inlines vega_js instead
    unlinked: tuple[str, ...] = ()  # pages its prose links to that the site lacks

    @property
    def executed(self) -> Path:
        return self.out_dir / f"{self.name}.ipynb"

    @property
    def log(self) -> Path:
        """The kernel's stderr, kept with the notebook when the page fails."""
        return self.out_dir.parent / "logs" / f"{self.name}.log"


@dataclass(frozen=True)
class CsvFile:
    """A table's CSV as the page published it (the manifest's ``csv`` entries)."""

    name: str
    path: str  # from the site's root, e.g. csv/overview/overview-totals.csv
    caption: str
    rows: int
    columns: tuple[str, ...]
    # the release's cell behind each count: (column, (cell key or "" per row))
    cells: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # what each column's figures rest on (analysis.provenance tags); labels left out
    basis: tuple[tuple[str, str], ...] = ()

    def record(self) -> dict:
        out = dict(asdict(self), columns=list(self.columns))
        out["cells"] = {c: list(keys) for c, keys in self.cells}
        out["basis"] = dict(self.basis)
        return out


@dataclass(frozen=True)
class Failure:
    """Why a page failed; ``cell`` (from 1), ``cell_id`` and ``line`` say where."""

    ename: str
    evalue: str
    kept: str = ""  # the failed executed notebook, kept for debugging
    cell: int | None = None
    cell_id: str = ""
    line: str = ""


@dataclass(frozen=True)
class Outcome:
    """What building one page gave: its CSVs and data card, or a failure."""

    name: str
    seconds: float
    csv: tuple[CsvFile, ...] = ()
    data: DataCard | None = None
    kernel_starts: int = 1
    error: Failure | None = None
    shown: DataCard | None = None  # the card the page shows first, when not ``data``

    @property
    def ok(self) -> bool:
        return self.error is None


class Progress:
    """One line per event, with a counter and elapsed times; quiet prints nothing."""

    def __init__(self, total: int, quiet: bool = False, stream=None):
        self.total, self.done, self.quiet = total, 0, quiet
        self.stream = stream or sys.stdout
        self.started = time.monotonic()

    def say(self, text: str) -> None:
        if not self.quiet:
            print(text, file=self.stream, flush=True)

    def finished(self, outcome: Outcome) -> None:
        self.done += 1
        state = "done" if outcome.ok else "FAILED"
        elapsed = time.monotonic() - self.started
        retried = outcome.kernel_starts - 1
        note = f"; the kernel failed to start {retried} time(s) first" if retried else ""
        self.say(f"[{self.done}/{self.total}] {outcome.name}: {state} in "
                 f"{outcome.seconds:.1f}s (elapsed {elapsed:.0f}s{note})")


def run_jobs(jobs: list[Job], workers: int, progress: Progress,
             build: Callable[[Job], Outcome] | None = None) -> list[Outcome]:
    """Every job's outcome, in the order they finished; ``build`` defaults to
    :func:`analysis.site.build.build_page` (imported only when there is work)."""
    if build is None:
        from .build import build_page as build
    outcomes: list[Outcome] = []
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            progress.say(f"  rendering {job.name} ...")
            outcome = build(job)
            progress.finished(outcome)
            outcomes.append(outcome)
        return outcomes
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # spawn: each worker starts clean (no inherited zmq or event loop state)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(build, job): job.name for job in jobs}
        progress.say(f"  rendering {len(jobs)} pages, {workers} at a time ...")
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except Exception as exc:  # a worker process died
                outcome = Outcome(futures[future], 0.0,
                                  error=Failure(type(exc).__name__, str(exc)))
            progress.finished(outcome)
            outcomes.append(outcome)
    return outcomes


def __dir__() -> list[str]:
    return sorted(__all__)
