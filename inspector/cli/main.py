"""The ``inspector`` command line's entry: the parser, dispatch, and a clean stop on signals.

SIGINT (Ctrl-C) and SIGTERM stop any command cleanly: the engine's ``finally`` stops its
worker processes, nothing partial is written to stdout, one line on stderr says what
happened, and the exit code is 128 + the signal's number (130, 143), as shells expect.
"""


from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from inspector import __version__
from inspector.cli import analyze, cases, kb, report, samples, triage
from inspector.cli.templates import templates_command

COMMANDS = ("analyze", "samples", "rules", "demo", "templates", "kb", "report", "redact",
            "triage", "cases")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inspector",
        description="Bundle Inspector: diagnose customer bundles (logs, captures, HAR, SQL). "
                    "Run without a command to open the desktop app.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    analyze.add_parsers(commands)
    samples.add_parsers(commands)
    templates = commands.add_parser(
        "templates", help="print every line's message template",
        description="Mine message templates from a log file: one row per line, "
                    "`line,template_id,template` (csv with a header) or JSON.")
    templates.add_argument("file", type=Path)
    templates.add_argument("--format", choices=("csv", "json"), default="csv")
    kb.add_kb_parsers(commands)
    report.add_report_parsers(commands)
    triage.add_parsers(commands)
    cases.add_parsers(commands)
    return parser


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived; a BaseException so no ``except Exception`` swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_interrupted(signum: int, _frame: object) -> None:
    raise Interrupted(signum)


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into ``Interrupted`` while a command runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.signal(number, _raise_interrupted)
                for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        with _stop_on_signals():
            return _dispatch(argv)
    except Interrupted as stop:
        name = signal.Signals(stop.signum).name
        print(f"\ninspector: stopped by {name}; worker processes were stopped and nothing "
              "more was written", file=sys.stderr)
        return 128 + stop.signum
    except BrokenPipeError:
        # The reader went away (`inspector templates FILE | head`): not an error. Point
        # stdout at /dev/null so the interpreter's final flush does not complain again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _dispatch(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command == "analyze":
        return analyze.analyze_command(args)
    if args.command == "rules":
        return analyze.rules_command(args)
    if args.command == "demo":
        return analyze.demo_command(args)
    if args.command == "samples":
        return samples.samples_command(args)
    if args.command == "templates":
        return templates_command(args.file, args.format, sys.stdout)
    if args.command == "kb":
        return kb.kb_command(args)
    if args.command == "report":
        return report.report_command(args)
    if args.command == "triage":
        return triage.triage_command(args)
    if args.command == "cases":
        return cases.cases_command(args)
    return report.redact_command(args)

