"""Scoped edits: only the chosen lines change, exactly, or nothing does."""

import pytest

from desktop.core.generation.generate import GenerationRequest, GenerationResult, generate
from desktop.core.generation.prompts import build_messages
from desktop.core.generation.scoped import Scope, scope_in_page_so_far, splice
from tests.fakes.scripted_provider import ScriptedProvider

PAGE = ("<!DOCTYPE html>\n<html><body>\n  <button id=\"start\">Start</button>\n"
        "  <button id=\"stop\">Stop</button>\n</body></html>\n")
START = Scope.of_lines(PAGE, 3, 3)


def test_lines_and_labels():
    assert PAGE[START.start:START.end] == '  <button id="start">Start</button>'
    assert START.label(PAGE) == "line 3"
    assert Scope.of_lines(PAGE, 3, 4).label(PAGE) == "lines 3-4"
    with pytest.raises(ValueError, match="not inside"):
        Scope.of_lines(PAGE, 9, 12)


def test_a_selection_grows_to_whole_lines():
    inside = PAGE.index("Start</button>")
    grown = Scope(inside, inside + 5).widened_to_lines(PAGE)
    assert grown == START


def test_the_reply_replaces_the_scope_and_nothing_else():
    reply = '```html\n  <button id="start" style="background: green">Start</button>\n```'
    edit, note = splice(PAGE, START, reply)
    assert note == "" and edit is not None
    assert edit.code == PAGE.replace('<button id="start">',
                                '<button id="start" style="background: green">')


def test_a_whole_page_reply_is_taken_only_when_the_rest_is_unchanged():
    same_rest = PAGE.replace('id="start">', 'id="start" class="go">')
    edit, _ = splice(PAGE, START, f"```html\n{same_rest}```")
    assert edit is not None and edit.code == same_rest
    both_green = same_rest.replace('id="stop">', 'id="stop" class="go">')
    edit, note = splice(PAGE, START, f"```html\n{both_green}```")
    assert edit is None and "more than line 3" in note


def test_the_prompt_shares_its_prefix_with_every_other_edit_and_ends_with_the_instruction():
    scoped = build_messages("make it green", PAGE, scope=START)
    whole = build_messages("make it green", PAGE)
    assert scoped[0] == whole[0], "the same system prompt"
    stable = whole[1].content[: whole[1].stable_prefix]
    assert scoped[1].content.startswith(stable) and scoped[1].stable_prefix == len(stable)
    tail = scoped[1].content[len(stable):]
    assert "this is line 3:" in tail
    assert '<button id="start">Start</button>' in tail
    assert tail.rstrip().endswith("make it green")


def test_generate_splices_a_scoped_reply():
    provider = ScriptedProvider(
        reply=lambda _i: '```html\n  <button id="start" class="green">Start</button>\n```',
        chunks=4, delay_s=0)
    events = list(generate(provider, GenerationRequest("make it green", PAGE, scope=START)))
    result = events[-1]
    assert isinstance(result, GenerationResult) and result.ok
    assert result.code == PAGE.replace('id="start">', 'id="start" class="green">')
    assert 'id="stop">Stop' in result.code


def test_a_whole_page_reply_is_stopped_once_it_is_past_the_scope():
    page = PAGE.replace("</body>", "  <p>one</p>\n  <p>two</p>\n  <p>three</p>\n</body>")
    scope = Scope.of_lines(page, 3, 3)
    new_line = '  <button id="start" class="go">Start</button>'
    copy = page.replace('  <button id="start">Start</button>', new_line)
    cut = copy.index("<p>one</p>")
    assert scope_in_page_so_far(f"```html\n{copy[:cut]}", page, scope) is None
    cut = copy.index("<p>two</p>")  # past the scope, and the next two lines copied
    assert scope_in_page_so_far(f"```html\n{copy[:cut]}", page, scope) == new_line
    assert scope_in_page_so_far(f"```html\n<p>other</p>\n{copy}", page, scope) is None
    provider = ScriptedProvider(reply=lambda _i: f"```html\n{copy}```", chunks=40, delay_s=0)
    result = list(generate(provider, GenerationRequest("go", page, scope=scope)))[-1]
    assert result.code == copy
    assert provider.requests and not provider.completed, "stopped before it copied the rest"
