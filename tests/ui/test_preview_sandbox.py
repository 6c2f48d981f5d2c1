"""Generated code is untrusted: the preview must not reach local files or open windows,
and it must show documents of any size."""

from desktop.ui.preview.view import PreviewView
from tests.ui.conftest import PreviewReader, close_and_delete


def make_view(qtbot):
    view = PreviewView()
    view.resize(800, 600)
    view.show()
    return view


def title_of(qtbot, view) -> str:
    box = []
    view.page().runJavaScript("document.title", 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=5000)
    return box[0]


def test_pages_cannot_read_local_files_or_open_windows(qtbot):
    view = make_view(qtbot)
    try:
        view.show_html("""<html><head><title>waiting</title></head><body><script>
          const opened = window.open('https://example.com');
          fetch('file:///etc/hostname').then(r => r.text())
            .then(() => document.title = 'read a local file')
            .catch(() => document.title = opened ? 'opened a window' : 'blocked');
        </script></body></html>""")
        outcomes = ("read a local file", "opened a window", "blocked")
        qtbot.waitUntil(lambda: title_of(qtbot, view) in outcomes, timeout=10000)
        assert title_of(qtbot, view) == "blocked"
    finally:
        close_and_delete(view)


def test_each_preview_has_its_own_off_the_record_profile(qtbot):
    one, two = make_view(qtbot), make_view(qtbot)
    try:
        assert one.profile.isOffTheRecord() and two.profile.isOffTheRecord()
        assert one.profile is not two.profile
    finally:
        close_and_delete(one)
        close_and_delete(two)


def test_a_document_over_two_megabytes_still_shows(qtbot):
    view = make_view(qtbot)
    try:
        filler = "<p>" + "x" * 1000 + "</p>\n"
        view.show_html("<html><body><h1>Big page</h1>" + filler * 3000 + "</body></html>")
        PreviewReader(qtbot, view).wait_for_text("Big page")
    finally:
        close_and_delete(view)


def test_alert_confirm_and_prompt_never_block_and_are_reported(qtbot):
    from desktop.ui.preview.view import PreviewView

    view = PreviewView()
    logged: list[str] = []
    view.error_logged.connect(logged.append)
    with qtbot.waitSignal(view.page_shown, timeout=10000):
        view.show_html("<!DOCTYPE html><html><body><p id='r'>?</p><script>"
                       "alert('saved'); const ok = confirm('sure?'); const name = prompt('who');"
                       "document.getElementById('r').textContent = String(ok) + ',' + name;"
                       "</script></body></html>")
    box: list = []
    view.page().runJavaScript("document.getElementById('r').textContent", 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=5000)
    assert box[0] == "false,null"  # the script ran on without waiting for anyone
    assert [m.split(" is not allowed")[0] for m in logged] == ["alert()", "confirm()",
                                                               "prompt()"]
    assert "'saved'" in logged[0] and "show it in the page instead" in logged[0]
    view.deleteLater()
