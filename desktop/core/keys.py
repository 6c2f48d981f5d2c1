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


@dataclass(frozen=True)
class KeyLookup:
    key: str  # "" when there is none
    source: str  # "session", "keyring", "environment" or "" (none)


_session: dict[str, str] = {}  # keys typed in this session when no keyring can keep them
_environment: dict[str, str] = {}  # keys taken out of os.environ (hide_environment_keys)


def _keyring():
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return None
    return keyring


def keyring_status(env_vars: str) -> str:
    """"" when a keyring backend works, else what the user should know. `env_vars`: the
    variables that still work (from the provider table)."""
    try:
        if _keyring() is not None:
            return ""
    except Exception as exc:  # a broken backend must not stop the app
        log.warning("keyring is unusable: %s", type(exc).__name__)
    return ("No system keyring is available on this machine, so keys are kept for this "
            f"session only. To keep them, set {env_vars} in the environment.")


def lookup(provider_id: str, env_var: str = "", explicit: str = "") -> KeyLookup:
    """The key for a provider (or a service such as Val Town); `env_var` is where its
    vendor's SDK looks (the provider table says which)."""
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
    env = (_environment.get(env_var) or os.environ.get(env_var, "")) if env_var else ""
    return KeyLookup(env, "environment" if env else "")


def hide_environment_keys(env_vars: list[str]) -> None:
    """Take the keys out of this process's environment, keeping them here: every process
    started later (the preview's Chromium helpers, which run untrusted pages) inherits the
    environment, and none of them needs a key."""
    for name in env_vars:
        if value := os.environ.pop(name, ""):
            _environment[name] = value


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


def base_url(configured: str, env_var: str) -> str:
    """The base URL from settings, else the SDK's own environment variable, else ""."""
    return configured or (os.environ.get(env_var, "") if env_var else "")
