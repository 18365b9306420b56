"""`fastapi-status check` end to end, as a subprocess."""

from __future__ import annotations

import ast
import json
import os

CREATE = "from fastapi import APIRouter\nrouter = APIRouter()\n@router.post('/items')\ndef create_item(item: dict):\n    return item\n"


def test_example_app_text_output_and_exit_code(project, cli):
    r = cli("check", "examples", "--no-cache", cwd=project)
    assert r.returncode == 1, r.stderr
    lines = r.stdout.splitlines()
    assert "examples/shop/items.py:10:2: FST101 POST route `create_item` creates a resource" in r.stdout
    codes = {line.split()[1] for line in lines if ": FST" in line}
    assert codes >= {"FST101", "FST102", "FST103", "FST201", "FST202", "FST203", "FST204", "FST205", "FST207", "FST208",
                     "FST209", "FST302", "FST303", "FST304", "FST305", "FST306"}
    assert "health.py" not in r.stdout  # the deliberate choices stay silent
    assert lines[-1].startswith("Found ") or lines[-2].startswith("Found ")
    assert "fixable with --fix" in r.stdout


def test_clean_tree_passes(tmp_path, cli):
    (tmp_path / "app.py").write_text("from fastapi import FastAPI\napp = FastAPI()\n")
    (tmp_path / "other.py").write_text("print('no framework here')\n")
    r = cli("check", cwd=tmp_path)
    assert r.returncode == 0
    assert "All checks passed!" in r.stdout


def test_missing_path_is_an_error_but_others_are_checked(project, cli):
    r = cli("check", "nope/", "examples/shop/items.py", "--no-cache", cwd=project)
    assert r.returncode == 2
    assert "nope/" in r.stderr and "No such file" in r.stderr
    assert "FST101" in r.stdout


def test_syntax_error_and_non_utf8_are_problems_not_tracebacks(tmp_path, cli):
    (tmp_path / "broken.py").write_text("from fastapi import FastAPI\ndef f(:\n")
    (tmp_path / "latin.py").write_bytes(b"# fastapi\nname = '\xe9t\xe9'\n")
    (tmp_path / "ok.py").write_text(CREATE)
    r = cli("check", ".", "--no-cache", cwd=tmp_path)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "broken.py:2:" in r.stdout and "FST000 SyntaxError" in r.stdout
    assert "latin.py:1:1: FST000 cannot read: not valid UTF-8" in r.stdout
    assert "ok.py:3:2: FST101" in r.stdout


def test_declared_encoding_is_honoured(tmp_path, cli):
    src = "# -*- coding: latin-1 -*-\n" + CREATE.replace("return item", "return {**item, 'name': 'caf\xe9'}")
    (tmp_path / "legacy.py").write_bytes(src.encode("latin-1"))
    r = cli("check", "--fix", "--unsafe-fixes", "--no-cache", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    fixed = (tmp_path / "legacy.py").read_bytes().decode("latin-1")
    assert "status_code=201" in fixed and "caf\xe9" in fixed


def test_fix_then_check_leaves_nothing_fixable(project, cli):
    r = cli("check", "examples", "--fix", "--no-cache", cwd=project)
    assert r.returncode == 1  # unsafe-only and unfixable problems remain
    assert "fixed" in r.stdout
    for path in (project / "examples").rglob("*.py"):
        ast.parse(path.read_text())
    again = cli("check", "examples", "--no-cache", "--format", "json", cwd=project)
    remaining = json.loads(again.stdout)
    assert not [d for d in remaining if d["fix"] and d["fix"]["applicability"] == "safe"]
    assert "HTTP_422_UNPROCESSABLE_CONTENT" in (project / "examples/shop/accounts.py").read_text()  # FST303, safe
    assert "status_code=201" not in (project / "examples/shop/items.py").read_text()  # FST101 is unsafe

    unsafe = cli("check", "examples", "--fix", "--unsafe-fixes", "--no-cache", cwd=project)
    assert "fixed" in unsafe.stdout
    assert "status_code=201" in (project / "examples/shop/items.py").read_text()
    final = json.loads(cli("check", "examples", "--no-cache", "--format", "json", cwd=project).stdout)
    assert not [d for d in final if d["fix"]]
    for path in (project / "examples").rglob("*.py"):
        ast.parse(path.read_text())


def test_diff_shows_and_writes_nothing(project, cli):
    before = {p: p.read_text() for p in (project / "examples").rglob("*.py")}
    r = cli("check", "examples", "--diff", "--no-cache", cwd=project)
    assert r.returncode == 1
    assert '+@router.post("", status_code=201)' not in r.stdout  # unsafe: not without --unsafe-fixes
    r = cli("check", "examples", "--diff", "--unsafe-fixes", "--no-cache", cwd=project)
    assert "--- a/examples/shop/items.py" in r.stdout and "+++ b/examples/shop/items.py" in r.stdout
    assert '+@router.post("", status_code=201)' in r.stdout
    assert "Would fix" in r.stderr
    assert before == {p: p.read_text() for p in before}


def test_select_ignore_and_exit_zero(project, cli):
    r = cli("check", "examples", "--select", "FST303", "--no-cache", cwd=project)
    assert {line.split()[1] for line in r.stdout.splitlines() if ": FST" in line} == {"FST303"}
    r = cli("check", "examples", "--ignore", "FST1,FST2,FST3", "--no-cache", cwd=project)
    assert r.returncode == 0 and "All checks passed!" in r.stdout
    r = cli("check", "examples", "--exit-zero", "--no-cache", cwd=project)
    assert r.returncode == 0 and "FST101" in r.stdout
    r = cli("check", "examples", "--select", "FST999", cwd=project)
    assert r.returncode == 2 and "FST999" in r.stderr


def test_noqa_end_to_end(tmp_path, cli):
    (tmp_path / "a.py").write_text(CREATE.replace("@router.post('/items')", "@router.post('/items')  # noqa: FST101"))
    r = cli("check", "--no-cache", cwd=tmp_path)
    assert r.returncode == 0


def test_cache_gives_the_same_answer_and_sees_changes(tmp_path, cli):
    target = tmp_path / "a.py"
    target.write_text(CREATE)
    first = cli("check", "--format", "json", cwd=tmp_path)
    assert (tmp_path / ".fastapi_status_cache" / ".gitignore").exists()
    second = cli("check", "--format", "json", cwd=tmp_path)
    assert first.stdout == second.stdout and json.loads(first.stdout)[0]["code"] == "FST101"
    target.write_text(CREATE.replace("'/items')", "'/items', status_code=201)"))
    third = cli("check", cwd=tmp_path)
    assert third.returncode == 0


def test_skips_virtualenvs_and_build_folders(tmp_path, cli):
    for folder in (".venv/lib", "node_modules/x", "build", "dist", "__pycache__"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "m.py").write_text(CREATE)
    r = cli("check", "--no-cache", cwd=tmp_path)
    assert r.returncode == 0, r.stdout


def test_status_style_option(tmp_path, cli):
    (tmp_path / "a.py").write_text(CREATE)
    r = cli("check", "--diff", "--unsafe-fixes", "--status-style", "constant", "--no-cache", cwd=tmp_path)
    assert "+from fastapi import APIRouter, status" in r.stdout
    assert "status_code=status.HTTP_201_CREATED" in r.stdout


def test_rule_command(tmp_path, cli):
    r = cli("rule", "FST201", cwd=tmp_path)
    assert r.returncode == 0
    for section in ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety"):
        assert section in r.stdout
    listing = cli("rule", "--all", cwd=tmp_path)
    assert listing.returncode == 0 and "FST104" in listing.stdout and "off" in listing.stdout
    assert cli("rule", "FST999", cwd=tmp_path).returncode == 2


def test_version_and_console_script(tmp_path, cli):
    r = cli("--version", cwd=tmp_path)
    assert r.returncode == 0 and "fastapi-status" in r.stdout


def test_many_files_use_the_process_pool(tmp_path, cli):
    for i in range(40):
        (tmp_path / f"m{i}.py").write_text(CREATE)
    r = cli("check", "--no-cache", cwd=tmp_path)
    assert r.stdout.count("FST101") == 40
    assert "Found 40 problems" in r.stdout


def test_large_file(tmp_path, cli):
    body = "".join(f"def helper_{i}(x):\n    return x + {i}\n\n" for i in range(17000))
    (tmp_path / "big.py").write_text(CREATE + body)
    assert len((tmp_path / "big.py").read_text().splitlines()) > 50000
    r = cli("check", "--no-cache", cwd=tmp_path)
    assert r.stdout.count("FST101") == 1


def test_cache_trusts_an_old_time_stamp_and_checks_a_recent_one(tmp_path, cli):
    """The manifest serves a file unchanged since well before the last run by its size and time
    stamp alone; a file changed within a second of the last run is read again, even when its
    size and time stamp look the same (a fast edit that keeps the size)."""
    target = tmp_path / "a.py"
    target.write_text(CREATE)
    old = target.stat().st_mtime - 3600
    os.utime(target, (old, old))
    assert json.loads(cli("check", "--format", "json", cwd=tmp_path).stdout)[0]["code"] == "FST101"
    # Same size, same (old) time stamp, new content: served from the manifest, as ruff does.
    target.write_text(CREATE.replace("post", "edit"))
    os.utime(target, (old, old))
    assert json.loads(cli("check", "--format", "json", cwd=tmp_path).stdout)[0]["code"] == "FST101"
    # A recent change with the same size: read again, whatever the time stamp says.
    recent = (tmp_path / "b.py")
    recent.write_text(CREATE)
    cli("check", "--format", "json", cwd=tmp_path)
    stamp = recent.stat().st_mtime_ns
    recent.write_text(CREATE.replace("post", "edit"))
    os.utime(recent, ns=(stamp, stamp))
    found = json.loads(cli("check", "--format", "json", cwd=tmp_path).stdout)
    codes = {os.path.basename(d["filename"]): d["code"] for d in found}
    assert "b.py" not in codes  # `@router.edit` is no route: the change was seen
    assert codes == {"a.py": "FST101"}
