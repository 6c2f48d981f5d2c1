"""Every test runs headless, offline, and with its own KEYSTROKE_HOME."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never read or write a developer's real keyring (nor their cloud keys: see below).
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

from desktop.ui.app import prepare_environment

prepare_environment(headless=True)

REPO = Path(__file__).resolve().parent.parent
PAGES = Path(__file__).resolve().parent / "pages"


@pytest.fixture(autouse=True)
def keystroke_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "keystroke-home"
    monkeypatch.setenv("KEYSTROKE_HOME", str(home))
    for name in ("CEREBRAS_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_API_KEY", "CEREBRAS_BASE_URL",
                 "ANTHROPIC_BASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture(scope="session")
def default_model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real default GGUF, assembled from its installed part packages once a session."""
    from desktop.core.local_models.catalog import load_catalog
    from desktop.core.local_models.files import assemble, locate_parts

    spec = load_catalog().default
    dest = tmp_path_factory.mktemp("models") / spec.file
    return assemble(locate_parts(spec), dest, spec)


@pytest.fixture(scope="session")
def local_provider(default_model_file: Path):
    from desktop.core.providers.llama_local import LlamaProvider
    from desktop.core.settings import default_threads

    provider = LlamaProvider(default_model_file, n_ctx=8192, n_threads=default_threads())
    provider.load()
    yield provider
    provider.close()


@pytest.fixture(autouse=True)
def no_session_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys typed into Settings live for a session; a test is a session."""
    from desktop.core import keys

    monkeypatch.setattr(keys, "_session", {})
    monkeypatch.setattr(keys, "_environment", {})  # nor keys the app took from the env


@pytest.fixture
def chat_server():
    """A fake Cerebras / OpenAI-compatible server (tests/fakes/chat_server.py)."""
    from tests.fakes.chat_server import ChatCompletionsServer
    from tests.fakes.cloud_env import CEREBRAS_KEY

    with ChatCompletionsServer(api_key=CEREBRAS_KEY) as server:
        yield server


@pytest.fixture
def anthropic_server():
    """A fake Anthropic Messages API (tests/fakes/anthropic_server.py)."""
    from tests.fakes.anthropic_server import AnthropicServer
    from tests.fakes.cloud_env import ANTHROPIC_KEY

    with AnthropicServer(api_key=ANTHROPIC_KEY) as server:
        yield server


@pytest.fixture
def cloud_env(monkeypatch: pytest.MonkeyPatch, chat_server, anthropic_server):
    """Keys and base URLs in the environment, as a user would set them."""
    from tests.fakes.cloud_env import ANTHROPIC_KEY, CEREBRAS_KEY

    monkeypatch.setenv("CEREBRAS_API_KEY", CEREBRAS_KEY)
    monkeypatch.setenv("CEREBRAS_BASE_URL", chat_server.url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", anthropic_server.url)
    return chat_server, anthropic_server
