"""FST401 across modules, through the CLI: the statuses a route answers through a dependency, a
helper or an exception handler in another module, that its OpenAPI does not document; the fix
adds them, and FastAPI's own OpenAPI then lists them."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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
    sys.path.insert(0, str(tmp_path))
    try:
        main = importlib.import_module("shop.main")
        paths = testclient.TestClient(main.app).get("/openapi.json").json()["paths"]
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == "shop" or m.startswith("shop.")]:
            del sys.modules[name]
    documented = {(m.upper(), p): set(map(int, op["responses"])) for p, ops in paths.items() for m, op in ops.items()}
    assert documented[("GET", "/api/catalog/{sku}")] == {200, 401, 404, 410, 422}
    assert documented[("POST", "/api/catalog")] == {201, 401, 403, 409, 422}
    assert documented[("DELETE", "/api/catalog/{sku}")] == {204, 401, 403, 404, 410, 422}
