"""End to end: open a sample bundle, watch the analysis, follow findings to their evidence."""

from __future__ import annotations

import sys
import zipfile

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QWidget,
)

from inspector.model import (
    ArtifactKind,
    ArtifactStatus,
    EntryLocator,
    Evidence,
    LineLocator,
    PacketLocator,
    Severity,
    StatementLocator,
    WholeLocator,
)
from inspector.testing import make_bundle
from inspector.views.findings import describe_finding
from ui import theme
from ui.main_window import MainWindow
from ui.models import ROW_ROLE, TREE_HEADERS

ANALYSIS_TIMEOUT = 60_000


def analyzed(qtbot, window, path):
    with qtbot.waitSignal(window.analysis_finished, timeout=ANALYSIS_TIMEOUT) as blocker:
        window.open_bundle(path)
    return blocker.args[0]


def select_finding(window, predicate):
    for row in range(window.findings_pane.filter.rowCount()):
        finding = window.findings_pane.filter.index(row, 0).data(ROW_ROLE)
        if predicate(finding):
            window.findings_pane.table.selectRow(row)
            return finding
    raise AssertionError("no such finding in the table")


def test_sample_bundle_from_open_to_evidence_in_every_viewer(qtbot, qtmodeltester, window,
                                                            sample_dir):
    analysis = analyzed(qtbot, window, sample_dir / "bundle_basics.zip")
    assert window.findings_pane.model.rowCount() == len(analysis.findings)
    qtmodeltester.check(window.findings_pane.model)
    qtmodeltester.check(window.findings_pane.filter)
    qtmodeltester.check(window.tree_model)
    qtmodeltester.check(window.problems)
    # The members tree shows the reader's verdicts: the symlinked log is skipped with a reason.
    skipped = [a for a in analysis.artifacts if a.status is ArtifactStatus.SKIPPED]
    assert skipped
    item = window.tree_model.items[skipped[0].path]
    row_parent = item.parent() or window.tree_model.invisibleRootItem()
    status = row_parent.child(item.row(), TREE_HEADERS.index("Status"))
    assert status.text().startswith("skipped: ")

    # A statement locator opens the SQL viewer on that statement.
    finding = select_finding(window, lambda f: any(
        isinstance(e.locator, StatementLocator) for e in f.evidence))
    assert finding.title in window.findings_pane.detail.text.toPlainText()
    row = next(i for i, e in enumerate(finding.evidence)
               if isinstance(e.locator, StatementLocator))
    window.findings_pane.detail.evidence.setCurrentRow(row)
    with qtbot.waitSignal(window.viewers.sql_viewer.loaded, timeout=10_000):
        window.findings_pane.jump_to_evidence()
    assert window.viewers.currentWidget() is window.viewers.sql_viewer
    statement = finding.evidence[row].locator.index
    qtbot.waitUntil(lambda: window.viewers.sql_viewer.table.currentIndex().row() == statement - 1)
    assert window.viewers.sql_viewer.text.toPlainText().strip()

    # A slow query's line opens the digest with its class selected, as pt-query-digest
    # ranks it; Return on the class opens its example line in the text viewer, marked.
    finding = select_finding(window, lambda f: f.rule == "sql.slow-query")
    window.findings_pane.detail.evidence.setCurrentRow(0)
    window.findings_pane.jump_to_evidence()
    sql = window.viewers.sql_viewer
    assert window.viewers.currentWidget() is sql and sql.kinds.currentIndex() == 1
    selected = sql.class_table.currentIndex().data(ROW_ROLE)
    assert selected["rank"] == finding.facts["rank"]
    line = finding.evidence[0].locator.line
    assert selected["example_line"] == line
    sql.class_table.activated.emit(sql.class_table.currentIndex())
    assert window.viewers.currentWidget() is window.viewers.text_viewer
    qtbot.waitUntil(lambda: window.viewers.text_viewer.current_line() == line - 1, timeout=10_000)
    qtbot.waitUntil(lambda: window.viewers.text_viewer.line_detail.toPlainText() != "")
    assert window.viewers.text_viewer.model.evidence[0] == line - 1
    # Back returns to the digest, Forward to the line again.
    window.actions["back"].trigger()
    assert window.viewers.currentWidget() is sql
    window.actions["forward"].trigger()
    assert window.viewers.currentWidget() is window.viewers.text_viewer

    # F8 steps through findings; Ctrl+R adds the current one to the report.
    first = window.current_finding()
    window.findings_pane.step(1)
    assert window.current_finding() is not first
    window.add_to_report()
    current = window.current_finding()
    assert any(f.rule == current.rule and f.title == current.title
               for f in window.report.report().findings)
    window.report.refresh_preview()
    assert current.title.split()[0] in window.report.preview.toPlainText()

    # The timeline lists every event and opens one's evidence.
    qtbot.waitUntil(lambda: window.viewers.timeline.model.rowCount() == len(analysis.timeline))
    if analysis.timeline:
        window.viewers.timeline.table.selectRow(0)
        window.viewers.timeline._open_row(window.viewers.timeline.model.index(0, 0))
        assert window.viewers.currentWidget() is not window.viewers.timeline


def test_packets_and_har_evidence(qtbot, window, sample_dir):
    analyzed(qtbot, window, sample_dir / "tls_expired_certificate.zip")
    finding = select_finding(window, lambda f: f.evidence and isinstance(
        f.evidence[0].locator, PacketLocator))
    window.findings_pane.jump_to_evidence()
    assert window.viewers.currentWidget() is window.viewers.packet_viewer
    number = finding.evidence[0].locator.index
    with qtbot.waitSignal(window.viewers.packet_viewer.details_shown, timeout=20_000) as shown:
        pass
    assert shown.args == [number]
    tree = window.viewers.packet_viewer.detail.tree
    assert tree.topLevelItem(0).text(0).startswith(f"Frame {number}:")

    analyzed(qtbot, window, sample_dir / "gateway_502.zip")
    finding = select_finding(window, lambda f: f.evidence and isinstance(
        f.evidence[0].locator, EntryLocator))
    with qtbot.waitSignal(window.viewers.har_viewer.loaded, timeout=10_000):
        window.findings_pane.jump_to_evidence()
    assert window.viewers.currentWidget() is window.viewers.har_viewer
    entry = finding.evidence[0].locator.index
    assert window.viewers.har_viewer.table.currentIndex().row() == entry - 1
    request_line = window.viewers.har_viewer.headers.toPlainText().splitlines()[1]
    assert request_line.startswith(("GET", "POST", "PUT", "DELETE"))


def test_cancel_mid_analysis_keeps_the_app_usable(qtbot, window, tmp_path):
    # Enough log to keep the analyzers busy for a while on this machine.
    line = b"2024-05-01 10:00:00,000 ERROR [main] c.e.Svc - failure id=%d\n"
    big = b"".join(line % i for i in range(400_000))
    bundle = make_bundle(tmp_path / "big", {f"logs/app{n}.log": big for n in range(4)})
    with qtbot.waitSignal(window.analysis_finished, timeout=ANALYSIS_TIMEOUT) as blocker:
        window.open_bundle(bundle)
        qtbot.waitUntil(lambda: window.opened is not None, timeout=20_000)
        assert window.progress.cancel.isVisible()
        window.cancel_analysis()
    analysis = blocker.args[0]
    assert any(p.kind.value == "cancelled" for p in analysis.problems)
    assert not window.running
    assert not window.actions["cancel"].isEnabled()
    assert not window.progress.isVisible()  # finished progress leaves the status bar
    assert "cancelled" in window.statusBar().currentMessage().lower()


def test_a_bundle_that_fails_to_open_shows_why_and_nothing_of_the_previous_one(
        qtbot, window, tmp_path, sample_dir):
    analyzed(qtbot, window, sample_dir / "gateway_502.zip")
    missing = tmp_path / "no-such-bundle.zip"
    with qtbot.waitSignal(window.bundle_failed, timeout=10_000) as failed:
        window.open_bundle(missing)
    assert failed.args[0]
    assert window.banner.isVisible() and window.banner.level == "error"
    assert "no-such-bundle.zip" in window.banner.text.text()
    assert window.banner.text.textFormat() == Qt.TextFormat.PlainText
    # The previous customer's bundle is gone from the screen, not left under another name.
    assert window.findings_pane.model.rowCount() == 0
    assert window.viewers.har_viewer.showing_placeholder
    assert window.windowTitle() == "Bundle Inspector"
    assert not window.running
    # Still usable: another bundle opens.
    corrupt = tmp_path / "corrupt.zip"
    with zipfile.ZipFile(corrupt, "w") as archive:
        archive.writestr("a.log", "2024-05-01 10:00:00 ERROR x\n")
    corrupt.write_bytes(corrupt.read_bytes()[:-30])
    window.open_bundle(corrupt)
    qtbot.waitUntil(lambda: not window.running, timeout=ANALYSIS_TIMEOUT)
    # Its central directory is cut: the member its local header still holds is read, and
    # the damage is a recorded problem.
    assert window.opened.source == corrupt
    assert "bundle.unreadable" in {f.rule for f in window.analysis.findings}


def test_filters_hide_findings_and_say_how_many(qtbot, window, sample_dir):
    analysis = analyzed(qtbot, window, sample_dir / "bundle_basics.zip")
    pane = window.findings_pane
    total = len(analysis.findings)
    pane.severity_buttons[Severity.HIGH].setChecked(False)
    high = sum(f.severity is Severity.HIGH for f in analysis.findings)
    assert pane.filter.rowCount() == total - high
    assert pane.filter.hidden_count() == high
    if high:
        assert f"{high:,} hidden" in pane.hidden_label.text()
    pane.severity_buttons[Severity.HIGH].setChecked(True)
    pane.text_filter.setText("no finding has this text")
    assert pane.filter.rowCount() == 0
    pane.text_filter.clear()
    analyzer = analysis.findings[0].analyzer
    pane.analyzer_filter.setCurrentIndex(pane.analyzer_filter.findData(analyzer))
    assert pane.filter.rowCount() == sum(f.analyzer == analyzer for f in analysis.findings)
    assert window.statusBar().isAncestorOf(pane.counts_label)
    assert pane.counts_label.text() == f"{total:,} findings"


def test_recent_bundles_and_layout_are_remembered(qtbot, sample_dir):
    first = MainWindow()
    qtbot.addWidget(first)
    analyzed(qtbot, first, sample_dir / "gateway_502.zip")
    first.splitter.setSizes([321, 654])
    saved = first.splitter.saveState()
    first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.recent.paths()[0] == str(sample_dir / "gateway_502.zip")
    assert second.recent.menu.actions()[0].text() == str(sample_dir / "gateway_502.zip")
    assert second.splitter.saveState() == saved
    assert not second.restoreGeometry(b"") and QSettings().value("window/geometry")


def test_dropping_a_file_opens_it(qtbot, window, sample_dir):
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(sample_dir / "gateway_502.zip"))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.analysis_finished, timeout=ANALYSIS_TIMEOUT):
        window.dropEvent(event)
    assert window.opened.source == sample_dir / "gateway_502.zip"


def test_customer_text_is_plain_text_everywhere(qtbot, window, tmp_path):
    hostile = "<b>bold</b> <img src=x onerror=alert(1)> &amp;"
    log = f"2024-05-01 10:00:00 ERROR {hostile}\n".encode() * 3
    analysis = analyzed(qtbot, window, make_bundle(tmp_path / "b", {f"{hostile}.log": log}))
    # The bundle's tags are shown as written, never interpreted (an HTML view would drop
    # them and bold "bold"), in the text the pane is given and in what it shows.
    shown = [row for row in range(len(analysis.findings))
             if hostile in describe_finding(analysis.findings[row])]
    assert shown
    pane = window.findings_pane
    for row in range(pane.filter.rowCount()):
        if hostile in describe_finding(pane.filter.index(row, 0).data(ROW_ROLE)):
            pane.table.selectRow(row)
            break
    assert hostile in pane.detail.text.toPlainText()
    tooltip = window.tree_model.items[analysis.artifacts[0].path].toolTip()
    assert "<b>" not in tooltip and "&lt;b&gt;" in tooltip


def test_training_mode_opens_from_the_tools_menu_with_the_apps_data_folder(
        qtbot, window, sample_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("BUNDLE_INSPECTOR_DATA", str(tmp_path / "data"))
    analyzed(qtbot, window, sample_dir / "gateway_502.zip")
    window.actions["training"].trigger()
    dialog = window.training_dialog
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    assert dialog.progress.path.parent == tmp_path / "data"
    window.actions["training"].trigger()  # a second time shows the same dialog
    assert window.training_dialog is dialog
    dialog.close()
    assert window.training_dialog is None


def test_signatures_are_drafted_from_a_finding_and_from_a_log_line(qtbot, window, sample_dir,
                                                                   tmp_path, monkeypatch):
    monkeypatch.setenv("BUNDLE_INSPECTOR_DATA", str(tmp_path / "data"))
    bundle_path = sample_dir / "gateway_502.zip"
    analyzed(qtbot, window, bundle_path)
    finding = select_finding(window, lambda f: f.evidence and isinstance(
        f.evidence[0].locator, LineLocator))
    window.actions["signature"].trigger()
    editor = window.signatures.editor
    assert editor is not None and editor.isVisible()
    assert editor.signature is not None
    with qtbot.waitSignal(editor.preview_finished, timeout=60_000):
        pass
    # The open bundle is previewed first, then every sample scenario.
    names = [result.name for result in editor.results]
    assert names[0] == str(bundle_path) and len(names) > 1
    assert all(name.startswith("sample:") for name in names[1:])
    assert str(editor.directory).startswith(str(tmp_path / "data"))
    editor.reject()
    assert window.signatures.editor is None

    # From the text viewer: the selected line (a finding's evidence line) drafts the pattern,
    # and the open bundle is where that very line is found again.
    evidence = finding.evidence[0]
    window.open_evidence(evidence)
    qtbot.waitUntil(lambda: window.viewers.text_viewer.selected_text() is not None, timeout=10_000)
    line = window.viewers.text_viewer.selected_text()
    window.actions["signature_line"].trigger()
    editor = window.signatures.editor
    assert editor is not None and editor.signature is not None
    with qtbot.waitSignal(editor.preview_finished, timeout=60_000):
        pass
    here = editor.results[0]
    assert here.name == str(bundle_path)
    hits = [e for match in here.matches for e in match.evidence]
    assert any(e.artifact == evidence.artifact for e in hits), (line, here)
    window.close()
    assert window.signatures.editor is None


def test_report_draft_is_saved_and_restored_with_the_bundle(qtbot, sample_dir):
    bundle = sample_dir / "gateway_502.zip"
    first = MainWindow()
    qtbot.addWidget(first)
    analyzed(qtbot, first, bundle)
    first.report.title.setText("Invoices: gateway 504 on /orders/{id}/invoice since 09:14")
    qtbot.waitUntil(lambda: first.drafts.session.workspace.report is not None
                    and first.drafts.session.workspace.report.title.startswith("Invoices"),
                    timeout=5_000)
    first.close()  # releases the workspace lock

    second = MainWindow()
    qtbot.addWidget(second)
    analyzed(qtbot, second, bundle)
    assert second.report.title.text() == ("Invoices: gateway 504 on /orders/{id}/invoice "
                                          "since 09:14")
    assert "restored" in second.statusBar().currentMessage()
    second.close()


# --- big and trace-heavy logs in the real window (issue 23: PySide6 6.12.0 crashed here) ---

SOCKET_TIMEOUT_TRACE = (
    "java.net.SocketTimeoutException: Read timed out\n"
    "\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)\n"
    "\tat java.base/java.net.Socket$SocketInputStream.read(Socket.java:966)\n"
    "\tat org.apache.http.impl.io.SessionInputBufferImpl.fillBuffer(SessionInputBufferImpl"
    ".java:153)\n"
    "\tat com.example.billing.PartnerClient.charge(PartnerClient.java:112)\n"
    "\t... 38 more\n")


def socket_timeout_log(records: int) -> bytes:
    """``records`` ERROR lines, each followed by a ``SocketTimeoutException`` trace."""
    return "".join(
        f"2026-11-17 09:{n // 3600 % 60:02d}:{n // 60 % 60:02d}.{n % 1000:03d} ERROR "
        f"[http-nio-8080-exec-{n % 16}] c.e.b.PartnerClient - charge {n} failed\n"
        + SOCKET_TIMEOUT_TRACE for n in range(records)).encode()


def big_log(path, size: int) -> None:
    """About ``size`` bytes of log: INFO lines with a trace after every 20th record."""
    block = b"".join(
        f"2026-11-17 10:00:{n % 60:02d}.{n:03d} INFO [main] c.e.Orders - order {n} handled "
        f"in {n % 97} ms\n".encode() + (socket_timeout_log(1) if n % 20 == 7 else b"")
        for n in range(1000))
    with open(path, "wb") as out:
        for _ in range(size // len(block) + 1):
            out.write(block)


def opened_members(qtbot, window, path):
    """Open ``path`` and wait for the member list (the analysis goes on behind)."""
    window.open_bundle(path)
    qtbot.waitUntil(lambda: window.opened is not None, timeout=ANALYSIS_TIMEOUT)


def fold_unfold_and_idle(qtbot, window, artifact: str, expected_folds: int | None) -> None:
    viewer = window.viewers.text_viewer
    true_references = sys.getrefcount(True)
    window.open_evidence(Evidence(artifact, WholeLocator()))
    qtbot.waitUntil(lambda: viewer.model.line_index.done, timeout=120_000)
    model = viewer.model
    if expected_folds is not None:
        assert len(model.folds) == expected_folds
    lines = model.line_index.lines
    viewer.fold_all(True)
    assert model.rowCount() == lines - model.folds.hidden < lines
    viewer.fold_all(False)
    assert model.rowCount() == lines
    # One by one, as a user clicks through: every fold and unfold signals the view.
    for fold in range(min(len(model.folds), 2_000)):
        model.set_folded(fold, True)
    for fold in range(min(len(model.folds), 2_000)):
        model.set_folded(fold, False)
    viewer.go_to_line(lines - 1)
    # The event loop keeps painting and loading for a few seconds: a binding that drops a
    # reference per signal aborts the process here, long before the assertion below.
    qtbot.wait(3_000)
    assert model.rowCount() == lines
    assert sys.getrefcount(True) > true_references - 500


@pytest.mark.slow
def test_ten_thousand_stack_traces_fold_and_unfold_in_the_real_window(qtbot, window,
                                                                       tmp_path):
    bundle = make_bundle(tmp_path / "case", {"app.log": socket_timeout_log(10_000)})
    analyzed(qtbot, window, bundle)
    fold_unfold_and_idle(qtbot, window, "app.log", 10_000)


@pytest.mark.slow
def test_a_200_mb_log_opens_folds_and_unfolds_while_it_is_analyzed(qtbot, window, tmp_path):
    folder = tmp_path / "case"
    folder.mkdir()
    big_log(folder / "server.log", 200 * 2**20)
    opened_members(qtbot, window, folder)
    fold_unfold_and_idle(qtbot, window, "server.log", None)
    assert len(window.viewers.text_viewer.model.folds) > 50_000
    window.close()  # cancels the analysis still running on 200 MB


# --- the workbench (issue 19) --------------------------------------------------------------


def shown_texts(window) -> str:
    """Every text a user can read in the window right now."""
    parts = [window.windowTitle(), window.statusBar().currentMessage()]
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QLabel | QLineEdit | QAbstractButton):
            parts.append(widget.text())
        elif isinstance(widget, QComboBox):
            parts.append(widget.currentText())
        elif isinstance(widget, QPlainTextEdit):
            parts.append(widget.toPlainText())
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            root = QModelIndex()
            columns = 1 if isinstance(widget, QListView) else model.columnCount(root)
            parts += [str(model.index(row, column).data() or "")
                      for row in range(min(model.rowCount(root), 50))
                      for column in range(columns)]
    return "\n".join(parts)


def test_opening_another_bundle_resets_every_viewer_detail_and_search_field(qtbot, window,
                                                                           sample_dir):
    analysis = analyzed(qtbot, window, sample_dir / "tls_expired_certificate.zip")
    viewers = window.viewers
    capture = next(a.path for a in analysis.artifacts if a.kind is ArtifactKind.PCAPNG)
    log = next(a.path for a in analysis.artifacts if a.kind is ArtifactKind.LOG)
    with qtbot.waitSignal(viewers.packet_viewer.details_shown, timeout=20_000):
        window.open_evidence(Evidence(capture, PacketLocator(80)))
    viewers.packet_viewer.filter_box.setText("tls.alert_message")
    with qtbot.waitSignal(viewers.text_viewer.indexed, timeout=20_000):
        window.open_evidence(Evidence(log, LineLocator(13)))
    viewers.text_viewer.find_box.setText("CertificateExpiredException")
    window.findings_pane.text_filter.setText("certificate")
    assert capture.rsplit("/", 1)[-1] in shown_texts(window)

    window.open_bundle(sample_dir / "gateway_502.zip")
    # At once, before the new bundle is even listed: nothing of the previous one is shown.
    for viewer in viewers.by_kind.values():
        assert viewer.showing_placeholder and viewer.source is None
    assert viewers.packet_viewer.filter_box.text() == ""
    assert viewers.text_viewer.find_box.text() == ""
    assert window.findings_pane.text_filter.text() == ""
    assert window.findings_pane.detail.text.toPlainText() == ""
    assert window.findings_pane.model.rowCount() == 0
    assert not window.report.has_report and window.report.title.text() == ""
    assert not window.viewers.history.can_go_back()
    texts = shown_texts(window)
    for old in (capture.rsplit("/", 1)[-1], log.rsplit("/", 1)[-1], "payments.example.net",
                "tls_expired_certificate"):
        assert old not in texts, old
    assert "No capture is open" in viewers.packet_viewer.placeholder.text()
    qtbot.waitUntil(lambda: window.analysis is not None, timeout=ANALYSIS_TIMEOUT)
    assert window.windowTitle().startswith("gateway_502.zip")


def test_the_report_is_a_column_raised_when_the_first_analysis_finishes(qtbot, window,
                                                                        sample_dir):
    assert window.dockWidgetArea(window.report_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert not window.tabifiedDockWidgets(window.report_dock)  # beside, never behind
    assert not window.report.has_report and window.report.placeholder.isVisible()
    window.report_dock.hide()
    analyzed(qtbot, window, sample_dir / "gateway_502.zip")
    assert window.report_dock.isVisible() and window.report.has_report
    assert window.report.editor.isVisible()
    # Later the engineer's layout is theirs: a closed report stays closed.
    window.report_dock.hide()
    analyzed(qtbot, window, sample_dir / "tls_expired_certificate.zip")
    assert not window.report_dock.isVisible()


def test_the_report_columns_size_is_remembered(qtbot, sample_dir):
    first = MainWindow()
    qtbot.addWidget(first)
    first.resize(1400, 900)
    first.show()
    qtbot.waitExposed(first)
    qtbot.wait(50)  # the first layout's default sizes are applied once shown
    first.resizeDocks([first.report_dock], [420], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: abs(first.report_dock.width() - 420) <= 2)
    first.close()
    second = MainWindow()
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert abs(second.report_dock.width() - 420) <= 2




def test_first_launch_says_what_to_do_and_opens_a_sample(qtbot, window):
    assert window.pages.currentWidget() is window.welcome
    texts = shown_texts(window)
    for what in ("Open a bundle file", "Open a folder", "sample", "Start training"):
        assert what in texts
    window.welcome.samples.setCurrentIndex(window.welcome.samples.findData("gateway_502"))
    with qtbot.waitSignal(window.analysis_finished, timeout=ANALYSIS_TIMEOUT):
        window.welcome.open_sample_button.click()
    assert window.pages.currentIndex() == 1
    assert window.opened.source.name == "gateway_502.zip"


def test_the_window_fits_the_screen_it_opens_on(qtbot):
    free = QGuiApplication.primaryScreen().availableGeometry()
    first = MainWindow()
    qtbot.addWidget(first)
    assert first.width() <= free.width() and first.height() <= free.height()
    first.resize(free.width() * 3, free.height() * 3)  # a bigger monitor, last time
    first.save_settings()
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.width() <= free.width() and second.height() <= free.height()


def test_silent_failures_get_a_visible_message(qtbot, window, tmp_path):
    random_zip = tmp_path / "case-1234.zip"
    random_zip.write_bytes(bytes(range(256)) * 40)
    analyzed(qtbot, window, random_zip)
    assert window.banner.isVisible() and window.banner.level == "error"
    assert window.banner.text.text().startswith("Nothing in case-1234.zip could be analyzed")
    header = bytes.fromhex("d4c3b2a1020004000000000000000000ffff000001000000")
    bundle = make_bundle(tmp_path / "case", {"eth0.pcap": header + b"garbage, not a record",
                                             "app.log": b"2026-11-17 09:14:01 INFO up\n"})
    analyzed(qtbot, window, bundle)
    assert window.banner.level == "warning"
    assert "No packet could be read from eth0.pcap" in window.banner.text.text()
    count = window.problems.rowCount()
    assert count and window.problems_dock.windowTitle() == f"Problems ({count})"
    assert window.tree_model.problem_paths() == {"eth0.pcap"}
    assert "problem" in window.tree_model.items["eth0.pcap"].toolTip()




def test_keyboard_back_forward_severities_evidence_help_and_reanalyse(qtbot, window,
                                                                     sample_dir):
    analysis = analyzed(qtbot, window, sample_dir / "tls_expired_certificate.zip")
    pane = window.findings_pane
    assert not pane.table.tabKeyNavigation()
    for view in window.findChildren(QAbstractItemView):
        assert not view.tabKeyNavigation(), type(view).__name__
    high = sum(f.severity is Severity.HIGH for f in analysis.findings)
    window.actions["high"].trigger()
    assert pane.filter.rowCount() == len(analysis.findings) - high
    window.actions["high"].trigger()
    pane.table.setFocus()
    window.actions["evidence"].trigger()
    assert pane.detail.evidence.currentRow() >= 0
    # F4 twice on different evidence, then Alt+Left / Alt+Right.
    assert not window.actions["back"].isEnabled()
    packet = next(f for f in analysis.findings
                  if f.evidence and isinstance(f.evidence[0].locator, PacketLocator))
    line = next(f for f in analysis.findings
                if f.evidence and isinstance(f.evidence[0].locator, LineLocator))
    window.open_evidence(packet.evidence[0])
    window.open_evidence(line.evidence[0])
    assert window.actions["back"].isEnabled() and not window.actions["forward"].isEnabled()
    window.actions["back"].trigger()
    assert window.viewers.currentWidget() is window.viewers.packet_viewer
    assert window.actions["forward"].isEnabled()
    window.actions["forward"].trigger()
    assert window.viewers.currentWidget() is window.viewers.text_viewer
    assert QKeySequence(window.actions["back"].shortcut()) == QKeySequence("Alt+Left")
    dialog = window.show_shortcuts()
    qtbot.addWidget(dialog)
    listed = {dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())}
    assert {action.shortcut().toString() for action in window.actions.values()} <= listed
    with qtbot.waitSignal(window.analysis_finished, timeout=ANALYSIS_TIMEOUT):
        window.actions["reanalyze"].trigger()


def test_an_export_is_named_after_the_bundle_and_says_where_it_went(qtbot, window,
                                                                   sample_dir, tmp_path):
    analyzed(qtbot, window, sample_dir / "gateway_502.zip")
    dialog = window.report.open_export_dialog()
    qtbot.addWidget(dialog)
    dialog.format.setCurrentText("pdf")
    assert dialog.default_path().name == "gateway_502-report.pdf"
    target = tmp_path / dialog.default_path().name
    assert dialog.write(target)
    assert window.banner.isVisible() and window.banner.level == "info"
    assert window.banner.text.text() == f"Report written to {target}"
    assert str(target) in window.statusBar().currentMessage()


def test_the_theme_can_be_chosen_and_is_remembered(qtbot, window, qapp):
    try:
        window.set_theme(True)
        assert theme.is_dark()
        assert QSettings().value("theme") == "dark"
    finally:
        window.set_theme(None)
        theme.apply(qapp, dark=False)
