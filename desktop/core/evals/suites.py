"""Eval suites: requests with a functional check each, in resources/evals/*.toml, and the
version of the prompts a run is stored against."""

from __future__ import annotations

import hashlib
import tomllib

from desktop.core import paths
from desktop.core.checking.judge import EvalCase


def load_suite(name: str = "basic") -> list[EvalCase]:
    path = paths.resources_dir() / "evals" / f"{name}.toml"
    if not path.exists():
        known = ", ".join(p.stem for p in path.parent.glob("*.toml"))
        raise FileNotFoundError(f"No eval suite '{name}'. Known suites: {known}.")
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return [EvalCase(c["id"], c["request"], c.get("check", ""), c.get("judge", ""))
            for c in raw["case"]]


def prompt_version() -> str:
    """A short hash of every prompt file: results are stored against it."""
    digest = hashlib.sha256()
    for path in sorted((paths.resources_dir() / "prompts").glob("*.txt")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:10]
