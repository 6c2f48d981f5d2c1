"""Val Town's std/openai, answered by Keystroke's own model, so AI apps work offline.

A val that imports std/openai gets a shim (resources/deno/shims/openai.ts) that posts
OpenAI-shaped chat completions to this small HTTP server on 127.0.0.1; it asks the app's
fast-tier provider (the local model when offline) and answers in the same shape. One
bridge serves every val of the session.
"""

from __future__ import annotations

import json
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


def answer(provider: Provider, body: dict) -> tuple[int, dict]:
    """(HTTP status, OpenAI-shaped JSON) for one chat completion request."""
    messages = []
    for message in body.get("messages") or []:
        content = message.get("content")
        if isinstance(content, list):  # content parts: keep the text ones
            content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
        role = message.get("role") if message.get("role") in ("system", "assistant") else "user"
        messages.append(Message(role, str(content or "")))
    if not messages:
        return 400, {"error": {"message": "messages is required", "type": "invalid_request"}}
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
            return 502, {"error": {"message": event.message, "type": "model_error"}}
    return 200, {
        "id": f"chatcmpl-keystroke-{int(time.time() * 1000)}", "object": "chat.completion",
        "created": int(time.time()), "model": provider.model_name,
        "choices": [{"index": 0, "finish_reason": finish,
                     "message": {"role": "assistant", "content": "".join(parts)}}],
        "usage": {"prompt_tokens": usage.tokens_in + usage.cached_tokens,
                  "completion_tokens": usage.tokens_out,
                  "total_tokens": usage.tokens_in + usage.cached_tokens + usage.tokens_out},
    }


class ModelBridge:
    def __init__(self, provider_for: Callable[[], Provider]) -> None:
        self._provider_for = provider_for
        bridge = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                    status, payload = answer(bridge._provider_for(), body)
                except Exception as exc:  # the val gets an error it can show, never a hang
                    status, payload = 500, {"error": {"message": str(exc), "type": "bridge"}}
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
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
