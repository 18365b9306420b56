from __future__ import annotations

import ast
from typing import Iterable

import libcst as cst

from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Applicability, Diagnostic, Fix, Severity
from fastapi_status.core.status_sites import status_sites
from fastapi_status.fixes.cst import rewrite
from fastapi_status.rules.base import Invalid, Rule


def _as_int(value: object) -> int | None:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


class StatusNotInt(Rule):
    """
    ## What it does
    Flags a status code written as a string or a float (`status_code="400"`, `404.0`) in a
    route's `status_code=`, `HTTPException(...)`, a Response class or `response.status_code = …`.
    String keys of `responses={...}` (`"404"`, `"4XX"`, `"default"`) are valid OpenAPI and are
    left alone.

    ## Why is this bad?
    Starlette writes the status line with the value it is given and expects an `int`:
    `HTTPException(status_code="400")` ends in a server error, so the client receives `500
    Internal Server Error` instead of 400 (observed).

    ## Example
    ```python
    raise HTTPException(status_code="400", detail="Invalid age")
    ```

    ## Use instead
    ```python
    raise HTTPException(status_code=400, detail="Invalid age")
    ```

    ## Fix safety
    The fix is safe: it writes the same number as an `int`.
    """

    code = "FST304"
    name = "status-not-int"
    summary = "Status code given as a string or float"
    severity = Severity.ERROR
    fix_summary = "Write the int literal (safe)"

    VALID = [
        "from fastapi import HTTPException\nraise HTTPException(status_code=400)\n",
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/x', responses={'404': {'description': 'Missing'}, 'default': {}})\ndef x():\n    return 1\n",
        "from fastapi import FastAPI\nlog(status_code='400')\n",
    ]
    INVALID = [
        Invalid(
            "from fastapi import HTTPException\nraise HTTPException(status_code='400', detail='Invalid age')\n",
            fixed="from fastapi import HTTPException\nraise HTTPException(status_code=400, detail='Invalid age')\n",
        ),
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n@router.post('/x', status_code=201.0)\ndef x():\n    return 1\n",
            fixed="from fastapi import APIRouter\nrouter = APIRouter()\n@router.post('/x', status_code=201)\ndef x():\n    return 1\n",
        ),
        Invalid(
            "from fastapi.responses import JSONResponse\nr = JSONResponse({}, 'abc')\n",
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        seen: set[int] = set()
        for site in status_sites(ctx):
            expr = site.expr
            if site.where == "responses-key" or id(expr) in seen:
                continue
            if not (isinstance(expr, ast.Constant) and isinstance(expr.value, (str, float))):
                continue
            seen.add(id(expr))
            number = _as_int(expr.value)
            fixes = [] if number is None else [_int_fix(ctx, expr, number)]
            kind = "a string" if isinstance(expr.value, str) else "a float"
            yield ctx.diagnostic(
                self, expr, f"status code given as {kind} ({expr.value!r}): the client receives 500 Internal Server Error", fixes
            )


def _int_fix(ctx: Context, expr: ast.Constant, number: int) -> Fix:
    def build():
        def plan(snippet):
            target = snippet.find(expr, (cst.SimpleString, cst.ConcatenatedString, cst.Float))
            return {target: lambda _: cst.Integer(str(number))}

        return rewrite(ctx, expr, plan)

    return Fix(f"Write `{number}`", Applicability.SAFE, build)
