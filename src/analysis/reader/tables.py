"""What every page shows: the data card, tables with their CSVs, the assumptions, and
categories, counts and intervals as a reader reads them.

The data card and tables are output types of :mod:`analysis.outputs`, which the
renderer reads back from the executed notebook: the data card names the page's data
source (the site index lists it) and every table carries its own CSV, which the site
publishes as a download beside the page.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Sequence

import polars as pl

from .. import provenance, schema, words
from ..assumptions import DEFAULT, Assumptions, assumptions_table
from ..data import Source
from ..outputs import DataCard, Table
from ..release.tables import HIDDEN, CountTable, labelled
from .tidy import tidy

__all__ = ["assumptions", "card_list", "count_text", "data_card", "data_tag", "doj_assumptions",
           "footnote", "illustrative", "inputs", "interval_text", "labelled", "number",
           "on_synthetic", "opening", "table", "tip"]

OPENING = "What this page finds"


def opening(*found: tuple[str, str]):
    """A page's first output: what it finds, one sentence per finding with what the
    sentence rests on (``(text, basis tag)`` pairs; a pair with no text is left out)."""
    from IPython.display import Markdown

    items = [f"- {text} *({basis})*" for text, basis in found if text]
    return Markdown(f"**{OPENING}**\n\n" + ("\n".join(items) or
                                             "- Nothing could be computed from this data."))


def data_card(frame: pl.DataFrame, source: Source) -> DataCard:
    """A short card: where the data came from, how many rows, what is synthetic. Its
    counts are the site release's, so a small list's are hidden like any other."""
    from ..release import CARD, for_page

    provenance.use(source)  # the page's counts are this data's
    counts = for_page("", frame, source)[CARD]
    rows = counts.value("convictions", batch="Total")
    batches = ", ".join(f"{words.category_label(b)} {number(counts.value('convictions', batch=b))}"
                        for b in frame["batch"].cast(pl.String).unique().sort().to_list())
    items = [
        ("Source", source.label),
        ("Rows", f"{number(rows)} conviction counts ({batches})"),
        ("People", f"{number(counts.value('people', batch='Total'))} distinct pseudonymous ids"),
        ("Checksum", f"`sha256:{source.sha256[:16]}…`"),
        ("Synthetic?", _synthetic_words(source)) if source.synthetic else
        ("Kind", "Real data: a list supplied by the user."),
    ]
    return DataCard(source.label, source.path.name, source.synthetic, source.sha256,
                    rows, card_list(items), default=source.default)


def _synthetic_words(source: Source) -> str:
    """The data card's answer to "Synthetic?" for a generated list, by its generator."""
    if source.default:
        return ("Yes. Every row is generated: totals match the published figures; "
                "everything else follows the assumptions listed on this page. No row "
                "describes a real person.")
    if source.generator == provenance.DOJ:
        return ("Yes. Every row is generated: the Los Angeles rules' run over the "
                "project's synthetic DOJ file, whose people are built to reproduce the "
                "published February 2020 figures, so its figures demonstrate the method "
                "and are not findings. No row describes a real person.")
    return ("Yes. Every row is generated, so its figures demonstrate the method and are "
            "not findings. No row describes a real person.")


def card_list(items: Sequence[tuple[str, str]]) -> str:
    """A data card's lines as a definition list (each term with what it says; text in
    backticks as code): no table whose header row would be empty."""
    def shown(text: str) -> str:
        return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))

    terms = "".join(f"<dt>{html.escape(term)}</dt><dd>{shown(text)}</dd>"
                    for term, text in items)
    return f'<dl class="lacra-card">{terms}</dl>'



def assumptions(a: Assumptions = DEFAULT) -> pl.DataFrame:
    """The published and assumed inputs behind the synthetic data, in words: what each
    sets, the short name an illustrative note cites an assumption by, its value, kind
    and source (the generator's parameter names stay in ``analysis.assumptions``)."""
    cited = {f.name for f in dataclasses.fields(Assumptions)}
    return _cited(assumptions_table(a), cited, provenance.CASE_LIST)


def doj_assumptions() -> pl.DataFrame:
    """The same for the synthetic DOJ file: the published figures its people are built
    to reproduce and the parameters it assumes (``analysis.synth_doj.params``); "cited
    as" is given for the assumptions a page's box can cite (the rest shape whole
    records, which no page of a case list counts)."""
    from ..synth_doj.params import doj_assumptions_table

    cited = {k for keys in provenance.FROM_CASE_LIST.values() for k in keys}
    return _cited(doj_assumptions_table(), cited, provenance.DOJ)


def _cited(inputs: pl.DataFrame, assumed: set[str], generator: str) -> pl.DataFrame:
    """A generator's table of inputs with the words captions cite the ``assumed``
    parameters by."""
    return (
        inputs
        # the words a box's note uses for an assumed parameter; blank for published ones
        .with_columns(pl.col("name").map_elements(
            lambda k: provenance.assumed(k, generator=generator).what if k in assumed else "",
            return_dtype=pl.String).alias("cited as"))
        # what a reader reads, in this order (the parameter names stay in the code)
        .select("meaning", "cited as", "value", "kind", "source")
    )


def _percent(value) -> str:
    """A share (0 to 1) as a percent, one decimal; a tiny non-zero share is not 0.0%."""
    if not isinstance(value, float | int) or isinstance(value, bool):
        return _cell(value)
    if 0 < abs(value) < 0.0005:
        return "<0.1%" if value > 0 else ">-0.1%"
    return f"{value:.1%}"


def _cell(value) -> str:
    """A value as readers see it (plain text: the table escapes it for HTML)."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1 else f"{value:,.1f}"
    return str(value)


def table(data: CountTable | pl.DataFrame, caption: str = "", *, name: str | None = None,
          columns: Sequence[str] | None = None, folded: str = "",
          basis: provenance.Basis | None = None, rests_on: Sequence[str] = (),
          column_basis: dict[str, provenance.Basis] | None = None) -> Table:
    """A plain table for readers (no dtypes, thousands separators) and its CSV: the same
    figures as data (:func:`~analysis.reader.tidy.tidy`: flags, bounds apart).

    Counts reach a page only as a :class:`~analysis.release.CountTable` of the site's
    release: its hidden counts carry the label ``"suppressed"`` on the page (empty, and
    flagged, in the CSV) and the columns derived from them are blank in both. A plain
    frame is published as it is, so it must hold no counts of the data (published
    figures, assumptions, simulations). ``name``: the CSV's name (without ``.csv``; a
    count table has its own); ``columns`` shows some of the frame's
    columns, in that order; ``folded`` folds the table away behind that line (a
    chart's data). Identifier columns are refused.

    Every table says what its figures rest on (:mod:`analysis.provenance`), in its
    caption and per CSV column: ``basis`` when given; else, for a count table, the page's
    data, or with ``rests_on`` (assumption names) the assumption that sets the figures on
    synthetic data, which makes the table illustrative. ``column_basis`` overrides single
    columns (a published population beside computed counts). A plain frame must name
    its ``basis``.
    """
    counts, declared = (), ()  # the count columns; each one's cells, row by row
    if isinstance(data, CountTable):
        if name not in (None, data.name):
            raise ValueError(f"count table {data.name!r} is published under its own name")
        frame, name, counts = data.protected(), data.name, tuple(data.counts)
        declared = tuple((c, tuple(row["cells"][c].key if c in row["cells"] else ""
                                   for row in data.table.rows)) for c in counts)
        raw = data.protected(as_text=False)  # the CSV's: hidden counts null, flagged
    else:
        frame = raw = data
    if columns is not None:
        dropped = [c for c in counts if c not in columns]
        if dropped:
            raise ValueError(f"count table {name!r} is published whole: keep {dropped}")
        frame, raw = frame.select(columns), raw.select(columns)
    # columns that identify a case or a person never reach a reader
    leaked = [c for c in frame.columns if c.lower() in schema.IDENTIFIERS]
    if leaked:
        raise ValueError(f"reader.table refuses identifier column(s) {', '.join(leaked)}: "
                         "aggregate before publishing")
    basis = _basis(basis, rests_on, isinstance(data, CountTable), caption or name)
    name = words.slug(name or caption, limit=48) or "table"

    def shown(value, column: str) -> str:
        # protected counts are text ("1234", "suppressed"): print numbers as numbers
        if column in counts and isinstance(value, str) and value.isdigit():
            value = int(value)
        return _percent(value) if words.is_share(column) else _cell(value)

    cells = tuple(tuple(shown(v, c) for v, c in zip(row, frame.columns, strict=True))
                  for row in frame.iter_rows())
    data_frame = tidy(raw, *((data.hidden_mask(), data.table.dims) if counts else ()))
    by_column = _column_basis(frame, counts, basis, _people_of_2021(data, basis, column_basis),
                              data_frame.columns)
    caption = f"{caption} ({basis.tag()})" if caption else caption
    return Table(name, caption, tuple(frame.columns), cells, data_frame.write_csv(), folded,
                 declared, by_column, basis.note() if basis.illustrative else "")


def _people_of_2021(data, basis: provenance.Basis,
                    overrides: dict[str, provenance.Basis] | None) -> dict[str, provenance.Basis]:
    """On synthetic data the September 2021 motion's people are set by an assumption
    (convictions per person): a people column that counts any of them says so, unless
    the table already says what it rests on."""
    overrides = overrides or {}
    if not isinstance(data, CountTable) or "people" not in data.counts \
            or "people" in overrides or basis.illustrative:
        return overrides
    # through provenance's mapping: plain synthetic on a list no 2021 assumption made
    assumed = provenance.illustrative("sep2021_convictions_per_person")
    if assumed is None or not assumed.illustrative:
        return overrides
    batches = [dict(row["cells"]["people"].where).get("batch")
               for row in data.table.rows if "people" in row["cells"]]
    named = [b for b in batches if b is not None]
    # split by motion, a table counts 2021's people where a row names 2021; unsplit,
    # its total counts them
    counts_2021 = any("sep2021" in b for b in named) if named else None in batches
    return overrides | {"people": assumed} if counts_2021 else overrides


def _basis(given: provenance.Basis | None, rests_on: Sequence[str], counts: bool,
           what: str | None) -> provenance.Basis:
    """A table's basis: as given, else the assumption it rests on (illustrative on
    synthetic data), else for counts the page's data; a plain frame must name it."""
    basis = given or (provenance.illustrative(*rests_on) if rests_on else None) or (
        provenance.current() if counts else None)
    if basis is None:
        raise ValueError(f"table {what!r}: name its basis (published, real data, synthetic "
                         "or assumed; analysis.provenance), or show the page's data card")
    return basis


def _column_basis(frame: pl.DataFrame, counts: Sequence[str], basis: provenance.Basis,
                  overrides: dict[str, provenance.Basis],
                  csv_columns: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """Each CSV column's basis tag: a count table's label columns rest on nothing; a
    plain frame is all its source's; a flag or a bound rests on what its column does."""
    shown = {c: overrides.get(c, basis).tag() for c in frame.columns
             if not counts or c in counts or c in overrides or frame.schema[c] != pl.String}
    return tuple((c, shown[of]) for c in csv_columns
                 if (of := Table.shown_column(c, frame.columns)) in shown)


def tip(shorthand: str, **options):
    """A chart tooltip field titled in words (``"charge_level:N"`` shows "Charge level"),
    not by its column name."""
    import altair as alt

    name = shorthand.split(":")[0]
    title = words.DIMENSION_TITLES.get(name) or words.column_label(name).capitalize()
    return alt.Tooltip(shorthand, **{"title": title, **options})


def data_tag() -> str:
    """The page's counts' label for prose: ``synthetic`` or ``real data: FILE``."""
    current = provenance.current()
    return current.tag() if current else "computed"


def illustrative(chart, *assumptions: str):
    """A chart (or a Markdown passage) whose figures the named assumptions set on
    synthetic data, set apart as illustrative: the chart in a marked box whose alt text
    says so, the passage as a quotation headed "Illustrative". Unchanged on a real list."""
    from IPython.display import Markdown

    marked = provenance.illustrative(*assumptions) if assumptions else None
    if marked is None or not marked.illustrative:
        return chart
    if isinstance(chart, Markdown):
        quoted = "\n".join(f"> {line}" if line else ">" for line in chart.data.splitlines())
        return Markdown(f"> **Illustrative.** {marked.note()}\n>\n{quoted}")
    if not hasattr(chart, "properties"):
        return chart
    from ..outputs import ILLUSTRATIVE_META

    description = getattr(chart, "description", None)
    text = description if isinstance(description, str) else ""
    return chart.properties(usermeta={ILLUSTRATIVE_META: marked.note()},
                            description=f"Illustrative. {marked.note()} {text}".strip())


# Per generator: what the inputs table at a page's end is called, what it lists, and
# what "synthetic" figures are counted from.
_INPUTS = {
    provenance.CASE_LIST: ("Published and assumed inputs of the synthetic data", assumptions,
                           "the generated default data"),
    provenance.DOJ: ("Published targets and assumptions of the synthetic DOJ file behind "
                     "this list", doj_assumptions, "the list the Los Angeles rules made of "
                     "the generated DOJ file (`analysis synth --format doj`, then "
                     "`analysis doj`)"),
}


def inputs(source: Source) -> None:
    """Show what a page ends with: on synthetic data, the published and assumed inputs
    of the generator that made it (the case-list generator's, or the DOJ file's); on a
    real list, one sentence naming the file (no synthetic wording)."""
    from IPython.display import Markdown, display

    if not source.synthetic:
        display(Markdown(f"Counts on this page are real data from {source.path.name} "
                         f"(sha256 {source.sha256[:16]}…); figures marked *published* come "
                         "from the cited sources."))
        return
    title, listed, counted_from = _INPUTS[source.generator]
    display(Markdown("Figures marked *published* come from the cited sources; *synthetic* "
                     f"ones are counted from {counted_from}; *assumed* ones are "
                     "choices the generator makes where no source speaks, and the figures "
                     "they alone set are shown apart as *illustrative*."),
            table(listed(), title, basis=provenance.published("the sources in each row"),
                  column_basis={"value": provenance.Basis(
                      "assumed", "where kind is 'assumed'; published otherwise")}))


def on_synthetic(source: Source, text: str, *, doj: str | None = None):
    """``text`` as a page's Markdown when it rests on synthetic data; else nothing, so a
    page rendered on a real list carries no synthetic wording. ``text`` speaks of the
    case-list generator; on a list made of the synthetic DOJ file ``doj`` is said
    instead (nothing when it is not given: the case-list wording would be false there)."""
    from IPython.display import Markdown

    if not source.synthetic:
        return None
    said = doj if source.generator == provenance.DOJ else text
    return Markdown(said) if said else None


def footnote() -> str:
    """One sentence a page prints under its protected tables."""
    return (f'"{HIDDEN}" marks a count hidden to protect the people it describes: a '
            "count from 1 to 10, or a larger one hidden so that no total, margin or other "
            "table of the site reveals a small one. Shares and rates of hidden counts are "
            "left blank; an absent row counts nobody.")


def number(value: int | None) -> str:
    """A published count in prose: with thousands separators, or the hidden label."""
    return HIDDEN if value is None else f"{value:,}"


def count_text(value) -> str:
    """A rounded count for a page; blank when there is none."""
    return "" if value is None else f"{round(value):,}"


def interval_text(column: str, digits: int = 2) -> pl.Expr:
    """``"estimate (low to high)"`` from ``column`` and ``column_low``/``column_high``."""
    return pl.format("{} ({} to {})", *(pl.col(c).round(digits) for c in
                                        (column, f"{column}_low", f"{column}_high")))


def __dir__() -> list[str]:
    return sorted(__all__)
