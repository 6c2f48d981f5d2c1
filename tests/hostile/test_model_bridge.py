"""Who may spend the user's model through the bridge a val's std/openai uses: only the val
it was made for. A page (or anything on the machine) that finds its port gets nothing, a
rebinding Host, an Origin, another route or a non-JSON body are refused, every answered call
is counted, the daily cap holds, and a val cannot serve on the machine's own addresses."""

from __future__ import annotations

import http.client
import json
import urllib.parse
import urllib.request

import pytest

from desktop.core.runtime.model_bridge import ModelBridge
from desktop.core.runtime.val_server import ValServer, reachable_from_outside
from tests.fakes.scripted_provider import ScriptedProvider

CHAT = {"model": "x", "messages": [{"role": "user", "content": "spend the key"}]}


@pytest.fixture
def model():
    return ScriptedProvider(reply=lambda _text: "an answer", delay_s=0)


def post(bridge: ModelBridge, path: str, body: bytes, **headers: str) -> tuple[int, dict]:
    address = urllib.parse.urlsplit(bridge.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.request("POST", path, body, {"Content-Type": "application/json", **headers})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def test_only_the_val_with_the_secret_is_answered(model):
    calls = []
    bridge = ModelBridge(lambda: model, on_usage=lambda *call: calls.append(call))
    try:
        secret_path = urllib.parse.urlsplit(bridge.url).path + "/chat/completions"
        body = json.dumps(CHAT).encode()
        assert post(bridge, "/v1/chat/completions", body)[0] == 404  # found the port only
        assert post(bridge, secret_path, body, Host="attacker.example")[0] == 403
        assert post(bridge, secret_path, body, Origin="keystroke://app")[0] == 403
        assert post(bridge, secret_path, body, **{"Content-Type": "text/plain"})[0] == 415
        assert model.other_requests == [] and calls == []
        status, reply = post(bridge, secret_path, body)
        assert status == 200 and reply["choices"][0]["message"]["content"] == "an answer"
        assert len(calls) == 1 and calls[0][0] is model and calls[0][2] == "an answer"
    finally:
        bridge.close()


def test_the_daily_cap_stops_the_bridge(model):
    bridge = ModelBridge(lambda: model, refusal=lambda _provider: "the daily cap is reached")
    try:
        secret_path = urllib.parse.urlsplit(bridge.url).path + "/chat/completions"
        status, reply = post(bridge, secret_path, json.dumps(CHAT).encode())
        assert status == 429 and reply["error"]["message"] == "the daily cap is reached"
        assert model.other_requests == []
    finally:
        bridge.close()


def test_a_val_cannot_serve_on_the_machines_addresses(tmp_path, model):
    bridge = ModelBridge(lambda: model)
    server = ValServer(tmp_path / "sandbox", bridge.url)
    targets = json.dumps([a.strip("[]") for a in reachable_from_outside()])
    try:
        url = server.start(f"""
export default async function () {{
  const out: string[] = [];
  for (const hostname of {targets}) {{
    try {{ Deno.listen({{ hostname, port: 0 }}).close(); out.push("listened on " + hostname); }}
    catch (_e) {{ out.push("refused " + hostname); }}
  }}
  return Response.json(out);
}}""")
        with urllib.request.urlopen(url, timeout=10) as response:
            outcome = json.loads(response.read())
    finally:
        server.stop()
        bridge.close()
    assert outcome and all(line.startswith("refused") for line in outcome), outcome
