"""FST401 across modules, through the CLI: the statuses a route answers through a dependency, a
helper or an exception handler in another module, that its OpenAPI does not document; the fix
adds them, and FastAPI's own OpenAPI then lists them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from project_app import imported, write_project

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def check(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fastapi_status", "check", "--no-cache", "--select", "FST401", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120,
    )


def test_statuses_from_other_modules_are_named_with_where_they_come_from(tmp_path):
    shutil.copytree(EXAMPLES / "shop", tmp_path / "shop")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'shop'\n")  # (a project: its modules are read)
    run = check("shop/catalog.py", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    lines = [line for line in run.stdout.splitlines() if "FST401" in line]
    assert lines == [
        "shop/catalog.py:26:2: FST401 [*] route can answer 410 Gone (from shop.products.find_product), "
        "which `responses=` does not document",
        "shop/catalog.py:31:2: FST401 [*] route can answer 403 Forbidden (from shop.security.require_admin), "
        "409 Conflict (from shop.products.add_product), which `responses=` does not document",
        "shop/catalog.py:36:2: FST401 [*] route can answer 403 Forbidden (from shop.security.require_admin), "
        "404 Not Found (from shop.products.find_product), 410 Gone (from shop.products.find_product), "
        "which `responses=` does not document",
    ]


def test_the_fix_documents_them_as_fastapi_then_says(tmp_path):
    shutil.copytree(EXAMPLES / "shop", tmp_path / "shop")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'shop'\n")  # (a project: its modules are read)
    run = check("shop/catalog.py", "--fix", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "FST401" not in check("shop/catalog.py", cwd=tmp_path).stdout
    testclient = pytest.importorskip("fastapi.testclient")
    with imported(tmp_path, "shop.main") as main:
        paths = testclient.TestClient(main.app).get("/openapi.json").json()["paths"]
    documented = {(m.upper(), p): set(map(int, op["responses"])) for p, ops in paths.items() for m, op in ops.items()}
    assert documented[("GET", "/api/catalog/{sku}")] == {200, 401, 404, 410, 422}
    assert documented[("POST", "/api/catalog")] == {201, 401, 403, 409, 422}
    assert documented[("DELETE", "/api/catalog/{sku}")] == {204, 401, 403, 404, 410, 422}


AUTH = (
    "from fastapi import HTTPException\n\n\n"
    "def require_admin(token: str = ''):\n"
    "    if token != 'admin':\n"
    "        raise HTTPException(status_code=403, detail='Admins only')\n"
)
ITEMS = (
    "from fastapi import APIRouter, Depends, HTTPException\n\n"
    "from app.auth import require_admin\n\n"
    "router = APIRouter()\n\n\n"
    "@router.post('/items', dependencies=[Depends(require_admin)])\n"
    "def create_item(name: str):\n"
    "    if not name:\n"
    "        raise HTTPException(400, 'Name required')\n"
    "    return {'name': name}\n"
)
MAIN = "from fastapi import FastAPI\n\nfrom app.items import router\n\napp = FastAPI()\napp.include_router(router)\n"


def test_one_fix_run_documents_what_another_fix_on_the_same_decorator_delayed(tmp_path):
    # FST101's fix (status_code=201) and FST401's both edit the decorator: the fix loop applies
    # one per round, and the later rounds still see the statuses that come from other modules
    # (the 403 of app.auth), although the module's text has changed.
    write_project(tmp_path, {"app/__init__.py": "", "app/auth.py": AUTH, "app/items.py": ITEMS, "app/main.py": MAIN})
    run = subprocess.run(
        [sys.executable, "-m", "fastapi_status", "check", "--no-cache", "--select", "FST101,FST401", "--fix", "--unsafe-fixes", "app"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    fixed = (tmp_path / "app/items.py").read_text()
    assert "status_code=201" in fixed
    assert "403: {'description': 'Forbidden'}" in fixed and "400: {'description': 'Bad Request'}" in fixed, fixed
    again = check("--select", "FST101,FST401", "app", cwd=tmp_path)
    assert again.returncode == 0, again.stdout



def test_a_status_every_route_of_the_router_answers_is_documented_on_the_router(tmp_path):
    # The router's own dependency (app.auth.require_admin) answers 403 for each of its routes:
    # one entry on the router; the 404 only one route answers goes on that route.
    admin = (
        "from fastapi import APIRouter, Depends, HTTPException\n\n"
        "from app.auth import require_admin\n\n"
        "router = APIRouter(prefix='/admin', dependencies=[Depends(require_admin)])\n\n\n"
        "@router.get('/users')\ndef list_users():\n    return []\n\n\n"
        "@router.get('/users/{user_id}')\ndef read_user(user_id: int):\n"
        "    if user_id == 0:\n        raise HTTPException(404, 'User not found')\n    return {'id': user_id}\n"
    )
    main = "from fastapi import FastAPI\n\nfrom app.admin import router\n\napp = FastAPI()\napp.include_router(router)\n"
    write_project(tmp_path, {"app/__init__.py": "", "app/auth.py": AUTH, "app/admin.py": admin, "app/main.py": main})
    first = check("app/admin.py", cwd=tmp_path)
    assert first.returncode == 1 and first.stdout.count("FST401") == 2, first.stdout
    run = check("app/admin.py", "--fix", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    fixed = (tmp_path / "app/admin.py").read_text()
    assert "router = APIRouter(\n    prefix='/admin',\n    dependencies=[Depends(require_admin)],\n    responses={403: {'description': 'Forbidden'}},\n)\n" in fixed, fixed
    assert "@router.get('/users/{user_id}', responses={404: {'description': 'Not Found'}})\n" in fixed
    assert "@router.get('/users')\n" in fixed
    testclient = pytest.importorskip("fastapi.testclient")
    with imported(tmp_path) as main:
        paths = testclient.TestClient(main.app).get("/openapi.json").json()["paths"]
    assert set(map(int, paths["/admin/users"]["get"]["responses"])) == {200, 403, 422}
    assert set(map(int, paths["/admin/users/{user_id}"]["get"]["responses"])) == {200, 403, 404, 422}
