"""One policy for Enter (routing/commit.py), three entry points: the window, `keystroke
generate` and `keystroke eval` make the same decision for the same case. Offline: a scripted
fast model and a scripted local strong model; the pages load in the real headless preview
(the window's, and the page check the CLI uses)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.cli.eval import evaluate_case
from desktop.cli.generate import generate_and_keep
from desktop.core.checking.judge import EvalCase
from desktop.core.routing.engine import Engine
from desktop.core.settings import Settings
from tests.fakes.scripted_provider import ScriptedProvider, page_for
from tests.ui.conftest import close_and_delete, open_window

THROWS = ("```html\n<!DOCTYPE html>\n<html><body><h1>Broken</h1>\n"
          "<script>document.getElementById('missing').textContent = 'x';</script>\n"
          "</body></html>\n```")
NO_CODE = "Sorry, I cannot help with that."


@dataclass(frozen=True)
class Case:
    instruction: str
    fast_reply: str  # "" for a working page
    kept_by: str  # which tier's page is kept
    reason: str  # a piece of the route reason of the kept page
    settings: dict = field(default_factory=dict)


CASES = [
    Case("a counter", "", "local", "local model"),
    Case("/sonnet a counter", "", "local-strong", "asked for Claude"),
    Case("a login form", "", "local-strong", "the request needs auth"),
    Case("a clock", THROWS, "local-strong", "the fast result failed (the page threw"),
    Case("a calendar", NO_CODE, "local-strong", "the fast result failed (no code came back)"),
    Case("a login form", "", "local", "local model", {"auto_escalate": False}),
]
IDS = ["works", "sonnet-command", "hard-request", "throws", "no-code", "auto-escalate-off"]


def models(case: Case) -> tuple[ScriptedProvider, ScriptedProvider]:
    fast = ScriptedProvider(reply=lambda i: case.fast_reply or f"```html\n{page_for(i)}```",
                            delay_s=0.002)
    fast.id = "local"
    strong = ScriptedProvider(reply=lambda i: f"```html\n{page_for('strong: ' + i)}```",
                              delay_s=0.002)
    strong.id = "local-strong"
    return fast, strong


def settings_for(case: Case) -> Settings:
    return Settings(debounce_ms=100, **case.settings)


def through_the_window(qtbot, case: Case) -> tuple[str, str]:
    fast, strong = models(case)
    win = open_window(qtbot, settings_for(case), provider=fast, strong_provider=strong)
    kept = []
    win.loop.committed.connect(lambda _i, result, _base: kept.append(result))
    try:
        qtbot.waitUntil(lambda: "local-strong" in win.engine.router.available, timeout=5000)
        win.prompt.setPlainText(case.instruction)
        qtbot.waitUntil(lambda: bool(fast.completed) and not win.loop.busy, timeout=10000)
        if case.fast_reply == THROWS:  # the page on screen threw: the user sees it
            qtbot.waitUntil(lambda: bool(win.error_bar.errors), timeout=10000)
        qtbot.keyClick(win.prompt, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: bool(kept) and not win.loop.busy, timeout=10000)
    finally:
        close_and_delete(win)
    return kept[-1].provider, kept[-1].route_reason  # a failed draft is kept, then fixed


def engine_for(case: Case) -> Engine:
    fast, strong = models(case)
    return Engine(settings_for(case), load_local=lambda _gate: fast,
                  load_strong=lambda _gate: strong)


def through_generate(case: Case, tmp_path: Path) -> tuple[str, str]:
    args = argparse.Namespace(instruction=case.instruction, base=None, max_tokens=None,
                              provider="auto", edit_format=None, output=tmp_path / "app.html",
                              json=False, scope="")
    engine = engine_for(case)
    try:
        result = generate_and_keep(engine, args)
    finally:
        engine.close()
    return result.provider, result.route_reason


def through_eval(case: Case) -> tuple[str, str]:
    engine = engine_for(case)
    try:
        engine.refresh()
        result, _verdict, _found = evaluate_case(engine, EvalCase("case", case.instruction),
                                                 "auto", fix=False, max_tokens=2048)
    finally:
        engine.close()
    return result.provider, result.route_reason


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_enter_decides_the_same_in_the_window_generate_and_eval(qtbot, case, tmp_path):
    decisions = {"window": through_the_window(qtbot, case),
                 "generate": through_generate(case, tmp_path),
                 "eval": through_eval(case)}
    for entry, (kept_by, reason) in decisions.items():
        assert kept_by == case.kept_by, (entry, reason)
        assert case.reason in reason, (entry, reason)
