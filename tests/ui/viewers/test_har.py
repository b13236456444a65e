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
    assert viewer.table.currentIndex().row() == 50
    request = entries[50]["request"]
    assert viewer.headers.toPlainText().startswith(f"{request['method']} ")
    assert viewer.waterfall.span > 0
    viewer.grab()  # paints the waterfall of every visible row without error


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
