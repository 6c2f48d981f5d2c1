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

import re
from dataclasses import dataclass
from typing import Literal

from desktop.core.routing.breaker import CircuitBreaker
from desktop.core.settings import Settings

STRONG_COMMAND = "/sonnet"
COMMANDS = frozenset({STRONG_COMMAND, "/val", "/page"})
LABELS = {"local": "the local model", "local-strong": "the local strong model",
          "cerebras": "Cerebras", "openai": "the OpenAI-compatible server",
          "anthropic": "Claude"}

# What the fast tier does badly, by what the instruction asks for. Checked on Enter only.
HARD_REQUESTS: list[tuple[str, re.Pattern[str]]] = [
    ("a backend", re.compile(r"\b(back[- ]?end|server[- ]side|api endpoints?|http val|"
                             r"webhooks?|cron|proxy)\b", re.I)),
    ("storage", re.compile(r"\b(databases?|sqlite|sql|persist\w*|blob storage|"
                           r"save \w+ on the server)\b", re.I)),
    ("auth", re.compile(r"\b(log ?ins?|sign[- ]?(in|up)|auth\w*|passwords?|user accounts?|"
                        r"oauth)\b", re.I)),
    ("several files", re.compile(r"\b(several|multiple|separate|many) files\b", re.I)),
]

Purpose = Literal["keystroke", "commit"]
STRONG_TIER = frozenset({"anthropic", "local-strong"})


@dataclass(frozen=True)
class RouteDecision:
    provider_id: str
    reason: str  # short and human, shown in the status bar and by `generate --json`
    fallbacks: tuple[str, ...] = ()
    escalated: bool = False
    instruction: str = ""  # what the model is asked, a leading /sonnet removed


def hard_request(instruction: str) -> str:
    """What about the instruction needs the strong tier ("a backend"), or ""."""
    for label, pattern in HARD_REQUESTS:
        if pattern.search(instruction):
            return label
    return ""


def leading_commands(instruction: str) -> tuple[set[str], str]:
    """The commands an instruction starts with (/sonnet, and /val or /page, which choose
    the kind of app: generation/kinds.py) and the instruction without them."""
    commands: set[str] = set()
    words = instruction.split(maxsplit=1)
    while words and words[0].lower() in COMMANDS:
        commands.add(words[0].lower())
        words = words[1].split(maxsplit=1) if len(words) > 1 else []
    return commands, " ".join(words).strip() if commands else instruction.strip()


def strip_command(instruction: str) -> tuple[str, bool]:
    """The instruction without its commands, and whether it asked for Claude."""
    commands, text = leading_commands(instruction)
    return text, STRONG_COMMAND in commands


@dataclass
class Router:
    settings: Settings
    breaker: CircuitBreaker
    available: frozenset[str] = frozenset({"local"})  # providers with a key or a server set

    def fast_tier(self) -> tuple[str, str]:
        """(provider id, why) for the fast tier right now."""
        choice = self.settings.fast_provider
        if choice == "local":
            return "local", "local model (chosen in Settings)"
        candidates = ["cerebras", "openai"] if choice == "auto" else [choice]
        skipped = []
        for pid in candidates:
            if pid not in self.available:
                if choice != "auto":
                    skipped.append(f"{LABELS[pid]} is not set up")
                continue
            if self.breaker.is_open(pid):
                skipped.append(f"{LABELS[pid]} is cooling down after failures "
                               f"({self.breaker.remaining_s(pid):.0f} s left)")
                continue
            return pid, f"fast tier: {LABELS[pid]}"
        if skipped:
            return "local", "local model: " + "; ".join(skipped)
        return "local", "local model (no cloud key set)"

    def route(self, instruction: str, purpose: Purpose = "keystroke", *,
              want_strong: bool = False, fast_failure: str = "",
              spent_today_usd: float = 0.0, strong_why: str = "asked for Claude"
              ) -> RouteDecision:
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
            blocked = self._strong_blocked(spent_today_usd)
            if not blocked:
                return RouteDecision("anthropic", f"Claude: {why}",
                                     self._fallbacks("anthropic", fast), True, text)
            if "local-strong" in self.available and not self.breaker.is_open("local-strong"):
                reason = f"local strong model: {why} (Claude: {blocked})"
                return RouteDecision("local-strong", reason,
                                     self._fallbacks("local-strong", fast), True, text)
            fast_reason = f"{fast_reason} — {why}, but {blocked}"
        elif purpose == "keystroke" and (want_strong or commanded):
            strong = ("Claude" if not self._strong_blocked(spent_today_usd) or
                      "local-strong" not in self.available else "the local strong model")
            fast_reason += f"; {strong} answers on Enter"
        return RouteDecision(fast, fast_reason, self._fallbacks(fast, fast), False, text)

    def forced(self, provider_id: str, instruction: str) -> RouteDecision:
        """The user named the provider (`--provider`): no routing and no falling back."""
        text, _ = strip_command(instruction)
        return RouteDecision(provider_id, f"{LABELS[provider_id]} (chosen with --provider)",
                             (), provider_id == "anthropic", text)

    def _strong_blocked(self, spent_today_usd: float) -> str:
        if "anthropic" not in self.available:
            return "no Anthropic key is set (Settings → Providers)"
        if self.breaker.is_open("anthropic"):
            return (f"Claude is cooling down after failures "
                    f"({self.breaker.remaining_s('anthropic'):.0f} s left)")
        cap = self.settings.daily_spend_cap_usd
        if cap > 0 and spent_today_usd >= cap:
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
