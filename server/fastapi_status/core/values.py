"""What a returned expression is, as far as the source proves it.

`NONE`: the handler answers `null` (or nothing). `RESPONSE`: a Response object the handler built,
whose own status wins over the route's. `BODY`: data FastAPI will serialize (a literal, a
container, a model defined in this module). `UNKNOWN`: anything else (a call to a helper, a name
bound elsewhere) — rules stay silent on it.
"""

from __future__ import annotations

import ast
import enum

from fastapi_status.core.flow import HandlerFlow
from fastapi_status.core.model import ModuleModel

_BODY_NODES = (
    ast.Dict,
    ast.List,
    ast.Tuple,
    ast.Set,
    ast.ListComp,
    ast.DictComp,
    ast.SetComp,
    ast.JoinedStr,
)
_BODY_BUILTINS = {"dict", "list", "str", "int", "float", "bool", "tuple", "set", "len", "sorted"}


class Kind(enum.Enum):
    NONE = "none"
    RESPONSE = "response"
    BODY = "body"
    UNKNOWN = "unknown"


def value_kind(expr: ast.expr | None, model: ModuleModel, flow: HandlerFlow | None = None, _depth: int = 0) -> Kind:
    if expr is None:
        return Kind.NONE
    if isinstance(expr, ast.Constant):
        return Kind.NONE if expr.value is None else Kind.BODY
    if isinstance(expr, _BODY_NODES):
        return Kind.BODY
    if isinstance(expr, ast.Await):
        return Kind.UNKNOWN
    if isinstance(expr, ast.Call):
        if model.response_class_of(expr.func):
            return Kind.RESPONSE
        func = expr.func
        if isinstance(func, ast.Name):
            if func.id in _BODY_BUILTINS and model.imports.lookup(func.id) is None:
                return Kind.BODY
            cls = model.classes.get(func.id)
            if cls is not None and model.response_class_of(func) is None:
                return Kind.BODY  # a model class defined in this module
        return Kind.UNKNOWN
    if isinstance(expr, ast.Name) and flow is not None and _depth < 4:
        values = flow.locals.get(expr.id)
        if not values or any(v is expr or isinstance(v, ast.Name) and v.id == expr.id for v in values):
            return Kind.UNKNOWN
        kinds = {value_kind(v, model, flow, _depth + 1) for v in values}
        return kinds.pop() if len(kinds) == 1 else Kind.UNKNOWN
    return Kind.UNKNOWN


def response_call(
    expr: ast.expr | None, model: ModuleModel, flow: HandlerFlow | None, through_wrappers: bool = False
) -> tuple[ast.Call, str | None] | None:
    """The Response constructor call that `expr` evaluates to, and the local name it went
    through (`resp = JSONResponse(...); return resp`). Only when that is the one possibility.
    With `through_wrappers`, also when the local is then passed through functions that hand
    it back (`resp = delete_cookie(resp)`)."""
    if isinstance(expr, ast.Call) and model.response_class_of(expr.func):
        return expr, None
    if isinstance(expr, ast.Name) and flow is not None:
        values = flow.locals.get(expr.id) or []
        if through_wrappers and len(values) > 1 and all(
            isinstance(v, ast.Call) and v.args and isinstance(v.args[0], ast.Name) and v.args[0].id == expr.id
            and not model.response_class_of(v.func)
            for v in values[1:]
        ):
            values = values[:1]
        if len(values) == 1 and isinstance(values[0], ast.Call) and model.response_class_of(values[0].func):
            return values[0], expr.id
    return None
