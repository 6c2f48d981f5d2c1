from desktop.core.generation.prompts import build_messages

CODE = "<!DOCTYPE html><html><body><p id=count>0</p></body></html>"


def test_system_prompt_forbids_placeholders_and_alert():
    system = build_messages("a timer", "")[0]
    assert system.role == "system"
    assert "complete HTML document" in build_messages("a timer", "")[-1].content
    assert "rest of the code unchanged" in system.content
    assert "alert()" in system.content


def test_current_code_comes_before_the_instruction():
    user = build_messages("make the count blue", CODE)[-1].content
    assert user.index(CODE) < user.index("make the count blue")
    assert user.rstrip().endswith("make the count blue")


def test_keystrokes_change_only_the_end_of_the_prompt():
    """Two keystrokes apart, the prompts share everything up to the instruction, which is
    what lets llama.cpp reuse its KV cache."""
    a = "\n".join(m.content for m in build_messages("make the count bl", CODE))
    b = "\n".join(m.content for m in build_messages("make the count blue", CODE))
    shared = next(i for i, (x, y) in enumerate(zip(a + "\0", b, strict=False)) if x != y)
    assert shared >= len(a) - 1
