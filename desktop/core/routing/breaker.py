"""A small circuit breaker per provider: one that keeps failing is skipped for a while.

Without it every keystroke would wait for the same dead service before falling back. A
server that says how long to wait (429 Retry-After) is believed up to MAX_RETRY_AFTER_S
(one `Retry-After: 99999` once kept Cerebras skipped for 28 hours); a rejected key stays
skipped until the key changes (`reset`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from desktop.core.providers.cloud_errors import MAX_RETRY_AFTER_S

FAILURES_TO_OPEN = 3
COOLDOWN_S = 60.0
AUTH_COOLDOWN_S = 3600.0


class CircuitBreaker:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._failures: dict[str, int] = {}
        self._open_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def is_open(self, provider_id: str) -> bool:
        return self.remaining_s(provider_id) > 0

    def remaining_s(self, provider_id: str) -> float:
        with self._lock:
            return max(0.0, self._open_until.get(provider_id, 0.0) - self._clock())

    def record_success(self, provider_id: str) -> None:
        with self._lock:
            self._failures.pop(provider_id, None)
            self._open_until.pop(provider_id, None)

    def record_failure(self, provider_id: str, kind: str,
                       retry_after_s: float | None = None) -> None:
        """`kind` is the Error kind. Opens at once for a rejected key or an explicit wait,
        else after FAILURES_TO_OPEN failures in a row."""
        with self._lock:
            count = self._failures.get(provider_id, 0) + 1
            self._failures[provider_id] = count
            if kind == "auth":
                cooldown = AUTH_COOLDOWN_S
            elif retry_after_s is not None:
                cooldown = min(max(0.0, retry_after_s), MAX_RETRY_AFTER_S)
            elif count >= FAILURES_TO_OPEN:
                cooldown = COOLDOWN_S
            else:
                return
            self._open_until[provider_id] = self._clock() + cooldown

    def reset(self, provider_id: str | None = None) -> None:
        """Forget failures (a new key or base URL was set)."""
        with self._lock:
            if provider_id is None:
                self._failures.clear()
                self._open_until.clear()
            else:
                self._failures.pop(provider_id, None)
                self._open_until.pop(provider_id, None)


def time_left(seconds: float) -> str:
    """"45 s", "9 min 59 s", "1 h 0 min": how long a skipped provider stays skipped."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"
