"""The live preview: a QWebEngineView that shows generated pages, sandboxed.

Generated code is untrusted. Each PreviewView gets its own off-the-record profile (no disk
storage shared with anything), no access to local files, no new windows, and pages arrive
through our own URL scheme. The scheme also avoids QWebEnginePage.setHtml, which silently
fails for documents over about 2 MB.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QTimer, QUrl, Signal
from PySide6.QtWebEngineCore import (
    QWebEngineLoadingInfo,
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineScript,
    QWebEngineSettings,
    QWebEngineUrlRequestInterceptor,
)
from PySide6.QtWebEngineWidgets import QWebEngineView

from desktop.core import paths
from desktop.core.generation.extract import scripts_of
from desktop.core.generation.source_map import annotate
from desktop.ui.app import PREVIEW_SCHEME
from desktop.ui.preview.scheme import MAX_REQUESTS_PER_DOCUMENT, PreviewSchemeHandler

# A page whose renderer does not answer a ping for this long is stopped (while(true){} in a
# handler used to freeze the preview for the rest of the session). The busiest page in the
# tests (100,000 console.error calls in one loop) holds its renderer for about 1.4 s on
# 2 cores; the margin covers a machine busy with a model.
HANG_MS = 4000
PING_MS = 500

MAX_REPORTED = 100

@dataclass
class ConsoleReport:
    """What a page said: uncaught errors apart from console.error calls, the first
    MAX_REPORTED of each (a page can log without end), and how many more there were."""

    uncaught: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # what the sandbox stopped the page doing
    more: int = 0

    def add(self, message: str, uncaught: bool) -> None:
        kept = self.uncaught if uncaught else self.console_errors
        if len(kept) < MAX_REPORTED:
            kept.append(message)
        else:
            self.more += 1

    @property
    def total(self) -> int:
        return len(self.uncaught) + len(self.console_errors) + self.more


class LocalFileBlocker(QWebEngineUrlRequestInterceptor):
    """Blocks every request for a local file: navigations, and also the images, scripts
    and fetches inside a page, which an acceptNavigationRequest override would not see."""

    def interceptRequest(self, info) -> None:
        if info.requestUrl().scheme() in ("file", "qrc"):
            info.block(True)


# What a page may navigate to: our own documents, a local val's pages, and the web. Any
# other scheme (ssh:, vscode:, smb:, mailto:…) would be handed to the desktop's URL handler
# after a click, launching a program: refused, and said in the error bar.
NAVIGABLE_SCHEMES = frozenset({PREVIEW_SCHEME.decode(), "http", "https", "about", "data",
                               "blob"})


def page_script(name: str, world: QWebEngineScript.ScriptWorldId,
                 subframes: bool) -> QWebEngineScript:
    """One of resources/web/'s scripts, run as each document is created."""
    script = QWebEngineScript()
    script.setName(f"keystroke-{name.removesuffix('.js')}")
    script.setSourceCode((paths.resources_dir() / "web" / name).read_text())
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setWorldId(world)
    script.setRunsOnSubFrames(subframes)
    return script


def _leave_page_question() -> str:
    """What QWebEnginePage asks through javaScriptConfirm when a page's beforeunload
    handler wants to keep it (Qt's own text, translated as Qt translates it)."""
    return QCoreApplication.translate(
        "QWebEnginePage",
        "Are you sure you want to leave this page? Changes that you made may not be saved.")


class SandboxedPage(QWebEnginePage):
    """A page that cannot open windows or modal dialogs, and reports console errors.

    alert(), confirm() and prompt() would stop the whole window behind a modal dialog on
    every regeneration (and hang a headless check): they return at once instead, and are
    reported as errors, so the error bar offers to fix them."""

    console_message = Signal(int, str, int, str)  # level, message, line, source
    navigation_refused = Signal(str)  # a URL of a scheme only the desktop would open
    _ERROR = QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel.value

    def createWindow(self, _type: QWebEnginePage.WebWindowType):
        return None

    def acceptNavigationRequest(self, url: QUrl, _type, _is_main_frame: bool) -> bool:
        if url.scheme().lower() in NAVIGABLE_SCHEMES:
            return True
        shown = url.toString()[:120]
        self.navigation_refused.emit(shown)
        self.console_message.emit(self._ERROR, f"The app tried to open {shown}, which would "
                                  "start a program outside Keystroke; it was refused.", 0, "")
        return False

    def javaScriptConsoleMessage(self, level, message: str, line: int, source: str) -> None:
        self.console_message.emit(int(level.value), message, line, source)

    def _blocked(self, call: str, message: str) -> None:
        self.console_message.emit(self._ERROR, f"{call} is not allowed in an app: "
                                  f"{message[:100]!r} (show it in the page instead)", 0, "")

    def javaScriptAlert(self, _origin, message: str) -> None:
        self._blocked("alert()", message)

    def javaScriptConfirm(self, _origin, message: str) -> bool:
        if message == _leave_page_question():
            return True  # beforeunload: the preview's own navigation always wins
        self._blocked("confirm()", message)
        return False

    def javaScriptPrompt(self, _origin, message: str, _default: str) -> tuple[bool, str]:
        self._blocked("prompt()", message)
        return False, ""


class PreviewView(QWebEngineView):
    """Shows one document at a time. `page_shown(tag, ms)` fires when a document finished
    loading (show_html) or was patched in place (patch_html), with the tag given and the
    time it took."""

    page_shown = Signal(object, float)
    navigation_refused = Signal(str)  # the page tried to hand a URL to the desktop
    error_logged = Signal(str)  # every console error, uncaught or not
    uncaught_error = Signal(str)  # the page threw (or rejected) and nothing caught it

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._profile = QWebEngineProfile()  # no storage name: off the record
        self._handler = PreviewSchemeHandler(self._profile)
        self._handler.flooded.connect(self._on_flooded)
        self._profile.installUrlSchemeHandler(PREVIEW_SCHEME, self._handler)
        self._blocker = LocalFileBlocker(self._profile)
        self._profile.setUrlRequestInterceptor(self._blocker)
        page = SandboxedPage(self._profile, self)
        # The profile must outlive its page: as the page's child it is deleted after it.
        self._profile.setParent(page)
        settings = page.settings()
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls,
                              False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.JavascriptCanAccessClipboard,
                              False)
        page.console_message.connect(self._on_console)
        page.navigation_refused.connect(self.navigation_refused)
        page.navigation_refused.connect(
            lambda url: self.report.refused.append(f"tried to open {url}"))
        for script in (page_script("morph.js", QWebEngineScript.ScriptWorldId.ApplicationWorld,
                                    subframes=False),
                       page_script("guard.js", QWebEngineScript.ScriptWorldId.MainWorld,
                                    subframes=True)):
            page.scripts().insert(script)
        self.setPage(page)
        self.report = ConsoleReport()
        # The host part of the documents' URL: one per project (use_origin), so what a
        # page keeps in localStorage or IndexedDB stays with its project.
        self.origin = "app"
        self._number = 0
        self._pending: dict[int, tuple[object, float]] = {}
        self._pending_url: tuple[str, object, float] | None = None
        self._shown_scripts: tuple[str, ...] | None = None  # of the loaded page; None: loading
        self._loading_scripts: tuple[str, ...] = ()
        self._patching = False
        self._next_patch: tuple[str, object] | None = None
        page.loadingChanged.connect(self._on_loading_changed)
        page.renderProcessTerminated.connect(self._on_renderer_ended)
        self.hung = False  # the page on screen stopped answering and was stopped
        self._stopping_hung = False
        self._after_stop: QUrl | None = None  # loaded once the hung renderer is gone
        self._ping_sent: float | None = None  # when the unanswered ping went out
        self._ping_serial = 0
        self._ping_timer = QTimer(self, interval=PING_MS)
        self._ping_timer.timeout.connect(self._ping)

    def use_origin(self, name: str) -> None:
        """Pages shown from now on belong to `name` (a project): same-origin storage is
        shared only among them."""
        self.origin = name

    @property
    def profile(self) -> QWebEngineProfile:
        return self._profile

    def show_html(self, html: str, tag: object = None) -> None:
        """Load the document afresh: its scripts run. The page is served with each element's
        place in `html` on it (source_map.annotate), for the element picker."""
        self._number += 1
        self._pending = {self._number: (tag, time.perf_counter())}
        self._pending_url = None
        self._loading_scripts = scripts_of(html)
        self._shown_scripts = None
        self._next_patch = None
        self.report = ConsoleReport()
        self._watch()
        self._load_when_ready(self._handler.publish(self._number, annotate(html), self.origin))

    def show_url(self, url: str, tag: object = None) -> None:
        """Load a page that a local val serves (only 127.0.0.1 ever comes here)."""
        self._number += 1
        self._pending = {}
        self._pending_url = (url, tag, time.perf_counter())
        self._loading_scripts = ()
        self._shown_scripts = None
        self._next_patch = None
        self.report = ConsoleReport()
        self._watch()
        self._load_when_ready(QUrl(url))

    def patch_html(self, html: str, tag: object = None, scripts_later: bool = False) -> None:
        """Bring the live page to `html` in place when only markup and styles changed,
        keeping scroll position, typed input and focus; otherwise load it afresh.
        `scripts_later`: a rewrite still streaming in, whose changed scripts run at its final
        load; until then it is patched (a reload per frame would flash a blank page)."""
        if self._shown_scripts is None or (scripts_of(html) != self._shown_scripts
                                           and not scripts_later):
            self.show_html(html, tag)
            return
        if self._patching:  # one patch at a time; only the newest waiting one matters
            self._next_patch = (html, tag)
            return
        started = time.perf_counter()
        self._patching = True
        document = self._number

        def patched(result) -> None:
            self._patching = False
            if document != self._number:  # a newer document was asked for meanwhile
                return
            if result is not True:  # the document on screen has no morph (yet): load it
                self._next_patch = None
                self.show_html(html, tag)
                return
            self.page_shown.emit(tag, (time.perf_counter() - started) * 1000)
            if self._next_patch is not None:
                self.patch_html(*self._next_patch, scripts_later)
                self._next_patch = None

        # A document that is being replaced (a navigation, a new renderer) may not have
        # the morph: then the page is loaded afresh instead of throwing in its console.
        self.page().runJavaScript(
            f"typeof window.__keystrokeMorph === 'function' && "
            f"(window.__keystrokeMorph({json.dumps(annotate(html))}), true)",
            QWebEngineScript.ScriptWorldId.ApplicationWorld, patched)

    def _on_loading_changed(self, info: QWebEngineLoadingInfo) -> None:
        # A ping sent into the document a navigation replaces may never be answered: only
        # pings sent after the navigation count.
        self._ping_sent = None
        self._ping_serial += 1
        # The finished load's own URL says which document it was: a load that finishes
        # (or is cut short) just as a newer document is requested is not the newer one.
        if info.status() != QWebEngineLoadingInfo.LoadStatus.LoadSucceededStatus:
            return
        if self._pending_url is not None and (
                info.url().toString().rstrip("/") == self._pending_url[0].rstrip("/")):
            _url, tag, started = self._pending_url
            self._pending_url = None
            self.page_shown.emit(tag, (time.perf_counter() - started) * 1000)
            return
        path = info.url().path().strip("/")
        if not path.isdigit() or int(path) not in self._pending:
            return
        tag, started = self._pending.pop(int(path))
        self._shown_scripts = self._loading_scripts
        self.page_shown.emit(tag, (time.perf_counter() - started) * 1000)

    def _load_when_ready(self, url: QUrl) -> None:
        """Load now, unless a hung renderer is being stopped: a load started before it is
        gone would die with it, so it waits for the renderer's end."""
        if self._stopping_hung:
            self._after_stop = url
        else:
            self.load(url)

    def _watch(self) -> None:
        """A new document: ping its renderer until the next one comes."""
        self.hung = False
        self._ping_sent = None
        self._ping_serial += 1
        self._ping_timer.start()

    def _ping(self) -> None:
        if self._ping_sent is not None:  # one ping at a time
            if (time.perf_counter() - self._ping_sent) * 1000 > HANG_MS:
                self._stop_hung_page()
            return
        self._ping_sent = time.perf_counter()
        serial = self._ping_serial
        self.page().runJavaScript("0", QWebEngineScript.ScriptWorldId.ApplicationWorld,
                                  lambda _result: self._answered(serial))

    def _answered(self, serial: int) -> None:
        if serial == self._ping_serial:
            self._ping_sent = None

    def _stop_hung_page(self) -> None:
        """Kill the renderer of a page that stopped answering: the next document gets a
        new one, and the window can show versions again."""
        self._ping_timer.stop()
        self.hung = True
        message = (f"The page stopped answering for over {HANG_MS / 1000:g} s (a script that "
                   "never yields, such as an endless loop) and was stopped.")
        self.report.add(message, uncaught=True)
        self.error_logged.emit(message)
        self.uncaught_error.emit(message)
        pid = self.page().renderProcessPid()
        if pid > 0:
            self._stopping_hung = True
            with contextlib.suppress(OSError):
                os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))

    def _on_flooded(self, _count: int) -> None:
        message = (f"The page requested its own document more than "
                   f"{MAX_REQUESTS_PER_DOCUMENT} times; the rest were refused.")
        self.report.add(message, uncaught=False)
        self.report.refused.append(message)
        self.error_logged.emit(message)

    def _on_renderer_ended(self, status: QWebEnginePage.RenderProcessTerminationStatus,
                           code: int) -> None:
        """The page took its renderer down (a DOM too deep to lay out, memory): the preview
        would just go blank. Said as an uncaught error, so the error bar, auto-fix, Enter's
        escalation and `keystroke check` all see it; the next document gets a new renderer."""
        why = {QWebEnginePage.RenderProcessTerminationStatus.CrashedTerminationStatus:
               "crashed", QWebEnginePage.RenderProcessTerminationStatus.KilledTerminationStatus:
               "was killed"}.get(status)
        self._ping_timer.stop()
        if self._stopping_hung:  # said already, in words about the hang
            self._stopping_hung = False
            if self._after_stop is not None:
                self.load(self._after_stop)
                self._after_stop = None
            return
        if status == QWebEnginePage.RenderProcessTerminationStatus.NormalTerminationStatus:
            return
        message = (f"The page took the preview down: its renderer {why or 'stopped'} (code "
                   f"{code}). The page is not shown; fix it, or type on for the next version.")
        self.report.add(message, uncaught=True)
        self.error_logged.emit(message)
        self.uncaught_error.emit(message)

    def _on_console(self, level: int, message: str, line: int, source: str) -> None:
        if level != QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel.value:
            return
        where = f" (line {line})" if line else ""
        uncaught = message.startswith("Uncaught")
        self.report.add(message + where, uncaught)
        self.error_logged.emit(message + where)
        if uncaught:
            self.uncaught_error.emit(message + where)
