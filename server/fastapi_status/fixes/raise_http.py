"""The fix FST201–FST203 share: replace a `return` with `raise HTTPException(...)`."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

import libcst as cst

from fastapi_status.core.diagnostics import Applicability, Fix
from fastapi_status.core.model import HTTP_EXCEPTION, STATUS_MODULE
from fastapi_status.core.statuses import STATUSES
from fastapi_status.fixes.cst import rewrite, statement
from fastapi_status.fixes.imports import can_reference, references, status_reference

if TYPE_CHECKING:
    from fastapi_status.core.context import Context


def raise_instead_fix(
    ctx: "Context",
    return_node: ast.Return,
    code: int,
    detail: str | None,
    cause: str | None = None,
    title: str | None = None,
) -> list[Fix]:
    """`detail` is source text (an expression) or None; `cause` a name for `from cause`.
    Empty when `HTTPException` cannot be named in this module (the name is taken)."""
    if not can_reference(ctx, [HTTP_EXCEPTION]):
        return []

    def build():
        line = return_node.lineno
        names = [HTTP_EXCEPTION]
        need_status = (
            ctx.settings.status_style == "constant" and not ctx.model.status_module_alias and code in STATUSES
        )
        if need_status:
            names.append(STATUS_MODULE)
        texts, import_edits = references(ctx, names, before_line=line)
        status_text = f"{texts[1]}.{STATUSES[code].constant}" if need_status else status_reference(ctx, code, line)[0]
        args = f"status_code={status_text}" + (f", detail={detail}" if detail else "")
        code_text = f"raise {texts[0]}({args})" + (f" from {cause}" if cause else "")
        replacement = statement(code_text)

        def plan(snippet):
            target = snippet.find(return_node, cst.Return)
            return {target: lambda _: replacement}

        return rewrite(ctx, return_node, plan) + import_edits

    return [Fix(title or f"Raise HTTPException({code}) instead", Applicability.UNSAFE, build)]
