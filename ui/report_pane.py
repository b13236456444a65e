"""The report pane: the escalation report, edited beside the findings, exported safely.

A standalone widget the main window docks next to the findings table:

- left, the editable report: title, severity, and one plain-text box per section the
  engineer writes (impact, customer, summary, reproduction, workaround, the ask), then the
  chosen findings in their report order (move up/down, remove);
- right, a live preview, refreshed a moment after each edit, as the Markdown source or as
  plain text. Both are shown in a ``QPlainTextEdit``: customer text is never interpreted as
  HTML or rich text anywhere in this pane (labels showing it are ``PlainText`` too);
- *Export...* opens ``ExportDialog``: the format, which identifiers to pseudonymize, and a
  preview table of every change redaction will make (secrets shown masked) before anything
  is written. The write goes through ``inspector.report.export``, whose final gate refuses a
  file in which anything is still flagged; the dialog shows the refusal and writes nothing.

The pane holds no state the workspace does not: ``report()`` and ``pseudonyms`` are what the
main window saves (on ``changed``, debounced there), and ``set_report`` restores them.

API for the main window: ``set_analysis(analysis, report=None, pseudonyms=None)`` when a
bundle is analyzed (``report`` is the saved draft, else a draft is made), ``add_finding``
and ``add_evidence`` for "add to report", ``report()`` for saving.

Signals:
    changed: the report was edited (save the workspace).
    exported(str): a file was written, with its path.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
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
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
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


def _plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class ReportPane(QWidget):
    """The editable report with its live preview and export.

    Attributes:
        pseudonyms: the bundle's pseudonym map (from the workspace), used by every export.
        title, severity, sections: the editors; ``findings_list`` the chosen findings.
        preview: the read-only preview; ``markdown_view``/``text_view`` pick its form.

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
        # Each source's clock offset, set with each analysis: findings added by hand show
        # their times on UTC, as the draft does.
        self.clock_offsets: dict[str, timedelta] = {}
        self._loading = False

        self.title = QLineEdit()
        self.title.setPlaceholderText("One line: what is broken, for whom")
        self.severity = QComboBox()
        self.severity.addItems([s.value for s in Severity])
        self.sections: dict[str, QPlainTextEdit] = {}
        form = QFormLayout()
        form.addRow("Title", self.title)
        form.addRow("Severity", self.severity)
        for name, label in _TEXT_SECTIONS:
            editor = QPlainTextEdit()
            editor.setTabChangesFocus(True)
            editor.setMinimumHeight(60)
            self.sections[name] = editor
            form.addRow(label, editor)
            editor.textChanged.connect(self._edited)
        self.title.textChanged.connect(self._edited)
        self.severity.currentIndexChanged.connect(self._edited)

        self.findings_list = QListWidget()
        self.findings_list.setMinimumHeight(90)
        up, down, remove = QPushButton("Up"), QPushButton("Down"), QPushButton("Remove")
        up.clicked.connect(lambda: self.move_finding(-1))
        down.clicked.connect(lambda: self.move_finding(1))
        remove.clicked.connect(self.remove_finding)
        list_buttons = QHBoxLayout()
        for button in (up, down, remove):
            list_buttons.addWidget(button)
        list_buttons.addStretch()
        form.addRow("Findings", self.findings_list)
        form.addRow("", list_buttons)
        editor_page = QWidget()
        editor_page.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(editor_page)

        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.markdown_view = QRadioButton("Markdown source")
        self.text_view = QRadioButton("Plain text")
        self.markdown_view.setChecked(True)
        views = QButtonGroup(self)
        views.addButton(self.markdown_view)
        views.addButton(self.text_view)
        self.markdown_view.toggled.connect(self.refresh_preview)
        self.export_button = QPushButton("Export…")
        self.export_button.clicked.connect(self.open_export_dialog)
        preview_bar = QHBoxLayout()
        preview_bar.addWidget(self.markdown_view)
        preview_bar.addWidget(self.text_view)
        preview_bar.addStretch()
        preview_bar.addWidget(self.export_button)
        preview_side = QWidget()
        preview_layout = QVBoxLayout(preview_side)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addLayout(preview_bar)
        preview_layout.addWidget(self.preview)

        splitter = QSplitter()
        splitter.addWidget(scroll)
        splitter.addWidget(preview_side)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.refresh_preview)
        self.refresh_preview()

    # -- loading -----------------------------------------------------------------------

    def set_analysis(self, analysis: Analysis, report: Report | None = None,
                     pseudonyms: PseudonymMap | None = None,
                     bundle: Bundle | None = None) -> None:
        """Show the saved draft ``report``, or a fresh draft of ``analysis``."""
        self.set_report(report if report is not None else draft(analysis, bundle), pseudonyms)

    def set_report(self, report: Report, pseudonyms: PseudonymMap | None = None) -> None:
        self._loading = True
        try:
            self._report = Report.from_json(report.to_json())
            self.pseudonyms = pseudonyms if pseudonyms is not None else PseudonymMap()
            self.title.setText(report.title)
            self.severity.setCurrentText(report.severity.value)
            for name, editor in self.sections.items():
                editor.setPlainText(getattr(report, name))
            self._fill_findings()
        finally:
            self._loading = False
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

    def add_finding(self, finding: Finding) -> bool:
        """Add a finding with its first evidence; False when it is already in the report."""
        if any(f.rule == finding.rule and f.title == finding.title
               for f in self._report.findings):
            return False
        self._report.add_finding(finding, offsets=self.clock_offsets)
        self._findings_changed(len(self._report.findings) - 1)
        return True

    def add_evidence(self, finding: Finding, evidence: Evidence) -> bool:
        """Add one evidence item (its finding too, when it is not in the report yet)."""
        known = any(f.rule == finding.rule and f.title == finding.title
                    for f in self._report.findings)
        if not known:
            self._report.add_finding(finding, [evidence], self.clock_offsets)
        elif not self._report.add_finding(finding, [evidence], self.clock_offsets):
            return False
        index = next(i for i, f in enumerate(self._report.findings)
                     if f.rule == finding.rule and f.title == finding.title)
        self._findings_changed(index)
        return True

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

    def refresh_preview(self) -> None:
        report = self.report()
        text = render_markdown(report) if self.markdown_view.isChecked() else render_text(report)
        self.preview.setPlainText(text)

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
        self.summary = _plain_label()
        self.error = _plain_label()
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
        layout.addWidget(_plain_label("Every change redaction will make (secrets shown "
                                      "masked; the pseudonym map stays on this machine):"))
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

    def choose_and_write(self) -> None:
        fmt = self.format.currentText()
        path, _ = QFileDialog.getSaveFileName(self, "Export the report", f"report.{fmt}",
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
        self.written.emit(str(path))
        self.accept()
        return True
