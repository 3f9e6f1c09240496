"""The pages of the site: one per report and parameter set, with its name and title,
and how published files name the local files a page reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import paths
from ..words import parameter_text, slug, value_label
from .config import NO_DEFAULT, RenderError, check_parameters, notebook_parameters

__all__ = ["DATA_PARAMETER", "SEED_PARAMETER", "Page", "local_path", "page_name",
           "page_title", "parameter_file", "plan_pages", "public_parameters", "public_path"]

DATA_PARAMETER = "data_path"
SEED_PARAMETER = "seed"


@dataclass
class Page:
    """One page of the site: a report rendered with one parameter set."""

    report: str
    name: str
    title: str
    summary: str
    report_title: str
    notebook: Path
    parameters: dict
    effective: dict  # notebook defaults overlaid with the parameters
    inputs: list[Path] = field(default_factory=list)
    data_description: str = ""

    @property
    def parameter_label(self) -> str:
        """The parameters in words ("September 2021 motion, counted by jurisdiction")."""
        return parameter_text({k: v for k, v in self.parameters.items()
                               if k != DATA_PARAMETER})


def page_name(report: dict, params: dict, index: int) -> str:
    """The file stem of one page: the report name, plus the parameter values if any.

    ``agency-profile`` rendered with ``{agency: Long Beach city prosecutor}`` becomes
    ``agency-profile--long-beach-city-prosecutor``. A report's ``page`` key (a format
    string over the parameters, e.g. ``"agency-{agency}"``) names pages explicitly.
    """
    shown = {k: v for k, v in params.items() if k != DATA_PARAMETER}
    if report.get("page"):
        try:
            return slug(str(report["page"]).format(**params, index=index))
        except (KeyError, IndexError, ValueError) as exc:
            raise RenderError(f"report {report['name']!r}: 'page' {report['page']!r} "
                              f"cannot be filled from the parameters ({exc})") from exc
    if not shown:
        return report["name"]
    return f"{report['name']}--" + slug("-".join(str(v) for v in shown.values()))


def page_title(report: dict, params: dict) -> str:
    """The page's title: the report's, with the parameter values in words."""
    shown = {k: v for k, v in params.items() if k != DATA_PARAMETER}
    if report.get("page_title"):
        try:
            return str(report["page_title"]).format(**params)
        except (KeyError, IndexError, ValueError) as exc:
            raise RenderError(f"report {report['name']!r}: 'page_title' cannot be filled "
                              f"from the parameters ({exc})") from exc
    if not shown:
        return report["title"]
    return f"{report['title']}: " + ", ".join(value_label(v) for v in shown.values())


def plan_pages(reports: list[dict], *, notebooks: Path = paths.NOTEBOOKS,
               data: Path | None = None) -> list[Page]:
    """Every page of the config, parameters checked; ``data`` overrides ``data_path``."""
    pages: list[Page] = []
    names: dict[str, str] = {}
    for report in reports:
        notebook = notebooks / report["notebook"]
        if not notebook.is_file():
            raise RenderError(f"report {report['name']!r}: notebook {report['notebook']!r} "
                              f"not found in {notebooks}")
        declared = notebook_parameters(notebook)
        defaults = {k: p.default for k, p in declared.items() if p.default is not NO_DEFAULT}
        for index, given in enumerate(report["parameters"], 1):
            check_parameters(report["name"], notebook, declared, given)
            params = dict(given)
            if data is not None and DATA_PARAMETER in declared:
                params[DATA_PARAMETER] = str(data)
            name = page_name(report, params, index)
            if name in names:
                raise RenderError(f"report {report['name']!r}: page {name!r} is produced "
                                  f"twice (also by {names[name]!r}); give the report a "
                                  "'page' key such as \"{name}-{agency}\" or distinct "
                                  "parameters")
            names[name] = report["name"]
            inputs = [local_path(p) for p in report.get("inputs") or []]
            pages.append(Page(report["name"], name, page_title(report, params),
                              report["summary"], report["title"], notebook, params,
                              defaults | params, inputs, str(report.get("data") or "")))
    return pages


def parameter_file(page: Page, value: str | Path) -> Path:
    """A file a page's parameter names, as its kernel finds it (relative paths are from
    the notebook's folder, where the kernel runs)."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else page.notebook.parent / path


def public_path(value: str | Path) -> str:
    """How published files name a local file (:func:`analysis.paths.public_path`)."""
    return paths.public_path(value)


def public_parameters(params: dict) -> dict:
    """A page's parameters as published: the data file named by :func:`public_path`."""
    value = params.get(DATA_PARAMETER)
    if isinstance(value, str) and value:
        return dict(params, **{DATA_PARAMETER: public_path(value)})
    return dict(params)


def local_path(entry: str | Path) -> Path:
    """The file behind a name as the config and published files write it (the inverse
    of :func:`public_path`): ``shared:FILE`` or a path from the checkout."""
    entry = str(entry)
    if entry.startswith("shared:"):
        return paths.shared_file(entry.removeprefix("shared:"))
    path = Path(entry)
    return path if path.is_absolute() else paths.ROOT / path


def __dir__() -> list[str]:
    return sorted(__all__)
