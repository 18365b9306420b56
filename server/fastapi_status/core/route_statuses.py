"""Every status a route can answer, each with where it comes from (issue 14's status model).

For a route of `core/project_routes.py` this reads, across the project's modules:

- the success status (declared, or the response class's default) when some path of the
  handler returns a plain value; the statuses of the `Response` objects it returns; every
  `response.status_code = …` write on the injected `Response`;
- every `HTTPException` (FastAPI's or Starlette's, and the project's subclasses of it: their
  status from `super().__init__(…)`) raised in the handler, in its dependencies (the route's,
  its routers', the app's, and theirs), and in every function of the project they call, to a
  bounded depth;
- the security schemes among those dependencies (`OAuth2PasswordBearer`, `HTTPBearer`,
  `APIKeyHeader`, …): 401 without credentials, unless `auto_error=False`;
- the project's own exceptions and the builtin ones raised there: what the app's exception
  handler for the class (or a base of it) answers, else 500;
- 422 when FastAPI validates anything of the request (core/documented.py decides), or what the
  app's `RequestValidationError` handler answers instead.

An exception caught on its way out is not answered: a `try` whose `except` may catch it (and
does not re-raise it) stops it; the `except` body's own raises and returns count instead, so a
status swallowed by `except Exception` shows as what the client really gets (and is listed in
`swallowed`). What is not read stays silent and is said in `unresolved`, never guessed: a
dependency or a status that does not resolve, an exception whose handler is not known, a
route no app serves."""

from __future__ import annotations

import ast
import bisect
import builtins
from dataclasses import dataclass, field, replace

from fastapi_status.core.documented import Documented, dependency_call
from fastapi_status.core.flow import HandlerFlow, analyze_handler, response_parameter
from fastapi_status.core.index import cached_on
from fastapi_status.core.model import FunctionNode, ModuleModel, Route, kwarg, last_name, statement_first_line
from fastapi_status.core.params import DEPENDENCY_MARKERS, INJECTED, markers_of, may_fail_validation, parameters
from fastapi_status.core.project import ModuleInfo, ProjectIndex, ProjectView, absolute, indexed
from fastapi_status.core.project_routes import Mount, ProjectRoute, local_mount, module_model, project_routes, scope_of
from fastapi_status.core.raises import TRIES as _TRIES
from fastapi_status.core.raises import callee, own_nodes
from fastapi_status.core.status_sites import exception_status_expr, is_super_init, response_status_expr, status_argument
from fastapi_status.core.text import collector_paused
from fastapi_status.core.values import response_call

DEPTH = 4  # calls followed from a handler or a dependency
_HTTP_EXCEPTIONS = {"fastapi.HTTPException", "fastapi.exceptions.HTTPException", "starlette.exceptions.HTTPException"}
_SECURITY = "fastapi.security."
_BROAD = {"Exception", "BaseException"}
_REDIRECT_DEFAULT = {"RedirectResponse": 307}

# An exception class: ("builtins", "KeyError"), ("shop.errors", "NotFoundError"),
# ("fastapi", "HTTPException"); a class not resolved is ("?", its last name).
ClassKey = tuple[str, str]


@dataclass(frozen=True)
class Source:
    """Where a status comes from: the file and line that make it, what it is, and the calls
    that lead there from the route (`("shop.products.retire_product", "shop.products.find_product")`)."""

    file: str | None
    line: int
    what: str
    via: tuple[str, ...] = ()
    # What makes it: "success" (the route's status), "response" (a Response returned),
    # "assignment" (response.status_code), "http" (an HTTPException raised), "security" (a
    # security scheme), "handler" (an exception handler's answer), "unhandled" (an exception
    # no handler answers: 500), "validation" (FastAPI's 422), "caught" (an except clause).
    kind: str = ""

    def describe(self) -> str:
        chain = " → ".join(self.via)
        return f"{self.what} (in {chain})" if chain else self.what


@dataclass(frozen=True)
class Status:
    code: int
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Swallowed:
    """An `HTTPException` that an `except` catches before it reaches the client."""

    code: int
    raised: Source
    caught: Source


@dataclass(frozen=True)
class RouteStatuses:
    statuses: tuple[Status, ...]  # by code
    unresolved: tuple[str, ...] = ()
    swallowed: tuple[Swallowed, ...] = ()

    @property
    def codes(self) -> frozenset[int]:
        return frozenset(s.code for s in self.statuses)


def _matching_calls(before: ast.Module, after: ast.Module, calls: list[ast.Call]) -> dict[int, ast.Call] | None:
    """For each of `calls` (in `before`), the call of `after` in the same place among the calls
    of the same function (`APIRouter`, `app.include_router`) in source order; None when the
    two texts do not have as many of them."""
    names = {_dotted(c.func) for c in calls}

    def calls_of(tree: ast.Module) -> dict[str, list[ast.Call]]:
        found: dict[str, list[ast.Call]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and (name := _dotted(node.func)) in names:
                found.setdefault(name, []).append(node)
        return {name: sorted(found_calls, key=lambda c: (c.lineno, c.col_offset)) for name, found_calls in found.items()}

    old, new = calls_of(before), calls_of(after)
    if any(len(old.get(n, ())) != len(new.get(n, ())) for n in names):
        return None
    return {id(c): new[name][old[name].index(c)] for c in calls for name in (_dotted(c.func),)}


def _dotted(expr: ast.expr) -> str:
    parts = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    parts.append(expr.id if isinstance(expr, ast.Name) else "?")
    return ".".join(reversed(parts))


def _position(route: Route) -> tuple[int, int, int]:
    return (route.registration.lineno, route.registration.col_offset, route.handler.lineno)


# -- what leaves a function -----------------------------------------------------------------


@dataclass(frozen=True)
class _Raised:
    """An exception that leaves a function: an HTTPException's status (`code`), or a class
    (`lineage`: the class and its bases, most specific first; `open` when a base is not read)."""

    code: int | None
    lineage: tuple[ClassKey, ...]
    open: bool
    source: Source


@dataclass
class _Summary:
    raised: list[_Raised] = field(default_factory=list)
    statuses: list[tuple[int, Source]] = field(default_factory=list)  # response.status_code writes
    unresolved: list[str] = field(default_factory=list)
    swallowed: list[Swallowed] = field(default_factory=list)
    validations: list[Source] = field(default_factory=list)  # parameters FastAPI may answer 422 for


class StatusModel:
    """The status model of one project: `statuses(route)` for any route of `routes`. What a
    function raises is read once for every route that reaches it."""

    def __init__(self, index: ProjectIndex, routes: list[ProjectRoute] | None = None) -> None:
        self.index = index
        self.routes = routes if routes is not None else project_routes(index)
        self.view = ProjectView(index, None, None)
        self._summaries: dict[tuple, _Summary] = {}
        self._lineages: dict[tuple, tuple[tuple[ClassKey, ...], bool]] = {}
        self._handlers: dict[Mount, list[tuple[ClassKey, list[tuple[int, Source]], str | None]]] | None = None

    def rebased(self, info: ModuleInfo, model: ModuleModel) -> tuple["StatusModel", list[ProjectRoute]] | None:
        """The project routes of one module seen in another text of it (`info`, `model`: the
        text a fix is being applied to, while the project holds the one read before), and a
        model that answers for them: the module's own code is read from the new text, the
        rest of the project as it was read. A route of the new text stands for the old one in
        the same place in the module's order of routes; None when the two texts do not have
        the same routes (by handler name), so that nothing is matched by guess."""
        old = [p for p in self.routes if p.module.name == info.name]
        before: dict[int, Route] = {}
        for p in old:
            before.setdefault(id(p.route), p.route)
        ordered = sorted(before.values(), key=_position)
        after = sorted(model.routes, key=_position)
        if len(ordered) != len(after) or any(a.handler.name != b.handler.name for a, b in zip(ordered, after)):
            return None
        now = {id(a): b for a, b in zip(ordered, after)}
        # The calls along the way that are in this module (the router's creation with its
        # `responses=`, an `include_router`) are read in the new text too.
        mine = {id(call): call for p in old for other, _, call in p.along if other.name == info.name}
        calls = _matching_calls(old[0].module.tree, info.tree, list(mine.values())) if mine else {}
        if calls is None:
            return None
        routes = [
            replace(
                p, module=info, model=model, route=now[id(p.route)],
                along=tuple((info, model, calls[id(c)]) if o.name == info.name else (o, m, c) for o, m, c in p.along),
            )
            for p in old
        ]
        child = StatusModel(self.index, routes)
        # What other modules' functions leave is the same; this module's is read again.
        child._summaries = {key: value for key, value in self._summaries.items() if key[0] != info.name}
        child._lineages = self._lineages
        child._handlers = self._handlers
        return child, routes

    # -- a route ---------------------------------------------------------------------------

    def statuses(self, route: ProjectRoute) -> RouteStatuses:
        """(For many routes, hold `core/text.collector_paused` around the loop: once.)"""
        found: dict[int, list[Source]] = {}
        unresolved: list[str] = []
        swallowed: list[Swallowed] = []
        info, model, handler = route.module, route.model, route.route.handler

        def add(code: int, source: Source) -> None:
            sources = found.setdefault(code, [])
            for i, known in enumerate(sources):
                if (known.file, known.line, known.what) == (source.file, source.line, source.what):
                    if len(source.via) < len(known.via):
                        sources[i] = source  # (the shortest way there)
                    return
            sources.append(source)

        success, plain = self._success(route, unresolved)
        for code, source in success:
            add(code, source)
        raised: list[_Raised] = []
        summaries = [self._function(info, model, handler, DEPTH, ()), *self._route_dependencies(route, unresolved)]
        for summary in summaries:
            raised += summary.raised
            for code, source in summary.statuses if plain else ():  # (a Response returned ignores them)
                add(code, source)
            unresolved += summary.unresolved
            swallowed += summary.swallowed
        handlers = self._app_handlers(route.app)
        for item in raised:
            if item.code is not None:
                add(item.code, item.source)
                continue
            answer = self._handled(item, handlers)
            if answer is None:
                name = item.lineage[0][1]
                unresolved.append(f"{name} ({_place(item.source)}): what the app answers for it is not known")
                continue
            for code, source in answer:
                add(code, source)
        validations = [v for summary in summaries for v in summary.validations]
        replaced = [h for h in handlers or () if h[0][1] == "RequestValidationError"]
        for where in validations:
            if not replaced:
                add(422, where)
            elif replaced[0][1]:
                for code, answer in replaced[0][1]:
                    add(code, Source(where.file, where.line, f"{where.what}; {answer.what}", where.via, "validation"))
            else:
                unresolved.append("what the app's RequestValidationError handler answers is not resolved")
        statuses = tuple(Status(code, tuple(found[code])) for code in sorted(found))
        return RouteStatuses(statuses, tuple(dict.fromkeys(unresolved)), tuple(dict.fromkeys(swallowed)))

    def _success(self, route: ProjectRoute, unresolved: list[str]) -> tuple[list[tuple[int, Source]], bool]:
        """The declared or default status (when some path returns a plain value) and the
        statuses of the Response objects the handler returns; and whether some path returns a
        plain value (FastAPI then sends `response.status_code` writes)."""
        info, model, r = route.module, route.model, route.route
        flow = analyze_handler(r.handler, model)
        found: list[tuple[int, Source]] = []
        plain = success = False
        # `response.status_code = …` at the top of the handler's body: every return after it
        # sends that status, not the route's.
        param = response_parameter(r.handler, model)
        writes = [a.lineno for a in r.handler.body if param and _writes_status(a, param)]
        for site in flow.returns:
            call = _returned_response(model, site.value, flow)
            if call is None:
                plain = True
                line = site.node.lineno if site.node is not None else 10**9
                success = success or not any(w < line for w in writes)
                continue
            code = _response_status(model, call)
            line = site.node.lineno if site.node is not None else call.lineno
            cls = last_name(call.func) or "Response"
            if code is None:
                unresolved.append(f"the status of the {cls} returned at {_file(info)}:{line} is not resolved")
                continue
            found.append((code, Source(info.path, line, f"returns {cls}", kind="response")))
        if success:  # (a handler that always raises never sends it)
            code = r.effective_status
            if code is not None:
                line = (r.status_keyword or r.registration).lineno
                what = "status_code= of the route" if r.status_declared else "the route's default success status"
                found.insert(0, (code, Source(info.path, line, what, kind="success")))
        return found, plain

    def _route_dependencies(self, route: ProjectRoute, unresolved: list[str]) -> list[_Summary]:
        """What the route's dependencies raise: the handler's `Depends` parameters and every
        `dependencies=` along the way (route, routers, inclusions, app)."""
        path = route.route.path
        summaries = [self._parameter_dependencies(route.module, route.model, route.route.handler, (), path)]
        calls = [(route.module, route.model, route.route.registration), *route.along]
        for info, model, call in calls:
            deps = kwarg(call, "dependencies")
            if deps is None:
                continue
            if not isinstance(deps.value, (ast.List, ast.Tuple)):
                unresolved.append(f"dependencies= at {_file(info)}:{deps.value.lineno} is not a list")
                continue
            for marker in deps.value.elts:
                summaries.append(self._dependency(info, model, marker, None, (), 0, path))
        return summaries

    # -- dependencies ----------------------------------------------------------------------

    def _parameter_dependencies(
        self, info: ModuleInfo, model: ModuleModel, function: FunctionNode, via: tuple, path: str | None
    ) -> _Summary:
        """What the function's parameters bring: its dependencies, and the parameters FastAPI
        validates (and may answer 422 for)."""
        out = _Summary()
        for arg, default in parameters(function):
            if arg.arg in ("self", "cls"):
                continue
            # `user: CurrentUser` where `CurrentUser = Annotated[User, Depends(current_user)]`
            # (in this module or another): the alias's annotation, read where it is written.
            where, annotation = (info, model), arg.annotation
            alias = self._alias(info, model, annotation)
            if alias is not None:
                where, annotation = alias[:2], alias[2]
                arg = ast.arg(arg=arg.arg, annotation=annotation, lineno=arg.lineno, col_offset=arg.col_offset)
            marks = markers_of(annotation) | markers_of(default)
            if marks & DEPENDENCY_MARKERS:
                marker = dependency_call(default)
                if marker is None:
                    marker, (info_at, model_at) = dependency_call(annotation), where
                else:
                    info_at, model_at = info, model
                if marker is not None:
                    _merge(out, self._dependency(info_at, model_at, marker, annotation, via, len(via), path))
                continue
            if marks & INJECTED:
                continue
            reason = may_fail_validation(arg, default, path)
            if reason is not None:
                out.validations.append(Source(info.path, arg.lineno, f"FastAPI validates {arg.arg} ({reason})", via, "validation"))
        return out

    def _alias(self, info: ModuleInfo, model: ModuleModel, annotation: ast.expr | None):
        """(module, model, the `Annotated[…]` it stands for) when the annotation names a
        module-level alias of one; None otherwise."""
        if not isinstance(annotation, (ast.Name, ast.Attribute)):
            return None
        found = self._binding(info, model, annotation)
        if found is None or found[0] != "alias":
            return None
        return found[1], module_model(found[1]), found[2]

    def _dependency(
        self, info: ModuleInfo, model: ModuleModel, marker: ast.expr, annotation: ast.expr | None, via: tuple, depth: int,
        path: str | None,
    ) -> _Summary:
        """What a `Depends(f)`/`Security(f)` raises: f's body and its own dependencies; a
        security scheme's 401."""
        if not isinstance(marker, ast.Call) or last_name(marker.func) not in DEPENDENCY_MARKERS:
            return _Summary(unresolved=[f"a dependency at {_file(info)}:{marker.lineno} is not resolved"])
        target = marker.args[0] if marker.args else (kwarg(marker, "dependency").value if kwarg(marker, "dependency") else None)
        if target is None:
            target = _annotation_class(annotation)
            if target is None:
                return _Summary(unresolved=[f"Depends() at {_file(info)}:{marker.lineno}: its class is not resolved"])
        if depth > 8:
            return _Summary()
        resolved = self._callable(info, model, target)
        if resolved is None:
            text = ast.unparse(target)
            return _Summary(unresolved=[f"dependency {text} ({_file(info)}:{marker.lineno}) is not resolved"])
        kind, where, what = resolved
        if kind == "security":
            return _Summary(raised=[_Raised(401, (), False, what)])  # type: ignore[arg-type]
        if kind == "none":
            return _Summary()
        dep_info, dep_model, function = where  # type: ignore[misc]
        owner = dep_info.owner(function)
        qualified = f"{owner}.{function.name}" if owner else function.name
        chain = (*via, f"{dep_info.name}.{qualified}" if dep_info.name else qualified)
        summary = _Summary()
        _merge(summary, self._function(dep_info, dep_model, function, DEPTH, chain))
        _merge(summary, self._parameter_dependencies(dep_info, dep_model, function, chain, path))
        return summary

    def _callable(self, info: ModuleInfo, model: ModuleModel, target: ast.expr):
        """What a dependency names: ("function", (info, model, def), None), ("security", None,
        Source) for a security scheme that answers 401 itself, ("none", …) for one that does not
        (`auto_error=False`), None when not resolved."""
        if isinstance(target, ast.Call):
            return None  # `Depends(make_checker(...))`: built at run time
        found = self._binding(info, model, target)
        if found is None:
            return None
        kind, dep_info, node = found
        dep_model = module_model(dep_info)
        if kind == "function":
            return "function", (dep_info, dep_model, node), None
        if kind == "class":
            init = next((s for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "__init__"), None)
            return ("function", (dep_info, dep_model, init), None) if init is not None else ("none", None, None)
        # An instance: `oauth2 = OAuth2PasswordBearer(…)`, `checker = RoleChecker(…)`.
        call = node.value
        qualname = dep_model.qualname(call.func) or ""
        if qualname.startswith(_SECURITY):
            auto = kwarg(call, "auto_error")
            if auto is not None and not (isinstance(auto.value, ast.Constant) and auto.value.value is True):
                if isinstance(auto.value, ast.Constant) and auto.value.value is False:
                    return "none", None, None
                return None
            scheme = qualname.rsplit(".", 1)[-1]
            return "security", None, Source(dep_info.path, node.lineno, f"{scheme} without credentials", kind="security")
        cls = self._class(dep_info, dep_model, call.func)
        if cls is not None:
            cls_info, cls_node = cls
            method = next((s for s in cls_node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "__call__"), None)
            if method is not None:
                return "function", (cls_info, module_model(cls_info), method), None
        return None

    def _binding(self, info: ModuleInfo, model: ModuleModel, expr: ast.expr):
        """The definition a name refers to, in this module or another of the project:
        ("function", info, def), ("class", info, ClassDef) or ("instance", info, Assign)."""
        if isinstance(expr, ast.Name) and info.imports.lookup(expr.id) is None:
            return _top_level(info, expr.id)
        qualname = info.imports.qualname(expr)
        if qualname is None:
            return None
        qualname = absolute(qualname, info.name, caller_is_package=self._is_package(info))
        if qualname is None or "." not in qualname:
            return None
        module, _, name = qualname.rpartition(".")
        other = self.index.module(module) if module in self.index.modules else None
        if other is None:
            return None
        found = _top_level(other, name)
        if found is None and name in other.imports.bindings:  # re-exported by a package
            return self._binding(other, module_model(other), ast.Name(id=name))
        return found

    def _is_package(self, info: ModuleInfo) -> bool:
        return (self.index.modules.get(info.name) or "").endswith("__init__.py")

    # -- functions -------------------------------------------------------------------------

    def _function(
        self, info: ModuleInfo, model: ModuleModel, function: FunctionNode, depth: int, via: tuple, response: str | None = None
    ) -> _Summary:
        """What leaves the function (`response`: the injected Response's name in the function a
        closure is defined in)."""
        key = (info.name, info.path, function.lineno, function.col_offset, depth, response)
        cached = self._summaries.get(key)
        if cached is None:
            self._summaries[key] = _Summary()  # (a recursive call sees nothing more)
            cached = self._summaries[key] = self._read_function(info, model, function, depth, response)
        if not via:
            return cached
        return _Summary(
            [_Raised(r.code, r.lineage, r.open, _under(r.source, via)) for r in cached.raised],
            [(code, _under(source, via)) for code, source in cached.statuses],
            list(cached.unresolved),
            [Swallowed(s.code, _under(s.raised, via), s.caught) for s in cached.swallowed],
        )

    def _read_function(
        self, info: ModuleInfo, model: ModuleModel, function: FunctionNode, depth: int, outer: str | None
    ) -> _Summary:
        out = _Summary()
        nodes = _own_nodes(info, function)
        tries = [n for n in nodes if isinstance(n, _TRIES) and n.body and n.handlers]
        caught_names = {h.name for t in tries for h in t.handlers if h.name}
        response = response_parameter(function, model) or outer
        closures = {s.name: s for s in function.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
        for node in nodes:
            if isinstance(node, ast.Raise) and node.exc is not None:
                item = self._raise(info, model, node, out, caught_names)
                if item is not None:
                    self._leave(info, tries, node, item, out)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in closures:
                # A function defined in this one: part of it (the same depth, the same Response).
                inner = self._function(info, model, closures[node.func.id], depth, (node.func.id,), response)
                for item in inner.raised:
                    self._leave(info, tries, node, item, out)
                out.statuses += inner.statuses
                out.unresolved += inner.unresolved
                out.swallowed += inner.swallowed
            elif isinstance(node, ast.Call) and depth > 1:
                target = callee(self.view, info, node)
                if target is None:
                    continue
                name = f"{target.module.name}.{target.function.name}" if target.module.name else target.function.name
                if target.class_name:
                    name = f"{target.module.name}.{target.class_name}.{target.function.name}"
                inner = self._function(target.module, module_model(target.module), target.function, depth - 1, (name,))
                for item in inner.raised:
                    self._leave(info, tries, node, item, out)
                out.unresolved += inner.unresolved
                out.swallowed += inner.swallowed
            elif response is not None and _writes_status(node, response):
                code = model.status_of(node.value)  # type: ignore[attr-defined]
                if code is None:
                    out.unresolved.append(f"response.status_code at {_file(info)}:{node.lineno} is not resolved")
                else:
                    out.statuses.append((code, Source(info.path, node.lineno, "sets response.status_code", kind="assignment")))
        return out

    def _raise(self, info: ModuleInfo, model: ModuleModel, node: ast.Raise, out: _Summary, caught: set[str]) -> _Raised | None:
        exc = node.exc
        func = exc.func if isinstance(exc, ast.Call) else exc
        if not isinstance(func, (ast.Name, ast.Attribute)):
            return None
        if isinstance(exc, ast.Name) and exc.id in caught:
            return None  # `raise exc` in an `except … as exc`: the caught one again (the try decides)
        qualname = model.qualname(func)
        where = f"{_file(info)}:{node.lineno}"
        if qualname in _HTTP_EXCEPTIONS:
            expr = exception_status_expr(model, exc) if isinstance(exc, ast.Call) else None
            code = model.status_of(expr)
            if code is None:
                out.unresolved.append(f"the status of the HTTPException at {where} is not resolved")
                return None
            return _Raised(code, (("fastapi", "HTTPException"),), False, Source(info.path, node.lineno, f"raises HTTPException({code})", kind="http"))
        lineage, open_ = self._lineage(info, model, func)
        if not lineage:
            return None  # a library's exception: what it answers is not known (silent)
        name = lineage[0][1]
        if ("fastapi", "HTTPException") in lineage:
            code = self._subclass_status(info, model, func, exc)
            if code is None:
                out.unresolved.append(f"the status of {name} at {where} is not resolved")
                return None
            return _Raised(code, lineage, open_, Source(info.path, node.lineno, f"raises {name} (HTTPException {code})", kind="http"))
        return _Raised(None, lineage, open_, Source(info.path, node.lineno, f"raises {name}"))

    def _leave(self, info: ModuleInfo, tries: list, node: ast.AST, item: _Raised, out: _Summary) -> None:
        """`item`, raised at `node`, leaves the function unless a `try` around it catches it."""
        line = node.lineno  # type: ignore[attr-defined]
        for t in sorted(tries, key=lambda t: -t.lineno):  # the innermost first
            if not (t.body[0].lineno <= line <= (t.body[-1].end_lineno or t.body[-1].lineno)):
                continue
            for handler in t.handlers:
                if _catches(handler, item):
                    if _reraises(handler):
                        break  # on to the next try out
                    converter = _hands_over(handler)
                    if converter is not None:  # `raise to_http_error(e)`: what it makes of it is not read
                        prefix = f"the exceptions raised in the try at {_file(info)}:{t.lineno}"
                        note = (
                            f"{prefix} (the first: {item.source.what}, {_place(item.source)}) are handed to "
                            f"{converter} at line {handler.lineno}: what that answers is not followed"
                        )
                        if not any(n.startswith(prefix + " (") for n in out.unresolved):
                            out.unresolved.append(note)  # (once per except: not once per exception)
                        return
                    if item.code is not None:
                        out.swallowed.append(Swallowed(item.code, item.source, Source(info.path, handler.lineno, _except_text(handler), kind="caught")))
                    return
        out.raised.append(item)

    # -- exception classes -----------------------------------------------------------------

    def _class(self, info: ModuleInfo, model: ModuleModel, expr: ast.expr) -> tuple[ModuleInfo, ast.ClassDef] | None:
        found = self._binding(info, model, expr)
        if found is None or found[0] != "class":
            return None
        return found[1], found[2]

    def _lineage(self, info: ModuleInfo, model: ModuleModel, expr: ast.expr, depth: int = 0) -> tuple[tuple[ClassKey, ...], bool]:
        """The class `expr` names and its bases, most specific first (empty when it is not an
        exception we can read), and whether some base was not read."""
        name = last_name(expr)
        if name is None or depth > 10:
            return (), True
        qualname = model.qualname(expr) or ""
        if qualname in _HTTP_EXCEPTIONS:
            return (("fastapi", "HTTPException"), ("builtins", "Exception")), False
        if isinstance(expr, ast.Name) and info.imports.lookup(expr.id) is None and name not in info.classes:
            builtin = getattr(builtins, name, None)
            if isinstance(builtin, type) and issubclass(builtin, BaseException):
                return tuple(("builtins", c.__name__) for c in builtin.__mro__ if c is not object), False
        found = self._class(info, model, expr)
        if found is None:
            return (), True
        cls_info, cls = found
        key = (cls_info.name, cls.name, cls.lineno)
        if key in self._lineages:
            return self._lineages[key]
        self._lineages[key] = ((), True)
        lineage: list[ClassKey] = [(cls_info.name, cls.name)]
        open_ = False
        cls_model = module_model(cls_info)
        for base in cls.bases:
            inner, inner_open = self._lineage(cls_info, cls_model, base, depth + 1)
            if not inner:
                open_ = True
                lineage.append(("?", last_name(base) or "?"))
            lineage += [k for k in inner if k not in lineage]
            open_ = open_ or inner_open
        result = (tuple(lineage), open_) if any(k[0] in ("builtins", "fastapi") for k in lineage) or open_ else ((), True)
        self._lineages[key] = result
        return result

    def _subclass_status(self, info: ModuleInfo, model: ModuleModel, func: ast.expr, exc: ast.expr) -> int | None:
        """An HTTPException subclass's status: its own `__init__`'s `super().__init__(…)` (up its
        bases), else the call's own status argument."""
        found = self._class(info, model, func)
        depth = 0
        while found is not None and depth < 10:
            cls_info, cls = found
            cls_model = module_model(cls_info)
            init = next((s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "__init__"), None)
            if init is not None:
                codes = set()
                for node in ast.walk(init):
                    if isinstance(node, ast.Call) and is_super_init(node):
                        args = node.args[1:] if isinstance(node.func.value, ast.Name) else node.args  # type: ignore[attr-defined]
                        codes.add(cls_model.status_of(args[0] if args else status_argument(node)))
                return codes.pop() if len(codes) == 1 else None
            base = next((b for b in cls.bases), None)
            if base is None or (cls_model.qualname(base) or "") in _HTTP_EXCEPTIONS:
                break
            found = self._class(cls_info, cls_model, base)
            depth += 1
        if isinstance(exc, ast.Call):
            expr = exc.args[0] if exc.args else status_argument(exc)
            return model.status_of(expr)
        return None

    # -- exception handlers ----------------------------------------------------------------

    def _app_handlers(self, app: Mount | None):
        """The app's exception handlers: (class, what it answers, None) or (class, [], why not
        read); None when no app serves the route (a registration not read is class `*`)."""
        if app is None:
            return None
        if self._handlers is None:
            self._handlers = self._read_handlers()
        return self._handlers.get(app, [])

    def _handled(self, item: _Raised, handlers) -> list[tuple[int, Source]] | None:
        """What the client gets for an exception of the project's or a builtin one: the app's
        handler for its class or a base (the most specific), else 500; None when not known."""
        if handlers is None:
            return None
        for key in item.lineage:
            for cls, answers, _ in handlers:
                if cls == key or (cls[0] == "?" or key[0] == "?") and cls[1] == key[1]:
                    if cls[1] == "*" or not answers:
                        return None
                    return [(code, Source(item.source.file, item.source.line, f"{item.source.what}, {s.what}", item.source.via, "handler"))
                            for code, s in answers]
        if any(cls[1] == "*" for cls, _, _ in handlers) or item.open:
            return None
        return [(500, Source(item.source.file, item.source.line, f"{item.source.what}, which no exception handler answers", item.source.via,
                              "unhandled"))]

    def _read_handlers(self) -> dict[Mount, list]:
        """Every exception handler registration of the project, by the app it is registered
        on; one on something else (`def setup(app): app.add_exception_handler(…)`) may be on
        any app, so it counts for every one."""
        found: dict[Mount, list] = {}
        anywhere: list = []
        mounts = {r.app for r in self.routes if r.app is not None}
        for name in sorted(self.index.modules):
            if not self.index.mentions(name, ("exception_handler",)):
                continue
            info = self.index.module(name)
            if info is None or not info.imports.imports_framework:
                continue
            model = module_model(info)
            for call in model.index.calls_named(("exception_handler", "add_exception_handler")):
                if not isinstance(call.func, ast.Attribute) or not call.args:
                    continue
                app = local_mount(info, call.func.value, scope_of(model, call))
                if call.func.attr == "exception_handler":
                    handler = _decorated(model, call)
                    target = (info, model, handler) if handler is not None else None
                else:
                    target = self._function_named(info, model, call.args[1]) if len(call.args) > 1 else None
                entry = self._registration(info, model, call.args[0], target)
                (found.setdefault(app, []) if app in mounts else anywhere).append(entry)
            for node in model.index.of_types(ast.Assign, ast.AnnAssign):
                value = node.value
                if not isinstance(value, ast.Call) or (model.qualname(value.func) or "") not in (
                    "fastapi.FastAPI", "starlette.applications.Starlette"
                ):
                    continue
                mapping = kwarg(value, "exception_handlers")
                if mapping is None:
                    continue
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                app = local_mount(info, targets[0], scope_of(model, node)) if len(targets) == 1 else None
                entries = found.setdefault(app, []) if app in mounts else anywhere
                if not isinstance(mapping.value, ast.Dict):
                    entries.append((("?", "*"), [], "exception_handlers= is not a dict literal"))
                    continue
                for key, handler_expr in zip(mapping.value.keys, mapping.value.values):
                    if key is None:
                        entries.append((("?", "*"), [], "exception_handlers= unpacks a dict"))
                    else:
                        entries.append(self._registration(info, model, key, self._function_named(info, model, handler_expr)))
        for app in mounts:
            found.setdefault(app, []).extend(anywhere)
        return found

    def _registration(self, info: ModuleInfo, model: ModuleModel, cls_expr: ast.expr, target):
        if isinstance(cls_expr, ast.Constant) and isinstance(cls_expr.value, int):
            return (("status", str(cls_expr.value)), [], "a status handler")
        lineage, _ = self._lineage(info, model, cls_expr)
        qualname = model.qualname(cls_expr) or ""
        if lineage:
            key = lineage[0]
        elif qualname.endswith("RequestValidationError"):
            key = ("fastapi", "RequestValidationError")
        elif (last_name(cls_expr) or "")[:1].isupper():
            key = ("?", last_name(cls_expr))  # type: ignore[assignment]  (a library's class)
        else:
            key = ("?", "*")  # (a loop variable, a call: it may be any class)
        if target is None:
            return key, [], "its handler is not resolved"
        h_info, h_model, function = target
        answers = self._handler_answers(h_info, h_model, function)
        return key, answers, None if answers else "what its handler answers is not resolved"

    def _handler_answers(self, info: ModuleInfo, model: ModuleModel, function: FunctionNode) -> list[tuple[int, Source]]:
        flow = analyze_handler(function, model)
        answers: list[tuple[int, Source]] = []
        name = f"{info.name}.{function.name}" if info.name else function.name
        for site in flow.returns:
            call = _returned_response(model, site.value, flow)
            code = _response_status(model, call) if call is not None else None
            if code is None:
                return []  # some path answers what is not read
            answers.append((code, Source(info.path, site.node.lineno if site.node else function.lineno, f"answered {code} by {name}", kind="handler")))
        for item in self._function(info, model, function, DEPTH, ()).raised:
            if item.code is not None:
                answers.append((item.code, Source(item.source.file, item.source.line, f"answered {item.code} by {name}", kind="handler")))
        return answers

    def _function_named(self, info: ModuleInfo, model: ModuleModel, expr: ast.expr):
        found = self._binding(info, model, expr)
        if found is None or found[0] != "function":
            return None
        return found[1], module_model(found[1]), found[2]


# What the OpenAPI should list when a route answers it: everything but FastAPI's own 422 and a
# 500 for an exception nothing handles (a bug to fix, not an answer to document).
DOCUMENTABLE = frozenset({"success", "response", "assignment", "http", "security", "handler"})
# What a route raises (or its security schemes and exception handlers answer): FST401's part.
RAISED = frozenset({"http", "security", "handler"})


def covered(code: int, documented: frozenset[int | str] | set[int | str]) -> bool:
    """The OpenAPI lists the status, or its class (`"4XX"`)."""
    return code in documented or f"{code // 100}XX" in documented


def undocumented(
    statuses: RouteStatuses, docs: Documented, kinds: frozenset[str] = DOCUMENTABLE, skip: frozenset[int] = frozenset({422})
) -> list[Status]:
    """The statuses the route answers (from a source of one of `kinds`) that its OpenAPI does
    not document; none when the route is not in it, a `responses=` of it is not read (it may
    document them), or it documents a `default` answer."""
    if not docs.in_schema or not docs.responses_read or "default" in docs.statuses:
        return []
    return [
        s for s in statuses.statuses
        if s.code not in skip and not covered(s.code, docs.statuses) and any(src.kind in kinds for src in s.sources)
    ]


# -- helpers ----------------------------------------------------------------------------------


def route_statuses(index: ProjectIndex) -> list[tuple[ProjectRoute, RouteStatuses]]:
    """Every route of the project with its statuses."""
    with collector_paused():
        model = StatusModel(index)
        return [(route, model.statuses(route)) for route in model.routes]


def _merge(into: _Summary, other: _Summary) -> None:
    into.raised += other.raised
    into.statuses += other.statuses
    into.unresolved += other.unresolved
    into.swallowed += other.swallowed
    into.validations += other.validations


def _under(source: Source, via: tuple[str, ...]) -> Source:
    return Source(source.file, source.line, source.what, (*via, *source.via), source.kind)


def _file(info: ModuleInfo) -> str:
    return info.path or info.name or "<module>"


def _place(source: Source) -> str:
    return f"{source.file or '?'}:{source.line}"


def _top_level(info: ModuleInfo, name: str):
    if name in info.functions:
        return "function", info, info.functions[name]
    if name in info.classes:
        return "class", info, info.classes[name]
    found = cached_on(info.tree, "top_level_bindings", lambda: _bindings(info.tree)).get(name)
    return (found[0], info, found[1]) if found is not None else None


def _bindings(tree: ast.Module) -> dict[str, tuple[str, ast.AST]]:
    """Each name the module binds at its top level to an instance (`oauth2 = HTTPBearer()`,
    annotated or not) or to an `Annotated[…]` alias: the first such statement (read once per
    module, not once per name looked up)."""
    found: dict[str, tuple[str, ast.AST]] = {}
    for stmt in tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
        if _TYPE_ALIAS is not None and isinstance(stmt, _TYPE_ALIAS):
            targets = [stmt.name]
        value = getattr(stmt, "value", None)
        if isinstance(value, ast.Call) and isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            binding: tuple[str, ast.AST] = ("instance", stmt)
        elif isinstance(value, ast.Subscript) and last_name(value.value) == "Annotated":
            binding = ("alias", value)
        else:
            continue
        for t in targets:
            if isinstance(t, ast.Name):
                found.setdefault(t.id, binding)
    return found


_TYPE_ALIAS = getattr(ast, "TypeAlias", None)  # (`type CurrentUser = Annotated[…]`, Python 3.12)


def _annotation_class(annotation: ast.expr | None) -> ast.expr | None:
    """`Annotated[Checker, Depends()]` / `checker: Checker = Depends()`: `Checker`."""
    if annotation is None:
        return None
    if isinstance(annotation, ast.Subscript) and last_name(annotation.value) == "Annotated":
        elts = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
        return elts[0] if elts and isinstance(elts[0], (ast.Name, ast.Attribute)) else None
    return annotation if isinstance(annotation, (ast.Name, ast.Attribute)) else None


_READ = (ast.Raise, ast.Call, ast.Assign, *_TRIES)
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _own_nodes(info: ModuleInfo, function: FunctionNode) -> list[ast.AST]:
    """The function's raises, calls, assignments and `try` statements, not those of functions,
    lambdas and classes nested in it: read from the module's node index (its top-level
    statement's part), not walked again."""
    tree = info.tree
    starts = cached_on(tree, "top_starts", lambda: [statement_first_line(st) for st in tree.body])
    position = bisect.bisect_right(starts, function.lineno) - 1
    index = indexed(tree)
    if position < 0 or index is None:
        return [n for n in own_nodes(function) if isinstance(n, _READ)]
    first, last = (function.lineno, function.col_offset), (function.end_lineno or function.lineno, function.end_col_offset or 0)

    def inside(node: ast.AST, a: tuple[int, int], b: tuple[int, int]) -> bool:
        return a <= (node.lineno, node.col_offset) and (node.end_lineno or node.lineno, node.end_col_offset or 0) <= b  # type: ignore[attr-defined]

    nested = [
        ((n.lineno, n.col_offset), (n.end_lineno or n.lineno, n.end_col_offset or 0))
        for kind in _NESTED for n in index.of_statement(position, kind)
        if n is not function and inside(n, first, last)
    ]
    found = []
    for kind in _READ:
        for node in index.of_statement(position, kind):
            if inside(node, first, last) and not any(inside(node, a, b) for a, b in nested):
                found.append(node)
    found.sort(key=lambda n: (n.lineno, n.col_offset))  # type: ignore[attr-defined]
    return found


def _returned_response(model: ModuleModel, expr: ast.expr | None, flow: HandlerFlow) -> ast.Call | None:
    """The Response constructor call a return sends (awaited or not), when it is the one."""
    found = response_call(expr.value if isinstance(expr, ast.Await) else expr, model, flow)
    return found[0] if found else None


def _writes_status(node: ast.AST, response: str) -> bool:
    """`response.status_code = …` on the injected Response."""
    return isinstance(node, ast.Assign) and any(
        isinstance(t, ast.Attribute) and t.attr == "status_code" and isinstance(t.value, ast.Name) and t.value.id == response
        for t in node.targets
    )


def _response_status(model: ModuleModel, call: ast.Call) -> int | None:
    expr = response_status_expr(model, call)
    if expr is None:
        return _REDIRECT_DEFAULT.get(last_name(call.func) or "", 200)
    return model.status_of(expr)


def _catches(handler: ast.ExceptHandler, item: _Raised) -> bool:
    """The `except` clause catches the exception (a class it names is the exception's or a
    base's; one it cannot place may)."""
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    names = {k[1] for k in item.lineage} | _BROAD
    for t in types:
        name = last_name(t)
        if name is None or name in names:
            return True
        if name == "StarletteHTTPException" and item.code is not None:
            return True
        builtin = getattr(builtins, name, None)
        if not (isinstance(builtin, type) and issubclass(builtin, BaseException)) and item.open:
            return True  # (a class we cannot place, and a base of the exception we cannot read)
    return False


def _reraises(handler: ast.ExceptHandler) -> bool:
    """The `except` body raises what it caught: `raise`, or `raise e` for `except X as e`."""
    for node in ast.walk(handler):
        if isinstance(node, ast.Raise):
            if node.exc is None:
                return True
            if handler.name and isinstance(node.exc, ast.Name) and node.exc.id == handler.name:
                return True
    return False


def _hands_over(handler: ast.ExceptHandler) -> str | None:
    """The function an `except … as e` body raises or returns the result of, given `e` itself
    (`raise handle_exception(e)`, `return await on_error(e=e)`): it may answer the same
    status, or another."""
    if not handler.name:
        return None
    for node in ast.walk(handler):
        value = node.exc if isinstance(node, ast.Raise) else node.value if isinstance(node, ast.Return) else None
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.Call):
            given = [*value.args, *(k.value for k in value.keywords)]
            if any(isinstance(a, ast.Name) and a.id == handler.name for a in given) and not (
                (last_name(value.func) or "").endswith(("Exception", "Error"))
            ):
                return ast.unparse(value.func)
    return None


def _except_text(handler: ast.ExceptHandler) -> str:
    if handler.type is None:
        return "caught by a bare except"
    return f"caught by except {ast.unparse(handler.type)}"


def _decorated(model: ModuleModel, call: ast.Call) -> FunctionNode | None:
    for fn in model.function_nodes:
        if any(d is call for d in fn.decorator_list):
            return fn
    return None


