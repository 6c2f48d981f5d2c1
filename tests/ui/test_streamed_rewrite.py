"""While a whole-file edit streams in, the preview shows the written part followed by the
rest of the previous page: no frame shows less of the old page than the line being changed."""

from __future__ import annotations

import pytest

from tests.fakes.scripted_provider import ScriptedProvider
from tests.ui.conftest import close_and_delete, window_with_a_version

ROWS = "\n".join(f"  <p>Row number {n}</p>" for n in range(30))
OLD = (f"<!DOCTYPE html>\n<html><head><title>Rows</title></head>\n<body>\n  <h1>Old title</h1>\n"
       f"{ROWS}\n  <button id=\"go\">Go</button>\n<script>\ndocument.getElementById('go')"
       ".onclick = () => {};\n</script>\n</body></html>\n")
NEW = OLD.replace("<h1>Old title</h1>", "<h1>New title</h1>").replace(
    "onclick = () => {};", "onclick = () => { console.log('go'); };")


def reply(instruction: str) -> str:
    return f"```html\n{NEW if instruction == 'retitle it' else OLD}```"


@pytest.fixture
def win(qtbot):
    window = window_with_a_version(
        qtbot, ScriptedProvider(reply=reply, chunks=60, delay_s=0.05), "rows")
    yield window
    close_and_delete(window)


def test_no_frame_of_a_streaming_rewrite_shows_less_than_the_old_page(qtbot, win):
    partial_tags: set[int] = set()
    frames: list[str] = []
    win.loop.code_shown.connect(lambda _code, final, tag: None if final
                                else partial_tags.add(tag))

    def read_frame(tag, _ms) -> None:
        if tag in partial_tags:
            win.preview.page().runJavaScript("document.body ? document.body.innerText : ''",
                                             0, frames.append)

    win.preview.page_shown.connect(read_frame)
    win.prompt.setPlainText("retitle it")
    qtbot.waitUntil(lambda: win.loop.draft is not None, timeout=15000)
    qtbot.waitUntil(lambda: len(frames) >= len(partial_tags) > 0, timeout=5000)
    assert len(frames) >= 3, "the rewrite was seen streaming"
    for text in frames:
        lines = {line.strip() for line in text.split("\n")}
        missing = [f"Row number {n}" for n in range(30) if f"Row number {n}" not in lines]
        assert not missing, f"a frame lost {missing[:3]}…"
        assert "Go" in lines
        assert "Old title" in lines or "New title" in lines
