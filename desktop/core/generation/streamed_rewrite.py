"""A whole-file rewrite shown whole while it streams: the lines written so far, then the rest
of the previous page from the line they have reached. The preview then changes top-down
instead of emptying and refilling (a blank preview for the 20 s a small model takes to
rewrite a page was the first thing people noticed).

Where the reply has got to in the old page is found by its last lines: the latest place in
the old page, at or after the last one found, where the last few written lines appear (as
text, ignoring indentation). While the model writes lines that are new, the last place found
holds, so the old page continues after them.
"""

from __future__ import annotations

ANCHOR_LINES = 2  # written lines that must match the old page in a row to place the reply


class StreamedRewrite:
    """Follows one reply: `page(written)` for each longer version of the code so far."""

    def __init__(self, base: str) -> None:
        self._base_lines = base.split("\n")
        self._keys = [line.strip() for line in self._base_lines]
        self._reached = -1  # the last old line the reply is known to have reached

    def page(self, written: str) -> str:
        """The written code (complete lines only) followed by the old page's rest."""
        complete = written[: written.rfind("\n") + 1]
        lines = complete.split("\n")[:-1]
        anchor = [line.strip() for line in lines if line.strip()][-ANCHOR_LINES:]
        if anchor:
            found = self._find(anchor)
            if found is not None:
                self._reached = found
        rest = self._base_lines[self._reached + 1:]
        return complete + "\n".join(rest)

    def _find(self, anchor: list[str]) -> int | None:
        """The first old line at or after the last place reached where `anchor` ends, its
        lines in a row (blank lines between them skipped)."""
        for end in range(max(self._reached, 0), len(self._keys)):
            if self._keys[end] != anchor[-1]:
                continue
            at, matched = end, 1
            while matched < len(anchor) and at > 0:
                at -= 1
                if not self._keys[at]:
                    continue
                if self._keys[at] != anchor[-1 - matched]:
                    break
                matched += 1
            if matched == len(anchor):
                return end
        return None
