"""The preview's own URL scheme: documents served from memory, never from disk.

Serving through a scheme also avoids QWebEnginePage.setHtml, which silently fails for
documents over about 2 MB."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QObject, QUrl, Signal
from PySide6.QtWebEngineCore import QWebEngineUrlRequestJob, QWebEngineUrlSchemeHandler

from desktop.ui.app import PREVIEW_SCHEME

# A page asks for its own document once per load; a page that asks thousands of times
# (fetch(location.href) in a loop) is refused after this many.
MAX_REQUESTS_PER_DOCUMENT = 20


class PreviewSchemeHandler(QWebEngineUrlSchemeHandler):
    """Serves keystroke://<origin>/<n>/ from memory: the newest document only, so a page cannot
    read the code of earlier ones (other projects') through same-origin requests. The
    document is encoded once into an immutable QByteArray that every reply shares (a copy
    per request once grew the process by gigabytes)."""

    flooded = Signal(int)  # a page asked for its document too often; how many times

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._number = 0
        self._document = QByteArray()
        self._requests = 0

    def publish(self, number: int, html: str, origin: str) -> QUrl:
        self._number, self._document, self._requests = number, QByteArray(html.encode()), 0
        return QUrl(f"{PREVIEW_SCHEME.decode()}://{origin}/{number}/")

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        if job.requestUrl().path().strip("/") != str(self._number):
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        self._requests += 1
        if self._requests > MAX_REQUESTS_PER_DOCUMENT:
            if self._requests == MAX_REQUESTS_PER_DOCUMENT + 1:
                self.flooded.emit(self._requests)
            job.fail(QWebEngineUrlRequestJob.Error.RequestDenied)
            return
        buffer = QBuffer(job)
        buffer.setData(self._document)  # shared, not copied
        job.reply(b"text/html;charset=utf-8", buffer)
