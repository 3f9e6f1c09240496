"""The contract between a page's kernel and the renderer: one output type per kind.

A notebook displays each piece through these types; the renderer
(:mod:`analysis.site.build`) reads them back from the executed notebook with the same
types. Every kind has a MIME type of its own that only the renderer reads, beside the
representations JupyterLab shows:

=========== ====================================== =====================================
kind        renderer's MIME type                   what a frontend shows
=========== ====================================== =====================================
table       ``application/vnd.lacra.table+json``   ``text/html`` (its CSV as a data link)
chart       ``application/vnd.lacra.chart+json``   ``image/svg+xml``, ``text/plain``
data card   ``application/vnd.lacra.datacard+json`` ``text/markdown``
=========== ====================================== =====================================

The chart's MIME type is also what a frontend would draw interactively, so it is not
renderer-only; the site comparison (:mod:`analysis.site.diff`) skips the two that are
(:data:`RENDERER_ONLY`). Light on purpose: standard library and :mod:`analysis.words`.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import os
from dataclasses import asdict, dataclass

from .words import HIDDEN_FLAG, column_label

__all__ = ["CHART_MIME", "CSV_ENCODING", "CSV_SUFFIXES", "DATA_CARD_MIME", "ILLUSTRATIVE_META",
           "RENDERER_ONLY", "SVG_DEFER", "SVG_ENV", "TABLE_MIME", "Chart", "ContractError",
           "DataCard", "Table", "set_apart", "svg_deferred"]

TABLE_MIME = "application/vnd.lacra.table+json"
CHART_MIME = "application/vnd.lacra.chart+json"
DATA_CARD_MIME = "application/vnd.lacra.datacard+json"
ILLUSTRATIVE_META = "lacra_illustrative"  # a chart spec's usermeta key: why it is illustrative
# MIME types no frontend shows: the executed notebook carries them for the renderer only.
RENDERER_ONLY = (TABLE_MIME, DATA_CARD_MIME)
# How every published CSV is written (Excel reads UTF-8 only after a byte-order mark),
# and the columns it may add beside a shown one: a hidden count's flag, a range's bounds.
CSV_ENCODING = "utf-8-sig"
PROSE_CHARS = 60  # a table column whose longest cell is longer holds sentences
CSV_SUFFIXES = (HIDDEN_FLAG, "_low", "_high")
# ``LACRA_CHART_SVG=defer`` leaves a chart's static SVG to whoever reads the notebook
# (the renderer draws it in its long-lived workers: see ``charts.add_static_svgs``).
SVG_ENV = "LACRA_CHART_SVG"
SVG_DEFER = "defer"


class ContractError(ValueError):
    """An output that breaks the contract: a field missing, or a table that would
    publish an identifier column."""


def svg_deferred() -> bool:
    """Has the renderer asked the kernel to leave charts' SVGs to it?"""
    return os.environ.get(SVG_ENV) == SVG_DEFER


def _identifiers(columns) -> list[str]:
    """The columns (any case) that identify a case or a person."""
    from .schema import IDENTIFIERS  # lazily: the schema needs polars

    return [c for c in IDENTIFIERS if c in {str(n).strip().lower() for n in columns}]


def _payload(data: dict, mime: str, keys: tuple[str, ...]) -> dict | None:
    """The renderer's part of a display bundle, or None when it is not of this kind."""
    payload = data.get(mime)
    if payload is None:
        return None
    if isinstance(payload, str):  # a frontend may store JSON as text
        payload = json.loads(payload)
    missing = [k for k in keys if not isinstance(payload, dict) or k not in payload]
    if missing:
        raise ContractError(f"{mime} output lacks {', '.join(missing)}")
    return payload


@dataclass(frozen=True)
class Table:
    """A table for readers: what the page shows, and its CSV download.

    ``cells`` are the values as readers see them (thousands separators, percents, the
    hidden label), as plain text; ``csv`` is the download's text, the same figures as
    data (``reader.tidy``): each shown column as itself, beside it ``COLUMN_hidden``
    flags and ``COLUMN_low``/``COLUMN_high`` bounds, or a range as its two bounds alone.
    It is written in UTF-8 with a byte-order mark (:data:`CSV_ENCODING`), so that Excel
    reads "Cañada" as written. ``name`` is the CSV's file name without ``.csv``.
    """

    name: str
    caption: str
    columns: tuple[str, ...]
    cells: tuple[tuple[str, ...], ...]
    csv: str
    summary: str = ""  # when set, the table is folded away behind this line (chart data)
    # the site release's cell behind each count: (CSV column, (cell key or "" per row))
    declared: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # what each CSV column's figures rest on (analysis.provenance tags), labels left out
    basis: tuple[tuple[str, str], ...] = ()
    # when set, the table is illustrative (set by an assumption): the sentence that says so
    illustrative: str = ""

    def __post_init__(self) -> None:
        leaked = _identifiers(self.columns) or _identifiers(self.header())
        if leaked:
            raise ContractError(f"table {self.name!r} would publish identifier column(s) "
                                f"{', '.join(leaked)}")

    @property
    def rows(self) -> int:
        return len(self.cells)

    def header(self) -> list[str]:
        """The CSV's header row as written."""
        first = self.csv.split("\n", 1)[0]
        return next(csv.reader(io.StringIO(first)), [])

    def csv_bytes(self) -> bytes:
        """The CSV file as published: UTF-8 with a byte-order mark."""
        return self.csv.encode(CSV_ENCODING)

    @staticmethod
    def shown_column(column: str, shown: tuple[str, ...] | list[str]) -> str | None:
        """The shown column a CSV column holds (itself, or its flag or bound), or None."""
        if column in shown:
            return column
        return next((column[:-len(s)] for s in CSV_SUFFIXES
                     if column.endswith(s) and column[:-len(s)] in shown), None)

    def data_uri(self) -> str:
        """The CSV inline, for the download link in JupyterLab."""
        encoded = base64.b64encode(self.csv_bytes()).decode("ascii")
        return "data:text/csv;charset=utf-8;base64," + encoded

    def html(self, href: str) -> str:
        """The table and its download link pointing at ``href``."""
        head = "".join(_header(c) for c in self.columns)
        # a column of sentences keeps a readable width where the screen is narrow (the
        # table scrolls instead), so its cells do not wrap to a word a line
        prose = {i for i in range(len(self.columns))
                 if max((len(row[i]) for row in self.cells), default=0) > PROSE_CHARS}
        body = "".join("<tr>" + "".join(
            f'<td class="lacra-prose">{html.escape(v)}</td>' if i in prose
            else f"<td>{html.escape(v)}</td>" for i, v in enumerate(row))
                       + "</tr>" for row in self.cells)
        # the caption names the table for screen readers; its visible twin sits above
        # the scrolling box, so it wraps on a phone instead of scrolling away with it
        cap = (f'<caption class="lacra-sr-only">{html.escape(self.caption)}</caption>'
               if self.caption else "")
        shown = (f'<p class="lacra-caption" aria-hidden="true">{html.escape(self.caption)}</p>'
                 if self.caption else "")
        link = (f'<p class="lacra-download"><a class="lacra-csv" data-lacra-csv='
                f'"{self.name}" download="{self.name}.csv" href="{html.escape(href)}">'
                f"Download this table (CSV, {self.rows:,} rows)</a></p>")
        table = (f'{shown}<div class="lacra-table-wrap"><table class="lacra-table">{cap}'
                 f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
                 f"{self._assumed_columns()}{link}</div>")
        if self.summary:
            table = (f'<details class="lacra-data"><summary>{html.escape(self.summary)}'
                     f"</summary>{table}</details>")
        return set_apart(table, self.illustrative)

    def _assumed_columns(self) -> str:
        """In a table not illustrative as a whole, the note naming its columns that an
        assumption sets (a people column of the synthetic 2021 motion)."""
        if self.illustrative:
            return ""
        assumed = [(c, b.removeprefix("assumed: ")) for c, b in self.basis
                   if b.startswith("assumed: ")]
        if not assumed:
            return ""
        said = "; ".join(f"{column_label(c)}: {why}" for c, why in assumed)
        return (f'<p class="lacra-illustrative-note"><strong>Illustrative column'
                f'{"s" if len(assumed) > 1 else ""}.</strong> On the synthetic data an '
                f"assumption sets these figures, not a finding ({html.escape(said)}).</p>")

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        payload = {"name": self.name, "caption": self.caption, "rows": self.rows,
                   "columns": list(self.columns), "cells": [list(r) for r in self.cells],
                   "csv": self.csv, "summary": self.summary,
                   "declared": {c: list(keys) for c, keys in self.declared},
                   "basis": dict(self.basis), "illustrative": self.illustrative}
        plain = f"{self.caption or self.name} ({self.rows:,} rows: {', '.join(self.columns)})"
        return {TABLE_MIME: payload, "text/html": self.html(self.data_uri()),
                "text/plain": plain}

    @classmethod
    def from_bundle(cls, data: dict) -> Table | None:
        """The table an output carries, or None when it carries none."""
        p = _payload(data, TABLE_MIME, ("name", "caption", "columns", "cells", "csv"))
        if p is None:
            return None
        table = cls(str(p["name"]), str(p["caption"]), tuple(p["columns"]),
                    tuple(tuple(str(v) for v in row) for row in p["cells"]), str(p["csv"]),
                    str(p.get("summary", "")),
                    tuple((str(c), tuple(str(k) for k in keys))
                          for c, keys in (p.get("declared") or {}).items()),
                    tuple((str(c), str(b)) for c, b in (p.get("basis") or {}).items()),
                    str(p.get("illustrative", "")))
        header, shown = table.header(), table.columns
        if any(cls.shown_column(c, shown) is None for c in header) or any(
                c not in header and f"{c}_low" not in header for c in shown):
            raise ContractError(f"table {table.name!r}: its CSV's columns {header} are "
                                f"not the columns shown {list(shown)}")
        return table


def set_apart(body: str, sentence: str) -> str:
    """An illustrative figure's HTML in a marked box that says why; others unchanged."""
    if not sentence:
        return body
    return (f'<div class="lacra-illustrative" role="group" aria-label="Illustrative">'
            f'<p class="lacra-illustrative-note"><strong>Illustrative.</strong> '
            f"{html.escape(sentence)}</p>"
            f"{body}</div>")


def _header(column: str) -> str:
    """A header cell in words; hovering it names the CSV column when that differs."""
    label = column_label(column)
    title = "" if label == column else f' title="{html.escape(column)} in the CSV"'
    return f"<th{title}>{html.escape(label)}</th>"


@dataclass(frozen=True)
class Chart:
    """A Vega-Lite chart and its text alternative; ``svg`` is its static drawing."""

    spec: dict
    alt: str
    svg: str | None = None

    def bundle(self) -> dict:
        """What the altair renderer returns (``charts.enable`` registers it)."""
        out: dict = {CHART_MIME: {"spec": self.spec, "alt": self.alt}, "text/plain": self.alt}
        if self.svg:
            out["image/svg+xml"] = self.svg
        return out

    def figure_html(self, number: int) -> str:
        """The figure the site's script turns into an interactive chart.

        The drawing is hidden from screen readers (its marks answer a mouse only); the
        figure is named by the chart's title and its words follow it once, in a fold a
        keyboard opens, so nothing is read twice."""
        spec = json.dumps(self.site_spec(), separators=(",", ":"), ensure_ascii=False)
        # A JSON string may not close the script element it sits in.
        spec = spec.replace("</", "<\\/").replace("<!--", "<\\!--")
        alt_text = html.escape(self.alt)
        name = html.escape(f"Chart: {self.title}" if self.title else "Chart")
        # title and source lines as page text: they wrap on a phone, at the page's size
        # (the figure's label already names it, so the title is not read a second time)
        lines = "".join(f'<span class="lacra-chart-source">{html.escape(line)}</span>'
                        for line in self.subtitle)
        caption = (f'<figcaption class="lacra-chart-caption"><span class="lacra-chart-title" '
                   f'aria-hidden="true">{html.escape(self.title)}</span>{lines}</figcaption>'
                   if self.title or lines else "")
        figure = (f'<figure class="lacra-chart" id="chart-{number}" aria-label="{name}">'
                  f'{caption}<div class="lacra-chart-view" aria-hidden="true"></div>'
                  f"<details><summary>This chart in words</summary><p>{alt_text}</p>"
                  f'</details><script type="application/json" class="lacra-chart-spec">'
                  f"{spec}</script></figure>")
        return set_apart(figure, self.illustrative)

    @property
    def title(self) -> str:
        """The chart's title as text ("" when it has none)."""
        title = self.spec.get("title")
        text = title.get("text", "") if isinstance(title, dict) else title or ""
        return " ".join(text) if isinstance(text, list) else str(text)

    @property
    def subtitle(self) -> list[str]:
        """The lines under the chart's title (its source note), as text."""
        title = self.spec.get("title")
        lines = title.get("subtitle", []) if isinstance(title, dict) else []
        return [lines] if isinstance(lines, str) else [str(line) for line in lines]

    def site_spec(self) -> dict:
        """The spec the site draws: its title and source lines are the figure's caption,
        and a single view takes its container's width, so its text keeps its size on
        a phone (concatenated panels keep theirs and scroll in their box)."""
        spec = {k: v for k, v in self.spec.items() if k != "title"}
        if not any(k in spec for k in ("hconcat", "vconcat", "concat", "facet", "repeat")):
            spec |= {"width": "container", "autosize": {"type": "fit-x", "contains": "padding"}}
        return spec

    @property
    def illustrative(self) -> str:
        """The sentence marking the chart illustrative (``reader.illustrative``), or ""."""
        meta = self.spec.get("usermeta") or {}
        return str(meta.get(ILLUSTRATIVE_META, "")) if isinstance(meta, dict) else ""

    @classmethod
    def from_bundle(cls, data: dict) -> Chart | None:
        p = _payload(data, CHART_MIME, ("spec",))
        if p is None:
            return None
        return cls(p["spec"], str(p.get("alt", "")), data.get("image/svg+xml"))


@dataclass(frozen=True)
class DataCard:
    """Where a page's data came from: the site's index and header state it."""

    source: str  # the source's label, e.g. "synthetic default data (...)"
    file: str  # the data file's name, without its folder
    synthetic: bool
    sha256: str
    rows: int | None  # None when the site's release hides the count
    markdown: str = ""  # the card as readers see it
    # whether the site's release counts this data (the case list); a page may show first
    # the card of a real source it reads beside it (the LAPD arrests), which it names
    counted: bool = True
    default: bool = False  # the project's own synthetic default list

    def statement(self) -> dict:
        """What the page header and the manifest say about the data."""
        return {"source": self.source, "file": self.file, "synthetic": self.synthetic,
                "default": self.default, "sha256": self.sha256}

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        payload = {k: v for k, v in asdict(self).items() if k != "markdown"}
        return {DATA_CARD_MIME: payload, "text/markdown": self.markdown,
                "text/plain": self.markdown}

    @classmethod
    def from_bundle(cls, data: dict) -> DataCard | None:
        p = _payload(data, DATA_CARD_MIME, ("source", "file", "synthetic", "sha256"))
        if p is None:
            return None
        return cls(str(p["source"]), str(p["file"]), bool(p["synthetic"]), str(p["sha256"]),
                   None if p.get("rows") is None else int(p["rows"]),
                   str(data.get("text/markdown", "")), bool(p.get("counted", True)),
                   bool(p.get("default", False)))


def __dir__() -> list[str]:
    return sorted(__all__)
