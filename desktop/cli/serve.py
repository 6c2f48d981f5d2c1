"""`keystroke serve VAL_FILE`: run a Val Town HTTP val locally under Deno until interrupted,
printing its URL, then every error it hits as it happens."""

from __future__ import annotations

import argparse
import re
import signal
import sys
import time

from desktop.cli.terminal import cli_engine, load_settings
from desktop.core import paths
from desktop.core.runtime.model_bridge import ModelBridge
from desktop.core.runtime.val_server import ValServer


def run_serve(args: argparse.Namespace) -> int:
    # A plain `kill` should stop Deno too, as Ctrl+C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    code = args.val.read_text(encoding="utf-8")
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", args.val.name.split(".")[0]) or "val"
    settings = load_settings()
    # std/openai calls are answered by the fast tier; the local model loads on first use.
    engine = cli_engine(settings)
    engine.refresh()
    bridge = ModelBridge(engine.fast_provider, refusal=lambda provider: (
        engine.router.spend_refusal(provider.id, provider.model_name)))
    server = ValServer(paths.data_home() / "vals" / name, bridge.url)
    print(server.start(code, args.port), flush=True)
    print(f"keystroke: serving {args.val} (data in {server.sandbox}); Ctrl+C stops it.",
          file=sys.stderr)
    shown = 0
    try:
        while server.running:
            for error in server.errors[shown:]:
                print(f"keystroke: {error.kind} error: {error.stack or error.message}",
                      file=sys.stderr, flush=True)
            shown = len(server.errors)
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        bridge.close()
        engine.close()
    return 0
