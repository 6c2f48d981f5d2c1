"""The local strong tier with the real GGUFs: the 1.5B model as installed (assembled from its
22 part packages and checked against the catalog's sha256), and the one-at-a-time rule
for it and the 0.5B fast model on two cores."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest

from desktop.core.generation.prompts import build_messages
from desktop.core.local_models.catalog import load_catalog
from desktop.core.local_models.files import ModelFileError, assemble, locate_parts
from desktop.core.providers.base import ChatRequest, Done, TextDelta
from desktop.core.providers.llama_local import LlamaProvider
from desktop.core.providers.local_gate import STRONG, LocalGate

STRONG_ID = "qwen2.5-coder-1.5b"

pytestmark = pytest.mark.model  # both real GGUF models


@pytest.fixture(scope="module")
def strong_model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = load_catalog().get(STRONG_ID)
    dest = tmp_path_factory.mktemp("strong") / spec.file
    return assemble(locate_parts(spec), dest, spec)


def test_the_strong_model_is_installed_verified_and_names_itself(strong_model_file):
    from llama_cpp import Llama

    spec = load_catalog().get(STRONG_ID)
    assert spec.sha256 == "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
    assert strong_model_file.stat().st_size == spec.size == 1_117_320_768
    llm = Llama(model_path=str(strong_model_file), vocab_only=True, verbose=False)
    assert llm.metadata["general.name"] == "Qwen2.5 Coder 1.5B Instruct GGUF"
    assert llm.metadata["general.size_label"] == "1.5B"


def test_a_damaged_part_of_the_strong_model_is_refused(tmp_path):
    spec = load_catalog().get(STRONG_ID)
    parts = locate_parts(spec)
    damaged = tmp_path / "part22.bin"
    shutil.copyfile(parts[-1], damaged)
    with damaged.open("r+b") as fh:  # same size, one byte different
        fh.seek(1000)
        byte = fh.read(1)
        fh.seek(1000)
        fh.write(bytes([byte[0] ^ 0xFF]))
    dest = tmp_path / spec.file
    with pytest.raises(ModelFileError, match="corrupt"):
        assemble([*parts[:-1], damaged], dest, spec)
    assert not dest.exists(), "a file that failed its hash never takes the model's name"


def request(instruction: str, max_tokens: int) -> ChatRequest:
    return ChatRequest(build_messages(instruction, ""), max_tokens=max_tokens, temperature=0)


def collect(provider: LlamaProvider, req: ChatRequest, name: str, log: list, out: list) -> None:
    for event in provider.stream(req):
        if isinstance(event, TextDelta):
            log.append((time.perf_counter(), name))
        elif isinstance(event, Done):
            out.append(event.finish_reason)


def test_enter_on_the_strong_model_cancels_the_fast_draft_and_they_never_overlap(
        default_model_file, strong_model_file):
    gate = LocalGate()
    fast = LlamaProvider(default_model_file, n_ctx=2048, n_threads=2, gate=gate)
    strong = LlamaProvider(strong_model_file, n_ctx=2048, n_threads=2, gate=gate,
                           priority=STRONG)
    try:
        fast.load()
        strong.load()
        log: list = []
        fast_out: list = []
        strong_out: list = []
        draft = threading.Thread(target=collect, args=(
            fast, request("a big calculator app", 1500), "fast", log, fast_out))
        draft.start()
        while not log:
            time.sleep(0.01)
        commit = threading.Thread(target=collect, args=(
            strong, request("a counter", 24), "strong", log, strong_out))
        commit.start()
        draft.join(120)
        commit.join(120)
        assert fast_out == ["cancelled"] and strong_out == ["length"]
        assert gate.preempted == 1
        last_fast = max(t for t, name in log if name == "fast")
        first_strong = min(t for t, name in log if name == "strong")
        assert last_fast < first_strong, "the two models computed at the same time"
        assert strong.id == "local-strong" and fast.id == "local"
    finally:
        fast.close()
        strong.close()


def test_when_memory_is_short_the_idle_model_is_unloaded_and_reloads_when_needed(
        default_model_file, strong_model_file):
    gate = LocalGate(available=lambda: 0)  # never enough: every load makes room
    fast = LlamaProvider(default_model_file, n_ctx=1024, n_threads=2, gate=gate)
    strong = LlamaProvider(strong_model_file, n_ctx=1024, n_threads=2, gate=gate,
                           priority=STRONG)
    try:
        fast.load()
        assert fast.loaded
        strong.load()
        assert strong.loaded and not fast.loaded and gate.unloaded == 1
        out: list = []
        collect(fast, request("a counter", 8), "fast", [], out)
        assert out == ["length"], "the unloaded model loads again for the next request"
        assert fast.loaded and not strong.loaded
    finally:
        fast.close()
        strong.close()
