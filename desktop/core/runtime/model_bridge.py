"""Val Town's std/openai, answered by Keystroke's own model, so AI apps work offline.

A val that imports std/openai gets a shim (resources/deno/shims/openai.ts) that posts
OpenAI-shaped chat completions to this small HTTP server on 127.0.0.1; it asks the app's
fast-tier provider (the local model when offline) and answers in the same shape. One
bridge serves every val of the session.

The bridge spends the user's model (a paid one when a key is set), so it answers only the
val it was made for: its URL carries a secret made per run, which only the val's process
gets (in its environment; a page in the preview never sees it). It also refuses a Host
other than its own address (DNS rebinding), any request with an Origin (browsers add one;
Deno's fetch does not), any route but chat completions and any body but JSON. Each call is
reported (`on_usage`) so Usage and Cost count it, and `refusal` may stop it (the daily cap).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from desktop.core.providers.base import (
    ChatRequest,
    Done,
    Error,
    Message,
    Provider,
    TextDelta,
    Usage,
)

MAX_TOKENS = 1024


def answer(provider: Provider, body: dict) -> tuple[int, dict, Usage | None]:
    """(HTTP status, OpenAI-shaped JSON, what it cost) for one chat completion request."""
    messages = []
    for message in body.get("messages") or []:
        content = message.get("content")
        if isinstance(content, list):  # content parts: keep the text ones
            content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
        role = message.get("role") if message.get("role") in ("system", "assistant") else "user"
        messages.append(Message(role, str(content or "")))
    if not messages:
        return 400, {"error": {"message": "messages is required", "type": "invalid_request"}}, None
    limit = min(int(body.get("max_tokens") or body.get("max_completion_tokens") or MAX_TOKENS),
                MAX_TOKENS)
    request = ChatRequest(messages, max_tokens=limit,
                          temperature=float(body.get("temperature", 0.7)))
    parts, usage, finish = [], Usage(0, 0), "stop"
    for event in provider.stream(request):
        if isinstance(event, TextDelta):
            parts.append(event.text)
        elif isinstance(event, Usage):
            usage = event
        elif isinstance(event, Done):
            finish = event.finish_reason
        elif isinstance(event, Error):
            return 502, {"error": {"message": event.message, "type": "model_error"}}, None
    return 200, {
        "id": f"chatcmpl-keystroke-{int(time.time() * 1000)}", "object": "chat.completion",
        "created": int(time.time()), "model": provider.model_name,
        "choices": [{"index": 0, "finish_reason": finish,
                     "message": {"role": "assistant", "content": "".join(parts)}}],
        "usage": {"prompt_tokens": usage.tokens_in + usage.cached_tokens,
                  "completion_tokens": usage.tokens_out,
                  "total_tokens": usage.tokens_in + usage.cached_tokens + usage.tokens_out},
    }, usage


UsageReport = Callable[[Provider, Usage, str], None]  # provider, usage, the reply text


class ModelBridge:
    def __init__(self, provider_for: Callable[[], Provider],
                 on_usage: UsageReport | None = None,
                 refusal: Callable[[Provider], str] | None = None) -> None:
        """`on_usage`: told of every answered call; `refusal`: why a call may not be made
        now ("" when it may), asked before each one."""
        self._provider_for = provider_for
        self._on_usage = on_usage or (lambda _provider, _usage, _text: None)
        self._refusal = refusal or (lambda _provider: "")
        self._secret = secrets.token_urlsafe(24)
        bridge = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:
                pass

            def do_GET(self) -> None:
                self._send(404, {"error": {"message": "not found", "type": "bridge"}})

            def do_POST(self) -> None:
                why = bridge._rejected(self.path, self.headers)
                if why:
                    self._send(*why)
                    return
                length = int(self.headers.get("content-length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                    status, payload = bridge._answer(body)
                except Exception as exc:  # the val gets an error it can show, never a hang
                    status, payload = 500, {"error": {"message": str(exc), "type": "bridge"}}
                self._send(status, payload)

            def _send(self, status: int, payload: dict) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True,
                         name="model-bridge").start()

    @property
    def url(self) -> str:
        """Where a val's std/openai posts; the secret is part of it."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/{self._secret}/v1"

    def _rejected(self, path: str, headers) -> tuple[int, dict] | None:
        def refuse(status: int, message: str) -> tuple[int, dict]:
            return status, {"error": {"message": message, "type": "bridge"}}

        if headers.get("host") != f"127.0.0.1:{self._httpd.server_address[1]}":
            return refuse(403, "wrong host")
        if headers.get("origin") is not None:
            return refuse(403, "the model bridge answers vals, not web pages")
        if not secrets.compare_digest(path, f"/{self._secret}/v1/chat/completions"):
            return refuse(404, "not found")
        if (headers.get("content-type") or "").split(";")[0].strip() != "application/json":
            return refuse(415, "send JSON")
        return None

    def _answer(self, body: dict) -> tuple[int, dict]:
        provider = self._provider_for()
        refusal = self._refusal(provider)
        if refusal:
            return 429, {"error": {"message": refusal, "type": "bridge"}}
        status, payload, usage = answer(provider, body)
        if usage is not None:
            self._on_usage(provider, usage, payload["choices"][0]["message"]["content"])
        return status, payload

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
