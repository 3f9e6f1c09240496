"""What the capture-recapture page may show, and how (page 08).

The page estimates only where both lists searched (the shared domain parts of
:func:`analysis.capture.label_parts`) and reports a range over choices of strata and
odds ratios between the lists. An estimate gives its stratum's cells back
(``n_both = theta n_doj_only n_court_only / unfound - 1``), so a stratum with a cell the
site's release hides shows no estimate, and the total of its choice of strata goes with
it (:func:`estimates`); the range leaves such choices out and says so.
"""

from __future__ import annotations

import altair as alt
import polars as pl
from IPython.display import Markdown

from .. import capture, charts, provenance, words
from ..capture import BEFORE, CELLS, CONFIDENCE, DOMAIN, SHARED
from ..release import HIDDEN, CountTable, PageTables
from ..release.analyses import CAPTURE_CHOICE, CAPTURE_EXCLUDED, CAPTURE_STRATA
from . import tables as shown
from .tables import count_text, data_tag, tip

__all__ = ["ESTIMATES", "REASONS", "choices", "coverage_table", "coverage_text",
           "estimates", "excluded", "excluded_table", "findings", "overlap_note", "range_chart",
           "scenario_table", "scenarios", "shared_text", "strata", "strata_table"]

ESTIMATES = ("observed", "missed", "missed_low", "missed_high", "variance")
COLUMNS = {"both": "found by both", "doj_only": "DOJ only", "court_only": "court only"}
PLURAL = {"felony": "felonies", "misdemeanor": "misdemeanors", "infraction": "infractions"}
REASONS = {
    BEFORE: "the court records hold none of these convictions from before then, so only "
            "the DOJ list could have found one",
    "court records hold none": "the court records hold none of these convictions, so only "
                               "the DOJ list could have found one",
    "DOJ list holds none": "the DOJ list holds none of them, so only the court search "
                           "looked here",
    "court list adds none": "the court list holds none that the DOJ list lacks, so it "
                            "made no search of its own here and the overlap cannot tell how "
                            "many both missed",
    "DOJ list adds none": "the DOJ list holds none that the court list lacks, so it made "
                          "no search of its own here and the overlap cannot tell how many "
                          "both missed",
    "lists share none": "the lists share no conviction here, so their overlap says nothing",
}


def _part(level: str, prosecutor: str) -> str:
    """``"felonies"``, ``"misdemeanors prosecuted by city prosecutors"``."""
    plural = PLURAL.get(level, level)
    if level == "felony":
        return plural
    by = "city prosecutors" if prosecutor == "city prosecutor" else f"the {prosecutor}"
    return f"{plural} prosecuted by {by}"


def _years(status: str, low: int, high: int) -> str:
    if status == BEFORE:
        return f"before {high + 1}"
    if status == SHARED:
        return f"from {low} on" if low > capture.FIRST_YEAR else "all years"
    return "all years"


def _found(table: CountTable, row: int) -> int | None:
    """The convictions a row counts, when none of its cells is hidden."""
    mask = table.hidden_mask()
    if any(mask[c][row] for c in CELLS):
        return None
    return sum(int(table.frame[c][row]) for c in CELLS)


def excluded_table(page: PageTables) -> CountTable:
    """The domain parts left out of the estimate, their cells and why."""
    table = page[CAPTURE_EXCLUDED]
    rows = [{"domain": _part(r["charge_level"], r["prosecutor"]),
             "conviction years": _years(r["status"], r["from_year"], r["to_year"]),
             **{COLUMNS[c]: r[c] for c in CELLS},
             "why no estimate": REASONS.get(r["status"], r["status"])}
            for r in table.frame.iter_rows(named=True)]
    frame = pl.DataFrame(rows, schema={"domain": pl.String, "conviction years": pl.String,
                                       **dict.fromkeys(COLUMNS.values(), pl.Int64),
                                       "why no estimate": pl.String})
    return table.renamed(COLUMNS).with_frame(frame)


def excluded(page: PageTables, caption: str, **how):
    """:func:`excluded_table` as a page shows it (``how``: :func:`reader.table`'s
    keywords), or a sentence when every part of the list was searched by both."""
    if page[CAPTURE_EXCLUDED].frame.height == 0:
        return Markdown("*Both lists searched every part of this list: nothing is left out.*")
    return shown.table(excluded_table(page), caption, **how)


def strata(page: PageTables, caption: str, odds_ratios=capture.ODDS_RATIOS,
           confidence: float = CONFIDENCE, **how):
    """:func:`strata_table` as a page shows it, or a sentence when no part of the list
    was searched by both lists."""
    if page[CAPTURE_STRATA].frame.height == 0:
        return Markdown("*No table: no part of this list was searched by both lists.*")
    return shown.table(strata_table(page, odds_ratios, confidence), caption, **how)


def shared_text(table: CountTable) -> str:
    """The parts both lists searched, in words: ``"felonies from 1985 on"``."""
    parts = table.frame.unique([*DOMAIN, "from_year"], maintain_order=True)
    return "; ".join(f"{_part(r['charge_level'], r['prosecutor'])} "
                     f"{_years(SHARED, r['from_year'], r['to_year'])}"
                     for r in parts.iter_rows(named=True)).replace(" all years", "")


def estimates(table: CountTable, odds_ratio: float = 1.0,
              confidence: float = CONFIDENCE) -> pl.DataFrame:
    """:func:`analysis.capture.estimate` over the table's strata, with a ``hidden``
    column: strata with a hidden cell, and the total when any estimable stratum is
    hidden, show no estimate (their estimate columns are null)."""
    est = capture.estimate(table.frame, by=table.table.dims, odds_ratio=odds_ratio,
                           confidence=confidence)
    mask = table.hidden_mask()
    hidden = [any(mask[c][i] for c in CELLS) for i in range(table.frame.height)]
    estimable = est["status"].head(len(hidden)).is_in(["estimated", "boundary"]).to_list()
    hidden.append(any(h and e for h, e in zip(hidden, estimable, strict=True)))
    return est.with_columns(hidden=pl.Series(hidden)).with_columns(
        pl.when(pl.col("hidden")).then(None).otherwise(pl.col(c)).alias(c) for c in ESTIMATES)


def _ratio(theta: float) -> str:
    return f"odds ratio {theta:g}" + (" (independent)" if theta == 1 else "")


def strata_table(page: PageTables, odds_ratios=capture.ODDS_RATIOS,
                 confidence: float = CONFIDENCE) -> CountTable:
    """The cells of the page's strata where both lists searched, as the release shows
    them, and for each odds ratio the estimate found by neither list with its interval:
    rounded, none where a cell is hidden or the lists share nothing."""
    table = page[CAPTURE_STRATA]
    dims = [d for d in table.table.dims if d not in DOMAIN]
    frame = table.frame.select(
        pl.struct(*DOMAIN).map_elements(lambda r: _part(r["charge_level"], r["prosecutor"]),
                                        return_dtype=pl.String).alias("domain"),
        *(pl.col(d).alias(words.column_label(d)) for d in dims),
        *(pl.col(c).alias(COLUMNS[c]) for c in CELLS))
    for theta in odds_ratios:
        est = estimates(table, theta, confidence).head(table.frame.height)
        frame = frame.with_columns(pl.Series(
            f"found by neither, {_ratio(theta)}",
            [_estimate_text(r) for r in est.iter_rows(named=True)], dtype=pl.String))
    return table.renamed(COLUMNS).with_frame(frame)


def _estimate_text(r: dict) -> str:
    if r["status"] == "not estimable":
        return "not estimable (the lists share none)"
    if r["hidden"]:
        return f"{HIDDEN} (a cell is hidden)"
    return f"{count_text(r['missed'])} ({count_text(r['missed_low'])} to " \
           f"{count_text(r['missed_high'])})"


def choices(page: PageTables) -> dict[str, CountTable]:
    """The page's choices of strata over the shared parts, by their words (``"none"``:
    each domain pooled); the page's own strata first."""
    tables = [t for t in page.tables
              if t.name == CAPTURE_STRATA or t.name.startswith(CAPTURE_CHOICE)]
    return {", ".join(words.column_label(d) for d in t.table.dims if d not in DOMAIN)
            or "none": t for t in tables}


SCENARIO_SCHEMA = {"strata": pl.String, "odds_ratio": pl.Float64, "status": pl.String,
                   "observed": pl.Int64, "missed": pl.Float64, "missed_low": pl.Float64,
                   "missed_high": pl.Float64}


def scenarios(tables: dict[str, CountTable], odds_ratios=capture.ODDS_RATIOS,
              confidence: float = CONFIDENCE) -> pl.DataFrame:
    """The total found by neither list under each choice of strata and odds ratio:
    ``status`` ``estimated``, ``hidden`` (a cell of a stratum is) or ``incomplete`` (a
    stratum's lists share none, so the total leaves part of the domain out); only
    estimated rows carry an estimate and count in the range."""
    rows = []
    for label, table in tables.items():
        if table.frame.height == 0:
            continue
        for theta in odds_ratios:
            est = estimates(table, theta, confidence)
            last = est.row(est.height - 1, named=True)
            status = ("hidden" if last["hidden"] else "incomplete"
                      if (est["status"] == "not estimable").any() else "estimated")
            keep = status == "estimated"
            rows.append({"strata": label, "odds_ratio": float(theta), "status": status,
                         "observed": last["observed"],
                         **{k: last[k] if keep else None
                            for k in ("missed", "missed_low", "missed_high")}})
    return pl.DataFrame(rows, schema=SCENARIO_SCHEMA)


# Why a choice of strata leaves the range, and its note in the scenario table.
LEFT_OUT = {"hidden": "a stratum has a hidden cell",
            "incomplete": "a stratum's lists share no conviction"}
NOTES = {"estimated": "", "hidden": f"{HIDDEN}: {LEFT_OUT['hidden']}",
         "incomplete": f"left out: {LEFT_OUT['incomplete']}"}


def scenario_table(scen: pl.DataFrame, confidence: float = CONFIDENCE) -> pl.DataFrame:
    """:func:`scenarios` as readers see it."""
    return scen.select(
        pl.col("strata"),
        pl.col("odds_ratio").map_elements(_ratio, return_dtype=pl.String)
        .alias("dependence between the lists"),
        pl.col("missed").map_elements(count_text, return_dtype=pl.String)
        .fill_null("").alias("found by neither (estimate)"),
        pl.format("{} to {}", *(pl.col(c).map_elements(count_text, return_dtype=pl.String)
                                for c in ("missed_low", "missed_high")))
        .fill_null("").alias(f"{confidence:.0%} interval"),
        pl.col("status").replace_strict(NOTES, return_dtype=pl.String).alias("note"))


def findings(page: PageTables, scen: pl.DataFrame, odds_ratios=capture.ODDS_RATIOS,
             confidence: float = CONFIDENCE) -> Markdown:
    """What the page finds, in words: the range where both lists searched, or why
    there is none, and each part left out with its reason."""
    span = capture.value_range(scen)
    shared = shared_text(page[CAPTURE_STRATA])
    if not shared:
        lines = ["**No estimate: the lists share no domain.** No part of this list was "
                 "searched by both lists (each holding convictions the other lacks, and "
                 "sharing some), so their overlap says nothing about how many convictions "
                 "both missed."]
    elif span is None:
        lines = [f"**The estimate is withheld** for {shared}, the part both lists searched: "
                 "under every choice of strata a stratum has a hidden cell or lists that "
                 "share no conviction."]
    else:
        lines = _range_lines(shared, span, scen, odds_ratios, confidence)
    lines += [f"- No estimate is made for {part}." for part in _left_out(page[CAPTURE_EXCLUDED])]
    return Markdown("\n".join(lines[:1] + [""] + lines[1:]))


def _range_lines(shared: str, span: dict, scen: pl.DataFrame, odds_ratios,
                 confidence: float) -> list[str]:
    used = scen.filter(pl.col("status") == "estimated")
    names = used["strata"].unique(maintain_order=True).to_list()
    single = used.filter(pl.col("odds_ratio") == 1.0)
    low, high = min(odds_ratios), max(odds_ratios)
    text = (f"- This is a range, not one estimate: it spans the {confidence:.0%} intervals "
            f"under {len(names)} choice{'s' if len(names) > 1 else ''} of strata "
            f"({'; '.join(names)}) and odds ratios between the lists from {low:g} to "
            f"{high:g}. The estimates themselves run from {count_text(span['point_low'])} "
            f"to {count_text(span['point_high'])}")
    if single.height:
        a, b = (count_text(single["missed"].min()), count_text(single["missed"].max()))
        text += f"; if the lists were independent, {a}" + (f" to {b}" if b != a else "")
    for name, status in scen.filter(pl.col("status") != "estimated").select(
            "strata", "status").unique(maintain_order=True).iter_rows():
        text += f". The choice '{name}' is left out ({LEFT_OUT[status]})"
    return [f"**Within {shared}, the part both lists searched, between "
            f"{count_text(span['low'])} and {count_text(span['high'])} eligible convictions "
            f"may remain that neither list has found** ({data_tag()}), beside "
            f"{used['observed'].max():,} that at least one list found there.",
            text + f". Lists related more strongly than that (an odds ratio below {low:g} "
            f"or above {high:g}) would put the count outside the range."]


def _left_out(table: CountTable) -> list[str]:
    """Each part left out of the estimate, with the convictions found and why."""
    said = []
    for i, r in enumerate(table.frame.iter_rows(named=True)):
        found = _found(table, i)
        years = _years(r["status"], r["from_year"], r["to_year"]).replace("all years", "")
        count = f" ({found:,} found)" if found is not None else ""
        said.append(f"{_part(r['charge_level'], r['prosecutor'])} {years}".strip() + count
                    + f": {REASONS.get(r['status'], r['status'])}")
    return said


def range_chart(scen: pl.DataFrame, source: str):
    """Each choice of strata and odds ratio: the estimate and its interval, with the
    reported range shaded."""
    rows = scen.filter(pl.col("status") == "estimated").with_columns(
        scenario=pl.format("{}, {}", pl.col("strata"), pl.col("odds_ratio").map_elements(
            _ratio, return_dtype=pl.String)))
    span = capture.value_range(scen)
    if span is None:
        return Markdown("*No chart: no choice of strata gives an estimate that may be shown.*")
    shaded = alt.Chart(pl.DataFrame([span]))
    band = shaded.mark_rect(opacity=0.15).encode(x="low:Q", x2="high:Q") + shaded.mark_text(
        align="left", dx=4, baseline="bottom", y=-4).encode(
        x="low:Q", text=alt.value("shaded: the range reported"))
    axis = alt.X("missed:Q", title="Convictions found by neither list (estimate)")
    y = alt.Y("scenario:N", title=None, sort=None)
    points = alt.Chart(rows).mark_point(filled=True, size=60).encode(
        x=axis, y=y, tooltip=["scenario:N", alt.Tooltip("missed:Q", format=",.0f"),
                              tip("missed_low:Q", format=",.0f"),
                              tip("missed_high:Q", format=",.0f")])
    bars = alt.Chart(rows).mark_rule().encode(x="missed_low:Q", x2="missed_high:Q", y=y)
    return charts.titled(
        (band + bars + points).properties(width=480, height=24 * rows.height),
        "Convictions neither list found, by choice of strata and dependence", source,
        alt_text=f"Shaded range {count_text(span['low'])} to {count_text(span['high'])}. "
        + "; ".join(f"{s}: {count_text(m)} ({count_text(lo)} to {count_text(hi)})"
                    for s, m, lo, hi in rows.select("scenario", "missed", "missed_low",
                                                    "missed_high").iter_rows()))


def overlap_note(synthetic: bool) -> Markdown:
    """Where the overlap of the two lists comes from: assumptions, or the list itself."""
    if not synthetic:
        return Markdown("**Real list.** The overlap below comes from the list's own "
                        "identification flags.")
    # the page's generator's assumptions (none set it on a list made of the DOJ file)
    keys = provenance.ASSUMED_BY["found_in_doj"]
    basis = provenance.illustrative(*keys) or provenance.assumed(*keys)
    made = (f"the generator's assumptions set it ({basis.what})" if basis.illustrative else
            "the list is the Los Angeles rules' run over the synthetic DOJ file, so every "
            "conviction is in the DOJ list and none in a court list, by construction")
    return Markdown(
        f"**Synthetic data.** The overlap of the two lists below is not observed: {made}. "
        "Every estimate on this page shows what the method gives on such data, not a "
        "finding about Los Angeles.")


def coverage_table(validation: pl.DataFrame) -> pl.DataFrame:
    """:func:`analysis.capture_sim.coverage`'s table with readers' headers and rounding."""
    return validation.select(
        "scenario", pl.col("true_odds_ratio").alias("true odds ratio"), "draws",
        pl.col("in_range").replace_strict({True: "yes", False: "no"}, return_dtype=pl.String)
        .alias("within the odds ratios allowed"),
        pl.col("coverage_range").round(3).alias("range holds the truth (share of draws)"),
        pl.col("coverage_single").round(3)
        .alias("single independent estimate's interval holds it"),
        pl.col("bias_single_pct").round(1).alias("single estimate's bias (%)"),
        pl.col("range_width_pct").round(0).alias("range width (% of the truth)"))


def _at_most(share: float) -> str:
    return "none of the draws" if share == 0 else f"at most {share:.0%} of the draws"


def coverage_text(validation: pl.DataFrame) -> Markdown:
    """What the validation shows, in one paragraph."""
    inside = validation.filter(pl.col("in_range"))
    outside = validation.filter(~pl.col("in_range"))
    dependent = inside.filter(pl.col("true_odds_ratio") != 1.0)
    text = (f"Where the true odds ratio lies within the range allowed, the reported range "
            f"held the true unfound count in {inside['coverage_range'].min():.0%} to "
            f"{inside['coverage_range'].max():.0%} of the draws")
    if dependent.height:
        text += ("; the single estimate under independence, with its interval, held it in "
                 f"{_at_most(dependent['coverage_single'].max())} when the lists were "
                 "dependent")
    if outside.height:
        text += (f". Outside the range allowed the range held it in "
                 f"{_at_most(outside['coverage_range'].max())}: it is only as wide as the "
                 "dependence it allows")
    return Markdown(text + ".")


def __dir__() -> list[str]:
    return sorted(__all__)
