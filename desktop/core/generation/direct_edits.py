"""Small changes to one element written straight into the source, with no model: its text
(typed in place in the preview) and its inline style (from the style panel). Each either
changes exactly that element's source or, when the source cannot say where the change
belongs (text a script writes), changes nothing and says why.
"""

from __future__ import annotations

import html
import re

from desktop.core.generation.source_map import Element, element_at

_STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)


class DirectEditError(ValueError):
    """The change could not be placed in the source; nothing changed."""


def _element(code: str, start: int, end: int) -> Element:
    element = element_at(code, start, end)
    if element is None:
        raise DirectEditError("The page changed since the element was picked; pick it again.")
    return element


def replace_text(code: str, start: int, end: int, before: str, after: str) -> str:
    """The element at [start, end) with its text `before` (as the page showed it) made
    `after`. Only the source text that shows `before` is replaced, so its tags stay."""
    element = _element(code, start, end)
    close = code.rfind("</", element.open_end, element.end)
    inner_start, inner_end = element.open_end, close if close >= 0 else element.end
    inner = code[inner_start:inner_end]
    wanted = before.strip()
    if not wanted:
        raise DirectEditError("The element had no text to change.")
    # The source writes the text escaped (&amp;), or, where it needs no escaping, as it is.
    for written in dict.fromkeys((html.escape(wanted, quote=False), wanted)):
        found = [m.start() for m in re.finditer(re.escape(written), inner)]
        if found:
            break
    if len(found) != 1:
        where = "is written by the page's script" if not found else "appears twice"
        raise DirectEditError(f"The text {wanted[:40]!r} {where}, so it is not changed in "
                              "place; select it in the code, or ask the model.")
    at = inner_start + found[0]
    return code[:at] + html.escape(after.strip(), quote=False) + code[at + len(written):]


def style_of(element: Element) -> dict[str, str]:
    """The element's style attribute as property → value."""
    properties = {}
    for declaration in element.attrs.get("style", "").split(";"):
        name, colon, value = declaration.partition(":")
        if colon and name.strip():
            properties[name.strip().lower()] = value.strip()
    return properties


def set_style(code: str, start: int, end: int, name: str, value: str) -> tuple[str, int]:
    """The element's inline style with `name` set to `value` ("" removes it): the new code,
    and the element's new end (its start stays)."""
    element = _element(code, start, end)
    tag = code[element.start:element.open_end]
    properties = style_of(element)
    if value.strip():
        properties[name] = value.strip()
    else:
        properties.pop(name, None)
    declared = "; ".join(f"{key}: {val}" for key, val in properties.items())
    attribute = f' style="{html.escape(declared)}"' if declared else ""
    found = _STYLE_ATTRIBUTE.search(tag)
    if found:
        new_tag = tag[:found.start()] + attribute + tag[found.end():]
    else:
        cut = len(tag) - (2 if tag.endswith("/>") else 1)
        new_tag = tag[:cut].rstrip() + attribute + tag[cut:]
    new_code = code[:element.start] + new_tag + code[element.open_end:]
    return new_code, end + len(new_tag) - len(tag)
