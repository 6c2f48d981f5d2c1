"""The HTTP plumbing shared by the fake Anthropic and chat-completions servers.

A fake is a real HTTP server on 127.0.0.1 (a thread in the test process, or its own process
with `python -m tests.fakes.<name> --port N`). The real SDKs talk to it through their base
URL, so every byte they parse is what a real service would send. Tests script what happens
to the next requests (`fail_next`, `cut_next`) and read what was sent (`requests`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: dict


@dataclass
class Scenario:
    """What happens to one request. status 200 streams (or answers) normally; another status
    answers with that error; `cut_after` ends a 200 stream with an error event after that many
    text chunks."""

    status: int = 200
    error_type: str = ""
    message: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    cut_after: int | None = None
    no_done: bool = False  # end the stream without `data: [DONE]` (Cerebras may)
    drop_after: int | None = None  # close the connection after this many chunks, silently
    stall_s: float = 0.0  # say nothing this long before answering (an overloaded server)


def page_reply(instruction: str) -> str:
    return ("```html\n<!DOCTYPE html>\n<html><head><title>App</title></head>\n"
            f"<body><h1 id=\"app\">{instruction}</h1>\n<p>Served by a fake cloud model.</p>\n"
            "</body></html>\n```")


def instruction_in(text: str) -> str:
    match = re.search(r"(?:The app|Change it as follows|so that it does this|Rewrite it so that): "
                      r"(.*)$", text, re.S)
    return (match.group(1) if match else text).strip()


def chunks_of(text: str, size: int = 12) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)]


def approx_tokens(text: str) -> int:
    return max(1, -(-len(text) // 4))


class WireServer:
    """Subclasses implement `handle(handler, recorded, scenario)`."""

    name = "fake"

    def __init__(self, api_key: str = "test-key", chunk_delay_s: float = 0.0,
                 reply=page_reply, port: int = 0) -> None:
        self.api_key = api_key
        self.chunk_delay_s = chunk_delay_s
        self.reply = reply
        self.requests: list[Recorded] = []
        self._scenarios: deque[Scenario] = deque()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server._dispatch(self, "GET")

            def do_POST(self) -> None:
                server._dispatch(self, "POST")

            def do_PUT(self) -> None:
                server._dispatch(self, "PUT")

            def do_DELETE(self) -> None:
                server._dispatch(self, "DELETE")

        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- scripting -----------------------------------------------------------------------

    def fail_next(self, status: int, error_type: str = "", message: str = "",
                  headers: dict[str, str] | None = None, times: int = 1) -> None:
        for _ in range(times):
            self._scenarios.append(Scenario(status, error_type, message, headers or {}))

    def cut_next(self, after_chunks: int, error_type: str, message: str) -> None:
        self._scenarios.append(Scenario(error_type=error_type, message=message,
                                        cut_after=after_chunks))

    def drop_next(self, after_chunks: int) -> None:
        """The next stream ends after that many text chunks as a dropped connection does:
        no finish reason, no error, no end marker, just the end of the body."""
        self._scenarios.append(Scenario(drop_after=after_chunks))

    def script(self, scenario: Scenario) -> None:
        self._scenarios.append(scenario)

    def posts(self, path_end: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.method == "POST" and r.path.endswith(path_end)]

    # -- running -------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> WireServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True,
                                        name=self.name)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> WireServer:
        return self.start()

    def __exit__(self, *_exc: Any) -> None:
        self.stop()

    def _dispatch(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("content-length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = {}
        headers = {k.lower(): v for k, v in handler.headers.items()}
        recorded = Recorded(method, handler.path, headers, body)
        with self._lock:
            self.requests.append(recorded)
        scenario = Scenario()
        if method == "POST":
            with self._lock:
                if self._scenarios:
                    scenario = self._scenarios.popleft()
        if scenario.stall_s:
            time.sleep(scenario.stall_s)
        # The client may go away mid-answer (a cancelled request): nothing to answer then.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.handle(handler, recorded, scenario)

    def handle(self, handler: BaseHTTPRequestHandler, recorded: Recorded,
               scenario: Scenario) -> None:
        raise NotImplementedError

    # -- helpers for subclasses ----------------------------------------------------------

    def authorized(self, recorded: Recorded) -> bool:
        if not self.api_key:
            return True
        return recorded.headers.get("authorization") == f"Bearer {self.api_key}"

    @staticmethod
    def send_json(handler: BaseHTTPRequestHandler, status: int, payload: dict,
                  headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        handler.send_response(status)
        handler.send_header("content-type", "application/json")
        handler.send_header("content-length", str(len(data)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(data)

    @staticmethod
    def start_sse(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("content-type", "text/event-stream; charset=utf-8")
        handler.send_header("cache-control", "no-cache")
        handler.send_header("connection", "close")
        handler.end_headers()
        handler.close_connection = True

    def send_event(self, handler: BaseHTTPRequestHandler, data: dict | str,
                   event: str | None = None) -> None:
        text = data if isinstance(data, str) else json.dumps(data)
        frame = (f"event: {event}\n" if event else "") + f"data: {text}\n\n"
        handler.wfile.write(frame.encode())
        handler.wfile.flush()

    def pause(self) -> None:
        if self.chunk_delay_s:
            time.sleep(self.chunk_delay_s)


def serve_main(server_class: type[WireServer], argv: list[str] | None = None) -> None:
    """`python -m tests.fakes.<module> [--port N] [--key K]`: serve until interrupted."""
    parser = argparse.ArgumentParser(description=f"A local {server_class.name} for Keystroke.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--key", default="test-key")
    parser.add_argument("--chunk-delay", type=float, default=0.01)
    args = parser.parse_args(argv)
    server = server_class(api_key=args.key, chunk_delay_s=args.chunk_delay, port=args.port)
    print(f"{server.name} listening on {server.url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server._httpd.serve_forever()
