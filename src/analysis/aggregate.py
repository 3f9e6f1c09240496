"""Counts of dismissed convictions and of distinct people, by any set of dimensions.

Every function takes a case frame (``pl.DataFrame`` or ``pl.LazyFrame`` in the
canonical schema) and builds one lazy query: nothing loops over rows in Python, so the
same calls run on a scanned Parquet file of ten million rows. Notebooks, tests and
researchers call these functions; the numbers on the site come from nowhere else.

>>> import analysis
>>> from analysis import aggregate
>>> cases = analysis.load_cases()
>>> aggregate.counts(cases, ["batch", "charge_level"])          # doctest: +SKIP
>>> aggregate.counts(cases, ["race_ethnicity"], batch="sep2021",
...                  year_from=1990, year_to=1999)               # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from . import schema, words

__all__ = ["ALIASES", "DIMENSIONS", "Filters", "Frame", "PeopleKey", "counts", "dimension",
           "filtered", "headline", "is_empty", "lazy", "people_by_convictions_dismissed",
           "people_by_motions", "people_key"]

Frame = pl.DataFrame | pl.LazyFrame

# The dimensions a table can be cut by (their titles: analysis.words.DIMENSION_TITLES).
DIMENSIONS = ("batch", "conviction_year", "conviction_decade", "charge_level", "hs_section",
              "offense_type", "jurisdiction", "prosecuting_agency", "race_ethnicity")
# Short names accepted for convenience (notebook parameters, the command line).
ALIASES = {
    "motion": "batch", "year": "conviction_year", "decade": "conviction_decade",
    "level": "charge_level", "section": "hs_section", "code_section": "hs_section",
    "offense": "offense_type", "agency": "prosecuting_agency", "race": "race_ethnicity",
}  # fmt: skip

# The dimensions a filter can name values of: the schema's closed categories.
_FILTERABLE = ("batch", "charge_level", "hs_section", "offense_type", "jurisdiction",
               "prosecuting_agency", "race_ethnicity")


def dimension(name: str) -> str:
    """The canonical column for a dimension name or alias; ValueError if unknown."""
    key = ALIASES.get(name.strip().lower(), name.strip())
    if key not in DIMENSIONS:
        raise ValueError(f"unknown dimension {name!r}; choose from "
                         f"{', '.join(DIMENSIONS)} (or {', '.join(ALIASES)})")
    return key


@dataclass(frozen=True)
class Filters:
    """Which cases to keep. ``None`` keeps everything; values are checked up front."""

    batch: str | Sequence[str] | None = None
    year_from: int | None = None  # first conviction year kept (inclusive)
    year_to: int | None = None  # last conviction year kept (inclusive)
    charge_level: str | Sequence[str] | None = None
    hs_section: str | Sequence[str] | None = None
    offense_type: str | Sequence[str] | None = None
    jurisdiction: str | Sequence[str] | None = None
    prosecuting_agency: str | Sequence[str] | None = None
    race_ethnicity: str | Sequence[str] | None = None

    def __post_init__(self) -> None:
        for column in _FILTERABLE:
            value = getattr(self, column)
            if value is not None and not isinstance(value, str) and not (
                    isinstance(value, Sequence) and all(isinstance(v, str) for v in value)):
                raise TypeError(f"filter {column!r} takes a name or a list of names "
                                f"(str), not {type(value).__name__} {value!r}")
            # spelled as the schema spells it, whatever the case
            object.__setattr__(self, column, _canonical(column, value))
        for bound in ("year_from", "year_to"):
            value = getattr(self, bound)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise TypeError(f"filter {bound!r} takes a whole year (int), not "
                                f"{type(value).__name__} {value!r}")

    def expression(self) -> pl.Expr:
        """One boolean expression for all the filters."""
        conditions = [pl.lit(True)]
        for column in _FILTERABLE:
            wanted = _as_list(getattr(self, column))
            if wanted is None:
                continue
            # compare in the column's own Enum type: no per-row cast to text
            conditions.append(pl.col(column).is_in(
                pl.Series(wanted, dtype=schema.SCHEMA[column]).implode()))
        if self.year_from is not None and self.year_to is not None \
                and self.year_from > self.year_to:
            raise ValueError(f"year_from {self.year_from} is after year_to {self.year_to}")
        year = pl.col("conviction_date").dt.year()
        if self.year_from is not None:
            conditions.append(year >= self.year_from)
        if self.year_to is not None:
            conditions.append(year <= self.year_to)
        return pl.all_horizontal(conditions)

    def describe(self) -> str:
        """The filters in words, for a page caption: 'all cases' when there are none."""
        parts = []
        for column in _FILTERABLE:
            wanted = _as_list(getattr(self, column))
            if wanted is not None:
                said = " or ".join(words.category_label(w) for w in wanted)
                parts.append(said if column == "batch" else
                             f"{words.dimension_title(column).lower()} {said}")
        if self.year_from is not None or self.year_to is not None:
            lo = self.year_from if self.year_from is not None else "the earliest"
            hi = self.year_to if self.year_to is not None else "the latest"
            parts.append(f"convicted from {lo} to {hi}")
        return "; ".join(parts) if parts else "all cases"


def _canonical(column: str, value: str | Sequence[str] | None):
    """``value`` (a name or names) as the schema spells it; ValueError for an unknown one."""
    names = _as_list(value)
    if names is None:
        return value
    spelled = []
    for name in names:
        try:
            spelled.append(schema.category(column, name))
        except ValueError:
            raise ValueError(f"unknown {column} {name!r}; choose from "
                             f"{', '.join(schema.CATEGORIES[column])}") from None
    return spelled[0] if isinstance(value, str) else spelled


def _as_list(value: str | Sequence[str] | None) -> list[str] | None:
    if value is None or value == "" or value == []:
        return None
    return [value] if isinstance(value, str) else list(value)


def lazy(cases: Frame) -> pl.LazyFrame:
    """A lazy view of the cases with the derived dimensions added."""
    frame = cases.lazy() if isinstance(cases, pl.DataFrame) else cases
    return frame.with_columns(
        # the year and decade of the conviction being dismissed
        conviction_year=pl.col("conviction_date").dt.year().cast(pl.Int32),
        conviction_decade=schema.conviction_decade(),
    )


def filtered(cases: Frame, filters: Filters | None = None, **kwargs) -> pl.LazyFrame:
    """The cases that pass ``filters`` (or the same fields given as keywords)."""
    if filters is None:
        named = {}
        for key, value in kwargs.items():
            column = key if key in ("year_from", "year_to") else dimension(key)
            if column not in _FILTERABLE and column not in ("year_from", "year_to"):
                raise ValueError(f"cannot filter on {key!r}; use year_from/year_to for "
                                 "years, or one of " + ", ".join(_FILTERABLE))
            named[column] = value
        filters = Filters(**named)
    elif kwargs:
        raise ValueError("give filters either as a Filters object or as keywords, not both")
    return lazy(cases).filter(filters.expression())


def person_key() -> pl.Expr:
    """A 64-bit hash of ``person_id``: what distinct people are counted over once
    :func:`people_key` has shown that it is one-to-one on the rows at hand."""
    return pl.col("person_id").hash(seed=0)


@dataclass(frozen=True)
class PeopleKey:
    """How to count distinct people in one frame, and how many there are in it.

    ``expr`` is the hash of the ids when no two different ids in the frame share a
    hash (``hashed`` is True), otherwise the ids themselves. Either way a distinct
    count over ``expr`` equals the distinct count of ``person_id``, in the whole frame
    and in any subset of its rows; ``total`` is that count for the whole frame.
    """

    expr: pl.Expr
    hashed: bool
    total: int


def people_key(frame: pl.LazyFrame) -> PeopleKey:
    """Decide how to count the distinct people of ``frame``, exactly, in one pass.

    Counting distinct 64-bit integers is several times faster than counting distinct
    strings, but two different ids could share a hash. So the rows are sorted by hash
    and every run of equal hashes is checked to hold one id only: two ids sharing a hash
    would sit side by side somewhere in their run. The number of runs is the number of
    distinct people. If any run holds two ids, the ids themselves are used and counted
    the slow way; no count ever depends on luck.
    """
    h, p = pl.col("h"), pl.col("p")
    collision, runs = (
        frame.select(h=person_key(), p=pl.col("person_id"))
        # equal hashes side by side
        .sort("h")
        # a run holding two different ids; and the number of runs
        .select(collision=((h == h.shift()) & (p != p.shift())).any(),
                runs=(h != h.shift()).fill_null(True).sum())
        .collect()
        .row(0)
    )
    if collision:
        total = frame.select(pl.col("person_id").unique().len()).collect().item()
        return PeopleKey(pl.col("person_id"), hashed=False, total=int(total))
    return PeopleKey(person_key(), hashed=True, total=int(runs))


def counts(cases: Frame, by: Sequence[str] | str = (), *, filters: Filters | None = None,
           share_within: Sequence[str] | None = None, people: bool = True,
           lazy_result: bool = False, **filter_kwargs) -> pl.DataFrame | pl.LazyFrame:
    """Convictions and distinct people per combination of ``by``, with shares.

    Columns: the ``by`` dimensions, ``convictions`` (dismissed conviction counts),
    ``convictions_share`` (of all convictions in the filtered cases, or within each
    ``share_within`` group), and with ``people=True`` ``people`` (distinct
    ``person_id``) and ``people_share`` (of the distinct people in the same
    denominator; a person convicted in several groups counts in each, so people
    shares can add up to more than 1). Sorted by the ``by`` columns. Filters are
    those of :class:`Filters`, as an object or keywords. People counts are exact
    (see :func:`people_key`).
    """
    by = [by] if isinstance(by, str) else list(by)
    by = [dimension(b) for b in by]
    within = [dimension(w) for w in (share_within or [])]
    missing = [w for w in within if w not in by]
    if missing:
        raise ValueError(f"share_within {missing[0]!r} must also be in by")
    frame = filtered(cases, filters, **filter_kwargs)
    measures = [pl.len().cast(pl.Int64).alias("convictions")]
    if people:
        # exact distinct people, over a proven one-to-one hash where possible (one pass
        # over the filtered rows, even with lazy_result)
        key = people_key(frame)
        measures.append(key.expr.n_unique().cast(pl.Int64).alias("people"))
    if by:
        # one row per combination of the dimensions
        table = frame.group_by(by).agg(measures).sort(by)
    else:
        # a single row: the totals
        table = frame.select(measures)
    # denominators: all filtered cases, or each share_within group
    if within:
        denominators = frame.group_by(within).agg(measures)
    else:
        # all filtered cases; their distinct people were counted by people_key
        denominators = frame.select(measures[0])
        if people:
            denominators = denominators.with_columns(
                people=pl.lit(key.total, dtype=pl.Int64))
    denominators = denominators.rename({"convictions": "_conv_total"}
                                       | ({"people": "_people_total"} if people else {}))
    table = table.join(denominators, on=within, how="left") if within \
        else table.join(denominators, how="cross")
    table = table.with_columns(
        # shares of the denominator
        convictions_share=pl.col("convictions") / pl.col("_conv_total"),
        **({"people_share": pl.col("people") / pl.col("_people_total")} if people else {}),
    ).drop("_conv_total", *(["_people_total"] if people else []))
    order = [*by, "convictions", "convictions_share", *(["people", "people_share"]
                                                        if people else [])]
    # in the order of the dimensions (joins do not keep row order)
    table = table.select(order).sort(by) if by else table.select(order)
    return table if lazy_result else table.collect()


def headline(cases: Frame) -> pl.DataFrame:
    """The figures the overview leads with: per motion and in all.

    Columns: ``batch`` (String: ``feb2020``, ``sep2021``, ``all``), ``convictions``,
    ``people``, ``felonies``, ``misdemeanors``, ``infractions``. A person in both
    motions counts once in ``all``.
    """
    frame = lazy(cases)
    key = people_key(frame)

    def measures(people: pl.Expr) -> list[pl.Expr]:
        return [
            pl.len().cast(pl.Int64).alias("convictions"),
            people.cast(pl.Int64).alias("people"),
            *((pl.col("charge_level") == level).sum().cast(pl.Int64).alias(plural)
              for level, plural in (("felony", "felonies"), ("misdemeanor", "misdemeanors"),
                                    ("infraction", "infractions"))),
        ]

    per_batch = (
        frame
        # one row per motion, in time order
        .group_by("batch").agg(measures(key.expr.n_unique())).sort("batch")
        .with_columns(pl.col("batch").cast(pl.String))
    )
    # everyone: people_key has already counted them
    overall = frame.select(pl.lit("all").alias("batch"), *measures(pl.lit(key.total)))
    return pl.concat([per_batch, overall]).collect()


def people_by_convictions_dismissed(cases: Frame, *, filters: Filters | None = None,
                           **filter_kwargs) -> pl.DataFrame:
    """How many people had 1, 2, 3, 4-5 or 6+ convictions dismissed, and in how many motions.

    Columns: ``convictions_dismissed`` (String bin), ``people``, ``convictions``.
    """
    bins = pl.when(pl.col("n") <= 3).then(pl.col("n").cast(pl.String)) \
        .when(pl.col("n") <= 5).then(pl.lit("4-5")).otherwise(pl.lit("6+"))
    return (
        filtered(cases, filters, **filter_kwargs)
        # convictions per person
        .group_by("person_id").agg(n=pl.len())
        # into bins a reader can follow
        .with_columns(convictions_dismissed=bins)
        .group_by("convictions_dismissed")
        .agg(people=pl.len().cast(pl.Int64), convictions=pl.col("n").sum().cast(pl.Int64))
        .sort(pl.col("convictions_dismissed").replace_strict(
            {"1": 1, "2": 2, "3": 3, "4-5": 4, "6+": 5}, return_dtype=pl.Int8))
        .collect()
    )


def people_by_motions(cases: Frame) -> pl.DataFrame:
    """Distinct people by which motions dismissed their convictions.

    Columns: ``motions`` (``February 2020 only``, ``September 2021 only``, ``both``),
    ``people``.
    """
    labels = {"feb2020": "February 2020 only", "sep2021": "September 2021 only"}
    return (
        lazy(cases)
        # the set of motions per person
        .group_by("person_id").agg(n=pl.col("batch").n_unique(),
                                   first=pl.col("batch").min().cast(pl.String))
        .with_columns(motions=pl.when(pl.col("n") > 1).then(pl.lit("both"))
                      .otherwise(pl.col("first").replace_strict(labels)))
        .group_by("motions").agg(people=pl.len().cast(pl.Int64))
        .sort(pl.col("motions").replace_strict(
            {"February 2020 only": 0, "September 2021 only": 1, "both": 2},
            return_dtype=pl.Int8))
        .collect()
    )


def is_empty(cases: Frame, filters: Filters | None = None, **filter_kwargs) -> bool:
    """True when no case passes the filters (the explorer's 'no cases match' page)."""
    return filtered(cases, filters, **filter_kwargs).select(pl.len()).collect().item() == 0


def __dir__() -> list[str]:
    return sorted(__all__)
