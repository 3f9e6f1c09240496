"""The reconciliation as its page shows it (page 06): the claims with their statuses,
the checks, the data against the claims, the waterfall and the people chart."""

from __future__ import annotations

import altair as alt
import polars as pl
from IPython.display import Markdown

from .. import charts, findings, readings, words
from ..citations import cite
from ..claimchecks import NOT_CHECKABLE
from ..reconcile import PER_PERSON_BINS, Reconciliation
from ..release import CountTable
from . import tables
from .overview import nothing_to_draw
from .tables import data_tag

__all__ = ["cards", "cases_table", "checks_table", "claims_table", "opening", "people_chart",
           "verdict", "waterfall_chart", "waterfall_steps"]


def opening(result: Reconciliation) -> Markdown:
    """What the page finds, first: the site's answers this page holds the evidence for,
    each with what it rests on and a link to its section."""
    return tables.opening(*((f.text, f"{f.basis}; [the evidence](#{findings.anchor(f.section)})")
                     for f in findings.page_findings(result)))


def cards(result: Reconciliation) -> list[Markdown]:
    """One card per group of claims: verdict, who claimed what, why, what would change
    it (:mod:`analysis.findings`)."""
    checks = findings.group_checks(result)
    return [Markdown(findings.card(result, g, checks[g.key])) for g in findings.GROUPS
            if checks[g.key]]


def cases_table(claims, per_motion: CountTable) -> pl.DataFrame:
    """Both readings of "cases" (:mod:`analysis.readings`), from the convictions and
    cases the page shows for each motion (a hidden count leaves the reading unknown)."""
    shown = per_motion.protected(as_text=False)
    by_motion = {r["dims"]["motion"]: i for i, r in enumerate(per_motion.table.rows)}
    per_case = {}
    for motion in words.MOTION_LABELS:
        i = by_motion.get(motion)
        convictions = shown["convictions"][i] if i is not None else None
        cases = shown["cases"][i] if i is not None else None
        per_case[motion] = round(convictions / cases, 3) if convictions and cases else None
    frame = readings.cases_readings(claims, per_case).with_columns(
        # convictions per case as a reader reads them: "1.028", not "1.0"
        pl.col(f"{m} convictions per case").map_elements(
            lambda v: f"{v:.3f}", return_dtype=pl.String) for m in words.MOTION_LABELS)
    return frame.rename(lambda c: c.replace("feb2020", "February 2020").replace(
        "sep2021", "September 2021"))


def claims_table(result: Reconciliation, against: CountTable) -> pl.DataFrame:
    """Every claim with its source, its worst cross-check status and its data status
    (blank where the computed figure is hidden: the status would narrow it down)."""
    worst = result.claim_status()
    hidden = {row["dims"]["claim"] for row, gone in
              zip(against.table.rows, against.hidden_mask()["computed"], strict=True) if gone}
    data = {d.claim: d for d in result.data if d.claim not in hidden}

    # the verdicts come right after the figure, so a narrow screen shows them first
    return pl.DataFrame([{
        "claim": c.id, "published": c.label,
        "against claims": worst.get(c.id, NOT_CHECKABLE),
        "against data": data[c.id].status if c.id in data else NOT_CHECKABLE,
        "source": cite(c.source, c.id), "where": c.locator, "unit": c.unit,
        "covers": words.scope_label(c.scope),
    } for c in result.claims])


def checks_table(result: Reconciliation) -> pl.DataFrame:
    """Each check between claims: its topic, status and explanation."""
    return pl.DataFrame([{"topic": c.topic, "status": c.status,
                          "explanation": c.explanation} for c in result.checks])


def verdict(result: Reconciliation, synthetic: bool = False) -> Markdown:
    """One sentence: does the data meet every claim it should, and if not, which? On the
    synthetic default, which was generated to meet them, the check is calibration."""
    failures = result.failures
    if not failures and synthetic:
        return Markdown("**Calibration holds:** the synthetic data meets every published "
                        "claim it was generated to meet. This shows the generator works; "
                        "it is not evidence that the claims are right.")
    if not failures:
        return Markdown("**The data meets every published claim it should.**")
    return Markdown(f"**The data fails {len(failures)} claim(s) it should meet:** "
                    + "; ".join(f"{d.claim} ({d.published}, {words.scope_label(d.scope)})"
                              for d in failures)
                    + ".")


def waterfall_steps(per_motion: CountTable, overlap: CountTable) -> pl.DataFrame:
    """Steps (start, end) from the 2020 count through the 2021 count to the combined
    total, from the counts the page shows; a hidden count has no bar."""
    shown = per_motion.protected(as_text=False)
    counts = dict(zip((r["dims"]["motion"] for r in per_motion.table.rows),
                      shown["convictions"].to_list(), strict=True))
    twice = overlap.protected(as_text=False)["value"][0] or 0
    feb, sep = counts.get("feb2020"), counts.get("sep2021")
    steps = [(words.MOTION_LABELS["feb2020"], 0.0, feb),
             (words.MOTION_LABELS["sep2021"], feb or 0.0, (feb or 0.0) + sep
              if sep is not None else None)]
    if twice and feb is not None and sep is not None:
        steps.append(("counted in both", feb + sep, feb + sep - twice))
    steps.append(("combined total", 0.0, counts.get("Total")))
    frame = pl.DataFrame([s for s in steps if s[2] is not None], orient="row",
                         schema={"step": pl.String, "start": pl.Float64, "end": pl.Float64})
    return frame.with_columns(value=pl.col("end") - pl.col("start"))


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
                      .then(pl.lit("admits the count in the data"))
                      .otherwise(pl.lit("does not admit it")))
    )
    colour = alt.Color("holds:N", title="Published range",
                       scale=alt.Scale(domain=["admits the count in the data", "does not admit it"],
                                       range=[charts.PALETTE[2], charts.PALETTE[5]]))
    bars = alt.Chart(steps).mark_bar(color=charts.PALETTE[4], opacity=0.6).encode(
        x=alt.X("step:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("start:Q", title=f"Conviction counts ({data_tag()})"), y2="end:Q",
        tooltip=["step:N", alt.Tooltip("value:Q", format=",", title="in the data")])
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


def people_chart(held: CountTable, source: str):
    """People by the number of their convictions in each motion; hidden bins are left
    out."""
    title = "People by the number of their convictions in each motion"
    held = held.protected(as_text=False).filter(pl.col("people").is_not_null())
    if held.height == 0:
        return nothing_to_draw(title)
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
        chart, title, source,
        alt_text="Bars: " + "; ".join(f"{m}, {h} conviction(s): {n:,} people"
                                      for m, h, n in held.iter_rows() if n is not None))


def __dir__() -> list[str]:
    return sorted(__all__)
