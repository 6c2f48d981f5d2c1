import difflib
import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.generation.edits import apply_edit, looks_like_edit

PAGE = """<!DOCTYPE html>
<html>
<head>
  <style>
    button { color: blue; }
  </style>
</head>
<body>
  <h1 id="title">Counter</h1>
  <button id="plus">+</button>
  <script>
    let count = 0;
    document.getElementById("plus").addEventListener("click", () => {
      count++;
      document.getElementById("title").textContent = count;
    });
  </script>
</body>
</html>"""


def sr(search: str, replace: str) -> str:
    return f"<<<<<<< SEARCH\n{search}\n=======\n{replace}\n>>>>>>> REPLACE"


def test_whole_file_reply():
    result = apply_edit(PAGE, f"Here:\n```html\n{PAGE.replace('blue', 'red')}\n```")
    assert result.format == "whole" and "color: red" in result.code


def test_search_replace_exact():
    result = apply_edit(PAGE, sr("    button { color: blue; }", "    button { color: red; }"))
    assert result.format == "search-replace"
    assert result.code == PAGE.replace("blue", "red")
    assert result.blocks[0].status == "exact"


def test_search_replace_with_drifted_indentation_keeps_the_files_indentation():
    reply = sr("count++;\ndocument.getElementById(\"title\").textContent = count;",
               "count += 2;\ndocument.getElementById(\"title\").textContent = count;")
    result = apply_edit(PAGE, reply)
    assert result.ok and result.blocks[0].status == "fuzzy"
    assert "      count += 2;\n      document.getElementById" in result.code


def test_search_replace_with_trailing_spaces_and_crlf():
    crlf_page = PAGE.replace("\n", "\r\n")
    reply = sr('  <h1 id="title">Counter</h1>   ', '  <h1 id="title">Clicks</h1>')
    result = apply_edit(crlf_page, reply)
    assert result.ok and result.code == crlf_page.replace(">Counter<", ">Clicks<")
    assert "\r\n" in result.code and "\n\n" not in result.code


def test_ambiguous_block_fails_and_changes_nothing():
    page = PAGE.replace("</body>", "  <button id=\"plus\">+</button>\n</body>")
    result = apply_edit(page, sr('<button id="plus">+</button>', "<button>-</button>"))
    assert not result.ok and result.code is None
    assert "fits 2 places" in result.message


def test_unrelated_block_fails_and_one_bad_block_fails_the_edit():
    reply = sr("button { color: blue; }", "button { color: red; }") + "\n" + sr(
        "<footer>nowhere</footer>", "<footer>x</footer>")
    result = apply_edit(PAGE, reply)
    assert not result.ok
    assert [b.status for b in result.blocks] == ["fuzzy", "failed"]
    assert "not in the file" in result.message


def test_unfinished_block_fails():
    result = apply_edit(PAGE, "<<<<<<< SEARCH\n  <h1 id=\"title\">Counter</h1>\n=======\n  <h1>")
    assert not result.ok and "unfinished" in result.message


def unified(a: str, b: str, n: int = 3) -> str:
    return "".join(difflib.unified_diff(a.splitlines(True), b.splitlines(True),
                                        "a/index.html", "b/index.html", n=n))


def test_unified_diff_exact():
    after = PAGE.replace("count++", "count += 5")
    result = apply_edit(PAGE, unified(PAGE, after))
    assert result.format == "unified-diff" and result.code == after


def test_unified_diff_with_wrong_or_missing_line_numbers():
    after = PAGE.replace("Counter", "Clicks")
    diff = unified(PAGE, after)
    wrong = re.sub(r"@@ -\d+,\d+ \+\d+,\d+ @@", "@@ -97,4 +97,4 @@", diff)
    bare = re.sub(r"@@ .* @@", "@@ ... @@", diff)
    assert apply_edit(PAGE, wrong).code == after
    assert apply_edit(PAGE, bare).code == after


def test_unified_diff_with_invented_context_lines_at_the_edges():
    diff = ("@@ -1,5 +1,5 @@\n <div class=\"made-up\">\n   <h1 id=\"title\">Counter</h1>\n"
            "-  <button id=\"plus\">+</button>\n+  <button id=\"plus\">Add one</button>\n"
            "   <script>\n </section>\n")
    result = apply_edit(PAGE, diff)
    assert result.ok and "Add one" in result.code
    assert "context lines dropped" in result.blocks[0].detail


def test_unified_diff_blank_context_without_leading_space_and_fenced():
    page = "<p>a</p>\n\n<p>b</p>\n"
    reply = "```diff\n@@ -1,3 +1,3 @@\n <p>a</p>\n\n-<p>b</p>\n+<p>B</p>\n```"
    assert apply_edit(page, reply).code == "<p>a</p>\n\n<p>B</p>\n"


def test_unified_diff_ambiguous_hunk_fails():
    page = "<li>x</li>\n<li>y</li>\n<li>x</li>\n<li>y</li>\n"
    reply = "@@ -1,2 +1,2 @@\n <li>x</li>\n-<li>y</li>\n+<li>z</li>\n"
    result = apply_edit(page, reply)
    assert not result.ok and "fits 2 places" in result.message


def test_reply_without_anything_is_none():
    result = apply_edit(PAGE, "I think the button should be bigger.")
    assert result.format == "none" and not result.ok
    assert not looks_like_edit("plain text") and looks_like_edit(sr("a", "b"))


lines = st.lists(st.sampled_from(["<div>", "</div>", "  <p>hi</p>", "  let x = 1;", "", "}",
                                  "  <button>go</button>", "<span>a</span>", "b = 2;"]),
                 min_size=1, max_size=30)


@settings(max_examples=300, deadline=None)
@given(lines, lines, st.integers(0, 3))
def test_a_diff_made_from_a_to_b_turns_a_into_b(a_lines, b_lines, context):
    a, b = "\n".join(a_lines) + "\n", "\n".join(b_lines) + "\n"
    diff = unified(a, b, context)
    if not diff:
        return
    result = apply_edit(a, diff)
    if result.code == b:
        return
    # It may refuse, never guess: a hunk that fits two places of a repetitive file, or
    # (only without context lines) an insertion with nothing around it to check its place.
    assert result.code is None
    assert "fits" in result.message or (context == 0 and "empty" in result.message)


@settings(max_examples=200, deadline=None)
@given(lines, lines, st.randoms(use_true_random=False))
def test_shuffled_line_numbers_change_nothing(a_lines, b_lines, rnd: random.Random):
    a, b = "\n".join(a_lines) + "\n", "\n".join(b_lines) + "\n"
    diff = unified(a, b)
    if not diff:
        return
    shuffled = re.sub(r"^@@ -\d+(,\d+)? \+\d+(,\d+)? @@",
                      lambda _m: f"@@ -{rnd.randint(1, 500)},3 +{rnd.randint(1, 500)},3 @@",
                      diff, flags=re.MULTILINE)
    assert apply_edit(a, shuffled).code == apply_edit(a, diff).code
