"""Disclosure control and reproducibility of the published site, on a canary input.

The canary is the synthetic dataset with a unique marker planted in every text value a
reader must never see: case and person ids, courthouse and subsection free text, and
columns an extract might carry beside the schema (names, dates of birth, notes). The
whole site is rendered on it twice, through the command line, into temporary folders.
No published file, the executed notebooks shipped to readers included, may contain a
marker; the two renders must be byte-identical apart from the render time; and
``analysis verify`` must find the site matching its manifest, then report tampering.
"""

from __future__ import annotations

import base64
import binascii
import csv
import difflib
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from conftest import published_counts, recount, true_count

from analysis import paths
from analysis.site import load_config, plan_pages, verify

pytestmark = pytest.mark.slow

MARK = "QZX"  # every planted value contains it; nothing else in the project does
EXTRA = ("defendant_name", "date_of_birth", "notes")


def _render(data: Path, site: Path, *extra: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "render", "--data", str(data), "--site",
         str(site), "--jobs", "2", "--quiet", *extra],
        capture_output=True, text=True, timeout=1800, cwd=paths.ROOT)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done


@pytest.fixture(scope="module")
def canary(tmp_path_factory, synthetic) -> Path:
    """The synthetic cases with a marker in every text value, plus extra columns."""
    frame = synthetic.with_row_index("_i").with_columns(
        case_id=pl.format(MARK + "C-{}", "case_id"),
        person_id=pl.format(MARK + "P-{}", "person_id"),
        court_location=pl.when(pl.col("court_location").is_not_null())
        .then(pl.format("{} " + MARK + "L{}", "court_location", "_i")),
        hs_subsection=pl.format(MARK + "S{}", pl.col("_i") % 997),
        defendant_name=pl.format(MARK + "N{} Roe", "_i"),
        date_of_birth=pl.format(MARK + "D{}", "_i"),
        notes=pl.format(MARK + "F free text about case {}", "_i"),
    ).drop("_i")
    # three infractions: a group every count table must suppress
    rare = (frame.filter(pl.col("batch") == "sep2021", pl.col("charge_level") == "misdemeanor")
             .head(3).with_columns(charge_level=pl.lit("infraction").cast(frame["charge_level"]
                                                                         .dtype),
                                   case_id=pl.format("{}-I", "case_id")))
    # four convictions of the 1950s: a decade no other row has
    fifties = (frame.filter(pl.col("batch") == "feb2020", pl.col("charge_level") == "felony")
               .head(4).with_columns(conviction_date=pl.date(1956, 3, 1),
                                     case_id=pl.format("{}-F", "case_id")))
    frame = pl.concat([frame, rare, fifties])
    path = tmp_path_factory.mktemp("canary") / "cases.csv"
    frame.write_csv(path)
    return path


# Pages rendered a second time for the reproducibility check: one of each notebook kind
# that reads the case list (rendering all of them twice would double the suite's time).
AGAIN = ("overview", "explorer--race-ethnicity", "disparities", "agency-city-prosecutors",
         "reconciliation")


@pytest.fixture(scope="module")
def sites(tmp_path_factory, canary) -> tuple[Path, Path]:
    """The whole site rendered on the canary; and a copy of it in which the pages of
    ``AGAIN`` were rendered a second time (``--force --only``)."""
    first = tmp_path_factory.mktemp("first") / "site"
    second = tmp_path_factory.mktemp("second") / "site"
    _render(canary, first)
    shutil.copytree(first, second)
    _render(canary, second, "--force", *(f"--only={page}" for page in AGAIN))
    return first, second


def _texts(path: Path) -> list[str]:
    """The file's text, and the text of every base64 payload inside it."""
    raw = path.read_bytes()
    texts = [raw.decode("utf-8", "replace")]
    for blob in re.findall(rb"[A-Za-z0-9+/]{40,}={0,2}", raw):
        try:
            texts.append(base64.b64decode(blob + b"=" * (-len(blob) % 4)).decode(
                "utf-8", "replace"))
        except (binascii.Error, ValueError):
            pass
    return texts


def test_canary_is_valid_and_reaches_every_page(canary, sites):
    site = sites[0]
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    pages = manifest["pages"]
    # every page that reads data says it is not synthetic (the glossary reads none)
    assert pages and all(p["data_source"]["synthetic"] is (False if p["data_source"]["file"]
                                                            else None) for p in pages)
    assert {p["page"] for p in pages} == {p.name for p in plan_pages(
        load_config())}
    # the planted values are really in the input the pages read
    text = canary.read_text(encoding="utf-8")
    assert text.count(MARK) > 5 * 123_600 and all(c in text.splitlines()[0] for c in EXTRA)
    # the manifest declares the release the pages were published under
    assert (site / "release.json").is_file()


def test_no_marker_or_identifier_in_any_published_file(sites):
    site = sites[0]
    files = sorted(p for p in site.rglob("*") if p.is_file())
    kinds = {p.suffix for p in files}
    assert {".html", ".ipynb", ".csv", ".json"} <= kinds
    leaks = []
    for path in files:
        for text in _texts(path):
            for hit in re.finditer(MARK + r"\w*", text):
                leaks.append(f"{path.relative_to(site)}: {hit.group()}")
                break
    assert not leaks, leaks[:20]


def test_no_published_file_names_a_folder_of_this_machine(sites, canary):
    """The data file, the checkout and the shared data are named without their folders
    (``analysis.site.public_path``), in pages, notebooks and the manifest alike."""
    folders = {str(canary.parent), str(paths.ROOT), str(paths.shared_data().resolve()),
               str(paths.shared_data())}
    leaks = []
    for path in sorted(p for p in sites[0].rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8", errors="replace")
        leaks += [f"{path.name}: {folder}" for folder in folders if folder + "/" in text]
    assert not leaks, leaks[:20]
    manifest = json.loads((sites[0] / "manifest.json").read_text(encoding="utf-8"))
    named = {p["parameters"].get("data_path") for p in manifest["pages"]}
    assert named <= {canary.name, None}


def test_published_csvs_carry_no_identifier_columns(sites):
    for path in sites[0].rglob("*.csv"):
        header = path.read_text(encoding="utf-8-sig").splitlines()[0].lower()
        assert not {"case_id", "person_id", *EXTRA} & {c.strip('"') for c in
                                                       header.split(",")}, path


# Columns of published tables that count convictions, cases or people.
COUNTS = {"convictions", "cases", "people", "found by both", "doj only", "court only"}


def test_small_cells_are_suppressed_in_every_csv(sites):
    site = sites[0]
    small = []
    for path in site.rglob("*.csv"):
        for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))):
            for column, value in row.items():
                number = (value or "").replace(",", "")
                if (column or "").lower() in COUNTS and number.isdigit() \
                        and 1 <= int(number) <= 10:
                    small.append(f"{path.relative_to(site)}: {column}={value}")
    assert not small, small
    # the three planted infractions are there, and shown with the one hidden label
    table = (site / "csv" / "overview").glob("*.csv")
    rows = [r for p in table for r in csv.DictReader(io.StringIO(p.read_text("utf-8-sig")))
            if r.get("charge_level") == "infraction"]
    assert rows and all(r["convictions"] == "" and r["convictions_hidden"] == "true"
                        for r in rows), rows


def _cases(canary: Path) -> pl.DataFrame:
    return pl.read_csv(canary, try_parse_dates=True, infer_schema_length=None)


def test_every_published_count_is_its_true_count_or_hidden(sites, canary):
    """Each count a CSV shows, recounted from the canary's rows: it is the true count
    and not from 1 to 10, or it is hidden (and every small one is)."""
    checked, _, wrong = recount(sites[0], _cases(canary))
    assert checked > 500 and not wrong, wrong[:10]


# The planted groups and their true sizes: none may be published in any form.
PLANTED = (("infraction", 3), ("1950s", 4), ("Industry", 3), ("Vernon", 8))


def test_no_count_of_a_planted_group_in_any_file(sites, canary):
    cases = _cases(canary)
    sizes = {"infraction": (cases["charge_level"] == "infraction").sum(),
             "1950s": (cases["conviction_date"].dt.year() < 1960).sum(),
             "Industry": (cases["jurisdiction"] == "Industry").sum(),
             "Vernon": (cases["jurisdiction"] == "Vernon").sum()}
    assert {label: sizes[label] for label, _ in PLANTED} == dict(PLANTED)
    site, leaks, seen = sites[0], [], set()
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        for text in _texts(path):
            for label, n in PLANTED:
                seen |= {label} if label in text else set()
                # the count beside its label: a chart datum, a text alternative, prose
                near = rf"{re.escape(label)}[^{{}}<>\n\d]{{0,40}}\b{n}\b(?![.,]?\d)|" \
                       rf"\b{n}\b[^{{}}<>\n\d]{{0,12}}{re.escape(label)}"
                leaks += [f"{path.relative_to(site)}: {m.group()!r}"
                          for m in re.finditer(near, text)]
    assert seen == {label for label, _ in PLANTED}  # the groups are on the site
    assert not leaks, leaks[:10]


def test_the_audit_passes_the_canary_site(sites):
    done = subprocess.run([sys.executable, "-m", "analysis", "audit", str(sites[0])],
                          capture_output=True, text=True, timeout=600, cwd=paths.ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok:")


def test_a_hidden_count_written_back_fails_the_audit_naming_it(sites, canary, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(sites[0], site)
    cases = _cases(canary)
    release = json.loads((site / "release.json").read_text(encoding="utf-8"))
    cells = {k: v for r in release["releases"] for k, v in r["cells"].items()}
    where, key, truth = next((w, k, true_count(cases, cells[k]))
                             for w, k, text in published_counts(site)
                             if text == "suppressed" and w.startswith("csv/")
                             and 0 < (true_count(cases, cells[k]) or 0) < 11)
    path, rest = where.split(" row ")
    row, column = int(rest.split(" ")[0]), rest.split(" ", 1)[1]
    lines = list(csv.DictReader(io.StringIO((site / path).read_text(encoding="utf-8-sig"))))
    lines[row - 1][column] = str(truth)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(lines[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(lines)
    (site / path).write_text(out.getvalue(), encoding="utf-8-sig")  # the flag still says hidden
    done = subprocess.run([sys.executable, "-m", "analysis", "audit", str(site)],
                          capture_output=True, text=True, timeout=600, cwd=paths.ROOT)
    assert done.returncode == 1, done.stdout
    named = f"row {row}, column {column!r}"
    assert any(named in line and f"shows {truth}" in line
               for line in done.stderr.splitlines()), done.stderr


def _render_time(site: Path) -> list[str]:
    """The render-time strings a site shows (the manifest's timestamps, as printed)."""
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    import datetime as dt

    stamps = {manifest["generated_at"]} | {p["rendered_at"] for p in manifest["pages"]}
    shown = set()
    for stamp in stamps:
        when = dt.datetime.fromisoformat(stamp)
        shown |= {stamp, when.strftime("%Y-%m-%d %H:%M UTC")}
    return sorted(shown, key=len, reverse=True)


def _without_render_time(site: Path, path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    for stamp in _render_time(site):
        text = text.replace(stamp, "<render time>")
    return text


# Notebook metadata that records when and where it ran, not what it computed.
VOLATILE = ("start_time", "end_time", "duration", "output_path", "iopub.execute_input",
            "iopub.status.busy", "iopub.status.idle", "shell.execute_reply", "execution")


def _stable_notebook(path: Path) -> dict:
    def scrub(node):
        if isinstance(node, dict):
            return {k: scrub(v) for k, v in node.items() if k not in VOLATILE}
        if isinstance(node, list):
            return [scrub(v) for v in node]
        return node

    return scrub(json.loads(path.read_text(encoding="utf-8")))


def test_two_renders_are_identical_apart_from_the_render_time(sites):
    first, second = sites
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(second).as_posix() for p in second.rglob("*")
                           if p.is_file())
    assert any(n.endswith(".csv") for n in names)
    for name in names:
        a, b = first / name, second / name
        if name.endswith(".csv"):
            assert a.read_bytes() == b.read_bytes(), name
        elif name.endswith(".html"):
            assert _without_render_time(first, a) == _without_render_time(second, b), name
        elif name.endswith(".ipynb"):
            left, right = _stable_notebook(a), _stable_notebook(b)
            assert left == right, name + "\n" + "\n".join(difflib.unified_diff(
                json.dumps(left, indent=1).splitlines(),
                json.dumps(right, indent=1).splitlines(), lineterm="", n=1))[:4000]
    # the pages compared were really rendered again, and show when
    manifest = json.loads((second / "manifest.json").read_text(encoding="utf-8"))
    again = {p["page"] for p in manifest["pages"] if p["status"] == "rendered"}
    assert again == set(AGAIN)
    assert "<render time>" in _without_render_time(first, first / "index.html")


def test_verify_finds_the_site_matching_then_reports_each_drift(sites, canary, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(sites[0], site)
    drifts, pages = verify(site, data=canary)
    assert drifts == [] and pages == len(plan_pages(load_config()))
    # the data file lies outside the checkout: without --data it cannot be checked
    unknown = verify(site)[0]
    data_pages = [p for p in plan_pages(load_config(), data=canary)
                  if p.parameters.get("data_path")]
    assert {d.kind for d in unknown} == {"input-missing"}
    assert len(unknown) == len(data_pages) and "--data" in str(unknown[0])
    # nor can another file of the same name stand in for it
    impostor = tmp_path / "elsewhere" / canary.name
    impostor.parent.mkdir()
    impostor.write_text(canary.read_text(encoding="utf-8")[:20_000], encoding="utf-8")
    assert {d.kind for d in verify(site, data=impostor)[0]} == {"input-changed"}

    csv = next(site.rglob("*.csv"))
    csv.write_text(csv.read_text(encoding="utf-8") + "tampered\n", encoding="utf-8")
    (site / "overview.ipynb").unlink()
    (site / "stray.html").write_text("<p>not from a render</p>", encoding="utf-8")
    kinds = {(d.kind, d.page) for d in verify(site, data=canary)[0]}
    assert ("missing-file", "overview") in kinds
    assert ("unlisted-file", None) in kinds
    assert any(kind == "changed-file" for kind, _ in kinds)

    # the input the pages were rendered from changes
    original = canary.read_bytes()
    try:
        canary.write_bytes(original + original.splitlines(keepends=True)[1])
        assert {d.kind for d in verify(sites[0], data=canary)[0]} == {
            "input-changed"}
    finally:
        canary.write_bytes(original)
    assert verify(sites[0], data=canary)[0] == []


def test_verify_checks_the_chart_libraries_the_pages_share(sites, canary, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(sites[0], site)
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    [shared] = manifest["assets"]
    with open(site / shared["path"], "a", encoding="utf-8") as libraries:
        libraries.write("// tampered\n")
    assert [(d.kind, d.page) for d in verify(site, data=canary)[0]] == [("changed-file", None)]
    # a manifest that no longer lists them: every page loads libraries it does not list
    manifest["assets"] = []
    (site / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    found = verify(site, data=canary)[0]
    unlisted = {d.page for d in found if d.kind == "missing-file" and shared["path"] in d.message}
    assert unlisted == {e["page"] for e in manifest["pages"]}
    assert any(d.kind == "unlisted-file" and shared["path"] in d.message for d in found)
