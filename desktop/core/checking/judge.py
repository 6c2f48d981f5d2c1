"""Does a generated app work? The verdict from the general checks (loads, no uncaught
error, nothing the static checks refuse) and the case's own functional check, which runs in
the real preview (cli/eval.judge_result, through ui/preview/page_check.py). Evals share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Helpers every check can use (see resources/evals/basic.toml).
CHECK_PRELUDE = """
const text = () => document.body ? document.body.innerText : '';
const count = (selector) => document.querySelectorAll(selector).length;
const click = (label) => {
  const wanted = String(label).toLowerCase();
  const el = [...document.querySelectorAll('button, a, input[type=button], input[type=submit]')]
    .find(e => (e.innerText || e.value || '').toLowerCase().includes(wanted));
  if (!el) return false;
  el.click();
  return true;
};
const type = (n, value) => {
  const fields = [...document.querySelectorAll('input, textarea')].filter(
    e => !['button', 'submit', 'checkbox', 'radio', 'color'].includes(e.type));
  const el = fields[n];
  if (!el) return false;
  el.focus();
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
  el.dispatchEvent(new KeyboardEvent('keyup', { bubbles: true, key: 'Enter' }));
  return true;
};
"""

_STATIC = [
    ("uses alert(), prompt() or confirm()", re.compile(r"\b(alert|prompt|confirm)\s*\(")),
    ("uses require()", re.compile(r"\brequire\s*\(")),
    ("leaves a placeholder", re.compile(
        r"(rest of (the )?code|add (your|more) (logic|code)|code (remains|unchanged)|"
        r"\.\.\.\s*(existing|rest|more)|your code here|todo: implement)", re.I)),
    ("loads something from the network", re.compile(
        r"""<(script|link|img|iframe)[^>]+(src|href)\s*=\s*["']https?://""", re.I)),
]


@dataclass(frozen=True)
class EvalCase:
    id: str
    request: str
    check: str = ""  # JavaScript returning true, or a string saying what was wrong (or a
    # Promise of one, for a check that needs time)
    judge: str = ""  # a question for the second opinion, when no check can be written


@dataclass(frozen=True)
class Verdict:
    case_id: str
    clean: bool  # loads, no uncaught error, nothing the static checks refuse
    functional: bool  # the case's own check passed (only counted when clean)
    reason: str  # why not, or "" when both hold

    @property
    def passed(self) -> bool:
        return self.clean and self.functional


def static_problems(code: str) -> list[str]:
    return [label for label, pattern in _STATIC if pattern.search(code)]


def check_script(case: EvalCase) -> str:
    """The case's check, wrapped with the helpers, as one expression for runJavaScript
    ("" for a case judged by a second opinion)."""
    if not case.check:
        return ""
    return ("(() => { try { " + CHECK_PRELUDE + "\nconst verdict = (() => { " + case.check +
            " })(); if (verdict && typeof verdict.then === 'function') { "
            "verdict.then(v => { window.__ksCheck = v === true ? true : String(v); }, "
            "e => { window.__ksCheck = 'the check threw: ' + e.message; }); "
            "return " + repr(CHECK_PENDING) + "; } "
            "return verdict === true ? true : String(verdict); } catch (e) { "
            "return 'the check threw: ' + e.message; } })()")


# What check_script returns for a check that needs time (a timer): its answer is then read
# from window.__ksCheck (CHECK_RESULT_JS) once it is there.
CHECK_PENDING = "(the check is waiting)"
CHECK_RESULT_JS = f"'__ksCheck' in window ? window.__ksCheck : {CHECK_PENDING!r}"
CHECK_WAIT_MS = 6000

NOT_JUDGED = "needs a second opinion: set an Anthropic key (Settings → Providers)"


def judge(case: EvalCase, code: str | None, loaded: bool, uncaught: list[str],
          check_result: object, opinion: tuple[bool | None, str] | None = None) -> Verdict:
    """The verdict from the general checks, then the case's check or, for a case with a
    `judge` question, the second opinion (None: nobody could be asked)."""
    if code is None:
        return Verdict(case.id, False, False, "no code in the reply")
    problems = static_problems(code)
    if not loaded:
        problems.insert(0, "the page did not load")
    if uncaught:
        problems.append(f"threw: {uncaught[0][:120]}")
    if problems:
        return Verdict(case.id, False, False, "; ".join(problems))
    if not case.check:
        if opinion is None or opinion[0] is None:
            return Verdict(case.id, True, False, opinion[1] if opinion else NOT_JUDGED)
        return Verdict(case.id, True, opinion[0], "" if opinion[0] else f"judge: {opinion[1]}")
    if check_result is True:
        return Verdict(case.id, True, True, "")
    return Verdict(case.id, True, False, str(check_result or "the check gave no answer"))
