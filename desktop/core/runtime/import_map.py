"""An import map that sends a val's Val Town std imports to the offline shims.

Keys are the exact specifiers the val uses (query strings and all): a prefix key alone does
not resolve extensionless specifiers such as `https://esm.town/v/std/sqlite`.
"""

from __future__ import annotations

import re
from pathlib import Path

SHIMMED = ("sqlite", "blob", "email", "openai")
_STD = re.compile(r"""["'](https://esm\.town/v/std/([a-z]+)[^"'\s]*)["']""")


def std_imports(code: str) -> dict[str, str]:
    """Specifier → std module name, for every Val Town std import in the code."""
    return {match.group(1): match.group(2) for match in _STD.finditer(code)}


def unsupported(code: str) -> list[str]:
    """Std modules the val imports that have no offline shim yet."""
    return sorted({name for name in std_imports(code).values() if name not in SHIMMED})


def import_map(code: str, shims: Path) -> dict:
    return {"imports": {specifier: (shims / f"{name}.ts").as_uri()
                        for specifier, name in std_imports(code).items() if name in SHIMMED}}
