"""The real Cerebras, Anthropic and OpenAI SDKs against local servers that speak their wire
protocols: streaming, usage and cache accounting, retries, fallbacks and error messages."""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
import time

import pytest

from desktop.core import keys, paths
from desktop.core.generation.generate import (
    CodeProgress,
    GenerationRequest,
    GenerationResult,
    generate,
)
from desktop.core.projects import history
from desktop.core.providers.base import ChatRequest, Done, Message, ProviderError
from desktop.core.providers.chat_completions import CerebrasProvider, OpenAIProvider
from desktop.core.providers.claude import ClaudeProvider
from desktop.core.routing.breaker import CircuitBreaker
from desktop.core.routing.failover import generate_routed
from desktop.core.routing.pool import ProviderPool
from desktop.core.routing.router import Router
from desktop.core.settings import Settings
from desktop.core.store import Store
from tests.fakes.chat_server import ChatCompletionsServer
from tests.fakes.cloud_env import ANTHROPIC_KEY, CEREBRAS_KEY, big_app
from tests.fakes.scripted_provider import ScriptedProvider
from tests.fakes.wire_server import Scenario


def final(events) -> GenerationResult:
    results = [e for e in events if isinstance(e, GenerationResult)]
    assert len(results) == 1
    return results[0]


@pytest.fixture
def local():
    return ScriptedProvider(delay_s=0)


@pytest.fixture
def routing(cloud_env, local):
    """A pool, breaker and router as the window has them, with a scripted local model."""
    settings = Settings()
    pool = ProviderPool(settings, local_loader=lambda: local)
    breaker = CircuitBreaker()
    router = Router(settings, breaker, pool.available())
    yield pool, breaker, router
    pool.close()


def run_routed(routing, instruction, purpose="keystroke", base="", **route):
    pool, breaker, router = routing
    decision = router.route(instruction, purpose, **route)
    return final(generate_routed(pool, decision, GenerationRequest(instruction, base),
                                 breaker))


# -- Cerebras ---------------------------------------------------------------------------


def test_cerebras_streams_a_page_with_usage_and_time_info(chat_server):
    provider = CerebrasProvider("gpt-oss-120b", CEREBRAS_KEY, chat_server.url)
    events = list(generate(provider, GenerationRequest("a tip calculator", max_tokens=500)))
    result = final(events)
    assert result.ok and "a tip calculator" in result.code
    assert result.provider == "cerebras" and result.model == "gpt-oss-120b"
    assert result.tokens_in > 50 and result.tokens_out > 5
    assert result.server_timing and result.server_timing["total_time"] > 0
    sent = chat_server.posts("/chat/completions")[0]
    assert sent.body["stream"] is True and sent.body["max_completion_tokens"] == 500
    assert sent.headers["authorization"] == f"Bearer {CEREBRAS_KEY}"


def test_a_stream_that_ends_without_done_still_finishes(chat_server):
    from tests.fakes.wire_server import Scenario

    chat_server.script(Scenario(no_done=True))
    provider = CerebrasProvider("gpt-oss-120b", CEREBRAS_KEY, chat_server.url)
    result = final(generate(provider, GenerationRequest("a clock")))
    assert result.ok and result.tokens_in > 0


@pytest.mark.parametrize("vendor", ["cerebras", "anthropic"])
def test_a_dropped_stream_is_cut_off_not_a_finished_app(vendor, chat_server, anthropic_server):
    """The body ends with no finish reason, no error and no end marker: what arrived is
    shown, but the result is a failure that says it was cut off, never a version."""
    if vendor == "cerebras":
        chat_server.drop_next(5)
        provider = CerebrasProvider("gpt-oss-120b", CEREBRAS_KEY, chat_server.url)
    else:
        anthropic_server.drop_next(5)
        provider = ClaudeProvider("claude-sonnet-5-5", ANTHROPIC_KEY, anthropic_server.url)
    result = final(generate(provider, GenerationRequest("a habit tracker")))
    assert not result.ok and result.finish_reason == "error" and result.error_kind == "network"
    assert "cut off" in result.error and "after 5 pieces" in result.error
    assert result.code is not None and result.code.startswith("<!DOCTYPE html>")  # shown


def test_one_cerebras_client_warms_its_connection_once(chat_server):
    provider = CerebrasProvider("gpt-oss-120b", CEREBRAS_KEY, chat_server.url)
    for instruction in ("a", "ab", "abc"):
        assert final(generate(provider, GenerationRequest(instruction))).ok
    warmups = [r for r in chat_server.requests if r.path.endswith("/tcp_warming")]
    assert len(warmups) == 1 and len(chat_server.posts("/chat/completions")) == 3


def test_edits_send_the_code_as_a_prediction_unless_turned_off(chat_server):
    base = "<!DOCTYPE html>\n<html><body><h1>Hi</h1></body></html>"
    on = CerebrasProvider("gpt-oss-120b", CEREBRAS_KEY, chat_server.url, send_prediction=True)
    off = CerebrasProvider("gpt-oss-120b", CEREBRAS_KEY, chat_server.url, send_prediction=False)
    assert final(generate(on, GenerationRequest("make it red", base))).ok
    assert final(generate(on, GenerationRequest("a new app"))).ok
    assert final(generate(off, GenerationRequest("make it red", base))).ok
    edit, new, switched_off = (r.body for r in chat_server.posts("/chat/completions"))
    assert edit["prediction"]["type"] == "content" and base in edit["prediction"]["content"]
    assert "prediction" not in new and "prediction" not in switched_off


def test_cancel_stops_a_cloud_stream_early():
    with ChatCompletionsServer(api_key=CEREBRAS_KEY, chunk_delay_s=0.03) as server:
        provider = CerebrasProvider("gpt-oss-120b", CEREBRAS_KEY, server.url)
        cancel = threading.Event()
        started = time.perf_counter()
        events = []
        for event in generate(provider, GenerationRequest("a long page"), cancel):
            events.append(event)
            if isinstance(event, CodeProgress):
                cancel.set()
        result = final(events)
        assert result.finish_reason == "cancelled" and not result.ok
        assert time.perf_counter() - started < 1.0  # the whole reply takes ~1.5 s


@pytest.mark.parametrize("vendor", ["cerebras", "anthropic"])
def test_cancel_ends_a_stream_whose_server_says_nothing(vendor, chat_server, anthropic_server):
    """A silent server cannot hold the request until its 20 s timeout: the cancel closes it
    from this side."""
    if vendor == "cerebras":
        server = chat_server
        provider = CerebrasProvider("gpt-oss-120b", CEREBRAS_KEY, server.url, timeout_s=20)
    else:
        server = anthropic_server
        provider = ClaudeProvider("claude-sonnet-5-5", ANTHROPIC_KEY, server.url, timeout_s=20)
    server.script(Scenario(stall_s=30))
    request = ChatRequest([Message("user", "The app: a clock")], cancel=threading.Event())
    threading.Timer(0.3, request.cancel.set).start()
    started = time.perf_counter()
    events = list(provider.stream(request))
    assert events[-1] == Done("cancelled")
    assert time.perf_counter() - started < 5.0
    provider.close()


def test_an_environment_key_goes_only_to_its_vendor(monkeypatch, chat_server):
    """OPENAI_API_KEY is OpenAI's: a server typed into Settings (a GPU box, a friend's
    server) never receives it; it gets the key stored for it."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-SECRET")
    chat_server.api_key = ""  # a self-hosted server takes any key, and records it
    settings = Settings(openai_base_url=chat_server.url + "/v1", openai_model="gpt-oss-120b",
                        fast_provider="openai")
    pool = ProviderPool(settings)
    try:
        assert "openai" in pool.available()
        assert final(generate(pool.get("openai"), GenerationRequest("a clock"))).ok
        keys.save("openai", "box-key")
        assert "openai" in pool.available()  # the key changed: a new client
        assert final(generate(pool.get("openai"), GenerationRequest("a timer"))).ok
    finally:
        pool.close()
    sent = [r.headers.get("authorization", "") for r in chat_server.posts("/chat/completions")]
    assert sent[1] == "Bearer box-key"
    assert not any("sk-openai-SECRET" in header for header in sent)


def test_a_wrong_key_gets_a_message_that_points_at_the_key_settings(chat_server):
    provider = CerebrasProvider("gpt-oss-120b", "csk-wrong-key-000000", chat_server.url)
    result = final(generate(provider, GenerationRequest("x")))
    assert result.error_kind == "auth" and not result.ok
    assert "401" in result.error and "Settings → Providers" in result.error
    assert "CEREBRAS_API_KEY" in result.error and "csk-wrong" not in result.error


def test_an_unknown_model_says_to_choose_another(chat_server):
    provider = CerebrasProvider("no-such-model", CEREBRAS_KEY, chat_server.url)
    result = final(generate(provider, GenerationRequest("x")))
    assert "404" in result.error and "choose another model" in result.error


def test_a_dead_network_says_what_to_check():
    provider = CerebrasProvider("gpt-oss-120b", CEREBRAS_KEY, "http://127.0.0.1:9", 2.0)
    result = final(generate(provider, GenerationRequest("x")))
    assert result.error_kind == "network" and "Could not reach Cerebras" in result.error


def test_a_silent_server_is_given_up_on_after_the_timeout_and_the_local_model_answers(
        cloud_env, local):
    from tests.fakes.wire_server import Scenario

    chat = cloud_env[0]
    settings = Settings(request_timeout_s=1.0)
    for _ in range(3):
        chat.script(Scenario(stall_s=3.0))
    pool = ProviderPool(settings, local_loader=lambda: local)
    breaker = CircuitBreaker()
    decision = Router(settings, breaker, pool.available()).route("a todo list")
    started = time.perf_counter()
    result = final(generate_routed(pool, decision, GenerationRequest("a todo list"), breaker))
    pool.close()
    assert result.ok and result.provider == "scripted"
    assert "did not answer within 1 s" in result.note
    assert time.perf_counter() - started < 2.5  # one timeout: a timeout is not retried
    assert len(chat.posts("/chat/completions")) == 1


def test_test_connection_lists_models_or_gives_the_exact_error(chat_server):
    provider = CerebrasProvider("gpt-oss-120b", CEREBRAS_KEY, chat_server.url)
    assert "gpt-oss-120b" in provider.list_models()
    wrong = CerebrasProvider("gpt-oss-120b", "csk-wrong-key-000000", chat_server.url)
    with pytest.raises(ProviderError, match="401"):
        wrong.list_models()


def test_an_openai_compatible_server_streams_with_usage(chat_server):
    provider = OpenAIProvider("gpt-oss-120b", CEREBRAS_KEY, chat_server.url + "/v1")
    result = final(generate(provider, GenerationRequest("a dice roller")))
    assert result.ok and "a dice roller" in result.code and result.tokens_out > 0
    sent = chat_server.posts("/chat/completions")[0].body
    assert sent["stream_options"] == {"include_usage": True} and "prediction" not in sent


# -- Anthropic --------------------------------------------------------------------------


def test_claude_streams_with_cache_breakpoints_and_no_sampling_parameters(anthropic_server):
    provider = ClaudeProvider("claude-sonnet-5-5", ANTHROPIC_KEY, anthropic_server.url)
    result = final(generate(provider, GenerationRequest("make it green", big_app())))
    assert result.ok and "make it green" in result.code
    sent = anthropic_server.posts("/v1/messages")[0]
    assert sent.headers["authorization"] == f"Bearer {ANTHROPIC_KEY}"
    assert "temperature" not in sent.body
    assert sent.body["system"][0]["cache_control"] == {"type": "ephemeral"}
    code_block, instruction_block = sent.body["messages"][0]["content"]
    assert code_block["cache_control"] == {"type": "ephemeral"} and "Item number 7" in \
        code_block["text"]
    assert "cache_control" not in instruction_block and "make it green" in \
        instruction_block["text"]


def test_the_second_turn_reads_the_code_from_the_cache_and_costs_less(anthropic_server):
    provider = ClaudeProvider("claude-sonnet-5-5", ANTHROPIC_KEY, anthropic_server.url)
    store = Store()
    project = store.create_project("cached")
    code = big_app()
    first = final(generate(provider, GenerationRequest("make it green", code)))
    second = final(generate(provider, GenerationRequest("make it blue", code)))
    assert first.cache_creation_tokens > 1024 and first.cached_tokens == 0
    assert second.cached_tokens == first.cache_creation_tokens
    assert second.cache_creation_tokens == 0 and second.cost_usd < first.cost_usd / 2
    history.record_draft(store, project.id, "make it green", first)
    history.commit(store, project.id, "make it blue", second, None)
    rows = store.db.execute("SELECT cache_creation_tokens, cache_read_tokens, cost_usd FROM "
                            "messages WHERE role = 'assistant' ORDER BY id").fetchall()
    assert [tuple(r)[:2] for r in rows] == [(first.cache_creation_tokens, 0),
                                            (0, first.cache_creation_tokens)]
    assert rows[1][2] == pytest.approx(second.cost_usd)
    store.close()


def test_an_error_event_mid_stream_keeps_what_arrived(anthropic_server):
    anthropic_server.cut_next(6, "overloaded_error", "Overloaded")
    provider = ClaudeProvider("claude-sonnet-5-5", ANTHROPIC_KEY, anthropic_server.url)
    result = final(generate(provider, GenerationRequest("a weather card")))
    assert not result.ok and result.finish_reason == "error"
    assert result.reply.startswith("```html\n<!DOCTYPE html>") and result.tokens_out == 6
    assert result.code is not None and result.code.startswith("<!DOCTYPE html>")
    assert "overloaded" in result.error and "tokens that had arrived are kept" in result.error


# -- routing, retries and falling back ----------------------------------------------------


def test_the_fast_tier_streams_from_cerebras(routing, cloud_env):
    chat, claude = cloud_env
    result = run_routed(routing, "a todo list")
    assert len(chat.posts("/chat/completions")) == 1
    assert result.ok and result.provider == "cerebras"
    assert result.route_reason == "fast tier: Cerebras"
    assert claude.posts("/v1/messages") == []


def test_each_message_keeps_its_route_and_the_servers_timing(routing, cloud_env):
    result = run_routed(routing, "a todo list")
    store = Store()
    project = store.create_project("timed")
    history.commit(store, project.id, "a todo list", result, None)
    row = store.db.execute("SELECT route_reason, server_timing FROM messages "
                           "WHERE role = 'assistant'").fetchone()
    store.close()
    assert row["route_reason"] == "fast tier: Cerebras"
    assert json.loads(row["server_timing"])["total_time"] > 0


def test_a_busy_service_is_retried_then_succeeds(routing, cloud_env):
    chat = cloud_env[0]
    chat.fail_next(503)
    result = run_routed(routing, "a todo list")
    assert result.ok and result.provider == "cerebras" and result.note == ""
    assert len(chat.posts("/chat/completions")) == 2


def test_a_failing_fast_tier_falls_back_to_the_local_model_and_says_why(routing, cloud_env,
                                                                        local):
    chat = cloud_env[0]
    chat.fail_next(503, times=3)
    result = run_routed(routing, "a todo list")
    assert result.ok and result.provider == "scripted" and local.completed == ["a todo list"]
    assert result.route_reason == "the local model: Cerebras failed, fell back"
    assert "Cerebras returned 503" in result.note and "Used the local model" in result.note
    assert len(chat.posts("/chat/completions")) == 3


def test_429_with_a_long_retry_after_goes_elsewhere_at_once_and_cools_down(routing, cloud_env):
    chat = cloud_env[0]
    chat.fail_next(429, headers={"retry-after": "30"})
    started = time.perf_counter()
    result = run_routed(routing, "a todo list")
    assert time.perf_counter() - started < 1.5
    assert result.ok and result.provider == "scripted" and "wait 30 s" in result.note
    assert len(chat.posts("/chat/completions")) == 1
    _, breaker, router = routing
    assert breaker.remaining_s("cerebras") > 25
    assert "cooling down" in router.route("next keystroke").reason


def test_a_retry_after_of_a_day_is_believed_for_ten_minutes_and_says_so(routing, cloud_env):
    chat = cloud_env[0]
    chat.fail_next(429, headers={"retry-after": "99999"})
    result = run_routed(routing, "a todo list")
    assert result.ok and result.provider == "scripted"
    assert "wait 99999 s; Keystroke asks again within 10 minutes" in result.note
    _, breaker, router = routing
    assert 590 < breaker.remaining_s("cerebras") <= 600
    reason = router.route("next keystroke").reason
    assert re.search(r"\((10 min 0|9 min 5\d) s left\)", reason), reason


def test_429_with_a_short_retry_after_waits_that_long_then_retries(routing, cloud_env):
    chat = cloud_env[0]
    chat.fail_next(429, headers={"retry-after-ms": "400"})
    started = time.perf_counter()
    result = run_routed(routing, "a todo list")
    assert result.ok and result.provider == "cerebras"
    assert time.perf_counter() - started >= 0.4


def test_a_rejected_key_is_not_retried(routing, cloud_env, monkeypatch):
    chat = cloud_env[0]
    monkeypatch.setenv("CEREBRAS_API_KEY", "csk-wrong-key-000000")
    pool, breaker, router = routing
    result = final(generate_routed(pool, router.route("a todo list"),
                                   GenerationRequest("a todo list"), breaker))
    assert len(chat.posts("/chat/completions")) == 1
    assert result.provider == "scripted" and "Settings → Providers" in result.note
    assert breaker.is_open("cerebras")


def test_an_escalated_request_streams_from_claude(routing, cloud_env):
    chat, claude = cloud_env
    result = run_routed(routing, "/sonnet a kanban board", "commit")
    assert result.ok and result.provider == "anthropic" and "asked for Claude" in \
        result.route_reason
    assert len(claude.posts("/v1/messages")) == 1 and chat.posts("/chat/completions") == []
    assert "a kanban board" in result.code and "/sonnet" not in result.code


def test_an_overloaded_claude_falls_back_to_the_fast_tier(routing, cloud_env):
    chat, claude = cloud_env
    claude.fail_next(529, "overloaded_error", "Overloaded", times=3)
    result = run_routed(routing, "/sonnet a kanban board", "commit")
    assert result.ok and result.provider == "cerebras"
    assert len(chat.posts("/chat/completions")) == 1
    assert "Anthropic returned 529" in result.note
    assert len(claude.posts("/v1/messages")) == 3


def test_a_mid_stream_error_is_not_retried_and_keeps_the_partial_page(routing, cloud_env):
    claude = cloud_env[1]
    claude.cut_next(5, "overloaded_error", "Overloaded")
    result = run_routed(routing, "/sonnet a kanban board", "commit")
    assert result.provider == "anthropic" and result.code and not result.ok
    assert len(claude.posts("/v1/messages")) == 1


def test_keys_never_reach_the_database_logs_or_settings(routing, cloud_env, caplog,
                                                        monkeypatch):
    caplog.set_level(logging.DEBUG)
    chat = cloud_env[0]
    store = Store()
    project = store.create_project("secrets")
    chat.fail_next(401)
    for instruction, purpose in (("a todo list", "keystroke"), ("/sonnet a todo", "commit"),
                                 ("a todo list with dates", "commit")):
        result = run_routed(routing, instruction, purpose, base=big_app(20))
        history.record_draft(store, project.id, instruction, result)
        if result.code:
            history.commit(store, project.id, instruction, result, None)
    Settings().save()
    store.close()
    everything = caplog.text.encode()
    for path in paths.data_home().rglob("*"):
        if path.is_file():
            everything += path.read_bytes()
    with sqlite3.connect(paths.data_home() / "keystroke.db") as db:
        everything += "".join(db.iterdump()).encode()
    for secret in (CEREBRAS_KEY, ANTHROPIC_KEY, "SECRET"):
        assert secret.encode() not in everything
    assert b"Bearer" not in everything


def test_each_provider_is_asked_for_edits_in_its_own_format(cloud_env, local):
    chat = cloud_env[0]
    chat.fail_next(401)  # Cerebras refuses; the local model then gets its own format
    settings = Settings(edit_format="whole", cloud_edit_format="search-replace")
    pool = ProviderPool(settings, local_loader=lambda: local)
    breaker = CircuitBreaker()
    decision = Router(settings, breaker, pool.available()).route("make it red")
    base = "<!DOCTYPE html>\n<html><body><h1>Hi</h1></body></html>"
    final(generate_routed(pool, decision, GenerationRequest("make it red", base), breaker,
                          edit_format_for=settings.edit_format_for))
    pool.close()
    asked_cloud = chat.posts("/chat/completions")[0].body["messages"][-1]["content"]
    asked_local = local.requests[0].messages[-1].content
    assert "SEARCH/REPLACE" in asked_cloud and "SEARCH/REPLACE" not in asked_local
    assert "complete updated HTML document" in asked_local
