"""Export to Val Town through our REST client, against a faithful local API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.core.valtown.client import ValTownClient
from desktop.core.valtown.exporter import SAFE_PID, export_to_folder, export_to_valtown
from desktop.core.valtown.layout import ExportError
from tests.fakes.valtown_server import ValTownServer

TOKEN = "vtwn_testtokentesttokentesttoken"
PAGE = "<!DOCTYPE html>\n<html><body><h1>Tip `calc` ${x}</h1></body></html>\n"
VAL = "export default async function (req: Request) {\n  return new Response('hi');\n}\n"


@pytest.fixture
def api():
    with ValTownServer(api_key=TOKEN) as server:
        yield server


@pytest.fixture
def client(api):
    naps: list[float] = []
    made = ValTownClient(TOKEN, api.url, sleep=naps.append)
    made.naps = naps
    yield made
    made.close()


def test_a_page_becomes_an_http_val_that_serves_it(api, client):
    result = export_to_valtown(client, PAGE, "tipCalc")
    assert not result.updated and result.files == ["main.http.ts"]
    assert result.endpoint.startswith("https://alice--") and result.endpoint.endswith(
        ".web.val.run")
    stored = api.files[result.val_id]["main.http.ts"]
    assert stored["type"] == "http"
    served = stored["_content"]
    assert "export default async function" in served and "text/html" in served
    assert "Tip \\`calc\\` \\${x}" in served  # the page survives the template literal
    assert result.html_url == "https://www.val.town/x/alice/tipCalc"


def test_re_export_updates_the_same_val_in_place(api, client):
    first = export_to_valtown(client, VAL, "hello")
    second = export_to_valtown(client, VAL.replace("hi", "hello again"), "hello",
                               val_id=first.val_id)
    assert second.updated and second.val_id == first.val_id and len(api.vals) == 1
    assert "hello again" in api.content(first.val_id, "main.http.ts")
    assert second.version > first.version


def test_a_name_taken_by_another_val_is_not_overwritten_unless_asked(api, client):
    export_to_valtown(client, VAL, "hello")
    with pytest.raises(ExportError, match=r"already have a val named 'hello'.*--update"):
        export_to_valtown(client, VAL.replace("hi", "second"), "hello")
    posts = [r for r in api.requests if r.method == "POST" and r.path == "/v2/vals"]
    assert len(posts) == 2  # a 409 on create is not retried
    updated = export_to_valtown(client, VAL.replace("hi", "second"), "hello",
                                update_existing=True)
    assert updated.updated and "second" in api.content(updated.val_id, "main.http.ts")


def test_a_bad_token_says_where_to_set_one(api):
    client = ValTownClient("vtwn_wrong", api.url)
    try:
        with pytest.raises(ExportError, match=r"rejected the token \(401\).*VAL_TOWN_API_KEY"):
            export_to_valtown(client, VAL, "hello")
    finally:
        client.close()
    assert api.vals == {}


def test_429_and_503_are_retried_honouring_retry_after(api, client):
    api.fail("POST", r"^/v2/vals\?", 429, {"retry-after": "2"})
    api.fail("POST", r"/files", 503)
    result = export_to_valtown(client, VAL, "hello")
    assert result.files == ["main.http.ts"]
    assert client.naps[0] == 2.0 and len(client.naps) == 2


def test_a_file_over_the_limit_is_refused_before_any_request(api, client):
    with pytest.raises(ExportError, match=r"80,000 per file\. Nothing was sent"):
        export_to_valtown(client, "<p>" + "x" * 80_000 + "</p>", "big")
    assert api.requests == []


def test_a_partial_failure_says_what_made_it_and_a_re_run_completes_it(api, client):
    first = export_to_valtown(client, VAL, "hello")
    api.fail("PUT", r"/files", 500, times=4)  # every retry fails too
    with pytest.raises(ExportError,
                       match=r"500 .*main\.http\.ts\. Files sent: none\. Export again"):
        export_to_valtown(client, VAL.replace("hi", "v2"), "hello", val_id=first.val_id)
    again = export_to_valtown(client, VAL.replace("hi", "v2"), "hello", val_id=first.val_id)
    assert again.files == ["main.http.ts"] and "v2" in api.content(first.val_id,
                                                                   "main.http.ts")


def test_an_invalid_name_is_refused_before_sending(api, client):
    with pytest.raises(ExportError, match="not a valid val name"):
        export_to_valtown(client, VAL, "9lives")
    assert api.requests == []


def test_the_folder_export_is_what_vt_expects_and_round_trips(tmp_path, api, client):
    result = export_to_valtown(client, VAL, "hello")
    folder = tmp_path / "hello"
    export_to_folder(VAL, folder, result.val_id, result.branch_id, result.version)
    assert (folder / "main.http.ts").read_text() == VAL
    assert ".vt" in (folder / ".vtignore").read_text().split()
    state = json.loads((folder / ".vt" / "state.json").read_text())
    assert state["val"]["id"] == result.val_id and state["branch"]["id"] == result.branch_id
    assert state["lastRun"]["pid"] == SAFE_PID
    # Round trip: what the folder holds exports to the same val content.
    export_to_valtown(client, (folder / "main.http.ts").read_text(), "hello",
                      val_id=result.val_id)
    assert api.content(result.val_id, "main.http.ts") == VAL


def test_keystroke_export_creates_the_val_and_prints_its_endpoint(api, keystroke_home,
                                                                   tmp_path):
    import os
    import subprocess
    import sys

    from desktop.core.generation.generate import GenerationResult
    from desktop.core.projects import history
    from desktop.core.store import Store
    from tests.conftest import REPO

    store = Store()
    project = store.create_project("tip-calc")
    history.commit(store, project.id, "a tip calculator",
                   GenerationResult(PAGE, "reply", "local", "m", "stop"), None)
    store.close()
    env = {**os.environ, "KEYSTROKE_HOME": str(keystroke_home), "PYTHONPATH": str(REPO),
           "VAL_TOWN_API_KEY": TOKEN, "VAL_TOWN_BASE_URL": api.url}

    def export(*args):
        return subprocess.run([sys.executable, "-m", "desktop", "export", *args], cwd=REPO,
                              env=env, capture_output=True, text=True, timeout=120)

    run = export("tip-calc", "--to", "valtown")
    assert run.returncode == 0, run.stderr
    [val] = api.vals.values()
    assert val["name"] == "tip-calc" and "Created tip-calc (main.http.ts)" in run.stderr
    endpoint = run.stdout.strip()
    assert endpoint == api.files[val["id"]]["main.http.ts"]["links"]["endpoint"]
    assert "<h1>Tip" in api.content(val["id"], "main.http.ts")
    again = export("tip-calc", "--to", "valtown")  # remembered: updated in place
    assert again.returncode == 0 and "Updated tip-calc" in again.stderr and len(api.vals) == 1
    folder = tmp_path / "tip-calc"
    to_dir = export("tip-calc", "--to", str(folder))
    assert to_dir.returncode == 0, to_dir.stderr
    state = json.loads((folder / ".vt" / "state.json").read_text())
    assert state["val"]["id"] == val["id"]
    assert TOKEN not in "".join(p.read_text() for p in folder.rglob("*") if p.is_file())


VENDORED_SDK = Path(__file__).with_name("vendor") / "valtown-sdk-2.1.0-node_modules.tgz"


@pytest.fixture(scope="session")
def valtown_sdk(tmp_path_factory):
    """The official @valtown/sdk 2.1.0 with its dependencies, vendored (made with
    `npm install @valtown/sdk@2.1.0`, type packages left out): the test runs offline. Node.js
    is part of the machine (the Python kind ships it); without it there is nothing to run."""
    import shutil
    import tarfile

    if shutil.which("node") is None:
        pytest.skip("node is not installed: the fake is checked by our client only")
    folder = tmp_path_factory.mktemp("valtown-sdk")
    with tarfile.open(VENDORED_SDK) as archive:
        archive.extractall(folder, filter="data")
    return folder


def test_the_official_sdk_finds_the_fake_faithful(api, valtown_sdk):
    import os
    import shutil
    import subprocess
    from pathlib import Path

    probe = valtown_sdk / "probe.mjs"
    shutil.copy(Path(__file__).with_name("sdk_probe.mjs"), probe)
    run = subprocess.run(["node", str(probe)], cwd=valtown_sdk, capture_output=True, text=True,
                         timeout=60, env={**os.environ, "VAL_TOWN_API_KEY": TOKEN,
                                          "VAL_TOWN_BASE_URL": api.url})
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    assert seen["me"] == "alice" and seen["val"] == "sdkProbe"
    assert seen["endpoint"].endswith(".web.val.run") and seen["updatedVersion"] == 3
    assert seen["listed"] == ["directory:backend", "http:backend/main.http.ts"]
    assert seen["branches"] == ["main"]
    assert seen["conflict"] == "ConflictError 409" and seen["missing"] == "NotFoundError 404"
