"""``inspector triage SOURCE...``: many bundles analysed, written, and remembered.

``inspector triage SOURCE... [--jobs N] [--engine local|dask://HOST:PORT] [--db URL]
[--out DIR] [--case ID] [--fail-on SEVERITY] [--format text|json]``: see
``inspector.triage`` for what a source is, what is skipped and retried, and where each
analysis goes. On a terminal a progress bar shows counts and rate (``rich``); otherwise one
plain line per bundle. A summary table follows (bundle, top finding, severity, time, case,
the earlier case it most resembles). ``--format json`` prints one JSON object per bundle as
it completes, and nothing else on stdout.

Exit codes: 0 every bundle analysed (or done before); 1 a finding at or above ``--fail-on``;
2 the arguments are wrong, no bundle was named, or the engine or database cannot be used;
3 some bundles could not be analysed (they are listed; the next run tries them again).

SQLAlchemy and Dask are imported when the command runs, not with this module: the engine's
worker processes import the command line's main module, and should not pay for them.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from inspector.cli.analyze import analyze_bundle, severity_argument
from inspector.cli.recording import database_option

if TYPE_CHECKING:
    from inspector.triage import BundleResult

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_FAILED = 0, 1, 2, 3
DEFAULT_OUT = "triage-results"
PIPE_WIDTH = 160  # the summary table's width when stdout is not a terminal


def _jobs(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _engine(text: str) -> str:
    if text != "local" and not text.startswith("dask://"):
        raise argparse.ArgumentTypeError(f"{text!r} is not 'local' or dask://HOST:PORT")
    return text


def add_parsers(commands: Any) -> None:
    """Add ``triage`` to the ``inspector`` command's subparsers."""
    triage = commands.add_parser(
        "triage", help="analyse many bundles, write each analysis, remember every case",
        description="Analyse every bundle the sources name (folders of bundles, globs, "
                    "@manifest files), on this machine or a Dask cluster. Each analysis is "
                    "written under --out and recorded in the case database; a rerun skips "
                    "what is done and retries what failed.")
    triage.add_argument("sources", nargs="+", metavar="SOURCE")
    triage.add_argument("--jobs", type=_jobs, default=2,
                        help="bundles analysed at once by the local pool (%(default)d)")
    triage.add_argument("--engine", type=_engine, default="local",
                        help="local (a process pool here) or dask://HOST:PORT (%(default)s)")
    database_option(triage)
    triage.add_argument("--out", type=Path, default=Path(DEFAULT_OUT),
                        help="where each analysis JSON goes (%(default)s)")
    triage.add_argument("--case", metavar="ID",
                        help="the case every bundle belongs to (a manifest may name each)")
    triage.add_argument("--fail-on", type=severity_argument, metavar="SEVERITY",
                        help="exit 1 when a bundle has a finding at or above this severity")
    triage.add_argument("--format", choices=("text", "json"), default="text",
                        help="json: one line per bundle on stdout, no table")
    triage.add_argument("--quiet", action="store_true", help="no progress on stderr")


def result_json(result: BundleResult) -> dict[str, Any]:
    """One bundle's line of ``--format json``."""
    outcome = result.outcome
    similar = result.seen_before
    return {
        "bundle": outcome.ref.path, "status": outcome.status.value, "sha256": outcome.sha256,
        "case": result.case_id or None, "output": result.output or None,
        "severity": result.severity.value if result.severity else None,
        "top_finding": result.top.title if result.top else None,
        "findings": result.finding_count, "seconds": round(outcome.seconds, 3),
        "worker": outcome.worker or None, "error": outcome.error or None,
        "seen_before": {"case": similar.case.id, "score": similar.score,
                        "title": similar.case.title, "resolution": similar.case.resolution}
        if similar else None,
    }


def _plain_line(result: BundleResult, done: int, total: int) -> str:
    outcome = result.outcome
    if outcome.error:
        what = f"FAILED: {outcome.error}"
    elif result.top:
        what = f"{result.top.severity.value}: {result.top.title}"
    else:
        what = "no findings"
    return f"[{done}/{total}] {outcome.status.value} {outcome.ref.name}: {what}"


def triage_command(args: argparse.Namespace) -> int:
    from inspector.cases import CaseDatabaseError, check_case_id, open_store
    from inspector.triage import LocalPool, TriageError, bundle_refs, triage

    refs, problems = bundle_refs(args.sources)
    for problem in problems:
        print(f"inspector: {problem}", file=sys.stderr)
    if not refs:
        print("inspector: no bundle to triage", file=sys.stderr)
        return EXIT_USAGE
    try:
        case = check_case_id(args.case) if args.case else None
        engine = LocalPool(args.jobs) if args.engine == "local" else _dask(args.engine)
        store = open_store(args.db)
    except (ValueError, CaseDatabaseError, TriageError) as exc:
        print(f"inspector: {exc}", file=sys.stderr)
        return EXIT_USAGE
    progress = _Progress(len(refs), args.quiet, args.format)
    print(f"inspector: triaging {len(refs)} bundle(s) on the {engine}, case database "
          f"{store.url}", file=sys.stderr)
    started = time.monotonic()
    try:
        with store, progress:
            results = triage(refs, engine, store, args.out, analyze_bundle, case=case,
                             on_result=progress.show)
    except BrokenPipeError:
        raise  # the reader went away: inspector.cli.main ends quietly
    except (TriageError, CaseDatabaseError, OSError) as exc:
        print(f"inspector: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.format == "text":
        _print_summary(results, time.monotonic() - started)
    return _exit_code(results, args.fail_on)


def _dask(engine: str) -> Any:
    from inspector.triage.cluster import DaskCluster, scheduler_address
    return DaskCluster(scheduler_address(engine))


def _exit_code(results: list[BundleResult], fail_on: Any) -> int:
    if any(r.outcome.error for r in results):
        return EXIT_FAILED
    if fail_on is not None and any(r.severity is not None and r.severity >= fail_on
                                   for r in results):
        return EXIT_FINDINGS
    return EXIT_OK


class _Progress:
    """A rich progress bar on a terminal's stderr, else a plain line per bundle; with
    ``--format json``, each result's JSON line on stdout."""

    def __init__(self, total: int, quiet: bool, output_format: str) -> None:
        self.total = total
        self.done = 0
        self.json = output_format == "json"
        self.quiet = quiet
        self.bar: Any = None
        if not quiet and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            self.bar = Progress(TextColumn("triage"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                                TimeRemainingColumn(), console=Console(stderr=True))
            self.task = self.bar.add_task("triage", total=total, rate="")
        self.started = time.monotonic()

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def show(self, result: BundleResult) -> None:
        self.done += 1
        if self.json:
            sys.stdout.buffer.write(orjson.dumps(result_json(result),
                                                 option=orjson.OPT_APPEND_NEWLINE))
            sys.stdout.flush()
        if self.bar is not None:
            per_minute = self.done / max(time.monotonic() - self.started, 1e-6) * 60
            self.bar.update(self.task, advance=1, rate=f"{per_minute:.1f} bundles/min")
        elif not self.quiet:
            print(_plain_line(result, self.done, self.total), file=sys.stderr, flush=True)


def _print_summary(results: list[BundleResult], seconds: float) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Triage summary", title_justify="left")
    for column in ("bundle", "top finding", "severity", "time", "case", "seen before"):
        table.add_column(column, overflow="fold")
    order = sorted(results, key=lambda r: (r.outcome.error == "",
                                           -(r.severity.rank if r.severity else -1),
                                           r.outcome.ref.name))
    for result in order:
        outcome = result.outcome
        similar = result.seen_before
        table.add_row(
            outcome.ref.name,
            f"FAILED: {outcome.error}" if outcome.error else
            (result.top.title if result.top else "no findings"),
            result.severity.value if result.severity else "",
            "done before" if outcome.status.value == "skipped" else f"{outcome.seconds:.1f} s",
            result.case_id,
            f"{similar.case.id} ({similar.score:.0%})" if similar else "")
    # Customer text is data, never rich markup.
    console = Console(highlight=False, markup=False, emoji=False, soft_wrap=False,
                      width=None if sys.stdout.isatty() else PIPE_WIDTH)
    console.print(table)
    counts = {status: sum(r.outcome.status.value == status for r in results)
              for status in ("analysed", "skipped", "failed")}
    rate = counts["analysed"] / seconds * 60 if seconds > 0 else 0.0
    console.print(f"{counts['analysed']} analysed, {counts['skipped']} done before, "
                  f"{counts['failed']} failed in {seconds:.1f} s ({rate:.1f} bundles/min)")
