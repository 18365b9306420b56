"""Internal errors told the way a user can act on them: where in their code it happened."""

from __future__ import annotations

import ast
import traceback
from types import TracebackType


def failure_report(exc: BaseException) -> str:
    """What went wrong, for an internal error: a first line with the place in the user's file
    the code was reading when it failed ("line 12, column 4: RecursionError: …") and then the
    traceback."""
    what = traceback.format_exception_only(type(exc), exc)[-1].strip()
    place = failure_place(exc.__traceback__, outermost=isinstance(exc, RecursionError))
    where = f"line {place[0]}, column {place[1]}: " if place else ""
    return f"{where}{what}\n{''.join(traceback.format_exception(type(exc), exc, exc.__traceback__))}"


def failure_place(tb: TracebackType | None, outermost: bool = False) -> tuple[int, int] | None:
    """Where in the user's code a rule or a fix failed: the position of the syntax node that
    the innermost frame of `tb` holding one (a local variable) was working on; with
    `outermost`, the first such frame's (a recursion that went too deep started there)."""
    places = []
    while tb is not None:
        for value in tb.tb_frame.f_locals.values():
            if isinstance(value, ast.AST) and hasattr(value, "lineno"):
                places.append((value.lineno, value.col_offset + 1))  # (columns 1-based, as printed)
                break
        tb = tb.tb_next
    if not places:
        return None
    return places[0] if outermost else places[-1]
