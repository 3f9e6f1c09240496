"""The site's own files: ``index.html`` (every page, grouped by report),
``manifest.json`` (what every page was built from, and every file's checksum: each
page's under the page, the files pages share, ``assets/``, under ``assets``) and
``datapackage.json`` (every published CSV described: :mod:`analysis.site.datapackage`)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from .. import glossary
from .manifest import FORMAT, MANIFEST

__all__ = ["SITE_TITLE", "TEMPLATE", "TEMPLATES", "site_findings", "write_site_files"]

SITE_TITLE = "LA Cannabis Relief Analytics"
# The templates of the reader pages (nbconvert) and of the index (jinja2).
TEMPLATES = Path(__file__).parents[1] / "templates"
TEMPLATE = "lacra"


def site_findings(titles: dict[str, str]) -> list[dict]:
    """The index's opening answers (:mod:`analysis.findings`, from the published claims
    only), each linked to its evidence when that page is on the site."""
    from .. import claims, findings, reconcile

    return [{"text": f.text, "basis": f.basis,
             "href": f.href if f.page in titles else None,
             "evidence": ", ".join(x for x in (titles.get(f.page), f.section) if x)}
            for f in findings.site_findings(reconcile.reconcile(None, claims.load()))]


def write_site_files(out: Path, entries: list[dict], commit: str,
                     started_at: dt.datetime, shared: list[dict] = ()) -> None:
    """Write ``index.html``, ``manifest.json`` and ``datapackage.json`` for the pages
    ``entries`` describe (their files are in ``out`` already); ``shared`` are the records
    of the files the pages share (``site.assets``)."""
    import jinja2

    from . import datapackage

    reports: dict[str, dict] = {}
    for e in entries:
        group = reports.setdefault(e["report"], {"name": e["report"],
                                                 "title": e.get("report_title", e["title"]),
                                                 "summary": e["summary"], "pages": []})
        group["pages"].append({"name": e["page"], "title": e["title"],
                               "data": e["data_source"],
                               "data_label": e["data_source"]["label"],
                               "rendered_at": e["rendered_at"], "csv": e.get("csv", [])})
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES / TEMPLATE)),
                             autoescape=False, keep_trailing_newline=True)
    index = env.get_template("site_index.html.j2").render(
        site_title=SITE_TITLE, reports=list(reports.values()), git_commit=commit,
        findings=site_findings({e["page"]: e["title"] for e in entries}) if entries else [],
        synthetic=any(e["data_source"].get("synthetic") for e in entries),
        glossary=any(f'{e["page"]}.html' == glossary.PAGE for e in entries),
        generated_at=started_at.strftime("%Y-%m-%d %H:%M UTC"))
    (out / "index.html").write_text(index, encoding="utf-8")
    manifest = {"format": FORMAT, "site_title": SITE_TITLE,
                "generated_at": started_at.isoformat(), "git_commit": commit,
                "assets": list(shared), "pages": entries}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=False) + "\n",
                                encoding="utf-8")
    datapackage.write(out, entries, SITE_TITLE)


def __dir__() -> list[str]:
    return sorted(__all__)
