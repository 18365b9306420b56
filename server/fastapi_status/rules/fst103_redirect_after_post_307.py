from __future__ import annotations

from typing import Iterable

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
    DELETE route.

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
                found = response_call(site.value, ctx.model, flow)
                if found is None:
                    continue
                call, via = found
                if id(call) in seen or ctx.model.response_class_of(call.func) != REDIRECT or has_status_argument(call):
                    continue
                if via is not None and via in flow.attribute_status_writes:
                    continue
                seen.add(id(call))
                methods = "/".join(sorted(route.methods & UNSAFE_METHODS))
                yield ctx.diagnostic(
                    self,
                    call,
                    f"{methods} route redirects with the default 307, so the browser repeats the {methods}; "
                    "use `status_code=303`",
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
