"""What the disparities page finds, and what dominates the uncertainty of its ratios
(page 04): the sensitivity table, the plain statement of what moves the ratios most,
and the page's opening findings, all from its protected count tables."""

from __future__ import annotations

import math

import polars as pl
from IPython.display import Markdown

from .. import disparity, words
from ..release import CountTable
from .tables import data_tag

__all__ = ["dominance", "findings", "sensitivity", "shown_sensitivity"]

RACE = "race_ethnicity"
UNKNOWN = "Unknown"


def _shown(table: CountTable) -> pl.DataFrame:
    return table.protected(as_text=False).with_columns(pl.col(RACE).cast(pl.String))


def _by_motion(motions: CountTable, groups: list[str]) -> tuple[dict, dict] | None:
    """Convictions of ``groups`` in each motion, or None when the list holds one motion
    or a count needed is hidden."""
    shown = _shown(motions)
    out = []
    for batch in ("feb2020", "sep2021"):
        rows = shown.filter(pl.col("batch") == words.MOTION_LABELS[batch])
        if rows.height == 0:
            return None
        found = dict(rows.select(RACE, "convictions").iter_rows())
        if any(g in found and found[g] is None for g in groups):
            return None
        out.append({g: found.get(g) or 0 for g in groups})
    return out[0], out[1]


def sensitivity(rates: CountTable, motions: CountTable, population: pl.DataFrame,
                other_population: pl.DataFrame, *, reference: str,
                eligible: int | None) -> pl.DataFrame | None:
    """The ratios of :func:`analysis.disparity.sensitivity` from the counts the page
    shows, one column per group compared; None when no ratio can be shown.
    ``eligible`` is a published estimate of all eligible convictions (the unfound are
    those beyond the list's)."""
    shown = _shown(rates)
    if reference not in shown[RACE].to_list():
        return None
    counts = {g: c for g, c in shown.select(RACE, "convictions").iter_rows()
              if c is not None and g != UNKNOWN}
    if not counts.get(reference):
        return None
    unknown = rates.value("convictions", absent=0, race_ethnicity=UNKNOWN)
    total = None if shown["convictions"].null_count() else int(shown["convictions"].sum())
    unfound = None if total is None or eligible is None else max(eligible - total, 0)
    pops = population.with_columns(pl.col(RACE).cast(pl.String))
    try:
        return disparity.sensitivity(
            counts, pops, reference=reference, unknown=unknown,
            population_other=other_population.with_columns(pl.col(RACE).cast(pl.String)),
            unfound=unfound, by_motion=_by_motion(motions, list(counts)))
    except ValueError:  # the reference group has no residents
        return None


def shown_sensitivity(table: pl.DataFrame) -> pl.DataFrame:
    """The sensitivity ratios to two decimals, blank where a scenario cannot be worked
    out."""
    return table.with_columns(pl.col(c).map_elements(lambda v: f"{v:.2f}",
                                                     return_dtype=pl.String).fill_null("")
                              for c in table.columns[2:])


def _spreads(table: pl.DataFrame, group: str) -> list[tuple[str, float, float]]:
    """Each uncertainty's lowest and highest ratio for ``group`` (the page's own ratio
    included), widest first on the log scale."""
    central = table[group][0]
    out = []
    for what in dict.fromkeys(table["uncertainty"].to_list()[1:]):
        values = [v for v in table.filter(pl.col("uncertainty") == what)[group].to_list()
                  if v is not None and v > 0]
        if values:
            out.append((what, min(values + [central]), max(values + [central])))
    return sorted(out, key=lambda s: -math.log(s[2] / s[1]))


def _focus(ratios: CountTable, reference: str) -> dict | None:
    """The compared group with the highest ratio shown, or None."""
    shown = _shown(ratios).filter(pl.col(RACE) != reference, pl.col("ratio_low").is_not_null())
    return None if shown.height == 0 else shown.sort("ratio", descending=True).row(
        0, named=True)


def _weighed(table: pl.DataFrame | None, ratios: CountTable, reference: str) -> dict | None:
    """The headline group, its counting interval, each uncertainty's spread and the
    spread of them all; None when no ratio can be shown."""
    focus = _focus(ratios, reference)
    if table is None or focus is None or focus[RACE] not in table.columns:
        return None
    spreads = _spreads(table, focus[RACE])
    missing = [w for w in dict.fromkeys(table["uncertainty"].to_list()[1:])
               if w not in {s[0] for s in spreads}]
    return {"focus": focus, "spreads": spreads, "missing": missing,
            "low": min([focus["ratio_low"], *(s[1] for s in spreads)]),
            "high": max([focus["ratio_high"], *(s[2] for s in spreads)])}


NOTHING = "no ratio can be shown on this list, so there is nothing to weigh."


def dominance(table: pl.DataFrame | None, ratios: CountTable, reference: str) -> Markdown:
    """The plain statement of what dominates the uncertainty of the headline ratio."""
    w = _weighed(table, ratios, reference)
    if w is None:
        return Markdown(f"**What dominates the uncertainty:** {NOTHING}")
    focus = w["focus"]
    parts = "; ".join(f"{what}, {lo:.2f} to {hi:.2f}" for what, lo, hi in w["spreads"])
    inside = w["low"] >= focus["ratio_low"] and w["high"] <= focus["ratio_high"]
    verdict = ("On this list they move it less than chance in the counting does."
               if inside else "The interval says how precisely this list is counted, not "
               "how precisely the disparity is known.")
    return Markdown(
        f"**What dominates the uncertainty.** For {focus[RACE]} residents, chance in the "
        f"counting alone allows {focus['ratio_low']:.2f} to {focus['ratio_high']:.2f} (the "
        "interval above). The choices the rate rests on, widest first: "
        f"{parts or 'none could be worked out on this list'}. Across them the ratio runs "
        f"from {w['low']:.2f} to {w['high']:.2f}; they are what-ifs, not bounds. {verdict}"
        + _missing(w))


def _missing(w: dict) -> str:
    """The uncertainties a list cannot weigh, as a closing sentence."""
    if not w["missing"]:
        return ""
    return (f" Not weighed on this list ({'; '.join(w['missing'])}): a count they need "
            "is hidden, or the list holds one motion.")


def _sure_line(table: pl.DataFrame | None, ratios: CountTable, reference: str) -> str:
    """The findings' short version of :func:`dominance`."""
    w = _weighed(table, ratios, reference)
    if w is None:
        return NOTHING[0].upper() + NOTHING[1:]
    focus, top = w["focus"], [what for what, lo, hi in w["spreads"][:2] if hi / lo > 1.05]
    counted = (f"Chance in the counting allows {focus['ratio_low']:.2f} to "
               f"{focus['ratio_high']:.2f} for {focus[RACE]} residents")
    if w["low"] >= focus["ratio_low"] and w["high"] <= focus["ratio_high"]:
        return (f"{counted}; on this list the what-ifs of the sensitivity table move the "
                "ratio less than that." + _missing(w))
    most = f", most of all {' and '.join(top)}" if top else ""
    return (f"{counted}, but the choices behind the rate move it further ({w['low']:.2f} "
            f"to {w['high']:.2f} across the what-ifs of the sensitivity table{most}). The "
            "ratio is known less precisely than its interval suggests.")


def _years_line(fitted: pl.DataFrame | None, step: int | None) -> str | None:
    """The step in plain words, or None when no step was fitted."""
    if fitted is None or fitted["step_ratio"][0] is None:
        return None
    row = fitted.row(0, named=True)
    with_step, without = row["pearson_ratio"], row["pearson_without_step"]
    line = (f"Dismissed convictions jump about {row['step_ratio']:.1f}-fold in {step}, the "
            "first year the county's court search covers, and the trend allows for it.")
    if with_step is None or without is None:
        return line
    if without > 1.5 and without > 2 * with_step:
        return (f"{line} A smooth curve without the step misses the years by far more than "
                f"chance (scatter {without:.1f} times chance, against {with_step:.1f} with "
                "the step).")
    return (f"{line} On this list the step changes little in how well the curve fits "
            f"(scatter {without:.1f} times chance without it, {with_step:.1f} with it).")


def _rates_line(rates: CountTable, ratios: CountTable, reference: str, per: int) -> str:
    focus = _focus(ratios, reference)
    shown = {r[RACE]: r for r in _shown(rates).iter_rows(named=True)}
    ref = shown.get(reference)
    if focus is None or ref is None or ref["conviction_rate"] is None:
        return ("No rate ratio can be shown on this list (the reference group's counts "
                "are missing or hidden); the rates below stand alone.")
    g, mine = focus[RACE], shown[focus[RACE]]
    others = ", ".join(f"{r[RACE]} {r['ratio']:.2f}" for r in _shown(ratios).sort(
        "ratio", descending=True).iter_rows(named=True)
        if r[RACE] not in (g, reference) and r["ratio_low"] is not None)
    return (f"{g} residents had {mine['conviction_rate']:.1f} dismissed convictions per "
            f"{per:,} residents ({mine['people_rate']:.1f} people with one), against "
            f"{ref['conviction_rate']:.1f} ({ref['people_rate']:.1f} people) for "
            f"{reference} residents: {focus['ratio']:.2f} times the {reference} rate (95% "
            f"interval {focus['ratio_low']:.2f} to {focus['ratio_high']:.2f}, counting each "
            f"person once). " + (f"Ratios of the other groups: {others}." if others else ""))


def findings(rates: CountTable, ratios: CountTable, sens: pl.DataFrame | None,
             fitted: pl.DataFrame | None, *, reference: str, per: int, step: int | None,
             population_year: int) -> Markdown:
    """What the page finds, in plain words, each with what it rests on."""
    lines = [f"- **Rates.** {_rates_line(rates, ratios, reference, per)}"]
    lines.append(f"- **How sure.** {_sure_line(sens, ratios, reference)}")
    years = _years_line(fitted, step)
    if years:
        lines.append(f"- **Years.** {years}")
    spread = "; the spread, the what-ifs of the sensitivity table below" if sens is not None \
        else ""
    lines.append(f"- **Rests on:** counts, {data_tag()}; residents, published (US Census "
                 f"Bureau, {population_year}){spread}. No Census count by race for the "
                 "years of conviction was found, so every rate is per resident of one "
                 "recent year.")
    return Markdown("\n".join(lines))


def __dir__() -> list[str]:
    return sorted(__all__)
