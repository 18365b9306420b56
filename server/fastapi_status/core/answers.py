"""Does a route answer with the status its decorator declares, or choose one itself?

A handler that returns a `Response` object, sets `response.status_code`, or uses a non-JSON
`response_class` answers with a status of its own: the decorator's `status_code` then only
changes what the OpenAPI docs promise. The rules that would add or change a declared status
(FST101, FST104) stay silent when the handler may answer that way, proven or not:

- a returned value the model proves is a Response (`JSONResponse(...)`, a local bound to one);
- `templates.TemplateResponse(...)` (Starlette's `Jinja2Templates`), or a call of a class named
  `...Response` imported from a `responses` module (`from .responses import HXRedirectResponse`);
- a call of a function of this module that may return one of those (two levels deep);
- a return annotation naming a Response class (`-> JSONResponse`, `-> Response | dict`).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from fastapi_status.core.callees import called_function
from fastapi_status.core.model import FunctionNode, Route, last_name
from fastapi_status.core.values import Kind

if TYPE_CHECKING:
    from fastapi_status.core.context import Context

JSON_CLASS_SUFFIX = "JSONResponse"


def _response_named(ctx: "Context", func: ast.expr) -> bool:
    """A callee (or annotation) that names a Response class, proven or by its name and origin."""
    if ctx.model.response_class_of(func):
        return True
    name = last_name(func)
    if not name or not name.endswith("Response"):
        return False
    if isinstance(func, ast.Attribute) and name == "TemplateResponse":
        return True
    qualname = ctx.model.qualname(func)
    if qualname is None:
        return False
    parts = qualname.lstrip(".").split(".")[:-1]
    return any(p in ("responses", "response", "starlette", "fastapi") for p in parts)


def may_be_response(ctx: "Context", expr: ast.expr | None, handler: FunctionNode, depth: int = 0) -> bool:
    if expr is None:
        return False
    if isinstance(expr, ast.Await):
        expr = expr.value
    if ctx.kind(expr, handler) is Kind.RESPONSE:
        return True
    if isinstance(expr, ast.Name):
        values = ctx.flow(handler).locals.get(expr.id) or []
        return any(v is not expr and isinstance(v, ast.Call) and _call_may_be_response(ctx, v, depth) for v in values)
    if isinstance(expr, ast.Call):
        return _call_may_be_response(ctx, expr, depth)
    return False


def _call_may_be_response(ctx: "Context", call: ast.Call, depth: int) -> bool:
    if _response_named(ctx, call.func):
        return True
    helper = called_function(ctx, call)
    if helper is None or depth >= 2:
        return False
    if annotated_response(ctx, helper):
        return True
    return any(may_be_response(ctx, site.value, helper, depth + 1) for site in ctx.flow(helper).returns)


def annotated_response(ctx: "Context", handler: FunctionNode) -> bool:
    """The return annotation names a Response class (alone or in a union)."""
    ann = handler.returns
    if ann is None:
        return False
    return any(isinstance(n, (ast.Name, ast.Attribute)) and _response_named(ctx, n) for n in ast.walk(ann))


def chooses_own_status(ctx: "Context", route: Route) -> bool:
    """The route's handler may answer with a status other than the declared one: a non-JSON
    `response_class`, a `response.status_code` write, or a Response object it returns."""
    if route.response_class and not route.response_class.endswith(JSON_CLASS_SUFFIX):
        return True
    handler = route.handler
    flow = ctx.flow(handler)
    if flow.response_param and flow.response_param in flow.attribute_status_writes:
        return True
    if annotated_response(ctx, handler):
        return True
    return any(may_be_response(ctx, site.value, handler) for site in flow.returns)
