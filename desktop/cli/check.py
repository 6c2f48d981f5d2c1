"""`keystroke check TARGET`: load a page (or run a val) headless in the same preview the
window uses, and report its errors; exits 1 when it threw."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def run_check(args: argparse.Namespace) -> int:
    from desktop.core.generation.kinds import is_val
    from desktop.ui.preview.page_check import check_page, check_val

    target = Path(args.target)
    if "://" not in args.target and target.suffix in (".ts", ".tsx", ".js") and is_val(
            target.read_text(encoding="utf-8")):
        report = check_val(target, settle_ms=args.settle_ms)
    else:
        report = check_page(args.target, settle_ms=args.settle_ms)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(report.summary())
    return 1 if report.threw else 0
