"""FST201 through the CLI, in a project: the error payload a route returns is built by a
function of another module (`return error_response("Item not found")`). TestClient shows that
the client gets 200 with it before the fix, and the 404 the message names after."""

from __future__ import annotations

import subprocess
import sys

import pytest
from project_app import imported, write_project

ERRORS = '''def error_response(message: str, code: str | None = None) -> dict:
    return {"error": message, "code": code}
'''
MAIN = '''from fastapi import FastAPI

from app.errors import error_response

app = FastAPI()
ITEMS = {1: {"id": 1}}


@app.get("/items/{item_id}")
def read_item(item_id: int):
    item = ITEMS.get(item_id)
    if item is None:
        return error_response("Item not found")
    return item
'''


def answers(root) -> list[tuple[int, dict]]:
    testclient = pytest.importorskip("fastapi.testclient")
    with imported(root) as main:
        client = testclient.TestClient(main.app)
        return [(r.status_code, r.json()) for r in (client.get("/items/1"), client.get("/items/2"))]


def test_an_error_payload_built_in_another_module(tmp_path):
    write_project(tmp_path, {"app/__init__.py": "", "app/errors.py": ERRORS, "app/main.py": MAIN})
    argv = [sys.executable, "-m", "fastapi_status", "check", "--no-cache", "--select", "FST201", "app"]
    run = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and "app/main.py:13:9: FST201 route answers 200 OK with an error body" in run.stdout, run.stdout
    assert answers(tmp_path)[1] == (200, {"error": "Item not found", "code": None})
    fixed = subprocess.run([*argv, "--fix", "--unsafe-fixes"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert answers(tmp_path) == [(200, {"id": 1}), (404, {"detail": "Item not found"})]
