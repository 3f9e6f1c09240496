"""``analysis render``: plan the pages, execute the out-of-date ones, assemble the new
site and publish it in one swap. The README's "Publishing the report site" says what
each step guarantees."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .. import paths
from . import manifest, protection, publish
from .config import RenderError, load_config
from .index import SITE_TITLE, write_site_files
from .jobs import Failure, Header, Job, Outcome, Progress, run_jobs
from .plan import DATA_PARAMETER, SEED_PARAMETER, Page, plan_pages, public_parameters

__all__ = ["FailedPage", "RenderError", "Result", "describe_failure", "render"]

# Where the inlined vega bundle is cached, beside the site.
VEGA_CACHE = ".cache"


@dataclass(frozen=True)
class FailedPage:
    """A page that failed, and the one-line message the command prints for it."""

    page: str
    report: str
    message: str
    error: Failure


@dataclass
class Result:
    """What a run did."""

    site: Path
    rendered: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[FailedPage] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # why the audit stopped publishing
    published: bool = False


@dataclass
class Work:
    """What a run has to do, decided before anything executes."""

    pages: list[Page]  # every page of the config
    todo: list[Page]  # the pages to execute
    carried: list[Page]  # the pages kept from the current site
    reasons: dict[str, str]  # why each selected page renders ('' when it does not)
    previous: dict[str, dict]  # the current site's manifest entries, by page
    parts: dict[str, dict]  # each selected page's fingerprint
    removed: list[str]  # pages of the current site the config no longer has
    package: str
    versions: dict[str, str]
    releases: protection.Releases


@dataclass(frozen=True)
class Stamp:
    """When this run started and from which commit: every page it renders shows both."""

    commit: str
    started_at: dt.datetime

    @classmethod
    def now(cls) -> Stamp:
        return cls(manifest.git_commit(), dt.datetime.now(dt.UTC).replace(microsecond=0))


def render(*, config: Path = paths.REPORTS_CONFIG, site: Path = paths.SITE,
           notebooks: Path = paths.NOTEBOOKS, only: Iterable[str] = (), jobs: int = 1,
           force: bool = False, data: Path | None = None, timeout: int | None = None,
           dry_run: bool = False, quiet: bool = False,
           package_dirs: Iterable[Path] = manifest.PACKAGE_DIRS) -> Result:
    """Render the out-of-date pages and publish the site atomically.

    Raises :class:`RenderError` for bad input before anything executes. Returns a
    :class:`Result`; ``result.failed`` is non-empty when a page failed, in which case the
    current site was left exactly as it was.
    """
    site = Path(site)
    say = Progress(0, quiet=quiet).say
    work = _plan(Path(config), site, Path(notebooks), list(only), force, _data_file(data),
                 package_dirs, say)
    result = Result(site, unchanged=[p.name for p in work.carried])
    progress = Progress(len(work.todo), quiet=quiet)
    if not _announce(work, site, progress) or dry_run:
        return result
    with publish.staging(site) as out:
        stamp = Stamp.now()
        outcomes = _execute(work, site, out, stamp, jobs, timeout, progress)
        result.rendered = [name for name, o in outcomes.items() if o.ok]
        result.failed = _failures(work, outcomes)
        if result.failed:
            return result  # the staging folder goes; the published site stays as it was
        result.refused = _assemble(work, outcomes, site, out, stamp)
        if result.refused:
            return result  # the audit found a disclosure: the published site stays
        publish.swap_in(out, site)
    result.published = True
    return result


def _data_file(data: Path | None) -> Path | None:
    if data is None:
        return None
    data = Path(data).expanduser().resolve()
    if not data.is_file():
        raise RenderError(f"--data {data}: no such file")
    return data


def _plan(config: Path, site: Path, notebooks: Path, only: list[str], force: bool,
          data: Path | None, package_dirs: Iterable[Path], say=print) -> Work:
    """Which pages to execute and which to carry over, from the config, the site's
    release plan and the current site's manifest."""
    pages = plan_pages(load_config(config), notebooks=notebooks, data=data)
    if only:
        known = {p.report for p in pages} | {p.name for p in pages}
        unknown = [o for o in only if o not in known]
        if unknown:
            raise RenderError(f"--only {', '.join(unknown)}: no such report or page "
                              f"(reports: {', '.join(sorted({p.report for p in pages}))})")
    selected = [p for p in pages if not only or p.report in only or p.name in only]
    package, versions = manifest.tree_hash(package_dirs), manifest.stack_versions()
    entries = manifest.read_manifest(site).get("pages", [])
    previous = {e["page"]: e for e in entries if "page" in e}
    releases = protection.prepare(pages, say)
    parts = {p.name: _fingerprint(p, package, versions, releases) for p in selected}
    reasons = {p.name: "forced" if force else manifest.why_stale(
        previous.get(p.name), parts[p.name], site) for p in selected}
    todo = [p for p in selected if reasons[p.name]]
    todo_names, selected_names = {p.name for p in todo}, {p.name for p in selected}
    # Pages kept from the current site: unchanged ones, and the ones --only left out.
    carried = [p for p in pages if p.name not in todo_names and p.name in previous
               and (p.name in selected_names or manifest.files_intact(site, previous[p.name]))]
    removed = sorted(set(previous) - {p.name for p in pages})
    return Work(pages, todo, carried, reasons, previous, parts, removed, package, versions,
                releases)


def _fingerprint(p: Page, package: str, versions: dict, releases: protection.Releases):
    found = releases.pages.get(p.name)
    return manifest.page_fingerprint(p, package, versions, found.digest if found else "")


def _announce(work: Work, site: Path, progress: Progress) -> bool:
    """Say what the run will do; False when there is nothing to do."""
    if not work.todo and not work.removed and (site / "index.html").is_file():
        progress.say(f"nothing to do: {len(work.carried)} page(s) up to date in {site} "
                     "(use --force to render them again)")
        return False
    removed = work.removed
    progress.say(f"{len(work.todo)} page(s) to render, {len(work.carried)} unchanged"
                 + (f", {len(removed)} to remove ({', '.join(removed)})" if removed else ""))
    for p in work.todo:
        progress.say(f"  {p.name}: {work.reasons[p.name]}")
    return True


def _execute(work: Work, site: Path, out: Path, stamp: Stamp, workers: int,
             timeout: int | None, progress: Progress) -> dict[str, Outcome]:
    """Execute the pages to render into ``out``; their outcomes by page name."""
    if not work.todo:
        return {}
    from .build import vega_bundle
    from .execute import kernel_name

    _pre_generate_synthetic(work.todo)
    bundle, kernel = vega_bundle(site.parent / VEGA_CACHE), kernel_name()
    rendered_at = stamp.started_at.strftime("%Y-%m-%d %H:%M UTC")
    jobs = [Job(p.name, p.notebook, p.parameters, public_parameters(p.parameters), out,
                publish.failed_dir(site), kernel, timeout, bundle,
                Header(p.name, p.title, SITE_TITLE, p.notebook.name, stamp.commit,
                       rendered_at, p.parameter_label, p.data_description),
                work.releases.env(p.name))
            for p in work.todo]
    return {o.name: o for o in run_jobs(jobs, workers, progress)}


def _pre_generate_synthetic(pages: list[Page]) -> None:
    """Write the synthetic default data once, before parallel pages race to create it."""
    seeds = {p.effective.get(SEED_PARAMETER, paths.DEFAULT_SEED) for p in pages
             if DATA_PARAMETER in p.effective and p.effective[DATA_PARAMETER] in ("", None)}
    if seeds:
        from .. import synth

        for seed in sorted(s for s in seeds if isinstance(s, int)):
            synth.default_cases(seed)


def _failures(work: Work, outcomes: dict[str, Outcome]) -> list[FailedPage]:
    by_name = {p.name: p for p in work.pages}
    return [FailedPage(name, by_name[name].report, describe_failure(by_name[name], o.error),
                       o.error) for name, o in outcomes.items() if o.error is not None]


def describe_failure(page: Page, error: Failure) -> str:
    """One line naming the report, the page, the cell and the error."""
    where = ""
    if error.cell is not None:
        where = f" in cell {error.cell}"
        if error.cell_id:
            where += f" (id {error.cell_id})"
        if error.line:
            where += f" `{error.line}`"
    evalue = str(error.evalue).strip().splitlines()
    message = f"{error.ename}: {evalue[0] if evalue else ''}".rstrip(": ")
    text = (f"report {page.report!r}, page {page.name!r} (notebooks/{page.notebook.name})"
            f" failed{where}: {message}")
    if error.kept:
        text += f"\n  executed notebook kept for debugging: {error.kept}"
    return text


def _assemble(work: Work, outcomes: dict[str, Outcome], site: Path, out: Path,
              stamp: Stamp) -> list[str]:
    """The whole new site in ``out``: the rendered pages are there already; copy the
    carried ones from the current site, write the index, the manifest and the release
    declaration, and audit it. Returns what the audit found (nothing: publish)."""
    carried = {p.name for p in work.carried}
    entries = []
    for p in work.pages:
        if p.name in outcomes:
            entries.append(_rendered_entry(p, outcomes[p.name], work.parts[p.name], out,
                                           stamp))
        elif p.name in carried:
            entries.append(_carried_entry(p, work, site, out))
    write_site_files(out, entries, stamp.commit, stamp.started_at)
    return protection.seal(out, work.releases, entries)


def _rendered_entry(p: Page, o: Outcome, parts: dict, out: Path, stamp: Stamp) -> dict:
    names = [f"{p.name}.html", f"{p.name}.ipynb"] + [c.path for c in o.csv]
    entry = {k: v for k, v in parts.items() if k != "format"}
    entry.update({
        "page": p.name, "report": p.report, "title": p.title, "summary": p.summary,
        "report_title": p.report_title, "notebook": p.notebook.name, "status": "rendered",
        "rendered_at": stamp.started_at.isoformat(), "seconds": o.seconds,
        "git_commit": stamp.commit, "data_source": _data_source(p, o),
        "csv": [c.record() for c in o.csv], "files": manifest.file_entries(out, names)})
    return entry


def _carried_entry(p: Page, work: Work, site: Path, out: Path) -> dict:
    previous = work.previous[p.name]
    current = (work.parts.get(p.name)
               or _fingerprint(p, work.package, work.versions, work.releases))["key"]
    # a page --only left out may be out of date: say so rather than hide it
    entry = dict(previous, status="unchanged" if previous.get("key") == current else "stale")
    for item in entry["files"]:
        target = out / item["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(site / item["path"], target)
    return entry


def _data_source(page: Page, outcome: Outcome) -> dict:
    """What the index and manifest say about a page's data."""
    card = outcome.data
    if card is not None and card.source:
        label = "synthetic default data" if card.synthetic else f"real file {card.file}"
        shown = outcome.shown
        if shown is not None and shown.sha256 != card.sha256:
            label = f"real file {shown.file}, beside {label}"
        return {"label": label, "description": card.source, "file": card.file,
                "synthetic": bool(card.synthetic), "sha256": card.sha256}
    return {"label": page.data_description or "stated on the page", "synthetic": None,
            "description": page.data_description, "file": None, "sha256": None}


def __dir__() -> list[str]:
    return sorted(__all__)
