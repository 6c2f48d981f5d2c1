"""Hostile pages and vals run against the real window and preview (tests/ui's fixtures)."""

from tests.ui.conftest import preview, provider, window  # noqa: F401
