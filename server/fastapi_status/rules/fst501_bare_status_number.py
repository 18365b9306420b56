from __future__ import annotations

import ast
from typing import Iterable

from fastapi_status.core.context import Context
from fastapi_status.core.diagnostics import Applicability, Diagnostic, Fix, FixNotApplicable, Severity
from fastapi_status.core.model import STATUS_MODULE
from fastapi_status.core.status_sites import status_sites
from fastapi_status.core.statuses import STATUSES, http_status_member
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
    when the module has no `status` yet; a module that writes statuses as `HTTPStatus.NOT_FOUND`
    (and has no `status`) gets `HTTPStatus` members instead. It is not offered where a local name `status` (a query
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
        # The module's own style: `http.HTTPStatus`.
        Invalid(
            "from http import HTTPStatus\nfrom fastapi import HTTPException\n"
            "def check(x):\n    if x is None:\n        raise HTTPException(HTTPStatus.NOT_FOUND)\n"
            "    raise HTTPException(409, detail='Taken')\n",
            fixed="from http import HTTPStatus\nfrom fastapi import HTTPException\n"
            "def check(x):\n    if x is None:\n        raise HTTPException(HTTPStatus.NOT_FOUND)\n"
            "    raise HTTPException(HTTPStatus.CONFLICT, detail='Taken')\n",
        ),
        # A parenthesised import, one name a line, is extended in its own layout.
        Invalid(
            "from fastapi import (\n    APIRouter,\n    HTTPException,\n)\n"
            "raise HTTPException(status_code=409, detail='Email taken')\n",
            fixed="from fastapi import (\n    APIRouter,\n    HTTPException,\n    status,\n)\n"
            "raise HTTPException(status_code=status.HTTP_409_CONFLICT, detail='Email taken')\n",
        ),
        Invalid(
            "from fastapi import HTTPException\n\nraise HTTPException(status_code=409, detail='Email taken')\n",
            fixed="from fastapi import HTTPException, status\n\n"
            "raise HTTPException(status_code=status.HTTP_409_CONFLICT, detail='Email taken')\n",
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
        # A module that spells statuses with `http.HTTPStatus` (and not `status`) keeps doing so.
        http_alias = None if ctx.model.status_module_alias else ctx.model.http_status_alias
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
            member = http_status_member(expr.value) if http_alias else None
            if http_alias and member:
                name, fixable = f"{http_alias}.{member}", not shadowed(ctx, http_alias, expr.lineno)
            else:
                # Not where a parameter or local variable called `status` hides the module.
                name = f"status.{STATUSES[expr.value].constant}"
                fixable = bool(reference) and not shadowed(ctx, reference, expr.lineno)
            yield ctx.diagnostic(
                self,
                expr,
                f"write `{name}` instead of the bare number {expr.value}",
                [_constant_fix(ctx, expr, name, uses_status=not (http_alias and member))] if fixable else [],
            )


def _constant_fix(ctx: Context, expr: ast.Constant, name: str, uses_status: bool) -> Fix:
    """`name` for the number (`status.HTTP_404_NOT_FOUND`, importing `status` as needed, or the
    module's own `HTTPStatus.NOT_FOUND`)."""

    def build():
        text, import_edits = name, []
        if uses_status:
            (status_ref,), import_edits = references(ctx, [STATUS_MODULE], before_line=expr.lineno)
            text = f"{status_ref}.{name.split('.', 1)[1]}"

        def plan(snippet):
            target = snippet.find(expr, cst.Integer)
            return {target: lambda _: cst.parse_expression(text)}

        return rewrite(ctx, expr, plan) + import_edits

    return Fix(f"Use `{name}`", Applicability.SAFE, build)
