"""The versions of the open project, newest first, with a thumbnail of each preview."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import QBuffer, QByteArray, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.checking.self_test import SelfTest
from desktop.core.generation.fixing import title
from desktop.core.store.database import Version
from desktop.ui.preview.self_test import BADGES

THUMB = QSize(112, 70)
THUMB_SOURCE = QSize(224, 140)  # stored at twice the size shown, for sharp high-DPI icons
SCREENSHOT_SIZE = QSize(1024, 1024)  # what a model that can see gets: enough to read text


def thumbnail_png(widget: QWidget) -> bytes:
    """A small PNG picture of what the widget shows now."""
    return screenshot_png(widget, THUMB_SOURCE)


def screenshot_png(widget: QWidget, size: QSize = SCREENSHOT_SIZE) -> bytes:
    """A PNG picture of what the widget shows now, no larger than `size`."""
    image = widget.grab().scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QBuffer.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def when(stamp: str) -> str:
    """A stored UTC time as the user reads it: local time, the date only if not today."""
    try:
        moment = datetime.fromisoformat(stamp).astimezone()
    except ValueError:
        return stamp
    return moment.strftime("%H:%M") if moment.date() == datetime.now().date() else (
        moment.strftime("%d %b %H:%M"))


class HistoryPanel(QWidget):
    version_selected = Signal(object)  # Version: preview it
    restore_requested = Signal(object)
    fork_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("<b>History</b>")
        self.list = QListWidget()
        self.list.setIconSize(THUMB)
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.restore_button = QPushButton("Restore")
        self.restore_button.setToolTip("Make this version the base for your next instruction")
        self.fork_button = QPushButton("Fork")
        self.fork_button.setToolTip("Start a new project from this version")
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.fork_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self._versions: dict[int, Version] = {}
        self._current: int | None = None
        self.list.currentItemChanged.connect(self._on_current)
        self.restore_button.clicked.connect(lambda: self._emit(self.restore_requested))
        self.fork_button.clicked.connect(lambda: self._emit(self.fork_requested))
        self._update_buttons()

    def show_versions(self, versions: list[Version], thumbnails: dict[int, bytes],
                      current: int | None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        self._versions = {v.id: v for v in versions}
        for version in versions:  # newest first
            self.list.addItem(self._item(version, thumbnails.get(version.id)))
        self.list.blockSignals(False)
        self.mark_current(current)

    def add_version(self, version: Version) -> None:
        self._versions[version.id] = version
        self.list.insertItem(0, self._item(version, None))
        self.mark_current(version.id)

    def set_self_test(self, version_id: int, result: SelfTest) -> None:
        """The version's badge: what trying it out found."""
        version = self._versions.get(version_id)
        item = self._find(version_id)
        if version is None or item is None:
            return
        self._versions[version_id] = replace(version, self_test=result.as_dict())
        item.setText(self._text(self._versions[version_id]))
        item.setToolTip(self._tooltip(self._versions[version_id]))

    def set_thumbnail(self, version_id: int, png: bytes) -> None:
        item = self._find(version_id)
        if item is not None:
            pixmap = QPixmap()
            pixmap.loadFromData(png, "PNG")
            item.setIcon(QIcon(pixmap))

    def mark_current(self, version_id: int | None) -> None:
        """Bold the version the next instruction builds on."""
        self._current = version_id
        for row in range(self.list.count()):
            item = self.list.item(row)
            font = item.font()
            font.setBold(item.data(Qt.ItemDataRole.UserRole) == version_id)
            item.setFont(font)
        count = len(self._versions)
        self.title.setText(f"<b>History</b> · {count} version{'' if count == 1 else 's'}")

    def selected(self) -> Version | None:
        item = self.list.currentItem()
        return self._versions.get(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def _item(self, version: Version, png: bytes | None) -> QListWidgetItem:
        item = QListWidgetItem(self._text(version))
        item.setData(Qt.ItemDataRole.UserRole, version.id)
        item.setToolTip(self._tooltip(version))
        if png:
            pixmap = QPixmap()
            pixmap.loadFromData(png, "PNG")
            item.setIcon(QIcon(pixmap))
        else:
            blank = QPixmap(THUMB)
            blank.fill(Qt.GlobalColor.white)
            item.setIcon(QIcon(blank))
        return item

    @staticmethod
    def _text(version: Version) -> str:
        badge = ""
        if version.self_test:
            result = SelfTest.from_dict(version.self_test)
            badge = f"{BADGES[result.health][0]} {result.badge} · "
        return (f"{title(version.instruction)}\n{badge}{version.model or version.provider}"
                f" · {when(version.created_at)}")

    @staticmethod
    def _tooltip(version: Version) -> str:
        if not version.self_test:
            return version.instruction
        found = SelfTest.from_dict(version.self_test).problems
        return version.instruction + "\n\n" + ("\n".join(found) if found else "Tried out: it works")

    def _find(self, version_id: int) -> QListWidgetItem | None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == version_id:
                return self.list.item(row)
        return None

    def _on_current(self, item: QListWidgetItem | None, _previous) -> None:
        self._update_buttons()
        version = self.selected()
        if version is not None:
            self.version_selected.emit(version)

    def _emit(self, signal) -> None:
        version = self.selected()
        if version is not None:
            signal.emit(version)

    def _update_buttons(self) -> None:
        chosen = self.list.currentItem() is not None
        self.restore_button.setEnabled(chosen)
        self.fork_button.setEnabled(chosen)
