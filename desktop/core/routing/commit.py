"""What Enter, Fix it and auto-fix do: keep the draft, let the strong tier make the version
that is kept, or fix what is broken. The one policy, as plain data and pure functions; the
window, `keystroke generate` and `keystroke eval` all ask here.

Enter (a kept instruction):
- a draft that failed is there and the router escalates → the draft is kept (nothing is
  lost), and the strong tier fixes it with what was found: never the bare request again,
  which would make the same mistake;
- the router escalates for another reason (Ctrl+Enter, the toggle, /sonnet, a hard request)
  and the draft is not the strong tier's own → the strong tier makes it;
- else a draft for this instruction is there → it is kept as it is;
- else a draft is made first, and Enter is asked again once it is there (with its failure,
  if it failed).
A draft fails when no code came back, the page threw, the val's server failed, or the
self-test found a problem (checking/self_test.py: a control that does nothing, a blank page).

Fix (problems in a kept version): Fix it asks the strong tier (a person asked; a screenshot
goes along to a model that can see); auto-fix asks the fast tier first, then the strong
one, and stops after AUTO_FIX_TRIES. A fix replaces what it fixed only when its self-test is
better (`fix_is_better`); otherwise the better version stays the one to work from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import Enum

from desktop.core.generation.fixing import fix_instruction
from desktop.core.generation.generate import GenerationResult
from desktop.core.routing.router import STRONG_TIER, RouteDecision, Router

AUTO_FIX_TRIES = 2
FAILURE_CHARS = 100
FIXING = "fixing errors"


class Step(Enum):
    KEEP = "keep"  # the draft on screen becomes the version
    DRAFT = "draft"  # nothing to keep yet: make the draft, then ask again
    ESCALATE = "escalate"  # the strong tier makes the version that is kept
    FIX = "fix"  # keep the failed draft, then the strong tier fixes what was found in it


@dataclass(frozen=True)
class EnterPlan:
    step: Step
    route: RouteDecision  # Step.FIX: its instruction is the one that fixes the kept draft


@dataclass(frozen=True)
class FixPlan:
    instruction: str  # the errors, worded for the model
    route: RouteDecision


def on_enter(router: Router, instruction: str, *, draft_by: str | None,
             failure: str = "", want_strong: bool = False,
             problems: Sequence[str] = ()) -> EnterPlan:
    """`draft_by`: the provider that made the finished draft for this instruction (None:
    no draft yet); `failure`: why that draft is no good ("" when it works, see
    `draft_failure`), and `problems`: what was found in it, for the fix; `want_strong`:
    Ctrl+Enter or the toolbar toggle."""
    route = router.route(instruction, "commit", want_strong=want_strong, fast_failure=failure)
    if route.escalated and draft_by not in STRONG_TIER:
        if failure and problems and draft_by is not None:
            fix = fix_instruction(list(problems), route.instruction or instruction)
            return EnterPlan(Step.FIX, replace(route, instruction=fix))
        return EnterPlan(Step.ESCALATE, route)
    if draft_by is not None:
        return EnterPlan(Step.KEEP, route)
    return EnterPlan(Step.DRAFT, route)


def draft_failure(result: GenerationResult, uncaught: Sequence[str] = (),
                  server_errors: Sequence[str] = (), found: Sequence[str] = ()) -> str:
    """Why a finished draft should not be kept as it is, in the words route reasons use
    ("" when nothing is wrong). `found`: the self-test's findings. A cancelled draft is not
    a failure: nobody waited for it."""
    if result.finish_reason == "cancelled":
        return ""
    if result.code is None:
        return "no code came back"
    if server_errors:
        return val_failed(server_errors[0])
    return found_failure(uncaught, found)


def found_failure(thrown: Sequence[str], found: Sequence[str]) -> str:
    """What a page's errors and self-test findings make of a route reason: a throw first
    ("" when nothing was found)."""
    if thrown:
        return page_threw(thrown[0])
    return self_test_found(found[0]) if found else ""


def self_test_found(finding: str) -> str:
    return f"the self-test found: {finding[:FAILURE_CHARS]}"


def fix_is_better(before: tuple[int, ...] | None, after: tuple[int, ...]) -> bool:
    """Does a fix replace what it fixed? Only when its self-test scores better (lower:
    throwing first, then the number of problems; SelfTest.score). A fix that is no better
    leaves the version it fixed as the one to work from; both stay in History."""
    return before is None or after < before


def page_threw(message: str) -> str:
    """(The preview says "Uncaught TypeError…", the self-test "The page threw TypeError…":
    the reason reads the same either way.)"""
    message = message.removeprefix("The page threw ").removeprefix("Uncaught ")
    return f"the page threw: {message[:FAILURE_CHARS]}"


def val_failed(message: str) -> str:
    return f"the val failed: {message[:FAILURE_CHARS]}"


def plan_fix(router: Router, errors: Sequence[str], attempt: int, *, by_user: bool,
             want_strong: bool = False, request: str = "") -> FixPlan | None:
    """The fix to try for these errors (and the self-test's findings). `attempt` counts
    from 1 within one kept change; `by_user`: Fix it was clicked (always the strong tier,
    however many times); `request`: what the app was asked to do. None when auto-fix has
    had its tries."""
    if not by_user and attempt > AUTO_FIX_TRIES:
        return None
    instruction = fix_instruction(list(errors), request)
    strong = by_user or want_strong or attempt > 1
    route = router.route(instruction, "commit", want_strong=strong, strong_why=FIXING)
    return FixPlan(instruction, route)


def enter_without_a_draft(router: Router, instruction: str,
                          make: Callable[[RouteDecision, str, str], GenerationResult],
                          problems_of: Callable[[GenerationResult], tuple[str, list[str]]],
                          want_strong: bool = False
                          ) -> tuple[GenerationResult, list[EnterPlan]]:
    """Enter where no draft was on screen (`keystroke generate`, each eval case): make the
    draft, judge it with `problems_of` (its failure, and what was found in it), and let the
    strong tier fix it or remake it when the policy says so. `make(route, instruction,
    base)` makes one result ("" base: the request's own). Returns the last result made and
    the plans, in order."""
    plans = [on_enter(router, instruction, draft_by=None, want_strong=want_strong)]
    result = make(plans[0].route, instruction, "")
    if plans[0].step is Step.DRAFT:
        failure, problems = problems_of(result)
        plans.append(on_enter(router, instruction, draft_by=result.provider, failure=failure,
                              want_strong=want_strong, problems=problems))
        if plans[-1].step is Step.FIX:
            assert result.code is not None
            result = make(plans[-1].route, plans[-1].route.instruction, result.code)
        elif plans[-1].step is Step.ESCALATE:
            result = make(plans[-1].route, instruction, "")
    return result, plans
