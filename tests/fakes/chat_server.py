"""A local server that speaks the chat-completions wire protocol as Cerebras and
OpenAI-compatible servers do: `chat.completion.chunk` SSE events, a final chunk with `usage`
and (Cerebras) `time_info`, `data: [DONE]`, error bodies with codes, Retry-After on 429, and
the endpoints an SDK touches on its own (`/v1/tcp_warming`, `/v1/models`)."""

from __future__ import annotations

import time
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

MODELS = ["gpt-oss-120b", "llama-4-scout-17b", "zai-glm-4.7"]
# Prediction is accepted by these models only, as on Cerebras.
PREDICTION_MODELS = {"gpt-oss-120b", "zai-glm-4.7"}
ERROR_TYPES = {400: "invalid_request_error", 401: "invalid_request_error",
               404: "not_found_error", 429: "too_many_requests_error",
               500: "server_error", 503: "service_unavailable"}
ERROR_CODES = {401: "wrong_api_key", 404: "model_not_found", 429: "queue_exceeded",
               503: "service_unavailable"}


class ChatCompletionsServer(WireServer):
    name = "fake chat-completions server"

    def handle(self, handler: BaseHTTPRequestHandler, recorded: Recorded,
               scenario: Scenario) -> None:
        path = recorded.path.split("?")[0]
        if path.endswith("/tcp_warming"):
            self.send_json(handler, 200, {})
            return
        if not self.authorized(recorded):
            self._error(handler, Scenario(401, message="Wrong API Key"))
            return
        if recorded.method == "GET" and path.endswith("/models"):
            self.send_json(handler, 200, {"object": "list", "data": [
                {"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in MODELS]})
            return
        if path.endswith("/v1/completions") and recorded.method == "POST":
            self._text_completion(handler, recorded.body, scenario)
            return
        if not path.endswith("/chat/completions"):
            self._error(handler, Scenario(404, message=f"No route {path}"))
            return
        if scenario.status != 200:
            self._error(handler, scenario)
            return
        body = recorded.body
        if body.get("model") not in MODELS:
            self._error(handler, Scenario(404, message=f"Model {body.get('model')} does not "
                                                       "exist or you do not have access to it."))
            return
        if body.get("prediction") and body["model"] not in PREDICTION_MODELS:
            self._error(handler, Scenario(400, message="prediction is not supported for "
                                                       f"{body['model']}"))
            return
        self._stream(handler, body, scenario)

    def _text_completion(self, handler: BaseHTTPRequestHandler, body: dict,
                         scenario: Scenario) -> None:
        """The legacy completions route with a suffix (what Ollama and llama-server offer
        for fill-in-the-middle): `text_completion` chunks, the `stop` strings honoured."""
        if scenario.status != 200:
            self._error(handler, scenario)
            return
        if body.get("model") not in MODELS:
            self._error(handler, Scenario(404, message=f"model '{body.get('model')}' not found"))
            return
        text = self.fill(str(body.get("prompt", "")), str(body.get("suffix", "")))
        for stop in body.get("stop") or []:
            if stop in text:
                text = text[:text.index(stop)]
        base = {"id": "cmpl-fake", "object": "text_completion", "created": int(time.time()),
                "model": body["model"]}
        self.start_sse(handler)
        for piece in chunks_of(text, 4)[: body.get("max_tokens") or None]:
            self.pause()
            self.send_event(handler, {**base, "choices": [
                {"index": 0, "text": piece, "logprobs": None, "finish_reason": None}]})
        self.send_event(handler, {**base, "choices": [
            {"index": 0, "text": "", "logprobs": None, "finish_reason": "stop"}]})
        self.send_event(handler, "[DONE]")

    @staticmethod
    def fill(prefix: str, suffix: str) -> str:
        """The middle a model would write: tests replace this."""
        return "'click', () => go());\nnext line"

    def _error(self, handler: BaseHTTPRequestHandler, scenario: Scenario) -> None:
        status = scenario.status
        payload = {"message": scenario.message or f"HTTP {status}",
                   "type": scenario.error_type or ERROR_TYPES.get(status, "server_error"),
                   "param": "", "code": ERROR_CODES.get(status, "")}
        self.send_json(handler, status, payload, scenario.headers)

    def _stream(self, handler: BaseHTTPRequestHandler, body: dict, scenario: Scenario) -> None:
        messages = body.get("messages") or [{"content": ""}]
        prompt = "".join(str(m.get("content", "")) for m in messages)
        reply = self.reply(instruction_in(str(messages[-1].get("content", ""))))
        limit = body.get("max_completion_tokens") or body.get("max_tokens") or 10**9
        pieces = chunks_of(reply)[:limit]
        base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk",
                "created": int(time.time()), "model": body["model"],
                "system_fingerprint": "fp_fake"}
        self.start_sse(handler)
        self.send_event(handler, {**base, "choices": [
            {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]})
        for count, piece in enumerate(pieces):
            if count == scenario.drop_after:
                return
            if scenario.cut_after is not None and count == scenario.cut_after:
                self.send_event(handler, {"error": {
                    "message": scenario.message or "stream interrupted",
                    "type": scenario.error_type or "server_error", "code": "stream_error"}})
                return
            self.pause()
            self.send_event(handler, {**base, "choices": [
                {"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
        finish = "length" if len(pieces) < len(chunks_of(reply)) else "stop"
        self.send_event(handler, {**base, "choices": [
            {"index": 0, "delta": {}, "finish_reason": finish}]})
        usage = {"prompt_tokens": approx_tokens(prompt), "completion_tokens": len(pieces),
                 "total_tokens": approx_tokens(prompt) + len(pieces),
                 "prompt_tokens_details": {"cached_tokens": 0}}
        self.send_event(handler, {**base, "choices": [], "usage": usage, "time_info": {
            "queue_time": 0.0002, "prompt_time": 0.004, "completion_time": 0.05,
            "total_time": 0.06, "created": time.time()}})
        if not scenario.no_done:
            self.send_event(handler, "[DONE]")


if __name__ == "__main__":
    serve_main(ChatCompletionsServer)
