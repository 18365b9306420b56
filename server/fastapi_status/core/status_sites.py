"""Every place in a module where a FastAPI/Starlette API takes a status code.

Route registrations (`status_code=`), `HTTPException(...)`, Response classes, `responses={...}`
keys, and `response.status_code = …` on the injected Response. A `status_code=` passed to
anything else (a mock, a dataclass) is not ours.

A subclass defined in the module that has its own `__init__` may take other arguments first
(`NotFound(item_id)`, `RangedFileResponse(path, range)`): only its `status_code=` keyword is read
as a status there, and the status it raises with is looked up in its `super().__init__(...)`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from fastapi_status.core.model import APP_CLASSES, ModuleModel, kwarg, last_name

if TYPE_CHECKING:
    from fastapi_status.core.context import Context

Where = Literal["route", "exception", "response", "responses-key", "assignment"]


@dataclass
class StatusSite:
    expr: ast.expr
    where: Where
    call: ast.Call | None = None


def status_argument(call: ast.Call) -> ast.expr | None:
    """The `status_code=` keyword's value."""
    kw = kwarg(call, "status_code")
    return kw.value if kw else None


def own_init_class(model: ModuleModel, func: ast.expr) -> ast.ClassDef | None:
    """The class of this module, from `func` up its in-module bases, that defines `__init__`
    (so the call's positional arguments are not the framework's)."""
    seen: set[str] = set()
    name = func.id if isinstance(func, ast.Name) else None
    while name is not None and name in model.classes and name not in seen:
        seen.add(name)
        cls = model.classes[name]
        if any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "__init__" for s in cls.body):
            return cls
        name = next((b.id for b in cls.bases if isinstance(b, ast.Name) and b.id in model.classes), None)
    return None


def exception_status_expr(model: ModuleModel, call: ast.Call) -> ast.expr | None:
    """The status argument written in an `HTTPException(...)` call (first positional or
    `status_code=`); only the keyword for a subclass with its own `__init__`."""
    if call.args and own_init_class(model, call.func) is None:
        return call.args[0]
    return status_argument(call)


def response_status_expr(model: ModuleModel, call: ast.Call) -> ast.expr | None:
    """The status argument written in a Response class call (second positional or `status_code=`)."""
    if len(call.args) > 1 and own_init_class(model, call.func) is None:
        return call.args[1]
    return status_argument(call)


def raised_status(model: ModuleModel, call: ast.Call) -> int | None:
    """The status an `HTTPException(...)` call (or a subclass's) carries, when statically known."""
    expr = exception_status_expr(model, call)
    if expr is not None:
        return model.status_of(expr)
    cls = own_init_class(model, call.func)
    if cls is None:
        return None
    init = next(s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "__init__")
    codes = set()
    for node in ast.walk(init):
        if isinstance(node, ast.Call) and is_super_init(node):
            args = node.args[1:] if isinstance(node.func.value, ast.Name) else node.args  # Base.__init__(self, …)
            expr = args[0] if args else status_argument(node)
            codes.add(model.status_of(expr))
    return codes.pop() if len(codes) == 1 else None


def is_super_init(call: ast.Call) -> bool:
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "__init__"):
        return False
    base = func.value
    if isinstance(base, ast.Call) and isinstance(base.func, ast.Name) and base.func.id == "super":
        return True
    return isinstance(base, ast.Name)  # HTTPException.__init__(self, …)


def status_sites(ctx: "Context", whole_module: bool = False) -> list[StatusSite]:
    """Every place a status is written (computed once per analysis): in the context's scope,
    or in the whole module when `whole_module` (hover needs them all)."""
    if whole_module and ctx.scope is not None:
        return ctx.memo("status_sites.module", lambda: _status_sites(ctx.unscoped()))
    return ctx.memo("status_sites", lambda: _status_sites(ctx))


def _status_sites(ctx: "Context") -> list[StatusSite]:
    model = ctx.model
    sites: list[StatusSite] = []
    registrations = {id(r.registration) for r in model.routes}
    for route in ctx.routes:
        if route.status_keyword is not None:
            sites.append(StatusSite(route.status_keyword.value, "route", route.registration))
        if route.responses is not None:
            sites += _responses_keys(route.responses.value)
        flow = ctx.flow(route.handler)
        sites += [StatusSite(a.value, "assignment") for a in flow.assignments]
    # The calls that can carry a status, looked up by the last name of their callee.
    names = model.call_names_with_status | {n for n in ctx.call_names() if n.endswith("Response")}
    calls = sorted(ctx.calls_named(names), key=lambda c: (c.lineno, c.col_offset))
    for node in calls:
        if id(node) in registrations:
            continue
        if model.is_http_exception(node.func):
            expr = exception_status_expr(model, node)
            if expr is not None:
                sites.append(StatusSite(expr, "exception", node))
        elif model.response_class_of(node.func):
            expr = response_status_expr(model, node)
            if expr is not None:
                sites.append(StatusSite(expr, "response", node))
        elif _takes_responses(ctx, node):
            kw = kwarg(node, "responses")
            if kw is not None:
                sites += _responses_keys(kw.value)
    return sites


def _responses_keys(value: ast.expr) -> list[StatusSite]:
    if not isinstance(value, ast.Dict):
        return []
    return [StatusSite(k, "responses-key") for k in value.keys if k is not None]


def _takes_responses(ctx: "Context", call: ast.Call) -> bool:
    last = last_name(call.func)
    if last not in ctx.model.app_class_names and last != "include_router":
        return False  # the quick test: most calls are neither
    if ctx.model.qualname(call.func) in APP_CLASSES:
        return True
    return isinstance(call.func, ast.Attribute) and call.func.attr == "include_router"


# -- does the module answer 422? (FST201-FST203 infer 422 rather than 400 when it does) --------

ANSWERS_422 = "status_sites.module-answers-422"  # memo key; the incremental analysis seeds it


def answers_422(model: ModuleModel, site: StatusSite) -> bool:
    """The site sends 422 (a route, exception, response or assignment: not a `responses` key)."""
    return site.where in ("exception", "response", "assignment", "route") and model.status_of(site.expr) == 422


def module_answers_422(ctx: "Context") -> bool:
    """Some status site of the module answers 422 itself."""
    return bool(ctx.memo(ANSWERS_422, lambda: any(answers_422(ctx.model, s) for s in status_sites(ctx))))

