"""The headless command line: ``inspector analyze``, ``samples``, ``rules``, ``demo``.

This module never imports Qt. The ``inspector`` console script enters through
``ui.launch``, which hands every subcommand here and starts the GUI only for
``inspector [BUNDLE]``; ``python -m inspector`` is the same without the GUI.

Exit codes of ``analyze``: 0 success, 1 a finding at or above ``--fail-on`` exists,
2 the bundle cannot be opened at all or the arguments are wrong.

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
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from inspector import __version__, samples
from inspector.analysis import Analysis
from inspector.bundle import BundleOpenError, open_bundle
from inspector.engine import Engine, EngineLimits, Update
from inspector.files import write_atomically
from inspector.kb_cli import add_kb_parsers, kb_command
from inspector.markdown import render
from inspector.model import Severity
from inspector.plugins import load_analyzers, select
from inspector.report_cli import add_report_parsers, redact_command, report_command
from inspector.rules import REGISTRY
from inspector.streams import Limits
from inspector.templates import templates_command

COMMANDS = ("analyze", "samples", "rules", "demo", "templates", "kb", "report", "redact")
# The demo shows one incident through three sources (app log, HAR, capture) at once.
DEMO_SCENARIO = "cert_expiry_incident"


def _severity(text: str) -> Severity:
    try:
        return Severity(text.lower())
    except ValueError:
        choices = ", ".join(s.value for s in Severity)
        raise argparse.ArgumentTypeError(f"{text!r} is not one of {choices}") from None


def _positive(kind):
    def parse(text: str):
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text!r} must be positive")
        return value
    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inspector",
        description="Bundle Inspector: diagnose customer bundles (logs, captures, HAR, SQL). "
                    "Run without a command to open the desktop app.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    analyze = commands.add_parser(
        "analyze", help="analyze a bundle and print the result",
        description="Analyze a bundle (folder, file, zip, tar, tar.gz/bz2/xz, .gz) headless.")
    analyze.add_argument("bundle", type=Path)
    analyze.add_argument("--format", choices=("json", "md"), default="json",
                         help="json: the versioned contract (default); md: a triage summary")
    analyze.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    analyze.add_argument("--only", type=lambda s: [n for n in s.split(",") if n],
                         metavar="NAMES", help="comma-separated analyzers to run")
    analyze.add_argument("--fail-on", type=_severity, metavar="SEVERITY",
                         help="exit 1 when a finding at or above this severity exists")
    analyze.add_argument("--quiet", action="store_true", help="no progress on stderr")
    _limit_options(analyze)

    sample = commands.add_parser("samples", help="list or build the training sample bundles")
    sample_commands = sample.add_subparsers(dest="samples_command", metavar="ACTION",
                                            required=True)
    sample_commands.add_parser("list", help="list the scenarios")
    build = sample_commands.add_parser("build", help="write DIR/<name>.zip and "
                                                     "DIR/<name>.answer.json")
    build.add_argument("directory", type=Path)
    build.add_argument("names", nargs="*", help="scenarios to build (default: all)")

    commands.add_parser("rules", help="list every rule a finding can come from")

    templates = commands.add_parser(
        "templates", help="print every line's message template",
        description="Mine message templates from a log file: one row per line, "
                    "`line,template_id,template` (csv with a header) or JSON.")
    templates.add_argument("file", type=Path)
    templates.add_argument("--format", choices=("csv", "json"), default="csv")

    add_kb_parsers(commands)
    add_report_parsers(commands)

    demo = commands.add_parser("demo", help="build a sample bundle and analyze it")
    demo.add_argument("--scenario", default=DEMO_SCENARIO, choices=samples.CATALOGUE)
    demo.add_argument("--format", choices=("json", "md"), default="md")
    return parser


def _limit_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("limits (defaults in parentheses)")
    bundle_defaults, engine_defaults = Limits(), EngineLimits()
    group.add_argument("--timeout", type=_positive(float), metavar="SECONDS",
                       default=engine_defaults.timeout_seconds,
                       help="per analyzer and artifact (%(default)g)")
    group.add_argument("--memory-mb", type=_positive(int), metavar="MB",
                       default=engine_defaults.memory_bytes // 2**20,
                       help="per worker process (%(default)d)")
    group.add_argument("--workers", type=_positive(int), default=engine_defaults.workers,
                       help="parallel worker processes (%(default)d)")
    group.add_argument("--max-depth", type=_positive(int), default=bundle_defaults.max_depth,
                       help="nested archive levels (%(default)d)")
    group.add_argument("--max-entries", type=_positive(int),
                       default=bundle_defaults.max_entries,
                       help="members across the bundle (%(default)d)")
    group.add_argument("--max-ratio", type=_positive(float), default=bundle_defaults.max_ratio,
                       help="compression ratio treated as a bomb (%(default)g)")


def _progress_printer(quiet: bool):
    if quiet or not sys.stderr.isatty():
        return None

    def show(update: Update) -> None:
        progress = update.progress
        sys.stderr.write(f"\ranalyzing: {progress.overall:4.0%} "
                         f"({progress.jobs_done}/{progress.jobs_total} jobs)")
        if update.finished:
            sys.stderr.write("\n")
        sys.stderr.flush()
    return show


def run_analysis(bundle_path: Path, *, only: Sequence[str] | None = None,
                 limits: Limits | None = None, engine_limits: EngineLimits | None = None,
                 on_update=None) -> Analysis:
    """Open and analyze a bundle with the installed analyzers. Raises ``BundleOpenError``."""
    analyzers, load_problems = load_analyzers()
    analyzers = select(analyzers, only)
    with open_bundle(bundle_path, limits) as bundle:
        analysis = Engine(analyzers, engine_limits).run(bundle, on_update=on_update)
    analysis.problems.extend(load_problems)
    analysis.sort()
    return analysis


def _write(text: str | bytes, output: Path | None) -> None:
    data = text.encode() if isinstance(text, str) else text
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    write_atomically(output, data)


def _analyze(args: argparse.Namespace) -> int:
    limits = Limits(max_depth=args.max_depth, max_entries=args.max_entries,
                    max_ratio=args.max_ratio)
    engine_limits = EngineLimits(timeout_seconds=args.timeout,
                                 memory_bytes=args.memory_mb * 2**20, workers=args.workers)
    try:
        analysis = run_analysis(args.bundle, only=args.only, limits=limits,
                                engine_limits=engine_limits,
                                on_update=_progress_printer(args.quiet))
    except BundleOpenError as exc:
        print(f"inspector: cannot open bundle: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # unknown --only names
        print(f"inspector: {exc}", file=sys.stderr)
        return 2
    _write(analysis.dumps() if args.format == "json" else render(analysis), args.output)
    if args.fail_on is not None:
        worst = analysis.worst_severity()
        if worst is not None and worst >= args.fail_on:
            return 1
    return 0


def _samples(args: argparse.Namespace) -> int:
    if args.samples_command == "list":
        for scenario in samples.catalogue():
            print(f"{scenario.name:<28} {scenario.difficulty:<7} {scenario.title}")
        return 0
    names = args.names or list(samples.CATALOGUE)
    unknown = [n for n in names if n not in samples.CATALOGUE]
    if unknown:
        print(f"inspector: unknown scenario(s): {', '.join(unknown)} "
              "(see `inspector samples list`)", file=sys.stderr)
        return 2
    for name in names:
        bundle, answer = samples.build(name, args.directory)
        print(f"{bundle}\n{answer}")
    return 0


def _rules() -> int:
    _, problems = load_analyzers()
    for problem in problems:
        print(f"warning: {problem.message}", file=sys.stderr)
    for rule in REGISTRY:
        print(f"{rule.id:<40} {rule.severity.value:<9} {rule.category:<13} {rule.summary}")
    return 0


def demo_bundle(scenario: str) -> Path:
    """Build a sample bundle in a scratch folder and return its path."""
    directory = Path(tempfile.mkdtemp(prefix="inspector-demo-"))
    bundle, _ = samples.build(scenario, directory)
    return bundle


def _demo(args: argparse.Namespace) -> int:
    bundle = demo_bundle(args.scenario)
    print(f"Sample bundle: {bundle}", file=sys.stderr)
    analysis = run_analysis(bundle, on_update=_progress_printer(False))
    _write(analysis.dumps() if args.format == "json" else render(analysis), None)
    return 0


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
        return _analyze(args)
    if args.command == "samples":
        return _samples(args)
    if args.command == "rules":
        return _rules()
    if args.command == "templates":
        return templates_command(args.file, args.format, sys.stdout)
    if args.command == "kb":
        return kb_command(args)
    if args.command == "report":
        return report_command(args)
    if args.command == "redact":
        return redact_command(args)
    return _demo(args)


if __name__ == "__main__":
    sys.exit(main())
