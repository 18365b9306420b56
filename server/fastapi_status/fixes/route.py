"""Fixes on a route's registration (its decorator or `add_api_route` call)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi_status.core.diagnostics import Applicability, Fix
from fastapi_status.core.model import Route
from fastapi_status.fixes.cst import remove_keyword, rewrite, set_keyword
from fastapi_status.fixes.imports import status_reference
from fastapi_status.fixes.lazy import cst

if TYPE_CHECKING:
    from fastapi_status.core.context import Context


def add_status_fix(ctx: "Context", route: Route, code: int, title: str, applicability: Applicability) -> Fix:
    """Add (or replace) `status_code=` on the route's decorator or add_api_route call."""

    def build():
        line = route.registration.lineno
        text, import_edits = status_reference(ctx, code, before_line=line)

        def plan(snippet):
            call = snippet.find(route.registration, cst.Call)
            return {call: lambda updated: set_keyword(updated, "status_code", text)}

        return rewrite(ctx, route.registration, plan) + import_edits

    return Fix(title, applicability, build)


def remove_registration_keyword(ctx: "Context", route: Route, name: str):
    """Edits removing keyword `name` from the route's registration call."""

    def plan(snippet):
        call = snippet.find(route.registration, cst.Call)
        return {call: lambda updated: remove_keyword(updated, name)}

    return rewrite(ctx, route.registration, plan)
