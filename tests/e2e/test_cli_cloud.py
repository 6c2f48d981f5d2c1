"""`keystroke generate --provider auto` with nothing but the two fake servers, their URLs and
keys in the environment: the fast tier streams from the Cerebras fake, an escalated request
streams from the Anthropic fake (cache tokens on the second turn), and a failing fast tier
falls back to the real local model with the reason printed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.fakes.anthropic_server import AnthropicServer
from tests.fakes.chat_server import ChatCompletionsServer
from tests.fakes.cloud_env import ANTHROPIC_KEY, CEREBRAS_KEY, big_app


@pytest.fixture
def servers():
    with ChatCompletionsServer(api_key=CEREBRAS_KEY) as chat, \
            AnthropicServer(api_key=ANTHROPIC_KEY) as claude:
        yield chat, claude


def generate(*args: str, home: Path, chat_url: str, claude_url: str
             ) -> subprocess.CompletedProcess:
    env = {**os.environ, "KEYSTROKE_HOME": str(home), "PYTHONPATH": str(REPO),
           "CEREBRAS_API_KEY": CEREBRAS_KEY, "CEREBRAS_BASE_URL": chat_url,
           "ANTHROPIC_API_KEY": ANTHROPIC_KEY, "ANTHROPIC_BASE_URL": claude_url}
    return subprocess.run([sys.executable, "-m", "desktop", "generate", *args], env=env,
                          cwd=REPO, capture_output=True, text=True, timeout=300)


def test_auto_streams_from_the_fast_tier_and_escalates_with_caching(servers, keystroke_home,
                                                                    tmp_path):
    chat, claude = servers
    urls = {"chat_url": chat.url, "claude_url": claude.url}
    fast = generate("a habit tracker", "--provider", "auto", home=keystroke_home, **urls)
    assert fast.returncode == 0, fast.stderr
    assert "<h1 id=\"app\">a habit tracker</h1>" in fast.stdout
    assert "route: fast tier: Cerebras" in fast.stderr
    assert len(chat.posts("/chat/completions")) == 1 and claude.posts("/v1/messages") == []

    base = tmp_path / "app.html"
    base.write_text(big_app(), encoding="utf-8")
    turns = []
    for instruction in ("/sonnet add a search box", "/sonnet add a dark mode"):
        run = generate(instruction, "--base", str(base), "--json", home=keystroke_home, **urls)
        assert run.returncode == 0, run.stderr
        turns.append(json.loads(run.stdout))
    first, second = turns
    assert first["provider"] == second["provider"] == "anthropic"
    assert first["route_reason"] == "Claude: asked for Claude"
    assert first["cache_creation_tokens"] > 1024 and first["cache_read_tokens"] == 0
    assert second["cache_read_tokens"] == first["cache_creation_tokens"]
    assert 0 < second["cost_usd"] < first["cost_usd"]
    assert "add a dark mode" in second["code"] and "/sonnet" not in second["code"]


@pytest.mark.model
def test_a_failing_fast_tier_falls_back_to_the_local_model(servers, keystroke_home):
    chat, claude = servers
    chat.fail_next(503, message="Service Unavailable", times=3)
    # Only the failover is under test: 40 tokens make no whole page, which trying it out
    # would (rightly) send to Claude to fix.
    keystroke_home.mkdir(parents=True, exist_ok=True)
    (keystroke_home / "settings.json").write_text('{"auto_escalate": false}')
    run = generate("a red button", "--max-tokens", "40", "--json", home=keystroke_home,
                   chat_url=chat.url, claude_url=claude.url)
    report = json.loads(run.stdout)
    assert report["provider"] == "local" and report["code"], run.stderr
    assert report["route_reason"] == "the local model: Cerebras failed, fell back"
    assert "route: the local model: Cerebras failed, fell back" in run.stderr
    assert "Cerebras returned 503" in run.stderr and "Used the local model" in run.stderr
    assert len(chat.posts("/chat/completions")) == 3


def test_auto_asks_claude_when_the_fast_page_throws(servers, keystroke_home):
    chat, claude = servers
    chat.reply = lambda _instruction: (
        "```html\n<!DOCTYPE html>\n<html><body><h1>Broken</h1>\n"
        "<script>document.getElementById('missing').textContent = 'x';</script>\n"
        "</body></html>\n```")
    run = generate("a broken counter", "--json", home=keystroke_home, chat_url=chat.url,
                   claude_url=claude.url)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["provider"] == "anthropic"
    assert report["route_reason"].startswith(
        "Claude: the fast result failed (the page threw: TypeError")
    assert "the fast result failed (the page threw: TypeError" in run.stderr
    fix = claude.posts("/v1/messages")[0].body["messages"][-1]["content"]
    fix = json.dumps(fix)
    assert "Fix these errors" in fix and "<h1>Broken</h1>" in fix  # the draft, not a redo
    assert len(chat.posts("/chat/completions")) == 1 and len(claude.posts("/v1/messages")) == 1


def test_a_bad_setting_is_named_and_generate_still_runs(servers, keystroke_home):
    chat, claude = servers
    keystroke_home.mkdir(parents=True, exist_ok=True)
    (keystroke_home / "settings.json").write_text('{"max_tokens": 1e400}')
    run = generate("a habit tracker", home=keystroke_home, chat_url=chat.url,
                   claude_url=claude.url)
    assert run.returncode == 0, run.stderr
    assert "Setting max_tokens = " in run.stderr and "using 2048" in run.stderr
    assert chat.posts("/chat/completions")[0].body["max_completion_tokens"] == 2048


def test_a_cut_off_reply_fails_keeps_nothing_and_leaves_the_output_file(servers,
                                                                       keystroke_home,
                                                                       tmp_path):
    chat, claude = servers
    out = tmp_path / "app.html"
    out.write_text("<p>my last good page</p>\n", encoding="utf-8")
    chat.drop_next(4)
    run = generate("a habit tracker", "--provider", "cerebras", "-o", str(out),
                   home=keystroke_home, chat_url=chat.url, claude_url=claude.url)
    assert run.returncode == 1
    assert "cut off" in run.stderr
    assert out.read_text(encoding="utf-8") == "<p>my last good page</p>\n"
    from desktop.core.store import Store

    store = Store(keystroke_home / "keystroke.db")
    assert all(store.versions(p.id) == [] for p in store.list_projects())
    store.close()
