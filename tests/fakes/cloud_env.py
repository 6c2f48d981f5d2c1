"""Keys and an app for tests that talk to the fake cloud servers."""

from __future__ import annotations

CEREBRAS_KEY = "csk-test-SECRET-0123456789abcdef"
ANTHROPIC_KEY = "sk-ant-test-SECRET-fedcba9876543210"


def big_app(lines: int = 400) -> str:
    """An app long enough for Anthropic's prompt cache (over 1,024 tokens)."""
    rows = "\n".join(f"    <li class=\"item\" data-id=\"{i}\">Item number {i}</li>"
                     for i in range(lines))
    return (f"<!DOCTYPE html>\n<html><head><title>List</title></head>\n<body>\n  <ul>\n{rows}\n"
            "  </ul>\n</body></html>")
