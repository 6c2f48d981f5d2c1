"""The second kind of app: a Val Town HTTP val (TypeScript with a default-exported
`(req: Request) => Response`), as opposed to a single HTML page.

A val is what an instruction gets when it asks for a backend or storage (the same rules the
router uses to call in the strong tier), and an app stays the kind it is once it has code.
"""

from __future__ import annotations

import re

from desktop.core.generation.instructions import hard_request, leading_commands

VAL_LANGS = frozenset({"ts", "tsx", "typescript", "js", "javascript", "jsx"})
_EXPORT_DEFAULT = re.compile(r"^\s*export\s+default\b", re.MULTILINE)
_FENCE = re.compile(r"```[ \t]*([\w+-]*)[^\n]*\n(.*?)(?:\n[ \t]*```|\Z)", re.S)


def fence_for(kind: str) -> str:
    """The code fence a prompt and a reply use for this kind of app."""
    return "ts" if kind == "val" else "html"


def is_val(code: str) -> bool:
    return not code.lstrip().startswith("<") and bool(_EXPORT_DEFAULT.search(code))


def kind_for(instruction: str, base_code: str) -> str:
    """"val" or "page" for a request: what the user chose (/val, /page), else what the
    code already is, else what the instruction needs."""
    commands, text = leading_commands(instruction)
    if "/val" in commands or "/page" in commands:
        return "val" if "/val" in commands else "page"
    if base_code.strip():
        return "val" if is_val(base_code) else "page"
    return "val" if hard_request(text) in ("a backend", "storage") else "page"


def raw_val(text: str) -> str | None:
    """The val's code in a reply, finished or still streaming."""
    for match in _FENCE.finditer(text):
        if match.group(1).lower() in VAL_LANGS or _EXPORT_DEFAULT.search(match.group(2)):
            return match.group(2).strip("\n")
    return text.strip() if _EXPORT_DEFAULT.search(text) and "```" not in text else None


def extract_val(text: str) -> str | None:
    """The val in a finished reply, or None when there is none (no default export)."""
    code = raw_val(text)
    return code.rstrip() + "\n" if code and is_val(code) else None
