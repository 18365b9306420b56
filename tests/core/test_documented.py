"""core/documented.py: what FastAPI's OpenAPI lists for a route, read statically; each case
is checked against the OpenAPI real FastAPI builds for the same app."""

from __future__ import annotations

import pytest

from fastapi_status.core.documented import documented
from fastapi_status.core.project import ProjectIndex
from fastapi_status.core.project_routes import project_routes

HEAD = "from fastapi import APIRouter, Depends, FastAPI, Query, Request, status\nfrom fastapi.security import OAuth2PasswordBearer\n"

CASES = {
    "wildcards and numbers as strings": (
        HEAD + "app = FastAPI()\n@app.get('/x', responses={'4XX': {}, '409': {}, 'default': {}})\ndef x(): ...\n",
        {200, 409, "4XX", "default"},
    ),
    "router, inclusion and route responses, a constant key": (
        HEAD + "router = APIRouter(responses={401: {}})\n"
        "@router.post('/x', status_code=201, responses={status.HTTP_409_CONFLICT: {}})\ndef x(q: int): ...\n"
        "app = FastAPI()\napp.include_router(router, responses={403: {}})\n",
        {201, 401, 403, 409, 422},
    ),
    "no parameters, a security scheme dependency: no 422": (
        HEAD + "oauth2 = OAuth2PasswordBearer(tokenUrl='t')\napp = FastAPI()\n"
        "def user(token: str = Depends(oauth2)): ...\n"
        "@app.get('/me')\ndef me(request: Request, u = Depends(user)): ...\n",
        {200},
    ),
    "a query parameter of a router dependency: 422": (
        HEAD + "def paging(page: int = Query(1)): ...\nrouter = APIRouter(dependencies=[Depends(paging)])\n"
        "@router.get('/x')\ndef x(): ...\napp = FastAPI()\napp.include_router(router)\n",
        {200, 422},
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_documented_statuses_are_the_openapi_ones(name):
    source, expected = CASES[name]
    index = ProjectIndex.of_files({"main.py": source}, {"main.py": source}.get)
    [route] = project_routes(index)
    d = documented(index, route)
    assert not d.unresolved and set(d.statuses) == expected
    fastapi = pytest.importorskip("fastapi.testclient")
    namespace: dict = {}
    exec(compile(source, "main.py", "exec"), namespace)
    [op] = fastapi.TestClient(namespace["app"]).get("/openapi.json").json()["paths"].values()
    [responses] = [o["responses"] for o in op.values()]
    assert {int(k) if k.isdigit() else k for k in responses} == expected


def test_what_is_not_read_is_said_not_guessed():
    source = HEAD + "MORE = {404: {}}\napp = FastAPI()\n@app.get('/x', responses={**MORE})\ndef x(d = Depends()): ...\n"
    index = ProjectIndex.of_files({"main.py": source}, {"main.py": source}.get)
    [route] = project_routes(index)
    d = documented(index, route)
    assert d.statuses == {200}
    assert any("unpacks" in u for u in d.unresolved) and any("422" in u for u in d.unresolved)


def test_a_route_left_out_of_the_schema():
    source = HEAD + "app = FastAPI()\n@app.get('/x', include_in_schema=False)\ndef x(): ...\n"
    index = ProjectIndex.of_files({"main.py": source}, {"main.py": source}.get)
    [route] = project_routes(index)
    assert documented(index, route).in_schema is False
