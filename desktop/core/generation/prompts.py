"""Assemble the messages for a generation. The prompt text lives in resources/prompts/.

Order matters for speed: the system prompt, then the current code, then the instruction
being typed. What changes on each keystroke comes last, so llama.cpp (and Anthropic's prompt
cache) reuse everything before it.
"""

from __future__ import annotations

from functools import cache

from desktop.core import paths
from desktop.core.generation.kinds import fence_for
from desktop.core.generation.scoped import Scope
from desktop.core.providers.base import Message


@cache
def prompt_text(name: str) -> str:
    return (paths.resources_dir() / "prompts" / f"{name}.txt").read_text(encoding="utf-8")


EDIT_TEMPLATES = {"whole": "user_edit", "search-replace": "user_edit_search_replace",
                  "unified-diff": "user_edit_unified_diff"}


def build_messages(instruction: str, base_code: str, edit_format: str = "whole",
                   kind: str = "page", instruction_first: bool = False,
                   scope: Scope | None = None) -> list[Message]:
    """`edit_format` says how to ask for changes to base_code: "whole", "search-replace"
    or "unified-diff" (see edits.py). `kind` is "page" or "val" (see kinds.py); a val is
    always asked for whole. `instruction_first` puts the instruction before the code, as
    the latency benchmark's baseline does (every keystroke then changes the prompt near
    its start, and the code is evaluated again). With a `scope`, only that part is asked
    for (scoped.py), after the same prefix as every other edit."""
    suffix = "_val" if kind == "val" else ""
    system = Message("system", prompt_text("system_val" if kind == "val" else "system_html")
                     .strip())
    if not base_code.strip():
        user = prompt_text("user_new" + suffix).strip().format(instruction=instruction.strip())
        return [system, Message("user", user)]
    if scope is not None:  # an element picked, or lines (of markup or of script)
        template = prompt_text("user_edit_element" if scope.name else "user_edit_scope").strip(
            ).replace("{thing}", "val" if kind == "val" else "app").replace(
            "{fence}", fence_for(kind))
    else:
        template = prompt_text("user_edit_val" if kind == "val" else EDIT_TEMPLATES[edit_format]
                               ).strip()
    # Everything up to "{code}```" is the same on every keystroke and for every kind of
    # edit of this code: it ends at the first paragraph break after the code.
    cut = template.index("\n\n", template.index("{code}")) + 2
    stable = template[:cut].format(code=base_code.strip())
    values = {"instruction": instruction.strip()}
    if scope is not None:
        first, last = scope.lines(base_code)
        lines = f"line {first}" if first == last else f"lines {first} to {last}"
        what = f"the element {scope.name} ({lines})" if scope.name else lines
        values |= {"what": what, "selection": base_code[scope.start:scope.end]}
    rest = template[cut:].format(**values)
    if instruction_first:
        return [system, Message("user", f"Instruction: {instruction.strip()}\n\n{stable}{rest}")]
    return [system, Message("user", stable + rest, stable_prefix=len(stable))]
