from __future__ import annotations

import ast
from typing import Iterable

from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Applicability, Diagnostic, Fix, Severity
from fastapi_status.core.status_sites import status_sites
from fastapi_status.fixes.cst import rewrite
from fastapi_status.fixes.lazy import cst
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
    Starlette passes the value on as it is, and the server writing the status line expects an
    `int`: `HTTPException(status_code="400")` ends in a server error, so the client receives
    `500 Internal Server Error` instead of 400 (observed). A float such as `201.0` is refused by
    servers that check the type (h11, used by uvicorn, raises "status code must be integer"), and
    a route's `status_code=201.0` shows up in the OpenAPI document as the response `"201.0"`.

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
        # A subclass whose first argument is not a status.
        "from fastapi import HTTPException\nclass ItemMissing(HTTPException):\n"
        "    def __init__(self, item_id: str):\n        super().__init__(404, f'Item {item_id} not found')\n"
        "raise ItemMissing('400')\n",
        # `status_code=` meant for something else than FastAPI.
        "from fastapi import FastAPI\nfrom dataclasses import dataclass\n@dataclass\nclass Row:\n    status_code: str\n"
        "row = Row(status_code='404')\n",
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
        Invalid(
            "from fastapi import APIRouter, Response\nrouter = APIRouter()\n"
            "@router.get('/x')\ndef x(response: Response):\n    response.status_code = 4e2\n    return {}\n",
            fixed="from fastapi import APIRouter, Response\nrouter = APIRouter()\n"
            "@router.get('/x')\ndef x(response: Response):\n    response.status_code = 400\n    return {}\n",
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
            if isinstance(expr.value, str):
                effect = "the client receives 500 Internal Server Error"
            else:
                effect = "servers that check the type (h11, under uvicorn) refuse to send it"
            kind = "a string" if isinstance(expr.value, str) else "a float"
            yield ctx.diagnostic(self, expr, f"status code given as {kind} ({expr.value!r}): {effect}", fixes)


def _int_fix(ctx: Context, expr: ast.Constant, number: int) -> Fix:
    def build():
        def plan(snippet):
            target = snippet.find(expr, (cst.SimpleString, cst.ConcatenatedString, cst.Float))
            return {target: lambda _: cst.Integer(str(number))}

        return rewrite(ctx, expr, plan)

    return Fix(f"Write `{number}`", Applicability.SAFE, build)
