"""Projects: open, rename, delete (after asking), and search by name or instruction."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.store.database import Project
from desktop.ui.projects.history_panel import when
from desktop.ui.projects.store_service import StoreService


class ProjectsDialog(QDialog):
    project_chosen = Signal(int)
    project_deleted = Signal(int)

    def __init__(self, store: StoreService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Projects")
        self.resize(520, 460)
        self.store = store
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by name or instruction…")
        self.list = QListWidget()
        self.open_button = QPushButton("Open")
        self.rename_button = QPushButton("Rename…")
        self.delete_button = QPushButton("Delete…")
        row = QHBoxLayout()
        for button in (self.open_button, self.rename_button, self.delete_button):
            row.addWidget(button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addWidget(close)
        self._search_timer = QTimer(self, singleShot=True, interval=150)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._search_timer.start)
        self.list.itemDoubleClicked.connect(lambda _item: self._open())
        self.open_button.clicked.connect(self._open)
        self.rename_button.clicked.connect(self._rename)
        self.delete_button.clicked.connect(self._delete)
        self.refresh()

    def refresh(self) -> None:
        text = self.search.text().strip()
        self.store.call(lambda s: s.list_projects(text), self._show)

    def _show(self, projects: list[Project]) -> None:
        self.list.clear()
        for project in projects:
            item = QListWidgetItem(f"{project.name}    ·  changed {when(project.updated_at)}")
            item.setData(Qt.ItemDataRole.UserRole, project)
            self.list.addItem(item)
        if projects:
            self.list.setCurrentRow(0)

    def _chosen(self) -> Project | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _open(self) -> None:
        project = self._chosen()
        if project is not None:
            self.project_chosen.emit(project.id)
            self.accept()

    def _rename(self) -> None:
        project = self._chosen()
        if project is None:
            return
        name, ok = QInputDialog.getText(self, "Rename project", "New name:", text=project.name)
        if ok and name.strip():
            self.store.call(lambda s: s.rename_project(project.id, name.strip()),
                            lambda _r: self.refresh())

    def _delete(self) -> None:
        project = self._chosen()
        if project is None:
            return
        answer = QMessageBox.question(
            self, "Delete project",
            f"Delete '{project.name}' with all its versions? This cannot be undone "
            "(the daily backup still has it).")
        if answer == QMessageBox.StandardButton.Yes:
            self.store.call(lambda s: s.delete_project(project.id), lambda _r: (
                self.project_deleted.emit(project.id), self.refresh()))
