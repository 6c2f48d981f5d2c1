"""Which kind of app a request makes, and getting a val out of a model's reply."""

import pytest

from desktop.core.generation.instructions import leading_commands, strip_command
from desktop.core.generation.kinds import extract_val, is_val, kind_for, raw_val
from desktop.core.generation.prompts import build_messages

VAL = "export default async function (req: Request) {\n  return new Response('hi');\n}\n"


@pytest.mark.parametrize(("instruction", "base", "kind"), [
    ("a guestbook that stores entries in sqlite", "", "val"),
    ("a todo app with a backend", "", "val"),
    ("a pomodoro timer", "", "page"),
    ("a login form", "", "page"),  # auth escalates, but a form alone is a page
    ("/val a pomodoro timer", "", "val"),
    ("/page a guestbook with a database", "", "page"),
    ("/sonnet /val a timer", "", "val"),
    ("make it blue", VAL, "val"),
    ("store it in a database", "<!DOCTYPE html><html></html>", "page"),
    ("/val store it in a database", "<!DOCTYPE html><html></html>", "val"),
])
def test_the_kind_follows_the_user_then_the_code_then_the_instruction(instruction, base, kind):
    assert kind_for(instruction, base) == kind


def test_commands_are_removed_before_the_model_sees_the_instruction():
    assert leading_commands("/sonnet /VAL a  timer") == ({"/sonnet", "/val"}, "a timer")
    assert strip_command("/val a timer") == ("a timer", False)
    assert strip_command("/valentine card") == ("/valentine card", False)


def test_a_val_comes_out_of_a_fenced_or_bare_reply():
    assert extract_val(f"Here it is:\n```ts\n{VAL}```\nEnjoy.") == VAL
    assert extract_val(f"```typescript\n{VAL}```") == VAL
    assert extract_val(VAL) == VAL
    assert extract_val("```ts\nconst x = 1;\n```") is None  # no default export: not a val
    assert raw_val("```ts\nimport { sqlite } from 'x';\nawait sql") == \
        "import { sqlite } from 'x';\nawait sql"  # still streaming: the editor shows it
    assert is_val(VAL) and not is_val("<html><script>export default 1</script></html>")


def test_a_val_is_asked_for_with_val_town_rules_and_its_code_stays_cacheable():
    system, user = build_messages("add a delete button", VAL, kind="val")
    assert "Val Town HTTP val" in system.content and "Response.redirect" in system.content
    assert user.content[:user.stable_prefix].rstrip().endswith("```")
    assert VAL.strip() in user.content[:user.stable_prefix]
    assert user.content.endswith("Change it as follows: add a delete button")
