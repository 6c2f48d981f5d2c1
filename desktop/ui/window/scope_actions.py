"""Aim at one part of the app: pick elements in the preview, or select lines in the editor,
and what is typed next regenerates only that part (a scoped edit). The scope itself lives in
the keystroke loop (it must change with the code it points into); this shows it — the chip,
the shaded source, the outlines in the preview — and turns picks, selections and text typed
into the preview into scopes and direct edits."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from desktop.core.generation import source_map
from desktop.core.generation.direct_edits import (
    DirectEditError,
    replace_text,
    set_style,
    style_of,
)
from desktop.core.generation.scoped import Scope
from desktop.ui.debounce import Debounce
from desktop.ui.editor.code_editor import CodeEditor
from desktop.ui.generation.keystroke_loop import KeystrokeLoop
from desktop.ui.preview.picker import ElementPicker, PickedElement
from desktop.ui.preview.style_panel import StylePanel
from desktop.ui.preview.view import PreviewView
from desktop.ui.window.scope_chip import ScopeChip

POINT_DELAY_MS = 150  # the editor's cursor settles before its element is outlined
STYLE_DONE_MS = 800  # a style change that rests this long is finished: it becomes a version
DRAFT_ON_SCREEN = ("The preview shows a change that is not kept yet: press Enter to keep it "
                   "or Esc to drop it, then pick.")


class ScopeActions(QObject):
    # A direct edit's new code, what it changed ("" while a style is still being dragged
    # or typed: the code follows at once, the version comes when it rests), and the Scope
    # of the edited element in the new code.
    code_changed = Signal(str, str, object)
    status = Signal(str)

    def __init__(self, window: QWidget, loop: KeystrokeLoop, editor: CodeEditor,
                 preview: PreviewView) -> None:
        super().__init__(window)
        self.loop, self.editor = loop, editor
        self.picker = ElementPicker(preview, self)
        self.chip = ScopeChip()
        self.style_panel = StylePanel()
        self.style_panel.style_changed.connect(self._style_changed)
        self._styled: dict[str, str] = {}  # property → value, since the last version
        self._style_done = Debounce(STYLE_DONE_MS, 10 * STYLE_DONE_MS, self._style_rested,
                                    self)
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
        # after the editor took the code (the window's own slot runs first)
        loop.code_shown.connect(self._follow_stream, Qt.ConnectionType.QueuedConnection)
        editor.selected_by_user.connect(self._selected)
        self._point = QTimer(self, singleShot=True, interval=POINT_DELAY_MS)
        self._point.timeout.connect(self._point_at_cursor)
        editor.cursor_moved_by_user.connect(self._point.start)

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
        found = [source_map.element_at(code, item.start, item.end) if item.start >= 0 else
                 source_map.find_described(code, item.tag, item.id, item.classes, item.text)
                 for item in items]
        if not all(found):
            missing = ", ".join(i.label for i, e in zip(items, found, strict=True) if e is None)
            self.status.emit(f"Could not find {missing} in the code (a script may build it); "
                             "select its lines in the editor instead.")
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
            self.style_panel.hide()
            return
        inside = [e for e in source_map.elements(code)  # one parse for all three
                  if scope.start <= e.start and e.end <= scope.end]
        outermost = [e for e in inside if e.parent not in inside]
        self.picker.show_spans([(e.start, e.end) for e in outermost])
        on_screen = self._code_on_screen() is not None
        if on_screen:
            self.editor.mark_scope(scope.start, scope.end)
        whole = [e for e in outermost if (e.start, e.end) == (scope.start, scope.end)]
        if on_screen and whole and whole[0].tag not in ("html", "head", "body"):
            self.style_panel.show_for(whole[0].label(), style_of(whole[0]))
        else:
            self.style_panel.hide()

    def _follow_stream(self, code: str, _final: bool, _tag: int) -> None:
        """While a scoped edit streams (or a draft shows), the shade covers the part being
        rewritten: what follows the scope is the same text, so it ends that far from the end."""
        scope = self.loop.scope
        if scope is not None and self.editor.toPlainText() == code:
            end = len(code) - (len(self.loop.base_code) - scope.end)
            self.editor.mark_scope(scope.start, max(end, scope.start), scroll=False)

    def _style_changed(self, name: str, value: str) -> None:
        """A control of the style panel moved: the element's inline style in the source."""
        code, scope = self._code_on_screen(), self.loop.scope
        if code is None or scope is None:
            self.status.emit(DRAFT_ON_SCREEN)
            return
        try:
            new, end = set_style(code, scope.start, scope.end, name, value)
        except DirectEditError as exc:
            self.status.emit(str(exc))
            return
        self._styled[name] = value or "auto"
        self.code_changed.emit(new, "", Scope(scope.start, end, scope.name))
        self._style_done.poke()

    def _style_rested(self) -> None:
        code = self._code_on_screen()
        if code is None or not self._styled:
            return
        scope = self.loop.scope
        what = ", ".join(f"{name} {value}" for name, value in self._styled.items())
        self._styled = {}
        self.code_changed.emit(code, f"Style of {scope.label(code) if scope else 'element'}: "
                                     f"{what}", scope)

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
        self.code_changed.emit(new, f"Text of {label}: “{after.strip()}”",
                               Scope(start, end + len(new) - len(code), label))

    def _point_at_cursor(self) -> None:
        code = self._code_on_screen()
        element = source_map.innermost_at(code, self.editor.cursor_offset()) if code else None
        self.picker.point_at((element.start, element.end) if element else None)

