"""A second opinion for evals: a stronger model judges what no check script can (does it
look like a calendar? is the layout a clean card?), from the request, the code and a
screenshot. Only used when the suite asks a `judge` question and Claude has a key; the
judge's prompt lives in resources/evals/judge_prompt.txt (outside the generation prompts, so
changing it does not change their version).
"""

from __future__ import annotations

import re

from desktop.core import paths
from desktop.core.checking.judge import EvalCase
from desktop.core.providers.base import ChatRequest, Done, Error, Message, Provider, TextDelta

_VERDICT = re.compile(r"^\W*(PASS|FAIL)\b\W*(.*)$", re.I | re.M)


def judge_messages(case: EvalCase, code: str, screenshot: bytes | None) -> list[Message]:
    system = (paths.resources_dir() / "evals" / "judge_prompt.txt").read_text(encoding="utf-8")
    user = (f"Request: {case.request}\nQuestion: {case.judge}\n\nThe app:\n```html\n{code}\n```")
    return [Message("system", system.strip()),
            Message("user", user, images=(screenshot,) if screenshot else ())]


def parse_verdict(reply: str) -> tuple[bool, str] | None:
    """(passed, reason) from the judge's reply, or None when it gave no verdict."""
    match = _VERDICT.search(reply)
    if not match:
        return None
    return match.group(1).upper() == "PASS", match.group(2).strip() or "no reason given"


def ask_judge(provider: Provider, case: EvalCase, code: str,
              screenshot: bytes | None) -> tuple[bool | None, str]:
    """(passed, reason); passed is None when the judge failed or gave no verdict (the case
    is then reported as not judged, never as passed)."""
    reply = []
    request = ChatRequest(judge_messages(case, code, screenshot), max_tokens=200, temperature=0)
    for event in provider.stream(request):
        if isinstance(event, TextDelta):
            reply.append(event.text)
        elif isinstance(event, Error):
            return None, f"the judge failed: {event.message}"
        elif isinstance(event, Done):
            break
    verdict = parse_verdict("".join(reply))
    return verdict or (None, "the judge gave no PASS or FAIL")
