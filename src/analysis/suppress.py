"""Small-cell suppression: the one function every published table and chart goes through.

A count from 1 to ``threshold - 1`` is shown as ``"<11"``; zeros are shown. Every *line*
of a table (cells whose sum a reader knows: the cells of one dimension with the others
fixed, closed by the table's own ``Total``/``All`` row, or across count columns when one
is the row total of the others) hides no cell or at least two, complements being the
smallest cells of at least ``threshold`` (shown ``"suppressed"``), a zero only as a last
resort. An exact check then solves the equations a reader could write and adds
complements until no small cell is determined. Lines never cross ``by`` groups unless a
``by`` column has its own totals rows. Shares and rates of a hidden count become null.
``docs/methodology.md`` explains the rules and why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

DEFAULT_THRESHOLD = 11
TOTAL_LABELS = ("Total", "All")
COMPLEMENT_MARKER = "suppressed"
# Largest group of linked hidden cells the exact check solves; beyond it (very sparse
# tables, where most cells are small anyway) the line rule alone applies.
EXACT_CHECK_LIMIT = 300

__all__ = ["COMPLEMENT", "COMPLEMENT_MARKER", "DEFAULT_THRESHOLD", "EXACT_CHECK_LIMIT",
           "SHOWN", "SMALL", "TOTAL_LABELS", "footnote", "mask", "plan", "small_marker",
           "suppress"]

# Status codes of a cell in :func:`plan`.
SHOWN, SMALL, COMPLEMENT = "shown", "small", "complement"


def small_marker(threshold: int = DEFAULT_THRESHOLD) -> str:
    """How a small count is printed: ``"<11"`` for the default threshold."""
    return f"<{threshold}"


def footnote(threshold: int = DEFAULT_THRESHOLD) -> str:
    """One sentence a page prints under a suppressed table."""
    return (f'"{small_marker(threshold)}" marks a count from 1 to {threshold - 1}; '
            f'"{COMPLEMENT_MARKER}" marks a larger count hidden so that totals cannot '
            "reveal a small one. Shares and rates of hidden counts are left blank.")


@dataclass(frozen=True)
class _Line:
    cells: tuple[int, ...]  # cell ids: row * n_counts + column
    signs: tuple[int, ...]  # +1 for parts, -1 for the table's own total cell


def _check(frame: pl.DataFrame, counts: Sequence[str], threshold: int) -> None:
    if not isinstance(threshold, int) or threshold < 1:
        raise ValueError(f"threshold must be a positive whole number, not {threshold!r}")
    if not counts:
        raise ValueError("name at least one count column")
    for c in counts:
        if c not in frame.columns:
            raise ValueError(f"count column {c!r} not in the frame "
                             f"(columns: {', '.join(frame.columns)})")
        dtype = frame.schema[c]
        if not dtype.is_integer():
            raise ValueError(f"count column {c!r} must hold whole numbers, not {dtype}")
        if (frame[c] < 0).any():
            raise ValueError(f"count column {c!r} has negative values")


def _default_dims(frame: pl.DataFrame, skip: set[str]) -> list[str]:
    """Columns that label cells: text, categories, whole numbers, dates, booleans."""
    out = []
    for name, dtype in frame.schema.items():
        if name in skip:
            continue
        if dtype.is_float() or dtype.is_nested():
            continue
        out.append(name)
    return out


def _detect_row_total(frame: pl.DataFrame, counts: Sequence[str]) -> str | None:
    if len(counts) < 3 or frame.height == 0:
        return None
    for c in counts:
        rest = [o for o in counts if o != c]
        if frame.select((pl.col(c) == pl.sum_horizontal(rest)).all()).item():
            return c
    return None


def _lines(frame: pl.DataFrame, counts: Sequence[str], dims: list[str], groups: list[str],
           totals: dict[str, pl.Expr], row_total: str | None) -> list[_Line]:
    """Every set of cells whose (signed) sum the reader knows or can compute."""
    n_counts = len(counts)
    indexed = frame.with_row_index("_row")
    lines: list[_Line] = []
    for d in dims:
        others = [x for x in groups + dims if x != d]
        is_total = totals.get(d, pl.lit(False))
        keyed = indexed.with_columns(_total=is_total)
        agg = (
            keyed
            # one line per combination of the other dimensions
            .group_by(others or pl.lit(0), maintain_order=True)
            .agg(parts=pl.col("_row").filter(~pl.col("_total")),
                 total=pl.col("_row").filter(pl.col("_total")))
        )
        explicit = d in totals
        for parts, total in agg.select("parts", "total").iter_rows():
            if explicit and len(total) == 1:
                rows, signs = [*parts, total[0]], [1] * len(parts) + [-1]
            elif len(parts) >= 2:  # an implied margin; one part would be the margin itself
                rows, signs = list(parts), [1] * len(parts)
            else:
                continue
            for j in range(n_counts):
                lines.append(_Line(tuple(r * n_counts + j for r in rows), tuple(signs)))
    if not dims:  # only by-groups: the group total is the line
        agg = indexed.group_by(groups or pl.lit(0)).agg(rows=pl.col("_row"))
        for (rows,) in agg.select("rows").iter_rows():
            if len(rows) >= 2:
                for j in range(n_counts):
                    lines.append(_Line(tuple(r * n_counts + j for r in rows),
                                       (1,) * len(rows)))
    if row_total is not None:
        t = list(counts).index(row_total)
        for r in range(frame.height):
            parts = [r * n_counts + j for j in range(n_counts) if j != t]
            lines.append(_Line((*parts, r * n_counts + t), (1,) * len(parts) + (-1,)))
    return lines


def _exposed(hidden: set[int], primary: set[int], lines: list[_Line]) -> list[int]:
    """Small hidden cells whose value the lines' equations determine exactly."""
    relevant = [ln for ln in lines if any(c in hidden for c in ln.cells)]
    # connected components of hidden cells joined by shared lines (union-find)
    parent = {c: c for c in hidden}

    def find(c: int) -> int:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for ln in relevant:
        hid = [c for c in ln.cells if c in hidden]
        for c in hid[1:]:
            parent[find(c)] = find(hid[0])
    components: dict[int, list[int]] = {}
    for c in hidden:
        components.setdefault(find(c), []).append(c)
    by_root: dict[int, list[_Line]] = {}
    for ln in relevant:
        first = next(c for c in ln.cells if c in hidden)
        by_root.setdefault(find(first), []).append(ln)
    exposed = []
    for root, cells in components.items():
        if not any(c in primary for c in cells) or len(cells) > EXACT_CHECK_LIMIT:
            continue
        col = {c: i for i, c in enumerate(sorted(cells))}
        eqs = by_root.get(root, [])
        if not eqs:
            continue
        a = np.zeros((len(eqs), len(col)))
        for i, ln in enumerate(eqs):
            for c, s in zip(ln.cells, ln.signs, strict=True):
                if c in col:
                    a[i, col[c]] = s
        # a cell is determined iff its unit vector lies in the row space of a, i.e.
        # every vector of the null space is zero at that cell
        _, sing, vt = np.linalg.svd(a)
        rank = int((sing > 1e-9).sum())
        null = vt[rank:]
        for c, i in col.items():
            if c in primary and (null.shape[0] == 0 or np.abs(null[:, i]).max() < 1e-9):
                exposed.append(c)
    return sorted(exposed)


def _choose(candidates: list[int], values: np.ndarray, threshold: int,
            lone: set[int] | None = None) -> int | None:
    """The best complement for a line.

    Prefer a cell that also closes another line hiding just one cell (so one complement
    serves two lines), then the smallest cell of at least ``threshold``; a zero only
    when nothing else is left.
    """
    lone = lone or set()
    big = [c for c in candidates if values[c] >= threshold]
    if big:
        return min(big, key=lambda c: (c not in lone, values[c], c))
    zeros = [c for c in candidates if values[c] == 0]
    return min(zeros, key=lambda c: (c not in lone, c)) if zeros else None


def plan(frame: pl.DataFrame, counts: Sequence[str], *, threshold: int = DEFAULT_THRESHOLD,
         by: Sequence[str] | None = None, dims: Sequence[str] | None = None,
         row_total: str | None = None, derived: Mapping[str, str] | None = None,
         total_labels: Sequence[str] = TOTAL_LABELS) -> pl.DataFrame:
    """Which cells to hide: a frame of ``counts`` columns holding SHOWN, SMALL or COMPLEMENT.

    Parameters are those of :func:`suppress`.
    """
    counts = list(counts)
    _check(frame, counts, threshold)
    by = list(by or [])
    for b in by:
        if b not in frame.columns:
            raise ValueError(f"by column {b!r} not in the frame")
    derived_like = set(_derived_map(frame, counts, derived))
    if dims is None:
        dims = _default_dims(frame, set(counts) | set(by) | derived_like)
    dims = list(dims)
    totals = {
        d: pl.col(d).cast(pl.String).is_in(list(total_labels)).fill_null(False)
        for d in [*dims, *by]
        if frame.select(pl.col(d).cast(pl.String).is_in(list(total_labels)).any()).item()
    }
    # a by column with its own totals rows is a dimension of its lines; others split them
    line_dims = dims + [b for b in by if b in totals]
    groups = [b for b in by if b not in totals]
    if row_total is None:
        row_total = _detect_row_total(frame, counts)
    values = frame.select(pl.col(c).fill_null(0).cast(pl.Int64) for c in counts) \
        .to_numpy().reshape(-1)
    nulls = frame.select(pl.col(c).is_null() for c in counts).to_numpy().reshape(-1)
    lines = _lines(frame, counts, line_dims, groups, totals, row_total)
    planner = _Planner(values, nulls, threshold, lines)
    planner.run()
    status = np.full(len(values), SHOWN, dtype=object)
    for c in planner.hidden:
        status[c] = SMALL if c in planner.primary else COMPLEMENT
    status = status.reshape(-1, len(counts))
    return pl.DataFrame({c: list(status[:, j]) for j, c in enumerate(counts)},
                        schema={c: pl.String for c in counts})


class _Planner:
    """The cells hidden so far, and the rules that add complements until none breaks."""

    def __init__(self, values: np.ndarray, nulls: np.ndarray, threshold: int,
                 lines: list[_Line]) -> None:
        self.values, self.nulls, self.threshold, self.lines = values, nulls, threshold, lines
        self.primary = {int(i) for i in
                        np.flatnonzero((values >= 1) & (values < threshold) & ~nulls)}
        self.hidden = set(self.primary)
        self.cells_lines: dict[int, list[int]] = {}
        for i, ln in enumerate(lines):
            for c in ln.cells:
                self.cells_lines.setdefault(c, []).append(i)
        self.n_hidden = [sum(c in self.hidden for c in ln.cells) for ln in lines]

    def hide(self, cell: int) -> None:
        self.hidden.add(cell)
        for i in self.cells_lines.get(cell, []):
            self.n_hidden[i] += 1

    def complement(self, i: int) -> int | None:
        """Pick (not yet hide) the complement for line ``i``."""
        candidates = [c for c in self.lines[i].cells
                      if c not in self.hidden and not self.nulls[c]]
        # candidates that would also close another line hiding just one cell
        lone = {c for c in candidates
                if any(self.n_hidden[j] == 1 for j in self.cells_lines[c] if j != i)}
        return _choose(candidates, self.values, self.threshold, lone)

    def close_lines(self) -> None:
        """No line may hide exactly one cell."""
        changed = True
        while changed:
            changed = False
            for i in range(len(self.lines)):
                if self.n_hidden[i] == 1:
                    pick = self.complement(i)
                    if pick is not None:
                        self.hide(pick)
                        changed = True

    def close_exposed(self) -> bool:
        """No combination of lines may determine a small cell; True if a cell was added."""
        progress = False
        for cell in _exposed(self.hidden, self.primary, self.lines):
            # one more complement on the first line through the cell that has one left
            pick = next((p for i in self.cells_lines.get(cell, [])
                         if (p := self.complement(i)) is not None), None)
            if pick is not None:
                self.hide(pick)
                progress = True
        return progress

    def run(self) -> None:
        for _ in range(len(self.values) + 1):
            self.close_lines()
            if not self.close_exposed():
                break


def _derived_map(frame: pl.DataFrame, counts: Sequence[str],
                 derived: Mapping[str, str] | None) -> dict[str, str]:
    out = {c: k for c in frame.columns for k in counts
           if c.startswith(f"{k}_") and c not in counts}
    out.update(derived or {})
    for col, src in out.items():
        if col not in frame.columns or src not in counts:
            raise ValueError(f"derived column {col!r} must exist and name a count column, "
                             f"not {src!r}")
    return out


def suppress(frame: pl.DataFrame, counts: Sequence[str], *,
             threshold: int = DEFAULT_THRESHOLD, by: Sequence[str] | None = None,
             dims: Sequence[str] | None = None, row_total: str | None = None,
             derived: Mapping[str, str] | None = None,
             total_labels: Sequence[str] = TOTAL_LABELS,
             thousands: bool = False) -> pl.DataFrame:
    """The frame ready to publish: ``counts`` as text, small cells and complements hidden.

    frame
        An aggregated table (one row per cell label), never case rows.
    counts
        Integer columns to protect. They come back as strings: the number
        (``"1234"``, or ``"1,234"`` with ``thousands=True``), ``"<11"`` for a count from
        1 to 10, ``"suppressed"`` for a larger count hidden as a complement, ``"0"`` for
        zero; nulls stay null.
    threshold
        Smallest count shown (default 11).
    by
        Columns splitting the table into independent sub-tables: no line crosses them,
        unless a ``by`` column has its own totals rows (``"Total"``/``"All"``).
    dims
        Columns labelling the cells (default: every other column that is not a float,
        not a count and not derived from one). Name them when a label column merely
        repeats another, so its margins are not lost.
    row_total
        Count column that is the sum of the others on each row (detected if omitted).
    derived
        ``{column: count column}`` for shares or rates computed from a count; they
        become null where the count is hidden. Columns named ``<count>_...`` are
        treated as derived from ``<count>`` without being listed.
    """
    counts = list(counts)
    status = plan(frame, counts, threshold=threshold, by=by, dims=dims,
                  row_total=row_total, derived=derived, total_labels=total_labels)
    marker = small_marker(threshold)
    derived_cols = _derived_map(frame, counts, derived)

    def number(c: str) -> pl.Expr:
        if thousands:  # display tables are small: a Python formatter per cell is fine
            return pl.col(c).map_elements(lambda v: f"{v:,}", return_dtype=pl.String)
        return pl.col(c).cast(pl.String)

    out = frame.with_columns(status.rename({c: f"__status_{c}" for c in counts}))
    out = out.with_columns(
        # hidden derived values become null
        *(pl.when(pl.col(f"__status_{src}") == SHOWN).then(pl.col(col)).otherwise(None)
          .alias(col) for col, src in derived_cols.items()),
    ).with_columns(
        # counts to text with their marker
        *(pl.when(pl.col(f"__status_{c}") == SMALL).then(pl.lit(marker))
          .when((pl.col(f"__status_{c}") == COMPLEMENT) & (pl.col(c) < threshold))
          .then(pl.lit(marker))
          .when(pl.col(f"__status_{c}") == COMPLEMENT).then(pl.lit(COMPLEMENT_MARKER))
          .otherwise(number(c)).alias(c) for c in counts),
    )
    return out.drop(f"__status_{c}" for c in counts)


def mask(frame: pl.DataFrame, counts: Sequence[str], **kwargs) -> pl.DataFrame:
    """The frame for charts: hidden counts (and their derived columns) become null.

    Takes the keyword arguments of :func:`suppress` except ``thousands``.
    """
    counts = list(counts)
    derived = kwargs.get("derived")
    status = plan(frame, counts, **kwargs)
    derived_cols = _derived_map(frame, counts, derived)
    out = frame.with_columns(status.rename({c: f"__status_{c}" for c in counts}))
    return out.with_columns(
        *(pl.when(pl.col(f"__status_{src}") == SHOWN).then(pl.col(col)).otherwise(None)
          .alias(col) for col, src in {**derived_cols, **{c: c for c in counts}}.items()),
    ).drop(f"__status_{c}" for c in counts)


def __dir__() -> list[str]:
    return sorted(__all__)
