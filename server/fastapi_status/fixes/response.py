"""Fixes on a Response object the handler builds (`JSONResponse(...)`, `RedirectResponse(...)`)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from fastapi_status.core.diagnostics import Applicability, Fix
from fastapi_status.fixes.cst import rewrite, set_keyword
from fastapi_status.fixes.imports import status_reference
from fastapi_status.fixes.lazy import cst

if TYPE_CHECKING:
    from fastapi_status.core.context import Context


def has_status_argument(call: ast.Call) -> bool:
    """Starlette's response classes take `status_code` as their second parameter."""
    return len(call.args) >= 2 or any(kw.arg in ("status_code", None) for kw in call.keywords)


def set_response_status_fix(ctx: "Context", call: ast.Call, code: int, title: str, applicability: Applicability) -> Fix:
    def build():
        text, import_edits = status_reference(ctx, code, before_line=call.lineno)

        def plan(snippet):
            target = snippet.find(call, cst.Call)
            return {target: lambda updated: set_keyword(updated, "status_code", text)}

        return rewrite(ctx, call, plan) + import_edits

    return Fix(title, applicability, build)
