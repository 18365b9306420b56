"""`fastapi-status routes`, run as a subprocess on the example shop: the route table, JSON and
Markdown, checked against the statuses the shop really answers (tests/observed)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
sys.path.insert(0, str(ROOT / "tests" / "observed"))
from test_shop_statuses import SHOP_STATUSES  # noqa: E402


def routes(*args: str, cwd: Path = ROOT, cache: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fastapi_status", "routes", *args, *(() if cache else ("--no-cache",))],
        cwd=cwd, capture_output=True, text=True, timeout=120,
    )


def test_json_lists_every_route_with_its_statuses_and_sources():
    run = routes("examples", "--format", "json")
    assert run.returncode == 0, run.stderr
    items = json.loads(run.stdout)
    by_key = {(m, item["path"]): item for item in items for m in item["methods"]}
    for key, expected in SHOP_STATUSES.items():
        item = by_key[key]
        assert [s["code"] for s in item["statuses"]] == sorted(expected)
        assert all(s["source"] and s["sources"][0]["file"].startswith("examples/shop/") for s in item["statuses"])
    post = by_key[("POST", "/api/catalog")]
    assert post["handler"] == {"name": "create_product", "file": "examples/shop/catalog.py", "line": 32}
    assert post["documented"] == ["201", "401", "422"] and post["undocumented"] == [403, 409]
    assert post["app"] == {"module": "shop.main", "name": "app"}
    swallowed = by_key[("PUT", "/items/{item_id}")]["swallowed"]
    assert [(s["code"], s["caught"]["what"]) for s in swallowed] == [(404, "caught by except Exception")]


def test_the_table_and_markdown():
    run = routes("examples/shop/catalog.py")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["METHOD", "PATH", "HANDLER", "ANSWERS", "DOCUMENTED", "MISSING"]
    row = next(line for line in lines if line.startswith("DELETE"))
    assert row.split()[1:3] == ["/api/catalog/{sku}", "examples/shop/catalog.py:37"]
    assert row.split()[-3:] == ["403", "404", "410"]  # (missing from the OpenAPI)
    assert lines[-1] == "3 routes, 3 with statuses the OpenAPI does not document"
    verbose = routes("examples/shop/catalog.py", "-v").stdout
    assert "raises NotFoundError, answered 404 by shop.main.not_found" in verbose and "examples/shop/products.py:17" in verbose
    markdown = routes("examples/shop/catalog.py", "--format", "markdown").stdout.splitlines()
    assert markdown[0] == "| Method | Path | Handler | Answers | Documented | Missing |"
    assert "| GET | `/api/catalog/{sku}` | `read_product` (examples/shop/catalog.py:27) | 200 401 404 410 |" in markdown[4]


def test_a_path_that_does_not_exist_is_an_error(tmp_path):
    run = routes(str(tmp_path / "nope"))
    assert run.returncode == 2 and "no such file or folder" in run.stderr and "Traceback" not in run.stderr


def test_a_router_without_an_app_is_marked(tmp_path):
    (tmp_path / "api.py").write_text(
        "from fastapi import APIRouter\nrouter = APIRouter(prefix='/v1')\n@router.get('/x')\ndef x():\n    return {}\n"
    )
    run = routes(".", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "/v1/x *" in run.stdout and "no app found" in run.stdout


def test_an_unchanged_project_prints_the_cached_output_and_a_change_is_seen(tmp_path):
    shutil.copytree(EXAMPLES / "shop", tmp_path / "shop")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'shop'\n")
    old = time.time() - 60
    for path in tmp_path.rglob("*.py"):  # (a file changed within a second of a run is not trusted by its stat)
        os.utime(path, (old, old))
    first = routes("shop", cwd=tmp_path, cache=True)
    assert first.returncode == 0 and "26 routes" in first.stdout, first.stderr
    [entry] = (tmp_path / ".fastapi_status_cache").glob("*/routes/*")
    assert routes("shop", cwd=tmp_path, cache=True).stdout == first.stdout
    # What is printed again is the stored output: no module is read.
    stored = json.loads(entry.read_text())
    entry.write_text(json.dumps({**stored, "output": "from the cache\n"}))
    assert routes("shop", cwd=tmp_path, cache=True).stdout == "from the cache\n"
    assert "from the cache" not in routes("shop", cwd=tmp_path).stdout  # (--no-cache)
    assert routes("shop", "--format", "json", cwd=tmp_path, cache=True).stdout.startswith("[")  # (another key)
    # A changed module, and a new one, are read again.
    health = tmp_path / "shop" / "health.py"
    health.write_text(health.read_text() + "\n\n@router.get('/ready')\ndef ready():\n    return {}\n")
    changed = routes("shop", cwd=tmp_path, cache=True).stdout
    assert "27 routes" in changed and "/ready" in changed
    (tmp_path / "shop" / "extra.py").write_text("from fastapi import FastAPI\n\nother = FastAPI()\n\n\n@other.get('/x')\ndef x():\n    return {}\n")
    assert "28 routes" in routes("shop", cwd=tmp_path, cache=True).stdout


def test_the_order_does_not_depend_on_string_hashing(tmp_path):
    # Two router factories each bind `router` in their own scope (fastapi-users' pattern): the
    # routers used to come out in set order, which changes with Python's hash seed.
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    factories = "".join(
        f"def get_{name}_router():\n    router = APIRouter()\n\n"
        f"    @router.get('/authorize')\n    def authorize_{name}():\n        return {{}}\n\n    return router\n\n\n"
        for name in ("oauth", "associate", "verify", "reset")
    )
    (tmp_path / "app" / "oauth.py").write_text("from fastapi import APIRouter\n\n\n" + factories)
    outputs = set()
    for seed in ("1", "2", "3", "4"):
        run = subprocess.run(
            [sys.executable, "-m", "fastapi_status", "routes", "app", "--format", "json", "--no-cache"],
            cwd=tmp_path, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert run.returncode == 0, run.stderr
        outputs.add(run.stdout)
    [output] = outputs
    assert [item["handler"]["name"] for item in json.loads(output)] == [
        "authorize_associate", "authorize_oauth", "authorize_reset", "authorize_verify"
    ]
