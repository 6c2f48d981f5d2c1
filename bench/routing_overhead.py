"""What routing and failing over cost, against the local fake Cerebras server.

The happy path (router + failover around `generate()`) against calling `generate()` on the
same provider directly, in the same process; then the failure paths a user waits through
before another model answers: a busy service retried, a long 429, a silent server. The fake
answers in milliseconds, so these figures are our own overhead and waits, not Cerebras's
speed.

    python bench/routing_overhead.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("KEYSTROKE_HOME", tempfile.mkdtemp(prefix="keystroke-bench-"))
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

from desktop.core.generation.generate import GenerationRequest, generate
from desktop.core.routing.breaker import CircuitBreaker
from desktop.core.routing.failover import generate_routed
from desktop.core.routing.pool import ProviderPool
from desktop.core.routing.router import Router
from desktop.core.settings import Settings
from tests.fakes.chat_server import ChatCompletionsServer
from tests.fakes.scripted_provider import ScriptedProvider
from tests.fakes.wire_server import Scenario

KEY = "csk-bench-0123456789"


def timed(events) -> tuple[float, float, str]:
    started = time.perf_counter()
    result = list(events)[-1]
    return result.ttft_ms or 0.0, (time.perf_counter() - started) * 1000, result.provider


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    with ChatCompletionsServer(api_key=KEY) as server:
        os.environ.update(CEREBRAS_API_KEY=KEY, CEREBRAS_BASE_URL=server.url)
        settings = Settings(request_timeout_s=1.0)
        pool = ProviderPool(settings, local_loader=lambda: ScriptedProvider(delay_s=0))
        breaker = CircuitBreaker()
        router = Router(settings, breaker, pool.available())
        provider = pool.get("cerebras")
        request = GenerationRequest("a counter")

        def direct():
            return timed(generate(provider, request))

        def routed():
            return timed(generate_routed(pool, router.route("a counter"), request, breaker))

        for _ in range(5):
            direct(), routed()
        rows = {"generate() directly": [direct() for _ in range(args.runs)],
                "router + failover": [routed() for _ in range(args.runs)]}
        print(f"happy path, {args.runs} runs each (p50):")
        for name, runs in rows.items():
            print(f"  {name:22s} first token {statistics.median(r[0] for r in runs):6.2f} ms"
                  f"   whole reply {statistics.median(r[1] for r in runs):6.2f} ms")
        ratio = (statistics.median(r[1] for r in rows["router + failover"])
                 / statistics.median(r[1] for r in rows["generate() directly"]))
        print(f"  routed ÷ direct (whole reply): {ratio:.3f}")

        print("failure paths (time until a page from another model):")
        cases = [("503 three times", lambda: server.fail_next(503, times=3)),
                 ("429, Retry-After 30 s", lambda: server.fail_next(
                     429, headers={"retry-after": "30"})),
                 ("silent for 3 s (timeout 1 s)", lambda: [
                     server.script(Scenario(stall_s=3.0)) for _ in range(3)])]
        for name, arrange in cases:
            breaker.reset()
            arrange()
            _, total, who = timed(generate_routed(pool, router.route("x"),
                                                  GenerationRequest("x"), breaker))
            print(f"  {name:30s} {total:7.0f} ms  → answered by {who}")
        pool.close()


if __name__ == "__main__":
    main()
