"""The packet list over a sample capture: selection, conversation filter, decoded frame."""

from __future__ import annotations

from inspector.bundle import open_bundle
from inspector.model import ArtifactKind, PacketLocator
from ui.models import ROW_ROLE
from ui.viewers import MemberSource
from ui.viewers.packets import PacketViewer


def capture(sample_dir) -> MemberSource:
    path = sample_dir / "tls_expired_certificate.zip"
    with open_bundle(path) as bundle:
        artifact = next(a for a in bundle.artifacts if a.kind is ArtifactKind.PCAPNG)
        return MemberSource(path, bundle.limits, artifact)


def test_viewer_selects_the_evidence_packet_and_follows_its_conversation(qtbot,
                                                                        qtmodeltester,
                                                                        sample_dir):
    viewer = PacketViewer()
    qtbot.addWidget(viewer)
    with qtbot.waitSignal(viewer.details_shown, timeout=20_000) as shown:
        viewer.show_evidence(capture(sample_dir), PacketLocator(40))
    assert shown.args == [40]
    qtmodeltester.check(viewer.model)
    qtmodeltester.check(viewer.proxy)
    assert viewer.table.currentIndex().data(ROW_ROLE).number == 40
    detail = viewer.detail.toPlainText()
    assert detail.startswith("Frame 40:") and "0000  " in detail
    conversation = viewer.table.currentIndex().data(ROW_ROLE).conversation
    viewer.follow.setChecked(True)
    shown_rows = [viewer.proxy.index(r, 0).data(ROW_ROLE) for r in range(viewer.proxy.rowCount())]
    assert 0 < len(shown_rows) < viewer.model.rowCount()
    assert {row.conversation for row in shown_rows} == {conversation}
    viewer.follow.setChecked(False)
    viewer.filter_box.setText("SYN")
    assert all("SYN" in viewer.proxy.index(r, 6).data() for r in range(viewer.proxy.rowCount()))
    viewer.wait_idle()


def test_a_packet_that_is_not_in_the_capture_is_said_to_be_missing(qtbot, sample_dir):
    viewer = PacketViewer()
    qtbot.addWidget(viewer)
    with qtbot.waitSignal(viewer.status, timeout=20_000) as said:
        viewer.show_evidence(capture(sample_dir), PacketLocator(10**6))
    assert said.args == ["Packet 1000000 is not in the capture"]
    assert viewer.pending is None and viewer.done
    viewer.wait_idle()
