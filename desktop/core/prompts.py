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


def build_messages(instruction: str, base_code: str) -> list[Message]:
    system = Message("system", prompt_text("system_html").strip())
    if base_code.strip():
        user = prompt_text("user_edit").strip().format(code=base_code.strip(),
                                                       instruction=instruction.strip())
    else:
        user = prompt_text("user_new").strip().format(instruction=instruction.strip())
    return [system, Message("user", user)]
