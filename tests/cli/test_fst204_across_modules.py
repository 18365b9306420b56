"""FST204 through the CLI, in a project: an HTTPException raised by a function of another
module, inside the route's broad `try`, is swallowed into another status. TestClient shows
what the client gets before the fix (500) and after it (the 404 that was raised); a fallback
that answers no error is left alone."""

from __future__ import annotations

import subprocess
import sys

import pytest
from project_app import imported, write_project

STORE = '''from fastapi import HTTPException, status


def find_item(item_id: int) -> dict:
    if item_id == 0:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Item not found")
    return {"id": item_id}
'''
MAIN = '''from fastapi import FastAPI, HTTPException

from app import store

app = FastAPI()


@app.get("/items/{item_id}")
def read_item(item_id: int):
    try:
        return store.find_item(item_id)
    except Exception:
        raise HTTPException(status_code=500, detail="Internal error")


@app.get("/fallback/{item_id}")
def fallback(item_id: int):
    try:
        return store.find_item(item_id)
    except Exception:
        return {}
'''


def load_app(root):
    testclient = pytest.importorskip("fastapi.testclient")
    with imported(root) as main:
        return testclient.TestClient(main.app, raise_server_exceptions=False)


def test_a_helper_of_another_module_whose_404_is_swallowed(tmp_path):
    write_project(tmp_path, {"app/__init__.py": "", "app/store.py": STORE, "app/main.py": MAIN})
    argv = [sys.executable, "-m", "fastapi_status", "check", "--no-cache", "--select", "FST204", "app"]
    run = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    assert [line for line in run.stdout.splitlines() if "FST204" in line] == [
        "app/main.py:12:5: FST204 this `except` also catches the HTTPException (404 Not Found) raised in the `try`: "
        "the client receives 500 Internal Server Error instead"
    ]
    assert load_app(tmp_path).get("/items/0").status_code == 500
    fixed = subprocess.run([*argv, "--fix", "--unsafe-fixes"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "    except HTTPException:\n        raise\n    except Exception:\n        raise" in (tmp_path / "app" / "main.py").read_text()
    client = load_app(tmp_path)
    assert [client.get(u).status_code for u in ("/items/0", "/items/1", "/fallback/0")] == [404, 200, 200]
