"""Hostile vals under the real Deno try to take the machine's memory: JavaScript objects
without end (V8 used to grow until it crashed after 90 s), and buffers, which the heap limit
does not count (4 GB of them were allowed). The limits hold, the val says it ran out of
memory, and a val that stays within them keeps working."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest

from desktop.core.runtime.val_server import DATA_LIMIT_MB, OUT_OF_MEMORY, ValServer

OBJECTS = """
const keep: number[][] = [];
export default async function (req: Request): Promise<Response> {
  if (new URL(req.url).pathname === "/grow") {
    for (;;) keep.push(new Array(1e5).fill(Math.random()));
  }
  return new Response("alive");
}
"""

BUFFERS = """
const keep: Uint8Array[] = [];
export default async function (req: Request): Promise<Response> {
  if (new URL(req.url).pathname === "/grow") {
    for (let i = 0; i < 40; i++) {
      const b = new Uint8Array(100 * 1024 * 1024); b.fill(1); keep.push(b);
    }
  }
  return new Response("alive");
}
"""


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except (urllib.error.URLError, ConnectionError) as error:
        return 0, str(error)


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


@pytest.fixture
def val(tmp_path):
    server = ValServer(tmp_path / "sandbox")
    yield server
    server.stop()


def test_a_val_that_grows_without_end_is_stopped_and_says_it_ran_out_of_memory(val):
    url = val.start(OBJECTS)
    assert get(url) == (200, "alive")
    started = time.monotonic()
    get(url + "grow")
    deadline = time.monotonic() + 60
    while val.running and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not val.running and time.monotonic() - started < 30
    assert [e.message for e in val.errors if e.kind == "memory"] == [OUT_OF_MEMORY]
    assert len(val.errors) <= 3  # one sentence, not V8's crash dump line by line


def test_buffers_stop_at_the_limit_and_the_val_lives_on(val):
    url = val.start(BUFFERS)
    status, _body = get(url + "grow")
    assert status == 500
    errors = val.wait_for_errors(1)
    assert any("allocation failed" in e.message for e in errors), errors
    assert rss_mb(val.pid) < DATA_LIMIT_MB
    assert get(url) == (200, "alive")
