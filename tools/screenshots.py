"""Render the main views of sample bundles to PNG files: ``screenshots.py OUTPUT_DIR``.

Runs the real app offscreen (``QT_QPA_PLATFORM=offscreen``, set here when unset) at two
window sizes, 1600x1000 and 1280x800 (a laptop: everything must still fit and read), each
from fresh settings as on a first launch: builds sample bundles, opens each in the main
window, waits for the analysis, selects a finding, opens its evidence, and grabs the window.
Files written, for each size (``-1280x800`` added to the smaller ones' names):
``welcome.png`` (first launch), ``main.png`` (findings, the evidence, the report beside it
with the evidence cited), ``packets.png`` (display filter, details tree and bytes),
``har.png``, ``sql.png`` (a slow log's digest), ``timeline.png``, ``report.png`` (the
redacted preview); and once, at the larger size, ``seen_before.png``: a finding whose cause
the case database (a scratch SQLite file) holds from an earlier, resolved case. The README
shows them; ``make screenshots`` runs this.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer

from inspector.cases import open_store, recording_of
from inspector.cli.analyze import analyze_bundle
from inspector.formats.archives import zip_bytes
from inspector.model import Evidence
from inspector.training import scenarios
from ui.app import application
from ui.evidence_viewers import TITLES
from ui.main_window import MainWindow
from ui.models import ROW_ROLE

SIZES = (((1600, 1000), ""), ((1280, 800), "-1280x800"))
# (file, scenario, evidence locator kind to open, viewer tab's title)
SHOTS = (
    ("main.png", "cert_expiry_incident", "line", "Text"),
    ("packets.png", "tls_expired_certificate", "packet", "Packets"),
    ("har.png", "gateway_502", "entry", "HAR"),
    ("sql.png", "slow_query_missing_index", "line", "SQL"),
    ("timeline.png", "cert_expiry_incident", None, "Timeline"),
    ("report.png", "cert_expiry_incident", "line", "Text"),
)
WAIT_MS = 1500  # background reads fill the viewer
READY_MS = 60_000  # at most, for the viewer to show and select the evidence (a busy machine)


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


def settle(window: MainWindow) -> None:
    """Wait until the viewer in front shows the evidence selected (its rows are read in
    the background, slower on a busy machine), at most ``READY_MS``."""
    clock = QElapsedTimer()
    clock.start()
    while not window.viewers.selected_evidence() and clock.elapsed() < READY_MS:
        wait(100)


def evidence_of_kind(window: MainWindow, kind: str) -> Evidence | None:
    pane = window.findings_pane
    for row in range(pane.filter.rowCount()):
        finding = pane.filter.index(row, 0).data(ROW_ROLE)
        for evidence in finding.evidence:
            if evidence.locator.kind == kind:
                pane.table.selectRow(row)
                return evidence
    return None


def stage(window: MainWindow, name: str) -> None:
    """What a shot shows beyond its evidence: a filter typed, a field selected, the preview."""
    if name == "packets.png":
        viewer = window.viewers.packet_viewer
        viewer.set_filter("tls.handshake.type == 11 || tls.alert_message")
        wait(WAIT_MS)
        viewer.table.selectRow(min(1, viewer.model.rowCount() - 1))
        wait(WAIT_MS)
        viewer.detail.select_field("Description:") or viewer.detail.select_field("Handshake")
    elif name == "main.png":
        window.report.aim_citations("reproduction")
        window.cite_selection()
    elif name == "report.png":
        window.report.show_preview()


def shoot(output: Path, scratch: Path, size: tuple[int, int], suffix: str) -> None:
    # Fresh settings: screenshots never depend on, or change, the user's own layout.
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(scratch / f"settings{suffix}"))
    QSettings().clear()
    window = MainWindow()
    window.resize(*size)
    window.show()
    wait(300)
    window.grab().save(str(output / f"welcome{suffix}.png"))
    opened = None
    for name, scenario, kind, tab in SHOTS:
        bundle, _ = scenarios.build(scenario, scratch)
        if opened != bundle:
            analyze(window, bundle)
            opened = bundle
        evidence = evidence_of_kind(window, kind) if kind else None
        if evidence is not None:
            window.open_evidence(evidence)
        window.viewers.setCurrentIndex(TITLES.index(tab))
        wait(WAIT_MS)
        if evidence is not None:
            settle(window)
        stage(window, name)
        wait(300)
        target = output / name.replace(".png", f"{suffix}.png")
        window.grab().save(str(target))
        print(target)
    window.close()


def seen_before(output: Path, scratch: Path) -> None:
    """``seen_before.png``: the same certificate expiry at a second customer, its cause and
    resolution remembered from the first one's resolved case."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(scratch / "settings-cases"))
    QSettings().clear()
    url = f"sqlite:///{scratch / 'cases.sqlite3'}"
    QSettings().setValue("cases/database", url)
    scenario = scenarios.load("tls_expired_certificate")

    def customer(name: str, seed: int) -> Path:
        bundle = scratch / name
        bundle.write_bytes(zip_bytes(scenario.build(random.Random(seed)).files))
        return bundle

    with open_store(url) as store:
        case = store.record(recording_of(analyze_bundle(customer("acme-2026-11-03.zip", 1))),
                            "ACME-4711", origin="triage")
        store.resolve(case, title="Partner API certificate expired",
                      root_cause="partner certificate expired",
                      resolution="the partner renewed the certificate; the customer "
                                 "restarted the connector")
    window = MainWindow()
    window.resize(1600, 1000)
    window.show()
    looked_up = QEventLoop()
    window.case_memory.looked_up.connect(lambda *_: looked_up.quit())
    QTimer.singleShot(READY_MS, looked_up.quit)
    window.open_bundle(customer("globex-2026-12-01.zip", 2))
    looked_up.exec()
    pane = window.findings_pane
    for row in range(pane.filter.rowCount()):
        if pane.filter.index(row, 0).data(ROW_ROLE).rule == "tls.certificate-expired":
            pane.table.selectRow(row)
            break
    wait(WAIT_MS)
    target = output / "seen_before.png"
    window.grab().save(str(target))
    print(target)
    window.close()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: screenshots.py OUTPUT_DIR", file=sys.stderr)
        return 2
    output = Path(argv[0])
    output.mkdir(parents=True, exist_ok=True)
    app = application()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    with tempfile.TemporaryDirectory(prefix="inspector-shots-") as scratch:
        os.environ["BUNDLE_INSPECTOR_DATA"] = str(Path(scratch) / "data")
        for size, suffix in SIZES:
            shoot(output, Path(scratch), size, suffix)
        seen_before(output, Path(scratch))
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
