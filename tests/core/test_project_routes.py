"""core/project_routes.py: every route of a project with its full path, across modules."""

from __future__ import annotations

from fastapi_status.core.project import ProjectIndex
from fastapi_status.core.project_routes import project_routes


def _routes(files: dict[str, str]) -> set[tuple[str, str | None, str | None]]:
    """(methods, full path, the serving app's module:name) for a project of these files."""
    index = ProjectIndex.of_files(files, files.get)
    return {
        (",".join(sorted(r.methods)), r.path, f"{r.app.module}:{r.app.name}" if r.app else None)
        for r in project_routes(index)
    }


def test_prefixes_along_a_chain_of_routers_in_three_modules():
    files = {
        "app/__init__.py": "",
        "app/main.py": (
            "from fastapi import FastAPI\nfrom app.api import api\n"
            "app = FastAPI()\napp.include_router(api, prefix='/v1')\n"
        ),
        "app/api.py": (
            "from fastapi import APIRouter\nfrom . import books\n"
            "api = APIRouter(prefix='/api')\napi.include_router(books.router, prefix='/shelf')\n"
        ),
        "app/books.py": (
            "from fastapi import APIRouter\nrouter = APIRouter(prefix='/books')\n"
            "@router.get('/{book_id}')\ndef read(book_id: int): ...\n"
            "@router.post('')\ndef create(): ...\n"
        ),
    }
    assert _routes(files) == {
        ("GET", "/v1/api/shelf/books/{book_id}", "app.main:app"),
        ("POST", "/v1/api/shelf/books", "app.main:app"),
    }


def test_an_app_factory_a_router_included_twice_and_one_included_nowhere():
    files = {
        "main.py": (
            "from fastapi import FastAPI\nimport items\n"
            "def create_app():\n    app = FastAPI()\n    return app\n"
            "app = FastAPI()\napp.include_router(items.router)\napp.include_router(items.router, prefix='/legacy')\n"
        ),
        "items.py": "from fastapi import APIRouter\nrouter = APIRouter()\n@router.get('/items')\ndef list_items(): ...\n",
        "admin.py": "from fastapi import APIRouter\nadmin = APIRouter(prefix='/admin')\n@admin.delete('/cache')\ndef clear(): ...\n",
    }
    assert _routes(files) == {
        ("GET", "/items", "main:app"),
        ("GET", "/legacy/items", "main:app"),
        ("DELETE", "/admin/cache", None),  # no app includes it: its own path
    }


def test_a_prefix_that_is_not_a_literal_is_not_guessed():
    files = {
        "main.py": (
            "from fastapi import FastAPI\nfrom items import router\nimport settings\n"
            "app = FastAPI()\napp.include_router(router, prefix=settings.PREFIX)\n"
        ),
        "items.py": "from fastapi import APIRouter\nrouter = APIRouter()\n@router.get('/items')\ndef list_items(): ...\n",
        "settings.py": "PREFIX = '/x'\n",
    }
    assert _routes(files) == {("GET", "/items", None)}  # the inclusion is not read: not served by a known app


def test_a_router_that_includes_itself_ends():
    files = {
        "main.py": (
            "from fastapi import APIRouter, FastAPI\nrouter = APIRouter(prefix='/r')\n"
            "router.include_router(router)\napp = FastAPI()\napp.include_router(router)\n"
            "@router.get('/x')\ndef x(): ...\n"
        ),
    }
    assert _routes(files) == {("GET", "/r/x", "main:app")}


def test_routers_included_in_a_loop_over_a_written_out_tuple_and_a_namespace_package():
    """prefect's `for router in API_ROUTERS: app.include_router(router)`; litellm's folders of
    routers without an `__init__.py` inside a package."""
    files = {
        "app/__init__.py": "",
        "app/main.py": (
            "from fastapi import FastAPI\nfrom app.routers import books, users\n"
            "ROUTERS = (books.router, users.router)\napp = FastAPI()\n"
            "for router in ROUTERS:\n    app.include_router(router, prefix='/v1')\n"
            "for other in make_routers():\n    app.include_router(other)\n"
        ),
        "app/routers/books.py": "from fastapi import APIRouter\nrouter = APIRouter()\n@router.get('/books')\ndef books(): ...\n",
        "app/routers/users.py": "from fastapi import APIRouter\nrouter = APIRouter()\n@router.get('/users')\ndef users(): ...\n",
    }
    assert _routes(files) == {("GET", "/v1/books", "app.main:app"), ("GET", "/v1/users", "app.main:app")}


def test_a_sub_app_mounted_under_a_path_serves_its_routes_there():
    files = {
        "main.py": (
            "from fastapi import FastAPI\nfrom admin import admin\napp = FastAPI()\n"
            "app.mount('/admin/', admin)\napp.mount('/static', StaticFiles(directory='s'))\n"
        ),
        "admin.py": "from fastapi import FastAPI\nadmin = FastAPI()\n@admin.get('/users')\ndef users(): ...\n",
    }
    assert _routes(files) == {("GET", "/admin/users", "admin:admin")}


def test_a_router_class_of_the_project_and_an_app_with_keyword_options():
    """prefect: `PrefectRouter(APIRouter)` routers, `FastAPI(**options)` built in a factory,
    included in a loop, the app mounted with `app=`."""
    files = {
        "pkg/__init__.py": "",
        "pkg/routing.py": "from fastapi import APIRouter\nclass AppRouter(APIRouter):\n    pass\n",
        "pkg/flows.py": (
            "from fastapi import Depends\nfrom pkg.routing import AppRouter\nrouter: AppRouter = AppRouter(prefix='/flows')\n"
            "@router.get('/{id}')\ndef read(id: int): ...\n"
        ),
        "pkg/server.py": (
            "from fastapi import FastAPI\nimport pkg.flows as flows\nROUTERS = [flows.router]\n"
            "def create_api_app(**options):\n    api_app = FastAPI(**options)\n"
            "    for router in ROUTERS:\n        api_app.include_router(router)\n    return api_app\n"
            "def create_app():\n    app = FastAPI()\n    admin = FastAPI()\n    app.mount('/admin', app=admin)\n    return app\n"
        ),
    }
    assert _routes(files) == {("GET", "/flows/{id}", "pkg.server:api_app")}


def test_a_router_whose_prefix_is_not_a_literal_still_documents_and_depends():
    """litellm's `router: Final = APIRouter(prefix=MANAGEMENT_V1_PREFIX, responses=…)`: its
    `responses=` and `dependencies=` apply to its routes whatever its prefix is (FST401 added a
    router entry that the map then did not read, again and again)."""
    from fastapi_status.core.documented import documented

    files = {
        "main.py": "from fastapi import FastAPI\nfrom items import router\napp = FastAPI()\napp.include_router(router)\n",
        "items.py": (
            "from typing import Final\nfrom fastapi import APIRouter\nfrom settings import PREFIX\n"
            "router: Final = APIRouter(prefix=PREFIX, responses={403: {'description': 'Forbidden'}})\n"
            "@router.get('/items')\ndef list_items(): ...\n"
        ),
        "settings.py": "PREFIX = '/x'\n",
    }
    index = ProjectIndex.of_files(files, files.get)
    [route] = project_routes(index)
    assert 403 in documented(index, route).statuses
