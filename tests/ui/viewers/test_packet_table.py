"""The packet list's model: Wireshark's columns, rows appended as read, a shown subset."""

from __future__ import annotations

from array import array

from PySide6.QtCore import Qt

from inspector.training.scenarios.packets import Capture
from tests.inspector.views.packet_traffic import rows, web_exchange
from ui.viewers.packet_table import HEADERS, PacketTableModel, cell


def test_columns_read_as_wiresharks_and_a_filter_shows_a_subset(qtbot, qtmodeltester, member):
    traffic = Capture()
    web_exchange(traffic, 40000)
    web_exchange(traffic, 40001)
    found = rows(member, traffic)
    model = PacketTableModel()
    model.append(found)
    qtmodeltester.check(model)
    assert model.rowCount() == len(found)
    assert [model.headerData(n, Qt.Orientation.Horizontal) for n in range(3)] == list(HEADERS[:3])
    syn = found[0]
    assert cell(syn, 0) == "1" and cell(syn, 4) == "TCP"
    assert len(cell(syn, 1)) == len("09:14:05.123")  # time of day to the millisecond
    model.set_shown(array("l", [2, 3]))
    assert model.rowCount() == 2 and model.row_at(0).number == found[2].number
    assert model.position_of(found[3].number) == 1 and model.position_of(1) is None
    model.reset()
    assert model.rowCount() == 0
