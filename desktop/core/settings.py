"""User settings: a small JSON file in the data folder.

Unknown keys are kept (a newer version may have written them). Every known value is checked
(type, range, choice) when the file is read: a bad one falls back to its default, and a file
that is not JSON at all falls back to every default and is kept aside under a new name each
time. Either way the app starts, and `Settings.problems` says, per setting, what was wrong
and what is used instead, for the window's banner and the CLI's stderr.
"""

from __future__ import annotations

import json
import logging
import math
import os
import threading
from dataclasses import MISSING, asdict, dataclass, field, fields
from datetime import datetime
from pathlib import Path

from desktop.core import paths

log = logging.getLogger(__name__)
_SAVING = threading.Lock()  # saves run off the GUI thread: one at a time, newest state last
EDIT_FORMATS = ("whole", "search-replace", "unified-diff")
# What a number may be: below or above these a value is a mistake (a negative timeout, a
# max_tokens of 1e400), not a preference.
RANGES: dict[str, tuple[float, float]] = {
    "threads": (0, 512), "context_length": (512, 1_048_576), "max_tokens": (1, 1_000_000),
    "temperature": (0.0, 2.0), "debounce_ms": (0, 10_000), "request_timeout_s": (1.0, 3600.0),
    "daily_spend_cap_usd": (0.0, 1_000_000.0), "completion_delay_ms": (0, 10_000)}
CHOICES: dict[str, tuple[str, ...]] = {
    "edit_format": EDIT_FORMATS, "cloud_edit_format": EDIT_FORMATS,
    "cerebras_reasoning_effort": ("", "low", "medium", "high"),
    "completion_source": ("local", "openai")}


def default_threads() -> int:
    """Leave one core for the GUI and the preview: a model on every core caused
    multi-second stalls on a 2-core machine."""
    return max(1, (os.cpu_count() or 2) - 1)


@dataclass
class Settings:
    model_id: str = ""  # empty: the catalog's default
    model_path: str = ""  # a user's own GGUF file; wins over model_id when set
    # The local strong tier: what Enter escalates to when Claude cannot be used (no key, no
    # network, the cap). "" turns it off; strong_model_path (a GGUF) wins when set.
    strong_model_id: str = "qwen2.5-coder-1.5b"
    strong_model_path: str = ""
    threads: int = 0  # 0: cores - 1
    context_length: int = 8192
    # Per model (catalog id or GGUF path): {"threads": n, "context_length": n}; a model
    # without an entry uses threads and context_length above.
    model_options: dict = field(default_factory=dict)
    # Model manager's quick benchmark, per model: {"tokens_per_s": x, "prompt_per_s": y}.
    model_speed: dict = field(default_factory=dict)
    added_models: list = field(default_factory=list)  # GGUF paths added in the model manager
    max_tokens: int = 2048
    temperature: float = 0.2
    debounce_ms: int = 200
    # How the local model is asked to change existing code: "whole" (measured best for the
    # 0.5B model, see bench/edit_formats.py), "search-replace" or "unified-diff".
    edit_format: str = "whole"
    # The same for cloud models. Whole files: what Townie and Cerebras Coder settled on, and
    # what Predicted Outputs needs; not measured here (no cloud access).
    cloud_edit_format: str = "whole"

    # Cloud providers (keys live in the keyring or the environment, never here; see keys.py).
    # "auto": Cerebras when it has a key, else an OpenAI-compatible server when one is set,
    # else the local model.
    fast_provider: str = "auto"
    cerebras_model: str = "gpt-oss-120b"
    cerebras_base_url: str = ""  # empty: CEREBRAS_BASE_URL, else the SDK's default
    cerebras_prediction: bool = True  # send the current code as a Predicted Output
    # Reasoning models (gpt-oss) think before the first code token: keep it short for a live
    # preview. "" sends nothing (the model's default).
    cerebras_reasoning_effort: str = "low"
    anthropic_model: str = "claude-sonnet-5-5"  # claude-sonnet-4-5 ends on 2026-11-30
    anthropic_base_url: str = ""
    openai_model: str = ""
    openai_base_url: str = ""  # e.g. http://gpu-box:8080/v1 for llama-server or vLLM
    request_timeout_s: float = 10.0  # of silence, not of a reply that keeps streaming
    auto_escalate: bool = True  # hard or failed requests go to Claude when it has a key
    daily_spend_cap_usd: float = 2.0  # Claude is not called once today's spend reaches it
    # After Enter, a page or val with errors, or one whose self-test found a problem (a
    # button that does nothing), is fixed without asking: the fast tier first, then the
    # strong one; two tries at most, each kept only if it tests better. On by default: offline
    # it costs nothing but time, and typing stops it.
    auto_fix: bool = True
    valtown_base_url: str = ""  # empty: VAL_TOWN_BASE_URL, else https://api.val.town
    # Ghost-text completions in the code editor, after this pause in typing. "local": the
    # fast model's file in a context of its own; "openai": the OpenAI-compatible server's
    # completions route, with completion_model (else openai_model).
    completions: bool = True
    completion_delay_ms: int = 200
    completion_source: str = "local"
    completion_model: str = ""

    def __post_init__(self) -> None:
        self.problems: list[str] = []  # what load() found wrong (not a setting: never saved)

    def edit_format_for(self, provider_id: str) -> str:
        return self.edit_format if provider_id.startswith("local") else self.cloud_edit_format

    @property
    def effective_threads(self) -> int:
        return self.threads if self.threads > 0 else default_threads()

    def threads_for(self, model_key: str, every_core: bool = False) -> int:
        """The model's own setting, else `threads`; with `every_core` (the strong model,
        which runs while the user waits and the fast one is paused) the default is all
        cores instead of all but one."""
        threads = int(self.model_options.get(model_key, {}).get("threads", 0))
        if threads > 0:
            return threads
        if every_core and self.threads <= 0:
            return os.cpu_count() or 1
        return self.effective_threads

    def context_for(self, model_key: str) -> int:
        n_ctx = int(self.model_options.get(model_key, {}).get("context_length", 0))
        return n_ctx if n_ctx > 0 else self.context_length

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        path = path or paths.settings_file()
        if not path.exists():
            return cls()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(raw, dict):
                raise ValueError("settings must be a JSON object")
        except (OSError, ValueError) as exc:
            aside = _set_aside(path)
            settings = cls()
            settings.problems.append(
                f"The settings file {path} could not be read ({exc}); every setting is back "
                f"to its default. The old file is kept as {aside.name}.")
            log.warning("%s", settings.problems[-1])
            return settings
        defaults = {f.name: f.default if f.default is not MISSING else f.default_factory()
                    for f in fields(cls)}
        values, problems = {}, []
        for key, value in raw.items():
            if key not in defaults:
                continue
            checked = _checked(key, value, defaults[key])
            if isinstance(checked, _Invalid):
                problems.append(f"Setting {key} = {json.dumps(value)[:60]} is not {checked.want}"
                                f"; using {json.dumps(defaults[key])}. Fix it in Settings "
                                f"(or in {path.name}).")
                log.warning("%s", problems[-1])
            else:
                values[key] = checked
        settings = cls(**values)
        settings.problems = problems
        return settings

    def save(self, path: Path | None = None) -> None:
        with _SAVING:
            self._write(path or paths.settings_file())

    def _write(self, path: Path) -> None:
        existing = {}
        if path.exists():
            try:
                existing = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                existing = {}
        existing.update(asdict(self))
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(existing, indent=2), encoding="utf-8")
        tmp.replace(path)


@dataclass(frozen=True)
class _Invalid:
    want: str  # what the value should have been, in words


def _checked(name: str, value: object, default: object) -> object:
    """The value if it fits the setting, else _Invalid saying what would."""
    if isinstance(default, bool):
        return value if isinstance(value, bool) else _Invalid("true or false")
    if isinstance(default, int | float):
        low, high = RANGES.get(name, (-math.inf, math.inf))
        kind = "a whole number" if isinstance(default, int) else "a number"
        want = f"{kind} from {low:g} to {high:g}"
        if isinstance(value, bool) or not isinstance(value, int | float):
            return _Invalid(want)
        if not math.isfinite(value) or not low <= value <= high:
            return _Invalid(want)
        if isinstance(default, int):
            return int(value) if float(value).is_integer() else _Invalid(want)
        return float(value)
    if isinstance(default, str):
        if not isinstance(value, str):
            return _Invalid("text")
        choices = CHOICES.get(name)
        if choices is not None and value not in choices:
            return _Invalid("one of " + ", ".join(repr(c) for c in choices))
        return value
    if isinstance(default, dict | list):
        if not isinstance(value, type(default)):
            return _Invalid("a JSON object" if isinstance(default, dict) else "a JSON list")
        if name == "model_options":
            return _checked_model_options(value)
    return value


def _checked_model_options(value: dict) -> object:
    """Per model: {"threads": n, "context_length": n}, each as its top-level setting."""
    want = ('per model an object of "threads" and "context_length" (whole numbers from '
            f"{RANGES['threads'][0]:g} and {RANGES['context_length'][0]:g})")
    for options in value.values():
        if not isinstance(options, dict):
            return _Invalid(want)
        for key in ("threads", "context_length"):
            if key in options and isinstance(_checked(key, options[key], 0), _Invalid):
                return _Invalid(want)
    return value


def _set_aside(path: Path) -> Path:
    """A new name each time: a second broken file never overwrites the first."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.stem}.broken-{stamp}.json")
    number = 1
    while aside.exists():
        number += 1
        aside = path.with_name(f"{path.stem}.broken-{stamp}-{number}.json")
    path.replace(aside)
    return aside
