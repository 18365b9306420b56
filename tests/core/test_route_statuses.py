"""core/route_statuses.py: every status a route can answer, across modules. Each case is a small
package; the statuses the model finds are then produced, one request each, by the real app
through FastAPI's TestClient, so every expectation here is observed, not assumed."""

from __future__ import annotations

import importlib
import sys
import textwrap

import pytest

from fastapi_status.core.project import ProjectIndex
from fastapi_status.core.route_statuses import StatusModel
from fastapi_status.files import project_files, read_source

# name -> (modules of package `app`, {(method, path): {status: (url, request options)}})
CASES = {
    "a status swallowed by except Exception, and one re-raised": (
        {
            "store.py": """
                from fastapi import HTTPException

                def load(i: int) -> dict:
                    if i == 0:
                        raise HTTPException(404, "no such item")
                    return {"i": i}
            """,
            "main.py": """
                from fastapi import FastAPI, HTTPException
                from .store import load

                app = FastAPI()

                @app.get("/swallowed/{i}")
                def swallowed(i: int):
                    try:
                        return load(i)
                    except Exception:
                        raise HTTPException(500, "failed")

                @app.get("/reraised/{i}")
                def reraised(i: int):
                    try:
                        return load(i)
                    except Exception:
                        raise
            """,
        },
        {
            ("GET", "/swallowed/{i}"): {200: ("/swallowed/1", {}), 422: ("/swallowed/x", {}), 500: ("/swallowed/0", {})},
            ("GET", "/reraised/{i}"): {200: ("/reraised/1", {}), 404: ("/reraised/0", {}), 422: ("/reraised/x", {})},
        },
    ),
    "exception handlers for a base class, unmapped exceptions, a validation handler": (
        {
            "errors.py": """
                class AppError(Exception):
                    pass

                class Missing(AppError):
                    pass

                class Broken(Exception):
                    pass
            """,
            "main.py": """
                from fastapi import FastAPI, Request
                from fastapi.exceptions import RequestValidationError
                from fastapi.responses import JSONResponse
                from .errors import AppError, Broken, Missing

                app = FastAPI()

                async def app_error(request: Request, exc: AppError):
                    return JSONResponse({"detail": "missing"}, status_code=404)

                app.add_exception_handler(AppError, app_error)

                @app.exception_handler(RequestValidationError)
                async def invalid(request: Request, exc: RequestValidationError):
                    return JSONResponse({"detail": "bad request"}, status_code=400)

                @app.get("/items/{i}")
                def item(i: int):
                    if i == 0:
                        raise Missing()
                    if i == 1:
                        raise Broken()
                    if i == 2:
                        raise ValueError("two")
                    return {}
            """,
        },
        {
            ("GET", "/items/{i}"): {200: ("/items/3", {}), 400: ("/items/x", {}), 404: ("/items/0", {}), 500: ("/items/1", {})},
        },
    ),
    "Response objects, response.status_code, security schemes, text path parameters": (
        {
            "main.py": """
                from typing import Final

                from fastapi import Depends, FastAPI, Response
                from fastapi.responses import RedirectResponse
                from fastapi.security import APIKeyHeader, HTTPBearer

                bearer: Final = HTTPBearer()  # (annotated, as litellm's)
                optional_key = APIKeyHeader(name="x-key", auto_error=False)
                app = FastAPI()

                @app.get("/accepted/{name}")
                def accepted(name: str, response: Response, key=Depends(optional_key)):
                    response.status_code = 202
                    return {"name": name}

                @app.post("/go")
                def go(credentials=Depends(bearer)):
                    return RedirectResponse("/elsewhere", status_code=303)
            """,
        },
        {
            ("GET", "/accepted/{name}"): {202: ("/accepted/x", {})},
            ("POST", "/go"): {303: ("/go", {"headers": {"Authorization": "Bearer t"}}), 401: ("/go", {})},
        },
    ),
    "an app factory, a router included with a prefix, a class-based dependency": (
        {
            "deps.py": """
                from fastapi import Header, HTTPException

                class Quota:
                    def __call__(self, x_plan: str = Header("free")):
                        if x_plan == "none":
                            raise HTTPException(429, "no quota")

                quota = Quota()
            """,
            "api.py": """
                from fastapi import APIRouter, Depends
                from .deps import quota

                router = APIRouter(prefix="/v1", dependencies=[Depends(quota)])

                @router.get("/ping")
                def ping():
                    return {"ok": True}
            """,
            "main.py": """
                from fastapi import FastAPI
                from . import api

                def create_app() -> FastAPI:
                    app = FastAPI()
                    app.include_router(api.router, prefix="/api")
                    return app

                app = create_app()
            """,
        },
        {
            ("GET", "/api/v1/ping"): {200: ("/api/v1/ping", {}), 429: ("/api/v1/ping", {"headers": {"x-plan": "none"}})},
        },
    ),
    "a sub-app mounted under a path, re-exported by its package, with its own exception handler": (
        {
            "errors.py": """
                class Missing(Exception):
                    pass
            """,
            "sub/__init__.py": """
                from .api import app as api_app
            """,
            "sub/api.py": """
                from fastapi import FastAPI, Request
                from fastapi.responses import JSONResponse
                from ..errors import Missing

                app = FastAPI()

                @app.exception_handler(Missing)
                async def missing(request: Request, exc: Missing):
                    return JSONResponse({"detail": "no such thing"}, status_code=404)

                @app.get("/things/{i}")
                def thing(i: int):
                    if i == 0:
                        raise Missing()
                    return {"i": i}
            """,
            "main.py": """
                from fastapi import FastAPI, Request
                from fastapi.responses import JSONResponse
                from .errors import Missing
                from .sub import api_app

                app = FastAPI()
                app.mount("/admin/api", api_app)

                @app.exception_handler(Missing)
                async def teapot(request: Request, exc: Missing):
                    return JSONResponse({"detail": "not here"}, status_code=418)
            """,
        },
        {
            ("GET", "/admin/api/things/{i}"): {
                200: ("/admin/api/things/1", {}), 404: ("/admin/api/things/0", {}), 422: ("/admin/api/things/x", {}),
            },
        },
    ),
}


def _write(tmp_path, modules: dict[str, str]) -> None:
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, text in modules.items():
        (package / name).parent.mkdir(exist_ok=True)
        (package / name).write_text(textwrap.dedent(text))


def _model(tmp_path) -> StatusModel:
    return StatusModel(ProjectIndex.of_files(project_files(str(tmp_path)), read_source))


def _static_map(tmp_path):
    model = _model(tmp_path)
    return {(m, r.path): model.statuses(r) for r in model.routes if r.app is not None for m in r.methods}


@pytest.fixture
def app_package(tmp_path):
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        del sys.modules[name]


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_statuses_found_are_the_ones_the_app_answers(app_package, name):
    modules, expected = CASES[name]
    _write(app_package, modules)
    found = _static_map(app_package)
    assert {key: set(s.codes) for key, s in found.items()} == {key: set(codes) for key, codes in expected.items()}
    testclient = pytest.importorskip("fastapi.testclient")
    app = importlib.import_module("app.main").app
    client = testclient.TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    for (method, _), codes in expected.items():
        for code, (url, options) in codes.items():
            assert client.request(method, url, **options).status_code == code, (method, url)


def test_where_each_status_comes_from(app_package):
    _write(app_package, CASES["a status swallowed by except Exception, and one re-raised"][0])
    found = _static_map(app_package)
    swallowed = found[("GET", "/swallowed/{i}")]
    [lost] = swallowed.swallowed
    assert (lost.code, lost.raised.via, lost.caught.what) == (404, ("app.store.load",), "caught by except Exception")
    reraised = found[("GET", "/reraised/{i}")]
    [status] = [s for s in reraised.statuses if s.code == 404]
    [source] = status.sources
    assert source.file.endswith("store.py") and source.line == 6 and source.via == ("app.store.load",)


def test_what_is_not_resolved_is_said_and_adds_nothing(tmp_path):
    _write(tmp_path, {
        "main.py": """
            from fastapi import Depends, FastAPI
            from somewhere import make_checker, LibraryError

            app = FastAPI()

            @app.get("/x")
            def x(user=Depends(make_checker("admin"))):
                raise LibraryError()
        """,
    })
    [statuses] = _static_map(tmp_path).values()
    assert statuses.codes == frozenset()  # (it always raises a library exception: not known)
    assert any("make_checker" in note for note in statuses.unresolved)


def test_a_router_no_app_includes_leaves_custom_exceptions_unresolved(tmp_path):
    _write(tmp_path, {
        "api.py": """
            from fastapi import APIRouter

            class Missing(Exception):
                pass

            router = APIRouter()

            @router.get("/x")
            def x():
                raise Missing()
        """,
    })
    model = _model(tmp_path)
    [route] = model.routes
    statuses = model.statuses(route)
    assert statuses.codes == frozenset() and any("Missing" in note for note in statuses.unresolved)


def test_an_exception_handed_to_a_converter_is_neither_answered_nor_swallowed(tmp_path):
    """litellm's `except Exception as e: raise handle_exception_on_proxy(e)`: the converter may
    give back the same status or another; the map says so and claims neither."""
    _write(tmp_path, {
        "main.py": """
            from fastapi import FastAPI, HTTPException

            app = FastAPI()

            def to_http(e: Exception) -> HTTPException:
                return e if isinstance(e, HTTPException) else HTTPException(500)

            @app.get("/converted/{i}")
            def converted(i: int):
                try:
                    if i == 0:
                        raise HTTPException(404)
                    return {}
                except Exception as e:
                    raise to_http(e)
        """,
    })
    [statuses] = _static_map(tmp_path).values()
    assert statuses.codes == {200, 422} and not statuses.swallowed
    assert any("to_http" in note for note in statuses.unresolved)


def test_a_module_rebased_on_its_new_text_keeps_the_rest_of_the_project(tmp_path):
    """The fix loop's later rounds: the project read the module before a fix moved its lines;
    the routes of the new text get the statuses that come from other modules, and their own
    code is read in the new text. Another set of routes is not matched."""
    from fastapi_status.core.model import ModuleModel
    from fastapi_status.core.project import ModuleInfo
    from fastapi_status.core.text import parse_quietly

    modules, _ = CASES["a status swallowed by except Exception, and one re-raised"]
    _write(tmp_path, modules)
    model = _model(tmp_path)
    path = str(tmp_path / "app" / "main.py")
    text = (tmp_path / "app" / "main.py").read_text()
    moved = text.replace("app = FastAPI()\n", "app = FastAPI()\n\n\n# moved\n").replace(
        "    except Exception:\n        raise HTTPException(500", "    except Exception:\n        raise HTTPException(503"
    )

    def rebased(source: str):
        tree = parse_quietly(source)
        return model.rebased(ModuleInfo.of("app.main", path, tree), ModuleModel(tree))

    child, routes = rebased(moved)
    codes = {r.route.handler.name: set(child.statuses(r).codes) for r in routes}
    assert codes == {"swallowed": {200, 422, 503}, "reraised": {200, 404, 422}}
    assert [r.route.handler.lineno for r in routes] != [r.route.handler.lineno for r in model.routes]
    assert rebased(moved.replace("def reraised", "def renamed")) is None
    assert rebased(moved.replace('@app.get("/reraised/{i}")\n', "")) is None
