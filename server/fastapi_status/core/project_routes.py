"""Every route of the project with its full path: the apps, the routers they include (in any
module, through any number of `include_router` calls), each router's own `prefix=` and each
inclusion's. The first part of the project-wide status model (issue 14).

A route's full path is what FastAPI serves: `APIRouter(prefix=p)` puts `p` before the paths of
the routes registered on it and of the routers it includes, and `include_router(r, prefix=q)`
puts `q` before every path of `r`. A router included twice has its routes twice; a router no
app includes (or whose inclusion is not read) is listed with `app` None and its own path.
What is not read (a prefix that is not a string literal, a router passed around) stays
unresolved: such an inclusion is left out, never guessed."""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass

from fastapi_status.core.index import cached_on
from fastapi_status.core.model import APP_CLASSES, ModuleModel, Route, kwarg, last_name
from fastapi_status.core.project import ModuleInfo, ProjectIndex, absolute, node_index
from fastapi_status.core.text import collector_paused

# A module without one of these has no app, router, route or inclusion: it is not parsed.
_WORDS = ("fastapi", "starlette", "include_router", "APIRouter", "FastAPI")
_MAX_DEPTH = 16  # include_router chains deeper than this are cut (a router including itself)


@dataclass(frozen=True)
class Mount:
    """An app or router: `name` bound in `module`, at its top level or (`scope`) in one of its
    top-level functions (an app factory: `def create_app(): app = FastAPI(); …`)."""

    module: str
    name: str
    scope: str = ""


@dataclass(frozen=True)
class ProjectRoute:
    methods: frozenset[str]
    path: str | None  # the full path; None when the route's own path is not a string literal
    module: ModuleInfo
    route: Route
    app: Mount | None  # the app that serves it (a sub-app when mounted: its handlers apply); None: none includes it
    chain: tuple[Mount, ...]  # the routers from the app down to the route's own
    model: ModuleModel  # the route's module's model
    # The calls along the way, each with its module's model: the app's and each router's
    # creation (`APIRouter(prefix=…, responses=…, dependencies=…)`) and each `include_router`.
    along: tuple[tuple[ModuleInfo, ModuleModel, ast.Call], ...] = ()


def project_routes(index: ProjectIndex) -> list[ProjectRoute]:
    """Every route of every module of the project, by app, then path and method."""
    with collector_paused():  # (parsing hundreds of modules: see core/text.collector_paused)
        return _project_routes(index)


def _project_routes(index: ProjectIndex) -> list[ProjectRoute]:
    mounts: dict[Mount, str] = {}  # app or router -> its own prefix ("" for an app)
    made: dict[Mount, tuple[ModuleInfo, ModuleModel, ast.Call]] = {}  # app or router -> its creation
    apps: set[Mount] = set()
    # parent -> (child, the inclusion's prefix, the inclusion)
    includes: dict[Mount, list[tuple[Mount, str, tuple[ModuleInfo, ModuleModel, ast.Call]]]] = {}
    routes: dict[Mount, list[tuple[ModuleInfo, ModuleModel, Route]]] = {}
    mounted: dict[Mount, list[tuple[Mount, str]]] = {}  # app -> (sub-app, the path it is mounted at)
    for name in sorted(index.modules):
        if not index.mentions(name, _WORDS):
            continue
        info = index.module(name)
        if info is None or not info.imports.imports_framework:
            continue
        model = module_model(info)
        scope = functools.partial(scope_of, model)
        for node in model.index.of_types(ast.Assign, ast.AnnAssign):
            created = _created(index, info, node, scope(node))
            if created is not None:
                mount, qualname, prefix = created
                made[mount] = (info, model, node.value)  # type: ignore[assignment]  (its responses= and dependencies= apply,
                if prefix is not None:                   #  whether or not its prefix= is a literal)
                    mounts[mount] = prefix
                    if qualname.endswith(("FastAPI", "Starlette")):
                        apps.add(mount)
        looped = _looped_includes(model)
        for call in _include_calls(model):
            parent = local_mount(info, call.func.value, scope(call), mounts)  # type: ignore[attr-defined]
            prefix = _prefix_of(call)
            if id(call) in looped:  # `for router in ROUTERS: app.include_router(router)`
                children = [_mount_of(index, info, e, scope(call), mounts) for e in looped[id(call)]]
            else:
                children = [_mount_of(index, info, call.args[0], scope(call), mounts)]
            for child in children:
                if parent is not None and child is not None and prefix is not None:
                    includes.setdefault(parent, []).append((child, prefix, (info, model, call)))
        for call in _mount_calls(model):
            parent = local_mount(info, call.func.value, scope(call), mounts)  # type: ignore[attr-defined]
            mounted_app = call.args[1] if len(call.args) > 1 else kwarg(call, "app").value  # type: ignore[union-attr]
            child = _mount_of(index, info, mounted_app, scope(call), mounts)
            path = call.args[0].value.rstrip("/")  # type: ignore[attr-defined]
            if parent is not None and child is not None and parent != child:
                mounted.setdefault(parent, []).append((child, path))
        for route in model.routes:
            owner = local_mount(info, route.owner, scope(route.registration), mounts)
            if owner is not None:
                routes.setdefault(owner, []).append((info, model, route))

    found: list[ProjectRoute] = []
    served: set[Mount] = set()

    def walk(mount: Mount, base: str, app: Mount, chain: tuple[Mount, ...], along: tuple) -> None:
        if len(chain) > _MAX_DEPTH or mount in chain:
            return
        served.add(mount)
        chain = (*chain, mount)
        along = (*along, made[mount]) if mount in made else along
        here = base + mounts.get(mount, "")
        for info, model, route in routes.get(mount, []):
            found.append(_route(info, model, route, here, app, chain, along))
        for child, prefix, inclusion in includes.get(mount, []):
            walk(child, here + prefix, app, chain, (*along, inclusion))
        for child, prefix in mounted.get(mount, []):
            if child in apps:  # a sub-app: its own docs, dependencies and exception handlers
                walk(child, here + prefix, child, chain, ())

    inner = {child for children in mounted.values() for child, _ in children if child in apps}
    for app in sorted(apps - inner, key=lambda m: (m.module, m.name, m.scope)):
        walk(app, "", app, (), ())
    for mount in sorted(set(routes) - served, key=lambda m: (m.module, m.name, m.scope)):
        own = (made[mount],) if mount in made else ()
        for info, model, route in routes[mount]:
            found.append(_route(info, model, route, mounts.get(mount, ""), None, (mount,), own))
    found.sort(key=lambda r: (r.app is None, r.app.module if r.app else "", r.path or "", sorted(r.methods)))
    return found


def _route(
    info: ModuleInfo, model: ModuleModel, route: Route, prefix: str, app: Mount | None, chain: tuple[Mount, ...], along: tuple
) -> ProjectRoute:
    path = prefix + route.path if route.path is not None else None
    return ProjectRoute(route.methods, path, info, route, app, chain, model, along)


def module_model(info: ModuleInfo) -> ModuleModel:
    """The module's model, built once per parsed module."""
    return cached_on(info.tree, "module_model", lambda: ModuleModel(info.tree, lambda: node_index(info.tree), info.imports))


def scope_of(model: ModuleModel, node: ast.AST) -> str:
    """The name of the top-level function `node` is in ("": the module's level; a decorator
    of a top-level function is at the module's level too)."""
    top = model.top_level_statement(node.lineno)  # type: ignore[attr-defined]
    if isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno >= top.lineno:  # type: ignore[attr-defined]
        return top.name
    return ""


def _created(index: ProjectIndex, info: ModuleInfo, node: ast.AST, scope: str) -> tuple[Mount, str, str | None] | None:
    """`app = FastAPI(...)` / `router = APIRouter(prefix="/x")` (or a class of the project
    derived from one: prefect's `PrefectRouter`): the mount, its framework class and its own
    prefix (None when `prefix=` is not a literal)."""
    if not isinstance(node, (ast.Assign, ast.AnnAssign)) or not isinstance(node.value, ast.Call):
        return None
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    if len(targets) != 1 or not isinstance(targets[0], ast.Name):
        return None
    qualname = info.imports.qualname(node.value.func)
    if qualname not in APP_CLASSES:
        if not (last_name(node.value.func) or "").endswith(_CLASS_ENDINGS):
            return None  # (the quick test: resolving every call's class would parse what it imports)
        qualname = _framework_base(index, info, node.value.func)
        if qualname is None:
            return None
    prefix = _prefix_of(node.value) if qualname.endswith("Router") else ""  # (an app has no prefix)
    return Mount(info.name, targets[0].id, scope), qualname, prefix


# How the project's app and router classes are named (`PrefectRouter`, `AdminAPI`, `MyFastAPI`).
_CLASS_ENDINGS = ("Router", "FastAPI", "API", "App", "Starlette")


def _framework_base(index: ProjectIndex, info: ModuleInfo, func: ast.expr, depth: int = 0) -> str | None:
    """The app or router class a project class derives from (a few levels up)."""
    if depth > 3 or not isinstance(func, (ast.Name, ast.Attribute)):
        return None
    if isinstance(func, ast.Name) and func.id in info.classes and info.imports.lookup(func.id) is None:
        found: tuple[ModuleInfo, ast.ClassDef] | None = (info, info.classes[func.id])
    else:
        found = index.resolve_class(info.name, info.imports, func)
    if found is None:
        return None
    cls_info, cls = found
    for base in cls.bases:
        qualname = cls_info.imports.qualname(base)
        if qualname in APP_CLASSES:
            return qualname
        inner = _framework_base(index, cls_info, base, depth + 1)
        if inner is not None:
            return inner
    return None


def _prefix_of(call: ast.Call) -> str | None:
    """The `prefix=` of a call: "" when absent, None when not a string literal."""
    for kw in call.keywords:
        if kw.arg == "prefix":
            if isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                return kw.value.value
            return None
        if kw.arg is None:
            return None  # (**options may hold one)
    return ""


def _include_calls(model: ModuleModel) -> list[ast.Call]:
    """`X.include_router(Y, …)` anywhere in the module (also inside an app factory)."""
    return [
        node
        for node in model.index.of(ast.Call)
        if isinstance(node.func, ast.Attribute)
        and node.func.attr == "include_router"
        and node.args
        and not isinstance(node.args[0], ast.Starred)
    ]


def _looped_includes(model: ModuleModel) -> dict[int, list[ast.expr]]:
    """`include_router(x)` calls in a `for x in …` loop over a list or tuple written out, in
    place or in a module-level name (`ROUTERS = (items.router, users.router)`): id of the call ->
    the routers it includes. A call whose loop is over anything else includes nothing read."""
    found: dict[int, list[ast.expr]] = {}
    for loop in model.index.of(ast.For):
        if not isinstance(loop.target, ast.Name):
            continue
        items = _literal_sequence(model, loop.iter)
        for node in ast.walk(loop):
            if (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "include_router"
                and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == loop.target.id
            ):
                found[id(node)] = items if items is not None else []
    return found


def _literal_sequence(model: ModuleModel, expr: ast.expr) -> list[ast.expr] | None:
    if isinstance(expr, (ast.List, ast.Tuple)):
        return [e for e in expr.elts if not isinstance(e, ast.Starred)]
    if isinstance(expr, ast.Name):
        for stmt in model.tree.body:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, (ast.List, ast.Tuple)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                if any(isinstance(t, ast.Name) and t.id == expr.id for t in targets):
                    return [e for e in stmt.value.elts if not isinstance(e, ast.Starred)]
    return None


def _mount_calls(model: ModuleModel) -> list[ast.Call]:
    """`app.mount("/admin", admin_app)`, `app.mount("/api", app=api_app)` (a path literal and
    an app)."""
    return [
        node
        for node in model.index.calls_named(("mount",))
        if isinstance(node.func, ast.Attribute)
        and node.args
        and (len(node.args) >= 2 or kwarg(node, "app") is not None)
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ]


def local_mount(info: ModuleInfo, expr: ast.expr, scope: str, known: dict[Mount, str] | None = None) -> Mount | None:
    """An app or router named by a plain name of this module: bound in `scope` (a function
    of the module) when it is bound there, else at the top level."""
    if not isinstance(expr, ast.Name) or expr.id in info.imports.bindings:
        return None
    if scope and (known is None or Mount(info.name, expr.id, scope) in known):
        return Mount(info.name, expr.id, scope)
    return Mount(info.name, expr.id)


def _mount_of(index: ProjectIndex, info: ModuleInfo, expr: ast.expr, scope: str, known: dict[Mount, str]) -> Mount | None:
    """The router an expression names: a name of this module, one imported from another
    (`from .catalog import router`), or an attribute of an imported module (`catalog.router`)."""
    local = local_mount(info, expr, scope, known)
    if local is not None:
        return local
    qualname = info.imports.qualname(expr)
    if qualname is None:
        return None
    path = index.modules.get(info.name, "")
    qualname = absolute(qualname, info.name, caller_is_package=path.endswith("__init__.py"))
    if qualname is None or "." not in qualname:
        return None
    for _ in range(4):  # (re-exported by a package: `from .api.app import app as api_app`)
        module, _, name = qualname.rpartition(".")
        if module not in index.modules:
            return None
        target = index.module(module)
        binding = target.imports.bindings.get(name) if target is not None else None
        if binding is None:
            return Mount(module, name)
        qualname = absolute(binding.qualname, module, caller_is_package=index.modules[module].endswith("__init__.py"))
        if qualname is None or "." not in qualname:
            return None
    return None
