from __future__ import annotations

import ast
from typing import Iterable

from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Applicability, Diagnostic, Fix
from fastapi_status.core.model import DEFAULT_STATUS
from fastapi_status.core.status_sites import response_status_expr
from fastapi_status.core.statuses import describe
from fastapi_status.core.values import Kind, response_call
from fastapi_status.fixes.cst import rewrite, set_keyword
from fastapi_status.fixes.lazy import cst
from fastapi_status.fixes.response import has_status_argument
from fastapi_status.rules.base import Invalid, Rule


class IgnoredStatusAssignment(Rule):
    """
    ## What it does
    Flags `response.status_code = X` on the `Response` that FastAPI injects into a handler,
    when every path from that assignment returns a `Response` object of its own. When some path
    returns data (or runs off the end), the assignment shapes that answer and is left alone.

    ## Why is this bad?
    The injected `response` only shapes the response FastAPI builds from a returned value. When
    the handler returns a `Response` object, that object is sent as it is and the assignment is
    silently ignored (observed): the client receives the returned object's status, usually 200.

    ## Example
    ```python
    @router.post("/jobs")
    async def start_job(response: Response):
        response.status_code = 202
        return JSONResponse({"queued": True})
    ```

    ## Use instead
    ```python
    @router.post("/jobs")
    async def start_job():
        return JSONResponse({"queued": True}, status_code=202)
    ```

    ## Fix safety
    The fix is unsafe: clients then receive the status the assignment meant instead of the
    response's own (its default, usually 200). It moves the status into the one response the
    assignment was meant for.
    It is offered only when that is unambiguous: exactly one returned response follows the
    assignment, every path to it runs the assignment (a status set under an `if` and a response
    returned after it would otherwise change the other path too), that response sets no status of
    its own, and the assigned value reads the same where the response is built.
    """

    code = "FST205"
    name = "ignored-status-assignment"
    summary = "`response.status_code` set, then a Response object returned: the assignment is ignored"
    fix_summary = "Move the status into the returned response (unsafe)"

    VALID = [
        # The assignment shapes the returned data's response.
        "from fastapi import APIRouter, Response\nrouter = APIRouter()\n"
        "@router.post('/jobs')\ndef start(response: Response):\n    response.status_code = 202\n"
        "    return {'queued': True}\n",
        # On one path a value is returned: the assignment is used there.
        "from fastapi import APIRouter, Response\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
        "@router.post('/jobs')\ndef start(fmt: str, response: Response):\n    response.status_code = 202\n"
        "    if fmt == 'raw':\n        return JSONResponse({})\n    return {'queued': True}\n",
        # The returned object is built elsewhere: it may be the injected one.
        "from fastapi import APIRouter, Response\nrouter = APIRouter()\n"
        "@router.post('/jobs')\ndef start(response: Response):\n    response.status_code = 202\n    return response\n",
        # The returned response copies the status that was set.
        "from fastapi import APIRouter, Response\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
        "@router.post('/jobs')\ndef start(response: Response, urgent: bool):\n    if urgent:\n"
        "        response.status_code = 202\n"
        "    return JSONResponse({'queued': True}, status_code=response.status_code or 200)\n",
        # Not the injected Response.
        "from fastapi import APIRouter\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
        "@router.post('/jobs')\ndef start():\n    resp = JSONResponse({})\n    resp.status_code = 202\n    return resp\n",
    ]
    INVALID = [
        Invalid(
            "from fastapi import APIRouter, Response\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
            "@router.post('/jobs')\ndef start(response: Response):\n"
            "    response.status_code = 202  # accepted\n"
            "    return JSONResponse({'queued': True})\n",
            fixed="from fastapi import APIRouter, Response\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
            "@router.post('/jobs')\ndef start(response: Response):\n"
            "    return JSONResponse({'queued': True}, status_code=202)\n",
        ),
        # Set on one path only: moving it would change the other path, so no fix is offered.
        Invalid(
            "from fastapi import APIRouter, Response, status\nfrom fastapi.responses import JSONResponse\n"
            "router = APIRouter()\n"
            "@router.post('/jobs')\ndef start(urgent: bool, response: Response):\n"
            "    if urgent:\n        response.status_code = status.HTTP_202_ACCEPTED\n"
            "    return JSONResponse({'queued': True})\n",
        ),
        # Through a local name; the status sits next to another statement on its line.
        Invalid(
            "from fastapi import FastAPI, Response\nfrom fastapi.responses import JSONResponse\napp = FastAPI()\n"
            "@app.post('/jobs')\nasync def start(response: Response):\n"
            "    out = JSONResponse({'queued': True})\n    out.headers['x-job'] = '1'; response.status_code = 202\n"
            "    return out\n",
            fixed="from fastapi import FastAPI, Response\nfrom fastapi.responses import JSONResponse\napp = FastAPI()\n"
            "@app.post('/jobs')\nasync def start(response: Response):\n"
            "    out = JSONResponse({'queued': True}, status_code=202)\n    out.headers['x-job'] = '1'\n"
            "    return out\n",
        ),
        # Every return sends its own Response: one diagnostic, no fix (which one would get it?).
        Invalid(
            "from fastapi import APIRouter, Response\nfrom fastapi.responses import JSONResponse, PlainTextResponse\n"
            "router = APIRouter()\n"
            "@router.get('/report')\ndef report(fmt: str, response: Response):\n    response.status_code = 203\n"
            "    if fmt == 'text':\n        return PlainTextResponse('ok')\n    return JSONResponse({'ok': True})\n",
        ),
        # A value computed later than the response object: no fix (it would read it too early).
        Invalid(
            "from fastapi import APIRouter, Response\nfrom fastapi.responses import JSONResponse\nrouter = APIRouter()\n"
            "@router.post('/jobs')\ndef start(response: Response):\n    out = JSONResponse({})\n"
            "    code = pick_code()\n    response.status_code = code\n    return out\n",
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        seen: set[int] = set()
        for route in ctx.routes:
            flow = ctx.flow(route.handler)
            if flow.assignments and _reads_status(route.handler, flow.response_param):
                continue  # `JSONResponse(..., status_code=response.status_code)`: the write is used
            for index, assignment in enumerate(flow.assignments):
                if id(assignment.node) in seen:
                    continue
                reached = [r for r in flow.returns if index in r.assignments]
                if not reached or not all(ctx.kind(r.value, route.handler) is Kind.RESPONSE for r in reached):
                    continue
                seen.add(id(assignment.node))
                calls = [response_call(r.value, ctx.model, flow) for r in reached]
                fixes = []
                if len(reached) == 1 and calls[0] is not None:
                    call, name = calls[0]
                    if (
                        not has_status_argument(call)
                        and name not in flow.attribute_status_writes
                        and reached[0].assignments == frozenset({index})
                        and _movable(ctx, flow, route.handler, assignment, reached[0].node, call)
                    ):
                        fixes.append(_move_fix(ctx, assignment, call))
                sent = {_sent_status(ctx, found[0]) if found else None for found in calls}
                if len(sent) == 1 and None not in sent:
                    outcome = f"and the client receives {describe(sent.pop())}"
                else:
                    outcome = "which is sent with its own status"
                yield ctx.diagnostic(
                    self,
                    assignment.node,
                    f"this status is ignored: the handler returns a Response object of its own, {outcome}",
                    fixes,
                    related=[(r.node, "the returned response") for r in reached if r.node is not None],
                )


def _reads_status(handler, name: str | None) -> bool:
    return any(
        isinstance(n, ast.Attribute)
        and n.attr == "status_code"
        and isinstance(n.ctx, ast.Load)
        and isinstance(n.value, ast.Name)
        and n.value.id == name
        for n in ast.walk(handler)
    )


def _sent_status(ctx: Context, call: ast.Call) -> int | None:
    expr = response_status_expr(ctx.model, call)
    if expr is not None:
        return ctx.model.status_of(expr)
    if has_status_argument(call):  # **kwargs
        return None
    return DEFAULT_STATUS.get(ctx.model.response_class_of(call.func) or "", 200)


def _movable(ctx: Context, flow, handler, assignment, return_node, call: ast.Call) -> bool:
    """Moving the assigned value into the response call keeps its meaning: the assignment is a
    plain one, every path to the return runs it, and the value reads the same at the call."""
    node = assignment.node
    if not isinstance(node, (ast.Assign, ast.AnnAssign)) or isinstance(node, ast.Assign) and len(node.targets) != 1:
        return False
    if return_node is None or not _runs_before(handler, node, return_node):
        return False
    if ctx.model.status_of(assignment.value) is not None or isinstance(assignment.value, ast.Constant):
        return True
    first_use = min(node.lineno, call.lineno)
    for name in ast.walk(assignment.value):
        if isinstance(name, ast.Name):
            bindings = flow.locals.get(name.id, [])
            if len(bindings) > 1 or any(v.lineno >= first_use for v in bindings):
                return False
        elif isinstance(name, (ast.Call, ast.Await, ast.NamedExpr, ast.Lambda)):
            return False  # evaluated at another moment, maybe with effects
    return True


def _runs_before(handler, stmt: ast.stmt, target: ast.stmt) -> bool:
    """`stmt` is in a block whose later statements hold `target`: every path to `target` runs it."""
    for node in ast.walk(handler):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if not isinstance(block, list) or not any(s is stmt for s in block):
                continue
            index = next(i for i, s in enumerate(block) if s is stmt)
            return any(target is n for later in block[index + 1 :] for n in ast.walk(later))
    return False


def _move_fix(ctx: Context, assignment, call) -> Fix:
    value = ctx.text(assignment.value)

    def build():
        def plan(snippet):
            small = snippet.find(assignment.node, (cst.Assign, cst.AnnAssign))
            line = snippet.parent_statement(small)
            # Alone on its line: the line goes (libcst writes `pass` in a block left empty);
            # next to other statements (`a = 1; response.status_code = 202`): only it goes.
            target = snippet.find(call, cst.Call)
            changes = {target: lambda u: set_keyword(u, "status_code", value)}
            if not isinstance(line, cst.SimpleStatementLine) or len(line.body) == 1:
                changes[line] = lambda u: cst.RemovalSentinel.REMOVE
            else:
                index = next(i for i, b in enumerate(line.body) if b is small)

                def drop(updated: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
                    body = [b for i, b in enumerate(updated.body) if i != index]
                    body[-1] = body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
                    return updated.with_changes(body=body)

                changes[line] = drop
            return changes

        return rewrite(ctx, assignment.node, plan)

    return Fix("Move the status into the returned response", Applicability.UNSAFE, build)
