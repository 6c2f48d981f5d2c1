"""Completions from the real default model (Qwen2.5-Coder 0.5B) in a context of its own."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest

from desktop.core.completion.fim import FimRequest, request_at
from desktop.core.completion.local import LocalFimCompleter
from desktop.core.completion.sources import fim_tokens_for
from desktop.core.generation.prompts import build_messages
from desktop.core.providers.base import ChatRequest, Done
from desktop.core.providers.local_gate import LocalGate
from tests.conftest import REPO

pytestmark = pytest.mark.model

APP = (REPO / "bench" / "fim_apps" / "countdown.html").read_text(encoding="utf-8")
MARK = "document.getElementById('start').addEventListener("


@pytest.fixture(scope="module")
def completer(default_model_file):
    made = LocalFimCompleter(default_model_file, fim_tokens_for(default_model_file),
                             n_threads=2)
    yield made
    made.close()


def test_the_prompt_is_the_fim_form_token_by_token(completer):
    llm_tokens = completer.prompt_tokens("const a = <|fim_prefix|>", "\n}")
    markers = [151659, 151661, 151660]  # <|fim_prefix|>, <|fim_suffix|>, <|fim_middle|>
    assert llm_tokens[0] == markers[0] and llm_tokens[-1] == markers[2]
    assert llm_tokens.count(markers[0]) == 1, "code that spells a marker stays plain text"
    middle = llm_tokens.index(markers[1])
    tokenize = completer._llm.tokenize
    assert llm_tokens[1:middle] == tokenize(b"const a = <|fim_prefix|>", add_bos=False,
                                            special=False)
    assert llm_tokens[middle + 1:-1] == tokenize(b"\n}", add_bos=False, special=False)
    assert 0 not in llm_tokens, "llama-cpp-python's suffix= bug puts token 0 here"


def test_it_completes_an_event_listener_in_a_generated_app(completer):
    cursor = APP.index(MARK) + len(MARK)
    text = APP[:cursor] + APP[APP.index("\n", cursor):]
    completion = completer.complete(request_at(text, cursor))
    assert completion.text.startswith("'click'"), completion.text
    assert completion.text.count("(") <= completion.text.count(")") + 1
    again = completer.complete(request_at(text, cursor))
    assert again.text == completion.text
    assert again.cached_tokens >= again.prompt_tokens - 2, "the same prompt is all cached"


def test_a_completion_yields_to_a_draft(default_model_file):
    """A draft asking the shared gate for a turn cancels a completion in flight."""
    from desktop.core.providers.llama_local import LlamaProvider

    gate = LocalGate()
    drafting = LlamaProvider(default_model_file, n_ctx=4096, n_threads=1, gate=gate)
    completer = LocalFimCompleter(default_model_file, fim_tokens_for(default_model_file),
                                  n_threads=1, gate=gate)
    try:
        request = FimRequest(prefix=APP[:2000], suffix="", max_tokens=400, single_line=False)
        finished: list = []
        thread = threading.Thread(target=lambda: finished.append(completer.complete(request)))
        thread.start()
        while not completer.loaded:
            threading.Event().wait(0.05)
        events = list(drafting.stream(ChatRequest(build_messages("a red button", ""),
                                                  max_tokens=2)))
        thread.join(timeout=60)
        assert events[-1] == Done("length"), "the draft ran"
        assert finished and finished[0].cancelled, "the completion gave way"
        assert gate.preempted >= 1
    finally:
        completer.close()
        drafting.close()


def test_keystroke_complete_prints_what_the_editor_would_show(tmp_path, default_model_file):
    cursor = APP.index(MARK) + len(MARK)
    page = tmp_path / "app.html"
    page.write_text(APP[:cursor] + APP[APP.index("\n", cursor):], encoding="utf-8")
    line = APP[:cursor].count("\n") + 1
    column = cursor - APP.rfind("\n", 0, cursor)
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "complete", f"{page}:{line}:{column}",
         "--model", str(default_model_file), "--json"],
        capture_output=True, text=True, timeout=300, cwd=REPO)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["text"].startswith("'click'") and shown["latency_ms"] > 0
    assert shown["model"]
    outside = subprocess.run(
        [sys.executable, "-m", "desktop", "complete", f"{page}:999:1"],
        capture_output=True, text=True, timeout=60, cwd=REPO)
    assert outside.returncode == 2 and "outside the file" in outside.stderr


def test_a_gguf_the_catalog_does_not_know_uses_the_fim_tokens_it_declares(
        default_model_file, tmp_path):
    own = tmp_path / "my-own-model.gguf"
    own.symlink_to(default_model_file)
    assert fim_tokens_for(own) == {}
    completer = LocalFimCompleter(own, fim_tokens_for(own), n_threads=2)
    try:
        tokens = completer.prompt_tokens("a", "b")
        assert (tokens[0], tokens[-1]) == (151659, 151660)
    finally:
        completer.close()
