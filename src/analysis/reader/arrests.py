"""The arrest extract as its page shows it, beside the dismissals (page 07).

Every count comes from the page's protected tables; a share, ratio or model estimate is
shown only for a group whose counts are all shown, so no statistic gives a hidden count
back. No figure divides arrests by residents: the arrests are the City of Los Angeles's
and no population of the city by race is at hand (:func:`no_rate_note`).
"""

from __future__ import annotations

import altair as alt
import polars as pl
from IPython.display import Markdown

from .. import arrests, charts, prop64, provenance, reference, words
from ..assumptions import target
from ..citations import cite_ref
from ..outputs import DataCard
from ..release import CountTable
from ..release.arrests import ARRESTS, DISMISSED, OTHER_GROUPS
from .tables import card_list, interval_text, number, tip

__all__ = ["by_race_table", "by_year_chart", "card", "change_table", "codes_table",
           "descent_note",
           "findings", "no_rate_note", "ratio_chart", "ratio_table", "shares_basis",
           "shares_table", "trend_basis", "trend_chart", "visible_groups"]

_CHECKS = {True: "matches the project's source manifest",
           False: "differs from the project's source manifest: this is not the expected copy",
           None: "not listed in the project's source manifest"}
GROUP, REFERENCE = "Black", "White"  # the pair the page's finding compares


def card(lapd: pl.DataFrame, source: arrests.ArrestSource, mapping: arrests.Mapping) -> DataCard:
    """The data card of an arrest extract: source, area, rows, checksum. It is the page's
    first card, so the page header names the arrests (real public data) as its data."""
    return DataCard(source.label, source.path.name, False, source.sha256, lapd.height,
                    counted=False, markdown=card_list([
        ("Source", source.label),
        ("Area", mapping.geography or "as described by the mapping"),
        ("Rows", f"{lapd.height:,} arrests, {lapd['year'].min()}-{lapd['year'].max()}"),
        ("Checksum", f"`sha256:{source.sha256[:16]}…` ({_CHECKS[source.matches_manifest]})"),
        ("Kind", "Real data: public arrest records."),
    ]))


def codes_table(found: pl.DataFrame) -> pl.DataFrame:
    """The codes a file holds (:func:`analysis.arrests.codes_found`) in readers' words."""
    return found.select(
        pl.col("field").map_elements(words.column_label, return_dtype=pl.String),
        "column in the extract", pl.col("code").alias("code in the file"),
        pl.col("maps to").map_elements(words.column_label, return_dtype=pl.String))


def descent_note(source: arrests.ArrestSource) -> Markdown | None:
    """For the shared LAPD file: what its five groups can and cannot say, from how its
    cleaning grouped the LAPD's descent codes (docs/data.md, "LAPD descent codes")."""
    if source.path.name != arrests.LAPD_FILE or not source.matches_manifest:
        return None
    return Markdown(
        "**Asian/Pacific Islander and Other.** The LAPD records each arrestee's "
        "\"descent\" in one of 19 codes (eleven of them Asian or Pacific Islander "
        "origins; O is \"Other\"). This file keeps only the five groups its cleaning "
        "made of them. That cleaning's published script and log (repository "
        "trinitylakin/CAnD3-Dragons-Den) show that only 37 adult arrests carried a code "
        "outside the five most used, so \"Other\" is almost wholly a single LAPD code "
        "(by its place among the codes, most likely O, \"Other\") and Asian/Pacific "
        "Islander almost wholly code A (\"Other Asian\"). The small Asian/Pacific "
        "Islander count is how the LAPD's records code these arrests, not a slip of the "
        "recoding, and \"Other\" cannot be split. docs/data.md lists every code and the "
        "group the project maps it to.")


def by_race_table(table: CountTable) -> CountTable:
    """Arrests per group and their share of all arrests (a percent, blank when the
    count is hidden)."""
    total = table.frame["arrests"].sum()
    frame = table.frame.select(
        pl.col("race_ethnicity").alias("race/ethnicity"), "arrests",
        pl.format("{}%", (pl.col("arrests") / total * 100).round(1)).alias("share"))
    return table.renamed({"race_ethnicity": "race/ethnicity"}).with_frame(
        frame, {"share": "arrests"})


def by_year_chart(table: CountTable, source: str, data_table: str = ""):
    """Arrests by year, stacked by charge level (hidden counts left out)."""
    counts = table.protected(as_text=False).drop_nulls("arrests")
    chart = (
        alt.Chart(counts).mark_bar()
        .encode(x=alt.X("year:O", title="Year of arrest"),
                y=alt.Y("arrests:Q", title="Arrests"),
                color=charts.colour("charge_level", counts["charge_level"], title="Charge level"),
                tooltip=["year:O", tip("charge_level:N"), alt.Tooltip("arrests:Q", format=",")])
        .properties(width=520, height=240)
    )
    return charts.titled(
        chart, "LAPD marijuana arrests by year and charge level", source,
        alt_text="Stacked bars of arrests by year and charge level.", data_table=data_table,
        data="; ".join(f"{y} {lvl}: {n:,}" for y, lvl, n in counts.iter_rows()) + ".")


# --- before and after Proposition 64 ------------------------------------------------------


def visible_groups(yearly: CountTable) -> list[str]:
    """The groups whose arrests are shown in every year: the only ones a model may fit."""
    hidden = yearly.hidden_mask()["arrests"]
    groups = yearly.frame["race_ethnicity"].to_list()
    return [g for g in dict.fromkeys(groups)
            if not any(h for h, x in zip(hidden, groups, strict=True) if x == g)]


def _counts(yearly: CountTable) -> pl.DataFrame:
    """The yearly counts of the groups shown in every year, as the models take them."""
    return (yearly.frame.filter(pl.col("race_ethnicity").is_in(visible_groups(yearly)))
            .select(pl.col("year").cast(pl.Int32), "race_ethnicity",
                    pl.col("arrests").alias("count")))


def _years(span: range) -> str:
    return f"{span[0]}-{span[-1]}" if len(span) > 1 else str(span[0])


def _spans(yearly: CountTable, every_year_before: bool = False) -> tuple[range, range]:
    years = yearly.frame["year"].cast(pl.Int32)
    return prop64.windows(int(years.min()), int(years.max()),
                          every_year_before=every_year_before)


def _change(yearly: CountTable, every_year_before: bool, confidence: float,
            group: str = GROUP) -> prop64.RatioChange | None:
    """The change of ``group``'s ratio to White arrests, or None when a year of either is
    hidden."""
    if not {group, REFERENCE} <= set(visible_groups(yearly)):
        return None
    before, after = _spans(yearly, every_year_before)
    return prop64.ratio_change(_counts(yearly), before=before, after=after, group=group,
                               reference=REFERENCE, confidence=confidence)


def findings(yearly: CountTable, by_race: CountTable, basis: provenance.Basis, *,
             confidence: float) -> Markdown:
    """What the page finds, in words: the change in the Black/White ratio of arrests
    after Proposition 64 with its interval, and who was arrested; computed from the
    page's protected counts."""
    main, longer = _change(yearly, False, confidence), _change(yearly, True, confidence)
    if main is None:
        return Markdown("**What the arrests show cannot be said here**: a yearly count of "
                        f"{GROUP} or {REFERENCE} arrests is hidden to protect the people it "
                        f"describes. {basis.note()}")
    per_year = {g: _per_year_ratio(yearly, g, main) for g in (GROUP, REFERENCE)}
    way = "widened" if main.change > 1 else "narrowed"
    verdict = ("by more than chance alone would produce" if main.excludes_one else
               f"but with only {len(main.after)} years after the change, that cannot be told "
               "apart from chance: the interval includes no change at all")
    swings = (f" The interval allows for how far the yearly ratio swung (from "
              f"{_extreme(yearly, main, min):.2f} to {_extreme(yearly, main, max):.2f} in "
              f"{_years(main.after)}); counting every arrest as independent would give "
              f"{main.naive_low:.2f} to {main.naive_high:.2f}, too narrow for such swings."
              if main.widened else "")
    lines = [
        f"- **After Proposition 64, the LAPD made {_fewer(per_year[GROUP])} marijuana "
        f"arrests a year of {GROUP} people and {_fewer(per_year[REFERENCE])} of "
        f"{REFERENCE} people ({_years(main.after)} against {_years(main.before)}), so "
        f"the gap between them {way}, {verdict}.** The LAPD arrested "
        f"{main.ratio_before:.2f} {GROUP} people for every {REFERENCE} person in "
        f"{_years(main.before)} and {main.ratio_after:.2f} in {_years(main.after)}: "
        f"this ratio changed by a factor of {main.change:.2f} ({main.confidence:.0%} "
        f"interval {main.low:.2f} to {main.high:.2f}).{swings}",
        f"- **Measured from every year before the change** ({_years(longer.before)}), the "
        f"factor is {longer.change:.2f} ({longer.low:.2f} to {longer.high:.2f}).",
        f"- **Who was arrested:** {_shares_sentence(by_race)}",
        "- **No arrest rate per resident is given**: the arrests are the City of Los "
        "Angeles's, and the only population by race at hand is Los Angeles County's. "
        "The ratios above are ratios of arrest counts (defined under \"Before and after "
        "Proposition 64\").",
    ]
    return Markdown("\n".join(lines) + f"\n\n*{basis.note()}*")


def _per_year_ratio(yearly: CountTable, group: str, change: prop64.RatioChange) -> float:
    """Mean arrests a year after the change over the mean before, for one group."""
    frame = yearly.frame.filter(pl.col("race_ethnicity") == group)
    mean = [frame.filter(pl.col("year").cast(pl.Int32).is_in(list(span)))["arrests"].sum()
            / len(span) for span in (change.before, change.after)]
    return mean[1] / mean[0]


def _fewer(ratio: float) -> str:
    return f"{1 - ratio:.0%} fewer" if ratio <= 1 else f"{ratio - 1:.0%} more"


def _extreme(yearly: CountTable, change: prop64.RatioChange, pick) -> float:
    """The lowest or highest yearly ratio of the pair's arrests after the change."""
    frame = yearly.frame.with_columns(pl.col("year").cast(pl.Int32))
    counts = {g: dict(frame.filter(pl.col("race_ethnicity") == g)
                      .select("year", "arrests").iter_rows()) for g in (GROUP, REFERENCE)}
    return pick(counts[GROUP][y] / counts[REFERENCE][y] for y in change.after
                if counts[REFERENCE].get(y))


def _shares_sentence(by_race: CountTable) -> str:
    """The largest groups' shares of all arrests, from the protected counts."""
    shown = by_race.protected(as_text=False)
    if shown["arrests"].null_count():
        return "some groups' counts are hidden, so no share is given."
    total = int(shown["arrests"].sum())
    top = shown.sort("arrests", descending=True).head(3)
    parts = [f"{n / total:.0%} {g}" for g, n in top.select("race_ethnicity", "arrests")
             .iter_rows()]
    return (f"of {number(total)} arrests in the file, {', '.join(parts)}. The LAPD records "
            "an arrestee's descent itself; see \"Arrests by race/ethnicity\" for what its "
            "codes allow.")


def change_table(table: CountTable, yearly: CountTable, *, confidence: float) -> CountTable:
    """Per group: arrests before and after (the table's protected counts) and, for the
    groups shown in every year, the ratio of mean arrests a year after to before."""
    before, after = _spans(yearly)
    keep = visible_groups(yearly)
    fitted = prop64.count_change(_counts(yearly), before=before, after=after,
                                 confidence=confidence)
    if set(keep) != set(yearly.frame["race_ethnicity"].to_list()):
        # "All groups" pools every group: without them all it would not be all
        fitted = fitted.filter(pl.col("race_ethnicity") != "All groups")
    frame = (
        table.frame.rename({"race/ethnicity": "race_ethnicity"})
        .join(fitted.select("race_ethnicity", interval_text("ratio").alias("ratio_text"),
                            "model"), on="race_ethnicity", how="left", maintain_order="left")
        .select(pl.col("race_ethnicity").alias("race/ethnicity"),
                "arrests_before", "arrests_after",
                pl.col("ratio_text").alias("arrests a year, after / before"),
                pl.col("model").replace_strict(words.MODEL_WORDS, default=pl.col("model"))
                .alias("model"))
    )
    return table.with_frame(frame, {"arrests a year, after / before": "arrests_before"})


def ratio_table(yearly: CountTable, *, confidence: float) -> pl.DataFrame:
    """Each group's arrests relative to White arrests, before and after, and the change
    with its interval: for the page's years before and for every year before. No counts
    (ratios only); groups with a hidden year are left out."""
    rows = []
    for group in [g for g in visible_groups(yearly) if g != REFERENCE]:
        for every_year_before in (False, True):
            c = _change(yearly, every_year_before, confidence, group)
            if c is None:
                continue
            rows.append({
                "race/ethnicity": group, "years before": _years(c.before),
                "years after": _years(c.after),
                "ratio to White, before": f"{c.ratio_before:.2f}",
                "ratio to White, after": f"{c.ratio_after:.2f}",
                "change (after / before)": f"{c.change:.2f} ({c.low:.2f} to {c.high:.2f})",
                "if every arrest were independent": f"{c.naive_low:.2f} to {c.naive_high:.2f}",
                "yearly swing against chance (Pearson X2/df, 1 = chance)":
                    f"{c.pearson_ratio:.1f}"})
    return pl.DataFrame(rows)


def ratio_chart(yearly: CountTable, source: str, data_table: str = ""):
    """Each group's arrests over White arrests, year by year, on a log scale, with
    Proposition 64 dashed and 1 named; groups with a hidden year are left out."""
    keep = [g for g in visible_groups(yearly) if g != REFERENCE]
    frame = yearly.frame.with_columns(pl.col("year").cast(pl.Int32))
    white = frame.filter(pl.col("race_ethnicity") == REFERENCE).select(
        "year", pl.col("arrests").alias("white"))
    lines = (
        frame.filter(pl.col("race_ethnicity").is_in(keep))
        # each group's arrests over White arrests in the same year
        .join(white, on="year")
        .filter(pl.col("white") > 0)
        .select("year", "race_ethnicity", (pl.col("arrests") / pl.col("white")).alias("ratio"))
        .sort("race_ethnicity", "year")
    )
    rule = charts.reference("year", prop64.FIRST_YEAR_AFTER - 0.15, "Proposition 64", y=4)
    one = charts.reference("ratio", 1.0, f"1 = as many as {REFERENCE} arrests", channel="y",
                           at={"year": int(lines["year"].min() or 0)}, dashed=False,
                           dx=0, baseline="bottom", dy=-3)
    chart = (
        alt.Chart(lines).mark_line(point=True)
        .encode(x=alt.X("year:Q", title="Year of arrest", axis=alt.Axis(format="d")),
                y=alt.Y("ratio:Q", title="Arrests for each White arrest",
                        scale=alt.Scale(type="log")),
                color=charts.colour("race_ethnicity", lines["race_ethnicity"].to_list(),
                                    title="Race/ethnicity"),
                tooltip=[tip("race_ethnicity:N"), "year:Q", alt.Tooltip("ratio:Q", format=".2f")])
        .properties(width=520, height=260)
    )
    return charts.titled(
        chart + rule + one, "LAPD marijuana arrests for each White arrest, by year, with "
        "Proposition 64 (dashed)", source, data_table=data_table,
        alt_text=f"Lines of {', '.join(keep)} arrests over White arrests by year, log scale, "
        "with Proposition 64 marked; groups with a hidden yearly count are left out.",
        data="; ".join(f"{r} {y}: {v:.2f}" for y, r, v in lines.iter_rows()) + ".")


def no_rate_note() -> Markdown:
    """Why the page gives no arrest rate per resident."""
    places = reference.jurisdictions()
    city_share = (places.filter(pl.col("jurisdiction") == "Los Angeles")["population_2020"]
                  .item() / places["population_2020"].sum())
    return Markdown(
        "**Why no rate per resident.** A rate needs the residents of the place the "
        "arrests cover. These arrests are the City of Los Angeles's (LAPD), but the only "
        "population by race in the project's public data is Los Angeles County's (Census), "
        f"of whose residents the city held {city_share:.0%} in 2020 (the project's "
        "reference table of jurisdictions), with a racial mix of its own. Dividing city "
        "arrests by county residents would give neither the city's rate nor the county's, "
        "so the page compares counts: shares of arrests, and ratios between groups' "
        "arrests. A change in the ratio of two groups' arrests equals the change in the "
        "ratio of their arrest rates if the two groups' populations in the city kept "
        "their proportion to each other between the periods compared: over a few years "
        "that is a mild assumption, but it is one.")


# --- beside the dismissals -----------------------------------------------------------------


def _shares(table: CountTable, column: str) -> pl.Expr:
    """Each group's percent of the column's total, when every group's count is shown
    (else the total, and with it any hidden group, would follow)."""
    if any(table.hidden_mask()[column]):
        return pl.lit(None, pl.Float64)
    return (100 * pl.col(column) / pl.col(column).sum()).round(1)


_CONVICTIONS = "dismissed convictions, City of LA"
_PUBLISHED = "Feb 2020 motion, people, percent"


def shares_basis(arrests_basis: provenance.Basis) -> dict:
    """What each column of :func:`shares_table` rests on: the arrests are real, the
    motion's shares published, the case list's convictions the page's data (on the
    synthetic default, set by assumptions: illustrative, and said under the table)."""
    cases = provenance.illustrative(*provenance.ASSUMED_BY["race_ethnicity"])
    return {_CONVICTIONS: cases, f"{_CONVICTIONS}, percent": cases,
            "LAPD arrests 2010-2019": arrests_basis, "LAPD arrests, percent": arrests_basis,
            _PUBLISHED: provenance.published(cite_ref("facts-08"))}


def shares_table(table: CountTable) -> CountTable:
    """Per published group: arrests, the City of LA's convictions, their shares, beside
    the people of the February 2020 motion (published)."""
    published = {"Latino": "latino", "Black": "black", "White": "white",
                 OTHER_GROUPS: "other_unknown"}
    frame = (
        table.frame
        .with_columns(arrest_share=_shares(table, "arrests"),
                      conviction_share=_shares(table, "convictions"),
                      published=pl.col("group").replace_strict(
                          {g: 100 * target(f"feb2020_share_{k}") for g, k in published.items()},
                          return_dtype=pl.Float64))
        .select("group", pl.col("arrests").alias("LAPD arrests 2010-2019"),
                pl.col("arrest_share").alias("LAPD arrests, percent"),
                pl.col("published").alias(_PUBLISHED),
                pl.col("convictions").alias(_CONVICTIONS),
                pl.col("conviction_share").alias(f"{_CONVICTIONS}, percent"))
    )
    return table.renamed({"arrests": "LAPD arrests 2010-2019", "convictions": _CONVICTIONS}) \
        .with_frame(frame, {"LAPD arrests, percent": "LAPD arrests 2010-2019",
                            f"{_CONVICTIONS}, percent": _CONVICTIONS})


def trend_basis(arrests_basis: provenance.Basis) -> dict:
    """What each column of the arrests-and-dismissals-by-year table rests on."""
    return {ARRESTS: arrests_basis, DISMISSED: provenance.illustrative(
        *provenance.ASSUMED_BY["conviction_year"])}


def trend_chart(table: CountTable, sources: str, data_table: str = ""):
    """Arrests by year beside the City of LA's dismissed convictions by conviction year;
    on the synthetic default the dismissal line is set by an assumption, and the chart
    is set apart as illustrative."""
    both = (table.protected(as_text=False)
            .unpivot(index="year", on=[ARRESTS, DISMISSED], variable_name="series",
                     value_name="count")
            .drop_nulls("count").sort("series", "year"))
    chart = (
        alt.Chart(both).mark_line(point=True)
        .encode(x=alt.X("year:O", title="Year (of arrest, or of conviction)"),
                y=alt.Y("count:Q", title="Count"),
                color=alt.Color("series:N", title=None),
                tooltip=["series:N", "year:O", alt.Tooltip("count:Q", format=",")])
        .properties(width=520, height=240)
    )
    titled = charts.titled(
        chart, "Arrests by year beside dismissed convictions by conviction year", sources,
        alt_text="Two lines by year: " + " and ".join(both["series"].unique(
            maintain_order=True)) + "; hidden counts are left out.", data_table=data_table,
        data="; ".join(f"{s} {y}: {n:,}" for s, y, n in
                       both.select("series", "year", "count").iter_rows()) + ".")
    from .tables import illustrative

    return illustrative(titled, *provenance.ASSUMED_BY["conviction_year"])


def __dir__() -> list[str]:
    return sorted(__all__)
