"""Two local models, two cores: one computes at a time.

The fast model (drafts on every keystroke) and the strong model (what Enter escalates to
when Claude cannot be used) would each want every core; run together, both crawl and the
window stutters. So each model thread takes a turn from this gate before it touches its
model, and gives it back when done:

- one turn at a time, in priority order (strong before fast, fast before an editor
  completion);
- a higher priority asking for a turn cancels a lower one in flight (a fast draft is stale
  once the user pressed Enter; a completion is worth less than the app), and no lower turn
  starts while a higher one waits;
- a waiting turn gives up when its request is cancelled or superseded;
- before a model loads, the gate unloads the other, idle models when available memory is
  short. Holding a turn is what makes that safe: nobody else is computing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from desktop.core.providers import memory

COMPLETION, FAST, STRONG = -1, 0, 1  # editor completions always yield to drafts
_POLL_S = 0.05  # how often a waiting turn checks whether it was cancelled


class GatedModel(Protocol):
    @property
    def loaded(self) -> bool: ...

    def unload(self) -> None: ...


@dataclass
class _Turn:
    model: GatedModel
    priority: int
    cancel: threading.Event


class LocalGate:
    def __init__(self, available: Callable[[], int | None] = memory.available_bytes) -> None:
        self._available = available
        self._cond = threading.Condition()
        self._holder: _Turn | None = None
        self._waiting: list[_Turn] = []
        self._models: list[GatedModel] = []
        self.preempted = 0  # turns cancelled for a higher priority (shown in tests)
        self.unloaded = 0  # idle models unloaded to make room

    def register(self, model: GatedModel) -> None:
        with self._cond:
            self._models.append(model)

    def unregister(self, model: GatedModel) -> None:
        with self._cond:
            if model in self._models:
                self._models.remove(model)

    @contextmanager
    def turn(self, model: GatedModel, priority: int, cancel: threading.Event,
             give_up: Callable[[], bool] = lambda: False) -> Iterator[bool]:
        """Yields True once it is this model's turn, or False when the request was
        cancelled (or `give_up` says so) while waiting."""
        mine = _Turn(model, priority, cancel)
        granted = False
        with self._cond:
            holder = self._holder
            if holder is not None and holder.priority < priority:
                holder.cancel.set()
                self.preempted += 1
            self._waiting.append(mine)
            try:
                while not (granted := self._may_start(mine)):
                    if cancel.is_set() or give_up():
                        break
                    self._cond.wait(_POLL_S)
            finally:
                self._waiting.remove(mine)
                if granted:
                    self._holder = mine
                self._cond.notify_all()
        try:
            yield granted
        finally:
            if granted:
                with self._cond:
                    self._holder = None
                    self._cond.notify_all()

    def _may_start(self, mine: _Turn) -> bool:
        if self._holder is not None:
            return False
        first = max(self._waiting, key=lambda t: t.priority)  # ties: the earliest
        return first is mine

    def make_room(self, loading: GatedModel, need_bytes: int) -> None:
        """Called with a turn held, before `loading` loads: unload idle models while
        available memory is below what loading needs."""
        with self._cond:
            others = [m for m in self._models if m is not loading]
        for other in others:
            available = self._available()
            if available is None or available >= need_bytes:
                return
            if other.loaded:
                other.unload()
                self.unloaded += 1
