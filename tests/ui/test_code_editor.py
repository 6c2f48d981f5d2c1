"""The editor takes streamed code cheaply: only the changed tail is replaced (so only the
last lines are re-highlighted), and the app's own updates never count as hand edits."""

from desktop.ui.editor.code_editor import CodeEditor


def test_streamed_updates_replace_only_the_changed_tail(qtbot):
    editor = CodeEditor()
    qtbot.addWidget(editor)
    head = "<html><body>\n" + "".join(f"<p>line {n}</p>\n" for n in range(300))
    editor.set_code_quietly(head + "</body></html>")
    changes = []
    editor.document().contentsChange.connect(lambda pos, removed, added: changes.append(pos))
    edits = []
    editor.edited_by_user.connect(lambda: edits.append(1))
    editor.set_code_quietly(head + "<p>one more 🍅</p>\n</body></html>")
    assert editor.toPlainText() == head + "<p>one more 🍅</p>\n</body></html>"
    assert len(changes) == 1 and changes[0] >= len(head), \
        "the document changed only after the common prefix"
    editor.set_code_quietly(head + "<p>one more 🍅 and 🍅</p>\n</body></html>")
    assert editor.toPlainText().endswith("🍅 and 🍅</p>\n</body></html>")
    assert edits == []


def test_a_persons_typing_is_a_hand_edit_and_undo_works(qtbot):
    editor = CodeEditor()
    qtbot.addWidget(editor)
    editor.set_code_quietly("<p>a</p>")
    edits = []
    editor.edited_by_user.connect(lambda: edits.append(1))
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, "<b>")
    assert edits and editor.toPlainText() == "<p>a</p><b>"
    editor.undo()
    assert "<b>" not in editor.toPlainText()
    editor.redo()
    assert editor.toPlainText() == "<p>a</p><b>"
