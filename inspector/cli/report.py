"""Headless ``inspector report`` and ``inspector redact``.

``inspector report BUNDLE --format md|html|pdf -o FILE`` writes the escalation report: the
draft saved in the bundle's workspace when there is one (what the engineer edited in the
app), else a fresh draft from analyzing the bundle. ``inspector redact BUNDLE -o OUT``
writes a sanitized zip copy of the bundle with a manifest of what changed.

Both redact with the pseudonym map of the bundle's workspace and save it back, so a report
and a redacted bundle produced by separate commands (or by the app) use the same pseudonyms.
When the app has the workspace open (locked), the map is read but not saved, and the
command says so.

With ``--record`` (or ``--case ID``), ``report`` also records the bundle's case in the case
database: its findings, and the report's title, root cause and resolution as exported.

Exit codes: 0 written; 2 the bundle cannot be opened or the arguments are wrong; 3 the final
gate found something flagged in the output, and nothing was written.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from inspector.bundle import BundleOpenError, open_bundle
from inspector.cli.analyze import analyze_bundle
from inspector.cli.recording import record_options, record_report
from inspector.privacy.redaction import (
    ALL_IDENTIFIERS,
    CaptureMode,
    Identifier,
    PseudonymMap,
    RedactionRefused,
    Redactor,
    redact_bundle,
)
from inspector.report import FORMATS, Report, draft, export
from inspector.workspace import (
    Session,
    WorkspaceError,
    WorkspaceLocked,
    load_workspace,
    open_workspace,
)

EXIT_OK, EXIT_USAGE, EXIT_REFUSED = 0, 2, 3


def add_report_parsers(subparsers: Any) -> None:
    """Add ``report`` and ``redact`` to the ``inspector`` command's subparsers."""
    report = subparsers.add_parser(
        "report", help="write the escalation report (redacted) as Markdown, HTML or PDF",
        description="Write the bundle's escalation report: the draft saved in its workspace "
                    "when there is one, else a fresh draft from analyzing it. Secrets are "
                    "always removed; identifiers are pseudonymized unless told otherwise.")
    report.add_argument("bundle", type=Path)
    report.add_argument("--format", choices=FORMATS, default="md")
    report.add_argument("-o", "--output", type=Path, required=True)
    report.add_argument("--fresh", action="store_true",
                        help="draft from the analysis even when the workspace has a draft")
    _redaction_options(report)
    record_options(report)

    redact = subparsers.add_parser(
        "redact", help="write a sanitized copy of a bundle for sharing",
        description="Write a zip copy of the bundle with secrets removed and identifiers "
                    "pseudonymized in text and JSON members, captures cut to headers (or "
                    "dropped), other members dropped, and a manifest of what changed. "
                    "The original is never modified.")
    redact.add_argument("bundle", type=Path)
    redact.add_argument("-o", "--output", type=Path, required=True)
    redact.add_argument("--captures", choices=[m.value for m in CaptureMode],
                        default=CaptureMode.HEADERS.value,
                        help="headers: keep frame headers with pseudonymous addresses "
                             "(default); drop: leave captures out")
    _redaction_options(redact)


def _redaction_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--keep-identifiers", action="store_true",
                        help="do not pseudonymize emails, users, addresses, hosts, MACs")
    parser.add_argument("--only-pseudonymize", metavar="KINDS",
                        type=lambda s: frozenset(Identifier(k) for k in s.split(",") if k),
                        help="comma-separated kinds to pseudonymize: "
                             + ",".join(k.value for k in Identifier))
    parser.add_argument("--keep", action="append", default=[], metavar="VALUE",
                        help="a value to leave as it is (repeatable), e.g. your own domain")
    parser.add_argument("--preview", action="store_true",
                        help="list every change on stderr (secrets shown masked)")


def _redactor(args: argparse.Namespace, pseudonyms: PseudonymMap) -> Redactor:
    kinds = frozenset() if args.keep_identifiers else (args.only_pseudonymize
                                                       or ALL_IDENTIFIERS)
    return Redactor(pseudonyms, pseudonymize=kinds,
                    keep=frozenset(value.lower() for value in args.keep))


@contextlib.contextmanager
def _workspace(sha256: str, source: str) -> Iterator[tuple[Session | None, PseudonymMap,
                                                          Report | None]]:
    """The bundle's workspace, locked when possible; its map is saved back on success."""
    try:
        session = open_workspace(sha256, source)
    except WorkspaceLocked:
        print("inspector: the bundle is open in the app; its pseudonyms are used but new ones "
              "are not saved", file=sys.stderr)
        saved = load_workspace(sha256)
        yield (None, saved.pseudonyms if saved else PseudonymMap(),
               saved.report if saved else None)
        return
    try:
        yield session, session.workspace.pseudonyms, session.workspace.report
    finally:
        session.close()


def _print_preview(redactor: Redactor) -> None:
    for change in redactor.preview():
        print(f"{change['category']:<9} {change['kind']:<16} {change['before']} -> "
              f"{change['after']}  (x{change['count']}, first in {change['where']})",
              file=sys.stderr)


def _summary(redactor: Redactor) -> str:
    secrets = sum(n for (category, _), n in redactor.change_counts.items()
                  if category == "secret")
    names = sum(n for (category, _), n in redactor.change_counts.items()
                if category == "pseudonym")
    return f"{secrets} secret(s) removed, {names} identifier(s) pseudonymized"


def _bundle_hash(path: Path) -> str:
    with open_bundle(path) as bundle:
        assert bundle.info is not None
        return bundle.info.sha256


def _failed(exc: Exception) -> int:
    """Say why a command stopped; its exit status (see the module doc)."""
    if isinstance(exc, BundleOpenError):
        print(f"inspector: cannot open bundle: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"inspector: {exc}", file=sys.stderr)
    return EXIT_REFUSED if isinstance(exc, RedactionRefused) else EXIT_USAGE


def report_command(args: argparse.Namespace) -> int:
    """``inspector report``: write the redacted report; see the module doc for exit codes."""
    try:
        sha256 = _bundle_hash(args.bundle)
        with _workspace(sha256, str(args.bundle)) as (_, pseudonyms, saved):
            report = saved if saved is not None and not args.fresh else None
            analysis = None
            if report is None:
                analysis = analyze_bundle(args.bundle)
                with open_bundle(args.bundle) as bundle:
                    report = draft(analysis, bundle)
            redactor = _redactor(args, pseudonyms)
            export(report, args.format, args.output, redactor)
            record_report(args, report, analysis, lambda: analyze_bundle(args.bundle),
                          redactor, args.output)
    except (BundleOpenError, RedactionRefused, WorkspaceError, OSError) as exc:
        return _failed(exc)
    if args.preview:
        _print_preview(redactor)
    source = "the saved draft" if saved is not None and not args.fresh else "a fresh draft"
    print(f"inspector: wrote {args.output} from {source}: {_summary(redactor)}",
          file=sys.stderr)
    return EXIT_OK


def redact_command(args: argparse.Namespace) -> int:
    """``inspector redact``: write a sanitized copy of the bundle."""
    try:
        sha256 = _bundle_hash(args.bundle)
        with _workspace(sha256, str(args.bundle)) as (_, pseudonyms, _saved):
            redactor = _redactor(args, pseudonyms)
            manifest = redact_bundle(args.bundle, args.output, redactor,
                                     captures=CaptureMode(args.captures))
    except (BundleOpenError, RedactionRefused, WorkspaceError, OSError, ValueError) as exc:
        return _failed(exc)
    if args.preview:
        _print_preview(redactor)
    dropped = sum(1 for m in manifest.members if m["action"].startswith("dropped"))
    print(f"inspector: wrote {args.output}: {len(manifest.members)} member(s), {dropped} "
          f"dropped, {_summary(redactor)}", file=sys.stderr)
    return EXIT_OK
