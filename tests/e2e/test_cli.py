"""The headless commands, run as a user runs them: `python -m desktop …` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.conftest import PAGES, REPO


def keystroke(*args: str, home: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "KEYSTROKE_HOME": str(home), "PYTHONPATH": str(REPO),
           "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "desktop", *args], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize(("page", "exit_code", "uncaught", "console"), [
    ("clean.html", 0, [], []),
    ("throws.html", 1, ["Cannot read properties of null"], []),
    ("logs_error.html", 0, [], ["could not reach the weather service"]),
    ("rejects_later.html", 1, ["late failure"], []),
])
def test_check_reports_what_the_page_did(page, exit_code, uncaught, console, keystroke_home):
    result = keystroke("check", str(PAGES / page), "--json", home=keystroke_home)
    assert result.returncode == exit_code, result.stderr
    report = json.loads(result.stdout)
    assert report["loaded"] and report["title"]
    assert report["text_length"] > 5
    assert len(report["uncaught_errors"]) == len(uncaught)
    for needle, found in zip(uncaught, report["uncaught_errors"], strict=True):
        assert needle in found
    assert len(report["console_errors"]) == len(console)
    for needle, found in zip(console, report["console_errors"], strict=True):
        assert needle in found


def test_check_tries_the_page_out_and_fails_on_a_dead_control(keystroke_home, tmp_path):
    from tests.ui.test_self_test import DEAD_STOP

    page = tmp_path / "stopwatch.html"
    page.write_text(DEAD_STOP, encoding="utf-8")
    result = keystroke("check", str(page), "--request",
                       "a stopwatch with Start, Stop and Lap buttons", home=keystroke_home)
    assert result.returncode == 1, result.stderr
    assert "  tried 3 controls in " in result.stdout
    assert "  - Clicking Stop changed nothing\n" in result.stdout
    assert "  - The request asks for a Lap button; the page has none" in result.stdout
    clean = json.loads(keystroke("check", str(PAGES / "clean.html"), "--json",
                                 home=keystroke_home).stdout)
    assert clean["self_test"]["badge"] == "works"


def test_check_says_when_a_page_does_not_load(keystroke_home):
    result = keystroke("check", "http://127.0.0.1:9/nothing-listens-here", home=keystroke_home)
    assert result.returncode == 1
    assert "did not load" in result.stdout


def test_snapshot_of_a_file_shows_the_page(keystroke_home, tmp_path):
    out = tmp_path / "window.png"
    result = keystroke("snapshot", str(PAGES / "clean.html"), "-o", str(out), home=keystroke_home)
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert image.width() >= 1200 and image.height() >= 700
    # The right half is the preview: the page's heading must have painted dark pixels.
    dark = sum(1 for x in range(image.width() // 2, image.width(), 4)
               for y in range(100, image.height() - 100, 4)
               if image.pixelColor(x, y).lightness() < 80)
    assert dark > 20


@pytest.mark.model
def test_generate_writes_the_page_and_reports_json(keystroke_home, tmp_path):
    out = tmp_path / "app.html"
    result = keystroke("generate", "a page with a heading that says Hello", "--max-tokens", "60",
                       "-o", str(out), "--json", home=keystroke_home)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["provider"] == "local" and "0.5B" in report["model"]
    for key in ("ttft_ms", "total_ms", "tokens_in", "tokens_out"):
        assert report[key] > 0
    assert report["output_path"] == str(out)
    assert out.read_text().rstrip().endswith("</html>")
    assert "Preparing the local model" in result.stderr  # first run in a fresh home
    # The CLI and the window share one history.
    assert report["project"] == "page-heading-says-hello"
    history = json.loads(keystroke("history", "--json", home=keystroke_home).stdout)
    assert history["project"] == "page-heading-says-hello"
    assert history["versions"][0]["tokens_out"] == report["tokens_out"]
    usage = json.loads(keystroke("usage", "--json", home=keystroke_home).stdout)
    assert usage[0]["provider"] == "local" and usage[0]["cost_usd"] == 0


def test_generate_with_a_broken_model_names_the_fix(keystroke_home, tmp_path):
    bogus = tmp_path / "bad.gguf"
    bogus.write_text("hello")
    result = keystroke("generate", "x", "--model", str(bogus), home=keystroke_home)
    assert result.returncode == 1
    assert "not a GGUF" in result.stderr and "Fix:" in result.stderr
    assert "Traceback" not in result.stderr


def test_history_and_usage_read_what_was_recorded(keystroke_home):
    from desktop.core.generation.generate import GenerationResult
    from desktop.core.projects import history
    from desktop.core.store import Store

    store = Store()
    project = store.create_project("tip-calculator")
    for n, provider in enumerate(["local", "anthropic"]):
        result = GenerationResult(f"<p>{n}</p>", "reply", provider, "claude-sonnet-4-5"
                                  if provider == "anthropic" else "qwen", "stop",
                                  tokens_in=1000, tokens_out=500, total_ms=1500.0)
        history.commit(store, project.id, f"change {n}", result, None)
    store.close()
    shown = keystroke("history", "--project", "tip-calculator", home=keystroke_home)
    assert shown.returncode == 0
    assert "tip-calculator: 2 versions" in shown.stdout and "change 1" in shown.stdout
    usage = keystroke("usage", home=keystroke_home)
    assert "anthropic" in usage.stdout and "total cost $0.0105" in usage.stdout
    missing = keystroke("history", "--project", "nope", home=keystroke_home)
    assert missing.returncode == 1 and "no project named 'nope'" in missing.stderr


def test_generate_with_a_scope_that_names_nothing_says_so(keystroke_home, tmp_path):
    base = tmp_path / "app.html"
    base.write_text("<html><body><button id='go'>Go</button></body></html>")
    result = keystroke("generate", "make it green", "--base", str(base), "--scope", "#start",
                       home=keystroke_home)
    assert result.returncode == 2
    assert "--scope #start: nothing in the code matches '#start'" in result.stderr
    alone = keystroke("generate", "make it green", "--scope", "#go", home=keystroke_home)
    assert alone.returncode == 2 and "--scope needs --base FILE" in alone.stderr


@pytest.mark.model
def test_generate_changes_only_the_scope_and_reports_it(keystroke_home, tmp_path):
    base = REPO / "bench" / "fim_apps" / "pomodoro.html"
    out = tmp_path / "app.html"
    result = keystroke("generate", "make it green", "--base", str(base), "--scope", "#start",
                       "--provider", "local", "-o", str(out), "--json", home=keystroke_home)
    assert result.returncode == 0, result.stderr
    scope = json.loads(result.stdout)["scope"]
    assert scope["label"] == "button#start" and scope["code"].startswith('<button id="start"')
    code, old = out.read_text(), base.read_text()
    start = old.index('<button id="start">')
    end = old.index("</button>", start) + len("</button>")
    for extra in scope["outside"]:  # declared CSS or script: the only other change
        code = code.replace(extra["text"] + "\n", "", 1)
    assert code == old[:start] + scope["code"] + old[end:]
