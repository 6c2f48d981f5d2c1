"""What the model manager lists: the catalogued models and the GGUF files the user added,
whether each is installed, how big it is, what it needs in memory, and which tier uses it.

Cheap to compute (no hashing, no loading), so the dialog can refresh it at will.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.core import paths
from desktop.core.local_models.catalog import Catalog, ModelSpec, load_catalog
from desktop.core.local_models.files import (
    ModelFileError,
    install_advice,
    is_installed,
    locate_parts,
)
from desktop.core.local_models.loading import wanted_model
from desktop.core.providers import memory
from desktop.core.settings import Settings


@dataclass(frozen=True)
class ModelEntry:
    key: str  # catalog id, or the GGUF's path: how settings name the model
    name: str
    size: int  # bytes; 0 when unknown
    context_length: int  # the model's maximum; 0 when unknown
    installed: bool
    tiers: tuple[str, ...]  # "fast" (drafts), "strong" (Enter, when Claude cannot)
    notes: str = ""

    @property
    def is_file(self) -> bool:
        return self.key.endswith(".gguf")


def tier_keys(settings: Settings, catalog: Catalog) -> dict[str, str]:
    """The model key each local tier uses ("" for a strong tier turned off)."""
    return {"fast": wanted_model(settings, "fast") or catalog.default_id,
            "strong": wanted_model(settings, "strong")}


def inventory(settings: Settings, catalog: Catalog | None = None) -> list[ModelEntry]:
    catalog = catalog or load_catalog()
    used = tier_keys(settings, catalog)
    entries = []
    for spec in catalog.models:
        if spec.source is None:
            continue  # "custom": the added files below are the real entries
        installed = is_installed(spec)
        size = spec.size or (_installed_size(spec) if installed else 0)
        entries.append(ModelEntry(spec.id, spec.name, size, spec.context_length, installed,
                                  _tiers(spec.id, used),
                                  spec.notes if installed else install_advice(spec)))
    files = [*settings.added_models, settings.model_path, settings.strong_model_path]
    for path in dict.fromkeys(p for p in files if p):
        file = Path(path)
        exists = file.is_file()
        entries.append(ModelEntry(path, file.name, file.stat().st_size if exists else 0, 0,
                                  exists, _tiers(path, used),
                                  "" if exists else "The file is missing."))
    return entries


def _installed_size(spec: ModelSpec) -> int:
    """For a catalog entry without a recorded size: its parts, else its assembled file."""
    try:
        return sum(p.stat().st_size for p in locate_parts(spec))
    except ModelFileError:
        return (paths.models_dir() / spec.file).stat().st_size


def _tiers(key: str, used: dict[str, str]) -> tuple[str, ...]:
    return tuple(tier for tier, wanted in used.items() if wanted == key)


def fit(entry: ModelEntry, settings: Settings, available: int | None) -> memory.Fit:
    need = memory.model_need_bytes(entry.size, settings.context_for(entry.key))
    return memory.fit_label(need, available)
