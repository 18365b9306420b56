"""Which values inside a handler hold what the client sent, past the parameters themselves.

Two questions, answered from the handler's own assignments (no calls followed):

- `text_values`: the names that hold (part of) the client's *text*: a path, query or header
  parameter, and what is taken from it without reading anything else: an attribute or an item
  of it, a `str` method's result (`x.strip()`, `x.split(":")`), a decoder's
  (`GlobalID.from_id(x)`, `b64decode(x)`, `unquote(x)`), text built around it (`"/" + x`). A
  lookup (`repo.get(x)`) is not the client's text: what it returns is the server's data.
- `body_values`: the names that hold the body the handler read itself (`await request.json()`),
  and what it is turned into whole by a transform (`normalise(raw)`, not an awaited lookup).
"""

from __future__ import annotations

import ast
import bisect

from fastapi_status.core.index import cached_on
from fastapi_status.core.model import FunctionNode, last_name

# `str` methods: what they return is still the client's text.
STR_METHODS = {
    "strip", "lstrip", "rstrip", "lower", "upper", "casefold", "title", "split", "rsplit", "partition",
    "rpartition", "replace", "removeprefix", "removesuffix", "splitlines", "decode", "encode",
}
# Functions that decode text into text (or a value made of it), raising only on malformed input.
DECODERS = {"from_id", "b64decode", "urlsafe_b64decode", "b32decode", "b16decode", "unquote", "unquote_plus",
            "from_global_id"}
# Calls that check the text first: a conversion after them cannot fail on it.
_CHECKS = {"isdigit", "isnumeric", "isdecimal", "isascii", "isalnum", "match", "fullmatch"}
_RAW_BODY = {"json", "form"}
Bindings = list[tuple[ast.AST, ast.AST]]


def carries_text(expr: ast.AST, names: set[str]) -> bool:
    """`expr` is (part of) the text some name in `names` holds."""
    if isinstance(expr, ast.Name):
        return expr.id in names
    if isinstance(expr, (ast.Attribute, ast.Subscript, ast.Starred)):
        return carries_text(expr.value, names)
    if isinstance(expr, ast.Await):
        return carries_text(expr.value, names)
    if isinstance(expr, ast.Call):
        func = expr.func
        if isinstance(func, ast.Attribute) and func.attr in STR_METHODS:
            return carries_text(func.value, names)
        return last_name(func) in DECODERS and bool(expr.args) and carries_text(expr.args[0], names)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mod)):
        return carries_text(expr.left, names) or carries_text(expr.right, names)
    if isinstance(expr, ast.JoinedStr):
        return any(
            isinstance(v, ast.FormattedValue) and carries_text(v.value, names) for v in expr.values
        )
    if isinstance(expr, ast.IfExp):
        return carries_text(expr.body, names) or carries_text(expr.orelse, names)
    return False


def text_values(
    handler: FunctionNode, seeds: set[str], bindings: Bindings | None = None, calls: list[ast.Call] | None = None
) -> set[str]:
    """`seeds` (the text parameters) and the local names bound to what carries their text.
    `bindings`: the handler's (target, value) pairs when the caller has them (from the node
    index), else they are collected here."""
    return _spread(handler, set(seeds), carries_text, bindings) - checked_names(handler, calls)


def checked_names(handler: FunctionNode, calls: list[ast.Call] | None = None) -> set[str]:
    """Names whose text the handler checks before it converts it: `x.isdigit()`,
    `re.fullmatch(…, x)`. `calls`: the handler's calls when the caller has them."""
    found = set()
    for node in calls if calls is not None else ast.walk(handler):
        if isinstance(node, ast.Call) and last_name(node.func) in _CHECKS:
            checked = [node.func.value] if isinstance(node.func, ast.Attribute) else []
            found |= {r for r in map(root_name, [*checked, *node.args]) if r}
    return found


def root_name(expr: ast.AST) -> str | None:
    """`gid` for `gid.node_id`, `parts[1]`, `data.get("id")`."""
    while isinstance(expr, (ast.Attribute, ast.Subscript, ast.Call)):
        expr = expr.func if isinstance(expr, ast.Call) else expr.value
    return expr.id if isinstance(expr, ast.Name) else None


def _reads_body(expr: ast.AST, request: str) -> bool:
    """`await request.json()` (or `.form()`)."""
    call = expr.value if isinstance(expr, ast.Await) else expr
    return (
        isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in _RAW_BODY
        and isinstance(call.func.value, ast.Name) and call.func.value.id == request
    )


def carries_body(expr: ast.AST, names: set[str], request: str | None) -> bool:
    """`expr` is the body the handler read (or some name in `names` holds it) or that body
    turned into something else whole: `adapter.validate_python(raw)`, `normalise(raw)`, not
    `await repo.get(raw["id"])`."""
    if request is not None and _reads_body(expr, request):
        return True
    if isinstance(expr, ast.Name):
        return expr.id in names
    if isinstance(expr, ast.Call):
        whole = [*expr.args, *(k.value for k in expr.keywords)]
        return any(
            (isinstance(a, ast.Name) and a.id in names) or (request is not None and _reads_body(a, request))
            for a in whole
        )
    if isinstance(expr, ast.IfExp):
        return carries_body(expr.body, names, request) or carries_body(expr.orelse, names, request)
    return False


def body_values(handler: FunctionNode, request: str | None, bindings: Bindings | None = None) -> set[str]:
    """The local names that hold the body the handler read from `request` itself."""
    if request is None:
        return set()
    return _spread(handler, set(), lambda e, names: carries_body(e, names, request), bindings)


def _spread(handler: FunctionNode, names: set[str], carries, bindings: Bindings | None = None) -> set[str]:
    """Add the names bound (`=`, `:=`, `for … in`) to what `carries` says holds some of
    `names`, until nothing changes (assignments come in any order: loops)."""
    bindings = bindings if bindings is not None else _bindings(handler)
    while True:
        added = {t for target, value in bindings if carries(value, names) for t in _target_names(target)} - names
        if not added:
            return names
        names |= added


def _bindings(handler: FunctionNode) -> list[tuple[ast.AST, ast.AST]]:
    """(target, value) of every binding in the handler (kept on the node: three questions ask)."""
    return cached_on(handler, "bindings", lambda: _collect_bindings(handler))


def _collect_bindings(handler: FunctionNode) -> list[tuple[ast.AST, ast.AST]]:
    found: list[tuple[ast.AST, ast.AST]] = []
    for node in ast.walk(handler):
        if isinstance(node, ast.Assign):
            found += [(t, node.value) for t in node.targets]
        elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
            found.append((node.target, node.value))
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            found.append((node.target, node.iter))
    return found


def _target_names(target: ast.AST) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for e in target.elts for n in _target_names(e)]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []


def client_values(
    handler: FunctionNode, seeds: set[str], bindings: Bindings | None = None, names_at: list | None = None
) -> set[str]:
    """`seeds` (the parameters the client fills in) and every local name bound to an expression
    that mentions one, through any call: `session = Session.get(payload.session_id)` holds
    what the client named. Broad on purpose: it says what a call is *about*, not that the
    value is the client's text."""
    if not seeds:
        return set()
    pairs = [
        (_target_names(target), _names_within(value, names_at) if names_at is not None else
         {n.id for n in ast.walk(value) if isinstance(n, ast.Name)})
        for target, value in (bindings if bindings is not None else _bindings(handler))
    ]
    names = set(seeds)
    while True:  # (each value's names are read once; the fixpoint is set arithmetic)
        added = {t for targets, used in pairs if used & names for t in targets} - names
        if not added:
            return names
        names |= added


def _names_within(expr: ast.AST, names_at: list) -> set[str]:
    """The names used inside `expr`, from `names_at`: [((line, column), name)] of the function's
    names, sorted (a bisect instead of a walk of `expr`)."""
    start = (expr.lineno, expr.col_offset)  # type: ignore[attr-defined]
    end = (expr.end_lineno or expr.lineno, expr.end_col_offset or 0)  # type: ignore[attr-defined]
    i = bisect.bisect_left(names_at, (start, ""))
    found = set()
    while i < len(names_at) and names_at[i][0] < end:
        found.add(names_at[i][1])
        i += 1
    return found


def mentions(expr: ast.AST, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(expr))
