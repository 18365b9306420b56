"""What the editor shows about statuses: hover text and inlay hints. Pure functions of an analysis."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Position, Range
from fastapi_status.core.model import STATUS_MODULE, Route, kwarg
from fastapi_status.core.statuses import STATUSES, describe, phrase
from fastapi_status.core.values import response_call

# One line of meaning per code, for hover.
MEANING = {
    200: "The request succeeded; the body carries the result.",
    201: "A new resource was created; `Location` may point to it.",
    202: "Accepted for processing, which has not finished.",
    204: "Success with no body at all.",
    205: "Success; the client should reset the document view. No body.",
    301: "Moved permanently; clients may change POST to GET.",
    302: "Found elsewhere; clients may change POST to GET.",
    303: "See another URL with GET: the redirect after a form POST.",
    304: "Not modified since the cached version. No body.",
    307: "Temporary redirect; the method and body are repeated.",
    308: "Permanent redirect; the method and body are repeated.",
    400: "The request is malformed or invalid.",
    401: "Authentication is missing or wrong.",
    403: "Authenticated, but not allowed.",
    404: "The resource does not exist.",
    405: "The method is not allowed on this resource.",
    409: "The request conflicts with the resource's current state.",
    410: "The resource is gone for good.",
    413: "The request body is too large.",
    415: "The request's media type is not supported.",
    422: "Well-formed, but the content cannot be processed (validation failed).",
    429: "Too many requests; slow down.",
    500: "The server failed unexpectedly.",
    501: "The server does not support this functionality.",
    502: "An upstream server answered badly.",
    503: "The service is unavailable for now.",
    504: "An upstream server did not answer in time.",
}


@dataclass
class InlayHint:
    position: Position
    label: str
    tooltip: str


def _contains(rng: Range, pos: Position) -> bool:
    return rng.start <= pos <= rng.end


def status_hover(code: int) -> str:
    info = STATUSES.get(code)
    lines = [f"**{describe(code)}**"]
    meaning = MEANING.get(code) or _class_meaning(code)
    if meaning:
        lines.append(meaning)
    if info:
        lines.append(f"Defined in {info.spec}. Constant: `status.{info.constant}`.")
    return "\n\n".join(lines)


def _class_meaning(code: int) -> str:
    return {1: "Informational.", 2: "Success.", 3: "Redirection.", 4: "Client error.", 5: "Server error."}.get(code // 100, "")


def route_status_map(ctx: Context, route: Route) -> list[tuple[int | None, str, int]]:
    """(status, what, line) for the route's success status and every status its handler can
    raise or return, in source order after the success status."""
    handler = route.handler
    line = (route.status_keyword or route.registration).lineno
    entries: list[tuple[int | None, str, int]] = [(route.effective_status, "declared" if route.status_declared else "default", line)]
    flow = ctx.flow(handler)
    for site in flow.raises:
        exc = site.node.exc
        if isinstance(exc, ast.Call) and ctx.model.is_http_exception(exc.func):
            expr = exc.args[0] if exc.args else (kwarg(exc, "status_code").value if kwarg(exc, "status_code") else None)
            entries.append((ctx.model.status_of(expr), "raises HTTPException", site.node.lineno))
    for assignment in flow.assignments:
        entries.append((ctx.model.status_of(assignment.value), "sets response.status_code", assignment.node.lineno))
    for site in flow.returns:
        found = response_call(site.value, ctx.model, flow)
        if found and site.node is not None:
            call = found[0]
            expr = call.args[1] if len(call.args) > 1 else (kwarg(call, "status_code").value if kwarg(call, "status_code") else None)
            cls = (ctx.model.response_class_of(call.func) or "Response").rsplit(".", 1)[-1]
            code = ctx.model.status_of(expr) if expr is not None else (307 if cls == "RedirectResponse" else 200)
            entries.append((code, f"returns {cls}", site.node.lineno))
    return entries


def hover(ctx: Context, pos: Position) -> tuple[str, Range] | None:
    """Markdown for the status or route decorator under `pos`."""
    for route in ctx.model.routes:
        reg = ctx.range(route.registration)
        if _contains(reg, pos) and not (route.status_keyword and _contains(ctx.range(route.status_keyword.value), pos)):
            path = (route.path or '""') if route.path is not None else "?"
            methods = "/".join(sorted(route.methods)) or "?"
            rows = [f"**{methods}** `{path}` → `{route.name}`", ""]
            for code, what, line in route_status_map(ctx, route):
                label = describe(code) if code is not None else "unknown status"
                rows.append(f"- {label}: {what} (line {line})")
            return "\n".join(rows), reg
    best = None
    for node in ctx.model.index.of_types(ast.Attribute, ast.Constant):
        if not hasattr(node, "lineno"):
            continue
        rng = ctx.range(node)
        if not _contains(rng, pos):
            continue
        code = None
        if isinstance(node, ast.Attribute):
            name = ctx.model.qualname(node)
            if name and (name.startswith(STATUS_MODULE + ".") or name.startswith("http.HTTPStatus.")):
                code = ctx.model.status_of(node)
        elif type(node.value) is int and 100 <= node.value <= 599 and _in_status_position(ctx, node):
            code = node.value
        if code is not None and phrase(code) and (best is None or best[1].start <= rng.start):
            best = (status_hover(code), rng)
    return best


def _in_status_position(ctx: Context, node: ast.Constant) -> bool:
    from fastapi_status.core.status_sites import status_sites

    sites = ctx.memo("status-site-ids", lambda: {id(s.expr) for s in status_sites(ctx, whole_module=True)})
    return id(node) in sites


def inlay_hints(ctx: Context) -> list[InlayHint]:
    """After each route decorator with no `status_code`, the status it sends by default."""
    hints = []
    for route in ctx.model.routes:
        if route.status_declared or route.effective_status is None:
            continue
        end = ctx.range(route.registration).end
        code = route.effective_status
        hints.append(InlayHint(end, f" → {code}", f"No `status_code` declared: this route answers {describe(code)}"))
    return hints
