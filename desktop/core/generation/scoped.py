"""Scoped edits: the model rewrites one part of the code, and only that part changes.

The model sees the whole file for context, in the same prompt prefix as every other edit
(system prompt, then the code), so a warm KV cache or prompt cache serves it; the part to
rewrite and the instruction come last. It answers with the new text of that part alone,
which is spliced in at the part's place. A reply that is the whole page instead (small
models do that) is accepted only when everything outside the part is unchanged: a scoped
edit changes its scope exactly, or nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.core.generation.extract import fenced_blocks


@dataclass(frozen=True)
class Scope:
    """A span of the code, as character offsets [start, end)."""

    start: int
    end: int

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
        first, last = self.lines(code)
        return f"line {first}" if first == last else f"lines {first}-{last}"


def reply_text(reply: str) -> str:
    """The new text of the scope in a reply so far: the (first) fenced block, else the
    whole reply; an unfinished fence counts as far as it goes."""
    blocks = fenced_blocks(reply)
    body = blocks[0][1] if blocks else reply
    return body.strip("\n")


def splice(code: str, scope: Scope, reply: str) -> tuple[str | None, str]:
    """(the code with the scope replaced, "") or (None, why not)."""
    new = reply_text(reply)
    if not new.strip() and code[scope.start:scope.end].strip():
        return None, "The model's reply was empty; nothing changed."
    outside_before, outside_after = code[: scope.start], code[scope.end:]
    if _is_whole_page(new, code, scope):
        # compared without the blank ends a fence adds or drops
        page, head, tail = new.strip(), outside_before.lstrip(), outside_after.rstrip()
        if not (page.startswith(head) and page.endswith(tail)
                and len(page) >= len(head) + len(tail)):
            return None, ("The model rewrote more than the selected lines; nothing changed. "
                          "Try again, or select more.")
        new = page[len(head): len(page) - len(tail)]
    return outside_before + new + outside_after, ""


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


def _is_whole_page(new: str, code: str, scope: Scope) -> bool:
    """Did the model write the whole file back although asked for one part? (Its reply
    then starts like the code before the scope does.)"""
    before = code[: scope.start].strip()
    head = before.split("\n", 1)[0].strip()
    return bool(head) and len(new) > (scope.end - scope.start) + len(before) // 2 and \
        new.lstrip().startswith(head)
