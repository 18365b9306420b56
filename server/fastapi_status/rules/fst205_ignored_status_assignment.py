from __future__ import annotations

from typing import Iterable

import libcst as cst

from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Applicability, Diagnostic, Fix
from fastapi_status.core.values import Kind, response_call
from fastapi_status.fixes.cst import rewrite, set_keyword
from fastapi_status.fixes.response import has_status_argument
from fastapi_status.rules.base import Invalid, Rule


class IgnoredStatusAssignment(Rule):
    """
    ## What it does
    Flags `response.status_code = X` on the `Response` that FastAPI injects into a handler,
    when every path from that assignment returns a `Response` object of its own.

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
    The fix is safe: it moves the status into the one response the assignment was meant for.
    It is offered only when exactly one returned response follows the assignment and that
    response sets no status of its own.
    """

    code = "FST205"
    name = "ignored-status-assignment"
    summary = "`response.status_code` set, then a Response object returned: the assignment is ignored"
    fix_summary = "Move the status into the returned response (safe)"

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
        # The only statement of its block becomes `pass`.
        Invalid(
            "from fastapi import APIRouter, Response, status\nfrom fastapi.responses import JSONResponse\n"
            "router = APIRouter()\n"
            "@router.post('/jobs')\ndef start(urgent: bool, response: Response):\n"
            "    if urgent:\n        response.status_code = status.HTTP_202_ACCEPTED\n"
            "    return JSONResponse({'queued': True})\n",
            fixed="from fastapi import APIRouter, Response, status\nfrom fastapi.responses import JSONResponse\n"
            "router = APIRouter()\n"
            "@router.post('/jobs')\ndef start(urgent: bool, response: Response):\n"
            "    if urgent:\n        pass\n"
            "    return JSONResponse({'queued': True}, status_code=status.HTTP_202_ACCEPTED)\n",
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        seen: set[int] = set()
        for route in ctx.routes:
            flow = ctx.flow(route.handler)
            for index, assignment in enumerate(flow.assignments):
                if id(assignment.node) in seen:
                    continue
                reached = [r for r in flow.returns if index in r.assignments]
                if not reached or not all(ctx.kind(r.value, route.handler) is Kind.RESPONSE for r in reached):
                    continue
                seen.add(id(assignment.node))
                fixes = []
                if len(reached) == 1:
                    found = response_call(reached[0].value, ctx.model, flow)
                    if found and not has_status_argument(found[0]) and found[1] not in flow.attribute_status_writes:
                        fixes.append(_move_fix(ctx, assignment, found[0]))
                yield ctx.diagnostic(
                    self,
                    assignment.node,
                    "this status is ignored: the handler returns its own Response object, which is sent with its own status",
                    fixes,
                    related=[(r.node, "the returned response") for r in reached if r.node is not None],
                )


def _move_fix(ctx: Context, assignment, call) -> Fix:
    value = ctx.text(assignment.value)

    def build():
        def plan(snippet):
            stmt_line = snippet.parent_statement(snippet.find(assignment.node, (cst.Assign, cst.AnnAssign)))
            target = snippet.find(call, cst.Call)
            return {
                target: lambda u: set_keyword(u, "status_code", value),
                stmt_line: lambda u: _remove_statement(u),
            }

        edits = rewrite(ctx, assignment.node, plan)
        return edits

    return Fix("Move the status into the returned response", Applicability.SAFE, build)


def _remove_statement(line: cst.CSTNode):
    return cst.RemovalSentinel.REMOVE
