"""Fill-in-the-middle: what to show the model around the cursor, and what to keep of its reply.

The model sees the text before the cursor and the text after it, and writes what goes
between. Two things make that fast and safe on a small local model:

- The window around the cursor is cut at line boundaries that move in steps (`_STEP`
  lines), not with every keystroke: consecutive completions then start with the same
  tokens, and llama.cpp reuses their KV cache instead of evaluating the prefix again.
- The reply is tidied before anyone sees it: cut at the first line in single-line mode, cut
  where it starts repeating the text after the cursor, cut before a bracket it closes that
  nothing opened (a completion never inserts unbalanced junk), and a block ends with the
  line that closes what the cursor was in.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

PREFIX_LINES = 48  # lines before the cursor the model sees (at least; see _STEP)
SUFFIX_LINES = 8  # lines after the cursor; re-evaluated on every keystroke, so few
_STEP = 16  # the prefix's first line moves in steps of this many lines
MAX_LINES = 6  # a multi-line completion shows at most this many lines
SINGLE_LINE_TOKENS = 24  # a line of code; more is a line the ghost would cut anyway
_BLOCK_OPENERS = ("{", "(", "[")
_CLOSERS = {")": "(", "]": "[", "}": "{"}
_OPENERS = set(_CLOSERS.values())


@dataclass
class FimRequest:
    """One completion at a cursor. `cancel` may be set from any thread (the next key)."""

    prefix: str
    suffix: str
    max_tokens: int = 48
    single_line: bool = True
    cancel: threading.Event = field(default_factory=threading.Event)


@dataclass(frozen=True)
class Completion:
    text: str  # what the ghost shows; "" when there is nothing worth showing
    model: str
    seconds: float  # from the request to the tidied text
    tokens: int = 0  # generated tokens (before tidying)
    cached_tokens: int = 0  # prompt tokens served from the KV cache
    prompt_tokens: int = 0
    cancelled: bool = False


class CompletionUnavailable(Exception):
    """Completions cannot work here (no FIM tokens, no server). The message says why and
    what to do; the status bar shows it."""


def request_at(text: str, cursor: int, max_tokens: int = 48) -> FimRequest:
    """The request for a cursor at character offset `cursor` in `text`.

    Mid-line, a completion only makes sense when what follows the cursor on its line is
    closing punctuation (`)`, `;`, `"`…); the caller asks `worth_completing` first. Inside
    a block just opened (the cursor after `{`, or on an empty line after it) a completion
    may be a few lines; elsewhere it is the rest of the line: on the 0.5B model, measured
    by bench/fim.py, longer guesses were seldom right and cost a token every 24 ms."""
    before, after = text[:cursor], text[cursor:]
    lines_before = before.split("\n")
    line_after = after.split("\n", 1)[0]
    opened = lines_before[-1].strip() or next(
        (line.strip() for line in reversed(lines_before[:-1]) if line.strip()), "")
    multi = not line_after.strip() and opened.endswith(_BLOCK_OPENERS)
    return FimRequest(prefix=_prefix_window(before), suffix=_suffix_window(after),
                      max_tokens=max_tokens if multi else min(max_tokens, SINGLE_LINE_TOKENS),
                      single_line=not multi)


def finished(text: str, request: FimRequest) -> bool:
    """Stop generating as soon as the rest could not be shown anyway: a line is complete in
    single-line mode; in a block, when it has enough lines or a line repeats the code
    after the cursor."""
    if request.single_line:
        return "\n" in text
    lines = text.split("\n")
    if len(lines) > MAX_LINES:
        return True
    following = next((line.strip() for line in request.suffix.split("\n") if line.strip()), "")
    if following and any(line.strip() == following for line in lines[1:-1]):
        return True
    closed_outer = _scan(text, request.prefix)[1]
    return closed_outer is not None and "\n" in text[closed_outer:]


def worth_completing(text: str, cursor: int) -> bool:
    """Ask only where a person would want a suggestion: after some code on the line or on
    an empty line inside the document, with nothing but closing punctuation after the
    cursor."""
    after = text[cursor:].split("\n", 1)[0]
    return all(ch in ")]}>;,'\"` \t" for ch in after)


def _prefix_window(before: str) -> str:
    lines = before.split("\n")
    cursor_line = len(lines) - 1
    first = max(0, cursor_line - PREFIX_LINES)
    first -= first % _STEP  # move in steps, so the prompt's start stays put
    return "\n".join(lines[first:])


def _suffix_window(after: str) -> str:
    return "\n".join(after.split("\n")[: SUFFIX_LINES + 1])


def tidy(raw: str, request: FimRequest) -> str:
    """What of the model's reply the ghost may show."""
    text = raw.replace("\r\n", "\n")
    if request.single_line:
        text = text.split("\n", 1)[0]
    else:
        text = "\n".join(text.split("\n")[:MAX_LINES])
    text = _drop_suffix_echo(text, request.suffix)
    text = _cut_unbalanced(text, request.prefix)
    if not request.single_line and "\n" in text and not text.endswith("\n"):
        # a last line cut off by the token budget is a half-thought: keep whole lines
        last_break = text.rfind("\n")
        if len(text.split("\n")) > 1 and not _looks_complete(text[last_break + 1:]):
            text = text[:last_break]
    return text if text.strip() else ""


def _drop_suffix_echo(text: str, suffix: str) -> str:
    """Models often write the text after the cursor again: the `);` the line already ends
    with, or the next line. Cut the completion where that repetition starts."""
    rest_of_line = suffix.split("\n", 1)[0]
    stripped = rest_of_line.strip()
    if stripped and text.rstrip().endswith(stripped):
        text = text.rstrip()[: -len(stripped)]
    following = [line.strip() for line in suffix.split("\n") if line.strip()]
    if following and "\n" in text:
        lines = text.split("\n")
        for index, line in enumerate(lines[1:], start=1):
            if line.strip() and line.strip() == following[0]:
                return "\n".join(lines[:index]).rstrip(" \t")
    return text


def _brackets(code: str) -> Iterator[tuple[int, str]]:
    """Each bracket of `code` with its index, strings and `//` comments roughly skipped:
    close enough to decide whether a `)` in a completion closes something."""
    quote = ""
    index = 0
    while index < len(code):
        ch = code[index]
        if quote:
            if ch == "\\":
                index += 1
            elif ch == quote or (ch == "\n" and quote != "`"):
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif code.startswith("//", index):
            newline = code.find("\n", index)
            index = len(code) if newline < 0 else newline
            continue
        elif ch in _OPENERS or ch in _CLOSERS:
            yield index, ch
        index += 1


def _open_brackets(code: str) -> list[str]:
    """The brackets still open at the end of `code`."""
    stack: list[str] = []
    for _index, ch in _brackets(code):
        if ch in _OPENERS:
            stack.append(ch)
        elif stack and stack[-1] == _CLOSERS[ch]:
            stack.pop()
    return stack


def _scan(text: str, prefix: str) -> tuple[int, int | None]:
    """(where a closing bracket that closes nothing, or the wrong kind, sits — else the
    length; where a bracket the prefix opened is closed — else None)."""
    stack = _open_brackets(prefix[-4000:])
    outer = len(stack)
    closed_outer = None
    for index, ch in _brackets(text):
        if ch in _OPENERS:
            stack.append(ch)
            continue
        if not stack or stack[-1] != _CLOSERS[ch]:
            return index, closed_outer
        stack.pop()
        if len(stack) < outer and closed_outer is None:
            closed_outer = index
        outer = min(outer, len(stack))
    return len(text), closed_outer


def _cut_unbalanced(text: str, prefix: str) -> str:
    """Cut before a closing bracket that closes nothing the prefix (or the completion
    itself) opened; a block also ends with the line that closes what the cursor was in."""
    end, closed_outer = _scan(text, prefix)
    text = text[:end]
    if closed_outer is not None and "\n" in text:
        line_end = text.find("\n", closed_outer)
        if line_end >= 0:
            text = text[:line_end]
    return text


def _looks_complete(line: str) -> bool:
    return line.rstrip().endswith((";", "{", "}", ")", ">", ",")) or not line.strip()
