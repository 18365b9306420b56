"""Does a returned value carry an error? The signals FST201 and FST203 share.

A payload is a dict literal (returned directly, through a local with one literal assignment,
or as the content of a JSON response class without `status_code=`). It is an error payload
when it has a non-empty `"error"`/`"errors"`, `"ok"`/`"success": False`, `"status": "error"`,
or a `"detail"`/`"message"` whose text reads as a failure.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from fastapi_status.core.flow import HandlerFlow
from fastapi_status.core.model import ModuleModel, kwarg

JSON_RESPONSES = {
    "fastapi.responses.JSONResponse",
    "fastapi.responses.ORJSONResponse",
    "fastapi.responses.UJSONResponse",
}
MESSAGE_KEYS = ("detail", "message", "msg", "error_message", "error")
_FAILURE = re.compile(
    r"\b(not found|does ?n[o']t exist|do ?n[o']t exist|no such|invalid|unauthori[sz]ed|forbidden|not allowed|"
    r"permission denied|access denied|already exists?|already registered|already taken|conflict|"
    r"failed|failure|errors?|missing|(is|are) required|not authenticated|incorrect|expired|unable to|"
    r"cannot|can ?n[o']t|could ?n[o']t|bad request|not permitted|not supported|unsupported)\b",
    re.IGNORECASE,
)
_SUCCESS = re.compile(
    r"\b(no|without|zero|0)\s+(errors?|failures?)\b|\bsuccess(ful(ly)?)?\b|\bok\b|\b(deleted|removed|created|updated|saved)\b",
    re.IGNORECASE,
)
_STATUS_WORDS = {"error", "failed", "failure", "fail"}
_HINTS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"not found|does ?n[o']t exist|no such", re.I), 404),
    (re.compile(r"unauthori[sz]ed|not authenticated|credential|token|expired|log ?in", re.I), 401),
    (re.compile(r"forbidden|permission|not allowed|access denied|not permitted", re.I), 403),
    (re.compile(r"already (exists?|registered|taken)|conflict|duplicate", re.I), 409),
    (re.compile(r"invalid|required|missing|bad request|incorrect|not supported|unsupported", re.I), 400),
)


@dataclass
class Payload:
    mapping: ast.Dict
    message: ast.expr | None  # the expression to keep as the exception's detail
    text: str  # the literal text we could read, for inferring a status
    reason: str  # which signal fired, for the message


def literal_text(expr: ast.expr | None) -> str | None:
    """The readable text of a string literal or an f-string's literal parts."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, ast.JoinedStr):
        return " ".join(v.value for v in expr.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return None


def reads_as_failure(text: str) -> bool:
    return bool(_FAILURE.search(text)) and not _SUCCESS.search(text)


def infer_status(text: str, uses_422: bool) -> int | None:
    for pattern, code in _HINTS:
        if pattern.search(text):
            return 422 if code == 400 and uses_422 else code
    return None


def payload_of(expr: ast.expr | None, model: ModuleModel, flow: HandlerFlow) -> tuple[ast.Dict, ast.Call | None] | None:
    """The dict a returned expression sends, and the JSON response call around it (if any).
    None when the value is not visibly a dict, or the response class sets its own status."""
    call = None
    if isinstance(expr, ast.Name):
        values = flow.locals.get(expr.id) or []
        expr = values[0] if len(values) == 1 else None
    if isinstance(expr, ast.Call):
        if model.response_class_of(expr.func) not in JSON_RESPONSES:
            return None
        if len(expr.args) > 1 or kwarg(expr, "status_code") or any(k.arg is None for k in expr.keywords):
            return None
        call = expr
        kw = kwarg(expr, "content")
        expr = expr.args[0] if expr.args else kw.value if kw else None
    if isinstance(expr, ast.Dict):
        return expr, call
    return None


def _non_empty(value: ast.expr) -> bool:
    if isinstance(value, ast.Constant):
        return bool(value.value)
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return bool(value.elts)
    if isinstance(value, ast.Dict):
        return bool(value.keys)
    if isinstance(value, ast.JoinedStr):
        return True
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("str", "repr"):
        return True
    return False


def error_payload(mapping: ast.Dict) -> Payload | None:
    entries = {}
    for k, v in zip(mapping.keys, mapping.values):
        if isinstance(k, ast.Constant) and isinstance(k.value, str):
            entries[k.value.lower()] = v
    message = next((entries[k] for k in MESSAGE_KEYS if k in entries and _is_textual(entries[k])), None)
    text = literal_text(message) or ""
    for key in ("error", "errors"):
        if key in entries and _non_empty(entries[key]):
            return Payload(mapping, message, text or literal_text(entries[key]) or "", f'a non-empty "{key}"')
    for key in ("ok", "success"):
        value = entries.get(key)
        if isinstance(value, ast.Constant) and value.value is False:
            return Payload(mapping, message, text, f'"{key}": False')
    status = entries.get("status")
    if isinstance(status, ast.Constant) and isinstance(status.value, str) and status.value.lower() in _STATUS_WORDS:
        return Payload(mapping, message, text, f'"status": "{status.value}"')
    for key in ("detail", "message", "msg"):
        t = literal_text(entries.get(key))
        if t and reads_as_failure(t):
            return Payload(mapping, entries[key], t, f'a "{key}" that reports a failure')
    return None


def _is_textual(expr: ast.expr) -> bool:
    if isinstance(expr, (ast.JoinedStr, ast.Name, ast.Attribute)):
        return True
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return True
    return isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in ("str", "repr")


def mentions_exception(expr: ast.AST, name: str | None) -> bool:
    """`str(exc)`, `repr(exc)`, `f"... {exc}"`, `exc.args`, or `exc` itself."""
    if not name:
        return False
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(expr))


REPORT_WORDS = {"health", "healthz", "healthcheck", "check", "validate", "validation", "verify", "status",
                "ping", "test", "readiness", "liveness", "ready", "live", "probe", "diagnose", "diagnostics"}
