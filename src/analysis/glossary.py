"""The site's glossary: the legal and counting terms its pages use, each with the sources
its facts come from, and the links pages make to it where a term first appears.

Light on purpose (no polars, no IPython): the terms are data; the glossary page
(``notebooks/09_glossary.py``) shows them, citing each source through
:mod:`analysis.citations`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

__all__ = ["PAGE", "TERMS", "Term", "anchors", "html_list", "link"]

PAGE = "glossary.html"  # the glossary's file in the published site


@dataclass(frozen=True)
class Term:
    """One entry: its anchor, the term, the definition, and where the facts come from
    (a source key or gathered fact's claim id for :func:`analysis.citations.cite_ref`,
    or a citation in words: a statute, another page of the site)."""

    key: str
    term: str
    text: str
    sources: tuple[str, ...] = ()


_CODE = "California Health and Safety Code section"
_DAILY_BREEZE = ("Daily Breeze, \u201cSouthern California counties clear 100,000 cannabis "
                 "convictions by July 1 deadline\u201d, 2020-07-03")

TERMS: tuple[Term, ...] = (
    Term("hs-11357", "HS 11357 (possession)",
         "The section of the state's Health and Safety Code on possessing cannabis. The "
         "site counts its convictions as possession. News reports describe the September "
         "2021 motion's misdemeanors as possession and use.",
         (f"{_CODE} 11357", "entrepreneur")),
    Term("hs-11358", "HS 11358 (cultivation)",
         "The section on growing, harvesting or processing cannabis plants. The site "
         "counts its convictions as cultivation. The February 2020 motion's felonies "
         "were reported as sales and cultivation.",
         (f"{_CODE} 11358", "feb2020")),
    Term("hs-11359", "HS 11359 (possession for sale)",
         "The section on possessing cannabis in order to sell it. The site calls these "
         "convictions possession for sale.",
         (f"{_CODE} 11359",)),
    Term("hs-11360", "HS 11360 (sale or transport)",
         "The section on selling, transporting, giving away or importing cannabis. The "
         "site calls these convictions sale or transport.",
         (f"{_CODE} 11360",)),
    Term("charge-level", "Charge level: felony, misdemeanor, infraction",
         "How serious the law ranks an offense. A felony is the most serious level and "
         "can carry a prison term; a misdemeanor carries at most a term in county jail; "
         "an infraction carries only a fine. The February 2020 motion was mostly "
         "felonies (62,000 of about 66,000); the September 2021 motion held felonies "
         "and misdemeanors.",
         ("California Penal Code sections 17, 19 and 19.6", "facts-03", "upi")),
    Term("dismissal", "Dismissal",
         "A court order that sets a conviction aside. In both motions the District "
         "Attorney asked the county's Superior Court to dismiss every conviction on a "
         "list at once, instead of each person petitioning on their own.",
         ("facts-03", "upi")),
    Term("sealing", "Sealing",
         "Closing a court record to the public, so that employers and landlords do not "
         "find it. Dismissal and sealing are separate steps: in 2021 the District "
         "Attorney said prosecutors would seek a blanket court order sealing the "
         "records of the convictions being dismissed.",
         ("upi", "leafnation", "blog")),
    Term("redesignation", "Redesignation (resentencing)",
         "Reclassifying a conviction as a lesser offense, for example a felony as a "
         "misdemeanor, for conduct that Proposition 64 made less serious or legal. AB "
         "1793 asked the state to find convictions eligible for this as well as for "
         "dismissal.",
         (f"{_CODE} 11361.8 (added by Proposition 64)", "feb2020")),
    Term("expungement", "\u201cExpungement\u201d",
         "The everyday word news reports use for clearing a record, as in \u201cmore than "
         "123,000 expungements\u201d. The motions themselves asked for dismissal, and "
         "the law speaks of dismissal, redesignation and sealing as separate steps; "
         "this site uses those words.",
         ("entrepreneur", "blog")),
    Term("ab-1793", "AB 1793",
         "A 2018 state law that required the state Department of Justice to go through "
         "its records and find the cannabis convictions eligible for dismissal or "
         "redesignation, and gave each county's District Attorney until July 1, 2020 to "
         "accept or challenge its recommendations. The "
         "February 2020 motion was built from that list, so it held only convictions "
         "in the state's records; the September 2021 motion added convictions found in "
         "county court records.",
         ("feb2020", "entrepreneur", "blog", _DAILY_BREEZE)),
    Term("prop-64", "Proposition 64",
         "The measure California voters passed in November 2016 that made adult "
         "recreational cannabis use legal and let people with past cannabis "
         "convictions ask a court to clear or reduce them.",
         ("feb2020", "upi", "entrepreneur")),
    Term("conviction-case-count", "Conviction, case and count",
         "A court case is one prosecution under one case number. It can charge several "
         "counts (one per offense charged), and each count that ended in a guilty "
         "finding is a conviction. This site counts convictions: a case with two "
         "convicted counts is two convictions, and one person can hold several. News "
         "reports use \u201ccases\u201d and \u201cconvictions\u201d for the same figures; the "
         "reconciliation page shows what the difference would change.",
         ("upi", "blog", "entrepreneur", "the reconciliation page of this site")),
    Term("motions", "The two motions",
         "The February 2020 motion (the District Attorney's request to dismiss the "
         "convictions the state's records listed) and the September 2021 motion (a "
         "second request, for convictions later found in county court records).",
         ("facts-03", "upi")),
)


def anchors() -> set[str]:
    """Every anchor the glossary page defines."""
    return {t.key for t in TERMS}


def link(key: str, text: str | None = None) -> str:
    """A Markdown link to a term: ``[AB 1793](glossary.html#ab-1793)``."""
    if key not in anchors():
        raise KeyError(f"no glossary term {key!r}")
    term = next(t for t in TERMS if t.key == key)
    return f"[{text or term.term}]({PAGE}#{key})"


def html_list(cite=str, keys: set[str] | None = None) -> str:
    """The glossary (or the entries of ``keys``) as an HTML definition list, each term
    with its anchor and its sources (``cite`` turns a source key into a citation in
    words)."""
    items = []
    for t in TERMS:
        if keys is not None and t.key not in keys:
            continue
        said = "; ".join(html.escape(cite(s)) for s in t.sources)
        items.append(f'<dt id="{t.key}">{html.escape(t.term)}</dt>'
                     f"<dd><p>{html.escape(t.text)}</p>"
                     + (f'<p class="lacra-basis">Sources: {said}.</p>' if said else "")
                     + "</dd>")
    return f'<dl class="lacra-glossary">{"".join(items)}</dl>'


def __dir__() -> list[str]:
    return sorted(__all__)
