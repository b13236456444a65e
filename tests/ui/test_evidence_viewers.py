"""From a piece of evidence to the viewer that shows it, and what cannot be shown."""

from __future__ import annotations

from pathlib import Path

from inspector.bundle import open_bundle
from inspector.model import (
    ArtifactKind,
    ArtifactStatus,
    EntryLocator,
    Evidence,
    LineLocator,
    WholeLocator,
)
from ui.evidence_viewers import TITLES, EvidenceViewers
from ui.worker import BundleOpened


def viewers_on(qtbot, path: Path) -> EvidenceViewers:
    viewers = EvidenceViewers()
    qtbot.addWidget(viewers)
    with open_bundle(path) as bundle:
        viewers.set_bundle(BundleOpened(path, bundle.limits, list(bundle.artifacts), []))
    return viewers


def test_each_viewer_has_its_tab(qtbot):
    viewers = EvidenceViewers()
    qtbot.addWidget(viewers)
    assert [viewers.tabText(i) for i in range(viewers.count())] == list(TITLES)
    assert [viewers.widget(i) for i in range(viewers.count())] == list(viewers.viewers())


def test_evidence_opens_in_the_viewer_for_its_kind_and_place(qtbot, sample_dir):
    viewers = viewers_on(qtbot, sample_dir / "gateway_502.zip")
    har = next(path for path, a in viewers.artifacts.items() if a.kind is ArtifactKind.HAR)
    with qtbot.waitSignal(viewers.har_viewer.loaded, timeout=10_000):
        viewers.open_evidence(Evidence(har, EntryLocator(3)))
    assert viewers.currentWidget() is viewers.har_viewer
    assert viewers.har_viewer.table.currentIndex().row() == 2
    with qtbot.waitSignal(viewers.message) as said:
        viewers.open_evidence(Evidence(har, LineLocator(1)))  # a line is read as text
    assert viewers.currentWidget() is viewers.text_viewer
    assert said.args == [f"{har} · line 1", 8000]
    viewers.wait_idle()


def test_what_cannot_be_shown_is_said(qtbot, sample_dir):
    viewers = viewers_on(qtbot, sample_dir / "bundle_basics.zip")
    with qtbot.waitSignal(viewers.message) as missing:
        viewers.open_evidence(Evidence("no/such.log", WholeLocator()))
    assert missing.args[0] == "no/such.log is not in this bundle"
    skipped = next(a for a in viewers.artifacts.values() if a.status is ArtifactStatus.SKIPPED)
    with qtbot.waitSignal(viewers.message) as refused:
        viewers.open_evidence(Evidence(skipped.path, WholeLocator()))
    assert refused.args[0].startswith(f"{skipped.path} cannot be shown: ")
    assert viewers.currentIndex() == 0
