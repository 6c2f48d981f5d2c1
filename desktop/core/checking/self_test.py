"""Does the app do anything? What the self-test found, in words a user understands and a
model can act on.

The self-test (resources/web/self_test.js, run by ui/preview/self_test.py in a hidden copy of
the page) clicks every button, types into every field and submits every form, and reports
what each action changed. This module turns that report into findings ("Clicking Stop changed
nothing"), a verdict for the version's badge, and the comparison a fix has to win before it
replaces what it fixed.

A control counts as dead only when nothing at all followed from it: no change to the page,
no value written, nothing drawn, no timer started or stopped, no request. A field the page
reads later (a form whose button uses it) is not dead, though typing in it shows nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import Enum

from desktop.core.checking.judge import static_problems

BLANK = "The page is blank: nothing is visible."
NOTHING_TO_USE = ("The request asks for something to click or type into; the page has no "
                  "button, field or other control")
MAX_FINDINGS = 12


class Health(Enum):
    WORKS = "works"
    PROBLEMS = "problems"
    THROWS = "throws"


@dataclass(frozen=True)
class Finding:
    kind: str  # threw, server, logged, dialog, dead, unread, nonsense (NaN, "01"), blank, missing,
    # reloads, unfinished
    text: str
    on_load: bool = False  # thrown or logged while the page loaded, before any action

    @property
    def serious(self) -> bool:
        """The page or its server throws: worse than any number of dead controls."""
        return self.kind in ("threw", "server")


@dataclass(frozen=True)
class SelfTest:
    findings: tuple[Finding, ...] = ()
    controls: int = 0  # how many controls were exercised
    ms: float = 0.0  # how long the exercise took in the page
    untried: int = 0  # controls past the self-test's budget

    @property
    def health(self) -> Health:
        if any(f.serious for f in self.findings):
            return Health.THROWS
        return Health.PROBLEMS if self.findings else Health.WORKS

    @property
    def works(self) -> bool:
        return not self.findings

    @property
    def dead_control(self) -> bool:
        return any(f.kind in ("dead", "unread", "missing") for f in self.findings)

    @property
    def problems(self) -> list[str]:
        return [f.text for f in self.findings]

    @property
    def thrown(self) -> list[str]:
        """The findings that are errors the page threw."""
        return [f.text for f in self.findings if f.kind == "threw"]

    @property
    def badge(self) -> str:
        """What the History panel and the status bar show for it."""
        if self.health is Health.THROWS:
            return "throws"
        count = len(self.findings)
        return "works" if not count else f"{count} problem{'s' if count != 1 else ''}"

    def score(self) -> tuple[int, int]:
        """Lower is better: throwing first, then how many problems."""
        return (sum(f.serious for f in self.findings), len(self.findings))

    def as_dict(self) -> dict:
        return {"health": self.health.value, "badge": self.badge,
                "findings": [{"kind": f.kind, "text": f.text, "on_load": f.on_load}
                             for f in self.findings],
                "controls": self.controls, "ms": round(self.ms), "untried": self.untried}

    @classmethod
    def from_dict(cls, data: dict) -> SelfTest:
        return cls(tuple(Finding(f["kind"], f["text"], bool(f.get("on_load")))
                         for f in data.get("findings", [])),
                   int(data.get("controls", 0)), float(data.get("ms", 0)),
                   int(data.get("untried", 0)))


def with_static_problems(result: SelfTest, code: str) -> SelfTest:
    """What reading the code finds that trying it may not reach (an alert() on a path the
    self-test did not take, a placeholder, a script from the network)."""
    found = [Finding("static", f"The code {problem}: apps may not; show it in the page "
                               "instead" if "alert" in problem else f"The code {problem}")
             for problem in static_problems(code)]
    dialogs = any(f.kind == "dialog" for f in result.findings)
    found = [f for f in found if not (dialogs and "alert" in f.text)]
    return replace(result, findings=tuple([*result.findings, *found][:MAX_FINDINGS]))


def unfinished(why: str) -> SelfTest:
    """The self-test could not finish (the page hung, reloaded itself, never loaded)."""
    return SelfTest((Finding("unfinished", why),))


# -- reading the page's report ------------------------------------------------------------

def read_report(raw: dict, instruction: str = "", served: bool = False) -> SelfTest:
    """Findings from self_test.js's report. `instruction`: what the user asked for (the
    controls it names must be there); `served`: a val's page (its forms post to the val)."""
    controls = {entry["epoch"]: entry for entry in raw.get("controls", [])}
    findings: list[Finding] = []
    if raw.get("blank"):
        findings.append(Finding("blank", BLANK))
    threw_in: set[int] = set()
    for error in _unique_errors(raw.get("errors", [])):
        entry = controls.get(error.get("epoch", 0))
        kind = error.get("kind") or "threw"
        findings.append(Finding(kind, _error_words(error, entry, kind), entry is None))
        if entry is not None and kind != "logged":
            threw_in.add(entry["epoch"])
    for sent in raw.get("submitted", []):
        entry = controls.get(sent.get("epoch", 0))
        finding = _form_finding(sent, entry, served)
        if finding is not None:
            findings.append(finding)
    for entry in controls.values():
        if entry.get("nonsense") and entry["epoch"] not in threw_in:
            shown = " and ".join(entry["nonsense"][:2])
            findings.append(Finding("nonsense", f"{_sentence(_doing(entry))} showed {shown}"))
            continue
        if entry.get("joined") and entry["epoch"] not in threw_in:
            findings.append(Finding("nonsense", f'{_sentence(_doing(entry))} showed '
                                    f'"{entry["joined"][0]}": values were joined as text '
                                    "instead of added"))
            continue
        if entry["epoch"] in threw_in or entry.get("changed"):
            continue
        if entry["kind"] in ("button", "link"):
            findings.append(Finding("dead", f"{_sentence(_doing(entry))} changed nothing"))
        elif not entry.get("read"):
            findings.append(Finding("unread", f"{_sentence(_doing(entry))} changed nothing "
                                    "on the page"))
        elif entry["kind"] == "field" and _LIVE.search(instruction):
            findings.append(Finding("unread", f"{_sentence(_doing(entry))} changed nothing "
                                    "until a button was clicked; the request asks for it to "
                                    "update as you type"))
    labels = tuple(raw.get("labels", []))
    if not controls and not raw.get("blank") and _INTERACTIVE.search(instruction):
        findings.append(Finding("missing", NOTHING_TO_USE))
    for name in named_controls(instruction):
        if not any(_matches(name, label) for label in labels):
            findings.append(Finding("missing", f"The request asks for a {name} button; the "
                                    "page has none"))
    findings = list(dict.fromkeys(findings))  # two Add buttons that do nothing: said once
    return SelfTest(tuple(findings[:MAX_FINDINGS]), len(controls), float(raw.get("ms", 0)),
                    int(raw.get("untried", 0)))


_VAL_LINE = re.compile(r"main\.http\.ts:(\d+)")


def server_finding(message: str, stack: str = "") -> Finding:
    """What the val's own server said went wrong, with the val's line when its stack has it."""
    line = _VAL_LINE.search(stack or message)
    where = f" (line {line.group(1)})" if line else ""
    return Finding("server", f"The val threw {' '.join(message.split())[:300]}{where}")


def with_server_errors(result: SelfTest, errors: list[Finding]) -> SelfTest:
    findings = list(result.findings) + [e for e in errors if e not in result.findings]
    return replace(result, findings=tuple(findings[:MAX_FINDINGS]))


def without_server_findings(result: SelfTest) -> SelfTest:
    return replace(result, findings=tuple(f for f in result.findings if f.kind != "server"))


def _unique_errors(errors: list[dict]) -> list[dict]:
    """The first of each message: a ticking timer throws the same error every second."""
    seen: dict[str, dict] = {}
    for error in errors:
        message = " ".join(str(error.get("message", "")).split()).removeprefix("Uncaught ")
        seen.setdefault(message[:300], error)
    return list(seen.values())


def _error_words(error: dict, entry: dict | None, kind: str) -> str:
    message = " ".join(str(error.get("message", "")).split())[:300]
    message = message.removeprefix("Uncaught ")
    line = f" (line {error['line']})" if error.get("line") else ""
    if kind == "server":
        return f"{_sentence(_doing(entry)) if entry else 'Loading the page'}: {message}"
    if kind == "dialog":
        return (f"{_sentence(_doing(entry))} opened a dialog, {message}, which apps may not "
                "use: show it in the page instead")
    verb = "logged an error:" if kind == "logged" else "threw"
    if entry is None:
        return f"The page {verb} {message}{line}"
    return f"{_sentence(_doing(entry))} {verb} {message}{line}"


def _form_finding(sent: dict, entry: dict | None, served: bool) -> Finding | None:
    by = f" by {_doing(entry)}" if entry else ""
    if not served:
        return Finding("reloads", f"Sending the form{by} reloads the page and loses what it "
                       "showed (nothing stops the form from being sent)")
    status = sent.get("status")
    if status is None or 200 <= status < 400:
        return None
    if status == 0:
        return Finding("server", f"Sending the form{by} got no answer from the val")
    return Finding("server", f"Sending the form{by} failed: the val answered {status}")


def _sentence(words: str) -> str:
    return words[:1].upper() + words[1:]


def _doing(entry: dict | None) -> str:
    """How a person would say what the self-test did: "clicking Stop", "typing in the
    Bill field", "typing in the number input", "choosing French in the Language list"."""
    if entry is None:
        return "loading the page"
    label, kind = entry.get("label") or "", entry["kind"]
    if kind in ("button", "link"):
        return f"clicking {label}" if label else f"clicking the {entry['tag']}"
    if kind in ("checkbox", "radio"):
        return f'ticking the "{label}" {kind}' if label else f"ticking the {kind}"
    if kind == "select":
        where = f'the "{label}" list' if label else "the list"
        return f"choosing {entry.get('typed') or 'an option'} in {where}"
    if label:
        return f'typing in the "{label}" field'
    kind_of_input = entry.get("type") or ""
    return ("typing in the text field" if kind_of_input in ("", "text", "textarea")
            else f"typing in the {kind_of_input} input")


# A request for something that follows the typing, with no button in between.
_LIVE = re.compile(r"\b(?:live|as (?:you|they|the user) types?|while (?:you|they) type|"
                   r"updates? (?:as|while|instantly)|instantly|in real[- ]time|"
                   r"type (?:a|an|some) \w+, it (?:says|shows)|"
                   r"have been typed|how many (?:of \d+ )?(?:characters|words|letters))\b", re.I)


# A request for something a person uses, not only looks at ("three tabs named Home, About
# and Contact; clicking a tab shows its own text"): a page with no control at all fails it.
_INTERACTIVE = re.compile(
    r"\b(?:click\w*|tap|press\w*|buttons?|tabs?|toggles?|dropdown|drop-down|checkbox\w*|"
    r"inputs?|fields?|forms?|slider|text ?box|textarea|choose|select|"
    r"typ(?:e|es|ing) (?:a|an|in|into|the|some|your)|enter (?:a|an|the|your|some))\b", re.I)


# -- controls the request names -----------------------------------------------------------

_BUTTON = re.compile(r"\bbuttons?\b", re.I)
# Words after which a list of button names starts ("with Start and Stop buttons").
_LIST_START = re.compile(
    r"\b(?:with|has|have|having|plus|press|pressing|click|clicking|tap|then|including|"
    r"named|called|labell?ed|buttons?)\b|[:;.()]", re.I)
_SPLIT = re.compile(r"\s*(?:,|\band\b|\bor\b|/|&)\s*", re.I)
_ARTICLE = re.compile(r"^(?:an?|the|one|two|three|four|five|six)\s+", re.I)
_SYMBOL = re.compile(r"^[^\w\s]{1,3}$|^[A-Z][^\w\s]{1,2}$")


def named_controls(instruction: str) -> list[str]:
    """The buttons a request names by their label: "a stopwatch with Start and Stop
    buttons" → Start, Stop; "a + button and a - button" → +, -. Only capitalised words and
    symbols count ("a big button" names nothing): a wrong guess would be a false alarm."""
    names: list[str] = []
    for match in _BUTTON.finditer(instruction):
        before = instruction[:match.start()]
        starts = [m.end() for m in _LIST_START.finditer(before)]
        segment = before[starts[-1] if starts else 0:]
        for item in _SPLIT.split(segment):
            name = _name_in(item.strip())
            if name and name not in names:
                names.append(name)
    return names


def _name_in(item: str) -> str:
    item = _ARTICLE.sub("", item).strip()
    words = item.split()
    if not words or len(words) > 3:
        return ""
    if len(words) == 1 and _SYMBOL.match(words[0]):
        return words[0]
    kept: list[str] = []
    for word in reversed(words):  # the capitalised words at its end: "make the Start"
        if word[:1].isupper():
            kept.insert(0, word)
        else:
            break
    return " ".join(kept)


# Signs a label may use for the same key: minus, en and em dash; fullwidth plus; times.
_DASHES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\uff0b": "+",
                         "\u00d7": "x"})


def _matches(name: str, label: str) -> bool:
    return name.translate(_DASHES).lower() in label.translate(_DASHES).lower()
