"""``analysis doj --dismiss-queue``: the convictions a review queue holds enter the case
list as dismissed only when asked for, with the agency that prosecutes them, while the
determinations keep the rules' own and the summary says what each queue added."""

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


@pytest.fixture(autouse=True)
def _salt(monkeypatch):
    monkeypatch.setenv(paths.ID_SALT_ENV, "salt for the queue tests")


@pytest.fixture
def record(tmp_path):
    """One person (49 at AT): a felony the rules dismiss (rule 7d), a misdemeanor they
    leave to the city attorneys (rule 1) and a felony 11357 without a subsection they
    send to hand review (rule 3b)."""
    return write(tmp_path / "doj.csv", [
        row(cnt="001001001000", date="19900101", court="CASCPASADENA"),
        row(cnt="002001001000", date="19910101", court="CASCLONG BEACH",
            offense="11357(B) HS-POSSESS MARIJUANA 28.5 GRAMS OR LESS", level="MISDEMEANOR",
            toc="M"),
        row(cnt="003001001000", date="19920101", court="CASCCOMPTON",
            offense="11357 HS-POSSESS MARIJUANA"),
    ])


def _listed(result) -> list[tuple]:
    frame = result.cases.sort("conviction_date")
    return list(zip(frame["conviction_date"].dt.year().to_list(),
                    frame["charge_level"].cast(str).to_list(),
                    frame["jurisdiction"].cast(str).to_list(),
                    frame["prosecuting_agency"].cast(str).to_list(), strict=True))


def test_the_rules_alone_list_only_their_dismissal(record):
    result = doj.run([record], compute_at=AT)
    rules = result.determinations.sort("conviction_year")
    assert rules["determination"].cast(str).to_list() == [
        "dismiss", "city attorney review", "hand review"]
    assert _listed(result) == [(1990, "felony", "Pasadena", "District Attorney")]
    assert result.summary["lacra"]["dismissQueues"]["added"] == {}


@pytest.mark.parametrize(("queues", "added", "extra"), [
    (["city-attorney"], {"city-attorney": 1},
     [(1991, "misdemeanor", "Long Beach", "Long Beach city prosecutor")]),
    (["hand-review"], {"hand-review": 1},
     [(1992, "felony", "Compton", "District Attorney")]),
    (["hand-review", "city-attorney", "hand-review"], {"hand-review": 1, "city-attorney": 1},
     [(1991, "misdemeanor", "Long Beach", "Long Beach city prosecutor"),
      (1992, "felony", "Compton", "District Attorney")]),
])
def test_a_queue_adds_its_convictions_as_dismissed(record, queues, added, extra):
    plain = doj.run([record], compute_at=AT)
    result = doj.run([record], compute_at=AT, dismiss_queues=queues)
    assert _listed(result) == [(1990, "felony", "Pasadena", "District Attorney"), *extra]
    assert set(result.cases["relief_granted"].cast(str)) == {"dismissed"}
    lacra = result.summary["lacra"]
    assert lacra["dismissQueues"]["added"] == added
    assert lacra["casesWritten"] == 1 + len(extra)
    # the rules' own determinations and counts do not move
    assert_frame_equal(result.determinations, plain.determinations)
    assert lacra["byDetermination"] == plain.summary["lacra"]["byDetermination"]
    assert (result.summary["reliefWithCurrentEligibilityChoices"]
            == plain.summary["reliefWithCurrentEligibilityChoices"])


def test_an_unknown_queue_is_refused(record):
    with pytest.raises(ValidationError, match="no review queue is called 'judges'"):
        doj.run([record], compute_at=AT, dismiss_queues=["judges"])


def test_the_command_writes_the_queues_and_the_list_validates(record, tmp_path, capsys):
    out = tmp_path / "out"
    status = cli.main(["doj", str(record), "--compute-at", "2019-11-11", "--out", str(out),
                       "--dismiss-queue", "city-attorney"])
    assert status == 0
    assert "2 dismissals (1 from city-attorney)" in capsys.readouterr().out
    report = validate.check(out / "cases.csv")
    assert report.ok, [str(p) for p in report.problems]
    assert pl.read_csv(out / "cases.csv").columns == report.frame.columns
    summary = json.loads((out / "summary.json").read_text())
    assert summary["lacra"]["dismissQueues"]["added"] == {"city-attorney": 1}
    determinations = pl.read_csv(out / "determinations.csv")
    assert determinations["determination"].to_list().count("city attorney review") == 1


def test_the_command_refuses_a_queue_it_does_not_know(record, tmp_path, capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["doj", str(record), "--compute-at", "2019-11-11",
                  "--out", str(tmp_path / "out"), "--dismiss-queue", "judges"])
    assert done.value.code == 2
    assert "city-attorney" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_the_command_help_names_the_queues(capsys):
    with pytest.raises(SystemExit):
        cli.main(["doj", "--help"])
    text = capsys.readouterr().out
    for word in ("--dismiss-queue", "city-attorney", "hand-review", "determinations.csv"):
        assert word in text
