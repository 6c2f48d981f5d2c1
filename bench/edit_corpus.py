"""How apply_edit copes with real-looking broken edits.

Builds a corpus of model replies as models actually write them (search/replace blocks and
unified diffs with wrong or missing line numbers, drifted indentation and trailing spaces,
CRLF files, invented or missing context, edits that fit two places or none, half-written
blocks) over four small apps, applies each, and counts: applied correctly, failed safely
(nothing changed, the app asks for the whole file), applied wrongly (must be 0).

    python bench/edit_corpus.py [--json]
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop.core.generation.edits import apply_edit

APPS = {
    "counter": """<!DOCTYPE html>
<html>
<head>
  <title>Counter</title>
  <style>
    body { font-family: sans-serif; text-align: center; }
    button { font-size: 20px; padding: 8px 16px; }
  </style>
</head>
<body>
  <h1 id="count">0</h1>
  <button id="plus">+</button>
  <button id="minus">-</button>
  <script>
    let count = 0;
    const out = document.getElementById("count");
    document.getElementById("plus").addEventListener("click", () => {
      count++;
      out.textContent = count;
    });
    document.getElementById("minus").addEventListener("click", () => {
      count--;
      out.textContent = count;
    });
  </script>
</body>
</html>
""",
    "todo": """<!DOCTYPE html>
<html>
<head>
  <title>Todo</title>
  <style>
    li { padding: 4px; }
    .done { text-decoration: line-through; }
  </style>
</head>
<body>
  <hr>
  <input id="item" placeholder="New item">
  <button id="add">Add</button>
  <ul id="list"></ul>
  <hr>
  <script>
    const list = document.getElementById("list");
    document.getElementById("add").addEventListener("click", () => {
      const li = document.createElement("li");
      li.textContent = document.getElementById("item").value;
      li.addEventListener("click", () => li.classList.toggle("done"));
      list.appendChild(li);
    });
  </script>
</body>
</html>
""",
    "timer": """<!DOCTYPE html>
<html>
<head>
  <title>Timer</title>
  <style>
    #time { font-size: 48px; }
  </style>
</head>
<body>
  <hr>
  <div id="time">25:00</div>
  <button id="start">Start</button>
  <hr>
  <script>
    let seconds = 25 * 60;
    let timer = null;
    function render() {
      const m = String(Math.floor(seconds / 60)).padStart(2, "0");
      const s = String(seconds % 60).padStart(2, "0");
      document.getElementById("time").textContent = m + ":" + s;
    }
    document.getElementById("start").addEventListener("click", () => {
      if (timer) return;
      timer = setInterval(() => { seconds--; render(); }, 1000);
    });
    render();
  </script>
</body>
</html>
""",
    "cards": """<!DOCTYPE html>
<html>
<head>
  <title>Cards</title>
  <style>
    .card { border: 1px solid #ccc; padding: 8px; }
  </style>
</head>
<body>
  <div class="card">
    <h2>One</h2>
    <p>First card</p>
  </div>
  <div class="card">
    <h2>Two</h2>
    <p>Second card</p>
  </div>
</body>
</html>
""",
}

# (app, old lines, new lines): a real change for each app.
CHANGES = {
    "counter": ('    button { font-size: 20px; padding: 8px 16px; }',
                '    button { font-size: 24px; padding: 10px 20px; background: #2563eb; }'),
    "todo": ('      list.appendChild(li);',
             '      list.appendChild(li);\n      document.getElementById("item").value = "";'),
    "timer": ('  <button id="start">Start</button>',
              '  <button id="start">Start</button>\n  <button id="reset">Reset</button>'),
    "cards": ('    <p>First card</p>', '    <p>First card, now longer</p>'),
}
# A line that occurs twice in the app: an edit naming only it must not be applied.
DUPLICATED = {"counter": "      out.textContent = count;", "todo": "  <hr>", "timer": "  <hr>",
              "cards": '  <div class="card">'}


@dataclass
class Case:
    app: str
    kind: str
    original: str
    reply: str
    expected: str | None  # None: must fail without changing anything


def sr(old: str, new: str) -> str:
    return f"<<<<<<< SEARCH\n{old}\n=======\n{new}\n>>>>>>> REPLACE\n"


def udiff(a: str, b: str, n: int = 3) -> str:
    return "".join(difflib.unified_diff(a.splitlines(True), b.splitlines(True),
                                        "a/index.html", "b/index.html", n=n))


def build_corpus() -> list[Case]:
    cases: list[Case] = []
    for app, original in APPS.items():
        old, new = CHANGES[app]
        expected = original.replace(old, new, 1)
        diff = udiff(original, expected)
        add = cases.append
        add(Case(app, "search-replace exact", original, sr(old, new), expected))
        add(Case(app, "search-replace in a fence with chatter", original,
                 f"Sure! Here is the change:\n```\n{sr(old, new)}```\nDone.", expected))
        add(Case(app, "search-replace, indentation lost", original,
                 sr(old.strip(), "\n".join(line.strip() for line in new.split("\n"))),
                 expected))
        add(Case(app, "search-replace, trailing spaces", original,
                 sr(old + "   ", new), expected))
        crlf = original.replace("\n", "\r\n")
        add(Case(app, "search-replace on a CRLF file", crlf, sr(old, new),
                 expected.replace("\n", "\r\n")))
        add(Case(app, "search-replace, text not in the file", original,
                 sr(old.replace("e", "x", 1) + " /* invented */", new), None))
        add(Case(app, "search-replace, fits two places", original,
                 sr(DUPLICATED[app], DUPLICATED[app] + " // changed"), None))
        add(Case(app, "search-replace, block cut off", original,
                 f"<<<<<<< SEARCH\n{old}\n=======\n{new[:10]}", None))
        add(Case(app, "diff exact", original, diff, expected))
        add(Case(app, "diff, wrong line numbers", original,
                 re.sub(r"^@@ -\d+,\d+ \+\d+,\d+ @@", "@@ -120,7 +120,7 @@", diff,
                        flags=re.MULTILINE), expected))
        add(Case(app, "diff, no line numbers", original,
                 re.sub(r"^@@ .* @@", "@@ @@", diff, flags=re.MULTILINE), expected))
        add(Case(app, "diff, invented context line", original,
                 re.sub(r"^@@ (.*) @@\n", "@@ \\1 @@\n <!-- context the model made up -->\n",
                        diff, count=1, flags=re.MULTILINE), expected))
        hunk_lines = diff.split("\n")
        first_context = next(i for i, line in enumerate(hunk_lines) if line.startswith("@@")) + 2
        add(Case(app, "diff, a context line missing", original,
                 "\n".join(hunk_lines[:first_context] + hunk_lines[first_context + 1:]),
                 expected))
        add(Case(app, "diff, indentation lost", original,
                 "\n".join(line[0] + line[1:].lstrip() if line and line[0] in " +-" and
                           not line.startswith(("---", "+++")) else line
                           for line in diff.split("\n")), expected))
        add(Case(app, "diff, unrelated hunk", original,
                 "@@ -1,3 +1,3 @@\n <section>\n-  <p>Nothing like this</p>\n+  <p>x</p>\n"
                 " </section>\n", None))
        add(Case(app, "diff, fits two places", original,
                 f"@@ -1,1 +1,1 @@\n-{DUPLICATED[app]}\n+{DUPLICATED[app]} // x\n", None))
        add(Case(app, "whole file", original, f"```html\n{expected}```", expected.rstrip("\n")
                 + "\n"))
    return cases


def run() -> dict:
    results = {"correct": 0, "failed_safely": 0, "wrong": 0, "cases": []}
    started = time.perf_counter()
    for case in build_corpus():
        outcome = apply_edit(case.original, case.reply)
        if case.expected is None:
            verdict = "failed_safely" if outcome.code is None else "wrong"
        elif outcome.code == case.expected:
            verdict = "correct"
        else:
            verdict = "failed_safely" if outcome.code is None else "wrong"
        results[verdict] += 1
        results["cases"].append({"app": case.app, "kind": case.kind, "verdict": verdict,
                                 "expected_to_apply": case.expected is not None,
                                 "detail": outcome.message})
    results["ms_per_case"] = (time.perf_counter() - started) * 1000 / len(results["cases"])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    results = run()
    if parser.parse_args().json:
        print(json.dumps(results, indent=2))
        return
    kinds: dict[str, list[str]] = {}
    for case in results["cases"]:
        kinds.setdefault(case["kind"], []).append(case["verdict"])
    print(f"{'kind':<42} {'correct':>8} {'failed safely':>14} {'wrong':>6}")
    for kind, verdicts in kinds.items():
        print(f"{kind:<42} {verdicts.count('correct'):>8} "
              f"{verdicts.count('failed_safely'):>14} {verdicts.count('wrong'):>6}")
    total = len(results["cases"])
    print(f"\n{total} cases: {results['correct']} applied correctly, "
          f"{results['failed_safely']} failed safely, {results['wrong']} applied wrongly; "
          f"{results['ms_per_case']:.2f} ms per case")


if __name__ == "__main__":
    main()
