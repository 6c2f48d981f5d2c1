"""What an instruction says beyond its words: leading commands (/sonnet, /val, /page) and
what it asks for that small fast models do badly (a backend, storage, auth). The router reads
these to escalate on Enter, and kinds.py to decide whether an app is a page or a val."""

from __future__ import annotations

import re

STRONG_COMMAND = "/sonnet"
COMMANDS = frozenset({STRONG_COMMAND, "/val", "/page"})

# What the fast tier does badly, by what the instruction asks for. Checked on Enter only.
HARD_REQUESTS: list[tuple[str, re.Pattern[str]]] = [
    ("a backend", re.compile(r"\b(back[- ]?end|server[- ]side|api endpoints?|http val|"
                             r"webhooks?|cron|proxy)\b", re.I)),
    ("storage", re.compile(r"\b(databases?|sqlite|sql|persist\w*|blob storage|"
                           r"save \w+ on the server)\b", re.I)),
    ("auth", re.compile(r"\b(log ?ins?|sign[- ]?(in|up)|auth\w*|passwords?|user accounts?|"
                        r"oauth)\b", re.I)),
    ("several files", re.compile(r"\b(several|multiple|separate|many) files\b", re.I)),
]


def hard_request(instruction: str) -> str:
    """What about the instruction needs the strong tier ("a backend"), or ""."""
    for label, pattern in HARD_REQUESTS:
        if pattern.search(instruction):
            return label
    return ""


def leading_commands(instruction: str) -> tuple[set[str], str]:
    """The commands an instruction starts with (/sonnet, and /val or /page, which choose
    the kind of app: generation/kinds.py) and the instruction without them."""
    commands: set[str] = set()
    words = instruction.split(maxsplit=1)
    while words and words[0].lower() in COMMANDS:
        commands.add(words[0].lower())
        words = words[1].split(maxsplit=1) if len(words) > 1 else []
    return commands, " ".join(words).strip() if commands else instruction.strip()


def strip_command(instruction: str) -> tuple[str, bool]:
    """The instruction without its commands, and whether it asked for Claude."""
    commands, text = leading_commands(instruction)
    return text, STRONG_COMMAND in commands
