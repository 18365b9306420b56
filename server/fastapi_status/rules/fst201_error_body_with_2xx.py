from __future__ import annotations

from typing import Iterable

from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Diagnostic
from fastapi_status.core.model import Route
from fastapi_status.core.payloads import REPORT_WORDS, error_payload, infer_status, payload_of
from fastapi_status.core.statuses import describe
from fastapi_status.fixes.raise_http import raise_instead_fix
from fastapi_status.rules.base import Invalid, Rule
from fastapi_status.rules.fst101_create_without_201 import words


def reports_a_result(route: Route) -> bool:
    """Health, check, validate… routes answer `{"ok": False}` as their normal result."""
    return bool(REPORT_WORDS & (set(words(route.handler.name)) | set(words(route.path or ""))))


def uses_422(ctx: Context) -> bool:
    return "422" in ctx.source


class ErrorBodyWith2xx(Rule):
    """
    ## What it does
    Flags a route that returns an error payload with a success status: a dict (or the content of
    a `JSONResponse`, `ORJSONResponse` or `UJSONResponse` without `status_code=`) that has a
    non-empty `"error"`/`"errors"`, `"ok": False` or `"success": False`, `"status": "error"`, or a
    `"detail"`/`"message"` whose text reads as a failure ("not found", "invalid",
    "unauthorized"…).

    Left alone: a path where `response.status_code` was set, a response built with its own
    `status_code=`, an `"errors"` value that may be empty (a variable: partial-success batch
    answers), success text (`{"detail": "API key deleted"}`), a return inside `except` (that is
    FST203), and routes whose job is to report a result (health, check, validate, verify,
    status, ping…), for which `{"valid": False}` is the normal answer.

    ## Why is this bad?
    The client receives `200 OK`. HTTP clients, retries, caches, monitoring and generated SDKs
    all read the status, not the body: the failure is counted as a success, and every caller
    has to parse the body to find out.

    ## Example
    ```python
    @router.get("/items/{item_id}")
    async def read_item(item_id: int):
        item = await repo.get(item_id)
        if item is None:
            return {"error": "Item not found"}
        return item
    ```

    ## Use instead
    ```python
    @router.get("/items/{item_id}")
    async def read_item(item_id: int):
        item = await repo.get(item_id)
        if item is None:
            raise HTTPException(status_code=404, detail="Item not found")
        return item
    ```

    ## Fix safety
    The fix is unsafe: clients then receive an error status (inferred from the message: not
    found 404, unauthorized 401, forbidden 403, already exists 409, invalid or missing 400 or
    422, otherwise 400) and FastAPI's `{"detail": …}` body instead of the old one.
    """

    code = "FST201"
    name = "error-body-with-2xx"
    summary = "Route returns an error payload with a 2xx status"
    fix_summary = "Raise HTTPException with the inferred status (unsafe)"

    VALID = [
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.delete('/keys/{k}')\ndef delete_key(k: str):\n    return {'detail': 'API key deleted'}\n",
        # The status was set on that path.
        "from fastapi import APIRouter, Response\nrouter = APIRouter()\n"
        "@router.get('/items/{i}')\ndef read(i: int, response: Response):\n    if i < 0:\n"
        "        response.status_code = 404\n        return {'error': 'Item not found'}\n    return {'id': i}\n",
        # The response carries its own status.
        "from fastapi import APIRouter\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
        "@router.get('/items/{i}')\ndef read(i: int):\n"
        "    return JSONResponse({'error': 'Item not found'}, status_code=404)\n",
        # Partial success: `errors` may be empty.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/batch')\ndef batch(items: list):\n    errors = []\n    done = []\n"
        "    return {'done': done, 'errors': errors}\n",
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/batch')\ndef batch(items: list):\n    return {'done': items, 'error': None}\n",
        # Reporting routes.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/coupons/validate')\ndef validate_coupon(code: str):\n"
        "    return {'valid': False, 'message': 'Invalid coupon code'}\n",
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/health')\ndef health():\n    return {'ok': False, 'error': 'database unreachable'}\n",
        # Success wording that contains a failure word.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/import')\ndef run_import():\n    return {'message': 'Import finished with no errors'}\n",
        # Declares an error status itself.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/teapot', status_code=418)\ndef teapot():\n    return {'error': 'I am a teapot'}\n",
        # Inside except: FST203's concern.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/x')\ndef x():\n    try:\n        return work()\n    except KeyError:\n"
        "        return {'error': 'Item not found'}\n",
    ]
    INVALID = [
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\nDB = {}\n"
            "@router.get('/items/{item_id}')\ndef read_item(item_id: int):\n    item = DB.get(item_id)\n"
            "    if item is None:\n        return {'error': 'Item not found'}  # TODO\n    return item\n",
            fixed="from fastapi import APIRouter, HTTPException\nrouter = APIRouter()\nDB = {}\n"
            "@router.get('/items/{item_id}')\ndef read_item(item_id: int):\n    item = DB.get(item_id)\n"
            "    if item is None:\n        raise HTTPException(status_code=404, detail='Item not found')  # TODO\n"
            "    return item\n",
        ),
        Invalid(
            "from fastapi import APIRouter, HTTPException, status\nfrom fastapi.responses import JSONResponse\n"
            "router = APIRouter()\n"
            "@router.post('/login')\nasync def login(form: dict):\n    if not check(form):\n"
            "        return JSONResponse(content={'success': False, 'message': 'Invalid credentials'})\n"
            "    raise HTTPException(status.HTTP_501_NOT_IMPLEMENTED)\n",
            fixed="from fastapi import APIRouter, HTTPException, status\nfrom fastapi.responses import JSONResponse\n"
            "router = APIRouter()\n"
            "@router.post('/login')\nasync def login(form: dict):\n    if not check(form):\n"
            "        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail='Invalid credentials')\n"
            "    raise HTTPException(status.HTTP_501_NOT_IMPLEMENTED)\n",
        ),
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.post('/users', status_code=201)\ndef create_user(user: dict):\n    if exists(user):\n"
            "        return {'status': 'error', 'detail': f\"User {user['name']} already exists\"}\n    return user\n",
            fixed="from fastapi import FastAPI, HTTPException\napp = FastAPI()\n"
            "@app.post('/users', status_code=201)\ndef create_user(user: dict):\n    if exists(user):\n"
            "        raise HTTPException(status_code=409, detail=f\"User {user['name']} already exists\")\n"
            "    return user\n",
        ),
        # Through a local variable assigned once.
        Invalid(
            "import fastapi\nrouter = fastapi.APIRouter()\n"
            "@router.get('/orders/{i}')\ndef order(i: int):\n    if i > 10:\n"
            "        body = {'ok': False, 'detail': 'Order not found'}\n        return body\n    return {'id': i}\n",
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        seen: set[int] = set()
        for route in ctx.routes:
            status = route.effective_status
            if status is None or not 200 <= status < 300 or reports_a_result(route):
                continue
            flow = ctx.flow(route.handler)
            for site in flow.returns:
                if site.node is None or site.handler is not None or site.assignments or id(site.node) in seen:
                    continue
                found = payload_of(site.value, ctx.model, flow)
                payload = found and error_payload(found[0])
                if not payload:
                    continue
                seen.add(id(site.node))
                code = infer_status(payload.text, uses_422(ctx)) or 400
                detail = ctx.text(payload.message) if payload.message is not None else None
                yield ctx.diagnostic(
                    self,
                    site.node,
                    f"route answers {describe(status)} with an error body ({payload.reason}): "
                    "clients read the failure as success",
                    raise_instead_fix(ctx, site.node, code, detail),
                )
