"""`keystroke check TARGET`: load a page (or run a val) headless in the same preview the
window uses, report its errors, then try it out as the window does (click every button, type
into every field, send every form) and print what that found. Exits 1 when the page throws
or a control does nothing."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def run_check(args: argparse.Namespace) -> int:
    from desktop.core.checking.self_test import Health
    from desktop.core.generation.kinds import is_val
    from desktop.ui.preview.page_check import check_page, check_val, self_test

    target = Path(args.target)
    url = args.target if "://" in args.target else ""
    code = "" if url else target.read_text(encoding="utf-8")
    val = not url and target.suffix in (".ts", ".tsx", ".js") and is_val(code)
    if val:
        report = check_val(target, settle_ms=args.settle_ms)
    else:
        report = check_page(args.target, settle_ms=args.settle_ms)
    found = self_test(code, args.request, val=val, url=url) if report.loaded else None
    if args.json:
        print(json.dumps({**report.as_dict(),
                          "self_test": found.as_dict() if found else None}, indent=2))
    else:
        print(report.summary())
        if found is not None:
            print(f"  tried {found.controls} control{'' if found.controls == 1 else 's'} in "
                  f"{found.ms / 1000:.1f} s: {found.badge}")
            print("\n".join(f"  - {problem}" for problem in found.problems))
    failed = report.threw or (found is not None and (
        found.health is Health.THROWS or found.dead_control))
    return 1 if failed else 0
