"""One HTTP val served on 127.0.0.1 by Deno, with the fewest permissions that work.

Deno gets: network (to serve on 127.0.0.1, and for the val's own fetches; never to listen
on the machine's network addresses), read and write inside the
project's sandbox folder only (plus read of the val and the shims), two environment
variables (where the sandbox and the model bridge are), and nothing else: no
subprocesses, no FFI, no prompts. Memory is bounded too: a JavaScript heap of HEAP_LIMIT_MB
(V8 stops the val with "out of memory") and, on Linux, DATA_LIMIT_MB of writable memory in
all (buffers included, which the heap limit does not count). A plain val uses about 40 MB
resident and 560 MB of that data allowance (thread stacks, V8's reservations), so a val gets
about 1 GB to work with.
Errors come back as structured lines from resources/deno/server.ts; anything else Deno says
on stderr (a permission denied, a type error at start) is kept too.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from desktop.core import paths
from desktop.core.runtime.import_map import import_map, unsupported

READY_TIMEOUT_S = 20.0
HEAP_LIMIT_MB = 512
DATA_LIMIT_MB = 1536
OUT_OF_MEMORY = (f"The val ran out of memory (a val may use about {HEAP_LIMIT_MB} MB of "
                 "JavaScript objects and 1 GB in all) and was stopped. Fix: keep less in "
                 "memory, or store it with std/sqlite or std/blob.")


def reachable_from_outside() -> list[str]:
    """Addresses a val must not listen on: every interface at once, and this machine's
    own network addresses (a val that served on them would hand whatever it can reach,
    the model bridge included, to the network). Loopback stays open."""
    found = {"0.0.0.0", "[::]"}
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(socket.gethostname(), None):
            found.add(info[4][0])
    for family, probe in ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1")):
        with contextlib.suppress(OSError), socket.socket(family, socket.SOCK_DGRAM) as udp:
            udp.connect((probe, 9))  # picks the outgoing interface; sends nothing
            found.add(udp.getsockname()[0])
    addresses = {f"[{a}]" if ":" in a and not a.startswith("[") else a for a in found
                 if not a.startswith(("127.", "::1", "[::1]"))}
    return sorted(addresses)


def _limit_memory() -> None:
    """In the Deno process, before it starts: the ceiling on its writable memory."""
    import resource

    limit = DATA_LIMIT_MB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


class ValRuntimeError(Exception):
    """The val could not be served; the message says why and what to do."""


@dataclass(frozen=True)
class ValError:
    kind: str  # startup | request | stderr
    message: str
    stack: str = ""


def deno_binary() -> str:
    """The Deno that ships in the `deno` package on the Python index (the one-folder build
    carries that binary in its bin/ folder)."""
    bundled = paths.bundled("bin") / ("deno.exe" if os.name == "nt" else "deno")
    if bundled.is_file():
        return str(bundled)
    try:
        import deno
    except ImportError:
        raise ValRuntimeError("Deno is not installed. Fix: pip install deno (it ships the "
                              "binary; Keystroke needs no network to run vals).") from None
    path = deno.find_deno_bin()
    if not path or not Path(path).exists():
        raise ValRuntimeError(f"The deno package has no binary at {path}. Fix: pip install "
                              "--force-reinstall deno.")
    return str(path)


class ValServer:
    """Start with `start(code)`; `url` is then where the val answers. `errors` collects
    what went wrong, in order, from any thread."""

    def __init__(self, sandbox: Path, model_bridge_url: str = "") -> None:
        """`model_bridge_url`: where std/openai is answered (model_bridge.py); without one
        a val's std/openai calls fail with a message that says so."""
        self.sandbox = sandbox
        self.model_bridge_url = model_bridge_url
        self.errors: list[ValError] = []
        self.url = ""
        self._process: subprocess.Popen | None = None
        self._readers: list[threading.Thread] = []
        self._lock = threading.Lock()

    def start(self, code: str, port: int = 0) -> str:
        self.stop()
        missing = unsupported(code)
        if missing:
            raise ValRuntimeError("This val imports Val Town's std/" + ", std/".join(missing) +
                                  ", which Keystroke cannot run offline yet.")
        self.sandbox.mkdir(parents=True, exist_ok=True)
        shims = paths.resources_dir() / "deno" / "shims"
        val = self.sandbox / "main.http.ts"
        val.write_text(code, encoding="utf-8")
        imports = self.sandbox / "import_map.json"
        imports.write_text(json.dumps(import_map(code, shims), indent=2), encoding="utf-8")
        server = paths.resources_dir() / "deno" / "server.ts"
        readable = ",".join(str(p) for p in (self.sandbox, shims, server))
        command = [deno_binary(), "run", "--no-prompt", "--quiet",
                   f"--v8-flags=--max-old-space-size={HEAP_LIMIT_MB}",
                   "--allow-net", f"--deny-net={','.join(reachable_from_outside())}",
                   f"--allow-read={readable}", f"--allow-write={self.sandbox}",
                   "--allow-env=KEYSTROKE_VAL_DATA,KEYSTROKE_MODEL_BRIDGE",
                   f"--import-map={imports}",
                   str(server), val.as_uri(), str(port)]
        env = {"KEYSTROKE_VAL_DATA": str(self.sandbox), "PATH": os.environ.get("PATH", ""),
               "KEYSTROKE_MODEL_BRIDGE": self.model_bridge_url,
               "HOME": str(self.sandbox), "DENO_DIR": str(paths.data_home() / "deno-cache"),
               "NO_COLOR": "1"}
        with self._lock:
            self.errors = []
        self._process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
            preexec_fn=_limit_memory if os.name == "posix" else None)
        ready = threading.Event()
        listening: list[int] = []
        self._readers = [
            threading.Thread(target=self._read_stdout, args=(self._process, listening, ready),
                             daemon=True),
            threading.Thread(target=self._read_stderr, args=(self._process,), daemon=True)]
        for reader in self._readers:
            reader.start()
        if not ready.wait(READY_TIMEOUT_S) or not listening:
            self.stop()  # also waits for what Deno said before it gave up
            detail = "; ".join(e.message for e in self.errors) or "it did not start in time"
            raise ValRuntimeError(f"The val did not start: {detail}")
        self.url = f"http://127.0.0.1:{listening[0]}/"
        return self.url

    def _read_stdout(self, process: subprocess.Popen, port: list[int],
                     ready: threading.Event) -> None:
        with process.stdout:
            for line in process.stdout:
                if line.startswith("KEYSTROKE_LISTENING ") and not port:
                    port.append(int(line.split()[1]))
                    ready.set()
        ready.set()  # the process ended

    def _read_stderr(self, process: subprocess.Popen) -> None:
        with process.stderr:
            self._collect(process.stderr)

    def _collect(self, lines) -> None:
        dump = False  # inside V8's report of a fatal error: one sentence says it all
        for line in lines:
            line = line.rstrip("\n")
            if "out of memory" in line.lower() and not line.startswith("KEYSTROKE_ERROR "):
                with self._lock:
                    if all(e.kind != "memory" for e in self.errors):
                        self.errors.append(ValError("memory", OUT_OF_MEMORY))
                dump = True
                continue
            if dump or line.startswith("<--- Last few GCs"):
                dump = True
                continue
            if line.startswith("KEYSTROKE_ERROR "):
                data = json.loads(line[len("KEYSTROKE_ERROR "):])
                error = ValError(data["kind"], data["message"], data["stack"])
            elif line.strip():
                error = ValError("stderr", line)
            else:
                continue
            with self._lock:
                self.errors.append(error)

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    @property
    def exit_code(self) -> int | None:
        return None if self._process is None else self._process.poll()

    def stop(self) -> None:
        process, self._process = self._process, None
        self.url = ""
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for reader in self._readers:
            reader.join(timeout=5)

    def wait_for_errors(self, count: int, timeout_s: float = 5.0) -> list[ValError]:
        """Errors arrive on Deno's stderr a moment after the response."""
        end = time.monotonic() + timeout_s
        while time.monotonic() < end and len(self.errors) < count:
            time.sleep(0.02)
        return list(self.errors)
