"""A hostile page asks to stay (a beforeunload handler, armed by one click): the preview's
own navigation to the next version must always win. It used to refuse every later version
for good, and the error bar blamed confirm()."""

from __future__ import annotations

from tests.fakes.scripted_provider import page_for
from tests.hostile.test_preview_schemes import click

STAY = """<!DOCTYPE html><html><body style="margin:0">
<button id="arm" style="display:block;height:80px;width:300px">arm</button>
<script>
document.addEventListener('click', e => { document.title = 'clicked ' + e.target.id; }, true);
window.addEventListener('beforeunload', e => { e.preventDefault(); e.returnValue = 'stay'; });
window.onbeforeunload = () => 'stay';
</script></body></html>"""


def test_the_next_version_always_replaces_a_page_that_asks_to_stay(qtbot, window, preview):
    logged: list[str] = []
    window.preview.error_logged.connect(logged.append)
    # Generous waits: under a loaded CI machine a renderer can take many seconds to start;
    # what is tested is that the next version replaces the page, not how fast.
    with qtbot.waitSignal(window.preview.page_shown, timeout=30000):
        window.host.load(STAY)
    click(qtbot, window.preview, "arm")  # a user gesture: beforeunload may now ask
    for n in range(2):
        window.host.load(page_for(f"version {n}"))
        preview.wait_for_text(f"version {n}", timeout=30000)
    assert not any("confirm()" in message for message in logged), logged
