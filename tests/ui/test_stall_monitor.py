"""The benchmark's stall figures and culprit stacks come from StallMonitor: it must see a
stall the GUI thread really had, and say where it was."""

import time

from desktop.ui.stall_monitor import StallMonitor


def block_the_gui_thread() -> None:
    time.sleep(0.12)


def test_a_real_stall_is_measured_and_its_stack_caught(qtbot):
    monitor = StallMonitor(catch_over_ms=40)
    monitor.start()
    qtbot.wait(100)
    block_the_gui_thread()
    qtbot.wait(100)
    monitor.stop()
    assert 100 <= monitor.longest_ms < 200
    assert len(monitor.caught) == 1 and "block_the_gui_thread" in monitor.caught[0]
    assert monitor.longest_between(time.perf_counter() - 10, time.perf_counter()) == (
        monitor.longest_ms)
