"""`keystroke complete FILE:LINE:COL`: the completion the editor would show at that position
(the same window around the cursor, the same model and the same tidying)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from desktop.cli.terminal import load_settings, say, terminal_progress
from desktop.core.completion.fim import CompletionUnavailable, request_at, worth_completing
from desktop.core.completion.sources import open_completer
from desktop.core.local_models.loading import choose_model


def cursor_offset(text: str, line: int, column: int) -> int:
    """The character offset of a 1-based line and column (as editors number them)."""
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        raise ValueError(f"line {line} is outside the file (it has {len(lines)} lines)")
    if not 1 <= column <= len(lines[line - 1]) + 1:
        raise ValueError(f"column {column} is outside line {line} "
                         f"(it has {len(lines[line - 1])} characters)")
    return sum(len(part) + 1 for part in lines[: line - 1]) + column - 1


def parse_position(position: str) -> tuple[Path, int, int]:
    try:
        file, line, column = position.rsplit(":", 2)
        return Path(file), int(line), int(column)
    except ValueError:
        raise ValueError(f"'{position}' is not FILE:LINE:COL (e.g. app.html:12:30)") from None


def run_complete(args: argparse.Namespace, model: str) -> int:
    try:
        path, line, column = parse_position(args.position)
        text = path.read_text(encoding="utf-8")
        cursor = cursor_offset(text, line, column)
    except ValueError as exc:
        say(str(exc))
        return 2
    if not worth_completing(text, cursor):
        say("the editor offers no completion here: code follows the cursor on its line")
        return 0
    saved = load_settings()
    settings = dataclasses.replace(saved, completions=True,
                                   completion_source=args.provider or saved.completion_source)
    model_path, model_name = None, ""
    if settings.completion_source == "local":
        choice = choose_model(settings, model, progress=terminal_progress)
        model_path, model_name = choice.path, choice.display_name
    try:
        completer = open_completer(settings, model_path, model_name)
    except CompletionUnavailable as exc:
        say(str(exc))
        return 1
    try:
        completion = completer.complete(request_at(text, cursor))
    except CompletionUnavailable as exc:
        say(str(exc))
        return 1
    finally:
        completer.close()
    if args.json:
        print(json.dumps({"text": completion.text, "latency_ms": round(completion.seconds * 1000),
                          "model": completion.model, "tokens": completion.tokens,
                          "line": line, "column": column}, indent=2))
    else:
        sys.stdout.write(completion.text + ("\n" if completion.text else ""))
    return 0
