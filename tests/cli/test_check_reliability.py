"""`fastapi-status check` on hostile input, as a subprocess: code nested too deeply, exotic line
breaks, files that change or cannot be written during `--fix`, FIFOs, bad configuration and a
corrupted cache. Nothing may end in a traceback, a hang, a lost edit or a silent "All checks
passed!"."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time

import pytest

HEAD = "from fastapi import FastAPI\napp = FastAPI()\n"
CREATE = "from fastapi import APIRouter\nrouter = APIRouter()\n@router.post('/items')\ndef create_item(item: dict):\n    return item\n"
ERROR_BODY = "@app.get('/x')\ndef read_x():\n    return {'error': 'Item not found'}\n"


def _route(body: str) -> str:
    return HEAD + "@app.get('/x')\ndef read_x():\n" + body


def _elif_chain(branches: int) -> str:
    lines = ["@app.get('/items/{q}')", "def read_item(q: int):", "    if q == 0:", "        return {'error': 'Item not found'}"]
    for i in range(1, branches):
        lines += [f"    elif q == {i}:", "        return {'id': q}"]
    return HEAD + "\n".join(lines) + "\n"


def _no_traceback(r: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout, r.stderr[-3000:]


# -- code nested too deeply -------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "    return " + "+".join(["1"] * 200_000) + "\n",  # 200,000 `+` terms
        "    return " + "not " * 30_000 + "1\n",
        "    return f" + "()" * 60_000 + "\n",
    ],
    ids=["plus", "not", "calls"],
)
def test_code_too_deep_to_parse_is_one_finding_and_the_others_go_on(tmp_path, cli, body):
    (tmp_path / "deep.py").write_text(_route(body))
    (tmp_path / "ok.py").write_text(CREATE)
    r = cli("check", "--no-cache", ".", cwd=tmp_path)
    _no_traceback(r)
    assert r.returncode == 1, r.stderr
    assert "deep.py:1:1: FST000 Cannot parse: the code is nested too deeply for Python's parser" in r.stdout
    assert "ok.py:3:2: FST101" in r.stdout


def test_deep_code_that_parses_is_checked(tmp_path, cli):
    """20,000 `+` terms, 20,000 attribute accesses and a 600-branch `elif` chain parse, and every
    rule reads them (Python's default recursion limit stopped six rules on the chain)."""
    (tmp_path / "plus.py").write_text(_route("    return " + "+".join(["1"] * 20_000) + "\n"))
    (tmp_path / "attrs.py").write_text(_route("    return a" + ".b" * 20_000 + "\n"))
    (tmp_path / "chain.py").write_text(_elif_chain(600))
    r = cli("check", "--no-cache", ".", cwd=tmp_path)
    _no_traceback(r)
    assert "internal error" not in r.stderr, r.stderr
    assert r.returncode == 1
    assert "chain.py:6:9: FST201" in r.stdout


def test_a_rule_that_fails_is_an_internal_error_with_its_place_and_exit_2(tmp_path, cli):
    """A 5,000-branch chain is deeper than the rules can walk: each rule that gives up is
    named with the line it was reading, the other files are still checked, and the run exits 2
    without "All checks passed!"."""
    (tmp_path / "chain.py").write_text(_elif_chain(5_000))
    (tmp_path / "ok.py").write_text(CREATE)
    r = cli("check", "--no-cache", ".", cwd=tmp_path)
    _no_traceback(r)
    assert r.returncode == 2
    assert "internal error in chain.py: rule FST201 failed and was skipped: line 4, column 1: RecursionError" in r.stderr
    assert "ok.py:3:2: FST101" in r.stdout
    assert "All checks passed!" not in r.stdout
    assert "not every check ran" in r.stdout
    verbose = cli("check", "--no-cache", "--verbose", "chain.py", cwd=tmp_path)
    assert verbose.returncode == 2 and "Traceback" in verbose.stderr  # on request only
    zero = cli("check", "--no-cache", "--exit-zero", "chain.py", cwd=tmp_path)
    assert zero.returncode == 2  # --exit-zero is about findings, not about checks that did not run


@pytest.mark.parametrize(
    "value",
    ["+".join(["1"] * 900), "{'a': " * 150 + "1" + "}" * 150, "+".join(["1"] * 8_000)],
    ids=["plus-900", "dicts-150", "plus-8000"],
)
def test_fixes_of_deep_statements_are_built_or_left_out_never_a_crash(tmp_path, cli, value):
    """900 `+` terms or 150 nested dicts broke libcst (the recursion limit); 8,000 terms crash
    its native parser, so no fix is built for such a statement. The other files are fixed."""
    source = HEAD + f"@app.post('/items')\ndef create(x: int):\n    return {{'error': 'Item not found', 'v': {value}}}\n"
    (tmp_path / "deep.py").write_text(source)
    (tmp_path / "ok.py").write_text(CREATE)
    r = cli("check", "--no-cache", "--format", "json", ".", cwd=tmp_path)
    _no_traceback(r)
    assert r.returncode == 1, r.stderr
    assert {d["code"] for d in json.loads(r.stdout)} >= {"FST101", "FST201"}
    r = cli("check", "--no-cache", "--fix", "--unsafe-fixes", ".", cwd=tmp_path)
    _no_traceback(r)
    assert "status_code=201" in (tmp_path / "ok.py").read_text()
    again = cli("check", "--no-cache", "deep.py", cwd=tmp_path)
    assert "FST000" not in again.stdout and again.returncode in (0, 1), again.stdout + again.stderr  # what was applied parses


# -- line breaks ----------------------------------------------------------------------------


def test_lone_carriage_returns_survive_fix(tmp_path, cli):
    source = "from fastapi import FastAPI\rapp = FastAPI()\r@app.post('/items')\rdef create(x: int):\r    return {'error': 'Item not found'}\r"
    (tmp_path / "mac.py").write_bytes(source.encode())
    r = cli("check", "--no-cache", "--fix", "--unsafe-fixes", "mac.py", cwd=tmp_path)
    _no_traceback(r)
    assert r.returncode == 0, r.stdout + r.stderr
    fixed = (tmp_path / "mac.py").read_bytes().decode()
    assert "\n" not in fixed and fixed.endswith(")\r")
    assert "status_code=201" in fixed and "raise HTTPException" in fixed
    compile(fixed, "mac.py", "exec")


def test_a_fix_after_a_form_feed_applies(tmp_path, cli):
    source = HEAD + "\f@app.post('/items')\ndef create_item(x: int):\n    return {'id': 1}\n"
    (tmp_path / "paged.py").write_text(source)
    diff = cli("check", "--no-cache", "--diff", "--unsafe-fixes", "paged.py", cwd=tmp_path)
    assert "+\f@app.post('/items', status_code=201)" in diff.stdout
    r = cli("check", "--no-cache", "--fix", "--unsafe-fixes", "paged.py", cwd=tmp_path)
    assert r.returncode == 0, r.stdout
    assert (tmp_path / "paged.py").read_text() == source.replace("'/items')", "'/items', status_code=201)")


# -- writing fixes --------------------------------------------------------------------------


def test_fix_never_loses_an_edit_made_while_it_runs(tmp_path):
    """A large module takes seconds to fix; lines the user appends meanwhile are all there
    afterwards: the fix is written only over the text it read (else skipped, and said)."""
    routes = "".join(f"@app.post('/items{i}')\ndef create{i}(x: int):\n    return {{'id': {i}}}\n\n" for i in range(3000))
    target = tmp_path / "big.py"
    target.write_text(HEAD + routes)
    proc = subprocess.Popen(
        [sys.executable, "-m", "fastapi_status", "check", "--no-cache", "--fix", "--unsafe-fixes", "big.py"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    markers = []
    stop = threading.Event()

    def type_along() -> None:
        i = 0
        while not stop.is_set():
            with open(target, "a") as f:
                f.write(f"# typed {i}\n")
            markers.append(f"# typed {i}\n")
            i += 1
            time.sleep(0.05)

    typist = threading.Thread(target=type_along)
    typist.start()
    out, err = proc.communicate(timeout=300)
    stop.set()
    typist.join()
    assert "Traceback" not in err, err
    final = target.read_text()
    assert all(m in final for m in markers)  # no edit lost
    if "status_code=201" not in final:
        assert "big.py: changed while it was being fixed; not written" in err
        assert proc.returncode == 2


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="only root can give a file to another user")
def test_fix_keeps_the_file_owner(tmp_path, cli):
    (tmp_path / "a.py").write_text(CREATE)
    os.chown(tmp_path / "a.py", 1234, 1234)
    r = cli("check", "--no-cache", "--fix", "--unsafe-fixes", "a.py", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    info = os.stat(tmp_path / "a.py")
    assert (info.st_uid, info.st_gid) == (1234, 1234) and "status_code=201" in (tmp_path / "a.py").read_text()


def test_fix_keeps_the_file_mode_and_reports_a_read_only_file(tmp_path, cli):
    (tmp_path / "a.py").write_text(CREATE)
    os.chmod(tmp_path / "a.py", 0o640)
    (tmp_path / "locked.py").write_text(CREATE)
    os.chmod(tmp_path / "locked.py", 0o444)
    r = cli("check", "--no-cache", "--fix", "--unsafe-fixes", ".", cwd=tmp_path)
    _no_traceback(r)
    assert r.returncode == 2
    assert "locked.py: cannot write: the file is read-only; not fixed" in r.stderr
    assert "status_code=201" in (tmp_path / "a.py").read_text()
    assert stat.S_IMODE(os.stat(tmp_path / "a.py").st_mode) == 0o640
    assert (tmp_path / "locked.py").read_text() == CREATE
    assert "locked.py:3:2: FST101" in r.stdout  # its problem remains, and is shown
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


# -- what is not a Python file, bad configuration, a corrupted cache ----------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_skipped_and_named_when_asked_for(tmp_path, cli):
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "ok.py").write_text(CREATE)
    r = cli("check", "--no-cache", ".", cwd=tmp_path)  # (would block forever on reading it)
    assert r.returncode == 1 and "ok.py:3:2: FST101" in r.stdout and "pipe.py" not in r.stdout + r.stderr
    r = cli("check", "--no-cache", "pipe.py", "ok.py", cwd=tmp_path)
    assert r.returncode == 2
    assert "pipe.py: not a regular file (a FIFO); skipped" in r.stderr
    assert "ok.py:3:2: FST101" in r.stdout


@pytest.mark.parametrize(
    "config, message",
    [
        (b"[tool]\nfastapi-status = 5\n", "[tool.fastapi-status] must be a table"),
        (b'[tool.fastapi-status]\n# caf\xe9\nselect = ["FST2"]\n', "cannot read: not valid UTF-8 (byte 0xe9 at offset 27)"),
    ],
    ids=["not-a-table", "not-utf8"],
)
def test_bad_configuration_is_an_error_never_ignored(tmp_path, cli, config, message):
    (tmp_path / "pyproject.toml").write_bytes(config)
    (tmp_path / "app.py").write_text(CREATE)
    r = cli("check", "--no-cache", cwd=tmp_path)
    _no_traceback(r)
    assert r.returncode == 2
    assert message in r.stderr


def test_a_pyproject_that_only_names_the_tool_as_a_dependency_is_not_its_configuration(tmp_path, cli):
    (tmp_path / "pyproject.toml").write_text('[tool.poetry.dependencies]\nfastapi-status = "^0.1"\n')
    (tmp_path / "app.py").write_text(CREATE)
    r = cli("check", "--no-cache", cwd=tmp_path)
    assert r.returncode == 1 and "FST101" in r.stdout, r.stderr


@pytest.mark.parametrize(
    "manifest",
    ['{"files": []}', '{"files": [], "written_at": 1}', '{"files": {"x": 5}, "written_at": 1}',
     '{"files": {"a.py": {"a": 1}}, "written_at": 1}', "[1]", "null", "{"],
)
def test_a_cache_that_does_not_read_is_discarded(tmp_path, cli, manifest):
    (tmp_path / "app.py").write_text(CREATE)
    first = cli("check", cwd=tmp_path)
    [path] = list((tmp_path / ".fastapi_status_cache").glob("*/manifest.json"))
    path.write_text(manifest)
    r = cli("check", cwd=tmp_path)
    _no_traceback(r)
    assert (r.returncode, r.stdout) == (first.returncode, first.stdout)
