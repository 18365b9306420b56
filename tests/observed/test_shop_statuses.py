"""The statuses the example shop's routes really answer, observed by running the app with
FastAPI's TestClient: the map `fastapi-status` must find statically (issue 14) is pinned
here from what FastAPI does, not from what we expect it to do.

`SHOP_STATUSES` is, for each route of the multi-module part of the app (shop/catalog.py and
the modules it uses), every status it can answer, and where each comes from; each test below
makes the request that produces one and checks the answer."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# (method, full path) -> {status: where it comes from}
SHOP_STATUSES: dict[tuple[str, str], dict[int, str]] = {
    ("GET", "/api/catalog/{sku}"): {
        200: "the route's default success status",
        401: "OAuth2PasswordBearer (no token) and security.current_user (unknown token), the router's dependency",
        404: "products.find_product raises NotFoundError, which main.not_found answers",
        410: "products.find_product raises errors.Gone, an HTTPException subclass",
    },
    ("POST", "/api/catalog"): {
        201: "status_code=status.HTTP_201_CREATED",
        401: "the router's dependency security.current_user",
        403: "security.require_admin, the route's dependency",
        409: "products.add_product raises HTTPException(409)",
        422: "FastAPI validates the Product body",
    },
    ("DELETE", "/api/catalog/{sku}"): {
        204: "status_code=status.HTTP_204_NO_CONTENT",
        401: "the router's dependency security.current_user",
        403: "security.require_admin, the route's dependency",
        404: "products.retire_product -> find_product raises NotFoundError (main.not_found)",
        410: "products.retire_product -> find_product raises errors.Gone",
    },
}

ADMIN = {"Authorization": "Bearer ada-token"}
USER = {"Authorization": "Bearer bob-token"}
STRANGER = {"Authorization": "Bearer nobody"}
TEA = {"sku": "tea", "name": "Green tea", "price": 4.5}

# The request that produces each status: (headers, body) for the route's path with `sku`.
REQUESTS: dict[tuple[str, str, int], tuple[str, dict, dict | None]] = {
    ("GET", "/api/catalog/{sku}", 200): ("tea", ADMIN, None),
    ("GET", "/api/catalog/{sku}", 401): ("tea", {}, None),
    ("GET", "/api/catalog/{sku}", 404): ("mate", USER, None),
    ("GET", "/api/catalog/{sku}", 410): ("coffee", USER, None),
    ("POST", "/api/catalog", 201): ("", ADMIN, {"sku": "mate", "name": "Mate", "price": 3.0}),
    ("POST", "/api/catalog", 401): ("", STRANGER, TEA),
    ("POST", "/api/catalog", 403): ("", USER, {"sku": "mate", "name": "Mate", "price": 3.0}),
    ("POST", "/api/catalog", 409): ("", ADMIN, TEA),
    ("POST", "/api/catalog", 422): ("", ADMIN, {"sku": "mate"}),
    ("DELETE", "/api/catalog/{sku}", 204): ("tea", ADMIN, None),
    ("DELETE", "/api/catalog/{sku}", 401): ("tea", {}, None),
    ("DELETE", "/api/catalog/{sku}", 403): ("tea", USER, None),
    ("DELETE", "/api/catalog/{sku}", 404): ("mate", ADMIN, None),
    ("DELETE", "/api/catalog/{sku}", 410): ("coffee", ADMIN, None),
}


@pytest.fixture
def client():
    """The shop app, imported fresh (its stores start as the modules define them)."""
    sys.path.insert(0, str(EXAMPLES))
    try:
        for name in [m for m in sys.modules if m == "shop" or m.startswith("shop.")]:
            del sys.modules[name]
        main = importlib.import_module("shop.main")
        yield TestClient(main.app, raise_server_exceptions=False)
    finally:
        sys.path.remove(str(EXAMPLES))
        for name in [m for m in sys.modules if m == "shop" or m.startswith("shop.")]:
            del sys.modules[name]


def test_every_status_of_the_map_has_a_request_that_produces_it():
    assert {(m, p, s) for (m, p), statuses in SHOP_STATUSES.items() for s in statuses} == set(REQUESTS)


@pytest.mark.parametrize("method, path, status", sorted(REQUESTS), ids=lambda v: str(v))
def test_the_route_answers_the_status(client, method, path, status):
    sku, headers, body = REQUESTS[(method, path, status)]
    response = client.request(method, path.replace("{sku}", sku), headers=headers, json=body)
    assert response.status_code == status, response.text


def test_the_app_serves_exactly_these_catalog_routes(client):
    paths = client.get("/openapi.json").json()["paths"]
    served = {(m.upper(), p) for p, ops in paths.items() for m in ops if p.startswith("/api/catalog")}
    assert served == set(SHOP_STATUSES)


def test_what_the_openapi_documents(client):
    """What the app documents today (FST401 and the routes map compare against it): the
    router's 401, the GET's 404, FastAPI's 422 for every route with parameters; not 403, 409,
    410, nor the exception handler's 404 on DELETE."""
    paths = client.get("/openapi.json").json()["paths"]
    documented = {(m.upper(), p): set(map(int, op["responses"])) for p, ops in paths.items() for m, op in ops.items()}
    assert documented[("GET", "/api/catalog/{sku}")] == {200, 401, 404, 422}
    assert documented[("POST", "/api/catalog")] == {201, 401, 422}
    assert documented[("DELETE", "/api/catalog/{sku}")] == {204, 401, 422}


def test_the_static_route_table_is_what_fastapi_serves(client):
    """core/project_routes.py finds every route of the shop, in any module, with the full
    path FastAPI serves (prefixes of routers and of inclusions, across modules)."""
    from fastapi_status.core.project import ProjectIndex
    from fastapi_status.core.project_routes import project_routes
    from fastapi_status.files import project_files, read_source

    index = ProjectIndex.of_files(project_files(str(EXAMPLES)), read_source)
    found = {(m, r.path) for r in project_routes(index) for m in r.methods if r.app is not None}
    paths = client.get("/openapi.json").json()["paths"]
    served = {(m.upper(), p) for p, ops in paths.items() for m in ops}
    assert found == served


def test_what_is_documented_statically_is_what_the_openapi_says(client):
    """core/documented.py reads, for every route of the shop, the statuses its OpenAPI lists:
    the success status, every `responses=` along the way, and FastAPI's 422."""
    from fastapi_status.core.documented import documented
    from fastapi_status.core.project import ProjectIndex
    from fastapi_status.core.project_routes import project_routes
    from fastapi_status.files import project_files, read_source

    index = ProjectIndex.of_files(project_files(str(EXAMPLES)), read_source)
    found = {}
    for route in project_routes(index):
        d = documented(index, route)
        assert not d.unresolved, (route.path, d.unresolved)
        for method in route.methods:
            found[(method, route.path)] = set(d.statuses)
    paths = client.get("/openapi.json").json()["paths"]
    served = {(m.upper(), p): {int(s) if s.isdigit() else s for s in op["responses"]} for p, ops in paths.items() for m, op in ops.items()}
    assert found == served


def test_the_static_status_map_is_the_observed_one():
    """core/route_statuses.py finds, for every route of the map, exactly the statuses the app
    answers above, each with a source in the module that makes it."""
    from fastapi_status.core.project import ProjectIndex
    from fastapi_status.core.route_statuses import route_statuses
    from fastapi_status.files import project_files, read_source

    index = ProjectIndex.of_files(project_files(str(EXAMPLES)), read_source)
    found = {(m, r.path): s for r, s in route_statuses(index) for m in r.methods}
    for key, expected in SHOP_STATUSES.items():
        assert set(found[key].codes) == set(expected), key
    get = {s.code: s.sources for s in found[("GET", "/api/catalog/{sku}")].statuses}
    assert {Path(src.file).name for src in get[401]} == {"security.py"}
    assert [(Path(src.file).name, src.via) for src in get[404]] == [("products.py", ("shop.products.find_product",))]
    assert "main.not_found" in get[404][0].what and "Gone" in get[410][0].what
