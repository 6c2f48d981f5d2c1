"""A small style panel for the picked element: text colour, background, font size, spacing,
corner radius and width. Each control changes the element's inline style as you drag or
type (`style_changed`); the window writes that into the source and patches the preview at
once, with no model."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

# (CSS property, label, largest value in px)
SIZES = (("font-size", "Font", 200), ("padding", "Spacing", 200),
         ("border-radius", "Corners", 200), ("width", "Width", 2000))
COLOURS = (("color", "Text"), ("background", "Background"))


def _px(value: str) -> int:
    number = value.strip().removesuffix("px")
    return int(float(number)) if number.replace(".", "", 1).isdigit() else 0


class StylePanel(QFrame):
    style_changed = Signal(str, str)  # CSS property, value ("" removes it)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold")
        row.addWidget(self.title)
        self.colour_buttons: dict[str, QPushButton] = {}
        self._colours: dict[str, str] = {}
        for name, label in COLOURS:
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, n=name: self._choose_colour(n))
            self.colour_buttons[name] = button
            row.addWidget(button)
        self.sizes: dict[str, QSpinBox] = {}
        for name, label, largest in SIZES:
            row.addWidget(QLabel(label))
            box = QSpinBox()
            box.setRange(0, largest)
            box.setSuffix(" px")
            box.setSpecialValueText("auto")  # 0: as the page's own CSS has it
            box.valueChanged.connect(lambda value, n=name: self.style_changed.emit(
                n, f"{value}px" if value else ""))
            self.sizes[name] = box
            row.addWidget(box)
        row.addStretch(1)
        self.colour_dialog: QColorDialog | None = None  # the one open, if any
        self.hide()

    def show_for(self, label: str, style: dict[str, str]) -> None:
        """The picked element and its inline style (what the controls start from)."""
        self.title.setText(label)
        for name, box in self.sizes.items():
            box.blockSignals(True)  # showing a value is not changing it
            box.setValue(_px(style.get(name, "")))
            box.blockSignals(False)
        self._colours = {name: style.get(name, "") for name, _ in COLOURS}
        for name, button in self.colour_buttons.items():
            self._paint(button, self._colours[name])
        self.show()

    def _paint(self, button: QPushButton, colour: str) -> None:
        """A swatch of the element's own colour on the button (none: the page's CSS)."""
        swatch = QPixmap(14, 14)
        swatch.fill(QColor(colour) if colour and QColor(colour).isValid() else QColor(0, 0, 0, 0))
        button.setIcon(QIcon(swatch))

    def _choose_colour(self, name: str) -> None:
        """A colour dialog that writes each colour as it is chosen or dragged to."""
        dialog = QColorDialog(QColor(self._colours.get(name) or "#ffffff"), self)
        dialog.setOption(QColorDialog.ColorDialogOption.NoButtons, False)
        dialog.currentColorChanged.connect(lambda colour: self._set_colour(name, colour.name()))
        self.colour_dialog = dialog
        dialog.open()  # not exec(): the window keeps running

    def _set_colour(self, name: str, colour: str) -> None:
        self._colours[name] = colour
        self._paint(self.colour_buttons[name], colour)
        self.style_changed.emit(name, colour)
