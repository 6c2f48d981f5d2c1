"""Which local model drafts: the user's choice, else the strong model once it measured fast
enough here (scaled to the threads drafts get), else the catalog's default; and what a real
request says about a model's speed is kept only when nothing better says it."""

from __future__ import annotations

from desktop.core.local_models.loading import (
    DRAFTING_TOKENS_PER_S,
    strong_drafts,
    wanted_model,
)
from desktop.core.local_models.speed import IN_USE_MIN_TOKENS, remember_speed_in_use
from desktop.core.settings import Settings

STRONG = "qwen2.5-coder-1.5b"


def with_speed(tokens_per_s: float, measured_threads: int = 4, threads: int = 4,
               **chosen) -> Settings:
    return Settings(threads=threads, model_speed={
        STRONG: {"tokens_per_s": tokens_per_s, "threads": measured_threads}}, **chosen)


def test_the_default_drafts_until_the_strong_model_measures_fast_enough():
    assert wanted_model(Settings()) == ""  # never measured: the catalog's default
    assert wanted_model(with_speed(15.0)) == ""  # this 2-core machine's 1.5B
    assert wanted_model(with_speed(DRAFTING_TOKENS_PER_S)) == STRONG
    assert strong_drafts(with_speed(40.0)) and not strong_drafts(with_speed(15.0))
    assert wanted_model(with_speed(40.0), "strong") == STRONG


def test_the_speed_counts_with_the_threads_drafts_get():
    """Measured on all 8 cores, 40 tokens/s is about 20 on the 4 threads drafts get."""
    assert wanted_model(with_speed(40.0, measured_threads=8, threads=4)) == ""
    assert wanted_model(with_speed(40.0, measured_threads=8, threads=8)) == STRONG


def test_a_model_the_user_chose_for_drafts_wins():
    assert wanted_model(with_speed(90.0, model_id="qwen2.5-coder-0.5b")) == \
        "qwen2.5-coder-0.5b"
    assert not strong_drafts(with_speed(90.0, model_id="qwen2.5-coder-0.5b"))
    assert wanted_model(with_speed(90.0, strong_model_id="")) == "", "no strong model"


def test_a_real_request_is_kept_when_nothing_better_says_the_speed():
    settings = Settings()
    assert not remember_speed_in_use(settings, STRONG, 50.0, IN_USE_MIN_TOKENS - 1, 4), \
        "a short reply says little"
    assert remember_speed_in_use(settings, STRONG, 20.0, 600, 4)
    assert not remember_speed_in_use(settings, STRONG, 12.0, 600, 4), "that one shared cores"
    assert remember_speed_in_use(settings, STRONG, 33.3, 600, 4)
    assert settings.model_speed[STRONG] == {"tokens_per_s": 33.3, "threads": 4, "in_use": True}
    settings.model_speed[STRONG] = {"tokens_per_s": 25.0, "prompt_per_s": 300.0, "threads": 4}
    assert not remember_speed_in_use(settings, STRONG, 60.0, 600, 4), "the benchmark wins"
