"""A short name for an app, from a cheap fast model, valid as a Val Town val name.

Val names are letters, digits, `-` and `_`, start with a letter, and are at most 48
characters. The model only suggests; `clean_name` makes any reply valid, and a reply with
nothing usable gives None (the caller keeps the name it had).
"""

from __future__ import annotations

import re
import threading

from desktop.core.extract import extract_code
from desktop.core.providers.base import ChatRequest, Message, Provider, TextDelta

MAX_NAME = 48
NAME_PROMPT = ("Give this web app a short name: two or three English words joined by "
               "hyphens, lowercase, no quotes, nothing else.\n\nWhat the user asked for: "
               "{instruction}\nThe page title: {title}")


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


def page_title(code: str) -> str:
    match = re.search(r"<title>(.*?)</title>", extract_code(code) or code, re.S | re.I)
    return match.group(1).strip()[:80] if match else ""


def suggest_name(provider: Provider, instruction: str, code: str,
                 cancel: threading.Event | None = None) -> str | None:
    """Ask `provider` for a name (a few tokens, no code sent but the title)."""
    prompt = NAME_PROMPT.format(instruction=instruction.strip()[:300],
                                title=page_title(code) or "(none)")
    request = ChatRequest([Message("user", prompt)], max_tokens=64, temperature=0.2,
                          cancel=cancel or threading.Event())
    reply = "".join(e.text for e in provider.stream(request) if isinstance(e, TextDelta))
    return clean_name(reply)
