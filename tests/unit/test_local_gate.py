"""The one-at-a-time rule for two local models (local_gate.py), with stand-in models that
record when they compute. tests/e2e/test_two_local_models.py does the same with real GGUFs."""

from __future__ import annotations

import threading
import time

from desktop.core.providers.local_gate import FAST, STRONG, LocalGate


class Model:
    def __init__(self, gate: LocalGate, priority: int, log: list) -> None:
        self.gate, self.priority, self.log = gate, priority, log
        self.loaded = True
        gate.register(self)

    def unload(self) -> None:
        self.loaded = False

    def work(self, name: str, cancel: threading.Event, steps: int = 20) -> str:
        with self.gate.turn(self, self.priority, cancel) as granted:
            if not granted:
                return "gave up"
            for _ in range(steps):
                if cancel.is_set():
                    self.log.append((name, "cancelled"))
                    return "cancelled"
                self.log.append((name, "step"))
                time.sleep(0.01)
            return "done"


def wait_until_working(log: list) -> None:
    while not log:
        time.sleep(0.005)


def waiting_for_turns(gate: LocalGate, count: int, timeout_s: float = 5.0) -> None:
    """Until `count` requests wait for the gate (read under its lock)."""
    deadline = time.monotonic() + timeout_s
    while True:
        with gate._cond:
            if len(gate._waiting) >= count:
                return
        assert time.monotonic() < deadline, f"{count} requests never queued"
        time.sleep(0.002)


def run(target, *args) -> tuple[threading.Thread, list]:
    out: list = []
    thread = threading.Thread(target=lambda: out.append(target(*args)))
    thread.start()
    return thread, out


def test_the_strong_model_cancels_a_fast_draft_and_they_never_compute_together():
    gate, log = LocalGate(), []
    fast, strong = Model(gate, FAST, log), Model(gate, STRONG, log)
    draft_cancel = threading.Event()
    draft, draft_out = run(fast.work, "fast", draft_cancel, 1000)
    wait_until_working(log)
    commit, commit_out = run(strong.work, "strong", threading.Event())
    draft.join(5)
    commit.join(5)
    assert draft_out == ["cancelled"] and commit_out == ["done"]
    assert draft_cancel.is_set() and gate.preempted == 1
    names = [name for name, _what in log]
    first_strong = names.index("strong")
    assert "strong" not in names[:first_strong] and "fast" not in names[first_strong:]


def test_a_fast_request_waits_while_the_strong_model_works_and_runs_after():
    gate, log = LocalGate(), []
    fast, strong = Model(gate, FAST, log), Model(gate, STRONG, log)
    commit, _ = run(strong.work, "strong", threading.Event(), 30)
    wait_until_working(log)
    draft, draft_out = run(fast.work, "fast", threading.Event(), 5)
    commit.join(5)
    draft.join(5)
    assert draft_out == ["done"] and gate.preempted == 0
    names = [name for name, _what in log]
    assert names == ["strong"] * 30 + ["fast"] * 5


def test_a_waiting_draft_gives_up_when_the_next_keystroke_cancels_it():
    gate, log = LocalGate(), []
    fast, strong = Model(gate, FAST, log), Model(gate, STRONG, log)
    commit, _ = run(strong.work, "strong", threading.Event(), 30)
    wait_until_working(log)
    cancel = threading.Event()
    draft, draft_out = run(fast.work, "fast", cancel, 5)
    cancel.set()
    draft.join(5)
    assert draft_out == ["gave up"] and commit.is_alive()
    commit.join(5)
    assert "fast" not in [name for name, _what in log]


def test_a_strong_request_waiting_goes_before_fast_requests_that_came_earlier():
    gate, log = LocalGate(), []
    fast, strong = Model(gate, FAST, log), Model(gate, STRONG, log)
    hold = threading.Event()
    holder_cancel = threading.Event()

    holding = threading.Event()

    def hold_the_turn():
        with gate.turn(strong, STRONG, holder_cancel):
            holding.set()
            hold.wait(5)

    holder, _ = run(hold_the_turn)
    assert holding.wait(5)
    draft, _ = run(fast.work, "fast", threading.Event(), 3)
    waiting_for_turns(gate, 1)  # the fast request queued first…
    commit, _ = run(strong.work, "strong", threading.Event(), 3)
    waiting_for_turns(gate, 2)  # …then the strong one
    hold.set()
    for thread in (holder, draft, commit):
        thread.join(5)
    assert [name for name, _what in log] == ["strong"] * 3 + ["fast"] * 3


def test_loading_unloads_idle_models_only_while_memory_is_short():
    free = [4 * 2**30]
    gate = LocalGate(available=lambda: free[0])
    fast, strong = Model(gate, FAST, []), Model(gate, STRONG, [])
    gate.make_room(strong, 2 * 2**30)
    assert fast.loaded and gate.unloaded == 0, "enough memory: nothing is unloaded"
    free[0] = 1 * 2**30
    gate.make_room(strong, 2 * 2**30)
    assert not fast.loaded and strong.loaded and gate.unloaded == 1
