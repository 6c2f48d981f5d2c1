"""Open each route a val names and say which ones fail.

A val's page is tried like any page (self_test.js), but a val also answers routes its page
may never fetch while it is tried: `/api/stats`, a JSON feed, a health check. The routes are
read from the code (`url.pathname === "/api/stats"`, `case "/feed":`, Hono's
`app.get("/api/items", …)`), opened with GET on the self-test's scratch server, and any
answer of 500 or more — or none at all — is a finding, beside the error the val threw.

A route meant only for POST that throws because a GET sent it no body is not held against
the val: no person browsing the app gets there, and a false alarm would have a model
"fix" a working val.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from desktop.core.checking.self_test import Finding
from desktop.core.runtime.val_server import ValError, ValServer

MAX_ROUTES = 8
ANSWER_TIMEOUT_S = 3.0  # until the status line; a stream (server-sent events) starts at once
ERROR_WAIT_S = 1.0  # Deno's stderr trails the 500 it answered
BUDGET_S = 4.0  # for all routes: the page is still to be tried within the self-test's cap

_QUOTED = r"""["'`](/[^"'`\s?#]*)["'`]"""
_ROUTE = re.compile(
    rf"(?:\bpathname\s*===?\s*{_QUOTED}"  # if (url.pathname === "/api/stats")
    rf"|{_QUOTED}\s*===?\s*(?:\w+\.)*pathname\b"  # if ("/api/stats" === url.pathname)
    rf"|\bcase\s+{_QUOTED}\s*:"  # switch (url.pathname) { case "/feed": … }
    rf"|\.(?:get|all)\(\s*{_QUOTED})")  # Hono and routers: app.get("/api/items", …)
# What a handler throws when it reads a body that a GET does not send.
_NO_BODY = re.compile(r"Unexpected end of JSON input|Missing content type|"
                      r"(?:can ?not|could not|failed to) (?:be )?(?:parse|decode)d? .*(?:form|"
                      r"body)|Body is unusable|No number after minus sign in JSON", re.I)


# The scratch server is on 127.0.0.1: a proxy from the environment must not come between.
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class RouteCheck:
    findings: tuple[Finding, ...] = ()
    excused: tuple[ValError, ...] = ()  # errors a GET caused on a route meant for a body


def routes_of(code: str) -> list[str]:
    """The fixed paths the val answers, besides "/" (its page, tried already). Paths with
    parameters (`/items/:id`, `*`) are left out: there is nothing sensible to fill in."""
    found: list[str] = []
    for match in _ROUTE.finditer(code):
        path = next(group for group in match.groups() if group is not None)
        if path != "/" and not re.search(r"[:*{}$\[]", path) and path not in found:
            found.append(path)
    return found[:MAX_ROUTES]


def check_routes(server: ValServer, code: str) -> RouteCheck:
    """Open every route `code` names on the running `server` (blocking: off the GUI
    thread), one at a time, so each failure is matched with the error it caused."""
    findings: list[Finding] = []
    excused: list[ValError] = []
    end = time.monotonic() + BUDGET_S
    for path in routes_of(code):
        if time.monotonic() > end:
            break
        before = len(server.errors)
        status = open_route(server.url.rstrip("/") + path)
        if 0 < status < 500:
            continue
        caused = server.wait_for_errors(before + 1, ERROR_WAIT_S)[before:]
        if status and caused and all(_NO_BODY.search(error.message) for error in caused):
            excused.extend(caused)
            continue
        findings.append(Finding("server", f"Opening {path} failed: the val answered {status}"
                                if status else f"Opening {path} got no answer from the val "
                                f"within {ANSWER_TIMEOUT_S:.0f} s"))
    return RouteCheck(tuple(findings), tuple(excused))


def open_route(url: str) -> int:
    """The status the val answers a GET of `url` with; 0 when it does not answer. Only the
    status line is waited for: the body of a stream never ends."""
    try:
        with _LOCAL.open(url, timeout=ANSWER_TIMEOUT_S) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        return 0
