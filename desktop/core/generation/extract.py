"""Get the code out of a model's reply, and make half a reply renderable.

Small models wrap the page in a fence, add chatter around it, or stop mid-tag. While a
reply streams, `partial_page` cuts the text back to the last complete tag, drops a script
that has not finished (running half a script only throws), and closes every open element so
the preview can show the page as it grows.
"""

from __future__ import annotations

import re

_FENCE_OPEN = re.compile(r"```[ \t]*([\w+-]*)[^\n]*\n")
_FENCE_CLOSE = re.compile(r"\n[ \t]*```")
_PAGE_START = re.compile(r"<!doctype html|<html[\s>]", re.IGNORECASE)
_PAGE_END = re.compile(r"</html\s*>", re.IGNORECASE)
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"})
_HTML_LANGS = frozenset({"", "html", "htm", "xhtml", "svg", "vue"})


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    """(language, body) for each fenced block in order; the last may be unfinished."""
    blocks = []
    pos = 0
    while match := _FENCE_OPEN.search(text, pos):
        start = match.end()
        close = _FENCE_CLOSE.search(text, start - 1)
        if close is None:
            blocks.append((match.group(1).lower(), text[start:]))
            break
        blocks.append((match.group(1).lower(), text[start:close.start()]))
        pos = close.end()
    return blocks


def _looks_like_html(code: str) -> bool:
    return bool(re.search(r"<[a-zA-Z!]", code))


def raw_code(text: str) -> str | None:
    """The code part of a reply (maybe unfinished), before any repair. A block holding a
    whole document wins over an earlier snippet ("change this line: …, here is the page:")."""
    blocks = [body.lstrip() for lang, body in fenced_blocks(text)
              if lang in _HTML_LANGS and _looks_like_html(body)]
    documents = [body for body in blocks if _PAGE_START.search(body)]
    if documents or blocks:
        return (documents or blocks)[0]
    start = _PAGE_START.search(text)
    if start is None:
        return None
    end = _PAGE_END.search(text, start.end())
    return text[start.start(): end.end() if end else len(text)]


def extract_code(text: str) -> str | None:
    """The page in a finished reply, or None when the reply holds no HTML at all."""
    code = raw_code(text)
    if code is None or not code.strip():
        return None
    code = code.strip()
    return code + "\n" if _PAGE_END.search(code) else complete_html(code)


def partial_page(text: str) -> str | None:
    """A renderable page from a reply that is still streaming, or None if no code yet."""
    code = raw_code(text)
    if code is None or not _looks_like_html(code):
        return None
    return complete_html(code)


def complete_html(fragment: str) -> str:
    """Cut the fragment back to a safe point and close every element left open."""
    stack: list[str] = []
    pos = 0
    cut = len(fragment)
    while (lt := fragment.find("<", pos)) != -1:
        if fragment.startswith("<!--", lt):
            end = fragment.find("-->", lt + 4)
            if end == -1:
                cut = lt
                break
            pos = end + 3
            continue
        if fragment.startswith("<!", lt) or fragment.startswith("<?", lt):
            end = fragment.find(">", lt)
            if end == -1:
                cut = lt
                break
            pos = end + 1
            continue
        tag = _TAG.match(fragment, lt)
        if tag is None:
            if re.match(r"</?[a-zA-Z]", fragment[lt:lt + 2]):
                cut = lt  # a tag still being written
                break
            pos = lt + 1  # a bare "<" in text, e.g. "a < b"
            continue
        closing, name, attrs = tag.group(1) == "/", tag.group(2).lower(), tag.group(3)
        pos = tag.end()
        if closing:
            if name in stack:
                while stack.pop() != name:
                    pass
            continue
        if name in _VOID or attrs.rstrip().endswith("/"):
            continue
        if name in ("script", "style", "textarea", "title"):
            end = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(fragment, pos)
            if end is None:
                if name == "script":
                    cut = lt  # half a script would only throw
                else:
                    stack.append(name)
                break
            pos = end.end()
            continue
        stack.append(name)
    return fragment[:cut] + "".join(f"</{name}>" for name in reversed(stack))


_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.IGNORECASE | re.DOTALL)


def scripts_of(page: str) -> tuple[str, ...]:
    """The page's script elements, in order: when they are unchanged, the preview can patch
    the page in place instead of reloading it (a patch never runs scripts)."""
    return tuple(_SCRIPT.findall(page))
