"""PySide6 6.12.0 dropped a reference to True on every Signal.emit(); a few hundred signals
later the interpreter died ("deallocating True or False"). pyproject.toml excludes it; this
test fails if an installed PySide6 has that bug."""

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(object)


def test_emitting_signals_keeps_the_interpreter_alive():
    emitter = _Emitter()
    received = []
    emitter.fired.connect(received.append)
    before = sys.getrefcount(True)
    for n in range(2000):
        emitter.fired.emit(n)
    assert len(received) == 2000
    assert sys.getrefcount(True) >= before - 10
