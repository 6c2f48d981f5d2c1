"""What tokens cost, from the one editable pricing table (resources/pricing.toml, or a copy
in the data folder that overrides it)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from desktop.core import paths


@dataclass(frozen=True)
class Price:
    """US dollars per million tokens."""

    input: float = 0.0
    output: float = 0.0
    cache_write: float | None = None
    cache_read: float | None = None


@cache
def _table(path: Path) -> dict[str, dict[str, Price]]:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return {provider: {model: Price(**entry) for model, entry in models.items()}
            for provider, models in raw.items()}


def pricing_file() -> Path:
    override = paths.data_home() / "pricing.toml"
    return override if override.exists() else paths.resources_dir() / "pricing.toml"


def price_of(provider: str, model: str) -> Price:
    models = _table(pricing_file()).get(provider, {})
    return models.get(model) or models.get("*") or Price()


def cost_usd(provider: str, model: str, tokens_in: int, tokens_out: int,
             cache_creation_tokens: int = 0, cache_read_tokens: int = 0) -> float:
    """`tokens_in` counts uncached input only, as Anthropic reports it."""
    price = price_of(provider, model)
    write = price.cache_write if price.cache_write is not None else price.input
    read = price.cache_read if price.cache_read is not None else price.input
    return (tokens_in * price.input + tokens_out * price.output
            + cache_creation_tokens * write + cache_read_tokens * read) / 1_000_000
