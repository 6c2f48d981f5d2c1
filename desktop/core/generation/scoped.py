"""Scoped edits: the model rewrites one part of the code, and only that part changes.

The model sees the whole file for context, in the same prompt prefix as every other edit
(system prompt, then the code), so a warm KV cache or prompt cache serves it; the part to
rewrite and the instruction come last. It answers with the new text of that part alone,
which is spliced in at the part's place. It may declare CSS rules and script the change
needs elsewhere (a ```css and a ```js block after the part): they are added to the page's
style and script, and nothing else outside the part changes. A reply that is the whole page
instead (small models do that) is accepted only when everything outside the part is
unchanged: a scoped edit changes its scope exactly, or nothing at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop.core.generation import source_map
from desktop.core.generation.extract import fenced_blocks

_LINE_RANGE = re.compile(r"\s*(\d+)\s*(?:[-\u2013:]\s*(\d+))?\s*")


@dataclass(frozen=True)
class Scope:
    """A span of the code, as character offsets [start, end); `name` says what it is when
    it is not just lines (button#start, 3 elements)."""

    start: int
    end: int
    name: str = ""

    @classmethod
    def of_elements(cls, elements: list[source_map.Element]) -> Scope:
        """The span from the first element's start to the last one's end."""
        if not elements:
            raise ValueError("no element to aim at")
        name = elements[0].label() if len(elements) == 1 else f"{len(elements)} elements"
        return cls(min(e.start for e in elements), max(e.end for e in elements), name)

    @classmethod
    def parse(cls, code: str, text: str) -> Scope:
        """A line range ("12-18", "12") or a CSS selector ("#start", "button.primary")."""
        if lines := _LINE_RANGE.fullmatch(text):
            first = int(lines.group(1))
            return cls.of_lines(code, first, int(lines.group(2) or first))
        found = source_map.select(code, text)
        if not found:
            raise ValueError(f"nothing in the code matches {text!r}")
        return cls.of_elements(found)

    @classmethod
    def of_lines(cls, code: str, first: int, last: int) -> Scope:
        """Whole lines `first`..`last` (1-based, inclusive), without the last newline."""
        lines = code.split("\n")
        if not 1 <= first <= last <= len(lines):
            raise ValueError(f"lines {first}-{last} are not inside the code "
                             f"(it has {len(lines)} lines)")
        start = sum(len(line) + 1 for line in lines[: first - 1])
        return cls(start, start + len("\n".join(lines[first - 1: last])))

    def widened_to_lines(self, code: str) -> Scope:
        """The same span grown to whole lines: a person selects a little past or short of
        a line's ends, and models rewrite whole lines better than fragments."""
        start = code.rfind("\n", 0, self.start) + 1
        end_at = code.find("\n", max(self.end - 1, self.start))
        return Scope(start, len(code) if end_at < 0 else end_at)

    def lines(self, code: str) -> tuple[int, int]:
        first = code.count("\n", 0, self.start) + 1
        return first, first + code.count("\n", self.start, self.end)

    def label(self, code: str) -> str:
        if self.name:
            return self.name
        first, last = self.lines(code)
        return f"line {first}" if first == last else f"lines {first}-{last}"

    def moved(self, start: int, length: int) -> Scope:
        return Scope(start, start + length, self.name)


@dataclass(frozen=True)
class Addition:
    """CSS or script a scoped edit declared it needs outside its scope."""

    kind: str  # "css" or "js"
    text: str


@dataclass(frozen=True)
class ScopedEdit:
    code: str
    scope: Scope  # where the rewritten part is in `code`
    additions: tuple[Addition, ...] = ()


_ADDITION_LANGS = {"css": "css", "js": "js", "javascript": "js"}


def reply_text(reply: str) -> str:
    """The new text of the scope in a reply so far: the first fenced block that is not a
    declared addition, else the whole reply; an unfinished fence counts as far as it goes."""
    blocks = [body for lang, body in fenced_blocks(reply) if lang not in _ADDITION_LANGS]
    body = blocks[0] if blocks else ("" if "```" in reply else reply)
    return body.strip("\n")


def declared_additions(reply: str) -> tuple[Addition, ...]:
    return tuple(Addition(_ADDITION_LANGS[lang], body.strip("\n"))
                 for lang, body in fenced_blocks(reply)
                 if lang in _ADDITION_LANGS and body.strip())


def splice(code: str, scope: Scope, reply: str,
           instruction: str = "") -> tuple[ScopedEdit | None, str]:
    """(the code with the scope replaced and the additions made, "") or (None, why not)."""
    new = reply_text(reply)
    if not new.strip() and code[scope.start:scope.end].strip():
        return None, "The model's reply was empty; nothing changed."
    outside_before, outside_after = code[: scope.start], code[scope.end:]
    if _is_whole_page(new, code, scope):
        # compared without the blank ends a fence adds or drops
        page, head, tail = new.strip(), outside_before.lstrip(), outside_after.rstrip()
        if not (page.startswith(head) and page.endswith(tail)
                and len(page) >= len(head) + len(tail)):
            return None, (f"The model rewrote more than {scope.label(code)}; nothing changed. "
                          "Try again, or choose more.")
        new = page[len(head): len(page) - len(tail)]
        return ScopedEdit(outside_before + new + outside_after,
                          scope.moved(scope.start, len(new))), ""
    indent = outside_before[outside_before.rfind("\n") + 1:]
    if indent and not indent.strip():  # the part starts mid-line, after its indentation
        new = new.lstrip(" \t")
    if scope.name and "id" not in re.findall(r"\w+", instruction.lower()):
        new = _with_id_of(code[scope.start:scope.end], new)
    edit = ScopedEdit(outside_before + new + outside_after, scope.moved(scope.start, len(new)))
    for addition in declared_additions(reply):
        added = add_outside(edit, addition)
        if added is None:
            where = "<style>" if addition.kind == "css" else "<script>"
            return None, (f"The model added {addition.kind.upper()} but the page has no "
                          f"{where} or place for one; nothing changed.")
        edit = added
    return edit, ""


_FIRST_TAG = re.compile(r"\s*<([a-zA-Z][\w-]*)([^>]*)>")
_ID = re.compile(r"""\sid\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")


def _with_id_of(original: str, new: str) -> str:
    """The picked element's id kept: small models rename it along with a label ("rename it
    to Clear" gives id="clear"), and the page's script, which finds it by id, breaks."""
    old, first = _FIRST_TAG.match(original), _FIRST_TAG.match(new)
    old_id = _ID.search(old.group(2)) if old else None
    if old_id is None or first is None or first.group(1).lower() != old.group(1).lower():
        return new
    attributes = first.group(2)
    new_id = _ID.search(attributes)
    if new_id is not None and new_id.group(1).strip("\"'") == old_id.group(1).strip("\"'"):
        return new
    kept = f" id={old_id.group(1)}"
    attributes = (attributes[:new_id.start()] + kept + attributes[new_id.end():] if new_id
                  else kept + attributes)
    return new[:first.start(2)] + attributes + new[first.end(2):]


_STYLE_END = re.compile(r"</style\s*>", re.IGNORECASE)
_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>.*?(</script\s*>)",
                            re.IGNORECASE | re.DOTALL)
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)


def add_outside(edit: ScopedEdit, addition: Addition) -> ScopedEdit | None:
    """The addition appended to the page's last <style> (or inline <script>), or in a new
    one before </head> (</body>); None when the page has no such place."""
    code, scope = edit.code, edit.scope
    if addition.kind == "css":
        ends = list(_STYLE_END.finditer(code))
        at, text = (ends[-1].start(), f"{addition.text}\n") if ends else (None, "")
        if at is None and (head := _HEAD_END.search(code)):
            at, text = head.start(), f"<style>\n{addition.text}\n</style>\n"
    else:
        scripts = list(_INLINE_SCRIPT.finditer(code))
        at, text = (scripts[-1].start(1), f"{addition.text}\n") if scripts else (None, "")
        if at is None and (body := _BODY_END.search(code)):
            at, text = body.start(), f"<script>\n{addition.text}\n</script>\n"
    if at is None:
        return None
    if at > 0 and code[at - 1] not in "\n":
        text = "\n" + text
    start = scope.start + len(text) if at <= scope.start else scope.start
    moved = Scope(start, start + scope.end - scope.start + (
        len(text) if scope.start < at < scope.end else 0), scope.name)
    return ScopedEdit(code[:at] + text + code[at:], moved, (*edit.additions, addition))


def scope_in_page_so_far(reply: str, code: str, scope: Scope) -> str | None:
    """A model that writes the whole page back (small ones do, whatever they are asked) has
    written all that matters once it is past the scope and has copied the next two lines
    exactly: the new text of the scope, then, so the caller can stop the model there.
    Everything after the scope is taken from the code anyway. None: not there yet, or not
    a whole page."""
    page = reply_text(reply).lstrip()
    head = code[: scope.start].lstrip()
    if not head.strip() or not page.startswith(head):
        return None
    after = code[scope.end:]
    lines = after.split("\n")
    if len(lines) < 4 or not any(line.strip() for line in lines[1:3]):
        return None  # too near the end to know: let the reply finish
    anchor = "\n".join(lines[:3]) + "\n"
    found = page.find(anchor, len(head))
    return None if found < 0 else page[len(head): found]


_DOCUMENT_START = re.compile(r"\s*(<!doctype|<html[\s>])", re.IGNORECASE)


def _is_whole_page(new: str, code: str, scope: Scope) -> bool:
    """Did the model write the whole file back although asked for one part? (Its reply
    then starts like the code before the scope does.)"""
    before = code[: scope.start].strip()
    head = before.split("\n", 1)[0].strip()
    if _DOCUMENT_START.match(new) and not _DOCUMENT_START.match(code[scope.start:scope.end]):
        return True
    return bool(head) and len(new) > (scope.end - scope.start) + len(before) // 2 and \
        new.lstrip().startswith(head)
