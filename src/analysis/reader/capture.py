"""What the capture-recapture page may show, and how (page 08).

The estimate of a stratum gives its cells back (``n_both = n_doj_only * n_court_only /
missed``), so a stratum with any cell the site's release hides shows no estimate, and
the total estimate (the strata's sum) goes with it (:func:`estimates`).
"""

from __future__ import annotations

import altair as alt
import polars as pl
from IPython.display import Markdown

from .. import capture, charts
from ..capture import CELLS, CONFIDENCE, TOTAL_STATUS
from ..release import HIDDEN, CountTable
from .tables import count_text, data_tag

__all__ = ["ESTIMATES", "coverage_table", "estimates", "overlap_note", "strata_chart",
           "strata_choices", "stratum_label", "summary", "table"]

ESTIMATES = ("missed", "missed_low", "missed_high", "total", "total_low", "total_high",
             "chapman", "profile_low", "profile_high")
COLUMNS = {"both": "found by both", "doj_only": "DOJ only", "court_only": "court only"}


def _strata(table: CountTable) -> tuple[str, ...]:
    return tuple(d for d in table.table.dims if d != "all")


def stratum_label(by: tuple[str, ...]) -> pl.Expr:
    """One text label per stratum of :func:`analysis.capture.estimate`'s table
    (``"felony, 1990s"``), and ``"Total"`` for its totals row."""
    if not by:
        return pl.lit("all")
    return (pl.when(pl.col(by[0]).cast(pl.String) == "Total").then(pl.lit("Total"))
            .otherwise(pl.concat_str([pl.col(c).cast(pl.String) for c in by],
                                     separator=", ", ignore_nulls=True)))


def estimates(table: CountTable, confidence: float = CONFIDENCE) -> pl.DataFrame:
    """:func:`analysis.capture.estimate` over the table's strata, with a ``hidden``
    column: strata with a hidden cell, and the total when any estimable stratum is
    hidden, show no estimate (their estimate columns are null)."""
    dims = table.table.dims
    strata = table.frame.filter(pl.col(dims[0]) != "Total").with_columns(
        observed=pl.sum_horizontal(*CELLS))
    est = capture.estimate(strata, by=dims, confidence=confidence)
    mask = table.hidden_mask()
    hidden = pl.Series("hidden", [any(mask[c][i] for c in CELLS) for i in range(len(mask[
        CELLS[0]]))])
    estimable = est["status"].is_in(["estimated", "boundary"])
    is_total = est["status"] == TOTAL_STATUS
    if (hidden & estimable & ~is_total).any():
        hidden = hidden | is_total
    return est.with_columns(hidden).with_columns(
        pl.when(pl.col("hidden")).then(None).otherwise(pl.col(c)).alias(c) for c in ESTIMATES)


def table(cells: CountTable, confidence: float = CONFIDENCE) -> CountTable:
    """The strata's cells as the release shows them, beside each estimate: rounded,
    intervals in one column, none where a cell is hidden."""
    def interval(low, high) -> str:
        return "" if low is None else f"{count_text(low)} to {count_text(high)}"

    est = estimates(cells, confidence)
    dims = _strata(cells)
    rows = []
    for r, raw in zip(est.iter_rows(named=True), cells.frame.iter_rows(named=True),
                      strict=True):
        missed = ("not estimable" if r["status"] == "not estimable" else
                  f"{HIDDEN} (a cell is hidden)" if r["hidden"] else count_text(r["missed"]))
        rows.append({
            **{c: str(raw[c]) for c in dims},
            **{COLUMNS[c]: raw[c] for c in CELLS},
            "estimate status": r["status"],
            "found by neither (estimate)": missed,
            f"{confidence:.0%} interval": interval(r["missed_low"], r["missed_high"]),
            "profile-likelihood interval of the total": interval(r["profile_low"],
                                                                 r["profile_high"]),
            "Chapman total": count_text(r["chapman"]),
        })
    return cells.renamed(COLUMNS).with_frame(pl.DataFrame(rows))


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


def summary(est: pl.DataFrame, confidence: float = CONFIDENCE) -> Markdown:
    """The estimate in words, or why it is withheld, and the strata left out."""
    total = est.row(est.height - 1, named=True)
    skipped = est.filter(pl.col("status") == "not estimable")
    boundary = est.filter(pl.col("status") == "boundary")
    if total["hidden"]:
        text = (f"**The total estimate is {HIDDEN}**: a stratum has a cell the site hides, "
                "and the total would give it away. Coarser strata (the `strata` "
                "parameter) or the pooled table below avoid this. ")
    else:
        text = (f"**Estimate: about {total['missed']:,.0f} eligible convictions found by "
                f"neither list** ({confidence:.0%} interval {total['missed_low']:,.0f} to "
                f"{total['missed_high']:,.0f}), beside {total['observed']:,} found by at "
                f"least one ({data_tag()}). ")
    if skipped.height:
        text += (f"{skipped.height} stratum(s) share no conviction between the lists and "
                 "cannot be estimated; their found convictions are counted, their unfound "
                 "ones are not. ")
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
        est
        # estimable strata whose estimate may be shown
        .filter(pl.col("status") != TOTAL_STATUS, pl.col("missed").is_not_null())
        # one label per stratum
        .with_columns(stratum_label(by).alias("stratum"))
    )
    if rows.height == 0:
        return Markdown("*No stratum's estimate can be shown: each has a hidden cell or "
                        "shares no conviction between the lists.*")
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


def strata_choices(tables: dict[str, CountTable], confidence: float = CONFIDENCE
                   ) -> pl.DataFrame:
    """The total found by neither list under each choice of strata (``tables``: label
    -> the cells of that choice); withheld when a stratum of the choice hides a cell."""
    rows = []
    for name, cells in tables.items():
        est = estimates(cells, confidence)
        last = est.row(est.height - 1, named=True)
        body = est.filter(pl.col("status") != TOTAL_STATUS)
        rows.append({
            "strata": name,
            "strata estimable": int(body["status"].is_in(["estimated", "boundary"]).sum()),
            "strata not estimable": int((body["status"] == "not estimable").sum()),
            "found by neither (estimate)": (f"{HIDDEN} (a cell is hidden)" if last["hidden"]
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
