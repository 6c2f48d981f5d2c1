from __future__ import annotations

import pytest

from desktop.core.runtime.val_server import ValServer


@pytest.fixture
def server(tmp_path):
    """A val server with a scratch data folder, stopped after the test."""
    val_server = ValServer(tmp_path / "sandbox")
    yield val_server
    val_server.stop()
