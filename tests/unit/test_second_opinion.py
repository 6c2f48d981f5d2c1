"""Reading the judge's verdict, and how a judge-question case is scored (no browser)."""

import pytest

from desktop.core.checking.judge import NOT_JUDGED, EvalCase, judge
from desktop.core.checking.second_opinion import judge_messages, parse_verdict
from desktop.core.evals.suites import load_suite

CASE = EvalCase("kanban", "a kanban board", judge="Three columns?")
PAGE = "<!DOCTYPE html><html><body><div>To do</div></body></html>"


@pytest.mark.parametrize(("reply", "expected"), [
    ("PASS: three columns with cards", (True, "three columns with cards")),
    ("fail - the Done column is missing", (False, "the Done column is missing")),
    ("Looking at the screenshot…\n**FAIL**: no cards", (False, "no cards")),
    ("PASS", (True, "no reason given")),
    ("It looks fine to me.", None),
    ("PASSWORD field present", None),
])
def test_the_verdict_is_read_from_the_first_pass_or_fail_line(reply, expected):
    assert parse_verdict(reply) == expected


def test_a_judge_case_passes_or_fails_only_on_the_judges_word():
    assert judge(CASE, PAGE, True, [], None, (True, "ok")).passed
    failed = judge(CASE, PAGE, True, [], None, (False, "two columns"))
    assert not failed.passed and failed.clean and failed.reason == "judge: two columns"
    unjudged = judge(CASE, PAGE, True, [], None, None)
    assert not unjudged.passed and unjudged.reason == NOT_JUDGED
    broken_judge = judge(CASE, PAGE, True, [], None, (None, "the judge failed: 529"))
    assert not broken_judge.passed and broken_judge.reason == "the judge failed: 529"


def test_the_general_checks_still_come_first_for_judge_cases():
    verdict = judge(CASE, PAGE.replace("<div>", "<div onclick=\"alert(1)\">"), True, [], None,
                    (True, "ok"))
    assert not verdict.passed and "alert()" in verdict.reason


def test_the_judge_sees_request_question_code_and_screenshot():
    system, user = judge_messages(CASE, PAGE, b"\x89PNG...")
    assert "PASS or FAIL" in system.content
    assert "Request: a kanban board\nQuestion: Three columns?" in user.content
    assert PAGE in user.content and user.images == (b"\x89PNG...",)


def test_the_looks_suite_asks_questions_instead_of_running_checks():
    cases = load_suite("looks")
    assert len(cases) >= 4 and all(c.judge and not c.check for c in cases)
