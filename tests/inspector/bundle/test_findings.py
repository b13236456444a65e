"""The reader's findings: one per kind of trouble the scan noted, in a fixed order, with
every member in the facts and a bounded list of evidence."""

from __future__ import annotations

from inspector.bundle.findings import (
    ARCHIVE_BOMB,
    MEMBER_SKIPPED,
    UNREADABLE,
    UNSAFE_PATH,
    ScanRecord,
)
from inspector.bundle.reader import open_bundle
from inspector.bundle.streams import Limits
from inspector.model import Severity
from inspector.testing import Link, make_bundle
from tests.inspector.bundle.contents import LOG


def test_a_clean_scan_has_nothing_to_say():
    assert ScanRecord().findings() == []


def test_findings_come_in_a_fixed_order_one_per_kind_of_trouble():
    record = ScanRecord(
        unsafe={"../x": ["parent-directory (..) components"]},
        skips={"link": {"b": "symbolic link", "a": "hard link"},
               "bomb": {"z.gz": "ratio above 250:1"}, "encrypted": {"e": "encrypted"}},
        bombs=[("z.gz", "ratio above 250:1")],
        unreadable=[("e", "encrypted"), ("c.zip", "cut"), ("e", "encrypted")],
        stopped="entry limit reached")
    findings = record.findings()
    assert [(f.rule, f.facts.get("reason")) for f in findings] == [
        (UNSAFE_PATH.id, None), (ARCHIVE_BOMB.id, "ratio above 250:1"),
        (MEMBER_SKIPPED.id, "encrypted"), (MEMBER_SKIPPED.id, "link"),
        (MEMBER_SKIPPED.id, "limit"), (UNREADABLE.id, "cut"), (UNREADABLE.id, "encrypted")]
    links = findings[3]
    assert links.count == 2 and links.detail == "a: hard link; b: symbolic link"
    assert findings[0].severity is Severity.MEDIUM and findings[1].severity is Severity.HIGH


def test_evidence_is_capped_and_the_facts_keep_every_member():
    members = {f"logs/{n:03d}": "symbolic link" for n in range(120)}
    [finding] = ScanRecord(skips={"link": members}).findings()
    assert finding.count == 120 and len(finding.evidence) == 50
    assert finding.facts["members"] == members
    assert finding.detail.endswith("; ...")


def test_a_bundle_listed_only_in_part_says_so(tmp_path):
    path = make_bundle(tmp_path / "case.zip", {f"logs/{n}.log": LOG for n in range(5)})
    with open_bundle(path, Limits(max_entries=3)) as bundle:
        [partial] = [f for f in bundle.findings if f.rule == MEMBER_SKIPPED.id]
    assert partial.title == "The bundle was only partly listed"
    assert partial.facts == {"reason": "limit", "message": partial.detail}
    assert "entry limit of 3" in partial.detail


def test_a_link_whose_target_is_read_is_not_a_finding(tmp_path):
    # A sosreport links its top-level names to the command output it also holds.
    bundle = make_bundle(tmp_path / "sosreport.tar.gz", {
        "sosreport-web-3/sos_commands/date/date": b"Fri Feb 11 19:23:39 UTC 2022\n",
        "sosreport-web-3/date": Link("sos_commands/date/date"),
        "sosreport-web-3/hosts": Link("/etc/hosts"),
        "sosreport-web-3/lost": Link("sos_commands/missing"),
    })
    with open_bundle(bundle) as opened:
        [skipped] = [f for f in opened.findings if f.rule == MEMBER_SKIPPED.id]
        by_path = {a.path: a for a in opened.artifacts}
        problems = {p.artifact: p.message for p in opened.problems}
    assert [e.artifact for e in skipped.evidence] == ["sosreport-web-3/hosts",
                                                      "sosreport-web-3/lost"]
    assert by_path["sosreport-web-3/date"].status.value == "skipped"
    assert by_path["sosreport-web-3/date"].reason.endswith(
        "its target sosreport-web-3/sos_commands/date/date is read")
    assert problems["sosreport-web-3/date"].endswith("is read")
