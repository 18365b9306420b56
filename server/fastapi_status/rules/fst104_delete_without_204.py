from __future__ import annotations

import ast
from typing import Iterable

from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Applicability, Diagnostic
from fastapi_status.core.values import Kind
from fastapi_status.fixes.route import add_status_fix
from fastapi_status.rules.base import Invalid, Rule


class DeleteWithout204(Rule):
    """
    ## What it does
    Flags a DELETE route that returns nothing on every path but declares no `status_code`, so
    it answers `200 OK` with the body `null`. Off by default: enable it with
    `extend-select = ["FST104"]`.

    ## Why is this bad?
    A successful DELETE with nothing to say is `204 No Content` (RFC 9110 §9.3.5). With 200,
    clients receive the JSON document `null` and have to special-case it; the OpenAPI docs
    announce a 200 response with an empty schema.

    ## Example
    ```python
    @router.delete("/items/{item_id}")
    async def delete_item(item_id: int) -> None:
        await db.delete(item_id)
    ```

    ## Use instead
    ```python
    @router.delete("/items/{item_id}", status_code=204)
    async def delete_item(item_id: int) -> None:
        await db.delete(item_id)
    ```

    ## Fix safety
    The fix is unsafe: clients then receive `204 No Content` with an empty body instead of
    `200` with `null`. A client that parses JSON from every successful answer fails on the empty
    body, and a test that checks for 200 fails.
    """

    code = "FST104"
    name = "delete-without-204"
    summary = "DELETE route that returns nothing answers 200 with `null`"
    default_enabled = False
    fix_summary = "Add `status_code=204` (unsafe)"

    VALID = [
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.delete('/items/{id}', status_code=204)\ndef delete_item(id: int):\n    remove(id)\n",
        # Returns something on some path.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.delete('/items/{id}')\ndef delete_item(id: int):\n    return remove(id)\n",
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.delete('/items/{id}', response_model=dict)\ndef delete_item(id: int):\n    remove(id)\n",
        # Sets the status itself.
        "from fastapi import APIRouter, Response\nrouter = APIRouter()\n"
        "@router.delete('/items/{id}')\ndef delete_item(id: int, response: Response):\n"
        "    response.status_code = 202\n",
    ]
    INVALID = [
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.delete('/items/{id}')\nasync def delete_item(id: int) -> None:\n"
            "    if not exists(id):\n        return\n    await remove(id)\n",
            fixed="from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.delete('/items/{id}', status_code=204)\nasync def delete_item(id: int) -> None:\n"
            "    if not exists(id):\n        return\n    await remove(id)\n",
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        for route in ctx.routes:
            if route.methods != {"DELETE"} or route.status_declared or route.response_model is not None:
                continue
            if route.response_class is not None:
                continue
            flow = ctx.flow(route.handler)
            if flow.response_param and flow.response_param in flow.attribute_status_writes:
                continue
            if not all(ctx.kind(site.value, route.handler) is Kind.NONE for site in flow.returns):
                continue
            if _is_generator(route.handler):
                continue
            yield ctx.diagnostic(
                self,
                route.registration,
                f"DELETE route `{route.name}` returns nothing but answers 200 OK with the body `null`; "
                "declare `status_code=204`",
                [
                    add_status_fix(
                        ctx,
                        route,
                        204,
                        "Add `status_code=204` (clients then receive 204 and no body instead of 200 `null`)",
                        Applicability.UNSAFE,
                    )
                ],
            )


def _is_generator(handler: ast.AST) -> bool:
    return any(isinstance(node, (ast.Yield, ast.YieldFrom)) for node in ast.walk(handler))
