"""The module model: routes found in every import style, statuses resolved, nothing invented."""

from __future__ import annotations

import ast

from fastapi_status.core.model import ModuleModel


def model(src: str) -> ModuleModel:
    return ModuleModel(ast.parse(src))


def routes(src: str) -> list[tuple[frozenset, str | None, str, int | None]]:
    return [(r.methods, r.path, r.handler.name, r.status) for r in model(src).routes]


def test_every_decorator_and_add_api_route():
    src = """
from fastapi import FastAPI, APIRouter
app = FastAPI()
router = APIRouter(prefix="/r")
@app.get("/a")
def a(): ...
@router.post("/b", status_code=201)
def b(): ...
@router.put("/c")
def c(): ...
@router.patch("/d")
def d(): ...
@router.delete("/e", status_code=204)
def e(): ...
@app.head("/f")
def f(): ...
@app.options("/g")
def g(): ...
@app.trace("/h")
def h(): ...
@app.api_route("/i", methods=["GET", "post"])
def i(): ...
def j(): ...
app.add_api_route("/j", j, methods=["PATCH"], status_code=202)
"""
    found = routes(src)
    assert [(sorted(m), p, n, s) for m, p, n, s in found] == [
        (["GET"], "/a", "a", None),
        (["POST"], "/b", "b", 201),
        (["PUT"], "/c", "c", None),
        (["PATCH"], "/d", "d", None),
        (["DELETE"], "/e", "e", 204),
        (["HEAD"], "/f", "f", None),
        (["OPTIONS"], "/g", "g", None),
        (["TRACE"], "/h", "h", None),
        (["GET", "POST"], "/i", "i", None),
        (["PATCH"], "/j", "j", 202),
    ]


def test_import_styles_and_status_spellings():
    src = """
import fastapi
from fastapi import status as http_status
from starlette import status as st
from http import HTTPStatus
import starlette.status
app = fastapi.FastAPI()
@app.post("/a", status_code=http_status.HTTP_201_CREATED)
def a(): ...
@app.post("/b", status_code=st.HTTP_202_ACCEPTED)
def b(): ...
@app.post("/c", status_code=HTTPStatus.CREATED)
def c(): ...
@app.post("/d", status_code=HTTPStatus.NO_CONTENT.value)
def d(): ...
@app.post("/e", status_code=starlette.status.HTTP_409_CONFLICT)
def e(): ...
@app.post("/f", status_code=fastapi.status.HTTP_404_NOT_FOUND)
def f(): ...
"""
    assert [s for *_, s in routes(src)] == [201, 202, 201, 204, 409, 404]


def test_router_imported_from_elsewhere_needs_a_path_string():
    src = """
from fastapi import Depends
from .api import router
@router.get("/items")
def items(): ...
@router.get(PATH)
def not_sure(): ...
@cache.get
def not_a_route(): ...
"""
    assert [n for _, _, n, _ in routes(src)] == ["items"]


def test_module_without_fastapi_has_no_routes():
    src = """
import requests
class Client:
    def post(self, path): return lambda f: f
client = Client()
@client.post("/items")
def create_item(): ...
"""
    m = model(src)
    assert not m.mentions_framework
    assert m.routes == []


def test_routes_inside_factories_and_aliased_classes():
    src = """
from fastapi import FastAPI as App, APIRouter as R
def create_app():
    app = App()
    @app.get("/health")
    def health(): ...
    return app
r: R = R()
@r.get("/x")
async def x(): ...
"""
    assert [n for _, _, n, _ in routes(src)] == ["health", "x"]


def test_response_classes_and_http_exception_subclasses():
    m = model(
        """
from fastapi import HTTPException
from fastapi.responses import JSONResponse
from starlette.responses import RedirectResponse as Redirect
class NotFound(HTTPException): ...
class Gone(NotFound): ...
class MyJSON(JSONResponse): ...
"""
    )
    name = lambda s: ast.parse(s, mode="eval").body  # noqa: E731
    assert m.response_class_of(name("Redirect")) == "fastapi.responses.RedirectResponse"
    assert m.response_class_of(name("MyJSON")) == "fastapi.responses.JSONResponse"
    assert m.is_http_exception(name("NotFound")) and m.is_http_exception(name("Gone"))
    assert not m.is_http_exception(name("ValueError"))
