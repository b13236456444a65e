"""The details tree over the bytes: the innermost layer open, a field's bytes highlighted."""

from __future__ import annotations

from inspector.training.scenarios.packets import Capture
from inspector.views.packet_tree import packet_detail
from tests.inspector.views.packet_traffic import rows, web_exchange
from tests.inspector.views.work import WorkState
from ui.viewers.packet_detail import RANGE_ROLE, PacketDetailView


def test_the_innermost_layer_opens_and_a_field_highlights_its_bytes(qtbot, member):
    traffic = Capture()
    web_exchange(traffic, 40000)
    source = member("case.pcap", traffic.pcap())
    first = rows(member, traffic)[0]
    detail = packet_detail(WorkState(lambda _: None), source, first)
    view = PacketDetailView()
    qtbot.addWidget(view)
    view.show_detail(detail)
    layers = [view.tree.topLevelItem(n) for n in range(view.tree.topLevelItemCount())]
    assert layers[0].text(0).startswith("Frame 1")
    assert [layer.isExpanded() for layer in layers] == \
        [False] * (len(layers) - 1) + [True]
    port = view.select_field("Destination Port")
    start, length = port.data(0, RANGE_ROLE)
    assert start > 14  # past the Ethernet and IP headers
    assert length == 2
    assert view.highlighted() == ["00 50", ".P"]  # port 80: its two bytes, hex and text
    view.show_message("Frame 9 is no longer in the capture")
    assert view.detail is None and view.bytes.toPlainText() == ""
    assert view.tree.topLevelItem(0).text(0) == "Frame 9 is no longer in the capture"
