from __future__ import annotations

import ast
from typing import Iterable

from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Applicability, Diagnostic, Fix
from fastapi_status.core.status_sites import raised_status
from fastapi_status.core.statuses import describe
from fastapi_status.fixes.cst import rewrite, statement
from fastapi_status.fixes.lazy import cst
from fastapi_status.rules.base import Invalid, Rule


class ReturnedHttpException(Rule):
    """
    ## What it does
    Flags a route handler that returns an `HTTPException` instead of raising it:
    `return HTTPException(status_code=404, detail="Item not found")`, directly or through a
    local bound to one.

    A function that builds the exception for its callers to raise (`def not_found(): return
    HTTPException(404)`, then `raise not_found()`) is not a route handler, and is left alone.

    ## Why is this bad?
    FastAPI sends what a handler returns as the body of a success: the client receives
    `200 OK` and `{"status_code": 404, "detail": "Item not found", "headers": null}`
    (observed), and reads the failure as success.

    ## Example
    ```python
    @router.get("/items/{item_id}")
    async def read_item(item_id: int):
        if item_id not in ITEMS:
            return HTTPException(status_code=404, detail="Item not found")
        return ITEMS[item_id]
    ```

    ## Use instead
    ```python
    @router.get("/items/{item_id}")
    async def read_item(item_id: int):
        if item_id not in ITEMS:
            raise HTTPException(status_code=404, detail="Item not found")
        return ITEMS[item_id]
    ```

    ## Fix safety
    The fix is unsafe: clients then receive the exception's status (404) and FastAPI's
    `{"detail": …}` body instead of `200` and the exception's fields.
    """

    code = "FST208"
    name = "returned-http-exception"
    summary = "Route returns an HTTPException instead of raising it (the client gets 200)"
    fix_summary = "Raise it instead (unsafe)"

    VALID = [
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "@router.get('/items/{i}')\ndef read(i: int):\n    raise HTTPException(404, 'Item not found')\n",
        # A factory for callers to raise.
        "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
        "def not_found(what):\n    return HTTPException(404, f'{what} not found')\n"
        "@router.get('/items/{i}')\ndef read(i: int):\n    raise not_found('Item')\n",
        # Not an HTTPException.
        "from fastapi import APIRouter\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
        "@router.get('/items/{i}')\ndef read(i: int):\n    return JSONResponse({'detail': 'Item not found'}, status_code=404)\n",
    ]
    INVALID = [
        Invalid(
            "from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/items/{i}')\ndef read(i: int):\n    if i not in ITEMS:\n"
            "        return HTTPException(status_code=404, detail='Item not found')  # missing\n    return ITEMS[i]\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\n"
            "@router.get('/items/{i}')\ndef read(i: int):\n    if i not in ITEMS:\n"
            "        raise HTTPException(status_code=404, detail='Item not found')  # missing\n    return ITEMS[i]\n",
        ),
        # Through a local.
        Invalid(
            "import fastapi\nrouter = fastapi.APIRouter()\n"
            "@router.delete('/items/{i}')\nasync def delete(i: int):\n"
            "    error = fastapi.HTTPException(409, 'Item is locked')\n    if locked(i):\n        return error\n",
            fixed="import fastapi\nrouter = fastapi.APIRouter()\n"
            "@router.delete('/items/{i}')\nasync def delete(i: int):\n"
            "    error = fastapi.HTTPException(409, 'Item is locked')\n    if locked(i):\n        raise error\n",
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        model = ctx.model
        seen: set[int] = set()
        for route in ctx.routes:
            if id(route.handler) in seen:
                continue
            seen.add(id(route.handler))
            flow = ctx.flow(route.handler)
            for site in flow.returns:
                call = _exception_call(ctx, site.value, flow.locals)
                if site.node is None or call is None:
                    continue
                code = raised_status(model, call)
                what = f" ({describe(code)})" if code else ""
                yield ctx.diagnostic(
                    self,
                    site.node,
                    f"this returns the HTTPException{what} instead of raising it: the client receives 200 OK with "
                    "the exception's fields as the body",
                    [_raise_fix(ctx, site.node, code)],
                )


def _exception_call(ctx: Context, value: ast.expr | None, locals_: dict) -> ast.Call | None:
    if isinstance(value, ast.Name):
        values = locals_.get(value.id) or []
        value = values[0] if len(values) == 1 else None
    if isinstance(value, ast.Call) and ctx.model.is_http_exception(value.func):
        return value
    return None


def _raise_fix(ctx: Context, node: ast.Return, code: int | None) -> Fix:
    def build():
        def plan(snippet):
            target = snippet.find(node, cst.Return)
            value = target.value

            def swap(_):
                raised = statement("raise x")
                return raised.with_changes(exc=value)

            return {target: swap}

        return rewrite(ctx, node, plan)

    status = f"{code}" if code else "its status"
    return Fix(f"Raise it instead (clients then receive {status})", Applicability.UNSAFE, build)
