"""The report pane: the escalation report, written in its own column beside the evidence,
previewed as it will be exported, exported safely.

The main window docks it on the right (``ui.main_window``); it is one narrow column:

- *Draft*: title, severity, and one plain-text box per section the engineer writes
  (impact, customer, summary, reproduction, workaround, the ask), labels above the boxes,
  then the chosen findings in their report order (move up/down, remove).
- *Preview*: the report as it will be exported: redacted (secrets removed, identifiers
  pseudonymized with the bundle's map), as Markdown or plain text, refreshed a moment after
  each edit. *Show original* shows it unredacted, marked "not for sharing". Everything is
  in a ``QPlainTextEdit``: customer text is never interpreted as HTML or rich text anywhere
  in this pane (labels showing it are ``PlainText`` too).
- *Export…* opens ``ExportDialog``: the format, which identifiers to pseudonymize, and a
  table of every change redaction will make (secrets shown masked) before anything is
  written; the file is named after the bundle; the write goes through
  ``inspector.report.export``, whose final gate refuses a file in which anything is still
  flagged (the dialog shows the refusal and writes nothing).

"Add to report" (a finding, an evidence line, a packet, a HAR entry) drops a cited excerpt
(``inspector.views.citation``) at the cursor of the section box last edited (Summary until
one is), and a finding also joins the Findings list; a finding already there is refused
with the reason, never silently.

The pane holds no state the workspace does not: ``report()`` and ``pseudonyms`` are what the
main window saves (on ``changed``, debounced there), and ``set_report`` restores them.

Signals:
    changed: the report was edited (save the workspace).
    exported(str): a file was written, with its path.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector.analysis import Analysis
from inspector.bundle import Bundle
from inspector.model import Evidence, Finding, Severity
from inspector.privacy.redaction import Identifier, PseudonymMap, RedactionRefused, Redactor
from inspector.report import (
    FORMATS,
    Report,
    draft,
    export,
    redact_report,
    render_markdown,
    render_text,
)
from ui import theme
from ui.viewers.base import plain_label

PREVIEW_DELAY_MS = 300
_TEXT_SECTIONS = (
    ("business_impact", "Business impact"),
    ("customer", "Customer"),
    ("summary", "Summary"),
    ("root_cause", "Root cause"),
    ("reproduction", "Reproduction steps"),
    ("workaround", "Workaround given"),
    ("resolution", "Resolution"),
    ("ask", "Ask of engineering"),
)
EMPTY = ("The report is drafted here when the analysis of a bundle finishes. Add findings, "
         "evidence lines, packets or HAR entries to it from their menus (Ctrl+R).")


def report_file_name(report: Report, fmt: str) -> str:
    """``case-4711-report.pdf``: named after the bundle, safe on every file system.

    >>> report_file_name(Report(bundle="case 4711.tar.gz"), "pdf")
    'case-4711-report.pdf'
    >>> report_file_name(Report(), "md")
    'report.md'
    """
    stem = report.bundle
    for suffix in (".gz", ".bz2", ".xz", ".tgz", ".zip", ".tar"):
        stem = stem.removesuffix(suffix)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.")[:80]
    return f"{stem}-report.{fmt}" if stem else f"report.{fmt}"


class ReportPane(QWidget):
    """The editable report with its redacted preview and export.

    Attributes:
        pseudonyms: the bundle's pseudonym map (from the workspace), used by every export.
        clock_offsets: each source's clock offset, for the times of findings added by hand.
        title, severity, sections: the editors; ``findings_list`` the chosen findings.
        preview: the read-only preview; ``markdown_view``/``text_view`` pick its form,
            ``show_original`` shows it unredacted.

    Signals:
        changed: the report was edited.
        exported(str): an export was written to this path.
    """

    changed = Signal()
    exported = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._report = Report()
        self.pseudonyms = PseudonymMap()
        self.clock_offsets: dict[str, timedelta] = {}
        self._loading = False
        self.has_report = False

        self.title = QLineEdit()
        self.title.setPlaceholderText("One line: what is broken, for whom")
        self.severity = QComboBox()
        self.severity.addItems([s.value for s in Severity])
        self.sections: dict[str, QPlainTextEdit] = {}
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.addRow("Title", self.title)
        form.addRow("Severity", self.severity)
        for name, label in _TEXT_SECTIONS:
            editor = QPlainTextEdit()
            editor.setTabChangesFocus(True)
            editor.setMinimumHeight(64)
            editor.installEventFilter(self)
            self.sections[name] = editor
            form.addRow(label, editor)
            editor.textChanged.connect(self._edited)
        self._last_editor = self.sections["summary"]
        self.title.textChanged.connect(self._edited)
        self.severity.currentIndexChanged.connect(self._edited)
        self.findings_list = QListWidget()
        self.findings_list.setMinimumHeight(90)
        self.findings_list.setWordWrap(True)
        up, down, remove = QPushButton("Up"), QPushButton("Down"), QPushButton("Remove")
        up.clicked.connect(lambda: self.move_finding(-1))
        down.clicked.connect(lambda: self.move_finding(1))
        remove.clicked.connect(self.remove_finding)
        list_buttons = QHBoxLayout()
        for button in (up, down, remove):
            list_buttons.addWidget(button)
        list_buttons.addStretch()
        form.addRow("Findings", self.findings_list)
        form.addRow(list_buttons)
        editor_page = QWidget()
        editor_page.setLayout(form)
        self.editor = QScrollArea()
        self.editor.setWidgetResizable(True)
        self.editor.setWidget(editor_page)

        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview_note = plain_label(wrap=True)
        self.markdown_view = QRadioButton("Markdown")
        self.text_view = QRadioButton("Plain text")
        self.markdown_view.setChecked(True)
        views = QButtonGroup(self)
        views.addButton(self.markdown_view)
        views.addButton(self.text_view)
        self.markdown_view.toggled.connect(self.refresh_preview)
        self.show_original = QCheckBox("Show original (not for sharing)")
        self.show_original.toggled.connect(self.refresh_preview)
        preview_bar = QHBoxLayout()
        preview_bar.addWidget(self.markdown_view)
        preview_bar.addWidget(self.text_view)
        preview_bar.addStretch()
        preview_page = QWidget()
        preview_layout = QVBoxLayout(preview_page)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addLayout(preview_bar)
        preview_layout.addWidget(self.show_original)
        preview_layout.addWidget(self.preview_note)
        preview_layout.addWidget(self.preview)

        self.draft_tab = QRadioButton("Draft")
        self.preview_tab = QRadioButton("Preview")
        self.preview_tab.setToolTip("The report as it will be exported: redacted")
        self.draft_tab.setChecked(True)
        tabs = QButtonGroup(self)
        tabs.addButton(self.draft_tab)
        tabs.addButton(self.preview_tab)
        self.export_button = QPushButton("Export…")
        self.export_button.clicked.connect(self.open_export_dialog)
        top = QHBoxLayout()
        top.addWidget(self.draft_tab)
        top.addWidget(self.preview_tab)
        top.addStretch()
        top.addWidget(self.export_button)
        self.pages = QStackedWidget()
        self.placeholder = plain_label(EMPTY, wrap=True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setMargin(16)
        self.pages.addWidget(self.placeholder)
        self.pages.addWidget(self.editor)
        self.pages.addWidget(preview_page)
        self.draft_tab.toggled.connect(self._show_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.refresh_preview)
        self.clear()

    # -- showing ---------------------------------------------------------------------------

    def _show_page(self) -> None:
        if not self.has_report:
            self.pages.setCurrentWidget(self.placeholder)
        elif self.draft_tab.isChecked():
            self.pages.setCurrentWidget(self.editor)
        else:
            self.refresh_preview()
            self.pages.setCurrentIndex(2)

    def show_preview(self, show: bool = True) -> None:
        (self.preview_tab if show else self.draft_tab).setChecked(True)

    def clear(self) -> None:
        """No report (a new bundle is being read): the placeholder, nothing of the old one."""
        self.has_report = False
        self.set_report(Report())
        self.has_report = False
        self.export_button.setEnabled(False)
        self._show_page()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QPlainTextEdit):
            self._last_editor = watched  # where "add to report" drops its citation
        return super().eventFilter(watched, event)

    # -- loading -----------------------------------------------------------------------

    def set_analysis(self, analysis: Analysis, report: Report | None = None,
                     pseudonyms: PseudonymMap | None = None,
                     bundle: Bundle | None = None) -> None:
        """Show the saved draft ``report``, or a fresh draft of ``analysis``."""
        fresh = report if report is not None else draft(analysis, bundle, self.clock_offsets)
        self.set_report(fresh, pseudonyms)

    def set_report(self, report: Report, pseudonyms: PseudonymMap | None = None) -> None:
        self._loading = True
        try:
            self._report = Report.from_json(report.to_json())
            self.pseudonyms = pseudonyms if pseudonyms is not None else PseudonymMap()
            self.title.setText(report.title)
            self.title.setCursorPosition(0)
            self.severity.setCurrentText(report.severity.value)
            for name, editor in self.sections.items():
                editor.setPlainText(getattr(report, name))
            self._fill_findings()
        finally:
            self._loading = False
        self.has_report = True
        self.export_button.setEnabled(True)
        self._show_page()
        self.refresh_preview()

    def _fill_findings(self, current: int = -1) -> None:
        self.findings_list.clear()
        for finding in self._report.findings:
            self.findings_list.addItem(f"[{finding.severity.value}] {finding.title} "
                                       f"({len(finding.evidence)} evidence)")
        if current >= 0:
            self.findings_list.setCurrentRow(current)

    # -- editing --------------------------------------------------------------------------

    def report(self) -> Report:
        """The report as edited now."""
        report = Report.from_json(self._report.to_json())
        report.title = self.title.text()
        report.severity = Severity(self.severity.currentText())
        for name, editor in self.sections.items():
            setattr(report, name, editor.toPlainText())
        return report

    def _edited(self) -> None:
        if self._loading:
            return
        self._preview_timer.start()
        self.changed.emit()

    def _findings_changed(self, current: int = -1) -> None:
        self._fill_findings(current)
        self._edited()

    def has_finding(self, finding: Finding) -> int | None:
        """Where ``finding`` is in the report's Findings (0-based), or None."""
        return next((i for i, f in enumerate(self._report.findings)
                     if f.rule == finding.rule and f.title == finding.title), None)

    def add_finding(self, finding: Finding) -> bool:
        """Add a finding with its first evidence; False when it is already in the report."""
        if self.has_finding(finding) is not None:
            return False
        self._report.add_finding(finding, offsets=self.clock_offsets)
        self._findings_changed(len(self._report.findings) - 1)
        return True

    def add_evidence(self, finding: Finding, evidence: Evidence) -> bool:
        """Add one evidence item (its finding too, when it is not in the report yet)."""
        known = self.has_finding(finding) is not None
        if not known:
            self._report.add_finding(finding, [evidence], self.clock_offsets)
        elif not self._report.add_finding(finding, [evidence], self.clock_offsets):
            return False
        self._findings_changed(self.has_finding(finding) or 0)
        return True

    def aim_citations(self, section: str) -> None:
        """Citations go to ``section``'s cursor from now on, as when the engineer clicks
        into it."""
        self._last_editor = self.sections[section]

    def insert_citation(self, text: str) -> str:
        """Drop ``text`` on lines of its own at the cursor of the section last edited;
        returns the section's name."""
        editor = self._last_editor
        cursor = editor.textCursor()
        before = cursor.block().text()[:cursor.positionInBlock()]
        cursor.beginEditBlock()
        if before.strip():
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
            cursor.insertText("\n")
        cursor.insertText(text + "\n")
        cursor.endEditBlock()
        editor.setTextCursor(cursor)
        return next(name for name, box in self.sections.items() if box is editor)

    def section_label(self, name: str) -> str:
        return dict(_TEXT_SECTIONS)[name]

    def move_finding(self, step: int) -> None:
        row = self.findings_list.currentRow()
        target = row + step
        findings = self._report.findings
        if row < 0 or not 0 <= target < len(findings):
            return
        findings[row], findings[target] = findings[target], findings[row]
        self._findings_changed(target)

    def remove_finding(self) -> None:
        row = self.findings_list.currentRow()
        if row < 0:
            return
        del self._report.findings[row]
        self._findings_changed(min(row, len(self._report.findings) - 1))

    # -- preview and export -------------------------------------------------------------

    def preview_report(self) -> Report:
        """The report as the preview shows it: redacted as an export with every identifier
        pseudonymized, unless *Show original* is on."""
        report = self.report()
        if self.show_original.isChecked():
            return report
        return redact_report(report, Redactor(self.pseudonyms,
                                              pseudonymize=frozenset(Identifier)))

    def refresh_preview(self) -> None:
        report = self.preview_report()
        text = render_markdown(report) if self.markdown_view.isChecked() else render_text(report)
        self.preview.setPlainText(text)
        self.preview_note.setText(
            "ORIGINAL, NOT REDACTED: not for sharing." if self.show_original.isChecked() else
            "As it will be exported: secrets removed, hosts, addresses and e-mail addresses "
            "replaced by pseudonyms (the export dialog lets you keep some).")

    def open_export_dialog(self) -> ExportDialog:
        """Open the export dialog (non-modal, so the engineer can still read the report)."""
        dialog = ExportDialog(self.report(), self.pseudonyms, self)
        dialog.written.connect(self.exported)
        dialog.written.connect(lambda _: self.changed.emit())  # new pseudonyms to save
        dialog.show()
        return dialog


class ExportDialog(QDialog):
    """Choose format and pseudonyms, see every change redaction makes, then write.

    Attributes:
        format, kinds: the choices; ``changes`` the preview table; ``error`` the refusal.

    Signals:
        written(str): the export was written to this path.
    """

    written = Signal(str)

    def __init__(self, report: Report, pseudonyms: PseudonymMap,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export the report")
        self._report = report
        self._pseudonyms = pseudonyms
        self.format = QComboBox()
        self.format.addItems(FORMATS)
        self.kinds: dict[Identifier, QCheckBox] = {}
        kinds_row = QHBoxLayout()
        for kind in Identifier:
            box = QCheckBox(kind.value)
            box.setChecked(True)
            box.toggled.connect(self.refresh_changes)
            self.kinds[kind] = box
            kinds_row.addWidget(box)
        self.changes = QTableWidget(0, 5)
        self.changes.setHorizontalHeaderLabels(["Change", "Kind", "Before", "After", "Times"])
        self.changes.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.changes.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.changes.setTabKeyNavigation(False)
        self.summary = plain_label(wrap=True)
        self.error = plain_label(wrap=True)
        self.error.setProperty("message", "error")
        theme.style(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.choose_and_write)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Pseudonymize", kinds_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(plain_label("Every change redaction will make (secrets shown masked; "
                                     "the pseudonym map stays on this machine):", wrap=True))
        layout.addWidget(self.changes)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(760, 480)
        self.refresh_changes()

    def redactor(self) -> Redactor:
        chosen = frozenset(kind for kind, box in self.kinds.items() if box.isChecked())
        return Redactor(self._pseudonyms, pseudonymize=chosen)

    def refresh_changes(self) -> None:
        """Redact the report once, dry, to list what the export will change."""
        redactor = self.redactor()
        redact_report(self._report, redactor)
        rows = redactor.preview()
        self.changes.setRowCount(len(rows))
        for row, change in enumerate(rows):
            values = (change["category"], change["kind"], change["before"], change["after"],
                      str(change["count"]))
            for column, value in enumerate(values):
                self.changes.setItem(row, column, QTableWidgetItem(value))
        secrets = sum(r["count"] for r in rows if r["category"] == "secret")
        names = sum(r["count"] for r in rows if r["category"] == "pseudonym")
        self.summary.setText(f"{secrets} secret(s) will be removed and {names} "
                             "identifier(s) replaced by pseudonyms.")

    def default_path(self) -> Path:
        """Where the save dialog starts: the last export's folder, the file named after the
        bundle."""
        folder = QSettings().value("export/folder") or str(Path.home())
        return Path(str(folder)) / report_file_name(self._report, self.format.currentText())

    def choose_and_write(self) -> None:
        fmt = self.format.currentText()
        path, _ = QFileDialog.getSaveFileName(self, "Export the report",
                                              str(self.default_path()),
                                              f"{fmt.upper()} (*.{fmt})")
        if path:
            self.write(Path(path))

    def write(self, path: Path) -> bool:
        """Export to ``path``; on a refusal or an error, say why and write nothing."""
        self.error.clear()
        try:
            export(self._report, self.format.currentText(), path, self.redactor())
        except RedactionRefused as exc:
            self.error.setText(str(exc))
            return False
        except OSError as exc:
            self.error.setText(f"Could not write {path}: {exc.strerror or exc}")
            return False
        QSettings().setValue("export/folder", str(path.parent))
        self.written.emit(str(path))
        self.accept()
        return True
