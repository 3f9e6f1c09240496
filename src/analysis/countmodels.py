"""Count models with an honest choice between Poisson and negative binomial.

:func:`fit_counts` fits a Poisson GLM (statsmodels) and keeps it unless one of two tests
of its fit rejects (:class:`Dispersion`): the Cameron-Trivedi test of overdispersion and
the Pearson chi-square goodness-of-fit test; then it refits a negative binomial (NB2)
GLM. :mod:`analysis.stats` and :mod:`analysis.prop64` build on it.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

__all__ = ["DISPERSION_LEVEL", "Dispersion", "Fit", "NEGATIVE_BINOMIAL", "POISSON",
           "fit_counts", "overdispersion"]

POISSON = "Poisson GLM"
NEGATIVE_BINOMIAL = "negative binomial GLM (NB2)"
DISPERSION_LEVEL = 0.05  # one-sided level of the overdispersion test


@dataclass(frozen=True)
class Dispersion:
    """Two tests of a Poisson fit against overdispersion.

    The Cameron-Trivedi test of Var(y) = mu + alpha * mu^2 against alpha = 0 has little
    power with a handful of counts (six years, two levels), where a series that moves far
    more than Poisson noise can still pass it. The Pearson chi-square goodness-of-fit test
    (X2 against chi-square on the residual df) catches those: either test rejecting means
    the negative binomial model.
    """

    alpha: float  # estimated overdispersion
    statistic: float  # t statistic of alpha
    p_value: float  # one-sided, Cameron-Trivedi
    pearson_ratio: float  # Pearson chi-square / residual df (about 1 without overdispersion)
    df_resid: int
    pearson_p_value: float = math.nan  # upper tail of chi-square(df_resid) at Pearson X2

    @property
    def overdispersed(self) -> bool:
        return self.df_resid > 0 and (self.p_value < DISPERSION_LEVEL
                                      or self.pearson_p_value < DISPERSION_LEVEL)

    def describe(self) -> str:
        if self.df_resid <= 0:
            return ("one count per group: overdispersion cannot be tested, so the Poisson "
                    "model is used and its intervals may be too narrow")
        found = [name for name, p in (("Cameron-Trivedi", self.p_value),
                                      ("Pearson", self.pearson_p_value))
                 if p < DISPERSION_LEVEL]
        verdict = (f"overdispersed ({' and '.join(found)}): negative binomial model used"
                   if self.overdispersed
                   else "no evidence of overdispersion: Poisson model kept")
        return (f"Cameron-Trivedi test t = {self.statistic:.2f} (one-sided "
                f"{_p_text(self.p_value)}); Pearson chi-square / df = "
                f"{self.pearson_ratio:.2f} ({_p_text(self.pearson_p_value)}, "
                f"{self.df_resid} df); {verdict}")


def _p_text(p: float) -> str:
    """A p-value as a page prints it: three figures, or "p < 0.001"."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3g}"


def overdispersion(y: np.ndarray, mu: np.ndarray, df_resid: int) -> Dispersion:
    """The Cameron-Trivedi auxiliary regression and the Pearson chi-square test on a
    Poisson fit's means ``mu`` (see :class:`Dispersion`)."""
    y, mu = np.asarray(y, float), np.asarray(mu, float)
    if df_resid <= 0 or len(y) < 2:
        return Dispersion(math.nan, math.nan, math.nan, math.nan, df_resid)
    z = ((y - mu) ** 2 - y) / mu
    alpha = float((mu * z).sum() / (mu**2).sum())
    resid = z - alpha * mu
    s2 = float((resid**2).sum() / (len(y) - 1))
    se = math.sqrt(s2 / float((mu**2).sum())) if s2 > 0 else math.nan
    t = alpha / se if se and se > 0 else (math.inf if alpha > 0 else 0.0)
    p = float(sps.t.sf(t, len(y) - 1)) if math.isfinite(t) else (0.0 if t > 0 else 1.0)
    x2 = float((((y - mu) ** 2) / mu).sum())
    return Dispersion(alpha, float(t), p, x2 / df_resid, df_resid,
                      float(sps.chi2.sf(x2, df_resid)))


@dataclass
class Fit:
    """A fitted count model and how it was chosen."""

    result: object  # statsmodels GLMResults
    model: str
    dispersion: Dispersion
    alpha: float | None  # NB2 dispersion used, or None for Poisson


def fit_counts(y: np.ndarray, x: np.ndarray, offset: np.ndarray | None = None) -> Fit:
    """Poisson GLM; negative binomial GLM instead when either test finds overdispersion."""
    import statsmodels.api as sm
    from statsmodels.discrete.discrete_model import NegativeBinomial

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        poisson = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit()
        test = overdispersion(y, poisson.fittedvalues, int(round(poisson.df_resid)))
        if not test.overdispersed:
            return Fit(poisson, POISSON, test, None)
        # alpha by maximum likelihood, then the GLM with that alpha for inference
        nb = NegativeBinomial(y, x, offset=offset).fit(disp=0, maxiter=500)
        alpha = float(nb.params[-1])
        glm = sm.GLM(y, x, family=sm.families.NegativeBinomial(alpha=alpha),
                     offset=offset).fit()
    return Fit(glm, NEGATIVE_BINOMIAL, test, alpha)


def __dir__() -> list[str]:
    return sorted(__all__)
