"""The reconciliation as its page shows it (page 06): the claims with their statuses,
the checks, the data against the claims, the waterfall and the people chart."""

from __future__ import annotations

import altair as alt
import polars as pl
from IPython.display import Markdown

from .. import charts, reconcile, suppress
from .. import claims as cl
from ..claimchecks import INCONSISTENT, NOT_CHECKABLE, fmt
from ..reconcile import PER_PERSON_BINS, Reconciliation

__all__ = ["checks_table", "claims_table", "data_table", "people_chart", "verdict",
           "waterfall_chart"]


def claims_table(result: Reconciliation) -> pl.DataFrame:
    """Every claim with its source, its worst cross-check status and its data status."""
    worst = result.claim_status()
    data = {d.claim: d for d in result.data}
    outlets = dict(cl.sources().select("source", "outlet").iter_rows())
    return pl.DataFrame([{
        "claim": c.id, "source": outlets.get(c.source, c.source), "where": c.locator,
        "published": c.label, "unit": c.unit, "scope": c.scope,
        "against claims": worst.get(c.id, NOT_CHECKABLE),
        "against data": data[c.id].status if c.id in data else NOT_CHECKABLE,
    } for c in result.claims])


def checks_table(result: Reconciliation) -> pl.DataFrame:
    """Each check between claims: its topic, status and explanation."""
    return pl.DataFrame([{"topic": c.topic, "status": c.status,
                          "explanation": c.explanation} for c in result.checks])


def data_table(result: Reconciliation) -> pl.DataFrame:
    """Each claim against the data: computed values in the claim's own unit, required
    claims first and failures on top."""
    rows = [{"claim": d.claim, "published": d.published, "scope": d.scope,
             "admits": d.admits, "computed": fmt(d.computed, d.unit), "status": d.status,
             "required": d.required, "explanation": d.explanation} for d in result.data]
    return (
        pl.DataFrame(rows, schema={"claim": pl.String, "published": pl.String,
                                   "scope": pl.String, "admits": pl.String,
                                   "computed": pl.String, "status": pl.String,
                                   "required": pl.Boolean, "explanation": pl.String})
        # required claims first, failures on top
        .sort(pl.col("required").not_(), pl.col("status") != INCONSISTENT)
    )


def verdict(result: Reconciliation) -> Markdown:
    """One sentence: does the data meet every claim it should, and if not, which?"""
    failures = result.failures
    if not failures:
        return Markdown("**The data meets every published claim it should.**")
    return Markdown(f"**The data fails {len(failures)} claim(s) it should meet:** "
                    + "; ".join(f"{d.claim} ({d.published}, {d.scope})" for d in failures)
                    + ".")


def waterfall_chart(steps: pl.DataFrame, intervals: pl.DataFrame, source: str):
    """Bars from the 2020 count through the 2021 count to the total, each published
    claim's range drawn over its step, and a panel zooming in on each step."""
    order = steps["step"].to_list()
    placed = (
        intervals
        # the computed end of each step, to see whether each claim's range holds it
        .join(steps.select("step", "end"), on="step")
        .with_columns(holds=pl.when((pl.col("end") >= pl.col("lo"))
                                    & (pl.col("end") <= pl.col("hi")))
                      .then(pl.lit("admits the computed count"))
                      .otherwise(pl.lit("does not admit it")))
    )
    colour = alt.Color("holds:N", title="Published range",
                       scale=alt.Scale(domain=["admits the computed count", "does not admit it"],
                                       range=[charts.PALETTE[2], charts.PALETTE[5]]))
    bars = alt.Chart(steps).mark_bar(color=charts.PALETTE[4], opacity=0.6).encode(
        x=alt.X("step:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("start:Q", title="Conviction counts (computed)"), y2="end:Q",
        tooltip=["step:N", alt.Tooltip("value:Q", format=",", title="computed")])
    ranges = alt.Chart(placed).mark_rule(strokeWidth=4).encode(
        x=alt.X("step:N", sort=order), xOffset=alt.XOffset("claim:N"),
        y="lo:Q", y2="hi:Q", color=colour, tooltip=["claim:N", "sources:N", "admits:N"])
    zoom = alt.layer(
        alt.Chart().mark_rule(strokeWidth=6).encode(
            x=alt.X("lo:Q", title="Conviction counts, cumulative", scale=alt.Scale(zero=False)),
            x2="hi:Q", y=alt.Y("claim:N", title=None), color=colour,
            tooltip=["claim:N", "sources:N", "admits:N"]),
        alt.Chart().mark_rule(color="black", strokeDash=[4, 2]).encode(x="end:Q"),
        data=placed,
    ).properties(width=300, height=alt.Step(16)).facet(
        row=alt.Row("step:N", sort=order, title=None)).resolve_scale(x="independent",
                                                                    y="independent")
    alt_text = ("Waterfall: " + "; ".join(f"{s} {v:,.0f}" for s, v in
                                          steps.select("step", "value").iter_rows())
                + ". Published ranges: " + "; ".join(
                    f"{c} ({st}) {a}" for st, c, a in
                    placed.select("step", "claim", "admits").iter_rows()))
    return charts.titled(
        alt.hconcat((bars + ranges).properties(width=360, height=320), zoom),
        "From the two motions to the combined total",
        f"{source}; ranges from the published claims (data/claims/claims.csv)",
        alt_text=alt_text)


def people_chart(cases: pl.DataFrame, source: str):
    """People by the number of their convictions in each motion; bins too small to
    publish are left out."""
    held = suppress.mask(reconcile.people_by_convictions_in_motion(cases), ["people"],
                         by=["motion"])
    chart = alt.Chart(held).mark_bar().encode(
        x=alt.X("held:N", sort=[b[2] for b in PER_PERSON_BINS],
                title="Convictions held in the motion", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("people:Q", title="People"),
        color=alt.Color("motion:N", title="Motion",
                        legend=alt.Legend(orient="bottom", labelLimit=400)),
        xOffset="motion:N",
        tooltip=["motion:N", "held:N", alt.Tooltip("people:Q", format=",")],
    ).properties(width=480, height=220)
    return charts.titled(
        chart, "People by the number of their convictions in each motion", source,
        alt_text="Bars: " + "; ".join(f"{m}, {h} conviction(s): {n:,} people"
                                      for m, h, n in held.iter_rows() if n is not None))


def __dir__() -> list[str]:
    return sorted(__all__)
