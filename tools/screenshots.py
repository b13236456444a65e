"""Render the main views of sample bundles to PNG files: ``screenshots.py OUTPUT_DIR``.

Runs the real app offscreen (``QT_QPA_PLATFORM=offscreen``, set here when unset): builds
sample bundles, opens each in the main window, waits for the analysis, selects a finding,
opens its evidence, and grabs the window. Files written: ``main.png`` (findings and
detail, text viewer), ``packets.png``, ``har.png``, ``sql.png``, ``timeline.png``.
The README shows them; ``make screenshots`` runs this.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QSettings, QTimer

from inspector.model import Evidence
from inspector.training import scenarios
from ui.app import application
from ui.main_window import MainWindow
from ui.models import ROW_ROLE

WINDOW_SIZE = (1600, 1000)
# (file, scenario, evidence locator kind to open, viewer tab)
SHOTS = (
    ("main.png", "tls_expired_certificate", "line", 0),
    ("packets.png", "tls_expired_certificate", "packet", 1),
    ("har.png", "gateway_502", "entry", 2),
    ("sql.png", "bundle_basics", "statement", 3),
    ("timeline.png", "cert_expiry_incident", None, 4),
)


def wait(milliseconds: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


def analyze(window: MainWindow, bundle: Path) -> None:
    loop = QEventLoop()
    window.analysis_finished.connect(loop.quit)
    window.bundle_failed.connect(loop.quit)
    window.open_bundle(bundle)
    loop.exec()
    window.analysis_finished.disconnect(loop.quit)
    window.bundle_failed.disconnect(loop.quit)


def evidence_of_kind(window: MainWindow, kind: str) -> Evidence | None:
    pane = window.findings_pane
    for row in range(pane.filter.rowCount()):
        finding = pane.filter.index(row, 0).data(ROW_ROLE)
        for evidence in finding.evidence:
            if evidence.locator.kind == kind:
                pane.table.selectRow(row)
                return evidence
    return None


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: screenshots.py OUTPUT_DIR", file=sys.stderr)
        return 2
    output = Path(argv[0])
    output.mkdir(parents=True, exist_ok=True)
    app = application()
    with tempfile.TemporaryDirectory(prefix="inspector-shots-") as scratch:
        # Fresh settings: screenshots never depend on, or change, the user's own layout.
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, scratch)
        window = MainWindow()
        window.resize(*WINDOW_SIZE)
        window.show()
        opened = None
        for name, scenario, kind, tab in SHOTS:
            bundle, _ = scenarios.build(scenario, Path(scratch))
            if opened != bundle:
                analyze(window, bundle)
                opened = bundle
            evidence = evidence_of_kind(window, kind) if kind else None
            if evidence is not None:
                window.open_evidence(evidence)
            window.viewers.setCurrentIndex(tab)
            wait(1500)  # background reads fill the viewer
            window.grab().save(str(output / name))
            print(output / name)
        window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
