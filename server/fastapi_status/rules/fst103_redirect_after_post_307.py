from __future__ import annotations

import ast
from typing import Iterable

from fastapi_status.core.callees import called_function
from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Applicability, Diagnostic
from fastapi_status.core.values import response_call
from fastapi_status.fixes.response import has_status_argument, set_response_status_fix
from fastapi_status.rules.base import Invalid, Rule

REDIRECT = "fastapi.responses.RedirectResponse"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class RedirectAfterPost307(Rule):
    """
    ## What it does
    Flags a `RedirectResponse` without a `status_code` returned from a POST, PUT, PATCH or
    DELETE route: built in the handler, or by a helper of the module that the handler returns
    (`return _redirect_to_login(request)`, when that helper always answers with that one
    redirect, possibly passed through functions that hand it back:
    `response = delete_cookie(response)`).

    ## Why is this bad?
    `RedirectResponse` defaults to `307 Temporary Redirect`, which tells the browser to repeat
    the same method with the same body at the new URL. After a form POST that means the form is
    submitted a second time to the page you meant to show. The post/redirect/get pattern needs
    `303 See Other`, which makes the browser follow with a GET.

    A route that declares its own `status_code` is FST305's concern, and a redirect whose
    status is set afterwards (`resp.status_code = 303`) is left alone.

    ## Example
    ```python
    @app.post("/items")
    async def create_item(form: ItemForm = Depends()):
        item = await save(form)
        return RedirectResponse(f"/items/{item.id}")
    ```

    ## Use instead
    ```python
    @app.post("/items")
    async def create_item(form: ItemForm = Depends()):
        item = await save(form)
        return RedirectResponse(f"/items/{item.id}", status_code=303)
    ```

    ## Fix safety
    The fix is unsafe: clients then receive `303 See Other` instead of `307`, and follow the
    redirect with a GET instead of repeating the POST. That is what the post/redirect/get pattern
    needs, but a client that relies on the body being sent again would notice. If you really mean
    to re-send the request body to another URL, write `status_code=307` explicitly.
    """

    code = "FST103"
    name = "redirect-after-post-307"
    summary = "RedirectResponse from a POST/PUT/PATCH/DELETE route keeps the default 307"
    fix_summary = "Add `status_code=303` (unsafe)"

    VALID = [
        # A helper that may answer something else, or sets its own status.
        "from fastapi import APIRouter\nfrom fastapi.responses import RedirectResponse, JSONResponse\nrouter = APIRouter()\n"
        "def back(ok: bool):\n    if ok:\n        return RedirectResponse('/done', status_code=303)\n"
        "    return JSONResponse({'error': 'no'}, status_code=400)\n"
        "def elsewhere():\n    response = RedirectResponse('/x')\n    response = mark(response, 1) if False else other()\n"
        "    return response\n"
        "@router.post('/submit')\ndef submit(ok: bool):\n    if ok:\n        return back(ok)\n    return elsewhere()\n",
        "from fastapi import FastAPI\nfrom fastapi.responses import RedirectResponse\napp = FastAPI()\n"
        "@app.post('/items')\ndef create():\n    return RedirectResponse('/items', status_code=303)\n",
        # GET redirects may keep 307.
        "from fastapi import FastAPI\nfrom fastapi.responses import RedirectResponse\napp = FastAPI()\n"
        "@app.get('/old')\ndef old():\n    return RedirectResponse('/new')\n",
        # Status passed positionally, or set afterwards.
        "from fastapi import FastAPI\nfrom starlette.responses import RedirectResponse\napp = FastAPI()\n"
        "@app.post('/login')\ndef login():\n    return RedirectResponse('/', 302)\n",
        "from fastapi import FastAPI\nfrom fastapi.responses import RedirectResponse\napp = FastAPI()\n"
        "@app.post('/login')\ndef login():\n    resp = RedirectResponse('/')\n    resp.status_code = 303\n"
        "    resp.set_cookie('s', '1')\n    return resp\n",
        # The route declares a status: FST305 speaks for it.
        "from fastapi import FastAPI\nfrom fastapi.responses import RedirectResponse\napp = FastAPI()\n"
        "@app.post('/go', status_code=303)\ndef go():\n    return RedirectResponse('/')\n",
    ]
    INVALID = [
        # (From phoenix) through a helper of the module that a POST route returns.
        Invalid(
            "from fastapi import APIRouter, Request\nfrom fastapi.responses import RedirectResponse\nrouter = APIRouter()\n"
            "def _redirect_to_login(request: Request, error: str):\n"
            "    response = RedirectResponse(url=f'/login?error={error}')\n"
            "    response = delete_state_cookie(response)\n    return response\n"
            "@router.get('/{idp}/login')\n@router.post('/{idp}/login')\nasync def login(request: Request, idp: str):\n"
            "    if idp not in CLIENTS:\n        return _redirect_to_login(request, 'unknown_idp')\n"
            "    return CLIENTS[idp].authorize_redirect(request)\n",
            fixed="from fastapi import APIRouter, Request\nfrom fastapi.responses import RedirectResponse\nrouter = APIRouter()\n"
            "def _redirect_to_login(request: Request, error: str):\n"
            "    response = RedirectResponse(url=f'/login?error={error}', status_code=303)\n"
            "    response = delete_state_cookie(response)\n    return response\n"
            "@router.get('/{idp}/login')\n@router.post('/{idp}/login')\nasync def login(request: Request, idp: str):\n"
            "    if idp not in CLIENTS:\n        return _redirect_to_login(request, 'unknown_idp')\n"
            "    return CLIENTS[idp].authorize_redirect(request)\n",
        ),
        Invalid(
            "from fastapi import FastAPI\nfrom fastapi.responses import RedirectResponse\napp = FastAPI()\n"
            "@app.post('/items')\nasync def create_item():\n    return RedirectResponse(url='/items')  # back to list\n",
            fixed="from fastapi import FastAPI\nfrom fastapi.responses import RedirectResponse\napp = FastAPI()\n"
            "@app.post('/items')\nasync def create_item():\n"
            "    return RedirectResponse(url='/items', status_code=303)  # back to list\n",
        ),
        Invalid(
            "from fastapi import FastAPI\nimport starlette.responses as r\napp = FastAPI()\n"
            "@app.delete('/items/{id}')\ndef delete(id: int):\n    resp = r.RedirectResponse('/items')\n"
            "    resp.set_cookie('flash', 'deleted')\n    return resp\n",
            fixed="from fastapi import FastAPI\nimport starlette.responses as r\napp = FastAPI()\n"
            "@app.delete('/items/{id}')\ndef delete(id: int):\n"
            "    resp = r.RedirectResponse('/items', status_code=303)\n"
            "    resp.set_cookie('flash', 'deleted')\n    return resp\n",
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        seen: set[int] = set()
        for route in ctx.routes:
            if route.status_declared or not (route.methods & UNSAFE_METHODS):
                continue
            flow = ctx.flow(route.handler)
            for site in flow.returns:
                found, helper = response_call(site.value, ctx.model, flow), None
                if found is None and isinstance(site.value, ast.Call):
                    # `return _redirect_to_login(request)`: a helper of the module that redirects.
                    helper = called_function(ctx, site.value)
                    if helper is not None and helper is not route.handler:
                        found = _helper_redirect(ctx, helper)
                if found is None:
                    continue
                call, via = found
                if id(call) in seen or ctx.model.response_class_of(call.func) != REDIRECT or has_status_argument(call):
                    continue
                if via is not None and via in (ctx.flow(helper) if helper else flow).attribute_status_writes:
                    continue
                seen.add(id(call))
                methods = "/".join(sorted(route.methods & UNSAFE_METHODS))
                through = f" (through `{helper.name}`, which `{route.name}` returns)" if helper else ""
                yield ctx.diagnostic(
                    self,
                    call,
                    f"{methods} route redirects with the default 307{through}, so the browser repeats the "
                    f"{methods}; use `status_code=303`",
                    [
                        set_response_status_fix(
                            ctx,
                            call,
                            303,
                            "Redirect with 303 See Other (the browser then follows with GET)",
                            Applicability.UNSAFE,
                        )
                    ],
                )


def _helper_redirect(ctx: Context, helper) -> tuple[ast.Call, str | None] | None:
    """The one RedirectResponse a helper returns on every path (through wrappers that hand it
    back, `response = delete_cookie(response)`)."""
    flow = ctx.flow(helper)
    found = [response_call(site.value, ctx.model, flow, through_wrappers=True) for site in flow.returns]
    if not found or any(f is None for f in found) or len({id(f[0]) for f in found if f}) != 1:
        return None
    return found[0]
