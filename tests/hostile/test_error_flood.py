"""A hostile page logs 100,000 distinct errors. The error bar used to spend quadratic time on
the GUI thread (two-thirds added after two minutes) and build a 1.6-million-character
tooltip; now each error costs the same small amount, and the bar summarises."""

from __future__ import annotations

from desktop.ui.preview.error_bar import MAX_KEPT
from desktop.ui.stall_monitor import StallMonitor

FLOOD = """<!DOCTYPE html><html><body><p>busy</p><script>
for (let i = 0; i < 100000; i++) console.error('failure number ' + i);
</script></body></html>"""


def test_a_flood_of_errors_is_summarised_without_stalling_the_window(qtbot, window):
    stalls = StallMonitor(interval_ms=5)
    stalls.start()
    window.host.load(FLOOD)
    bar = window.error_bar
    qtbot.waitUntil(lambda: bar.label.text().startswith("100,000 problems"), timeout=120000)
    stalls.stop()
    assert len(bar.errors) == MAX_KEPT and bar.more == 100000 - MAX_KEPT
    assert "failure number 0" in bar.label.text()
    tooltip = bar.label.toolTip()
    assert len(tooltip) < 2000 and tooltip.endswith("…and 99,980 more")
    assert stalls.longest_ms < 1000, stalls.longest_ms


def test_keystroke_check_summarises_a_flood(tmp_path, capsys):
    from desktop.cli.main import main

    page = tmp_path / "flood.html"
    page.write_text(FLOOD, encoding="utf-8")
    main(["check", str(page)])
    out = capsys.readouterr().out
    assert out.count("console error:") == 100 and "…and 99,900 more errors" in out
