"""The id contract between ``analysis doj`` and a court export read through a mapping:
the same person (name and date of birth) and the same court case number get the same
ids on both sides under one salt, so ``analysis match`` pairs them."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from doj_rows import row, write

from analysis import doj, matching, paths, validate

AT = dt.date(2019, 11, 11)

MAPPING = """
columns: {hs_section: Charge, charge_level: Level, conviction_date: Convicted,
          jurisdiction: City, race_ethnicity: Race, relief_granted: Disposition,
          court_location: Court}
person_id: {hash: [Name, DOB]}
case_id: {hash: [Case Number]}
constants: {batch: sep2021, found_in_court: "true", found_in_doj: "false"}
derive: [count, motion_date, prosecuting_agency]
"""
COURT = [  # Jane: her name as the DOJ writes it, another case number; Luke: the same
    # case number spelled otherwise, his name not, and a date beyond the tolerance
    {"Case Number": "PA 7", "Name": "Doe, Jane Q", "DOB": "01/01/1970",
     "Charge": "11358 HS", "Level": "F", "Convicted": "01/01/1990", "City": "Pasadena",
     "Race": "Unknown", "Disposition": "dismissed", "Court": "Pasadena Courthouse"},
    {"Case Number": "ba-123456", "Name": "Luke Skywalker", "DOB": "03/14/1958",
     "Charge": "11359 HS", "Level": "F", "Convicted": "05/09/1991", "City": "Compton",
     "Race": "Unknown", "Disposition": "dismissed", "Court": "cascCompton"},
]
DOJ = [row(),  # Jane, with a CII and no court case number
       row(subject="2002", cii="A00000002", name="SKYWALKER,LUKE", dob="19580314",
           date="19910505", court="CASCCOMPTON", offense="11359 HS-POSSESS FOR SALE",
           crt_case="BA 123456")]


@pytest.fixture(autouse=True)
def _salt(monkeypatch):
    monkeypatch.setenv(paths.ID_SALT_ENV, "salt for the id contract")


def _court(tmp_path: Path):
    path = tmp_path / "court.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COURT[0]))
        writer.writeheader()
        writer.writerows(COURT)
    (tmp_path / "court.yml").write_text(MAPPING, encoding="utf-8")
    return validate.read_cases(path, mapping=tmp_path / "court.yml")


def _matched(tmp_path: Path, person_key: str) -> dict[str, str]:
    """{court row's city: method} of the pairs found."""
    out = tmp_path / person_key
    doj.run([write(tmp_path / "doj.csv", DOJ)], compute_at=AT, out=out, person_key=person_key)
    court = _court(tmp_path)
    result = matching.match(validate.read_cases(out / "cases.csv"), court)
    return {court["jurisdiction"][c]: str(m) for c, m in
            result.pairs.select("court_row", "method").iter_rows()}


def test_name_and_birth_date_ids_pair_a_person_with_a_cii_only_under_name_dob(tmp_path):
    assert _matched(tmp_path, "name-dob") == {"Pasadena": "person_exact_date",
                                              "Compton": "case"}
    # keyed on the CII, Jane's DOJ id cannot be made from the court's columns
    assert _matched(tmp_path, "cii") == {"Compton": "case"}


def test_the_same_court_case_number_gives_the_same_case_id(tmp_path):
    doj.run([write(tmp_path / "doj.csv", DOJ)], compute_at=AT, out=tmp_path / "out")
    ours = validate.read_cases(tmp_path / "out" / "cases.csv")
    theirs = _court(tmp_path)
    luke = set(ours["case_id"]) & set(theirs["case_id"])
    assert len(luke) == 1  # Luke's case; Jane's DOJ id falls back to the DOJ numbering
    assert ours.filter(jurisdiction="Pasadena")["case_id"][0] not in set(theirs["case_id"])
