"""`keystroke snapshot`: a screenshot of the window showing a file, or the app made from an
instruction (the README's pictures are made this way)."""

from __future__ import annotations

import argparse


def run_snapshot(args: argparse.Namespace, model: str) -> int:
    from desktop.ui.window.snapshot import take_snapshot

    return take_snapshot(args.file, args.prompt, model, args.output)
