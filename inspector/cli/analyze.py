"""``inspector analyze``, ``rules`` and ``demo``: a bundle's analysis from a terminal.

Exit codes of ``analyze``: 0 success, 1 a finding at or above ``--fail-on`` exists,
2 the bundle cannot be opened at all or the arguments are wrong.

This is where the CLI binds the built-in analyzers (``analyzers.BUILTIN``) to the core's
``run_analysis``: ``analyze_bundle`` is what every command that analyzes calls.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analyzers import BUILTIN
from inspector.analysis import Analysis
from inspector.bundle import Bundle, BundleOpenError
from inspector.bundle.streams import Limits
from inspector.cli.recording import record_analysis, record_options
from inspector.engine import EngineLimits, Update, run_analysis
from inspector.files import write_atomically
from inspector.model import Severity
from inspector.plugins import load_analyzers
from inspector.report.summary import render
from inspector.rules import REGISTRY
from inspector.training import scenarios

# The demo shows one incident through three sources (app log, HAR, capture) at once.
DEMO_SCENARIO = "cert_expiry_incident"


def analyze_bundle(source: Path | Bundle, **options: Any) -> Analysis:
    """``run_analysis`` with the built-in analyzers (and plugins); see its options."""
    return run_analysis(source, BUILTIN, **options)


def severity_argument(text: str) -> Severity:
    """``--fail-on``'s value: a severity name, any case."""
    try:
        return Severity(text.lower())
    except ValueError:
        choices = ", ".join(s.value for s in Severity)
        raise argparse.ArgumentTypeError(f"{text!r} is not one of {choices}") from None


def _positive(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text!r} must be positive")
        return value
    return parse


def add_parsers(commands: Any) -> None:
    """Add ``analyze``, ``rules`` and ``demo`` to the ``inspector`` command's subparsers."""
    analyze = commands.add_parser(
        "analyze", help="analyze a bundle and print the result",
        description="Analyze a bundle (folder, file, zip, tar, tar.gz/bz2/xz, .gz) headless.")
    analyze.add_argument("bundle", type=Path)
    analyze.add_argument("--format", choices=("json", "md"), default="json",
                         help="json: the versioned contract (default); md: a triage summary")
    analyze.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    analyze.add_argument("--only", type=lambda s: [n for n in s.split(",") if n],
                         metavar="NAMES", help="comma-separated analyzers to run")
    analyze.add_argument("--fail-on", type=severity_argument, metavar="SEVERITY",
                         help="exit 1 when a finding at or above this severity exists")
    analyze.add_argument("--quiet", action="store_true", help="no progress on stderr")
    record_options(analyze)
    _limit_options(analyze)

    commands.add_parser("rules", help="list every rule a finding can come from")

    demo = commands.add_parser("demo", help="build a sample bundle and analyze it")
    demo.add_argument("--scenario", default=DEMO_SCENARIO, choices=scenarios.CATALOGUE)
    demo.add_argument("--format", choices=("json", "md"), default="md")


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


def progress_printer(quiet: bool) -> Callable[[Update], None] | None:
    """A one-line progress display on a terminal's stderr, or None (quiet, or not a tty)."""
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


def write_output(text: str | bytes, output: Path | None) -> None:
    """To ``output`` atomically, or to stdout."""
    data = text.encode() if isinstance(text, str) else text
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    write_atomically(output, data)


def analyze_command(args: argparse.Namespace) -> int:
    limits = Limits(max_depth=args.max_depth, max_entries=args.max_entries,
                    max_ratio=args.max_ratio)
    engine_limits = EngineLimits(timeout_seconds=args.timeout,
                                 memory_bytes=args.memory_mb * 2**20, workers=args.workers)
    try:
        analysis = analyze_bundle(args.bundle, only=args.only, limits=limits,
                                  engine_limits=engine_limits,
                                  on_update=progress_printer(args.quiet))
    except BundleOpenError as exc:
        print(f"inspector: cannot open bundle: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # unknown --only names
        print(f"inspector: {exc}", file=sys.stderr)
        return 2
    write_output(analysis.dumps() if args.format == "json" else render(analysis), args.output)
    record_analysis(args, analysis, "analyze")
    if args.fail_on is not None:
        worst = analysis.worst_severity()
        if worst is not None and worst >= args.fail_on:
            return 1
    return 0


def rules_command(_args: argparse.Namespace) -> int:
    _, problems = load_analyzers(BUILTIN)
    for problem in problems:
        print(f"warning: {problem.message}", file=sys.stderr)
    for rule in REGISTRY:
        print(f"{rule.id:<40} {rule.severity.value:<9} {rule.category:<13} {rule.summary}")
    return 0


def demo_bundle(scenario: str = DEMO_SCENARIO) -> Path:
    """Build a sample bundle in a scratch folder and return its path."""
    directory = Path(tempfile.mkdtemp(prefix="inspector-demo-"))
    bundle, _ = scenarios.build(scenario, directory)
    return bundle


def demo_command(args: argparse.Namespace) -> int:
    bundle = demo_bundle(args.scenario)
    print(f"Sample bundle: {bundle}", file=sys.stderr)
    analysis = analyze_bundle(bundle, on_update=progress_printer(False))
    write_output(analysis.dumps() if args.format == "json" else render(analysis), None)
    return 0
