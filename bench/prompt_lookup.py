"""Does prompt-lookup decoding speed up the local model on a whole-file edit here?

An edit mostly repeats the page it was given, which is where drafting tokens from the
prompt should help. Runs the same whole-file edit (greedy, so outputs are comparable) with
lookup off and with 2 and 10 drafted tokens, and prints time, tokens/s and whether the
output matched. Keystroke turns lookup on only if this shows a gain.

    python bench/prompt_lookup.py [--threads N] [--lookups 0,2,10]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("KEYSTROKE_HOME", tempfile.mkdtemp(prefix="keystroke-bench-"))

from llama_cpp import Llama
from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

from desktop.core.generation.prompts import build_messages
from desktop.core.local_models.catalog import load_catalog
from desktop.core.local_models.files import ensure_model_file
from desktop.core.settings import default_threads

APP = (Path(__file__).resolve().parent / "edit_corpus.py").read_text().split(
    '"counter": """', 1)[1].split('""",', 1)[0]


def run(model: Path, threads: int, lookup: int) -> tuple[float, int, str]:
    draft = LlamaPromptLookupDecoding(num_pred_tokens=lookup) if lookup else None
    llm = Llama(model_path=str(model), n_ctx=4096, n_threads=threads, n_threads_batch=threads,
                logits_all=bool(lookup), draft_model=draft, verbose=False)
    messages = [{"role": m.role, "content": m.content}
                for m in build_messages("make the buttons green", APP)]
    started = time.perf_counter()
    reply = llm.create_chat_completion(messages=messages, max_tokens=600, temperature=0.0)
    elapsed = time.perf_counter() - started
    del llm
    return elapsed, reply["usage"]["completion_tokens"], reply["choices"][0]["message"]["content"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=default_threads())
    parser.add_argument("--lookups", default="0,2,10",
                        help="drafted tokens to compare, 0 first (CI smoke-runs 0,2)")
    args = parser.parse_args()
    model = ensure_model_file(load_catalog().default)
    baseline = None
    print(f"{'lookup':<10} {'seconds':>8} {'tokens':>7} {'tok/s':>7} {'speedup':>7} same output")
    for lookup in (int(n) for n in args.lookups.split(",")):
        seconds, tokens, text = run(model, args.threads, lookup)
        if baseline is None:
            baseline = (seconds, text)
        print(f"{'off' if not lookup else f'{lookup} tokens':<10} {seconds:>8.1f} {tokens:>7} "
              f"{tokens / seconds:>7.1f} {baseline[0] / seconds:>7.2f} {text == baseline[1]}",
              flush=True)


if __name__ == "__main__":
    main()
