"""The example apps that go into a new page's prompt: each one works (the self-test finds
nothing), and the nearest one sits before the request, where the KV cache keeps it."""

from __future__ import annotations

import pytest

from desktop.core.generation.examples import library, nearest_example
from desktop.core.generation.prompts import build_messages
from tests.ui.test_self_test import self_test


@pytest.mark.parametrize("example", library(), ids=lambda e: e.name)
def test_every_example_works(qtbot, example):
    result = self_test(qtbot, example.code)
    assert result.works, result.problems
    assert result.controls >= 1


def test_the_nearest_example_by_the_words_of_the_request():
    assert nearest_example("a stopwatch with Start and Stop buttons").name == "stopwatch"
    assert nearest_example("three tabs named Home, About and Contact").name == "tabs"
    assert nearest_example("a grocery list with a Remove button for each item").name == "list"
    assert nearest_example("a BMI calculator") is None  # nothing near: no example


def test_the_example_comes_before_the_request_and_stays_while_it_is_typed():
    first = build_messages("a stopwatch", "")[-1]
    later = build_messages("a stopwatch with laps", "")[-1]
    example = nearest_example("a stopwatch")
    assert example.code.strip() in first.content
    assert first.content.index(example.code.strip()) < first.content.index("The app: a stopwatch")
    assert first.content[:first.stable_prefix] == later.content[:later.stable_prefix]
    assert "keywords" not in first.content  # the library's index is not the model's business
    assert build_messages("a BMI calculator", "")[-1].stable_prefix == 0
