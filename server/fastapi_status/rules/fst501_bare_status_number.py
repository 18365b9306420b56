from __future__ import annotations

import ast
from typing import Iterable

from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Applicability, Diagnostic, Fix, FixNotApplicable, Severity
from fastapi_status.core.model import STATUS_MODULE
from fastapi_status.core.status_sites import status_sites
from fastapi_status.core.statuses import STATUSES
from fastapi_status.fixes.cst import rewrite
from fastapi_status.fixes.imports import plan_references, references
from fastapi_status.fixes.lazy import cst
from fastapi_status.fixes.scope import shadowed
from fastapi_status.rules.base import Invalid, Rule


class BareStatusNumber(Rule):
    """
    ## What it does
    Flags a bare number where FastAPI takes a status code and a `status.HTTP_*` constant exists:
    a route's `status_code=`, `HTTPException(...)`, a Response class, `response.status_code = …`.
    Keys of `responses={...}` are left alone (numbers read naturally there). Off by default:
    enable it with `extend-select = ["FST501"]` in a codebase that spells statuses by name.

    ## Why is this bad?
    `status.HTTP_409_CONFLICT` says what `409` means, and a typo in a name fails at import time
    while a typo in a number (`490`) ships. Mixing both styles makes statuses harder to grep.

    ## Example
    ```python
    raise HTTPException(status_code=409, detail="Email already registered")
    ```

    ## Use instead
    ```python
    raise HTTPException(status_code=status.HTTP_409_CONFLICT, detail="Email already registered")
    ```

    ## Fix safety
    The fix is safe: the constant holds the same number. It adds `from fastapi import status`
    when the module has no `status` yet. It is not offered where a local name `status` (a query
    parameter, say) hides the module, nor when the module binds `status` to something else.
    """

    code = "FST501"
    name = "bare-status-number"
    summary = "Bare status number where a `status.HTTP_*` constant exists"
    severity = Severity.INFO
    default_enabled = False
    fix_summary = "Use the constant, adding its import (safe)"

    VALID = [
        "from fastapi import HTTPException, status\nraise HTTPException(status.HTTP_404_NOT_FOUND)\n",
        "from fastapi import APIRouter\nrouter = APIRouter()\n"
        "@router.get('/x', responses={404: {'description': 'Missing'}})\ndef x():\n    return 1\n",
        # No constant for it.
        "from fastapi import HTTPException\nraise HTTPException(499)\n",
        # Not a status position of FastAPI's.
        "from fastapi import FastAPI\nretry_on = {429, 503}\nresponse = fake_response(status_code=404)\n",
        # A subclass whose first argument is an id, not a status.
        "from fastapi import HTTPException\nclass OrderMissing(HTTPException):\n"
        "    def __init__(self, order_id: int):\n        super().__init__(status_code=404, detail=f'Order {order_id}')\n"
        "def load(order_id):\n    raise OrderMissing(404)\n",
    ]
    INVALID = [
        Invalid(
            "from fastapi import HTTPException\n\nraise HTTPException(status_code=409, detail='Email already registered')\n",
            fixed="from fastapi import HTTPException, status\n\n"
            "raise HTTPException(status_code=status.HTTP_409_CONFLICT, detail='Email already registered')\n",
        ),
        Invalid(
            "from fastapi import APIRouter\nfrom fastapi import status as st\nrouter = APIRouter()\n"
            "@router.post('/x', status_code=201)\ndef x():\n    return 1\n",
            fixed="from fastapi import APIRouter\nfrom fastapi import status as st\nrouter = APIRouter()\n"
            "@router.post('/x', status_code=st.HTTP_201_CREATED)\ndef x():\n    return 1\n",
        ),
        # A query parameter called `status` hides the module inside the handler: flagged, no fix.
        Invalid(
            "from fastapi import APIRouter, HTTPException, status\nrouter = APIRouter()\n"
            "@router.get('/jobs', status_code=status.HTTP_200_OK)\ndef jobs(status: str = ''):\n"
            "    if status not in ('queued', 'done'):\n        raise HTTPException(400, detail='Unknown status')\n"
            "    return []\n",
        ),
    ]

    def check(self, ctx: Context) -> Iterable[Diagnostic]:
        seen: set[int] = set()
        try:
            (reference,), _ = plan_references(ctx, [STATUS_MODULE])
        except FixNotApplicable:
            reference = None
        for site in status_sites(ctx):
            expr = site.expr
            if site.where == "responses-key" or id(expr) in seen:
                continue
            if not (isinstance(expr, ast.Constant) and type(expr.value) is int and expr.value in STATUSES):
                continue
            seen.add(id(expr))
            constant = STATUSES[expr.value].constant
            yield ctx.diagnostic(
                self,
                expr,
                f"write `status.{constant}` instead of the bare number {expr.value}",
                # Not where a parameter or local variable called `status` hides the module.
                [_constant_fix(ctx, expr, constant)] if reference and not shadowed(ctx, reference, expr.lineno) else [],
            )


def _constant_fix(ctx: Context, expr: ast.Constant, constant: str) -> Fix:
    def build():
        (status_ref,), import_edits = references(ctx, [STATUS_MODULE], before_line=expr.lineno)

        def plan(snippet):
            target = snippet.find(expr, cst.Integer)
            return {target: lambda _: cst.parse_expression(f"{status_ref}.{constant}")}

        return rewrite(ctx, expr, plan) + import_edits

    return Fix(f"Use `status.{constant}`", Applicability.SAFE, build)
