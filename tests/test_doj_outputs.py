"""The files of ``analysis doj``: a case list the validator accepts, determinations,
no identifier in any file, all-or-nothing writing, the command's exit codes."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
from doj_rows import row, write
from polars.testing import assert_frame_equal

from analysis import cli, doj, paths, validate
from analysis.ingest import ValidationError

AT = dt.date(2019, 11, 11)

# Identifiers planted in every row of a record; none may reach an output file.
PLANTED = {"name": "SKYWALKER,LUKE Q", "req_name": "VADER,ANAKIN", "dob": "19580314",
           "req_dob": "19580315", "cii": "A987654321", "subject": "777123456",
           "ssn": "555443333", "fbi": "FBI9988776", "cdl": "D7654321", "pob": "TATOOINE",
           "ofn": "BA123456-01", "crt_case": "LAC998877", "race": "W"}
# Court case numbers, one per cycle, spelled as files do; their normalised forms (what
# the case id is the hash of) must not reach an output either.
CASE_NUMBERS = {"001": "lac 998-877", "002": "BA 554433", "003": "ba-554434", "004": "KA0011.22"}
PLANTED_TEXT = [*PLANTED.values(), *CASE_NUMBERS.values(), "LAC998877", "BA554433",
                "BA554434", "KA001122", "1958-03-14", "03/14/1958", "SKYWALKER", "LUKE",
                "SECRET COMMENT ABOUT A WITNESS"]
PLANTED_TEXT.remove("W")


@pytest.fixture(autouse=True)
def _salt(monkeypatch):
    monkeypatch.setenv(paths.ID_SALT_ENV, "salt for the doj tests")


def _planted(cnt: str, **facts) -> list[str]:
    """A row of the planted record, with its cycle's court case number."""
    return row(**(PLANTED | {"crt_case": CASE_NUMBERS[cnt[:3]]}), cnt=cnt, **facts)


def _record(tmp_path):
    rows = [
        _planted("001001001000", comment="SECRET COMMENT ABOUT A WITNESS"),
        _planted("001001002000", offense="SEE COMMENT FOR CHARGE",
                 comment="11359 HS-SECRET COMMENT ABOUT A WITNESS", court="CASCLONG BEACH"),
        _planted("002001001000", date="19950303", court="CASCVAN NUYS",
                 offense="11360 HS-TRANSPORT"),
        _planted("003001001000", date="19960303", court="CASOLOS ANGELES"),
        _planted("004001001000", date="19970303", court="CASCLOS ANGELES",
                 offense="11357(A) HS-POSSESS"),
        row(subject="1002", cii="", name="ROE,RICHARD", dob="19900101", cnt="001001001000",
            level="MISDEMEANOR", toc="M"),
    ]
    return write(tmp_path / "doj.csv", rows)


@pytest.mark.parametrize("person_key", ["cii", "name-dob"])
def test_no_identifier_reaches_any_output_file(tmp_path, person_key):
    out = tmp_path / "out"
    doj.run([_record(tmp_path)], compute_at=AT, out=out, person_key=person_key)
    files = sorted(p.name for p in out.iterdir())
    assert files == ["cases.csv", "determinations.csv", "summary.json"]
    for path in out.iterdir():
        text = path.read_text().upper()
        found = [t for t in PLANTED_TEXT if t.upper() in text]
        assert found == [], f"{path.name} holds {found}"


def test_the_case_list_passes_validation(tmp_path):
    out = tmp_path / "out"
    result = doj.run([_record(tmp_path)], compute_at=AT, out=out)
    report = validate.check(out / "cases.csv")
    assert report.ok, [str(p) for p in report.problems]
    frame = report.frame.sort("conviction_date")
    assert frame["jurisdiction"].cast(str).to_list() == ["Pasadena", "Long Beach",
                                                         "Los Angeles"]
    assert frame["hs_section"].cast(str).to_list() == ["11358", "11359", "11360"]
    assert set(frame["batch"].cast(str)) == {"feb2020"}
    assert frame["found_in_doj"].all() and not frame["found_in_court"].any()
    assert result.cases.height == 3


def test_unmapped_courts_are_counted_not_listed(tmp_path):
    result = doj.run([_record(tmp_path)], compute_at=AT)
    unmapped = result.summary["lacra"]["unmappedJurisdiction"]
    # the sheriff's office (CASO) and the superior court named after the county serve
    # the whole county: no city is guessed
    assert (unmapped["convictions"], unmapped["dismissals"]) == (2, 2)
    assert result.summary["lacra"]["byJurisdiction"]["Unmapped"] == {"dismiss": 2}
    assert result.summary["lacra"]["byRace"]["White"] == {"dismiss": 5}


def test_determinations_hold_one_row_per_judged_conviction(tmp_path):
    result = doj.run([_record(tmp_path)], compute_at=AT)
    got = result.determinations
    assert got.columns == ["case_id", "count", "person_id", "hs_section", "hs_subsection",
                           "charge_level", "conviction_year", "jurisdiction",
                           "race_ethnicity", "rule", "determination", "reason"]
    assert got.height == 6
    assert got["determination"].cast(str).to_list() == ["dismiss"] * 5 + [
        "city attorney review"]


def test_an_unusable_file_writes_nothing_and_keeps_the_old_output(tmp_path):
    out = tmp_path / "out"
    doj.run([_record(tmp_path)], compute_at=AT, out=out)
    before = (out / "summary.json").read_text()
    bad = tmp_path / "bad.csv"
    bad.write_text("not,a,doj,file\n")
    with pytest.raises(ValidationError):
        doj.run([bad], compute_at=AT, out=out)
    assert (out / "summary.json").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "doj.csv", "out"]


def test_a_second_run_replaces_the_output_whole(tmp_path):
    out = tmp_path / "out"
    (out).mkdir()
    (out / "stale.txt").write_text("from before")
    doj.run([_record(tmp_path)], compute_at=AT, out=out)
    assert sorted(p.name for p in out.iterdir()) == ["cases.csv", "determinations.csv",
                                                     "summary.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doj.csv", "out"]


def test_the_command_writes_the_outputs(tmp_path, capsys):
    out = tmp_path / "out"
    status = cli.main(["doj", str(_record(tmp_path)), "--compute-at", "2019-11-11",
                       "--out", str(out), "--age", "40"])
    assert status == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["individualDismissAge"] == 40
    assert pl.read_csv(out / "cases.csv").height == 3
    assert "ok: 6 Prop 64 convictions judged" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "status"), [
    (["--compute-at", "2019-11-11"], 3), (["--compute-at", "11/11/2019"], 2),
    (["--compute-at", "2019-11-11", "--age", "0"], 3)])
def test_the_command_exit_codes(tmp_path, capsys, args, status):
    bad = tmp_path / "bad.csv"
    bad.write_text("")
    code = None
    try:
        code = cli.main(["doj", str(bad), "--out", str(tmp_path / "out"), *args])
    except SystemExit as exc:  # argparse's own exit for a bad option
        code = exc.code
    assert code == status
    assert not (tmp_path / "out").exists()
    assert "error" in capsys.readouterr().err


def test_an_output_that_cannot_be_written_is_exit_1(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    status = cli.main(["doj", str(_record(tmp_path)), "--compute-at", "2019-11-11",
                       "--out", str(blocker / "out")])
    assert status == 1
    assert "cannot write" in capsys.readouterr().err


def test_the_command_help(capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["doj", "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    for option in ("--county", "--compute-at", "--age", "--years-conviction-free",
                   "--person-key {cii,name-dob}", "--out"):
        assert option in text
    assert "FE_NUM_CRT_CASE" in " ".join(text.split())


def test_the_command_takes_the_person_key(tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["doj", str(_record(tmp_path)), "--compute-at", "2019-11-11",
                     "--out", str(out), "--person-key", "name-dob"]) == 0
    lacra = json.loads((out / "summary.json").read_text())["lacra"]
    assert lacra["personKey"] == "name-dob"
    # the planted record's four court case numbers; the last subject has none
    assert lacra["caseIds"] == {"fromCourtCaseNumber": 5, "fromDojNumbering": 1}
    with pytest.raises(SystemExit) as bad:
        cli.main(["doj", str(tmp_path / "doj.csv"), "--compute-at", "2019-11-11",
                  "--out", str(out), "--person-key", "ssn"])
    assert bad.value.code == 2
    with pytest.raises(ValidationError, match="person key"):
        doj.run([tmp_path / "doj.csv"], compute_at=AT, person_key="ssn")


def test_the_determinations_of_a_small_record(tmp_path):
    rows = [row(cnt="001001001000", date="19900101", offense="11357(B) HS-POSSESS",
                court="CASCCOMPTON", race="B"),
            row(cnt="001001002000", date="19900101", level="MISDEMEANOR",
                offense="11360(A)(2) HS-GIFT", court="CASCCOMPTON", race="B")]
    got = doj.run([write(tmp_path / "doj.csv", rows)], compute_at=AT).determinations
    same_case = got["case_id"][0]
    expected = pl.DataFrame({
        "case_id": [same_case, same_case], "count": [1, 2],
        "person_id": [got["person_id"][0]] * 2, "hs_section": ["11357", "11360"],
        "hs_subsection": ["b", "a)(2"], "charge_level": ["felony", "misdemeanor"],
        "conviction_year": [1990, 1990], "jurisdiction": ["Compton", "Compton"],
        "race_ethnicity": ["Black", "Black"], "rule": [3, 1],
        "determination": ["dismiss", "city attorney review"],
        "reason": ["11357(a) or 11357(b)", "Misdemeanor or Infraction"]})
    assert_frame_equal(got, expected, check_dtypes=False)
    assert same_case.startswith("C") and len(same_case) == 21
