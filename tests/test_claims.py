"""The claims ledger: complete for every source, valid, and its qualifier rule."""

from __future__ import annotations

import ast
import csv
import math
import re
from collections import Counter

import pytest

from analysis import claims, paths, qualifiers
from analysis.claims import ClaimsError
from analysis.qualifiers import Interval, interval, precision

LEDGER = claims.load()
SOURCE_KEYS = [r["source"] for r in csv.DictReader(open(claims.SOURCES, encoding="utf-8"))]

# An independent reading of "a number" in running text: digits (with thousands
# separators) and the number words these sources use, longest phrases first.
NUMBER_WORDS = ("tens of thousands", "hundreds of thousands", "one-third", "two-thirds",
                "half", "quarter", "thousands", "hundreds", "millions", "one", "two", "three",
                "four", "five", "six", "seven", "eight", "nine", "ten", "twenty", "dozen")
TOKEN = re.compile(r"\d[\d,]*\d|\d|\b(?:" + "|".join(NUMBER_WORDS) + r")\b", re.I)


def _tokens(text: str, spans_out: list[tuple[int, int]] = ()) -> Counter:
    found = Counter()
    for m in TOKEN.finditer(text):
        if any(a <= m.start() < b for a, b in spans_out):
            continue
        found[m.group().lower().rstrip(",")] += 1
    return found


def _exclusions(source: str) -> list[dict]:
    with open(claims.EXCLUSIONS, encoding="utf-8") as handle:
        return [r for r in csv.DictReader(handle) if r["source"] == source]


@pytest.mark.parametrize("source", SOURCE_KEYS)
def test_every_number_in_the_source_is_a_claim_or_a_reasoned_exclusion(source, shared_data):
    text = claims.source_text(source)
    excluded = []
    for row in _exclusions(source):
        hits = [(m.start(), m.end()) for m in re.finditer(re.escape(row["context"]), text)]
        assert hits, f"stale exclusion {row['context']!r}: not in the {source} text"
        assert row["reason"].strip(), f"exclusion {row['context']!r} gives no reason"
        excluded += hits
    in_text = _tokens(text, excluded)
    in_ledger = Counter()
    for c in LEDGER:
        if c.source == source:
            in_ledger += _tokens(c.printed)
    missing, invented = in_text - in_ledger, in_ledger - in_text
    assert not missing, f"numbers in {source} missing from the ledger: {dict(missing)}"
    assert not invented, f"ledger figures not printed in {source}: {dict(invented)}"


@pytest.mark.parametrize("claim", LEDGER, ids=lambda c: c.id)
def test_locator_is_in_our_own_words(claim, shared_data):
    words = re.findall(r"[a-z0-9']+", claims.source_text(claim.source).lower())
    runs = {" ".join(words[i:i + 5]) for i in range(len(words) - 4)}
    mine = re.findall(r"[a-z0-9']+", f"{claim.locator} {claim.note}".lower())
    copied = [" ".join(mine[i:i + 5]) for i in range(len(mine) - 4)
              if " ".join(mine[i:i + 5]) in runs]
    assert not copied, f"{claim.id} copies the source: {copied}"


@pytest.mark.parametrize("claim", LEDGER, ids=lambda c: c.id)
def test_printed_figure_matches_the_numeric_figure(claim):
    digits = claim.printed.replace(",", "").split("-")[0].rstrip("%s").split(" ")[0]
    if digits.isdigit() and claim.qualifier != "mid":
        assert float(digits) == claim.figure, claim.id
    assert not claim.interval.empty
    if claim.qualifier in ("none", "about", "approximately"):
        assert claim.face in claim.interval, "a plain or hedged figure admits itself"


def test_ledger_shape():
    ids = [c.id for c in LEDGER]
    assert len(ids) == len(set(ids))
    assert {c.source for c in LEDGER} == set(SOURCE_KEYS)
    # headline figures of both motions and the total are all there
    measures = Counter(c.measure for c in LEDGER)
    assert measures["convictions_2020"] >= 8 and measures["convictions_2021"] >= 12
    assert measures["convictions_both"] == 3


def test_the_ledger_never_reads_the_calibration():
    tree = ast.parse((paths.ROOT / "src/analysis/claims.py").read_text())
    imported = {getattr(n, "module", None) or "" for n in ast.walk(tree)
                if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any("assumptions" in m or "synth" in m for m in imported)


# --- the qualifier rule --------------------------------------------------------------

@pytest.mark.parametrize(("x", "u"), [(66_000, 1_000), (3_700, 100), (60_000, 10_000),
                                      (2_142, 1), (125_000, 1_000), (45, 1), (20, 10)])
def test_precision_is_the_last_nonzero_digit(x, u):
    assert precision(x) == u


@pytest.mark.parametrize(("qualifier", "figure", "printed", "unit", "inside", "outside"), [
    # a bare round figure: rounded at its precision
    ("none", 66_000, "66,000", "", [65_500, 65_700, 66_499], [65_499, 66_501]),
    ("none", 4_000, "4,000", "", [3_600, 3_700, 4_400], [3_599, 4_401]),  # 10% cap
    ("none", 2_142, "2,142", "", [2_142], [2_141, 2_143]),  # exact figures are exact
    # about: one whole unit each way, at most 10%
    ("about", 58_000, "58,000", "", [57_000, 57_900, 59_000], [56_999, 59_001, 55_900]),
    ("approximately", 20_000, "20,000", "", [18_000, 22_000], [17_999, 22_001]),
    ("about", 60_000, "60,000", "", [54_000, 57_900, 66_000], [53_999, 66_001]),
    # nearly: up to 5% below, never the figure itself
    ("nearly", 125_000, "125,000", "", [118_750, 123_600, 124_999], [125_000, 118_749]),
    ("nearly", 60_000, "60,000", "", [57_000, 57_900], [60_000, 56_999, 55_900]),
    ("nearly", 30_000, "30,000", "", [28_500, 29_999], [30_000, 57_900]),
    # more than: above, up to a unit or 10%
    ("more than", 123_000, "123,000", "", [123_001, 123_600, 135_300],
     [123_000, 121_600, 135_301]),
    ("exceed", 123_000, "123,000", "", [123_600], [123_000]),
    ("over", 100_000, "100,000", "", [100_001, 200_000], [100_000, 200_001]),
    ("more than", 30, "three decades", "years", [30.1, 36.7, 40], [30, 40.1]),
    # shares in words: nearer this fraction than any other with denominator <= 5
    ("nearly", 50, "half", "percent", [45, 47, 49.9], [50, 44.9, 55]),
    ("none", 100 / 3, "one-third", "percent", [29.2, 32, 36.6], [29.1, 36.7, 25]),
    # years: exact; mid-decade: years 3 to 7
    ("none", 1961, "1961", "year", [1961], [1960, 1962]),
    ("mid", 1975, "1970s", "year", [1973, 1977], [1972, 1978]),
    # magnitude phrases: lower bounds
    ("thousands", None, "thousands", "people", [2_000, 46_708], [1_999]),
    ("tens of thousands", None, "tens of thousands", "", [20_000, 65_700], [19_999, 9_000]),
])
def test_qualifier_intervals(qualifier, figure, printed, unit, inside, outside):
    admitted = interval(qualifier, figure, printed=printed, unit=unit)
    for x in inside:
        assert x in admitted, f"{qualifier} {printed} should admit {x}: {admitted}"
    for x in outside:
        assert x not in admitted, f"{qualifier} {printed} should not admit {x}: {admitted}"


def test_strict_interval_is_what_a_careful_writer_would_print():
    # 123,600 is "nearly 125,000" only loosely: a careful writer says about 124,000
    assert 123_600 in interval("nearly", 125_000)
    assert 123_600 not in interval("nearly", 125_000, strict=True)
    assert 65_700 in interval("nearly", 66_000, strict=True)
    assert 123_600 in interval("more than", 123_000, strict=True)
    assert 124_500 not in interval("more than", 123_000, strict=True)
    assert 58_900 not in interval("about", 58_000, strict=True)
    assert 58_900 in interval("about", 58_000)


def test_a_range_is_as_precise_as_its_finer_end():
    admitted = interval("about", 218_000, figure_high=220_000)
    assert (admitted.lo, admitted.hi) == (217_000, 221_000)


def test_interval_arithmetic_keeps_open_ends():
    nearly = Interval(57_000, 60_000, hi_open=True)
    exact = Interval(60_000, 60_000)
    assert nearly.intersect(exact).empty
    assert not nearly.overlaps(exact) and nearly.closure.overlaps(exact)
    total = nearly + Interval(62_700, 66_000, hi_open=True)
    assert total.hi_open and (total.lo, total.hi) == (119_700, 126_000)
    rest = Interval(57_000, 59_000) - Interval(18_000, 22_000)
    assert (rest.lo, rest.hi) == (35_000, 41_000)
    assert math.isinf(interval("thousands", None).hi)


def test_rules_table_lists_every_rule_with_an_example():
    table = qualifiers.rules_table()
    assert table.height == len(qualifiers.RULES) == 7
    assert "118,750 to just under 125,000" in table["admits"].to_list()
    assert "1973 to 1977" in table["admits"].to_list()


def test_the_ledger_readme_prints_the_rule_as_the_code_states_it():
    readme = (paths.CLAIMS / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- qualifiers:start -->")[1].split("<!-- qualifiers:end -->")[0]
    assert block.strip() == qualifiers.markdown_table()


# --- validation of the ledger --------------------------------------------------------

def _write(tmp_path, change: dict) -> str:
    rows = list(csv.DictReader(open(claims.LEDGER, encoding="utf-8")))
    rows[0] = rows[0] | change
    path = tmp_path / "claims.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize(("change", "message"), [
    ({"qualifier": "roughly-ish"}, "qualifier 'roughly-ish' is not one of"),
    ({"id": "upi-02"}, "duplicate id"),
    ({"filters": "charge_level=felonious"}, "unknown values ['felonious']"),
    ({"filters": "colour=red"}, "unknown filter 'colour'"),
    ({"figure": "sixty"}, "figure 'sixty' is not a number"),
    ({"figure": ""}, "figure is required"),
    ({"scope": "the moon"}, "scope 'the moon'"),
    ({"locator": "x" * 200}, "locator must be"),
])
def test_a_broken_ledger_is_refused_with_the_line(tmp_path, change, message):
    with pytest.raises(ClaimsError) as err:
        claims.load(_write(tmp_path, change))
    assert re.search(r"claims\.csv:[23] ", str(err.value)) and message in str(err.value)


def test_a_missing_ledger_is_one_clear_error(tmp_path):
    with pytest.raises(ClaimsError, match="no such ledger file"):
        claims.load(tmp_path / "nope.csv")
