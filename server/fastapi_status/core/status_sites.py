"""Every place in a module where a FastAPI/Starlette API takes a status code.

Route registrations (`status_code=`), `HTTPException(...)`, Response classes, `responses={...}`
keys, and `response.status_code = …` on the injected Response. A `status_code=` passed to
anything else (a mock, a dataclass) is not ours.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from fastapi_status.core.model import APP_CLASSES, kwarg

if TYPE_CHECKING:
    from fastapi_status.core.context import Context

Where = Literal["route", "exception", "response", "responses-key", "assignment"]


@dataclass
class StatusSite:
    expr: ast.expr
    where: Where
    call: ast.Call | None = None


def status_argument(call: ast.Call) -> ast.expr | None:
    """The status of `HTTPException(...)` or a Response class call: keyword or positional
    (first for HTTPException, second for responses)."""
    kw = kwarg(call, "status_code")
    return kw.value if kw else None


def status_sites(ctx: "Context") -> list[StatusSite]:
    model = ctx.model
    sites: list[StatusSite] = []
    registrations = {id(r.registration) for r in model.routes}
    for route in model.routes:
        if route.status_keyword is not None:
            sites.append(StatusSite(route.status_keyword.value, "route", route.registration))
        if route.responses is not None:
            sites += _responses_keys(route.responses.value)
        flow = ctx.flow(route.handler)
        sites += [StatusSite(a.value, "assignment") for a in flow.assignments]
    for node in ast.walk(ctx.tree):
        if not isinstance(node, ast.Call) or id(node) in registrations:
            continue
        if model.is_http_exception(node.func):
            expr = node.args[0] if node.args else status_argument(node)
            if expr is not None:
                sites.append(StatusSite(expr, "exception", node))
        elif model.response_class_of(node.func):
            expr = node.args[1] if len(node.args) > 1 else status_argument(node)
            if expr is not None:
                sites.append(StatusSite(expr, "response", node))
        elif _takes_responses(ctx, node):
            kw = kwarg(node, "responses")
            if kw is not None:
                sites += _responses_keys(kw.value)
    return sites


def _responses_keys(value: ast.expr) -> list[StatusSite]:
    if not isinstance(value, ast.Dict):
        return []
    return [StatusSite(k, "responses-key") for k in value.keys if k is not None]


def _takes_responses(ctx: "Context", call: ast.Call) -> bool:
    if ctx.model.qualname(call.func) in APP_CLASSES:
        return True
    return isinstance(call.func, ast.Attribute) and call.func.attr == "include_router"
