"""Validation memos: a file validated once is read back, never trusted past a change."""

from __future__ import annotations

import polars as pl
import pytest
from conftest import GOOD_ROW, SECOND_ROW, write_rows
from polars.testing import assert_frame_equal

from analysis import data, ingest, paths, validate


@pytest.fixture
def memos(tmp_path, monkeypatch):
    folder = tmp_path / "memos"
    monkeypatch.setattr(paths, "VALIDATED", folder)
    return folder


@pytest.fixture
def case_file(tmp_path):
    return write_rows(tmp_path / "cases.csv", [GOOD_ROW, SECOND_ROW])


def validations(monkeypatch) -> list[str]:
    """Record every real validation run."""
    calls: list[str] = []
    real = validate.read_cases

    def counted(path, **kwargs):
        calls.append(str(path))
        return real(path, **kwargs)

    monkeypatch.setattr(validate, "read_cases", counted)
    return calls


def test_second_load_reads_the_memo(memos, case_file, monkeypatch):
    calls = validations(monkeypatch)
    first = data.load_cases(case_file)
    second = data.load_cases(case_file)
    assert len(calls) == 1
    assert_frame_equal(second, first)
    assert_frame_equal(first, validate.check(case_file).frame)
    assert len(list(memos.glob("*.parquet"))) == 1


def test_changed_bytes_are_validated_again(memos, case_file, monkeypatch):
    calls = validations(monkeypatch)
    data.load_cases(case_file)
    write_rows(case_file, [GOOD_ROW, SECOND_ROW | {"charge_level": "grand felony"}])
    with pytest.raises(ingest.ValidationError, match="charge_level"):
        data.load_cases(case_file)
    assert len(calls) == 2
    with pytest.raises(ingest.ValidationError):  # a rejection is never remembered
        data.load_cases(case_file)
    assert len(calls) == 3


@pytest.mark.parametrize("encoding", [None, "latin-1"])
def test_the_encoding_is_part_of_the_key(case_file, encoding):
    assert data.memo_key(case_file, encoding) != data.memo_key(case_file, "utf-16")


def test_a_damaged_memo_is_rebuilt(memos, case_file, monkeypatch):
    calls = validations(monkeypatch)
    expected = data.load_cases(case_file)
    memo = memos / f"{data.memo_key(case_file)}.parquet"
    memo.write_bytes(b"PAR1 truncated")
    assert_frame_equal(data.load_cases(case_file), expected)
    assert len(calls) == 2
    assert_frame_equal(pl.read_parquet(memo), expected)  # and written again


def test_a_memo_with_another_schema_is_not_used(memos, case_file, monkeypatch):
    calls = validations(monkeypatch)
    expected = data.load_cases(case_file)
    memo = memos / f"{data.memo_key(case_file)}.parquet"
    expected.drop("person_id").write_parquet(memo)
    assert_frame_equal(data.load_cases(case_file), expected)
    assert len(calls) == 2


def test_an_unwritable_memo_folder_still_loads(tmp_path, case_file, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the memo folder would go")
    monkeypatch.setattr(paths, "VALIDATED", blocker / "validated")
    assert_frame_equal(data.load_cases(case_file), validate.check(case_file).frame)


def test_old_memos_are_pruned(memos, tmp_path):
    for n in range(data.MEMOS_KEPT + 3):
        rows = [GOOD_ROW | {"case_id": f"C{n}"}, SECOND_ROW]
        data.load_cases(write_rows(tmp_path / f"c{n}.csv", rows))
    assert len(list(memos.glob("*.parquet"))) == data.MEMOS_KEPT
    assert not list(memos.glob("*.tmp"))


def test_memo_false_always_validates(memos, case_file, monkeypatch):
    calls = validations(monkeypatch)
    data.load_cases(case_file, memo=False)
    data.load_cases(case_file, memo=False)
    assert len(calls) == 2 and not memos.exists()


def test_open_cases_gives_both_and_hashes_the_file_once(memos, case_file, monkeypatch):
    from analysis import checksum

    hashed: list[str] = []
    real = checksum.sha256_file

    def counted(path):
        hashed.append(str(path))
        return real(path)

    monkeypatch.setattr(checksum, "sha256_file", counted)
    cases, source = data.open_cases(case_file)
    assert len(hashed) == 1
    assert_frame_equal(cases, data.load_cases(case_file))
    assert source == data.describe_source(case_file)
    assert source.sha256 == real(case_file) and not source.synthetic
