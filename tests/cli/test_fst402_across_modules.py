"""FST402 through the CLI, in a project: a `responses=` entry for a status the route never
answers, when every status it can answer is known across modules (a helper in another module
raises the 404 it documents, which is answered). The fix removes the stale entry, keeping the
others' comments; FastAPI's OpenAPI then lists what the route really answers, and the route
answers every status left documented (TestClient)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from project_app import imported, write_project

STORE = '''from fastapi import HTTPException


def find_item(item_id: int) -> dict:
    if item_id == 0:
        raise HTTPException(status_code=404, detail="Item not found")
    return {"id": item_id}
'''
ITEMS = '''from fastapi import APIRouter

from app.store import find_item
from app.remote import fetch

router = APIRouter(prefix="/items")


@router.get(
    "/{item_id}",
    responses={
        404: {"description": "Not Found"},  # from app.store
        409: {"description": "Conflict"},  # left over
    },
)
def read_item(item_id: int):
    return find_item(item_id)


@router.get("/{item_id}/remote", responses={409: {"description": "Conflict"}})
async def read_remote(item_id: int):
    return await fetch(item_id)  # (what it returns is not known: it may be any Response)
'''
REMOTE = '''CLIENT = None  # (set at start-up: a client of another service)


async def fetch(item_id: int):
    return await CLIENT.get(f"/items/{item_id}")
'''
MAIN = "from fastapi import FastAPI\n\nfrom app.items import router\n\napp = FastAPI()\napp.include_router(router)\n"


def check(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fastapi_status", "check", "--no-cache", "--select", "FST402", *args, "app"],
        cwd=root, capture_output=True, text=True, timeout=120,
    )


@pytest.fixture
def project(tmp_path):
    files = {"__init__.py": "", "store.py": STORE, "items.py": ITEMS, "remote.py": REMOTE, "main.py": MAIN}
    write_project(tmp_path, {f"app/{name}": text for name, text in files.items()})
    return tmp_path


def test_the_stale_entry_is_named_with_what_the_route_answers(project):
    run = check(project)
    assert run.returncode == 1, run.stderr
    assert [line for line in run.stdout.splitlines() if "FST402" in line] == [
        "app/items.py:13:9: FST402 `responses=` documents 409 Conflict, which this route never answers "
        "(it answers 200, 404, 422)"
    ]


def test_the_fix_removes_it_and_fastapi_then_documents_what_the_route_answers(project):
    run = check(project, "--fix", "--unsafe-fixes")
    assert run.returncode == 0, run.stdout + run.stderr
    items = (project / "app" / "items.py").read_text()
    assert '        404: {"description": "Not Found"},  # from app.store\n    },\n' in items and "left over" not in items
    assert check(project).returncode == 0
    testclient = pytest.importorskip("fastapi.testclient")
    with imported(project) as main:
        client = testclient.TestClient(main.app, raise_server_exceptions=False)
        paths = client.get("/openapi.json").json()["paths"]
        assert set(map(int, paths["/items/{item_id}"]["get"]["responses"])) == {200, 404, 422}
        assert [client.get(url).status_code for url in ("/items/1", "/items/0", "/items/x")] == [200, 404, 422]
