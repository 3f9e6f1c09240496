"""Render the report site: execute each notebook with papermill, export HTML.

This first version renders every page on each run into a staging folder and swaps it
in only when every page succeeded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import shutil
import sys
from pathlib import Path

import yaml

from . import paths


def load_config(path: Path = paths.REPORTS_CONFIG) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["reports"]


def kernel_name() -> str:
    from jupyter_client.kernelspec import find_kernel_specs

    return paths.KERNEL_NAME if paths.KERNEL_NAME in find_kernel_specs() else "python3"


def render_page(notebook: Path, out_dir: Path, stem: str, parameters: dict) -> Path:
    import papermill
    from nbconvert import HTMLExporter

    executed = out_dir / f"{stem}.ipynb"
    papermill.execute_notebook(str(notebook), str(executed), parameters=parameters,
                               kernel_name=kernel_name(), cwd=str(paths.NOTEBOOKS),
                               progress_bar=False)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_filename(str(executed))
    page = out_dir / f"{stem}.html"
    page.write_text(body, encoding="utf-8")
    return page


def render(site: Path = paths.SITE) -> Path:
    staging = paths.STAGING
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    links = []
    for report in load_config():
        for i, params in enumerate(report.get("parameters") or [{}]):
            stem = report["name"] if i == 0 else f"{report['name']}-{i}"
            print(f"rendering {stem} ...", flush=True)
            render_page(paths.NOTEBOOKS / report["notebook"], staging, stem, params or {})
            links.append(f'<li><a href="{stem}.html">{html.escape(report["title"])}</a> '
                         f'{html.escape(report["summary"])}</li>')
    (staging / "index.html").write_text(
        "<!doctype html><meta charset='utf-8'><title>LA Cannabis Relief Analytics</title>"
        f"<h1>LA Cannabis Relief Analytics</h1><p>Rendered {dt.date.today()}</p>"
        f"<ul>{''.join(links)}</ul>", encoding="utf-8")
    previous = site.with_name(".previous")
    shutil.rmtree(previous, ignore_errors=True)
    if site.exists():
        site.rename(previous)
    staging.rename(site)
    shutil.rmtree(previous, ignore_errors=True)
    return site


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("render", help="render the report site into reports/site",
                       description="Execute every notebook in reports/reports.yml and "
                       "publish the HTML site.")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    try:
        site = render()
    except Exception as exc:  # papermill raises PapermillExecutionError and others
        print(f"error: render failed: {exc}", file=sys.stderr)
        return 1
    print(f"site ready: {site / 'index.html'}")
    return 0
