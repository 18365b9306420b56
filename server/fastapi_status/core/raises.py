"""What a function raises that leaves it, followed into the functions it calls.

`escapes(...)` lists the plain exceptions (`ValueError`, `KeyError`, … raised by name with a
message) that can leave a function: raised in it outside any `try` of its own that may catch
them, or leaving a function of the project it calls (to a bounded depth), outside such a `try`
around the call. Each comes with where it is raised, its message, and the function's
parameters its condition reads (`if not EMAIL.match(email): raise ValueError(…)` reads
`email`). Calls are followed through the module's own functions and, with a `ProjectView`,
through the project's (`core/project.py`); anything unresolved adds nothing.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi_status.core.exception_handlers import may_catch
from fastapi_status.core.flow import conditions_at
from fastapi_status.core.model import FunctionNode
from fastapi_status.core.project import ModuleInfo, ProjectView, Target

if TYPE_CHECKING:
    from fastapi_status.core.context import Context

# Builtin exceptions code raises by name to report a failure.
PLAIN = {"ValueError", "Exception", "RuntimeError", "KeyError", "LookupError", "TypeError", "PermissionError",
         "AssertionError", "FileNotFoundError", "IndexError"}
_BUILTINS = set(dir(builtins))
TRIES = (ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))
DEPTH = 3


@dataclass(frozen=True)
class Escape:
    exception: str
    message: ast.expr | None  # the first argument of the raise
    raise_node: ast.Raise
    function: FunctionNode  # where it is raised
    module: ModuleInfo
    reads: frozenset[str]  # the parameters of `function` its condition reads


def escapes(view: ProjectView | None, module: ModuleInfo, function: FunctionNode, depth: int = DEPTH) -> list[Escape]:
    """The plain exceptions that can leave `function` (of `module`)."""
    memo = view.index.memo if view is not None else {}
    key = ("escapes", module.name, module.path, function.lineno, function.name, depth)
    if key in memo:
        return memo[key]  # type: ignore[return-value]
    memo[key] = []  # (a recursive call sees nothing more)
    found: list[Escape] = []
    params = {a.arg for a in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs)}
    tries = _tries(function)
    for node in _own_nodes(function):
        if isinstance(node, ast.Raise):
            raised = _plain(module, node)
            if raised is None or _caught(tries, node, raised):
                continue
            reads = {
                n.id for test, _ in conditions_at(function, node) for n in ast.walk(test) if isinstance(n, ast.Name)
            } & params
            exc = node.exc
            message = exc.args[0] if isinstance(exc, ast.Call) and exc.args else None
            found.append(Escape(raised, message, node, function, module, frozenset(reads)))
        elif isinstance(node, ast.Call) and depth > 1:
            target = callee(view, module, node)
            if target is None:
                continue
            for escape in escapes(view, target.module, target.function, depth - 1):
                if not _caught(tries, node, escape.exception):
                    found.append(escape)
    memo[key] = found
    return found


def module_info(ctx: "Context") -> ModuleInfo:
    """The analysed module as the project index sees its modules (kept for the analysis)."""
    view = ctx.settings.project

    def build() -> ModuleInfo:
        return ModuleInfo.of(view.name if view and view.name else "", view.path if view else None, ctx.tree,
                             ctx.model.imports)

    return ctx.memo("raises.module-info", build)


def callee(view: ProjectView | None, module: ModuleInfo, call: ast.Call) -> Target | None:
    """The function of the module or of the project a call runs: `helper(x)`,
    `mod.helper(x)`, `Class.method(x)` (and `cls.method(x)` inside a classmethod is not
    followed: its class may be a subclass)."""
    func = call.func
    if isinstance(func, ast.Name):
        own = module.functions.get(func.id)
        if own is not None and module.imports.lookup(func.id) is None:
            return Target(module, own)
    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in module.classes:
        method = module.method(func.value.id, func.attr)
        if method is not None and _static_or_class(method):
            return Target(module, method, func.value.id)
    if view is None:
        return None
    target = view.index.resolve(module.name, module.imports, func, view.reads)
    if target is None or (target.class_name is not None and not _static_or_class(target.function)):
        return None
    return target


def _static_or_class(method: FunctionNode) -> bool:
    return any(isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod") for d in method.decorator_list)


def _plain(module: ModuleInfo, node: ast.Raise) -> str | None:
    """`raise ValueError(…)` of a builtin exception (not a class or an import of the module
    under that name)."""
    exc = node.exc
    func = exc.func if isinstance(exc, ast.Call) else exc
    if not isinstance(func, ast.Name) or func.id not in PLAIN:
        return None
    if func.id in module.classes or module.imports.lookup(func.id) is not None:
        return None
    return func.id


def _tries(function: FunctionNode) -> list[tuple[int, int, list[ast.ExceptHandler]]]:
    return [
        (t.body[0].lineno, t.body[-1].end_lineno or t.body[-1].lineno, t.handlers)
        for t in _own_nodes(function)
        if isinstance(t, TRIES) and t.body and t.handlers
    ]


def _caught(tries, node: ast.AST, raised: str) -> bool:
    line = node.lineno  # type: ignore[attr-defined]
    return any(a <= line <= b and any(may_catch(h, raised) for h in handlers) for a, b, handlers in tries)


def _own_nodes(function: FunctionNode) -> list[ast.AST]:
    """The function's nodes, not those of the functions and classes nested in it."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        found.append(node)
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                stack.append(child)
    return found
