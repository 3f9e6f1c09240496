"""The reconciliation as its page shows it (page 06): the claims with their statuses,
the checks, the data against the claims, the waterfall and the people chart."""

from __future__ import annotations

import dataclasses

import altair as alt
import polars as pl
from IPython.display import Markdown

from .. import charts, findings, readings, words
from ..citations import cite
from ..claimchecks import NOT_CHECKABLE
from ..reconcile import PER_PERSON_BINS, Reconciliation
from ..release import HIDDEN, CountTable
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


WITHHELD = f"figure is {HIDDEN}"  # how a check whose figure the page withholds ends


def withhold(result: Reconciliation, against: CountTable,
             by_rules: frozenset[str] = frozenset()) -> Reconciliation:
    """``result`` with every check whose figure ``against`` (the page's protected claims
    table) withholds left not checkable and not required: whether a withheld figure
    meets a claim would narrow it down, so no verdict may say. ``by_rules``: the claims
    whose figure is the rules' (an ``analysis doj`` summary's), not the data's."""
    gone = {row["dims"]["claim"] for row, hidden in
            zip(against.table.rows, against.hidden_mask()["computed"], strict=True) if hidden}
    return dataclasses.replace(result, data=[
        dataclasses.replace(d, computed=None, status=NOT_CHECKABLE, required=False,
                            explanation=("the rules' " if d.claim in by_rules
                                         else "the data's ") + WITHHELD)
        if d.claim in gone and d.computed is not None else d for d in result.data])


def verdict(result: Reconciliation, synthetic: bool = False) -> Markdown:
    """One sentence: does the data meet every claim it should, and if not, which? On the
    synthetic default, which was generated to meet them, the check is calibration. The
    claims whose figure the page withholds (:func:`withhold`) are counted apart."""
    failures = result.failures
    unjudged = sum(d.explanation.endswith(WITHHELD) for d in result.data)
    apart = (f" {unjudged} claim(s) are not judged: their figure is {HIDDEN}."
             if unjudged else "")
    if not failures and synthetic:
        return Markdown("**Calibration holds:** the synthetic data meets every published "
                        "claim it was generated to meet. This shows the generator works; "
                        "it is not evidence that the claims are right." + apart)
    if not failures:
        return Markdown("**The data meets every published claim it should.**" + apart)
    return Markdown(f"**The data fails {len(failures)} claim(s) it should meet:** "
                    + "; ".join(f"{d.claim} ({d.published}, {words.scope_label(d.scope)})"
                              for d in failures)
                    + "." + apart)


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


DATA_COUNT = "count in the data"  # the label of the data's own count in each panel
HOLDS = ("admits the count in the data", "does not admit it")
STEP_COLOURS = {"counted in both": charts.PALETTE[5], "combined total": charts.PALETTE[4]}


def _bars(steps: pl.DataFrame, order: list[str]) -> alt.LayerChart:
    """The waterfall: each step a bar from its start to its end, labelled with what it
    adds (the motions' bars in their motions' colours)."""
    frame = steps.with_columns(
        top=pl.max_horizontal("start", "end"),
        label=pl.when(pl.col("start") == 0).then(pl.lit(""))
        .when(pl.col("value") < 0).then(pl.lit("\u2212")).otherwise(pl.lit("+"))
        + pl.col("value").abs().round(0).cast(pl.Int64).map_elements(
            lambda v: f"{v:,}", return_dtype=pl.String))
    colours = [charts.colour_of(s) or STEP_COLOURS.get(s, charts.REFERENCE_COLOUR)
               for s in order]
    base = alt.Chart(frame).encode(x=alt.X("step:N", sort=order, title=None,
                                           axis=alt.Axis(labelAngle=0, labelLimit=140)))
    bars = base.mark_bar().encode(
        y=alt.Y("start:Q", title=f"Running total of conviction counts ({data_tag()})"),
        y2="end:Q", color=alt.Color("step:N", legend=None,
                                    scale=alt.Scale(domain=order, range=colours)),
        tooltip=["step:N", alt.Tooltip("value:Q", format=",", title="in the data")])
    text = base.mark_text(dy=-6, baseline="bottom", fontSize=11).encode(
        y="top:Q", text="label:N")
    return (bars + text).properties(width=400, height=320)


def _panels(placed: pl.DataFrame, order: list[str]) -> alt.FacetChart:
    """One panel per step, on its own scale: each published range beside the count in
    the data (a diamond on its own row, and the dashed line through every range)."""
    colour = alt.Color("holds:N", title="Published range",
                       scale=alt.Scale(domain=[*HOLDS, DATA_COUNT],
                                       range=[charts.PALETTE[2], charts.PALETTE[1],
                                              charts.REFERENCE_COLOUR]))
    y = alt.Y("claim:N", title=None, sort=None, axis=alt.Axis(labelLimit=220))
    tips = ["claim:N", "sources:N", "admits:N",
            alt.Tooltip("count:Q", format=",", title=DATA_COUNT)]
    is_count = alt.datum.claim == DATA_COUNT
    return alt.layer(
        alt.Chart().transform_filter(~is_count).mark_rule(strokeWidth=6).encode(
            x=alt.X("lo:Q", title="Conviction counts (each panel on its own scale)",
                    scale=alt.Scale(zero=False)),
            x2="hi:Q", y=y, color=colour, tooltip=tips),
        alt.Chart().mark_rule(strokeDash=[4, 2], color=charts.REFERENCE_COLOUR).encode(
            x="count:Q"),
        alt.Chart().transform_filter(is_count).mark_point(
            shape="diamond", filled=True, size=90).encode(
            x="lo:Q", y=y, color=colour, tooltip=tips),
        data=placed,
    ).properties(width=300, height=alt.Step(18)).facet(
        row=alt.Row("step:N", sort=order, title=None,
                    header=alt.Header(labelAngle=0, labelAlign="left", labelFontWeight="bold",
                                      labelOrient="top"))
    ).resolve_scale(x="independent", y="independent")


def waterfall_chart(steps: pl.DataFrame, intervals: pl.DataFrame, source: str):
    """Bars from the 2020 count through the 2021 count to the total, and beside them a
    panel for each step: every published claim's range over the quantity it describes
    (the 2021 figures against the 2021 count, not on top of 2020's), with the count in
    the data marked and named. ``intervals``: ``reconcile.claim_ranges`` at 0."""
    order = steps["step"].to_list()
    counts = steps.select("step", count=pl.col("value"))
    placed = (
        intervals
        # the data's own count of each step, to see whether each claim's range holds it
        .join(counts, on="step")
        .with_columns(holds=pl.when((pl.col("count") >= pl.col("lo"))
                                    & (pl.col("count") <= pl.col("hi")))
                      .then(pl.lit(HOLDS[0])).otherwise(pl.lit(HOLDS[1])))
    )
    marks = counts.filter(pl.col("step").is_in(placed["step"].implode())).select(
        "step", claim=pl.lit(DATA_COUNT), sources=pl.lit(data_tag()), lo="count",
        hi="count", admits=pl.col("count").map_elements(lambda v: f"{v:,.0f}",
                                                        return_dtype=pl.String),
        count="count", holds=pl.lit(DATA_COUNT))
    both = pl.concat([placed.select(marks.columns), marks], how="vertical_relaxed")
    alt_text = ("Waterfall of conviction counts: " + "; ".join(
        f"{s} {v:,.0f}" for s, v in steps.select("step", "value").iter_rows())
        + ". Published ranges, each beside the step's count in the data: " + "; ".join(
        f"{st}: {c} ({lo:,.0f} to {hi:,.0f}) {h}" for st, c, lo, hi, h in
        placed.select("step", "claim", "lo", "hi", "holds").iter_rows()) + ".")
    return charts.titled(
        # one above the other: narrow enough for a phone to scroll only a little
        alt.vconcat(_bars(steps, order), _panels(both, order)).resolve_scale(
            color="independent"),
        "From the two motions to the combined total",
        f"{source}; ranges from the published claims (data/claims/claims.csv)",
        alt_text=alt_text)


def people_chart(held: CountTable, source: str, data_table: str = ""):
    """People by the number of their convictions in each motion (each motion in its
    colour); hidden bins are left out. ``data_table``: the caption of the page's table of
    the same counts, which the text alternative then points to."""
    title = "People by the number of their convictions in each motion"
    held = held.protected(as_text=False).filter(pl.col("people").is_not_null())
    if held.height == 0:
        return nothing_to_draw(title)
    chart = alt.Chart(held).mark_bar().encode(
        x=alt.X("held:N", sort=[b[2] for b in PER_PERSON_BINS],
                title="Convictions held in the motion", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("people:Q", title="People"),
        color=charts.colour("motion", held["motion"].to_list(), title="Motion",
                            legend=alt.Legend(orient="bottom", labelLimit=400)),
        xOffset="motion:N",
        tooltip=["motion:N", "held:N", alt.Tooltip("people:Q", format=",")],
    ).properties(width=480, height=220)
    items = "; ".join(f"{m}, {h} conviction(s): {n:,} people"
                      for m, h, n in held.iter_rows() if n is not None)
    m, h, n = held.sort("people", descending=True).select("motion", "held", "people").row(0)
    summary = (f"Bars of people by the convictions they hold in each motion, {held.height} "
               f"drawn; the tallest: {m}, {h} conviction(s), {n:,} people.")
    return charts.titled(chart, title, source, alt_text=summary if data_table else
                         f"Bars: {items}", data_table=data_table)


def __dir__() -> list[str]:
    return sorted(__all__)
