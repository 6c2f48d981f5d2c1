"""Assemble the messages for a generation. The prompt text lives in resources/prompts/.

Order matters for speed: the system prompt, then the current code, then the instruction
being typed. What changes on each keystroke comes last, so llama.cpp (and Anthropic's prompt
cache) reuse everything before it.
"""

from __future__ import annotations

from functools import cache

from desktop.core import paths
from desktop.core.providers.base import Message


@cache
def prompt_text(name: str) -> str:
    return (paths.resources_dir() / "prompts" / f"{name}.txt").read_text(encoding="utf-8")


EDIT_TEMPLATES = {"whole": "user_edit", "search-replace": "user_edit_search_replace",
                  "unified-diff": "user_edit_unified_diff"}


def build_messages(instruction: str, base_code: str, edit_format: str = "whole",
                   kind: str = "page", instruction_first: bool = False) -> list[Message]:
    """`edit_format` says how to ask for changes to base_code: "whole", "search-replace"
    or "unified-diff" (see edits.py). `kind` is "page" or "val" (see kinds.py); a val is
    always asked for whole. `instruction_first` puts the instruction before the code, as
    the latency benchmark's baseline does (every keystroke then changes the prompt near
    its start, and the code is evaluated again)."""
    suffix = "_val" if kind == "val" else ""
    system = Message("system", prompt_text("system_val" if kind == "val" else "system_html")
                     .strip())
    if not base_code.strip():
        user = prompt_text("user_new" + suffix).strip().format(instruction=instruction.strip())
        return [system, Message("user", user)]
    template = prompt_text("user_edit_val" if kind == "val" else EDIT_TEMPLATES[edit_format]
                           ).strip()
    # Everything up to the paragraph holding the instruction is the same on every keystroke.
    cut = template.rfind("\n\n", 0, template.index("{instruction}")) + 2
    stable = template[:cut].format(code=base_code.strip())
    rest = template[cut:].format(instruction=instruction.strip())
    if instruction_first:
        return [system, Message("user", f"Instruction: {instruction.strip()}\n\n{stable}{rest}")]
    return [system, Message("user", stable + rest, stable_prefix=len(stable))]
