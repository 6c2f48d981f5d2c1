"""Elements found in the source by their place: what the picker names, what `--scope`
selects, and what a direct edit changes (exactly that element, or nothing)."""

import pytest

from desktop.core.generation import source_map
from desktop.core.generation.direct_edits import (
    DirectEditError,
    replace_text,
    set_style,
    style_of,
)
from desktop.core.generation.generate import GenerationRequest, generate
from desktop.core.generation.scoped import Scope, splice
from tests.fakes.scripted_provider import ScriptedProvider

PAGE = """<!DOCTYPE html>
<html><head><title>Timer</title>
<style>
body { font-family: sans-serif; }
</style></head>
<body>
<div class="card main">
  <h1>Pomodoro &amp; more</h1>
  <button id="start" class="primary">Start</button>
  <button id="pause">Pause <b>now</b></button>
  <ul><li>one<li>two</ul>
  <input id="minutes" type="number"><br>
</div>
<script>
document.getElementById('start').onclick = () => {};
</script>
</body></html>
"""


def text_of(element) -> str:
    return PAGE[element.start:element.end]


def test_each_element_spans_its_source_from_start_tag_to_end_tag():
    found = {e.label(): e for e in source_map.elements(PAGE)}
    assert text_of(found["button#start"]) == '<button id="start" class="primary">Start</button>'
    assert text_of(found["button#pause"]) == '<button id="pause">Pause <b>now</b></button>'
    assert text_of(found["input#minutes"]) == '<input id="minutes" type="number">'
    assert text_of(found["div.card.main"]).endswith("<br>\n</div>")
    items = [text_of(e) for e in source_map.elements(PAGE) if e.tag == "li"]
    assert items == ["<li>one", "<li>two"], "an unclosed <li> ends where the next begins"


def test_the_served_copy_carries_the_spans_and_nothing_else_changes():
    served = source_map.annotate(PAGE)
    start = next(e for e in source_map.elements(PAGE) if e.attrs.get("id") == "start")
    assert f'<button id="start" class="primary" data-ks-src="{start.start}-{start.end}">' \
        in served
    assert "<script>\ndocument" in served and "<body>" in served, "scripts and body as they were"
    stripped = __import__("re").sub(r' data-ks-src="\d+-\d+"', "", served)
    assert stripped == PAGE


@pytest.mark.parametrize(("selector", "labels"), [
    ("#start", ["button#start"]),
    ("button.primary", ["button#start"]),
    ("div > h1", ["h1"]),
    (".card button", ["button#start", "button#pause"]),
    ("input[type=number]", ["input#minutes"]),
    ("h1, #pause", ["h1", "button#pause"]),
    ("body > button", []),
])
def test_css_selectors_pick_elements(selector, labels):
    assert [e.label() for e in source_map.select(PAGE, selector)] == labels


def test_a_scope_is_parsed_from_lines_or_a_selector_and_says_what_it_is():
    assert Scope.parse(PAGE, "9").label(PAGE) == "line 9"
    assert Scope.parse(PAGE, "9-10").label(PAGE) == "lines 9-10"
    assert Scope.parse(PAGE, "#start").label(PAGE) == "button#start"
    assert Scope.parse(PAGE, "button").label(PAGE) == "2 elements"
    with pytest.raises(ValueError, match="nothing in the code matches"):
        Scope.parse(PAGE, "#missing")


START = Scope.parse(PAGE, "#start")


def test_a_declared_css_addition_lands_in_the_style_element():
    reply = ('```html\n<button id="start" class="primary go">Start</button>\n```\n'
             '```css\n.go { background: green; }\n```')
    edit, note = splice(PAGE, START, reply)
    assert note == "" and edit is not None
    assert ".go { background: green; }\n</style>" in edit.code
    assert edit.code[edit.scope.start:edit.scope.end] == \
        '<button id="start" class="primary go">Start</button>'
    assert [a.kind for a in edit.additions] == ["css"]
    outside = edit.code.replace(".go { background: green; }\n", "", 1)
    assert outside.replace(' go"', '"', 1) == PAGE, "nothing else changed"


def test_a_script_addition_goes_into_the_page_script():
    reply = '```html\n<button id="start" class="primary">Go</button>\n```\n```js\nlet x = 1;\n```'
    edit, _ = splice(PAGE, START, reply)
    assert edit is not None and "let x = 1;\n</script>" in edit.code


def test_an_addition_with_nowhere_to_go_changes_nothing():
    page = '<button id="start">Start</button>'
    edit, note = splice(page, Scope.parse(page, "#start"),
                        '```html\n<button id="start">Go</button>\n```\n```css\nb{}\n```')
    assert edit is None and "nothing changed" in note


def test_a_renamed_button_keeps_the_id_its_script_finds_it_by():
    edit, _ = splice(PAGE, START, '```html\n<button id="go" class="primary">Go</button>\n```',
                     "rename it to Go")
    assert edit is not None and '<button id="start" class="primary">Go</button>' in edit.code
    edit, _ = splice(PAGE, START, '```html\n<button id="go">Go</button>\n```',
                     "change its id to go")
    assert edit is not None and '<button id="go">Go</button>' in edit.code


def test_a_scoped_generation_reports_its_new_scope_and_additions():
    provider = ScriptedProvider(reply=lambda _i: '```html\n<button id="start" class="primary" '
                                'style="background: green">Start</button>\n```', delay_s=0)
    result = list(generate(provider, GenerationRequest("make it green", PAGE, scope=START)))[-1]
    assert result.ok and result.scoped is not None
    new = result.code[result.scoped.scope.start:result.scoped.scope.end]
    assert new.startswith('<button id="start"') and 'background: green' in new
    assert result.code.replace(new, "") == PAGE.replace(text_of(
        source_map.select(PAGE, "#start")[0]), "")
    assert "the element button#start (line 9)" in provider.requests[0].messages[-1].content


def test_text_typed_in_place_replaces_only_that_text():
    new = replace_text(PAGE, START.start, START.end, "Start", "Go")
    assert new == PAGE.replace(">Start</button>", ">Go</button>")
    pause = source_map.select(PAGE, "#pause")[0]
    with pytest.raises(DirectEditError, match="written by the page's script"):
        replace_text(PAGE, pause.start, pause.end, "Pause now", "Hold")
    heading = source_map.select(PAGE, "h1")[0]
    assert "<h1>Pomodoro &amp; less</h1>" in replace_text(
        PAGE, heading.start, heading.end, "Pomodoro & more", "Pomodoro & less")


def test_a_style_change_is_written_on_the_element_only():
    new, end = set_style(PAGE, START.start, START.end, "background", "#22c55e")
    assert '<button id="start" class="primary" style="background: #22c55e">Start</button>' in new
    assert new[START.start:end].endswith("</button>")
    newer, _ = set_style(new, START.start, end, "font-size", "20px")
    assert style_of(source_map.element_at(newer, START.start, end + len(newer) - len(new))) == {
        "background": "#22c55e", "font-size": "20px"}
    with pytest.raises(DirectEditError, match="pick it again"):
        set_style(PAGE, 0, 5, "color", "red")


def test_a_streamed_rewrite_is_shown_whole_at_every_step():
    from desktop.core.generation.streamed_rewrite import StreamedRewrite

    new = PAGE.replace("<h1>Pomodoro &amp; more</h1>", "<h1>Pomodoro</h1>\n  <p>Focus.</p>")
    rewrite = StreamedRewrite(PAGE)
    old_lines = [line.strip() for line in PAGE.split("\n") if line.strip()]
    for cut in range(0, len(new), 7):
        page = rewrite.page(new[:cut])
        shown = [line.strip() for line in page.split("\n") if line.strip()]
        missing = [line for line in old_lines if line not in shown
                   and line != "<h1>Pomodoro &amp; more</h1>"]
        assert not missing, f"at {cut} characters the page lost {missing}"
        assert page.rstrip().endswith("</body></html>")
    assert rewrite.page(new) == new


def test_an_element_of_a_vals_page_is_found_in_its_code_only_when_one_fits():
    val = ('export default async function (req: Request) {\n  const rows = [1, 2];\n'
           '  return new Response(`<main><h1 class="title">Guests</h1>\n'
           '  <button class="add">Add</button><button class="add">Clear</button>\n'
           '  <ul>${rows.map((r) => `<li>${r}</li>`).join("")}</ul></main>`);\n}\n')
    found = source_map.find_described(val, "h1", classes=("title",))
    assert found is not None and val[found.start:found.end] == '<h1 class="title">Guests</h1>'
    clear = source_map.find_described(val, "button", classes=("add",), text="Clear")
    assert clear is not None and val[clear.start:clear.end].endswith("Clear</button>")
    assert source_map.find_described(val, "table") is None, "built by a script: not found"
    assert source_map.find_described(val, "button", classes=("add",)) is None, "two fit"
