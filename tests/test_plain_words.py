"""Plain words everywhere a reader looks: parameter lines, ranges, model names, offense
types; no code name on a rendered page; every glossary link lands on a term."""

from __future__ import annotations

import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest

from analysis import glossary, words
from analysis.qualifiers import Interval
from analysis.release.tables import labelled

# Code names that must never reach a reader (visible text, hovers, chart titles and
# tooltips, chart axis labels), each with what shows it.
CODE_NAMES = {
    "possession_for_sale": re.compile(r"possession_for_sale"),
    "sale_transport": re.compile(r"sale_transport"),
    "charge_level": re.compile(r"charge_level"),
    "race_ethnicity": re.compile(r"race_ethnicity"),
    "a parameter assignment": re.compile(r"\b(group_by|batch|level|agency) = "),
    "a motion code before a count": re.compile(r"\b(feb2020|sep2021) \d"),
    "a measure code": re.compile(r"\b(share_(latino|black|white|other)|convictions|felonies|"
                                 r"misdemeanors|people|span_years)_20(20|21)\b"),
    "interval notation": re.compile(r"[\[(]-?[\d,.]+, -?[\d,.]+[\])]|, ∞\)"),
    "a True/False cell": re.compile(r"^(True|False)$"),
    "a raw model name": re.compile(r"\bNB2\b|GLM"),
}


class _Reader(HTMLParser):
    """What a reader sees of a page: text outside scripts and styles, and the hovers
    (title, alt, aria-label) except the header's note naming the CSV column; the chart
    specs on the side."""

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.specs: list[dict] = []
        self._skip = 0
        self._spec = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
            self._spec = "lacra-chart-spec" in (attrs.get("class") or "")
        for key in ("title", "alt", "aria-label"):
            value = attrs.get(key)
            if value and not value.endswith(" in the CSV") and tag != "abbr":
                self.text.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
            self._spec = False

    def handle_data(self, data):
        if self._spec:
            self.specs.append(json.loads(data))
        elif not self._skip and data.strip():
            self.text.append(data.strip())


def _chart_words(spec: dict) -> list[str]:
    """The titles and labels a chart shows: encoding titles (a field's name when it has
    none), tooltip titles, and the values of its nominal fields."""
    out: list[str] = []
    values = [row for rows in spec.get("datasets", {}).values() for row in rows]

    def walk(node):
        if isinstance(node, dict):
            for channel, enc in (node.get("encoding") or {}).items():
                for e in enc if isinstance(enc, list) else [enc]:
                    if not isinstance(e, dict) or "field" not in e:
                        continue
                    if channel != "tooltip" and e.get("title") is None and "title" in e:
                        pass  # a title set to nothing shows nothing
                    else:
                        out.append(str(e.get("title", e["field"])))
                    if e.get("type") == "nominal":
                        out.extend(str(r.get(e["field"])) for r in values
                                   if r.get(e["field"]) is not None)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return out


def _seen(path: Path) -> list[str]:
    page = _Reader()
    page.feed(path.read_text(encoding="utf-8"))
    return page.text + [w for spec in page.specs for w in _chart_words(spec)]


def test_no_page_shows_a_code_name(rendered_site):
    pages = sorted(rendered_site.glob("*.html"))
    assert len(pages) > 2
    found = {}
    for path in pages:
        for text in _seen(path):
            for what, pattern in CODE_NAMES.items():
                if pattern.search(text):
                    found.setdefault(f"{path.name}: {what}", text[:120])
    assert found == {}


@pytest.mark.parametrize(("text", "what"), [
    ("Parameters: batch = sep2021, group_by = jurisdiction", "a parameter assignment"),
    ("123,600 conviction counts (feb2020 65,700, sep2021 57,900)",
     "a motion code before a count"),
    ("share_latino_2020: all sources", "a measure code"),
    ("the headline says nearly 30,000 ([28,500, 30,000))", "interval notation"),
    ("[2,000, ∞)", "interval notation"),
    ("negative binomial GLM (NB2)", "a raw model name"),
])
def test_the_code_name_patterns_catch_what_pages_used_to_show(text, what):
    assert CODE_NAMES[what].search(text)
    assert not any(p.search(words.parameter_text({"batch": "sep2021"}))
                   for p in CODE_NAMES.values())


@pytest.mark.parametrize(("parameters", "expected"), [
    ({"batch": "sep2021", "group_by": "jurisdiction"},
     "September 2021 motion, counted by jurisdiction"),
    ({"batch": "feb2020", "level": "felony", "group_by": "offense_type,race_ethnicity"},
     "February 2020 motion, felony convictions only, counted by offense type and "
     "race/ethnicity"),
    ({"group_by": "conviction_decade,charge_level", "year_from": 1990, "year_to": 0},
     "counted by decade of conviction and charge level, convicted in 1990 or later"),
    ({"agency": "Long Beach city prosecutor"},
     "convictions filed by the Long Beach city prosecutor"),
    ({"seed": 7}, "seed: 7"),
    ({}, ""),
])
def test_parameters_read_as_words(parameters, expected):
    assert words.parameter_text(parameters) == expected


@pytest.mark.parametrize(("interval", "expected"), [
    (Interval(28_500, 30_000, hi_open=True), "28,500 to just under 30,000"),
    (Interval(57_000, 59_000), "57,000 to 59,000"),
    (Interval(30, 40, lo_open=True), "more than 30 up to 40"),
    (Interval(2_000, math.inf), "2,000 or more"),
    (Interval(218_000, math.inf, lo_open=True), "more than 218,000"),
    (Interval(100, 100), "exactly 100"),
    (Interval(1973, 1977, calendar=True), "1973 to 1977"),
])
def test_ranges_read_as_words_and_keep_their_notation(interval, expected):
    assert str(interval) == expected
    assert interval.notation().startswith("(" if interval.lo_open else "[")


@pytest.mark.parametrize(("model", "expected"), [
    ("negative binomial GLM (NB2), alpha = 0.00105; natural cubic spline of year, 6 df",
     "negative binomial model"),
    ("Poisson GLM", "Poisson model"),
    ("something else", "something else"),
])
def test_models_read_as_words(model, expected):
    assert words.model_words(model) == expected


def test_count_tables_name_offense_types_in_words():
    frame = pl.DataFrame({"offense_type": ["possession_for_sale", "sale_transport",
                                           "possession"], "convictions": [3, 2, 1]})
    assert labelled(frame)["offense_type"].to_list() == [
        "possession for sale", "sale or transport", "possession"]


@pytest.mark.parametrize(("scope", "expected"), [
    ("2021 batch", "September 2021 motion"), ("both batches", "both motions"),
    ("statewide", "statewide")])
def test_claim_scopes_read_as_words(scope, expected):
    assert words.scope_label(scope) == expected


def test_every_glossary_term_has_an_anchor_text_and_a_source():
    keys = [t.key for t in glossary.TERMS]
    assert len(keys) == len(set(keys))
    assert all(t.text and t.sources for t in glossary.TERMS)
    listed = glossary.html_list()
    assert all(f'id="{k}"' in listed for k in keys)
    assert {"hs-11357", "hs-11358", "hs-11359", "hs-11360", "sealing", "ab-1793",
            "prop-64", "expungement", "redesignation", "dismissal",
            "conviction-case-count", "charge-level"} <= set(keys)
    with pytest.raises(KeyError, match="no glossary term"):
        glossary.link("nonesuch")


def test_every_glossary_link_on_the_site_lands_on_a_term(rendered_site):
    target = rendered_site / glossary.PAGE
    assert target.is_file()
    defined = set(re.findall(r'\bid="([^"]+)"', target.read_text(encoding="utf-8")))
    linked: dict[str, set[str]] = {}
    for path in rendered_site.glob("*.html"):
        for anchor in re.findall(r'href="glossary\.html#([^"]+)"',
                                 path.read_text(encoding="utf-8")):
            linked.setdefault(anchor, set()).add(path.name)
    assert {"hs-11357", "sealing", "ab-1793"} <= set(linked)
    assert "index.html" in set().union(*linked.values())
    assert {a: sorted(p) for a, p in linked.items() if a not in defined} == {}
