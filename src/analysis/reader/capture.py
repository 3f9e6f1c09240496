"""What the capture-recapture page may show, and how (page 08).

The estimate of a stratum gives its cells back (``n_both = n_doj_only * n_court_only /
missed``), so the observed cells go through :func:`analysis.suppress.plan` together with
the lines a reader can add up (:func:`cell_status`), and a stratum with a hidden cell
shows no estimate (:func:`publishable`).
"""

from __future__ import annotations

import altair as alt
import polars as pl
from IPython.display import Markdown

from .. import capture, charts, suppress
from ..capture import CELLS, CONFIDENCE, STRATA, TOTAL_STATUS
from .tables import count_text

__all__ = ["ESTIMATES", "SMALL_CELL", "cell_status", "coverage_table", "overlap_note",
           "publishable", "strata_chart", "strata_choices", "stratum_label", "summary",
           "table"]

SMALL_CELL = suppress.DEFAULT_THRESHOLD  # counts from 1 to SMALL_CELL - 1 are not shown
ESTIMATES = ("missed", "missed_low", "missed_high", "total", "total_low", "total_high",
             "chapman", "profile_low", "profile_high")


def stratum_label(by: tuple[str, ...] = STRATA) -> pl.Expr:
    """One text label per stratum of :func:`analysis.capture.estimate`'s table
    (``"felony, 1990s"``), and ``"Total"`` for its totals row."""
    if not by:
        return pl.lit("all")
    return (pl.when(pl.col(by[0]).cast(pl.String) == "Total").then(pl.lit("Total"))
            .otherwise(pl.concat_str([pl.col(c).cast(pl.String) for c in by],
                                     separator=", ", ignore_nulls=True)))


def cell_status(est: pl.DataFrame, by: tuple[str, ...] = STRATA) -> pl.DataFrame:
    """Which observed cells of :func:`analysis.capture.estimate`'s table a page may show.

    One row per row of ``est``, one column per cell of ``CELLS``: ``suppress.SHOWN``,
    ``SMALL`` (1 to 10) or ``COMPLEMENT``. Complements are chosen by
    :func:`analysis.suppress.plan` so that no hidden cell can be worked out from the
    ``Total`` row (the cells of each column add up to it) or from a stratum's count of
    convictions, which other pages publish (the three cells of a row add up to it).
    """
    strata = tuple(c for c in by if c in est.columns)
    frame = est.select(stratum_label(strata).alias("stratum"),
                       *(pl.col(c).cast(pl.Int64) for c in CELLS),
                       pl.col("observed").cast(pl.Int64))
    status = suppress.plan(frame, [*CELLS, "observed"], threshold=SMALL_CELL,
                           dims=["stratum"], row_total="observed", total_labels=("Total",))
    return status.select(CELLS)


def publishable(est: pl.DataFrame, by: tuple[str, ...] = STRATA) -> pl.DataFrame:
    """``est`` with the estimates a page may not show set to null, and a ``hidden``
    column marking those rows: what tables and charts may draw.

    A stratum's estimate would give its hidden cells away (``n11 = n10 * n01 / f0``),
    so a stratum with any cell hidden shows no estimate, interval or total. The
    ``Total`` row's estimates then go too: they add up the strata's, so the Total less
    the strata shown is the hidden strata's sum, one more equation in their cells.
    """
    return _publishable(est, cell_status(est, by))


def _publishable(est: pl.DataFrame, status: pl.DataFrame) -> pl.DataFrame:
    """:func:`publishable` from the cells' statuses already worked out."""
    hidden = status.select(pl.any_horizontal(pl.col(c) != suppress.SHOWN for c in CELLS)
                           .alias("hidden")).to_series()
    is_total = est["status"] == TOTAL_STATUS
    estimable = est["status"].is_in(["estimated", "boundary"])
    if (hidden & estimable & ~is_total).any():
        hidden = hidden | is_total
    return est.with_columns(hidden).with_columns(
        pl.when(pl.col("hidden")).then(None).otherwise(pl.col(c)).alias(c)
        for c in ESTIMATES)


def table(est: pl.DataFrame, by: tuple[str, ...] = STRATA,
          confidence: float = CONFIDENCE) -> pl.DataFrame:
    """:func:`analysis.capture.estimate`'s table as text for a page: rounded, intervals
    in one column.

    Cells from 1 to 10 are shown as "<11" and, where needed, other cells are hidden
    with them (:func:`cell_status`); a row with any hidden cell shows no estimate.
    """
    def interval(low, high) -> str:
        return "" if low is None else f"{count_text(low)} to {count_text(high)}"

    def cell(value, status: str) -> str:
        if status == suppress.SHOWN:
            return count_text(value)
        return suppress.small_marker(SMALL_CELL) if value < SMALL_CELL \
            else suppress.COMPLEMENT_MARKER

    status = cell_status(est, by)
    safe = _publishable(est, status)
    rows = []
    for r, st in zip(safe.iter_rows(named=True), status.iter_rows(named=True), strict=True):
        missed = ("not estimable" if r["status"] == "not estimable" else
                  "suppressed (small cell)" if r["hidden"] else count_text(r["missed"]))
        rows.append({
            **{c: "" if r[c] is None else str(r[c]) for c in by},
            "found by both": cell(r["both"], st["both"]),
            "DOJ only": cell(r["doj_only"], st["doj_only"]),
            "court only": cell(r["court_only"], st["court_only"]),
            "estimate status": r["status"],
            "found by neither (estimate)": missed,
            f"{confidence:.0%} interval": interval(r["missed_low"], r["missed_high"]),
            "profile-likelihood interval of the total": interval(r["profile_low"],
                                                                 r["profile_high"]),
            "Chapman total": count_text(r["chapman"]),
        })
    return pl.DataFrame(rows)


def overlap_note(synthetic: bool) -> Markdown:
    """Where the overlap of the two lists comes from: assumptions, or the list itself."""
    if not synthetic:
        return Markdown("**Real list.** The overlap below comes from the list's own "
                        "identification flags.")
    return Markdown(
        "**Synthetic data.** The overlap of the two lists below is not observed: it comes from "
        "the generator's documented capture assumptions (`court_capture_by_decade`: how often a "
        "conviction on the DOJ list is also in court records, by decade; `doj_capture_of_sep2021`: "
        "how often a court-found conviction is also in DOJ records, 0 by default). The estimate "
        "shows what the method gives on such data, not a finding about Los Angeles.")


def summary(est: pl.DataFrame, by: tuple[str, ...] = STRATA,
            confidence: float = CONFIDENCE) -> Markdown:
    """The estimate in words, or why it is withheld, and the strata left out."""
    total = publishable(est, by).row(est.height - 1, named=True)
    skipped = est.filter(pl.col("status") == "not estimable")
    boundary = est.filter(pl.col("status") == "boundary")
    if total["hidden"]:
        text = ("**The total estimate is suppressed**: a stratum has cells too small to "
                "publish, and the total would give them away. Coarser strata (the `strata` "
                "parameter) or the pooled table below avoid this. ")
    else:
        text = (f"**Estimate: about {total['missed']:,.0f} eligible convictions found by "
                f"neither list** ({confidence:.0%} interval {total['missed_low']:,.0f} to "
                f"{total['missed_high']:,.0f}), beside {total['observed']:,} found by at "
                "least one (computed). ")
    if skipped.height:
        text += (f"{skipped.height} stratum(s) share no conviction between the lists and "
                 f"cannot be estimated; their {skipped['observed'].sum():,} found convictions "
                 "are counted, their unfound ones are not. ")
    if boundary.height:
        text += (f"In {boundary.height} stratum(s) one list found nothing the other missed, "
                 "so the model estimates none unfound there; that rests entirely on the "
                 "independence assumption (the profile-likelihood column gives an upper "
                 "bound).")
    return Markdown(text)


def strata_chart(est: pl.DataFrame, by: tuple[str, ...], source: str):
    """Each stratum's estimate with its interval, for the strata whose estimate may be
    shown."""
    rows = (
        publishable(est, by)
        # estimable strata whose estimate may be shown
        .filter(pl.col("status") != TOTAL_STATUS, pl.col("missed").is_not_null())
        # one label per stratum
        .with_columns(stratum_label(by).alias("stratum"))
    )
    points = alt.Chart(rows).mark_point(filled=True, size=60).encode(
        x=alt.X("missed:Q", title="Convictions found by neither list (estimate)"),
        y=alt.Y("stratum:N", title=None, sort=None),
        tooltip=["stratum:N", alt.Tooltip("missed:Q", format=",.0f"),
                 alt.Tooltip("missed_low:Q", format=",.0f"),
                 alt.Tooltip("missed_high:Q", format=",.0f")])
    bars = alt.Chart(rows).mark_rule().encode(x="missed_low:Q", x2="missed_high:Q",
                                              y=alt.Y("stratum:N", sort=None))
    return charts.titled(
        (bars + points).properties(width=480, height=22 * max(rows.height, 1)),
        "Estimated convictions neither list found, by stratum", source,
        alt_text="Points with interval bars: " + "; ".join(
            f"{s}: {m:,.0f} ({lo:,.0f} to {hi:,.0f})" for s, m, lo, hi in
            rows.select("stratum", "missed", "missed_low", "missed_high").iter_rows()))


def strata_choices(cases: pl.DataFrame, by: tuple[str, ...],
                   confidence: float = CONFIDENCE) -> pl.DataFrame:
    """The total found by neither list with no strata, with ``by``, and with ``by`` split
    by prosecutor; a total is withheld when a stratum of its choice hides a cell."""
    choices = {"none (one pooled table)": (), "as above": by,
               "as above, and by prosecutor": tuple(dict.fromkeys((*by, "prosecutor")))}
    rows = []
    for name, columns in choices.items():
        if columns:
            t = capture.estimate(capture.capture_table(cases, by=columns), by=columns,
                                 confidence=confidence)
        else:
            pooled = capture.capture_table(cases.with_columns(all=pl.lit("all")), by=("all",))
            t = capture.estimate(pooled, by=("all",), confidence=confidence)
        last = publishable(t, by=columns or ("all",)).row(t.height - 1, named=True)
        estimable = int(t["status"].is_in(["estimated", "boundary"]).sum())
        rows.append({
            "strata": name, "strata estimable": estimable,
            "strata not estimable": int((t["status"] == "not estimable").sum()),
            "found by neither (estimate)": ("suppressed (small cell)" if last["hidden"]
                                            else f"{last['missed']:,.0f}"),
            f"{confidence:.0%} interval": (
                "" if last["hidden"]
                else f"{last['missed_low']:,.0f} to {last['missed_high']:,.0f}")})
    return pl.DataFrame(rows)


def coverage_table(validation: pl.DataFrame) -> pl.DataFrame:
    """:func:`analysis.capture_sim.coverage`'s table with readers' headers and rounding."""
    return validation.select(
        "scenario", "target", "draws",
        pl.col("assumptions_hold").replace_strict({True: "yes", False: "no"},
                                                  return_dtype=pl.String)
        .alias("assumptions hold"),
        pl.col("bias_loglinear_pct").round(2).alias("bias, log-linear (%)"),
        pl.col("bias_chapman_pct").round(2).alias("bias, Chapman (%)"),
        pl.col("coverage_lognormal").round(3).alias("coverage, published interval"),
        pl.col("coverage_profile").round(3).alias("coverage, profile likelihood"),
        pl.col("interval_width_pct").round(1).alias("interval width (% of truth)"),
    )


def __dir__() -> list[str]:
    return sorted(__all__)
