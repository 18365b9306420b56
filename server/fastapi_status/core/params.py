"""What FastAPI reads into a handler's parameters, as far as the source says.

FastAPI decides per parameter: a name in the path is a path parameter; `Request`, `Response`,
`WebSocket`, `BackgroundTasks` and `SecurityScopes` are injected; `Depends(...)`/`Security(...)`
(as the default or inside `Annotated[...]`) is a dependency; `Query`/`Path`/`Header`/`Cookie`
say so; a scalar annotation (`str`, `int`, `UUID`, `datetime`, ...) or none at all is a query
parameter; anything else (a model, a `dict`, `list[...]`, `Body()`, `Form()`, `File()`,
`UploadFile`) is read from the request body.
"""

from __future__ import annotations

import ast
import re

from fastapi_status.core.index import cached_on
from fastapi_status.core.model import FunctionNode, last_name

INJECTED = {"Request", "Response", "WebSocket", "BackgroundTasks", "SecurityScopes", "HTTPConnection"}
DEPENDENCY_MARKERS = {"Depends", "Security"}
NOT_BODY_MARKERS = {"Query", "Path", "Header", "Cookie"}
BODY_MARKERS = {"Body", "Form", "File"}
SCALARS = {
    "str", "int", "float", "bool", "bytes", "UUID", "uuid", "datetime", "date", "time", "timedelta",
    "Decimal", "EmailStr", "HttpUrl", "AnyUrl", "SecretStr", "PositiveInt", "NonNegativeInt", "Optional",
    "Literal", "None", "StrictStr", "StrictInt", "constr", "conint", "Path", "IPvAnyAddress",
}
_PATH_PARAM = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?}")


def path_parameters(path: str | None) -> set[str]:
    """`/items/{item_id}/tags/{tag:path}` → {"item_id", "tag"}."""
    return set(_PATH_PARAM.findall(path or ""))


def parameters(handler: FunctionNode) -> list[tuple[ast.arg, ast.expr | None]]:
    """Every parameter with its default (None when it has none)."""
    args = handler.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    pairs = list(zip(positional, defaults))
    pairs += list(zip(args.kwonlyargs, args.kw_defaults))
    return pairs


def _markers(expr: ast.expr | None) -> frozenset[str]:
    """The last names of the calls and names in an annotation or a default: `Annotated[User,
    Depends(get_user)]` → {"Annotated", "User", "Depends", "get_user"} (kept on the node: every
    rule that reads a handler's parameters asks again)."""
    if expr is None:
        return frozenset()
    return cached_on(expr, "markers", lambda: frozenset(n for n in map(last_name, ast.walk(expr)) if n))


markers_of = _markers


def body_parameters(handler: FunctionNode, path: str | None) -> list[ast.arg]:
    """The parameters FastAPI reads from the request body (a model, a dict, `Body()`, `Form()`,
    `File()`). A parameter whose annotation cannot be told apart from a scalar is not counted.
    (Kept on the handler, per path: most rules ask.)"""
    return list(cached_on(handler, f"body-parameters:{path}", lambda: _body_parameters(handler, path)))


def _body_parameters(handler: FunctionNode, path: str | None) -> list[ast.arg]:
    in_path = path_parameters(path)
    return [arg for arg, default in parameters(handler) if arg.arg not in ("self", "cls") and _is_body(arg, default, in_path)]


def _is_body(arg: ast.arg, default: ast.expr | None, in_path: set[str]) -> bool:
    if arg.arg in in_path:
        return False
    marks = _markers(arg.annotation) | _markers(default)
    if marks & (INJECTED | DEPENDENCY_MARKERS | NOT_BODY_MARKERS):
        return False
    if marks & BODY_MARKERS or "UploadFile" in marks:
        return True
    if arg.annotation is None:
        return False  # a query parameter
    names = _markers(arg.annotation) - {"Annotated", "Optional", "Union", "list", "List", "typing"}
    return bool(names) and not names <= SCALARS


def input_parameters(handler: FunctionNode, path: str | None) -> list[ast.arg]:
    """The parameters the client fills in besides the path: the body and the query (and the
    headers and cookies it declares), not what FastAPI injects or a dependency provides."""
    in_path = path_parameters(path)
    found = []
    for arg, default in parameters(handler):
        if arg.arg in in_path or arg.arg in ("self", "cls"):
            continue
        if (_markers(arg.annotation) | _markers(default)) & (INJECTED | DEPENDENCY_MARKERS):
            continue
        found.append(arg)
    return found


def request_parameters(handler: FunctionNode, path: str | None) -> set[str]:
    """The names of the parameters the request's URL fills in: the path's and the query's (the
    body's left out)."""
    body = {a.arg for a in body_parameters(handler, path)}
    return path_parameters(path) | {a.arg for a in input_parameters(handler, path) if a.arg not in body}


_TEXT_MARKERS = {"str", "Optional", "Annotated", "Union", "None", "Query", "Path", "Header", "Cookie", "typing"}


def text_parameters(handler: FunctionNode, path: str | None) -> set[str]:
    """The path, query, header and cookie parameters FastAPI hands over as text: declared `str`
    (`str | None`, `Annotated[str, Query()]`) or not declared at all. A handler that converts one
    itself (`int(page)`) gets the client's typo as an exception."""
    body = {a.arg for a in body_parameters(handler, path)}
    found = set()
    for arg, default in parameters(handler):
        if arg.arg in body or arg.arg in ("self", "cls"):
            continue
        marks = _markers(arg.annotation) | _markers(default)
        if marks & (INJECTED | DEPENDENCY_MARKERS):
            continue
        annotation = _markers(arg.annotation)
        if arg.annotation is None or ("str" in annotation and annotation <= _TEXT_MARKERS):
            found.add(arg.arg)
    return found


def takes_injected(function: FunctionNode) -> bool:
    """Some parameter is one FastAPI provides (`Request`, `Response`, `Depends(...)`,
    `Security(...)`): the function is an endpoint or a dependency, whatever registers it."""
    return any((_markers(arg.annotation) | _markers(default)) & (INJECTED | DEPENDENCY_MARKERS) for arg, default in parameters(function))


def request_parameter(handler: FunctionNode) -> str | None:
    """The parameter FastAPI injects as the incoming `Request`."""
    for arg, _ in parameters(handler):
        if arg.annotation is not None and last_name(arg.annotation) == "Request":
            return arg.arg
    return None


_RAW_BODY_METHODS = {"body", "json", "form", "stream"}


def reads_raw_request(handler: FunctionNode, path: str | None) -> bool:
    """The handler declares no body of its own but reads the raw request: `await
    request.json()`, `request.body()`, or hands the request to a helper (`read_body(request)`).
    Such a handler forwards what the client sent (a proxy, a pass-through, a webhook)."""
    name = request_parameter(handler)
    if name is None or body_parameters(handler, path):
        return False
    for node in ast.walk(handler):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in _RAW_BODY_METHODS
            and isinstance(func.value, ast.Name)
            and func.value.id == name
        ):
            return True
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            if isinstance(arg, ast.Name) and arg.id == name:
                return True
    return False


_CONSTRAINTS = {"min_length", "max_length", "pattern", "regex", "gt", "ge", "lt", "le", "max_digits", "decimal_places"}


def may_fail_validation(arg: ast.arg, default: ast.expr | None, path: str | None) -> str | None:
    """Why FastAPI may answer 422 for this parameter (None: it never does): a body parameter;
    a path, query, header or cookie parameter that is required, converted (`int`, a model, an
    enum) or constrained (`min_length=`). A text parameter of the path (`sku: str`) or one with
    a default cannot fail. What FastAPI injects or a dependency provides is not asked here."""
    in_path = path_parameters(path)
    if _is_body(arg, default, in_path):
        return "the request body"
    annotation = _markers(arg.annotation) - {"Query", "Path", "Header", "Cookie"}
    converted = arg.annotation is not None and not ("str" in annotation and annotation <= _TEXT_MARKERS)
    if converted:
        return "converted from text"
    for node in (default, arg.annotation):
        for call in ast.walk(node) if node is not None else ():
            if isinstance(call, ast.Call) and any(k.arg in _CONSTRAINTS for k in call.keywords):
                return "constrained"
    if arg.arg in in_path:
        return None  # (text of the path: any segment matches)
    if default is None:
        return "required"
    marker = next((n for n in ast.walk(default) if isinstance(n, ast.Call) and last_name(n.func) in NOT_BODY_MARKERS), None)
    if marker is not None and default is marker:
        has_default = any(k.arg in ("default", "default_factory") for k in marker.keywords) or (
            marker.args and not (isinstance(marker.args[0], ast.Constant) and marker.args[0].value is Ellipsis)
        )
        return None if has_default else "required"
    return None
