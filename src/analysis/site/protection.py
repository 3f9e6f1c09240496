"""The release step of a render: every page's counts protected together before any
kernel runs, and the published site audited before it replaces the current one.

:func:`prepare` loads each case list the pages read (usually one), makes the site's
release plan for it (:func:`analysis.release.site_plan`, cached by data, code and
pages) and says, per page, which plan its kernel uses and a digest of the cells it
hides (a page renders again when that digest changes). :func:`seal` writes the staged
site's ``release.json`` and runs the attacker's audit on the staged files: a site
that fails it is not published.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from .config import DataRejected, RenderError
from .plan import DATA_PARAMETER, SEED_PARAMETER, Page, parameter_file

__all__ = ["PagePlan", "Releases", "prepare", "seal"]


@dataclass(frozen=True)
class PagePlan:
    """The plan one page publishes under: its file and the digest of its hidden cells."""

    path: Path
    digest: str


@dataclass
class Releases:
    """The plans of a site, one per case list, and each page's part in them."""

    plans: dict[str, dict] = field(default_factory=dict)  # by data sha256
    pages: dict[str, PagePlan] = field(default_factory=dict)  # by page name
    seconds: float = 0.0

    def env(self, page: str) -> tuple[tuple[str, str], ...]:
        from ..release import ENV

        found = self.pages.get(page)
        return ((ENV, str(found.path)),) if found else ()


def _data_of(page: Page) -> tuple[str, int] | None:
    """The case list a page reads (a resolved path, or '' for the synthetic default)
    and the seed; None when the page reads no case list."""
    if DATA_PARAMETER not in page.effective:
        return None
    value = page.effective.get(DATA_PARAMETER) or ""
    if value:
        value = str(parameter_file(page, str(value)).resolve())
    seed = page.effective.get(SEED_PARAMETER)
    return value, int(seed) if isinstance(seed, int) else 0


def prepare(pages: list[Page], say=print, reading=None, loaded: dict | None = None) -> Releases:
    """The release plan of every case list the site's pages read, each read as
    ``reading`` (a :class:`analysis.site.reading.Reading`) says; ``loaded`` holds lists
    already read (resolved path -> ``(cases, source)``), which are not read again.
    Raises :class:`DataRejected` for a case list that fails validation."""
    import time

    from .. import data as data_module
    from .. import release, summarychecks
    from ..ingest import ValidationError
    from ..paths import DEFAULT_SEED

    started = time.monotonic()
    groups: dict[tuple[str, int], list[Page]] = {}
    for p in pages:
        key = _data_of(p)
        # a notebook the release does not know publishes no declared count
        if key is not None and p.notebook.stem in release.BUILDERS:
            groups.setdefault(key, []).append(p)
    out = Releases()
    if groups:
        say("protecting the site's counts together ...")
    options = reading.kwargs() if reading is not None else {}
    for (path, seed), members in groups.items():
        try:
            cases, source = (loaded or {}).get(path) or data_module.open_cases(
                path or None, seed=seed or DEFAULT_SEED, **options)
        except ValidationError as exc:
            raise DataRejected(path or data_module.resolve(None, seed or DEFAULT_SEED),
                               exc) from exc
        except Exception as exc:  # a case list that cannot be read at all
            raise RenderError(f"cannot protect the site's counts: the case list "
                              f"{Path(path).name if path else 'synthetic default'} does not "
                              f"load ({type(exc).__name__}: {exc})") from exc
        try:  # the summary analysis doj wrote beside the list, when there is one
            summary = summarychecks.for_source(source)
        except ValueError as exc:
            raise RenderError(f"cannot check the claims about whole records: {exc}") from exc
        file, plan = release.site_plan(members, cases, source.sha256, doj_summary=summary)
        if plan.get("violations"):
            raise RenderError("the site's counts cannot be protected: "
                              + "; ".join(plan["violations"][:3]))
        out.plans[source.sha256] = plan
        for p in members:
            out.pages[p.name] = PagePlan(file, _digest(plan, p.name))
    out.seconds = round(time.monotonic() - started, 2)
    if groups:
        hidden = sum(len(p["hidden"]) for p in out.plans.values())
        say(f"protected the site's counts together: {hidden} cell(s) hidden "
            f"({out.seconds:.1f}s)")
    return out


def _digest(plan: dict, page: str) -> str:
    """A digest of the plan as one page sees it: its cells and which are hidden, and
    the figures it takes from an ``analysis doj`` summary (their digest), if any."""
    from ..release import SUMMARY_KEY
    from ..release.summary import SOURCE

    mine = sorted({key for t in plan["tables"] if t["page"] == page
                   for row in t["rows"] for key in row["cells"].values()})
    hidden = set(plan["hidden"])
    reads = any(plan["cells"][k]["source"] == SOURCE for k in mine)
    text = json.dumps([plan["data_sha256"], [(k, k in hidden) for k in mine]]
                      + ([plan.get(SUMMARY_KEY)] if reads else []))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def seal(out: Path, releases: Releases, entries: list[dict]) -> list[str]:
    """Write ``release.json`` into the staged site ``out`` and audit it; the problems
    that forbid publishing it (empty when it may be published)."""
    from ..release import published

    published.write(out, list(releases.plans.values()))
    return [str(p) for p in published.audit(out, entries)]


def __dir__() -> list[str]:
    return sorted(__all__)
