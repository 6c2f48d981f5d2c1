"""The catalog of known local models (models/catalog.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core import paths


@dataclass(frozen=True)
class PartsSource:
    """A GGUF split across data packages on the package index."""

    package: str
    version: str
    file: str
    count: int

    def part_names(self) -> list[tuple[str, str]]:
        """(package name, path inside site-packages) for each part, in order."""
        return [
            (self.package.format(n=k, i=k - 1), self.file.format(n=k, i=k - 1))
            for k in range(1, self.count + 1)
        ]


@dataclass(frozen=True)
class ModelSpec:
    id: str
    name: str
    file: str
    context_length: int
    chat_template: str
    size: int = 0
    sha256: str = ""
    notes: str = ""
    fim: dict[str, str] = field(default_factory=dict)
    source: PartsSource | None = None

    @property
    def install_hint(self) -> str:
        if self.source is None:
            return "choose a GGUF file with Model → Use GGUF File… or `keystroke --model PATH`"
        first, last = self.source.part_names()[0][0], self.source.part_names()[-1][0]
        return f"pip install {first} … {last} (version {self.source.version}), or `pip install .`"


@dataclass(frozen=True)
class Catalog:
    default_id: str
    models: tuple[ModelSpec, ...]

    def get(self, model_id: str) -> ModelSpec:
        for spec in self.models:
            if spec.id == model_id:
                return spec
        known = ", ".join(m.id for m in self.models)
        raise KeyError(f"Unknown model '{model_id}'. Known models: {known}, "
                       "or a path to a GGUF file.")

    @property
    def default(self) -> ModelSpec:
        return self.get(self.default_id)


def load_catalog(path: Path | None = None) -> Catalog:
    data = tomllib.loads((path or paths.catalog_file()).read_text(encoding="utf-8"))
    models = []
    for entry in data["model"]:
        source = entry.get("source", {})
        parts = None
        if source.get("kind") == "pypi-parts":
            parts = PartsSource(source["package"], source["version"], source["file"],
                                int(source["count"]))
        models.append(ModelSpec(
            id=entry["id"], name=entry["name"], file=entry.get("file", ""),
            context_length=int(entry.get("context_length", 0)),
            chat_template=entry.get("chat_template", ""), size=int(entry.get("size", 0)),
            sha256=entry.get("sha256", ""), notes=entry.get("notes", ""),
            fim=dict(entry.get("fim", {})), source=parts,
        ))
    return Catalog(default_id=data["default"], models=tuple(models))
