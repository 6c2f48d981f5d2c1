"""A val's routes, read from its code and opened under the real Deno: a route that throws
is found with its status, a working one and a POST-only one that a GET sends no body are
not."""

from __future__ import annotations

from desktop.core.checking.val_routes import check_routes, routes_of

SHOP = """const items = ["tea", "cake"];
export default async function (req: Request): Promise<Response> {
  const url = new URL(req.url);
  if (url.pathname === "/api/items") return Response.json(items);
  if ("/api/stats" === url.pathname) {
    const stats: any = undefined;
    return Response.json({ count: stats.count });
  }
  if (url.pathname === "/api/add") {
    const { name } = await req.json();
    items.push(name);
    return Response.json(items);
  }
  switch (url.pathname) {
    case "/health": return new Response("ok");
  }
  return new Response("<h1>Shop</h1>", { headers: { "content-type": "text/html" } });
}
"""


def test_the_routes_a_val_names_are_read_from_its_code():
    assert routes_of(SHOP) == ["/api/items", "/api/stats", "/api/add", "/health"]
    hono = ('app.get("/", c => c.html(page));\napp.get("/api/items/:id", c => c.json(1));\n'
            "app.get('/api/items', c => c.json([]));\napp.post('/api/items', add);\n"
            "app.get(`/feed`, feed);\napp.get('/api/items', again);")
    assert routes_of(hono) == ["/api/items", "/feed"]  # not "/", a parameter, a POST, twice


def test_a_route_that_throws_is_found_and_working_or_post_only_routes_are_not(server):
    server.start(SHOP)
    checked = check_routes(server, SHOP)
    assert [f.text for f in checked.findings] == [
        "Opening /api/stats failed: the val answered 500"]
    assert [e.message for e in checked.excused] == ["Unexpected end of JSON input"], \
        "the GET sent /api/add no body: not the val's fault"
    assert any("Cannot read properties of undefined" in e.message for e in server.errors)


def test_a_val_whose_routes_all_answer_has_no_findings(server):
    code = SHOP.replace("stats.count", "items.length").replace("const stats: any = undefined;",
                                                               "const stats = {};")
    server.start(code)
    assert check_routes(server, code).findings == ()


def test_a_route_that_never_answers_is_found(server):
    code = SHOP.replace('case "/health": return new Response("ok");',
                        'case "/health": await new Promise(() => {});')
    code = code.replace("stats.count", "items.length").replace(
        "const stats: any = undefined;", "const stats = {};")
    server.start(code)
    assert [f.text for f in check_routes(server, code).findings] == [
        "Opening /health got no answer from the val within 3 s"]
