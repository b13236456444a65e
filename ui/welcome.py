"""What the window shows until a bundle is open: what to do, in three ways.

Open a customer bundle (a file, or a folder), open a generated sample (no customer data,
each with an answer key), or start training. The recent bundles are listed for a double
click. A sample is built off the GUI thread into the app's data folder
(``samples/<name>.zip``, reused when it is there) and then opened like any bundle.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector.training import scenarios
from ui.shortcuts import keys
from ui.viewers.base import plain_label
from ui.worker import Task, TaskState

ABOUT = ("A bundle is what a customer sends: a zip or tar of logs, packet captures, browser "
         "HAR files, SQL dumps and slow logs, a plain folder, or one file. It is read in "
         "place: nothing in it is extracted, run, or sent anywhere.")


def build_sample(_state: TaskState, name: str, directory: Path) -> Path:
    """The sample bundle ``name`` in ``directory``, built unless it is there already."""
    bundle = directory / f"{name}.zip"
    if not bundle.is_file():
        bundle, _answer = scenarios.build(name, directory)
    return bundle


class WelcomePage(QWidget):
    """The first page (see the module doc).

    Signals:
        open_file(), open_folder(), start_training(): the user chose one of these.
        bundle_chosen(str): open this bundle (a recent one, or a sample once built).
    """

    open_file = Signal()
    open_folder = Signal()
    start_training = Signal()
    bundle_chosen = Signal(str)

    def __init__(self, samples_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.samples_dir = samples_dir
        self._task: Task | None = None
        title = plain_label("Open a customer bundle to see what is wrong")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        about = plain_label(ABOUT, wrap=True)
        open_file = QPushButton(f"Open a bundle file…  ({keys('open')})")
        open_file.clicked.connect(self.open_file)
        open_folder = QPushButton(f"Open a folder…  ({keys('open_folder')})")
        open_folder.clicked.connect(self.open_folder)
        opening = QHBoxLayout()
        opening.addWidget(open_file)
        opening.addWidget(open_folder)
        opening.addStretch()
        self.samples = QComboBox()
        for scenario in scenarios.catalogue():
            self.samples.addItem(f"{scenario.title} ({scenario.difficulty})", scenario.name)
        self.open_sample_button = QPushButton("Open this sample")
        self.open_sample_button.clicked.connect(
            lambda: self.open_sample(self.samples.currentData()))
        sample_row = QHBoxLayout()
        sample_row.addWidget(self.samples, 1)
        sample_row.addWidget(self.open_sample_button)
        training = QPushButton(f"Start training…  ({keys('training')})")
        training.clicked.connect(self.start_training)
        training_row = QHBoxLayout()
        training_row.addWidget(training)
        training_row.addStretch()
        self.recent = QListWidget()
        self.recent.setMaximumHeight(160)
        self.recent.itemActivated.connect(self._recent_activated)
        self.status = plain_label(wrap=True)
        column = QVBoxLayout()
        column.addWidget(title)
        column.addWidget(about)
        column.addSpacing(12)
        column.addLayout(opening)
        column.addSpacing(16)
        column.addWidget(plain_label("Or try a sample bundle: generated, no customer data, "
                                     "each with an answer key.", wrap=True))
        column.addLayout(sample_row)
        column.addSpacing(16)
        column.addWidget(plain_label("Or learn with the findings hidden, scored against the "
                                     "answer key:", wrap=True))
        column.addLayout(training_row)
        column.addSpacing(16)
        column.addWidget(plain_label("Recent bundles (double-click to open):"))
        column.addWidget(self.recent)
        column.addWidget(self.status)
        column.addStretch()
        box = QWidget()
        box.setLayout(column)
        box.setMaximumWidth(760)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 4)
        outer.addStretch(1)

    def set_recent(self, paths: list[str]) -> None:
        self.recent.clear()
        for path in paths:
            item = QListWidgetItem(path)
            item.setData(Qt.ItemDataRole.UserRole, path)
            self.recent.addItem(item)
        if not paths:
            placeholder = QListWidgetItem("(none yet)")
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(placeholder)

    def _recent_activated(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path:  # not the "(none yet)" line
            self.bundle_chosen.emit(path)

    def open_sample(self, name: str) -> None:
        """Build sample ``name`` in the background, then ask for it to be opened."""
        if self._task is not None:
            self._task.cancel()
        self.status.setText("Building the sample bundle…")
        self.open_sample_button.setEnabled(False)
        task = Task(build_sample, name, self.samples_dir, name="sample", parent=self)
        task.finished.connect(self._sample_built)
        task.failed.connect(self._sample_failed)
        self._task = task.start()

    def _sample_built(self, path: Path) -> None:
        self._task = None
        self.open_sample_button.setEnabled(True)
        self.status.clear()
        self.bundle_chosen.emit(str(path))

    def _sample_failed(self, message: str) -> None:
        self._task = None
        self.open_sample_button.setEnabled(True)
        self.status.setText(f"The sample could not be built: {message}")

    def wait_idle(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task.wait(30)
