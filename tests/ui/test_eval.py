"""The eval judge on pages with known faults, in the real headless preview; and
`keystroke eval` end to end against a fake OpenAI-compatible server."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from desktop.cli.eval import judge_result
from desktop.core.checking.judge import EvalCase
from desktop.core.evals.suites import load_suite
from desktop.core.generation.fixing import FIX_PREFIX
from desktop.core.generation.generate import GenerationResult
from tests.conftest import REPO

COUNTER = """<!DOCTYPE html><html><body><h1 id="n">0</h1>
<button id="plus">+</button><button id="minus">-</button>
<script>
let n = 0;
const show = () => document.getElementById('n').textContent = n;
document.getElementById('plus').addEventListener('click', () => { n++; show(); });
document.getElementById('minus').addEventListener('click', () => { n--; show(); });
</script></body></html>"""
CASE = next(c for c in load_suite("basic") if c.id == "counter")


def verdict(code: str | None, case: EvalCase = CASE):
    return judge_result(case, GenerationResult(code, "", "scripted", "m", "stop"))[0]


def test_a_working_counter_passes():
    result = verdict(COUNTER)
    assert result.passed and result.reason == ""


@pytest.mark.parametrize(("code", "reason"), [
    # A click in the check that makes the page throw is the page's fault, and says so.
    (COUNTER.replace("n++;", "n++; missing.go();"), "threw: Uncaught ReferenceError: missing"),
    (COUNTER.replace("let n = 0;", "let n = 0; undefinedThing.call();"), "threw: Uncaught"),
    (COUNTER.replace("<script>", "<script>\n// rest of the code here\n"),
     "leaves a placeholder"),
    (COUNTER.replace("show(); });", "show(); alert('hi'); });", 1),
     "uses alert(), prompt() or confirm()"),
    (COUNTER.replace("<h1", '<script src="https://cdn.example.com/x.js"></script><h1'),
     "loads something from the network"),
    (COUNTER.replace("n++;", "n += 0;"), "two clicks on + did not show 2"),
    (None, "no code in the reply"),
])
def test_faults_are_named(code, reason):
    result = verdict(code)
    assert not result.passed and reason in result.reason


def test_keystroke_eval_runs_the_suite_through_the_pipeline(keystroke_home, chat_server):
    chat_server.reply = lambda _instruction: f"```html\n{COUNTER}\n```"
    env = {**os.environ, "KEYSTROKE_HOME": str(keystroke_home), "PYTHONPATH": str(REPO),
           "OPENAI_BASE_URL": chat_server.url + "/v1", "OPENAI_API_KEY": chat_server.api_key,
           "QT_QPA_PLATFORM": "offscreen"}

    def run(*extra):
        return subprocess.run([sys.executable, "-m", "desktop", "eval", "--provider", "openai",
                               "--model", "gpt-oss-120b", "--limit", "2", *extra], cwd=REPO,
                              env=env, capture_output=True, text=True, timeout=300)

    first = run("--json")
    report = json.loads(first.stdout)
    assert [c["case_id"] for c in report["cases"]] == ["counter", "todo"]
    assert [c["passed"] for c in report["cases"]] == [True, False]
    assert report["cases"][1]["reason"] == "no input"
    assert report["summary"]["passed"] == 1 and first.returncode == 1
    assert len(report["summary"]["prompt_version"]) == 10
    second = run("--compare")
    assert "1/2 working" in second.stdout
    assert re.search(r"last run \(.*, prompts \w{10}\): 1/2 working, 2 clean", second.stdout)
    from desktop.core.store import Store

    store = Store()
    runs = store.db.execute("SELECT suite, provider, model, passed, cases FROM eval_runs"
                            ).fetchall()
    store.close()
    assert [tuple(r) for r in runs] == [("basic", "openai", "gpt-oss-120b", 1, 2)] * 2


def test_eval_with_the_fix_step_sends_the_errors_back_and_judges_the_fix(keystroke_home,
                                                                         chat_server):
    broken = COUNTER.replace("let n = 0;", "let n = 0; undefinedThing.call();")
    asked = []

    def reply(instruction: str) -> str:
        asked.append(instruction)
        return f"```html\n{COUNTER if instruction.startswith(FIX_PREFIX) else broken}\n```"

    chat_server.reply = reply
    env = {**os.environ, "KEYSTROKE_HOME": str(keystroke_home), "PYTHONPATH": str(REPO),
           "OPENAI_BASE_URL": chat_server.url + "/v1", "OPENAI_API_KEY": chat_server.api_key,
           "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "desktop", "eval", "--provider", "openai",
                           "--model", "gpt-oss-120b", "--limit", "1", "--fix", "--json"], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=300)
    report = json.loads(done.stdout)
    case = report["cases"][0]
    assert case["passed"] and case["reason"] == "(after a fix)"
    assert len(asked) == 2 and "undefinedThing is not defined" in asked[1]
    assert report["summary"]["fix_step"] is True


def test_the_second_opinion_judges_look_only_cases_from_a_screenshot(keystroke_home,
                                                                       chat_server,
                                                                       anthropic_server):
    from tests.fakes.cloud_env import ANTHROPIC_KEY

    chat_server.reply = lambda _instruction: f"```html\n{COUNTER}\n```"
    anthropic_server.reply = lambda text: ("PASS: three columns with cards"
                                           if "kanban" in text else "FAIL: no round avatar")
    env = {**os.environ, "KEYSTROKE_HOME": str(keystroke_home), "PYTHONPATH": str(REPO),
           "OPENAI_BASE_URL": chat_server.url + "/v1", "OPENAI_API_KEY": chat_server.api_key,
           "ANTHROPIC_BASE_URL": anthropic_server.url, "ANTHROPIC_API_KEY": ANTHROPIC_KEY,
           "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-m", "desktop", "eval", "--provider", "openai", "--model",
               "gpt-oss-120b", "--suite", "looks", "--limit", "2", "--no-fix", "--json"]
    report = json.loads(subprocess.run(command, cwd=REPO, env=env, capture_output=True,
                                       text=True, timeout=300).stdout)
    verdicts = {c["case_id"]: (c["passed"], c["reason"]) for c in report["cases"]}
    assert verdicts == {"kanban": (True, ""), "profile-card": (False, "judge: no round avatar")}
    asked = anthropic_server.posts("/v1/messages")
    assert len(asked) == 2
    content = asked[0].body["messages"][-1]["content"]
    assert any(block["type"] == "image" and block["source"]["media_type"] == "image/png"
               for block in content), "the judge sees a screenshot of the page"
    assert "Question: Does the page show three side-by-side columns" in json.dumps(content)

    without_key = {k: v for k, v in env.items() if not k.startswith("ANTHROPIC")}
    report = json.loads(subprocess.run(command, cwd=REPO, env=without_key, capture_output=True,
                                       text=True, timeout=300).stdout)
    assert {c["reason"] for c in report["cases"]} == {
        "needs a second opinion: set an Anthropic key (Settings → Providers)"}
    assert report["summary"]["passed"] == 0
