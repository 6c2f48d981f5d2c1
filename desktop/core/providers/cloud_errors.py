"""SDK exceptions turned into an `Error` a user can act on.

The Anthropic, Cerebras and OpenAI SDKs are generated from the same template, so their
exceptions have the same shape (`status_code`, `response`, `body`) without sharing classes;
this module reads that shape, so one mapping serves all three. Every message says what to
do next, and none of them ever contains the key.
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass
from typing import Any

from desktop.core.providers.base import Error, ErrorKind


@dataclass(frozen=True)
class CloudTarget:
    """Who we were talking to, for messages: "Cerebras", its base URL, and where its key
    comes from."""

    label: str
    base_url: str
    key_env_var: str
    secret: str = ""  # scrubbed from every message, whatever the server echoed back


# The longest a Retry-After is believed: a server that asks for a day still gets asked again
# within this (routing/breaker.py).
MAX_RETRY_AFTER_S = 600.0


def retry_after_s(headers: Any) -> float | None:
    """Seconds the server asked us to wait: `retry-after-ms`, then `retry-after` as seconds
    or as an HTTP date."""
    if headers is None:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value.strip() else None
        return None if parsed is None else max(0.0, parsed.timestamp() - time.time())


def _error_body(exc: Any) -> dict:
    body = getattr(exc, "body", None)
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return body["error"]
    return body if isinstance(body, dict) else {}


_TYPE_KINDS: dict[str, ErrorKind] = {
    "overloaded_error": "unavailable", "api_error": "unavailable",
    "server_error": "unavailable", "service_unavailable": "unavailable",
    "rate_limit_error": "rate_limit", "queue_exceeded": "rate_limit",
    "too_many_requests_error": "rate_limit",
    "authentication_error": "auth", "permission_error": "auth", "wrong_api_key": "auth",
    "invalid_request_error": "bad_request", "not_found_error": "bad_request",
    "model_not_found": "bad_request",
}


def _kind_of(status: int, error_type: str) -> ErrorKind:
    """The status decides; the error type only where it does not (an error event in a
    stream that began with HTTP 200, or a plain 400)."""
    if status in (401, 402, 403):
        return "auth"
    if status == 429:
        return "rate_limit"
    if status in (408, 409) or status >= 500:
        return "unavailable"
    if error_type in _TYPE_KINDS:
        return _TYPE_KINDS[error_type]
    return "bad_request" if 400 <= status < 500 else "other"


def error_from_exception(exc: BaseException, target: CloudTarget, timeout_s: float,
                         partial_tokens: int = 0) -> Error:
    """The user-facing Error for an exception raised by an SDK call or its stream."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    label = target.label
    kept = (f" The {partial_tokens} tokens that had arrived are kept." if partial_tokens
            else "")
    if "APITimeoutError" in names or isinstance(exc, TimeoutError):
        return Error(f"{label} did not answer within {timeout_s:g} s.{kept} Check the network, "
                     "or raise the timeout in Settings.", kind="timeout")
    status = getattr(exc, "status_code", None)
    if status is None:
        if "APIConnectionError" in names or isinstance(exc, OSError):
            return Error(f"Could not reach {label} at {target.base_url}.{kept} Check the network "
                         "connection or the base URL in Settings.", kind="network")
        return Error(_scrub(f"{label} failed: {exc}.{kept}", target), kind="other")
    body = _error_body(exc)
    error_type = str(body.get("type") or body.get("code") or "")
    detail = str(body.get("message") or "").strip().rstrip(".")
    kind = _kind_of(status, error_type)
    wait = retry_after_s(getattr(getattr(exc, "response", None), "headers", None))
    what = (f"{label} stopped mid-reply" if status < 300 else f"{label} returned {status}"
            ) + (f" ({error_type})" if error_type else "")
    if detail:
        what += f": {detail}"
    if kind == "auth":
        fix = ("Fix: check the key in Settings → Providers (or the "
               f"{target.key_env_var} environment variable).")
        if status == 402:
            fix = "Fix: check the account's plan or billing, or use another provider."
    elif partial_tokens:
        fix = "Type on or press Enter to ask again."
    elif kind == "rate_limit":
        fix = ("It asked to wait " + (f"{wait:g} s" if wait is not None else "a moment") +
               (f"; Keystroke asks again within {MAX_RETRY_AFTER_S / 60:g} minutes"
                if wait is not None and wait > MAX_RETRY_AFTER_S else "") +
               ". Keystroke uses another model meanwhile.")
    elif kind == "unavailable":
        fix = "The service is having trouble; Keystroke tries again, then another model."
    elif "model" in error_type or (status == 404 and "model" in detail.lower()):
        fix = "Fix: choose another model in Settings → Providers."
    else:
        fix = "This request was refused; try rewording it or another model."
    message = _scrub(f"{what}.{kept} {fix}", target)
    return Error(message, kind=kind, retry_after_s=wait, status=status)


def _scrub(text: str, target: CloudTarget) -> str:
    return text.replace(target.secret, "[key]") if len(target.secret) >= 8 else text
