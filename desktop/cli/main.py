"""The `keystroke` command: the window by default, plus headless subcommands that use the
same core (and, for check and snapshot, the same preview) as the window."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop import __version__
from desktop.core.completion.sources import SOURCES
from desktop.core.local_models.files import ModelFileError
from desktop.core.providers import registry
from desktop.core.providers.base import ProviderError
from desktop.core.runtime.val_server import ValRuntimeError
from desktop.core.settings import Settings
from desktop.core.store import StoreError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keystroke",
        description="Type a sentence, watch a working web app appear. "
                    "Without a command, opens the window.")
    parser.add_argument("--version", action="version", version=f"keystroke {__version__}")
    parser.add_argument("--model", default="",
                        help="a catalog model id or a path to a GGUF file (default: settings, "
                             "else the built-in Qwen2.5-Coder 0.5B)")
    sub = parser.add_subparsers(dest="command")

    gen = sub.add_parser("generate", help="generate an app from an instruction")
    gen.add_argument("instruction")
    gen.add_argument("--base", type=Path, help="an HTML file to change instead of starting anew")
    gen.add_argument("--provider", default="auto",
                     choices=registry.cli_choices(),
                     help="auto (default): the fast tier (Cerebras with a key, else the local "
                          "model), the strong tier (Claude, else the local strong model) for "
                          "hard requests or /sonnet, falling back on failure")
    gen.add_argument("--model", dest="sub_model", default="", metavar="MODEL",
                     help="with a cloud --provider, its model id; otherwise a local catalog "
                          "id or GGUF path")
    gen.add_argument("--scope", default="", metavar="SCOPE",
                     help="with --base, change only this part: a CSS selector (\"#start\", "
                          "\"button.primary\") or a line range (12-18)")
    gen.add_argument("--max-tokens", type=int, default=None)
    gen.add_argument("--edit-format", choices=["whole", "search-replace", "unified-diff"],
                     help="how to ask for changes to --base (default: the setting)")
    gen.add_argument("-o", "--output", type=Path, help="write the code here instead of stdout")
    gen.add_argument("--json", action="store_true", help="print one JSON summary at the end")
    gen.add_argument("--project", default="",
                     help="record into this project (default: one named from the instruction)")

    ev = sub.add_parser("eval", help="generate a suite of apps and judge whether they work")
    ev.add_argument("--provider", default="local",
                    choices=registry.cli_choices())
    ev.add_argument("--model", dest="sub_model", default="", metavar="MODEL")
    ev.add_argument("--suite", default="basic", help="a file in resources/evals (default basic)")
    ev.add_argument("--limit", type=int, default=0, help="only the first N requests")
    ev.add_argument("--max-tokens", type=int, default=None)
    ev.add_argument("--compare", action="store_true", help="show changes since the last run")
    ev.add_argument("--fix", action=argparse.BooleanOptionalAction, default=None,
                    help="when a page throws, ask the model to fix it once, as the window's "
                         "auto-fix does (default: the auto_fix setting)")
    ev.add_argument("--second-opinion", action=argparse.BooleanOptionalAction, default=True,
                    help="let Claude judge the requests whose check is a question (when it "
                         "has a key; default on)")
    ev.add_argument("--keep", type=Path, metavar="DIR",
                    help="also write each generated page to DIR/<case>.html")
    ev.add_argument("--threads", type=int, default=0,
                    help="threads for the local models (default: every core)")
    ev.add_argument("--json", action="store_true")

    export = sub.add_parser("export", help="put a project on Val Town, or in a folder")
    export.add_argument("project", nargs="?", default="", help="default: the last one used")
    export.add_argument("--to", required=True, metavar="valtown|DIR")
    export.add_argument("--name", default="", help="the val's name (default: the project's)")
    export.add_argument("--update", action="store_true",
                        help="if you already have a val with that name, update it")

    serve = sub.add_parser("serve", help="run a Val Town HTTP val locally under Deno")
    serve.add_argument("val", type=Path, help="a .ts file that exports default (req) => Response")
    serve.add_argument("--port", type=int, default=0, help="default: any free port")

    hist = sub.add_parser("history", help="list a project's versions with tokens and cost")
    hist.add_argument("--project", default="", help="default: the last project used")
    hist.add_argument("--json", action="store_true")

    usage = sub.add_parser("usage", help="tokens and cost by provider and model")
    usage.add_argument("--json", action="store_true")

    check = sub.add_parser("check", help="load a page headless, try it out, and report what "
                                          "is wrong with it")
    check.add_argument("target", help="an HTML file, a val (.ts) or a URL")
    check.add_argument("--request", default="",
                       help="what the app was asked to do: the buttons it names must be there")
    check.add_argument("--json", action="store_true")
    check.add_argument("--settle-ms", type=int, default=600,
                       help="how long the page must be quiet before reading it")

    complete = sub.add_parser("complete", help="print the code completion the editor would "
                                                "show at FILE:LINE:COL")
    complete.add_argument("position", metavar="FILE:LINE:COL",
                          help="1-based line and column, as editors number them")
    complete.add_argument("--provider", choices=SOURCES, default="",
                          help="local: the local model (default); openai: the OpenAI-"
                               "compatible server's completions route (Settings)")
    complete.add_argument("--model", dest="sub_model", default="", metavar="PATH_OR_ID",
                          help="a local catalog id or GGUF path")
    complete.add_argument("--json", action="store_true",
                          help="print the text, latency and model as JSON")

    restore = sub.add_parser("restore", help="list the backups and set-aside databases, or "
                                              "put one back as the database")
    restore.add_argument("copy", nargs="?", default="",
                         help="the number (or file name) `keystroke restore` lists")

    snap = sub.add_parser("snapshot", help="save a screenshot of the window")
    source = snap.add_mutually_exclusive_group(required=True)
    source.add_argument("file", nargs="?", type=Path, help="an HTML file to show")
    source.add_argument("--prompt", help="an instruction to generate first")
    snap.add_argument("--model", dest="sub_model", default="", metavar="PATH_OR_ID")
    snap.add_argument("-o", "--output", type=Path, required=True)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    model = getattr(args, "sub_model", "") or args.model
    try:
        if args.command == "generate":
            from desktop.cli.generate import run_generate

            return run_generate(args, model)
        if args.command == "eval":
            from desktop.cli.eval import run_eval

            return run_eval(args, model)
        if args.command == "export":
            from desktop.cli.export import run_export

            return run_export(args)
        if args.command == "serve":
            from desktop.cli.serve import run_serve

            return run_serve(args)
        if args.command == "check":
            from desktop.cli.check import run_check

            return run_check(args)
        if args.command in ("history", "usage"):
            from desktop.cli.history import run_history, run_usage

            return run_history(args) if args.command == "history" else run_usage(args)
        if args.command == "complete":
            from desktop.cli.complete import run_complete

            return run_complete(args, model)
        if args.command == "restore":
            from desktop.cli.restore import run_restore

            return run_restore(args)
        if args.command == "snapshot":
            from desktop.cli.snapshot import run_snapshot

            return run_snapshot(args, model)
    except (ModelFileError, ProviderError, StoreError, ValRuntimeError, OSError) as exc:
        print(f"keystroke: {exc}", file=sys.stderr)
        return 1
    return _gui(model)


def _gui(model: str) -> int:
    from desktop.ui.app import make_application

    app = make_application()
    from desktop.ui.window.main_window import MainWindow

    window = MainWindow(Settings.load(), model_override=model)
    window.show()
    return app.exec()
