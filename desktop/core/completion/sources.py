"""Which completer the editor uses: the local model (the default, offline) or a server."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from desktop.core.completion.fim import Completion, CompletionUnavailable, FimRequest
from desktop.core.local_models.catalog import ModelSpec, load_catalog
from desktop.core.providers.local_gate import LocalGate
from desktop.core.settings import Settings

SOURCES = ("local", "openai")


class Completer(Protocol):
    model_name: str

    def warm(self, request: FimRequest) -> None: ...

    def complete(self, request: FimRequest) -> Completion: ...

    def close(self) -> None: ...


def catalog_entry(model_path: Path) -> ModelSpec | None:
    """The catalog's entry for this model file (None for a GGUF of the user's own)."""
    return next((spec for spec in load_catalog().models
                 if spec.file and spec.file == Path(model_path).name), None)


def fim_tokens_for(model_path: Path) -> dict[str, str]:
    """The FIM markers the catalog names for this file ({} for a file it does not know: the
    completer then reads them from the GGUF)."""
    entry = catalog_entry(model_path)
    return entry.fim if entry else {}


def completion_threads(settings: Settings, model_key: str) -> int:
    """Every core, as for the strong model: a completion runs while the user types code,
    when no draft runs (the gate makes sure), and on two cores one thread took 660 ms
    against 370 ms for two (bench/fim.py, p50)."""
    return settings.threads_for(model_key, every_core=True)


def open_completer(settings: Settings, model_path: Path | None, model_name: str = "",
                   gate: LocalGate | None = None) -> Completer:
    """The completer the settings ask for. `model_path` is the fast model's file (None
    while it loads). Raises CompletionUnavailable saying why and what to do."""
    if not settings.completions:
        raise CompletionUnavailable("Completions are off (Settings → Completions).")
    if settings.completion_source == "openai":
        from desktop.core.completion.server import ServerFimCompleter

        return ServerFimCompleter.from_settings(settings)
    if settings.completion_source != "local":
        raise CompletionUnavailable(
            f"Unknown completion source '{settings.completion_source}': choose one of "
            f"{', '.join(SOURCES)} in Settings → Completions.")
    if model_path is None:
        raise CompletionUnavailable("Completions start once the local model has loaded.")
    from desktop.core.completion.local import LocalFimCompleter

    entry = catalog_entry(model_path)
    return LocalFimCompleter(model_path, entry.fim if entry else {},
                             n_threads=completion_threads(settings,
                                                          entry.id if entry else str(model_path)),
                             display_name=model_name, gate=gate)
