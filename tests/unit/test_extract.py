from desktop.core.generation.extract import complete_html, extract_code, partial_page

PAGE = "<!DOCTYPE html>\n<html><head><title>T</title></head><body><p>Hi</p></body></html>"


def test_fenced_page_with_chatter_around_it():
    reply = f"Sure! Here is your app:\n\n```html\n{PAGE}\n```\n\nEnjoy it."
    assert extract_code(reply) == PAGE + "\n"


def test_bare_page_without_fence():
    assert extract_code(f"Here you go {PAGE} hope that helps") == PAGE + "\n"


def test_the_first_html_block_wins_over_other_languages():
    reply = f"```bash\nnpm start\n```\n```html\n{PAGE}\n```"
    assert extract_code(reply) == PAGE + "\n"


def test_reply_without_code_gives_none():
    assert extract_code("I'm sorry, I can't help with that.") is None
    assert partial_page("Let me think about") is None


def test_streaming_page_gets_open_elements_closed():
    page = partial_page("```html\n<!DOCTYPE html>\n<html><body><div class=\"card\"><p>Hel")
    assert page == "<!DOCTYPE html>\n<html><body><div class=\"card\"><p>Hel</p></div></body></html>"


def test_half_written_tag_is_cut():
    assert partial_page("```html\n<html><body><h1>Timer</h1><butt") == (
        "<html><body><h1>Timer</h1></body></html>")
    assert partial_page('```html\n<html><body><a href="x') == "<html><body></body></html>"


def test_unfinished_script_is_dropped_but_finished_one_kept():
    text = ("```html\n<html><body><script>let a = 1;</script><button>Go</button>"
            "<script>document.getElementById('x').add")
    assert partial_page(text) == (
        "<html><body><script>let a = 1;</script><button>Go</button></body></html>")


def test_unfinished_style_is_closed():
    page = partial_page("```html\n<html><head><style>body { color: red; }\nh1 { font")
    assert page.endswith("</style></head></html>")


def test_void_elements_and_comparisons_in_text_are_not_tags():
    fragment = "<div><input type=text><br>a < b"
    assert complete_html(fragment) == fragment + "</div>"


def test_unfinished_comment_is_cut():
    assert complete_html("<div>ok<!-- a note") == "<div>ok</div>"


def test_truncated_final_reply_is_completed():
    code = extract_code("```html\n<!DOCTYPE html><html><body><ul><li>one<li>two")
    assert code is not None and code.endswith("</ul></body></html>")


def test_a_whole_page_wins_over_a_snippet_before_it():
    reply = ("Change the button like this:\n```html\n<button id=\"go\">Go</button>\n```\n"
             "Here is the whole page:\n```html\n<!DOCTYPE html>\n<html><body>"
             "<button id=\"go\">Go</button></body></html>\n```")
    code = extract_code(reply)
    assert code.startswith("<!DOCTYPE html>") and code.rstrip().endswith("</html>")
