"""Which exceptions the app turns into answers of its own choosing, by exception handlers.

An exception that leaves a handler reaches the client as `500 Internal Server Error`, unless
an exception handler is registered for its class or a base of it: in this module
(`@app.exception_handler(ValueError)`, `app.add_exception_handler(ValueError, …)`,
`FastAPI(exception_handlers={ValueError: …})`) or in any other module of the project (read by
`project_facts`, passed in `Settings.handled_exceptions`).

A handler for `Exception` (or `BaseException`) is not counted: Starlette runs it as the
server-error handler, after the failure, and what it sends is the app's 500 (with the app's
body). A registration whose class cannot be read (`*`) may map anything: the rules that ask
then stay silent.
"""

from __future__ import annotations

import ast
import builtins
from typing import TYPE_CHECKING

from fastapi_status.core.model import last_name

if TYPE_CHECKING:
    from fastapi_status.core.context import Context

ANYTHING = "*"
SERVER_ERROR_HANDLERS = {"Exception", "BaseException"}
# What a handler for the base also catches (pydantic's ValidationError is a ValueError).
_SUBCLASSES = {
    "ValueError": {"JSONDecodeError", "ValidationError", "UnicodeDecodeError", "UnicodeError"},
    "LookupError": {"KeyError", "IndexError"},
    "RuntimeError": {"NotImplementedError", "RecursionError"},
    "ArithmeticError": {"InvalidOperation", "ZeroDivisionError"},
    "OSError": {"PermissionError", "FileNotFoundError"},
}


def mapped_exceptions(ctx: "Context") -> frozenset[str]:
    """The exception names the app maps to answers (with the subclasses a handler for a base
    catches); `*` among them when some registration was not read."""
    return ctx.memo("exception-handlers.mapped", lambda: _mapped(ctx))


def _mapped(ctx: "Context") -> frozenset[str]:
    found = set(ctx.settings.handled_exceptions) | _module_registrations(ctx)
    found -= SERVER_ERROR_HANDLERS
    for base, subclasses in _SUBCLASSES.items():
        if base in found:
            found |= subclasses
    return frozenset(found)


def _module_registrations(ctx: "Context") -> set[str]:
    found: set[str] = set()
    for call in ctx.model.index.calls_named(("exception_handler", "add_exception_handler")):
        if call.args:
            name = last_name(call.args[0])
            found.add(name if name and name[:1].isupper() else ANYTHING)
    for call in ctx.model.index.calls_named(ctx.model.app_class_names):
        for kw in call.keywords:
            if kw.arg == "exception_handlers":
                if isinstance(kw.value, ast.Dict):
                    found |= {last_name(k) or ANYTHING for k in kw.value.keys if k is not None}
                else:
                    found.add(ANYTHING)
    return found


# Exceptions that no conversion, lookup, assert or `raise ValueError(…)` raises: an `except` of
# only these catches none of them.
UNRELATED = {"HTTPException", "StarletteHTTPException", "RequestValidationError", "WebSocketDisconnect",
             "CancelledError", "KeyboardInterrupt", "SystemExit", "GeneratorExit", "StopIteration",
             "StopAsyncIteration", "TimeoutError", "ConnectionError"}
_BUILTIN_EXCEPTIONS = {
    name for name, value in vars(builtins).items() if isinstance(value, type) and issubclass(value, BaseException)
}


def may_catch(handler: ast.ExceptHandler, raised: str | None = None) -> bool:
    """The `except` clause may catch `raised` (a builtin exception's name; None: whatever a
    conversion or lookup raises). A class it cannot see (`except ServiceError`) may."""
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    for t in types:
        name = last_name(t)
        if name in UNRELATED:
            continue
        if raised is None or name in (raised, *SERVER_ERROR_HANDLERS) or raised in _SUBCLASSES.get(name or "", ()):
            return True
        if name not in _BUILTIN_EXCEPTIONS:
            return True  # (a class of the project's: it may derive from `raised`)
    return False
