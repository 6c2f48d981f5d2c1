"""Aim at one part of the app: pick elements in the preview, or select lines in the editor,
and what is typed next regenerates only that part (a scoped edit). The scope itself lives in
the keystroke loop (it must change with the code it points into); this shows it — the chip,
the shaded source, the outlines in the preview — and turns picks, selections and text typed
into the preview into scopes and direct edits."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from desktop.core.generation import source_map
from desktop.core.generation.direct_edits import DirectEditError, replace_text
from desktop.core.generation.scoped import Scope
from desktop.ui.editor.code_editor import CodeEditor
from desktop.ui.generation.keystroke_loop import KeystrokeLoop
from desktop.ui.preview.picker import ElementPicker, PickedElement
from desktop.ui.preview.view import PreviewView
from desktop.ui.window.scope_chip import ScopeChip

POINT_DELAY_MS = 150  # the editor's cursor settles before its element is outlined
DRAFT_ON_SCREEN = ("The preview shows a change that is not kept yet: press Enter to keep it "
                   "or Esc to drop it, then pick.")


class ScopeActions(QObject):
    code_changed = Signal(str, str)  # a direct edit's new code, and what it changed
    status = Signal(str)

    def __init__(self, window: QWidget, loop: KeystrokeLoop, editor: CodeEditor,
                 preview: PreviewView) -> None:
        super().__init__(window)
        self.loop, self.editor = loop, editor
        self.picker = ElementPicker(preview, self)
        self.chip = ScopeChip()
        self.pick_toggle = QAction("Pick Element", window, checkable=True)
        self.pick_toggle.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.pick_toggle.setToolTip("Pick an element in the preview (Ctrl+Shift+C): what you "
                                    "type then changes only it. Shift+click picks more; "
                                    "double-click edits its text; Esc stops picking.")
        self.pick_toggle.toggled.connect(self._toggled)
        self.picker.picked.connect(self._picked)
        self.picker.text_edited.connect(self._text_edited)
        self.picker.left.connect(lambda: self.pick_toggle.setChecked(False))
        self.chip.cleared.connect(lambda: loop.set_scope(None))
        loop.scope_changed.connect(self._show_scope)
        editor.selected_by_user.connect(self._selected)
        self._cursor_at = 0
        self._point = QTimer(self, singleShot=True, interval=POINT_DELAY_MS)
        self._point.timeout.connect(self._point_at_cursor)
        editor.cursor_moved_by_user.connect(self._cursor_moved)

    def _code_on_screen(self) -> str | None:
        """The code the preview and editor show, when it is the code a scope points into
        (not a draft, a stream or an old version)."""
        code = self.loop.base_code
        return code if self.editor.toPlainText() == code else None

    def _toggled(self, on: bool) -> None:
        self.picker.set_active(on)
        if on:
            self.status.emit("Point at a part of the app and click it; Shift+click picks more, "
                             "double-click edits its text, Esc stops picking")

    def _picked(self, items: list[PickedElement]) -> None:
        code = self._code_on_screen()
        if code is None:
            self.status.emit(DRAFT_ON_SCREEN)
            return
        found = [source_map.element_at(code, item.start, item.end) for item in items]
        if not all(found):
            self.status.emit("That part of the preview is not in the code as it is now; "
                             "pick it again.")
            return
        if not found:
            self.loop.set_scope(None)
            return
        scope = Scope.of_elements([e for e in found if e is not None])
        self.loop.set_scope(scope)
        self.status.emit(f"Aimed at {scope.label(code)}: what you type now changes only "
                         "that (✕ on the chip aims at the whole app)")

    def _selected(self, start: int, end: int) -> None:
        code = self._code_on_screen()
        if code is not None and code[start:end].strip():
            self.loop.set_scope(Scope(start, end).widened_to_lines(code))

    def _show_scope(self, scope: Scope | None) -> None:
        code = self.loop.base_code
        self.chip.show_scope(scope.label(code) if scope else "")
        if scope is None:
            self.editor.mark_scope(0, 0)
            self.picker.show_spans([])
            return
        if self._code_on_screen() is not None:
            self.editor.mark_scope(scope.start, scope.end)
        self.picker.show_spans(_outermost_inside(code, scope))

    def _text_edited(self, start: int, end: int, before: str, after: str) -> None:
        """Text typed into a picked element in the preview: written into the source, with
        no model (a version of its own)."""
        code = self._code_on_screen()
        element = source_map.element_at(code, start, end) if code is not None else None
        if code is None or element is None:
            self.status.emit(DRAFT_ON_SCREEN if code is None else
                             "The page changed since that element was picked; pick it again.")
            return
        try:
            new = replace_text(code, start, end, before, after)
        except DirectEditError as exc:
            self.status.emit(str(exc))
            return
        label = element.label()
        self.code_changed.emit(new, f"Text of {label}: “{after.strip()}”")
        self.loop.set_scope(Scope(start, end + len(new) - len(code), label))

    def _cursor_moved(self, offset: int) -> None:
        self._cursor_at = offset
        self._point.start()

    def _point_at_cursor(self) -> None:
        code = self._code_on_screen()
        element = source_map.innermost_at(code, self._cursor_at) if code else None
        self.picker.point_at((element.start, element.end) if element else None)


def _outermost_inside(code: str, scope: Scope) -> list[tuple[int, int]]:
    """The spans of the elements a scope holds, outermost only (what to outline)."""
    inside = [e for e in source_map.elements(code)
              if scope.start <= e.start and e.end <= scope.end]
    return [(e.start, e.end) for e in inside if e.parent not in inside]
