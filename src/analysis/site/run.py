"""``analysis render``: plan the pages, execute the out-of-date ones, assemble the new
site and publish it in one swap. The README's "Publishing the report site" says what
each step guarantees."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import paths
from . import assets, kept, links, manifest, protection, publish
from .config import DataRejected, RenderError, load_config
from .failures import FailedPage, describe_failure, summarize_failures
from .index import SITE_TITLE, write_site_files
from .jobs import Header, Job, Outcome, Progress, run_jobs
from .plan import DATA_PARAMETER, SEED_PARAMETER, Page, plan_pages, public_parameters
from .reading import Reading

__all__ = ["FailedPage", "RenderError", "Result", "describe_failure", "render",
           "summarize_failures"]

@dataclass
class Result:
    """What a run did."""

    site: Path
    rendered: list[str] = field(default_factory=list)  # executed by this run
    reused: list[str] = field(default_factory=list)  # rendered by a run that failed
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
    reading: Reading
    libraries: assets.Libraries  # the chart libraries the pages rendered now use
    restore: list[str] = field(default_factory=list)  # assets pages kept load, lost


@dataclass(frozen=True)
class Stamp:
    """When this run started and from which commit: every page it renders shows both."""

    commit: str
    started_at: dt.datetime

    @classmethod
    def now(cls) -> Stamp:
        return cls(manifest.git_commit(), dt.datetime.now(dt.UTC).replace(microsecond=0))

    @property
    def printed(self) -> str:
        return self.started_at.strftime("%Y-%m-%d %H:%M UTC")


def render(*, config: Path = paths.REPORTS_CONFIG, site: Path = paths.SITE,
           notebooks: Path = paths.NOTEBOOKS, only: Iterable[str] = (), jobs: int = 1,
           force: bool = False, data: Path | None = None, timeout: int | None = None,
           dry_run: bool = False, quiet: bool = False, encoding: str | None = None,
           mapping: Path | None = None, self_contained: bool = False,
           package_dirs: Iterable[Path] = manifest.PACKAGE_DIRS) -> Result:
    """Render the out-of-date pages and publish the site atomically; ``self_contained``
    pages inline the chart libraries instead of loading the site's copy (``assets``).

    ``data`` is validated first (as ``encoding`` and ``mapping`` say to read it), before
    anything else happens. Raises :class:`RenderError` for bad input before anything
    executes: :class:`~analysis.site.config.DataRejected` for a case list that fails
    validation, :class:`~analysis.site.config.Locked` when another render runs.
    Returns a :class:`Result`; ``result.failed`` is non-empty when a page failed, in
    which case the current site was left exactly as it was, and the pages that did
    render are kept for the next run (``result.reused`` of that run).
    """
    site = Path(site)
    say = Progress(0, quiet=quiet).say
    given, data = data, _data_file(data)
    if (encoding or mapping) and data is None:
        raise RenderError("--encoding and --mapping say how to read the --data file; "
                          "give --data FILE too")
    reading = Reading.of(encoding, mapping)
    loaded = {}
    if data is not None:  # checked as named, so problems name it as `validate` would
        loaded[str(data)] = _check_data(Path(given).expanduser(), reading, say)
    work = _plan(Path(config), site, Path(notebooks), list(only), force, data,
                 package_dirs, say, reading, loaded, self_contained)
    result = Result(site, unchanged=[p.name for p in work.carried])
    progress = Progress(len(work.todo), quiet=quiet)
    if not _announce(work, site, progress) or dry_run:
        return result
    with publish.staging(site) as out:
        publish.clear_failed(site)  # .failed holds the failures of this run only
        stamp = Stamp.now()
        reused = {} if force else _reuse(work, site, out)
        if reused:
            progress.say(f"  reusing {len(reused)} page(s) rendered by a run that "
                         f"published nothing: {', '.join(reused)}")
        executed = _execute(work, site, out, stamp, jobs, timeout, progress, set(reused))
        result.rendered = [name for name, o in executed.items() if o.ok]
        result.reused = list(reused)
        result.failed = _failures(work, executed)
        if result.failed:
            _keep(work, site, out, stamp, executed)
            return result  # the staging folder goes; the published site stays as it was
        outcomes = {name: (k.outcome, Stamp(k.git_commit, k.rendered_at))
                    for name, k in reused.items()}
        outcomes.update({name: (o, stamp) for name, o in executed.items()})
        progress.say(f"auditing the staged site ({len(outcomes) + len(work.carried)} "
                     "page(s)) ...")
        result.refused = _assemble(work, outcomes, site, out, stamp)
        if result.refused:
            _keep(work, site, out, stamp, executed)
            return result  # the audit found a disclosure: the published site stays
        publish.swap_in(out, site)
        kept.drop(site, list(outcomes))  # published now: the site holds them
    result.published = True
    return result


def _check_data(data: Path, reading: Reading, say) -> tuple:
    """Validate the case list every page will read, before anything else: a list that
    fails stops the run here (:class:`DataRejected`). Returns ``(cases, source)``, which
    the protection step uses as they are; ``data.open_cases`` remembers a list that
    passes, so the kernels read it back instead of validating it again."""
    import time

    from .. import data as data_module
    from ..ingest import ValidationError

    started = time.monotonic()
    say(f"checking the case list {data.name}{reading.describe()} ...")
    try:
        frame, source = data_module.open_cases(data, **reading.kwargs())
    except ValidationError as exc:
        # the problems name the file as given, as `analysis validate FILE` names it
        read_as = str(data_module.resolve(data))
        named = [replace(p, file=str(data)) if p.file == read_as else p
                 for p in exc.problems]
        raise DataRejected(data, ValidationError(named, exc.total)) from exc
    say(f"  {frame.height:,} rows valid ({time.monotonic() - started:.1f}s)")
    return frame, source


def _data_file(data: Path | None) -> Path | None:
    if data is None:
        return None
    data = Path(data).expanduser().resolve()
    if not data.is_file():
        raise RenderError(f"--data {data}: no such file")
    return data


def _plan(config: Path, site: Path, notebooks: Path, only: list[str], force: bool,
          data: Path | None, package_dirs: Iterable[Path], say=print,
          reading: Reading | None = None, loaded: dict | None = None,
          self_contained: bool = False) -> Work:
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
    reading = reading or Reading()
    releases = protection.prepare(pages, say, reading, loaded)
    libraries = assets.prepare(site, self_contained, say)
    names = [p.name for p in pages]
    parts = {p.name: _fingerprint(p, package, versions, releases, reading, libraries, names)
             for p in selected}
    reasons = {p.name: "forced" if force else manifest.why_stale(
        previous.get(p.name), parts[p.name], site) for p in selected}
    todo = [p for p in selected if reasons[p.name]]
    todo_names, selected_names = {p.name for p in todo}, {p.name for p in selected}
    # Pages kept from the current site: unchanged ones, and the ones --only left out
    # (when their files, and the chart libraries they load, are all there).
    carried = [p for p in pages if p.name not in todo_names and p.name in previous
               and (p.name in selected_names or _intact(site, previous[p.name], libraries))]
    removed = sorted(set(previous) - {p.name for p in pages})
    # the libraries a kept page loads, gone from the site: the run writes them again
    restore = assets.absent(site, [previous[p.name] for p in carried])
    return Work(pages, todo, carried, reasons, previous, parts, removed, package, versions,
                releases, reading, libraries, restore)


def _intact(site: Path, entry: dict, libraries: assets.Libraries) -> bool:
    return manifest.files_intact(site, entry) and assets.available(site, entry, libraries)


def _fingerprint(p: Page, package: str, versions: dict, releases: protection.Releases,
                 reading: Reading, libraries: assets.Libraries, site_pages: list[str]):
    found = releases.pages.get(p.name)
    how = reading.fingerprint() if DATA_PARAMETER in p.effective else {}
    return manifest.page_fingerprint(p, package, versions, found.digest if found else "",
                                     reading=how, libraries=libraries.fingerprint(),
                                     unlinked=links.missing(p.notebook, site_pages))


def _announce(work: Work, site: Path, progress: Progress) -> bool:
    """Say what the run will do; False when there is nothing to do."""
    if (not work.todo and not work.removed and not work.restore
            and (site / "index.html").is_file()):
        progress.say(f"nothing to do: {len(work.carried)} page(s) up to date in {site} "
                     "(use --force to render them again)")
        return False
    removed, restore = work.removed, work.restore
    progress.say(f"{len(work.todo)} page(s) to render, {len(work.carried)} unchanged"
                 + (f", {len(removed)} to remove ({', '.join(removed)})" if removed else "")
                 + (f", the chart libraries to restore ({', '.join(restore)})"
                    if restore else ""))
    for p in work.todo:
        progress.say(f"  {p.name}: {work.reasons[p.name]}")
    return True


def _reuse(work: Work, site: Path, out: Path) -> dict[str, kept.Kept]:
    """The pages to render that a run which published nothing rendered with the same
    fingerprint: copied into ``out``, by page name."""
    found = {}
    for p in work.todo:
        page = kept.load(site, p.name, work.parts[p.name]["key"], out)
        if page is not None:
            found[p.name] = page
    return found


def _keep(work: Work, site: Path, out: Path, stamp: Stamp,
          executed: dict[str, Outcome]) -> None:
    """Keep every page this run rendered until it is published: if this run publishes
    nothing (another page failed, the audit refused), the next one reuses them."""
    for name, o in executed.items():
        if o.ok:
            kept.save(site, work.parts[name]["key"], out, o, stamp.commit, stamp.started_at)


def _execute(work: Work, site: Path, out: Path, stamp: Stamp, workers: int,
             timeout: int | None, progress: Progress,
             skip: set[str] = frozenset()) -> dict[str, Outcome]:
    """Execute the pages to render (but ``skip``) into ``out``; outcomes by page name."""
    todo = [p for p in work.todo if p.name not in skip]
    progress.total = len(todo)
    if not todo:
        return {}
    from .execute import kernel_name

    _pre_generate_synthetic(todo, progress.say)
    libraries, kernel = work.libraries, kernel_name()
    jobs = [Job(p.name, p.notebook, p.parameters, public_parameters(p.parameters), out,
                publish.failed_dir(site), kernel, timeout, libraries.file,
                Header(p.name, p.title, SITE_TITLE, p.notebook.name, stamp.commit,
                       stamp.printed, p.parameter_label, p.data_description),
                work.releases.env(p.name) + work.reading.env(), libraries.src,
                tuple(work.parts[p.name].get("unlinked", ())))
            for p in todo]
    return {o.name: o for o in run_jobs(jobs, workers, progress)}


def _pre_generate_synthetic(pages: list[Page], say=print) -> None:
    """Write the synthetic default data once, before parallel pages race to create it."""
    seeds = {p.effective.get(SEED_PARAMETER, paths.DEFAULT_SEED) for p in pages
             if DATA_PARAMETER in p.effective and p.effective[DATA_PARAMETER] in ("", None)}
    if seeds:
        from .. import synth

        for seed in sorted(s for s in seeds if isinstance(s, int)):
            if not paths.synthetic_cases(seed).is_file():
                say(f"  generating the synthetic default data (seed {seed}) ...")
            synth.default_cases(seed)


def _failures(work: Work, outcomes: dict[str, Outcome]) -> list[FailedPage]:
    by_name = {p.name: p for p in work.pages}
    return [FailedPage(name, by_name[name].report, describe_failure(by_name[name], o.error),
                       o.error, by_name[name].notebook.name)
            for name, o in outcomes.items() if o.error is not None]


def _assemble(work: Work, outcomes: dict[str, tuple[Outcome, Stamp]], site: Path,
              out: Path, stamp: Stamp) -> list[str]:
    """The whole new site in ``out``: the rendered pages are there already; copy the
    carried ones from the current site and the chart libraries the pages load, write the
    index, the manifest and the release declaration, and audit it. Returns what the
    audit found (nothing: publish)."""
    carried = {p.name for p in work.carried}
    entries = []
    for p in work.pages:
        if p.name in outcomes:
            outcome, rendered = outcomes[p.name]
            entries.append(_rendered_entry(p, outcome, work.parts[p.name], out, rendered))
        elif p.name in carried:
            entries.append(_carried_entry(p, work, site, out))
    shared = assets.stage(out, site, work.libraries, entries)
    write_site_files(out, entries, stamp.commit, stamp.started_at, shared)
    return protection.seal(out, work.releases, entries)


def _rendered_entry(p: Page, o: Outcome, parts: dict, out: Path, stamp: Stamp) -> dict:
    """A page rendered for this publication; ``stamp`` is the run that executed it (an
    earlier one for a page kept from a run that published nothing)."""
    names = kept.page_files(p.name, o)
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
               or _fingerprint(p, work.package, work.versions, work.releases,
                               work.reading, work.libraries, [q.name for q in work.pages])
               )["key"]
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
