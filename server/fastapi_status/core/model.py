"""A small model of a FastAPI module: its apps and routers, its routes, and what names mean.

Built once per analysis from the `ast` tree; the rules read it, and so do the editor's hover and
route views. It only records what the code says: a value it cannot resolve stays `None`.
"""

from __future__ import annotations

import ast
import bisect
from dataclasses import dataclass
from functools import cached_property
from typing import Callable

from fastapi_status.core.imports import ImportMap, collect_imports
from fastapi_status.core.index import NodeIndex, module_level_first
from fastapi_status.core.statuses import code_of_constant, code_of_http_status

HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "trace")
APP_CLASSES = {"fastapi.FastAPI", "fastapi.APIRouter", "starlette.applications.Starlette", "starlette.routing.Router"}
HTTP_EXCEPTION = "fastapi.HTTPException"
RESPONSE_MODULE = "fastapi.responses."
STATUS_MODULE = "fastapi.status"
HTTP_STATUS = "http.HTTPStatus"
# Third-party response classes that behave like Starlette's (a status_code argument, default 200).
EXTRA_RESPONSE_CLASSES = {"sse_starlette.EventSourceResponse", "sse_starlette.sse.EventSourceResponse"}
DEFAULT_STATUS = {"fastapi.responses.RedirectResponse": 307}

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def kwarg(call: ast.Call, name: str) -> ast.keyword | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw
    return None


def literal_str(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


@dataclass
class Route:
    methods: frozenset[str]  # upper-case HTTP methods; empty when they cannot be resolved
    path: str | None
    registration: ast.Call  # the decorator call, or the add_api_route call
    handler: FunctionNode
    owner: ast.expr  # the app or router expression (`app`, `router`, `self.router`)
    status_keyword: ast.keyword | None  # `status_code=` of the registration
    status: int | None  # the declared status, resolved; None when absent or unresolvable
    response_class: str | None  # qualname of `response_class=`
    response_model: ast.keyword | None
    responses: ast.keyword | None
    is_decorator: bool

    @property
    def status_declared(self) -> bool:
        return self.status_keyword is not None

    @property
    def effective_status(self) -> int | None:
        """What a plain return sends: the declared status, else the response class default, else 200."""
        if self.status_keyword is not None:
            return self.status
        return DEFAULT_STATUS.get(self.response_class or "", 200)

    @property
    def name(self) -> str:
        return self.handler.name


class ModuleModel:
    def __init__(
        self, tree: ast.Module, index: NodeIndex | Callable[[], NodeIndex] | None = None, imports: ImportMap | None = None
    ) -> None:
        self.tree = tree
        self._index = index
        self.imports: ImportMap = imports if imports is not None else collect_imports(tree, self.index)
        self.mentions_framework = self.imports.imports_framework
        self.app_names: set[str] = set()
        self.functions: dict[str, FunctionNode] = {}
        # Every def of the module, its own top-level ones first, then in source order.
        self.function_nodes: list[FunctionNode] = []
        self.classes: dict[str, ast.ClassDef] = {}
        self.routes: list[Route] = []
        self._top_starts: list[int] = []
        self._http_exception_subclasses: set[str] = set()
        self._response_subclasses: dict[str, str] = {}
        self._index_top_level()
        if self.mentions_framework:
            self._collect_definitions()
            self._collect_routes()

    @property
    def index(self) -> NodeIndex:
        """The module's node index (built when first asked: a module of the project that is
        only called into, and imports no framework, never needs it)."""
        if self._index is None:
            self._index = NodeIndex(self.tree)
        elif callable(self._index):
            self._index = self._index()  # (one kept elsewhere: core/project.node_index)
        return self._index  # type: ignore[return-value]

    # -- names -----------------------------------------------------------------------------

    def qualname(self, expr: ast.AST) -> str | None:
        return self.imports.qualname(expr)

    def status_of(self, expr: ast.AST | None) -> int | None:
        """The status code an expression stands for: `404`, `status.HTTP_404_NOT_FOUND`,
        `HTTPStatus.NOT_FOUND` (and `.value`). None when it is not statically known."""
        if expr is None:
            return None
        if isinstance(expr, ast.Constant):
            v = expr.value
            return v if isinstance(v, int) and not isinstance(v, bool) else None
        if isinstance(expr, ast.Attribute) and expr.attr == "value":
            expr = expr.value
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "int" and len(expr.args) == 1:
            return self.status_of(expr.args[0])
        name = self.qualname(expr)
        if name is None:
            return None
        if name.startswith(STATUS_MODULE + "."):
            return code_of_constant(name[len(STATUS_MODULE) + 1 :])
        if name.startswith("http.HTTPStatus."):
            return code_of_http_status(name[len("http.HTTPStatus.") :])
        return None

    @cached_property
    def http_exception_names(self) -> set[str]:
        """The last names an HTTPException call can end in here (`HTTPException`, an alias, a subclass)."""
        names = {"HTTPException", *self._http_exception_subclasses}
        return names | {local for local, b in self.imports.bindings.items() if b.qualname == HTTP_EXCEPTION}

    @cached_property
    def call_names_with_status(self) -> set[str]:
        """Last names of the calls that can carry a status (besides names ending in "Response"):
        HTTPException and its aliases and subclasses, Response aliases and subclasses, apps and
        routers (their `responses=`), `include_router`."""
        return (
            self.http_exception_names
            | self._response_aliases
            | set(self._response_subclasses)
            | self.app_class_names
            | {"include_router"}
        )

    @cached_property
    def app_class_names(self) -> set[str]:
        """The last names a call creating an app or router can end in here."""
        names = {qualname.rsplit(".", 1)[-1] for qualname in APP_CLASSES}
        return names | {local for local, b in self.imports.bindings.items() if b.qualname in APP_CLASSES}

    @cached_property
    def _response_aliases(self) -> set[str]:
        """Local names imported for Response classes (they need not end in "Response")."""
        return {
            local
            for local, b in self.imports.bindings.items()
            if b.qualname.startswith(RESPONSE_MODULE) or b.qualname in EXTRA_RESPONSE_CLASSES
        }

    def is_http_exception(self, func: ast.AST) -> bool:
        """`HTTPException` (FastAPI's or Starlette's) or a class of this module derived from it."""
        last = last_name(func)
        if last not in self.http_exception_names:
            return False  # the quick test: most calls are not exceptions at all
        if self.qualname(func) == HTTP_EXCEPTION:
            return True
        return isinstance(func, ast.Name) and func.id in self._http_exception_subclasses

    def response_class_of(self, func: ast.AST) -> str | None:
        """The qualname of a Response class (FastAPI/Starlette's, or a subclass in this module)."""
        last = last_name(func)
        if last is None or not (
            last.endswith("Response") or last in self._response_aliases or last in self._response_subclasses
        ):
            return None
        name = self.qualname(func)
        if name and ((name.startswith(RESPONSE_MODULE) and name.endswith("Response")) or name in EXTRA_RESPONSE_CLASSES):
            return name
        if isinstance(func, ast.Name) and func.id in self._response_subclasses:
            return self._response_subclasses[func.id]
        return None

    @cached_property
    def status_module_alias(self) -> str | None:
        """The local name of `fastapi.status`/`starlette.status` when the module uses it."""
        aliases = set(self.imports.local_names_for(STATUS_MODULE))
        if not aliases:
            return None
        for name in sorted(aliases):
            if self.index.uses_as_base(name):
                return name
        return None

    @cached_property
    def http_status_alias(self) -> str | None:
        """The local name of `http.HTTPStatus` when the module writes statuses with it
        (`HTTPStatus.NOT_FOUND`)."""
        for name in sorted(self.imports.local_names_for(HTTP_STATUS)):
            if self.index.uses_as_base(name):
                return name
        return None

    # -- positions -------------------------------------------------------------------------

    def _index_top_level(self) -> None:
        for stmt in self.tree.body:
            self._top_starts.append(statement_first_line(stmt))

    def top_level_position(self, line: int) -> int | None:
        """The position in the module's body of the top-level statement holding `line`."""
        i = bisect.bisect_right(self._top_starts, line) - 1
        if i < 0 or line > (self.tree.body[i].end_lineno or self.tree.body[i].lineno):
            return None
        return i

    def top_level_statement(self, line: int) -> ast.stmt | None:
        """The top-level statement whose lines contain `line` (decorators included)."""
        i = bisect.bisect_right(self._top_starts, line) - 1
        if i < 0:
            return None
        stmt = self.tree.body[i]
        return stmt if line <= (stmt.end_lineno or stmt.lineno) else None

    # -- definitions -----------------------------------------------------------------------

    def _collect_definitions(self) -> None:
        self._http_exception_subclasses: set[str] = set()
        self._response_subclasses: dict[str, str] = {}
        index = self.index
        self.function_nodes = module_level_first(index.functions(), self.tree)
        for fn in self.function_nodes:
            self.functions.setdefault(fn.name, fn)
        classes = module_level_first(index.of(ast.ClassDef), self.tree)
        for cls in classes:
            self.classes.setdefault(cls.name, cls)
        app_class_names = self.app_class_names
        for node in index.derived("model.call-assignments", _call_assignments):
            if may_create_app(node, app_class_names) and self.qualname(node.value.func) in APP_CLASSES:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    if isinstance(t, ast.Name):
                        self.app_names.add(t.id)
        # Subclasses defined here, in source order, so chains resolve (class A(HTTPException), class B(A)).
        for _ in range(2):
            for cls in classes:
                for base in cls.bases:
                    if self.qualname(base) == HTTP_EXCEPTION or (
                        isinstance(base, ast.Name) and base.id in self._http_exception_subclasses
                    ):
                        self._http_exception_subclasses.add(cls.name)
                    resp = self.response_class_of(base)
                    if resp:
                        self._response_subclasses.setdefault(cls.name, resp)

    # -- routes ----------------------------------------------------------------------------

    def _collect_routes(self) -> None:
        for node in self.index.derived("model.decorated-functions", _decorated_functions):
            for dec in node.decorator_list:
                route = self._route_from_decorator(dec, node)
                if route:
                    self.routes.append(route)
        for call in self.index.calls_named(("add_api_route",)):
            route = self._route_from_add_api_route(call)
            if route:
                self.routes.append(route)
        self.routes.sort(key=lambda r: (r.handler.lineno, r.registration.lineno))

    def _is_app(self, owner: ast.expr) -> bool:
        if isinstance(owner, ast.Name):
            return owner.id in self.app_names
        return False

    def _route_from_decorator(self, dec: ast.expr, handler: FunctionNode) -> Route | None:
        if not (isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute)):
            return None
        method = dec.func.attr
        owner = dec.func.value
        if method not in HTTP_METHODS and method != "api_route":
            return None
        path_node = dec.args[0] if dec.args else (kwarg(dec, "path").value if kwarg(dec, "path") else None)
        if not self._is_app(owner):
            # An object we cannot resolve (a router imported from elsewhere): a route only when
            # the first argument is a path string.
            if not isinstance(path_node, (ast.Constant, ast.JoinedStr)):
                return None
            if isinstance(path_node, ast.Constant) and not isinstance(path_node.value, str):
                return None
        if method == "api_route":
            methods = self._methods_kwarg(dec) or frozenset({"GET"})
        else:
            methods = frozenset({method.upper()})
        return self._make_route(dec, handler, owner, methods, path_node, is_decorator=True)

    def _route_from_add_api_route(self, call: ast.Call) -> Route | None:
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr == "add_api_route"):
            return None
        endpoint = call.args[1] if len(call.args) > 1 else (kwarg(call, "endpoint").value if kwarg(call, "endpoint") else None)
        if not isinstance(endpoint, ast.Name) or endpoint.id not in self.functions:
            return None
        path_node = call.args[0] if call.args else (kwarg(call, "path").value if kwarg(call, "path") else None)
        methods = self._methods_kwarg(call) or frozenset({"GET"})
        return self._make_route(call, self.functions[endpoint.id], func.value, methods, path_node, is_decorator=False)

    def _methods_kwarg(self, call: ast.Call) -> frozenset[str] | None:
        kw = kwarg(call, "methods")
        if kw is None:
            return None
        if isinstance(kw.value, (ast.List, ast.Tuple, ast.Set)):
            names = [literal_str(e) for e in kw.value.elts]
            if all(names):
                return frozenset(n.upper() for n in names)  # type: ignore[union-attr]
        return frozenset()

    def _make_route(self, call, handler, owner, methods, path_node, is_decorator) -> Route:
        status_kw = kwarg(call, "status_code")
        response_class_kw = kwarg(call, "response_class")
        return Route(
            methods=methods,
            path=literal_str(path_node),
            registration=call,
            handler=handler,
            owner=owner,
            status_keyword=status_kw,
            status=self.status_of(status_kw.value) if status_kw else None,
            response_class=self.response_class_of(response_class_kw.value) if response_class_kw else None,
            response_model=kwarg(call, "response_model"),
            responses=kwarg(call, "responses"),
            is_decorator=is_decorator,
        )

    def routes_of(self, handler: FunctionNode) -> list[Route]:
        by_handler = self.__dict__.get("_routes_by_handler")
        if by_handler is None or by_handler[0] != len(self.routes):  # (built once the routes are known)
            table: dict[int, list[Route]] = {}
            for r in self.routes:
                table.setdefault(id(r.handler), []).append(r)
            by_handler = self.__dict__["_routes_by_handler"] = (len(self.routes), table)
        return list(by_handler[1].get(id(handler), ()))


def last_name(node: ast.AST) -> str | None:
    """The last name of a dotted reference: `HTTPException` in `fastapi.HTTPException` and in
    `HTTPException`; None for anything else (a call, a subscript)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def statement_first_line(stmt: ast.stmt) -> int:
    decorators = getattr(stmt, "decorator_list", None)
    if decorators:
        return min(stmt.lineno, *(d.lineno for d in decorators))
    return stmt.lineno


# What the model reads of each statement, computed per statement (see NodeIndex.derived).


def _call_assignments(part: dict) -> list:
    return [n for kind in (ast.Assign, ast.AnnAssign) for n in part.get(kind, ()) if isinstance(n.value, ast.Call)]


def may_create_app(assignment: ast.Assign | ast.AnnAssign, app_class_names: set[str]) -> bool:
    """The quick test for `x = FastAPI(...)` (before resolving the name): the last name of the
    call is one an app or router class can have here (`ModuleModel.app_class_names`)."""
    return last_name(assignment.value.func) in app_class_names  # type: ignore[union-attr]


def app_assignments(part: dict, app_class_names: set[str]) -> list:
    """A statement's assignments that may create an app or router (`app = FastAPI()`), at any
    depth: the model takes their names for the whole module."""
    return [n for n in _call_assignments(part) if may_create_app(n, app_class_names)]


def _decorated_functions(part: dict) -> list:
    return [
        f
        for kind in (ast.FunctionDef, ast.AsyncFunctionDef)
        for f in part.get(kind, ())
        if any(isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) for d in f.decorator_list)
    ]

