"""Pages that rendered in a run that published nothing, kept for the next run.

A run publishes only when every page succeeded, so a page that rendered while another
failed would otherwise be executed again next time. Instead its files and outcome are
kept in ``.cache/pages/PAGE/`` beside the site, under the page's fingerprint key; the
next run that needs the page with the same key copies it into the staging folder
instead of executing it. One entry per page (a newer one replaces it); an entry is
dropped once its page is published. Files are checked against their checksums before
reuse: an entry that was altered is ignored and the page executes.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from ..outputs import DataCard
from .jobs import CsvFile, Outcome
from .manifest import file_entries, files_intact

__all__ = ["KEPT", "Kept", "drop", "folder", "load", "save"]

KEPT = Path(".cache") / "pages"  # from the site's parent folder
ENTRY = "entry.json"


@dataclass(frozen=True)
class Kept:
    """A page rendered by an earlier run: its outcome and when and from what commit."""

    outcome: Outcome
    git_commit: str
    rendered_at: dt.datetime


def folder(site: Path) -> Path:
    return Path(site).parent / KEPT


def page_files(name: str, outcome: Outcome) -> list[str]:
    """A rendered page's files, from the site's root."""
    return [f"{name}.html", f"{name}.ipynb"] + [c.path for c in outcome.csv]


def save(site: Path, key: str, out: Path, outcome: Outcome, git_commit: str,
         rendered_at: dt.datetime) -> None:
    """Keep the page ``outcome`` rendered into ``out`` (the staging folder)."""
    target = folder(site) / outcome.name
    tmp = target.with_name(f".{outcome.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    names = page_files(outcome.name, outcome)
    for name in names:
        (tmp / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(out / name, tmp / name)
    record = {"key": key, "git_commit": git_commit, "rendered_at": rendered_at.isoformat(),
              "outcome": asdict(outcome), "files": file_entries(out, names)}
    (tmp / ENTRY).write_text(json.dumps(record, indent=1), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)


def load(site: Path, name: str, key: str, out: Path) -> Kept | None:
    """Copy the kept page ``name`` into ``out`` when it was rendered for ``key``."""
    source = folder(site) / name
    try:
        record = json.loads((source / ENTRY).read_text(encoding="utf-8"))
        if record.get("key") != key or not files_intact(source, record):
            return None
        outcome = _outcome(record["outcome"])
        kept = Kept(outcome, str(record["git_commit"]),
                    dt.datetime.fromisoformat(record["rendered_at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    for item in record["files"]:
        (out / item["path"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / item["path"], out / item["path"])
    return kept


def drop(site: Path, names) -> None:
    """Forget the kept copies of pages (once they are published)."""
    for name in names:
        shutil.rmtree(folder(site) / name, ignore_errors=True)


def _outcome(d: dict) -> Outcome:
    csv = tuple(CsvFile(c["name"], c["path"], c["caption"], c["rows"], tuple(c["columns"]),
                        tuple((col, tuple(keys)) for col, keys in c["cells"]),
                        tuple((col, str(tag)) for col, tag in c.get("basis") or ()))
                for c in d["csv"])
    card = DataCard(**d["data"]) if d.get("data") else None
    shown = DataCard(**d["shown"]) if d.get("shown") else None
    return Outcome(d["name"], d["seconds"], csv, card, d.get("kernel_starts", 1),
                   shown=shown)


def __dir__() -> list[str]:
    return sorted(__all__)
