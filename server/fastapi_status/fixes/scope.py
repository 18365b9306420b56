"""Whether a name a fix writes means, at that line, what the module binds at top level.

`fixes.imports.references` picks the top-level name (`status`, `HTTPException`); a function whose
parameter or local variable has that name (`def list_items(status: str | None = None)`, a common
query parameter) would read its own value instead, and the fixed code would break at runtime.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from fastapi_status.core.index import cached_on

if TYPE_CHECKING:
    from fastapi_status.core.context import Context

_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _local_names(scope: ast.AST) -> set[str]:
    """Names bound in `scope` itself (parameters, assignments, imports, nested definitions);
    comprehension variables are counted too, which only makes the answer more cautious."""
    names: set[str] = set()
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        args = scope.args
        for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if a is not None:
                names.add(a.arg)
    body = scope.body if isinstance(scope.body, list) else [scope.body]
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            stack.extend(node.decorator_list)  # evaluated in this scope; the body is not
            continue
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        stack.extend(ast.iter_child_nodes(node))
    return names


def _scopes_at(ctx: "Context", line: int) -> list[ast.AST]:
    """The function and class bodies, outermost first, whose code runs at `line`. A function's
    decorators, defaults and annotations run in the scope around it; a class body's names are
    not seen by the functions inside it. (Only the top-level statement around `line` is read:
    a module's other statements cannot hold a scope around it.)"""
    top = ctx.model.top_level_statement(line)
    if top is None:
        return []
    chain: list[ast.AST] = []
    stack: list[ast.AST] = [ast.Module(body=[top], type_ignores=[])]
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            start, end = getattr(child, "lineno", None), getattr(child, "end_lineno", None)
            if start is None or end is None or not start <= line <= end:
                continue
            if isinstance(child, ast.Lambda):
                chain.append(child)
            elif isinstance(child, _SCOPES) and child.body and child.body[0].lineno <= line:
                chain.append(child)
            stack.append(child)
    chain.sort(key=lambda n: (n.lineno, -(n.end_lineno or 0)))
    return [
        scope
        for i, scope in enumerate(chain)
        if not isinstance(scope, ast.ClassDef) or not any(not isinstance(s, ast.ClassDef) for s in chain[i + 1 :])
    ]


def shadowed(ctx: "Context", expression: str, line: int) -> bool:
    """True when the first name of `expression` (`status` in `status.HTTP_404_NOT_FOUND`) is
    bound locally in a function or class around `line`, so it would not mean the module's name."""
    root = expression.split(".", 1)[0].strip()
    if not root.isidentifier():
        return False
    return any(root in cached_on(scope, "scope_names", lambda: _local_names(scope)) for scope in _scopes_at(ctx, line))
