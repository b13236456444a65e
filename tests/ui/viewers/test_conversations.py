"""Conversations (A<->B, packets, bytes, resets) filter the packet list; Follow stream shows
each side's payloads in order."""

from __future__ import annotations

from inspector.training.scenarios.packets import Capture
from tests.inspector.views.packet_traffic import retransmitted_request, web_exchange
from tests.ui.viewers.test_packets import loaded_viewer


def test_conversations_and_follow_stream(qtbot, member):
    traffic = Capture()
    web_exchange(traffic, 40000)
    retransmitted_request(traffic, 40001)
    viewer = loaded_viewer(qtbot, member("case.pcap", traffic.pcap()))
    view = viewer.show_conversations()
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=5_000)
    view.table.selectRow(0)
    with qtbot.waitSignal(viewer.filtered, timeout=10_000):
        view.filter_selected()
    assert viewer.filter_box.text().startswith("tcp.stream eq ")
    viewer.table.selectRow(1)
    follow = viewer.follow_selected()
    qtbot.addWidget(follow)
    qtbot.waitUntil(lambda: "sent" in follow.summary.text(), timeout=5_000)
    text = follow.text.toPlainText()
    assert "GET /a HTTP/1.1" in text or "POST /pay" in text
    assert "retransmissions are left out" in follow.summary.text()
    viewer.wait_idle()
