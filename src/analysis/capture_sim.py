"""Does the capture-recapture range hold the truth? Coverage on simulated universes where
the number of convictions neither list found is known.

Each :class:`Scenario` fixes the true number of eligible convictions per stratum, the
chance that each list finds one, and the true odds ratio between the lists (1 for
independent lists). :func:`simulate` draws the observed cells of many universes;
:func:`coverage` computes on every draw the range the page reports (Chapman's estimate
with its Seber interval, for each stratification, pooled and by stratum, and each odds
ratio the page allows, from the lowest lower bound to the highest upper bound) and says
how often it holds the true unfound count, beside the single estimate under
independence the page used to report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from .capture import CONFIDENCE, ODDS_RATIOS, lognormal_interval, unfound

__all__ = ["SCENARIOS", "Scenario", "coverage", "reported_range", "simulate"]


@dataclass(frozen=True)
class Scenario:
    """Synthetic strata with known truth: sizes, the two lists' capture chances and the
    odds ratio between them (the same in every stratum)."""

    name: str
    sizes: tuple[int, ...]
    p_doj: tuple[float, ...]
    p_court: tuple[float, ...]
    dependence: float = 1.0  # odds ratio of court capture given DOJ capture; 1 = independent


# Four strata shaped like the felonies both lists searched (decades from the first year
# of the court records), capture by the court rising with time.
_SIZES = (9_000, 21_000, 20_000, 6_000)
_P_DOJ = (0.60, 0.62, 0.58, 0.55)
_P_COURT = (0.65, 0.78, 0.86, 0.90)

SCENARIOS = (
    Scenario("lists negatively dependent (odds ratio 0.5)", _SIZES, _P_DOJ, _P_COURT, 0.5),
    Scenario("lists independent (odds ratio 1)", _SIZES, _P_DOJ, _P_COURT, 1.0),
    Scenario("lists positively dependent (odds ratio 2)", _SIZES, _P_DOJ, _P_COURT, 2.0),
    Scenario("small strata, odds ratio 2 (4 x 400 convictions)", (400, 400, 400, 400),
             (0.35, 0.45, 0.50, 0.40), (0.40, 0.35, 0.55, 0.60), 2.0),
    Scenario("outside the range allowed: odds ratio 3", _SIZES, _P_DOJ, _P_COURT, 3.0),
)


def simulate(scenario: Scenario, draws: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Cells (draws x strata) of ``draws`` independent universes of ``scenario``, and
    ``unfound``, the true count neither list found in each."""
    size = np.array(scenario.sizes)
    p1, p2 = np.array(scenario.p_doj), np.array(scenario.p_court)
    # court capture given DOJ capture / given not: odds ratio ``dependence`` between
    # them, with the marginal court capture held at p2 (solved per stratum)
    q1, q0 = _conditional(p1, p2, scenario.dependence)
    shape = (draws, len(size))
    n1 = rng.binomial(size, p1, shape)
    both = rng.binomial(n1, np.broadcast_to(q1, shape))
    court_only = rng.binomial(size - n1, np.broadcast_to(q0, shape))
    return {"both": both, "doj_only": n1 - both, "court_only": court_only,
            "unfound": size - n1 - court_only}


def _conditional(p1, p2, odds_ratio: float):
    """P(court | DOJ) and P(court | not DOJ) with the given odds ratio, marginal p2."""
    if odds_ratio == 1.0:
        return p2, p2
    lo, hi = np.zeros_like(p2), np.ones_like(p2)
    for _ in range(60):  # bisection on q0 so that p1 q1 + (1 - p1) q0 = p2
        q0 = (lo + hi) / 2
        odds = odds_ratio * q0 / (1 - q0)
        q1 = odds / (1 + odds)
        too_high = p1 * q1 + (1 - p1) * q0 > p2
        lo, hi = np.where(too_high, lo, q0), np.where(too_high, q0, hi)
    q0 = (lo + hi) / 2
    odds = odds_ratio * q0 / (1 - q0)
    return odds / (1 + odds), q0


def _total(cells, odds_ratio: float, confidence: float):
    """Sum over strata (axis 1) of the unfound estimate, and its interval."""
    f0, var = unfound(cells["both"], cells["doj_only"], cells["court_only"], odds_ratio)
    f0, var = f0.sum(axis=1), var.sum(axis=1)
    low, high = lognormal_interval(0.0, f0, var, confidence)
    return f0, low, high


def reported_range(cells: dict[str, np.ndarray], odds_ratios: Sequence[float] = ODDS_RATIOS,
                   confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Per draw, the range the page reports: over the two stratifications (by stratum,
    and all strata pooled) and ``odds_ratios``, the lowest lower and highest upper
    bound."""
    pooled = {k: cells[k].sum(axis=1, keepdims=True) for k in ("both", "doj_only",
                                                               "court_only")}
    bounds = [_total(c, theta, confidence)[1:] for c in (cells, pooled)
              for theta in odds_ratios]
    return (np.min([b[0] for b in bounds], axis=0), np.max([b[1] for b in bounds], axis=0))


def coverage(draws: int = 200, seed: int = 7, confidence: float = CONFIDENCE,
             odds_ratios: Sequence[float] = ODDS_RATIOS,
             scenarios: tuple[Scenario, ...] = SCENARIOS) -> pl.DataFrame:
    """How often the reported range holds the true unfound count, per scenario.

    Columns: ``scenario``, ``true_odds_ratio``, ``in_range`` (whether the scenario's
    odds ratio lies within ``odds_ratios``), ``draws``, ``coverage_range``,
    ``coverage_single`` (the stratified estimate under independence and its interval,
    the page's former headline), ``bias_single_pct`` (its mean error, % of the truth)
    and ``range_width_pct`` (the range's mean width, % of the truth).
    """
    rng = np.random.default_rng(seed)
    rows = []
    for sc in scenarios:
        cells = simulate(sc, draws, rng)
        truth = cells["unfound"].sum(axis=1)
        low, high = reported_range(cells, odds_ratios, confidence)
        single, s_low, s_high = _total(cells, 1.0, confidence)
        rows.append({
            "scenario": sc.name, "true_odds_ratio": sc.dependence,
            "in_range": bool(min(odds_ratios) <= sc.dependence <= max(odds_ratios)),
            "draws": draws,
            "coverage_range": float(np.mean((low <= truth) & (truth <= high))),
            "coverage_single": float(np.mean((s_low <= truth) & (truth <= s_high))),
            "bias_single_pct": float(100 * np.mean((single - truth) / truth)),
            "range_width_pct": float(100 * np.mean((high - low) / truth)),
        })
    return pl.DataFrame(rows)


def __dir__() -> list[str]:
    return sorted(__all__)
