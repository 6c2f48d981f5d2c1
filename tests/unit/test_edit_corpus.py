"""The benchmark's corpus of real-looking broken edits, as a correctness check: every edit
that should apply does, and none is ever applied wrongly."""

import importlib.util
import sys

from tests.conftest import REPO

spec = importlib.util.spec_from_file_location("edit_corpus", REPO / "bench" / "edit_corpus.py")
edit_corpus = importlib.util.module_from_spec(spec)
sys.modules["edit_corpus"] = edit_corpus  # dataclasses look their module up here
spec.loader.exec_module(edit_corpus)


def test_no_edit_in_the_corpus_is_applied_wrongly():
    results = edit_corpus.run()
    assert len(results["cases"]) >= 40
    assert results["wrong"] == 0
    missed = [c for c in results["cases"] if c["expected_to_apply"] and c["verdict"] != "correct"]
    assert missed == []
