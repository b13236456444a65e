"""The item models: rows appended in batches, the findings filter, the bundle tree."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from inspector.bundle import open_bundle
from inspector.model import (
    Artifact,
    ArtifactKind,
    ArtifactStatus,
    Evidence,
    Finding,
    LineLocator,
    Severity,
)
from ui.models import (
    PATH_ROLE,
    ROW_ROLE,
    SORT_ROLE,
    TREE_HEADERS,
    BundleTree,
    FindingsFilter,
    escape_tooltip,
    findings_model,
)
from ui.theme import severity_colour


def finding(n: int, severity: Severity, analyzer: str = "logs") -> Finding:
    return Finding(rule=f"test.rule-{n}", severity=severity, category="test",
                   title=f"finding number {n}", analyzer=analyzer, count=n * 10,
                   first_seen=datetime(2024, 5, 1, 9, n, tzinfo=UTC),
                   evidence=[Evidence(f"logs/app{n}.log", LineLocator(n))])


FINDINGS = [finding(n, severity, analyzer) for n, (severity, analyzer) in enumerate(
    [(Severity.HIGH, "logs"), (Severity.LOW, "http"), (Severity.CRITICAL, "tls"),
     (Severity.INFO, "logs"), (Severity.MEDIUM, "sql")], 1)]


def test_first_seen_of_a_source_in_local_time_is_shown_on_utc(qtmodeltester):
    model = findings_model()
    model.append(FINDINGS[:2])
    # Every finding is of one day: the column shows the time, the tooltip has the date.
    assert model.index(0, 4).data() == "09:01:00"
    assert "2024-05-01 09:01:00 UTC" in model.index(0, 4).data(Qt.ItemDataRole.ToolTipRole)
    # logs/app1.log was read as UTC+02:00 (say, a CEST host): its 09:01 is 07:01 UTC.
    model.set_clock_offsets({"logs/app1.log": timedelta(hours=2)})
    qtmodeltester.check(model)
    assert model.index(0, 4).data() == "07:01:00"
    assert model.index(0, 4).data(SORT_ROLE) == "2024-05-01T07:01:00+00:00"
    assert model.index(1, 4).data() == "09:02:00"  # another source: as written
    assert FINDINGS[0].first_seen.hour == 9  # the finding itself is left as recorded
    later = replace(FINDINGS[2], first_seen=FINDINGS[2].first_seen + timedelta(days=1))
    model.append([later])
    assert model.index(0, 4).data() == "2024-05-01 07:01:00"  # two days: the date too


def test_a_narrow_pane_shows_severities_as_their_badge(qtmodeltester):
    model = findings_model()
    model.append(FINDINGS[:1])
    model.set_compact(True)
    qtmodeltester.check(model)
    assert model.index(0, 0).data() == ""
    assert model.index(0, 0).data(Qt.ItemDataRole.DecorationRole) is not None
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == \
        f"<pre>{FINDINGS[0].severity.value}</pre>"
    assert model.headerData(3, Qt.Orientation.Horizontal) == "×"
    model.set_compact(False)
    assert model.index(0, 0).data() == FINDINGS[0].severity.value


def test_findings_model_appends_batches_and_sorts_by_meaning(qtmodeltester):
    model = findings_model()
    model.append(FINDINGS[:2])
    model.append(FINDINGS[2:])
    qtmodeltester.check(model)
    assert model.rowCount() == 5
    assert model.index(2, 0).data() == "critical"
    assert model.index(2, 0).data(SORT_ROLE) == 4
    assert model.index(2, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(1, 3).data() == "20"
    proxy = FindingsFilter()
    proxy.setSourceModel(model)
    proxy.sort(0, Qt.SortOrder.DescendingOrder)
    ranks = [proxy.index(row, 0).data(SORT_ROLE) for row in range(proxy.rowCount())]
    assert ranks == sorted(ranks, reverse=True)
    proxy.sort(3, Qt.SortOrder.AscendingOrder)  # counts as numbers, not text
    assert [proxy.index(r, 3).data(SORT_ROLE) for r in range(5)] == [10, 20, 30, 40, 50]


def test_filter_by_severity_analyzer_and_text_counts_hidden(qtmodeltester):
    model = findings_model()
    model.append(FINDINGS)
    proxy = FindingsFilter()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.set_severities({Severity.CRITICAL, Severity.HIGH})
    assert {proxy.index(r, 0).data(ROW_ROLE).severity for r in range(proxy.rowCount())} == {
        Severity.CRITICAL, Severity.HIGH}
    assert proxy.hidden_count() == 3
    proxy.set_severities(Severity)
    proxy.set_analyzer("logs")
    assert proxy.rowCount() == 2
    proxy.set_analyzer(None)
    proxy.set_text("APP3.LOG")  # evidence paths match too, case-insensitively
    assert [proxy.index(r, 0).data(ROW_ROLE) for r in range(proxy.rowCount())] == [FINDINGS[2]]
    model.append([finding(6, Severity.LOW)])  # rows arriving later are filtered as well
    assert proxy.rowCount() == 1 and proxy.hidden_count() == 5


def test_bundle_tree_nests_archives_and_shows_status(qtmodeltester, sample_dir):
    with open_bundle(sample_dir / "bundle_basics.zip") as bundle:
        artifacts = bundle.artifacts
    tree = BundleTree()
    tree.set_artifacts(artifacts)
    qtmodeltester.check(tree)
    nested = next(a for a in artifacts if "!/" in a.path)
    item = tree.items[nested.path]
    ancestors = []
    parent = item.parent()
    while parent is not None:
        ancestors.append(parent.text())
        parent = parent.parent()
    assert nested.path.split("!/")[0].rsplit("/", 1)[-1] in ancestors
    assert item.data(PATH_ROLE) == nested.path
    modified = item.parent().child(item.row(), TREE_HEADERS.index("Modified"))
    assert nested.modified is not None
    assert modified.text() == nested.modified.strftime("%Y-%m-%d %H:%M:%S")
    failed = Artifact(nested.path, nested.kind, nested.size, status=ArtifactStatus.FAILED,
                      reason="logs: timeout: stopped after 900 s")
    tree.update_artifact(failed)
    status = item.parent().child(item.row(), TREE_HEADERS.index("Status"))
    assert status.text() == "failed: logs: timeout: stopped after 900 s"
    assert status.data(Qt.ItemDataRole.ForegroundRole) is not None


def test_a_utf16_member_says_so_beside_its_kind():
    tree = BundleTree()
    tree.set_artifacts([Artifact("out.log", ArtifactKind.LOG, 64, encoding="utf-16-le"),
                        Artifact("app.log", ArtifactKind.LOG, 64)])
    kinds = [tree.item(row, TREE_HEADERS.index("Kind")).text() for row in range(2)]
    assert kinds == ["log · UTF-16", "log"]


def test_unsafe_names_are_shown_as_data():
    tree = BundleTree()
    tree.set_artifacts([Artifact("../../etc/<b>passwd</b>", ArtifactKind.TEXT, 3)])
    assert "../../etc/<b>passwd</b>" in tree.items
    assert "<b>" not in tree.items["../../etc/<b>passwd</b>"].toolTip()


def test_tooltips_escape_markup():
    assert escape_tooltip("<img src=x>") == "<pre>&lt;img src=x&gt;</pre>"
    assert escape_tooltip("") == ""


def test_a_severity_badge_has_its_colour_readable_text_and_icon(qtmodeltester):
    model = findings_model()
    model.append(FINDINGS)
    qtmodeltester.check(model)
    for row, finding in enumerate(FINDINGS):
        badge = model.index(row, 0)
        assert badge.data(Qt.ItemDataRole.BackgroundRole) == severity_colour(finding.severity)
        foreground = badge.data(Qt.ItemDataRole.ForegroundRole)
        assert foreground in (QColor("#000000"), QColor("#ffffff"))
        assert not badge.data(Qt.ItemDataRole.DecorationRole).isNull()
        assert model.index(row, 1).data(Qt.ItemDataRole.DecorationRole) is None


def test_each_member_shows_its_kinds_icon():
    tree = BundleTree()
    tree.set_artifacts([Artifact(f"a/{kind.value}", kind, 1) for kind in ArtifactKind])
    folder = tree.item(0)
    images = {bytes(folder.child(row).icon().pixmap(16).toImage().constBits())
              for row in range(folder.rowCount())}
    assert len(images) == len(ArtifactKind) - 1  # pcap and pcapng share the capture icon
