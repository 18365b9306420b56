"""The incremental analysis of an edit gives exactly what a full analysis of the new text gives,
on many random edits, chained (each edit starts from the previous incremental result)."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest

from fastapi_status.core.analyze import Analysis, Settings, analyze
from fastapi_status.core.incremental import _try_statement, analyze_edit
from fastapi_status.core.text import line_starts
from fastapi_status.rules import RULES_BY_CODE

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples" / "shop").glob("*.py"))
ALL = Settings(select=frozenset(RULES_BY_CODE))
BIG = Path.home() / ".cache" / "fastapi-status-corpora" / "litellm" / "litellm" / "proxy" / "proxy_server.py"


def summary(result: Analysis) -> list:
    return [
        (d.code, d.range, d.message, d.severity, [f.title for f in d.fixes], [(r.range, r.message) for r in d.related])
        for d in result.diagnostics
    ] + [("parsed", result.parsed)]


def function_lines(source: str) -> list[int]:
    tree = ast.parse(source)
    return [
        line
        for stmt in tree.body
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
        for line in range(stmt.body[0].lineno, (stmt.end_lineno or stmt.lineno) + 1)
    ]


def mutate(rng: random.Random, source: str, lines: list[int]) -> tuple[str, int]:
    """One edit that keeps the line count, on a line inside a function; returns the new text
    and the edited line."""
    rows = source.splitlines(keepends=True)
    line = rng.choice(lines)
    text = rows[line - 1].rstrip("\n")
    col = rng.randrange(len(text) + 1)
    kind = rng.random()
    if kind < 0.25 and any(c.isdigit() for c in text):
        i = rng.choice([i for i, c in enumerate(text) if c.isdigit()])
        text = text[:i] + rng.choice("0124579") + text[i + 1 :]
    elif kind < 0.45 and text:
        i = rng.randrange(len(text))
        text = text[:i] + text[i + 1 :]
    elif kind < 0.6:
        text = text + " "
    elif kind < 0.75:
        text = text.replace("return", "return None  #", 1) if "return" in text else text + "  # x"
    else:
        text = text[:col] + rng.choice("abx_1 ()'\"#.:,=") + text[col:]
    rows[line - 1] = text + "\n"
    return "".join(rows), line


def run_chain(source: str, seed: int, steps: int, settings: Settings) -> int:
    rng = random.Random(seed)
    lines = function_lines(source)
    previous = analyze(source, settings)
    fast = 0
    for _ in range(steps):
        new, line = mutate(rng, source, lines)
        if _try_statement(previous, new, line, line, settings) is not None:
            fast += 1
        got = analyze_edit(previous, new, line, line, settings)
        assert summary(got) == summary(analyze(new, settings)), f"seed {seed}, edit at line {line}"
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
    assert run_chain(source, 7, 25, Settings()) > 10


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
    assert _try_statement(previous, edited, 6, 6, Settings()) is None
    assert analyze_edit(previous, edited, 6, 6, Settings()).diagnostics == []
