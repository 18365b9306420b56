from __future__ import annotations

import ast
from typing import Iterable

from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Applicability, Diagnostic, Fix, Severity
from fastapi_status.core.model import Route
from fastapi_status.core.statuses import body_allowed, describe
from fastapi_status.core.values import Kind
from fastapi_status.fixes.cst import remove_keyword, rewrite
from fastapi_status.fixes.lazy import cst
from fastapi_status.fixes.route import add_status_fix
from fastapi_status.rules.base import Invalid, Rule
from fastapi_status.rules.fst201_error_body_with_2xx import error_returns

_STREAM_TYPES = {"Iterator", "AsyncIterator", "Generator", "AsyncGenerator", "Iterable", "AsyncIterable"}


class BodyOnNoContent(Rule):
    """
    ## What it does
    Flags a route whose declared status forbids a body (1xx, 204 No Content, 205 Reset
    Content, 304 Not Modified) but which returns data, declares a return annotation or
    `response_model` that has a body, or documents a body for such a status in `responses=`.

    Returning `None` or a `Response` object is fine, and so is a value the analysis cannot see
    (a helper's result): only literal data and models built in the handler count.

    ## Why is this bad?
    FastAPI checks this at startup: a response model (taken from the return annotation when
    there is no `response_model`) on a 204 route, or a `"model"` in `responses` for 204, raises
    `AssertionError: Status code 204 must not have a response body` and the app does not start.
    Without a model, FastAPI sends the 204 and silently drops whatever the handler returned: the
    client never sees the data the code seems to send.

    ## Example
    ```python
    @router.delete("/items/{item_id}", status_code=204)
    async def delete_item(item_id: int) -> dict:
        await db.delete(item_id)
        return {"deleted": item_id}
    ```

    ## Use instead
    ```python
    @router.delete("/items/{item_id}", status_code=204)
    async def delete_item(item_id: int) -> None:
        await db.delete(item_id)
        return None
    ```

    ## Fix safety
    Two fixes. "Return no body" is safe: it removes a body FastAPI drops (or refuses) anyway;
    it is offered only when the returned values are plain data with no calls in them. "Answer
    200 with the body" is unsafe: clients then receive 200 and the data instead of 204.
    """

    code = "FST102"
    name = "body-on-no-content"
    summary = "Route with a no-body status (204, 205, 304, 1xx) returns or declares a body"
    severity = Severity.ERROR
    fix_summary = "Return no body (safe), or answer 200 with the body (unsafe)"

    VALID = [
        # An error body: FST201's concern (raise an HTTPException), not this rule's.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.delete('/items/{id}', status_code=204)\ndef delete_item(id: int):\n"
        "    if id not in DB:\n        return {'error': 'Item not found'}\n    del DB[id]\n",
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.delete('/items/{id}', status_code=204)\nasync def delete_item(id: int) -> None:\n"
        "    await remove(id)\n",
        "from fastapi import APIRouter, Response\nrouter = APIRouter()\n"
        "@router.delete('/items/{id}', status_code=204)\ndef delete_item(id: int):\n"
        "    return Response(status_code=204)\n",
        "from fastapi import APIRouter, Response\nrouter = APIRouter()\n"
        "@router.delete('/items/{id}', status_code=204, response_class=Response)\ndef delete_item(id: int) -> Response:\n"
        "    return Response(status_code=204)\n",
        # A helper's result: we cannot see what it is.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.delete('/items/{id}', status_code=204)\ndef delete_item(id: int):\n    return service.delete(id)\n",
        # 200 with a body is fine; 204 documented without a model is fine.
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/items', responses={204: {'description': 'Nothing yet'}})\ndef items() -> list:\n    return []\n",
        # A streaming generator is not a response model.
        "from typing import AsyncIterator\nfrom fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.post('/jobs', status_code=204)\nasync def run() -> AsyncIterator[bytes]:\n    yield b''\n",
        # The status cannot be resolved statically.
        "from fastapi import APIRouter\nrouter = APIRouter()\nCODE = 204\n"
        "@router.delete('/items/{id}', status_code=CODE)\ndef delete_item(id: int) -> dict:\n    return {}\n",
    ]
    INVALID = [
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.delete('/items/{id}', status_code=204)\ndef delete_item(id: int):\n"
            "    remove(id)\n    return {'deleted': id}  # confirm\n",
            fixed="from fastapi import APIRouter\nrouter = APIRouter()\n"
            "@router.delete('/items/{id}', status_code=204)\ndef delete_item(id: int):\n"
            "    remove(id)\n    return None  # confirm\n",
        ),
        Invalid(
            "from fastapi import APIRouter, status\nrouter = APIRouter()\n"
            "@router.delete('/items/{id}', status_code=status.HTTP_204_NO_CONTENT)\ndef delete_item(id: int):\n"
            "    remove(id)\n    return {'deleted': id}\n",
            fix_title="Answer 200",
            fixed="from fastapi import APIRouter, status\nrouter = APIRouter()\n"
            "@router.delete('/items/{id}', status_code=status.HTTP_200_OK)\ndef delete_item(id: int):\n"
            "    remove(id)\n    return {'deleted': id}\n",
        ),
        # The annotation becomes the response model: FastAPI refuses to start.
        Invalid(
            "from fastapi import APIRouter\nrouter = APIRouter()\nclass Item: ...\n"
            "@router.put('/items/{id}', status_code=204)\nasync def replace(id: int) -> Item:\n"
            "    await store(id)\n",
            fixed="from fastapi import APIRouter\nrouter = APIRouter()\nclass Item: ...\n"
            "@router.put('/items/{id}', status_code=204)\nasync def replace(id: int) -> None:\n"
            "    await store(id)\n",
        ),
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.post('/reset', status_code=205, response_model=dict)\ndef reset():\n    pass\n",
            fixed="from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.post('/reset', status_code=205)\ndef reset():\n    pass\n",
        ),
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\nclass Item: ...\n"
            "@app.get('/items/{id}', responses={304: {'model': Item}})\ndef item(id: int):\n    return {}\n",
        ),
        # Both the annotation and the return: two places, one fix cleans both.
        Invalid(
            "from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.delete('/x', status_code=204)\ndef drop() -> dict:\n    return {}\n",
            count=2,
            fixed="from fastapi import FastAPI\napp = FastAPI()\n"
            "@app.delete('/x', status_code=204)\ndef drop() -> None:\n    return None\n",
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        seen: set[int] = set()
        for route in ctx.routes:
            yield from self._responses_entries(ctx, route, seen)
            status = route.status
            if status is None or body_allowed(status):
                continue
            offenders = self._offenders(ctx, route)
            if not offenders:
                continue
            fixes = []
            if all(not _has_call(node.value) for node, what in offenders if what == "return"):
                fixes.append(Fix("Return no body", Applicability.SAFE, lambda r=route, o=offenders: _no_body(ctx, r, o)))
            fixes.append(add_status_fix(ctx, route, 200, "Answer 200 with the body", Applicability.UNSAFE))
            code = describe(status)
            for node, what in offenders:
                if id(node) in seen:
                    continue
                seen.add(id(node))
                if what == "return":
                    msg = f"route declares {code} but returns a body: FastAPI drops it and the client receives no data"
                else:
                    msg = (
                        f"route declares {code} but its response model has a body: FastAPI refuses to start "
                        f"(AssertionError: Status code {status} must not have a response body)"
                    )
                yield ctx.diagnostic(self, node, msg, fixes)

    def _offenders(self, ctx: Context, route: Route) -> list[tuple[ast.AST, str]]:
        found: list[tuple[ast.AST, str]] = []
        handler = route.handler
        model_kw = route.response_model
        if model_kw is not None:
            if not (isinstance(model_kw.value, ast.Constant) and model_kw.value.value is None):
                found.append((model_kw, "model"))
        elif handler.returns is not None and _annotation_has_body(ctx, handler.returns):
            found.append((handler.returns, "annotation"))
        flow = ctx.flow(handler)
        errors = {id(e.site.node) for e in error_returns(ctx, route)}  # FST201 tells those
        for site in flow.returns:
            if site.node is not None and id(site.node) not in errors and ctx.kind(site.value, handler) is Kind.BODY:
                found.append((site.node, "return"))
        return found

    def _responses_entries(self, ctx: Context, route: Route, seen: set[int]) -> Iterable[Diagnostic]:
        if route.responses is None or not isinstance(route.responses.value, ast.Dict):
            return
        for key, value in zip(route.responses.value.keys, route.responses.value.values):
            code = ctx.model.status_of(key)
            if code is None and isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.isdigit():
                code = int(key.value)
            if code is None or body_allowed(code) or id(key) in seen:
                continue
            if isinstance(value, ast.Dict) and any(
                isinstance(k, ast.Constant) and k.value == "model" for k in value.keys
            ):
                seen.add(id(key))
                yield ctx.diagnostic(
                    self,
                    key,
                    f"`responses` documents a body for {describe(code)}: FastAPI refuses to start "
                    f"(AssertionError: Status code {code} must not have a response body)",
                )


def _annotation_has_body(ctx: Context, annotation: ast.expr) -> bool:
    if isinstance(annotation, ast.Constant):
        return False  # None, or a string (forward reference) we do not resolve
    if ctx.model.response_class_of(annotation):
        return False
    root = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    name = root.attr if isinstance(root, ast.Attribute) else root.id if isinstance(root, ast.Name) else None
    if name is None or name in _STREAM_TYPES or name.endswith("Response"):
        return False
    if any(isinstance(n, ast.Name) and n.id.endswith("Response") for n in ast.walk(annotation)):
        return False
    return True


def _has_call(node: ast.AST | None) -> bool:
    return node is not None and any(isinstance(n, (ast.Call, ast.Await, ast.Yield, ast.NamedExpr)) for n in ast.walk(node))


def _no_body(ctx: Context, route: Route, offenders: list[tuple[ast.AST, str]]):
    handler = route.handler
    edits = []

    def plan(snippet):
        changes = {}
        for node, what in offenders:
            if what == "return":
                target = snippet.find(node, cst.Return)
                changes[target] = lambda u: u.with_changes(value=cst.Name("None"))
            elif what == "annotation":
                target = snippet.find(handler, (cst.FunctionDef,))
                changes[target] = lambda u: u.with_changes(returns=cst.Annotation(cst.Name("None")))
        if any(what == "model" for _, what in offenders) and route.is_decorator:
            call = snippet.find(route.registration, cst.Call)
            changes[call] = lambda u: remove_keyword(u, "response_model")
        return changes

    edits += rewrite(ctx, handler, plan)
    if not route.is_decorator and any(what == "model" for _, what in offenders):

        def plan_registration(snippet):
            call = snippet.find(route.registration, cst.Call)
            return {call: lambda u: remove_keyword(u, "response_model")}

        edits += rewrite(ctx, route.registration, plan_registration)
    return edits

