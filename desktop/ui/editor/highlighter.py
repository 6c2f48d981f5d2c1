"""Syntax colours for a single-file web app: HTML with embedded CSS and JavaScript.

The block state remembers whether a line ends inside <style>, <script> or a comment, so a
multi-line stylesheet or script is coloured as what it is."""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat

HTML, CSS, JS, HTML_COMMENT, BLOCK_COMMENT_CSS, BLOCK_COMMENT_JS = range(6)


def _fmt(color: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(color))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(italic)
    return fmt


TAG = _fmt("#1f5fbf", bold=True)
ATTR = _fmt("#8a4b08")
STRING = _fmt("#2e7d32")
COMMENT = _fmt("#8a8a8a", italic=True)
KEYWORD = _fmt("#7b1fa2", bold=True)
NUMBER = _fmt("#c2185b")
PROPERTY = _fmt("#00796b")

_JS_KEYWORDS = (
    "async await break case catch class const continue default delete do else export "
    "false finally for function if import in instanceof let new null of return switch this "
    "throw true try typeof undefined var void while yield"
).split()

_RULES = {
    HTML: [(re.compile(r"</?[A-Za-z][\w-]*|/?>"), TAG), (re.compile(r"\b[\w-]+(?==)"), ATTR),
           (re.compile(r"\"[^\"]*\"|'[^']*'"), STRING)],
    CSS: [(re.compile(r"[\w-]+(?=\s*:)"), PROPERTY), (re.compile(r"#[0-9a-fA-F]{3,8}\b|\b\d+"
                                                                  r"(\.\d+)?(px|em|rem|%|s|vh|vw)?"),
                                                       NUMBER),
          (re.compile(r"\"[^\"]*\"|'[^']*'"), STRING)],
    JS: [(re.compile(r"\b(" + "|".join(_JS_KEYWORDS) + r")\b"), KEYWORD),
         (re.compile(r"\b\d+(\.\d+)?\b"), NUMBER),
         (re.compile(r"\"(\\.|[^\"\\])*\"|'(\\.|[^'\\])*'|`(\\.|[^`\\])*`"), STRING),
         (re.compile(r"//.*$"), COMMENT)],
}
_ENTER = {"style": CSS, "script": JS}
_OPEN_EMBED = re.compile(r"<(style|script)\b[^>]*>", re.IGNORECASE)
_CLOSE_EMBED = {CSS: re.compile(r"</style\s*>", re.IGNORECASE),
                JS: re.compile(r"</script\s*>", re.IGNORECASE)}
_COMMENT_OF = {HTML: HTML_COMMENT, CSS: BLOCK_COMMENT_CSS, JS: BLOCK_COMMENT_JS}
_COMMENT_OPEN = {HTML: "<!--", CSS: "/*", JS: "/*"}
_COMMENT_CLOSE = {HTML_COMMENT: ("-->", HTML), BLOCK_COMMENT_CSS: ("*/", CSS),
                  BLOCK_COMMENT_JS: ("*/", JS)}


class WebHighlighter(QSyntaxHighlighter):
    def highlightBlock(self, text: str) -> None:
        state = max(self.previousBlockState(), HTML)
        pos = 0
        while pos < len(text):
            if state in _COMMENT_CLOSE:
                closer, after = _COMMENT_CLOSE[state]
                end = text.find(closer, pos)
                stop = len(text) if end == -1 else end + len(closer)
                self.setFormat(pos, stop - pos, COMMENT)
                pos, state = stop, (state if end == -1 else after)
                continue
            # The end of this language's region on this line: a comment, or a switch of
            # language (<style>/<script> opening or closing).
            segment_end, next_state, jump = len(text), state, len(text)
            comment = text.find(_COMMENT_OPEN[state], pos)
            if comment != -1:
                segment_end, next_state, jump = comment, _COMMENT_OF[state], comment
            if state == HTML:
                embed = _OPEN_EMBED.search(text, pos)
                if embed and embed.end() <= segment_end:
                    segment_end, next_state = embed.end(), _ENTER[embed.group(1).lower()]
                    jump = embed.end()
            else:
                close = _CLOSE_EMBED[state].search(text, pos)
                if close and close.start() < segment_end:
                    segment_end, next_state, jump = close.start(), HTML, close.start()
            self._colour(text, pos, segment_end, state)
            pos, state = jump, next_state
        self.setCurrentBlockState(state)

    def _colour(self, text: str, start: int, end: int, state: int) -> None:
        segment = text[start:end]
        for pattern, fmt in _RULES[state]:
            for match in pattern.finditer(segment):
                self.setFormat(start + match.start(), match.end() - match.start(), fmt)
