"""No false alarms: hand-written apps that work (timers, a list with Remove, tabs, live
counting, clickable stars and a dropdown, a counter with Reset) get no findings, including
the controls that do nothing only in the state they were first clicked in (Reset at 0, the
tab already shown)."""

from __future__ import annotations

import pytest

from tests.conftest import PAGES
from tests.ui.test_self_test import self_test

WORKING = sorted((PAGES / "working").glob("*.html"))


@pytest.mark.parametrize("page", WORKING, ids=lambda p: p.stem)
def test_a_working_app_has_no_findings(qtbot, page):
    result = self_test(qtbot, page.read_text(encoding="utf-8"))
    assert result.works, result.problems
    assert result.controls >= 1
