"""Which function of the module a bare-name call (`load_item(...)`) runs.

`ModuleModel.functions` indexes every `def` by name, methods included; a call `get(...)` cannot
run a method, and a name the module imports means the imported function. Used by the rules that
follow a handler into its helpers (FST204, FST401).
"""

from __future__ import annotations

import ast
import bisect
from typing import TYPE_CHECKING

from fastapi_status.core.model import FunctionNode
from fastapi_status.core.params import takes_injected

if TYPE_CHECKING:
    from fastapi_status.core.context import Context


def module_functions(ctx: "Context") -> dict[str, FunctionNode]:
    """Functions a bare name can call: module-level ones and those nested in functions, not
    methods, and not under a name the module also imports."""
    return ctx.memo("callees.module_functions", lambda: _collect(ctx))


def _collect(ctx: "Context") -> dict[str, FunctionNode]:
    methods: set[int] = set()
    for cls in ctx.model.index.of(ast.ClassDef):
        methods |= {id(s) for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
    found: dict[str, FunctionNode] = {}
    for node in ctx.model.function_nodes:
        if id(node) not in methods:
            if ctx.model.imports.lookup(node.name) is None:
                found.setdefault(node.name, node)
    return found


def enclosing_function(ctx: "Context", node: ast.AST) -> FunctionNode | None:
    """The innermost function whose lines hold `node` (nested ones included)."""
    ordered, starts = ctx.memo("callees.functions-by-start", lambda: _by_start(ctx))
    line = node.lineno  # type: ignore[attr-defined]
    # The latest function to start at or before the line that still holds it is the innermost.
    for i in range(bisect.bisect_right(starts, line) - 1, -1, -1):
        if line <= (ordered[i].end_lineno or ordered[i].lineno):
            return ordered[i]
    return None


def _by_start(ctx: "Context") -> tuple[list[FunctionNode], list[int]]:
    ordered = sorted(ctx.model.index.functions(), key=lambda f: f.lineno)
    return ordered, [f.lineno for f in ordered]


def answers_requests(ctx: "Context", function: FunctionNode | None) -> bool:
    """The function is a route handler of this module, or an endpoint or dependency by its
    parameters (`request: Request`, `Depends(...)`): what it raises reaches the client as is."""
    if function is None:
        return False
    handlers = ctx.memo("callees.route-handlers", lambda: {id(r.handler) for r in ctx.model.routes})
    return id(function) in handlers or takes_injected(function)


def called_function(ctx: "Context", call: ast.Call) -> FunctionNode | None:
    """The module's function a call `name(...)` runs, when it is one."""
    if isinstance(call.func, ast.Name):
        return module_functions(ctx).get(call.func.id)
    return None


def nodes_in(ctx: "Context", function: FunctionNode, kind: type) -> list:
    """The nodes of a type inside a function of the module (nested functions included), from
    the module's node index: no walk of the function."""
    def build() -> list:
        position = ctx.model.top_level_position(function.lineno)
        if position is None:
            return []
        first, last = function.lineno, function.end_lineno or function.lineno
        return [n for n in ctx.model.index.of_statement(position, kind) if first <= n.lineno <= last]

    return ctx.memo(f"callees.nodes-in.{id(function)}.{kind.__name__}", build)


def own_nodes_in(ctx: "Context", function: FunctionNode, kind: type) -> list:
    """`nodes_in`, without those of the functions nested in it."""
    nested = [
        f for k in (ast.FunctionDef, ast.AsyncFunctionDef) for f in nodes_in(ctx, function, k) if f is not function
    ]
    found = nodes_in(ctx, function, kind)
    if not nested:
        return found  # (the common case: nothing to leave out)
    return [n for n in found if enclosing_function(ctx, n) is function]


def bindings_in(ctx: "Context", function: FunctionNode) -> list[tuple[ast.AST, ast.AST]]:
    """(target, value) of every binding in a function of the module (`=`, `:=`, `for … in`,
    comprehensions), from the node index, in source order."""

    def build() -> list[tuple[ast.AST, ast.AST]]:
        found: list[tuple[ast.AST, ast.AST]] = []
        for node in nodes_in(ctx, function, ast.Assign):
            found += [(t, node.value) for t in node.targets]
        for kind in (ast.AnnAssign, ast.NamedExpr):
            found += [(n.target, n.value) for n in nodes_in(ctx, function, kind) if n.value is not None]
        for kind in (ast.For, ast.AsyncFor):
            found += [(n.target, n.iter) for n in nodes_in(ctx, function, kind)]
        position = ctx.model.top_level_position(function.lineno)
        first, last = function.lineno, function.end_lineno or function.lineno
        comprehensions = ctx.model.index.of_statement(position, ast.comprehension) if position is not None else []
        found += [(c.target, c.iter) for c in comprehensions if first <= c.target.lineno <= last]  # (no lineno of its own)
        return found

    return ctx.memo(f"callees.bindings.{id(function)}", build)
