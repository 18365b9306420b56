"""The eight public corpora in ../shared/corpora.txt: no crash, and every fix (`--fix
--unsafe-fixes --select ALL`) leaves code that parses, keeps the file's layout and line length
(tests/corpora/layout.py), and is idempotent: a second run finds nothing left to fix and
changes nothing.

The corpora are fetched from PyPI by ../shared/fetch-corpora (cached in
~/.cache/fastapi-status-corpora, or $CORPORA_DIR), each with the pyproject.toml of its declared
dependencies (bench/eval/corpora.py); without network or without the script the tests skip and
say why.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from layout import problems

from fastapi_status.project_facts import facts_for

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "eval"))

from corpora import NAMES, fetch  # noqa: E402


@pytest.fixture(scope="module")
def originals() -> Path:
    try:
        return fetch()
    except SystemExit as exc:
        pytest.skip(f"the shared corpora are not available here: {exc}")


@pytest.fixture(scope="module")
def corpora(originals, tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("corpora")
    for name in NAMES:
        shutil.copytree(originals / name, copy / name)
    return copy


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fastapi_status", *args], cwd=cwd, capture_output=True, text=True, timeout=1800
    )


def snapshot(folder: Path) -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*.py")}


def test_check_fix_and_recheck(corpora, originals):
    first = cli("check", ".", "--no-cache", "--select", "ALL", "--format", "json", cwd=corpora)
    assert first.returncode == 1, first.stderr[-2000:]
    assert "internal error" not in first.stderr and "Traceback" not in first.stderr, first.stderr[-2000:]
    found = json.loads(first.stdout)
    assert {d["code"] for d in found} >= {"FST101", "FST204", "FST401", "FST501"}
    assert not [d for d in found if d["code"] == "FST000"]

    before = snapshot(corpora)
    fixed = cli("check", ".", "--no-cache", "--select", "ALL", "--fix", "--unsafe-fixes", cwd=corpora)
    assert "internal error" not in fixed.stderr, fixed.stderr[-2000:]
    after = snapshot(corpora)
    changed = [p for p in after if after[p] != before[p]]
    assert len(changed) > 100
    bad = []
    facts: dict = {}  # (read once per folder: a fresh cache per file reads the project again each time)
    for path in changed:
        ast.parse(after[path], filename=str(path))
        limit = facts_for(str(path.parent), facts).line_length
        bad += [f"{path.relative_to(corpora)}: {p}" for p in problems(before[path], after[path], limit)]
    assert bad == [], "\n".join(bad[:40])

    again = cli("check", ".", "--no-cache", "--select", "ALL", "--fix", "--unsafe-fixes", cwd=corpora)
    assert snapshot(corpora) == after, "a second --fix changed the code again: " + again.stdout[-2000:]
    left = json.loads(cli("check", ".", "--no-cache", "--select", "ALL", "--format", "json", cwd=corpora).stdout)
    assert [d for d in left if d["fix"]] == []


def test_big_file_is_checked(corpora):
    big = corpora / "litellm" / "litellm" / "proxy" / "proxy_server.py"
    assert len(big.read_text().splitlines()) > 20000
    r = cli("check", str(big), "--no-cache", "--exit-zero", cwd=corpora)
    assert r.returncode == 0 and "Traceback" not in r.stderr
