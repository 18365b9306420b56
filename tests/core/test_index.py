"""The node index visits exactly the nodes `ast.walk` does (less Load/Store markers and
operators), and finds calls and attributes by name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from fastapi_status.core.index import NodeIndex, index_nodes

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)
EVERYTHING = '''
import os, sys as system
from . import sibling
from fastapi import APIRouter as R, status
x: int = 1
y = {**os.environ, "a": [i async for i in aiter()] if False else None}
z = f"{x!r:>{width}} {system.path}" + b"raw".decode()
del y["a"]
global_thing = lambda a, /, b=2, *c, d, **e: (a, b, c, d, e)

@R().get("/x", status_code=status.HTTP_200_OK)
async def handler(a: "A", *args: int, b: list[int] = [], **kw) -> dict[str, int]:
    global x
    with open(a) as f, open(b):
        async for item in something():
            match item:
                case {"k": 1, **rest}: pass
                case [1, *others] | Point(x=0, y=_) as p: pass
                case None: pass
                case str() if item: pass
    try:
        raise ValueError("e") from None
    except* (KeyError, TypeError) as err:
        yield from ()
    finally:
        assert x, "message"
    return {k: v for k, v in kw.items() if not k}

class Thing(Base, metaclass=Meta):
    attr: int
    def method(self):
        nonlocal_value = (yield)
        return [x for x in range(3) for y in range(x)], {1, 2}, (...), x[1:2:3], -x, x < 1 <= 2
'''


def walked(stmt: ast.AST) -> int:
    return sum(1 for node in ast.walk(stmt) if not isinstance(node, SKIPPED))


def indexed(part: dict) -> int:
    return sum(len(nodes) for kind, nodes in part.items() if isinstance(kind, type))


@pytest.mark.parametrize("source", [EVERYTHING, *[p.read_text() for p in sorted((ROOT / "examples").rglob("*.py"))]])
def test_the_index_holds_every_node(source):
    tree = ast.parse(source)
    for stmt in tree.body:
        assert indexed(index_nodes(stmt)) == walked(stmt), ast.dump(stmt)[:200]


def test_calls_and_attributes_by_name():
    tree = ast.parse(EVERYTHING)
    index = NodeIndex(tree)
    assert sorted(c.lineno for c in index.calls_named({"get", "open"})) == [11, 14, 14]
    assert {a.attr for a in index.attributes_named({"HTTP_200_OK", "path"})} == {"HTTP_200_OK", "path"}
    assert index.uses_as_base("status") and not index.uses_as_base("nothing")
    handler = next(i for i, s in enumerate(tree.body) if isinstance(s, ast.AsyncFunctionDef))
    assert [c.lineno for c in index.calls_named({"open"}, handler)] == [14, 14]
    assert len(index.of(ast.ClassDef)) == 1 and len(index.functions()) == 2
