"""The packet list: the evidence packet selected, the display filter off the GUI thread with
"Displayed N of M", the details tree beside its bytes, Conversations and Follow stream."""

from __future__ import annotations

import threading

from inspector.bundle import open_bundle
from inspector.model import ArtifactKind, PacketLocator
from inspector.views import display_filter
from ui.models import ROW_ROLE
from ui.viewers import MemberSource
from ui.viewers.packets import FILTER_DELAY_MS, PacketViewer


def capture(sample_dir) -> MemberSource:
    path = sample_dir / "tls_expired_certificate.zip"
    with open_bundle(path) as bundle:
        artifact = next(a for a in bundle.artifacts if a.kind is ArtifactKind.PCAPNG)
        return MemberSource(path, bundle.limits, artifact)


def loaded_viewer(qtbot, source, locator=None) -> PacketViewer:
    viewer = PacketViewer()
    qtbot.addWidget(viewer)
    viewer.resize(900, 700)
    with qtbot.waitSignal(viewer.loaded, timeout=20_000):
        viewer.show_evidence(source, locator)
    return viewer


def test_viewer_selects_the_evidence_packet_and_shows_its_tree_and_bytes(qtbot, qtmodeltester,
                                                                        sample_dir):
    viewer = PacketViewer()
    qtbot.addWidget(viewer)
    with qtbot.waitSignal(viewer.details_shown, timeout=20_000) as shown:
        viewer.show_evidence(capture(sample_dir), PacketLocator(80))
    assert shown.args == [80]
    qtmodeltester.check(viewer.model)
    row = viewer.table.currentIndex().data(ROW_ROLE)
    assert row.number == 80 and "certificate_expired" in row.info
    tree = viewer.detail.tree
    assert tree.topLevelItem(0).text(0).startswith("Frame 80:")
    assert tree.topLevelItem(tree.topLevelItemCount() - 1).isExpanded()  # the TLS record
    viewer.detail.select_field("Description: certificate_expired")
    assert viewer.detail.highlighted() == ["2d", "-"]  # alert 45, its hex and its character
    viewer.wait_idle()


def test_the_display_filter_runs_off_the_gui_thread_and_says_displayed_n_of_m(
        qtbot, sample_dir, monkeypatch):
    viewer = loaded_viewer(qtbot, capture(sample_dir))
    total = viewer.model.rowCount()
    gui = threading.get_ident()
    threads = []
    original = display_filter.run_filter

    def recording(*args, **kwargs):
        threads.append(threading.get_ident())
        return original(*args, **kwargs)
    monkeypatch.setattr("ui.viewers.packets.run_filter", recording)

    with qtbot.waitSignal(viewer.filtered, timeout=10_000) as done:
        qtbot.keyClicks(viewer.filter_box, "tcp.port == 443 && tls")
        assert viewer.filter_box.property("filter") == "valid"
        assert not threads  # nothing ran while typing: it waits FILTER_DELAY_MS
    shown, read = done.args
    assert threads and gui not in threads
    assert 0 < shown < read == total
    rows = [viewer.model.row_at(r) for r in range(viewer.model.rowCount())]
    assert all(row.protocol.startswith("TLS") and 443 in (row.src_port, row.dst_port)
               for row in rows)
    assert viewer.info.text().startswith(f"Displayed {shown:,} of {total:,} packets")
    assert FILTER_DELAY_MS <= 500


def test_a_filter_that_does_not_parse_turns_red_and_says_why(qtbot, sample_dir):
    viewer = loaded_viewer(qtbot, capture(sample_dir))
    viewer.filter_box.setText("tcp.prt == 443")
    assert viewer.filter_box.property("filter") == "invalid"
    assert not viewer.filter_error.isHidden()
    assert 'did you mean "tcp.port"' in viewer.filter_error.text()
    with qtbot.waitSignal(viewer.status, timeout=2_000) as said:
        viewer.apply_filter()
    assert "Display filter:" in said.args[0]
    assert viewer.model.rowCount() == len(viewer.model.rows)  # the list is left as it was


def test_the_selected_packet_stays_selected_and_evidence_clears_a_hiding_filter(qtbot,
                                                                               sample_dir):
    viewer = loaded_viewer(qtbot, capture(sample_dir), PacketLocator(80))
    with qtbot.waitSignal(viewer.filtered, timeout=10_000):
        viewer.set_filter("tls.alert_message")
    assert viewer.current_row().number == 80  # still shown, still selected
    with qtbot.waitSignal(viewer.filtered, timeout=10_000):
        viewer.set_filter("tcp.flags.syn == 1")
    viewer.show_evidence(viewer.source, PacketLocator(80))  # hidden by the filter
    assert viewer.filter_box.text() == "" and viewer.display is None
    assert viewer.current_row().number == 80


def test_sorting_runs_in_the_background_too(qtbot, sample_dir):
    viewer = loaded_viewer(qtbot, capture(sample_dir))
    with qtbot.waitSignal(viewer.filtered, timeout=10_000):
        viewer.table.sortByColumn(5, viewer.table.horizontalHeader().sortIndicatorOrder())
    lengths = [viewer.model.row_at(r).length for r in range(viewer.model.rowCount())]
    assert lengths == sorted(lengths) or lengths == sorted(lengths, reverse=True)




def test_a_capture_with_no_readable_packet_says_why(qtbot, member):
    header = bytes.fromhex("d4c3b2a1020004000000000000000000ffff000001000000")
    viewer = PacketViewer()
    qtbot.addWidget(viewer)
    with qtbot.waitSignal(viewer.loaded, timeout=10_000):
        viewer.show_evidence(member("eth0.pcap", header + b"not a record header at all"))
    assert viewer.showing_placeholder
    assert viewer.placeholder.text().startswith("No packet could be read from eth0.pcap:")


def test_closing_the_source_empties_everything(qtbot, sample_dir):
    viewer = loaded_viewer(qtbot, capture(sample_dir), PacketLocator(80))
    viewer.filter_box.setText("tls")
    viewer.close_source()
    assert viewer.showing_placeholder and "No capture is open" in viewer.placeholder.text()
    assert viewer.model.rowCount() == 0 and viewer.detail.tree.topLevelItemCount() == 0
    assert viewer.filter_box.text() == "" and viewer.title.text() == ""
