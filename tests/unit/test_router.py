"""Every routing rule in router.py, and the circuit breaker it consults."""

import pytest

from desktop.core.generation.instructions import hard_request, strip_command
from desktop.core.routing.breaker import (
    AUTH_COOLDOWN_S,
    COOLDOWN_S,
    FAILURES_TO_OPEN,
    CircuitBreaker,
)
from desktop.core.routing.router import Router
from desktop.core.settings import Settings

ALL = frozenset({"local", "cerebras", "anthropic"})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def router(available=ALL, clock=None, spent=0.0, **settings) -> Router:
    return Router(Settings(**settings), CircuitBreaker(clock or Clock()), frozenset(available),
                  spent_today=lambda: spent)


def test_keystrokes_go_to_cerebras_when_it_has_a_key():
    decision = router().route("a todo list")
    assert decision.provider_id == "cerebras" and decision.fallbacks == ("local",)
    assert "Cerebras" in decision.reason and not decision.escalated


def test_keystrokes_go_to_the_local_model_without_a_cloud_key():
    decision = router({"local"}).route("a todo list")
    assert decision.provider_id == "local" and decision.fallbacks == ()
    assert "no cloud key" in decision.reason


def test_an_openai_compatible_server_is_the_fast_tier_when_cerebras_has_no_key():
    assert router({"local", "openai"}).route("x").provider_id == "openai"
    assert router(ALL | {"openai"}, fast_provider="openai").route("x").provider_id == "openai"


def test_choosing_local_in_settings_keeps_everything_local():
    assert router(fast_provider="local").route("a backend with a database").provider_id == "local"


@pytest.mark.parametrize("instruction", [
    "/sonnet a todo list", "a backend that stores todos", "add a login page",
    "save the scores in a database", "split it into several files", "/sonnet",
])
def test_claude_is_never_called_per_keystroke(instruction):
    assert router().route(instruction, "keystroke").provider_id == "cerebras"
    assert router().route(instruction, "keystroke", want_strong=True).provider_id == "cerebras"


def test_a_sonnet_command_escalates_on_enter_and_is_removed_from_the_instruction():
    decision = router().route("/sonnet  a chess board", "commit")
    assert decision.provider_id == "anthropic" and decision.escalated
    assert decision.instruction == "a chess board"
    assert decision.fallbacks == ("cerebras", "local")
    assert "asked for Claude" in decision.reason
    assert router().route("/sonnet a chess board").reason.endswith("Claude answers on Enter")


def test_ctrl_enter_or_the_toggle_escalates_on_enter():
    assert router().route("a chess board", "commit", want_strong=True).provider_id == "anthropic"


@pytest.mark.parametrize(("instruction", "need"), [
    ("a backend that keeps a guestbook", "a backend"),
    ("an HTTP val with api endpoints for notes", "a backend"),
    ("persist the todos", "storage"),
    ("store scores in sqlite", "storage"),
    ("users sign in with a password", "auth"),
    ("add OAuth login", "auth"),
    ("split the code into multiple files", "several files"),
])
def test_hard_requests_escalate_on_enter(instruction, need):
    assert hard_request(instruction) == need
    decision = router().route(instruction, "commit")
    assert decision.provider_id == "anthropic" and f"needs {need}" in decision.reason


@pytest.mark.parametrize("instruction", [
    "a counter with a big button", "save the list in localStorage", "a serverless-looking "
    "landing page", "a pomodoro timer", "make the files list sortable",
])
def test_front_end_requests_stay_on_the_fast_tier(instruction):
    assert hard_request(instruction) == ""
    assert router().route(instruction, "commit").provider_id == "cerebras"


def test_a_failed_fast_result_escalates_on_enter():
    decision = router().route("a counter", "commit", fast_failure="the page threw an error")
    assert decision.provider_id == "anthropic"
    assert "fast result failed (the page threw an error)" in decision.reason


def test_automatic_escalation_can_be_turned_off_but_asking_still_works():
    r = router(auto_escalate=False)
    assert r.route("a backend with a database", "commit").provider_id == "cerebras"
    assert r.route("x", "commit", fast_failure="no code").provider_id == "cerebras"
    assert r.route("/sonnet x", "commit").provider_id == "anthropic"


def test_without_an_anthropic_key_escalation_says_why_and_stays_fast():
    decision = router({"local", "cerebras"}).route("/sonnet x", "commit")
    assert decision.provider_id == "cerebras"
    assert "no Anthropic key is set" in decision.reason


def test_the_daily_spending_cap_stops_escalation_with_a_clear_message():
    assert router(spent=0.99, daily_spend_cap_usd=1.0).route(
        "/sonnet x", "commit").provider_id == "anthropic"
    decision = router(spent=1.0, daily_spend_cap_usd=1.0).route("/sonnet x", "commit")
    assert decision.provider_id == "cerebras"
    assert "$1.00 reached the $1.00 daily cap" in decision.reason
    assert "raise it in Settings" in decision.reason
    # A cap of 0 means no cap.
    assert router(spent=99, daily_spend_cap_usd=0).route(
        "/sonnet x", "commit").provider_id == "anthropic"


def test_a_cooling_down_provider_is_skipped_until_the_cooldown_ends():
    clock = Clock()
    r = router(clock=clock)
    for _ in range(FAILURES_TO_OPEN - 1):
        r.breaker.record_failure("cerebras", "unavailable")
    assert r.route("x").provider_id == "cerebras"  # not yet
    r.breaker.record_failure("cerebras", "unavailable")
    decision = r.route("x")
    assert decision.provider_id == "local" and "cooling down" in decision.reason
    clock.now += COOLDOWN_S + 1
    assert r.route("x").provider_id == "cerebras"


def test_a_rejected_key_opens_the_breaker_at_once_and_a_new_key_resets_it():
    clock = Clock()
    r = router(clock=clock)
    r.breaker.record_failure("anthropic", "auth")
    assert r.route("/sonnet x", "commit").provider_id == "cerebras"
    clock.now += AUTH_COOLDOWN_S - 10
    assert r.breaker.is_open("anthropic")
    r.breaker.reset("anthropic")
    assert r.route("/sonnet x", "commit").provider_id == "anthropic"


def test_retry_after_sets_the_cooldown():
    clock = Clock()
    breaker = CircuitBreaker(clock)
    breaker.record_failure("cerebras", "rate_limit", retry_after_s=7)
    assert breaker.remaining_s("cerebras") == pytest.approx(7)
    clock.now += 7.5
    assert not breaker.is_open("cerebras")


def test_forced_provider_has_no_fallbacks():
    decision = router().forced("anthropic", "/sonnet x")
    assert decision.provider_id == "anthropic" and decision.fallbacks == ()
    assert decision.instruction == "x" and "--provider" in decision.reason


def test_strip_command_only_takes_the_whole_word():
    assert strip_command("/sonnetized page") == ("/sonnetized page", False)
    assert strip_command("  /SONNET a page") == ("a page", True)


# -- the local strong tier (Qwen2.5-Coder 1.5B) -----------------------------------------------

OFFLINE = frozenset({"local", "local-strong"})


@pytest.mark.parametrize(("instruction", "kwargs", "why"), [
    ("a backend that stores todos", {}, "the request needs a backend"),
    ("/sonnet a chess board", {}, "asked for Claude"),
    ("a chess board", {"want_strong": True, "strong_why": "Ctrl+Enter"}, "Ctrl+Enter"),
    ("a chess board", {"fast_failure": "the page threw: x is not defined"},
     "the fast result failed (the page threw: x is not defined)"),
])
def test_offline_escalation_goes_to_the_local_strong_model_and_says_why(instruction, kwargs,
                                                                          why):
    decision = router(OFFLINE).route(instruction, "commit", **kwargs)
    assert decision.provider_id == "local-strong" and decision.escalated
    assert decision.fallbacks == ("local",)
    assert decision.reason == (f"local strong model: {why} (Claude: no Anthropic key is set "
                               "(Settings → Providers))")


def test_keystroke_drafts_never_go_to_the_local_strong_model():
    for instruction in ("a backend that stores todos", "/sonnet a chess board"):
        decision = router(OFFLINE).route(instruction, "keystroke", want_strong=True)
        assert decision.provider_id == "local"
    assert router(OFFLINE).route("/sonnet x").reason.endswith(
        "the local strong model answers on Enter")


def test_a_plain_enter_on_a_working_draft_stays_on_the_fast_tier():
    assert router(OFFLINE).route("a counter", "commit").provider_id == "local"


def test_claude_is_preferred_when_it_has_a_key_and_the_local_strong_model_backs_it_up():
    decision = router(ALL | {"local-strong"}).route("/sonnet a chess board", "commit")
    assert decision.provider_id == "anthropic"
    assert decision.fallbacks == ("cerebras", "local-strong", "local")


def test_when_claude_is_unreachable_the_next_escalation_goes_to_the_local_strong_model():
    clock = Clock()
    r = router(ALL | {"local-strong"}, clock=clock)
    for _ in range(FAILURES_TO_OPEN):
        r.breaker.record_failure("anthropic", "network")
    decision = r.route("/sonnet a chess board", "commit")
    assert decision.provider_id == "local-strong"
    assert "Claude is cooling down after failures" in decision.reason
    clock.now += COOLDOWN_S + 1
    assert r.route("/sonnet a chess board", "commit").provider_id == "anthropic"


def test_the_spending_cap_sends_escalations_to_the_free_local_strong_model():
    decision = router(ALL | {"local-strong"}, spent=1.5, daily_spend_cap_usd=1.0).route(
        "/sonnet x", "commit")
    assert decision.provider_id == "local-strong" and "daily cap" in decision.reason


def test_without_a_local_strong_model_escalation_stays_fast_and_says_why():
    decision = router({"local"}).route("/sonnet x", "commit")
    assert decision.provider_id == "local" and not decision.escalated
    assert "asked for Claude, but no Anthropic key is set" in decision.reason


def test_a_retry_after_of_a_day_skips_the_provider_for_ten_minutes_at_most():
    clock = Clock()
    breaker = CircuitBreaker(clock)
    breaker.record_failure("cerebras", "rate_limit", retry_after_s=99999)
    assert breaker.remaining_s("cerebras") == pytest.approx(600)
    clock.now += 601
    assert not breaker.is_open("cerebras")


def test_the_spending_cap_refuses_paid_models_only():
    over = router(spent=2.5, daily_spend_cap_usd=2.0)
    assert "reached the $2.00 daily cap" in over.spend_refusal("cerebras", "gpt-oss-120b")
    assert over.spend_refusal("local", "qwen2.5-coder-0.5b") == ""
    assert router(spent=1.0, daily_spend_cap_usd=2.0).spend_refusal("cerebras",
                                                                     "gpt-oss-120b") == ""
    assert router(spent=9.0, daily_spend_cap_usd=0).spend_refusal("cerebras",
                                                                   "gpt-oss-120b") == ""
