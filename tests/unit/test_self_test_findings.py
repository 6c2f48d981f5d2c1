"""The self-test's findings in words, the controls a request names, the badge, and the
policy that uses them (routing/commit.py)."""

from __future__ import annotations

import pytest

from desktop.core.checking.self_test import (
    NOTHING_TO_USE,
    Finding,
    Health,
    SelfTest,
    named_controls,
    read_report,
    server_finding,
)
from desktop.core.generation.fixing import FIX_PREFIX, fix_instruction, title
from desktop.core.routing import commit
from desktop.core.routing.breaker import CircuitBreaker
from desktop.core.routing.router import Router
from desktop.core.settings import Settings


@pytest.mark.parametrize(("request_text", "names"), [
    ("a stopwatch with Start and Stop buttons", ["Start", "Stop"]),
    ("a stopwatch with Start, Stop and Reset buttons showing seconds",
     ["Start", "Stop", "Reset"]),
    ("a counter with a + button and a - button, starting at 0", ["+", "-"]),
    ("a paragraph with A+ and A- buttons that make its text bigger", ["A+", "A-"]),
    ("a random quote generator with a New Quote button", ["New Quote"]),
    ("make the Start button green", ["Start"]),
    # Nothing named: a wrong guess would be a false alarm.
    ("a big button that counts clicks", []),
    ("a quiz with four answer buttons", []),
    ("rock paper scissors with three buttons", []),
])
def test_the_buttons_a_request_names(request_text, names):
    assert named_controls(request_text) == names


def entry(epoch, kind="button", label="Stop", changed=(), read=False, **more):
    return {"epoch": epoch, "kind": kind, "label": label, "tag": "button", "type": "",
            "changed": list(changed), "read": read, **more}


def test_a_report_in_words():
    raw = {"controls": [entry(1, label="Start", changed=["the page changed"]),
                        entry(2, label="Stop"),
                        entry(3, kind="field", label="", type="number"),
                        entry(4, kind="field", label="Bill", read=True),
                        entry(5, label="Sort"),
                        entry(6, label="Add", changed=["the page changed"], nonsense=["NaN"])],
           "errors": [{"message": "Uncaught TypeError: x is not a function", "line": 30,
                       "epoch": 5},
                      {"message": "TypeError: x is not a function", "line": 30, "epoch": 5},
                      {"message": "ReferenceError: y is not defined", "line": 3, "epoch": 0}],
           "labels": ["Start", "Stop", "Sort", "Add"], "ms": 420}
    result = read_report(raw, "a stopwatch with Start, Stop and Lap buttons")
    assert result.problems == [
        "Clicking Sort threw TypeError: x is not a function (line 30)",
        "The page threw ReferenceError: y is not defined (line 3)",
        "Clicking Stop changed nothing",
        "Typing in the number input changed nothing on the page",
        "Clicking Add showed NaN",
        "The request asks for a Lap button; the page has none",
    ]
    assert [f.on_load for f in result.findings][:2] == [False, True]
    assert result.health is Health.THROWS and result.badge == "throws"
    assert result.controls == 6 and result.dead_control


@pytest.mark.parametrize(("request_text", "found"), [
    ("three tabs named Home, About and Contact; clicking a tab shows its own text", True),
    ("a tip calculator: enter a bill amount and pick a percent", True),
    ("a sign-up form with name and email", True),
    ("a page that says Hello World in big letters", False),
    ("a clock that shows the time", False),
])
def test_a_page_with_no_control_fails_a_request_for_one(request_text, found):
    result = read_report({"controls": [], "labels": []}, request_text)
    assert (NOTHING_TO_USE in result.problems) is found
    assert result.dead_control is found, "keystroke check exits 1 on it"


def test_the_badge_and_which_result_is_better():
    works = SelfTest(controls=3)
    dead = SelfTest((Finding("dead", "Clicking Stop changed nothing"),))
    throws = SelfTest((Finding("threw", "Clicking Sort threw TypeError"),))
    assert (works.badge, dead.badge, throws.badge) == ("works", "1 problem", "throws")
    assert commit.fix_is_better(dead.score(), works.score())
    assert commit.fix_is_better(throws.score(), dead.score())
    assert SelfTest.from_dict(throws.as_dict()) == throws
    assert not commit.fix_is_better(dead.score(), throws.score())
    assert not commit.fix_is_better(dead.score(), dead.score())  # a tie keeps what it fixed


def test_a_vals_server_error_is_named_with_the_vals_line():
    finding = server_finding("TypeError: Cannot read properties of null",
                             "TypeError: ...\n    at default (file:///x/main.http.ts:4:13)")
    assert finding == Finding("server", "The val threw TypeError: Cannot read properties of "
                                        "null (line 4)")


def test_enter_on_a_draft_with_problems_fixes_it_and_never_asks_the_bare_request_again():
    router = Router(Settings(), CircuitBreaker(), frozenset({"local", "local-strong"}))
    problems = ["Clicking Stop changed nothing"]
    failure = commit.self_test_found(problems[0])
    plan = commit.on_enter(router, "a stopwatch", draft_by="local", failure=failure,
                           problems=problems)
    assert plan.step is commit.Step.FIX and plan.route.provider_id == "local-strong"
    fix = plan.route.instruction  # what the model is asked is the fix
    assert fix.startswith(FIX_PREFIX) and "Clicking Stop changed nothing" in fix
    assert "The app was asked for: a stopwatch" in fix
    assert commit.on_enter(router, "a stopwatch", draft_by="local").step is commit.Step.KEEP


def test_a_fix_is_named_by_what_it_fixed_in_history():
    assert title(fix_instruction(["Clicking Stop changed nothing", "The page is blank"],
                                 "a stopwatch")) == "Fix: Clicking Stop changed nothing (+1)"
    assert title("make it green") == "make it green"
