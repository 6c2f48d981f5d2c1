"""Which provider serves a request, and why: every routing rule lives here.

Tiers:
- fast: Cerebras when it has a key and is healthy, else an OpenAI-compatible server when
  one is configured, else the local model. Every keystroke goes here.
- strong: Claude (Sonnet), else the local strong model (Qwen2.5-Coder 1.5B). Never per
  keystroke; only when a request is kept (Enter) and
  1. the user asked for it: Ctrl+Enter, the toolbar toggle, or an instruction that starts
     with `/sonnet`;
  2. the instruction asks for what small fast models do badly (HARD_REQUESTS below);
  3. the fast result failed: no code came back, or the page threw uncaught errors.
  Rules 2 and 3 follow the `auto_escalate` setting. Claude is skipped, with the reason, when
  it has no key, is cooling down after failures (an unreachable network opens its breaker),
  or today's spend reached the cap; the local strong model answers then. Without one (turned
  off, or not installed) the fast tier answers and the reason says why.

A working draft is kept as it is on a plain Enter: it is on screen, it works, and the
strong tier would take seconds (Claude) to a minute (the local 1.5B) to rewrite it.

A failing provider falls back along the chain: Claude → fast cloud → local strong → local;
local strong → local; fast cloud → local (failover.py does the falling back).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from desktop.core.generation.instructions import hard_request, strip_command
from desktop.core.providers import registry
from desktop.core.providers.pricing import cost_usd
from desktop.core.routing.breaker import CircuitBreaker, time_left
from desktop.core.settings import Settings

log = logging.getLogger(__name__)
Purpose = Literal["keystroke", "commit"]
STRONG_TIER = frozenset({"anthropic", "local-strong"})


@dataclass(frozen=True)
class RouteDecision:
    provider_id: str
    reason: str  # short and human, shown in the status bar and by `generate --json`
    fallbacks: tuple[str, ...] = ()
    escalated: bool = False
    instruction: str = ""  # what the model is asked, a leading /sonnet removed


@dataclass
class Router:
    settings: Settings
    breaker: CircuitBreaker
    available: frozenset[str] = frozenset({"local"})  # providers with a key or a server set
    # Today's spend in US dollars, asked only when the strong tier is wanted (the CLI reads
    # the database; the window answers from what it last read off the GUI thread).
    spent_today: Callable[[], float] = field(default=lambda: 0.0)

    def fast_tier(self) -> tuple[str, str]:
        """(provider id, why) for the fast tier right now."""
        choice = self.settings.fast_provider
        if choice == "local":
            return "local", "local model (chosen in Settings)"
        fast_cloud = registry.fast_cloud()
        if choice != "auto" and choice not in fast_cloud:
            log.warning("Unknown fast_provider %r; routing as 'auto'", choice)
            choice = "auto"
        candidates = fast_cloud if choice == "auto" else [choice]
        skipped = []
        for pid in candidates:
            if pid not in self.available:
                if choice != "auto":
                    skipped.append(f"{registry.label(pid)} is not set up")
                continue
            if self.breaker.is_open(pid):
                skipped.append(f"{registry.label(pid)} is cooling down after failures "
                               f"({time_left(self.breaker.remaining_s(pid))} left)")
                continue
            return pid, f"fast tier: {registry.label(pid)}"
        if skipped:
            return "local", "local model: " + "; ".join(skipped)
        return "local", "local model (no cloud key set)"

    def route(self, instruction: str, purpose: Purpose = "keystroke", *,
              want_strong: bool = False, fast_failure: str = "",
              strong_why: str = "asked for Claude") -> RouteDecision:
        """`want_strong`: Ctrl+Enter, the toolbar toggle or Fix it, and `strong_why` says
        which. `fast_failure`: why the fast tier's result for this instruction failed."""
        text, commanded = strip_command(instruction)
        fast, fast_reason = self.fast_tier()
        why = ""
        if purpose == "commit":
            if want_strong or commanded:
                why = strong_why if want_strong else "asked for Claude"
            elif self.settings.auto_escalate and fast_failure:
                why = f"the fast result failed ({fast_failure})"
            elif self.settings.auto_escalate and (hard := hard_request(text)):
                why = f"the request needs {hard}"
        if why:
            blocked = self._strong_blocked()
            if not blocked:
                return RouteDecision("anthropic", f"Claude: {why}",
                                     self._fallbacks("anthropic", fast), True, text)
            if "local-strong" in self.available and not self.breaker.is_open("local-strong"):
                reason = f"local strong model: {why} (Claude: {blocked})"
                return RouteDecision("local-strong", reason,
                                     self._fallbacks("local-strong", fast), True, text)
            fast_reason = f"{fast_reason} — {why}, but {blocked}"
        elif purpose == "keystroke" and (want_strong or commanded):
            strong = ("Claude" if not self._strong_blocked() or
                      "local-strong" not in self.available else "the local strong model")
            fast_reason += f"; {strong} answers on Enter"
        return RouteDecision(fast, fast_reason, self._fallbacks(fast, fast), False, text)

    def forced(self, provider_id: str, instruction: str) -> RouteDecision:
        """The user named the provider (`--provider`): no routing and no falling back."""
        text, _ = strip_command(instruction)
        return RouteDecision(provider_id, f"{registry.label(provider_id)} (chosen with --provider)",
                             (), provider_id == "anthropic", text)

    def _strong_blocked(self) -> str:
        if "anthropic" not in self.available:
            return "no Anthropic key is set (Settings → Providers)"
        if self.breaker.is_open("anthropic"):
            return (f"Claude is cooling down after failures "
                    f"({time_left(self.breaker.remaining_s('anthropic'))} left)")
        return self.spend_refusal("anthropic", self.settings.anthropic_model)

    def spend_refusal(self, provider_id: str, model: str) -> str:
        """Why a paid model may not be called now (today's spend reached the daily cap),
        or "". Free models are never refused."""
        cap = self.settings.daily_spend_cap_usd
        if cap <= 0 or cost_usd(provider_id, model, 1000, 1000) == 0:
            return ""
        if (spent_today_usd := self.spent_today()) >= cap:
            return (f"today's spend ${spent_today_usd:.2f} reached the ${cap:.2f} daily cap "
                    "(raise it in Settings)")
        return ""

    def _fallbacks(self, first: str, fast: str) -> tuple[str, ...]:
        """After Claude, a cloud fast tier first (a 529 at Anthropic says nothing about
        Cerebras, which answers in seconds), then the local strong model, then local."""
        if first not in ("anthropic", "local-strong"):
            return tuple(p for p in ("local",) if p != first)
        strong = ["local-strong"] if "local-strong" in self.available else []
        cloud_fast = [fast] if fast != "local" and first == "anthropic" else []
        chain = [*cloud_fast, *strong, "local"]
        return tuple(dict.fromkeys(p for p in chain if p != first))
