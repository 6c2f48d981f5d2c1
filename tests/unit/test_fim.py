"""What the model is shown around the cursor, and what of its reply the editor may show."""

from desktop.core.completion.fim import (
    PREFIX_LINES,
    FimRequest,
    finished,
    request_at,
    tidy,
    worth_completing,
)

PAGE = "\n".join(f"<p>line {n}</p>" for n in range(200))


def test_the_prompts_start_stays_put_while_the_user_types_on_one_line():
    """Consecutive completions must start with the same text, or llama.cpp re-evaluates
    the whole prefix on every pause."""
    cursor = PAGE.index("<p>line 120</p>")
    starts = set()
    for typed in ("d", "do", "doc", "docu"):
        text = PAGE[:cursor] + typed + PAGE[cursor:]
        request = request_at(text, cursor + len(typed))
        starts.add(request.prefix.split("\n", 1)[0])
        assert request.prefix.endswith(typed)
        assert len(request.prefix.split("\n")) > PREFIX_LINES
    assert len(starts) == 1


def test_the_suffix_is_the_rest_of_the_line_and_a_few_lines_after():
    cursor = PAGE.index("line 50")
    request = request_at(PAGE, cursor)
    assert request.suffix.startswith("line 50</p>\n<p>line 51</p>")
    assert "line 70" not in request.suffix


def test_a_cursor_that_opens_a_block_may_get_lines_elsewhere_one_line():
    code = "btn.addEventListener('click', () => {\n\n});"
    assert not request_at(code, code.index("\n")).single_line
    mid = "const total = \n"
    assert request_at(mid, len("const total = ")).single_line


def test_completions_are_asked_for_only_before_closing_punctuation_or_the_line_end():
    line = "document.getElementById('start').addEventListener()"
    assert worth_completing(line, len(line) - 1)  # before ")"
    assert worth_completing(line, len(line))
    assert not worth_completing(line, line.index("getElementById"))


def test_single_line_mode_keeps_the_first_line():
    request = FimRequest(prefix="const a = ", suffix="\nconst b = 2;")
    assert tidy("1;\nconst b = 2;\n", request) == "1;"


def test_a_completion_that_repeats_the_rest_of_the_line_is_cut():
    request = FimRequest(prefix="el.addEventListener(", suffix=");\nnext();")
    assert tidy("'click', go);", request) == "'click', go"


def test_a_block_that_runs_into_the_code_after_the_cursor_stops_there():
    request = FimRequest(prefix="btn.onclick = () => {\n", suffix="};\nshow();",
                         single_line=False)
    reply = "  count++;\n  render();\n};\nshow();\n"
    assert tidy(reply, request) == "  count++;\n  render();"


def test_a_closing_bracket_that_closes_nothing_is_never_inserted():
    request = FimRequest(prefix="let total = 0;\n", suffix="")
    assert tidy("total += 1; }) ]", request) == "total += 1; "
    opened = FimRequest(prefix="items.forEach((item) => {\n  show(item", suffix="")
    assert tidy("));", opened) == ")", "closes show( and then nothing: cut there"
    assert tidy(");", opened) == ");"


def test_brackets_in_strings_and_comments_do_not_count():
    request = FimRequest(prefix="const s = '(';  // (\nf(", suffix="")
    assert tidy("1)", request) == "1)"
    assert tidy("1))", request) == "1)"


def test_a_multi_line_reply_cut_by_the_budget_loses_its_half_line():
    request = FimRequest(prefix="function go() {\n", suffix="", single_line=False)
    assert tidy("  a();\n  b();\n  if (x ==", request) == "  a();\n  b();"


def test_whitespace_is_no_suggestion():
    assert tidy("   \n ", FimRequest(prefix="x", suffix="", single_line=False)) == ""


def test_a_block_ends_with_the_line_that_closes_what_the_cursor_was_in():
    prefix = "<script>\nbtn.addEventListener("
    request = FimRequest(prefix=prefix, suffix="\n</script>", single_line=False)
    reply = "'click', () => {\n  go();\n});\n</script>\n</body>"
    assert tidy(reply, request) == "'click', () => {\n  go();\n});"
    assert finished(reply, request)
    assert not finished("'click', () => {\n  go();\n", request)
