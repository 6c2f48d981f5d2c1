"""A short name for an app, from a cheap fast model, valid as a Val Town val name.

Val names are letters, digits, `-` and `_`, start with a letter, and are at most 48
characters. The model only suggests; `clean_name` makes any reply valid, and a reply with
nothing usable gives None (the caller keeps the name it had).
"""

from __future__ import annotations

import re
import threading

from desktop.core.generation.kinds import is_val
from desktop.core.generation.prompts import build_messages
from desktop.core.providers.base import ChatRequest, Message, Provider, TextDelta

MAX_NAME = 48
NAME_ASK = ("Do not write code. The user asked for: {instruction}\nReply with only the name of "
            "this app in two or three lowercase words joined by hyphens, for example "
            "pomodoro-timer.")


def clean_name(reply: str) -> str | None:
    """A valid val name from the model's reply, or None when the reply is not a name (code,
    a sentence, nothing)."""
    line = reply.strip().splitlines()[0].strip() if reply.strip() else ""
    if any(mark in line for mark in ("```", "<", "{", "=")):
        return None
    words = re.findall(r"[A-Za-z0-9]+", line)
    if len(words) > 6:
        return None
    words = [w.lower() for w in words if w.lower() not in {"name", "app", "the"}] or \
        [w.lower() for w in words]
    while words and not words[0][0].isalpha():
        words.pop(0)
    if not words:
        return None
    name = "-".join(words[:4])[:MAX_NAME].rstrip("-_")
    return name or None


def suggest_name(provider: Provider, instruction: str, code: str,
                 cancel: threading.Event | None = None) -> str | None:
    """Ask `provider` for a name. The question follows the same system prompt and code as
    the next edit will, so a local model keeps that prefix in its KV cache (asking in a
    prompt of its own cost the next keystroke a cold start: 3.2 s to first token instead of
    0.25 s in bench/keystroke_latency.py)."""
    system, user = build_messages("", code, kind="val" if is_val(code) else "page")
    stable = user.content[:user.stable_prefix]
    ask = NAME_ASK.format(instruction=" ".join(instruction.split())[:300])
    request = ChatRequest([system, Message("user", stable + ask, len(stable))], max_tokens=12,
                          temperature=0.0, cancel=cancel or threading.Event())
    reply = "".join(e.text for e in provider.stream(request) if isinstance(e, TextDelta))
    return None if request.cancel.is_set() else clean_name(reply)
