"""A local Val Town API v2 (the parts an exporter uses), faithful to the documented
behaviour: Bearer auth (401 `{"message": ...}`), `GET /v1/me`, `POST /v2/vals` (201; 400 on
a bad name; 409 when the owner has that name), `GET /v2/vals/{id}`, alias lookup, the `main`
branch with a version bumped by every write, files (`POST` 201 / 409 when the path exists /
404 when the parent directory is missing; `PUT` 200 / 404 when missing; 80,000 characters
at most; `links.endpoint` on http files), paginated lists (`data` + `links`), and scripted
429 (with Retry-After) or 5xx answers."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse

from tests.fakes.wire_server import Recorded, Scenario, WireServer, serve_main

NAME = re.compile(r"^[a-zA-Z][a-zA-Z0-9\-_]{0,47}$")
TYPES = {"file", "http", "script", "interval", "email"}
MAX_CONTENT = 80_000
USER = {"id": "19892fed-baf3-41fb-a5cc-96c80e95edec", "type": "user", "username": "alice",
        "bio": None, "profileImageUrl": None, "url": "https://www.val.town/u/alice",
        "tier": "free", "email": "alice@example.com"}


def _public(record: dict) -> dict:
    """What the API returns: our bookkeeping (`_content`, `_branch`) stays here."""
    return {k: v for k, v in record.items() if not k.startswith("_")}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class ValTownServer(WireServer):
    name = "fake Val Town API"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.vals: dict[str, dict] = {}
        self.files: dict[str, dict[str, dict]] = {}  # val id → path → file
        self.versions: dict[str, int] = {}
        self.rules: list[list] = []  # [method, path regex, status, headers, times left]

    def fail(self, method: str, path: str, status: int, headers: dict | None = None,
             times: int = 1) -> None:
        """Answer the next `times` requests matching method and path regex with `status`."""
        self.rules.append([method, re.compile(path), status, headers or {}, times])

    def handle(self, handler: BaseHTTPRequestHandler, recorded: Recorded,
               scenario: Scenario) -> None:
        url = urlparse(recorded.path)
        query = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        for rule in self.rules:
            method, pattern, status, headers, left = rule
            if left and method == recorded.method and pattern.search(url.path + "?" + url.query):
                rule[4] -= 1
                self.send_json(handler, status, {"message": f"scripted {status}"}, headers)
                return
        if not self.authorized(recorded):
            self.send_json(handler, 401, {"message": "Unauthorized"})
            return
        route = (recorded.method, url.path)
        if route == ("GET", "/v1/me"):
            self.send_json(handler, 200, USER)
        elif route == ("POST", "/v2/vals"):
            self._create_val(handler, recorded.body)
        elif match := re.fullmatch(r"/v2/alias/vals/([^/]+)/([^/]+)", url.path):
            found = [v for v in self.vals.values() if v["name"] == match.group(2)]
            self._answer(handler, 200, found[0]) if found else self._missing(handler)
        elif match := re.fullmatch(r"/v2/vals/([^/]+)", url.path):
            val = self.vals.get(match.group(1))
            self._answer(handler, 200, val) if val else self._missing(handler)
        elif match := re.fullmatch(r"/v2/vals/([^/]+)/branches", url.path):
            val_id = match.group(1)
            if val_id not in self.vals:
                return self._missing(handler)
            self.send_json(handler, 200, {"data": [{
                "id": self.vals[val_id]["_branch"], "name": "main",
                "version": self.versions[val_id], "forkedBranchId": None,
                "createdAt": self.vals[val_id]["createdAt"], "updatedAt": _now(),
                "links": {"self": f"{self.url}{url.path}/{self.vals[val_id]['_branch']}",
                          "html": "https://www.val.town/x/alice/branch/main"}}],
                "links": {"self": f"{self.url}{url.path}?offset=0&limit=20"}})
        elif match := re.fullmatch(r"/v2/vals/([^/]+)/files", url.path):
            self._files(handler, recorded, match.group(1), query)
        else:
            self._missing(handler)

    def _answer(self, handler, status: int, val: dict) -> None:
        self.send_json(handler, status, _public(val))

    def _missing(self, handler) -> None:
        self.send_json(handler, 404, {"message": "Not found"})

    def _create_val(self, handler, body: dict) -> None:
        name, privacy = body.get("name", ""), body.get("privacy")
        if not NAME.match(name) or privacy not in ("public", "unlisted", "private"):
            self.send_json(handler, 400, {"message": "name and privacy are required; name "
                                                     "must match ^[a-zA-Z][a-zA-Z0-9\\-_]*$"})
            return
        if any(v["name"] == name for v in self.vals.values()):
            self.send_json(handler, 409, {"message": f"You already have a val named {name}"})
            return
        val_id = str(uuid.uuid4())
        self.vals[val_id] = {
            "id": val_id, "name": name, "privacy": privacy, "createdAt": _now(),
            "description": body.get("description"), "imageUrl": None,
            "author": {"type": "user", "id": USER["id"], "username": USER["username"]},
            "links": {"self": f"{self.url}/v2/vals/{val_id}",
                      "html": f"https://www.val.town/x/alice/{name}"},
            "_branch": str(uuid.uuid4())}
        self.files[val_id] = {}
        self.versions[val_id] = 0
        self._answer(handler, 201, self.vals[val_id])

    def _files(self, handler, recorded: Recorded, val_id: str, query: dict) -> None:
        if val_id not in self.vals:
            return self._missing(handler)
        files, path, body = self.files[val_id], query.get("path"), recorded.body
        if path is None:
            return self.send_json(handler, 400, {"message": "path is required"})
        if recorded.method == "GET":
            listed = [_public(f) for p, f in sorted(files.items()) if p.startswith(path)]
            return self.send_json(handler, 200, {"data": listed, "links": {
                "self": f"{self.url}/v2/vals/{val_id}/files?path={path}&offset=0&limit=20"}})
        content = body.get("content")
        if content is not None and len(content) > MAX_CONTENT:
            return self.send_json(handler, 400, {"message": "content is too long"})
        if recorded.method == "POST":
            if path in files:
                return self.send_json(handler, 409, {
                    "message": "File or directory already exists at this path"})
            parent = path.rsplit("/", 1)[0] if "/" in path else ""
            if parent and files.get(parent, {}).get("type") != "directory":
                return self._missing(handler)
            kind = body.get("type")
            if kind != "directory" and kind not in TYPES:
                return self.send_json(handler, 400, {"message": "type is invalid"})
            files[path] = self._file(val_id, path, kind, content or "")
            return self.send_json(handler, 201, _public(files[path]))
        if recorded.method == "PUT":
            if path not in files:
                return self._missing(handler)
            kind = body.get("type", files[path]["type"])
            files[path] = self._file(val_id, path, kind,
                                     content if content is not None else files[path]["_content"])
            return self.send_json(handler, 200, _public(files[path]))
        return self._missing(handler)

    def _file(self, val_id: str, path: str, kind: str, content: str) -> dict:
        self.versions[val_id] += 1
        file_id = str(uuid.uuid4())
        links = {"self": f"{self.url}/v2/files/{file_id}", "html": "https://www.val.town/x/",
                 "module": f"https://esm.town/v/alice/{self.vals[val_id]['name']}/{path}"}
        if kind == "http":
            links["endpoint"] = f"https://alice--{file_id.replace('-', '')}.web.val.run"
        return {"id": file_id, "name": path.rsplit("/", 1)[-1], "path": path,
                "version": self.versions[val_id], "updatedAt": _now(), "type": kind,
                "links": links, "_content": content}

    def content(self, val_id: str, path: str) -> str:
        return self.files[val_id][path]["_content"]


if __name__ == "__main__":
    serve_main(ValTownServer)
