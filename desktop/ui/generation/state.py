"""The keystroke loop's state and options."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class LoopState(Enum):
    IDLE = "idle"  # nothing typed since the base code was set
    WAITING = "waiting"  # typed: the debounce timer runs (or the local model loads)
    GENERATING = "generating"  # a draft is being made
    DRAFT = "draft"  # the finished draft for what is typed is on screen
    KEEPING = "keeping"  # Enter or Fix: what is being made becomes a version


@dataclass(frozen=True)
class LoopOptions:
    """What makes typing fast, as options so the latency benchmark can turn them off for
    its baseline."""

    cancel_superseded: bool = True  # a newer keystroke cancels the request in flight
    use_cache: bool = True  # an instruction made before shows without a model call
    patch_partial_pages: bool = True  # streaming pages patch the DOM instead of reloading
    prefix_friendly_prompt: bool = True  # the code before the instruction (KV cache reuse)
