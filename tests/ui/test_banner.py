"""The banner over the window: silent failures made visible, at the most serious level."""

from __future__ import annotations

from inspector.views.notices import Notice
from ui.banner import Banner


def test_notices_show_together_at_the_most_serious_level_and_none_hides_it(qtbot):
    banner = Banner()
    qtbot.addWidget(banner)
    assert banner.isHidden()
    banner.show_notices([Notice("warning", "No packet could be read from eth0.pcap"),
                         Notice("warning", "app.log is empty")])
    assert not banner.isHidden() and banner.level == "warning"
    assert banner.text.text() == "No packet could be read from eth0.pcap\napp.log is empty"
    banner.show_notices([Notice("warning", "a"), Notice("error", "Nothing could be analyzed")])
    assert banner.level == "error"
    banner.show_message("Report written to /tmp/case.pdf", "info")
    assert banner.level == "info" and banner.property("level") == "info"
    banner.show_notices([])
    assert banner.isHidden()
