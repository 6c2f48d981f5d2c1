"""`keystroke generate`: one instruction through the same core the window uses."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from desktop.cli_history import record_generation
from desktop.core.generation import CodeProgress, GenerationRequest, GenerationResult, generate
from desktop.core.local_model import open_local_provider
from desktop.core.settings import Settings


def terminal_progress(done: int, total: int) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    sys.stderr.write(f"\rPreparing the local model (first run only) [{'#' * filled}"
                     f"{'.' * (width - filled)}] {done / 1e6:,.0f}/{total / 1e6:,.0f} MB")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def run_generate(args: argparse.Namespace, model: str) -> int:
    settings = Settings.load()
    base = args.base.read_text(encoding="utf-8") if args.base else ""
    provider = open_local_provider(settings, model, progress=terminal_progress, warm=False,
                                   status=lambda text: print(text, file=sys.stderr))
    request = GenerationRequest(args.instruction, base,
                                args.max_tokens or settings.max_tokens, settings.temperature,
                                args.edit_format or settings.edit_format)
    stream_to_stdout = args.output is None and not args.json
    printed = ""
    result: GenerationResult | None = None
    try:
        for event in generate(provider, request):
            if isinstance(event, GenerationResult):
                result = event
            elif stream_to_stdout and event.raw.startswith(printed):
                sys.stdout.write(event.raw[len(printed):])
                sys.stdout.flush()
                printed = event.raw
            elif isinstance(event, CodeProgress) and not stream_to_stdout:
                sys.stderr.write(f"\r{event.tokens_out} tokens…")
                sys.stderr.flush()
    finally:
        provider.close()
    assert result is not None
    if not stream_to_stdout:
        sys.stderr.write("\n")
    if stream_to_stdout and result.code is not None:
        if result.code.startswith(printed):
            sys.stdout.write(result.code[len(printed):])
        else:
            sys.stdout.write("\n")
            print("keystroke: the finished page differs from the streamed text (it was "
                  "repaired); use -o FILE to get the exact page.", file=sys.stderr)
    if args.output is not None and result.code is not None:
        _write_atomically(args.output, result.code)
    project = record_generation(args.instruction, result, args.project) if result.ok else None
    if result.message:
        print(f"keystroke: {result.message}", file=sys.stderr)
    if args.json:
        print(json.dumps({
            "provider": result.provider, "model": result.model,
            "ttft_ms": _round(result.ttft_ms), "total_ms": _round(result.total_ms),
            "tokens_in": result.tokens_in, "tokens_out": result.tokens_out,
            "cached_tokens": result.cached_tokens, "finish_reason": result.finish_reason,
            "output_path": str(args.output) if args.output and result.code else None,
            "code": result.code if args.output is None else None,
            "error": result.message or None,
            "project": project,
        }, indent=2))
    return 0 if result.ok else 1


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
