"""A project as the files of a val, in the layout Val Town's `vt` CLI uses.

The entry file's name carries its trigger (`main.http.ts` → an HTTP val). A page becomes an
HTTP val that serves it; a val is exported as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop.core.generation.kinds import is_val

MAX_CONTENT = 80_000  # characters per file, the API's limit
NAME_RULE = re.compile(r"^[a-zA-Z][a-zA-Z0-9\-_]{0,47}$")
VTIGNORE = ".git\n.vt\n.env\nnode_modules\n"


@dataclass(frozen=True)
class ValFile:
    path: str
    content: str
    type: str  # http | script | file | interval | email | directory


class ExportError(Exception):
    """Nothing was sent, or not everything; the message says what to do."""


def page_server(html: str) -> str:
    """An HTTP val that serves a static page."""
    literal = html.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${")
    return ("// Exported from Keystroke: serves the app's page.\n"
            f"const html = `{literal}`;\n\n"
            "export default async function (req: Request): Promise<Response> {\n"
            "  return new Response(html, { headers: { \"Content-Type\": "
            "\"text/html; charset=utf-8\" } });\n}\n")


def val_files(code: str) -> list[ValFile]:
    entry = code if is_val(code) else page_server(code)
    files = [ValFile("main.http.ts", entry, "http")]
    for f in files:
        if len(f.content) > MAX_CONTENT:
            raise ExportError(f"{f.path} has {len(f.content):,} characters; Val Town takes at "
                              f"most {MAX_CONTENT:,} per file. Nothing was sent. Make the app "
                              "smaller (move data out of the code) and export again.")
    return files


def check_name(name: str) -> str:
    if not NAME_RULE.match(name):
        raise ExportError(f"'{name}' is not a valid val name: 1 to 48 letters, digits, - or _, "
                          "starting with a letter. Choose another with --name.")
    return name
