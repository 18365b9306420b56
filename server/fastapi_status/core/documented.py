"""What a route's OpenAPI documents, as FastAPI builds it (fastapi/openapi/utils.py): the
success status (`status_code=`, else the response class's default), every `responses=` key
along the way (the route's, each router's, each `include_router`'s, the app's), and 422 when
the route reads anything from the request (a parameter of the handler or of any dependency of
the route, its routers or the app) and no 422, `4XX` or `default` is there already.

What is not read (a `responses=` that is not a dict literal, a dependency that does not resolve)
is said in `unresolved`, and never guessed."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from fastapi_status.core.model import FunctionNode, ModuleModel, kwarg, last_name
from fastapi_status.core.params import DEPENDENCY_MARKERS, INJECTED, markers_of, parameters
from fastapi_status.core.project import ModuleInfo, ProjectIndex, absolute
from fastapi_status.core.project_routes import ProjectRoute, module_model

_WILDCARDS = {"1XX", "2XX", "3XX", "4XX", "5XX", "DEFAULT"}
_MAX_DEPTH = 8  # dependencies of dependencies followed this deep


@dataclass(frozen=True)
class Documented:
    statuses: frozenset[int | str]  # 404; "4XX" and "default" as FastAPI writes them
    unresolved: tuple[str, ...] = ()  # what could not be read, in words
    in_schema: bool = True  # False: `include_in_schema=False`, the OpenAPI leaves it out
    # False: some `responses=` along the way is not read (it may document anything)
    responses_read: bool = True


def documented(index: ProjectIndex, route: ProjectRoute) -> Documented:
    calls = [(route.module, route.model, route.route.registration), *route.along]
    if any(_is_false(_keyword(call, "include_in_schema")) or _is_none(_keyword(call, "openapi_url")) for _, _, call in calls):
        return Documented(frozenset(), in_schema=False)  # (`FastAPI(openapi_url=None)`: no OpenAPI at all)
    statuses: set[int | str] = set()
    unresolved: list[str] = []
    success = route.route.effective_status
    if success is None:
        unresolved.append(f"the status_code= of {route.route.handler.name} is not resolved")
    else:
        statuses.add(success)
    responses_read = True
    for _, model, call in calls:
        value = _keyword(call, "responses")
        if value is not None:
            responses_read = _responses(model, value, statuses, unresolved) and responses_read
    if not statuses & {422, "4XX", "default"}:
        reads = _reads_request(index, route, calls)
        if reads is None:
            unresolved.append("whether the route reads the request (and FastAPI documents 422): a dependency is not resolved")
        elif reads:
            statuses.add(422)
    return Documented(frozenset(statuses), tuple(unresolved), responses_read=responses_read)


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    """The value of keyword `name` of the call (core/model.kwarg's)."""
    found = kwarg(call, name)
    return found.value if found is not None else None


def _is_none(expr: ast.expr | None) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is None


def _is_false(expr: ast.expr | None) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is False


def _responses(model: ModuleModel, value: ast.expr, statuses: set[int | str], unresolved: list[str]) -> bool:
    """Adds the statuses a `responses=` value documents; False when some of it is not read."""
    if not isinstance(value, ast.Dict):
        unresolved.append(f"responses= at line {value.lineno} is not a dict literal")
        return False
    read = True
    for key in value.keys:
        if key is None:
            unresolved.append(f"responses= at line {value.lineno} unpacks another dict (**)")
            read = False
            continue
        code = model.status_of(key)
        if code is not None:
            statuses.add(code)
        elif isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.upper() in _WILDCARDS:
            statuses.add("default" if key.value.upper() == "DEFAULT" else key.value.upper())
        elif isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value.isdigit():
            statuses.add(int(key.value))
        else:
            unresolved.append(f"a responses= key at line {key.lineno} is not resolved")
            read = False
    return read


def _reads_request(index: ProjectIndex, route: ProjectRoute, calls: list[tuple[ModuleInfo, ModuleModel, ast.Call]]) -> bool | None:
    """The route reads a parameter from the request (True), reads none (False), or that depends
    on something not resolved (None)."""
    answers = [_function_reads(index, route.module, route.model, route.route.handler, 0, set())]
    for info, model, call in calls:
        deps = _keyword(call, "dependencies")
        if deps is None:
            continue
        if not isinstance(deps, (ast.List, ast.Tuple)):
            answers.append(None)
            continue
        answers += [_dependency_reads(index, info, model, d, None, 0, set()) for d in deps.elts]
    if any(a is True for a in answers):
        return True
    return None if any(a is None for a in answers) else False


def _function_reads(
    index: ProjectIndex, info: ModuleInfo | None, model: ModuleModel, function: FunctionNode, depth: int, seen: set[int]
) -> bool | None:
    if id(function) in seen or depth > _MAX_DEPTH:
        return False if id(function) in seen else None
    seen = seen | {id(function)}
    answers: list[bool | None] = []
    for arg, default in parameters(function):
        if arg.arg in ("self", "cls"):
            continue
        marks = markers_of(arg.annotation) | markers_of(default)
        if marks & INJECTED:
            continue
        if marks & DEPENDENCY_MARKERS:
            marker = dependency_call(default) or dependency_call(arg.annotation)
            answers.append(_dependency_reads(index, info, model, marker, arg.annotation, depth + 1, seen) if marker else None)
            continue
        return True  # a path, query, header, cookie or body parameter
    if any(a is True for a in answers):
        return True
    return None if any(a is None for a in answers) else False


def dependency_call(expr: ast.expr | None) -> ast.Call | None:
    """The `Depends(…)`/`Security(…)` call in a default or an `Annotated[…]` annotation."""
    if expr is None:
        return None
    for node in ast.walk(expr):
        if isinstance(node, ast.Call) and last_name(node.func) in DEPENDENCY_MARKERS:
            return node
    return None


def _dependency_reads(
    index: ProjectIndex, info: ModuleInfo | None, model: ModuleModel, marker: ast.expr, annotation: ast.expr | None,
    depth: int, seen: set[int],
) -> bool | None:
    """Whether the dependency a `Depends(f)` names reads the request: f's own parameters; a
    security scheme instance (`OAuth2PasswordBearer(…)`) reads none FastAPI counts."""
    if not isinstance(marker, ast.Call) or last_name(marker.func) not in DEPENDENCY_MARKERS:
        return None
    target = marker.args[0] if marker.args else _keyword(marker, "dependency")
    if target is None:
        return None  # `Depends()`: the annotation's class (its __init__) — not read
    if isinstance(target, ast.Name) and target.id in model.functions:
        return _function_reads(index, info, model, model.functions[target.id], depth, seen)
    if isinstance(target, ast.Name) and _security_instance(model, target.id):
        return False
    if info is None:
        return None
    resolved = index.resolve(info.name, info.imports, target)
    if resolved is not None:
        return _function_reads(index, resolved.module, module_model(resolved.module), resolved.function, depth, seen)
    qualname = info.imports.qualname(target)
    path = index.modules.get(info.name, "")
    qualname = absolute(qualname, info.name, caller_is_package=path.endswith("__init__.py")) if qualname else None
    if qualname is not None and "." in qualname:
        module_name, _, name = qualname.rpartition(".")
        other = index.module(module_name) if module_name in index.modules else None
        if other is not None and _security_instance(module_model(other), name):
            return False
    return None


def _security_instance(model: ModuleModel, name: str) -> bool:
    """`name = OAuth2PasswordBearer(…)` (or another fastapi.security class) at the top level."""
    for stmt in model.tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets)
            and isinstance(stmt.value, ast.Call)
        ):
            qualname = model.qualname(stmt.value.func) or ""
            return qualname.startswith("fastapi.security.")
    return False
