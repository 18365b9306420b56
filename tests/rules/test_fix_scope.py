"""fixes.scope.shadowed and its use by the shared fixes: a name a fix writes must mean the
module's import where it is written."""

from __future__ import annotations

import ast

from fastapi_status.core.analyze import Settings, analyze
from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import apply_edits
from fastapi_status.fixes.scope import shadowed

SRC = (
    "from fastapi import status\n"  # 1
    "@app.get('/', status_code=200)\n"  # 2
    "def f(status: str = None,\n"  # 3
    "      x=1):\n"  # 4
    "    return 400\n"  # 5
    "def g(): return 400\n"  # 6
    "class C:\n"  # 7
    "    status = 1\n"  # 8
    "    def m(self):\n"  # 9
    "        return 400\n"  # 10
    "def outer():\n"  # 11
    "    status = 3\n"  # 12
    "    def inner():\n"  # 13
    "        return 400\n"  # 14
    "    return inner\n"  # 15
    "k = lambda status: 400\n"  # 16
    "def h():\n"  # 17
    "    for status in range(3):\n"  # 18
    "        pass\n"  # 19
    "    return 400\n"  # 20
)


def test_shadowed_lines():
    ctx = Context(SRC, ast.parse(SRC), Settings())
    hidden = [line for line in range(1, 21) if shadowed(ctx, "status.HTTP_400_BAD_REQUEST", line)]
    assert hidden == [5, 8, 9, 12, 13, 14, 15, 16, 18, 19, 20]


def test_shared_raise_fix_writes_a_number_where_status_is_a_parameter():
    src = (
        "from fastapi import APIRouter, status\nrouter = APIRouter()\n"
        "@router.get('/jobs', status_code=status.HTTP_200_OK)\n"
        "def jobs(status: str = ''):\n    if status == 'bad':\n        return {'error': 'Invalid status filter'}\n    return []\n"
    )
    diags = [d for d in analyze(src, Settings(select=frozenset({"FST201"}))).diagnostics]
    assert diags, "FST201 should flag the error body"
    out = apply_edits(src, diags[0].fixes[0].edits())
    assert "raise HTTPException(status_code=400, detail='Invalid status filter')" in out
    assert "status.HTTP_400" not in out
