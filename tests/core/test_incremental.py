"""The incremental analysis of an edit gives exactly what a full analysis of the new text gives,
on many random edits, chained (each edit starts from the previous incremental result)."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest

from fastapi_status.core.analyze import Analysis, Settings, analyze
from fastapi_status.core.incremental import analyze_edit
from fastapi_status.core.text import line_starts
from fastapi_status.rules import RULES_BY_CODE

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "shop").glob("*.py"))
ALL = Settings(select=frozenset(RULES_BY_CODE))
BIG = Path.home() / ".cache" / "fastapi-status-corpora" / "litellm" / "litellm" / "proxy" / "proxy_server.py"


def summary(result: Analysis, edits: bool = False) -> list:
    return [
        (
            d.code,
            d.range,
            d.message,
            d.severity,
            [(f.title, f.applicability, f.edits() if edits else None) for f in d.fixes],
            [(r.range, r.message) for r in d.related],
        )
        for d in result.diagnostics
    ] + [("parsed", result.parsed)]


def function_lines(source: str) -> list[int]:
    """The lines inside the top-level functions and blocks (`if`, `try`, ...) of `source`."""
    tree = ast.parse(source)
    return [
        line
        for stmt in tree.body
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.If, ast.Try, ast.With, ast.For, ast.While))
        for line in range(stmt.body[0].lineno, (stmt.end_lineno or stmt.lineno) + 1)
    ]


def mutate(rng: random.Random, source: str, lines: list[int]) -> tuple[str, int]:
    """One edit on a line inside a function (or, now and then, anywhere): a character typed or
    deleted, a line added, removed, split or doubled, a block of lines deleted or pasted.
    Returns the new text and the edited line."""
    rows = source.splitlines(keepends=True)
    line = rng.choice(lines) if rng.random() < 0.9 else rng.randrange(1, len(rows) + 1)
    text = rows[line - 1].rstrip("\n")
    indent = text[: len(text) - len(text.lstrip())]
    col = rng.randrange(len(text) + 1)
    kind = rng.random()
    if kind < 0.15 and any(c.isdigit() for c in text):
        i = rng.choice([i for i, c in enumerate(text) if c.isdigit()])
        text = text[:i] + rng.choice("0124579") + text[i + 1 :]
    elif kind < 0.25 and text:
        i = rng.randrange(len(text))
        text = text[:i] + text[i + 1 :]
    elif kind < 0.32:
        text = text + " "
    elif kind < 0.4:
        text = text.replace("return", "return None  #", 1) if "return" in text else text + "  # x"
    elif kind < 0.5:  # Enter at the end of the line, and perhaps something on the new one
        text = text + "\n" + indent + rng.choice(["", "pass", "# note", "x = 1", "return None"])
    elif kind < 0.56:  # Enter in the middle of the line
        text = text[:col] + "\n" + indent + text[col:]
    elif kind < 0.64:  # the line deleted
        rows[line - 1] = ""
        return "".join(rows), line
    elif kind < 0.66:  # the line doubled, or a blank line before it
        text = (text if rng.random() < 0.5 else "") + "\n" + text
    elif kind < 0.7:  # a block of lines deleted, or pasted from elsewhere in the file
        size = rng.randint(2, 4)
        if rng.random() < 0.5:
            del rows[line - 1 : line - 1 + size]
        else:
            start = rng.randrange(len(rows))
            rows[line - 1 : line - 1] = rows[start : start + size]
        return "".join(rows), line
    else:
        text = text[:col] + rng.choice("abx_1 ()'\"#.:,=") + text[col:]
    rows[line - 1] = text + "\n"
    return "".join(rows), line


def run_chain(source: str, seed: int, steps: int, settings: Settings, edits: bool = True) -> int:
    """Random edits, each analysed from the previous result; every result must equal a full
    analysis of the same text, fixes included. Returns how many took the quick path."""
    rng = random.Random(seed)
    previous = analyze(source, settings)
    fast = 0
    for _ in range(steps):
        new, line = mutate(rng, source, function_lines(source) or [1])
        got = analyze_edit(previous, new, settings)
        fast += bool(got.facts.get("incremental"))
        assert summary(got, edits) == summary(analyze(new, settings), edits), f"seed {seed}, edit at line {line}"
        if "line_starts" in got.facts:
            assert got.facts["line_starts"] == line_starts(new)
        if got.parsed:  # as the server does: a text that does not parse keeps the last good state
            previous, source = got, new
    return fast


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_random_edits_of_the_examples(path):
    source = path.read_text()
    if not function_lines(source):
        pytest.skip("no function to edit")
    fast = sum(run_chain(source, seed, 40, settings) for seed in range(3) for settings in (Settings(), ALL))
    assert fast > 0  # the quick path was taken, and agreed with the full analysis


def test_random_edits_of_a_large_module():
    if not BIG.exists():
        pytest.skip(f"{BIG} not fetched (tests/corpora fetches it)")
    source = BIG.read_text()
    assert run_chain(source, 7, 25, Settings(), edits=False) > 10


def test_falls_back_when_the_edit_is_visible_elsewhere():
    source = (
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n\n"
        "def load(i):\n    if i < 0:\n        raise HTTPException(404)\n    return i\n\n"
        "@router.get('/i')\ndef read(i: int):\n    try:\n        return load(i)\n    except Exception:\n"
        "        raise HTTPException(500)\n"
    )
    previous = analyze(source)
    assert [d.code for d in previous.diagnostics] == ["FST204"]
    # `load` is called by `read`: an edit in it must be seen there.
    edited = source.replace("raise HTTPException(404)", "return None          ")
    result = analyze_edit(previous, edited, Settings())
    assert result.diagnostics == [] and not result.facts.get("incremental")


MOVING = (
    "from fastapi import APIRouter\nrouter = APIRouter()\n\n\n"
    "@router.post('/a')\ndef create_a(name: str):\n    print(name)\n    item = {'name': name}\n    return item\n\n\n"
    "@router.post('/b')\ndef create_b(name: str):\n    return {'name': name}\n"
)


@pytest.mark.parametrize(
    "old, new",
    [
        ("    return item\n", "    return item\n\n"),  # Enter at the end of a function
        ("    return item\n\n", "    return item\n\n\n\n"),  # blank lines between statements
        ("    return item\n\n", "    return item\n\n# create_b comes next\n"),  # a comment there
        ("    item = {", "    # the item\n    item = {"),  # a line added inside a function
        ("    print(name)\n", ""),  # a line removed
        ("\n\n@router.post('/b')", "\n@router.post('/b')"),  # a blank line removed
    ],
)
def test_edits_that_add_or_remove_lines_move_what_follows(old, new):
    previous = analyze(MOVING, ALL)
    assert [d.code for d in previous.diagnostics] == ["FST101", "FST101"]
    edited = MOVING.replace(old, new, 1)
    got = analyze_edit(previous, edited, ALL)
    assert summary(got, edits=True) == summary(analyze(edited, ALL), edits=True)
    assert got.facts.get("incremental")  # only the edited function (if any) was analysed again
    assert got.facts["line_starts"] == line_starts(edited)


def test_a_replaced_analysis_is_freed_without_the_cycle_collector():
    """The server keeps one analysis per document and replaces it at each edit; the one it
    replaces must go when its last reference does. State left in reference cycles waits for the
    cycle collector, which runs rarely while a user types: memory then grows edit after edit."""
    import gc

    previous = analyze(MOVING, ALL)
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        for old, new in [("    return item\n", "    return item\n\n"), ("    print(name)\n", "    print(name, 1)\n")]:
            edited = MOVING.replace(old, new, 1)
            previous = analyze_edit(previous, edited, ALL)
            assert previous.facts.get("incremental")
            assert gc.collect() == 0
            previous = analyze(MOVING, ALL)
            assert gc.collect() == 0
    finally:
        if was_enabled:
            gc.enable()


@pytest.mark.parametrize(
    "source, old, new",
    [
        (  # `app = FastAPI()` inside any function makes `app` an app for the whole module
            "from fastapi import FastAPI\nfrom .factory import build\nPATH = '/items'\n\n"
            "def _old_factory():\n    app = FastAPI()\n    return app\n\n"
            "app = build()\n\n@app.post(PATH)\ndef create_item(name: str):\n    return {'name': name}\n",
            "app = FastAPI()",
            "app = dict()   ",
        ),
        (  # the one use of `status.…` decides how every fix writes a status
            "from fastapi import APIRouter, status\nrouter = APIRouter()\n\n"
            "@router.get('/a')\ndef read_a():\n    return {'code': status.HTTP_200_OK}\n\n"
            "@router.post('/b')\ndef create_b(name: str):\n    return {'name': name}\n",
            "status.HTTP_200_OK",
            "int(200) + 0      ",
        ),
        (  # the paths of the other routes: `POST /items` creates what `/items/{item_id}` reads
            "from fastapi import APIRouter\nrouter = APIRouter()\n\n"
            "@router.post('/items')\ndef create_item():\n    return {'id': 1}\n\n"
            "@router.get('/items/{item_id}')\ndef read_item(item_id: int):\n    return {'id': item_id}\n",
            "'/items/{item_id}'",
            "'/other/{item_id}'",
        ),
        (  # an exception handler of the app: FST207 is silent for what it maps
            "from fastapi import FastAPI\nfrom fastapi.responses import JSONResponse\napp = FastAPI()\n\n"
            "@app.exception_handler(KeyError)\nasync def bad_value(request, exc):\n"
            "    return JSONResponse({'detail': str(exc)})\n\n"
            "@app.get('/items')\ndef list_items(page: str = '1'):\n    return {'page': int(page)}\n",
            "exception_handler(KeyError)",
            "exception_handler(ValueError)",
        ),
        (  # what a helper returns: a handler that answers with the helper's Response sets its status
            "from fastapi import APIRouter\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n\n"
            "def answer(body):\n    response = JSONResponse(body)\n    return body\n\n"
            "@router.post('/items')\ndef create_item(item: dict):\n    return answer(item)\n",
            "return body",
            "return response",
        ),
    ],
)
def test_an_edit_that_changes_a_module_wide_fact_is_analysed_in_full(source, old, new):
    previous = analyze(source, ALL)
    assert len(previous.diagnostics) == 1 and previous.diagnostics[0].code in ("FST101", "FST207")
    edited = source.replace(old, new)
    got = analyze_edit(previous, edited, ALL)
    assert summary(got, edits=True) == summary(analyze(edited, ALL), edits=True)
    assert not got.facts.get("incremental")


BLOCKS = '''from fastapi import APIRouter, HTTPException, status

router = APIRouter()
DEBUG = True

try:
    import orjson
except ImportError:  # an optional dependency
    orjson = None

if DEBUG:

    @router.post("/debug/items")
    def create_debug_item(name: str):
        if not name:
            return {"error": "name is required"}
        return {"name": name}

    @router.delete("/debug/items/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
    def delete_debug_item(item_id: int):
        return {"deleted": item_id}


for prefix in ("/a", "/b"):

    @router.get(prefix + "/ping")
    def ping():
        try:
            return {"ok": orjson is not None}
        except Exception:
            raise HTTPException(500)


@router.get("/items/{item_id}")
def read_item(item_id: int):
    if item_id < 0:
        raise HTTPException(404)
    return {"id": item_id}
'''


def test_random_edits_in_top_level_blocks():
    """Routes under `if`, a `try` around an import, a loop: blocks are re-analysed alone too."""
    assert analyze(BLOCKS, ALL).diagnostics  # there is something to keep or lose
    fast = sum(run_chain(BLOCKS, seed, 40, settings) for seed in range(4) for settings in (Settings(), ALL))
    assert fast > 0
