"""``inspector cases list|show|similar|resolve|forget``: the team's memory of its cases.

- ``list``: every case, most recently updated first: id, worst severity, bundles, title,
  and the resolution when there is one.
- ``show CASE``: its root cause, resolution and report, its bundles, its findings.
- ``similar BUNDLE|CASE``: earlier cases sharing fingerprints, ranked
  (``inspector.cases.similarity``), with their root cause and resolution. A bundle already
  recorded is looked up by its SHA-256; another is analysed first (and recorded too with
  ``--record``).
- ``resolve CASE [--title T] [--root-cause T] [--resolution T] [--report PATH]``: what the
  engineer concluded; the text is redacted before it is stored.
- ``forget CASE``: the case and everything recorded in it, removed.

``--format json`` prints one document. Exit codes: 0 done; 2 wrong arguments, an unknown
case, a bundle that cannot be opened, or a database that cannot be used.

SQLAlchemy is imported when a command runs (see ``inspector.cli.triage``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from inspector.cli.analyze import analyze_bundle, progress_printer
from inspector.cli.recording import database_option

if TYPE_CHECKING:
    from inspector.cases import CaseStore, CaseSummary, SimilarCase

EXIT_OK, EXIT_USAGE = 0, 2


def add_parsers(commands: Any) -> None:
    """Add ``cases`` to the ``inspector`` command's subparsers."""
    cases = commands.add_parser("cases", help="the case database: list, show, similar, "
                                              "resolve, forget")
    actions = cases.add_subparsers(dest="cases_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every case, most recent first")
    listing.add_argument("--limit", type=int, default=None)
    show = actions.add_parser("show", help="one case: conclusion, bundles, findings")
    show.add_argument("case")
    similar = actions.add_parser("similar", help="earlier cases that look like a bundle "
                                                 "or a case, ranked")
    similar.add_argument("target", metavar="BUNDLE|CASE")
    similar.add_argument("--limit", type=int, default=10)
    similar.add_argument("--record", action="store_true",
                         help="also record the bundle's analysis when it is new")
    resolve = actions.add_parser("resolve", help="record what the engineer concluded")
    resolve.add_argument("case")
    resolve.add_argument("--title")
    resolve.add_argument("--root-cause")
    resolve.add_argument("--resolution")
    resolve.add_argument("--report", type=Path, help="where the case's report is")
    forget = actions.add_parser("forget", help="remove a case and everything recorded in it")
    forget.add_argument("case")
    for parser in (listing, show, similar, resolve, forget):
        database_option(parser)
        if parser is not resolve and parser is not forget:
            parser.add_argument("--format", choices=("text", "json"), default="text")


def cases_command(args: argparse.Namespace) -> int:
    from inspector.bundle import BundleOpenError
    from inspector.cases import CaseDatabaseError, UnknownCase, open_store
    try:
        with open_store(args.db) as store:
            action = args.cases_command
            if action == "list":
                return _list(store, args)
            if action == "show":
                return _show(store, args)
            if action == "similar":
                return _similar(store, args)
            if action == "resolve":
                return _resolve(store, args)
            return _forget(store, args)
    except UnknownCase as exc:
        print(f"inspector: no case {exc.args[0]!r} in the case database", file=sys.stderr)
    except BundleOpenError as exc:
        print(f"inspector: cannot open bundle: {exc}", file=sys.stderr)
    except (CaseDatabaseError, ValueError) as exc:
        print(f"inspector: {exc}", file=sys.stderr)
    return EXIT_USAGE


def _print_json(data: Any) -> None:
    sys.stdout.buffer.write(orjson.dumps(data, option=orjson.OPT_INDENT_2
                                         | orjson.OPT_APPEND_NEWLINE))


def summary_json(case: CaseSummary) -> dict[str, Any]:
    return {"id": case.id, "title": case.title, "root_cause": case.root_cause,
            "resolution": case.resolution, "report": case.report or None,
            "bundles": case.bundles,
            "worst_severity": case.worst_severity.value if case.worst_severity else None,
            "created_at": case.created_at.isoformat().replace("+00:00", "Z"),
            "updated_at": case.updated_at.isoformat().replace("+00:00", "Z")}


def _list(store: CaseStore, args: argparse.Namespace) -> int:
    cases = store.cases(args.limit)
    if args.format == "json":
        _print_json([summary_json(c) for c in cases])
        return EXIT_OK
    for case in cases:
        severity = case.worst_severity.value if case.worst_severity else "-"
        print(f"{case.id:<24} {severity:<8} {case.bundles:>3} bundle(s)  {case.title}")
        if case.resolution:
            print(f"{'':<24} resolved: {case.resolution.splitlines()[0]}")
    if not cases:
        print(f"no cases yet in {store.url}", file=sys.stderr)
    return EXIT_OK


def _show(store: CaseStore, args: argparse.Namespace) -> int:
    detail = store.case(args.case)
    case = detail.summary
    if args.format == "json":
        _print_json({**summary_json(case),
                     "analyses": [{"bundle": a.bundle_name, "sha256": a.bundle_sha256,
                                   "origin": a.origin, "recorded_at":
                                   a.recorded_at.isoformat().replace("+00:00", "Z"),
                                   "findings": a.finding_count, "output": a.output or None}
                                  for a in detail.analyses],
                     "findings": [{"fingerprint": f.fingerprint, "rule": f.rule,
                                   "severity": f.severity.value, "title": f.title}
                                  for f in detail.findings]})
        return EXIT_OK
    print(f"Case {case.id}: {case.title}")
    for label, text in (("Root cause", case.root_cause), ("Resolution", case.resolution),
                        ("Report", case.report)):
        if text:
            print(f"{label}: {text}")
    print(f"\nBundles ({len(detail.analyses)}):")
    for analysis in detail.analyses:
        print(f"  {analysis.bundle_name}  {analysis.bundle_sha256[:12]}  {analysis.origin}, "
              f"{analysis.recorded_at:%Y-%m-%d %H:%M}Z, {analysis.finding_count} findings")
    print(f"\nFindings ({len(detail.findings)}):")
    for finding in detail.findings:
        print(f"  {finding.severity.value:<8} {finding.rule:<34} {finding.title}")
    return EXIT_OK


def _similar(store: CaseStore, args: argparse.Namespace) -> int:
    from inspector.cases import recording_of, similar_cases
    path = Path(args.target)
    if path.exists():
        from inspector.bundle import open_bundle
        with open_bundle(path) as bundle:
            assert bundle.info is not None
            sha256 = bundle.info.sha256
            fingerprints = store.fingerprints_of_bundle(sha256)
            if not fingerprints:
                analysis = analyze_bundle(bundle, on_update=progress_printer(False))
                recording = recording_of(analysis)
                fingerprints = recording.fingerprints()
                if args.record:
                    store.record(recording, origin="analyze")
        exclude_case, exclude_bundle = store.case_of_bundle(sha256), sha256
        what = f"bundle {path.name}"
    else:
        fingerprints = store.fingerprints_of_case(args.target)
        if not fingerprints:
            store.case(args.target)  # UnknownCase when there is no such case
        exclude_case, exclude_bundle = args.target, None
        what = f"case {args.target}"
    found = similar_cases(store, fingerprints, exclude_case=exclude_case,
                          exclude_bundle=exclude_bundle, limit=args.limit)
    if args.format == "json":
        _print_json([{**summary_json(s.case), "score": s.score, "shared": list(s.shared)}
                     for s in found])
        return EXIT_OK
    print(f"Earlier cases like {what} ({len(fingerprints)} distinct findings):")
    for rank, similar in enumerate(found, 1):
        _print_similar(rank, similar)
    if not found:
        print("  none: no earlier case shares a finding with it")
    return EXIT_OK


def _print_similar(rank: int, similar: SimilarCase) -> None:
    case = similar.case
    print(f"{rank:>3}. {case.id}  {similar.score:.0%} alike, {len(similar.shared)} shared "
          f"finding(s): {case.title}")
    for label, text in (("root cause", case.root_cause), ("resolution", case.resolution),
                        ("report", case.report)):
        if text:
            print(f"       {label}: {text}")
    for title in similar.shared[:3]:
        print(f"       shares: {title}")


def _resolve(store: CaseStore, args: argparse.Namespace) -> int:
    from inspector.cases import bundle_redactor
    detail = store.case(args.case)
    latest = detail.analyses[-1].bundle_sha256 if detail.analyses else "0" * 64
    redactor = bundle_redactor(latest)

    def clean(text: str | None) -> str | None:
        return None if text is None else redactor.text(text, "case database")
    store.resolve(args.case, title=clean(args.title), root_cause=clean(args.root_cause),
                  resolution=clean(args.resolution),
                  report=str(args.report.absolute()) if args.report else None)
    print(f"inspector: case {args.case} updated", file=sys.stderr)
    return EXIT_OK


def _forget(store: CaseStore, args: argparse.Namespace) -> int:
    if not store.forget(args.case):
        print(f"inspector: no case {args.case!r} in the case database", file=sys.stderr)
        return EXIT_USAGE
    print(f"inspector: case {args.case} forgotten: it and everything recorded in it are "
          "removed from the case database", file=sys.stderr)
    return EXIT_OK
