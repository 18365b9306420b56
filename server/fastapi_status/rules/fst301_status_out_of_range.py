from __future__ import annotations

import ast
from typing import Iterable

from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Diagnostic, Severity
from fastapi_status.core.status_sites import status_sites
from fastapi_status.rules.base import Invalid, Rule


class StatusOutOfRange(Rule):
    """
    ## What it does
    Flags an integer status code outside 100–599 where FastAPI or Starlette takes one: a route's
    `status_code=`, `HTTPException(...)`, a Response class, a `responses={...}` key, or
    `response.status_code = …`.

    ## Why is this bad?
    HTTP status codes are three digits from 100 to 599: RFC 9110 §15 calls anything else invalid
    and tells clients to treat it as a 5xx. Servers refuse some of them outright (h11, used by
    uvicorn, will not send a final status below 200 or above 999, and the client sees a dropped
    connection), and a typo such as `4040` or `20` means the intended code was never sent.

    ## Example
    ```python
    raise HTTPException(status_code=4040, detail="Item not found")
    ```

    ## Use instead
    ```python
    raise HTTPException(status_code=404, detail="Item not found")
    ```

    ## Fix safety
    There is no fix: only the author knows which code was meant.
    """

    code = "FST301"
    name = "status-out-of-range"
    summary = "Status code outside 100–599"
    severity = Severity.ERROR

    VALID = [
        "from fastapi import HTTPException\nraise HTTPException(status_code=404)\n",
        # Not a FastAPI call.
        "from fastapi import FastAPI\nmock = make_mock(status_code=0)\n",
        # WebSocket close codes are not HTTP statuses.
        "from fastapi import WebSocket\nasync def ws(w: WebSocket):\n    await w.close(code=1008)\n",
        "from fastapi import APIRouter\nrouter = APIRouter(responses={'4XX': {'description': 'client error'}})\n",
        # A Response subclass whose second argument is not a status.
        "from fastapi.responses import JSONResponse\nclass PageResponse(JSONResponse):\n"
        "    def __init__(self, items, page):\n        super().__init__({'items': items, 'page': page})\n"
        "first = PageResponse([], 0)\n",
        # A test double's status is not sent by FastAPI.
        "from fastapi import FastAPI\nfrom unittest.mock import Mock\nupstream = Mock(status_code=0)\n",
    ]
    INVALID = [
        Invalid("from fastapi import HTTPException\nraise HTTPException(status_code=4040, detail='x')\n"),
        Invalid("from fastapi import APIRouter\nrouter = APIRouter()\n@router.get('/x', status_code=20)\ndef x():\n    return 1\n"),
        Invalid("from fastapi.responses import JSONResponse\nr = JSONResponse({}, 600)\n"),
        Invalid("from fastapi import APIRouter\nrouter = APIRouter()\n"
                "@router.get('/x', responses={999: {'description': 'odd'}})\ndef x():\n    return 1\n"),
        Invalid("from fastapi import APIRouter, Response\nrouter = APIRouter()\n"
                "@router.get('/x')\ndef x(response: Response):\n    response.status_code = 0\n    return 1\n"),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        seen: set[int] = set()
        for site in status_sites(ctx):
            expr = site.expr
            if not (isinstance(expr, ast.Constant) and type(expr.value) is int) or id(expr) in seen:
                continue
            seen.add(id(expr))
            if not 100 <= expr.value <= 599:
                yield ctx.diagnostic(
                    self, expr, f"status code {expr.value} is outside 100–599: no client can receive it"
                )
