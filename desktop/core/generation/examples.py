"""A small library of verified example apps (resources/examples/), one of which goes into
the prompt for a new page: the nearest by the words of the request.

The 0.5B model copies the shape of the one example in the system prompt (an input, a button,
a result) for every request: tabs came back as an input and a button, a star rating as a
number field. An example of the right shape (timers, a list with Remove, tabs, live
counting, clickable stars and a dropdown, a counter) is what it needs. Each example passes
the self-test (tests/unit/test_examples.py).

The example sits before the request in the user message, so the KV cache keeps it while the
user types: it changes only when the nearest example does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from desktop.core import paths

_KEYWORDS = re.compile(r'<meta name="keywords" content="([^"]*)">')
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Example:
    name: str
    code: str
    keywords: frozenset[str]


@cache
def library() -> tuple[Example, ...]:
    examples = []
    for path in sorted((paths.resources_dir() / "examples").glob("*.html")):
        code = path.read_text(encoding="utf-8")
        found = _KEYWORDS.search(code)
        keywords = frozenset(found.group(1).split()) if found else frozenset()
        examples.append(Example(path.stem, _KEYWORDS.sub("", code).replace("\n\n", "\n"),
                                keywords))
    return tuple(examples)


def _words(text: str) -> set[str]:
    words = set(_WORD.findall(text.lower()))
    return words | {w[:-1] for w in words if w.endswith("s") and len(w) > 3}


def nearest_example(instruction: str) -> Example | None:
    """The example sharing the most words with the request (None when none shares any)."""
    words = _words(instruction)
    best = max(library(), key=lambda e: len(e.keywords & words), default=None)
    return best if best is not None and best.keywords & words else None
