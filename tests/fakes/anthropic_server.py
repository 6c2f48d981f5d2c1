"""A local server that speaks the Anthropic Messages API: JSON replies and SSE streams
(message_start … message_stop, pings), usage with cache fields, 529 overloaded, and an
`event: error` in the middle of a 200 stream.

It also behaves like the prompt cache: a prefix ending at a `cache_control` breakpoint that
is long enough (MIN_CACHEABLE_TOKENS) is written on first sight and read on the next request
that starts the same way, so cache accounting can be checked across turns."""

from __future__ import annotations

import hashlib
from http.server import BaseHTTPRequestHandler

from tests.fakes.wire_server import (
    Recorded,
    Scenario,
    WireServer,
    approx_tokens,
    chunks_of,
    instruction_in,
    serve_main,
)

MODELS = ["claude-sonnet-5-5", "claude-sonnet-4-6", "claude-haiku-4-5", "claude-opus-5-5"]
MIN_CACHEABLE_TOKENS = 1024
API_VERSION = "2026-10-21"
ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error",
               403: "permission_error", 404: "not_found_error", 429: "rate_limit_error",
               500: "api_error", 529: "overloaded_error"}


def prefixes(body: dict) -> tuple[list[tuple[str, int]], int]:
    """(digest and token count of the prompt up to each cache breakpoint, total tokens)."""
    blocks: list[tuple[str, bool]] = []
    system = body.get("system") or []
    for block in [system] if isinstance(system, str) else system:
        text = block if isinstance(block, str) else block.get("text", "")
        blocks.append((text, isinstance(block, dict) and "cache_control" in block))
    for message in body.get("messages", []):
        content = message.get("content")
        for block in [content] if isinstance(content, str) else content:
            text = block if isinstance(block, str) else block.get("text", "")
            blocks.append((f"{message['role']}:{text}",
                           isinstance(block, dict) and "cache_control" in block))
    digest, tokens, marks = hashlib.sha256(), 0, []
    for text, breakpoint in blocks:
        digest.update(text.encode())
        tokens += approx_tokens(text)
        if breakpoint:
            marks.append((digest.hexdigest(), tokens))
    return marks, tokens


class AnthropicServer(WireServer):
    name = "fake Anthropic Messages API"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cache: dict[str, int] = {}

    def handle(self, handler: BaseHTTPRequestHandler, recorded: Recorded,
               scenario: Scenario) -> None:
        path = recorded.path.split("?")[0]
        if recorded.headers.get("anthropic-version") is None:
            self._error(handler, Scenario(400, message="anthropic-version header is required"))
            return
        if not self.authorized(recorded):
            self._error(handler, Scenario(401, message="invalid x-api-key"))
            return
        if recorded.method == "GET" and path.endswith("/v1/models"):
            self.send_json(handler, 200, {"data": [
                {"type": "model", "id": m, "display_name": m, "created_at": "2025-09-29T00:00:00Z"}
                for m in MODELS], "has_more": False, "first_id": MODELS[0], "last_id": MODELS[-1]})
            return
        if not path.endswith("/v1/messages"):
            self._error(handler, Scenario(404, message=f"No route {path}"))
            return
        if scenario.status != 200:
            self._error(handler, scenario)
            return
        body = recorded.body
        if any(key in body for key in ("temperature", "top_p", "top_k")):
            self._error(handler, Scenario(400, message="temperature, top_p and top_k are not "
                                                       f"supported in API version {API_VERSION}"))
            return
        if body.get("model") not in MODELS:
            self._error(handler, Scenario(404, message=f"model: {body.get('model')}"))
            return
        usage = self._cache_usage(body)
        last = body["messages"][-1]["content"]
        text = last if isinstance(last, str) else "".join(b.get("text", "") for b in last)
        reply = self.reply(instruction_in(text))
        pieces = chunks_of(reply)[:body.get("max_tokens", 4096)]
        if body.get("stream"):
            self._stream(handler, body, usage, pieces, scenario)
        else:
            self.send_json(handler, 200, {
                "id": "msg_fake", "type": "message", "role": "assistant", "model": body["model"],
                "content": [{"type": "text", "text": "".join(pieces)}],
                "stop_reason": "end_turn", "stop_sequence": None,
                "usage": {**usage, "output_tokens": len(pieces)}})

    def _cache_usage(self, body: dict) -> dict:
        marks, total = prefixes(body)
        read = max((tokens for digest, tokens in marks if digest in self.cache), default=0)
        created = 0
        for digest, tokens in marks:
            if tokens >= MIN_CACHEABLE_TOKENS and digest not in self.cache:
                self.cache[digest] = tokens
                created = max(created, tokens - read)
        return {"input_tokens": total - read - created, "cache_creation_input_tokens": created,
                "cache_read_input_tokens": read}

    def _error(self, handler: BaseHTTPRequestHandler, scenario: Scenario) -> None:
        status = scenario.status
        self.send_json(handler, status, {"type": "error", "error": {
            "type": scenario.error_type or ERROR_TYPES.get(status, "api_error"),
            "message": scenario.message or f"HTTP {status}"}}, scenario.headers)

    def _stream(self, handler: BaseHTTPRequestHandler, body: dict, usage: dict,
                pieces: list[str], scenario: Scenario) -> None:
        self.start_sse(handler)
        self.send_event(handler, {"type": "message_start", "message": {
            "id": "msg_fake", "type": "message", "role": "assistant", "content": [],
            "model": body["model"], "stop_reason": None, "stop_sequence": None,
            "usage": {**usage, "output_tokens": 1}}}, "message_start")
        self.send_event(handler, {"type": "content_block_start", "index": 0,
                                  "content_block": {"type": "text", "text": ""}},
                        "content_block_start")
        self.send_event(handler, {"type": "ping"}, "ping")
        for count, piece in enumerate(pieces):
            if count == scenario.drop_after:
                return
            if scenario.cut_after is not None and count == scenario.cut_after:
                self.send_event(handler, {"type": "error", "error": {
                    "type": scenario.error_type or "overloaded_error",
                    "message": scenario.message or "Overloaded"}}, "error")
                return
            self.pause()
            self.send_event(handler, {"type": "content_block_delta", "index": 0,
                                      "delta": {"type": "text_delta", "text": piece}},
                            "content_block_delta")
        self.send_event(handler, {"type": "content_block_stop", "index": 0},
                        "content_block_stop")
        self.send_event(handler, {"type": "message_delta",
                                  "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                                  "usage": {"output_tokens": len(pieces)}}, "message_delta")
        self.send_event(handler, {"type": "message_stop"}, "message_stop")


if __name__ == "__main__":
    serve_main(AnthropicServer)
