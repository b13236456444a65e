"""The HAR viewer: the waterfall, the phase legend, selection by entry number."""

from __future__ import annotations

import orjson
from PySide6.QtCore import Qt

from inspector.bundle import open_bundle
from inspector.model import ArtifactKind, EntryLocator
from ui.models import ROW_ROLE
from ui.theme import colour
from ui.viewers import MemberSource
from ui.viewers.har import HarViewer


def test_viewer_selects_the_evidence_entry(qtbot, qtmodeltester, sample_dir):
    path = sample_dir / "gateway_502.zip"
    with open_bundle(path) as bundle:
        artifact = next(a for a in bundle.artifacts if a.kind is ArtifactKind.HAR)
        source = MemberSource(path, bundle.limits, artifact)
    with source.open() as stream:
        entries = orjson.loads(stream.read())["log"]["entries"]
    viewer = HarViewer()
    qtbot.addWidget(viewer)
    viewer.resize(1000, 600)
    viewer.show()
    with qtbot.waitSignal(viewer.loaded, timeout=10_000) as loaded:
        viewer.show_evidence(source, EntryLocator(51))
    assert loaded.args == [len(entries)]
    qtmodeltester.check(viewer.model)
    assert viewer.current_entry().number == 51
    request = entries[50]["request"]
    assert viewer.headers.toPlainText().splitlines()[1].startswith(f"{request['method']} ")
    assert viewer.axis.span > 0
    # The waterfall sits beside the URL, and its header is the time axis.
    titles = [viewer.model.headerData(c, Qt.Orientation.Horizontal)
              for c in range(viewer.model.columnCount())]
    assert titles[1:4] == ["URL", "", "Status"]
    viewer.grab()  # paints the waterfall of every visible row and the axis without error
    viewer.tabs.setCurrentWidget(viewer.response)
    qtbot.waitUntil(lambda: viewer.response.toPlainText() not in ("", "Reading the response "
                                                                  "body…"), timeout=10_000)
    viewer.tabs.setCurrentWidget(viewer.timing)
    assert "Waiting for server response (TTFB)" in viewer.timing.toPlainText()
    viewer.wait_idle()


def test_failed_requests_read_as_in_devtools_and_the_filter_bar(qtbot, sample_dir):
    path = sample_dir / "gateway_502.zip"
    with open_bundle(path) as bundle:
        artifact = next(a for a in bundle.artifacts if a.kind is ArtifactKind.HAR)
        source = MemberSource(path, bundle.limits, artifact)
    viewer = HarViewer()
    qtbot.addWidget(viewer)
    with qtbot.waitSignal(viewer.loaded, timeout=10_000):
        viewer.show_evidence(source)
    total = viewer.model.rowCount()
    viewer.status_choices["5xx"].setChecked(True)
    shown = [viewer.model.index(r, 0).data(ROW_ROLE) for r in range(viewer.model.rowCount())]
    assert shown and all(500 <= entry.status < 600 for entry in shown)
    assert viewer.counts.text() == f"{len(shown):,} of {total:,} requests"
    viewer.status_choices["5xx"].setChecked(False)
    viewer.filter_box.setText("invoice -favicon")
    assert all("invoice" in viewer.model.index(r, 0).data(ROW_ROLE).url.lower()
               for r in range(viewer.model.rowCount()))
    viewer.select_number(1)  # hidden by the filter: the filter goes, the entry shows
    assert viewer.filter_box.text() == "" and viewer.current_entry().number == 1
    blocked = next(e for e in viewer.entries if e.status == 0)
    assert viewer.model.index(viewer.entries.index(blocked), 3).data().startswith("(failed)")
    viewer.wait_idle()


def test_the_phase_legend_shows_each_phase_in_its_waterfall_colour(qtbot):
    from PySide6.QtWidgets import QLabel

    from inspector.views.har import PHASES
    from ui.viewers.har import phase_legend

    legend = phase_legend()
    qtbot.addWidget(legend)
    for phase in PHASES:
        swatch = legend.findChild(QLabel, f"phase-{phase}")
        image = swatch.pixmap().toImage()
        assert image.pixelColor(1, 1) == colour(f"har_phase.{phase}")
    names = [label.text() for label in legend.findChildren(QLabel)]
    assert [name for name in names if name in PHASES] == list(PHASES)


def test_status_cells_take_the_palettes_colours(qtbot, sample_dir):
    path = sample_dir / "gateway_502.zip"
    with open_bundle(path) as bundle:
        artifact = next(a for a in bundle.artifacts if a.kind is ArtifactKind.HAR)
        source = MemberSource(path, bundle.limits, artifact)
    viewer = HarViewer()
    qtbot.addWidget(viewer)
    with qtbot.waitSignal(viewer.loaded, timeout=10_000):
        viewer.show_evidence(source)
    status = viewer.model.columns.index(next(c for c in viewer.model.columns
                                             if c.title == "Status"))
    colours = {viewer.model.index(row, 0).data(ROW_ROLE).status:
               viewer.model.index(row, status).data(Qt.ItemDataRole.BackgroundRole)
               for row in range(viewer.model.rowCount())}
    assert colours[504] == colour("har_status.failed")
    assert colours[200] is None
    viewer.wait_idle()
