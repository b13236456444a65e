"""``inspector kb list`` and ``inspector kb test``: the knowledge base from a terminal.

``kb list`` shows every signature the app would use (shipped and the user's own, see
``inspector.knowledge``) with what it matches, and reports the ones that failed to load.
``kb test SIGNATURE_FILE BUNDLE...`` loads one signature file on its own, analyzes each
bundle with just the analyzers the signatures need (``http``, ``sql``, ``tls``; log lines
are read directly) and prints what each signature matches, with evidence locations.
``--samples`` adds every sample scenario, which is how a new signature is checked for
false positives before it is shared.

Exit codes, like grep: ``kb test`` returns 0 when a signature matched somewhere, 1 when
nothing matched, 2 when the signature file has no valid signature or a bundle cannot be
opened. ``kb list`` returns 0, or 1 when a signature failed to load (so it can gate CI on a
team's signature folder).

"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import orjson

from analyzers import BUILTIN
from inspector.analysis import Analysis
from inspector.bundle import BundleOpenError, open_bundle
from inspector.cli.analyze import analyze_bundle
from inspector.knowledge import (
    AnalysisView,
    KnowledgeBase,
    SampleTargets,
    SignatureMatch,
    Target,
    TargetMatches,
    match_everywhere,
    user_signatures_dir,
)

TEST_FORMAT = "bundle-inspector.kb-test/1"
ANALYZED_SOURCES = ("http", "sql", "tls")


def add_kb_parsers(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``kb list`` and ``kb test`` to the ``inspector`` command's subparsers."""
    kb = subparsers.add_parser(
        "kb", help="list known-issue signatures or test a signature file on bundles",
        description="The knowledge base of known-issue signatures (docs/knowledge-base.md).")
    actions = kb.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    listing = actions.add_parser(
        "list", help="list the signatures in use (shipped and your own)",
        description=f"List the shipped signatures and your own (in {user_signatures_dir()}; "
                    "set BUNDLE_INSPECTOR_DATA to use another data folder).")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    test = actions.add_parser(
        "test", help="show what a signature file matches in bundles",
        description="Analyze each bundle and show what the signatures of SIGNATURE_FILE "
                    "match, with evidence locations. Exit 0 on a match, 1 on none, 2 on "
                    "error.")
    test.add_argument("signature_file", type=Path, metavar="SIGNATURE_FILE")
    test.add_argument("bundles", type=Path, nargs="*", metavar="BUNDLE")
    test.add_argument("--samples", action="store_true",
                      help="also test on every sample scenario (false-positive check)")
    test.add_argument("--format", choices=("text", "json"), default="text")
    return kb


def kb_command(args: argparse.Namespace, out: TextIO | None = None,
               err: TextIO | None = None) -> int:
    """Run ``inspector kb ...``; returns the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    if args.kb_command == "list":
        return _list(args.format, out, err)
    return _test(args.signature_file, args.bundles, args.samples, args.format, out, err)


def _list(fmt: str, out: TextIO, err: TextIO) -> int:
    knowledge = KnowledgeBase.load()
    for problem in knowledge.problems:
        print(f"inspector kb: left out: {problem}", file=err)
    if fmt == "json":
        rows = [{"id": s.id, "title": s.title, "severity": s.severity.value,
                 "matches_on": list(s.matches_on), "origin": s.origin, "source": s.source,
                 "overrides_shipped": s.id in knowledge.overridden, "tags": list(s.tags),
                 "kb_link": s.kb_link or None}
                for s in knowledge.signatures]
        out.write(orjson.dumps({"signatures": rows, "problems": knowledge.problems},
                               option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        for s in knowledge.signatures:
            origin = "user*" if s.id in knowledge.overridden else s.origin
            print(f"{s.id:<40} {s.severity.value:<9} {origin:<8} "
                  f"{','.join(s.matches_on):<14} {s.title}", file=out)
        overridden = f"; * overrides a shipped one ({len(knowledge.overridden)})" \
            if knowledge.overridden else ""
        print(f"{len(knowledge.signatures)} signature(s); yours live in "
              f"{user_signatures_dir()}{overridden}", file=out)
    return 1 if knowledge.problems else 0


def _test(signature_file: Path, bundles: Sequence[Path], with_samples: bool, fmt: str,
          out: TextIO, err: TextIO) -> int:
    if not bundles and not with_samples:
        print("inspector kb test: give at least one BUNDLE, or --samples", file=err)
        return 2
    knowledge = KnowledgeBase.load([signature_file])
    for problem in knowledge.problems:
        print(f"inspector kb test: left out: {problem}", file=err)
    if not knowledge.signatures:
        print(f"inspector kb test: {signature_file} holds no valid signature", file=err)
        return 2
    failed = False
    results: list[TargetMatches] = []
    needed = sorted({source for s in knowledge.signatures for source in s.matches_on}
                    & set(ANALYZED_SOURCES))
    for path in bundles:
        try:
            results.append(_test_bundle(knowledge, path, needed))
        except BundleOpenError as exc:
            print(f"inspector kb test: cannot open bundle: {exc}", file=err)
            failed = True
    if with_samples:
        with SampleTargets(BUILTIN) as sample_targets:
            results += match_everywhere(knowledge, sample_targets.targets())
    if fmt == "json":
        document = {"format": TEST_FORMAT, "signature_file": str(signature_file),
                    "signatures": [s.id for s in knowledge.signatures],
                    "problems": knowledge.problems,
                    "bundles": [{"bundle": r.name, "matches": [m.to_json() for m in r.matches],
                                 "warnings": r.warnings} for r in results]}
        out.write(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        for result in results:
            _print_result(result, out, err)
    if failed:
        return 2
    return 0 if any(r.matches for r in results) else 1


def _test_bundle(knowledge: KnowledgeBase, path: Path, needed: Sequence[str]) -> TargetMatches:
    """Analyze ``path`` with the ``needed`` analyzers only, then match.

    Raises ``BundleOpenError``.
    """
    with open_bundle(path) as bundle:
        if needed:
            analysis = analyze_bundle(bundle, only=needed, plugins=False)
        else:
            analysis = Analysis(bundle=bundle.info)
        target = Target(str(path), AnalysisView(analysis, bundle))
        result = match_everywhere(knowledge, [target])[0]
    problems = [f"{p.artifact}: {p.message}" if p.artifact else p.message
                for p in analysis.problems]
    return TargetMatches(result.name, result.matches, [*problems, *result.warnings])


def _print_result(result: TargetMatches, out: TextIO, err: TextIO) -> None:
    print(f"== {result.name}", file=out)
    for warning in result.warnings:
        print(f"inspector kb test: {result.name}: {warning}", file=err)
    if not result.matches:
        print("   no signature matched", file=out)
    for found in result.matches:
        _print_match(found, out)


def _print_match(found: SignatureMatch, out: TextIO) -> None:
    signature = found.signature
    print(f"   {signature.id} ({signature.severity.value}): {found.count} match(es) in "
          f"{', '.join(found.sources)}: {signature.title}", file=out)
    for evidence in found.evidence:
        print(f"      {evidence.artifact} {evidence.locator.describe()}: {evidence.excerpt}",
              file=out)
    if found.count > len(found.evidence):
        print(f"      … {found.count - len(found.evidence)} more", file=out)
