from __future__ import annotations

from typing import Iterable

from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Applicability, Diagnostic
from fastapi_status.core.model import DEFAULT_STATUS
from fastapi_status.core.statuses import describe
from fastapi_status.core.values import response_call
from fastapi_status.fixes.response import has_status_argument, set_response_status_fix
from fastapi_status.rules.base import Invalid, Rule


class DeclaredStatusOverridden(Rule):
    """
    ## What it does
    Flags a route that declares `status_code=X` in its decorator but returns a `Response` object
    built without a status, so the response's own default (200, or 307 for a redirect) is sent.

    ## Why is this bad?
    FastAPI uses the decorator's `status_code` only when it builds the response itself. A
    returned `Response` object is sent as it is: the route declared 201 (and the OpenAPI docs
    promise 201) but the client receives 200.

    ## Example
    ```python
    @router.post("/items", status_code=201)
    async def create_item(item: Item):
        saved = await db.insert(item)
        return JSONResponse(saved.model_dump(), headers={"Location": f"/items/{saved.id}"})
    ```

    ## Use instead
    ```python
    @router.post("/items", status_code=201)
    async def create_item(item: Item):
        saved = await db.insert(item)
        return JSONResponse(
            saved.model_dump(), headers={"Location": f"/items/{saved.id}"}, status_code=201
        )
    ```

    ## Fix safety
    The fix is unsafe: clients then receive the status the route declares (and its OpenAPI
    document promises) instead of the response's default 200.
    """

    code = "FST305"
    name = "declared-status-overridden"
    summary = "Returned Response object ignores the route's declared status_code"
    fix_summary = "Pass the declared status to the response (unsafe)"

    VALID = [
        "from fastapi import APIRouter\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
        "@router.post('/items', status_code=201)\ndef create():\n    return JSONResponse({}, status_code=201)\n",
        # Declared 200 and the response's default is 200.
        "from fastapi import APIRouter\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
        "@router.get('/items', status_code=200)\ndef items():\n    return JSONResponse([])\n",
        # Positional status, **kwargs, or status set on the object later.
        "from fastapi import APIRouter\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
        "@router.post('/items', status_code=201)\ndef create():\n    return JSONResponse({}, 202)\n",
        "from fastapi import APIRouter\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
        "@router.post('/items', status_code=201)\ndef create(opts: dict):\n    return JSONResponse({}, **opts)\n",
        "from fastapi import APIRouter\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
        "@router.post('/items', status_code=201)\ndef create():\n    r = JSONResponse({})\n"
        "    r.status_code = 201\n    return r\n",
        # A returned value that is not visibly a Response.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/items', status_code=201)\ndef create():\n    return build_response()\n",
    ]
    INVALID = [
        Invalid(
            "from fastapi import APIRouter\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
            "@router.post('/items', status_code=201)\ndef create(item: dict):\n"
            "    return JSONResponse(\n        item,\n        headers={'Location': '/items/1'},\n    )\n",
            fixed="from fastapi import APIRouter\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
            "@router.post('/items', status_code=201)\ndef create(item: dict):\n"
            "    return JSONResponse(\n        item,\n        headers={'Location': '/items/1'},\n"
            "        status_code=201,\n    )\n",
        ),
        Invalid(
            "from fastapi import APIRouter, Response, status\nrouter = APIRouter()\n"
            "@router.delete('/items/{id}', status_code=status.HTTP_204_NO_CONTENT)\ndef delete(id: int):\n"
            "    resp = Response()\n    return resp\n",
            fixed="from fastapi import APIRouter, Response, status\nrouter = APIRouter()\n"
            "@router.delete('/items/{id}', status_code=status.HTTP_204_NO_CONTENT)\ndef delete(id: int):\n"
            "    resp = Response(status_code=status.HTTP_204_NO_CONTENT)\n    return resp\n",
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        seen: set[int] = set()
        for route in ctx.routes:
            declared = route.status
            if declared is None:
                continue
            flow = ctx.flow(route.handler)
            for site in flow.returns:
                found = response_call(site.value, ctx.model, flow)
                if found is None:
                    continue
                call, via = found
                if id(call) in seen or has_status_argument(call):
                    continue
                if via is not None and via in flow.attribute_status_writes:
                    continue
                cls = ctx.model.response_class_of(call.func) or ""
                default = DEFAULT_STATUS.get(cls, 200)
                if default == declared:
                    continue
                seen.add(id(call))
                yield ctx.diagnostic(
                    self,
                    call,
                    f"route declares {describe(declared)} but returns a response built without a status: "
                    f"the client receives {describe(default)}",
                    [
                        set_response_status_fix(
                            ctx,
                            call,
                            declared,
                            f"Pass `status_code={declared}` to the response (clients then receive {declared})",
                            Applicability.UNSAFE,
                        )
                    ],
                    related=[(route.status_keyword, f"declared status {declared}")],
                )
