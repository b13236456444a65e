"""The command line's entry: arguments, dispatch, and the console script without a display."""

from __future__ import annotations

import subprocess
import sys

from inspector.cli import COMMANDS, build_parser, main
from inspector.testing import make_bundle
from tests.inspector.cli.test_analyze import LOG, run_cli


def test_bad_arguments_exit_2(tmp_path):
    path = make_bundle(tmp_path / "b", {"a.log": LOG})
    assert run_cli("analyze", str(path), "--only", "no-such-analyzer").returncode == 2
    assert run_cli("analyze", str(path), "--fail-on", "sometimes").returncode == 2


def test_every_command_is_in_the_parser_and_help_runs(capsys):
    parser = build_parser()
    choices = next(action.choices for action in parser._subparsers._group_actions)
    assert set(choices) == set(COMMANDS)
    assert main([]) == 0
    assert "analyze" in capsys.readouterr().out


def test_console_script_without_display_explains(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "ui.launch", str(tmp_path)], env=env,
                            capture_output=True, timeout=60)
    assert result.returncode == 2
    assert b"no display" in result.stderr
