"""The command line: help everywhere, synth writes deterministic files."""

from __future__ import annotations

import pytest

from analysis import cli


def _subcommands():
    return list(cli.COMMANDS)


@pytest.mark.parametrize("command", _subcommands())
def test_every_subcommand_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main([command, "--help"])
    assert exit_.value.code == 0
    assert "usage: analysis" in capsys.readouterr().out


def test_no_command_prints_help(capsys):
    assert cli.main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_synth_cli_same_seed_same_bytes(tmp_path, capsys):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert cli.main(["synth", "--seed", "11", "--out", str(a)]) == 0
    assert cli.main(["synth", "--seed", "11", "--out", str(b)]) == 0
    assert a.read_bytes() == b.read_bytes()
    assert "123,600 synthetic rows" in capsys.readouterr().out
    assert cli.main(["validate", str(a)]) == 0


def test_synth_cli_refuses_unknown_format(tmp_path, capsys):
    assert cli.main(["synth", "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "must end in .parquet or .csv" in capsys.readouterr().err
