"""What the cloud providers share: one SDK client for the provider's life, the model list,
and errors mapped to what the user should do."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from queue import Empty, SimpleQueue
from typing import Any

from desktop.core.providers.base import (
    ChatRequest,
    Done,
    Error,
    Event,
    Provider,
    ProviderError,
)
from desktop.core.providers.cloud_errors import CloudTarget, error_from_exception
from desktop.core.settings import Settings

# Connect fast, and give up on a silent stream quickly: a live preview cannot wait minutes.
CONNECT_TIMEOUT_S = 5.0
# After a cancel, how long the stream may take to say so itself (with the tokens it used)
# before it is given up on: a silent server must not hold the caller until its timeout.
CANCEL_GRACE_S = 0.3
_POLL_S = 0.02
_END = object()


def timeouts(timeout_class: Any, timeout_s: float) -> Any:
    """A timeout in the SDK's own class (the SDKs use different HTTP libraries)."""
    return timeout_class(timeout_s, connect=min(CONNECT_TIMEOUT_S, timeout_s))


class CloudProvider(Provider):
    _client: Any
    target: CloudTarget
    timeout_s: float

    @classmethod
    def from_settings(cls, model: str, api_key: str, base_url: str,
                      settings: Settings) -> CloudProvider:
        """The provider as the settings shape it (timeouts, and anything of its own)."""
        return cls(model, api_key, base_url, settings.request_timeout_s)

    def stream(self, request: ChatRequest) -> Iterator[Event]:
        """The SDK's stream is read on a thread of its own, so that a cancel (the next
        keystroke) ends this stream at once, even while the server sends nothing: the
        response is closed from this side, and a stream that does not end within
        CANCEL_GRACE_S is left to its timeout, its events unread."""
        opened: list[Any] = []  # the SDK's response, once the server answered
        queue: SimpleQueue = SimpleQueue()

        def read() -> None:
            try:
                for event in self._events(request, opened):
                    queue.put(event)
            finally:
                queue.put(_END)

        threading.Thread(target=read, name=f"{self.id}-stream", daemon=True).start()
        given_up_at: float | None = None
        while True:
            try:
                item = queue.get(timeout=_POLL_S)
            except Empty:
                if not request.cancel.is_set():
                    continue
                if given_up_at is None:
                    given_up_at = time.monotonic() + CANCEL_GRACE_S
                    for response in opened:
                        _close_quietly(response)
                elif time.monotonic() > given_up_at:
                    yield Done("cancelled")
                    return
                continue
            if item is _END:
                return
            if isinstance(item, Error) and request.cancel.is_set():
                yield Done("cancelled")  # the closed response, not the server, failed
                return
            yield item

    def _events(self, request: ChatRequest, opened: list[Any]) -> Iterator[Event]:
        """The request through the SDK, as events; appends the SDK's stream to `opened`."""
        raise NotImplementedError

    def list_models(self) -> list[str]:
        try:
            return sorted(model.id for model in self._client.models.list().data)
        except Exception as exc:  # the SDK's errors, said the way the user can act on
            raise ProviderError(error_from_exception(exc, self.target, self.timeout_s).message
                                ) from None

    def close(self) -> None:
        self._client.close()


def cut_off(label: str, pieces: int) -> Error:
    """A stream whose body ended before the server said the reply was finished: a dropped
    connection or a proxy that gave up. What arrived is shown, never kept as the app."""
    return Error(f"{label}'s reply was cut off: the connection ended after {pieces} pieces, "
                 "before the reply was finished. Nothing was kept; try again.", "network")


def _close_quietly(response: Any) -> None:
    # Closing from another thread may race the reader; the reader ends either way.
    with contextlib.suppress(Exception):
        response.close()
