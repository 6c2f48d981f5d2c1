"""API keys: where they come from, and the one place they are kept.

Order: a key given explicitly (typed into Settings for this session, or passed by the
caller) → the OS keyring (`keyring`) → the SDK's environment variable. Keys are never
written to the settings file, the database or a log; when the machine has no keyring
backend, that is said plainly and the environment variables still work.

keyring calls may talk to a desktop service over D-Bus: call these off the GUI thread.
"""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass

log = logging.getLogger(__name__)

SERVICE = "keystroke"
ENV_VARS = {"cerebras": "CEREBRAS_API_KEY", "anthropic": "ANTHROPIC_API_KEY",
            "openai": "OPENAI_API_KEY", "valtown": "VAL_TOWN_API_KEY"}
BASE_URL_ENV_VARS = {"cerebras": "CEREBRAS_BASE_URL", "anthropic": "ANTHROPIC_BASE_URL",
                     "openai": "OPENAI_BASE_URL", "valtown": "VAL_TOWN_BASE_URL"}


@dataclass(frozen=True)
class KeyLookup:
    key: str  # "" when there is none
    source: str  # "session", "keyring", "environment" or "" (none)


_session: dict[str, str] = {}  # keys typed in this session when no keyring can keep them


def _keyring():
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return None
    return keyring


def keyring_status() -> str:
    """"" when a keyring backend works, else what the user should know."""
    try:
        if _keyring() is not None:
            return ""
    except Exception as exc:  # a broken backend must not stop the app
        log.warning("keyring is unusable: %s", type(exc).__name__)
    return ("No system keyring is available on this machine, so keys are kept for this "
            "session only. To keep them, set CEREBRAS_API_KEY / ANTHROPIC_API_KEY / "
            "OPENAI_API_KEY in the environment.")


def lookup(provider_id: str, explicit: str = "") -> KeyLookup:
    if explicit:
        return KeyLookup(explicit, "session")
    if provider_id in _session:
        return KeyLookup(_session[provider_id], "session")
    try:
        ring = _keyring()
        stored = ring.get_password(SERVICE, provider_id) if ring else None
    except Exception as exc:
        log.warning("Could not read the %s key from the keyring: %s", provider_id,
                    type(exc).__name__)
        stored = None
    if stored:
        return KeyLookup(stored, "keyring")
    env = os.environ.get(ENV_VARS.get(provider_id, ""), "")
    return KeyLookup(env, "environment" if env else "")


def save(provider_id: str, key: str) -> str:
    """Keep the key (in the keyring when there is one). Returns where it went."""
    key = key.strip()
    ring = None
    try:
        ring = _keyring()
        if ring is not None:
            if key:
                ring.set_password(SERVICE, provider_id, key)
            else:
                _forget(ring, provider_id)
            _session.pop(provider_id, None)
            return "keyring"
    except Exception as exc:
        log.warning("Could not write the %s key to the keyring: %s", provider_id,
                    type(exc).__name__)
    if key:
        _session[provider_id] = key
    else:
        _session.pop(provider_id, None)
    return "session"


def _forget(ring, provider_id: str) -> None:
    from keyring.errors import PasswordDeleteError

    with contextlib.suppress(PasswordDeleteError):  # there was none
        ring.delete_password(SERVICE, provider_id)


def base_url(provider_id: str, configured: str) -> str:
    """The base URL from settings, else the SDK's own environment variable, else ""."""
    return configured or os.environ.get(BASE_URL_ENV_VARS.get(provider_id, ""), "")
