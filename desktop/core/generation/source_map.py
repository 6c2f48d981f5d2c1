"""Where each element of a page is in its source: so an element picked in the preview (or
named by a CSS selector) becomes a span of the code that a scoped edit can rewrite.

The preview is served an annotated copy: each element in the body carries
`data-ks-src="START-END"`, its character offsets in the code. The code in the editor, the
history and exports never see the attribute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

SOURCE_ATTRIBUTE = "data-ks-src"
# A document this large is shown without the map: mapping costs about 3 ms per 22 KB on the
# GUI thread, for every streamed frame (a picked element of an unmapped page is then looked
# up in the code by what it is, as on a val's page).
MAX_MAPPED_CHARS = 100_000

_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"})
# Elements that are not things on the page a person could point at.
_UNMAPPED = frozenset({"html", "head", "body", "script", "style", "meta", "link", "title",
                       "base", "template", "noscript"})
# An open one of these ends where the next one of its kind starts (<li>a<li>b).
_SELF_ENDING = frozenset({"li", "p", "option", "tr", "td", "th", "dt", "dd"})


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    start: int  # the "<" of its start tag
    open_end: int  # just after its start tag
    end: int  # just after its end tag (its start tag's end for a void element)
    parent: Element | None = field(default=None, repr=False)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def label(self) -> str:
        """How a person recognises it: tag, then id or classes (button#start, div.card)."""
        if self.attrs.get("id"):
            return f"{self.tag}#{self.attrs['id']}"
        return self.tag + "".join(f".{name}" for name in self.classes[:2])


class _Mapper(HTMLParser):
    def __init__(self, code: str) -> None:
        super().__init__(convert_charrefs=True)
        self.code = code
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", code)]
        self.elements: list[Element] = []
        self.open: list[Element] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        if tag in _SELF_ENDING and self.open and self.open[-1].tag == tag:
            self.open.pop().end = start
        text = self.get_starttag_text() or ""
        element = Element(tag, {k: v or "" for k, v in attrs}, start, start + len(text),
                          start + len(text), self.open[-1] if self.open else None)
        self.elements.append(element)
        if tag not in _VOID and not text.endswith("/>"):
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        at = self._offset()
        close = self.code.find(">", at)
        end = len(self.code) if close < 0 else close + 1
        if not any(element.tag == tag for element in self.open):
            return  # a stray end tag
        while self.open:
            element = self.open.pop()
            if element.tag == tag:
                element.end = end
                return
            element.end = at  # implied: ends where its parent does


def elements(code: str) -> list[Element]:
    """Every element of the page with its span in `code`, in document order (as far as
    html.parser gets: it gives up on some broken markup)."""
    mapper = _Mapper(code)
    try:
        mapper.feed(code)
        mapper.close()
    except (AssertionError, ValueError):
        pass
    for element in mapper.open:  # never closed: ends with the code
        element.end = len(code)
    return mapper.elements


def annotate(code: str) -> str:
    """The copy of `code` the preview is served: elements carry their source spans."""
    if len(code) > MAX_MAPPED_CHARS:
        return code
    parts, last = [], 0
    for element in elements(code):
        if element.tag in _UNMAPPED or SOURCE_ATTRIBUTE in element.attrs:
            continue
        close = element.open_end - (2 if code.startswith("/>", element.open_end - 2) else 1)
        if close < last:
            continue
        parts += [code[last:close], f' {SOURCE_ATTRIBUTE}="{element.start}-{element.end}"']
        last = close
    return "".join(parts) + code[last:]


def element_at(code: str, start: int, end: int) -> Element | None:
    """The element whose span is exactly [start, end)."""
    return next((e for e in elements(code) if (e.start, e.end) == (start, end)), None)


def innermost_at(code: str, offset: int) -> Element | None:
    """The smallest mapped element whose source holds `offset` (a cursor in the editor)."""
    holding = [e for e in elements(code)
               if e.tag not in _UNMAPPED and e.start <= offset < e.end]
    return min(holding, key=lambda e: e.end - e.start, default=None)


def find_described(code: str, tag: str, ident: str = "", classes: tuple[str, ...] = (),
                   text: str = "") -> Element | None:
    """The one element of `code` that fits what the preview showed (a val's page carries no
    spans: its HTML is text inside the val's code). None when none fits, or several do."""
    found = [e for e in elements(code) if e.tag == tag]
    if ident:
        found = [e for e in found if e.attrs.get("id") == ident]
    else:
        found = [e for e in found if set(classes) <= set(e.classes)]
    if len(found) > 1 and text:
        found = [e for e in found if text.split("\n")[0] in code[e.open_end:e.end]]
    return found[0] if len(found) == 1 else None


# -- CSS selectors ---------------------------------------------------------------------------
# The headless `--scope` takes the selectors people write for one part of a page: type, #id,
# .class and [attr] / [attr=value] in any combination, joined by descendant (space) or child
# (>) combinators, and lists of them (a, b).

_COMPOUND = re.compile(
    r"(?P<tag>[a-zA-Z][\w-]*|\*)?(?P<rest>(?:#[\w-]+|\.[\w-]+|\[[\w-]+(?:[~^$*|]?=[^\]]*)?\])*)")
_PART = re.compile(r"#([\w-]+)|\.([\w-]+)|\[([\w-]+)(?:([~^$*|]?=)([^\]]*))?\]")


def _matches_compound(element: Element, compound: str) -> bool:
    found = _COMPOUND.fullmatch(compound)
    if not found or not compound:
        raise ValueError(f"not a selector this understands: {compound!r}")
    tag = found.group("tag")
    if tag and tag != "*" and tag.lower() != element.tag:
        return False
    for ident, cls, attr, op, value in _PART.findall(found.group("rest")):
        if ident and element.attrs.get("id") != ident:
            return False
        if cls and cls not in element.classes:
            return False
        if attr:
            if attr not in element.attrs:
                return False
            have, want = element.attrs[attr], value.strip("\"'")
            if (op == "=" and have != want) or (op == "~=" and want not in have.split()) or \
                    (op == "^=" and not have.startswith(want)) or \
                    (op == "$=" and not have.endswith(want)) or (op == "*=" and want not in have):
                return False
    return True


def _matches(element: Element, steps: list[str]) -> bool:
    """`steps`: compounds and combinators, right to left (the element matches the last)."""
    if not _matches_compound(element, steps[0]):
        return False
    if len(steps) == 1:
        return True
    combinator, rest = steps[1], steps[2:]
    ancestor = element.parent
    while ancestor is not None:
        if _matches(ancestor, rest):
            return True
        if combinator == ">":
            return False
        ancestor = ancestor.parent
    return False


def select(code: str, selector: str) -> list[Element]:
    """The elements `selector` matches, in document order."""
    found = elements(code)
    matched: list[Element] = []
    for alternative in selector.split(","):
        tokens = re.sub(r"\s*>\s*", " > ", alternative.strip()).split()
        if not tokens or tokens[0] == ">" or tokens[-1] == ">":
            raise ValueError(f"not a selector this understands: {alternative.strip()!r}")
        steps: list[str] = []
        for token in reversed(tokens):
            if token != ">" and steps and steps[-1] not in (">", " "):
                steps.append(" ")
            steps.append(token)
        matched += [e for e in found if _matches(e, steps) and e not in matched]
    return sorted(matched, key=lambda e: e.start)
