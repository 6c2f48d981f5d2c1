"""Edits from a model, applied without ever corrupting the user's code.

Three formats: the whole file, search/replace blocks (<<<<<<< SEARCH / ======= /
>>>>>>> REPLACE) and unified diffs. Real model output is sloppy: hunk headers carry wrong or
no line numbers, context lines go missing or appear from nowhere, indentation and trailing
spaces drift, CRLF meets LF. So each block is located by its text, with tolerance growing
step by step (exact, then trailing whitespace, then all surrounding whitespace, then, for
diff hunks, less context), and a block that fits nowhere, or fits two places equally, fails
instead of guessing. If any block fails, the edit as a whole fails and the original stands.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from desktop.core.generation.extract import extract_code

Format = Literal["whole", "search-replace", "unified-diff", "none"]
Status = Literal["exact", "fuzzy", "failed"]

_SR_BLOCK = re.compile(
    r"^<{5,9} ?SEARCH[^\n]*\n(.*?)^={5,9}[ \t]*\n(.*?)^>{5,9} ?REPLACE[^\n]*$",
    re.MULTILINE | re.DOTALL)
_SR_MARK = re.compile(r"^<{5,9} ?SEARCH", re.MULTILINE)
_HUNK_HEADER = re.compile(r"^@@[^\n]*@@[^\n]*$", re.MULTILINE)
_HUNK_LINE_NUMBER = re.compile(r"^@@ -(\d+)")


@dataclass(frozen=True)
class BlockOutcome:
    index: int  # 1-based, in the order the model wrote them
    status: Status
    detail: str  # how it matched, or why it failed


@dataclass(frozen=True)
class EditResult:
    format: Format
    code: str | None  # None: nothing applied, the original stands
    blocks: tuple[BlockOutcome, ...] = ()

    @property
    def ok(self) -> bool:
        return self.code is not None

    @property
    def message(self) -> str:
        failed = [b for b in self.blocks if b.status == "failed"]
        if self.format == "none":
            return "The reply held neither code nor an edit."
        if failed:
            reasons = "; ".join(f"block {b.index}: {b.detail}" for b in failed)
            return f"The model's edit did not apply ({reasons}), so nothing was changed."
        return ""


def looks_like_edit(text: str) -> bool:
    return bool(_SR_MARK.search(text) or _hunk_headers(text))


def apply_edit(original: str, model_output: str) -> EditResult:
    """Detect the reply's format and apply it to `original`."""
    crlf = "\r\n" in original
    text = original.replace("\r\n", "\n")
    output = model_output.replace("\r\n", "\n")
    if _SR_MARK.search(output):
        result = _apply_search_replace(text, output)
    elif _hunk_headers(output):
        result = _apply_unified_diff(text, output)
    else:
        code = extract_code(output)
        result = EditResult("whole" if code is not None else "none", code)
    if result.code is not None and crlf:
        result = EditResult(result.format, result.code.replace("\n", "\r\n"), result.blocks)
    return result


# -- locating a block ------------------------------------------------------------------------

_LEVELS: tuple[tuple[str, object], ...] = (
    ("exact", lambda line: line),
    ("ignoring trailing whitespace", lambda line: line.rstrip()),
    ("ignoring indentation", lambda line: line.strip()),
)


@dataclass(frozen=True)
class _Found:
    start: int
    level: str


def _locate(lines: list[str], old: list[str]) -> _Found | str:
    """Where `old` sits in `lines`, at the strictest level that finds exactly one place;
    or why it cannot be placed."""
    if not old:
        return "the text to replace is empty, so its place is unknown"
    for level, norm in _LEVELS:
        target = [norm(line) for line in old]
        haystack = [norm(line) for line in lines]
        n = len(target)
        places = [i for i in range(len(haystack) - n + 1) if haystack[i:i + n] == target]
        if len(places) == 1:
            return _Found(places[0], level)
        if len(places) > 1:
            return f"it fits {len(places)} places equally ({level}), so it was not applied"
    return "its text is not in the file"


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _reindent(new: list[str], old: list[str], file_old: list[str]) -> list[str]:
    """The replacement with the file's indentation where the model got it wrong: unchanged
    lines are the file's own, and each new line takes the indentation of the line it
    replaces (or follows), plus whatever extra depth the model gave it."""
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=[line.strip() for line in old],
                                      b=[line.strip() for line in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(file_old[i1:i2])
            continue
        for k in range(j1, j2):
            ref = min(i1 + k - j1, i2 - 1) if tag == "replace" else max(i1 - 1, 0)
            base = _indent(file_old[ref])
            extra = len(_indent(new[k])) - len(_indent(old[ref]))
            indent = base + " " * extra if extra >= 0 else base[: max(0, len(base) + extra)]
            out.append(indent + new[k].strip() if new[k].strip() else "")
    return out


def _replace(lines: list[str], found: _Found, old: list[str], new: list[str]) -> list[str]:
    file_old = lines[found.start: found.start + len(old)]
    if found.level == "ignoring indentation":
        new = _reindent(new, old, file_old)
    return lines[: found.start] + new + lines[found.start + len(old):]


def _split(text: str) -> list[str]:
    """Lines without their newlines; a final newline does not make an extra empty line."""
    lines = text.split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


def _join(lines: list[str], final_newline: bool) -> str:
    return "\n".join(lines) + ("\n" if final_newline and lines else "")


# -- search/replace -------------------------------------------------------------------------

def _apply_search_replace(text: str, output: str) -> EditResult:
    lines = _split(text)
    outcomes = []
    for index, match in enumerate(_SR_BLOCK.finditer(output), 1):
        old = _split(match.group(1)) if match.group(1).strip() else []
        new = _split(match.group(2))
        found = _locate(lines, old)
        if isinstance(found, str):
            outcomes.append(BlockOutcome(index, "failed", found))
            continue
        lines = _replace(lines, found, old, new)
        outcomes.append(BlockOutcome(index, "exact" if found.level == "exact" else "fuzzy",
                                     found.level))
    if len(outcomes) < len(_SR_MARK.findall(output)):
        outcomes.append(BlockOutcome(len(outcomes) + 1, "failed",
                                     "the block is unfinished (no ======= or REPLACE line)"))
    return _result("search-replace", lines, outcomes, text.endswith("\n"))


# -- unified diff -----------------------------------------------------------------------------

def _hunk_headers(text: str) -> list[re.Match[str]]:
    return list(_HUNK_HEADER.finditer(text))


def _hunks(output: str) -> list[list[str]]:
    body = output
    fenced = re.search(r"```(?:diff|patch|udiff)?[^\n]*\n(.*?)(?:\n```|$)", output, re.DOTALL)
    if fenced and _hunk_headers(fenced.group(1)):
        body = fenced.group(1)
    hunks: list[list[str]] = []
    for line in _split(body):
        if _HUNK_HEADER.match(line):
            hunks.append([])
        elif hunks and not line.startswith(("--- ", "+++ ", "\\ No newline")):
            if line.startswith("```"):
                break
            hunks[-1].append(line)
    return hunks


def _sides(hunk: list[str]) -> list[tuple[str, str]]:
    """(kind, text) per line: kind is ' ', '-' or '+'. A bare empty line is blank context
    (models often drop the leading space)."""
    while hunk and hunk[-1] == "":  # a separator after the hunk, not a " " context line
        hunk = hunk[:-1]
    return [(line[0], line[1:]) if line and line[0] in " -+" else (" ", line) for line in hunk]


def _apply_unified_diff(text: str, output: str) -> EditResult:
    lines = _split(text)
    outcomes = []
    for index, hunk in enumerate(_hunks(output), 1):
        sides = _sides(hunk)
        found, old, new, how = None, [], [], "its text is not in the file"
        # Trim context from the ends, least first, until the hunk fits exactly one place.
        # Less context never resolves a hunk that already fits two places: stop there.
        lead = next((i for i, (k, _) in enumerate(sides) if k != " "), len(sides))
        tail = next((i for i, (k, _) in enumerate(reversed(sides)) if k != " "), len(sides))
        ambiguous = False
        for trimmed in range(lead + tail + 1):
            for drop_lead in range(min(trimmed, lead), -1, -1):
                drop_tail = trimmed - drop_lead
                if drop_tail > tail:
                    continue
                part = sides[drop_lead: len(sides) - drop_tail]
                old = [t for k, t in part if k != "+"]
                new = [t for k, t in part if k != "-"]
                attempt = _locate(lines, old)
                if isinstance(attempt, _Found):
                    found = attempt
                    how = attempt.level + (f", {trimmed} context lines dropped" if trimmed else "")
                    break
                how = attempt
                ambiguous = "fits" in attempt
                if ambiguous:
                    break
            if found is not None or ambiguous:
                break
        if found is None:
            outcomes.append(BlockOutcome(index, "failed", how))
            continue
        lines = _replace(lines, found, old, new)
        outcomes.append(BlockOutcome(index, "exact" if how == "exact" else "fuzzy", how))
    if not outcomes:
        outcomes.append(BlockOutcome(1, "failed", "the diff has no hunks"))
    return _result("unified-diff", lines, outcomes, text.endswith("\n"))


def _result(fmt: Format, lines: list[str], outcomes: list[BlockOutcome],
            final_newline: bool) -> EditResult:
    if not outcomes or any(o.status == "failed" for o in outcomes):
        return EditResult(fmt, None, tuple(outcomes))
    return EditResult(fmt, _join(lines, final_newline), tuple(outcomes))
