import threading

from desktop.core.generation.cache import ResultCache
from desktop.core.generation.generate import (
    CodeProgress,
    GenerationRequest,
    GenerationResult,
    generate,
)
from tests.fakes.scripted_provider import ScriptedProvider, page_for


def run(provider, instruction, cancel=None):
    events = list(generate(provider, GenerationRequest(instruction), cancel))
    return events[:-1], events[-1]


def test_generation_streams_growing_pages_then_the_result():
    # Chunks arrive slower than the 50 ms rebuild interval, so each one shows.
    progress, result = run(ScriptedProvider(chunks=10, delay_s=0.06), "a counter")
    assert all(isinstance(e, CodeProgress) for e in progress) and len(progress) >= 5
    assert isinstance(result, GenerationResult) and result.ok
    assert result.code == page_for("a counter")
    assert result.ttft_ms is not None and result.total_ms >= result.ttft_ms
    assert progress[-1].code.startswith("<!DOCTYPE html>")


def test_reply_without_code_says_so():
    provider = ScriptedProvider(reply=lambda _i: "I cannot do that.", delay_s=0)
    _, result = run(provider, "anything")
    assert result.code is None and not result.ok
    assert "no code" in result.message and "previous preview is kept" in result.message


def test_cancel_stops_the_stream_and_yields_no_code():
    cancel = threading.Event()
    provider = ScriptedProvider(chunks=50, delay_s=0.01)
    events = []
    for event in generate(provider, GenerationRequest("slow"), cancel):
        events.append(event)
        if len(events) == 3:
            cancel.set()
    result = events[-1]
    assert result.finish_reason == "cancelled" and result.code is None
    assert provider.cancelled == ["slow"]


def test_cache_ignores_spacing_and_keys_on_code_and_model():
    cache = ResultCache()
    _, result = run(ScriptedProvider(delay_s=0), "a timer")
    cache.put("a timer", "", "m1", result)
    assert cache.get("a  timer ", "", "m1").from_cache
    assert cache.get("a timer", "<p>other base</p>", "m1") is None
    assert cache.get("a timer", "", "m2") is None


def test_cache_keeps_only_good_results_and_evicts_the_oldest():
    cache = ResultCache(capacity=2)
    bad = GenerationResult(None, "no", "p", "m", "stop")
    cache.put("bad", "", "m", bad)
    assert cache.get("bad", "", "m") is None
    for name in ("one", "two", "three"):
        cache.put(name, "", "m", GenerationResult("<p></p>", "", "p", "m", "stop"))
    assert cache.get("one", "", "m") is None and cache.get("three", "", "m") is not None


BASE = "<!DOCTYPE html>\n<html><body>\n  <h1>Old title</h1>\n  <p>Body</p>\n</body></html>\n"


def test_an_edit_reply_is_applied_to_the_base_code():
    reply = ("<<<<<<< SEARCH\n  <h1>Old title</h1>\n=======\n  <h1>New title</h1>\n"
             ">>>>>>> REPLACE")
    provider = ScriptedProvider(reply=lambda _i: reply, delay_s=0)
    events = list(generate(provider, GenerationRequest("rename", BASE,
                                                       edit_format="search-replace")))
    assert not [e for e in events[:-1] if isinstance(e, CodeProgress)], \
        "half an edit is not a page: nothing is previewed until it applies"
    assert events[-1].code == BASE.replace("Old title", "New title")
    assert "SEARCH/REPLACE" in provider.requests[0].messages[-1].content


def test_an_edit_that_does_not_apply_falls_back_to_the_whole_file():
    replies = iter([
        "<<<<<<< SEARCH\n  <h2>Not there</h2>\n=======\n  <h2>x</h2>\n>>>>>>> REPLACE",
        f"```html\n{BASE.replace('Body', 'Whole file')}```",
    ])
    provider = ScriptedProvider(reply=lambda _i: next(replies), delay_s=0)
    result = list(generate(provider, GenerationRequest("change", BASE,
                                                       edit_format="search-replace")))[-1]
    assert result.code == BASE.replace("Body", "Whole file")
    assert "did not apply" in result.message and "whole file" in result.message
    assert len(provider.requests) == 2
    assert "complete updated HTML document" in provider.requests[1].messages[-1].content
