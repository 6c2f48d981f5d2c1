"""Turning what went wrong in a page into an instruction that fixes it.

The errors come from the preview (uncaught errors, console.error, a blank page) or, for a
val, from its server. The instruction goes to the model like any other change, so the fix
becomes a version of its own and can be undone.
"""

from __future__ import annotations

FIX_PREFIX = "Fix these errors in the app"
MAX_ERRORS = 8
MAX_ERROR_CHARS = 400


def fix_instruction(errors: list[str], request: str = "") -> str:
    """`errors`: what the preview caught and what the self-test found ("Clicking Stop
    changed nothing"); `request`: what the app was asked to do, so a control that does
    nothing can be made to do what was asked."""
    shown = [" ".join(e.split())[:MAX_ERROR_CHARS] for e in dict.fromkeys(errors)][:MAX_ERRORS]
    listed = "\n".join(f"- {e}" for e in shown)
    asked = f"\nThe app was asked for: {request.strip()}" if request.strip() else ""
    dead = any("changed nothing" in e or "has none" in e for e in shown)
    return (f"{FIX_PREFIX}, and change nothing else:\n" + listed + asked +
            ("\nEvery button and field must visibly change the page when used, as the "
             "request says." if dead else "") +
            "\nMake sure every element the script uses exists with exactly that id.")


def title(instruction: str) -> str:
    """How History names a version: its instruction's first line; a fix by the first
    problem it fixed ("Fix: Clicking Stop changed nothing")."""
    lines = instruction.strip().splitlines() or [""]
    if not lines[0].startswith(FIX_PREFIX):
        return lines[0]
    listed = [line[2:] for line in lines[1:] if line.startswith("- ")]
    more = f" (+{len(listed) - 1})" if len(listed) > 1 else ""
    return f"Fix: {listed[0]}{more}" if listed else "Fix"


def summary(errors: list[str]) -> str:
    """What the error bar calls them: errors and what the self-test found alike."""
    count = len(errors)
    return f"{count} problem{'s' if count != 1 else ''}"
