"""``--record``, ``--case`` and ``--db``: recording an analysis in the case database.

``analyze`` and ``report`` take these options and call ``record_analysis`` (``report``:
``record_report``) once they have their result; ``cases`` and ``triage`` take ``--db``.
``record_report`` also stores what the engineer wrote in the report (title, root cause,
resolution) and where the report was written, through the export's own redactor, so the
case database holds the words the exported report holds.
SQLAlchemy is imported only when something is recorded (see ``inspector.cli.triage``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from inspector.analysis import Analysis

if TYPE_CHECKING:
    from inspector.privacy.redaction import Redactor
    from inspector.report import Report


def database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", help="the case database (default: "
                        "$BUNDLE_INSPECTOR_CASES_DB, else SQLite in the data directory)")


def record_options(parser: argparse.ArgumentParser) -> None:
    """``--record``, ``--case`` and ``--db``, for commands that analyse a bundle."""
    parser.add_argument("--record", action="store_true",
                        help="record the analysis in the case database")
    parser.add_argument("--case", metavar="ID", help="the case it belongs to (implies "
                        "--record; default: the bundle's earlier case, else its own)")
    database_option(parser)


def record_analysis(args: argparse.Namespace, analysis: Analysis, origin: str,
                    redactor: Redactor | None = None) -> str | None:
    """Record ``analysis`` when ``--record`` or ``--case`` asks; the case id, or None.

    A database that cannot be used is said on stderr: the command's own output stands.
    """
    if not (args.record or args.case):
        return None
    from inspector.cases import CaseDatabaseError, open_store, recording_of
    try:
        with open_store(args.db) as store:
            case_id = store.record(recording_of(analysis, redactor), args.case, origin=origin)
    except (CaseDatabaseError, ValueError) as exc:
        print(f"inspector: not recorded: {exc}", file=sys.stderr)
        return None
    print(f"inspector: recorded in case {case_id}", file=sys.stderr)
    return case_id


def record_report(args: argparse.Namespace, report: Report, analysis: Analysis | None,
                  analyze: Callable[[], Analysis], redactor: Redactor, output: Path) -> None:
    """Record the report's case when ``--record`` or ``--case`` asks (see the docstring).

    ``analysis`` is None when the report came from the saved draft: the bundle is analysed
    (``analyze()``) only if the case database has never seen it.
    """
    if not (args.record or args.case):
        return
    from inspector.cases import CaseDatabaseError, UnknownCase, open_store, recording_of
    try:
        with open_store(args.db) as store:
            known = store.case_of_bundle(report.bundle_sha256) if report.bundle_sha256 else None
            if analysis is None and (known is None or (args.case and args.case != known)):
                analysis = analyze()
            case_id = (store.record(recording_of(analysis, redactor), args.case,
                                    origin="report") if analysis is not None else known)
            assert case_id is not None
            store.resolve(case_id, title=redactor.text(report.title, "case database") or None,
                          root_cause=redactor.text(report.root_cause, "case database"),
                          resolution=redactor.text(report.resolution, "case database"),
                          report=str(output.absolute()))
    except (CaseDatabaseError, UnknownCase, ValueError) as exc:
        print(f"inspector: not recorded: {exc}", file=sys.stderr)
        return
    print(f"inspector: recorded in case {case_id}", file=sys.stderr)
