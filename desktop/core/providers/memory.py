"""How much memory a local model needs, and whether this machine has it.

Two local models share the machine with the window and a Chromium preview, so before a
model loads we estimate what it takes and compare with what the OS says is available now
(not installed RAM: the preview and other apps hold some of it).
"""

from __future__ import annotations

import os
from typing import Literal

Fit = Literal["fits", "may be slow", "won't fit"]
_OVERHEAD = 300 * 1024 * 1024  # llama.cpp's compute buffers and the runtime, measured ~250 MB


def available_bytes() -> int | None:
    """Memory the OS can give us now without swapping, or None when it cannot say."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def model_need_bytes(file_size: int, n_ctx: int, kv_bytes_per_token: int = 0) -> int:
    """What loading a GGUF takes: its weights (memory-mapped, but all of them are read for
    every token), the KV cache for the context, and the runtime's buffers. Without the
    model's shape, assume 28 KiB per token (the 1.5B Qwen; the 0.5B needs 12 KiB)."""
    per_token = kv_bytes_per_token or 28 * 1024
    return file_size + n_ctx * per_token + _OVERHEAD


def fit_label(need: int, available: int | None) -> Fit:
    """Fits with room to spare, fits only by squeezing (the OS may page: slow), or not."""
    if available is None or need * 1.5 <= available:
        return "fits"
    return "may be slow" if need <= available else "won't fit"
