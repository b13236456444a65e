"""What the banner says after an analysis: nothing readable, a capture with no packet,
members that failed, analyzers that stopped."""

from __future__ import annotations

import os

from inspector.analysis import Analysis, BundleInfo
from inspector.model import Artifact, ArtifactKind, ArtifactStatus, Problem, ProblemKind
from inspector.views.notices import MAX_NOTICES, analysis_notices
from tests.analyses import analyze


def test_a_random_file_named_zip_says_nothing_could_be_analyzed(tmp_path):
    bundle = tmp_path / "case-1234.zip"
    bundle.write_bytes(os.urandom(3000))
    [notice] = analysis_notices(analyze(bundle))
    assert notice.level == "error"
    assert notice.text.startswith("Nothing in case-1234.zip could be analyzed: it is named "
                                  "like an archive (.zip)")


def test_a_capture_of_which_no_packet_could_be_read(tmp_path):
    header = bytes.fromhex("d4c3b2a1020004000000000000000000ffff000001000000")
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "eth0.pcap").write_bytes(header + b"garbage that is not a record header")
    (bundle / "app.log").write_text("2026-11-17 09:14:01 INFO started\n")
    notices = analysis_notices(analyze(bundle))
    assert [n.level for n in notices] == ["warning"]
    assert notices[0].text.startswith("No packet could be read from eth0.pcap: ")


def test_a_healthy_bundle_has_nothing_to_say(tmp_path):
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "app.log").write_text("2026-11-17 09:14:01 INFO started\n")
    assert analysis_notices(analyze(bundle)) == []


def test_failures_are_counted_and_the_list_stays_short():
    artifacts = [Artifact(f"logs/{n}.log", ArtifactKind.LOG, 10, status=ArtifactStatus.FAILED,
                          reason="cut short") for n in range(2)]
    artifacts.append(Artifact("ok.log", ArtifactKind.LOG, 10, analyzers=["logs"]))
    problems = [Problem(ProblemKind.TIMEOUT, f"took over 900 s ({n})", "ok.log", "logs")
                for n in range(5)]
    notices = analysis_notices(Analysis(BundleInfo("case.zip", "0" * 64, 1), artifacts,
                                        problems=problems))
    assert len(notices) == MAX_NOTICES
    assert notices[0].text == "2 member(s) could not be read: logs/0.log, logs/1.log."
    assert notices[1].text.startswith("The logs analyzer stopped on ok.log: took over 900 s")
    assert notices[-1].text == "… and 3 more: see the Problems tab."
