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

from fastapi_status.core.callees import own_nodes_in
from fastapi_status.core.exception_handlers import may_catch
from fastapi_status.core.flow import conditions_at
from fastapi_status.core.index import cached_on
from fastapi_status.core.model import FunctionNode
from fastapi_status.core.project import ModuleInfo, ProjectView, Target

if TYPE_CHECKING:
    from fastapi_status.core.context import Context

# Builtin exceptions code raises by name to report a failure.
PLAIN = {"ValueError", "Exception", "RuntimeError", "KeyError", "LookupError", "TypeError", "PermissionError",
         "AssertionError", "FileNotFoundError", "IndexError"}
_BUILTINS = set(dir(builtins))
TRIES = (ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))
DEPTH = 2  # (a handler's callee, and what that one calls)


@dataclass(frozen=True)
class Escape:
    exception: str
    message: ast.expr | None  # the first argument of the raise
    raise_node: ast.Raise
    function: FunctionNode  # where it is raised
    module: ModuleInfo

    def reads(self) -> frozenset[str]:
        """The parameters of `function` the raise's condition reads (computed when asked: most
        escapes are dismissed by their message first)."""
        params = {a.arg for a in (*self.function.args.posonlyargs, *self.function.args.args, *self.function.args.kwonlyargs)}
        return frozenset(
            n.id for test, _ in conditions_at(self.function, self.raise_node) for n in ast.walk(test) if isinstance(n, ast.Name)
        ) & params


def escapes(
    view: ProjectView | None, module: ModuleInfo, function: FunctionNode, depth: int = DEPTH, ctx: "Context | None" = None
) -> list[Escape]:
    """The plain exceptions that can leave `function` (of `module`). With `ctx`, the analysed
    module's functions are read from its node index (no walk), and what is found for them is
    kept for this analysis only; what is found for the project's other modules is kept in the
    index, with the modules it read, until one of those changes (`ProjectIndex.forget`)."""
    return _escapes(view, module, function, depth, ctx)[0]


def _escapes(
    view: ProjectView | None, module: ModuleInfo, function: FunctionNode, depth: int, ctx: "Context | None"
) -> tuple[list[Escape], frozenset[str]]:
    """(the escapes, the names of the modules they depend on)."""
    local = ctx is not None and module.tree is ctx.tree
    memo: dict = ctx.memo("raises.local-escapes", dict) if local else (view.index.memo if view is not None else {})
    key = ("escapes", module.name, module.path, function.lineno, function.name, depth)
    if key in memo:
        return memo[key]
    memo[key] = ([], frozenset({module.name}))  # (a recursive call sees nothing more)
    found: list[Escape] = []
    depends = {module.name}
    if local:
        tries = [t for kind in TRIES for t in own_nodes_in(ctx, function, kind) if t.body and t.handlers]
        nodes = [*own_nodes_in(ctx, function, ast.Raise), *own_nodes_in(ctx, function, ast.Call)]
    else:
        tries, nodes = tries_of(function), own_nodes(function)
    for node in nodes:
        if isinstance(node, ast.Raise):
            raised = plain_exception(module, node)
            if raised is None or caught(tries, node, raised):
                continue
            exc = node.exc
            message = exc.args[0] if isinstance(exc, ast.Call) and exc.args else None
            found.append(Escape(raised, message, node, function, module))
        elif isinstance(node, ast.Call) and depth > 1:
            target = callee(view, module, node)
            if target is None:
                continue
            inner, inner_depends = _escapes(view, target.module, target.function, depth - 1, ctx)
            depends |= inner_depends
            found += [e for e in inner if not caught(tries, node, e.exception)]
    memo[key] = (found, frozenset(depends))
    return memo[key]


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


def plain_exception(module: ModuleInfo, node: ast.Raise) -> str | None:
    """`raise ValueError(…)` of a builtin exception (not a class or an import of the module
    under that name)."""
    exc = node.exc
    func = exc.func if isinstance(exc, ast.Call) else exc
    if not isinstance(func, ast.Name) or func.id not in PLAIN:
        return None
    if func.id in module.classes or module.imports.lookup(func.id) is not None:
        return None
    return func.id


def tries_of(function: FunctionNode) -> list[ast.Try]:
    """The function's own `try` statements that have `except` clauses (kept on the node)."""
    return cached_on(
        function, "tries", lambda: [t for t in own_nodes(function) if isinstance(t, TRIES) and t.body and t.handlers]
    )


def caught(tries: list[ast.Try], node: ast.AST, raised: str) -> bool:
    """A `try` around `node` (in its body) has an `except` that may catch `raised`."""
    line = node.lineno  # type: ignore[attr-defined]
    return any(
        t.body[0].lineno <= line <= (t.body[-1].end_lineno or t.body[-1].lineno)
        and any(may_catch(h, raised) for h in t.handlers)
        for t in tries
    )


def own_nodes(function: FunctionNode) -> list[ast.AST]:
    """The function's nodes, not those of the functions and classes nested in it (kept on the
    node)."""
    return cached_on(function, "own-nodes", lambda: _collect_own_nodes(function))


def _collect_own_nodes(function: FunctionNode) -> list[ast.AST]:
    found: list[ast.AST] = []
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        found.append(node)
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                stack.append(child)
    return found
