"""Pick an element in the preview: the bridge to resources/web/picker.js.

The script runs in the isolated world, so the page can neither call it nor see it; it
answers through console messages that start with a token only that world is told, so a page
that logs the same words is not believed. Picks name elements by their source spans (the
served copy carries them, source_map.annotate), which is all the window needs.

The script is not injected into every document: each call carries it along, and it does
nothing where it already ran. (Injected scripts were not enough: a call into the isolated
world that lands while a new renderer starts creates that world before they run, seen with
a model busy on both cores; and most documents are never picked from.)"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWebEngineCore import QWebEngineScript

from desktop.core import paths
from desktop.ui.preview.view import PreviewView

_SCRIPT = (paths.resources_dir() / "web" / "picker.js").read_text(encoding="utf-8")


@dataclass(frozen=True)
class PickedElement:
    """An element picked in the preview: its span in the source when the page carries it
    (-1, -1 on a val's page or one too big to map), and what it is, to find it in the code."""

    start: int
    end: int
    label: str
    tag: str = ""
    id: str = ""
    classes: tuple[str, ...] = ()
    text: str = ""


def _span(source: str | None) -> tuple[int, int] | None:
    start, dash, end = (source or "").partition("-")
    return (int(start), int(end)) if dash and start.isdigit() and end.isdigit() else None


class ElementPicker(QObject):
    picked = Signal(list)  # [PickedElement], in the order they were picked
    text_edited = Signal(int, int, str, str)  # the element's span, its text before, after
    left = Signal()  # Esc in the preview

    def __init__(self, view: PreviewView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.active = False
        self._token = f"keystroke-picker-{secrets.token_hex(12)}:"
        self._shown: list[str] = []  # spans outlined as picked ("START-END")
        self._pointed = ""  # the span the editor's cursor is in
        view.page().console_message.connect(self._on_console)
        view.page_shown.connect(self._on_page_shown)

    def set_active(self, active: bool) -> None:
        self.active = active
        self._apply()

    def show_spans(self, spans: list[tuple[int, int]]) -> None:
        """Outline these elements as picked (the scope, in the code the preview shows)."""
        self._shown = [f"{start}-{end}" for start, end in spans]
        self._apply()

    def point_at(self, span: tuple[int, int] | None) -> None:
        """Outline the element the editor's cursor is in (dashed), or none."""
        self._pointed = f"{span[0]}-{span[1]}" if span else ""
        self._run(f"point({json.dumps(self._pointed)})")

    def _on_page_shown(self, _tag: object, _ms: float) -> None:
        """A new or patched document: picking and outlines carry over to it (a document
        with nothing to show needs no call: frames stream in five times a second)."""
        if self.active or self._shown or self._pointed:
            self._apply()

    def _apply(self) -> None:
        call = (f"start({json.dumps(self._token)}, {json.dumps(self._shown)})" if self.active
                else f"stop(), window.__keystrokePicker.show({json.dumps(self._shown)})")
        self._run(call)
        if self._pointed:
            self._run(f"point({json.dumps(self._pointed)})")

    def _run(self, call: str) -> None:
        self.view.page().runJavaScript(f"{_SCRIPT}\nwindow.__keystrokePicker.{call}",
                                       QWebEngineScript.ScriptWorldId.ApplicationWorld)

    def _on_console(self, _level: int, message: str, _line: int, _source: str) -> None:
        if not message.startswith(self._token):
            return
        try:
            said = json.loads(message[len(self._token):])
        except ValueError:
            return
        if said.get("kind") == "picked":
            self.picked.emit([PickedElement(
                *(_span(item.get("src")) or (-1, -1)), str(item.get("label", "")),
                str(item.get("tag", "")), str(item.get("id", "")),
                tuple(str(c) for c in item.get("classes", [])), str(item.get("text", "")))
                for item in said.get("items", [])])
        elif said.get("kind") == "text" and (span := _span(said.get("src"))):
            self.text_edited.emit(*span, str(said.get("before", "")), str(said.get("text", "")))
        elif said.get("kind") == "leave":
            self.left.emit()
