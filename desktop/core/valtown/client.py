"""A small client for Val Town's REST API v2 (there is no official Python SDK).

Retries 429 and 5xx a few times, honouring Retry-After; never retries a 409 (on create it
means "exists", which the exporter handles). Errors carry the status and the server's
message; the token is never part of one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx

from desktop.core import keys
from desktop.core.providers.cloud_errors import retry_after_s

DEFAULT_BASE_URL = "https://api.val.town"
RETRIES = 3
MAX_WAIT_S = 10.0

TOKEN_ENV_VAR = "VAL_TOWN_API_KEY"
BASE_URL_ENV_VAR = "VAL_TOWN_BASE_URL"


def stored_token(explicit: str = "") -> keys.KeyLookup:
    """The Val Town token: typed, else the keyring, else VAL_TOWN_API_KEY."""
    return keys.lookup("valtown", TOKEN_ENV_VAR, explicit)


def base_url(configured: str) -> str:
    return keys.base_url(configured, BASE_URL_ENV_VAR)


@dataclass
class ValTownError(Exception):
    status: int
    message: str

    def __str__(self) -> str:
        return f"Val Town answered {self.status}: {self.message}"


class ValTownClient:
    def __init__(self, token: str, base_url: str = "", timeout_s: float = 30.0,
                 sleep=time.sleep) -> None:
        self._http = httpx.Client(base_url=base_url or DEFAULT_BASE_URL, timeout=timeout_s,
                                  headers={"Authorization": f"Bearer {token}"})
        self._sleep = sleep

    def request(self, method: str, path: str, *, params: dict | None = None,
                json: Any = None) -> Any:
        for attempt in range(RETRIES + 1):
            try:
                response = self._http.request(method, path, params=params, json=json)
            except httpx.TransportError as exc:
                if attempt == RETRIES:
                    raise ValTownError(0, f"could not reach {self._http.base_url} ({exc}). "
                                          "Check the network or the base URL.") from None
                self._sleep(0.5 * 2 ** attempt)
                continue
            busy = response.status_code == 429 or response.status_code >= 500
            if busy and attempt < RETRIES:
                wait = retry_after_s(response.headers)
                self._sleep(min(wait if wait is not None else 0.5 * 2 ** attempt, MAX_WAIT_S))
                continue
            if response.status_code >= 400:
                raise ValTownError(response.status_code, _message(response))
            return response.json() if response.content else None
        raise AssertionError("unreachable")

    def me(self) -> dict:
        return self.request("GET", "/v1/me")

    def create_val(self, name: str, privacy: str = "public", description: str = "") -> dict:
        body = {"name": name, "privacy": privacy}
        if description:
            body["description"] = description[:64]
        return self.request("POST", "/v2/vals", json=body)

    def val(self, val_id: str) -> dict:
        return self.request("GET", f"/v2/vals/{val_id}")

    def val_by_name(self, username: str, name: str) -> dict:
        return self.request("GET", f"/v2/alias/vals/{username}/{name}")

    def main_branch(self, val_id: str) -> dict:
        branches = self.request("GET", f"/v2/vals/{val_id}/branches")["data"]
        return next(b for b in branches if b["name"] == "main")

    def create_file(self, val_id: str, path: str, type_: str, content: str | None) -> dict:
        body: dict = {"type": type_}
        if content is not None:
            body["content"] = content
        return self.request("POST", f"/v2/vals/{val_id}/files", params={"path": path},
                            json=body)

    def update_file(self, val_id: str, path: str, type_: str, content: str) -> dict:
        return self.request("PUT", f"/v2/vals/{val_id}/files", params={"path": path},
                            json={"content": content, "type": type_})

    def close(self) -> None:
        self._http.close()


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:300] or response.reason_phrase
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error") or body)[:300]
    return str(body)[:300]
