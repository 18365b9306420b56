"""A real editor as the client: headless Neovim starts the server through its own LSP client,
receives the diagnostics for an example file, applies the preferred quick fix (resolved lazily by
the server) and writes the file. `make test` installs Debian's neovim when it is missing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ITEMS = ROOT / "examples" / "shop" / "items.py"
SCRIPT = Path(__file__).with_name("nvim_quickfix.lua")


@pytest.mark.skipif(shutil.which("nvim") is None, reason="neovim is not installed (make test installs it where apt can)")
def test_neovim_applies_the_preferred_quick_fix(tmp_path):
    target = tmp_path / "items.py"
    shutil.copy(ITEMS, target)
    out = tmp_path / "report.json"
    env = {**os.environ, "FST_FILE": str(target), "FST_PYTHON": sys.executable, "FST_OUT": str(out)}
    run = subprocess.run(
        ["nvim", "--headless", "--clean", "-n", "-c", f"luafile {SCRIPT}"],
        env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert out.exists(), f"Neovim wrote no report: {run.stdout[-1000:]} {run.stderr[-1000:]}"
    report = json.loads(out.read_text())
    assert report["error"] is None, report

    assert sorted(d["code"] for d in report["diagnostics"]) == ["FST101", "FST102", "FST201", "FST202", "FST204"]
    assert all(d["source"] == "fastapi-status" for d in report["diagnostics"])
    preferred = [a["title"] for a in report["offered"] if a["preferred"]]
    assert preferred == ["Return no body (FST102)"]
    assert any(a["title"].startswith("Answer 200 with the body") and a["title"].endswith("[unsafe]") for a in report["offered"])

    original = ITEMS.read_text().splitlines(keepends=True)
    written = target.read_text().splitlines(keepends=True)
    line = original.index('    return {"deleted": item_id}  # FST102: FastAPI drops this body\n')
    assert written[line] == "    return None  # FST102: FastAPI drops this body\n"
    assert written[:line] + written[line + 1 :] == original[:line] + original[line + 1 :]  # nothing else touched
