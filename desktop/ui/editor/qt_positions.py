"""Qt counts text positions in UTF-16 units, Python in characters: an emoji is two units
and one character. Every place that turns one into the other goes through here."""

from __future__ import annotations


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def char_offset(text: str, qt_position: int) -> int:
    """The Python index in `text` of a Qt position in it."""
    return len(text.encode("utf-16-le")[: 2 * qt_position].decode("utf-16-le"))
