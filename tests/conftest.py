"""Every test runs headless, offline, and with its own KEYSTROKE_HOME."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never read or write a developer's real keyring (nor their cloud keys: see below).
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

from desktop.ui.qt_env import prepare_environment

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
    from desktop.core.catalog import load_catalog
    from desktop.core.model_files import assemble, locate_parts

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
